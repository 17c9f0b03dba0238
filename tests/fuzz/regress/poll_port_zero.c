/*
 * tests/fuzz regression "poll_port_zero" (found by the fuzzing guest, seed 105, iteration
 * 12764): SCHEDOP_poll of the one port 0 with a timeout 1 ms ahead never returned. Port 0 is
 * reserved but, as in Xen, a port a poll may name; the hypervisor recorded the polled port in
 * a field where 0 also meant "not polling", so neither the deadline nor any event ended the
 * poll and the vCPU slept for good. The poll must end at its deadline, with 0.
 */
#include "gk/events.h"
#include "gk/hypercall.h"
#include "gk/test.h"
#include "gk/time.h"

#define WAIT_NS (20 * GK_NS_PER_MS)

GK_TEST(poll_port_zero)
{
    struct pv_evtchn_alloc_unbound a = {.dom = PV_DOMID_SELF, .remote_dom = PV_DOMID_SELF};
    uint32_t zero = 0;
    struct pv_sched_poll sp = {.ports = (uint64_t)(uintptr_t)&zero, .nr_ports = 1};
    uint64_t t0, took;

    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    /* A port of our own, so that port 0's storage exists; no timer event may end the poll. */
    GK_ASSERT_EQ(gk_hypercall_event_channel_op(PV_EVTCHNOP_alloc_unbound, &a), 0);
    GK_ASSERT(gk_timer_port() != 0); /* binding it stops the periodic timer */
    gk_events_mask();
    t0 = gk_time_now();
    sp.timeout = t0 + WAIT_NS;
    GK_ASSERT_EQ(gk_hypercall_sched_op(PV_SCHEDOP_poll, &sp), 0);
    took = gk_time_now() - t0;
    gk_test_log("the poll of port 0 returned after %lu us", took / GK_NS_PER_US);
    GK_EXPECT(took >= WAIT_NS);
}
