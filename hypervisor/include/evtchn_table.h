/* The per-domain port table shared by common/event_channel.c (states) and common/event_2l.c
 * (delivery). Nothing else looks inside a port: use evtchn.h. */
#ifndef HV_EVTCHN_TABLE_H
#define HV_EVTCHN_TABLE_H
#include "evtchn.h"
#include "pv-abi/shared_info.h"

/* Port states (Xen's ECS_*), plus ECS_HV: the other end is the hypervisor. */
enum { ECS_FREE, ECS_RESERVED, ECS_UNBOUND, ECS_INTERDOMAIN, ECS_VIRQ, ECS_IPI, ECS_HV, ECS_PIRQ };

/* One port (16 bytes; 256 to a page-sized bucket). */
struct evtchn {
    uint8_t state;       /* ECS_* */
    uint8_t notify_vcpu; /* the vCPU its events are raised on */
    uint16_t remote_dom; /* UNBOUND: who may bind; INTERDOMAIN: the peer; HV: PV_DOMID_XEN */
    uint32_t u;          /* INTERDOMAIN: the peer's port; VIRQ: the VIRQ; PIRQ: the pirq */
    evtchn_hv_notify_fn *notify; /* HV: called on a guest send */
};

/* Port of d, or NULL if it has no storage (Xen's port_is_valid). Caller holds d->evtchn_lock. */
static inline struct evtchn *evtchn_chn(const struct domain *d, unsigned port)
{
    if (port >= d->evtchn_valid)
        return NULL;
    return &d->evtchn_bucket[port / EVTCHN_PORTS_PER_BUCKET][port % EVTCHN_PORTS_PER_BUCKET];
}

#endif
