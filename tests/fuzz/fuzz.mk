# tests/fuzz: hostile-guest fuzzing and host fuzzers of the parsers (tests/fuzz/README.md).
#
#   make fuzz-check   the bounded campaign make check runs: guest campaign (fixed seeds), each
#                     host fuzzer for FUZZ_HOST_CHECK_SECS on its committed corpus, regressions
#   make fuzz         long campaigns (FUZZ_SECONDS bounds each: the guest campaign and every host
#                     fuzzer), then the figures: hypercalls/s, combinations, line coverage
#
# Guests: build/tests/fuzz/guests/fuzz.elf (every tests/fuzz/guests/fz_*.c) and watchdog.elf.
# Host fuzzers: build/tests/fuzz/host/fuzz_<x> (libFuzzer, clang), one per tests/fuzz/host/
# fuzz_<x>.c linked with the sources listed in fuzz_<x>.srcs (as tests/unit does), and the same
# built for coverage in build/tests/fuzz/host/cov/.
FZ_OUT := $(B)/tests/fuzz
FUZZ_SECONDS ?= 600
FUZZ_HOST_CHECK_SECS ?= 15
FUZZ_CHECK_SEEDS ?= 1-32
FUZZ_CHECK_ITERS ?= 100000

# ---- the guests ----

