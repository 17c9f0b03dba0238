/* PCI configuration space and the CMOS RTC as dom0 reaches them (Xen's guest_io_read/write,
 * pci_cfg_ok and rtc_guest_read/write): port 0xcf8 as a dword, 0xcfc-0xcff and 0x70-0x71 are
 * never passed through. A domain's dword 0xcf8 writes are latched; the privileged domain's
 * 0xcfc-0xcff accesses use its latch, writes to a device's MSI and MSI-X capabilities filtered
 * (x86/pci.h); 0x70 latches the CMOS index and 0x71 reads or writes that register, for a domain
 * holding both ports. Also: the devices dom0 reported, and the MMIO frames mapped read-only. */
#include "x86/pci.h"
#include "arch.h"
#include "x86/acpi.h"

#define CF8_EN (1u << 31)
#define CAP_MSI 0x05
#define CAP_MSIX 0x11

spinlock_t pci_lock = SPINLOCK_INIT;
static uint64_t added[65536 / 64]; /* [pci_lock] segment 0's functions dom0 reported */
static uint64_t hpet_mfn = ~0ULL;

/* One configuration access through CF8/CFC with that address (pci_lock held). */
static uint32_t cfg_access(uint32_t cf8, unsigned off, unsigned size, bool write, uint32_t val)
{
    arch_port_out(0xcf8, 4, cf8);
    if (write)
        arch_port_out((uint16_t)(0xcfc + off), size, val);
    return write ? 0 : arch_port_in((uint16_t)(0xcfc + off), size);
}

uint32_t pci_read(unsigned bdf, unsigned reg, unsigned size)
{
    return cfg_access(CF8_EN | bdf << 8 | (reg & 0xfc), reg & 3, size, false, 0);
}

void pci_write(unsigned bdf, unsigned reg, unsigned size, uint32_t val)
{
    cfg_access(CF8_EN | bdf << 8 | (reg & 0xfc), reg & 3, size, true, val);
}

unsigned pci_find_cap(unsigned bdf, unsigned id)
{
    unsigned pos;

    if (!(pci_read(bdf, 6, 2) & 0x10)) /* status: no capability list */
        return 0;
    pos = pci_read(bdf, 0x34, 1) & 0xfc;
    for (unsigned n = 0; pos >= 0x40 && n < 48; n++, pos = pci_read(bdf, pos + 1, 1) & 0xfc)
        if (pci_read(bdf, pos, 1) == id)
            return pos;
    return 0;
}

/* Is a write to [reg, reg + size) of bdf allowed by the capability at pos (0: none) of len
 * bytes, with *val adjusted? Only its control word, as a word; the enable bit stays clear unless
 * the hypervisor maps vectors of the device there (MSI: one, the multiple message field clear). */
static bool cap_write_ok(unsigned bdf, unsigned pos, unsigned len, bool msix, unsigned reg,
                         unsigned size, uint32_t *val)
{
    if (!pos || reg >= pos + len || reg + size <= pos)
        return true;
    if (reg != pos + 2 || size != 2)
        return false;
    if (!msi_in_use(bdf, msix))
        *val &= msix ? ~0x8000u : ~1u;
    if (!msix)
        *val &= ~0x70u;
    return true;
}

/* May dom0 write there (Xen's pci_msi_conf_write_intercept, stricter: Xen lets dom0 enable MSI
 * and write an MSI capability without per-vector masking)? */
static bool write_ok(unsigned bdf, unsigned reg, unsigned size, uint32_t *val)
{
    unsigned x = pci_find_cap(bdf, CAP_MSIX), m = pci_find_cap(bdf, CAP_MSI);
    uint32_t ctl = m ? pci_read(bdf, m + 2, 2) : 0;
    unsigned mlen = 10 + ((ctl & 0x80) ? 4 : 0) + ((ctl & 0x100) ? 10 : 0);

    return reg < 0x40 || (cap_write_ok(bdf, x, 12, true, reg, size, val) &&
                          cap_write_ok(bdf, m, mlen, false, reg, size, val));
}

