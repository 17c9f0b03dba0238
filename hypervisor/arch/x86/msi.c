/* MSI and MSI-X vectors of PCI functions, programmed by the hypervisor alone (Xen's
 * xen/arch/x86/msi.c): slot s is vector MSI_VECTOR_BASE + s, delivered to the boot CPU like the
 * GSIs. An MSI-X entry stays masked until its pirq is bound; the frames of the table and PBA of
 * a function with vectors mapped (or prepared for pass-through) are read-only to every domain's
 * new mappings (arch_mmio_ro). Everything here runs under pci_lock. */
#include "arch.h"
#include "paging.h"
#include "x86/ioapic.h"
#include "x86/pci.h"

#define MSIX_ENTRY_VA (MMIO_VIRT_START + 6 * PAGE_SIZE) /* after the local APIC and IO-APICs */

static struct msi_slot {
    bool used, msix, prepared; /* prepared: prepare_msix's, no vector */
    uint16_t bdf;
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

bool msi_in_use(unsigned bdf, bool msix)
{
    return find(bdf, msix, false, 0) >= 0;
}

/* The four 32-bit words of the MSI-X entry at pa, through the hypervisor's one mapping. */
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

    *s = (struct msi_slot){.used = true, .msix = msix, .bdf = (uint16_t)bdf};
    if (!pci_added(bdf) || !(s->pos = (uint8_t)pci_find_cap(bdf, s->msix ? 0x11 : 0x05)))
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

/* Address: the boot CPU, physical destination; data: the vector, fixed, edge. */
static void program(struct msi_slot *s, unsigned vector)
{
    uint32_t ctl = pci_read(s->bdf, s->pos + 2, 2), addr = 0xfee00000u | ioapic_dest() << 12;
    volatile uint32_t *e;

    if (!s->msix) {
        pci_write(s->bdf, s->pos + 4, 4, addr);
        if (ctl & 0x80)
            pci_write(s->bdf, s->pos + 8, 4, 0);
        pci_write(s->bdf, s->pos + ((ctl & 0x80) ? 12 : 8), 2, vector);
        pci_write(s->bdf, s->pos + 2, 2, ctl & ~0x70u); /* one vector */
        return;
    }
    pci_write(s->bdf, s->pos + 2, 2, ctl | 0x8000); /* enabled (dom0's mask-all bit kept) */
    e = entry_map(s->entry_pa);
    e[3] = 1; /* masked until bound */
    e[0] = addr;
    e[1] = 0;
    e[2] = vector;
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
    }
    spin_unlock(&pci_lock);
    return rc;
}

void arch_msi_mask(unsigned slot, bool masked)
{
    spin_lock(&pci_lock);
    if (slots[slot].msix)
        entry_map(slots[slot].entry_pa)[3] = masked;
    spin_unlock(&pci_lock);
}

void arch_msi_teardown(unsigned slot)
{
    struct msi_slot *s = &slots[slot];

    spin_lock(&pci_lock);
    if (s->msix)
        entry_map(s->entry_pa)[3] = 1;
    else
        pci_write(s->bdf, s->pos + 2, 2, pci_read(s->bdf, s->pos + 2, 2) & ~1u);
    s->used = false;
    spin_unlock(&pci_lock);
}

int msi_device_op(unsigned op, unsigned bdf)
{
    struct msi_slot s = {.used = true, .msix = true, .prepared = true, .bdf = (uint16_t)bdf};
    int prep = find(bdf, true, true, 0), i;
    bool vectors = msi_in_use(bdf, true) || msi_in_use(bdf, false);
    uint64_t base;

    if (op == PCI_OP_REMOVE)
        return prep >= 0 || vectors ? -PV_EBUSY : 0; /* Xen would tear its vectors down */
    if (op == PCI_OP_RELEASE_MSIX) { /* Xen's pci_prepare_msix(off): -EBUSY but when prepared */
        if (prep < 0 || vectors)
            return -PV_EBUSY;
        slots[prep].used = false;
        return 0;
    }
    if (!(s.pos = (uint8_t)pci_find_cap(bdf, 0x11)))
        return -PV_ENODEV;
    if (prep >= 0 || vectors)
        return -PV_EBUSY;
    if ((i = free_slot()) < 0)
        return i;
    msix_layout(&s, &base);
    slots[i] = s;
    return 0;
}

bool msi_table_frame(uint64_t mfn)
{
    for (unsigned i = 0; i < ARCH_MSI_SLOTS; i++)
        if (slots[i].used && slots[i].msix &&
            ((mfn >= slots[i].table_first && mfn <= slots[i].table_last) ||
             (mfn >= slots[i].pba_first && mfn <= slots[i].pba_last)))
            return true;
    return false;
}
