/* PCI: the functions dom0 reports, their MSI and MSI-X vectors, and configuration space and the
 * CMOS RTC as dom0 reaches them (Xen's guest_io_read/write, pci_cfg_ok, rtc_guest_read/write):
 * port 0xcf8 as a dword, 0xcfc-0xcff and 0x70-0x71 are never passed through. A domain's dword
 * 0xcf8 writes are latched; the privileged domain's 0xcfc-0xcff accesses use its latch, writes
 * to a function's MSI and MSI-X capabilities filtered; 0x70 latches the CMOS index and 0x71 reads
 * or writes that register, for a domain holding both ports. The HPET, MSI-X tables and the
 * MMCONFIG (ECAM) windows are mapped read-only (arch_mmio_ro); the privileged domain's stores to
 * an ECAM window come here decoded (ptwr.c) and pass the same filter as 0xcfc's. */
#include "x86/pci.h"
#include "arch.h"
#include "paging.h"
#include "console.h"
#include "lib.h"
#include "pv-abi/errno.h"
#include "pv-abi/physdev_op.h"
#include "x86/acpi.h"
#include "x86/apic.h"
#include "smp.h"

#define CF8_EN (1u << 31)
#define MSIX_ENTRY_VA (MMIO_VIRT_START + 6 * PAGE_SIZE) /* after the local APIC and IO-APICs */
#define MCFG_MAX 4
#define CAP_MSI 0x05
#define CAP_MSIX 0x11

static spinlock_t pci_lock = SPINLOCK_INIT; /* CF8/CFC, CMOS index/data, added[], slots[] */
static uint64_t added[65536 / 64];          /* [pci_lock] segment 0's functions dom0 reported */
static uint64_t hpet_mfn = ~0ULL;           /* [boot] */
static uint32_t boot_apic;                  /* [boot] */

/* ACPI MCFG's ECAM windows (Xen's pci_mmcfg_config): each bus has 256 frames, from base's bus 0;
 * `on` while dom0 reports it reserved (Xen's enabled state; on from boot, as Xen finds the
 * windows QEMU's E820 reserves). Read-only either way; stores to an off one are dropped. */
static struct mcfg {
    uint64_t base;       /* [boot] */
    uint16_t seg;        /* [boot] */
    uint8_t first, last; /* [boot] buses */
    bool on;             /* [any] pci_mmcfg_reserved's; a store racing it is done or not */
} mcfg[MCFG_MAX];
static unsigned nr_mcfg; /* [boot] */

/* Configuration space of segment 0 below 256 through CF8/CFC (pci_lock held): bdf is
 * bus << 8 | devfn; an access stays within its dword. */
static uint32_t pci_read(unsigned bdf, unsigned reg, unsigned size)
{
    arch_port_out(0xcf8, 4, CF8_EN | bdf << 8 | (reg & 0xfc));
    return arch_port_in((uint16_t)(0xcfc + (reg & 3)), size);
}

static void pci_write(unsigned bdf, unsigned reg, unsigned size, uint32_t val)
{
    arch_port_out(0xcf8, 4, CF8_EN | bdf << 8 | (reg & 0xfc));
    arch_port_out((uint16_t)(0xcfc + (reg & 3)), size, val);
}

/* A capability's offset, 0 if bdf has none with that id. */
static unsigned pci_find_cap(unsigned bdf, unsigned id)
{
    unsigned pos = (pci_read(bdf, 6, 2) & 0x10) ? pci_read(bdf, 0x34, 1) & 0xfc : 0; /* a list? */

    for (unsigned n = 0; pos >= 0x40 && n < 48; n++, pos = pci_read(bdf, pos + 1, 1) & 0xfc)
        if (pci_read(bdf, pos, 1) == id)
            return pos;
    return 0;
}

/* MSI and MSI-X vectors, programmed by the hypervisor alone (Xen's xen/arch/x86/msi.c): slot s
 * is vector MSI_VECTOR_BASE + s, delivered to the boot CPU like the GSIs. An MSI-X entry stays
 * masked until its pirq is bound; the frames of the table and PBA of a function with vectors
 * mapped (or prepared for pass-through) are read-only to every domain's new mappings. */
