/* Switching a vCPU's kernel page-table root (MOV to %cr3 today; MMUEXT_NEW_BASEPTR later). */
#include "bounce.h"
#include "errno.h"
#include "frame.h"
#include "mm_baseptr.h"

int mm_new_baseptr(struct vcpu *v, uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);

    /* Only a validated L4 of this domain can become a root; until the PV MMU validates new
     * tables, that is the bootstrap L4 the builder typed. */
    if (!frame_owned_by(v->domain, mfn) || (pg->type_info & PGT_type_mask) != PGT_l4)
        return -PV_EINVAL;
    v->kernel_l4_mfn = mfn;
    if (v->kernel_mode)
        vcpu_load_cr3(v);
    return 0;
}
