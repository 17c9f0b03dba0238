/* domctl: domain control for the toolstack (pv-abi/domctl.h). Xen's checks in Xen's order (the
 * argument, the interface version, the target domain, the default XSM policy), then one
 * function per command (domctl_ops.h); the lifecycle commands that create, pause and destroy
 * domains are here, the ones that read and load them in domctl_info.c. After Xen 4.17's
 * common/domctl.c and common/domain.c. */
#include "pv-abi/domctl.h"
#include "pv-abi/errno.h"
#include "pv-abi/shared_info.h"
#include "domctl_ops.h"
#include "grant_table.h"
#include "hypercall_table.h"
#include "lib.h"
#include "spinlock.h"

#define CTL_PAUSES_MAX 255 /* Xen's limit on the toolstack's pauses of one domain */

static spinlock_t domctl_lock = SPINLOCK_INIT; /* one command at a time, as Xen */
static bool copyback;                           /* under domctl_lock: see domctl_copyback */

bool domctl_lock_try(void)
{
    return spin_trylock(&domctl_lock);
}

void domctl_unlock(void)
{
    spin_unlock(&domctl_lock);
}

void domctl_copyback(void)
{
    copyback = true;
}

/* The target as Xen looks it up before asking the policy: none for the commands that take no
 * domain (or PV_DOMID_IO / PV_DOMID_INVALID where those are allowed), none for getdomaininfo of
 * an absent domain (it looks for the next one); -ESRCH if it is absent. */
static long domctl_target(const struct pv_domctl *op, struct domain **d)
{
    *d = NULL;
    switch (op->cmd) {
    case PV_DOMCTL_createdomain:
    case PV_DOMCTL_gdbsx_guestmemio:
        return 0;
    case PV_DOMCTL_assign_device:
    case PV_DOMCTL_deassign_device:
        if (op->domain == PV_DOMID_IO)
            return 0;
        if (op->domain == PV_DOMID_INVALID)
            return -PV_ESRCH;
        break;
    case PV_DOMCTL_test_assign_device:
    case PV_DOMCTL_vm_event_op:
        if (op->domain == PV_DOMID_INVALID)
            return 0;
        break;
    }
    *d = domain_by_id(op->domain);
    return *d || op->cmd == PV_DOMCTL_getdomaininfo ? 0 : -PV_ESRCH;
}

/* Xen's XSM dummy policy for domctl: every command is for a privileged caller, getdomaininfo
 * also for the xenstore domain (the pass-through mappings also for the target's device model,
 * which does not exist here). */
static long domctl_policy(const struct vcpu *v, uint32_t cmd)
{
    if (cmd == PV_DOMCTL_getdomaininfo && v->domain->xs_domain)
        return 0;
    return v->domain->privileged ? 0 : -PV_EPERM;
}

/* The commands implemented, by number (the gdbsx ones, from 1000, are not). */
static domctl_fn *const domctl_cmds[] = {
    [PV_DOMCTL_createdomain] = domctl_createdomain,
    [PV_DOMCTL_destroydomain] = domctl_destroydomain,
    [PV_DOMCTL_pausedomain] = domctl_pausedomain,
    [PV_DOMCTL_unpausedomain] = domctl_unpausedomain,
    [PV_DOMCTL_getdomaininfo] = domctl_getdomaininfo,
    [PV_DOMCTL_max_mem] = domctl_max_mem,
    [PV_DOMCTL_getpageframeinfo3] = domctl_getpageframeinfo3,
    [PV_DOMCTL_setvcpucontext] = domctl_setvcpucontext,
    [PV_DOMCTL_getvcpucontext] = domctl_getvcpucontext,
    [PV_DOMCTL_max_vcpus] = domctl_max_vcpus,
    [PV_DOMCTL_setdomainhandle] = domctl_setdomainhandle,
    [PV_DOMCTL_hypercall_init] = domctl_hypercall_init,
    [PV_DOMCTL_setvcpuaffinity] = domctl_vcpuaffinity,
    [PV_DOMCTL_getvcpuinfo] = domctl_getvcpuinfo,
    [PV_DOMCTL_scheduler_op] = domctl_scheduler_op,
    [PV_DOMCTL_settimeoffset] = domctl_settimeoffset,
    [PV_DOMCTL_getvcpuaffinity] = domctl_vcpuaffinity,
    [PV_DOMCTL_gettscinfo] = domctl_tscinfo,
    [PV_DOMCTL_settscinfo] = domctl_tscinfo,
    [PV_DOMCTL_irq_permission] = domctl_irq_permission,
    [PV_DOMCTL_iomem_permission] = domctl_iomem_permission,
    [PV_DOMCTL_ioport_permission] = domctl_ioport_permission,
    [PV_DOMCTL_resumedomain] = domctl_resumedomain,
    [PV_DOMCTL_shadow_op] = domctl_shadow_op,
    [PV_DOMCTL_set_address_size] = domctl_set_address_size,
    [PV_DOMCTL_get_address_size] = domctl_get_address_size,
    [PV_DOMCTL_set_ext_vcpucontext] = domctl_ext_vcpucontext,
    [PV_DOMCTL_get_ext_vcpucontext] = domctl_ext_vcpucontext,
    [PV_DOMCTL_setvcpuextstate] = domctl_vcpuextstate,
    [PV_DOMCTL_getvcpuextstate] = domctl_vcpuextstate,
    [PV_DOMCTL_set_vcpu_msrs] = domctl_vcpu_msrs,
    [PV_DOMCTL_get_vcpu_msrs] = domctl_vcpu_msrs,
};

