/* tests/fuzz: event channels, sched_op, vcpu_op and set_timer_op. The fuzzer never sleeps
 * without a wake-up on the way (a timer armed before SCHEDOP_block, a timeout on every poll),
 * never takes vCPU 0 down, and brings vCPU 1 up only on code that parks it safely. */
#include "fz.h"

#define MS 1000000ULL
#define PARK_STACK 8192

static uint8_t park_stack[PARK_STACK] __attribute__((aligned(16)));

/* vCPU 1's code: a loop of harmless hypercalls (no trap table, events masked: it must never
 * fault), taking itself down now and then so that VCPUOP_up has something to do. */
static void __attribute__((noreturn, used)) park(void)
{
    struct pv_mmuext_op flush = {.cmd = PV_MMUEXT_TLB_FLUSH_ALL};

    for (unsigned n = 1;; n++) {
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
        gk_hypercall_mmuext_op(&flush, 1, NULL, PV_DOMID_SELF);
        if (n % 64 == 0)
            gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_down, 1, 0, 0, 0);
    }
}

/* ---- event channels ---- */

static uint32_t port_to_use(void)
{
    uint32_t p = fz_port();

    if ((p == fz.timer_port || p == fz.ping_port) && !fz_chance(64))
        p = fz.timer_port + fz.ping_port + 1 + (uint32_t)fz_below(8);
    return p;
}

static uint64_t evtchn_arg(uint64_t cmd)
{
    uint32_t w[6] = {fz_num32(), fz_num32(), fz_num32(), fz_num32(), fz_num32(), fz_num32()};

    switch (cmd) {
    case PV_EVTCHNOP_alloc_unbound: {
        struct pv_evtchn_alloc_unbound a = {.dom = fz_domid(), .remote_dom = fz_domid()};

        return fz_struct(&a, sizeof(a));
    }
    case PV_EVTCHNOP_bind_interdomain: {
        struct pv_evtchn_bind_interdomain b = {
            .remote_dom = fz_chance(512) ? (pv_domid_t)fz.watchdog : fz_domid(),
            .remote_port = fz_port()};

        return fz_struct(&b, sizeof(b));
    }
    case PV_EVTCHNOP_bind_virq: {
        struct pv_evtchn_bind_virq b = {.virq = fz_chance(900) ? (uint32_t)fz_below(26) : fz_num32(),
                                        .vcpu = fz_vcpu()};

        fz_dirty |= FZ_DIRTY_TIMER;
        return fz_struct(&b, sizeof(b));
    }
    case PV_EVTCHNOP_close:
    case PV_EVTCHNOP_send:
    case PV_EVTCHNOP_unmask:
        w[0] = port_to_use();
        if (w[0] == fz.timer_port)
            fz_dirty |= FZ_DIRTY_TIMER;
        return fz_struct(w, 4);
    case PV_EVTCHNOP_status: {
        struct pv_evtchn_status st = {.dom = fz_domid(), .port = fz_port()};

        return fz_struct(&st, sizeof(st));
    }
    case PV_EVTCHNOP_bind_ipi:
    case PV_EVTCHNOP_bind_vcpu:
        w[0] = cmd == PV_EVTCHNOP_bind_ipi ? fz_vcpu() : port_to_use();
        w[1] = fz_vcpu();
        return fz_struct(w, 8);
    case PV_EVTCHNOP_reset:
    case PV_EVTCHNOP_reset_cont:
        w[0] = fz_domid();
        fz_dirty |= FZ_DIRTY_TIMER;
        return fz_struct(w, 4);
    case PV_EVTCHNOP_bind_pirq: /* a GSI of the machine's, or anything; WILL_SHARE or not */
        w[0] = fz_chance(900) ? (uint32_t)fz_below(26) : fz_num32();
        w[1] = fz_chance(900) ? (uint32_t)fz_below(2) : fz_num32();
        return fz_struct(w, 12);
    case PV_EVTCHNOP_init_control: { /* one of our frames, or anything; offsets near the end */
        struct pv_evtchn_init_control ic = {
            .control_gfn = fz_chance(768) ? fz_mfn_dest() : fz_num(),
            .offset = fz_chance(768) ? (uint32_t)fz_below(512) * 8 : fz_num32(),
            .vcpu = fz_vcpu()};

        fz_dirty |= FZ_DIRTY_TIMER; /* a switch to FIFO is undone there */
        return fz_struct(&ic, sizeof(ic));
    }
    case PV_EVTCHNOP_expand_array: {
        struct pv_evtchn_expand_array ea = {.array_gfn = fz_chance(768) ? fz_mfn_dest() : fz_num()};

        return fz_struct(&ea, sizeof(ea));
    }
    case PV_EVTCHNOP_set_priority:
        w[0] = port_to_use();
        w[1] = (uint32_t)fz_below(20);
        return fz_struct(w, 8);
    default:
        return fz_struct(w, sizeof(w));
    }
}

