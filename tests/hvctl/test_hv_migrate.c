/* Unit tests of live migration's round logic (dom0-tools/libhv/migrate_plan.c: when to stop,
 * auto-converge, the bandwidth limit, the duty cycle), of its end-to-end page checksums
 * (stream_sum.c: written, read back, a damaged page and a wrong count refused) and of its socket
 * transport (migrate_tcp.c: the listening line, the secret's check, and a listener on the
 * loopback refusing strangers and wrong secrets, accepting the right one). */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "dom0-tools/libhv/migrate.h"
#include "dom0-tools/libhv/stream.h"
#include "pv-abi/domctl.h"

static const struct hv_migrate_opts defaults = HV_MIGRATE_OPTS_DEFAULT;

/* 1024 pages sent in a second: 100 dirty pages take 98 ms, more than 30; then 100 pages in
 * 0.1 s (slower: the rate stays the first round's): 5 dirty pages take 4.9 ms and fit. */
static void test_stops_when_the_last_round_fits(void **state)
{
    struct hv_mig_plan p;

    (void)state;
    hv_mig_plan_init(&p, &defaults);
    assert_int_equal(hv_mig_plan_next(&p, 1024, 1.0, 100), HV_MIG_ROUND);
    assert_true(p.est_ms > 97 && p.est_ms < 98);
    assert_int_equal(p.round, 1);
    assert_int_equal(hv_mig_plan_next(&p, 100, 0.1, 5), HV_MIG_STOP_AND_COPY);
    assert_true(p.est_ms > 4.87 && p.est_ms < 4.89); /* at 1024 pages/s */
    hv_mig_plan_init(&p, &defaults);
    assert_int_equal(hv_mig_plan_next(&p, 1024, 1.0, 0), HV_MIG_STOP_AND_COPY);
    assert_true(p.est_ms == 0);
}

/* A round that sent nothing keeps the last rate; with no rate at all, only nothing dirty fits. */
static void test_rate_kept_and_unknown(void **state)
{
    struct hv_mig_plan p;

    (void)state;
    hv_mig_plan_init(&p, &defaults);
    assert_int_equal(hv_mig_plan_next(&p, 0, 0.5, 1), HV_MIG_ROUND);
    assert_true(p.est_ms > 1e9);
    assert_int_equal(hv_mig_plan_next(&p, 2048, 1.0, 1000), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 0, 0.2, 10), HV_MIG_STOP_AND_COPY);
    assert_true(p.rate == 2048 * 4096.0);
}

/* The fastest round sets the rate: a small round, mostly fixed costs, does not lower it; a
 * faster one raises it. */
static void test_rate_is_the_fastest(void **state)
{
    struct hv_mig_plan p;

    (void)state;
    hv_mig_plan_init(&p, &defaults);
    assert_int_equal(hv_mig_plan_next(&p, 4096, 8.0, 1000), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 900, 5.0, 800), HV_MIG_ROUND);
    assert_true(p.rate == 512 * 4096.0);
    assert_int_equal(hv_mig_plan_next(&p, 800, 0.5, 700), HV_MIG_ROUND);
    assert_true(p.rate == 1600 * 4096.0);
}

/* Auto-converge's throttle as it doubles from 20 % to its 99 % ceiling. */
static const unsigned throttles[] = {20, 40, 80, 99};

/* An idle guest's working set (the pages its ticks and the hypervisor write) over the limit at
 * a slow link, near it (140 ms, not 10 times 30): the estimate stops improving at 14 pages and
 * two rounds later it stops and copies, never throttled. A set far from fitting (1,000 pages:
 * 10 s) is throttled first, doubling 20, 40, 80, 99 %; at 99 % without progress it stops.
 * Without auto-converge it stops two rounds after the last progress; with --abort-on-max it
 * goes on to the limit. A set shrinking, less than half of what each round sent, goes on
 * unthrottled until it fits. */
