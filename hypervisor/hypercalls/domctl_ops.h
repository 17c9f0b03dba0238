/* The domctl and sysctl commands, one function per command, grouped in files by subject
 * (domctl.c, domctl_info.c: lifecycle, domctl_mem.c: memory, domctl_vcpu.c: vCPUs and
 * scheduling, domctl_perm.c: machine I/O; sysctl.c, sysctl_host.c).
 * hc_domctl / hc_sysctl have checked the header, the target and the policy before they call
 * one. A domctl command calls domctl_copyback() when the whole argument goes back to the
 * caller (Xen's copyback: the result fields are in op); a sysctl command's goes back exactly
 * when it succeeds. */
#ifndef HV_DOMCTL_OPS_H
#define HV_DOMCTL_OPS_H
#include "domain.h"
#include "pv-abi/domctl.h"
#include "pv-abi/sysctl.h"

/* A domctl command on target d (NULL for the commands without a target, see hc_domctl). */
typedef long domctl_fn(struct vcpu *v, struct domain *d, struct pv_domctl *op);
/* A sysctl command. */
typedef long sysctl_fn(struct vcpu *v, struct pv_sysctl *op);

/* The domctl lock (Xen's): domctl commands, and the sysctl commands that read the domain
 * table, run under it; a caller that finds it taken comes back later. */
bool domctl_lock_try(void);
void domctl_unlock(void);
/* The running domctl command's argument goes back to the caller when it returns. */
void domctl_copyback(void);

/* Each file's commands follow, in the order of the files above. */

/* Lifecycle (domctl.c, domctl_info.c). */
domctl_fn domctl_createdomain, domctl_destroydomain, domctl_pausedomain, domctl_unpausedomain,
    domctl_getdomaininfo, domctl_max_mem, domctl_setvcpucontext, domctl_getvcpucontext,
    domctl_max_vcpus, domctl_setdomainhandle, domctl_hypercall_init;
/* getdomaininfo's record of d (Xen's getdomaininfo()). */
void domctl_fill_info(const struct domain *d, struct pv_domctl_getdomaininfo *info);

/* Lifecycle (sysctl.c). */
sysctl_fn sysctl_getdomaininfolist;

/* domctl_mem.c: a domain's memory. */
domctl_fn domctl_getpageframeinfo3;

/* domctl_vcpu.c: vCPUs, scheduling, time. */
domctl_fn domctl_getvcpuinfo, domctl_vcpuaffinity, domctl_scheduler_op, domctl_settimeoffset;
domctl_fn domctl_tscinfo;

/* domctl_perm.c: the machine I/O a domain may reach. */
domctl_fn domctl_irq_permission, domctl_iomem_permission, domctl_ioport_permission;
/* domctl_save.c: save, restore and migration (log-dirty's shadow_op: mm/logdirty.c). */
domctl_fn domctl_resumedomain, domctl_set_address_size, domctl_get_address_size;
domctl_fn domctl_ext_vcpucontext, domctl_vcpuextstate, domctl_vcpu_msrs, domctl_shadow_op;

/* sysctl_host.c: the host's CPUs, scheduler and log. */
sysctl_fn sysctl_readconsole, sysctl_physinfo, sysctl_sched_id, sysctl_getcpuinfo;
sysctl_fn sysctl_cputopoinfo;

#endif
