/* Exceptions and interrupts: guest faults are emulated or bounced, hypervisor faults are fatal. */
#include "x86/bounce.h"
#include "console.h"
#include "x86/debugreg.h"
#include "x86/desc_tables.h"
#include "x86/emulate.h"
#include "x86/fpu.h"
#include "x86/irq.h"
#include "percpu.h"
#include "x86/ptwr.h"
#include "sched.h"
#include "spinlock.h"
#include "testhook.h"
#include "x86/cpu.h"

void hv_trap(struct cpu_regs *r);
extern char arch_guest_copy[], arch_guest_copy_end[], arch_guest_copy_fault[];

static const char *const exc_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 error", "#AC alignment check", "#MC machine check",
    "#XM SIMD error", "#VE virtualization", "#CP control protection"};

static NORETURN void fatal(const struct cpu_regs *r)
{
    unsigned v = r->entry_vector;

    printk("\n(hv) FATAL: hypervisor exception %u (%s), error code %x\n", v,
           v < 32 && exc_names[v] ? exc_names[v] : "interrupt", r->error_code);
    printk("(hv) rip %016lx  cs %04lx  rflags %016lx  rsp %016lx  ss %04lx  cr2 %016lx\n", r->rip,
           r->cs, r->rflags, r->rsp, r->ss, read_cr2());
    printk("(hv) rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
    printk("(hv) rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
    printk("(hv) r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", r->r9, r->r10, r->r11, r->r12);
    printk("(hv) r13 %016lx  r14 %016lx  r15 %016lx  cr3 %016lx\n", r->r13, r->r14, r->r15,
           read_cr3());
    panic("halted after a fault in the hypervisor");
}

/* The hardware DR6 status of this #DB (B0-B3, BD, BS, BT), reset for the next one. */
static uint32_t take_dr6(void)
{
    uint64_t dr6;

    __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
    __asm__ volatile("mov %0, %%dr6" ::"r"(0xffff0ff0UL));
    return (uint32_t)dr6 & 0xe00f;
}

/* Act on an emulator verdict: done, a fault it raised, or the original fault (vector, ec). */
static void emul_outcome(struct vcpu *v, struct cpu_regs *r, enum emul_rc rc,
                         const struct emul_fault *f, unsigned vector, bool has_ec)
{
    if (rc == EMUL_FAULT && f->vector == X86_EXC_PF)
        v->guest_cr2 = f->cr2;
    if (rc == EMUL_FAULT)
        bounce_trap(v, r, f->vector, f->has_ec, f->ec);
    else if (rc == EMUL_NOT_HANDLED)
        bounce_trap(v, r, vector, has_ec, r->error_code);
}

/* A software interrupt `int N` refused by its DPL-0 IDT gate: check the guest's own DPL. */
static void soft_int(struct vcpu *v, struct cpu_regs *r, unsigned n, unsigned len)
{
    unsigned dpl = v->trap[n].flags & 3, cpl = v->kernel_mode ? 1 : 3;

    if (v->trap[n].address && dpl >= cpl) {
        r->rip += len;
        bounce_soft_int(v, r, n);
    } else {
        bounce_trap(v, r, X86_EXC_GP, true, (n << 3) | 2);
    }
}

/* #GP: a software interrupt blocked by its IDT gate, a privileged instruction, or a real #GP. */
static void guest_gp(struct vcpu *v, struct cpu_regs *r)
{
    struct emul_fault f;
    enum emul_rc rc;
    unsigned len;
    /* Decode the instruction rather than trust the error code (QEMU < 8.0 reports vec*16+2). */
    int n = (r->error_code & 2) ? emul_soft_int(r, &len) : -1;

    if (n >= 0) {
        soft_int(v, r, (unsigned)n, len);
        return;
    }
    spin_lock(&v->domain->mm_lock); /* MOV to %cr3 and the hypercall-page MSR touch page types */
    rc = emul_priv_op(v, r, &f);
    spin_unlock(&v->domain->mm_lock);
    emul_outcome(v, r, rc, &f, X86_EXC_GP, true);
}

static bool ptwr_locked(struct vcpu *v, struct cpu_regs *r)
{
    uint64_t cr2 = read_cr2();
    bool done;

    spin_lock(&v->domain->mm_lock);
    done = ptwr_emulate(v, r, cr2, r->error_code);
    spin_unlock(&v->domain->mm_lock);
    return done;
}

static void guest_exception(struct vcpu *v, struct cpu_regs *r)
{
    struct emul_fault f;

    switch (r->entry_vector) {
    case X86_EXC_GP:
        guest_gp(v, r);
        break;
    case X86_EXC_UD:
        emul_outcome(v, r, emul_invalid_op(v, r, &f), &f, X86_EXC_UD, false);
        break;
    case X86_EXC_PF:
        /* The CPU reading an LDT page not taken yet; a write to one of its L1 tables is
         * emulated; %cr2 only changes for a delivered #PF. */
        if (desc_ldt_fault(v, r, read_cr2()) || ptwr_locked(v, r))
            break;
        v->guest_cr2 = read_cr2();
        bounce_trap(v, r, X86_EXC_PF, true, r->error_code);
        break;
    case X86_EXC_NM:
        fpu_device_not_available(v, r);
        break;
    case X86_EXC_DB:
        debugreg_merge_dr6(v, take_dr6());
        bounce_trap(v, r, X86_EXC_DB, false, 0);
        break;
    case 0x80: /* int $0x80 through its DPL-3 gate: the guest's own DPL still applies, and a
                * #GP has rip on the int instruction (2 bytes back) */
        r->rip -= 2;
        soft_int(v, r, 0x80, 2);
        break;
    default:
        bounce_trap(v, r, r->entry_vector, true, r->error_code);
    }
}

void hv_trap(struct cpu_regs *r)
{
    struct vcpu *v = percpu()->current;

    if (r->entry_vector >= IRQ_FIRST_VECTOR && r->entry_vector != 0x80) {
        irq_handle(r->entry_vector);
        return;
    }
    if (r->entry_vector == X86_EXC_NMI) {
        printk("(hv) NMI received\n");
        return;
    }
    if (regs_from_guest(r) && v) {
        if (r->rflags & X86_EFLAGS_VM)
            domain_crash(v->domain, "entered virtual-8086 mode"); /* no 64-bit PV state */
        else
            guest_exception(v, r);
        return;
    }
    if (r->rip >= (uint64_t)arch_guest_copy && r->rip < (uint64_t)arch_guest_copy_end) {
        /* A guest data breakpoint the copy hit is the guest's (a trap: the copy goes on); a
         * fault is a bad guest address. */
        if (r->entry_vector == X86_EXC_DB) {
            uint32_t hits = take_dr6();

            if (v)
                debugreg_merge_dr6(v, hits);
        } else {
            r->rip = (uint64_t)arch_guest_copy_fault;
        }
        return;
    }
    if (!v && testhook_trap(r))
        return;
    if (r->rip == (uint64_t)arch_exit_iret_insn) {
        /* The hypervisor's final iretq to the guest faulted: the frame at the stack top was unusable. */
        domain_crash(v->domain, "iretq to the guest's return frame faulted");
        arch_exit_to_guest();
    }
    fatal(r);
}
