# tests/unit: host-compiled cmocka tests of the real sources (see tests/unit/README.md).
# Every tests/unit/test_<x>.c is linked with the sources listed in tests/unit/test_<x>.srcs
# (one repository-relative path per line; '#' starts a comment) into build/tests/unit/test_<x>.
# `make unit-tests` builds and runs them all, prints a summary, and fails if any test fails.
UNIT_DIR := tests/unit
UNIT_OUT := $(B)/tests/unit
UNIT_CC ?= gcc
# AddressSanitizer + UBSan catch out-of-bounds reads in parsers fed hostile input; override with
# `make UNIT_SAN= unit-tests` on a host without libasan.
UNIT_SAN ?= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# pv-abi goes in with -iquote: its headers (sched_op.h, errno.h, ...) must not shadow libc's
# <...> headers on the host. hypervisor/include/lib.h declares memcpy, memmove, memset and
# memcmp, which libc provides here; a test whose sources call lib_* lists lib/string.c and
# lib/format.c in its .srcs (never lib/mem.c, see tests/unit/README.md).
UNIT_CFLAGS := -std=gnu11 -O1 -g $(HV_WARN) $(UNIT_SAN) -Ihypervisor/include -Itests/unit -iquote . \
	-iquote guest-kit/include \
	-DUNIT_TEST
UNIT_LIBS := -lcmocka
UNIT_TESTS := $(sort $(patsubst $(UNIT_DIR)/%.c,%,$(wildcard $(UNIT_DIR)/test_*.c)))
UNIT_BINS := $(addprefix $(UNIT_OUT)/,$(UNIT_TESTS))
# Tests are rebuilt when any private or public header changes (cheap, and never stale); the
# tests' own headers and lib/mem.c (which test_lib includes through lib_mem_host.c) count too.
UNIT_HDRS := $(wildcard hypervisor/include/*.h hypervisor/include/*/*.h hypervisor/mm/*.h pv-abi/*.h lib/*.h \
	libpvbuild/*.h $(UNIT_DIR)/*.h) lib/mem.c

# Sources listed for test $(1), comments and blank lines dropped; libraries it needs beyond
# cmocka in test_<x>.libs (e.g. -lz), if any.
unit_srcs = $(shell sed -e 's/\#.*//' $(wildcard $(UNIT_DIR)/$(1).srcs) /dev/null)
unit_libs = $(shell sed -e 's/\#.*//' $(wildcard $(UNIT_DIR)/$(1).libs) /dev/null)

define UNIT_RULE
$(UNIT_OUT)/$(1): $(UNIT_DIR)/$(1).c $(wildcard $(UNIT_DIR)/$(1).srcs) $(call unit_srcs,$(1)) $(UNIT_HDRS)
	@mkdir -p $$(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -o $$@ $(UNIT_DIR)/$(1).c $(call unit_srcs,$(1)) $(UNIT_LIBS) \
	    $(call unit_libs,$(1))
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_RULE,$(t))))

.PHONY: unit-tests
unit-tests: $(UNIT_BINS)
	@pass=0; fail=0; cases=0; \
	for t in $(UNIT_BINS); do \
	    if timeout 300 $$t > $$t.log 2>&1; then pass=$$((pass + 1)); r=PASS; else fail=$$((fail + 1)); r=FAIL; fi; \
	    n=$$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' $$t.log | awk '{s+=$$1} END {print s+0}'); \
	    cases=$$((cases + n)); echo "$$r $$(basename $$t) ($$n cases)"; \
	    [ $$r = PASS ] || cat $$t.log; \
	done; \
	echo "unit tests: $$pass passed, $$fail failed, $$cases cases"; \
	[ $$fail -eq 0 ]

CHECK += unit-tests
