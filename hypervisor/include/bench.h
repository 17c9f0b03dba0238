/* Hypervisor-side reference figures for `make bench` (hypervisor command line: bench). */
#ifndef HV_BENCH_H
#define HV_BENCH_H
#include "x86/regs.h"

/* Set by main when the hypervisor command line has `bench`; TSC at hypervisor entry. */
extern bool bench_enabled;
extern uint64_t bench_entry_tsc;
/* Called for each guest console line: reports the first one's delay from hypervisor entry. */
void bench_guest_line(void);

/* Time a bare SYSCALL/SYSRET round trip from ring 3 and print it. */
void bench_syscall_reference(void);
/* IPI round trip between CPU 0 and CPU 1 (reference for event-channel figures). */
void bench_ipi_reference(void);
/* The benchmark vector's handler on the answering CPU. */
void bench_ipi_pong(void);

/* A #UD from ring 3 while no vCPU runs: the end of the measurement loop. */
bool bench_trap(const struct cpu_regs *r);

#endif
