/*
 * Boot test "evt_pingpong": two domains ("self=1 peer=2" and "self=2 peer=1", "rounds=N")
 * exchange exactly N events each way over an interdomain channel, through the guest kit's
 * bind helpers, its upcall dispatcher and handlers, sleeping in SCHEDOP_block in between.
 * There is no xenstore: the lower id allocates an unbound port for the other
 * (EVTCHNOP_alloc_unbound), and the higher id tries EVTCHNOP_bind_interdomain on the peer's
 * ports 1, 2, ... until one is accepted (every other port answers -EINVAL). The higher id
 * sends first; each side answers every event once. Both check, round by round, that exactly
 * one event arrived, and at the end that nothing more comes. With "fifo=1" the domain uses
 * the FIFO ABI (its peer may stay 2-level). Round 0 also waits for the peer to start and bind,
 * which on a loaded machine may take over 2 s: it gets START_TIMEOUT_NS, later rounds 2 s each.
 */
#include "bt.h"

#define ROUND_TIMEOUT_NS (2000 * GK_NS_PER_MS)
#define START_TIMEOUT_NS (30000 * GK_NS_PER_MS)
#define QUIET_NS (100 * GK_NS_PER_MS)
#define MAX_PROBE_PORT 64

static uint64_t self_id, peer_id, rounds = 1000, fifo;
static volatile uint32_t received;
static uint64_t last_wait_ns, longest_wait_ns; /* how long the rounds' waits took */

static void on_event(pv_evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    received++;
}

/* The lower id: reserve a port for the peer. */
static uint32_t offer(void)
{
    uint32_t port;

    GK_ASSERT_EQ(gk_evtchn_alloc_unbound((pv_domid_t)peer_id, &port), 0);
    return port;
}

/* The higher id: find the port reserved for us, bind it (the bind raises our end once). */
static uint32_t connect(void)
{
    uint64_t limit = gk_time_now() + 5000 * GK_NS_PER_MS;
    uint32_t local;

    for (uint32_t p = 1;; p = p % MAX_PROBE_PORT + 1) {
        long rc = gk_evtchn_bind_interdomain((pv_domid_t)peer_id, p, &local);

        if (rc == 0) {
            gk_test_log("bound peer port %u as local port %u", p, local);
            break;
        }
        GK_ASSERT_EQ(rc, -PV_EINVAL);
        GK_ASSERT(gk_time_now() < limit);
        if (p == MAX_PROBE_PORT)
            gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    }
    GK_EXPECT(gk_event_pending(local));
    gk_event_clear(local);
    return local;
}

/* Wait until `received` reaches want; false after timeout_ns. */
static bool wait_for(uint32_t port, uint32_t want, uint64_t timeout_ns)
{
    uint64_t start = gk_time_now(), limit = start + timeout_ns;

    for (;;) {
        uint32_t seen = gk_event_counts[port]; /* before the look (gk/time.h) */

        if (received >= want)
            break;
        if (!gk_wait_event_until(port, seen, limit) && gk_time_now() >= limit)
            break;
    }
    last_wait_ns = gk_time_now() - start;
    return received >= want;
}

/* At a timeout, with events masked so that nothing is delivered meanwhile: an event pending
 * here but not counted is a lost wake-up; none pending is a lost send or a peer that has not
 * sent yet (a peer whose previous wait took about 2 s was itself woken late). */
static void report_state(uint32_t port, uint64_t prev_wait_ns)
{
    const struct pv_vcpu_info *vi = gk_vcpu_info();

    gk_events_mask();
    gk_test_log("at the timeout: port %u pending %d, upcall_pending %u, pending_sel %#lx; "
                "previous wait %lu ms, longest %lu ms", port, gk_event_pending(port),
                vi->evtchn_upcall_pending, (unsigned long)vi->evtchn_pending_sel,
                (unsigned long)(prev_wait_ns / GK_NS_PER_MS),
                (unsigned long)(longest_wait_ns / GK_NS_PER_MS));
    gk_events_unmask();
}

GK_TEST(evt_pingpong)
{
    bool first;
    uint32_t port, sent = 0;

    GK_ASSERT(bt_cmdline_uint("self", &self_id) && bt_cmdline_uint("peer", &peer_id));
    bt_cmdline_uint("rounds", &rounds);
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT(gk_timer_port() != 0);
    if (bt_cmdline_uint("fifo", &fifo) && fifo) /* the timer's port is carried over */
        GK_ASSERT_EQ(gk_events_fifo_init(1), 0);
    first = self_id > peer_id; /* the binder sends first */
    gk_events_mask();
    port = first ? connect() : offer();
    GK_ASSERT_EQ(gk_event_set_handler(port, on_event, NULL), 0);
    gk_events_unmask();
    for (uint32_t i = 0; i < rounds; i++) {
        if (first) {
            GK_ASSERT_EQ(gk_event_send(port), 0);
            sent++;
        }
        uint64_t prev_wait_ns = last_wait_ns;

        if (!wait_for(port, i + 1, i ? ROUND_TIMEOUT_NS : START_TIMEOUT_NS)) {
            report_state(port, prev_wait_ns);
            GK_FAIL("round %u: no event from the peer within %u s (%u received)", i,
                    i ? 2 : 30, received);
            return;
        }
        if (i && last_wait_ns > longest_wait_ns)
            longest_wait_ns = last_wait_ns;
        if (received != i + 1) {
            GK_FAIL("round %u: %u events received, expected %u", i, received, i + 1);
            return;
        }
        if (!first) {
            GK_ASSERT_EQ(gk_event_send(port), 0);
            sent++;
        }
    }
    gk_sleep_ns(QUIET_NS); /* nothing more may come */
    GK_EXPECT_EQ(received, rounds);
    GK_EXPECT_EQ(sent, rounds);
    GK_EXPECT_EQ(gk_event_counts[port], rounds);
    gk_test_log("longest round trip %lu ms", (unsigned long)(longest_wait_ns / GK_NS_PER_MS));
    gk_test_log("port %u: %u events sent, %u received%s", port, sent, received,
                gk_events_fifo() ? " (FIFO)" : "");
}
