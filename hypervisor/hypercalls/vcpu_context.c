/* A vCPU's full context in and out (vcpu_context.h): VCPUOP_initialise's checks, shared with the
 * toolstack's setvcpucontext, and getvcpucontext's reading of a stopped vCPU. After Xen 4.17's
 * arch_set_info_guest and arch_get_info_guest for a 64-bit PV vCPU. */
#include "pv-abi/arch_x86.h"
#include "pv-abi/errno.h"
#include "x86/bounce.h"
#include "x86/ctrlreg.h"
#include "x86/debugreg.h"
#include "x86/desc_tables.h"
#include "x86/desc.h"
#include "x86/cpu.h"
#include "guest_access.h"
#include "lib.h"
#include "mm.h"
#include "mm_baseptr.h"
#include "sched.h"
#include "vcpu_context.h"

#define MAX_LDT_ENTS 8192
#define MXCSR_MASK 0xffbfu /* reserved MXCSR bits (and DAZ) never reach FXRSTOR */

/* VCPUOP_initialise: the context is checked whole, then the frames it names are taken (all or
 * none), then the registers are loaded (Xen's arch_set_info_guest for a 64-bit PV vCPU). */

static uint16_t rpl3(uint64_t sel)
{
    return (uint16_t)(sel | 3);
}

static long check_context(const struct pv_vcpu_guest_context *c)
{
    const uint64_t canonical[] = {c->user_regs.rip, c->user_regs.rsp,  c->kernel_sp,
                                  c->fs_base,       c->gs_base_kernel, c->gs_base_user};
    const uint64_t code[] = {c->event_callback_eip, c->syscall_callback_eip,
                             c->failsafe_callback_eip};

    for (unsigned i = 0; i < ARRAY_SIZE(canonical); i++)
        if (!is_canonical(canonical[i]))
            return -PV_EINVAL;
    for (unsigned i = 0; i < ARRAY_SIZE(code); i++)
        if (!guest_range_ok(code[i], 1))
            return -PV_EINVAL;
    for (unsigned i = 0; i < NR_TRAPS; i++)
        if (!guest_range_ok(c->trap_ctxt[i].address, 1))
            return -PV_EINVAL;
    if (!guest_range_ok(c->ldt_base, 1) || (c->ldt_base & (PAGE_SIZE - 1)) ||
        c->ldt_ents > MAX_LDT_ENTS || c->gdt_ents > GDT_FIRST_RESERVED)
        return -PV_EINVAL;
    if (!(c->flags & PV_VGCF_in_kernel) && !c->ctrlreg[1])
        return -PV_EINVAL; /* user mode needs a user page table */
    if (c->vm_assist & ~VMASST_VALID)
        return -PV_EINVAL;
    return 0;
}

/* The GDT frames, the kernel and user roots and the LDT (whose pages are taken on first use),
 * or none of them. */
static long take_frames(struct vcpu *v, const struct pv_vcpu_guest_context *c)
{
    uint64_t user = c->ctrlreg[1] >> PAGE_SHIFT;
    long rc = desc_set_gdt(v, c->gdt_frames, (unsigned)c->gdt_ents);

    if (rc)
        return rc;
    if ((rc = mm_new_baseptr(v, c->ctrlreg[3] >> PAGE_SHIFT)))
        goto no_root;
    if (user && (rc = mm_new_user_baseptr(v, user)))
        goto no_user;
    if (c->ldt_ents && (rc = desc_set_ldt(v, c->ldt_base, (unsigned)c->ldt_ents)))
        goto no_ldt;
    return 0;
no_ldt:
    mm_new_user_baseptr(v, 0);
no_user:
    mm_put_page_and_type(v->kernel_l4_mfn); /* v never ran: nothing else uses the root */
    v->kernel_l4_mfn = 0;
no_root:
    arch_desc_release(v);
    return rc;
}

