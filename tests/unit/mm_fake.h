/* Host stand-ins for the page-table core's hooks (machine memory, TLB flushes, the hypervisor L4
 * slots, cr3 loads, panic) and helpers that build domains, frames and entries for the mm tests. */
#ifndef TEST_MM_FAKE_H
#define TEST_MM_FAKE_H
#include <stdint.h>

#include "domain.h"
#include "frame.h"
#include "hypervisor/mm/mm_internal.h"

#define MMF_FRAMES 2048  /* machine frames in the fake frame table (a full maptrack fits) */
#define MMF_FIRST_RAM 16 /* frames below stay the hypervisor's */
#define MMF_HV_FRAME 5   /* a frame the hypervisor owns */
#define MMF_BEYOND (MMF_FRAMES + 100)
#define MMF_ALL_ONES 0xffffffffffULL /* the 40-bit frame field all ones */
#define MMF_HV_SLOT_MARK(s) (((0x8000000ULL + (s)) << 12) | 0x63) /* beyond the machine */

struct mmf_state {
    unsigned long flushes;
    uint64_t tlb_clock; /* mm_tlb_stamp's ticks */
    void (*on_flush)(void); /* called by each mm_flush_tlb, if set */
    unsigned long ptr_calls[MMF_FRAMES]; /* mm_frame_ptr() per frame */
    unsigned long cr3_loads;
    uint64_t cr3; /* the root vcpu_load_cr3 last loaded */
    struct vcpu *current;
};
extern struct mmf_state mmf;

/* Two domains with one vCPU each; dom_a is the one under test. */
extern struct domain dom_a, dom_b;

/* Fresh frame table and memory, both domains without frames, counters cleared. */
void mmf_reset(void);
uint64_t mmf_frame(struct domain *d); /* a new zeroed frame of d */
uint64_t mmf_free_frame(void);        /* a frame in the free pool */
uint64_t *mmf_mem(uint64_t mfn);      /* the frame's memory (not counted as an mm access) */
uint64_t mmf_pte(uint64_t mfn, uint64_t flags);
uint64_t mmf_maddr(uint64_t mfn, unsigned slot); /* machine address of an entry */

/* Counts of every frame, to compare before and after an operation. */
struct mmf_counts {
    uint32_t count[MMF_FRAMES], type_info[MMF_FRAMES];
    int16_t linear[MMF_FRAMES];
};
void mmf_snapshot(struct mmf_counts *c);
void mmf_assert_counts(const struct mmf_counts *c); /* same as c */
void mmf_assert_all_zero(const struct domain *d);   /* no references to any frame of d */
uint32_t mmf_type_count(uint64_t mfn);
uint32_t mmf_type(uint64_t mfn);

#endif
