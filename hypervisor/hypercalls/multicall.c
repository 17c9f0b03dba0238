/* multicall: a batch of hypercalls in one entry (pv-abi/multicall.h). */
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "pv-abi/hypercall.h"
#include "hypercall_table.h"
#include "lib.h"
#include "pv-abi/multicall.h"
#include "percpu.h"

_Static_assert(sizeof(struct pv_multicall_entry) <= HC_BATCH_ENTRY_MAX, "a batch entry");

/* Run one entry: go on with the next, stop the batch (rc set), or run it again after a
 * continuation (the entry was rewritten with its remaining work). */
static enum hc_step run_entry(struct vcpu *v, void *entry, guest_handle at, long *rc)
{
    struct pv_multicall_entry *e = entry;
    struct percpu *pc = percpu();

    pc->in_multicall = true;
    pc->mc_preempted = false;
    memcpy(pc->mc_args, e->args, sizeof(pc->mc_args)); /* arguments a continuation keeps */
    e->result = e->op == PV_HYPERCALL_multicall ? (uint64_t)-PV_EINVAL
                                                : (uint64_t)hypercall_dispatch(v, e->op, e->args);
    pc->in_multicall = false;
    if (pc->mc_preempted) {
        memcpy(e->args, pc->mc_args, sizeof(pc->mc_args));
        return guest_copy_to(at, e, sizeof(*e)) ? hc_step_rc(rc, -PV_EFAULT) : HC_AGAIN;
    }
    at = guest_handle_add(at, offsetof(struct pv_multicall_entry, result));
    if (guest_copy_to(at, &e->result, sizeof(e->result)))
        return hc_step_rc(rc, -PV_EFAULT);
    if (e->op == PV_HYPERCALL_iret) {
        *rc = (long)e->result; /* iret does not return: the batch ends, rax is the iret's */
        return HC_STOP;
    }
    /* A call that ended the domain or put the vCPU to sleep also ends the batch. */
    return v->domain->state == DOM_RUNNING && v->run_state == VCPU_RUNNABLE ? HC_NEXT : HC_STOP;
}

long hc_multicall(struct vcpu *v, guest_handle calls, unsigned int nr)
{
    struct hc_batch b = {.at = calls, .left = nr, .size = sizeof(struct pv_multicall_entry)};

    if (hypercall_batch(v, &b, run_entry))
        return hypercall_continue(PV_HYPERCALL_multicall, 2, (const uint64_t[]){b.at.gva, b.left});
    return b.rc;
}
