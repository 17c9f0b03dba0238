/* The points where a test image joins the hypervisor: the production image links
 * common/testhook_none.c (every hook does nothing), the test image (tests/hypervisor/, make bench
 * and the lifecycle boot tests) links its own. */
#ifndef HV_TESTHOOK_H
#define HV_TESTHOOK_H
#include "arch.h"

/* Where main is in the boot sequence when it calls testhook_boot. */
enum testhook_stage {
    TESTHOOK_ENTRY,         /* first thing in hv_main: nothing is set up yet */
    TESTHOOK_CPU0_READY,    /* CPU 0's traps, time and interrupts are set up; no other CPU runs */
    TESTHOOK_SMP_READY,     /* the other CPUs wait in the scheduler */
    TESTHOOK_DOMAINS_BUILT, /* the boot-time domains exist; none has run yet */
};
void testhook_boot(enum testhook_stage stage, const struct boot_info *bi);

/* A guest's console line is about to reach the serial port. */
void testhook_guest_line(void);
/* APIC_TEST_VECTOR arrived (the test image's IPI). */
void testhook_ipi(void);
/* An exception while this CPU runs no vCPU: true if the test image handled it. */
bool testhook_trap(const struct cpu_regs *r);

/* Does CPU 0 have test work due at time now (cheap: the scheduler asks on every switch)? */
bool testhook_due(uint64_t now);
/* Called by CPU 0 while it holds no vCPU: do the test work that is due. */
void testhook_poll(void);
/* Must the machine stay up after every domain has ended (a test still to finish)? */
bool testhook_pending(void);

#endif
