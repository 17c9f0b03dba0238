/* event_channel_op(cmd, arg) (pv-abi/event_channel.h): copy the sub-op's struct in, call the
 * core (common/event_channel.c), copy OUT fields back on success, as Xen's
 * do_event_channel_op does. */
#include "pv-abi/event_channel.h"
#include "pv-abi/errno.h"
#include "evtchn.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "pirq.h"

union evtchn_op {
    struct pv_evtchn_bind_interdomain bind_interdomain;
    struct pv_evtchn_bind_virq bind_virq;
    struct pv_evtchn_bind_pirq bind_pirq;
    struct pv_evtchn_close close;
    struct pv_evtchn_send send;
    struct pv_evtchn_status status;
    struct pv_evtchn_alloc_unbound alloc_unbound;
    struct pv_evtchn_bind_ipi bind_ipi;
    struct pv_evtchn_bind_vcpu bind_vcpu;
    struct pv_evtchn_unmask unmask;
    struct pv_evtchn_reset reset;
    struct pv_evtchn_init_control init_control;
    struct pv_evtchn_expand_array expand_array;
    struct pv_evtchn_set_priority set_priority;
};

/* Size of each sub-op's struct, and whether it has OUT fields to copy back. */
static const struct {
    uint8_t size;
    bool out;
} op_arg[] = {
    [PV_EVTCHNOP_bind_interdomain] = {sizeof(struct pv_evtchn_bind_interdomain), true},
    [PV_EVTCHNOP_bind_virq] = {sizeof(struct pv_evtchn_bind_virq), true},
    [PV_EVTCHNOP_bind_pirq] = {sizeof(struct pv_evtchn_bind_pirq), true},
    [PV_EVTCHNOP_close] = {sizeof(struct pv_evtchn_close), false},
    [PV_EVTCHNOP_send] = {sizeof(struct pv_evtchn_send), false},
    [PV_EVTCHNOP_status] = {sizeof(struct pv_evtchn_status), true},
    [PV_EVTCHNOP_alloc_unbound] = {sizeof(struct pv_evtchn_alloc_unbound), true},
    [PV_EVTCHNOP_bind_ipi] = {sizeof(struct pv_evtchn_bind_ipi), true},
    [PV_EVTCHNOP_bind_vcpu] = {sizeof(struct pv_evtchn_bind_vcpu), false},
    [PV_EVTCHNOP_unmask] = {sizeof(struct pv_evtchn_unmask), false},
    [PV_EVTCHNOP_reset] = {sizeof(struct pv_evtchn_reset), false},
    [PV_EVTCHNOP_init_control] = {sizeof(struct pv_evtchn_init_control), true},
    [PV_EVTCHNOP_expand_array] = {sizeof(struct pv_evtchn_expand_array), false},
    [PV_EVTCHNOP_set_priority] = {sizeof(struct pv_evtchn_set_priority), false},
    [PV_EVTCHNOP_reset_cont] = {sizeof(struct pv_evtchn_reset), false},
};

static long bind_ops(struct domain *d, unsigned cmd, union evtchn_op *a)
{
    switch (cmd) {
    case PV_EVTCHNOP_alloc_unbound:
        return evtchn_alloc_unbound(d, a->alloc_unbound.dom, a->alloc_unbound.remote_dom,
                                    &a->alloc_unbound.port);
    case PV_EVTCHNOP_bind_interdomain:
        return evtchn_bind_interdomain(d, a->bind_interdomain.remote_dom,
                                       a->bind_interdomain.remote_port,
                                       &a->bind_interdomain.local_port);
    case PV_EVTCHNOP_bind_virq:
        return evtchn_bind_virq(d, a->bind_virq.virq, a->bind_virq.vcpu, &a->bind_virq.port);
    case PV_EVTCHNOP_bind_ipi:
        return evtchn_bind_ipi(d, a->bind_ipi.vcpu, &a->bind_ipi.port);
    case PV_EVTCHNOP_bind_vcpu:
        return evtchn_bind_vcpu(d, a->bind_vcpu.port, a->bind_vcpu.vcpu);
    }
    return pirq_bind(d, a->bind_pirq.pirq, a->bind_pirq.flags, &a->bind_pirq.port);
}

static long invoke(struct domain *d, unsigned cmd, union evtchn_op *a)
{
    switch (cmd) {
    case PV_EVTCHNOP_close:
        return evtchn_close(d, a->close.port);
    case PV_EVTCHNOP_send:
        return evtchn_send(d, a->send.port);
    case PV_EVTCHNOP_status:
        return evtchn_status(d, &a->status);
    case PV_EVTCHNOP_unmask:
        return evtchn_unmask(d, a->unmask.port);
    case PV_EVTCHNOP_reset:
    case PV_EVTCHNOP_reset_cont:
        return evtchn_reset(d, a->reset.dom, cmd == PV_EVTCHNOP_reset_cont);
    case PV_EVTCHNOP_init_control:
        a->init_control.link_bits = PV_EVTCHN_FIFO_LINK_BITS;
        return evtchn_init_control(d, a->init_control.control_gfn, a->init_control.offset,
                                   a->init_control.vcpu);
    case PV_EVTCHNOP_expand_array:
        return evtchn_expand_array(d, a->expand_array.array_gfn);
    case PV_EVTCHNOP_set_priority:
        return evtchn_set_priority(d, a->set_priority.port, a->set_priority.priority);
    }
    return bind_ops(d, cmd, a);
}

long hc_event_channel_op(struct vcpu *v, unsigned int cmd, guest_handle arg)
{
    union evtchn_op a;
    long rc;

    if (cmd >= ARRAY_SIZE(op_arg) || !op_arg[cmd].size)
        return -PV_ENOSYS;
    if (guest_copy_from(&a, arg, op_arg[cmd].size))
        return -PV_EFAULT;
    rc = invoke(v->domain, cmd, &a);
    if (!rc && op_arg[cmd].out && guest_copy_to(arg, &a, op_arg[cmd].size))
        rc = -PV_EFAULT; /* done, but the guest cannot learn the result (as Xen) */
    return rc;
}