void fz_gen_event_channel_op(struct fz_call *c)
{
    static const uint8_t cmds[] = {0, 1, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 8, 9, 9, 11, 12,
                                   13, 14, 15};
    uint64_t cmd = fz_chance(1000) ? cmds[fz_below(sizeof(cmds))] : fz_num();

    /* A reset closes every port, the fuzzer's own too: seldom. */
    if ((cmd == PV_EVTCHNOP_reset || cmd == PV_EVTCHNOP_reset_cont) && !fz_chance(32))
        cmd = PV_EVTCHNOP_status;
    c->sub = fz_sub(cmd);
    c->arg[0] = cmd | (fz_chance(32) ? fz_rand() << 32 : 0); /* upper bits are ignored */
    c->arg[1] = evtchn_arg(cmd);
}

/* ---- sched_op ---- */

/* The argument of SCHEDOP_poll. Its timeout is never 0 (none) nor far: with no port raised
 * the vCPU would sleep for good. So it is built in place, never corrupted. */
static uint64_t poll_arg(void)
{
    unsigned n = (unsigned)(fz_chance(900) ? fz_range(0, 4) : fz_range(5, 140));
    uint32_t *ports = fz_alloc(140 * sizeof(uint32_t));
    struct pv_sched_poll *sp = fz_alloc(sizeof(*sp));
    uint64_t now = fz_now();

    if (!sp)
        return fz_ptr(16);
    for (unsigned i = 0; ports && i < n && i < 140; i++)
        ports[i] = fz_chance(256) ? fz.timer_port : fz_port();
    sp->nr_ports = n;
    sp->ports = ports && !fz_chance(32) ? (uint64_t)(uintptr_t)ports : fz_ptr(16);
    sp->timeout = fz_chance(256) ? fz_range(1, now) : now + fz_range(1, 2 * MS);
    /* A bad pointer only where nothing can be read: other memory may hold a struct that waits
     * for good. */
    return fz_chance(32) ? FZ_SLOT(FZ_HOLE_FIRST) + fz_below(4096) : (uint64_t)(uintptr_t)sp;
}

void fz_gen_sched_op(struct fz_call *c)
{
    uint64_t cmd;
    uint32_t w[2] = {(uint32_t)fz_below(8), fz_num32()};

    switch (fz_below(16)) {
    case 0 ... 5:
        cmd = PV_SCHEDOP_yield;
        break;
    case 6 ... 7: /* a wake-up first, events masked so that it stays pending until block (which
                   * unmasks them and sleeps until an event is pending) */
        cmd = fz_in_batch ? PV_SCHEDOP_yield : PV_SCHEDOP_block;
        if (cmd == PV_SCHEDOP_block) {
            fz_restore_timer(); /* an earlier call may have closed its port (seed 6) */
            gk_events_mask();
            gk_hypercall_set_timer_op(fz_now() + fz_range(MS / 10, MS));
        }
        break;
    case 8 ... 10:
        cmd = PV_SCHEDOP_poll;
        break;
    case 11:
        cmd = fz_chance(64) ? PV_SCHEDOP_shutdown_code : PV_SCHEDOP_remote_shutdown;
        w[0] = fz_domid();
        w[1] = (uint32_t)fz_below(8);
        if (cmd == PV_SCHEDOP_shutdown_code)
            w[0] = (uint32_t)fz_below(8);
        break;
    case 12:
        cmd = PV_SCHEDOP_remote_shutdown;
        w[0] = fz.watchdog;
        break;
    default:
        cmd = fz_chance(512) ? fz_range(6, 64) : fz_num();
        if (cmd == PV_SCHEDOP_shutdown || cmd == PV_SCHEDOP_block || cmd == PV_SCHEDOP_poll)
            cmd = PV_SCHEDOP_yield;
    }
    c->sub = fz_sub(cmd);
    c->arg[0] = cmd;
    c->arg[1] = cmd == PV_SCHEDOP_poll ? poll_arg() : fz_struct(w, sizeof(w));
}

