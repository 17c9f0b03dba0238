/* 2-level event delivery on shared_info (docs/porting/events.md, after Xen's xen/common/event_2l.c),
 * the entry points that hand a FIFO domain's ports to event_fifo.c, and SCHEDOP_poll (after
 * do_poll in xen/common/sched/core.c). The bits live in memory the guest
 * writes concurrently: every access to them is one of the atomic helpers of spinlock.h. */
#include "pv-abi/errno.h"
#include "evtchn_table.h"
#include "sched.h"
#include "pv-abi/shared_info.h"

/* Make v runnable if it was blocked (SCHEDOP_block or _poll); a poll ends with any wake-up. */
static void wake(struct vcpu *v)
{
    v->polling = false;
    v->poll_deadline = 0;
    sched_wake(v);
}

/* Set evtchn_upcall_pending; kick v only if it was clear (Xen's vcpu_mark_events_pending). */
void evtchn_mark_upcall(struct vcpu *v)
{
    if (!__atomic_exchange_n(&v->vcpu_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        wake(v);
}

/* Wake the vCPUs of d polling on port, or on a set of ports (Xen's evtchn_check_pollers). */
void evtchn_check_pollers(struct domain *d, unsigned port)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (v->polling && (v->poll_evtchn < 0 || (unsigned)v->poll_evtchn == port))
            wake(v);
    }
}

void evtchn_set_pending(struct vcpu *v, unsigned port)
{
    struct pv_shared_info *s = v->domain->shared_info;
    unsigned word = port / 64, bit = port % 64;

    if (v->domain->evtchn_fifo) {
        evtchn_fifo_set_pending(v, evtchn_chn(v->domain, port), port);
        return;
    }
    if (test_and_set_bit64(&s->evtchn_pending[word], bit))
        return; /* the edge is already latched: nothing new to tell */
    if (!test_bit64(&s->evtchn_mask[word], bit) &&
        !test_and_set_bit64(&v->vcpu_info->evtchn_pending_sel, word))
        evtchn_mark_upcall(v);
    evtchn_check_pollers(v->domain, port); /* pollers wake even for a masked port */
}

int evtchn_unmask(struct domain *caller, unsigned port)
{
    struct pv_shared_info *s = caller->shared_info;
    unsigned word = port / 64, bit = port % 64;
    struct evtchn *chn;

    spin_lock(&caller->evtchn_lock);
    chn = evtchn_chn(caller, port);
    if (chn && caller->evtchn_fifo)
        evtchn_fifo_unmask(caller, chn, port);
    else if (chn && test_and_clear_bit64(&s->evtchn_mask[word], bit) &&
        test_bit64(&s->evtchn_pending[word], bit)) {
        struct vcpu *v = caller->vcpu[chn->notify_vcpu];

        if (!test_and_set_bit64(&v->vcpu_info->evtchn_pending_sel, word))
            evtchn_mark_upcall(v); /* the edge lost while masked is delivered now */
    }
    spin_unlock(&caller->evtchn_lock);
    return chn ? 0 : -PV_EINVAL;
}

/* 1: the poll returns at once; 0: it blocks; < 0: error (ports are checked in order, so a
 * pending port ahead of a bad one wins, as in Xen). */
static int poll_ready(struct vcpu *v, const uint32_t *ports, unsigned nr, uint64_t deadline,
                      uint64_t now)
{
    const struct pv_shared_info *s = v->domain->shared_info;

    /* Xen's local_events_need_delivery: an upcall v would take on its way back to the guest. */
    if (v->vcpu_info->evtchn_upcall_pending && !v->vcpu_info->evtchn_upcall_mask)
        return 1;
    for (unsigned i = 0; i < nr; i++) {
        if (!evtchn_chn(v->domain, ports[i]))
            return -PV_EINVAL;
        if (v->domain->evtchn_fifo ? evtchn_fifo_is_pending(v->domain, ports[i])
                                   : test_bit64(&s->evtchn_pending[ports[i] / 64], ports[i] % 64))
            return 1;
    }
    return deadline && deadline <= now; /* Xen's timer would fire at once */
}

int evtchn_poll(struct vcpu *v, const uint32_t *ports, unsigned nr, uint64_t deadline, uint64_t now)
{
    struct domain *d = v->domain;
    int rc;

    spin_lock(&d->evtchn_lock);
    rc = poll_ready(v, ports, nr, deadline, now);
    if (rc == 0) {
        /* Under the lock no sender can slip between the checks above and the sleep. */
        v->polling = true;
        v->poll_evtchn = nr == 1 ? (int)ports[0] : -1;
        v->poll_deadline = deadline;
        sched_block(v, false);
    }
    spin_unlock(&d->evtchn_lock);
    return rc < 0 ? rc : 0;
}

void evtchn_poll_expire(uint64_t now)
{
    for (unsigned id = 0; id < MAX_DOMAINS; id++) {
        struct domain *d = domain_by_id(id);

        if (!d || d->state != DOM_RUNNING)
            continue;
        spin_lock(&d->evtchn_lock);
        for (unsigned i = 0; i < d->nr_vcpus; i++) {
            struct vcpu *v = d->vcpu[i];

            if (v->polling && v->poll_deadline && v->poll_deadline <= now)
                wake(v);
        }
        spin_unlock(&d->evtchn_lock);
    }
}
