/* Switching the CPU between vCPUs: registers, segments, FPU, page tables, descriptor tables. */
#ifndef HV_CONTEXT_H
#define HV_CONTEXT_H
#include "domain.h"

/* Save the state of the vCPU whose frame is r (it stops running on this CPU). */
void context_save(struct vcpu *prev, struct cpu_regs *r);
/* Load next's state onto this CPU with its frame into r. */
void context_load(struct vcpu *next, struct cpu_regs *r);

#endif
