/* tests/fuzz: system time as a PV guest reads it (vcpu_time_info under its version seqlock),
 * shared by the fuzzing guest and the watchdog. Needs shared_info mapped. */
#ifndef FZ_CLOCK_H
#define FZ_CLOCK_H

#include "gk/kit.h"

static inline uint64_t fz_rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Nanoseconds of system time from vCPU 0's time record, or 0 without shared_info. */
static inline uint64_t fz_clock_ns(void)
{
    struct pv_shared_info *s = gk_shared_info();
    const volatile struct pv_vcpu_time_info *t;

    if (!s)
        return 0;
    t = &s->vcpu_info[0].time;
    for (;;) {
        uint32_t ver = t->version, mul;
        uint64_t stamp, sys, d;
        int8_t shift;

        __asm__ volatile("" ::: "memory");
        stamp = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        d = fz_rdtsc() - stamp;
        __asm__ volatile("" ::: "memory");
        if ((ver & 1) || ver != t->version)
            continue;
        d = shift >= 0 ? d << shift : d >> -shift;
        return sys + (uint64_t)(((unsigned __int128)d * mul) >> 32);
    }
}

#endif /* FZ_CLOCK_H */
