/* memory_op's reservation sub-ops (pv-abi/memory_op.h): increase_reservation, populate_physmap
 * and decrease_reservation, for the caller's memory or, privileged, another domain's (the
 * toolstack's domain builder). After Xen's do_memory_op, increase_reservation, populate_physmap
 * and decrease_reservation: the result is the number of extents done, never an errno. */
#include "frame.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "lib.h"
#include "mm.h"
#include "paging.h"
#include "pv-abi/hypercall.h"
#include "pv-abi/memory_op.h"

#define EXTENT_SHIFT 6       /* MEMOP_EXTENT_SHIFT: cmd's bits above the sub-op */
#define RES_MAX_ORDER 9      /* the largest extent (Xen: 9 for a domU; here for every caller) */

struct memop {
    struct domain *d;     /* the domain whose memory changes */
    struct pv_memory_reservation r;
    uint64_t limit;       /* frames must lie below this one (the address bits asked) */
    uint64_t done;        /* extents done so far: the continuation point and the result */
};

/* Xen's construct_memop_from_reservation and XSM_TARGET check: an address width no wider than
 * the machine's is a limit, at most a page wide is refused; another domain needs privilege. */
static bool decode(struct vcpu *v, struct memop *m)
{
    unsigned bits = m->r.mem_flags & 0xff;
    unsigned machine_bits = PAGE_SHIFT;

    while ((1ULL << (machine_bits - PAGE_SHIFT)) < frame_nr)
        machine_bits++;
    m->limit = ~0ULL;
    if (bits && bits < machine_bits) {
        if (bits <= PAGE_SHIFT)
            return false;
        m->limit = 1ULL << (bits - PAGE_SHIFT);
    }
    m->d = m->r.domid == PV_DOMID_SELF ? v->domain : domain_by_id(m->r.domid);
    return m->d && (m->d == v->domain || v->domain->privileged);
}

/* One extent of 2^order zeroed frames for d, within its max_pages, while its memory lives. */
static uint64_t alloc_extent(struct domain *d, unsigned order, uint64_t limit)
{
    uint64_t n = 1ULL << order, mfn = FRAME_NONE;

    spin_lock(&d->mm_lock);
    if (!d->mm_dying && d->tot_pages + n <= d->max_pages)
        mfn = order || limit != ~0ULL ? frame_alloc_run(order, limit) : frame_alloc();
    for (uint64_t i = 0; mfn != FRAME_NONE && i < n; i++) {
        memset(mfn_to_virt(mfn + i), 0, PAGE_SIZE);
        frame_assign(d, mfn + i);
    }
    spin_unlock(&d->mm_lock);
    return mfn;
}

static guest_handle extent_at(const struct memop *m, uint64_t i)
{
    return guest_handle_of(m->r.extent_start + i * 8);
}

/* increase_reservation: new frames, their mfns written to the list if there is one. */
static bool increase_one(struct memop *m, uint64_t i)
{
    uint64_t mfn = alloc_extent(m->d, m->r.extent_order, m->limit);

    if (mfn == FRAME_NONE)
        return false;
    return !m->r.extent_start || !guest_copy_to(extent_at(m, i), &mfn, 8);
}

/* populate_physmap: new frames at the pfns the list names; for a PV domain the M2P learns them
 * and the list gets the mfns back (what the builder maps next). */
static bool populate_one(struct memop *m, uint64_t i)
{
    uint64_t pfn, mfn;

    if (guest_copy_from(&pfn, extent_at(m, i), 8))
        return false;
    if ((mfn = alloc_extent(m->d, m->r.extent_order, m->limit)) == FRAME_NONE)
        return false;
    for (uint64_t j = 0; j < 1ULL << m->r.extent_order; j++)
        m2p_set(mfn + j, pfn + j);
    return !guest_copy_to(extent_at(m, i), &mfn, 8);
}

/* Xen's guest_remove_page for a PV domain: the frame must be d's memory; a pin goes with it.
 * Frames something still references (mapped, a root, granted) are refused here, where Xen
 * would free them at their last reference. */
static bool remove_frame(struct domain *d, uint64_t mfn)
{
    bool ok;

    spin_lock(&d->mm_lock);
    ok = !d->mm_dying && frame_in_memory_of(d, mfn) && /* a pin holds one general reference */
         frame_info(mfn)->count == !!(frame_info(mfn)->type_info & PGT_pinned);
    if (ok && (frame_info(mfn)->type_info & PGT_pinned))
        mm_unpin(d, mfn);
    if (ok) {
        m2p_set(mfn, M2P_INVALID);
        /* A translation the guest never flushed: the allocator flushes before the frame's next
         * use (frame.c), not every frame given back here. */
        frame_release_one(d, mfn);
    }
    spin_unlock(&d->mm_lock);
    return ok;
}

static bool decrease_one(struct memop *m, uint64_t i)
{
    uint64_t mfn;

    if (guest_copy_from(&mfn, extent_at(m, i), 8))
        return false;
    for (uint64_t j = 0; j < 1ULL << m->r.extent_order; j++)
        if (!remove_frame(m->d, mfn + j))
            return false;
    return true;
}

/* Extents from m->done on, until one fails or the hypercall should yield (then true). */
static bool run(struct memop *m, unsigned op)
{
    uint64_t first = m->done;

    for (; m->done < m->r.nr_extents; m->done++) {
        if (m->done != first && hypercall_preempt_check())
            return true;
        if (!(op == PV_XENMEM_increase_reservation ? increase_one(m, m->done)
              : op == PV_XENMEM_populate_physmap   ? populate_one(m, m->done)
                                                   : decrease_one(m, m->done)))
            break;
    }
    return false;
}

long memory_reservation_op(struct vcpu *v, unsigned long cmd, guest_handle arg)
{
    struct memop m = {.done = cmd >> EXTENT_SHIFT};
    unsigned op = cmd & ((1u << EXTENT_SHIFT) - 1);

    /* Refusals, in Xen's order: nothing done (populate-on-demand is for translated domains). */
    if (guest_copy_from(&m.r, arg, sizeof(m.r)) || m.r.nr_extents > (UINT32_MAX >> EXTENT_SHIFT) ||
        m.done >= m.r.nr_extents || !decode(v, &m) ||
        ((m.r.extent_start || op != PV_XENMEM_increase_reservation) &&
         !guest_range_ok(m.r.extent_start + m.done * 8, (m.r.nr_extents - m.done) * 8)) ||
        m.r.extent_order > RES_MAX_ORDER ||
        (op == PV_XENMEM_populate_physmap && (m.r.mem_flags & PV_XENMEMF_populate_on_demand)))
        return (long)m.done;
    if (run(&m, op))
        return hypercall_continue(PV_HYPERCALL_memory_op, 2,
                                  (const uint64_t[]){op | (m.done << EXTENT_SHIFT), arg.gva});
    return (long)m.done;
}
