/* guest-kit: shared_info, vcpu_info and 2-level event channel dispatch. */
#ifndef GK_EVENTS_H
#define GK_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "pv-abi/pv.h"

/* Map the shared_info page (update_va_mapping onto a page reserved in the image). Returns 0
 * or the hypercall's error. Nothing below works before it succeeds. */
long gk_shared_info_map(void);

/* The mapped shared_info page and vCPU 0's vcpu_info, or NULL if not mapped. */
struct pv_shared_info *gk_shared_info(void);
struct pv_vcpu_info *gk_vcpu_info(void);

/* A handler for one event channel port, called with events masked. */
typedef void (*gk_event_handler_t)(pv_evtchn_port_t port, void *arg);

/* Route port to handler (NULL to drop events on it). Returns 0 or -PV_EINVAL. */
int gk_event_set_handler(pv_evtchn_port_t port, gk_event_handler_t handler, void *arg);

/* Mask or unmask event delivery for this vCPU (evtchn_upcall_mask). Unmasking delivers
 * pending events. Both need shared_info. */
void gk_events_mask(void);
void gk_events_unmask(void);

/* Mask / unmask one port (unmask with EVTCHNOP_unmask so a pending event is re-raised). */
void gk_event_mask_port(pv_evtchn_port_t port);
long gk_event_unmask_port(pv_evtchn_port_t port);

/* Notify the remote end of port. */
long gk_event_send(pv_evtchn_port_t port);

/* Scan and dispatch pending events (called from the event callback). */
void gk_events_dispatch(void);

#endif /* GK_EVENTS_H */
