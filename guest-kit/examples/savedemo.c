/*
 * guest-kit example: a guest that can be saved and restored (hvctl save / restore, xl's too).
 * It fills memory with a pattern (savedemo=PAGES on its command line, default 1024) and prints
 * its checksum, publishes its p2m, then waits for control/shutdown: "suspend" suspends it
 * (gk_suspend), and after the resume it says in which domain it runs on, checks its pattern
 * and prints the checksum again; "poweroff" and "reboot" end it. A line every 5 s shows it is
 * alive and its console works. With dirty=1 it rewrites word 0 of every page with a new
 * generation every millisecond, looking at control/shutdown every 20 ms (4 MiB/ms: a guest
 * dirtying memory faster than any link, for live migration's tests): after a resume every page must hold the
 * last generation ("stale pages" counts those that do not). dirtyrate=K (with dirty=1) writes
 * only K pages a second instead (of the time it is let run: running or blocked in its sleeps,
 * from its runstate), going round its pages: a guest whose dirtying follows the time it gets,
 * which auto-converge's throttling (pausing it) slows;
 * each page's word 0 holds the number of the last write to it, so the same check holds.
 * After each resume it prints how far the host's wall clock and its own clock moved across the
 * suspend (for migration's test: the wall clock by the time it was stopped, its own not at all).
 */
#include "gk/kit.h"
#include "gk/suspend.h"
#include "gk/xenstore.h"

#define MAX_PAGES 8192u
#define TICK_NS (5000ULL * GK_NS_PER_MS)

static uint64_t *pages[MAX_PAGES];
static unsigned n_pages = 1024;
static bool dirty_mode;
static unsigned per_s;   /* dirty mode: pages written a second (0: all of them a millisecond) */
static uint64_t owed;    /* per_s: billionths of a page owed */
static uint64_t last_run; /* per_s: let_run() at the last pass */
#define CREDIT_NS (20 * GK_NS_PER_MS) /* per_s: the most one pass counts (after a move) */

/* The time the guest was let run: running, or blocked in its own sleeps (its runstate); not the
 * time it waited for a CPU or was held paused (auto-converge's throttle pauses it, and a vCPU
 * woken while paused waits runnable). A loaded host that runs the 1 ms loop late does not slow
 * it; a new domain (after a move) counts from 0 again. */
static uint64_t let_run(void)
{
    struct pv_vcpu_runstate_info r;

    if (gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_get_runstate_info, 0, &r, 0, 0))
        return 0;
    return r.time[PV_RUNSTATE_running] + r.time[PV_RUNSTATE_blocked];
}
static uint64_t writes;  /* page writes so far: write w (from 1) went to page (w - 1) % n_pages */
#define DIRTY_NS (20ULL * GK_NS_PER_MS)

/* The pattern of word w of page p: changes with both, never zero. */
static uint64_t pattern(unsigned p, unsigned w)
{
    return (0x9e3779b97f4a7c15ULL * (p + 1)) ^ ((uint64_t)w << 32 | (w * 2654435761u)) ^ 1;
}

static uint64_t checksum(void)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (unsigned p = 0; p < n_pages; p++)
        for (unsigned w = 0; w < 512; w++)
            h = (h ^ pages[p][w]) * 0x100000001b3ULL;
    return h;
}

static unsigned bad_words(void)
{
    unsigned bad = 0;

    for (unsigned p = 0; p < n_pages; p++)
        for (unsigned w = dirty_mode ? 1 : 0; w < 512; w++)
            bad += pages[p][w] != pattern(p, w);
    return bad;
}

/* What page p's word 0 must hold: the number of the last write to it (0: none yet). */
static uint64_t last_write(unsigned p)
{
    return writes > p ? writes - (writes - 1 - p) % n_pages : 0;
}

static unsigned stale_pages(void)
{
    unsigned stale = 0;

    for (unsigned p = 0; dirty_mode && p < n_pages; p++)
        stale += pages[p][0] != last_write(p);
    return stale;
}

/* A millisecond's writes: every page, or per_s a second of the time it was let run since. */
static void dirty_pass(void)
{
    uint64_t now = per_s ? let_run() : 0, ran = now > last_run ? now - last_run : 0;
    unsigned n = n_pages;

    last_run = now;
    if (per_s) {
        owed += per_s * (ran < CREDIT_NS ? ran : CREDIT_NS);
        n = (unsigned)(owed / 1000000000ULL);
        owed %= 1000000000ULL;
    }
    for (unsigned i = 0; i < n; i++) {
        writes++;
        pages[(writes - 1) % n_pages][0] = writes;
    }
}

