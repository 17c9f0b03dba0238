/*
 * Boot test "lazy_idle": a CPU that idles with the last vCPU's page tables still loaded (Xen's
 * lazy idle: no %cr3 write on the way into idle) must not keep them once their frames may be
 * used again. Domain 1 (any guest that powers off at once, e.g. hello) runs alone on CPU 0:
 * when it ends, CPU 0 idles with its L4 in %cr3, and its frames, the L4 among them, go back to
 * the pool when it is reaped. This guest, domain 2 on CPU 1, waits until domain 1 has ended
 * (remote_shutdown answers -ESRCH) and its reaping is done, then takes "frames=" frames with
 * increase_reservation, which hands out the most recently freed first (domain 1's) and zeroes
 * them, and brings up its vCPU 1, queued on CPU 0 since the domains were built: CPU 0 runs its
 * scheduler for it. A CPU 0 still walking domain 1's old L4 (zeroes now) faults inside the
 * hypervisor, and the machine resets or panics. The allocation must have flushed CPU 0 first,
 * which drops the kept tables for the idle ones (ipi.c). Run with --smp 2 and domain 1 first.
 */
#include "bt.h"
#include "gk/smp.h"
#include "gk/time.h"

#define MAX_FRAMES 2048

static uint64_t list[MAX_FRAMES];
static volatile bool helper_ran;

static long reservation(unsigned op, uint64_t n)
{
    struct pv_memory_reservation r = {.extent_start = (uint64_t)(uintptr_t)list, .nr_extents = n,
                                      .domid = PV_DOMID_SELF};

    return gk_hypercall_memory_op(op, &r);
}

static long probe(unsigned domid)
{
    struct pv_sched_remote_shutdown rs = {.domain_id = (pv_domid_t)domid,
                                          .reason = PV_SHUTDOWN_poweroff};

    return gk_hypercall_sched_op(PV_SCHEDOP_remote_shutdown, &rs);
}

static void helper(void *arg)
{
    (void)arg;
    helper_ran = true;
}

GK_TEST(lazy_idle)
{
    uint64_t n = 1024, deadline;

    GK_ASSERT_EQ(gk_shared_info_map(), 0); /* the clock */
    deadline = gk_time_now() + 10000 * GK_NS_PER_MS;
    bt_cmdline_uint("frames", &n);
    GK_ASSERT(n <= MAX_FRAMES);
    while (probe(1) == -PV_EPERM && gk_time_now() < deadline)
        gk_sleep_ns(GK_NS_PER_MS);
    GK_ASSERT_EQ(probe(1), -PV_ESRCH);
    gk_sleep_ns(200 * GK_NS_PER_MS); /* CPU 0 reaps it in its idle loop meanwhile */
    GK_ASSERT_EQ(reservation(PV_XENMEM_increase_reservation, n), (long)n);
    gk_test_log("took %lu frames, mfns %#lx .. %#lx", n, list[0], list[n - 1]);
    GK_ASSERT_EQ(gk_smp_up(1, helper, NULL), 0);
    deadline = gk_time_now() + 5000 * GK_NS_PER_MS;
    while (!helper_ran && gk_time_now() < deadline)
        gk_sleep_ns(GK_NS_PER_MS);
    GK_EXPECT(helper_ran);
    GK_EXPECT_EQ(reservation(PV_XENMEM_decrease_reservation, n), (long)n);
}
