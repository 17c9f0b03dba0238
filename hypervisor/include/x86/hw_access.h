/* The hardware touches of the instruction emulator and the CPUID/MSR/debug-register policy, kept
 * behind plain functions so host unit tests can link fakes instead (tests/unit/fake_hw.c). */
#ifndef HV_HW_ACCESS_H
#define HV_HW_ACCESS_H
#include "types.h"

uint64_t hw_rdmsr(uint32_t msr);
void hw_wrmsr(uint32_t msr, uint64_t val);
void hw_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4]);
uint64_t hw_read_cr0(void);
uint64_t hw_read_cr4(void);
void hw_write_cr4(uint64_t val);
uint64_t hw_rdtsc(void);
/* Port I/O of size 1, 2 or 4 bytes. */
uint32_t hw_port_in(uint16_t port, unsigned size);
void hw_port_out(uint16_t port, unsigned size, uint32_t val);
/* Load hardware debug register DR0-DR3, DR6 or DR7. */
void hw_write_dr(unsigned reg, uint64_t val);

#endif
