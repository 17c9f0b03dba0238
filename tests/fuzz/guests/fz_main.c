/*
 * tests/fuzz: the fuzzing guest's main loop. Command line (all optional):
 *   seed=S        the campaign seed (default 1)
 *   start=I       first iteration (default 0)
 *   iters=N       iterations to run (default 100000)
 *   secs=T        stop after T seconds of system time even if iterations remain (default none)
 *   trace_from=I  print every call from iteration I on (synchronous console_io)
 *   self=D        this domain's id; watchdog=D the watchdog's; domains=N ids below N may exist
 *   risk=R        per-1024 chance of forms that may legitimately get the domain crashed
 * It prints "FZS ..." at the start, "FZP ..." every FZ_CHECKPOINT iterations, and at the end
 * "FZCOV ..." (the combinations reached), "FZI ..." (instructions) and "FZE ..." (totals),
 * then powers off. The runner (tests/fuzz/campaign.py) parses these lines.
 */
#include "fz.h"
#include "gk/time.h"

#define FZ_CHECKPOINT 1024
#define PERIOD_NS 10000000ULL /* the periodic timer: user runs are checked on each tick */
#define DR7_DEFAULT 0x400ULL

struct gk_context fz_ctx;
volatile bool fz_armed;
unsigned fz_dirty;
uint64_t fz_iter, fz_seed;
unsigned fz_template = FZ_TEMPLATE_NONE, fz_last_vector = FZ_VEC_NONE;
bool fz_tracing;
unsigned fz_risk;
bool fz_risky;

static uint64_t trace_from = ~0ULL;
static uint64_t cr4_at_start;
static volatile uint64_t ticks;

uint64_t fz_now(void)
{
    return gk_time_now();
}

static uint64_t cmdline_u64(const char *key, uint64_t dflt)
{
    char buf[32];
    uint64_t v = 0;

    if (!gk_cmdline_get(key, buf, sizeof(buf)) || !buf[0])
        return dflt;
    for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    return v;
}

void fz_trace(const char *fmt, ...)
{
    va_list ap;

    if (!fz_tracing)
        return;
    va_start(ap, fmt);
    gk_vprintf(fmt, ap);
    va_end(ap);
}

/* The kit calls this for every trap its own catches did not take. */
bool gk_trap_hook(struct gk_regs *regs)
{
    if (!fz_armed || fz_in_task)
        return false;
    fz_armed = false;
    fz_stats.traps++;
    fz_last_vector = (unsigned)regs->vector;
    fz_trace("FZT i=%lu trap %lu ec %#lx rip %#lx\n", fz_iter, regs->vector, regs->error_code,
             regs->rip);
    gk_context_resume(regs, &fz_ctx, 1);
    return true;
}

/* A system call from user mode the kit never entered: an iret took the fuzzer to user mode
 * on its kernel landing pad (a CS with RPL 3 returns to user mode), which then ran on until its
 * first hypercall became a system call (seed 107). Back to the iteration, as from a trap. */
bool gk_syscall_hook(struct gk_regs *regs)
{
    if (!fz_armed || fz_in_task)
        return false;
    fz_armed = false;
    fz_last_vector = FZ_VEC_SYSCALL;
    fz_trace("FZT i=%lu stray system call %lu from user mode\n", fz_iter, regs->rax);
    gk_context_resume(regs, &fz_ctx, 1);
    return true;
}

/* ---- the fuzzer's own timer and the watchdog's ping channel ---- */

static void on_tick(pv_evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    ticks++;
    fz_user_watchdog();
}

/* The port VIRQ_TIMER of vCPU 0 is bound to, if a fuzzed call bound it (0 if none). */
static uint32_t find_timer_port(void)
{
    for (uint32_t port = 1; port < 1024; port++) {
        struct pv_evtchn_status st = {.dom = PV_DOMID_SELF, .port = port};

        if (gk_hypercall_event_channel_op(PV_EVTCHNOP_status, &st) == -PV_EINVAL)
            break; /* no storage from here on */
        if (st.status == PV_EVTCHNSTAT_virq && st.u.virq == PV_VIRQ_TIMER && st.vcpu == 0)
            return port;
    }
    return 0;
}

