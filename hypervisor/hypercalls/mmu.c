/* mmuext_op: page-table roots and TLB maintenance (pv-abi/mmu.h). A new root is validated as an
 * L4 by the page-table core (mm.h); pinning and the remaining commands are not wired up yet. */
#include "bounce.h"
#include "errno.h"
#include "frame.h"
#include "guest_access.h"
#include "hypercall.h"
#include "hypercall_table.h"
#include "mm_baseptr.h"
#include "mmu.h"
#include "x86/cpu.h"

static long do_one(struct vcpu *v, const struct pv_mmuext_op *op)
{
    switch (op->cmd) {
    case PV_MMUEXT_NEW_BASEPTR:
        return mm_new_baseptr(v, op->arg1.mfn);
    case PV_MMUEXT_NEW_USER_BASEPTR:
        return mm_new_user_baseptr(v, op->arg1.mfn);
    case PV_MMUEXT_TLB_FLUSH_LOCAL:
        vcpu_load_cr3(v);
        return 0;
    case PV_MMUEXT_INVLPG_LOCAL:
        if (is_canonical(op->arg1.linear_addr))
            invlpg(op->arg1.linear_addr);
        return 0;
    }
    return -PV_ENOSYS;
}

long hc_mmuext_op(struct vcpu *v, const uint64_t arg[5])
{
    uint64_t ops = arg[0], count = (uint32_t)arg[1], pdone = arg[2];
    uint16_t fd = (uint16_t)arg[3];
    uint32_t done = 0;
    long rc = 0;

    if (fd != PV_DOMID_SELF && fd != v->domain->domid)
        return v->domain->privileged ? -PV_ESRCH : -PV_EPERM;
    for (; done < count; done++) {
        struct pv_mmuext_op op;

        if (guest_copy_from(&op, ops + done * sizeof(op), sizeof(op))) {
            rc = -PV_EFAULT;
            break;
        }
        if ((rc = do_one(v, &op)))
            break;
    }
    if (pdone && guest_copy_to(pdone, &done, sizeof(done)))
        return -PV_EFAULT;
    return rc;
}
