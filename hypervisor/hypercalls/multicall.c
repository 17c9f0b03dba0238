/* multicall: a batch of hypercalls in one entry (pv-abi/multicall.h). */
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "pv-abi/hypercall.h"
#include "hypercall_table.h"
#include "pv-abi/multicall.h"
#include "percpu.h"

enum entry_end { NEXT, STOP, PREEMPTED };

/* Run entry i of the batch: go on with the next, stop the batch (rc set), or preempted (the
 * entry was rewritten with its remaining work and must run again). */
static enum entry_end run_entry(struct vcpu *v, uint64_t list, uint32_t i, long *rc)
{
    uint64_t at = list + (uint64_t)i * sizeof(struct pv_multicall_entry);
    struct percpu *pc = percpu();
    struct pv_multicall_entry e;

    if (guest_copy_from(&e, at, sizeof(e))) {
        *rc = -PV_EFAULT;
        return STOP;
    }
    pc->in_multicall = true;
    pc->mc_preempted = false;
    e.result = e.op == PV_HYPERCALL_multicall ? (uint64_t)-PV_EINVAL
                                              : (uint64_t)hypercall_dispatch(v, e.op, e.args);
    pc->in_multicall = false;
    if (pc->mc_preempted) {
        for (unsigned a = 0; a < 4; a++)
            e.args[a] = pc->mc_args[a];
        return guest_copy_to(at, &e, sizeof(e)) ? (*rc = -PV_EFAULT, STOP) : PREEMPTED;
    }
    if (guest_copy_to(at + offsetof(struct pv_multicall_entry, result), &e.result, 8)) {
        *rc = -PV_EFAULT;
        return STOP;
    }
    if (e.op == PV_HYPERCALL_iret) {
        *rc = (long)e.result; /* iret does not return: the batch ends, rax is the iret's */
        return STOP;
    }
    /* A call that ended the domain or put the vCPU to sleep also ends the batch. */
    return v->domain->state == DOM_RUNNING && v->run_state == VCPU_RUNNABLE ? NEXT : STOP;
}

long hc_multicall(struct vcpu *v, const uint64_t arg[5])
{
    uint64_t list = arg[0];
    uint32_t nr = (uint32_t)arg[1];
    long rc = 0;

    for (uint32_t i = 0; i < nr; i++) {
        enum entry_end end = run_entry(v, list, i, &rc);

        if (end == STOP)
            return rc;
        if (end == PREEMPTED || (i + 1 < nr && hypercall_preempt_check())) {
            uint32_t from = end == PREEMPTED ? i : i + 1;

            return hypercall_continue(PV_HYPERCALL_multicall,
                                      list + (uint64_t)from * sizeof(struct pv_multicall_entry),
                                      nr - from, arg[2], arg[3]);
        }
    }
    return 0;
}
