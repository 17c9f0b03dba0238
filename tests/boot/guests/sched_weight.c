/*
 * Boot test "sched_weight": CPU-bound domains get CPU time in proportion to their weights.
 * Run two (or more) on one CPU with module options weight=W and "share=S" (the expected
 * share of the CPU, per mille: W / the sum of the weights). Each spins from system time
 * start_ms (default 1000, after every domain has booted) to start_ms + window_ms (default
 * 3000), reading its running time with VCPUOP_get_runstate_info at both ends, and passes if
 * its running time is S per mille of the elapsed time, within 50 per mille (5 % of the window).
 */
#include "bt.h"

static uint64_t running(void)
{
    struct pv_vcpu_runstate_info rs;

    GK_ASSERT_EQ(gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_get_runstate_info, 0, &rs, 0, 0), 0);
    return rs.time[PV_RUNSTATE_running];
}

GK_TEST(sched_weight)
{
    uint64_t share, start_ms = 1000, window_ms = 3000, t0, t1, r0, r1, got;

    GK_ASSERT(bt_cmdline_uint("share", &share));
    bt_cmdline_uint("start_ms", &start_ms);
    bt_cmdline_uint("window_ms", &window_ms);
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT(gk_time_now() < start_ms * GK_NS_PER_MS); /* booted before the window */
    while (gk_time_now() < start_ms * GK_NS_PER_MS)
        ;
    r0 = running();
    t0 = gk_time_now();
    while (gk_time_now() < (start_ms + window_ms) * GK_NS_PER_MS)
        ;
    r1 = running();
    t1 = gk_time_now();
    got = (r1 - r0) * 1000 / (t1 - t0);
    gk_test_log("ran %lu ms of %lu ms: %lu per mille (expected %lu +- 50)", (r1 - r0) / GK_NS_PER_MS,
                (t1 - t0) / GK_NS_PER_MS, got, share);
    GK_EXPECT_GE(got + 50, share);
    GK_EXPECT_LE(got, share + 50);
}
