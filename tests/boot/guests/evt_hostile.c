/*
 * Boot test "evt_hostile": a domain abusing the event-channel interface gets errors and
 * disturbs nobody. It runs next to an evt_pingpong pair ("victims=A,B": their ids) and, while
 * they exchange their events:
 *   - tries EVTCHNOP_bind_interdomain on the victims' ports 1..16 over and over: every port is
 *     closed, bound, or reserved for the other victim, so each try is -EINVAL (Xen:
 *     evtchn_bind_interdomain wants ECS_UNBOUND with remote_domid == the caller), or -ESRCH
 *     once that victim has ended;
 *   - sends on a port it closed, on one never opened and on one beyond the limit: -EINVAL;
 *   - binds VIRQ_TIMER for vCPU 0 twice: -EEXIST the second time;
 *   - allocates unbound ports (reserved for a victim) until -ENOSPC: the last port given is
 *     1023 (xl's default max_event_channels), a closed one is given again, all close again.
 * It keeps binding until both victims have ended (an unprivileged SCHEDOP_remote_shutdown
 * answers -EPERM while a domain exists, -ESRCH after); the victims must PASS.
 */
#include "bt.h"

#define LAST_PORT 1023
#define PROBE_PORTS 16

static uint64_t victim[2];

static long exists(uint64_t domid)
{
    struct pv_sched_remote_shutdown rs = {.domain_id = (pv_domid_t)domid,
                                          .reason = PV_SHUTDOWN_poweroff};

    return gk_hypercall_sched_op(PV_SCHEDOP_remote_shutdown, &rs) == -PV_EPERM;
}

/* One pass over the victims' first ports; false (and a failure) if one is not -EINVAL. */
static bool steal_pass(uint64_t *tries)
{
    for (unsigned v = 0; v < 2; v++)
        for (uint32_t p = 1; p <= PROBE_PORTS; p++) {
            uint32_t local;
            long rc = gk_evtchn_bind_interdomain((pv_domid_t)victim[v], p, &local);

            ++*tries;
            if (rc == -PV_ESRCH && !exists(victim[v]))
                continue; /* the victim has ended meanwhile */
            if (rc != -PV_EINVAL) {
                GK_FAIL("bind_interdomain to domain %lu port %u: %ld, expected -EINVAL", victim[v],
                        p, rc);
                return false;
            }
        }
    return true;
}

static void exhaust(void)
{
    static uint32_t mine[LAST_PORT + 1];
    uint32_t n = 0, port, again;
    long rc;

    while ((rc = gk_evtchn_alloc_unbound((pv_domid_t)victim[1], &port)) == 0 && n <= LAST_PORT)
        mine[n++] = port;
    GK_EXPECT_EQ(rc, -PV_ENOSPC);
    GK_ASSERT(n > 0);
    GK_EXPECT_EQ(mine[n - 1], LAST_PORT);
    GK_EXPECT_EQ(gk_evtchn_alloc_unbound((pv_domid_t)victim[1], &port), -PV_ENOSPC);
    GK_EXPECT_EQ(gk_evtchn_close(mine[n / 2]), 0);
    GK_EXPECT_EQ(gk_evtchn_alloc_unbound((pv_domid_t)victim[1], &again), 0);
    GK_EXPECT_EQ(again, mine[n / 2]);
    for (uint32_t i = 0; i < n; i++)
        GK_EXPECT_EQ(gk_evtchn_close(mine[i]), 0);
    GK_EXPECT_EQ(gk_evtchn_alloc_unbound((pv_domid_t)victim[1], &port), 0);
    GK_EXPECT_EQ(port, mine[0]);
    GK_EXPECT_EQ(gk_evtchn_close(port), 0);
    gk_test_log("%u ports allocated up to port %u, then -ENOSPC", n, mine[n - 1]);
}

GK_TEST(evt_hostile)
{
    char list[32] = "";
    uint64_t tries = 0, limit;
    uint32_t p, q;
    const char *comma;

    GK_ASSERT(gk_cmdline_get("victims", list, sizeof(list)));
    comma = lib_strchr(list, ',');
    GK_ASSERT(comma != NULL);
    victim[0] = list[0] - '0';
    victim[1] = comma[1] - '0';
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT(exists(victim[0]) && exists(victim[1]));
    limit = gk_time_now() + 8000 * GK_NS_PER_MS;

    steal_pass(&tries);
    GK_ASSERT_EQ(gk_evtchn_alloc_unbound(PV_DOMID_SELF, &p), 0);
    GK_EXPECT_EQ(gk_evtchn_close(p), 0);
    GK_EXPECT_EQ(gk_event_send(p), -PV_EINVAL);   /* closed */
    GK_EXPECT_EQ(gk_event_send(700), -PV_EINVAL); /* never opened */
    GK_EXPECT_EQ(gk_event_send(5000), -PV_EINVAL); /* beyond the 2-level limit */
    GK_ASSERT_EQ(gk_evtchn_bind_virq(PV_VIRQ_TIMER, 0, &p), 0);
    GK_EXPECT_EQ(gk_evtchn_bind_virq(PV_VIRQ_TIMER, 0, &q), -PV_EEXIST);
    GK_EXPECT_EQ(gk_evtchn_close(p), 0);
    GK_EXPECT_EQ(gk_evtchn_bind_virq(PV_VIRQ_TIMER, 0, &q), 0); /* free again once closed */
    GK_EXPECT_EQ(gk_evtchn_close(q), 0);
    exhaust();
    while ((exists(victim[0]) || exists(victim[1])) && !gk_test_failed()) {
        if (!steal_pass(&tries))
            break;
        if (gk_time_now() > limit) {
            GK_FAIL("the victims still run after 8 s");
            break;
        }
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    }
    gk_test_log("%lu bind_interdomain attempts on the victims' ports, all -EINVAL", tries);
}
