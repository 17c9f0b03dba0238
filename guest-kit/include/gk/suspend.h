/* guest-kit: suspending for a toolstack's save or migration, and resuming (Xen's PV protocol,
 * docs/porting.md; what Linux's drivers/xen/manage.c does). */
#ifndef GK_SUSPEND_H
#define GK_SUSPEND_H

#include <stddef.h>
#include <stdint.h>

/*
 * The toolstack asks through xenstore: control/shutdown = "suspend" (or "poweroff", "reboot"),
 * or, for a suspend, by a notify on the suspend event channel (libxl's way, without xenstore's
 * round trips): on first use (and again after a resume in a new domain) the kit allocates a
 * port unbound for dom0 and writes its number in device/suspend/event-channel, besides
 * control/feature-suspend = 1 (neither is fatal if refused: the toolstack then uses
 * control/shutdown). Waits until control/shutdown holds a request (watching it) or an event
 * came on that port; a request is acknowledged by writing "" (libxl waits for that) and copied
 * into buf, an event is "suspend" in buf. 0, or -PV_ETIMEDOUT at deadline (gk_time_now() ns),
 * or a xenstore error.
 */
long gk_shutdown_request_wait(uint64_t deadline, char *buf, size_t size);

/*
 * Suspend: events masked, start_info's store and console frames turned into pfns, shared_info
 * unmapped, then SCHEDOP_shutdown(SHUTDOWN_suspend) with start_info's frame in the third
 * argument. The toolstack saves the domain meanwhile. Returns:
 *   0  running in a new domain restored from the save: start_info has the new rings' frames and
 *      ports; shared_info, the console, xenstore, the p2m's publication and the timer are set up
 *      again here; every other event channel binding is gone (the caller binds again);
 *   1  the suspend was cancelled (xl save -c, or a failed save): the same domain goes on with
 *      its channels; start_info and shared_info are as before;
 *   <0 the hypercall's error (nothing changed).
 * Only vCPU 0 may be running (secondary vCPUs are not re-initialised here).
 */
long gk_suspend(void);

#endif /* GK_SUSPEND_H */