static long bind_timer(void)
{
    struct pv_evtchn_bind_virq b = {.virq = PV_VIRQ_TIMER, .vcpu = 0};
    struct pv_vcpu_set_periodic_timer p = {.period_ns = PERIOD_NS};
    long rc = gk_hypercall_event_channel_op(PV_EVTCHNOP_bind_virq, &b);

    if (rc == -PV_EEXIST && (b.port = find_timer_port()))
        rc = 0;
    if (rc == 0) {
        fz.timer_port = b.port;
        gk_event_set_handler(b.port, on_tick, NULL);
        gk_event_unmask_port(b.port);
    }
    gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_set_periodic_timer, 0, &p, 0, 0);
    return rc;
}

/* The watchdog keeps one unbound port per fuzz domain among its first ports: find ours. */
static void bind_ping(void)
{
    for (uint32_t port = 1; port < 64 && fz.watchdog; port++) {
        struct pv_evtchn_bind_interdomain b = {.remote_dom = (pv_domid_t)fz.watchdog,
                                               .remote_port = port};

        if (gk_hypercall_event_channel_op(PV_EVTCHNOP_bind_interdomain, &b) == 0) {
            fz.ping_port = b.local_port;
            return;
        }
    }
}

static void ping(void)
{
    struct pv_evtchn_send s = {.port = fz.ping_port};

    if (fz.ping_port)
        gk_hypercall_event_channel_op(PV_EVTCHNOP_send, &s);
}

/* Is the timer port still bound to VIRQ_TIMER? */
static bool timer_alive(void)
{
    struct pv_evtchn_status st = {.dom = PV_DOMID_SELF, .port = fz.timer_port};

    return fz.timer_port && gk_hypercall_event_channel_op(PV_EVTCHNOP_status, &st) == 0 &&
           st.status == PV_EVTCHNSTAT_virq && st.u.virq == PV_VIRQ_TIMER && st.vcpu == 0;
}

/* ---- putting back what an iteration changed ---- */

static void restore_callbacks(void)
{
    struct pv_callback_register cbs[] = {
        {.type = PV_CALLBACKTYPE_event, .address = (uint64_t)(uintptr_t)gk_event_entry},
        {.type = PV_CALLBACKTYPE_failsafe, .flags = PV_CALLBACKF_mask_events,
         .address = (uint64_t)(uintptr_t)fz_failsafe_entry},
        {.type = PV_CALLBACKTYPE_syscall, .flags = PV_CALLBACKF_mask_events,
         .address = (uint64_t)(uintptr_t)gk_syscall_entry},
    };

    for (unsigned i = 0; i < sizeof(cbs) / sizeof(cbs[0]); i++)
        gk_hypercall_callback_op(PV_CALLBACKOP_register, &cbs[i]);
}

void fz_restore_timer(void)
{
    struct pv_vcpu_set_periodic_timer p = {.period_ns = PERIOD_NS};
    struct pv_evtchn_close c = {.port = fz.timer_port};
    struct pv_evtchn_set_priority sp = {.port = 0, .priority = PV_EVTCHN_FIFO_PRIORITY_DEFAULT};
    struct pv_evtchn_reset rs = {.dom = PV_DOMID_SELF};

    /* A fuzzed init_control switched us to FIFO (priorities work): the kit delivers 2-level
     * events only, so back we go (every port closes: the ping port is bound again). */
    if (gk_hypercall_event_channel_op(PV_EVTCHNOP_set_priority, &sp) == 0) {
        gk_hypercall_event_channel_op(PV_EVTCHNOP_reset, &rs);
        bind_ping();
    }

    if (!timer_alive()) {
        gk_hypercall_event_channel_op(PV_EVTCHNOP_close, &c);
        fz.timer_port = 0;
        bind_timer();
        return;
    }
    gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_set_periodic_timer, 0, &p, 0, 0);
    gk_event_unmask_port(fz.timer_port);
}

