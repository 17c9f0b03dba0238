#!/bin/bash
# tests/abi/coverage.sh - every macro, struct and typedef in pv-abi/ must be named in
# abi_check.c (directly, or as the argument of one of its SAME/XSAME/HC/ELFNOTE helpers), so
# nothing we publish escapes the conformance check. Prints what is missing; exits 1 if anything.
set -euo pipefail
root=$(dirname "$0")/../..
test_src="$root/tests/abi/abi_check.c"
missing=0

names=$(cat "$root"/pv-abi/*.h |
    sed -n -e 's/^#define \(PV_[A-Za-z0-9_]*\).*/\1/p' \
        -e 's/^struct \(pv_[a-z0-9_]*\) {.*/\1/p' \
        -e 's/^typedef .* \(pv_[a-z0-9_]*\)\(\[[0-9]*\]\)\{0,1\};.*/\1/p' | sort -u)

for name in $names; do
    case $name in
    PV_ABI_*_H) continue ;; # include guards
    esac
    bare=${name#PV_}
    bare=${bare#HYPERCALL_}
    bare=${bare#ELFNOTE_}
    if grep -qw -e "$name" -e "$bare" "$test_src"; then
        continue
    fi
    echo "abi coverage: $name is not checked by tests/abi/abi_check.c"
    missing=1
done
exit $missing
