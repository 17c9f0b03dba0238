# Benchmarks (`make bench`): figures, not pass/fail. See bench/run and docs/benchmarks.md.
# The MMU guest reuses the boot tests' page-table helpers (raw hypercalls, no kit memory manager).
$(eval $(call gk_guest,bench-hcall,bench/guests/hcall.c))
$(eval $(call gk_guest,bench-mmu,bench/guests/mmu.c tests/boot/guests/bt_mmu.c tests/boot/guests/bt.c))
# Two domains sharing pages through grant tables (the kit's client, gk/gnttab.h).
$(eval $(call gk_guest,bench-grant,bench/guests/grant.c))
$(eval $(call gk_guest,bench-evt,bench/guests/evt.c))

.PHONY: bench-run
bench-run: all
	bench/run
BENCH += bench-run

# Debian's Linux on this hypervisor and on real Xen 4.17 in the same run (bench/linux).
.PHONY: bench-linux
bench-linux: all $(LX_INITRAMFS)
	bench/linux
BENCH += bench-linux
