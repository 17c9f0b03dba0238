/* Descriptor tables: the per-CPU GDT window, the IDT and the TSS; selector values. */
#ifndef HV_X86_DESC_H
#define HV_X86_DESC_H
#include "../types.h"

/* Selectors in the reserved GDT page (entries 7168 and up), as Xen lays them out. */
#define SEL_HV_CS 0xe008
#define SEL_HV_DS 0xe010
#define SEL_RING3_CS32 0xe023
#define SEL_RING3_DS 0xe02b
#define SEL_RING3_CS64 0xe033
#define SEL_TSS 0xe040
#define GDT_FIRST_RESERVED 7168
#define GDT_RESERVED_ENTS 12 /* used entries of the reserved page (the LDT descriptor ends at 11) */

/* Bring up this CPU's descriptor tables, TSS stack, SYSCALL MSRs and per-CPU area. */
void cpu_init(unsigned cpu, uint64_t stack_top);
/* Point this CPU's ring-0 stack for interrupts from ring 3 elsewhere; returns the old one. */
uint64_t cpu_set_rsp0(uint64_t top);
/* Read the descriptor for a selector from this CPU's GDT (0 if outside the table). */
uint64_t gdt_read(uint16_t sel);

#endif