/* ---- vcpu_op ---- */

static uint64_t initialise_arg(void)
{
    struct pv_vcpu_guest_context *ctx = fz_alloc(sizeof(*ctx));

    if (!ctx)
        return fz_ptr(64);
    ctx->flags = PV_VGCF_in_kernel | (fz_chance(512) ? PV_VGCF_online : 0);
    ctx->user_regs.rip = (uint64_t)(uintptr_t)park;
    ctx->user_regs.rsp = (uint64_t)(uintptr_t)(park_stack + PARK_STACK - 8);
    ctx->user_regs.cs = PV_FLAT_KERNEL_CS;
    ctx->user_regs.ss = PV_FLAT_KERNEL_SS;
    ctx->user_regs.rflags = 0x2;
    ctx->ctrlreg[3] = fz.l4_mfn << 12;
    ctx->kernel_ss = PV_FLAT_KERNEL_SS;
    ctx->kernel_sp = ctx->user_regs.rsp;
    /* Refusals: each rule of check_context and take_frames broken now and then. */
    switch (fz_below(12)) {
    case 0:
        ctx->user_regs.rip = fz_va();
        break;
    case 1:
        ctx->ctrlreg[3] = fz_mfn() << 12;
        break;
    case 2:
        ctx->trap_ctxt[fz_below(256)].address = fz_code_va();
        break;
    case 3:
        ctx->gdt_ents = fz_num32();
        ctx->gdt_frames[0] = fz_mfn();
        break;
    case 4:
        ctx->ldt_base = fz_va();
        ctx->ldt_ents = fz_num();
        break;
    case 5:
        ctx->flags = fz_num();
        ctx->ctrlreg[1] = fz_chance(512) ? fz_mfn() << 12 : 0;
        break;
    case 6:
        ctx->ctrlreg[4] = fz_num();
        for (unsigned i = 0; i < 8; i++)
            ctx->debugreg[i] = fz_chance(512) ? fz_num() : fz_code_va();
        break;
    case 7:
        ctx->event_callback_eip = fz_code_va();
        ctx->failsafe_callback_eip = fz_code_va();
        break;
    case 8:
        ctx->fs_base = fz_num();
        ctx->gs_base_kernel = fz_num();
        ctx->flags |= PV_VGCF_i387_valid;
        for (unsigned i = 0; i < 512; i += 8)
            *(uint64_t *)&ctx->fpu_ctxt.x[i] = fz_rand();
        break;
    default:
        break;
    }
    /* A context that passes but leaves vCPU 1 nowhere safe to run is a risk form. */
    if (!fz_take_risk() && (ctx->user_regs.rip != (uint64_t)(uintptr_t)park ||
                                ctx->ctrlreg[3] != fz.l4_mfn << 12 || !(ctx->flags & 4)))
        ctx->user_regs.rsp = 0x8000000000000000ULL; /* non-canonical: refused */
    return (uint64_t)(uintptr_t)ctx;
}

/* VCPUOP_register_vcpu_info: for vCPU 0 only forms that must be refused (a moved vcpu_info
 * would take the kit's event mask away from it); any form for the others. */
/* Arguments the hypervisor keeps using after the call (a registered vcpu_info, a runstate
 * area): built in place, never corrupted, never naming memory the fuzzer lives in. */
static uint64_t exact(const void *tmpl, size_t len)
{
    void *p = fz_alloc(len);

    if (!p)
        return FZ_SLOT(FZ_HOLE_FIRST);
    memcpy(p, tmpl, len);
    return (uint64_t)(uintptr_t)p;
}

/* VCPUOP_register_vcpu_info: for vCPU 0 only forms that must be refused (a moved vcpu_info
 * would take the kit's event mask away from it); for the others a frame the fuzzer does not
 * live in, written at once and at every time update from then on. */
