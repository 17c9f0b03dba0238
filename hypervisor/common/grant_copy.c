/* GNTTABOP_copy (grant_table.h): copy bytes between a granted frame and another granted frame or a
 * frame of the caller, without mapping either (Xen's gnttab_copy_one and its helpers; each op
 * takes and releases its own pins, so the entries show GTF_reading/GTF_writing for the time of
 * the copy). A sub-page grant bounds the bytes; a transitive grant reaches the frame of the
 * grant it names, whose granter is locked with the others. */
#include "frame.h"
#include "grant_table.h"
#include "logdirty.h"
#include "lib.h"
#include "mm.h"

/* One side of a copy while it runs. */
struct copy_side {
    struct domain *d;  /* the domain of the grant or frame */
    struct domain *td; /* a transitive grant's next granter (gnttab_trans_domain), or NULL */
    bool gref;         /* a grant reference of d, not a frame of the caller */
    bool dest;         /* written to: a writable pin and the writable type */
    uint32_t ref;
    uint64_t mfn;
    uint16_t start, length; /* the bytes the grant allows */
    bool pinned, have_page, have_type;
};

/* A frame may be named only by the caller (PV_DOMID_SELF); a grant of any existing domain. */
static int16_t side_domain(struct domain *caller, const struct pv_gnttab_copy_ptr *p,
                           struct copy_side *s)
{
    if (!s->gref && p->domid != PV_DOMID_SELF)
        return PV_GNTST_permission_denied;
    s->d = p->domid == PV_DOMID_SELF ? caller : domain_by_id(p->domid);
    return s->d ? PV_GNTST_okay : PV_GNTST_bad_domain;
}

/* Pin the grant or check the frame, and hold the frame (writable, for the destination). */
static inline int16_t claim(struct domain *caller, const struct pv_gnttab_copy_ptr *p,
                            struct copy_side *s)
{
    const struct gnttab_active *act;
    int16_t rc;

    if (s->gref) {
        rc = gnttab_pin(s->d, s->ref, caller->domid, s->dest ? GNTPIN_HOST_W : GNTPIN_HOST_R, false,
                        s->td, &act);
        if (rc)
            return rc;
        s->pinned = true;
        s->mfn = act->mfn;
        s->start = act->start;
        s->length = act->length;
        if (mm_get_page(s->mfn, act->trans ? s->td : s->d))
            return PV_GNTST_bad_domain; /* no longer the granter's (Xen's answer too) */
    } else {
        s->mfn = p->u.gmfn;
        if (mm_get_page(s->mfn, caller))
            return PV_GNTST_bad_page;
    }
    s->have_page = true;
    if (s->dest && mm_get_page_type(s->mfn, PGT_writable))
        return PV_GNTST_general_error; /* a page table or descriptor page */
    s->have_type = s->dest;
    return PV_GNTST_okay;
}

static inline __attribute__((always_inline)) void release(struct copy_side *s)
{
    if (s->have_type)
        mm_put_page_type(s->mfn);
    if (s->have_page)
        mm_put_page(s->mfn);
    if (s->pinned)
        gnttab_unpin(s->d, s->ref, s->dest ? GNTPIN_HOST_W : GNTPIN_HOST_R);
}

static int16_t copy_locked(struct domain *caller, const struct pv_gnttab_copy *op,
                           struct copy_side *src, struct copy_side *dst)
{
    int16_t rc;

    if ((src->gref && !gnttab_live(src->d)) || (dst->gref && !gnttab_live(dst->d)))
        return PV_GNTST_bad_domain;
    if ((rc = claim(caller, &op->source, src)) || (rc = claim(caller, &op->dest, dst)))
        return rc;
    if (op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE)
        return PV_GNTST_bad_copy_arg;
    if (op->source.offset < src->start || op->source.offset + op->len > src->start + src->length ||
        op->dest.offset < dst->start || op->dest.offset + op->len > dst->start + dst->length)
        return PV_GNTST_general_error; /* outside a sub-page grant */
    memmove((uint8_t *)mm_frame_ptr(dst->mfn) + op->dest.offset,
            (const uint8_t *)mm_frame_ptr(src->mfn) + op->source.offset, op->len);
    logdirty_mark(dst->mfn);
    return PV_GNTST_okay;
}

int16_t gnttab_copy(struct domain *caller, const struct pv_gnttab_copy *op)
{
    struct copy_side src = {.gref = op->flags & PV_GNTCOPY_source_gref, .ref = op->source.u.ref,
                            .length = PAGE_SIZE};
    struct copy_side dst = {.gref = op->flags & PV_GNTCOPY_dest_gref, .ref = op->dest.u.ref,
                            .length = PAGE_SIZE, .dest = true};
    struct domain *locks[4];
    int16_t rc;

    if ((rc = side_domain(caller, &op->source, &src)) ||
        (rc = side_domain(caller, &op->dest, &dst)))
        return rc;
    src.td = src.gref ? gnttab_trans_domain(src.d, src.ref) : NULL;
    dst.td = dst.gref ? gnttab_trans_domain(dst.d, dst.ref) : NULL;
    locks[0] = src.d, locks[1] = dst.d, locks[2] = src.td ?: src.d, locks[3] = dst.td ?: dst.d;
    unsigned nr_locks = src.td || dst.td ? 4 : 2; /* no transitive grant: [2], [3] repeat */
    gnttab_lock_set(locks, nr_locks);
    rc = copy_locked(caller, op, &src, &dst);
    release(&dst);
    release(&src);
    gnttab_unlock_set(locks, nr_locks);
    return rc;
}
