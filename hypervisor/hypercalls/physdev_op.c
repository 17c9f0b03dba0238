/* physdev_op: the sub-ops for an unprivileged PV guest (pv-abi/physdev_op.h). */
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "pv-abi/physdev_op.h"

long hc_physdev_op(struct vcpu *v, unsigned long cmd, guest_handle arg)
{
    struct pv_physdev_set_iopl iopl;

    switch (cmd) {
    case PV_PHYSDEVOP_set_iopl:
        if (guest_copy_from(&iopl, arg, sizeof(iopl)))
            return -PV_EFAULT;
        if (iopl.iopl > 3)
            return -PV_EINVAL;
        v->iopl = iopl.iopl;
        return 0;
    }
    return -PV_ENOSYS;
}
