/* guest-kit: bringing up more vCPUs, telling them apart, IPIs. */
#include "internal.h"

#define SMP_STACK 16384

static uint8_t stacks[GK_MAX_CPUS][SMP_STACK] __attribute__((aligned(16)));
static struct pv_vcpu_guest_context ctx; /* only used during VCPUOP_initialise */
static struct {
    void (*fn)(void *arg);
    void *arg;
} start[GK_MAX_CPUS];

/* Secondary vCPUs run (and take their events and traps) on their own stack; everything else,
 * threads included, is vCPU 0. */
unsigned int gk_smp_cpu(void)
{
    uint64_t sp;

    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    for (unsigned int cpu = 1; cpu < GK_MAX_CPUS; cpu++)
        if (sp >= (uint64_t)(uintptr_t)stacks[cpu] &&
            sp < (uint64_t)(uintptr_t)stacks[cpu] + SMP_STACK)
            return cpu;
    return 0;
}

static long vcpu_op(unsigned int cmd, unsigned int cpu, void *arg)
{
    return gk_hypercall(PV_HYPERCALL_vcpu_op, cmd, cpu, arg, 0, 0);
}

unsigned int gk_smp_nr_cpus(void)
{
    unsigned int n = 1;

    while (n < 4096 && vcpu_op(PV_VCPUOP_is_up, n, NULL) >= 0)
        n++;
    return n;
}

bool gk_smp_is_up(unsigned int cpu)
{
    return vcpu_op(PV_VCPUOP_is_up, cpu, NULL) == 1;
}

/* The first code of a secondary vCPU (events masked, on stacks[cpu]). */
__attribute__((noreturn)) static void secondary_main(void)
{
    unsigned int cpu = gk_smp_cpu();

    start[cpu].fn(start[cpu].arg);
    for (;;)
        vcpu_op(PV_VCPUOP_down, cpu, NULL);
}

static uint64_t read_cr3(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr3, %0" : "=r"(v)); /* emulated: the machine address */
    return v;
}

long gk_smp_up(unsigned int cpu, void (*fn)(void *arg), void *arg)
{
    uint64_t top = (uint64_t)(uintptr_t)(stacks[cpu] + SMP_STACK);
    long rc;

    if (cpu == 0 || cpu >= GK_MAX_CPUS || !fn)
        return -PV_EINVAL;
    start[cpu].fn = fn;
    start[cpu].arg = arg;
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = PV_VGCF_in_kernel | PV_VGCF_failsafe_disables_events |
                PV_VGCF_syscall_disables_events; /* as the CALLBACKF_mask_events of vCPU 0 */
    ctx.user_regs.rip = (uint64_t)(uintptr_t)secondary_main;
    ctx.user_regs.rsp = top - 8; /* as after a call */
    ctx.user_regs.cs = PV_FLAT_KERNEL_CS;
    ctx.user_regs.ss = PV_FLAT_KERNEL_SS;
    ctx.user_regs.rflags = 0x200;
    gk_trap_fill_context(ctx.trap_ctxt);     /* the IDT is per vCPU */
    ctx.kernel_ss = PV_FLAT_KERNEL_SS;        /* stack_switch's values for user->kernel */
    ctx.kernel_sp = top;
    ctx.ctrlreg[3] = read_cr3();             /* the kernel page tables vCPU 0 runs on */
    ctx.ctrlreg[1] = gk_user_root() << 12;   /* and its user table, if any */
    ctx.event_callback_eip = (uint64_t)(uintptr_t)gk_event_entry; /* callbacks are per vCPU */
    ctx.failsafe_callback_eip = (uint64_t)(uintptr_t)gk_failsafe_entry;
    ctx.syscall_callback_eip = (uint64_t)(uintptr_t)gk_syscall_entry;
    rc = vcpu_op(PV_VCPUOP_initialise, cpu, &ctx);
    if (rc == 0)
        rc = vcpu_op(PV_VCPUOP_up, cpu, NULL);
    return rc;
}

long gk_ipi_bind(unsigned int cpu, gk_event_handler_t handler, void *arg, uint32_t *port)
{
    long rc = gk_evtchn_bind_ipi(cpu, port);

    if (rc == 0)
        gk_event_set_handler(*port, handler, arg);
    return rc;
}