static long domctl_dispatch(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    if (op->cmd >= ARRAY_SIZE(domctl_cmds) || !domctl_cmds[op->cmd])
        return -PV_ENOSYS;
    return domctl_cmds[op->cmd](v, d, op);
}

long hc_domctl(struct vcpu *v, guest_handle u_domctl)
{
    struct pv_domctl op;
    struct domain *d;
    bool back;
    long rc;

    if (guest_copy_from(&op, u_domctl, sizeof(op)))
        return -PV_EFAULT;
    if (op.interface_version != PV_DOMCTL_INTERFACE_VERSION)
        return -PV_EACCES;
    if ((rc = domctl_target(&op, &d)) || (rc = domctl_policy(v, op.cmd)))
        return rc;
    if (!domctl_lock_try()) /* as Xen: come back rather than spin with events off */
        return hypercall_continue(PV_HYPERCALL_domctl, 1, (const uint64_t[]){u_domctl.gva});
    copyback = false;
    if (d && d != domain_by_id(op.domain)) /* destroyed meanwhile, its record freed */
        rc = -PV_ESRCH;
    else
        rc = domctl_dispatch(v, d, &op);
    back = copyback;
    domctl_unlock();
    if (back && guest_copy_to(u_domctl, &op, sizeof(op)))
        rc = -PV_EFAULT;
    return rc;
}

/* ---- createdomain ---- */

/* Xen's sanitise_domain_config and arch_sanitise_domain_config on a build without HVM, IOMMU,
 * vmtrace or vPMU: what may be asked of a PV domain here. */
static long check_config(const struct pv_domctl_createdomain *c)
{
    const uint32_t known = PV_DOMCTL_CDF_MAX * 2 - 1;

    if ((c->flags & ~known) || (c->grant_opts & ~PV_DOMCTL_GRANT_version_mask) || !c->max_vcpus)
        return -PV_EINVAL;
    if ((c->flags & PV_DOMCTL_CDF_hap) && !(c->flags & PV_DOMCTL_CDF_hvm))
        return -PV_EINVAL;
    if (c->flags & PV_DOMCTL_CDF_iommu) /* no IOMMU (and unknown options are refused first) */
        return -PV_EINVAL;
    if (c->iommu_opts || c->vmtrace_size || (c->flags & PV_DOMCTL_CDF_vpmu))
        return -PV_EINVAL;
    if ((c->flags & PV_DOMCTL_CDF_hvm) || c->max_vcpus > PV_MAX_VIRT_CPUS)
        return -PV_EINVAL; /* no HVM support; vCPUs beyond the shared_info array */
    if ((c->flags & PV_DOMCTL_CDF_nested_virt) || (c->arch.misc_flags & ~PV_X86_MSR_RELAXED))
        return -PV_EINVAL; /* nested virtualisation needs HAP */
    return 0;
}

