/* vcpu_op (pv-abi/vcpu_op.h) and set_timer_op: decode and check the guest's arguments, then act
 * through the vCPU core (common/vcpu.c) and the scheduler. After Xen's common/domain.c
 * do_vcpu_op and arch_set_info_guest (4.17). */
#include "pv-abi/arch_x86.h"
#include "x86/bounce.h"
#include "x86/ctrlreg.h"
#include "x86/debugreg.h"
#include "x86/desc_tables.h"
#include "pv-abi/errno.h"
#include "evtchn.h"
#include "x86/fpu.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "x86/layout.h"
#include "lib.h"
#include "mm.h"
#include "mm_baseptr.h"
#include "sched.h"
#include "pv-abi/sched_op.h"
#include "pv-abi/shared_info.h"
#include "time.h"
#include "vcpu.h"
#include "pv-abi/vm_assist.h"
#include "x86/cpu.h"
#include "x86/desc.h"

#define PERIOD_MIN_NS 1000000ULL          /* Xen refuses periods under 1 ms */
#define PERIOD_MAX_NS (~0ULL >> 2)        /* Xen's STIME_DELTA_MAX */
#define HUGE_TIMEOUT_NS (1ULL << 50)      /* set_timer_op: ~13 days, Xen's "wrapped" limit */
#define HUGE_TIMEOUT_FIRE_NS 100000000ULL /* ... and when such a timer fires instead */
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

static long op_initialise(struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_guest_context ctxt, *c = &ctxt; /* 5 KiB of the 64 KiB stack */
    struct domain *d = v->domain;
    long rc;

    if (guest_copy_from(c, arg, sizeof(*c)))
        return -PV_EFAULT;
    spin_lock(&d->mm_lock);
    rc = v->initialised ? -PV_EEXIST : check_context(c);
    if (!rc)
        rc = take_frames(v, c);
    if (!rc) {
        load_registers(v, c);
        load_traps_and_callbacks(v, c);
        load_bases_and_fpu(v, c);
        load_control_and_debug(v, c);
        __atomic_store_n(&v->initialised, true, __ATOMIC_RELEASE);
    }
    spin_unlock(&d->mm_lock);
    if (!rc && (c->flags & PV_VGCF_online))
        sched_vcpu_up(v);
    return rc;
}

/* Up, down, is_up. */

static long op_up(struct vcpu *v)
{
    if (!__atomic_load_n(&v->initialised, __ATOMIC_ACQUIRE))
        return -PV_EINVAL;
    sched_vcpu_up(v);
    return 0;
}

/* Taking the last vCPU that is up down powers the domain off, as in Xen. */
static long op_down(struct vcpu *v)
{
    struct domain *d = v->domain;

    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (i != v->id && d->vcpu[i]->run_state != VCPU_OFFLINE) {
            sched_vcpu_down(v);
            return 0;
        }
    domain_shutdown(d, PV_SHUTDOWN_poweroff);
    return 0;
}

/* Run-state queries and the registered area. */

static long op_get_runstate_info(const struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_runstate_info rs;

    vcpu_runstate_get(v, &rs, true);
    return guest_copy_to(arg, &rs, sizeof(rs)) ? -PV_EFAULT : 0;
}

static long op_register_runstate(struct vcpu *cur, struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_register_runstate_memory_area area;
    struct pv_vcpu_runstate_info rs;

    if (guest_copy_from(&area, arg, sizeof(area)) || !guest_range_ok(area.addr, sizeof(rs)))
        return -PV_EFAULT;
    v->runstate_area = area.addr;
    if (!area.addr)
        return 0;
    vcpu_runstate_get(v, &rs, v != cur); /* Xen: the raw record for itself, up to now for others */
    guest_copy_to(guest_handle_of(area.addr), &rs, sizeof(rs)); /* through the caller's tables; failure ignored */
    return 0;
}

/* Timers. */

static long op_set_periodic(struct vcpu *cur, struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_set_periodic_timer p;

    if (guest_copy_from(&p, arg, sizeof(p)))
        return -PV_EFAULT;
    if (p.period_ns < PERIOD_MIN_NS || p.period_ns > PERIOD_MAX_NS)
        return -PV_EINVAL;
    vcpu_set_periodic(cur, v, p.period_ns);
    return 0;
}

