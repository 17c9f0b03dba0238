/*
 * tests/fuzz/priv: the privileged fuzzer. Booted as the initial domain beside the watchdog
 * (domain wd=, tests/fuzz/guests/watchdog.c) and a peer (domain peer=, isolation_peer), it runs
 * seeded iterations of domctl and sysctl (every command number Xen 4.17 has and unknown ones)
 * and of the privileged forms of memory_op and alloc_unbound on other domains,
 * on itself, the peer, the watchdog, domains it created, absent and reserved ids, with
 * structured-random arguments (guest pointers into a buffer at the very end of its memory, so
 * that whatever the hypervisor writes past it faults instead of overwriting the fuzzer, and
 * into holes, the hypervisor's range and non-canonical space; counts and indices near the
 * edges). Iteration i of seed S depends on (S, i) alone: `trace_from=I` prints each call.
 *
 * What it may not do is what a sane toolstack never does to a domain that must keep running:
 * the commands that write a domain's memory or registers or end it (hypercall_init,
 * setvcpucontext, set_ext_vcpucontext, set_vcpu_msrs, soft_reset, destroydomain, max_vcpus)
 * go to the watchdog and the peer only as
 * stated below; pausedomain never to the watchdog. Everything is allowed on itself (the
 * hypervisor must refuse what would stop it). At the end it destroys what it created, undoes
 * its pauses of the peer, checks the peer still runs (unless seed % 4 == 3 let it destroy the
 * peer on purpose), ends the peer (the watchdog then reports and ends) and prints its TEST line.
 * Command line: seed=S iters=N wd=1 peer=2 [trace_from=I].
 */
#include "gk/kit.h"
#include "gk/mm.h"
#include "gk/test.h"
#include "gk/time.h"
#include "pv-abi/elfnote.h"
#include "pv-abi/pv.h"

#define STR_(x) #x
#define STR(x) STR_(x)
/* The kit's notes say nothing of dom0: this guest may be the initial domain. */
__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
        ".long 1 << " STR(PV_XENFEAT_dom0) "\n.popsection");

#define BUF_PAGES 32 /* the argument buffer: the last pages of the 1:1 mapping */
#define MAX_CREATED 4

static uint64_t seed, iters, trace_from = ~0ULL, wd_id, peer_id;
static uint64_t state, buf_va, buf_end;
static uint16_t created[MAX_CREATED];
static unsigned nr_created, peer_pauses;
static bool peer_destroyed, may_destroy_peer;
static uint64_t domctl_ok, sysctl_ok, foreign_ok, faults; /* calls that succeeded; -EFAULTs */
static struct pv_domctl dop __attribute__((aligned(64)));
static struct pv_sysctl sop __attribute__((aligned(64)));

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
    state += 0x9e3779b97f4a7c15ULL;
    return mix(state);
}

static uint64_t below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static uint64_t num_arg(const char *key, uint64_t dflt)
{
    char buf[24];
    uint64_t v = 0;

    if (!gk_cmdline_get(key, buf, sizeof(buf)) || !buf[0])
        return dflt;
    for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    return v;
}

/* A guest address the hypervisor may be asked to read or write. */
static uint64_t pointer(void)
{
    switch (below(10)) {
    case 0: return 0;
    case 1: return buf_end - below(64);                       /* runs into the hole after */
    case 2: return buf_end + below(16) * 4096;                /* unmapped */
    case 3: return 0xffff800000000000ULL + below(1ULL << 40); /* the hypervisor's range */
    case 4: return 0x0000800000000000ULL + below(1ULL << 20); /* not canonical */
    default: return buf_va + (below(BUF_PAGES * 4096) & (below(4) ? ~7ULL : ~0ULL));
    }
}

/* A 32-bit count, index or flag word, mostly near the edges implementations get wrong. */
static uint32_t small(void)
{
    static const uint32_t edges[] = {0,   1,    2,    3,      7,      8,          31,
                                     32,  63,   64,   255,    256,    4095,       4096,
                                     0xffff, 0x7fff, 0x7ff0, 0x7fffffff, 0x80000000, 0xffffffff};

    return below(3) ? edges[below(sizeof(edges) / sizeof(edges[0]))] : (uint32_t)below(130);
}

