/* Hardware interrupts: the PIC (masked), and the local APIC timer and IPIs. */
#ifndef HV_IRQ_H
#define HV_IRQ_H
#include "types.h"

#define IRQ_FIRST_VECTOR 0x20
#define TICK_HZ 100

/* Mask the PIC, enable this CPU's local APIC, calibrate its timer (BSP). */
void irq_init(void);
/* Arm this CPU's timer for its first interrupt. */
void irq_start_tick(void);
void irq_handle(unsigned vector);

#endif
