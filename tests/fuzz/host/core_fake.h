/* tests/fuzz/host: the hypervisor core faked for fuzz_hypercall (core_fake.c). */
#ifndef CORE_FAKE_H
#define CORE_FAKE_H
#include <stddef.h>
#include <stdint.h>

#include "domain.h"

#define CF_MAX_DOMAINS 8

struct core_fake {
    struct domain *domains[CF_MAX_DOMAINS]; /* domain_by_id */
    uint64_t now;                           /* time_now_ns */
    bool preempt;                           /* every hypercall_preempt_check says yield */
    uint64_t (*cr3_of)(void);               /* what `mov %cr3` reads */
    unsigned evtchn_pages;                  /* event channel pages allocated, not freed */
    struct {
        unsigned long shutdowns, sleeps, wakes, flushes, console_bytes, cr_writes, invlpgs,
            msr_accesses;
    } counters;
    char console[1 << 14];
    size_t console_len;
};
extern struct core_fake cf;

/* Once per process: the per-CPU area behind %gs and the privileged-instruction trap. */
void cf_init(void);
/* Per input: counters, time, console, the per-CPU state and the guest register frame. */
void cf_reset(void);

#endif
