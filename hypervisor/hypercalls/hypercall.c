/* The hypercall table, the SYSCALL entry point, and the hypercall page. */
#include "x86/bounce.h"
#include "pv-abi/errno.h"
#include "frame.h"
#include "pv-abi/hypercall.h"
#include "hypercall_table.h"
#include "lib.h"
#include "mm.h"
#include "paging.h"
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
    X(physdev_op, a[0], H(1))

#define DECODER(name, ...)                                                                         \
    static long decode_##name(struct vcpu *v, const uint64_t a[5])                                 \
    {                                                                                              \
        (void)a;                                                                                   \
        return hc_##name(v, ##__VA_ARGS__);                                                        \
    }
HYPERCALLS(DECODER)

#define ENTRY(name, ...) [PV_HYPERCALL_##name] = decode_##name,
static long (*const table[])(struct vcpu *v, const uint64_t a[5]) = {HYPERCALLS(ENTRY)};

long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t arg[5])
{
    if (nr >= ARRAY_SIZE(table) || !table[nr])
        return -PV_ENOSYS;
    return table[nr](v, arg);
}

void hv_syscall(struct cpu_regs *r)
{
    struct vcpu *v = percpu()->current;
    uint64_t arg[5] = {r->rdi, r->rsi, r->rdx, r->r10, r->r8};

    if (!v->kernel_mode) {
        bounce_syscall(v, r);
        return;
    }
    percpu()->hypercall_tsc = rdtsc();
    r->rax = (uint64_t)hypercall_dispatch(v, r->rax, arg);
}

bool hypercall_preempt_check(void)
{
    /* IRQs are off in the hypervisor: a hypercall that has run for a tick's worth yields. */
    return rdtsc() - percpu()->hypercall_tsc > time_tsc_khz() * (1000 / TICK_HZ);
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

/* Stub i: push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret.
 * Stub 23 (iret): push %rcx; push %r11; push %rax; mov $23,%eax; syscall. */
void hypercall_page_fill(void *page)
{
    uint8_t *p = page;

    memset(page, 0xcc, PAGE_SIZE); /* int3 padding */
    for (unsigned i = 0; i < PV_HYPERCALL_PAGE_NR_STUBS; i++) {
        uint8_t *s = p + i * PV_HYPERCALL_PAGE_STUB_SIZE;
        static const uint8_t normal[] = {0x51, 0x41, 0x53, 0xb8, 0, 0, 0, 0,
                                         0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3};
        static const uint8_t iret[] = {0x51, 0x41, 0x53, 0x50, 0xb8, 0, 0, 0, 0, 0x0f, 0x05};

        if (i == PV_HYPERCALL_iret) {
            memcpy(s, iret, sizeof(iret));
            s[5] = (uint8_t)i;
        } else {
            memcpy(s, normal, sizeof(normal));
            s[4] = (uint8_t)i;
        }
    }
}

int domain_hypercall_page_write(struct domain *d, uint64_t mfn)
{
    /* A writable type reference for the duration: never stubs into a page table. */
    int rc = mm_get_page_and_type(mfn, d, PGT_writable);

    if (rc)
        return rc == -PV_EPERM ? -PV_EINVAL : rc;
    hypercall_page_fill(mm_frame_ptr(mfn));
    mm_put_page_and_type(mfn);
    return 0;
}
