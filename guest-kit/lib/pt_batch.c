/* guest-kit: batching page-table updates: mmu_update requests sent many at a time, and the
 * lazy MMU mode (update_va_mapping calls gathered into a multicall). */
#include "internal.h"

void gk_mmu_batch_init(struct gk_mmu_batch *b)
{
    b->n = 0;
    b->total = 0;
    b->rc = 0;
}

long gk_mmu_batch_add(struct gk_mmu_batch *b, uint64_t ptr, uint64_t val)
{
    if (b->rc)
        return b->rc;
    b->req[b->n++] = (struct pv_mmu_update){.ptr = ptr, .val = val};
    return b->n == GK_MMU_BATCH ? gk_mmu_batch_flush(b) : 0;
}

long gk_mmu_batch_flush(struct gk_mmu_batch *b)
{
    unsigned int done = 0;
    long rc;

    if (!b->n || b->rc) {
        b->n = 0;
        return b->rc;
    }
    /* The hypervisor stops at the first refused request; done counts the ones before it. */
    rc = gk_hypercall_mmu_update(b->req, b->n, &done, PV_DOMID_SELF);
    b->total += done;
    b->n = 0;
    b->rc = rc;
    return rc;
}

void gk_lazy_mmu_begin(struct gk_lazy_mmu *l)
{
    l->n = 0;
    l->calls = 0;
    l->rc = 0;
}

/* Issue the queued calls; with `last`, the final one also flushes this vCPU's TLB. Every call
 * of a multicall runs, whatever the others returned: each result is checked. */
static long lazy_send(struct gk_lazy_mmu *l, bool last)
{
    long rc;

    if (!l->n)
        return last ? gk_tlb_flush() : 0;
    if (last)
        l->call[l->n - 1].args[2] = PV_UVMF_TLB_FLUSH | PV_UVMF_LOCAL;
    rc = gk_hypercall_multicall(l->call, l->n);
    l->calls++;
    for (unsigned int i = 0; i < l->n && !rc; i++) {
        if (l->call[i].result && !l->rc)
            l->rc = (long)l->call[i].result;
    }
    if (rc && !l->rc)
        l->rc = rc;
    l->n = 0;
    /* If the call carrying the flush failed, the flush did not happen. */
    if (last && l->rc)
        gk_tlb_flush();
    return l->rc;
}

long gk_lazy_mmu_set(struct gk_lazy_mmu *l, uint64_t va, uint64_t pte)
{
    if (l->n == GK_LAZY_MMU_MAX)
        lazy_send(l, false); /* the flush still waits for gk_lazy_mmu_end */
    l->call[l->n++] = (struct pv_multicall_entry){
        .op = PV_HYPERCALL_update_va_mapping,
        .args = {va, pte, PV_UVMF_NONE},
    };
    return l->rc;
}

long gk_lazy_mmu_end(struct gk_lazy_mmu *l)
{
    return lazy_send(l, true);
}