static struct msi_slot {
    bool used, msix, prepared, masked; /* prepared: prepare_msix's, no vector */
    uint16_t bdf;
    uint32_t dest;                                         /* the local APIC messages go to */
    uint8_t pos;                                           /* the capability's offset */
    uint64_t entry_pa;                                     /* MSI-X: the entry's address */
    uint64_t table_first, table_last, pba_first, pba_last; /* MSI-X frames */
} slots[ARCH_MSI_SLOTS];

/* The memory BAR bir of bdf (64-bit ones whole), 0 for none or an I/O BAR. */
static uint64_t bar(unsigned bdf, unsigned bir)
{
    uint32_t lo = bir < 6 ? pci_read(bdf, 0x10 + 4 * bir, 4) : 1;
    uint64_t hi = (lo & 6) == 4 && bir < 5 ? pci_read(bdf, 0x14 + 4 * bir, 4) : 0;

    return (lo & 1) ? 0 : (lo & ~0xfULL) | hi << 32;
}

/* Fill s's MSI-X frames from its capability; returns the table's entries and *base its BAR. */
static unsigned msix_layout(struct msi_slot *s, uint64_t *base)
{
    unsigned nr = (pci_read(s->bdf, s->pos + 2, 2) & 0x7ff) + 1;
    uint32_t t = pci_read(s->bdf, s->pos + 4, 4), p = pci_read(s->bdf, s->pos + 8, 4);
    uint64_t table = (*base = bar(s->bdf, t & 7)) + (t & ~7u), pba = bar(s->bdf, p & 7) + (p & ~7u);

    s->table_first = table >> PAGE_SHIFT;
    s->table_last = (table + nr * 16 - 1) >> PAGE_SHIFT;
    s->pba_first = pba >> PAGE_SHIFT;
    s->pba_last = (pba + (nr + 63) / 64 * 8 - 1) >> PAGE_SHIFT;
    s->entry_pa = table;
    return nr;
}

static int find(unsigned bdf, bool msix, bool prepared, uint64_t entry_pa)
{
    for (int i = 0; i < ARCH_MSI_SLOTS; i++)
        if (slots[i].used && slots[i].bdf == bdf && slots[i].msix == msix &&
            slots[i].prepared == prepared && (!entry_pa || slots[i].entry_pa == entry_pa))
            return i;
    return -1;
}

static bool msi_in_use(unsigned bdf, bool msix)
{
    return find(bdf, msix, false, 0) >= 0;
}

/* Device memory at pa (an MSI-X entry's four words, an ECAM register), through the hypervisor's
 * one mapping (pci_lock held). */
static volatile uint32_t *entry_map(uint64_t pa)
{
    paging_map_hv(MSIX_ENTRY_VA, pa >> PAGE_SHIFT, PTE_P | PTE_RW | PTE_PCD | PTE_PWT | PTE_NX);
    return (volatile uint32_t *)(MSIX_ENTRY_VA + (pa & (PAGE_SIZE - 1)));
}

/* Check a new vector of bdf in Xen's order of refusals; fills *s. */
static int check(struct msi_slot *s, unsigned bdf, bool msix, unsigned entry, uint64_t table_base)
{
    uint64_t base;
    unsigned nr;

    *s = (struct msi_slot){
        .used = true, .msix = msix, .masked = true, .bdf = (uint16_t)bdf, .dest = boot_apic};
    if (!(added[bdf / 64] >> (bdf % 64) & 1) ||
        !(s->pos = (uint8_t)pci_find_cap(bdf, s->msix ? CAP_MSIX : CAP_MSI)))
        return -PV_ENODEV; /* not reported by pci_device_add, or no such capability */
    if (!s->msix)
        return msi_in_use(bdf, false) ? -PV_EEXIST : msi_in_use(bdf, true) ? -PV_EBUSY : 0;
    nr = msix_layout(s, &base);
    if (entry >= nr || !base || table_base != base)
        return -PV_EINVAL; /* Xen only warns of another table_base, and uses its own */
    s->entry_pa += (uint64_t)entry * 16;
    if (find(bdf, true, false, s->entry_pa) >= 0)
        return -PV_EEXIST;
    return msi_in_use(bdf, false) ? -PV_EBUSY : 0;
}

