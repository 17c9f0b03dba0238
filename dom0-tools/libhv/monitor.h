/* The per-domain monitor, as xl's: waits for the domain to shut down and applies on_poweroff,
 * on_reboot and on_crash from its configuration. */
#ifndef HV_MONITOR_H
#define HV_MONITOR_H

#include <stdint.h>
#include <stdio.h>

#include "cfg.h"
#include "ops.h"

/*
 * Watches @releaseDomain (and checks every second, so a missed event only delays it), reads the
 * domain's state with getdomaininfo, and on shutdown applies the configured action: destroy;
 * preserve (leave it, stop monitoring); restart (destroy, create again from cfg with the same
 * uuid, go on monitoring the new domain); rename-restart (rename the old domain to
 * NAME-YYYYmmddTHHMMZ, keep it, create a new one with a new uuid). Returns when the domain is
 * gone, preserved, or a restart failed (negative errno). Logs each step to log.
 */
int hv_monitor_run(struct hv_ops *o, struct hv_cfg *cfg, uint32_t domid, FILE *log);

/*
 * xl's default after create: a detached process (double fork, setsid) logging to
 * /var/log/hv/hvctl-NAME.log runs hv_monitor_run with its own session. The caller's session
 * stays usable. Returns the monitor's pid or a negative errno.
 */
int hv_monitor_spawn(struct hv_ops *o, struct hv_cfg *cfg, uint32_t domid);

#endif