static void test_no_progress(void **state)
{
    struct hv_migrate_opts o = defaults;
    struct hv_mig_plan p;
    unsigned i;

    (void)state;
    hv_mig_plan_init(&p, &defaults); /* 100 pages/s: 14 pages take 140 ms */
    assert_int_equal(hv_mig_plan_next(&p, 4095, 40.95, 19), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 18, 0.5, 14), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 13, 0.5, 14), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 14, 0.5, 14), HV_MIG_STOP_AND_COPY);
    assert_string_equal(p.why, "no progress");
    assert_int_equal(p.throttle, 0);
    assert_true(p.est_ms > 139 && p.est_ms < 141);
    hv_mig_plan_init(&p, &defaults);
    assert_int_equal(hv_mig_plan_next(&p, 4095, 40.95, 1000), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 1000, 10, 1000), HV_MIG_ROUND);
    assert_int_equal(p.throttle, 0);
    for (i = 0; i < 4; i++) {
        assert_int_equal(hv_mig_plan_next(&p, 1000, 10, 1000), HV_MIG_ROUND);
        assert_int_equal(p.throttle, throttles[i]);
    }
    assert_int_equal(hv_mig_plan_next(&p, 1000, 10, 1000), HV_MIG_STOP_AND_COPY);
    assert_string_equal(p.why, "no progress, even throttled to 99 %");
    o.auto_converge = false;
    hv_mig_plan_init(&p, &o);
    assert_int_equal(hv_mig_plan_next(&p, 4095, 40.95, 1000), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 1000, 10, 1000), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 1000, 10, 1000), HV_MIG_STOP_AND_COPY);
    assert_string_equal(p.why, "no progress");
    o.abort_on_max = true;
    o.max_rounds = 10;
    hv_mig_plan_init(&p, &o);
    for (i = 0; i < 9; i++)
        assert_int_equal(hv_mig_plan_next(&p, 14, 0.14, 14), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 14, 0.14, 14), HV_MIG_ABORT);
    assert_string_equal(p.why, "the round limit");
    hv_mig_plan_init(&p, &defaults);
    assert_int_equal(hv_mig_plan_next(&p, 4095, 40.95, 40), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 40, 0.5, 18), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 18, 0.5, 8), HV_MIG_ROUND);
    assert_int_equal(p.throttle, 0);
    assert_int_equal(hv_mig_plan_next(&p, 8, 0.5, 3), HV_MIG_STOP_AND_COPY);
    assert_string_equal(p.why, "the estimated downtime fits the limit");
}

/* At max_rounds: stop-and-copy, or abort with --abort-on-max; a round that fits wins. */
static void test_max_rounds(void **state)
{
    struct hv_migrate_opts o = defaults;
    struct hv_mig_plan p;
    unsigned i;

    (void)state;
    o.max_rounds = 3;
    hv_mig_plan_init(&p, &o);
    for (i = 0; i < 2; i++)
        assert_int_equal(hv_mig_plan_next(&p, 1024, 1.0, 1024), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 1024, 1.0, 1024), HV_MIG_STOP_AND_COPY);
    o.abort_on_max = true;
    hv_mig_plan_init(&p, &o);
    for (i = 0; i < 2; i++)
        assert_int_equal(hv_mig_plan_next(&p, 1024, 1.0, 1024), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 1024, 1.0, 1024), HV_MIG_ABORT);
    hv_mig_plan_init(&p, &o);
    for (i = 0; i < 2; i++)
        assert_int_equal(hv_mig_plan_next(&p, 1024, 1.0, 1024), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 1024, 1.0, 1), HV_MIG_STOP_AND_COPY);
}

/* At 1000 pages/s (a page's estimate is 1 ms) with a 10 ms limit (throttling above 100 ms):
 * dirtying more than half of what was sent two rounds running throttles while the estimate
 * still improves, 20 % then 10 % more a round; a calm round resets the count (the throttle
 * stays); no progress doubles it to 99 %, then stop-and-copy. Throttled, a guest whose dirtying
 * slows converges. Off: never throttled, and no progress stops. */
