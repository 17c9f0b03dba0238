/* Interrupts: the legacy PIC (remapped, then masked: the PIT only serves calibration), the
 * local APIC's timer and IPI vectors on every CPU, the IO-APICs' GSIs and MSIs (to their PIRQs). */
#include "x86/irq.h"
#include "conring.h"
#include "arch.h"
#include "percpu.h"
#include "pirq.h"
#include "sched.h"
#include "testhook.h"
#include "timer.h"
#include "x86/apic.h"
#include "x86/cpu.h"
#include "x86/ioapic.h"
#include "x86/pci.h"

#define PIC1 0x20
#define PIC2 0xa0

static void pic_init_masked(void)
{
    outb(PIC1, 0x11); /* ICW1: init, ICW4 follows */
    outb(PIC2, 0x11);
    outb(PIC1 + 1, IRQ_FIRST_VECTOR); /* ICW2: vector base, away from exceptions */
    outb(PIC2 + 1, IRQ_FIRST_VECTOR + 8);
    outb(PIC1 + 1, 4); /* ICW3 */
    outb(PIC2 + 1, 2);
    outb(PIC1 + 1, 1); /* ICW4: 8086 mode */
    outb(PIC2 + 1, 1);
    outb(PIC1 + 1, 0xff); /* everything masked: the local APIC timer drives scheduling */
    outb(PIC2 + 1, 0xff);
}

void irq_init(void)
{
    pic_init_masked();
    apic_init();
    ioapic_init();
    pci_init();
    apic_timer_calibrate();
}

void irq_start_tick(void)
{
    arch_timer_oneshot(timer_next_wait());
}

void irq_handle(unsigned vector)
{
    struct percpu *pc = percpu();

    switch (vector) {
    case APIC_TIMER_VECTOR:
        if (timer_run_expired())
            pc->need_resched = true; /* a tick: the scheduler accounts, and may preempt */
        if (pc->cpu_id == 0)
            conring_poll_input();
        arch_timer_oneshot(timer_next_wait());
        break;
    case APIC_RESCHED_VECTOR:
        __atomic_store_n(&pc->resched_sent, false, __ATOMIC_RELEASE); /* (before the look) */
        pc->need_resched = true;
        break;
    case APIC_FLUSH_VECTOR:
        arch_ipi_serve();
        break;
    case APIC_TEST_VECTOR:
        testhook_ipi();
        break;
    case APIC_SPURIOUS_VECTOR:
        return; /* no EOI for a spurious interrupt */
    default:
        if (vector >= IOAPIC_VECTOR_BASE && vector < IOAPIC_VECTOR_BASE + IOAPIC_MAX_GSI) {
            pirq_raise(vector - IOAPIC_VECTOR_BASE); /* masks a level GSI before the EOI */
            break;
        }
        if (vector >= MSI_VECTOR_BASE && vector < MSI_VECTOR_BASE + ARCH_MSI_SLOTS) {
            pirq_raise_msi(vector - MSI_VECTOR_BASE);
            break;
        }
        if (vector < IRQ_FIRST_VECTOR + 16) {
            if (vector >= IRQ_FIRST_VECTOR + 8)
                outb(PIC2, 0x20);
            outb(PIC1, 0x20);
        }
        return;
    }
    apic_eoi();
}
