/* tests/fuzz/host: grant tables (hypervisor/common/grant_*.c, the decoder
 * hypervisor/hypercalls/grant_table.c, the grant entries of hypervisor/mm/grant_pte.c) driven by
 * a program of operations from three domains (tests/unit/gnttab_fake.c and mm_fake.c): granters
 * writing and revoking entries at any moment, between the ops of a batch too (version 1 or 2:
 * full-page, sub-page, transitive),
 * switching versions, grant_table_op batches with arbitrary bytes, the
 * PV MMU rewriting the L1 tables that hold grant mappings, preempted batches, and domains reaped
 * while others map their frames. After every operation each grant entry in a live domain's L1
 * must be one of its handles'; when all three are reaped, every frame must be back: free or the
 * hypervisor's, with no reference left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pv-abi/errno.h"
#include "fuzz_input.h"
#include "grant_table.h"
#include "gnttab_fake.h"
#include "pv-abi/grant_table.h"
#include "hypercall_table.h"
#include "mm.h"
#include "paging.h"

#define MAX_OPS 128
#define DATA 6 /* data frames per domain */

static struct domain *const doms[] = {&dom_a, &dom_b, &dom_p};
static uint64_t data_mfn[3][DATA], l1_mfn[3];
static bool reaped[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("CMOCKA_TEST_ABORT", "1", 1);
    return 0;
}

/* A frame for a grant entry or a copy: a domain's data, its L1, or frames that are nobody's. */
static uint64_t frame(uint8_t sel)
{
    if (sel < 216)
        return data_mfn[sel % 3][(sel / 3) % DATA];
    switch (sel % 5) {
    case 0:
        return l1_mfn[sel % 3];
    case 1:
        return MMF_HV_FRAME;
    case 2:
        return mmf_free_frame();
    case 3:
        return MMF_BEYOND;
    default: /* a table frame, or a version 2 table's status frame */
        if (!doms[sel % 3]->gnttab)
            return 0;
        return sel & 8 && doms[sel % 3]->gnttab->nr_status ? doms[sel % 3]->gnttab->status[0]
                                                           : doms[sel % 3]->gnttab->shared[0];
    }
}

static uint16_t domid(uint8_t sel)
{
    static const uint16_t ids[] = {1, 2, 3, PV_DOMID_SELF, 0x7ff2, 4, 0};

    return ids[sel % (sizeof(ids) / sizeof(ids[0]))];
}

/* The granter's own store to an entry of its table (as guests do: domid and frame, then the
 * flags; or just new flags, which is how access is ended). */
static void grant(struct fzin *in, unsigned d)
{
    struct gnttab *gt = doms[d]->gnttab;
    uint32_t ref = fzin_u16(in);
    uint8_t how = fzin_u8(in);
    uint16_t flags = how & 0x80 ? fzin_u16(in) : (uint16_t)(PV_GTF_permit_access | (how & 4));
    struct pv_grant_entry_v1 *e;

    if (!gt || gt->dead || ref >= gt->nr_frames * 512)
        return;
    if (gt->version == 2 && ref < gnttab_nr_entries(gt) && (how & 0x20)) {
        union pv_grant_entry_v2 *e2 = (union pv_grant_entry_v2 *)gnttab_hdr(gt, ref);

        e2->hdr.domid = domid(fzin_u8(in));
        if ((flags & PV_GTF_type_mask) == PV_GTF_transitive) {
            e2->transitive.trans_domid = domid(fzin_u8(in));
            e2->transitive.gref = fzin_u16(in) % 1100;
        } else {
            e2->sub_page.frame = frame(fzin_u8(in));
            e2->sub_page.page_off = fzin_u16(in);
            e2->sub_page.length = fzin_u16(in);
        }
        __atomic_store_n(&e2->hdr.flags, flags, __ATOMIC_SEQ_CST);
        return;
    }
    e = gnttab_entry(gt, ref);
    if (how & 0x40) {
        __atomic_store_n(&e->flags, flags & ~(PV_GTF_reading | PV_GTF_writing), __ATOMIC_SEQ_CST);
        return;
    }
    gtf_grant(doms[d], ref, domid(fzin_u8(in)), frame(fzin_u8(in)), flags);
}

/* Between two ops of a batch (at each preemption check), a granter may store to its entries, as
 * one running on another CPU does: a copy batch keeps locks from op to op, never pins. */
static struct fzin *mid_batch;
static void between_ops(unsigned op)
{
    unsigned d = fzin_u8(mid_batch);

    (void)op;
    if (d < 0x60 && !reaped[d % 3])
        grant(mid_batch, d % 3);
}