static void test_auto_converge(void **state)
{
    static const uint64_t hot[] = {1000, 900, 800, 700, 620};
    struct hv_migrate_opts o = defaults;
    struct hv_mig_plan p;
    unsigned i;

    (void)state;
    o.max_rounds = 100;
    o.downtime_ms = 10;
    hv_mig_plan_init(&p, &o);
    for (i = 0; i + 1 < 5; i++)
        assert_int_equal(hv_mig_plan_next(&p, hot[i], hot[i] / 1000.0, hot[i + 1]), HV_MIG_ROUND);
    assert_int_equal(p.throttle, 40); /* 0, 20, 30, 40 */
    assert_int_equal(p.stalled, 0);
    assert_int_equal(hv_mig_plan_next(&p, 620, 0.62, 300), HV_MIG_ROUND); /* calm */
    assert_int_equal(p.throttle, 40);
    assert_int_equal(hv_mig_plan_next(&p, 300, 0.3, 300), HV_MIG_ROUND);
    assert_int_equal(p.throttle, 40);
    assert_int_equal(hv_mig_plan_next(&p, 300, 0.3, 300), HV_MIG_ROUND);
    assert_int_equal(p.throttle, 80);
    assert_int_equal(hv_mig_plan_next(&p, 300, 0.3, 300), HV_MIG_ROUND);
    assert_int_equal(p.throttle, 99);
    assert_int_equal(hv_mig_plan_next(&p, 300, 0.3, 300), HV_MIG_STOP_AND_COPY);
    /* throttled, the guest's dirtying slows: the estimate improves and fits */
    hv_mig_plan_init(&p, &o);
    for (i = 0; i < 3; i++)
        hv_mig_plan_next(&p, 1000, 1.0, 1000);
    assert_int_equal(p.throttle, 40); /* hot twice: 20; no progress twice: doubled */
    assert_int_equal(hv_mig_plan_next(&p, 1000, 1.0, 800), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 800, 0.8, 400), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 400, 0.4, 100), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 100, 0.1, 8), HV_MIG_STOP_AND_COPY);
    assert_string_equal(p.why, "the estimated downtime fits the limit");
    o.auto_converge = false;
    hv_mig_plan_init(&p, &o);
    for (i = 0; i < 2; i++)
        assert_int_equal(hv_mig_plan_next(&p, 1000, 1.0, 900), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 1000, 1.0, 900), HV_MIG_STOP_AND_COPY);
    assert_int_equal(p.throttle, 0);
}

/* Once throttled, the throttle goes on rising though the estimate falls below ten times the
 * limit (the scenario's 532 pages over 1 MiB/s: 2 s for 200 ms, where the throttle once stayed
 * at 60 %). 1000 pages/s, a 10 ms limit: 1,000 dirty pages twice throttle 20 %; the set falls
 * to 60 pages (60 ms: near, but no fit) and stays: doubled, 40, 80, 99 %, then stop-and-copy
 * without progress at 99 %. A guest whose set shrinks under the higher throttle fits. With
 * --abort-on-max (no stop without progress) the hot rounds raise it too. */
static const uint64_t near_set[][2] = {{1000, 1000}, {1000, 1000}, {1000, 300}, {300, 60}};

static void near_rounds(struct hv_mig_plan *p)
{
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(hv_mig_plan_next(p, near_set[i][0], near_set[i][0] / 1000.0,
                                          near_set[i][1]),
                         HV_MIG_ROUND);
    assert_int_equal(p->throttle, 20);
    assert_true(p->est_ms > 50 && p->est_ms < 70);
}