/* Address: the slot's CPU (the boot CPU's until bind_vcpu moves it), physical destination;
 * data: the vector, fixed, edge. The enable bits stay as they are; an MSI-X entry is masked
 * while it changes (as the PCI specification asks), then as its binding wants. */
static void program(struct msi_slot *s, unsigned vector)
{
    uint32_t ctl = pci_read(s->bdf, s->pos + 2, 2), addr = 0xfee00000u | s->dest << 12;
    volatile uint32_t *e;

    if (!s->msix) {
        pci_write(s->bdf, s->pos + 4, 4, addr);
        if (ctl & 0x80)
            pci_write(s->bdf, s->pos + 8, 4, 0);
        pci_write(s->bdf, s->pos + ((ctl & 0x80) ? 12 : 8), 2, vector);
        pci_write(s->bdf, s->pos + 2, 2, ctl & ~0x70u); /* one vector */
        return;
    }
    e = entry_map(s->entry_pa);
    e[3] = 1;
    e[0] = addr;
    e[1] = 0;
    e[2] = vector;
    e[3] = s->masked;
}

/* The capability's enable bit on (MSI-X: dom0's mask-all bit kept). */
static void enable(struct msi_slot *s)
{
    pci_write(s->bdf, s->pos + 2, 2, pci_read(s->bdf, s->pos + 2, 2) | (s->msix ? 0x8000 : 1));
}

static int free_slot(void)
{
    for (int i = 0; i < ARCH_MSI_SLOTS; i++)
        if (!slots[i].used)
            return i;
    return -PV_ENOSPC;
}

int arch_msi_setup(unsigned bdf, bool msix, unsigned entry, uint64_t table_base)
{
    struct msi_slot s;
    int rc;

    spin_lock(&pci_lock);
    if (!(rc = check(&s, bdf, msix, entry, table_base)) && (rc = free_slot()) >= 0) {
        slots[rc] = s;
        program(&slots[rc], MSI_VECTOR_BASE + (unsigned)rc);
        if (s.msix)
            enable(&slots[rc]); /* MSI: dom0 enables it */
    }
    spin_unlock(&pci_lock);
    return rc;
}

void arch_msi_mask(unsigned slot, bool masked)
{
    spin_lock(&pci_lock);
    if (slots[slot].msix)
        entry_map(slots[slot].entry_pa)[3] = slots[slot].masked = masked;
    spin_unlock(&pci_lock);
}

void arch_msi_set_cpu(unsigned slot, unsigned cpu)
{
    spin_lock(&pci_lock);
    slots[slot].dest = smp_apic_id(cpu);
    program(&slots[slot], MSI_VECTOR_BASE + slot);
    spin_unlock(&pci_lock);
}

void arch_msi_teardown(unsigned slot)
{
    struct msi_slot *s = &slots[slot];

    arch_msi_mask(slot, true);
    spin_lock(&pci_lock);
    if (!s->msix)
        pci_write(s->bdf, s->pos + 2, 2, pci_read(s->bdf, s->pos + 2, 2) & ~1u);
    s->used = false;
    spin_unlock(&pci_lock);
}

static int msi_device_op(unsigned op, unsigned bdf)
{
    struct msi_slot s = {.used = true, .msix = true, .prepared = true, .bdf = (uint16_t)bdf};
    int prep = find(bdf, true, true, 0), i = free_slot();
    bool vectors = msi_in_use(bdf, true) || msi_in_use(bdf, false);
    uint64_t base;

    if (op == PCI_OP_RELEASE_MSIX && prep >= 0 && !vectors)
        return slots[prep].used = false, 0;
    if (op == PCI_OP_PREPARE_MSIX && !(s.pos = (uint8_t)pci_find_cap(bdf, CAP_MSIX)))
        return -PV_ENODEV;
    if (prep >= 0 || vectors || op == PCI_OP_RELEASE_MSIX)
        return -PV_EBUSY; /* Xen's pci_prepare_msix; Xen's remove would tear vectors down */
    if (op == PCI_OP_PREPARE_MSIX && i >= 0)
        msix_layout(&s, &base), slots[i] = s;
    return op == PCI_OP_PREPARE_MSIX ? MIN(i, 0) : 0;
}

