/* The PV MMU hypercalls (pv-abi/mmu.h): mmu_update, mmuext_op, update_va_mapping. Every
 * page-table change goes through the validating core in mm/ (mm.h). */
#include "x86/desc_tables.h"
#include "pv-abi/errno.h"
#include "frame.h"
#include "guest_access.h"
#include "logdirty.h"
#include "pv-abi/hypercall.h"
#include "hypercall_table.h"
#include "lib.h"
#include "mm.h"
#include "mm_baseptr.h"
#include "pv-abi/mmu.h"
#include "paging.h"
#include "spinlock.h"
#include "arch.h"
#include "x86/cpu.h"

#define PREEMPTED 0x80000000u /* MMU_UPDATE_PREEMPTED: set in count by a continuation */

/* The domain whose frames the batch may use (Xen's get_pg_owner, then its XSM_TARGET check):
 * DOMID_SELF is the caller (*pg NULL); naming oneself explicitly or a domain that does not exist
 * is -ESRCH; another domain needs privilege (-EPERM). DOMID_IO and DOMID_XEN are not offered as
 * page owners (-EPERM). */
static long get_pg_owner(const struct vcpu *v, uint16_t fd, struct domain **pg)
{
    *pg = NULL;
    if (fd == PV_DOMID_SELF)
        return 0;
    if (fd == v->domain->domid)
        return -PV_ESRCH;
    if (fd != PV_DOMID_IO && fd != PV_DOMID_XEN && !(*pg = domain_by_id(fd)))
        return -PV_ESRCH;
    if (!*pg || !v->domain->privileged) {
        *pg = NULL;
        return -PV_EPERM;
    }
    return 0;
}

/* MMU_MACHPHYS_UPDATE: the frame must be the page owner's (its lock nests in the caller's). */
NOINLINE static long m2p_update(struct domain *d, struct domain *pg, uint64_t mfn, uint64_t pfn)
{
    long rc = -PV_EINVAL;

    if (pg)
        spin_lock(&pg->mm_lock);
    if (!mm_get_page(mfn, pg ? pg : d)) {
        m2p_set(mfn, pfn);
        logdirty_mark(mfn); /* its contents now stand for pfn (Xen marks it too) */
        mm_put_page(mfn);
        rc = 0;
    }
    if (pg)
        spin_unlock(&pg->mm_lock);
    return rc;
}

static long one_update(struct vcpu *v, const struct pv_mmu_update *u)
{
    switch (u->ptr & 7) { /* the command lives in the low 3 bits, as in Xen */
    case PV_MMU_NORMAL_PT_UPDATE:
    case PV_MMU_PT_UPDATE_PRESERVE_AD:
    case PV_MMU_PT_UPDATE_NO_TRANSLATE: /* the same as a normal update for a PV guest (Xen) */
        return mm_mod_entry_foreign(v->domain, v->mmu_pg_owner, u->ptr & ~7UL, u->val,
                                    (u->ptr & 7) == PV_MMU_PT_UPDATE_PRESERVE_AD);
    case PV_MMU_MACHPHYS_UPDATE:
        return m2p_update(v->domain, v->mmu_pg_owner, u->ptr >> PAGE_SHIFT, u->val);
    }
    return -PV_ENOSYS;
}

/* Resuming a preempted batch: the guest's *done already counts the entries finished. */
static long resume_count(guest_handle pdone, uint32_t *count, uint32_t *done)
{
    *done = 0;
    if (!(*count & PREEMPTED))
        return 0;
    *count &= ~PREEMPTED;
    return pdone.gva && guest_copy_from(done, pdone, sizeof(*done)) ? -PV_EFAULT : 0;
}

#define UPDATE_CHUNK 16 /* requests read from the guest at once (384 bytes of stack) */

/* mmu_update's batch: hypercall_batch's loop (a preemption check before each request but the
 * first) with the requests read UPDATE_CHUNK at a time and one_update called directly. A chunk
 * that faults is read again one request at a time: the requests before the fault are done, the
 * one that faults is -EFAULT. A request already read is not read again after an earlier one
 * changed the tables (as a TLB may keep a translation). */
