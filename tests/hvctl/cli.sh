#!/bin/bash
# tests/hvctl/cli.sh - hvctl's command line on the build host (no hypervisor needed): usage and
# exit codes, configuration errors as an operator sees them, dry runs (create -n) of every
# example in dom0-tools/examples, and what a verb says where there is no /dev/xen/privcmd.
# With FAKE (hvctl built over tests/hvctl/fake_priv.c: dom0 alone) and XENSTORED, also the verbs
# past their arguments: unknown domains named as asked, dom0's name and id, refusals.
#   usage: tests/hvctl/cli.sh HVCTL [FAKE XENSTORED]
set -uo pipefail
H=${1:?usage: cli.sh HVCTL [FAKE XENSTORED]}
FAKE=${2:-}
XSD=${3:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/hvctl-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# expect NAME RC PATTERN CMD...: CMD exits RC and its stdout+stderr match the ERE PATTERN.
expect() {
    local name=$1 want=$2 pat=$3 rc
    shift 3
    "$@" >"$work/out" 2>&1
    rc=$?
    if [ "$rc" = "$want" ] && grep -Eq -- "$pat" "$work/out" &&
        ! grep -Eq 'Sanitizer|runtime error' "$work/out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc (wanted $want), output:"
        sed 's/^/    /' "$work/out"
        echo "    (wanted /$pat/)"
    fi
}

cfg() { printf '%b' "$2" >"$work/$1"; }

expect no-args 2 'usage: hvctl VERB' "$H"
expect unknown-verb 2 "unknown verb 'frob'" "$H" frob
expect help 0 'create +create a domain' "$H" help
expect help-verb 0 'usage: hvctl shutdown \[-w\] DOMAIN' "$H" help shutdown
expect help-unknown 1 "no verb 'frob'" "$H" help frob
expect bad-option 2 'usage: hvctl list' "$H" list -x
expect console-no-arg 2 'usage: hvctl console DOMAIN' "$H" console
expect destroy-no-arg 2 'usage: hvctl destroy DOMAIN' "$H" destroy
expect create-no-cfg 2 'usage: hvctl create' "$H" create
expect create-two-cfgs 2 'usage: hvctl create' "$H" create a.cfg b.cfg
expect mem-set-args 2 'usage: hvctl mem-set' "$H" mem-set web
expect domname-not-id 2 'usage: hvctl domname' "$H" domname web
expect save-no-file 2 'usage: hvctl save \[-c\] DOMAIN FILE' "$H" save web
expect save-bad-option 2 'usage: hvctl save' "$H" save -x web f
expect restore-no-file 2 'usage: hvctl restore' "$H" restore
expect migrate-no-host 2 'usage: hvctl migrate \[-s SSHCMD\]' "$H" migrate web
expect migrate-bad-downtime 2 'hvctl: --downtime 0: a whole number from 1 to 600000' "$H" migrate --downtime 0 web b
expect migrate-bad-bandwidth 2 'hvctl: --bandwidth x: a whole number' "$H" migrate --bandwidth x web b
expect migrate-bad-rounds 2 'hvctl: --max-rounds 2000: a whole number from 1 to 1000' "$H" migrate --max-rounds 2000 web b
expect migrate-bad-option 2 'usage: hvctl migrate' "$H" migrate --frob web b
expect migrate-bad-tcp 2 'hvctl: --tcp 70000: a whole number from 0 to 65535' "$H" migrate --tcp 70000 web b
expect migrate-receive-bad-listen 2 'hvctl: --listen x: a whole number from 0 to 65535' "$H" migrate-receive --listen x
expect migrate-receive-args 2 'usage: hvctl migrate-receive \[-e\]' "$H" migrate-receive web
expect net-create-usage 2 'usage: hvctl network-create NAME --mode' "$H" network-create lan
expect net-attach-usage 2 'usage: hvctl network-attach DOMAIN VIF-SPEC' "$H" network-attach web
expect net-detach-usage 2 'usage: hvctl network-detach DOMAIN DEVID\|MAC' "$H" network-detach web
expect net-delete-usage 2 'usage: hvctl network-delete NAME' "$H" network-delete
expect net-start-usage 2 'usage: hvctl network-start' "$H" network-start -x

for f in "$ROOT"/dom0-tools/examples/*.cfg; do
    expect "example-$(basename "$f")" 0 '^name = ' "$H" create -n "$f"
done

cfg ok.cfg 'name = "web"\nkernel = "/boot/vmlinux"\nmemory = 128\nroot = "/dev/xvda1"\nextra = "quiet"\n'
expect dry-run 0 'cmdline = "root=/dev/xvda1 quiet"' "$H" create -n "$work/ok.cfg"
expect override 0 'memory = 512' "$H" create -n "$work/ok.cfg" memory=512
expect override-name 0 'name = "web-2"' "$H" create -n "$work/ok.cfg" name=web-2
expect override-bad 1 "hvctl: command line:1: key 'memory': '12X' is not a number" \
    "$H" create -n "$work/ok.cfg" memory=12X
expect override-unknown 1 "hvctl: command line:1: key 'memroy': unknown key" \
    "$H" create -n "$work/ok.cfg" memroy=1
cfg typo.cfg 'name = "web"\nkernel = "/boot/vmlinux"\nmemroy = 512\n'
expect unknown-key 1 "^hvctl: $work/typo.cfg:3: key 'memroy': unknown key$" "$H" create "$work/typo.cfg"
cfg quotes.cfg 'name = "web"\nkernel = "/k"\non_crash = destroy\n'
expect unquoted 1 "quotes.cfg:3: key 'on_crash': 'destroy' needs quotes" "$H" create "$work/quotes.cfg"
cfg nokernel.cfg 'name = "web"\n'
expect no-kernel 1 "nokernel.cfg: key 'kernel': missing" "$H" create "$work/nokernel.cfg"
cfg maxmem.cfg 'name = "w"\nkernel = "/k"\nmemory = 256\nmaxmem = 128\n'
expect maxmem 1 "maxmem.cfg:4: key 'maxmem': maxmem \(128 MiB\) is below memory \(256 MiB\)" \
    "$H" create "$work/maxmem.cfg"
expect missing-file 1 "hvctl: $work/none.cfg: No such file or directory" "$H" create "$work/none.cfg"
expect warning 0 'warning: ignoring root= and extra= in favour of cmdline=' \
    "$H" create -n "$work/ok.cfg" 'cmdline="x"'

# Without /dev/xen/privcmd (the build host) a verb says so and fails; create checks its
# configuration before it needs the hypervisor.
if [ ! -e /dev/xen/privcmd ]; then
    expect no-privcmd 1 'cannot open /dev/xen/privcmd' "$H" list
    expect no-privcmd-create 1 'cannot open /dev/xen/privcmd' "$H" create "$work/ok.cfg"
fi

if [ -n "$FAKE" ]; then
    export XENSTORED_PATH=$work/socket ASAN_OPTIONS=exitcode=99
    "$XSD" --socket "$XENSTORED_PATH" --foreground 2>"$work/xsd.log" &
    xsd=$!
    for i in $(seq 50); do [ -S "$XENSTORED_PATH" ] && break; sleep 0.1; done
    for verb in destroy pause unpause shutdown reboot console domid vcpu-list uptime list; do
        expect "$verb-unknown" 1 "^hvctl: no domain named 'web'$" "$FAKE" $verb web
    done
    expect vcpu-set-unknown 1 "^hvctl: no domain named 'web'$" "$FAKE" vcpu-set web 2
    expect mem-set-unknown 1 "^hvctl: no domain named 'web'$" "$FAKE" mem-set web 512m
    expect sched-unknown 1 "^hvctl: no domain named 'web'$" "$FAKE" sched-credit -d web -w 10
    expect id-unknown 1 "^hvctl: no domain with id 42$" "$FAKE" destroy 42
    expect domid-dom0 0 '^0$' "$FAKE" domid Domain-0
    expect domname-dom0 0 '^Domain-0$' "$FAKE" domname 0
    expect destroy-dom0 1 'domain 0 cannot be destroyed' "$FAKE" destroy 0
    expect shutdown-dom0 1 'does not shut down domain 0' "$FAKE" shutdown 0
    expect list-dom0 0 '^Domain-0 +0 ' "$FAKE" list
    # list -l: xl's JSON shape (an array of {"domid", "config": {"c_info", "b_info"}}).
    expect list-long 0 '^ok 0 Domain-0 pv 1 \[0\]$' bash -c "'$FAKE' list -l | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]
c = d[\"config\"]
print(\"ok\", d[\"domid\"], c[\"c_info\"][\"name\"], c[\"c_info\"][\"type\"], c[\"b_info\"][\"max_vcpus\"],
      c[\"b_info\"][\"avail_vcpus\"])'"
    expect vcpu-list 0 '^Domain-0 +0 +0 +0 +--- +0\.0  1 / all$' "$FAKE" vcpu-list
    expect vcpu-list-header 0 '^Name +ID +VCPU +CPU +State +Time\(s\)  Affinity \(Hard / Soft\)$' \
        "$FAKE" vcpu-list Domain-0
    expect mem-set-bad 1 "'12q' is not a memory size" "$FAKE" mem-set 0 12q
    expect save-unknown 1 "^hvctl: no domain named 'web'$" "$FAKE" save web "$work/web.save"
    expect save-dom0 1 'cannot save domain 0: domain 0 cannot be saved' "$FAKE" save 0 "$work/d0"
    expect migrate-unknown 1 "^hvctl: no domain named 'web'$" "$FAKE" migrate web b
    # dom0 is refused before anything is sent; the target (cat: no banner) is let go
    expect migrate-dom0 1 'migration of domain 0 failed: domain 0 cannot be migrated; domain 0 runs on here' \
        "$FAKE" migrate -s '' 0 cat
    # the socket transport (-s '': the receiver's command given whole): connected, the secret
    # proven, then dom0 refused as over ssh; a wrong secret refused by the receiver, with its word
    expect migrate-tcp-dom0 1 'migration of domain 0 failed: domain 0 cannot be migrated; domain 0 runs on here' \
        env -u SSH_CONNECTION "$FAKE" migrate -s '' --tcp 0 0 "$FAKE migrate-receive --listen 0"
    expect migrate-tcp-wrong-secret 1 'refused a connection from 127\.0\.0\.1: it sent a wrong secret' \
        env -u SSH_CONNECTION HV_MIGRATE_TEST_FAULT=secret "$FAKE" migrate -s '' --tcp 0 0 "$FAKE migrate-receive --listen 0"
    grep -q 'cannot migrate domain 0: the target refused the connection: wrong secret' "$work/out" ||
        { echo "FAIL migrate-tcp-wrong-secret: the source's message"; cat "$work/out"; failed=$((failed + 1)); }
    expect migrate-tcp-no-listener 1 'the target did not say where it listens' \
        "$FAKE" migrate -s '' --tcp 0 0 "$FAKE migrate-receive"
    # a target that is no hvctl: the stream is not read, no banner comes
    printf 'garbage' > "$work/garbage"
    expect migrate-receive-garbage 1 'migration target: the migration stream: (not a save file|truncated)' \
        sh -c "\"\$0\" migrate-receive < '$work/garbage'" "$FAKE"
    [ ! -e "$work/d0" ] && [ ! -e "$work/d0.partial" ] || { echo "FAIL save-dom0 left a file"; failed=$((failed + 1)); }
    expect restore-missing 1 "cannot restore $work/none.save: $work/none.save: No such file" \
        "$FAKE" restore "$work/none.save"
    expect restore-not-save 1 "cannot restore $work/ok.cfg: $work/ok.cfg: (not a save file|truncated)" \
        "$FAKE" restore "$work/ok.cfg"
    expect create-missing-kernel 1 "cannot create domain 'web': kernel /boot/vmlinux: No such file" \
        "$FAKE" create "$work/ok.cfg"
    expect net-attach-unknown 1 "^hvctl: no domain named 'web'$" "$FAKE" network-attach web bridge=x
    expect net-detach-unknown 1 "^hvctl: no domain named 'web'$" "$FAKE" network-detach web 0
    expect net-list-unknown 1 "no domain named 'web'" "$FAKE" network-list web
    expect net-list-dom0 0 '^Idx BE Mac Addr\. +handle state evt-ch +tx-/rx-ring-ref BE-path' \
        "$FAKE" network-list 0
    expect net-attach-dom0 1 'domain 0 takes no vifs' "$FAKE" network-attach 0 bridge=x
    expect net-attach-badspec 1 "vif spec 'mac=1:2': mac '1:2' is not xx:xx:xx:xx:xx:xx" \
        "$FAKE" network-attach Domain-0 mac=1:2
    cfg vif.cfg 'name = "web"\nkernel = "/bin/sh"\nvif = [ "bridge=nosuchbr0" ]\n'
    expect create-vif-nobridge 1 "vif 0 \\(bridge nosuchbr0\\): no bridge 'nosuchbr0' in dom0" \
        "$FAKE" create "$work/vif.cfg"
    kill "$xsd"
    wait "$xsd" 2>/dev/null
fi

echo "hvctl cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