/* Xen's pci_restore_msi_state (after dom0's resume): bdf's vectors programmed again from the
 * slots, MSI enabled, each MSI-X entry masked as its binding left it; -ENXIO for MSI-X with
 * memory decoding off. */
static int msi_restore(unsigned bdf)
{
    for (unsigned i = 0; i < ARCH_MSI_SLOTS; i++) {
        struct msi_slot *s = &slots[i];

        if (!s->used || s->prepared || s->bdf != bdf)
            continue;
        if (s->msix && !(pci_read(bdf, 4, 2) & 2))
            return -PV_ENXIO;
        program(s, MSI_VECTOR_BASE + i);
        enable(s);
    }
    return 0;
}

static bool msi_table_frame(uint64_t mfn)
{
    for (unsigned i = 0; i < ARCH_MSI_SLOTS; i++)
        if (slots[i].used && slots[i].msix &&
            ((mfn >= slots[i].table_first && mfn <= slots[i].table_last) ||
             (mfn >= slots[i].pba_first && mfn <= slots[i].pba_last)))
            return true;
    return false;
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
    *val &= (msi_in_use(bdf, msix) ? ~0u : msix ? ~0x8000u : ~1u) & (msix ? ~0u : ~0x70u);
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

static struct mcfg *mcfg_of(uint64_t mfn)
{
    for (unsigned i = 0; i < nr_mcfg; i++)
        if (mfn - (mcfg[i].base >> PAGE_SHIFT) - mcfg[i].first * 256u <
            (mcfg[i].last + 1u - mcfg[i].first) * 256u)
            return &mcfg[i];
    return NULL;
}

bool pci_mmcfg_write(uint64_t mfn, unsigned reg, unsigned size, uint32_t val)
{
    struct mcfg *m = mcfg_of(mfn);
    unsigned bdf = m ? (unsigned)(mfn - (m->base >> PAGE_SHIFT)) : 0;
    volatile uint8_t *p;
    bool ok;

    if (!m)
        return false;
    spin_lock(&pci_lock);
    ok = m->on && !m->seg && write_ok(bdf, reg, size, &val); /* write_ok reads segment 0 */
    if (ok && reg < 0x100) {
        pci_write(bdf, reg, size, val); /* the same cycle as through 0xcfc */
    } else if (ok) {
        p = (volatile uint8_t *)entry_map(mfn << PAGE_SHIFT | (reg & ~3u)) + (reg & 3);
        if (size == 4)
            *(volatile uint32_t *)p = val;
        else if (size == 2)
            *(volatile uint16_t *)p = (uint16_t)val;
        else
            *p = (uint8_t)val;
    }
    spin_unlock(&pci_lock);
    return true;
}

/* Xen's pci_mmcfg_reserved: the flags first, then the window by segment and buses. */
int arch_pci_mmcfg_reserved(const struct pv_physdev_pci_mmcfg_reserved *r)
{
    int rc = (r->flags & ~PV_XEN_PCI_MMCFG_RESERVED) ? -PV_EINVAL : -PV_ENODEV;

    for (unsigned i = 0; i < nr_mcfg && rc == -PV_ENODEV; i++)
        if (mcfg[i].seg == r->segment && mcfg[i].first == r->start_bus &&
            mcfg[i].last == r->end_bus) {
            rc = mcfg[i].base == r->address ? 0 : -PV_EIO; /* Xen warns of another address */
            mcfg[i].on = rc ? mcfg[i].on : r->flags & PV_XEN_PCI_MMCFG_RESERVED;
        }
    if (!rc)
        printk("(hv) PCI: MMCONFIG at %#lx reported%s reserved\n", r->address,
               r->flags ? "" : " not");
    return rc;
}

/* Xen's pci_cfg_ok: the hardware domain only; with the latch's enable bit clear, the access is
 * plain port I/O on the real ports. */
static bool cfg_ok(struct domain *d, unsigned off, unsigned size, uint32_t *write)
{
    unsigned bdf = (d->pci_cf8 >> 8) & 0xffff, reg = (d->pci_cf8 & 0xfc) | off;

    return d->privileged && (!(d->pci_cf8 & CF8_EN) || !write || write_ok(bdf, reg, size, write));
}

bool pci_port_io(struct domain *d, unsigned port, unsigned size, bool write, uint32_t *val)
{
    bool rtc = port == 0x71 && size == 1 && rangeset_contains(&d->ioport_caps, 0x70, 0x71);
    uint32_t *latch = port == 0xcf8 ? &d->pci_cf8 : port == 0x70 && size == 1 ? &d->cmos_idx : 0;

    if (!(port == 0xcf8 && size == 4) && !(port <= 0xcff && port + size > 0xcfc) &&
        !(port <= 0x71 && port + size > 0x70))
        return false; /* an ordinary port */
    spin_lock(&pci_lock);
    if (latch && write)
        *latch = *val;
    else if (latch)
        *val = *latch;
    else if (rtc || (port >= 0xcfc && (port & 3) + size <= 4 &&
                     cfg_ok(d, port & 3, size, write ? val : NULL))) {
        arch_port_out(rtc ? 0x70 : 0xcf8, rtc ? 1 : 4, rtc ? d->cmos_idx & 0x7fu : d->pci_cf8);
        if (write)
            arch_port_out((uint16_t)port, size, *val);
        else
            *val = arch_port_in((uint16_t)port, size);
    } else if (!write)
        *val = ~0u; /* refused: all ones (a write is dropped) */
    spin_unlock(&pci_lock);
    return true;
}

int arch_pci_device_op(unsigned op, unsigned seg, unsigned bus, unsigned devfn)
{
    unsigned bdf = bus << 8 | devfn;
    uint64_t bit = 1ULL << (bdf % 64);
    int rc;

    if (seg)
        return -PV_ENODEV; /* segment 0 only: the one CF8/CFC reaches */
    spin_lock(&pci_lock);
    if (op == PCI_OP_ADD)
        rc = pci_read(bdf, 0, 2) == 0xffff ? -PV_ENODEV : 0; /* nothing there */
    else
        rc = !(added[bdf / 64] & bit)   ? -PV_ENODEV /* never reported */
             : op == PCI_OP_RESTORE_MSI ? msi_restore(bdf)
                                        : msi_device_op(op, bdf);
    if (!rc && op == PCI_OP_ADD)
        added[bdf / 64] |= bit;
    if (!rc && op == PCI_OP_REMOVE)
        added[bdf / 64] &= ~bit;
    spin_unlock(&pci_lock);
    return rc;
}

void pci_init(void)
{
    const uint8_t *hpet = acpi_table("HPET"), *t = acpi_table("MCFG");
    uint32_t len = t ? *(const uint32_t *)(t + 4) : 0;

    boot_apic = apic_id();
    if (hpet)
        hpet_mfn = *(const uint64_t *)(hpet + 44) >> PAGE_SHIFT; /* its register block */
    for (unsigned o = 44; o + 16 <= len && nr_mcfg < MCFG_MAX; o += 16) /* 16-byte entries */
        if (t[o + 10] <= t[o + 11]) {
            struct mcfg *m = &mcfg[nr_mcfg++];

            memcpy(m, t + o, 12); /* base, segment, first and last bus: the entry's layout */
            m->on = true;
            printk("(hv) PCI: MMCONFIG segment %u buses %02x-%02x at %#lx, read-only\n", m->seg,
                   m->first, m->last, m->base);
        }
}

bool arch_mmio_ro(uint64_t mfn)
{
    return mfn == hpet_mfn || msi_table_frame(mfn) || mcfg_of(mfn);
}
