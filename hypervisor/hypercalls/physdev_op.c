/* physdev_op (pv-abi/physdev_op.h): set_iopl for every PV guest; the interrupt sub-ops (PIRQs,
 * MSIs, the IO-APIC's registers) and dom0's PCI device reports decoded here and served by
 * common/pirq.c, arch/x86/ioapic.c and pci.c. */
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "pirq.h"
#include "pv-abi/physdev_op.h"

union physdev_arg {
    struct pv_physdev_set_iopl iopl;
    struct pv_physdev_eoi eoi;
    struct pv_physdev_irq_status_query status;
    struct pv_physdev_apic apic;
    struct pv_physdev_irq irq;
    struct pv_physdev_map_pirq map;
    struct pv_physdev_unmap_pirq unmap;
    struct pv_physdev_setup_gsi gsi;
    struct pv_physdev_pirq_eoi_gmfn gmfn;
    struct pv_physdev_manage_pci_ext manage; /* manage_pci's too: the same first bytes */
    struct pv_physdev_pci_device dev;        /* pci_device_add's too */
    struct pv_physdev_pci_mmcfg_reserved mmcfg;
};

/* Each served sub-op's struct size, whether it has OUT fields to copy back and, for a PCI
 * device report, its PCI_OP_* plus one. */
/* clang-format off */
#define ARG(s, out) {sizeof(struct s), out, 0}
#define DEV(s, op) {sizeof(struct s), false, op + 1}
/* clang-format on */
static const struct {
    uint8_t size;
    bool out;
    uint8_t pci_op;
} op_arg[] = {
    [PV_PHYSDEVOP_irq_status_query] = ARG(pv_physdev_irq_status_query, true),
    [PV_PHYSDEVOP_set_iopl] = ARG(pv_physdev_set_iopl, false),
    [PV_PHYSDEVOP_apic_read] = ARG(pv_physdev_apic, true),
    [PV_PHYSDEVOP_apic_write] = ARG(pv_physdev_apic, false),
    [PV_PHYSDEVOP_alloc_irq_vector] = ARG(pv_physdev_irq, true),
    [PV_PHYSDEVOP_eoi] = ARG(pv_physdev_eoi, false),
    [PV_PHYSDEVOP_map_pirq] = ARG(pv_physdev_map_pirq, true),
    [PV_PHYSDEVOP_unmap_pirq] = ARG(pv_physdev_unmap_pirq, false),
    [PV_PHYSDEVOP_setup_gsi] = ARG(pv_physdev_setup_gsi, false),
    [PV_PHYSDEVOP_pirq_eoi_gmfn_v2] = ARG(pv_physdev_pirq_eoi_gmfn, false),
    [PV_PHYSDEVOP_manage_pci_add] = DEV(pv_physdev_manage_pci, PCI_OP_ADD),
    [PV_PHYSDEVOP_manage_pci_remove] = DEV(pv_physdev_manage_pci, PCI_OP_REMOVE),
    [PV_PHYSDEVOP_manage_pci_add_ext] = DEV(pv_physdev_manage_pci_ext, PCI_OP_ADD),
    [PV_PHYSDEVOP_pci_device_add] = DEV(pv_physdev_pci_device_add, PCI_OP_ADD),
    [PV_PHYSDEVOP_pci_device_remove] = DEV(pv_physdev_pci_device, PCI_OP_REMOVE),
    [PV_PHYSDEVOP_prepare_msix] = DEV(pv_physdev_pci_device, PCI_OP_PREPARE_MSIX),
    [PV_PHYSDEVOP_release_msix] = DEV(pv_physdev_pci_device, PCI_OP_RELEASE_MSIX),
    [PV_PHYSDEVOP_restore_msi] = DEV(pv_physdev_restore_msi, PCI_OP_RESTORE_MSI),
    [PV_PHYSDEVOP_restore_msi_ext] = DEV(pv_physdev_pci_device, PCI_OP_RESTORE_MSI),
    [PV_PHYSDEVOP_pci_mmcfg_reserved] = ARG(pv_physdev_pci_mmcfg_reserved, false),
    [PV_PHYSDEVOP_dbgp_op] = ARG(pv_physdev_dbgp_op, false),
};

