# Top-level build: `make` builds everything, `make run` boots a host (dom0's shell), `make check` runs every
# test tier, `make bench` prints benchmark figures. Each part owns a fragment (*.mk) included below;
# fragments add their outputs to ALL and their test targets to CHECK.
.DEFAULT_GOAL := all
SHELL := /bin/bash
B := build
CC ?= gcc
NASM ?= nasm
WARN := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wundef
# The hypervisor's sources (and the host tests that compile them): an unused parameter is no
# warning, since a table fixes most of their prototypes (hypervisor/README.md, "Size").
HV_WARN := $(WARN) -Wno-unused-parameter
ALL :=
CHECK :=
BENCH :=

include lib/lib.mk
include libpvbuild/pvbuild.mk
include hypervisor/hypervisor.mk
-include tests/hypervisor/test-image.mk
-include pv-abi/pv-abi.mk
-include guest-kit/guest-kit.mk
-include tests/abi/abi.mk
-include tests/unit/unit.mk
-include tests/boot/boot.mk
-include tests/linux/linux.mk
-include bench/bench.mk
-include dom0-tools/dom0-tools.mk
-include tests/fuzz/fuzz.mk
-include host/host.mk
-include docs/docs.mk

.PHONY: all deps run run-demo check bench iso clean
all: $(ALL)

deps:
	@scripts/install-deps

# A host (scripts/hvhost): dom0's console on the terminal, its state in build/host.
run: deps
	@$(MAKE) --no-print-directory all dom0-rootfs
	scripts/hvhost --dir $(B)/host

# The first demo: two hello guests beside each other.
run-demo: deps
	@$(MAKE) --no-print-directory all
	scripts/hvboot --timeout 60 build/guests/hello.elf='hello from domain 1' build/guests/hello.elf='hello from domain 2'

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -k $(CHECK)

bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory $(BENCH)

iso: deps
	@$(MAKE) --no-print-directory $(B)/hypervisor.iso

$(B)/hypervisor.iso: $(B)/hypervisor/hypervisor.elf $(B)/guests/hello.elf scripts/mkiso
	scripts/mkiso $@ $(B)/guests/hello.elf='hello from an ISO'

clean:
	rm -rf $(B)
