#!/bin/bash
# tests/hvctl/net.sh - hvctl's named networks (network-create/-list/-delete/-start) for real, on
# the build host's own kernel inside throw-away network and mount namespaces (unshare -n -m:
# nothing outside is touched), with Debian's iproute2, nftables and dnsmasq as in dom0.
# A veth pair stands for the uplink NIC; another, named like a vif, for a guest: it gets its
# address from the NAT network's dnsmasq (busybox udhcpc in a third namespace).
#   usage: tests/hvctl/net.sh HVCTL BUSYBOX
set -uo pipefail
H=${1:?usage: net.sh HVCTL BUSYBOX}
BB=${2:?usage: net.sh HVCTL BUSYBOX}
H=$(cd "$(dirname "$H")" && pwd)/$(basename "$H")
BB=$(cd "$(dirname "$BB")" && pwd)/$(basename "$BB")
for t in ip nft dnsmasq unshare nsenter; do
    command -v "$t" >/dev/null || { echo "net.sh: $t not found (scripts/install-deps)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "net.sh: needs root (network namespaces); NOT RUN is a failure"; exit 1; }

if [ "${NET_SH_INSIDE:-}" != 1 ]; then
    exec env NET_SH_INSIDE=1 unshare -n -m --propagation private "$0" "$@"
fi

work=$(mktemp -d /tmp/hvctl-net.XXXXXX)
guest=""
cleanup() {
    HV_NET_DIR=$work/etc HV_NET_RUN=$work/run
    for f in "$work"/run/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
    [ -n "$guest" ] && kill "$guest" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
export HV_NET_DIR=$work/etc HV_NET_RUN=$work/run
mount -t sysfs sysfs /sys || { echo "net.sh: cannot mount sysfs in the namespace"; exit 1; }
mount -t tmpfs tmpfs /run 2>/dev/null || true
ip link set lo up
echo 0 > /proc/sys/net/ipv4/ip_forward   # the namespace inherits the build host's setting
passed=0
failed=0

# expect NAME RC PATTERN CMD...: CMD exits RC and its stdout+stderr match the ERE PATTERN.
expect() {
    local name=$1 want=$2 pat=$3 rc
    shift 3
    "$@" >"$work/out" 2>&1
    rc=$?
    if [ "$rc" = "$want" ] && { [ -z "$pat" ] || grep -Eq -- "$pat" "$work/out"; }; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc (wanted $want), output:"
        sed 's/^/    /' "$work/out"
        echo "    (wanted /$pat/)"
    fi
}
# ok NAME CMD...: a shell condition about the state.
ok() {
    local name=$1
    shift
    # no pipefail here: grep -q ending early may end nft/ip with SIGPIPE
    if (set +o pipefail; eval "$*") >"$work/out" 2>&1; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL $name: $*"; sed 's/^/    /' "$work/out"
    fi
}

# The "host's NIC": eth1 with an address and a default route through it.
ip link add eth1 type veth peer name wire1
ip link set wire1 up && ip link set eth1 up
ip addr add 10.77.0.1/24 dev eth1 && ip route add default via 10.77.0.254 dev eth1

# Refusals, each leaving nothing behind.
expect usage 2 'usage: hvctl network-create' "$H" network-create lan
expect bad-mode 1 "--mode 'bridge': bridged, internal or nat" "$H" network-create lan --mode bridge
expect bad-name 1 "network name 'a/b'" "$H" network-create a/b --mode internal
expect bad-subnet 1 "subnet '10.0.0.1/24' has host bits set" \
    "$H" network-create lan --mode internal --subnet 10.0.0.1/24
expect bridged-no-uplink 1 'a bridged network needs --uplink' "$H" network-create b --mode bridged
expect internal-uplink 1 'an internal network has no uplink' \
    "$H" network-create lan --mode internal --uplink eth1
expect missing-uplink 1 "uplink 'eth9': no such interface" \
    "$H" network-create b --mode bridged --uplink eth9
expect existing-if 1 "an interface named 'eth1' exists already" \
    "$H" network-create eth1 --mode internal
ok nothing-left '[ -z "$(ls "$work/etc" 2>/dev/null)" ] && ! ip link show type bridge | grep -q .'

# internal: a bridge, no address, nothing forwarded through it.
expect internal 0 'network lan: internal on bridge lan' "$H" network-create lan --mode internal
ok internal-up 'ip -br link show lan | grep -q UP && ! ip -4 addr show dev lan | grep -q inet'
ok internal-nft 'nft list table ip hv_lan | grep -q "iifname \"lan\" drop"'
expect internal-subnet 0 'subnet 10.9.0.0/24' \
    "$H" network-create lan2 --mode internal --subnet 10.9.0.0/24
ok internal-dom0-addr 'ip -4 addr show dev lan2 | grep -q "inet 10.9.0.1/24"'
expect duplicate 1 "network 'lan' already exists" "$H" network-create lan --mode internal
expect overlap 1 "subnet 10.9.0.0/16 overlaps network 'lan2''s 10.9.0.0/24" \
    "$H" network-create lan3 --mode internal --subnet 10.9.0.0/16

# nat: dom0 routes for 10.5.0.0/24 out of eth1, dnsmasq answers DHCP on the bridge.
expect nat 0 'network nat1: nat on bridge natbr, uplink eth1, subnet 10.5.0.0/24' \
    "$H" network-create nat1 --mode nat --uplink eth1 --subnet 10.5.0.0/24 --bridge natbr
ok nat-addr 'ip -4 addr show dev natbr | grep -q "inet 10.5.0.1/24"'
ok nat-forwarding '[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ]'
ok nat-masquerade 'nft list table ip hv_nat1 | grep -q "ip saddr 10.5.0.0/24 ip daddr != 10.5.0.0/24 oifname \"eth1\" masquerade"'
ok nat-dnsmasq '[ "$(cat /proc/$(cat "$work/run/nat1.pid")/comm)" = dnsmasq ]'
expect uplink-taken 1 "uplink 'eth1' is used by network 'nat1'" \
    "$H" network-create b --mode bridged --uplink eth1

# A "guest" on the NAT network: a veth named like a vif, its peer in a namespace of its own.
unshare -n sleep 600 &
guest=$!
sleep 0.5
ip link add vif9.0 type veth peer name geth0
ip link set geth0 netns "$guest"
ip link set vif9.0 master natbr && ip link set vif9.0 up
printf '#!/bin/sh\n[ "$1" = bound ] && ip addr add "$ip/$mask" dev "$interface" && echo "BOUND $ip router $router dns $dns"\nexit 0\n' > "$work/udhcpc.sh"
chmod +x "$work/udhcpc.sh"
expect dhcp 0 'BOUND 10\.5\.0\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4]) router 10\.5\.0\.1 dns 10\.5\.0\.1' \
    nsenter -t "$guest" -n sh -c "ip link set lo up; ip link set geth0 up; $BB udhcpc -i geth0 -n -q -t 10 -T 1 -s $work/udhcpc.sh"
ok dhcp-lease 'grep -q "10.5.0." "$work/run/nat1.leases"'
ok guest-pings-dom0 "nsenter -t $guest -n $BB ping -c 1 -W 2 10.5.0.1"
expect list 0 '^nat1 +nat +natbr +eth1 +10\.5\.0\.0/24 +up +vif9\.0$' "$H" network-list
expect busy 1 "network 'nat1' is in use by vif9.0: detach them first" "$H" network-delete nat1
ok busy-kept 'ip link show natbr >/dev/null && [ -f "$work/etc/nat1.conf" ]'
ip link del vif9.0
kill "$guest"; guest=""

# bridged: eth1 becomes the port of a bridge of its own; its address and route move to it.
expect delete-nat 0 '' "$H" network-delete nat1
ok nat-gone '! ip link show natbr 2>/dev/null && ! nft list table ip hv_nat1 2>/dev/null && [ ! -f "$work/run/nat1.pid" ]'
ok nat-forwarding-off '[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 0 ]'
expect bridged 0 'network xbr: bridged on bridge xenbr0, uplink eth1' \
    "$H" network-create xbr --mode bridged --uplink eth1 --bridge xenbr0
ok bridged-port '[ "$(basename "$(readlink /sys/class/net/eth1/master)")" = xenbr0 ]'
ok bridged-addr 'ip -4 addr show dev xenbr0 | grep -q "inet 10.77.0.1/24" && ! ip -4 addr show dev eth1 | grep -q inet'
ok bridged-route 'ip route show default | grep -q "via 10.77.0.254 dev xenbr0"'
ok bridged-mac '[ "$(cat /sys/class/net/xenbr0/address)" = "$(cat /sys/class/net/eth1/address)" ]'

# A reboot: the kernel's state is gone, the files stay; network-start --all brings them back.
for br in lan lan2 xenbr0; do ip link del "$br"; done
ip addr add 10.77.0.1/24 dev eth1 && ip route add default via 10.77.0.254 dev eth1
nft flush ruleset
expect start-all 0 'network xbr: up \(bridged on bridge xenbr0\)' "$H" network-start --all
ok restarted 'ip -4 addr show dev lan2 | grep -q 10.9.0.1/24 && ip -4 addr show dev xenbr0 | grep -q 10.77.0.1/24 && nft list table ip hv_lan >/dev/null'
expect start-again 0 'network lan: already up' "$H" network-start --all

# Deleting the bridged network gives eth1 its address and route back.
expect delete-bridged 0 '' "$H" network-delete xbr
ok uplink-back 'ip -4 addr show dev eth1 | grep -q "inet 10.77.0.1/24" && ip route show default | grep -q "dev eth1" && ! ip link show xenbr0 2>/dev/null'
expect delete-unknown 1 "no network named 'nosuch'" "$H" network-delete nosuch
"$H" network-delete lan >/dev/null && "$H" network-delete lan2 >/dev/null

# Forwarding the operator turned on is theirs: two NAT networks come and go, it stays on; one
# that hvctl turned on stays on while another NAT network is left.
echo 1 > /proc/sys/net/ipv4/ip_forward
"$H" network-create n2 --mode nat --uplink eth1 --subnet 10.6.0.0/24 >/dev/null
"$H" network-delete n2 >/dev/null
ok operator-forwarding-kept '[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ]'
echo 0 > /proc/sys/net/ipv4/ip_forward
"$H" network-create n2 --mode nat --uplink eth1 --subnet 10.6.0.0/24 >/dev/null
"$H" network-create n3 --mode nat --subnet 10.7.0.0/24 >/dev/null
"$H" network-delete n2 >/dev/null
ok forwarding-kept-for-n3 '[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ]'
"$H" network-delete n3 >/dev/null
ok forwarding-off-after-last '[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 0 ]'
ok all-gone '[ -z "$(ls "$work/etc")" ] && [ -z "$(nft list ruleset)" ] && ! ip link show type bridge | grep -q .'

echo "net.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