/* The 128-byte argument: pointer, number and zero slots, or plain noise. */
static void fill(uint8_t *u)
{
    uint64_t *slot = (uint64_t *)u;

    for (unsigned i = 0; i < 16; i++) {
        switch (below(8)) {
        case 0: case 1: case 2: slot[i] = pointer(); break;
        case 3: case 4: slot[i] = small() | (uint64_t)small() << 32; break;
        case 5: slot[i] = rnd(); break;
        default: slot[i] = 0;
        }
    }
    if (below(16) == 0)
        for (unsigned i = 0; i < 16; i++)
            slot[i] = rnd();
}

/* The I/O permission commands half the time get ranges near the edges Xen checks (wrapping,
 * past port 0xffff, the hypervisor's ports, the IO-APIC and MSI frames, RAM) instead of noise. */
static void perm_args(uint32_t cmd)
{
    static const uint64_t starts[] = {0, 1, 0x20, 0x2f8, 0x3f8, 0xcf8, 0xfff0, 0xffff, 0x10000,
                                      0xa0, 0xfebf0, 0xfec00, 0xfee00, 0x100000, ~0ULL};
    uint64_t first = starts[below(sizeof(starts) / sizeof(starts[0]))] + below(3) - 1;
    uint64_t nr = below(4) ? below(20) : rnd();
    uint8_t allow = below(4) != 0;

    if (cmd == PV_DOMCTL_ioport_permission)
        dop.u.ioport_permission = (struct pv_domctl_ioport_permission){
            .first_port = (uint32_t)first, .nr_ports = (uint32_t)nr, .allow_access = allow};
    else if (cmd == PV_DOMCTL_iomem_permission)
        dop.u.iomem_permission = (struct pv_domctl_iomem_permission){
            .first_mfn = first, .nr_mfns = nr, .allow_access = allow};
    else
        dop.u.irq_permission =
            (struct pv_domctl_irq_permission){.pirq = (uint32_t)first, .allow_access = allow};
}

/* shadow_op half the time gets a known sub-op (log-dirty on, off, CLEAN, PEEK, the shadow ones
 * refused), a bitmap pointer of pointer() and a size near the edges (a page of bits, the
 * bitmap's own pages, past the buffer). Log-dirty on the peer and the watchdog is allowed: it
 * must not change what they see. */
static void shadow_args(void)
{
    static const uint32_t ops[] = {0, 1, 2, 3, 11, 12, 30, 31, 32, 11, 12, 2};
    static const uint64_t sizes[] = {0, 1, 63, 64, 4096, 32768, 32769, 1 << 20, 1ULL << 40};

    dop.u.shadow_op = (struct pv_domctl_shadow_op){
        .op = ops[below(sizeof(ops) / sizeof(ops[0]))],
        .mode = below(2) ? PV_DOMCTL_SHADOW_ENABLE_LOG_DIRTY : small(),
        .dirty_bitmap = pointer(),
        .pages = below(4) ? sizes[below(sizeof(sizes) / sizeof(sizes[0]))] : rnd()};
}

static uint16_t any_domain(void)
{
    static const uint16_t ids[] = {0, 3, 7, 999, 0x7fef, PV_DOMID_SELF, PV_DOMID_IO,
                                   0x7ff2, 0x7ff3, PV_DOMID_INVALID, 0xffff};

    switch (below(8)) {
    case 0: return (uint16_t)wd_id;
    case 1: case 2: return (uint16_t)peer_id;
    case 3: return nr_created ? created[below(nr_created)] : 0;
    case 4: return (uint16_t)rnd();
    default: return ids[below(sizeof(ids) / sizeof(ids[0]))];
    }
}

/* The rules above: where a command may not go, it goes to a domain the fuzzer created, or to
 * one that does not exist. */
