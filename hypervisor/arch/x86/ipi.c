/* IPIs between hypervisor CPUs. A shootdown leaves a request in the target's per-CPU area and
 * sends it a vector; the target serves requests in the handler and in every spin/wait loop
 * (the hypervisor runs with interrupts off), then acknowledges by clearing the request. */
#include "arch.h"
#include "domain.h"
#include "percpu.h"
#include "smp.h"
#include "x86/apic.h"
#include "x86/cpu.h"

void arch_ipi_resched(unsigned cpu)
{
    apic_send_ipi(smp_apic_id(cpu), APIC_RESCHED_VECTOR);
}

void arch_ipi_serve(void)
{
    struct percpu *pc = percpu();

    if (__atomic_load_n(&pc->flush_pending, __ATOMIC_ACQUIRE)) {
        write_cr3(read_cr3()); /* guest translations are never global: this drops them all */
        __atomic_store_n(&pc->flush_pending, 0, __ATOMIC_RELEASE);
    }
}

static bool cpu_holds(unsigned cpu, uint16_t domid)
{
    const struct vcpu *v = __atomic_load_n(&arch_percpu_of(cpu)->current, __ATOMIC_ACQUIRE);

    return v && v->domain->domid == domid;
}

void arch_ipi_flush_domain(uint16_t domid)
{
    unsigned me = percpu()->cpu_id;
    bool sent[MAX_CPUS] = {false};

    for (unsigned c = 0; c < arch_nr_cpus(); c++) {
        if (c == me || !cpu_holds(c, domid))
            continue;
        __atomic_store_n(&arch_percpu_of(c)->flush_pending, 1, __ATOMIC_RELEASE);
        apic_send_ipi(smp_apic_id(c), APIC_FLUSH_VECTOR);
        sent[c] = true;
    }
    write_cr3(read_cr3());
    for (unsigned c = 0; c < arch_nr_cpus(); c++)
        while (sent[c] && __atomic_load_n(&arch_percpu_of(c)->flush_pending, __ATOMIC_ACQUIRE)) {
            arch_ipi_serve();
            cpu_relax();
        }
}

/* Spinlocks call this while they wait (see spinlock.h). */
void spin_wait_hook(void)
{
    arch_ipi_serve();
}
