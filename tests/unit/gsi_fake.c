/* Host stand-in for the arch_gsi_* hooks (gsi_fake.h). */
#include <string.h>

#include "arch.h"
#include "pv-abi/errno.h"
#include "pv-abi/physdev_op.h"
#include "gsi_fake.h"

struct gsif_state gsif;

void gsif_reset(void)
{
    memset(&gsif, 0, sizeof(gsif));
    for (unsigned g = 0; g < GSIF_NR; g++) {
        gsif.masked[g] = true;
        gsif.programmed[g] = g < 16;
    }
    gsif.level[9] = true;
    gsif.ready = true;
}

unsigned arch_gsi_count(void)
{
    return GSIF_NR;
}

bool arch_gsi_reserved(unsigned gsi)
{
    return gsi == 0 || gsi == 2 || gsi >= GSIF_NR;
}

bool arch_gsi_setup(unsigned gsi, bool level, bool active_low)
{
    (void)active_low;
    if (gsif.programmed[gsi])
        return false;
    gsif.programmed[gsi] = true;
    gsif.level[gsi] = level;
    return true;
}

bool arch_gsi_is_level(unsigned gsi)
{
    return gsif.level[gsi];
}

void arch_gsi_mask(unsigned gsi, bool masked)
{
    gsif.masked[gsi] = masked;
    gsif.unmasks[gsi] += !masked;
}

bool arch_ioapic_read(uint64_t physbase, unsigned reg, uint32_t *val)
{
    if (physbase != GSIF_IOAPIC)
        return false;
    *val = reg == 1 ? 0x170020 : 0;
    return true;
}

/* MSI slots: a vector for any function, an MSI-X entry below 4 of table_base 0xfe000000;
 * bus 0 devfn 8 is reported, others -ENODEV. */
int arch_msi_setup(unsigned bdf, bool msix, unsigned entry, uint64_t table_base)
{
    if (bdf != 8)
        return -PV_ENODEV;
    if (msix && (entry >= 4 || table_base != 0xfe000000))
        return -PV_EINVAL;
    for (int s = 0; s < ARCH_MSI_SLOTS; s++)
        if (!gsif.msi_used[s]) {
            gsif.msi_used[s] = gsif.msi_masked[s] = true;
            return s;
        }
    return -PV_ENOSPC;
}

void arch_msi_mask(unsigned slot, bool masked)
{
    gsif.msi_masked[slot] = masked;
}

void arch_msi_teardown(unsigned slot)
{
    gsif.msi_used[slot] = false;
}

/* The MMCONFIG window 0xb0000000, segment 0, buses 0-255: flags 0 or 1 only. */
int arch_pci_mmcfg_reserved(const struct pv_physdev_pci_mmcfg_reserved *r)
{
    gsif.pci_ops++;
    if (r->flags > 1)
        return -PV_EINVAL;
    if (r->segment || r->start_bus || r->end_bus != 255)
        return -PV_ENODEV;
    return r->address == 0xb0000000 ? 0 : -PV_EIO;
}

void arch_msi_set_cpu(unsigned slot, unsigned cpu)
{
    gsif.msi_cpu[slot] = cpu;
}

int arch_pci_device_op(unsigned op, unsigned seg, unsigned bus, unsigned devfn)
{
    gsif.pci_ops++;
    return op == PCI_OP_ADD && !seg && !bus && devfn == 8 ? 0 : -PV_ENODEV;
}