NOINLINE HOT_MM static bool update_batch(struct vcpu *v, struct hc_batch *b)
{
    struct pv_mmu_update u[UPDATE_CHUNK];
    uint32_t count = b->left, i = 0, n = 0;

    for (b->rc = 0; b->left; b->left--, b->at = guest_handle_add(b->at, sizeof(*u))) {
        if (b->left != count && hypercall_preempt_check())
            return true;
        if (i == n) {
            i = 0, n = MIN(b->left, UPDATE_CHUNK);
            if (guest_copy_from(u, b->at, n * sizeof(*u)) &&
                (n = 1, guest_copy_from(u, b->at, sizeof(*u))))
                return b->rc = -PV_EFAULT, false;
        }
        if ((b->rc = one_update(v, &u[i++])))
            return false;
    }
    return false;
}

/* mmu_update and mmuext_op: stop at the first error, report the entries done in *done (counted
 * across continuations), and continue with MMU_UPDATE_PREEMPTED in count, as Xen does. Page-table
 * changes of a domain are serialised by its mm_lock (its vCPUs may run on several CPUs); TLB
 * shootdowns wait with the lock held, which is safe because waiting CPUs serve them. The batch
 * holds the lock of the domain whose tables it changes: mmu_update the caller's (a foreign page
 * owner's is taken per entry, mm.h), mmuext_op the page owner's, whose tables its entries pin.
 * mmu_update runs its own loop (step NULL), mmuext_op hypercall_batch's with `step`. */
static long mmu_batch(struct vcpu *v, unsigned nr, struct hc_batch *b, guest_handle pdone,
                      pv_domid_t fd, hc_step_fn *step)
{
    struct domain *pg, *locked;
    uint32_t done;
    long rc;

    if ((rc = get_pg_owner(v, fd, &pg))) {
        /* Xen's mmu_update still reports the entries done (mmuext_op does not). */
        if (nr == PV_HYPERCALL_mmu_update && pdone.gva && !resume_count(pdone, &b->left, &done))
            guest_copy_to(pdone, &done, sizeof(done));
        return rc;
    }
    locked = nr == PV_HYPERCALL_mmuext_op && pg ? pg : v->domain;
    spin_lock(&locked->mm_lock);
    if (locked == pg && pg->mm_dying)
        rc = -PV_ESRCH; /* no pins in memory going back to the pool (mmu_update: per entry) */
    else if (!(rc = resume_count(pdone, &b->left, &done))) {
        uint32_t count = b->left;
        bool preempted;

        v->mmu_pg_owner = pg;
        preempted = step ? hypercall_batch(v, b, step) : update_batch(v, b);
        v->mmu_pg_owner = NULL;
        done += count - b->left;
        if (pdone.gva)
            guest_copy_to(pdone, &done, sizeof(done)); /* Xen ignores a failure to report it */
        /* A continuation leaves the foreign domain's register as it is. */
        rc = preempted ? hypercall_continue(
                             nr, 3, (const uint64_t[]){b->at.gva, b->left | PREEMPTED, pdone.gva})
                       : b->rc;
    }
    spin_unlock(&locked->mm_lock);
    return rc;
}

long hc_mmu_update(struct vcpu *v, guest_handle reqs, unsigned int count, guest_handle done,
                   pv_domid_t foreigndom)
{
    struct hc_batch b = {.at = reqs, .left = count, .size = sizeof(struct pv_mmu_update)};

    return mmu_batch(v, PV_HYPERCALL_mmu_update, &b, done, foreigndom, NULL);
}

/* TLB maintenance: a switch to another vCPU reloads cr3, so only CPUs running one of the domain's
 * vCPUs, or idling with its page tables kept (ipi.c), can hold stale translations; MULTI and ALL
 * flush all of those (a superset of the mask). */
