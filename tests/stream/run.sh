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

# The verifier must be able to say no: three broken copies.
size=$(stat -c %s "$T/good.save")
head -c $((size - 100)) "$T/good.save" > "$T/cut.save"
# libxl's END record (the last 8 bytes) turned into record type 7, which libxl does not have.
cp "$T/good.save" "$T/end.save"
printf '\x07' | dd of="$T/end.save" bs=1 seek=$((size - 8)) conv=notrunc status=none
cp "$T/good.save" "$T/type.save"
# The first PAGE_DATA entry's type byte (bits 63..56) set to type 6, which does not exist: find
# the record by its header (type 1) after the P2M_FRAMES record, whose end offset python finds.
off=$(python3 - "$T/good.save" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
opt = struct.unpack_from('<I', b, 44)[0]
off = 48 + opt + 16 + 8 + 24 + 16
while True:
    t, l = struct.unpack_from('<II', b, off)
    if t == 1:
        print(off + 16 + 7)
        break
    off += 8 + ((l + 7) & ~7)
PY
)
printf '\x60' | dd of="$T/type.save" bs=1 seek="$off" conv=notrunc status=none
for bad in cut end type; do
    if verify "$T/$bad.save" -q; then fail "verify-stream-v2 accepted the broken copy '$bad'"; fi
done
echo "ok   verify-stream-v2 refuses the truncated copy, an unknown libxl record and a bad page type"
