/* GNTTABOP_copy (grant_table.h): copy bytes between a granted frame and another granted frame or a
 * frame of the caller, without mapping either (Xen's gnttab_copy_one and its helpers; each op
 * takes and releases its own pins, so the entries show GTF_reading/GTF_writing for the time of
 * the copy). A sub-page grant bounds the bytes; a transitive grant reaches the frame of the
 * grant it names, whose granter is locked with the others (lock4).
 *
 * A batch (the ops of one grant_table_op call) keeps only the locks of two domains from one op
 * to the next, when the next op names the same two and neither side may be transitive. Every op
 * still pins its grants and checks its frames itself, under those locks: a grant the granter
 * revoked between two ops (its entry is the guest's, changed without any lock) fails the next
 * op's pin, and a frame cannot change owner or type while its owner's lock is held, nor have
 * changed unseen before, since each op reads the frame table anew. */
#include "frame.h"
#include "grant_table.h"
#include "logdirty.h"
#include "lib.h"
#include "mm.h"
#include "smp.h"

/* One side of a copy while it runs. */
struct copy_side {
    struct domain *d;  /* the domain of the grant or frame */
    struct domain *td; /* a transitive grant's next granter (gnttab_trans_domain), or NULL */
    /* a grant reference of d, not a frame of the caller; written to (a writable pin and the
     * writable type); pinned now */
    bool gref, dest, pinned;
    uint32_t ref;
    uint64_t mfn;
    uint16_t start, length; /* the bytes the grant allows */
};

/* The two domains a CPU's batch of copies holds locked (gnttab_lock_pair; NULL: none), and the
 * ops run under them: at most 16, so that another CPU waits for no more than that. */
static struct held {
    struct domain *d[2];
    unsigned ops;
    bool batching;
} held[MAX_CPUS];

/* A frame may be named only by the caller (PV_DOMID_SELF); a grant of any existing domain. */
static int16_t side_domain(struct domain *caller, const struct pv_gnttab_copy_ptr *p,
                           struct copy_side *s)
{
    if (!s->gref && p->domid != PV_DOMID_SELF)
        return PV_GNTST_permission_denied;
    s->d = p->domid == PV_DOMID_SELF ? caller : domain_by_id(p->domid);
    return s->d ? PV_GNTST_okay : PV_GNTST_bad_domain;
}

/* Pin the grant, and check the frame instead of taking references on it: its owner's lock is
 * held until the copy is done, and a frame's owner, counts and type change only under it
 * (domain.h), so mm_get_page's answer (the owner) and that of mm_get_page_type(PGT_writable)
 * for a frame already writable (always validated) stay true that long; a frame whose type count
 * is full is written without a reference more. A destination of another type takes the
 * writable type and drops it, which may flush TLBs (mm_get_page_type); it stays writable. */
static inline int16_t claim(struct domain *caller, const struct pv_gnttab_copy_ptr *p,
                            struct copy_side *s)
{
    const struct gnttab_active *act;
    const struct page_info *pg;
    struct domain *owner = caller;
    int16_t rc;

    s->mfn = p->u.gmfn; /* a grant's: below */
    if (s->gref) {
        rc = gnttab_pin(s->d, s->ref, caller->domid, s->dest ? GNTPIN_HOST_W : GNTPIN_HOST_R, false,
                        s->td, &act);
        if (rc)
            return rc;
        s->pinned = true, s->mfn = act->mfn;
        s->start = act->start, s->length = act->length;
        owner = act->trans ? s->td : s->d;
    }
    if (!(pg = frame_info(s->mfn)) || pg->owner != owner->domid || pg->count == UINT32_MAX)
        return s->gref ? PV_GNTST_bad_domain : PV_GNTST_bad_page; /* Xen's answers too */
    if (s->dest && (pg->type_info & PGT_type_mask) != PGT_writable) {
        if (mm_get_page_and_type(s->mfn, owner, PGT_writable))
            return PV_GNTST_general_error; /* a page table or descriptor page */
        mm_put_page_and_type(s->mfn);
    }
    return PV_GNTST_okay;
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

/* Lock (lock false: unlock) the domains of d[4] once each, in ascending domid order (sorted). */
static void lock4(struct domain **d, bool lock)
{
    for (unsigned i = 1; i < 4; i++) /* insertion sort by domid */
        for (unsigned j = i; j && d[j - 1]->domid > d[j]->domid; j--) {
            struct domain *t = d[j];

            d[j] = d[j - 1], d[j - 1] = t;
        }
    for (unsigned i = 0; i < 4; i++)
        if (!i || d[i] != d[i - 1])
            lock ? spin_lock(&d[i]->mm_lock) : spin_unlock(&d[i]->mm_lock);
}

void gnttab_copy_batch(struct vcpu *v, bool start)
{
    struct held *h = &held[v->processor];

    if (h->d[0])
        gnttab_unlock_pair(h->d[0], h->d[1]);
    *h = (struct held){.batching = start};
}

/* Under the pair's locks, a transitive grant's next granter is found, whose lock is needed too:
 * all are then locked again, in order, for this op (the pin checks that the grant still names
 * the same one). */
int16_t gnttab_copy(struct vcpu *v, const struct pv_gnttab_copy *op)
{
    struct copy_side src = {.gref = op->flags & PV_GNTCOPY_source_gref, .ref = op->source.u.ref,
                            .length = PAGE_SIZE};
    struct copy_side dst = {.gref = op->flags & PV_GNTCOPY_dest_gref, .ref = op->dest.u.ref,
                            .length = PAGE_SIZE, .dest = true};
    struct held *h = &held[v->processor];
    struct domain *locks[4], *caller = v->domain;
    int16_t rc;

    if ((rc = side_domain(caller, &op->source, &src)) ||
        (rc = side_domain(caller, &op->dest, &dst)))
        return rc;
    if (h->d[0] != src.d || h->d[1] != dst.d) {
        gnttab_copy_batch(v, h->batching); /* release what an earlier op held */
        gnttab_lock_pair(src.d, dst.d);
        h->d[0] = src.d, h->d[1] = dst.d;
    }
    src.td = src.gref ? gnttab_trans_domain(src.d, src.ref) : NULL;
    dst.td = dst.gref ? gnttab_trans_domain(dst.d, dst.ref) : NULL;
    if (src.td || dst.td) {
        gnttab_copy_batch(v, h->batching);
        locks[0] = src.d, locks[1] = dst.d, locks[2] = src.td ?: src.d, locks[3] = dst.td ?: dst.d;
        lock4(locks, true);
    }
    rc = copy_locked(caller, op, &src, &dst);
    if (dst.pinned)
        gnttab_unpin(dst.d, dst.ref, GNTPIN_HOST_W);
    if (src.pinned)
        gnttab_unpin(src.d, src.ref, GNTPIN_HOST_R);
    if (src.td || dst.td)
        lock4(locks, false);
    else if (!h->batching || ++h->ops == 16)
        gnttab_copy_batch(v, h->batching);
    return rc;
}
