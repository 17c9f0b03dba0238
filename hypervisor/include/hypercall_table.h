/* Hypercall dispatch: every handler takes the calling vCPU and the five argument registers
 * (rdi, rsi, rdx, r10, r8) and returns the value for rax. */
#ifndef HV_HYPERCALL_TABLE_H
#define HV_HYPERCALL_TABLE_H
#include "domain.h"

typedef long hypercall_fn(struct vcpu *v, const uint64_t arg[5]);

hypercall_fn hc_set_trap_table, hc_stack_switch, hc_set_callbacks, hc_fpu_taskswitch,
    hc_set_debugreg, hc_get_debugreg, hc_memory_op, hc_xen_version, hc_console_io, hc_vm_assist,
    hc_iret, hc_set_segment_base, hc_sched_op, hc_callback_op, hc_physdev_op, hc_mmuext_op, hc_multicall,
    hc_event_channel_op, hc_mmu_update, hc_update_va_mapping, hc_update_va_mapping_otherdomain,
    hc_set_gdt, hc_update_descriptor, hc_grant_table_op, hc_vcpu_op, hc_set_timer_op;

/* Write the 128 Xen-layout hypercall stubs into a page. */
void hypercall_page_fill(void *page);
/* The hypercall-page MSR: fill frame mfn of d with stubs (0, or -PV_EINVAL/-PV_EPERM). */
int domain_hypercall_page_write(struct domain *d, uint64_t mfn);
/* Call hypercall nr as the vCPU (-PV_ENOSYS for an unknown number). */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t arg[5]);
/* Has the current hypercall run long enough that it should let others run? */
bool hypercall_preempt_check(void);
/* Arrange for the guest to re-issue hypercall nr with these first four arguments (the rest
 * unchanged) after other vCPUs had a turn; the handler returns this function's result. */
long hypercall_continue(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
/* Entry from the SYSCALL stub: a hypercall from guest kernel mode, or a guest user syscall. */
void hv_syscall(struct cpu_regs *r);

#endif