static void restore(unsigned dirty)
{
    struct pv_physdev_set_iopl iopl = {.iopl = 0};
    struct pv_vcpu_register_runstate_memory_area none = {.addr = 0};

    if (dirty & FZ_DIRTY_VMASST) {
        /* m2p_strict off, and the M2P slot back in the kernel root: under the assist, using it
         * as a user root takes the slot away, and the kit reads the M2P (gk_mfn_to_pfn). */
        struct pv_mmuext_op root = {.cmd = PV_MMUEXT_NEW_BASEPTR, .arg1.mfn = fz.l4_mfn};

        gk_hypercall_vm_assist(PV_VMASST_CMD_disable, PV_VMASST_TYPE_m2p_strict);
        gk_hypercall_mmuext_op(&root, 1, NULL, PV_DOMID_SELF);
    }
    if (dirty & FZ_DIRTY_DEBUG) {
        gk_hypercall(PV_HYPERCALL_set_debugreg, 7, DR7_DEFAULT, 0, 0, 0);
        for (int r = 0; r < 4; r++)
            gk_hypercall(PV_HYPERCALL_set_debugreg, r, 0, 0, 0, 0);
    }
    if (dirty & FZ_DIRTY_TRAPS) {
        gk_hypercall_set_trap_table(NULL);
        gk_traps_init();
    }
    if (dirty & FZ_DIRTY_CALLBACKS)
        restore_callbacks();
    if (dirty & FZ_DIRTY_FPU)
        gk_hypercall(PV_HYPERCALL_fpu_taskswitch, 0, 0, 0, 0, 0);
    if (dirty & FZ_DIRTY_IOPL)
        gk_hypercall_physdev_op(PV_PHYSDEVOP_set_iopl, &iopl);
    if (dirty & FZ_DIRTY_SEGBASE) {
        gk_hypercall_set_segment_base(PV_SEGBASE_FS, 0);
        gk_hypercall_set_segment_base(PV_SEGBASE_GS_USER, 0);
        gk_hypercall_set_segment_base(PV_SEGBASE_GS_USER_SEL, 0);
        gk_hypercall_set_segment_base(PV_SEGBASE_GS_KERNEL, 0);
    }
    if (dirty & FZ_DIRTY_STACK)
        gk_user_init();
    if (dirty & FZ_DIRTY_RUNSTATE) /* both vCPUs: areas are written at every switch */
        for (int v = 0; v < 2; v++)
            gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_register_runstate_memory_area, v, &none,
                         0, 0);
    if (dirty & FZ_DIRTY_LDT) {
        struct pv_mmuext_op op = {.cmd = PV_MMUEXT_SET_LDT};

        gk_hypercall_mmuext_op(&op, 1, NULL, PV_DOMID_SELF);
    }
    if (dirty & FZ_DIRTY_CR4)
        __asm__ volatile("mov %0, %%cr4" ::"r"(cr4_at_start)); /* emulated */
    if (dirty & FZ_DIRTY_TIMER)
        fz_restore_timer();
    if (dirty & FZ_DIRTY_LAYOUT)
        fz_world_heal();
}

/* ---- one iteration ---- */

static void one_call(void)
{
    struct fz_call c = {.nr = FZ_ANY};

    fz_gen_call(&c, false);
    fz_issue(&c);
}

static void one_batch(void)
{
    struct fz_call c = {.nr = PV_HYPERCALL_multicall};

    fz_gen_call(&c, false);
    fz_issue(&c);
}

/* The kinds of action and their weights; "actions=" on the command line picks a subset by
 * their letters (c call, m multicall, k kernel instruction, u user code, i iret). */
static const struct {
    char letter;
    unsigned weight;
    void (*run)(void);
} actions[] = {
    {'c', 70, one_call},
    {'m', 10, one_batch},
    {'k', 8, fz_do_kernel_insn},
    {'u', 8, fz_do_user_code},
    {'i', 4, fz_do_iret},
};
#define NR_ACTIONS (sizeof(actions) / sizeof(actions[0]))
static bool action_on[NR_ACTIONS];

static void actions_init(void)
{
    char buf[16];
    bool given = gk_cmdline_get("actions", buf, sizeof(buf));

    for (unsigned a = 0; a < NR_ACTIONS; a++)
        action_on[a] = !given || lib_strchr(buf, actions[a].letter);
}

static void one_action(void)
{
    unsigned total = 0, pick;

    for (unsigned a = 0; a < NR_ACTIONS; a++)
        total += action_on[a] ? actions[a].weight : 0;
    pick = (unsigned)fz_below(total);
    for (unsigned a = 0; a < NR_ACTIONS; a++) {
        if (!action_on[a])
            continue;
        if (pick < actions[a].weight) {
            actions[a].run();
            return;
        }
        pick -= actions[a].weight;
    }
}