static void load_registers(struct vcpu *v, const struct pv_vcpu_guest_context *c)
{
    const struct pv_cpu_user_regs *u = &c->user_regs;

    _Static_assert(offsetof(struct cpu_regs, rdi) == offsetof(struct pv_cpu_user_regs, rdi),
                   "general registers in Xen's order");
    memset(&v->regs, 0, sizeof(v->regs));
    memcpy(&v->regs, u, offsetof(struct cpu_regs, rdi) + sizeof(u->rdi));
    v->regs.rip = u->rip;
    v->regs.cs = rpl3(u->cs);
    v->regs.rflags = (u->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
    v->regs.rsp = u->rsp;
    v->regs.ss = rpl3(u->ss);
    v->regs.entry_vector = ENTRY_REWRITTEN; /* leaves by IRET */
    v->iopl = (u->rflags & X86_EFLAGS_IOPL) >> 12;
    v->kernel_mode = c->flags & PV_VGCF_in_kernel;
    v->ds = u->ds;
    v->es = u->es;
    v->fs = u->fs;
    v->gs = u->gs;
}

static void load_traps_and_callbacks(struct vcpu *v, const struct pv_vcpu_guest_context *c)
{
    for (unsigned i = 0; i < NR_TRAPS; i++)
        v->trap[i] = (struct vtrap){c->trap_ctxt[i].address, rpl3(c->trap_ctxt[i].cs),
                                    c->trap_ctxt[i].flags};
    v->event_callback = c->event_callback_eip;
    v->failsafe_callback = c->failsafe_callback_eip;
    v->syscall_callback = c->syscall_callback_eip;
    v->failsafe_disables_events = c->flags & PV_VGCF_failsafe_disables_events;
    v->syscall_disables_events = c->flags & PV_VGCF_syscall_disables_events;
    v->kernel_ss = rpl3(c->kernel_ss);
    v->kernel_sp = c->kernel_sp;
}

static void load_bases_and_fpu(struct vcpu *v, const struct pv_vcpu_guest_context *c)
{
    /* A non-null selector's descriptor gives the base, as in Xen. */
    v->fs_base = (c->user_regs.fs & ~3) ? 0 : c->fs_base;
    v->gs_base_kernel = c->gs_base_kernel;
    v->gs_base_user = (c->user_regs.gs & ~3) ? 0 : c->gs_base_user;
    if (c->flags & PV_VGCF_i387_valid) {
        memcpy(v->fpu_state, c->fpu_ctxt.x, sizeof(v->fpu_state));
        *(uint32_t *)&v->fpu_state[24] &= MXCSR_MASK;
    } else {
        arch_fpu_init_vcpu(v);
    }
}

/* CR0.TS, CR2, the guest's CR4 bits, then the debug registers from their defaults (values the
 * guest may not set are left out, as Xen ignores set_debugreg's refusals here). */
static void load_control_and_debug(struct vcpu *v, const struct pv_vcpu_guest_context *c)
{
    static const unsigned dr[] = {0, 1, 2, 3, 6, 7};

    v->guest_ts = c->ctrlreg[0] & X86_CR0_TS;
    v->guest_cr2 = c->ctrlreg[2];
    memset(v->debugreg, 0, sizeof(v->debugreg));
    v->debugreg[6] = 0xffff0ff0;
    v->debugreg[7] = 0x400;
    ctrlreg_write(v, 4, c->ctrlreg[4]);
    for (unsigned i = 0; i < ARRAY_SIZE(dr); i++)
        debugreg_set(v, dr[i], c->debugreg[dr[i]]);
}

/* A vCPU with a context takes another only with the same tables (Xen: -EOPNOTSUPP). */
static bool same_tables(const struct vcpu *v, const struct pv_vcpu_guest_context *c)
{
    uint64_t user = c->ctrlreg[1] >> PAGE_SHIFT;
    bool same = v->kernel_l4_mfn == c->ctrlreg[3] >> PAGE_SHIFT && v->ldt_base == c->ldt_base &&
                v->ldt_ents == c->ldt_ents && v->gdt_ents == c->gdt_ents;

    if (!v->user_l4_mfn)
        same &= !user && (c->flags & PV_VGCF_in_kernel);
    else
        same &= v->user_l4_mfn == user;
    for (unsigned i = 0; i < ARRAY_SIZE(v->gdt_frames); i++)
        same &= (i < v->nr_gdt_frames ? v->gdt_frames[i] : 0) == c->gdt_frames[i];
    return same;
}

static void load_all(struct vcpu *v, const struct pv_vcpu_guest_context *c)
{
    load_registers(v, c);
    load_traps_and_callbacks(v, c);
    load_bases_and_fpu(v, c);
    load_control_and_debug(v, c);
}

long vcpu_context_set(struct vcpu *v, const struct pv_vcpu_guest_context *c, bool again)
{
    struct domain *d = v->domain;
    bool had = false;
    long rc;

    spin_lock(&d->mm_lock);
    if (v->initialised)
        rc = !again ? -PV_EEXIST : check_context(c) ? -PV_EINVAL
                                  : same_tables(v, c) ? 0 : -PV_EOPNOTSUPP;
    else if (!(rc = check_context(c)) && !(rc = take_frames(v, c)) && !v->id)
        d->vm_assist = c->vm_assist; /* Xen's: vCPU 0's first context */
    had = v->initialised;
    if (!rc) {
        load_all(v, c);
        __atomic_store_n(&v->initialised, true, __ATOMIC_RELEASE);
    }
    spin_unlock(&d->mm_lock);
    if (!rc && (c->flags & PV_VGCF_online))
        sched_vcpu_up(v);
    else if (!rc && had)
        sched_vcpu_down(v);
    return rc;
}

void vcpu_context_reset(struct vcpu *v)
{
    struct domain *d = v->domain;

    spin_lock(&d->mm_lock);
    if (v->initialised) {
        arch_desc_release(v);
        mm_release_roots(v);
        v->ldt_base = v->ldt_ents = v->gdt_ents = 0;
        arch_fpu_init_vcpu(v);
        __atomic_store_n(&v->initialised, false, __ATOMIC_RELEASE);
    }
    spin_unlock(&d->mm_lock);
    sched_vcpu_down(v);
}

/* Registers as the guest sees them: its IOPL back in rflags, Xen's selectors. */
static void save_registers(const struct vcpu *v, struct pv_vcpu_guest_context *c)
{
    struct pv_cpu_user_regs *u = &c->user_regs;

    memcpy(u, &v->regs, offsetof(struct cpu_regs, rdi) + sizeof(u->rdi));
    u->rip = v->regs.rip;
    u->cs = (uint16_t)v->regs.cs;
    u->rflags = (v->regs.rflags & ~(uint64_t)X86_EFLAGS_IOPL) | ((uint64_t)v->iopl << 12);
    u->rsp = v->regs.rsp;
    u->ss = (uint16_t)v->regs.ss;
    u->ds = v->ds;
    u->es = v->es;
    u->fs = v->fs;
    u->gs = v->gs;
}

static void save_tables(const struct vcpu *v, struct pv_vcpu_guest_context *c)
{
    for (unsigned i = 0; i < NR_TRAPS; i++)
        c->trap_ctxt[i] = (struct pv_trap_info){.vector = (uint8_t)i, .flags = v->trap[i].flags,
                                                .cs = v->trap[i].cs,
                                                .address = v->trap[i].address};
    c->ldt_base = v->ldt_base;
    c->ldt_ents = v->ldt_ents;
    for (unsigned i = 0; i < v->nr_gdt_frames; i++)
        c->gdt_frames[i] = v->gdt_frames[i];
    c->gdt_ents = v->gdt_ents;
    c->ctrlreg[3] = v->kernel_l4_mfn << PAGE_SHIFT;
    c->ctrlreg[1] = v->user_l4_mfn << PAGE_SHIFT;
}

void vcpu_context_get(struct vcpu *v, struct pv_vcpu_guest_context *c)
{
    memset(c, 0, sizeof(*c));
    memcpy(c->fpu_ctxt.x, v->fpu_state, sizeof(c->fpu_ctxt.x));
    c->flags = PV_VGCF_i387_valid | (v->kernel_mode ? PV_VGCF_in_kernel : 0) |
               (v->run_state != VCPU_OFFLINE ? PV_VGCF_online : 0) |
               (v->failsafe_disables_events ? PV_VGCF_failsafe_disables_events : 0) |
               (v->syscall_disables_events ? PV_VGCF_syscall_disables_events : 0);
    save_registers(v, c);
    save_tables(v, c);
    c->kernel_ss = v->kernel_ss;
    c->kernel_sp = v->kernel_sp;
    ctrlreg_read(v, 0, &c->ctrlreg[0]); /* as the guest reads them */
    ctrlreg_read(v, 2, &c->ctrlreg[2]);
    ctrlreg_read(v, 4, &c->ctrlreg[4]);
    memcpy(c->debugreg, v->debugreg, sizeof(c->debugreg));
    c->event_callback_eip = v->event_callback;
    c->failsafe_callback_eip = v->failsafe_callback;
    c->syscall_callback_eip = v->syscall_callback;
    c->vm_assist = v->domain->vm_assist;
    c->fs_base = v->fs_base;
    c->gs_base_kernel = v->gs_base_kernel;
    c->gs_base_user = v->gs_base_user;
}
