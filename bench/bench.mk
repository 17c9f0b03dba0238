# Benchmarks (`make bench`): figures, not pass/fail. See bench/run and docs/benchmarks.md.
$(eval $(call gk_guest,bench-hcall,bench/guests/hcall.c))

.PHONY: bench-run
bench-run: all
	bench/run
BENCH += bench-run
