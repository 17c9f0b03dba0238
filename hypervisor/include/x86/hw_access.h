/* The hardware touches of the instruction emulator and the CPUID/MSR/debug-register policy, kept
 * behind plain functions so host unit tests can link fakes instead (tests/unit/fake_hw.c). */
#ifndef HV_HW_ACCESS_H
#define HV_HW_ACCESS_H
#include "types.h"
#include "arch.h"

uint64_t hw_rdmsr(uint32_t msr);
void hw_wrmsr(uint32_t msr, uint64_t val);
uint64_t hw_read_cr0(void);
uint64_t hw_read_cr4(void);
void hw_write_cr4(uint64_t val);
/* Load hardware debug register DR0-DR3, DR6 or DR7. */
void hw_write_dr(unsigned reg, uint64_t val);

#endif
