/* SMP start-up: every processor in the MADT is started through the real-mode trampoline, one
 * at a time, and comes up with its own stack, descriptor tables and local APIC. */
#include "smp.h"
#include "console.h"
#include "x86/cpuid.h"
#include "x86/irq.h"
#include "time.h"
#include "lib.h"
#include "paging.h"
#include "percpu.h"
#include "sched.h"
#include "x86/acpi.h"
#include "x86/apic.h"
#include "x86/cpu.h"
#include "x86/desc.h"

#define TRAMPOLINE_PHYS 0x8000UL

extern const char trampoline_start[], trampoline_end[];
extern const char tr_cr3[], tr_stack[], tr_entry[], tr_cpu[];
void ap_entry(unsigned cpu);

static uint8_t ap_stacks[MAX_CPUS][HV_STACK_SIZE] ALIGNED(4096);
static uint32_t apic_ids[MAX_CPUS];
static unsigned nr_cpus = 1;
static volatile unsigned cpus_up = 1;

unsigned arch_nr_cpus(void)
{
    return nr_cpus;
}

uint32_t smp_apic_id(unsigned cpu)
{
    return apic_ids[cpu];
}

static void set_field(const char *field, uint64_t value)
{
    *(volatile uint64_t *)(DIRECTMAP_START + TRAMPOLINE_PHYS + (field - trampoline_start)) = value;
}

void ap_entry(unsigned cpu)
{
    cpu_init(cpu, (uint64_t)ap_stacks[cpu] + HV_STACK_SIZE);
    cpuid_faulting_enable();
    apic_init();
    __atomic_add_fetch(&cpus_up, 1, __ATOMIC_RELEASE);
    irq_start_tick();
    sched_start();
}

static bool start_one(unsigned cpu)
{
    uint64_t deadline = rdtsc() + time_tsc_khz() * 1000; /* 1 s */
    unsigned before = cpus_up;

    /* The top of the stack keeps the guest register frame (percpu_guest_regs). */
    set_field(tr_stack, (uint64_t)ap_stacks[cpu] + HV_STACK_SIZE - 256);
    set_field(tr_cpu, cpu);
    apic_start_ap(apic_ids[cpu], (uint8_t)(TRAMPOLINE_PHYS >> PAGE_SHIFT));
    while (cpus_up == before && rdtsc() < deadline)
        cpu_relax();
    return cpus_up != before;
}

void smp_boot_aps(void)
{
    unsigned found = acpi_cpus(apic_ids, MAX_CPUS), self = apic_id();

    /* The boot CPU is cpu 0 whatever its APIC id; the others follow in MADT order. */
    for (unsigned i = 0; i < found; i++)
        if (apic_ids[i] == self) {
            apic_ids[i] = apic_ids[0];
            apic_ids[0] = self;
        }
    paging_map_hv(TRAMPOLINE_PHYS, TRAMPOLINE_PHYS >> PAGE_SHIFT, PTE_P | PTE_RW);
    memcpy((void *)(DIRECTMAP_START + TRAMPOLINE_PHYS), trampoline_start,
           (size_t)(trampoline_end - trampoline_start));
    set_field(tr_cr3, paging_idle_l4() << PAGE_SHIFT);
    set_field(tr_entry, (uint64_t)ap_entry);
    for (unsigned cpu = 1; cpu < found; cpu++) {
        if (!start_one(cpu)) {
            printk("(hv) CPU %u (APIC %u) did not start\n", cpu, apic_ids[cpu]);
            break;
        }
        nr_cpus = cpu + 1;
    }
    printk("(hv) %u CPU%s online\n", nr_cpus, nr_cpus > 1 ? "s" : "");
}