FZ_GUEST_SRCS := $(wildcard tests/fuzz/guests/fz_*.c)
FZ_GUEST_OBJS := $(patsubst tests/fuzz/guests/%.c,$(FZ_OUT)/obj/%.o,$(FZ_GUEST_SRCS))
FZ_GUEST_HDRS := $(wildcard tests/fuzz/guests/*.h)
FZ_GUESTS := $(FZ_OUT)/guests/fuzz.elf $(FZ_OUT)/guests/watchdog.elf

$(FZ_OUT)/obj/%.o: tests/fuzz/guests/%.c $(FZ_GUEST_HDRS)
	@mkdir -p $(@D)
	$(CC) $(GK_CFLAGS) -Itests/fuzz/guests -c -o $@ $<

$(FZ_OUT)/guests/fuzz.elf: $(FZ_GUEST_OBJS) $(GK_LIB) guest-kit/guest.lds
	@mkdir -p $(@D)
	$(LD) $(GK_LDFLAGS) -o $@ $(FZ_GUEST_OBJS) $(GK_LIB)

$(FZ_OUT)/guests/watchdog.elf: $(FZ_OUT)/obj/watchdog.o $(GK_LIB) guest-kit/guest.lds
	@mkdir -p $(@D)
	$(LD) $(GK_LDFLAGS) -o $@ $< $(GK_LIB)

# The privileged fuzzer (tests/fuzz/priv/fzpriv.c): booted as dom0, so linked 1 MiB up like the
# boot tests' dom0 guests (tests/boot/boot.mk).
$(FZ_OUT)/priv/fzpriv.o: tests/fuzz/priv/fzpriv.c
	@mkdir -p $(@D)
	$(CC) $(GK_CFLAGS) -c -o $@ $<

$(FZ_OUT)/priv/fzpriv.elf: $(FZ_OUT)/priv/fzpriv.o $(GK_LIB) $(BT_OUT)/dom0.lds
	@mkdir -p $(@D)
	$(LD) $(subst guest-kit/guest.lds,$(BT_OUT)/dom0.lds,$(GK_LDFLAGS)) -o $@ $< $(GK_LIB)

FZ_GUESTS += $(FZ_OUT)/priv/fzpriv.elf

# Regression guests: each tests/fuzz/regress/<name>.c reproduces one problem the fuzzers found
# (tests/fuzz/regress/cases says how it is checked).
FZ_REGRESS_SRCS := $(wildcard tests/fuzz/regress/*.c)
FZ_REGRESS := $(patsubst tests/fuzz/regress/%.c,$(FZ_OUT)/regress/%.elf,$(FZ_REGRESS_SRCS))

$(FZ_OUT)/regress/obj/%.o: tests/fuzz/regress/%.c
	@mkdir -p $(@D)
	$(CC) $(GK_CFLAGS) -c -o $@ $<

$(FZ_OUT)/regress/%.elf: $(FZ_OUT)/regress/obj/%.o $(GK_LIB) guest-kit/guest.lds
	@mkdir -p $(@D)
	$(LD) $(GK_LDFLAGS) -o $@ $< $(GK_LIB)

ALL += $(FZ_GUESTS) $(FZ_REGRESS)

# ---- the host fuzzers ----

FZ_CLANG ?= clang
FZ_HOST_DIR := tests/fuzz/host
FZ_HOST_OUT := $(FZ_OUT)/host
FZ_HOST_CFLAGS := -std=gnu11 -O1 -g $(HV_WARN) -fno-omit-frame-pointer -Ihypervisor/include \
	-iquote . -iquote guest-kit/include -Itests/unit -I$(FZ_HOST_DIR) -DUNIT_TEST
FZ_HOST_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FZ_HOST_COV := -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping
FZ_HOSTS := $(sort $(patsubst $(FZ_HOST_DIR)/%.c,%,$(wildcard $(FZ_HOST_DIR)/fuzz_*.c)))
FZ_HOST_BINS := $(addprefix $(FZ_HOST_OUT)/,$(FZ_HOSTS))
FZ_HOST_COV_BINS := $(addprefix $(FZ_HOST_OUT)/cov/,$(FZ_HOSTS))
FZ_HOST_DEPS := $(wildcard $(FZ_HOST_DIR)/*.h tests/unit/*.h hypervisor/include/*.h \
	hypervisor/include/*/*.h hypervisor/mm/*.h pv-abi/*.h lib/*.h libpvbuild/*.h guest-kit/include/gk/*.h)

fz_srcs = $(shell sed -e 's/\#.*//' $(FZ_HOST_DIR)/$(1).srcs)

define FZ_HOST_RULE
$(FZ_HOST_OUT)/$(1): $(FZ_HOST_DIR)/$(1).c $(FZ_HOST_DIR)/$(1).srcs $(call fz_srcs,$(1)) $(FZ_HOST_DEPS)
	@mkdir -p $$(@D)
	$(FZ_CLANG) $(FZ_HOST_CFLAGS) $(FZ_HOST_SAN) -o $$@ $(FZ_HOST_DIR)/$(1).c $(call fz_srcs,$(1)) -lcmocka
$(FZ_HOST_OUT)/cov/$(1): $(FZ_HOST_DIR)/$(1).c $(FZ_HOST_DIR)/$(1).srcs $(call fz_srcs,$(1)) $(FZ_HOST_DEPS)
	@mkdir -p $$(@D)
	$(FZ_CLANG) $(FZ_HOST_CFLAGS) $(FZ_HOST_COV) -o $$@ $(FZ_HOST_DIR)/$(1).c $(call fz_srcs,$(1)) -lcmocka
endef
$(foreach h,$(FZ_HOSTS),$(eval $(call FZ_HOST_RULE,$(h))))

# ---- make check: the bounded campaign ----

.PHONY: fuzz-check fuzz-guest-check fuzz-priv-check fuzz-host-check fuzz-regress fuzz
fuzz-check: fuzz-guest-check fuzz-priv-check fuzz-host-check fuzz-regress

# The privileged fuzzer as dom0: fixed seeds (tests/fuzz/priv/cases), about 30 s on 2 CPUs.
fuzz-priv-check: $(FZ_GUESTS) $(B)/hypervisor/hypervisor.elf $(B)/tests/boot/guests/isolation_peer.elf
	tests/boot/run --cases tests/fuzz/priv/cases -j 2

# Fixed seeds, fixed iterations; at most ~3 minutes of boots on 2 CPUs.
fuzz-guest-check: $(FZ_GUESTS) $(B)/hypervisor/hypervisor.elf
	tests/fuzz/campaign.py --seeds $(FUZZ_CHECK_SEEDS) --iters $(FUZZ_CHECK_ITERS) --secs 60 \
	    --budget 300 --out $(FZ_OUT)/check-guest

fuzz-host-check: $(FZ_HOST_BINS)
	tests/fuzz/hostfuzz.py check --secs $(FUZZ_HOST_CHECK_SECS) $(FZ_HOSTS)

fuzz-regress: $(FZ_REGRESS) $(FZ_HOST_BINS) $(B)/tests/boot/guests/isolation_peer.elf \
              $(B)/tests/boot/guests/grant_owed.elf
	tests/fuzz/regress.py

CHECK += fuzz-check

# ---- make fuzz: long campaigns and the figures ----

# Every step runs even if an earlier one found a problem (the figures are still wanted); the
# target fails at the end if any did.
fuzz: deps
	@$(MAKE) --no-print-directory all $(FZ_HOST_BINS) $(FZ_HOST_COV_BINS)
	@rc=0; \
	tests/fuzz/hostfuzz.py run --secs $(FUZZ_SECONDS) $(FZ_HOSTS) || rc=1; \
	tests/fuzz/campaign.py --seeds 1-64 --iters 1000000 --secs 120 --budget $(FUZZ_SECONDS) \
	    --out $(FZ_OUT)/guest || rc=1; \
	tests/fuzz/hostfuzz.py coverage $(FZ_HOSTS) || rc=1; \
	exit $$rc