static void test_auto_converge_near(void **state)
{
    struct hv_migrate_opts o = defaults;
    struct hv_mig_plan p;
    unsigned i;

    (void)state;
    o.max_rounds = 100;
    o.downtime_ms = 10;
    hv_mig_plan_init(&p, &o);
    near_rounds(&p);
    for (i = 0; i < 4; i++) {
        assert_int_equal(hv_mig_plan_next(&p, 60, 0.06, 60), HV_MIG_ROUND);
        assert_int_equal(p.throttle, throttles[i]);
    }
    assert_int_equal(hv_mig_plan_next(&p, 60, 0.06, 60), HV_MIG_STOP_AND_COPY);
    assert_string_equal(p.why, "no progress, even throttled to 99 %");
    hv_mig_plan_init(&p, &o);
    near_rounds(&p);
    for (i = 0; i < 2; i++)
        assert_int_equal(hv_mig_plan_next(&p, 60, 0.06, 60), HV_MIG_ROUND);
    assert_int_equal(p.throttle, 40);
    assert_int_equal(hv_mig_plan_next(&p, 60, 0.06, 30), HV_MIG_ROUND);
    assert_int_equal(hv_mig_plan_next(&p, 30, 0.03, 8), HV_MIG_STOP_AND_COPY);
    assert_string_equal(p.why, "the estimated downtime fits the limit");
    o.abort_on_max = true;
    o.max_rounds = 12;
    hv_mig_plan_init(&p, &o);
    near_rounds(&p);
    for (i = 0; i < 7; i++)
        assert_int_equal(hv_mig_plan_next(&p, 60, 0.06, 60), HV_MIG_ROUND);
    assert_int_equal(p.throttle, 99);
    assert_int_equal(hv_mig_plan_next(&p, 60, 0.06, 60), HV_MIG_ABORT);
}

/* The throttler's loop (migrate.c) on a machine that wakes it `late` ms after each poll it asks
 * for (free intervals of 50 ms's unthrottled share, plus 1, and holds); the share of the time
 * the guest was held. A hold is never longer than the maximum. */
static double held_share(unsigned throttle, double late)
{
    double wait = 50 * (100 - throttle) / 100 + 1, free = 0, let_run = 0, held = 0;

    for (unsigned i = 0; i < 2000; i++) {
        unsigned hold;

        free += wait + late;
        hold = hv_mig_hold_ms(throttle, let_run + free, held, 1000);
        assert_true(hold <= 1000);
        if (!hold)
            continue;
        let_run += free;
        free = 0;
        held += hold + late;
    }
    return held * 100 / (held + let_run + free);
}

/* The share held is the throttle asked, however late the throttler wakes (a fixed duty cycle,
 * 45 of every 50 ms, held a guest asked 90 % only 72 % of the time with wake-ups 20 ms late),
 * up to what 1 s holds allow; none at 0 %; a hold under 1 ms is none. */
static void test_throttle_ledger(void **state)
{
    static const unsigned asked[] = {20, 50, 90};
    static const double lates[] = {0, 5, 20, 50};

    (void)state;
    for (unsigned i = 0; i < 3; i++)
        for (unsigned j = 0; j < 4; j++) {
            double share = held_share(asked[i], lates[j]);

            if (share < asked[i] - 1 || share > asked[i] + 1)
                fail_msg("throttle %u %%, wake-ups %.0f ms late: held %.1f %%", asked[i],
                         lates[j], share);
        }
    assert_true(held_share(99, 0) > 98.5 && held_share(99, 5) > 98.5);
    assert_true(held_share(99, 500) < 80); /* holds of at most 1 s: 1,500 ms of 2,001 */
    assert_int_equal(held_share(0, 20), 0);
    assert_int_equal(hv_mig_hold_ms(90, 10, 89.5, 1000), 0);
    assert_int_equal(hv_mig_hold_ms(90, 10, 80, 1000), 10);
    assert_int_equal(hv_mig_hold_ms(100, 0, 0, 1000), 1000);
}

