/* dom0-tools/libhv/migrate_plan.c - live migration's convergence control (migrate.h): when to
 * stop the guest, how hard to throttle it, how fast to send. Pure: the tests drive it. */
#include "migrate.h"

#define THROTTLE_FIRST 20 /* QEMU's auto-converge: 20 %, then 10 % more a round, to 99 % */
#define THROTTLE_STEP 10
#define THROTTLE_MAX 99
/* Progress: a round's estimated downtime at least this much below the best before it. */
#define PROGRESS 0.9
/* Rounds without progress before the plan acts on it (one can be a tick's noise). */
#define STALL_ROUNDS 2
/* Throttling begins for a dirty set far from fitting (its copy more than FAR times the limit):
 * a smaller one that stops shrinking is the pages the guest's ticks and the hypervisor write
 * whatever its pace (an idle guest-kit guest's ~15, most of them its page tables, which the
 * hypervisor reports every round), which no throttle makes smaller. Once begun it goes on,
 * whatever the estimate, until it fits or 99 % brings no progress: a throttled set shrinks
 * below FAR times the limit on its way to fitting (532 pages over a 1 MiB/s link, 2 s for a
 * 200 ms limit, stayed there at 60 % when the plan stopped raising it there). */
#define FAR 10

void hv_mig_plan_init(struct hv_mig_plan *p, const struct hv_migrate_opts *o)
{
    *p = (struct hv_mig_plan){.opts = *o, .why = ""};
}

static void raise_throttle(struct hv_mig_plan *p, unsigned by)
{
    p->throttle = !p->throttle ? THROTTLE_FIRST : p->throttle + by;
    if (p->throttle > THROTTLE_MAX)
        p->throttle = THROTTLE_MAX;
}

enum hv_mig_next hv_mig_plan_next(struct hv_mig_plan *p, uint64_t sent, double secs,
                                  uint64_t dirty)
{
    unsigned throttled = p->throttle; /* what held the guest back during this round */
    bool hot, far;

    p->round++;
    /* the link's best: a small round's time is mostly its fixed costs, not its pages */
    if (sent && secs > 0 && sent * 4096.0 / secs > p->rate)
        p->rate = sent * 4096.0 / secs;
    /* with no rate yet, only an empty last round fits */
    p->est_ms = !dirty ? 0 : p->rate > 0 ? dirty * 4096.0 / p->rate * 1000 : 1e12;
    if (p->est_ms <= p->opts.downtime_ms) {
        p->why = "the estimated downtime fits the limit";
        return HV_MIG_STOP_AND_COPY;
    }
    p->stalled = p->round > 1 && p->est_ms > p->best_ms * PROGRESS ? p->stalled + 1 : 0;
    if (p->round == 1 || p->est_ms < p->best_ms)
        p->best_ms = p->est_ms;
    if (p->round >= p->opts.max_rounds) {
        p->why = "the round limit";
        return p->opts.abort_on_max ? HV_MIG_ABORT : HV_MIG_STOP_AND_COPY;
    }
    /* No progress for STALL_ROUNDS rounds: the dirty set is the guest's working set between its
     * ticks, or all the memory it keeps rewriting faster than the link. When it is far from
     * fitting or already throttled, throttling is tried first, doubling up to 99 % while
     * nothing changes; at 99 % without progress, near the limit unthrottled, or without
     * auto-converge, more rounds only add time: stop now (with --abort-on-max the rounds go on
     * to the limit, which aborts). */
    far = p->opts.auto_converge && (throttled || p->est_ms > FAR * (double)p->opts.downtime_ms);
    if (p->stalled >= STALL_ROUNDS && !p->opts.abort_on_max &&
        (!far || throttled >= THROTTLE_MAX)) {
        p->why = throttled ? "no progress, even throttled to 99 %" : "no progress";
        return HV_MIG_STOP_AND_COPY;
    }
    /* QEMU's rule: dirtying more than half of what was sent, two rounds running, throttles */
    hot = sent && dirty * 2 > sent;
    p->hot_rounds = hot ? p->hot_rounds + 1 : 0;
    if (far && p->stalled >= STALL_ROUNDS)
        raise_throttle(p, p->throttle ? p->throttle : THROTTLE_FIRST);
    else if (far && p->hot_rounds >= 2)
        raise_throttle(p, THROTTLE_STEP);
    return HV_MIG_ROUND;
}

double hv_mig_pace(uint64_t bytes, double elapsed, unsigned limit_mb)
{
    double due;

    if (!limit_mb)
        return 0;
    due = bytes / (limit_mb * 1048576.0);
    return due > elapsed ? due - elapsed : 0;
}

unsigned hv_mig_hold_ms(unsigned throttle, double let_run_ms, double held_ms, unsigned max_ms)
{
    double due = throttle >= 100 ? max_ms : let_run_ms * throttle / (100 - throttle) - held_ms;

    return due < 1 ? 0 : due > max_ms ? max_ms : (unsigned)due;
}
