/* Host stand-ins for what the event channel core calls (domains, the scheduler, bucket pages,
 * guest memory, the PIRQ core's frames) and a small world of domains for test_event_channel. */
#ifndef TEST_EVTCHN_FAKE_H
#define TEST_EVTCHN_FAKE_H
#include <stdint.h>

#include "domain.h"
#include "pv-abi/shared_info.h"

/* Three domains: dom_a (domid 1, 2 vCPUs), dom_b (domid 2, 1 vCPU), dom_p (domid 3, 1 vCPU,
 * privileged). Domain ids 1 < 2 < 3 exercise both lock orders. */
extern struct domain dom_a, dom_b, dom_p;

struct evf_state {
    unsigned wakes[MAX_DOMAINS][MAX_VCPUS];  /* sched_wake() calls per vCPU */
    unsigned sleeps[MAX_DOMAINS][MAX_VCPUS]; /* sched_block() calls per vCPU */
    unsigned pages_live;                     /* bucket pages allocated and not freed */
    unsigned pages_allocated;                /* evtchn_page_alloc() successes since reset */
    int page_fail_after;                     /* successes left before allocation fails; -1 never */
    unsigned notify_calls;                   /* calls of evf_notify */
    struct domain *notify_dom;
    unsigned notify_port;
    unsigned frame_refs; /* references held on the EVF_MFN frames */
    uint64_t eoi_word_at_wake; /* the first word of frame EVF_MFN + 2 at the last sched_wake() */
};
extern struct evf_state evf;

/* Fresh domains (evtchn_init'ed, shared_info zeroed, vCPUs blocked), counters cleared. The
 * previous world's tables are destroyed first. */
void evf_reset(void);
/* cmocka fixtures: evf_reset() before a test, evf_assert_unlocked() after it. */
int evf_setup(void **state);
int evf_teardown(void **state);
/* The hypervisor-end notify function the tests register (records its arguments). */
void evf_notify(struct domain *d, unsigned port);
/* No domain's evtchn_lock is held. */
void evf_assert_unlocked(void);
/* Bits of shared_info / vcpu_info. */
bool evf_pending(const struct domain *d, unsigned port);
bool evf_masked(const struct domain *d, unsigned port);
void evf_set_mask(struct domain *d, unsigned port, bool masked);
void evf_clear_pending(struct domain *d, unsigned port);
struct pv_vcpu_info *evf_vi(const struct domain *d, unsigned vcpu);

/* Guest memory for the hypercall layer: EVF_GVA..+4 KiB readable and writable, EVF_GVA_RO..+4 KiB
 * readable only, anything else faults. */
/* Frame EVF_MFN + i is a writable page of domain a, b, p (i % 3 = 0, 1, 2); evf_frame(i) its
 * contents. */
#define EVF_MFN 0x5000ULL
#define EVF_NR_FRAMES 6
uint64_t *evf_frame(unsigned i);

#define EVF_GVA 0x10000ULL
#define EVF_GVA_RO 0x20000ULL
extern uint8_t evf_guest_mem[4096], evf_guest_ro[4096];

#endif
