/* What holds a page table from outside: pins (MMUEXT_PIN_Ln_TABLE, MMUEXT_UNPIN_TABLE), vCPU
 * roots (MMUEXT_NEW_BASEPTR, MMUEXT_NEW_USER_BASEPTR, MOV to %cr3), and their release when a
 * domain dies (Xen's do_mmuext_op pin cases, new_guest_cr3, vcpu_destroy_pagetables and
 * relinquish_memory). */
#include "console.h"
#include "arch.h"
#include "pv-abi/errno.h"
#include "mm_baseptr.h"
#include "mm_internal.h"
#include "pv-abi/vm_assist.h"

/* A pin holds one general and one type reference, taken once: pinning is not nested. */
int mm_pin(struct domain *d, uint64_t mfn, unsigned level)
{
    struct page_info *pg = frame_info(mfn);
    int rc;

    if (level < 1 || level > 4)
        return -PV_EINVAL;
    if ((rc = mm_get_page_and_type(mfn, d, mm_level_type(level))))
        return rc;
    if (pg->type_info & PGT_pinned) {
        mm_put_page_and_type(mfn);
        return -PV_EINVAL;
    }
    pg->type_info |= PGT_pinned;
    return 0;
}

int mm_unpin(struct domain *d, uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);

    if (mm_get_page(mfn, d))
        return -PV_EINVAL;
    if (!(pg->type_info & PGT_pinned)) {
        mm_put_page(mfn);
        return -PV_EINVAL;
    }
    pg->type_info &= ~PGT_pinned;
    mm_put_page_and_type(mfn); /* the pin's references */
    mm_put_page(mfn);
    return 0;
}

/* Make mfn (0: none) the root in *slot, holding a general and an L4 type reference. The CPU
 * switches to it (if v runs in that mode) before the old root is released, so it never walks a
 * table that is no longer validated. */
static int set_root(struct vcpu *v, uint64_t *slot, uint64_t mfn, bool kernel)
{
    uint64_t old = *slot;
    int rc;

    if (mfn == old)
        return 0;
    if (mfn && (rc = mm_get_page_and_type(mfn, v->domain, PGT_l4)))
        return rc;
    *slot = mfn;
    if (mfn && v->kernel_mode == kernel)
        arch_vcpu_root_changed(v);
    if (old)
        mm_put_page_and_type(old);
    return 0;
}

/* VMASST_TYPE_m2p_strict (Xen's rule, public/xen.h): without it, an L4 is validated without
 * the read-only M2P slot and gains it when it becomes a kernel root; with it, an L4 is validated
 * with the slot and loses it when it becomes a user root (and does not get it back). */
static bool m2p_strict(const struct domain *d)
{
    return d->vm_assist & (1UL << PV_VMASST_TYPE_m2p_strict);
}

void mm_m2p_validated_l4(const struct domain *d, uint64_t mfn)
{
    paging_m2p_slot(mm_frame_ptr(mfn), m2p_strict(d));
}

int mm_new_baseptr(struct vcpu *v, uint64_t mfn)
{
    int rc;

    if (!mfn)
        return -PV_EINVAL; /* frame 0 is never a domain's */
    if (mfn == v->kernel_l4_mfn && v->kernel_mode)
        arch_vcpu_root_changed(v); /* the same root again: Xen reloads it (a TLB flush) */
    rc = set_root(v, &v->kernel_l4_mfn, mfn, true);
    if (!rc && !m2p_strict(v->domain))
        paging_m2p_slot(mm_frame_ptr(mfn), true);
    return rc;
}

int mm_new_user_baseptr(struct vcpu *v, uint64_t mfn)
{
    int rc = set_root(v, &v->user_l4_mfn, mfn, false);

    if (!rc && mfn && m2p_strict(v->domain))
        paging_m2p_slot(mm_frame_ptr(mfn), false);
    return rc;
}

uint64_t mm_kernel_root_enter(const struct vcpu *v)
{
    uint64_t cr3 = read_cr3();

    if (!v->kernel_mode && v->kernel_l4_mfn)
        write_cr3(v->kernel_l4_mfn << PAGE_SHIFT);
    return cr3;
}

void mm_root_restore(uint64_t cr3)
{
    if (read_cr3() != cr3)
        write_cr3(cr3);
}

void mm_release_roots(struct vcpu *v)
{
    set_root(v, &v->kernel_l4_mfn, 0, true);
    set_root(v, &v->user_l4_mfn, 0, false);
}

void mm_domain_teardown(struct domain *d)
{
    d->mm_dying = true; /* under d's mm_lock: no foreign reference is taken from now on */
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpu[i])
            mm_release_roots(d->vcpu[i]);
    for (uint64_t mfn = d->first_page; mfn != FRAME_NONE; mfn = frame_info(mfn)->next) {
        struct page_info *pg = frame_info(mfn);

        if (pg->type_info & PGT_pinned) {
            pg->type_info &= ~PGT_pinned;
            mm_put_page_and_type(mfn);
        }
    }
    /* Roots and pins are where every chain of references starts (linear entries cannot form
     * cycles): with them gone, nothing of the domain may hold a reference any more but other
     * domains' grant mappings. */
    for (uint64_t mfn = d->first_page; mfn != FRAME_NONE; mfn = frame_info(mfn)->next) {
        const struct page_info *pg = frame_info(mfn);

        BUG_ON(pg->count != pg->grant_refs || (pg->type_info & PGT_count_mask) != pg->grant_rw ||
               pg->linear);
    }
}
