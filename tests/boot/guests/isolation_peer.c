/*
 * Boot test guest "isolation_peer": a well-behaved domain that does real work next to another
 * one. It keeps a set of pages filled with a pattern, checksums them round after round and
 * yields in between; with "wait=N" on its command line it keeps going until domain N has
 * ended (an unprivileged remote_shutdown of N answers -EPERM while N runs, -ESRCH after), then
 * does "rounds=" more rounds (default 20). PASS means its memory and its results stayed
 * intact throughout.
 */
#include "bt.h"

#define NR_PAGES 32
#define ROUNDS_AFTER 20 /* default for "rounds=" */
#define MAX_WAIT_ROUNDS 200000

static uint64_t *pages[NR_PAGES];

static uint64_t pattern(unsigned page, unsigned word)
{
    uint64_t x = (uint64_t)page * 0x9e3779b97f4a7c15ULL + word;

    return x ^ (x >> 29) ^ 0x5bd1e995ULL;
}

static void fill(void)
{
    for (unsigned p = 0; p < NR_PAGES; p++) {
        pages[p] = gk_page_alloc();
        GK_ASSERT(pages[p] != NULL);
        for (unsigned w = 0; w < 512; w++)
            pages[p][w] = pattern(p, w);
    }
}

/* One round of work: checksum every word; the result must never change. */
static uint64_t round_sum(void)
{
    uint64_t sum = 0;

    for (unsigned p = 0; p < NR_PAGES; p++)
        for (unsigned w = 0; w < 512; w++)
            sum = (sum << 7 | sum >> 57) ^ pages[p][w];
    return sum;
}

static long probe(unsigned domid)
{
    struct pv_sched_remote_shutdown rs = {.domain_id = (pv_domid_t)domid,
                                          .reason = PV_SHUTDOWN_poweroff};

    return gk_hypercall_sched_op(PV_SCHEDOP_remote_shutdown, &rs);
}

static bool one_round(uint64_t want)
{
    uint64_t got = round_sum();

    if (got != want) {
        GK_FAIL("checksum changed: %#lx, expected %#lx", got, want);
        return false;
    }
    return gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL) == 0;
}

static void wait_for(unsigned domid, uint64_t want)
{
    unsigned rounds = 0;
    long rc;

    while ((rc = probe(domid)) == -PV_EPERM) {
        if (++rounds > MAX_WAIT_ROUNDS) {
            GK_FAIL("domain %u still running after %u rounds", domid, rounds);
            return;
        }
        if (!one_round(want))
            return;
    }
    if (rc != -PV_ESRCH)
        GK_FAIL("remote_shutdown(%u) from an unprivileged domain returned %ld", domid, rc);
    gk_test_log("peer: domain %u ended after %u rounds", domid, rounds);
}

GK_TEST(isolation_peer)
{
    uint64_t want, domid, rounds = ROUNDS_AFTER;

    fill();
    want = round_sum();
    if (bt_cmdline_uint("wait", &domid))
        wait_for((unsigned)domid, want);
    bt_cmdline_uint("rounds", &rounds);
    for (uint64_t i = 0; i < rounds && !gk_test_failed(); i++)
        one_round(want);
    for (unsigned p = 0; p < NR_PAGES; p++)
        for (unsigned w = 0; w < 512; w++)
            if (pages[p][w] != pattern(p, w)) {
                GK_FAIL("page %u word %u changed", p, w);
                return;
            }
}
