/* Legacy 8259 PIC remapped to vectors 0x20-0x2f, and the 8254 PIT as the scheduler tick. */
#include "irq.h"
#include "conring.h"
#include "percpu.h"
#include "x86/cpu.h"

#define PIC1 0x20
#define PIC2 0xa0
#define PIT_HZ 1193182

static uint64_t ticks;

static void pic_init(void)
{
    outb(PIC1, 0x11);                /* ICW1: init, ICW4 follows */
    outb(PIC2, 0x11);
    outb(PIC1 + 1, IRQ_FIRST_VECTOR); /* ICW2: vector base */
    outb(PIC2 + 1, IRQ_FIRST_VECTOR + 8);
    outb(PIC1 + 1, 4);               /* ICW3: slave on IRQ2 */
    outb(PIC2 + 1, 2);
    outb(PIC1 + 1, 1);               /* ICW4: 8086 mode */
    outb(PIC2 + 1, 1);
    outb(PIC1 + 1, 0xfe);            /* only IRQ0 (the PIT) */
    outb(PIC2 + 1, 0xff);
}

static void pit_init(void)
{
    unsigned div = PIT_HZ / TICK_HZ;

    outb(0x43, 0x34); /* channel 0, lo/hi byte, rate generator */
    outb(0x40, (uint8_t)div);
    outb(0x40, (uint8_t)(div >> 8));
}

void irq_init(void)
{
    pic_init();
    pit_init();
}

void irq_handle(unsigned vector)
{
    if (vector == IRQ_TIMER_VECTOR) {
        ticks++;
        percpu()->need_resched = true;
        conring_poll_input();
    }
    if (vector >= IRQ_FIRST_VECTOR + 8 && vector < IRQ_FIRST_VECTOR + 16)
        outb(PIC2, 0x20);
    if (vector >= IRQ_FIRST_VECTOR && vector < IRQ_FIRST_VECTOR + 16)
        outb(PIC1, 0x20); /* end of interrupt */
}

uint64_t irq_ticks(void)
{
    return ticks;
}
