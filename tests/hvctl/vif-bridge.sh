#!/bin/bash
# tests/hvctl/vif-bridge.sh - the vif hotplug script (dom0-tools/hotplug/vif-bridge) for real on
# the build host's kernel, inside throw-away network and mount namespaces: a veth pair named like
# a vif stands for xen-netback's interface, its peer in a namespace of its own for the guest;
# xenstore-read/-write/-rm are stand-ins over a directory (bind-mounted over /usr/local/sbin,
# first on the script's PATH). Checks online (bridge joined, hotplug-status), ip='s anti-spoofing
# (the guest's own address passes; another address, another MAC, IPv6 are dropped), offline
# (rules and port gone) and the refusals (no bridge, a bad ip).
#   usage: tests/hvctl/vif-bridge.sh BUSYBOX
set -uo pipefail
BB=${1:?usage: vif-bridge.sh BUSYBOX}
BB=$(cd "$(dirname "$BB")" && pwd)/$(basename "$BB")
SCRIPT=$(cd "$(dirname "$0")/../.." && pwd)/dom0-tools/hotplug/vif-bridge
for t in ip nft unshare nsenter; do
    command -v "$t" >/dev/null || { echo "vif-bridge.sh: $t not found (scripts/install-deps)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "vif-bridge.sh: needs root (namespaces); NOT RUN is a failure"; exit 1; }
if [ "${VB_SH_INSIDE:-}" != 1 ]; then
    exec env VB_SH_INSIDE=1 unshare -n -m --propagation private "$0" "$@"
fi

work=$(mktemp -d /tmp/hvctl-vb.XXXXXX)
guest=""
cleanup() { [ -n "$guest" ] && kill "$guest" 2>/dev/null; umount /usr/local/sbin 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/bin" "$work/xs"
printf '#!/bin/sh\n[ -f "%s/xs/${1##*/}" ] && cat "%s/xs/${1##*/}"\n' "$work" "$work" > "$work/bin/xenstore-read"
printf '#!/bin/sh\necho "$2" > "%s/xs/${1##*/}"\n' "$work" > "$work/bin/xenstore-write"
printf '#!/bin/sh\nrm -f "%s/xs/${1##*/}"\n' "$work" > "$work/bin/xenstore-rm"
chmod +x "$work"/bin/*
mount -t sysfs sysfs /sys || { echo "vif-bridge.sh: cannot mount sysfs"; exit 1; }
mount --bind "$work/bin" /usr/local/sbin || { echo "vif-bridge.sh: cannot bind /usr/local/sbin"; exit 1; }
ip link set lo up
passed=0
failed=0
ok() {
    local name=$1
    shift
    if (set +o pipefail; eval "$*") >"$work/out" 2>&1; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL $name: $*"; sed 's/^/    /' "$work/out"
    fi
}
vb() { XENBUS_PATH=/local/domain/0/backend/vif/9/0 vif=vif9.0 "$SCRIPT" "$@"; }
g() { nsenter -t "$guest" -n "$@"; }
gping() { g "$BB" ping -c 1 -W 2 "$@" 10.8.0.1 >/dev/null 2>&1; }

ip link add br9 type bridge && ip addr add 10.8.0.1/24 dev br9 && ip link set br9 up
unshare -n sleep 600 &
guest=$!
sleep 0.5
ip link add vif9.0 type veth peer name geth0
ip link set geth0 netns "$guest"
g sh -c 'ip link set lo up; ip link set geth0 address 02:00:00:00:00:09; ip link set geth0 up; ip addr add 10.8.0.9/24 dev geth0'

# Refusals: no bridge; an ip= that is not addresses (hvctl checks it first; the script too).
echo nosuch > "$work/xs/bridge"
ok no-bridge 'if vb online 2>"$work/err"; then false; else grep -q "no bridge .nosuch. in dom0" "$work/err"; fi && [ ! -f "$work/xs/hotplug-status" ]'
echo br9 > "$work/xs/bridge"
echo 02:00:00:00:00:09 > "$work/xs/mac"
echo '10.8.0.9 }; flush ruleset' > "$work/xs/ip"
ok bad-ip 'if vb online 2>"$work/err"; then false; else grep -q "is not an IPv4 address" "$work/err"; fi && [ ! -f "$work/xs/hotplug-status" ] && [ -z "$(nft list tables)" ] && [ ! -e /sys/class/net/vif9.0/master ]'

# Without ip=: the port joins the bridge, anything passes.
rm -f "$work/xs/ip"
ok online-plain 'vb online && [ "$(cat "$work/xs/hotplug-status")" = connected ] && [ "$(basename "$(readlink /sys/class/net/vif9.0/master)")" = br9 ] && [ -z "$(nft list tables)" ]'
ok plain-ping 'gping'
g ip addr add 10.8.0.66/24 dev geth0
ok plain-other-address 'gping -I 10.8.0.66'
ok offline-plain 'vb offline && [ ! -f "$work/xs/hotplug-status" ] && [ ! -e /sys/class/net/vif9.0/master ]'

# With ip=: only the guest's addresses, from its MAC.
echo '10.8.0.9 10.8.1.0/24' > "$work/xs/ip"
ok online-ip 'vb online && nft list table bridge hv_vif_9_0 | grep -q "ether saddr != 02:00:00:00:00:09 drop"'
ok own-address 'gping'
g ip neigh flush all
ok other-address-dropped '! gping -I 10.8.0.66'
g ip addr del 10.8.0.66/24 dev geth0
g ip link set geth0 address 02:00:00:00:00:66
g ip neigh flush all
ok other-mac-dropped '! gping'
g ip link set geth0 address 02:00:00:00:00:09
ok own-again 'gping'
ok offline-ip 'vb offline && [ -z "$(nft list tables)" ] && [ ! -e /sys/class/net/vif9.0/master ]'
ok offline-twice 'vb offline'

echo "vif-bridge.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