/* 10 MiB sent after 2 s at 1 MiB/s: wait 8 s more; behind the limit or unlimited: no wait. */
static void test_pace(void **state)
{
    (void)state;
    assert_true(hv_mig_pace(10u << 20, 2.0, 1) > 7.99 && hv_mig_pace(10u << 20, 2.0, 1) < 8.01);
    assert_true(hv_mig_pace(10u << 20, 20.0, 1) == 0);
    assert_true(hv_mig_pace(10u << 20, 0.0, 0) == 0);
}

/* Differs for one changed bit, for two swapped words, and from an all-zero page's. */
static void test_page_sum(void **state)
{
    static uint8_t a[4096], b[4096];
    uint64_t x = 1, y = 2;

    (void)state;
    memset(a, 0x5a, sizeof(a));
    memcpy(b, a, sizeof(b));
    assert_true(hv_page_sum(a) == hv_page_sum(b));
    b[4095] ^= 1;
    assert_true(hv_page_sum(a) != hv_page_sum(b));
    memcpy(a, &x, 8), memcpy(a + 8, &y, 8);
    memcpy(b, a, sizeof(b));
    memcpy(b, &y, 8), memcpy(b + 8, &x, 8);
    assert_true(hv_page_sum(a) != hv_page_sum(b));
    memset(b, 0, sizeof(b));
    assert_true(hv_page_sum(a) != hv_page_sum(b));
}

/* A PAGE_SUMS record through a pipe, checked against a PAGE_DATA's pages: accepted as sent,
 * refused with the pfn when a page changed, refused when the counts differ. */
static void test_page_sums_record(void **state)
{
    static uint8_t pages[3 * 4096];
    uint64_t ents[4] = {0x10, (uint64_t)PV_DOMCTL_PFINFO_XTAB << HV_STREAM_TYPE_SHIFT | 0x11,
                        0x12, 0x13};
    struct hv_page_data pd = {4, ents, pages, 3};
    struct hv_stream w, r;
    struct hv_stream_rec rec = {0};
    struct hv_err err = {""};
    int fds[2];
    unsigned i;

    (void)state;
    for (i = 0; i < sizeof(pages); i++)
        pages[i] = (uint8_t)(i * 7 + i / 4096);
    assert_int_equal(pipe(fds), 0);
    hv_stream_init(&w, fds[1], "pipe", &err);
    hv_stream_init(&r, fds[0], "pipe", &err);
    assert_int_equal(hv_stream_put_page_sums(&w, pages, 3), 0);
    assert_int_equal(hv_stream_get_record(&r, &rec, HV_STREAM_MAX_RECORD), 0);
    assert_int_equal(rec.type, HV_REC_HV_PAGE_SUMS);
    assert_true(rec.type & HV_REC_OPTIONAL);
    assert_int_equal(rec.len, 8 + 3 * 8);
    assert_int_equal(hv_stream_check_page_sums(rec.body, rec.len, &pd, &err), 0);
    pages[2 * 4096 + 100] ^= 0x80; /* the third page with data: pfn 0x13 */
    assert_int_equal(hv_stream_check_page_sums(rec.body, rec.len, &pd, &err), -EBADMSG);
    assert_non_null(strstr(err.msg, "pfn 0x13: checksum"));
    pages[2 * 4096 + 100] ^= 0x80;
    pd.n_pages = 2;
    assert_int_equal(hv_stream_check_page_sums(rec.body, rec.len, &pd, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "PAGE_SUMS for 3 pages before a PAGE_DATA of 2"));
    pd.n_pages = 3;
    assert_int_equal(hv_stream_check_page_sums(rec.body, rec.len - 8, &pd, &err), -EINVAL);
    free(rec.body);
    close(fds[0]);
    close(fds[1]);
}

