# tests/abi: layout conformance of pv-abi/ against Debian's libxen-dev headers (/usr/include/xen).
# `abi-check` builds and runs build/tests/abi/abi_check, then checks that every name pv-abi
# publishes is covered by it.
ABI_CHECK_BIN := $(B)/tests/abi/abi_check

$(ABI_CHECK_BIN): tests/abi/abi_check.c $(wildcard pv-abi/*.h)
	@test -f /usr/include/xen/xen.h || { echo "abi-check: needs libxen-dev (/usr/include/xen)"; exit 1; }
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 $(WARN) -I. -o $@ $<

.PHONY: abi-check
abi-check: $(ABI_CHECK_BIN)
	$(ABI_CHECK_BIN)
	tests/abi/coverage.sh

CHECK += abi-check
