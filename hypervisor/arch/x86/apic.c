/* Local APIC access through its MMIO page, mapped uncached in the hypervisor's MMIO window. */
#include "x86/apic.h"
#include "console.h"
#include "x86/layout.h"
#include "paging.h"
#include "time.h"
#include "x86/cpu.h"

#define MSR_APIC_BASE 0x1b
#define APIC_ID 0x20
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0
#define ICR_BUSY (1u << 12)

static volatile uint32_t *const regs = (volatile uint32_t *)MMIO_VIRT_START;
static uint64_t ticks_per_ms; /* APIC timer ticks (divide by 16) per millisecond */

static uint32_t rd(unsigned reg)
{
    return regs[reg / 4];
}

static void wr(unsigned reg, uint32_t v)
{
    regs[reg / 4] = v;
}

void apic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    if (!(base & (1UL << 11)))
        wrmsr(MSR_APIC_BASE, base | (1UL << 11)); /* global enable */
    paging_map_hv(MMIO_VIRT_START, (base & PTE_ADDR) >> PAGE_SHIFT,
                  PTE_P | PTE_RW | PTE_PCD | PTE_PWT | PTE_G | PTE_NX);
    wr(APIC_SVR, 0x100 | APIC_SPURIOUS_VECTOR); /* software enable */
    wr(APIC_TIMER_DIV, 0x3);                    /* divide by 16 */
    wr(APIC_LVT_TIMER, APIC_TIMER_VECTOR);      /* one-shot */
}

uint32_t apic_id(void)
{
    return rd(APIC_ID) >> 24;
}

void apic_eoi(void)
{
    wr(APIC_EOI, 0);
}

static void icr_send(uint32_t dest, uint32_t lo)
{
    while (rd(APIC_ICR_LO) & ICR_BUSY)
        cpu_relax();
    wr(APIC_ICR_HI, dest << 24);
    wr(APIC_ICR_LO, lo);
}

void apic_send_ipi(uint32_t dest, uint8_t vector)
{
    icr_send(dest, vector); /* fixed delivery, physical destination */
}

static void delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us * time_tsc_khz() / 1000;

    while (rdtsc() < end)
        cpu_relax();
}

void apic_start_ap(uint32_t dest, uint8_t page)
{
    icr_send(dest, 0x4500); /* INIT, level assert */
    delay_us(10000);
    for (int i = 0; i < 2; i++) {
        icr_send(dest, 0x4600 | page); /* STARTUP */
        delay_us(200);
    }
}

/* The timer's ticks since its start from 0xffffffff (it counts down). */
static uint32_t timer_ticks(void)
{
    return ~rd(APIC_TIMER_CUR);
}

/* Ticks per ms over 10 ms of the calibrated TSC, each end a tight reading (time_tight). */
void apic_timer_calibrate(void)
{
    uint64_t t0 = 0, t1 = 0;
    uint32_t c0, c1;

    wr(APIC_TIMER_INIT, 0xffffffff);
    c0 = time_tight(timer_ticks, &t0);
    delay_us(10000);
    c1 = time_tight(timer_ticks, &t1);
    ticks_per_ms = (uint64_t)(c1 - c0) * time_tsc_khz() / (t1 - t0);
    wr(APIC_TIMER_INIT, 0);
    if (!ticks_per_ms)
        panic("local APIC timer does not count");
    printk("(hv) APIC timer: %lu ticks per ms\n", ticks_per_ms);
}

void arch_timer_oneshot(uint64_t ns)
{
    uint64_t t = (ns > 10000000000UL ? 10000000000UL : ns) * ticks_per_ms / 1000000;

    wr(APIC_TIMER_INIT, (uint32_t)(t < 1 ? 1 : t > 0xffffffffUL ? 0xffffffffUL : t));
}
