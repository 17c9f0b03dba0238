/* vm_assist: optional hypervisor assists a 64-bit PV guest can turn on (pv-abi/vm_assist.h). */
#include "pv-abi/errno.h"
#include "hypercall_table.h"
#include "pv-abi/vm_assist.h"
#include "vcpu_context.h"

long hc_vm_assist(struct vcpu *v, unsigned long cmd, unsigned long type)
{
    if (type >= 64 || !(VMASST_VALID & (1UL << type)))
        return -PV_EINVAL;
    switch (cmd) {
    case PV_VMASST_CMD_enable:
        v->domain->vm_assist |= 1UL << type;
        return 0;
    case PV_VMASST_CMD_disable:
        v->domain->vm_assist &= ~(1UL << type);
        return 0;
    }
    return -PV_ENOSYS;
}
