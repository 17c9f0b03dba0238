/* The device layer's private pieces shared by dev.c and dev_hotplug.c. */
#ifndef HV_DEV_INTERNAL_H
#define HV_DEV_INTERNAL_H

#include "dev.h"

/* CLOCK_MONOTONIC in seconds. */
double dev_now(void);

/* The kernel module of KIND's backend driver ("xen-blkback" for vbd, ...), for messages. */
const char *dev_module_of(const char *kind);

/*
 * Runs the hotplug script (dev.h) with action, stdin from /dev/null, its output collected; killed after timeout_s. 0 if it
 * exited 0, else -EIO with "hotplug: SCRIPT ACTION for KIND DEVID of domain D failed (...): WHY" in err.
 */
int dev_hotplug(const char *kind, uint32_t domid, uint32_t devid, const char *script,
                const char *action, const char *be, const char *fe,
                const struct hv_dev_kv *env, unsigned n_env, unsigned timeout_s,
                struct hv_err *err);

/* The hotplug action names of KIND: add (vif: online) or remove (vif: offline). */
const char *dev_action(const char *kind, bool add);

#endif
