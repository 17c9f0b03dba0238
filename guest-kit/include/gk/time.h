/* guest-kit: system time and sleeping (vcpu_time_info, single-shot timer, SCHEDOP_block). */
#ifndef GK_TIME_H
#define GK_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define GK_NS_PER_MS 1000000UL
#define GK_NS_PER_US 1000UL

/* Nanoseconds since the hypervisor booted, from the running vCPU's vcpu_time_info read under
 * its version protocol (odd or changed version: read again). Needs shared_info. */
uint64_t gk_time_now(void);

/* The host's wall clock, in nanoseconds since the epoch: shared_info's wc_* (the time of day
 * at the hypervisor's system time 0, read under wc_version's protocol) plus the system time.
 * Unlike gk_time_now() it goes on across a suspend: after a migration it is the new host's. */
uint64_t gk_time_wallclock(void);

/* The running vCPU's timer port (VIRQ_TIMER), bound on first use; the periodic timer is
 * stopped then. 0 if binding failed. */
uint32_t gk_timer_port(void);

/* Resume in a new domain: the timer ports are gone (bound again on next use). */
void gk_time_reset(void);
/* After a resume in a new domain: the guest's time goes on from then (gk_time_now() read before
 * the suspend), whatever the new host's clock says; timer deadlines follow. */
void gk_time_continue_from(uint64_t then);

/* Arm the running vCPU's single-shot timer for absolute system time `deadline`
 * (VCPUOP_set_singleshot_timer; set_timer_op if vcpu_op lacks it). 0 cancels. */
long gk_timer_set(uint64_t deadline);

/* Block (SCHEDOP_block, which unmasks events) until `deadline`; events are delivered
 * meanwhile, and the vCPU's event mask is as before on return. Returns 0, or a hypercall's
 * error. */
long gk_sleep_until(uint64_t deadline);
long gk_sleep_ns(uint64_t ns);

/* Block until an event arrives on `port` (counted by the dispatcher) or `deadline` passes
 * (0: none); true if the event came. `seen` is gk_event_counts[port] read before the caller
 * looked at what the event brings: an upcall may come between any two instructions while
 * events are unmasked, and a count read after the look already holds an event the look missed
 * (the wait then lasts until the deadline). */
bool gk_wait_event_until(uint32_t port, uint32_t seen, uint64_t deadline);
/* The same for an event on either of two ports (port2 0: none). */
bool gk_wait_event2_until(uint32_t port, uint32_t seen, uint32_t port2, uint32_t seen2,
                          uint64_t deadline);

#endif /* GK_TIME_H */
