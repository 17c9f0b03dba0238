/*
 * Boot test guest "spinner": spins without ever yielding or blocking while another domain
 * ("worker=N", an isolation_peer that yields) does its job. It only watches the TSC for gaps
 * (time it did not run) and now and then asks, with a non-yielding hypercall, whether the
 * worker still exists (an unprivileged remote_shutdown answers -EPERM while it runs, -ESRCH
 * once it has ended). The worker can only finish if the timer tick preempts the spinner, so
 * PASS needs: the worker was running when the spinning began, it ended while the spinner
 * spun, and the spinner saw itself descheduled at least once.
 *
 * With "console=1" it spins inside the hypervisor instead: every probe is preceded by one
 * console_io write of 8 MiB of carriage returns (which print nothing) and a last line, a call far
 * longer than a tick that the hypervisor must preempt and continue; the line must come out whole.
 */
#include "bt.h"

#define PROBE_EVERY 4096     /* loop iterations between two probes */
#define GAP_CYCLES 200000ULL /* a TSC jump this large (~0.1 ms) means another domain ran */
#define GIVE_UP_CYCLES (60ULL * 1000 * 1000 * 1000) /* ~20 s at 3 GHz: the worker is stuck */
#define TAIL "spinner: last line of the long write\n"

static char long_write[(8u << 20) + sizeof(TAIL) - 1];

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static long probe(uint64_t domid)
{
    struct pv_sched_remote_shutdown rs = {.domain_id = (pv_domid_t)domid,
                                          .reason = PV_SHUTDOWN_poweroff};

    return gk_hypercall_sched_op(PV_SCHEDOP_remote_shutdown, &rs);
}

GK_TEST(spinner)
{
    uint64_t worker, start, prev, now, gaps = 0, max_gap = 0, spins = 0, console = 0;
    long rc;

    GK_ASSERT(bt_cmdline_uint("worker", &worker));
    bt_cmdline_uint("console", &console);
    memset(long_write, '\r', sizeof(long_write));
    memcpy(long_write + sizeof(long_write) - (sizeof(TAIL) - 1), TAIL, sizeof(TAIL) - 1);
    GK_ASSERT_EQ(probe(worker), -PV_EPERM); /* the worker is there to begin with */
    start = prev = rdtsc();
    for (;;) {
        now = rdtsc();
        if (now - prev > GAP_CYCLES) {
            gaps++;
            max_gap = now - prev > max_gap ? now - prev : max_gap;
        }
        prev = now;
        if (++spins % PROBE_EVERY && !console)
            continue;
        if (console)
            GK_ASSERT_EQ(gk_hypercall_console_io(PV_CONSOLEIO_write, sizeof(long_write),
                                                 long_write), 0);
        if ((rc = probe(worker)) != -PV_EPERM)
            break;
        if (now - start > GIVE_UP_CYCLES) {
            GK_FAIL("worker domain %lu still running after %lu TSC cycles of spinning", worker,
                    now - start);
            return;
        }
        prev = rdtsc(); /* the probe's own time is not a gap */
    }
    GK_EXPECT_EQ(rc, -PV_ESRCH);
    if (!console) /* (the writes' own time, descheduled or not, is not looked at) */
        GK_EXPECT_GE(gaps, 1);
    gk_test_log("spinner: %lu iterations, %lu gaps (longest %lu cycles) until the worker ended",
                spins, gaps, max_gap);
}
