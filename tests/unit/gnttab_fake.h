/* Host stand-ins for what the grant table code calls beyond the page-table core (mm_fake.h):
 * domains by id, the console, guest memory, hypercall preemption; and helpers that build the
 * world of test_gnttab*.c. */
#ifndef TEST_GNTTAB_FAKE_H
#define TEST_GNTTAB_FAKE_H
#include <stdint.h>

#include "grant_table.h"
#include "mm_fake.h"

/* dom_a (domid 1) and dom_b (2) from mm_fake.h, and dom_p (3, privileged), each with a grant
 * table of one frame and max_grant_frames 32. */
extern struct domain dom_p;

struct gtf_state {
    char console[1 << 16]; /* printk output since the reset */
    size_t console_len;
    int preempt_after;  /* hypercall_preempt_check answers true after this many calls; -1 never */
    void (*between)(unsigned op); /* called by each preemption check, before op 1, 2, ... */
    unsigned checks;              /* hypercall_preempt_check calls */
    unsigned continues; /* hypercall_continue calls */
    uint64_t cont_nr, cont_arg[4];
};
extern struct gtf_state gtf;

/* Fresh frames, domains and tables (mmf_reset first); counters and console cleared. */
void gtf_reset(void);

/* Page tables for d's vCPU 0: L4 -> L3 -> L2 -> one L1 covering GTF_VA .. +2 MiB, the L4 pinned
 * and loaded as the kernel root (with the references MMUEXT_NEW_BASEPTR takes). Returns the
 * L1's mfn. */
#define GTF_VA 0x400000ULL
uint64_t gtf_tables(struct domain *d);
static inline uint64_t gtf_va(unsigned slot)
{
    return GTF_VA + (uint64_t)slot * 4096;
}

/* d's grant entry ref, and granting it: frame to grantee with flags (written in the granter's
 * order: domid and frame, then flags). */
struct pv_grant_entry_v1 *gtf_entry(const struct domain *d, uint32_t ref);
void gtf_grant(struct domain *d, uint32_t ref, uint16_t grantee, uint64_t frame, uint16_t flags);

/* What domain_reap does with a domain's grants and memory (common/domain.c), for one that has
 * no descriptor tables, shared_info or event channels here. */
void gtf_reap(struct domain *d);

/* Guest memory for the decoder: GTF_GVA .. +64 KiB, readable and writable; anything else
 * faults. */
#define GTF_GVA 0x10000ULL
#define GTF_GVA_SIZE 0x10000
extern uint8_t gtf_guest[GTF_GVA_SIZE];

#endif