static void iteration(uint64_t i)
{
    fz_iter = i;
    fz_rng_seed(fz_seed, i);
    fz_risky = fz_below(65536) < fz_risk;
    fz_arena_reset();
    fz_dirty = 0;
    fz_tracing = i >= trace_from;
    fz_template = FZ_TEMPLATE_NONE;
    fz_last_vector = FZ_VEC_NONE;
    fz_ctx.rflags = 0x202; /* resume with events enabled, as the loop runs */
    if (gk_context_save(&fz_ctx) == 0) {
        fz_armed = true;
        one_action();
    }
    /* No event until the callbacks and the timer are put back: one could arrive through a
     * callback the iteration registered. */
    gk_events_mask();
    fz_armed = false;
    if (fz_template == FZ_TEMPLATE_IRET)
        fz_record_insn(FZ_TEMPLATE_IRET, fz_iret_result(fz_last_vector));
    else if (fz_template != FZ_TEMPLATE_NONE)
        fz_record_insn(fz_template, fz_last_vector);
    restore(fz_dirty);
    gk_events_unmask();
}

static void setup(void)
{
    long rc = gk_shared_info_map();

    if (rc)
        gk_panic("fuzz: shared_info cannot be mapped: %ld", rc);
    fz.self = cmdline_u64("self", 0);
    fz.watchdog = cmdline_u64("watchdog", 0);
    fz.nr_domains = cmdline_u64("domains", 8);
    fz_risk = (unsigned)cmdline_u64("risk", 2);
    trace_from = cmdline_u64("trace_from", ~0ULL);
    actions_init();
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4_at_start)); /* emulated */
    gk_user_init();
    restore_callbacks();
    fz_world_init();
    fz_insn_init();
    if (bind_timer())
        gk_printf("fuzz: VIRQ_TIMER cannot be bound\n");
    bind_ping();
    gk_events_unmask();
}

/* The reference for the campaign's rate: the cost of the cheapest hypercall in this domain
 * now (xen_version(XENVER_version), best of 5 runs of 1,000), printed as "FZREF". */
static void null_call_reference(void)
{
    uint64_t best = ~0ULL;

    for (int run = 0; run < 5; run++) {
        uint64_t t = fz_now();

        for (int k = 0; k < 1000; k++)
            gk_hypercall_xen_version(PV_XENVER_version, NULL);
        t = fz_now() - t;
        best = t < best ? t : best;
    }
    gk_printf("FZREF null_call_ns=%lu\n", best / 1000);
}

/* The loop's position, kept in memory besides gk_main's registers. An iteration that broke
 * the fuzzer's own stack or registers shows as a difference: the fuzzer says so ("FZX") and
 * stops, rather than fuzz on from a wrong state or report an end it never reached. */
static volatile uint64_t loop_start, loop_i;

static void check_self(uint64_t start, uint64_t i)
{
    if (loop_start == start && loop_i == i)
        return;
    gk_printf("\nFZX seed=%lu iter=%lu: the fuzzer's own state changed under it\n", fz_seed,
              loop_i);
    fz_record_report();
    gk_poweroff();
}

void gk_main(void)
{
    uint64_t start, iters, secs, t0, deadline, i;

    fz_seed = cmdline_u64("seed", 1);
    start = cmdline_u64("start", 0);
    iters = cmdline_u64("iters", 100000);
    secs = cmdline_u64("secs", 0);
    setup();
    null_call_reference();
    t0 = fz_now();
    deadline = secs ? t0 + secs * 1000000000ULL : ~0ULL;
    gk_printf("FZS seed=%lu start=%lu iters=%lu self=%lu watchdog=%lu ping=%u risk=%u\n", fz_seed,
              start, iters, fz.self, fz.watchdog, fz.ping_port, fz_risk);
    loop_start = start;
    for (i = start; i < start + iters; i++) {
        loop_i = i;
        iteration(i);
        check_self(start, i);
        if ((i + 1) % FZ_CHECKPOINT == 0) {
            fz_record_new();
            gk_printf("FZP seed=%lu iter=%lu calls=%lu traps=%lu batched=%lu ns=%lu\n", fz_seed,
                      i + 1, fz_stats.hypercalls, fz_stats.traps, fz_stats.batched, fz_now() - t0);
            if (!fz.ping_port)
                bind_ping(); /* the watchdog may not have reserved it yet at the start */
            ping();
            if (fz_now() > deadline) {
                i++;
                break;
            }
        }
    }
    fz_record_report();
    gk_printf("FZE seed=%lu start=%lu end=%lu ns=%lu calls=%lu batched=%lu traps=%lu insns=%lu "
              "user=%lu irets=%lu failsafe=%lu heals=%lu ticks=%lu\n",
              fz_seed, start, i, fz_now() - t0, fz_stats.hypercalls, fz_stats.batched,
              fz_stats.traps, fz_stats.insns, fz_stats.user_runs, fz_stats.irets,
              fz_stats.failsafes, fz_stats.heals, ticks);
    gk_poweroff();
}
