/* The local APIC (xAPIC, MMIO): IPIs, end of interrupt, and the per-CPU timer. */
#ifndef HV_X86_APIC_H
#define HV_X86_APIC_H
#include "../types.h"
#include "arch.h"

#define APIC_TIMER_VECTOR 0xf0
#define APIC_RESCHED_VECTOR 0xf1 /* "look at your run queue / pending events" */
#define APIC_FLUSH_VECTOR 0xf2   /* "serve your TLB-flush and call requests" */
#define APIC_TEST_VECTOR 0xf3    /* the test image's IPI (testhook_ipi) */
#define APIC_SPURIOUS_VECTOR 0xff

/* Map and enable this CPU's local APIC (the BSP maps it first). */
void apic_init(void);
uint32_t apic_id(void);
void apic_eoi(void);
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
/* INIT, then two STARTUP IPIs pointing at the real-mode page `page` (phys = page << 12). */
void apic_start_ap(uint32_t apic_id, uint8_t page);
/* Measure the APIC timer against the TSC (BSP, once). */
void apic_timer_calibrate(void);

#endif
