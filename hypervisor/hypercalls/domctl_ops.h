/* The domctl and sysctl commands, one function per command, grouped in files by subject
 * (domctl.c: lifecycle, domctl_mem.c: memory, domctl_vcpu.c: vCPUs and scheduling; sysctl.c,
 * sysctl_host.c).
 * hc_domctl / hc_sysctl have checked the header, the target and the policy before they call
 * one. A command sets *copyback when the whole argument goes back to the caller (Xen's
 * copyback: the result fields are in op). */
#ifndef HV_DOMCTL_OPS_H
#define HV_DOMCTL_OPS_H
#include "domain.h"
#include "pv-abi/domctl.h"
#include "pv-abi/sysctl.h"

/* A domctl command on target d (NULL for the commands without a target, see hc_domctl). */
typedef long domctl_fn(struct vcpu *v, struct domain *d, struct pv_domctl *op, bool *copyback);
/* A sysctl command. */
typedef long sysctl_fn(struct vcpu *v, struct pv_sysctl *op, bool *copyback);

/* Each file's commands follow, in the order of the files above. */

/* domctl_vcpu.c: vCPUs, scheduling, time. */
domctl_fn domctl_getvcpuinfo, domctl_setvcpuaffinity, domctl_getvcpuaffinity;
domctl_fn domctl_scheduler_op, domctl_settimeoffset, domctl_gettscinfo, domctl_settscinfo;

/* sysctl_host.c: the host's CPUs, scheduler and log. */
sysctl_fn sysctl_readconsole, sysctl_physinfo, sysctl_sched_id, sysctl_getcpuinfo;
sysctl_fn sysctl_cputopoinfo;

#endif
