/* Hypercall dispatch: the dispatcher decodes the five argument registers (rdi, rsi, rdx, r10, r8)
 * once into each handler's typed arguments (docs/hypercalls.md gives the same prototypes); every
 * handler returns the value for rax. Guest pointers arrive as guest handles. */
#ifndef HV_HYPERCALL_TABLE_H
#define HV_HYPERCALL_TABLE_H
#include "domain.h"
#include "guest_access.h"
#include "pv-abi/hypercall.h"

long hc_set_trap_table(struct vcpu *v, guest_handle traps);
long hc_mmu_update(struct vcpu *v, guest_handle reqs, unsigned int count, guest_handle done,
                   pv_domid_t foreigndom);
long hc_set_gdt(struct vcpu *v, guest_handle frame_list, unsigned long entries);
long hc_stack_switch(struct vcpu *v, unsigned long ss, unsigned long rsp);
long hc_set_callbacks(struct vcpu *v, unsigned long event, unsigned long failsafe,
                      unsigned long syscall);
long hc_fpu_taskswitch(struct vcpu *v, unsigned long set);
long hc_set_debugreg(struct vcpu *v, int reg, unsigned long value);
long hc_get_debugreg(struct vcpu *v, int reg);
long hc_update_descriptor(struct vcpu *v, unsigned long maddr, uint64_t desc);
long hc_memory_op(struct vcpu *v, unsigned long cmd, guest_handle arg);
/* memory_op's increase_reservation, decrease_reservation, populate_physmap (cmd with its start
 * extent above bit 6): hypercalls/memory_reservation.c. */
long memory_reservation_op(struct vcpu *v, unsigned long cmd, guest_handle arg);
/* memory_op's acquire_resource (no start extent: every resource fits one call):
 * hypercalls/memory_resource.c. */
long memory_acquire_resource(struct vcpu *v, guest_handle arg);
long hc_multicall(struct vcpu *v, guest_handle calls, unsigned int nr);
long hc_update_va_mapping(struct vcpu *v, unsigned long va, uint64_t val, unsigned long flags);
long hc_set_timer_op(struct vcpu *v, uint64_t timeout);
/* HOT: Linux calls xen_version(XENVER_version) to have pending events delivered at once. */
HOT long hc_xen_version(struct vcpu *v, unsigned long cmd, guest_handle arg);
long hc_console_io(struct vcpu *v, unsigned long cmd, unsigned int count, guest_handle buf);
long hc_grant_table_op(struct vcpu *v, unsigned int cmd, guest_handle uop, unsigned int count);
long hc_vm_assist(struct vcpu *v, unsigned long cmd, unsigned long type);
long hc_update_va_mapping_otherdomain(struct vcpu *v, unsigned long va, uint64_t val,
                                      unsigned long flags, pv_domid_t domid);
HOT long hc_iret(struct vcpu *v); /* HOT (types.h): every guest system call returns by it */
long hc_vcpu_op(struct vcpu *v, int cmd, unsigned int vcpuid, guest_handle arg);
long hc_set_segment_base(struct vcpu *v, int which, unsigned long base);
long hc_mmuext_op(struct vcpu *v, guest_handle ops, unsigned int count, guest_handle done,
                  pv_domid_t foreigndom);
long hc_sched_op(struct vcpu *v, unsigned long cmd, guest_handle arg);
long hc_callback_op(struct vcpu *v, unsigned long cmd, guest_handle arg);
long hc_event_channel_op(struct vcpu *v, unsigned int cmd, guest_handle arg);
long hc_physdev_op(struct vcpu *v, unsigned long cmd, guest_handle arg);
long hc_platform_op(struct vcpu *v, guest_handle op);
long hc_sysctl(struct vcpu *v, guest_handle u_sysctl);
long hc_domctl(struct vcpu *v, guest_handle u_domctl);

/* Call hypercall nr as the vCPU with the argument registers (-PV_ENOSYS for an unknown number). */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t arg[5]);
/* Has the current hypercall run long enough that it should let others run? */
bool hypercall_preempt_check(void);
/* Arrange for the guest to re-issue hypercall nr with its first n (<= 4) arguments replaced by
 * args, the rest unchanged, after other vCPUs had a turn; the handler returns this result. */
long hypercall_continue(unsigned nr, unsigned n, const uint64_t args[]);
/* Entry from the SYSCALL stub: a hypercall from guest kernel mode, or a guest user syscall.
 * True if the stub may SYSRET at once (sched_fast_return), false for the full exit path. */
bool hv_syscall(struct cpu_regs *r);

/* Batched hypercalls (hypercalls/batch.c). A step is given entry `at`, already copied into e,
 * and says whether the batch goes on, stops (with *rc its result), or must run this entry
 * again after a continuation. */
enum hc_step { HC_NEXT, HC_STOP, HC_AGAIN };
typedef enum hc_step hc_step_fn(struct vcpu *v, void *e, guest_handle at, long *rc);

/* A step whose result is an error or 0: stop with the error, or go on. */
static inline enum hc_step hc_step_rc(long *rc, long result)
{
    return (*rc = result) ? HC_STOP : HC_NEXT;
}

#define HC_BATCH_ENTRY_MAX 64 /* bytes: the largest entry, a multicall's */

struct hc_batch {
    guest_handle at; /* the next entry to run */
    uint32_t left;   /* entries from `at` on */
    uint32_t size;   /* bytes per entry */
    long rc;         /* 0, or the result of the step that stopped the batch */
};

/* Run the steps until every entry is done, one stops the batch (a guest_copy fault stops it
 * with -PV_EFAULT), or the hypercall should yield (checked before each entry but the first, or
 * asked by HC_AGAIN): then true, with `at` and `left` naming the rest for the continuation. */
bool hypercall_batch(struct vcpu *v, struct hc_batch *b, hc_step_fn *step);

#endif
