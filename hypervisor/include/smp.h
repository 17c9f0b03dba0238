/* Bringing up the other CPUs and the per-CPU facts the rest of the hypervisor asks about. */
#ifndef HV_SMP_H
#define HV_SMP_H
#include "types.h"
#include "arch.h"

#define MAX_CPUS 8

/* Start every processor the firmware lists; each runs ap_entry and then the scheduler. */
void smp_boot_aps(void);
uint32_t smp_apic_id(unsigned cpu);

#endif
