/* IPIs between hypervisor CPUs. A shootdown leaves a request in the target's per-CPU area and
 * sends it a vector; the target serves requests in the handler and in every spin/wait loop
 * (the hypervisor runs with interrupts off), then acknowledges by clearing the request. */
#include "arch.h"
#include "domain.h"
#include "frame.h"
#include "paging.h"
#include "percpu.h"
#include "smp.h"
#include "x86/apic.h"
#include "x86/cpu.h"

uint64_t tlb_clock = 1;

/* One IPI until the target takes it: its handler clears resched_sent before it looks at its
 * run queue, so whatever was made runnable before a skipped IPI is seen. */
void arch_ipi_resched(unsigned cpu)
{
    if (!__atomic_exchange_n(&arch_percpu_of(cpu)->resched_sent, true, __ATOMIC_ACQ_REL))
        apic_send_ipi(smp_apic_id(cpu), APIC_RESCHED_VECTOR);
}

uint64_t arch_tlb_clock_tick(void)
{
    return __atomic_add_fetch(&tlb_clock, 1, __ATOMIC_SEQ_CST);
}

/* Guest translations are never global: loading %cr3 drops them all, a full flush to stamp. An
 * idle CPU that kept the last vCPU's page tables (sched.c put_prev) loads the idle ones instead
 * and holds nothing more: a flush comes before a frame of those tables can be written by a guest
 * or used again (page_table.c's type change, frame.c's allocation), so none is in use by then. */
static void flush_local(struct percpu *pc)
{
    uint64_t t = __atomic_load_n(&tlb_clock, __ATOMIC_SEQ_CST);

    write_cr3(pc->lazy ? paging_idle_l4() << PAGE_SHIFT : read_cr3());
    __atomic_store_n(&pc->flush_time, t, __ATOMIC_RELEASE);
    __atomic_store_n(&pc->holds, pc->lazy ? 0 : pc->holds, __ATOMIC_RELEASE);
    pc->lazy = NULL;
}

void arch_ipi_serve(void)
{
    struct percpu *pc = percpu();

    if (__atomic_load_n(&pc->flush_pending, __ATOMIC_ACQUIRE)) {
        flush_local(pc);
        __atomic_store_n(&pc->flush_pending, 0, __ATOMIC_RELEASE);
    }
}

/* May cpu hold translations of domid (of any domain for DOMID_FREE)? It has the domain's page
 * tables loaded: running one of its vCPUs, idle after one (sched.c put_prev), or switching from
 * or to them (context.c). Domain ids are below MAX_DOMAINS, 64: a bit each. */
static bool cpu_holds(unsigned cpu, uint16_t domid)
{
    uint64_t held = __atomic_load_n(&arch_percpu_of(cpu)->holds, __ATOMIC_ACQUIRE);

    return domid == DOMID_FREE ? held != 0 : domid < MAX_DOMAINS && (held >> domid & 1);
}

/* A CPU that reloaded %cr3 after the event stamped `stamp` holds nothing from before it. */
static bool flushed_since(unsigned cpu, uint64_t stamp)
{
    return __atomic_load_n(&arch_percpu_of(cpu)->flush_time, __ATOMIC_ACQUIRE) >= stamp;
}

void arch_ipi_flush_domain_since(uint16_t domid, uint64_t stamp)
{
    unsigned me = percpu()->cpu_id;
    bool sent[MAX_CPUS] = {false};

    for (unsigned c = 0; c < arch_nr_cpus(); c++) {
        if (c == me || !cpu_holds(c, domid) || flushed_since(c, stamp))
            continue;
        __atomic_store_n(&arch_percpu_of(c)->flush_pending, 1, __ATOMIC_RELEASE);
        apic_send_ipi(smp_apic_id(c), APIC_FLUSH_VECTOR);
        sent[c] = true;
    }
    if (!flushed_since(me, stamp))
        flush_local(percpu());
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
