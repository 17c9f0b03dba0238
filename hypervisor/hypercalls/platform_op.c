/* platform_op: the initial domain's platform operations at boot (pv-abi/platform_op.h). */
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "pv-abi/platform_op.h"
#include "pv-abi/sched_op.h"
#include "time.h"

/* No BIOS data is kept: no EDD disks, no DDC, not booted by EFI (Linux takes the BIOS paths);
 * the keyboard shift flags read as none pressed. */
static long firmware_info(struct pv_platform_op *op)
{
    switch (op->u.firmware_info.type) {
    case PV_XEN_FW_DISK_INFO:
    case PV_XEN_FW_DISK_MBR_SIGNATURE:
    case PV_XEN_FW_VBEDDC_INFO:
        return -PV_ESRCH;
    case PV_XEN_FW_EFI_INFO:
        return -PV_ENOSYS;
    case PV_XEN_FW_KBD_SHIFT_FLAGS:
        op->u.firmware_info.kbd_shift_flags = 0;
        return 1; /* copy the op back */
    }
    return -PV_EINVAL;
}

static long cpuinfo(struct pv_platform_op *op)
{
    struct pv_xenpf_pcpuinfo *c = &op->u.pcpu_info;
    bool present = c->xen_cpuid < arch_nr_cpus();

    c->max_present = arch_nr_cpus() - 1;
    c->flags = present ? PV_XEN_PCPU_FLAGS_ONLINE : PV_XEN_PCPU_FLAGS_INVALID;
    c->apic_id = c->acpi_id = present ? c->xen_cpuid : 0;
    return 1;
}

/* The wall clock dom0 sets becomes every running domain's (shared_info wc_*). */
static long settime(uint64_t secs, uint32_t nsecs, uint64_t system_time)
{
    time_set_wallclock(secs, nsecs, system_time);
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_by_id(i);

        if (d && d->state == DOM_RUNNING)
            time_publish_wallclock(d);
    }
    return 0;
}

/* A result of 1 from a sub-op means 0 after the op is copied back. */
static long run(struct vcpu *v, struct pv_platform_op *op)
{
    switch (op->cmd) {
    case PV_XENPF_settime32:
        return settime(op->u.settime32.secs, op->u.settime32.nsecs, op->u.settime32.system_time);
    case PV_XENPF_settime64:
        if (op->u.settime64.mbz)
            return -PV_EINVAL;
        return settime(op->u.settime64.secs, op->u.settime64.nsecs, op->u.settime64.system_time);
    case PV_XENPF_firmware_info:
        return firmware_info(op);
    case PV_XENPF_enter_acpi_sleep: /* S5 is dom0 powering off; no other sleep state here */
        if (op->u.enter_acpi_sleep.sleep_state != 5)
            return -PV_EOPNOTSUPP;
        domain_shutdown(v->domain, PV_SHUTDOWN_poweroff);
        return 0;
    case PV_XENPF_set_processor_pminfo:
        return -PV_ENOSYS; /* processor power management stays with the hypervisor */
    case PV_XENPF_get_cpuinfo:
        return cpuinfo(op);
    }
    return -PV_ENOSYS;
}

long hc_platform_op(struct vcpu *v, guest_handle arg)
{
    struct pv_platform_op op;
    long rc;

    if (!v->domain->privileged)
        return -PV_EPERM; /* before reading anything: every sub-op, known or not */
    if (guest_copy_from(&op, arg, sizeof(op)))
        return -PV_EFAULT;
    if (op.interface_version != PV_XENPF_INTERFACE_VERSION)
        return -PV_EACCES;
    rc = run(v, &op);
    if (rc == 1)
        rc = guest_copy_to(arg, &op, sizeof(op)) ? -PV_EFAULT : 0;
    return rc;
}