#define SECRET "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The listening line: its fields; refused when anything is off (prefix, port, secret, words). */
static void test_listen_line(void **state)
{
    static const char *bad[] = {
        "hvctl migration receiver listening: port 0 secret " SECRET " address -\n",
        "hvctl migration receiver listening: port 65536 secret " SECRET " address -\n",
        "hvctl migration receiver listening: port -1 secret " SECRET " address -\n",
        "hvctl migration receiver listening: port 7070 secret 0123abc address -\n",
        "hvctl migration receiver listening: port 7070 secret " SECRET "0 address -\n",
        "hvctl migration receiver listening: port 7070 secret " SECRET " address\n",
        "hvctl migration receiver listening: port 7070 secret " SECRET " address - x\n",
        "hvctl migration receiver listening: port 7070 secret " SECRET "\n",
        "xl migration receiver ready, send binary domain data.\n",
        "",
    };
    char upper[] = "hvctl migration receiver listening: port 7070 secret " SECRET " address -";
    struct hv_mig_listen l;
    unsigned i;

    (void)state;
    assert_int_equal(hv_mig_parse_listen("hvctl migration receiver listening: port 7070 secret "
                                         SECRET " address 10.77.0.2\n", &l), 0);
    assert_int_equal(l.port, 7070);
    assert_string_equal(l.secret, SECRET);
    assert_string_equal(l.addr, "10.77.0.2");
    assert_int_equal(hv_mig_parse_listen("hvctl migration receiver listening: port 65535 secret "
                                         SECRET " address -", &l), 0);
    assert_int_equal(l.port, 65535);
    assert_string_equal(l.addr, "-");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(hv_mig_parse_listen(bad[i], &l), -EPROTO);
    upper[strlen("hvctl migration receiver listening: port 7070 secret ") + 10] = 'A';
    assert_int_equal(hv_mig_parse_listen(upper, &l), -EPROTO);
}

/* The proof: the secret and a newline exactly; a secret of another length proves nothing. */
static void test_proof(void **state)
{
    char proof[HV_MIG_PROOF_LEN + 1] = SECRET "\n";

    (void)state;
    assert_true(hv_mig_proof_ok(SECRET, proof, HV_MIG_PROOF_LEN));
    assert_false(hv_mig_proof_ok(SECRET, proof, HV_MIG_PROOF_LEN - 1));
    assert_false(hv_mig_proof_ok(SECRET, SECRET "\n\n", HV_MIG_PROOF_LEN + 1));
    proof[0] = '1';
    assert_false(hv_mig_proof_ok(SECRET, proof, HV_MIG_PROOF_LEN));
    proof[0] = '0', proof[63] = 'e';
    assert_false(hv_mig_proof_ok(SECRET, proof, HV_MIG_PROOF_LEN));
    proof[63] = 'f', proof[64] = ' ';
    assert_false(hv_mig_proof_ok(SECRET, proof, HV_MIG_PROOF_LEN));
    assert_false(hv_mig_proof_ok("", "\n", 1));
    assert_false(hv_mig_proof_ok("abc", "abc\n", 4));
}

/* A listener in a child (its ssh channel two pipes): it writes "banner" on the connection it
 * accepts and exits 0, or exits 1 on an error. *line: its listening line. */
static pid_t listener(int *ctl_w, int *line_r)
{
    int ctl[2], out[2];
    pid_t pid;

    assert_int_equal(pipe(ctl), 0);
    assert_int_equal(pipe(out), 0);
    if (!(pid = fork())) {
        struct hv_ops o;
        int fd;

        memset(&o, 0, sizeof(o));
        close(ctl[1]), close(out[0]);
        unsetenv("SSH_CONNECTION");
        if (hv_migrate_listen(&o, 0, ctl[0], out[1], 20, &fd))
            _exit(fprintf(stderr, "listener: %s\n", o.err.msg) > 0);
        _exit(write(fd, "banner", 6) == 6 ? 0 : 2);
    }
    close(ctl[0]), close(out[1]);
    *ctl_w = ctl[1];
    *line_r = out[0];
    return pid;
}

/* A connection to the loopback's port sending proof (len bytes); the answer read into buf. */
static void try_secret(unsigned port, const char *proof, size_t len, char *buf, size_t size)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    size_t got = 0;
    ssize_t n;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(write(fd, proof, len), (ssize_t)len);
    shutdown(fd, SHUT_WR);
    while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = '\0';
    close(fd);
}

