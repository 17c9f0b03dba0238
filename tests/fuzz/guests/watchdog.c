/*
 * tests/fuzz: the watchdog domain, run next to the fuzzing domains. It checks, continuously,
 * that whatever they do it still
 *   - gets CPU time and timer ticks: it sleeps in SCHEDOP_block on a single-shot timer
 *     (set_timer_op) TICK_NS ahead, and every wake-up later than gap_ms (default 1000) past its
 *     deadline is a miss;
 *   - gets events: each round it sends itself an event over an interdomain loopback channel,
 *     which must have arrived by the next wake-up;
 *   - keeps its memory: NR_CANARY pages of a pattern never change. The first is granted
 *     read-only to every fuzzing domain (grant refs WD_FIRST_REF + k), so they can map it and try
 *     to write through the mapping or copy into it; the hypervisor must never mark that grant
 *     GTF_writing.
 * It also reserves one unbound port for each fuzzing domain (the fuzzer binds and pings it) and
 * counts their pings. Command line: self=D fuzzers=A-B [secs=T] [gap_ms=G]. It runs until every
 * fuzzing domain has ended (an unprivileged SCHEDOP_remote_shutdown answers -EPERM while a domain
 * runs), or T seconds, then prints "WD ..." and its TEST line.
 */
#include "gk/time.h"
#include "gk/test.h"

#define TICK_NS 10000000ULL /* 10 ms */
#define NR_CANARY 4
#define WD_FIRST_REF 8
#define MAX_FUZZERS 16
#define GNT_VA 0x0000300000000000ULL /* where the watchdog maps its grant table frame */

static uint64_t *canary[NR_CANARY];
static uint64_t self, fuzz_first, fuzz_last, gap_ns, secs;
static volatile uint64_t ticks, pings_in, fuzz_pings;
static uint32_t loop_tx, loop_rx;
static uint32_t fuzz_port[MAX_FUZZERS];
static volatile struct pv_grant_entry_v1 *gnt;

struct stats {
    uint64_t rounds, misses, max_late, event_misses, canary_bad, writing_seen;
};
static struct stats st;

static uint64_t pattern(unsigned page, unsigned word)
{
    uint64_t x = (page + 1) * 0x9e3779b97f4a7c15ULL ^ word * 0xbf58476d1ce4e5b9ULL;

    return x ^ (x >> 31);
}

static uint64_t arg(const char *key, uint64_t dflt)
{
    uint64_t v;
    char buf[24];

    if (!gk_cmdline_get(key, buf, sizeof(buf)) || !buf[0])
        return dflt;
    v = 0;
    for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    return v;
}

/* "fuzzers=A-B" (or a single id). */
static void parse_fuzzers(void)
{
    char buf[24], *p = buf;

    if (!gk_cmdline_get("fuzzers", buf, sizeof(buf)))
        return;
    for (fuzz_first = 0; *p >= '0' && *p <= '9'; p++)
        fuzz_first = fuzz_first * 10 + (uint64_t)(*p - '0');
    fuzz_last = fuzz_first;
    if (*p == '-')
        for (fuzz_last = 0, p++; *p >= '0' && *p <= '9'; p++)
            fuzz_last = fuzz_last * 10 + (uint64_t)(*p - '0');
    if (fuzz_last - fuzz_first >= MAX_FUZZERS)
        fuzz_last = fuzz_first + MAX_FUZZERS - 1;
}

static long evtchn(unsigned cmd, void *a)
{
    return gk_hypercall_event_channel_op(cmd, a);
}

static void on_tick(pv_evtchn_port_t port, void *a)
{
    (void)port;
    (void)a;
    ticks++;
}

static void on_loop(pv_evtchn_port_t port, void *a)
{
    (void)port;
    (void)a;
    pings_in++;
}

static void on_fuzz(pv_evtchn_port_t port, void *a)
{
    (void)port;
    (void)a;
    fuzz_pings++;
}

static void setup_events(void)
{
    struct pv_evtchn_bind_virq v = {.virq = PV_VIRQ_TIMER, .vcpu = 0};
    struct pv_evtchn_alloc_unbound au = {.dom = PV_DOMID_SELF, .remote_dom = PV_DOMID_SELF};
    struct pv_evtchn_bind_interdomain bi = {.remote_dom = (pv_domid_t)self};

    /* Only the single-shot timer ticks: Xen's default periodic one is stopped. */
    GK_ASSERT_EQ(gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_stop_periodic_timer, 0, 0, 0, 0), 0);
    GK_ASSERT_EQ(evtchn(PV_EVTCHNOP_bind_virq, &v), 0);
    gk_event_set_handler(v.port, on_tick, NULL);
    GK_ASSERT_EQ(evtchn(PV_EVTCHNOP_alloc_unbound, &au), 0);
    bi.remote_port = au.port;
    GK_ASSERT_EQ(evtchn(PV_EVTCHNOP_bind_interdomain, &bi), 0);
    loop_tx = bi.local_port;
    loop_rx = au.port;
    gk_event_set_handler(loop_rx, on_loop, NULL);
    gk_event_set_handler(loop_tx, NULL, NULL);
    for (uint64_t d = fuzz_first; d && d <= fuzz_last; d++) {
        struct pv_evtchn_alloc_unbound f = {.dom = PV_DOMID_SELF, .remote_dom = (pv_domid_t)d};

        GK_ASSERT_EQ(evtchn(PV_EVTCHNOP_alloc_unbound, &f), 0);
        fuzz_port[d - fuzz_first] = f.port;
        gk_event_set_handler(f.port, on_fuzz, NULL);
    }
}

