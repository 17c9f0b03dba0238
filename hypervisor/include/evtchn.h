/* Event channels: the per-domain port table, its state machine, and delivery by the 2-level ABI
 * (pending / mask / selector bits on shared_info) or the FIFO ABI (event words and priority
 * queues in guest frames) a domain chose (docs/porting/events.md). The EVTCHNOP_* decoding lives in
 * hypercalls/event_channel.c, SCHEDOP_poll's in hypercalls/sched_op.c; both call in here.
 * (Named evtchn.h: an event_channel.h here would shadow pv-abi/event_channel.h.)
 *
 * Every function returns 0 or a negative -PV_E* value, with Xen's error for each case.
 * Locking: each domain's ports, the vCPUs' VIRQ tables and poll state are guarded by
 * d->evtchn_lock; two domains' locks are taken in ascending domid order. */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H
#include "domain.h"
#include "pv-abi/event_channel.h"

#define EVTCHN_DEFAULT_MAX_PORT 1023 /* xl's default max_event_channels */
#define EVTCHN_PORTS_PER_BUCKET 256  /* one page of 16-byte entries */

/* The hypervisor end of a port: called, without locks held, when the guest sends on it. */
typedef void evtchn_hv_notify_fn(struct domain *d, unsigned port);

/* Domain lifetime: evtchn_init at creation (no storage yet: buckets come on first use);
 * evtchn_destroy when the domain is reaped closes every port (an interdomain peer's end becomes
 * unbound, as Xen) and frees the table. No port can be allocated afterwards. */
void evtchn_init(struct domain *d);
void evtchn_destroy(struct domain *d);

/* Page-sized, zeroed storage for a bucket (NULL when out of memory), and its release: the only
 * allocation the event channel core makes (common/evtchn_page.c; faked by the unit tests). */
void *evtchn_page_alloc(void);
void evtchn_page_free(void *page);

/* EVTCHNOP_* issued by a vCPU of domain `caller`; they act on the caller's ports unless a `dom`
 * argument names another domain (PV_DOMID_SELF accepted; another domain needs privilege). */
int evtchn_alloc_unbound(struct domain *caller, unsigned dom, unsigned remote_dom, unsigned *port);
int evtchn_bind_interdomain(struct domain *caller, unsigned remote_dom, unsigned remote_port,
                            unsigned *port);
int evtchn_bind_virq(struct domain *caller, unsigned virq, unsigned vcpu, unsigned *port);
int evtchn_bind_ipi(struct domain *caller, unsigned vcpu, unsigned *port);
int evtchn_close(struct domain *caller, unsigned port);
int evtchn_send(struct domain *caller, unsigned port);
/* Reads st->dom and st->port; fills status, vcpu and the union member of the state. */
int evtchn_status(struct domain *caller, struct pv_evtchn_status *st);
int evtchn_bind_vcpu(struct domain *caller, unsigned port, unsigned vcpu);
int evtchn_unmask(struct domain *caller, unsigned port);
/* reset: close every port of dom; reset_cont (Xen's continuation, never pending here): -EBUSY. */
int evtchn_reset(struct domain *caller, unsigned dom, bool cont);
/* FIFO ABI (common/event_fifo.c), on the caller's own ports. init_control maps vCPU vcpu's
 * control block at offset in frame gfn, switching the domain to FIFO at the first call (until
 * EVTCHNOP_reset); expand_array adds a page of event words; set_priority: -PV_ENOSYS on 2-level. */
int evtchn_init_control(struct domain *caller, uint64_t gfn, unsigned offset, unsigned vcpu);
int evtchn_expand_array(struct domain *caller, uint64_t gfn);
int evtchn_set_priority(struct domain *caller, unsigned port, unsigned priority);
/* The guest frames the FIFO ABI has the hypervisor write (event array pages, control blocks),
 * for log-dirty: how many went to out. */
#define EVTCHN_FIFO_MAX_FRAMES (PV_EVTCHN_FIFO_NR_CHANNELS / 1024 + MAX_VCPUS)
unsigned evtchn_fifo_frames(struct domain *d, uint64_t out[EVTCHN_FIFO_MAX_FRAMES]);

/* Raise port on v (the vCPU the port notifies) by the domain's ABI: 2-level §3.6 steps 1-2, or
 * FIFO's queue linking; then wake every vCPU of the domain polling on the port (even a masked
 * one). Every sender, guest or hypervisor, comes here. The caller holds
 * v->domain->evtchn_lock. */
void evtchn_set_pending(struct vcpu *v, unsigned port);

/* Hypervisor-internal senders. send_virq: a per-vCPU VIRQ on v, a global or per-domain one on
 * the port bound at vCPU 0 of v's domain; -PV_ENOENT if nothing is bound, -PV_EINVAL bad virq. */
int evtchn_send_virq(struct vcpu *v, unsigned virq);
/* A port of d whose other end is the hypervisor: status shows it interdomain with remote domain
 * PV_DOMID_XEN and remote port 0; a guest send calls notify; the guest may close it (later
 * notifications are then dropped). Returns the port, or -PV_ENOSPC/-PV_ENOMEM/-PV_EINVAL. */
int evtchn_alloc_hv_port(struct domain *d, evtchn_hv_notify_fn *notify);
/* Raise d's end of a port made by evtchn_alloc_hv_port (nothing if it was closed since). */
void evtchn_notify_hv_port(struct domain *d, unsigned port);

/* A port of d bound to pirq (EVTCHNOP_bind_pirq, after common/pirq.c's checks): the port, or
 * -PV_ENOSPC/-PV_ENOMEM/-PV_EINVAL. Closing it is an ordinary close: pirq.c finds it gone. */
int evtchn_alloc_pirq_port(struct domain *d, unsigned pirq);
/* Is port of d still bound to pirq? If so and raise, raise it. */
bool evtchn_raise_pirq(struct domain *d, unsigned port, unsigned pirq, bool raise);

/* SCHEDOP_poll for vCPU v (the caller): 0 at once if an event awaits delivery or one of the
 * ports is pending; -PV_EINVAL for a port without storage; 0 at once if the deadline (system
 * time, 0 = none) is not after now; else v blocks until a listed port (any port when nr != 1)
 * is raised, an upcall is marked, or the deadline passes, and the guest later sees 0. */
int evtchn_poll(struct vcpu *v, const uint32_t *ports, unsigned nr, uint64_t deadline,
                uint64_t now);
/* End every poll whose deadline has passed (called by the poll timer a poller arms). */
void evtchn_poll_expire(uint64_t now);

#endif
