/* Hardware interrupts: the legacy PIC and the PIT tick that drives preemption and console input. */
#ifndef HV_IRQ_H
#define HV_IRQ_H
#include "types.h"

#define IRQ_FIRST_VECTOR 0x20
#define IRQ_TIMER_VECTOR 0x20
#define TICK_HZ 100

void irq_init(void);
void irq_handle(unsigned vector);
uint64_t irq_ticks(void);

#endif
