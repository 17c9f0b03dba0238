#!/usr/bin/env bash
# tests/stream/run.sh BUILD: libhv's save loop writes a whole save file (tests/unit/test_hv_save's
# fake PV domain: page tables, a hole, start_info, vCPU 0) and Xen 4.17's own verifier,
# verify-stream-v2 from Debian's xen-utils-4.17 (scripts/fetch-xen --tools), must accept it; the
# same file truncated, with a record's padding dirtied, or with a bad page type must be refused.
set -euo pipefail
B=${1:-build}
XEN=$B/xen/xl/usr/lib/xen-4.17
VERIFY=$XEN/bin/verify-stream-v2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL stream: $*"; exit 1; }
verify() { PYTHONPATH=$XEN/lib/python python3 "$VERIFY" -f xl -i "$1" "${@:2}"; }

[ -x "$VERIFY" ] || fail "$VERIFY missing (scripts/fetch-xen --tools)"
HV_STREAM_SAMPLE=$T/good.save "$B/tests/unit/test_hv_save" > "$T/unit.log" 2>&1 ||
    { cat "$T/unit.log"; fail "test_hv_save"; }
[ -s "$T/good.save" ] || fail "no save file written"
verify "$T/good.save" -v > "$T/good.log" 2>&1 || { cat "$T/good.log"; fail "verify-stream-v2 refused our save file"; }
for rec in "x86 PV info" "Static data end" "x86 PV P2M frames" "TSC info" "Shared info" \
           "x86 PV vcpu basic" "Libxl Record: End"; do
    grep -q "$rec" "$T/good.log" || { cat "$T/good.log"; fail "verify-stream-v2 saw no '$rec'"; }
done
echo "ok   verify-stream-v2 accepts the save file ($(stat -c %s "$T/good.save") bytes)"

# The verifier must be able to say no: three broken copies (tests/stream/hostile.py).
for bad in truncated libxlrec badtype; do
    python3 "$(dirname "$0")/hostile.py" "$bad" "$T/good.save" "$T/$bad.save"
    if verify "$T/$bad.save" -q; then fail "verify-stream-v2 accepted the broken copy '$bad'"; fi
done
echo "ok   verify-stream-v2 refuses the truncated copy, an unknown libxl record and a bad page type"
# The fake domain's file has L1 tables: hostile.py can make a page table map a foreign frame.
python3 "$(dirname "$0")/hostile.py" foreign "$T/good.save" "$T/foreign.save"
cmp -s "$T/good.save" "$T/foreign.save" && fail "hostile.py foreign changed nothing"
echo "ok   hostile.py makes every kind of broken copy"