static uint16_t allowed_target(uint32_t cmd, uint16_t dom)
{
    bool victim = dom == wd_id || dom == peer_id || dom == 0;
    uint16_t other = nr_created ? created[0] : 999;

    switch (cmd) {
    case PV_DOMCTL_destroydomain:
        if (dom == peer_id && may_destroy_peer && below(64) == 0)
            return dom;
        return victim ? other : dom;
    case PV_DOMCTL_setvcpucontext:
    case PV_DOMCTL_hypercall_init:
    case PV_DOMCTL_soft_reset:
    case PV_DOMCTL_soft_reset_cont:
    case PV_DOMCTL_max_vcpus:
    case PV_DOMCTL_set_ext_vcpucontext:
    case PV_DOMCTL_set_vcpu_msrs:
        return victim ? other : dom;
    case PV_DOMCTL_pausedomain:
        return dom == wd_id ? other : dom;
    default:
        return dom;
    }
}

static long domctl_call(uint32_t cmd, uint16_t dom)
{
    dop.cmd = cmd;
    dop.interface_version = PV_DOMCTL_INTERFACE_VERSION;
    dop.domain = dom;
    return gk_hypercall_nr(PV_HYPERCALL_domctl, (uint64_t)(uintptr_t)&dop, 0, 0, 0, 0);
}

/* What the fuzzer must remember of a call that succeeded. */
static void account(uint32_t cmd, uint16_t dom, long rc)
{
    if (rc)
        return;
    if (cmd == PV_DOMCTL_createdomain && nr_created < MAX_CREATED)
        created[nr_created++] = dop.domain;
    if (dom == peer_id && cmd == PV_DOMCTL_pausedomain)
        peer_pauses++;
    if (dom == peer_id && cmd == PV_DOMCTL_unpausedomain && peer_pauses)
        peer_pauses--;
    if (dom == peer_id && cmd == PV_DOMCTL_destroydomain) {
        peer_destroyed = true;
        peer_pauses = 0; /* gone with it */
    }
    if (cmd == PV_DOMCTL_destroydomain)
        for (unsigned i = 0; i < nr_created; i++)
            if (created[i] == dom)
                created[i] = created[--nr_created];
}

static void one_domctl(uint64_t i)
{
    uint32_t cmd = below(8) ? (uint32_t)below(90) : below(2) ? 1000 + (uint32_t)below(4)
                                                             : (uint32_t)rnd();
    uint16_t dom = allowed_target(cmd, any_domain());
    long rc;

    if (cmd == PV_DOMCTL_createdomain && nr_created == MAX_CREATED)
        cmd = PV_DOMCTL_destroydomain, dom = created[below(nr_created)];
    memset(&dop, 0, sizeof(dop));
    fill(dop.u.pad);
    if (cmd >= PV_DOMCTL_irq_permission && cmd <= PV_DOMCTL_ioport_permission && below(2))
        perm_args(cmd);
    if (cmd == PV_DOMCTL_shadow_op && below(2))
        shadow_args();
    dop.cmd = cmd;
    dop.interface_version = below(64) ? PV_DOMCTL_INTERFACE_VERSION : (uint32_t)rnd();
    dop.domain = dom;
    rc = gk_hypercall_nr(PV_HYPERCALL_domctl, (uint64_t)(uintptr_t)&dop, 0, 0, 0, 0);
    if (dop.interface_version == PV_DOMCTL_INTERFACE_VERSION)
        account(cmd, dom, rc);
    domctl_ok += rc == 0;
    faults += rc == -PV_EFAULT;
    if (i >= trace_from)
        gk_printf("FZP %lu domctl %u dom %u: %ld\n", i, cmd, dom, rc);
}

static void one_sysctl(uint64_t i)
{
    uint32_t cmd = below(8) ? (uint32_t)below(32) : (uint32_t)rnd();
    long rc;

    memset(&sop, 0, sizeof(sop));
    fill(sop.u.pad);
    sop.cmd = cmd;
    sop.interface_version = below(64) ? PV_SYSCTL_INTERFACE_VERSION : (uint32_t)rnd();
    rc = gk_hypercall_nr(PV_HYPERCALL_sysctl, (uint64_t)(uintptr_t)&sop, 0, 0, 0, 0);
    sysctl_ok += rc == 0;
    faults += rc == -PV_EFAULT;
    if (i >= trace_from)
        gk_printf("FZP %lu sysctl %u: %ld\n", i, cmd, rc);
}

/* The privileged forms of other hypercalls (memory and ports allocated in another domain, its
 * reservation asked about). Memory is only ever taken back from a domain the fuzzer created. */
