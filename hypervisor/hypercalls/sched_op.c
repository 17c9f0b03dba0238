/* sched_op: yield, block, shutdown and friends (pv-abi/sched_op.h). */
#include "pv-abi/errno.h"
#include "evtchn.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "sched.h"
#include "pv-abi/sched_op.h"
#include "time.h"
#include "timer.h"

#define POLL_MAX_PORTS 128 /* Xen's "fairly arbitrary limit" */

/* SCHEDOP_poll: decode here, wait in the event channel core (evtchn_poll), time out by the
 * vCPU's poll timer (vcpu_op.c). */
static long poll(struct vcpu *v, guest_handle arg)
{
    struct pv_sched_poll sp;
    uint32_t ports[POLL_MAX_PORTS];
    long rc;

    if (guest_copy_from(&sp, arg, sizeof(sp)))
        return -PV_EFAULT;
    if (sp.nr_ports > POLL_MAX_PORTS)
        return -PV_EINVAL;
    if (guest_copy_from(ports, guest_handle_of(sp.ports), sp.nr_ports * sizeof(ports[0])))
        return -PV_EFAULT;
    rc = evtchn_poll(v, ports, sp.nr_ports, sp.timeout, time_now_ns());
    /* It sleeps: the timeout is a timer on this CPU (a late one after an earlier wake-up
     * finds no expired poll and does nothing). */
    if (!rc && sp.timeout && __atomic_load_n(&v->polling, __ATOMIC_RELAXED))
        timer_set(&v->poll_timer, sp.timeout);
    return rc;
}

static long remote_shutdown(struct vcpu *v, guest_handle arg)
{
    struct pv_sched_remote_shutdown rs;
    struct domain *target;

    if (guest_copy_from(&rs, arg, sizeof(rs)))
        return -PV_EFAULT;
    target = domain_by_id(rs.domain_id);
    if (!target || target->state != DOM_RUNNING)
        return -PV_ESRCH;
    if (!v->domain->privileged)
        return -PV_EPERM;
    domain_shutdown(target, rs.reason);
    return 0;
}

long hc_sched_op(struct vcpu *v, unsigned long cmd, guest_handle arg)
{
    struct pv_sched_shutdown sd;
    struct domain *d = v->domain;

    switch (cmd) {
    case PV_SCHEDOP_yield:
        sched_yield();
        return 0;
    case PV_SCHEDOP_block:
        sched_block(v, true);
        return 0;
    case PV_SCHEDOP_shutdown:
    case PV_SCHEDOP_shutdown_code:
        if (guest_copy_from(&sd, arg, sizeof(sd)))
            return -PV_EFAULT;
        if (cmd == PV_SCHEDOP_shutdown) {
            domain_shutdown(d, (uint8_t)sd.reason);
        } else if (!d->shutdown_code_set) {
            d->shutdown_code = (uint8_t)sd.reason; /* the first code recorded wins */
            d->shutdown_code_set = true;
        }
        return 0;
    case PV_SCHEDOP_remote_shutdown:
        return remote_shutdown(v, arg);
    case PV_SCHEDOP_poll:
        return poll(v, arg);
    }
    return -PV_ENOSYS;
}
