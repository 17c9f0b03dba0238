/*
 * Boot test "evt_mask": masking, unmasking and re-delivery, through the guest kit's upcall
 * dispatcher (docs/porting/events.md, xen/common/event_2l.c). A loopback channel (a port
 * allocated for ourselves and bound) carries the events; a handler counts them:
 *   - unmasked: a send is handled before the hypercall returns, and the pending bit is clear;
 *   - port masked: sends set the pending bit only (no upcall, no selector bit); several sends
 *     latch one edge; EVTCHNOP_unmask delivers it exactly once;
 *   - port masked, pending bit cleared by the guest before the unmask: nothing is delivered;
 *   - vCPU masked (evtchn_upcall_mask): a send sets pending, the selector bit and
 *     evtchn_upcall_pending, but no upcall comes; unmasking delivers it exactly once;
 *   - a port masked with the vCPU masked, then the vCPU unmasked: still nothing until the port
 *     is unmasked;
 *   - waiting for a masked port in SCHEDOP_poll (20 ms timeout, nothing sent) and in
 *     SCHEDOP_block (20 ms timer) leaves the vCPU blocked, not running, for (at least half of)
 *     that time (VCPUOP_get_runstate_info).
 */
#include "bt.h"

static volatile uint32_t hits;

static void count(pv_evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    hits++;
}

static bool sel_bit(uint32_t port)
{
    return gk_vcpu_info()->evtchn_pending_sel & (1ULL << (port / 64));
}

static struct pv_vcpu_runstate_info runstate(void)
{
    struct pv_vcpu_runstate_info rs;

    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_get_runstate_info, 0, &rs, 0, 0), 0);
    return rs;
}

/* 20 ms in SCHEDOP_poll on a quiet port, then 20 ms in SCHEDOP_block: blocked, not running.
 * Blocked for at least half of it: a busy emulator host may stall the vCPU between the wake-up
 * and its return to the guest, and that time counts as running. */
#define BLOCKED_MIN_NS (10 * GK_NS_PER_MS)
static void check_waits_block(uint32_t quiet)
{
    struct pv_sched_poll sp = {.ports = (uint64_t)(uintptr_t)&quiet, .nr_ports = 1};
    struct pv_vcpu_runstate_info a, b;
    uint64_t t0;

    gk_events_mask();
    a = runstate();
    t0 = gk_time_now();
    sp.timeout = t0 + 20 * GK_NS_PER_MS;
    GK_EXPECT_EQ(gk_hypercall_sched_op(PV_SCHEDOP_poll, &sp), 0);
    b = runstate();
    GK_EXPECT_GE(gk_time_now() - t0, 20 * GK_NS_PER_MS);
    GK_EXPECT_GE(b.time[PV_RUNSTATE_blocked] - a.time[PV_RUNSTATE_blocked], BLOCKED_MIN_NS);
    gk_test_log("20 ms SCHEDOP_poll: %lu us blocked, %lu us running",
                (b.time[PV_RUNSTATE_blocked] - a.time[PV_RUNSTATE_blocked]) / 1000,
                (b.time[PV_RUNSTATE_running] - a.time[PV_RUNSTATE_running]) / 1000);
    a = b;
    GK_EXPECT_EQ(gk_sleep_ns(20 * GK_NS_PER_MS), 0);
    b = runstate();
    GK_EXPECT_GE(b.time[PV_RUNSTATE_blocked] - a.time[PV_RUNSTATE_blocked], BLOCKED_MIN_NS);
    gk_test_log("20 ms sleep in SCHEDOP_block: %lu us blocked, %lu us running",
                (b.time[PV_RUNSTATE_blocked] - a.time[PV_RUNSTATE_blocked]) / 1000,
                (b.time[PV_RUNSTATE_running] - a.time[PV_RUNSTATE_running]) / 1000);
    gk_events_unmask();
}

