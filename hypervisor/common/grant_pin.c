/* Pins on grant entries (grant_table.h): the checks a use of an entry starts with, the
 * GTF_reading/GTF_writing flags it sets and clears in the granter's table, and the release of
 * what a reaped granter leaves (Xen's _set_status_v1 and the pin handling of map_grant_ref,
 * acquire_grant_for_copy and their undo paths). */
#include "console.h"
#include "frame.h"
#include "grant_table.h"
#include "mm.h"

/* Mark entry e in use: GTF_reading, and GTF_writing for a writable use. An entry not pinned yet
 * must grant access to ldom (full-page for a map); a writable use needs one not read-only. The
 * checks run again on every retry of the compare-exchange of the (flags, domid) pair, so an
 * entry the granter changes meanwhile is judged as it is now, and a guest that keeps changing
 * it gets an error (Xen retries five times). */
static int16_t mark_in_use(struct pv_grant_entry_v1 *e, bool pinned, uint16_t ldom, bool readonly,
                           bool map)
{
    uint32_t *pair = (uint32_t *)e; /* flags in the low half, domid in the high half */
    uint32_t seen = __atomic_load_n(pair, __ATOMIC_ACQUIRE);
    uint16_t type_mask = PV_GTF_type_mask | (map ? PV_GTF_sub_page : 0);

    for (unsigned tries = 0; tries < 5; tries++) {
        uint16_t flags = (uint16_t)seen;
        uint32_t want = seen | PV_GTF_reading | (readonly ? 0 : PV_GTF_writing);

        if (!pinned && ((flags & type_mask) != PV_GTF_permit_access || seen >> 16 != ldom))
            return PV_GNTST_general_error;
        if (!readonly && (flags & PV_GTF_readonly))
            return PV_GNTST_general_error;
        if (__atomic_compare_exchange_n(pair, &seen, want, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return PV_GNTST_okay;
    }
    return PV_GNTST_general_error;
}

static void clear_flags(struct pv_grant_entry_v1 *e, uint16_t flags)
{
    if (flags)
        __atomic_fetch_and(&e->flags, (uint16_t)~flags, __ATOMIC_SEQ_CST);
}

/* The flags no use of the entry needs any more. */
static uint16_t unused_flags(const struct gnttab_active *act, bool readonly)
{
    uint16_t flags = 0;

    if (!readonly && !(act->pin & GNTPIN_W_MASK))
        flags |= PV_GTF_writing;
    if (!act->pin)
        flags |= PV_GTF_reading;
    return flags;
}

/* First pin: the frame the entry names must be memory of the granter (not a page the
 * hypervisor shares with it, such as its grant table or shared_info). */
static int16_t take_frame(struct domain *rd, struct pv_grant_entry_v1 *e, struct gnttab_active *act,
                          uint16_t ldom)
{
    uint64_t frame = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);

    if (!frame_in_memory_of(rd, frame))
        return PV_GNTST_bad_page;
    act->domid = ldom;
    act->mfn = frame;
    return PV_GNTST_okay;
}

int16_t gnttab_pin(struct domain *rd, uint32_t ref, uint16_t ldom, uint32_t use, bool map,
                   uint64_t *mfn)
{
    struct gnttab *gt = rd->gnttab;
    bool readonly = !(use & GNTPIN_W_MASK);
    struct gnttab_active *act;
    struct pv_grant_entry_v1 *e;
    int16_t rc;

    if (ref >= gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME)
        return PV_GNTST_bad_gntref;
    act = gnttab_act(gt, ref);
    e = gnttab_entry(gt, ref);
    if (act->pin && (act->domid != ldom || (act->pin & GNTPIN_FULL)))
        return PV_GNTST_general_error; /* in use by another domain, or a counter is full */
    if (!act->pin || (!readonly && !(act->pin & GNTPIN_W_MASK))) {
        if ((rc = mark_in_use(e, act->pin != 0, ldom, readonly, map)))
            return rc;
        if (!act->pin && (rc = take_frame(rd, e, act, ldom))) {
            clear_flags(e, unused_flags(act, readonly));
            return rc;
        }
    }
    gt->nr_pinned += !act->pin;
    act->pin += use;
    *mfn = act->mfn;
    return PV_GNTST_okay;
}

void gnttab_unpin(struct domain *rd, uint32_t ref, uint32_t use)
{
    struct gnttab *gt = rd->gnttab;
    struct gnttab_active *act = gnttab_act(gt, ref);

    for (unsigned shift = 0; shift < 32; shift += 8)
        BUG_ON(((use >> shift) & 0xff) > ((act->pin >> shift) & 0xff));
    act->pin -= use;
    gt->nr_pinned -= !act->pin;
    clear_flags(gnttab_entry(gt, ref), unused_flags(act, !(use & GNTPIN_W_MASK)));
    if (gt->dead && !gt->nr_pinned)
        gnttab_free(rd); /* the reaped granter's table outlived it until now */
}

void gnttab_put_frame(struct domain *rd, uint64_t mfn, bool writable)
{
    mm_put_grant_ref(mfn, writable);
    if (rd->gnttab->dead)
        frame_release_one(rd, mfn); /* frees it once nothing references it */
}
