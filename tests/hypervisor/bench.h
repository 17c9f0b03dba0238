/* The hypervisor's reference figures for `make bench` (hypervisor command line: bench). */
#ifndef HVT_BENCH_H
#define HVT_BENCH_H
#include "x86/bootinfo.h"
#include "x86/regs.h"

/* First thing at boot: the TSC the boot-time figure counts from. */
void bench_mark_entry(void);
/* Reads `bench` on the hypervisor command line; without it, every bench_* below does nothing. */
void bench_init(const struct boot_info *bi);
/* Called for each guest console line: reports the first one's delay from hypervisor entry. */
void bench_guest_line(void);

/* Time a bare SYSCALL/SYSRET round trip from ring 3, a direct PTE write and a memcpy of pages
 * through the direct map, and print them. */
void bench_syscall_reference(void);
/* IPI round trip between CPU 0 and CPU 1 (reference for event-channel figures). */
void bench_ipi_reference(void);
/* The test vector's handler on the answering CPU. */
void bench_ipi_pong(void);

/* A #UD from ring 3 while no vCPU runs: the end of the measurement loop. */
bool bench_trap(const struct cpu_regs *r);

#endif
