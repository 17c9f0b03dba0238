/*
 * Benchmark guest "bench-evt": event channels, vCPU switches and timer wake-ups, run as two
 * domains: "role=pong peer=2" (domain 1) and "role=ping peer=1" (domain 2), optional
 * "yields=N" (0 skips the switch figure, for boots where the domains have a CPU each) and
 * "sleeps=N". The pong allocates an unbound port for the ping, which finds it by binding the
 * pong's ports in turn (there is no xenstore). Then, with events masked and SCHEDOP_poll to
 * wait:
 *   - round trip: the ping sends, the pong answers; 5 runs of 2,000 round trips after 200 to
 *     warm up, the best run per round trip (the ping prints it);
 *   - switches: both call SCHEDOP_yield N times; with both runnable on one CPU every yield
 *     switches to the other domain, so the ping's time per yield covers two switches;
 *   - timer: the ping sleeps 1 ms N times (VCPUOP_set_singleshot_timer + SCHEDOP_block,
 *     gk_sleep_ns) and prints the median and 99th percentile of how late it woke.
 */
#include "gk/test.h"

#define RUNS 5
#define ROUNDS 2000
#define WARMUP 200
#define MAX_SLEEPS 1000

static uint64_t peer, yields = 20000, sleeps = 200;
static uint32_t port;
static uint64_t waits, sleeps_in_wait; /* wait_port calls, and the poll/block calls they made */
static bool use_block; /* "wait=block": SCHEDOP_block with events unmasked instead of poll */

static bool uint_arg(const char *key, uint64_t *out)
{
    char buf[24];
    uint64_t v = 0;

    if (!gk_cmdline_get(key, buf, sizeof(buf)) || !buf[0])
        return false;
    for (const char *p = buf; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return true;
}

static void wait_port(void)
{
    struct pv_sched_poll sp = {.ports = (uint64_t)(uintptr_t)&port, .nr_ports = 1};

    static uint32_t consumed;

    waits++;

    if (use_block) { /* the kit's upcall takes the event and counts it */
        while (gk_event_counts[port] == consumed) {
            gk_hypercall_sched_op(PV_SCHEDOP_block, NULL); /* unmasks events */
            sleeps_in_wait++;
            gk_events_mask();
        }
        consumed = gk_event_counts[port];
        return;
    } else {
        while (!gk_event_pending(port)) {
            gk_hypercall_sched_op(PV_SCHEDOP_poll, &sp);
            sleeps_in_wait++;
        }
    }
    gk_event_clear(port);
}

static void connect(bool ping)
{
    if (!ping) {
        GK_ASSERT_EQ(gk_evtchn_alloc_unbound((pv_domid_t)peer, &port), 0);
        return;
    }
    for (uint32_t p = 1;; p = p % 64 + 1) {
        if (gk_evtchn_bind_interdomain((pv_domid_t)peer, p, &port) == 0)
            break;
        if (p == 64)
            gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    }
    gk_event_clear(port); /* the bind raised our end */
}

static uint64_t running_ns(void)
{
    struct pv_vcpu_runstate_info rs;

    gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_get_runstate_info, 0, &rs, 0, 0);
    return rs.time[PV_RUNSTATE_running];
}

/* Both sides print the share of the timed runs they spent running: on one CPU the two shares
 * add up to what the CPU gave the domains, the rest went to the hypervisor or to idling. */
static void round_trips(bool ping)
{
    uint64_t best = ~0ULL, r0 = 0, t_all = 0;

    for (unsigned run = 0; run <= RUNS; run++) {
        unsigned n = run ? ROUNDS : WARMUP;
        uint64_t t0 = gk_time_now();

        if (run == 1) {
            r0 = running_ns();
            t_all = t0;
        }

        for (unsigned i = 0; i < n; i++) {
            if (ping) {
                gk_event_send(port);
                wait_port();
            } else {
                wait_port();
                gk_event_send(port);
            }
        }
        if (run && (gk_time_now() - t0) / n < best)
            best = (gk_time_now() - t0) / n;
    }
    gk_printf("bench: round trips: this domain ran %lu%% of the time; %lu waits, %lu %s calls\n",
              (running_ns() - r0) * 100 / (gk_time_now() - t_all), waits, sleeps_in_wait,
              use_block ? "SCHEDOP_block" : "SCHEDOP_poll");
    if (ping)
        gk_printf("bench: event channel round trip between domains: %lu ns\n", best);
}

static void switches(bool ping)
{
    struct pv_vcpu_runstate_info a, b;
    uint64_t t0, t1;

    gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_get_runstate_info, 0, &a, 0, 0);
    t0 = gk_time_now();
    for (uint64_t i = 0; i < yields; i++)
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    t1 = gk_time_now();
    gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_get_runstate_info, 0, &b, 0, 0);
    if (ping)
        gk_printf("bench: vCPU switch (two domains yielding to each other): %lu ns "
                  "(%lu yields, ran %lu%% of the time)\n",
                  (t1 - t0) / (2 * yields), yields,
                  (b.time[PV_RUNSTATE_running] - a.time[PV_RUNSTATE_running]) * 100 / (t1 - t0));
}

static void timer_latency(void)
{
    static uint64_t late[MAX_SLEEPS];
    uint64_t n = sleeps < MAX_SLEEPS ? sleeps : MAX_SLEEPS;

    for (uint64_t i = 0; i < n; i++) {
        uint64_t deadline = gk_time_now() + GK_NS_PER_MS, l, j;

        GK_ASSERT_EQ(gk_sleep_until(deadline), 0);
        l = gk_time_now() - deadline; /* gk_sleep_until never returns early */
        for (j = i; j && late[j - 1] > l; j--)
            late[j] = late[j - 1];
        late[j] = l;
    }
    gk_printf("bench: timer wake-up latency of %lu 1 ms sleeps: median %lu ns, 99th percentile "
              "%lu ns, worst %lu ns\n",
              n, late[n / 2], late[(n * 99) / 100], late[n - 1]);
}

GK_TEST(bench_evt)
{
    char role[8] = "", wait[8] = "";
    bool ping;

    GK_ASSERT(uint_arg("peer", &peer));
    uint_arg("yields", &yields);
    uint_arg("sleeps", &sleeps);
    GK_ASSERT(gk_cmdline_get("role", role, sizeof(role)));
    use_block = gk_cmdline_get("wait", wait, sizeof(wait)) && !lib_strcmp(wait, "block");
    ping = !lib_strcmp(role, "ping");
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT(gk_timer_port() != 0);
    gk_events_mask();
    connect(ping);
    round_trips(ping);
    if (yields)
        switches(ping);
    if (ping && sleeps)
        timer_latency();
}
