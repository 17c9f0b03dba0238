/* The machine's I/O that domains may reach (ioport.h): dom0's at boot, a domU's as dom0 grants
 * it (hypercalls/domctl_perm.c), and the port check of the I/O instruction emulator. */
#include "ioport.h"
#include "mm.h"

/* Ports the hypervisor drives itself (Xen's dom0_setup_permissions deny list, adapted): the
 * PICs, the PIT and the speaker gate (time calibration), its serial console COM1 and QEMU's
 * debug-exit device, and PCI configuration data (0xcfc-0xcff, as Xen). That and dword 0xcf8
 * and the CMOS RTC (0x70-0x71) are mediated by the I/O emulation (arch/x86/pci.c). */
static const struct {
    uint16_t first, last;
} hv_ports[] = {
    {0x20, 0x21},   {0xa0, 0xa1}, {0x40, 0x43},   {0x61, 0x61},
    {0x3f8, 0x3ff}, {0xf4, 0xf7}, {0xcfc, 0xcff},
};

static bool hv_port(unsigned port, unsigned size)
{
    for (unsigned i = 0; i < ARRAY_SIZE(hv_ports); i++)
        if (port <= hv_ports[i].last && port + size > hv_ports[i].first)
            return true;
    return false;
}

bool domain_ioport_allowed(struct domain *d, unsigned port, unsigned size)
{
    if (!size || port + size > 0x10000 || hv_port(port, size))
        return false;
    return rangeset_contains(&d->ioport_caps, port, port + size - 1);
}

int iocaps_init_dom0(struct domain *d, uint64_t max_mfn)
{
    int rc = rangeset_add(&d->ioport_caps, 0, 0xffff);

    for (unsigned i = 0; i < ARRAY_SIZE(hv_ports); i++)
        rc = rc ? rc : rangeset_remove(&d->ioport_caps, hv_ports[i].first, hv_ports[i].last);
    rc = rc ? rc : rangeset_add(&d->iomem_caps, 0, max_mfn - 1);
    rc = rc ? rc : rangeset_remove(&d->iomem_caps, MM_IOAPIC_MFN, MM_IOAPIC_MFN);
    rc = rc ? rc : rangeset_remove(&d->iomem_caps, MM_MSI_FIRST_MFN, MM_MSI_LAST_MFN);
    for (unsigned gsi = 0; gsi < arch_gsi_count() && !rc; gsi++)
        if (!arch_gsi_reserved(gsi))
            rc = rangeset_add(&d->irq_caps, gsi, gsi);
    return rc;
}

void iocaps_destroy(struct domain *d)
{
    rangeset_clear(&d->ioport_caps);
    rangeset_clear(&d->iomem_caps);
    rangeset_clear(&d->irq_caps);
}