GK_TEST(evt_mask)
{
    struct pv_vcpu_info *v;
    uint32_t a, b;
    uint64_t upcalls;

    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    v = gk_vcpu_info();
    gk_events_mask();
    GK_ASSERT_EQ(gk_evtchn_alloc_unbound(PV_DOMID_SELF, &a), 0);
    GK_ASSERT_EQ(gk_evtchn_bind_interdomain(PV_DOMID_SELF, a, &b), 0);
    GK_EXPECT(gk_event_pending(b)); /* the bind raised its end once */
    gk_event_clear(b);
    GK_ASSERT_EQ(gk_event_set_handler(a, count, NULL), 0);
    gk_events_unmask();

    /* Unmasked: delivered on the way back from the send. */
    GK_EXPECT_EQ(gk_event_send(b), 0);
    GK_EXPECT_EQ(hits, 1);
    GK_EXPECT(!gk_event_pending(a));

    /* Port masked: pending only; one edge for three sends; unmask delivers it once. */
    gk_event_mask_port(a);
    upcalls = gk_nr_events;
    for (unsigned i = 0; i < 3; i++)
        GK_EXPECT_EQ(gk_event_send(b), 0);
    GK_EXPECT_EQ(hits, 1);
    GK_EXPECT_EQ(gk_nr_events, upcalls);
    GK_EXPECT(gk_event_pending(a));
    GK_EXPECT(!sel_bit(a));
    GK_EXPECT_EQ(gk_event_unmask_port(a), 0);
    GK_EXPECT_EQ(hits, 2);
    GK_EXPECT_EQ(gk_nr_events, upcalls + 1);
    GK_EXPECT(!gk_event_pending(a));
    GK_EXPECT_EQ(gk_event_send(b), 0); /* and it works normally again */
    GK_EXPECT_EQ(hits, 3);

    /* Port masked, pending cleared by the guest: the unmask has nothing to deliver. */
    gk_event_mask_port(a);
    GK_EXPECT_EQ(gk_event_send(b), 0);
    GK_EXPECT(gk_event_pending(a));
    gk_event_clear(a);
    upcalls = gk_nr_events;
    GK_EXPECT_EQ(gk_event_unmask_port(a), 0);
    GK_EXPECT_EQ(hits, 3);
    GK_EXPECT_EQ(gk_nr_events, upcalls);

    /* vCPU masked: pending, selector and upcall_pending set, no upcall; unmask delivers once. */
    gk_events_mask();
    GK_EXPECT_EQ(gk_event_send(b), 0);
    GK_EXPECT_EQ(gk_event_send(b), 0);
    GK_EXPECT_EQ(hits, 3);
    GK_EXPECT(gk_event_pending(a));
    GK_EXPECT(sel_bit(a));
    GK_EXPECT_EQ(v->evtchn_upcall_pending, 1);
    gk_events_unmask();
    GK_EXPECT_EQ(hits, 4);
    GK_EXPECT(!gk_event_pending(a));
    GK_EXPECT_EQ(v->evtchn_upcall_pending, 0);

    /* Both masked; the vCPU unmasked first: the port still holds its event. */
    gk_events_mask();
    gk_event_mask_port(a);
    GK_EXPECT_EQ(gk_event_send(b), 0);
    gk_events_unmask();
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_version, NULL) > 0, 1);
    GK_EXPECT_EQ(hits, 4);
    GK_EXPECT(gk_event_pending(a));
    GK_EXPECT_EQ(gk_event_unmask_port(a), 0);
    GK_EXPECT_EQ(hits, 5);

    /* The other direction, and closing: a closed port refuses sends. */
    GK_ASSERT_EQ(gk_event_set_handler(b, count, NULL), 0);
    GK_EXPECT_EQ(gk_event_send(a), 0);
    GK_EXPECT_EQ(hits, 6);
    GK_EXPECT_EQ(gk_evtchn_close(b), 0);
    GK_EXPECT_EQ(gk_event_send(b), -PV_EINVAL);
    GK_EXPECT_EQ(gk_event_send(a), 0); /* unbound now: dropped */
    GK_EXPECT_EQ(hits, 6);
    gk_test_log("%u events handled in %lu upcalls", hits, gk_nr_events);
    check_waits_block(a); /* a: unbound now, nothing arrives on it */
}