static void setup_canary(void)
{
    for (unsigned p = 0; p < NR_CANARY; p++) {
        canary[p] = gk_page_alloc();
        GK_ASSERT(canary[p] != NULL);
        for (unsigned w = 0; w < 512; w++)
            canary[p][w] = pattern(p, w);
    }
}

/* Grant the first canary page read-only to every fuzzing domain. */
static void setup_grants(void)
{
    uint64_t frame = 0;
    struct pv_gnttab_setup_table t = {.dom = PV_DOMID_SELF, .nr_frames = 1,
                                      .frame_list = (uint64_t)(uintptr_t)&frame};

    GK_ASSERT_EQ(gk_hypercall(PV_HYPERCALL_grant_table_op, PV_GNTTABOP_setup_table, &t, 1, 0, 0),
                 0);
    GK_ASSERT_EQ(t.status, PV_GNTST_okay);
    GK_ASSERT_EQ(gk_map(gk_kernel_space(), GNT_VA, frame, GK_PAGE_KERNEL | gk_pte_nx()), 0);
    gnt = (volatile struct pv_grant_entry_v1 *)GNT_VA;
    for (uint64_t d = fuzz_first; d && d <= fuzz_last; d++) {
        volatile struct pv_grant_entry_v1 *e = &gnt[WD_FIRST_REF + d - fuzz_first];

        e->frame = (uint32_t)gk_virt_to_mfn(canary[0]);
        e->domid = (uint16_t)d;
        __atomic_store_n(&e->flags, (uint16_t)(PV_GTF_permit_access | PV_GTF_readonly),
                         __ATOMIC_RELEASE);
    }
}

/* ---- the checks of each round ---- */

static void check_memory(void)
{
    for (unsigned p = 0; p < NR_CANARY; p++)
        for (unsigned w = 0; w < 512; w++)
            if (canary[p][w] != pattern(p, w)) {
                if (!st.canary_bad++)
                    GK_FAIL("canary page %u word %u changed: %#lx", p, w, canary[p][w]);
                canary[p][w] = pattern(p, w);
            }
    for (uint64_t d = fuzz_first; d && d <= fuzz_last; d++)
        if (gnt[WD_FIRST_REF + d - fuzz_first].flags & PV_GTF_writing)
            if (!st.writing_seen++)
                GK_FAIL("read-only grant to domain %lu marked GTF_writing", d);
}

/* How many fuzzing domains still run. */
static unsigned running(void)
{
    unsigned n = 0;

    for (uint64_t d = fuzz_first; d && d <= fuzz_last; d++) {
        struct pv_sched_remote_shutdown rs = {.domain_id = (pv_domid_t)d,
                                              .reason = PV_SHUTDOWN_poweroff};

        n += gk_hypercall_sched_op(PV_SCHEDOP_remote_shutdown, &rs) == -PV_EPERM;
    }
    return n;
}

/* One round: arm the timer, send the loopback event, sleep until the tick; then check. */
static void round_once(void)
{
    uint64_t before = ticks, sent = pings_in + 1, deadline = gk_time_now() + TICK_NS, now, late;
    struct pv_evtchn_send s = {.port = loop_tx};

    gk_events_mask(); /* SCHEDOP_block unmasks them: no tick slips in between check and sleep */
    GK_ASSERT_EQ(gk_hypercall_set_timer_op(deadline), 0);
    GK_ASSERT_EQ(evtchn(PV_EVTCHNOP_send, &s), 0);
    while (ticks == before) {
        gk_hypercall_sched_op(PV_SCHEDOP_block, NULL);
        gk_events_mask();
    }
    gk_events_unmask();
    now = gk_time_now();
    late = now > deadline ? now - deadline : 0;
    st.max_late = late > st.max_late ? late : st.max_late;
    if (late > gap_ns && !st.misses++)
        GK_FAIL("woken %lu ms after its timer's deadline", late / 1000000);
    if (pings_in < sent && !st.event_misses++)
        GK_FAIL("loopback event not delivered by the next tick (%lu of %lu)", pings_in, sent);
    check_memory();
    st.rounds++;
}

GK_TEST(watchdog)
{
    uint64_t start, end;

    self = arg("self", 1);
    gap_ns = arg("gap_ms", 1000) * 1000000ULL;
    secs = arg("secs", 600);
    parse_fuzzers();
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    setup_canary();
    setup_events();
    setup_grants();
    gk_events_unmask();
    start = gk_time_now();
    end = start + secs * 1000000000ULL;
    gk_printf("WDS self=%lu fuzzers=%lu-%lu ports=%u,%u\n", self, fuzz_first, fuzz_last,
              fuzz_port[0], fuzz_port[1]);
    while (gk_time_now() < end) {
        round_once();
        if (st.rounds % 8 == 0 && !running())
            break;
    }
    gk_printf("WD rounds=%lu secs=%lu misses=%lu max_late_us=%lu event_misses=%lu canary=%s "
              "writing=%lu fuzz_pings=%lu still_running=%u\n",
              st.rounds, (uint64_t)((gk_time_now() - start) / 1000000000U), st.misses, st.max_late / 1000,
              st.event_misses, st.canary_bad ? "CHANGED" : "intact", st.writing_seen, fuzz_pings,
              running());
}
