/* Pins on grant entries (grant_table.h): the checks a use of an entry starts with, the
 * GTF_reading/GTF_writing flags it sets and clears (in a version 1 entry's flags, in a version 2
 * entry's status word), transitive grants, and the release of what a reaped granter leaves
 * (Xen's _set_status_v1/_v2 and the pin handling of map_grant_ref, acquire_grant_for_copy and
 * their undo paths). */
#include "console.h"
#include "frame.h"
#include "grant_table.h"
#include "mm.h"

/* May an entry whose (flags, domid) pair is `seen` start this use? One not pinned yet must be
 * ldom's, of type permit_access (a map: without sub_page; a copy from a version 2 table:
 * transitive too); a writable use needs one not read-only. Maps of transitive grants are
 * refused (Xen's map takes them but then maps the frame their gref field would name). */
static bool entry_allows(uint32_t seen, bool pinned, uint16_t ldom, bool readonly, bool map, bool v2)
{
    uint16_t type = seen & (PV_GTF_type_mask | (map ? PV_GTF_sub_page : 0));

    if (!pinned && (seen >> 16 != ldom ||
                    (type != PV_GTF_permit_access && (map || !v2 || type != PV_GTF_transitive))))
        return false;
    return readonly || !(seen & PV_GTF_readonly);
}

