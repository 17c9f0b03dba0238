/* Callback registration: callback_op and the legacy set_callbacks (pv-abi/callback_op.h). */
#include "pv-abi/arch_x86.h"
#include "pv-abi/callback_op.h"
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "x86/cpu.h"

static int register_callback(struct vcpu *v, const struct pv_callback_register *cb)
{
    bool mask = cb->flags & PV_CALLBACKF_mask_events;

    if (!guest_range_ok(cb->address, 1))
        return -PV_EINVAL;
    switch (cb->type) {
    case PV_CALLBACKTYPE_event:
        v->event_callback = cb->address;
        return 0;
    case PV_CALLBACKTYPE_failsafe:
        v->failsafe_callback = cb->address;
        v->failsafe_disables_events = mask;
        return 0;
    case PV_CALLBACKTYPE_syscall:
        v->syscall_callback = cb->address;
        v->syscall_disables_events = mask;
        return 0;
    case PV_CALLBACKTYPE_syscall32:
        v->syscall32_callback = cb->address;
        v->syscall32_disables_events = mask;
        return 0;
    case PV_CALLBACKTYPE_sysenter:
        v->sysenter_callback = cb->address;
        v->sysenter_disables_events = mask;
        return 0;
    case PV_CALLBACKTYPE_nmi: /* Xen's: the trap table's NMI entry, events masked on entry */
        v->trap[X86_EXC_NMI] = (struct vtrap){cb->address, PV_FLAT_KERNEL_CS, PV_TI_IF_BIT};
        return 0;
    }
    return -PV_ENOSYS;
}

long hc_callback_op(struct vcpu *v, unsigned long cmd, guest_handle arg)
{
    struct pv_callback_register reg;
    struct pv_callback_unregister unreg;

    switch (cmd) {
    case PV_CALLBACKOP_register:
        return guest_copy_from(&reg, arg, sizeof(reg)) ? -PV_EFAULT : register_callback(v, &reg);
    case PV_CALLBACKOP_unregister:
        if (guest_copy_from(&unreg, arg, sizeof(unreg)))
            return -PV_EFAULT;
        if (unreg.type > PV_CALLBACKTYPE_syscall32 || unreg.type == 6)
            return -PV_ENOSYS;
        if (unreg.type != PV_CALLBACKTYPE_nmi)
            return -PV_EINVAL; /* only the NMI callback can be withdrawn */
        v->trap[X86_EXC_NMI] = (struct vtrap){0};
        return 0;
    }
    return -PV_ENOSYS;
}

/* set_callbacks(event, failsafe, syscall): the syscall entry masks events; as in Xen, an
 * address that cannot be registered is skipped and the call still returns 0. */
long hc_set_callbacks(struct vcpu *v, unsigned long event, unsigned long failsafe,
                      unsigned long syscall)
{
    struct pv_callback_register cbs[3] = {
        {.type = PV_CALLBACKTYPE_event, .address = event},
        {.type = PV_CALLBACKTYPE_failsafe, .address = failsafe},
        {.type = PV_CALLBACKTYPE_syscall, .flags = PV_CALLBACKF_mask_events, .address = syscall},
    };

    for (unsigned i = 0; i < 3; i++)
        register_callback(v, &cbs[i]);
    return 0;
}
