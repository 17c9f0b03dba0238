/* multicall: a batch of hypercalls in one entry (pv-abi/multicall.h). */
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "hypercall_table.h"
#include "multicall.h"
#include "percpu.h"

/* Run entry i of the batch; false when the batch must stop here. */
static bool run_entry(struct vcpu *v, uint64_t list, uint32_t i, long *rc)
{
    uint64_t at = list + (uint64_t)i * sizeof(struct pv_multicall_entry);
    struct pv_multicall_entry e;

    if (guest_copy_from(&e, at, sizeof(e))) {
        *rc = -PV_EFAULT;
        return false;
    }
    e.result = e.op == PV_HYPERCALL_multicall ? (uint64_t)-PV_EINVAL
                                              : (uint64_t)hypercall_dispatch(v, e.op, e.args);
    if (guest_copy_to(at + offsetof(struct pv_multicall_entry, result), &e.result, 8)) {
        *rc = -PV_EFAULT;
        return false;
    }
    if (e.op == PV_HYPERCALL_iret) {
        *rc = (long)e.result; /* iret does not return: the batch ends, rax is the iret's */
        return false;
    }
    /* A call that ended the domain or put the vCPU to sleep also ends the batch. */
    return v->domain->state == DOM_RUNNING && v->run_state == VCPU_RUNNABLE;
}

long hc_multicall(struct vcpu *v, const uint64_t arg[5])
{
    uint64_t list = arg[0];
    uint32_t nr = (uint32_t)arg[1];
    long rc = 0;

    for (uint32_t i = 0; i < nr; i++) {
        if (!run_entry(v, list, i, &rc))
            return rc;
        if (i + 1 < nr && hypercall_preempt_check())
            return hypercall_continue(PV_HYPERCALL_multicall,
                                      list + (uint64_t)(i + 1) * sizeof(struct pv_multicall_entry),
                                      nr - i - 1, arg[2], arg[3]);
    }
    return 0;
}