/* Times are signed in Xen (s_time_t): one at or beyond 2^63 is in the past. */
static long op_set_singleshot(struct vcpu *cur, struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_set_singleshot_timer s;
    int64_t timeout;

    if (v != cur)
        return -PV_EINVAL;
    if (guest_copy_from(&s, arg, sizeof(s)))
        return -PV_EFAULT;
    timeout = (int64_t)s.timeout_abs_ns;
    if ((s.flags & PV_VCPU_SSHOTTMR_future) && timeout < (int64_t)time_now_ns())
        return -PV_ETIME;
    timer_set(&v->singleshot_timer, timeout < 0 ? 0 : (uint64_t)timeout);
    return 0;
}

/* VCPUOP_register_vcpu_info (Xen 4.17's map_vcpu_info rules). */

static long op_register_vcpu_info(struct vcpu *cur, struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_register_vcpu_info r;

    if (guest_copy_from(&r, arg, sizeof(r)))
        return -PV_EFAULT;
    /* A misaligned offset would make every event's atomic update a split lock (XSA-327). */
    if (r.offset > PAGE_SIZE - sizeof(struct pv_vcpu_info) ||
        r.offset % _Alignof(struct pv_vcpu_info) || v->vcpu_info_mfn ||
        (v != cur && v->run_state != VCPU_OFFLINE))
        return -PV_EINVAL;
    return vcpu_info_register(v, r.mfn, r.offset);
}

/* Decoding. */

static long vcpu_timer_op(unsigned cmd, struct vcpu *cur, struct vcpu *v, guest_handle arg)
{
    switch (cmd) {
    case PV_VCPUOP_set_periodic_timer:
        return op_set_periodic(cur, v, arg);
    case PV_VCPUOP_stop_periodic_timer:
        vcpu_set_periodic(cur, v, 0);
        return 0;
    case PV_VCPUOP_set_singleshot_timer:
        return op_set_singleshot(cur, v, arg);
    case PV_VCPUOP_stop_singleshot_timer:
        if (v != cur)
            return -PV_EINVAL;
        timer_stop(&v->singleshot_timer);
        return 0;
    }
    return -PV_ENOSYS;
}

/* send_nmi: no argument (-EINVAL otherwise); the NMI waits until the vCPU can take it. */
static long op_send_nmi(struct vcpu *v, guest_handle arg)
{
    if (arg.gva)
        return -PV_EINVAL;
    vcpu_send_nmi(v);
    return 0;
}

/* vcpu_op(cmd, vcpuid, arg). register_vcpu_time_memory_area and the *_phys_area variants: not
 * implemented (-ENOSYS; Linux then does without). */
long hc_vcpu_op(struct vcpu *cur, int cmd, unsigned int vcpuid, guest_handle arg)
{
    struct domain *d = cur->domain;
    struct vcpu *v;

    if (vcpuid >= d->nr_vcpus || !(v = d->vcpu[vcpuid]))
        return -PV_ENOENT;
    switch (cmd) {
    case PV_VCPUOP_initialise:
        return op_initialise(v, arg);
    case PV_VCPUOP_up:
        return op_up(v);
    case PV_VCPUOP_down:
        return op_down(v);
    case PV_VCPUOP_is_up:
        return v->run_state != VCPU_OFFLINE;
    case PV_VCPUOP_get_runstate_info:
        return op_get_runstate_info(v, arg);
    case PV_VCPUOP_register_runstate_memory_area:
        return op_register_runstate(cur, v, arg);
    case PV_VCPUOP_register_vcpu_info:
        return op_register_vcpu_info(cur, v, arg);
    case PV_VCPUOP_get_physid:
        return -PV_EINVAL; /* only for the hardware domain's pinned vCPUs */
    case PV_VCPUOP_send_nmi:
        return op_send_nmi(v, arg);
    }
    return vcpu_timer_op(cmd, cur, v, arg);
}

/* set_timer_op(timeout): the vCPU's single-shot timer (Xen's do_set_timer_op): 0 stops it; a
 * negative or "wrapped" time (over 2^50 ns ahead) fires in 100 ms instead. Returns 0. */
long hc_set_timer_op(struct vcpu *v, uint64_t timeout)
{
    uint64_t now = time_now_ns();
    int64_t offset = (int64_t)(timeout - now); /* unsigned: a timeout near INT64_MIN must not overflow */

    if (!timeout)
        timer_stop(&v->singleshot_timer);
    else if ((int64_t)timeout < 0 || (offset > 0 && (uint64_t)offset >= HUGE_TIMEOUT_NS))
        timer_set(&v->singleshot_timer, now + HUGE_TIMEOUT_FIRE_NS);
    else
        timer_set(&v->singleshot_timer, timeout);
    return 0;
}
