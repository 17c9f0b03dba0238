/* guest-kit: shared_info, vcpu_info and 2-level event channel dispatch. */
#ifndef GK_EVENTS_H
#define GK_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "pv-abi/pv.h"

/* Map the shared_info page (update_va_mapping onto a page reserved in the image). Returns 0
 * or the hypercall's error. Nothing below works before it succeeds. */
long gk_shared_info_map(void);

/* Suspend (gk/suspend.h): the shared_info mapping replaced by the page's own frame again, so
 * that the saved page tables name only the domain's frames. */
long gk_shared_info_unmap(void);
/* Resume in a new domain: every channel binding is gone; forget handlers, vCPUs and FIFO. */
void gk_events_reset(void);

/* Highest number of vCPUs the kit drives (gk/smp.h), and ports with a handler slot. */
#define GK_MAX_CPUS 4
#define GK_MAX_PORTS 1024

/* The mapped shared_info page, the running vCPU's vcpu_info (shared_info.vcpu_info[n]) and
 * vCPU cpu's, or NULL if not mapped. */
struct pv_shared_info *gk_shared_info(void);
struct pv_vcpu_info *gk_vcpu_info(void);
struct pv_vcpu_info *gk_vcpu_info_of(unsigned int cpu);

/* Opening and closing channels (EVTCHNOP_*). Each returns 0 (and the new port) or -errno.
 * The kit remembers which vCPU a port notifies, so that each vCPU's upcall handles its own
 * ports: VIRQs and IPIs the vCPU given, the others vCPU 0. Closing drops the handler. */
long gk_evtchn_alloc_unbound(pv_domid_t remote_dom, pv_evtchn_port_t *port);
long gk_evtchn_bind_interdomain(pv_domid_t remote_dom, pv_evtchn_port_t remote_port,
                                pv_evtchn_port_t *local_port);
long gk_evtchn_bind_virq(uint32_t virq, unsigned int vcpu, pv_evtchn_port_t *port);
long gk_evtchn_bind_ipi(unsigned int vcpu, pv_evtchn_port_t *port);
long gk_evtchn_close(pv_evtchn_port_t port);

/* A port's pending bit (in shared_info, or its FIFO event word), and clearing it (for ports
 * that are polled). */
bool gk_event_pending(pv_evtchn_port_t port);
void gk_event_clear(pv_evtchn_port_t port);

/* Events the dispatcher took on each port (< GK_MAX_PORTS), handled or not. */
extern volatile uint32_t gk_event_counts[GK_MAX_PORTS];

/* The running vCPU (gk/smp.h). */
unsigned int gk_smp_cpu(void);

/* A handler for one event channel port, called with events masked. */
typedef void (*gk_event_handler_t)(pv_evtchn_port_t port, void *arg);

/* Route port to handler (NULL to drop events on it). Returns 0 or -PV_EINVAL. */
int gk_event_set_handler(pv_evtchn_port_t port, gk_event_handler_t handler, void *arg);

/* Mask or unmask event delivery for this vCPU (evtchn_upcall_mask). Unmasking delivers
 * pending events. Both need shared_info. */
void gk_events_mask(void);
void gk_events_unmask(void);
bool gk_events_masked(void);

/* Mask / unmask one port (unmask with EVTCHNOP_unmask so a pending event is re-raised). */
void gk_event_mask_port(pv_evtchn_port_t port);
long gk_event_unmask_port(pv_evtchn_port_t port);

/* Notify the remote end of port. */
long gk_event_send(pv_evtchn_port_t port);

/* The FIFO ABI instead of the 2-level one, as a guest may choose (docs/porting/events.md):
 * EVTCHNOP_init_control for vCPUs 0..nr_cpus-1 (control blocks in one page of the kit) and
 * EVTCHNOP_expand_array with one page of event words (ports below GK_MAX_PORTS). From then on
 * the functions here use event words (a port's PENDING and MASKED bits) and the upcall consumes
 * each vCPU's queues, highest priority first. Returns 0 or the first failing hypercall's
 * error (the domain stays 2-level if init_control failed). gk_events_fifo(): FIFO in use. */
long gk_events_fifo_init(unsigned int nr_cpus);
bool gk_events_fifo(void);
/* EVTCHNOP_set_priority (FIFO only: -PV_ENOSYS on 2-level). */
long gk_event_set_priority(pv_evtchn_port_t port, uint32_t priority);

/* Scan and dispatch the running vCPU's pending events (called from the event callback):
 * clear evtchn_upcall_pending, exchange evtchn_pending_sel with 0, and for each word it names
 * take the bits of pending & ~mask, clearing each before calling the port's handler; again
 * while evtchn_upcall_pending was set meanwhile. */
void gk_events_dispatch(void);

#endif /* GK_EVENTS_H */