static void flush_tlb(const struct domain *d, uint64_t va, bool one, bool all)
{
    if (all)
        mm_flush_tlb(d->domid);
    else if (one)
        invlpg(va);
    else
        write_cr3(read_cr3());
}

static long vcpumask_ok(uint64_t mask_ptr)
{
    uint64_t mask;

    return guest_copy_from(&mask, guest_handle_of(mask_ptr), sizeof(mask)) ? -PV_EFAULT : 0;
}

static long page_op(struct domain *d, const struct pv_mmuext_op *op)
{
    uint64_t dst = op->arg1.mfn;
    long rc = mm_get_page_and_type(dst, d, PGT_writable);

    if (rc)
        return -PV_EINVAL;
    if (op->cmd == PV_MMUEXT_CLEAR_PAGE) {
        memset(mm_frame_ptr(dst), 0, PAGE_SIZE);
    } else if (!mm_get_page(op->arg2.src_mfn, d)) {
        memcpy(mm_frame_ptr(dst), mm_frame_ptr(op->arg2.src_mfn), PAGE_SIZE);
        mm_put_page(op->arg2.src_mfn);
    } else {
        rc = -PV_EINVAL;
    }
    if (!rc)
        logdirty_mark(dst);
    mm_put_page_and_type(dst);
    return rc;
}

static long flush_op(const struct vcpu *v, const struct pv_mmuext_op *op)
{
    bool all = op->cmd != PV_MMUEXT_TLB_FLUSH_LOCAL && op->cmd != PV_MMUEXT_INVLPG_LOCAL;
    bool one = op->cmd == PV_MMUEXT_INVLPG_LOCAL || op->cmd == PV_MMUEXT_INVLPG_MULTI ||
               op->cmd == PV_MMUEXT_INVLPG_ALL;
    long rc = 0;

    if (op->cmd == PV_MMUEXT_TLB_FLUSH_MULTI || op->cmd == PV_MMUEXT_INVLPG_MULTI)
        rc = vcpumask_ok(op->arg2.vcpumask) ? -PV_EINVAL : 0; /* Xen: -EINVAL, not -EFAULT */
    if (!rc && (!one || is_canonical(op->arg1.linear_addr)))
        flush_tlb(v->domain, op->arg1.linear_addr, one, all);
    return rc;
}

/* A new kernel root; the LDT pages taken through the old one are looked up again (Xen). */
static long new_baseptr(struct vcpu *v, uint64_t mfn)
{
    int rc = mm_new_baseptr(v, mfn);

    if (!rc)
        desc_ldt_flush(v);
    return rc;
}

/* The commands that act on the page owner's frames (Xen's pg_owner): pins and page copies. */
static long page_owner_op(struct domain *d, const struct pv_mmuext_op *op)
{
    switch (op->cmd) {
    case PV_MMUEXT_PIN_L1_TABLE:
    case PV_MMUEXT_PIN_L2_TABLE:
    case PV_MMUEXT_PIN_L3_TABLE:
    case PV_MMUEXT_PIN_L4_TABLE:
        return mm_pin(d, op->arg1.mfn, op->cmd - PV_MMUEXT_PIN_L1_TABLE + 1);
    case PV_MMUEXT_UNPIN_TABLE:
        return mm_unpin(d, op->arg1.mfn);
    case PV_MMUEXT_CLEAR_PAGE:
    case PV_MMUEXT_COPY_PAGE:
        return page_op(d, op);
    }
    return -PV_ENOSYS;
}

