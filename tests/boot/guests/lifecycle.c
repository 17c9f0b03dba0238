/*
 * Boot test guest "lifecycle", for the hypervisor's `selftest=lifecycle` (which pauses domain 1,
 * unpauses it, destroys domain 2 and builds domain 3 from domain 2's module at run time).
 * "role=keeper": works and yields until it has seen domain 3 run and end, then PASS.
 * "role=timed secs=S": works and yields for S seconds of TSC time, then PASS (domain 2 is
 * destroyed before that; domain 3, built from the same module, gets to the end).
 */
#include "bt.h"

#define GIVE_UP_SECS 60

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* TSC kHz from the hypervisor's CPUID leaf 0x40000003 (forced emulation: ud2; "xen"; cpuid). */
static uint64_t tsc_khz(void)
{
    uint32_t a = 0x40000003, b, c = 0, d;

    __asm__ volatile("ud2; .ascii \"xen\"; cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return c;
}

static long probe(uint64_t domid)
{
    struct pv_sched_remote_shutdown rs = {.domain_id = (pv_domid_t)domid,
                                          .reason = PV_SHUTDOWN_poweroff};

    return gk_hypercall_sched_op(PV_SCHEDOP_remote_shutdown, &rs);
}

static void work_a_little(void)
{
    static volatile uint64_t sink;

    for (unsigned i = 0; i < 2000; i++)
        sink += i * i;
    gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
}

static void keeper(uint64_t khz)
{
    uint64_t start = rdtsc();
    bool seen = false;

    for (;;) {
        long rc = probe(3);

        if (rc == -PV_EPERM)
            seen = true; /* domain 3 exists and runs */
        else if (seen && rc == -PV_ESRCH)
            break; /* and has ended */
        GK_ASSERT(rdtsc() - start < GIVE_UP_SECS * khz * 1000);
        work_a_little();
    }
    gk_test_log("keeper: domain 3 ran and ended");
}

GK_TEST(lifecycle)
{
    uint64_t khz = tsc_khz(), secs = 0, start;
    char role[16];

    GK_ASSERT(khz > 0);
    GK_ASSERT(gk_cmdline_get("role", role, sizeof(role)));
    if (!lib_strcmp(role, "keeper")) {
        keeper(khz);
        return;
    }
    GK_ASSERT(bt_cmdline_uint("secs", &secs));
    for (start = rdtsc(); rdtsc() - start < secs * khz * 1000;)
        work_a_little();
}