static void clear_flags(uint16_t *status, uint16_t flags)
{
    if (flags)
        __atomic_fetch_and(status, (uint16_t)~flags, __ATOMIC_SEQ_CST);
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

/* Mark entry ref in use: GTF_reading, and GTF_writing for a writable use. Version 1: a
 * compare-exchange of the (flags, domid) pair, whose checks run again on every retry, so an
 * entry the granter changes meanwhile is judged as it is now, and a guest that keeps changing
 * it gets an error (Xen retries five times). Version 2: the flags go in the status word, then
 * the entry is checked again, and they come off if it no longer allows the use. */
static int16_t mark_in_use(struct gnttab *gt, uint32_t ref, const struct gnttab_active *act,
                           uint16_t ldom, bool readonly, bool map)
{
    uint32_t *pair = (uint32_t *)gnttab_hdr(gt, ref); /* flags low, domid high */
    uint32_t seen = __atomic_load_n(pair, __ATOMIC_ACQUIRE);
    uint16_t set = PV_GTF_reading | (readonly ? 0 : PV_GTF_writing), *status;

    if (gt->version == 2) {
        if (!entry_allows(seen, act->pin, ldom, readonly, map, true))
            return PV_GNTST_general_error;
        __atomic_fetch_or(status = gnttab_status(gt, ref), set, __ATOMIC_SEQ_CST);
        seen = __atomic_load_n(pair, __ATOMIC_SEQ_CST);
        if (entry_allows(seen, act->pin, ldom, readonly, map, true))
            return PV_GNTST_okay;
        clear_flags(status, unused_flags(act, false));
        return PV_GNTST_general_error;
    }
    for (unsigned tries = 0; tries < 5; tries++) {
        if (!entry_allows(seen, act->pin, ldom, readonly, map, false))
            return PV_GNTST_general_error;
        if (__atomic_compare_exchange_n(pair, &seen, seen | set, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return PV_GNTST_okay;
    }
    return PV_GNTST_general_error;
}

/* First pin of a full-page or sub-page grant: the frame the entry names must be memory of the
 * granter (not a page the hypervisor shares with it, such as its grant table or shared_info). */
static int16_t take_frame(struct domain *rd, struct gnttab *gt, uint32_t ref,
                          struct gnttab_active *act, bool map)
{
    const union pv_grant_entry_v2 *e = (const void *)gnttab_hdr(gt, ref);
    bool sub = !map && gt->version == 2 && (e->hdr.flags & PV_GTF_sub_page);
    uint64_t frame = gnttab_frame(gt, ref);

    if (!frame_in_memory_of(rd, frame))
        return PV_GNTST_bad_page;
    act->mfn = frame;
    act->trans = false;
    act->sub_page = sub;
    act->start = sub ? e->sub_page.page_off : 0;
    act->length = sub ? e->sub_page.length : PAGE_SIZE;
    return PV_GNTST_okay;
}

/* A use of a transitive grant (copies only) is a use of the grant it names, trans_domid's
 * trans_gref, by rd: pinned too, with its frame and bytes (Xen's acquire_grant_for_copy). The
 * first use reads them from the entry; td is the domain the caller locked (NULL: no transitive
 * grant allowed here, Xen's depth of one), which must still be the one named and not rd. */
static int16_t pin_trans(struct domain *rd, struct gnttab_active *act, uint32_t ref, uint32_t use,
                         struct domain *td)
{
    const union pv_grant_entry_v2 *e = (const void *)gnttab_hdr(rd->gnttab, ref);
    const struct gnttab_active *inner;
    int16_t rc;

    if (!act->pin) {
        act->trans_domid = __atomic_load_n(&e->transitive.trans_domid, __ATOMIC_RELAXED);
        act->trans_gref = __atomic_load_n(&e->transitive.gref, __ATOMIC_RELAXED);
    }
    if (!td || act->trans_domid == rd->domid || act->trans_domid != td->domid || !gnttab_live(td))
        return PV_GNTST_general_error;
    BUG_ON(!td->mm_lock.locked); /* the caller's: grant_copy.c locks td with rd */
    if ((rc = gnttab_pin(td, act->trans_gref, rd->domid, use, false, NULL, &inner)))
        return rc;
    act->trans = act->sub_page = true; /* never mapped */
    act->mfn = inner->mfn;
    act->start = inner->start;
    act->length = inner->length;
    return PV_GNTST_okay;
}

static bool is_transitive(const struct gnttab *gt, uint32_t ref)
{
    return gt->version == 2 && (gnttab_hdr(gt, ref)->flags & PV_GTF_type_mask) == PV_GTF_transitive;
}

int16_t gnttab_pin(struct domain *rd, uint32_t ref, uint16_t ldom, uint32_t use, bool map,
                   struct domain *td, const struct gnttab_active **out)
{
    struct gnttab *gt = rd->gnttab;
    bool readonly = !(use & GNTPIN_W_MASK);
    struct gnttab_active *act;
    int16_t rc = PV_GNTST_okay;

    if (ref >= gnttab_nr_entries(gt))
        return PV_GNTST_bad_gntref;
    act = gnttab_act(gt, ref);
    if (act->pin && (act->domid != ldom || (act->pin & GNTPIN_FULL) || (map && act->sub_page)))
        return PV_GNTST_general_error; /* another domain's, a counter is full, or copies only */
    if ((!act->pin || (!readonly && !(act->pin & GNTPIN_W_MASK))) &&
        (rc = mark_in_use(gt, ref, act, ldom, readonly, map)))
        return rc;
    if (act->pin ? act->trans : !map && is_transitive(gt, ref))
        rc = pin_trans(rd, act, ref, use, td);
    else if (!act->pin)
        rc = take_frame(rd, gt, ref, act, map);
    if (rc) {
        clear_flags(gnttab_status(gt, ref), unused_flags(act, readonly));
        return rc;
    }
    act->domid = ldom;
    gt->nr_pinned += !act->pin;
    act->pin += use;
    *out = act;
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
    clear_flags(gnttab_status(gt, ref), unused_flags(act, !(use & GNTPIN_W_MASK)));
    if (act->trans) /* the caller holds its granter's lock too */
        gnttab_unpin(domain_by_id(act->trans_domid), act->trans_gref, use);
    if (gt->dead && !gt->nr_pinned)
        gnttab_free(rd); /* the reaped granter's table outlived it until now */
}

struct domain *gnttab_trans_domain(struct domain *rd, uint32_t ref)
{
    struct gnttab *gt = gnttab_live(rd);
    const struct gnttab_active *act = gt && ref < gnttab_nr_entries(gt) ? gnttab_act(gt, ref) : NULL;
    const union pv_grant_entry_v2 *e = act ? (const void *)gnttab_hdr(gt, ref) : NULL;

    BUG_ON(!rd->mm_lock.locked);
    if (!act || (act->pin ? !act->trans : !is_transitive(gt, ref)))
        return NULL;
    return domain_by_id(act->pin ? act->trans_domid
                                 : __atomic_load_n(&e->transitive.trans_domid, __ATOMIC_RELAXED));
}

void gnttab_put_frame(struct domain *rd, uint64_t mfn, bool writable)
{
    mm_put_grant_ref(mfn, writable);
    if (rd->gnttab->dead)
        frame_release_one(rd, mfn); /* frees it once nothing references it */
}