static unsigned number(const char *arg)
{
    unsigned v = 0;

    for (const char *c = arg; *c >= '0' && *c <= '9' && v <= MAX_PAGES; c++)
        v = v * 10 + (unsigned)(*c - '0');
    return v;
}

static bool fill(void)
{
    char arg[16];

    if (gk_cmdline_get("savedemo", arg, sizeof(arg)) && arg[0])
        n_pages = number(arg);
    if (!n_pages || n_pages > MAX_PAGES)
        n_pages = 1024;
    dirty_mode = gk_cmdline_get("dirty", arg, sizeof(arg)) && arg[0] == '1';
    per_s = gk_cmdline_get("dirtyrate", arg, sizeof(arg)) ? number(arg) : 0;
    for (unsigned p = 0; p < n_pages; p++) {
        if (!(pages[p] = gk_page_alloc())) {
            gk_printf("savedemo: only %u pages free\n", p);
            return false;
        }
        for (unsigned w = 0; w < 512; w++)
            pages[p][w] = pattern(p, w);
        if (dirty_mode)
            pages[p][0] = 0;
    }
    return true;
}

static void suspend_now(unsigned *round)
{
    uint64_t wall, up;
    long rc;

    gk_printf("savedemo: suspending (round %u)\n", ++*round);
    wall = gk_time_wallclock();
    up = gk_time_now();
    rc = gk_suspend();
    if (rc < 0) {
        gk_printf("savedemo: suspend refused: %ld\n", rc);
        return;
    }
    gk_printf("savedemo: resumed in %s (round %u), domain pages %lu\n",
              rc == 0 ? "a new domain" : "the same domain (cancelled)", *round,
              gk_start_info->nr_pages);
    /* the host's wall clock moved on by the time it was stopped, its own clock not at all */
    gk_printf("savedemo: clock across the suspend: wall %ld ms, own %ld ms\n",
              (long)(gk_time_wallclock() - wall) / (long)GK_NS_PER_MS,
              (long)(gk_time_now() - up) / (long)GK_NS_PER_MS);
    gk_printf("savedemo: checksum %016lx over %u pages, %u bad words\n", checksum(), n_pages,
              bad_words());
    if (dirty_mode)
        gk_printf("savedemo: generation %lu, %u stale pages\n", writes / n_pages, stale_pages());
}

void gk_main(void)
{
    uint64_t tick = 0, next;
    unsigned round = 0;
    char req[32];
    long rc;

    if (!fill() || gk_p2m_publish() || gk_xs_init()) {
        gk_printf("savedemo: cannot start (memory, shared_info or xenstore)\n");
        return;
    }
    gk_printf("savedemo: ready, checksum %016lx over %u pages\n", checksum(), n_pages);
    next = gk_time_now() + TICK_NS;
    for (;;) {
        uint64_t until = next;

        if (dirty_mode) { /* 20 ms of a pass a millisecond, then a look at control/shutdown */
            for (until = gk_time_now() + DIRTY_NS; gk_time_now() < until;) {
                dirty_pass();
                gk_sleep_ns(GK_NS_PER_MS);
            }
        }
        rc = gk_shutdown_request_wait(until, req, sizeof(req));
        if (rc == -PV_ETIMEDOUT) {
            if (gk_time_now() >= next) {
                struct pv_vcpu_runstate_info r = {0};

                /* what its runstate says of the time it was given (auto-converge's tests) */
                gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_get_runstate_info, 0, &r, 0, 0);
                gk_printf("savedemo: alive, tick %lu, %lu writes, ms running %lu blocked %lu "
                          "runnable %lu offline %lu\n", ++tick, writes,
                          r.time[PV_RUNSTATE_running] / GK_NS_PER_MS,
                          r.time[PV_RUNSTATE_blocked] / GK_NS_PER_MS,
                          r.time[PV_RUNSTATE_runnable] / GK_NS_PER_MS,
                          r.time[PV_RUNSTATE_offline] / GK_NS_PER_MS);
                next = gk_time_now() + TICK_NS;
            }
            continue;
        }
        if (rc) {
            gk_printf("savedemo: xenstore: %ld (%s)\n", rc, gk_xs_error());
            gk_sleep_ns(TICK_NS);
            continue;
        }
        if (!lib_strcmp(req, "suspend"))
            suspend_now(&round);
        else if (!lib_strcmp(req, "poweroff") || !lib_strcmp(req, "halt"))
            gk_shutdown(PV_SHUTDOWN_poweroff);
        else if (!lib_strcmp(req, "reboot"))
            gk_shutdown(PV_SHUTDOWN_reboot);
        else
            gk_printf("savedemo: request '%s' ignored\n", req);
    }
}
