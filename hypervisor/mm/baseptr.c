/* A vCPU's page-table roots (MMUEXT_NEW_BASEPTR, MMUEXT_NEW_USER_BASEPTR, MOV to %cr3; Xen's
 * new_guest_cr3): each root holds a general and an L4 type reference. */
#include "x86/bounce.h"
#include "pv-abi/errno.h"
#include "mm.h"
#include "mm_baseptr.h"

/* Make mfn the root in *slot; the CPU switches to it (if v runs in that mode) before the old root
 * is released, so it never walks a table that is no longer validated. */
static int set_root(struct vcpu *v, uint64_t *slot, uint64_t mfn, bool kernel)
{
    uint64_t old = *slot;
    int rc;

    if (mfn == old)
        return 0;
    if (mfn) {
        rc = mm_get_page_and_type(mfn, v->domain, PGT_l4);
        if (rc)
            return rc;
    }
    *slot = mfn;
    if (mfn && v->kernel_mode == kernel && v == current_vcpu())
        vcpu_load_cr3(v);
    if (old)
        mm_put_page_and_type(old);
    return 0;
}

int mm_new_baseptr(struct vcpu *v, uint64_t mfn)
{
    if (!mfn)
        return -PV_EINVAL; /* frame 0 is never a domain's */
    if (mfn == v->kernel_l4_mfn && v->kernel_mode && v == current_vcpu())
        vcpu_load_cr3(v); /* the same root again: Xen reloads it (a TLB flush) */
    return set_root(v, &v->kernel_l4_mfn, mfn, true);
}

int mm_new_user_baseptr(struct vcpu *v, uint64_t mfn)
{
    return set_root(v, &v->user_l4_mfn, mfn, false);
}