static long do_one(struct vcpu *v, const struct pv_mmuext_op *op)
{
    switch (op->cmd) {
    case PV_MMUEXT_PIN_L1_TABLE ... PV_MMUEXT_UNPIN_TABLE:
    case PV_MMUEXT_CLEAR_PAGE:
    case PV_MMUEXT_COPY_PAGE:
        return page_owner_op(v->mmu_pg_owner ? v->mmu_pg_owner : v->domain, op);
    case PV_MMUEXT_MARK_SUPER:
    case PV_MMUEXT_UNMARK_SUPER:
        return -PV_EOPNOTSUPP; /* PV superpages are not supported, as in current Xen */
    }
    if (v->mmu_pg_owner && (op->cmd == PV_MMUEXT_NEW_BASEPTR ||
                            (op->cmd >= PV_MMUEXT_TLB_FLUSH_LOCAL && op->cmd <= PV_MMUEXT_SET_LDT) ||
                            op->cmd == PV_MMUEXT_NEW_USER_BASEPTR ||
                            op->cmd == PV_MMUEXT_FLUSH_CACHE_GLOBAL))
        return -PV_EPERM; /* Xen: the caller's own state only, not a foreign domain's */
    switch (op->cmd) {
    case PV_MMUEXT_NEW_BASEPTR:
        return new_baseptr(v, op->arg1.mfn);
    case PV_MMUEXT_NEW_USER_BASEPTR:
        return mm_new_user_baseptr(v, op->arg1.mfn);
    case PV_MMUEXT_TLB_FLUSH_LOCAL ... PV_MMUEXT_INVLPG_ALL:
        return flush_op(v, op);
    case PV_MMUEXT_FLUSH_CACHE: /* only domains with device access may flush caches */
        return -PV_EACCES;
    case PV_MMUEXT_FLUSH_CACHE_GLOBAL:
        return -PV_EINVAL; /* Xen's answer for the global flush without that access */
    case PV_MMUEXT_SET_LDT:
        return desc_set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);
    }
    return -PV_ENOSYS;
}

static enum hc_step ext_step(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    return hc_step_rc(rc, do_one(v, e));
}

long hc_mmuext_op(struct vcpu *v, guest_handle ops, unsigned int count, guest_handle done,
                  pv_domid_t foreigndom)
{
    struct hc_batch b = {.at = ops, .left = count, .size = sizeof(struct pv_mmuext_op)};

    return mmu_batch(v, PV_HYPERCALL_mmuext_op, &b, done, foreigndom, ext_step);
}

/* update_va_mapping: set the L1 entry that maps va in the current page tables, then flush. */
static long update_va(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags)
{
    uint64_t l1_mfn, *l1e = mm_walk_l1e(read_cr3() >> PAGE_SHIFT, va, &l1_mfn, NULL);
    uint64_t type = flags & PV_UVMF_FLUSHTYPE_MASK;
    long rc;

    if (!l1e)
        return -PV_EINVAL;
    rc = mm_mod_entry(v->domain, (l1_mfn << PAGE_SHIFT) | ((uint64_t)l1e & (PAGE_SIZE - 1)), val,
                      false);
    if (rc)
        return rc;
    if (type != PV_UVMF_NONE && !(flags & PV_UVMF_ALL) && (flags & ~7UL) && vcpumask_ok(flags & ~7UL))
        return -PV_EFAULT; /* the mask is read only when there is a flush to do */
    if (type == PV_UVMF_TLB_FLUSH || type == PV_UVMF_INVLPG)
        flush_tlb(v->domain, va, type == PV_UVMF_INVLPG, (flags & ~3UL) != 0);
    return 0;
}

long hc_update_va_mapping(struct vcpu *v, unsigned long va, uint64_t val, unsigned long flags)
{
    long rc;

    spin_lock(&v->domain->mm_lock);
    rc = update_va(v, va, val, flags);
    spin_unlock(&v->domain->mm_lock);
    return rc;
}

long hc_update_va_mapping_otherdomain(struct vcpu *v, unsigned long va, uint64_t val,
                                      unsigned long flags, pv_domid_t domid)
{
    struct domain *pg;
    long rc = get_pg_owner(v, domid, &pg);

    if (rc || pg) /* not offered with another page owner yet (docs/hypercalls.md): -EPERM */
        return rc ? rc : -PV_EPERM;
    return hc_update_va_mapping(v, va, val, flags);
}