/* grant_table_op from domain d: count ops of arbitrary bytes somewhere in guest memory. */
static void hypercall(struct fzin *in, unsigned d)
{
    uint64_t cmd = fzin_u8(in) % 14, count = fzin_u8(in), off = fzin_u16(in) % GTF_GVA_SIZE;
    uint64_t arg[5];
    uint8_t bytes[256];
    size_t got = fzin_take(in, bytes, fzin_u8(in) % sizeof(bytes));

    if (count & 0x80)
        count = fzin_num(in);
    if (off + got > GTF_GVA_SIZE)
        off = GTF_GVA_SIZE - got;
    memcpy(gtf_guest + off, bytes, got);
    arg[0] = cmd | (fzin_u8(in) == 0xff ? fzin_u32(in) : 0);
    arg[1] = GTF_GVA + off;
    arg[2] = count;
    arg[3] = arg[4] = 0;
    gtf.preempt_after = fzin_u8(in) < 0xf0 ? -1 : fzin_u8(in) % 4;
    mid_batch = in;
    gtf.between = between_ops;
    hc_grant_table_op(doms[d]->vcpu[0], (unsigned)arg[0], guest_handle_of(arg[1]), (unsigned)arg[2]);
    gtf.between = NULL;
}

/* The PV MMU on the L1 that holds the host mappings (grant entries must not change this way). */
static void mmu(struct fzin *in, unsigned d)
{
    uint64_t val = mmf_pte(frame(fzin_u8(in)), fzin_u16(in) & 0xfff);

    if (fzin_u8(in) & 1)
        val |= PTE_GNTTAB;
    mm_mod_entry(doms[d], mmf_maddr(l1_mfn[d], fzin_u16(in) % 512), val, false);
}

/* Does one of d's handles own grant entry e at pte_maddr: a host mapping naming that entry,
 * of e's frame, writable as e is? */
static bool entry_owned(const struct gnttab *gt, uint64_t pte_maddr, uint64_t e)
{
    for (uint32_t h = 0; h < gt->maptrack_limit; h++) {
        const struct gnttab_map *m = gnttab_map_entry(gt, h);

        if ((m->flags & PV_GNTMAP_host_map) && m->pte == pte_maddr &&
            gnttab_act(domain_by_id(m->domid)->gnttab, m->ref)->mfn == (e & PTE_ADDR) >> 12 &&
            !(m->flags & PV_GNTMAP_readonly) == !!(e & PTE_RW))
            return true;
    }
    return false;
}

/* Every grant entry in a live domain's L1 is a handle's (one without would map a frame that no
 * reference keeps): unmap_and_replace moves entries, and their handles with them. No lock is
 * left held (a copy batch keeps two from op to op, until its end or a preemption). */
static void check_grant_entries(void)
{
    for (unsigned d = 0; d < 3; d++)
        if (doms[d]->mm_lock.locked)
            fail_msg("d%u's mm_lock is still held after the operation", doms[d]->domid);
    for (unsigned d = 0; d < 3; d++)
        for (unsigned slot = 0; !reaped[d] && slot < 512; slot++) {
            uint64_t e = mmf_mem(l1_mfn[d])[slot];

            if ((e & PTE_P) && (e & PTE_GNTTAB) &&
                !entry_owned(doms[d]->gnttab, mmf_maddr(l1_mfn[d], slot), e))
                fail_msg("d%u's L1 slot %u holds grant entry %#lx that no handle owns",
                         doms[d]->domid, slot, e);
        }
}

static void one_op(struct fzin *in)
{
    uint8_t op = fzin_u8(in), sel;
    unsigned d = (op >> 4) % 3;
    uint32_t version;

    if (reaped[d])
        return;
    switch (op % 8) {
    case 0 ... 2:
        grant(in, d);
        break;
    case 3 ... 5:
        hypercall(in, d);
        break;
    case 6:
        mmu(in, d);
        break;
    default:
        sel = fzin_u8(in);
        if (sel > 0xf0) { /* reaped, while the others may still map its frames */
            gtf_reap(doms[d]);
            reaped[d] = true;
        } else if (sel & 1) {
            version = 1 + (sel >> 1 & 1);
            gnttab_set_version(doms[d], &version);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fzin in = {data, size};

    gtf_reset();
    for (unsigned d = 0; d < 3; d++) {
        l1_mfn[d] = gtf_tables(doms[d]);
        for (unsigned i = 0; i < DATA; i++)
            data_mfn[d][i] = mmf_frame(doms[d]);
        reaped[d] = false;
    }
    for (unsigned n = 0; n < MAX_OPS && in.n; n++) {
        one_op(&in);
        check_grant_entries();
    }
    for (unsigned d = 0; d < 3; d++)
        if (!reaped[d])
            gtf_reap(doms[d]);
    for (uint64_t mfn = MMF_FIRST_RAM; mfn < MMF_FRAMES; mfn++) {
        const struct page_info *pi = frame_info(mfn);

        if (pi->owner != DOMID_FREE && pi->owner != DOMID_HV)
            fail_msg("frame %#lx still owned by d%u (count %u type_info %#x) after every domain "
                     "was reaped", mfn, pi->owner, pi->count, pi->type_info);
        if (pi->owner == DOMID_FREE && (pi->count || (pi->type_info & PGT_count_mask)))
            fail_msg("free frame %#lx still counted (%u, %#x)", mfn, pi->count, pi->type_info);
    }
    /* The tables' own pages too (the hypervisor's, freed with the last pin of a dead table). */
    assert_int_equal(frame_free_count(), MMF_FRAMES - MMF_FIRST_RAM);
    return 0;
}