/* The PCI device reports (Xen's pci_add_device, pci_remove_device, pci_prepare_msix,
 * pci_restore_msi_state): dom0 only (restore_msi: checked first, where Xen looks the function
 * up first), on segment 0's functions; the older sub-ops (before 25) carry no segment. */
static long device_op(struct domain *d, unsigned cmd, union physdev_arg *a)
{
    unsigned op = op_arg[cmd].pci_op - 1u;

    if (!d->privileged)
        return -PV_EPERM;
    if (cmd == PV_PHYSDEVOP_manage_pci_add_ext && (a->manage.is_extfn | a->manage.is_virtfn) > 1)
        return -PV_EINVAL;
    if (cmd < PV_PHYSDEVOP_pci_device_add)
        return arch_pci_device_op(op, 0, a->manage.bus, a->manage.devfn);
    return arch_pci_device_op(op, a->dev.seg, a->dev.bus, a->dev.devfn);
}

/* The IO-APIC's registers (Xen's ioapic_guest_read/write, XSM_PRIV). dom0 never programs a
 * redirection entry: the hypervisor does on setup_gsi and bind; a write is accepted, dropped. */
static long apic_op(struct domain *d, unsigned cmd, struct pv_physdev_apic *a)
{
    uint32_t val;

    if (!d->privileged)
        return -PV_EPERM;
    if (!arch_ioapic_read(a->apic_physbase, a->reg, &val))
        return -PV_EINVAL;
    if (cmd == PV_PHYSDEVOP_apic_read)
        a->value = val;
    return 0;
}

static long invoke(struct vcpu *v, unsigned cmd, union physdev_arg *a)
{
    struct domain *d = v->domain;

    switch (cmd) {
    case PV_PHYSDEVOP_set_iopl:
        if (a->iopl.iopl > 3)
            return -PV_EINVAL;
        v->iopl = a->iopl.iopl;
        return 0;
    case PV_PHYSDEVOP_irq_status_query:
        return pirq_status(d, a->status.irq, &a->status.flags);
    case PV_PHYSDEVOP_eoi:
        return pirq_eoi(d, a->eoi.irq);
    case PV_PHYSDEVOP_apic_read:
    case PV_PHYSDEVOP_apic_write:
        return apic_op(d, cmd, &a->apic);
    case PV_PHYSDEVOP_alloc_irq_vector:
        a->irq.vector = a->irq.irq; /* Xen's dummy: the vector is the hypervisor's business */
        return d->privileged ? 0 : -PV_EPERM;
    case PV_PHYSDEVOP_map_pirq:
        if (a->map.type != PV_MAP_PIRQ_TYPE_GSI)
            return pirq_map_msi(d, &a->map);
        return pirq_map(d, a->map.domid, a->map.type, a->map.index, &a->map.pirq);
    case PV_PHYSDEVOP_unmap_pirq:
        return pirq_unmap(d, a->unmap.domid, a->unmap.pirq);
    case PV_PHYSDEVOP_setup_gsi:
        return pirq_setup_gsi(d, a->gsi.gsi, a->gsi.triggering, a->gsi.polarity);
    case PV_PHYSDEVOP_pirq_eoi_gmfn_v2:
        return pirq_eoi_page(d, a->gmfn.gmfn);
    case PV_PHYSDEVOP_pci_mmcfg_reserved:
        return d->privileged ? arch_pci_mmcfg_reserved(&a->mmcfg) : -PV_EPERM;
    case PV_PHYSDEVOP_dbgp_op:
        return d->privileged ? 0 : -PV_EPERM; /* Xen with no EHCI debug port in use */
    }
    return device_op(d, cmd, a);
}

long hc_physdev_op(struct vcpu *v, unsigned long cmd_arg, guest_handle arg)
{
    unsigned cmd = (unsigned)cmd_arg; /* Xen's cmd is an int: the upper bits are not looked at */
    union physdev_arg a;
    long rc;

    if (cmd >= ARRAY_SIZE(op_arg) || !op_arg[cmd].size)
        return -PV_ENOSYS;
    if (guest_copy_from(&a, arg, op_arg[cmd].size))
        return -PV_EFAULT;
    rc = invoke(v, cmd, &a);
    if (!rc && op_arg[cmd].out && guest_copy_to(arg, &a, op_arg[cmd].size))
        rc = -PV_EFAULT;
    return rc;
}