/* Xen's arch_domain_create (emulated devices), grant_table_init and the CPU pool, in order. */
static long check_resources(const struct pv_domctl_createdomain *c)
{
    uint32_t emu = c->arch.emulation_flags;
    unsigned version = c->grant_opts & PV_DOMCTL_GRANT_version_mask;

    if (emu & ~PV_X86_EMU_ALL)
        return -PV_EINVAL;
    if (emu && emu != PV_X86_EMU_PIT)
        return -PV_EOPNOTSUPP; /* a PV domain has no emulated devices but the PIT */
    if (!version || version > 2)
        return -PV_EINVAL;
    if (c->max_grant_frames == 0 || c->max_grant_frames > GNTTAB_MAX_FRAMES ||
        c->max_maptrack_frames > GNTTAB_MAPTRACK_FRAMES)
        return -PV_EINVAL;
    return c->cpupool_id ? -PV_ESRCH : 0; /* only pool 0 exists */
}

/* Xen's domid choice: a free one asked for (-EEXIST if taken), else the next free one after
 * the last chosen, wrapping (-ENOMEM if none). Ids stop at the domain table's size here. */
static long choose_domid(unsigned asked, unsigned *domid)
{
    static unsigned rover;

    if (asked > 0 && asked < PV_DOMID_FIRST_RESERVED) {
        *domid = asked;
        if (asked >= MAX_DOMAINS)
            return -PV_EINVAL;
        return domain_by_id(asked) ? -PV_EEXIST : 0;
    }
    for (unsigned i = 1; i < MAX_DOMAINS; i++) {
        unsigned id = (rover + i) % MAX_DOMAINS;

        if (id && !domain_by_id(id)) {
            *domid = rover = id;
            return 0;
        }
    }
    return -PV_ENOMEM;
}

/* The settings createdomain gives a new domain; it stays paused (one toolstack pause). */
static void apply_config(struct domain *d, const struct pv_domctl_createdomain *c)
{
    d->max_evtchns = c->max_evtchn_port;
    d->gnttab->maptrack_max =
        c->max_maptrack_frames < 0 ? GNTTAB_MAPTRACK_FRAMES : (unsigned)c->max_maptrack_frames;
    d->gnttab->max_version = (uint8_t)(c->grant_opts & PV_DOMCTL_GRANT_version_mask);
    d->max_grant_frames =
        c->max_grant_frames < 0 ? GNTTAB_DEFAULT_MAX_FRAMES : (unsigned)c->max_grant_frames;
    d->xs_domain = c->flags & PV_DOMCTL_CDF_xs_domain;
    d->arch_misc_flags = c->arch.misc_flags;
    memcpy(d->handle, c->handle, sizeof(d->handle));
    d->ctl_pauses = 1;
    d->paused = 1;
}

long domctl_createdomain(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    const struct pv_domctl_createdomain *c = &op->u.createdomain;
    char name[16];
    unsigned domid;
    long rc;

    domains_collect(); /* the ids of destroyed domains whose memory is free */
    if ((rc = choose_domid(op->domain, &domid)) || (rc = check_config(c)) ||
        (rc = check_resources(c)))
        return rc;
    lib_snprintf(name, sizeof(name), "d%u", domid);
    if (!(d = domain_create(domid, name, c->max_vcpus)))
        return -PV_ENOMEM;
    apply_config(d, c);
    op->domain = d->domid;
    domctl_copyback();
    return 0;
}

/* ---- destroy, pause, unpause ---- */

long domctl_destroydomain(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    if (d == v->domain)
        return -PV_EINVAL;
    domain_kill(d);
    return 0;
}

long domctl_pausedomain(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    if (d == v->domain)
        return -PV_EINVAL; /* no domain_pause() of oneself */
    if (d->ctl_pauses >= CTL_PAUSES_MAX)
        return -PV_EOVERFLOW;
    d->ctl_pauses++;
    domain_pause(d);
    return 0;
}

long domctl_unpausedomain(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    if (!d->ctl_pauses)
        return -PV_EINVAL;
    d->ctl_pauses--;
    domain_unpause(d);
    return 0;
}

/* ---- settings ---- */

/* Xen 4.17 creates the vCPUs here; they exist from createdomain on, so this only checks. */
long domctl_max_vcpus(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    return d == v->domain || op->u.max_vcpus.max != d->nr_vcpus ? -PV_EINVAL : 0;
}

long domctl_setdomainhandle(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
    return 0;
}
