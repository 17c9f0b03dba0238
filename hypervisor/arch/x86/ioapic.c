/* The IO-APICs, owned by the hypervisor (no domain maps them): found in the MADT, every pin
 * routed to the boot CPU on vector IOAPIC_VECTOR_BASE + GSI and masked until a domain binds it.
 * ISA IRQs are programmed at boot from the interrupt source overrides (Xen's setup_IO_APIC);
 * other GSIs once, by PHYSDEVOP_setup_gsi (Xen's mp_register_gsi). */
#include "x86/ioapic.h"
#include "arch.h"
#include "console.h"
#include "paging.h"
#include "spinlock.h"
#include "x86/acpi.h"
#include "x86/apic.h"

#define IOAPIC_MAX 4
#define RTE_MASKED (1u << 16)
#define RTE_LEVEL (1u << 15)
#define RTE_LOW (1u << 13)

static struct ioapic {
    uint64_t phys;
    unsigned gsi_base, nr_pins;
    volatile uint32_t *regs; /* IOREGSEL at [0], IOWIN at [4] */
} ioapics[IOAPIC_MAX];
static unsigned nr_ioapics, nr_gsis, isa_pit_gsi;
static struct {
    bool level, low, programmed, masked;
} gsi_cfg[IOAPIC_MAX_GSI];
static uint32_t dest_apic; /* the boot CPU's local APIC id */
static spinlock_t ioapic_lock = SPINLOCK_INIT;

static uint32_t reg_read(struct ioapic *a, unsigned reg)
{
    a->regs[0] = reg;
    return a->regs[4];
}

static void reg_write(struct ioapic *a, unsigned reg, uint32_t val)
{
    a->regs[0] = reg;
    a->regs[4] = val;
}

static struct ioapic *apic_of(unsigned gsi)
{
    for (unsigned i = 0; i < nr_ioapics; i++)
        if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].nr_pins)
            return &ioapics[i];
    return NULL;
}

/* Write gsi's redirection entry from gsi_cfg (caller holds ioapic_lock). */
static void rte_write(unsigned gsi)
{
    struct ioapic *a = apic_of(gsi);
    unsigned pin = gsi - a->gsi_base;
    uint32_t lo = (IOAPIC_VECTOR_BASE + gsi) | (gsi_cfg[gsi].level ? RTE_LEVEL : 0) |
                  (gsi_cfg[gsi].low ? RTE_LOW : 0) | (gsi_cfg[gsi].masked ? RTE_MASKED : 0);

    /* Masked while the halves change, in the final trigger mode: an RTE that is edge-triggered
     * and masked even for a moment ignores a level line rising then (QEMU's IO-APIC, as the
     * 82093AA says), and that interrupt would never come (a stalled virtio disk in dom0). */
    reg_write(a, 0x10 + 2 * pin, lo | RTE_MASKED);
    reg_write(a, 0x11 + 2 * pin, dest_apic << 24);
    reg_write(a, 0x10 + 2 * pin, lo);
}

static void add_ioapic(uint64_t phys, unsigned gsi_base)
{
    struct ioapic *a = &ioapics[nr_ioapics];
    uint64_t va = MMIO_VIRT_START + (1 + nr_ioapics) * PAGE_SIZE; /* after the local APIC */

    paging_map_hv(va, phys >> PAGE_SHIFT, PTE_P | PTE_RW | PTE_PCD | PTE_PWT | PTE_G | PTE_NX);
    *a = (struct ioapic){.phys = phys, .gsi_base = gsi_base,
                         .regs = (volatile uint32_t *)(va + (phys & (PAGE_SIZE - 1)))};
    a->nr_pins = ((reg_read(a, 1) >> 16) & 0xff) + 1;
    if (gsi_base + a->nr_pins > IOAPIC_MAX_GSI)
        a->nr_pins = gsi_base < IOAPIC_MAX_GSI ? IOAPIC_MAX_GSI - gsi_base : 0;
    nr_gsis = MAX(nr_gsis, gsi_base + a->nr_pins);
    nr_ioapics++;
}

/* ISA IRQ irq arrives on GSI gsi with the MADT's flags: polarity bits 0-1, trigger bits 2-3,
 * 0 meaning the ISA default (high, edge). */
static void isa_route(unsigned irq, unsigned gsi, unsigned flags)
{
    if (gsi >= nr_gsis)
        return;
    gsi_cfg[gsi].low = (flags & 3) == 3;
    gsi_cfg[gsi].level = ((flags >> 2) & 3) == 3;
    gsi_cfg[gsi].programmed = true;
    if (irq == 0)
        isa_pit_gsi = gsi;
}

void ioapic_init(void)
{
    const uint8_t *end, *p = acpi_madt_entries(&end), *e;
    struct {
        uint32_t gsi;
        uint16_t flags;
    } isa[16];

    dest_apic = apic_id();
    for (unsigned irq = 0; irq < 16; irq++)
        isa[irq].gsi = irq, isa[irq].flags = 0;
    for (e = p; e && e + 2 <= end && e[1] >= 2; e += e[1]) {
        if (e[0] == 1 && nr_ioapics < IOAPIC_MAX) /* IO-APIC: id, -, address, GSI base */
            add_ioapic(*(const uint32_t *)(e + 4), *(const uint32_t *)(e + 8));
        if (e[0] == 2 && e[2] == 0 && e[3] < 16) /* an ISA IRQ's source override */
            isa[e[3]].gsi = *(const uint32_t *)(e + 4), isa[e[3]].flags = *(const uint16_t *)(e + 8);
    }
    for (unsigned irq = 0; irq < 16; irq++)
        if (irq != 2 || isa[irq].gsi != 2) /* IRQ 2 is the PIC cascade, unless overridden */
            isa_route(irq, isa[irq].gsi, isa[irq].flags);
    for (unsigned gsi = 0; gsi < nr_gsis; gsi++) {
        gsi_cfg[gsi].masked = true;
        if (apic_of(gsi))
            rte_write(gsi);
    }
    printk("(hv) %u IO-APIC(s), %u GSIs\n", nr_ioapics, nr_gsis);
}

unsigned arch_gsi_count(void)
{
    return nr_gsis;
}

bool arch_gsi_reserved(unsigned gsi)
{
    return gsi == 0 || gsi == isa_pit_gsi || !apic_of(gsi); /* the PIT is the hypervisor's */
}

bool arch_gsi_setup(unsigned gsi, bool level, bool active_low)
{
    bool done = false;

    spin_lock(&ioapic_lock);
    if (!gsi_cfg[gsi].programmed) {
        gsi_cfg[gsi].level = level;
        gsi_cfg[gsi].low = active_low;
        gsi_cfg[gsi].programmed = done = true;
        rte_write(gsi);
    }
    spin_unlock(&ioapic_lock);
    return done;
}

bool arch_gsi_is_level(unsigned gsi)
{
    return gsi_cfg[gsi].level;
}

void arch_gsi_mask(unsigned gsi, bool masked)
{
    spin_lock(&ioapic_lock);
    if (gsi_cfg[gsi].masked != masked) {
        gsi_cfg[gsi].masked = masked;
        rte_write(gsi);
    }
    spin_unlock(&ioapic_lock);
}

bool arch_ioapic_read(uint64_t physbase, unsigned reg, uint32_t *val)
{
    for (unsigned i = 0; i < nr_ioapics; i++) {
        if (ioapics[i].phys != physbase)
            continue;
        spin_lock(&ioapic_lock);
        *val = reg_read(&ioapics[i], reg);
        spin_unlock(&ioapic_lock);
        return true;
    }
    return false;
}