/* Xen's pci_cfg_ok: the hardware domain only; with the latch's enable bit clear, the access is
 * plain port I/O on the real ports. */
static bool cfg_ok(struct domain *d, unsigned off, unsigned size, uint32_t *write)
{
    unsigned bdf = (d->pci_cf8 >> 8) & 0xffff, reg = (d->pci_cf8 & 0xfc) | off;

    if (!d->privileged)
        return false;
    return !(d->pci_cf8 & CF8_EN) || !write || write_ok(bdf, reg, size, write);
}

bool pci_port_mediated(unsigned port, unsigned size)
{
    return (port == 0xcf8 && size == 4) || (port <= 0xcff && port + size > 0xcfc) ||
           (port <= 0x71 && port + size > 0x70);
}

uint32_t pci_port_read(struct domain *d, unsigned port, unsigned size)
{
    uint32_t v = ~0u;

    spin_lock(&pci_lock);
    if (port == 0xcf8)
        v = d->pci_cf8;
    else if (port == 0x70 && size == 1)
        v = d->cmos_idx;
    else if (port == 0x71 && size == 1 && rangeset_contains(&d->ioport_caps, 0x70, 0x71))
        v = (arch_port_out(0x70, 1, d->cmos_idx & 0x7f), arch_port_in(0x71, 1));
    else if (port >= 0xcfc && (port & 3) + size <= 4 && cfg_ok(d, port & 3, size, NULL))
        v = cfg_access(d->pci_cf8, port & 3, size, false, 0);
    spin_unlock(&pci_lock);
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void pci_port_write(struct domain *d, unsigned port, unsigned size, uint32_t val)
{
    spin_lock(&pci_lock);
    if (port == 0xcf8)
        d->pci_cf8 = val;
    else if (port == 0x70 && size == 1)
        d->cmos_idx = (uint8_t)val;
    else if (port == 0x71 && size == 1 && rangeset_contains(&d->ioport_caps, 0x70, 0x71))
        arch_port_out(0x70, 1, d->cmos_idx & 0x7f), arch_port_out(0x71, 1, val);
    else if (port >= 0xcfc && (port & 3) + size <= 4 && cfg_ok(d, port & 3, size, &val))
        cfg_access(d->pci_cf8, port & 3, size, true, val);
    spin_unlock(&pci_lock);
}

int arch_pci_device_op(unsigned op, unsigned seg, unsigned bus, unsigned devfn)
{
    unsigned bdf = bus << 8 | devfn;
    int rc = 0;

    if (seg || bus > 255 || devfn > 255)
        return -PV_ENODEV; /* segment 0 only: the one CF8/CFC reaches */
    spin_lock(&pci_lock);
    if (op == PCI_OP_ADD && pci_read(bdf, 0, 2) == 0xffff)
        rc = -PV_ENODEV; /* nothing there */
    else if (op != PCI_OP_ADD && !(added[bdf / 64] & (1ULL << (bdf % 64))))
        rc = -PV_ENODEV; /* never reported */
    else if (op == PCI_OP_ADD)
        added[bdf / 64] |= 1ULL << (bdf % 64);
    else
        rc = msi_device_op(op, bdf);
    if (!rc && op == PCI_OP_REMOVE)
        added[bdf / 64] &= ~(1ULL << (bdf % 64));
    spin_unlock(&pci_lock);
    return rc;
}

bool pci_added(unsigned bdf)
{
    return added[bdf / 64] & (1ULL << (bdf % 64));
}

void pci_init(void)
{
    const uint8_t *hpet = acpi_table("HPET");

    if (hpet)
        hpet_mfn = *(const uint64_t *)(hpet + 44) >> PAGE_SHIFT; /* its register block */
}

bool arch_mmio_ro(uint64_t mfn)
{
    return mfn == hpet_mfn || msi_table_frame(mfn);
}