static void one_foreign(uint64_t i)
{
    static struct pv_memory_reservation res __attribute__((aligned(64)));
    static struct pv_evtchn_alloc_unbound au __attribute__((aligned(64)));
    static pv_domid_t dom_arg;
    static const unsigned grow[] = {PV_XENMEM_increase_reservation, PV_XENMEM_populate_physmap};
    static const unsigned ask[] = {PV_XENMEM_current_reservation, PV_XENMEM_maximum_reservation,
                                   PV_XENMEM_maximum_gpfn};
    uint16_t dom = any_domain();
    unsigned what = (unsigned)below(4), cmd = 0;
    long rc;

    if (what == 0) {
        au = (struct pv_evtchn_alloc_unbound){.dom = dom,
                                              .remote_dom = below(2) ? 0 : any_domain()};
        rc = gk_hypercall_event_channel_op(PV_EVTCHNOP_alloc_unbound, &au);
    } else if (what == 1) {
        bool created_dom = nr_created && below(2);

        cmd = created_dom && below(2) ? PV_XENMEM_decrease_reservation : grow[below(2)];
        res = (struct pv_memory_reservation){
            .extent_start = pointer(),
            .nr_extents = below(4) ? below(17) : small(),
            .extent_order = below(4) ? 0 : (uint32_t)below(12),
            .mem_flags = below(8) ? 0 : (uint32_t)rnd(),
            .domid = created_dom ? created[below(nr_created)] : dom,
        };
        rc = gk_hypercall_memory_op(cmd, &res);
    } else if (what == 2) {
        dom_arg = dom;
        cmd = ask[below(3)];
        rc = gk_hypercall_nr(PV_HYPERCALL_memory_op, cmd,
                             below(8) ? (uint64_t)(uintptr_t)&dom_arg : pointer(), 0, 0, 0);
    } else {
        cmd = PV_XENMEM_maximum_ram_page;
        rc = gk_hypercall_memory_op(cmd, NULL);
    }
    foreign_ok += rc >= 0;
    if (i >= trace_from)
        gk_printf("FZP %lu foreign %u/%u dom %u: %ld\n", i, what, cmd, dom, rc);
}

/* vCPU 0 of dom: its CPU time, or ~0 if it cannot be read. */
static uint64_t cpu_time(uint64_t dom)
{
    memset(&dop, 0, sizeof(dop));
    return domctl_call(PV_DOMCTL_getvcpuinfo, (uint16_t)dom) ? ~0ULL
                                                             : dop.u.getvcpuinfo.cpu_time;
}

/* Has dom ended (gone, shut down and kept for the toolstack as with Xen, or its vCPU 0 no
 * longer up)? */
static bool ended(uint64_t dom)
{
    memset(&dop, 0, sizeof(dop));
    if (domctl_call(PV_DOMCTL_getdomaininfo, (uint16_t)dom) || dop.domain != dom ||
        (dop.u.getdomaininfo.flags & (PV_DOMINF_shutdown | PV_DOMINF_dying)))
        return true;
    memset(&dop, 0, sizeof(dop));
    return domctl_call(PV_DOMCTL_getvcpuinfo, (uint16_t)dom) || !dop.u.getvcpuinfo.online;
}

static void report_peer(void)
{
    static uint8_t hard[8], soft[8];
    struct pv_domctl_getvcpuinfo *vi = &dop.u.getvcpuinfo;
    struct pv_domctl_scheduler_op *so = &dop.u.scheduler_op;
    struct pv_domctl_vcpuaffinity *va = &dop.u.vcpuaffinity;

    memset(&dop, 0, sizeof(dop));
    domctl_call(PV_DOMCTL_getvcpuinfo, (uint16_t)peer_id);
    gk_printf("FZP peer: online %u blocked %u running %u cpu %u time %lu\n", vi->online,
              vi->blocked, vi->running, vi->cpu, vi->cpu_time);
    memset(&dop, 0, sizeof(dop));
    so->sched_id = PV_SCHEDULER_CREDIT;
    so->cmd = PV_DOMCTL_SCHEDOP_getinfo;
    domctl_call(PV_DOMCTL_scheduler_op, (uint16_t)peer_id);
    gk_printf("FZP peer: weight %u cap %u\n", so->u.credit.weight, so->u.credit.cap);
    memset(&dop, 0, sizeof(dop));
    *va = (struct pv_domctl_vcpuaffinity){
        .flags = PV_VCPUAFFINITY_HARD | PV_VCPUAFFINITY_SOFT,
        .cpumap_hard = {.bitmap = (uint64_t)(uintptr_t)hard, .nr_bits = 64},
        .cpumap_soft = {.bitmap = (uint64_t)(uintptr_t)soft, .nr_bits = 64}};
    domctl_call(PV_DOMCTL_getvcpuaffinity, (uint16_t)peer_id);
    gk_printf("FZP peer: hard %#x soft %#x\n", hard[0], soft[0]);
}

