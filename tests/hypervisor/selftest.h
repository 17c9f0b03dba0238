/* Hypervisor self-tests of run-time domain control, enabled by `selftest=lifecycle` on the
 * hypervisor command line (used by the boot tests until the toolstack drives domctl). */
#ifndef HVT_SELFTEST_H
#define HVT_SELFTEST_H
#include "x86/bootinfo.h"

void selftest_init(const struct boot_info *bi);
/* Is a step due at time now (cheap; the scheduler asks on every switch)? */
bool selftest_due(uint64_t now);
/* Called by CPU 0 when it holds no vCPU: advance the test when its next step is due. */
void selftest_poll(void);
/* Is a self-test still to finish (the machine stays up meanwhile)? */
bool selftest_pending(void);

#endif