static int exit_code(pid_t pid)
{
    int st;

    assert_int_equal(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The listener refuses a stranger that says nothing, and a wrong secret (the right one with a
 * digit changed), and goes on listening; it accepts the secret, answers ok, the stream follows. */
static void test_listener(void **state)
{
    char line[256], buf[64], proof[HV_MIG_PROOF_LEN];
    struct hv_mig_listen l;
    int ctl, out;
    ssize_t n;
    pid_t pid = listener(&ctl, &out);

    (void)state;
    n = read(out, line, sizeof(line) - 1);
    assert_true(n > 0);
    line[n] = '\0';
    assert_int_equal(hv_mig_parse_listen(line, &l), 0);
    assert_string_equal(l.addr, "-");
    try_secret(l.port, "", 0, buf, sizeof(buf));
    assert_string_equal(buf, "wrong secret\n");
    memcpy(proof, l.secret, HV_MIG_SECRET_HEX);
    proof[HV_MIG_SECRET_HEX] = '\n';
    proof[5] = proof[5] == '0' ? '1' : '0';
    try_secret(l.port, proof, sizeof(proof), buf, sizeof(buf));
    assert_string_equal(buf, "wrong secret\n");
    memcpy(proof, l.secret, HV_MIG_SECRET_HEX);
    try_secret(l.port, proof, sizeof(proof), buf, sizeof(buf));
    assert_string_equal(buf, "ok\nbanner");
    assert_int_equal(exit_code(pid), 0);
    close(ctl), close(out);
}

/* The source's side: from the listening line to a connection whose stream follows; a wrong
 * secret (the tests' fault) refused with the target's word, and the listener, still waiting,
 * ends when the ssh channel does. */
static void test_dial(void **state)
{
    struct hv_mig_conn c = HV_MIG_CONN_NONE;
    struct hv_ops o;
    char buf[8] = "";
    int ctl;
    pid_t pid;

    (void)state;
    memset(&o, 0, sizeof(o));
    pid = listener(&ctl, &c.in);
    assert_int_equal(hv_mig_tcp_dial(&o, "localhost", 10, &c), 0);
    assert_true(c.sock >= 0 && c.in == c.sock && c.out == c.sock && c.ctl_in >= 0);
    assert_int_equal(hv_mig_read(&o, c.in, buf, 6, 10, "the banner"), 0);
    assert_memory_equal(buf, "banner", 6);
    assert_int_equal(exit_code(pid), 0);
    close(c.sock), close(c.ctl_in), close(ctl);

    c = (struct hv_mig_conn)HV_MIG_CONN_NONE;
    pid = listener(&ctl, &c.in);
    setenv("HV_MIGRATE_TEST_FAULT", "secret", 1);
    assert_int_equal(hv_mig_tcp_dial(&o, "localhost", 10, &c), -EACCES);
    unsetenv("HV_MIGRATE_TEST_FAULT");
    assert_string_equal(o.err.msg, "the target refused the connection: wrong secret");
    assert_int_equal(c.sock, -1);
    close(ctl);
    assert_int_equal(exit_code(pid), 1);
    close(c.in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stops_when_the_last_round_fits),
        cmocka_unit_test(test_rate_kept_and_unknown),
        cmocka_unit_test(test_rate_is_the_fastest),
        cmocka_unit_test(test_no_progress),
        cmocka_unit_test(test_max_rounds),
        cmocka_unit_test(test_auto_converge),
        cmocka_unit_test(test_auto_converge_near),
        cmocka_unit_test(test_throttle_ledger),
        cmocka_unit_test(test_pace),
        cmocka_unit_test(test_page_sum),
        cmocka_unit_test(test_page_sums_record),
        cmocka_unit_test(test_listen_line),
        cmocka_unit_test(test_proof),
        cmocka_unit_test(test_listener),
        cmocka_unit_test(test_dial),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
