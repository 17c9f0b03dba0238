/* Delivering exceptions, events and callbacks to a PV guest kernel as Xen bounce frames. */
#ifndef HV_BOUNCE_H
#define HV_BOUNCE_H
#include "domain.h"
#include "arch.h"

/* Switch a vCPU between guest kernel and guest user mode: page tables and GS bases. */
void vcpu_toggle_mode(struct vcpu *v);
/* Load the page table for the vCPU's current mode into cr3. */
void vcpu_load_cr3(struct vcpu *v);

/* Deliver exception `vector` through the guest's trap table (crashes the domain if it has no
 * handler or its stack cannot take the frame). */
void bounce_trap(struct vcpu *v, struct cpu_regs *r, unsigned vector, bool has_ec, uint32_t ec);
/* Deliver a software interrupt `int N` whose DPL check passed (rip already past it). */
void bounce_soft_int(struct vcpu *v, struct cpu_regs *r, unsigned vector);
/* SYSCALL from guest user mode to the registered syscall callback (#UD if none). */
void bounce_syscall(struct vcpu *v, struct cpu_regs *r);

#define ENTRY_REWRITTEN 0x101 /* entry_vector of a frame the hypervisor changed (no SYSRET) */

#endif
