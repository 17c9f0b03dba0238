/* The per-domain port table shared by common/event_channel.c (states), common/event_2l.c and
 * common/event_fifo.c (delivery, one file per ABI). Nothing else looks inside a port: use
 * evtchn.h. */
#ifndef HV_EVTCHN_TABLE_H
#define HV_EVTCHN_TABLE_H
#include "evtchn.h"
#include "pv-abi/shared_info.h"

/* Port states (Xen's ECS_*), plus ECS_HV: the other end is the hypervisor. */
enum { ECS_FREE, ECS_RESERVED, ECS_UNBOUND, ECS_INTERDOMAIN, ECS_VIRQ, ECS_IPI, ECS_HV, ECS_PIRQ };

/* One port (16 bytes; 256 to a page-sized bucket). A zeroed port is free, FIFO default priority. */
struct evtchn {
    uint8_t state;       /* ECS_* */
    uint8_t notify_vcpu; /* the vCPU its events are raised on */
    uint16_t remote_dom; /* UNBOUND: who may bind; INTERDOMAIN: the peer; HV: PV_DOMID_XEN */
    uint8_t fifo_prio;   /* FIFO: its priority XOR PV_EVTCHN_FIFO_PRIORITY_DEFAULT */
    bool fifo_pending;   /* FIFO: raised while it had no event word (Xen's evtchn->pending) */
    uint16_t pad;
    union {
        uint32_t u; /* INTERDOMAIN: the peer's port; VIRQ: the VIRQ; PIRQ: the pirq */
        evtchn_hv_notify_fn *notify; /* HV: called on a guest send */
    };
};

/* Port of d, or NULL if it has no storage (Xen's port_is_valid). Caller holds d->evtchn_lock. */
static inline struct evtchn *evtchn_chn(const struct domain *d, unsigned port)
{
    if (port >= d->evtchn_valid)
        return NULL;
    return &d->evtchn_bucket[port / EVTCHN_PORTS_PER_BUCKET][port % EVTCHN_PORTS_PER_BUCKET];
}

/* Shared by both ABIs' delivery (event_2l.c); the caller holds d->evtchn_lock. mark_upcall:
 * set v's evtchn_upcall_pending, kicking v if it was clear; check_pollers: wake d's vCPUs
 * polling on port. */
void evtchn_mark_upcall(struct vcpu *v);
void evtchn_check_pollers(struct domain *d, unsigned port);

/* The FIFO ABI's side of the port operations (event_fifo.c), for a domain with evtchn_fifo set;
 * the caller holds d->evtchn_lock. */
void evtchn_fifo_set_pending(struct vcpu *v, struct evtchn *chn, unsigned port);
void evtchn_fifo_clear_pending(struct domain *d, unsigned port);
void evtchn_fifo_unmask(struct domain *d, struct evtchn *chn, unsigned port);
bool evtchn_fifo_is_pending(const struct domain *d, unsigned port);
/* Back to the 2-level ABI (EVTCHNOP_reset, teardown): the guest frames let go. */
void evtchn_fifo_destroy(struct domain *d);

#endif