/* Put back what the toolstack would, then check the peer and let the watchdog report. */
static void finish(void)
{
    struct pv_sched_remote_shutdown rs = {.domain_id = (pv_domid_t)peer_id,
                                          .reason = PV_SHUTDOWN_poweroff};
    uint64_t t0, deadline;

    while (nr_created) {
        uint16_t d = created[--nr_created];

        memset(&dop, 0, sizeof(dop));
        GK_EXPECT_EQ(domctl_call(PV_DOMCTL_destroydomain, d), 0);
    }
    for (; peer_pauses; peer_pauses--)
        GK_EXPECT_EQ(domctl_call(PV_DOMCTL_unpausedomain, (uint16_t)peer_id), 0);
    gk_printf("FZP seed %lu: %lu iterations, %lu domctl, %lu sysctl and %lu foreign calls done, "
              "%lu -EFAULT, peer %s\n", seed, iters, domctl_ok, sysctl_ok, foreign_ok, faults,
              peer_destroyed ? "destroyed on purpose" : "kept");
    if (!peer_destroyed) {
        /* Still running: it gets CPU time within 3 s (the emulator's CPUs may stall a while
         * on a loaded host). */
        t0 = cpu_time(peer_id);
        GK_EXPECT_NE(t0, ~0ULL);
        for (deadline = gk_time_now() + 3000 * GK_NS_PER_MS;
             cpu_time(peer_id) <= t0 && gk_time_now() < deadline;)
            gk_sleep_ns(10 * GK_NS_PER_MS);
        if (cpu_time(peer_id) <= t0)
            report_peer(); /* what the fuzzer left it with */
        GK_EXPECT_GT(cpu_time(peer_id), t0);
        GK_EXPECT_EQ(gk_hypercall_sched_op(PV_SCHEDOP_remote_shutdown, &rs), 0);
        domctl_call(PV_DOMCTL_destroydomain, (uint16_t)peer_id); /* with a toolstack: reaped */
    }
    deadline = gk_time_now() + 10000 * GK_NS_PER_MS;
    while (!ended(wd_id) && gk_time_now() < deadline)
        gk_sleep_ns(10 * GK_NS_PER_MS);
    GK_EXPECT(ended(wd_id));
}

GK_TEST(fzpriv)
{
    uint64_t first, end;

    seed = num_arg("seed", 1);
    iters = num_arg("iters", 10000);
    trace_from = num_arg("trace_from", ~0ULL);
    wd_id = num_arg("wd", 1);
    peer_id = num_arg("peer", 2);
    may_destroy_peer = seed % 4 == 3;
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    gk_mm_range(&first, &end);
    GK_ASSERT(gk_pages_free() > BUF_PAGES * 2);
    buf_end = GK_VIRT_BASE + end * 4096;
    buf_va = buf_end - BUF_PAGES * 4096;
    while (ended(peer_id) || ended(wd_id)) { /* the domains after dom0 start while it runs */
        GK_ASSERT(gk_time_now() < 20000 * GK_NS_PER_MS);
        gk_sleep_ns(GK_NS_PER_MS);
    }
    for (uint64_t i = 0; i < iters; i++) {
        state = mix(seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL) ^ mix(i + 1);
        unsigned family = (unsigned)below(20);

        if (family < 12)
            one_domctl(i);
        else if (family < 17)
            one_sysctl(i);
        else
            one_foreign(i);
    }
    finish();
}
