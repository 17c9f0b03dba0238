/* The batch-and-continue loop of every batched hypercall (mmu_update, mmuext_op, grant_table_op,
 * multicall): preemption check, copy the entry in, run it; each caller encodes its continuation. */
#include "console.h"
#include "hypercall_table.h"
#include "pv-abi/errno.h"

HOT_MM bool hypercall_batch(struct vcpu *v, struct hc_batch *b, hc_step_fn *step)
{
    uint64_t e[HC_BATCH_ENTRY_MAX / 8];

    BUG_ON(b->size > sizeof(e));
    b->rc = 0;
    for (bool first = true; b->left; first = false) {
        enum hc_step next;

        if (!first && hypercall_preempt_check())
            return true;
        next = guest_copy_from(e, b->at, b->size) ? hc_step_rc(&b->rc, -PV_EFAULT)
                                                  : step(v, e, b->at, &b->rc);
        if (next != HC_NEXT)
            return next == HC_AGAIN; /* a stopped batch, or this entry again later */
        b->left--;
        b->at = guest_handle_add(b->at, b->size);
    }
    return false;
}