static uint64_t vcpu_info_arg(uint32_t vcpu)
{
    struct pv_vcpu_register_vcpu_info r = {.mfn = fz_mfn_dest(),
                                           .offset = (uint32_t)fz_below(4096)};

    if (vcpu == 0) {
        if (fz_chance(512))
            r.offset = 4096 - (uint32_t)fz_below(63) - 1; /* crosses the page */
        else
            r.mfn = fz.max_mfn + 1 + fz_below(16);
    }
    return exact(&r, sizeof(r));
}

/* NULL (an NMI) at most once an iteration, and only to vCPU 0 (vCPU 1 parks with no NMI entry,
 * unless a random initialise gave it one: risk rate). Trap entry 2 may be random code by then
 * (set_trap_table, the NMI callback); an NMI there traps back to the iteration, which resumes
 * with an iret that lets the next NMI in, before the trap table is restored: a second NMI of
 * the same iteration would then run random code outside any iteration. */
static uint64_t send_nmi_arg(uint32_t vcpu)
{
    static uint64_t nmi_iter = ~0ULL;

    if (fz_iter == nmi_iter || (vcpu != 0 && !fz_take_risk()) || !fz_chance(768))
        return fz_ptr(8);
    nmi_iter = fz_iter;
    return 0;
}

static uint64_t vcpu_arg(uint64_t cmd, uint32_t vcpu)
{
    switch (cmd) {
    case PV_VCPUOP_initialise:
        return initialise_arg();
    case PV_VCPUOP_get_runstate_info:
        return fz_ptr(sizeof(struct pv_vcpu_runstate_info));
    case PV_VCPUOP_register_runstate_memory_area: {
        uint64_t addr = fz_chance(512) ? fz.victim_va + fz_below(4096) : fz_ptr(48);

        fz_dirty |= FZ_DIRTY_RUNSTATE;
        if (addr >= GK_VIRT_BASE && (addr < fz.victim_va || addr >= fz.victim_va + 4096))
            addr = fz.victim_va; /* it is written at every switch: only the victim page */
        return exact(&addr, 8);
    }
    case PV_VCPUOP_set_periodic_timer: {
        uint64_t period = fz_chance(512) ? fz_range(MS, 50 * MS) : fz_num();

        fz_dirty |= FZ_DIRTY_TIMER;
        return fz_struct(&period, 8);
    }
    case PV_VCPUOP_set_singleshot_timer: {
        struct pv_vcpu_set_singleshot_timer t = {.timeout_abs_ns = fz_now() + fz_below(5 * MS),
                                                 .flags = (uint32_t)fz_below(3)};

        if (fz_chance(256))
            t.timeout_abs_ns = fz_num();
        return fz_struct(&t, sizeof(t));
    }
    case PV_VCPUOP_register_vcpu_info:
        return vcpu_info_arg(vcpu);
    case PV_VCPUOP_stop_periodic_timer:
        fz_dirty |= FZ_DIRTY_TIMER;
        return fz_ptr(8);
    case PV_VCPUOP_send_nmi:
        return send_nmi_arg(vcpu);
    default:
        return fz_ptr(64);
    }
}

void fz_gen_vcpu_op(struct fz_call *c)
{
    static const uint8_t cmds[] = {0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9, 10, 11, 12, 13, 14, 15};
    uint64_t cmd = fz_chance(1000) ? cmds[fz_below(sizeof(cmds))] : fz_num();
    uint32_t vcpu = cmd == PV_VCPUOP_initialise && fz_chance(768) ? 1 : fz_vcpu();

    if (cmd == PV_VCPUOP_down && vcpu == 0 && !fz_take_risk())
        vcpu = 1; /* vCPU 0 down stops the fuzzer for good */
    c->sub = fz_sub(cmd);
    c->arg[0] = cmd;
    c->arg[1] = fz_chance(32) ? fz_num() | 2 : vcpu; /* a large id, never 0 */
    c->arg[2] = vcpu_arg(cmd, vcpu);
}

void fz_gen_set_timer_op(struct fz_call *c)
{
    uint64_t now = fz_now();

    switch (fz_below(6)) {
    case 0:
        c->arg[0] = 0;
        break;
    case 1:
        c->arg[0] = fz_range(1, now);
        break;
    case 2:
        c->arg[0] = now + (1ULL << 50) + fz_below(1ULL << 40);
        break;
    case 3:
        c->arg[0] = fz_num();
        break;
    default:
        c->arg[0] = now + fz_below(5 * MS);
    }
}
