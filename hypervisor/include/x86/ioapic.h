/* The IO-APICs: the hypervisor programs every redirection entry (arch/x86/ioapic.c). */
#ifndef HV_X86_IOAPIC_H
#define HV_X86_IOAPIC_H
#include "../types.h"

#define IOAPIC_MAX_GSI 64
#define IOAPIC_VECTOR_BASE 0x30 /* GSI g arrives on vector 0x30 + g */

/* Find the IO-APICs in the MADT, program the ISA IRQs' entries, mask every pin (boot CPU). */
void ioapic_init(void);

#endif
