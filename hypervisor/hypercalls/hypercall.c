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

static hypercall_fn *const table[] = {
    [PV_HYPERCALL_set_trap_table] = hc_set_trap_table,
    [PV_HYPERCALL_stack_switch] = hc_stack_switch,
    [PV_HYPERCALL_set_callbacks] = hc_set_callbacks,
    [PV_HYPERCALL_fpu_taskswitch] = hc_fpu_taskswitch,
    [PV_HYPERCALL_set_debugreg] = hc_set_debugreg,
    [PV_HYPERCALL_get_debugreg] = hc_get_debugreg,
    [PV_HYPERCALL_memory_op] = hc_memory_op,
    [PV_HYPERCALL_xen_version] = hc_xen_version,
    [PV_HYPERCALL_console_io] = hc_console_io,
    [PV_HYPERCALL_vm_assist] = hc_vm_assist,
    [PV_HYPERCALL_iret] = hc_iret,
    [PV_HYPERCALL_set_segment_base] = hc_set_segment_base,
    [PV_HYPERCALL_sched_op] = hc_sched_op,
    [PV_HYPERCALL_callback_op] = hc_callback_op,
    [PV_HYPERCALL_physdev_op] = hc_physdev_op,
    [PV_HYPERCALL_mmuext_op] = hc_mmuext_op,
    [PV_HYPERCALL_multicall] = hc_multicall,
    [PV_HYPERCALL_mmu_update] = hc_mmu_update,
    [PV_HYPERCALL_update_va_mapping] = hc_update_va_mapping,
    [PV_HYPERCALL_update_va_mapping_otherdomain] = hc_update_va_mapping_otherdomain,
    [PV_HYPERCALL_set_gdt] = hc_set_gdt,
    [PV_HYPERCALL_update_descriptor] = hc_update_descriptor,
    [PV_HYPERCALL_event_channel_op] = hc_event_channel_op,
    [PV_HYPERCALL_grant_table_op] = hc_grant_table_op,
    [PV_HYPERCALL_vcpu_op] = hc_vcpu_op,
    [PV_HYPERCALL_set_timer_op] = hc_set_timer_op,
};

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

long hypercall_continue(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    struct cpu_regs *r = percpu_guest_regs();
    struct percpu *pc = percpu();

    if (pc->in_multicall) {
        /* Inside a multicall the entry itself is rewritten and the batch continues from it. */
        pc->mc_preempted = true;
        pc->mc_args[0] = a1;
        pc->mc_args[1] = a2;
        pc->mc_args[2] = a3;
        pc->mc_args[3] = a4;
        return (long)nr;
    }
    /* Re-execute the 2-byte SYSCALL with the remaining work in the argument registers. */
    r->rip -= 2;
    r->rdi = a1;
    r->rsi = a2;
    r->rdx = a3;
    r->r10 = a4;
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
