/* The hypercall table and the SYSCALL entry point. */
#include "x86/bounce.h"
#include "pv-abi/errno.h"
#include "hypercall_table.h"
#include "x86/irq.h"
#include "percpu.h"
#include "sched.h"
#include "time.h"
#include "x86/cpu.h"

/* Each hypercall's registers decoded to its handler's typed arguments, once, here: a[i] is
 * argument i, H(i) the same as a guest handle; the handler's prototype gives the other types. */
#define H(i) guest_handle_of(a[i])
#define HYPERCALLS(X)                                                                              \
    X(set_trap_table, H(0))                                                                        \
    X(mmu_update, H(0), a[1], H(2), a[3])                                                          \
    X(set_gdt, H(0), a[1])                                                                         \
    X(stack_switch, a[0], a[1])                                                                    \
    X(set_callbacks, a[0], a[1], a[2])                                                             \
    X(fpu_taskswitch, a[0])                                                                        \
    X(set_debugreg, a[0], a[1])                                                                    \
    X(get_debugreg, a[0])                                                                          \
    X(update_descriptor, a[0], a[1])                                                               \
    X(platform_op, H(0))                                                                           \
    X(memory_op, a[0], H(1))                                                                       \
    X(multicall, H(0), a[1])                                                                       \
    X(update_va_mapping, a[0], a[1], a[2])                                                         \
    X(set_timer_op, a[0])                                                                          \
    X(xen_version, a[0], H(1))                                                                     \
    X(console_io, a[0], a[1], H(2))                                                                \
    X(grant_table_op, a[0], H(1), a[2])                                                            \
    X(vm_assist, a[0], a[1])                                                                       \
    X(update_va_mapping_otherdomain, a[0], a[1], a[2], a[3])                                       \
    X(iret)                                                                                        \
    X(vcpu_op, a[0], a[1], H(2))                                                                   \
    X(set_segment_base, a[0], a[1])                                                                \
    X(mmuext_op, H(0), a[1], H(2), a[3])                                                           \
    X(sched_op, a[0], H(1))                                                                        \
    X(callback_op, a[0], H(1))                                                                     \
    X(event_channel_op, a[0], H(1))                                                                \
    X(physdev_op, a[0], H(1))                                                                      \
    X(sysctl, H(0))                                                                                \
    X(domctl, H(0))

#define DECODER(name, ...)                                                                         \
    HOT static long decode_##name(struct vcpu *v, const uint64_t a[5])                             \
    {                                                                                              \
        return hc_##name(v, ##__VA_ARGS__);                                                        \
    }
HYPERCALLS(DECODER)

#define ENTRY(name, ...) [PV_HYPERCALL_##name] = decode_##name,
static long (*const table[])(struct vcpu *v, const uint64_t a[5]) = {HYPERCALLS(ENTRY)};

HOT long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t arg[5])
{
    return nr >= ARRAY_SIZE(table) || !table[nr] ? -PV_ENOSYS : table[nr](v, arg);
}

HOT bool hv_syscall(struct cpu_regs *r)
{
    struct vcpu *v = percpu()->current;
    uint64_t arg[5] = {r->rdi, r->rsi, r->rdx, r->r10, r->r8};

    if (!v->kernel_mode) {
        bounce_syscall(v, r);
        return false;
    }
    percpu()->hypercall_tsc = 0; /* read at the first preemption check: a short call never does */
    r->rax = (uint64_t)hypercall_dispatch(v, r->rax, arg);
    return sched_fast_return(r);
}

HOT_MM bool hypercall_preempt_check(void)
{
    struct percpu *pc = percpu();
    uint64_t now;

    /* IRQs are off in the hypervisor: a hypercall that has run for a tick's worth since its
     * first check (one step of its work before it) yields. The TSC is read at every 16th check
     * only: under TCG rdtsc is a call into QEMU, and 16 steps are far shorter than a tick. */
    if (pc->preempt_checks++ % 16)
        return false;
    now = rdtsc();
    if (!pc->hypercall_tsc)
        pc->hypercall_tsc = now;
    return now - pc->hypercall_tsc > time_tsc_khz() * (1000 / TICK_HZ);
}

long hypercall_continue(unsigned nr, unsigned n, const uint64_t args[])
{
    struct cpu_regs *r = percpu_guest_regs();
    struct percpu *pc = percpu();
    uint64_t *reg[4] = {&r->rdi, &r->rsi, &r->rdx, &r->r10};

    /* Inside a multicall the entry itself is rewritten and the batch continues from it;
     * otherwise the guest re-executes the 2-byte SYSCALL with the remaining work. */
    for (unsigned i = 0; i < n; i++)
        *(pc->in_multicall ? &pc->mc_args[i] : reg[i]) = args[i];
    if (pc->in_multicall) {
        pc->mc_preempted = true;
        return (long)nr;
    }
    r->rip -= 2;
    sched_yield();
    return (long)nr;
}
