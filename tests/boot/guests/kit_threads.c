/*
 * Boot test "kit_threads": the guest kit's vCPUs, IPIs, timers and threads together, in a
 * domain of 2 vCPUs.
 *   - vCPU 1 is brought up with gk_smp_up (VCPUOP_initialise + up: its own stack, the kit's
 *     trap table and callbacks); it unmasks its events, and answers 200 IPIs from vCPU 0 from
 *     its handler, which must run on vCPU 1 (per-vCPU upcall and vcpu_info); it sleeps 5 ms on
 *     its own timer (never early), then returns, which takes it down;
 *   - on vCPU 0, four threads: two sleep 10 ms five times each (never early, at most 50 ms
 *     late), one waits for events on a loopback channel and counts them, one yields 100 times;
 *     gk_main sends on the channel every 2 ms, then joins them all: every count exact, and the
 *     vCPU blocked while all threads slept (its blocked time grew).
 */
#include "bt.h"

#define IPIS 200
#define MS GK_NS_PER_MS

static uint32_t to1, to0;
static volatile uint32_t answered, wrong_cpu, v1_slept_early, v1_done;
static volatile uint64_t v1_late;

static void on_ipi1(pv_evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    if (gk_smp_cpu() != 1)
        wrong_cpu++;
    answered++;
    gk_event_send(to0);
}

static void vcpu1(void *arg)
{
    uint64_t deadline;

    (void)arg;
    gk_events_unmask();
    for (;;) {
        uint32_t seen = gk_event_counts[to1]; /* before the look (gk/time.h) */

        if (answered >= IPIS)
            break;
        gk_wait_event_until(to1, seen, gk_time_now() + 2000 * MS);
    }
    deadline = gk_time_now() + 5 * MS;
    gk_sleep_until(deadline);
    if (gk_time_now() < deadline)
        v1_slept_early = 1;
    v1_late = gk_time_now() - deadline;
    v1_done = 1;
}

static void check_vcpu1(void)
{
    uint64_t limit;

    GK_ASSERT_EQ(gk_ipi_bind(1, on_ipi1, NULL, &to1), 0);
    GK_ASSERT_EQ(gk_ipi_bind(0, NULL, NULL, &to0), 0);
    GK_ASSERT_EQ(gk_smp_up(1, vcpu1, NULL), 0);
    GK_EXPECT(gk_smp_is_up(1));
    for (unsigned i = 0; i < IPIS; i++) {
        uint32_t seen = gk_event_counts[to0];

        GK_ASSERT_EQ(gk_event_send(to1), 0);
        if (!gk_wait_event_until(to0, seen, gk_time_now() + 2000 * MS)) {
            GK_FAIL("IPI %u: no answer from vCPU 1 within 2 s", i);
            return;
        }
    }
    GK_EXPECT_EQ(answered, IPIS);
    GK_EXPECT_EQ(gk_event_counts[to0], IPIS);
    GK_EXPECT_EQ(wrong_cpu, 0);
    limit = gk_time_now() + 2000 * MS;
    while ((!v1_done || gk_smp_is_up(1)) && gk_time_now() < limit)
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    GK_EXPECT(v1_done);
    GK_EXPECT(!gk_smp_is_up(1));
    GK_EXPECT_EQ(v1_slept_early, 0);
    gk_test_log("vCPU 1: %u IPIs answered, 5 ms sleep woke %lu us late", answered, v1_late / 1000);
}

/* ---- threads ---- */

static uint32_t chan_a, chan_b;
static volatile uint32_t sleeps_done, early, events_seen, yields_done;
static volatile uint64_t worst_late;

static void sleeper(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < 5; i++) {
        uint64_t t0 = gk_time_now(), t1;

        gk_thread_sleep_ns(10 * MS);
        t1 = gk_time_now();
        if (t1 < t0 + 10 * MS)
            early++;
        else if (t1 - t0 - 10 * MS > worst_late)
            worst_late = t1 - t0 - 10 * MS;
        sleeps_done++;
    }
}

static void waiter(void *arg)
{
    (void)arg;
    while (events_seen < 10)
        if (gk_thread_wait_event(chan_a, 1000 * MS))
            events_seen++;
        else
            break;
}

static void yielder(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < 100; i++) {
        gk_thread_yield();
        yields_done++;
    }
}

static uint64_t blocked_time(void)
{
    struct pv_vcpu_runstate_info rs;

    gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_get_runstate_info, 0, &rs, 0, 0);
    return rs.time[PV_RUNSTATE_blocked];
}

static void check_threads(void)
{
    struct gk_thread *t[4];
    uint64_t blocked0 = blocked_time();

    gk_events_mask();
    GK_ASSERT_EQ(gk_evtchn_alloc_unbound(PV_DOMID_SELF, &chan_a), 0);
    GK_ASSERT_EQ(gk_evtchn_bind_interdomain(PV_DOMID_SELF, chan_a, &chan_b), 0);
    gk_event_clear(chan_b);
    gk_events_unmask();
    t[0] = gk_thread_create(sleeper, NULL);
    t[1] = gk_thread_create(sleeper, NULL);
    t[2] = gk_thread_create(waiter, NULL);
    t[3] = gk_thread_create(yielder, NULL);
    for (unsigned i = 0; i < 4; i++)
        GK_ASSERT(t[i] != NULL);
    for (unsigned i = 0; i < 10; i++) {
        gk_thread_sleep_ns(2 * MS);
        GK_EXPECT_EQ(gk_event_send(chan_b), 0);
        gk_thread_yield(); /* let the waiter take it before the next one */
    }
    for (unsigned i = 0; i < 4; i++)
        gk_thread_join(t[i]);
    GK_EXPECT_EQ(sleeps_done, 10);
    GK_EXPECT_EQ(early, 0);
    GK_EXPECT_LE(worst_late, 50 * MS);
    GK_EXPECT_EQ(events_seen, 10);
    GK_EXPECT_EQ(yields_done, 100);
    GK_EXPECT_GT(blocked_time(), blocked0);
    GK_EXPECT(gk_thread_create(yielder, NULL) != NULL); /* slots come back after a join */
    gk_test_log("threads: %lu switches, sleeps at most %lu us late", gk_thread_switches(),
                worst_late / 1000);
}

GK_TEST(kit_threads)
{
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT(gk_timer_port() != 0);
    check_vcpu1();
    check_threads();
}
