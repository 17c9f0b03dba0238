/* Benchmark guest: the null hypercall round trip (xen_version(XENVER_version) through the
 * hypercall page), timed with the TSC: the fastest of RUNS runs of ROUNDS calls (a short run is
 * rarely interrupted by the host's scheduler; the bare SYSCALL reference is taken the same way). */
#include "gk/kit.h"

#define ROUNDS 500
#define RUNS 200

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t measure(unsigned long cmd)
{
    uint64_t t0 = tsc();

    for (unsigned i = 0; i < ROUNDS; i++)
        gk_hypercall_xen_version(cmd, NULL);
    return (tsc() - t0) / ROUNDS;
}

static uint64_t best_of_runs(unsigned long cmd)
{
    uint64_t best = ~0ULL;

    gk_hypercall_xen_version(cmd, NULL); /* warm up */
    for (int run = 0; run < RUNS; run++) {
        uint64_t c = measure(cmd);
        best = c < best ? c : best;
    }
    return best;
}

/* XENVER_version is answered by the hypervisor's SYSCALL entry stub; XENVER_pagesize, as cheap,
 * goes through the C dispatcher, as every other hypercall does. */
void gk_main(void)
{
    gk_printf("bench: null hypercall round trip: %lu cycles\n", best_of_runs(PV_XENVER_version));
    gk_printf("bench: null hypercall through the dispatcher (XENVER_pagesize): %lu cycles\n",
              best_of_runs(PV_XENVER_pagesize));
}
