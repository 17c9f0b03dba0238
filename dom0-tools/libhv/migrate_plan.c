/* dom0-tools/libhv/migrate_plan.c - live migration's convergence control (migrate.h): when to
 * stop the guest, how hard to throttle it, how fast to send. Pure: the tests drive it. */
#include "migrate.h"

#define THROTTLE_FIRST 20 /* QEMU's auto-converge: 20 %, then 10 % more a round, here to 90 % */
#define THROTTLE_STEP 10
#define THROTTLE_MAX 90
/* A dirty set this small (1 MiB) that no longer shrinks is the guest's working set between two
 * ticks (a guest-kit guest's stack, rings and time: ~15 pages; an idle Linux's ~250, its
 * processes' pages among them): more rounds cannot shorten the downtime, throttling cannot
 * shrink it. (libxc stops below 50 dirty pages, shrinking or not, or after 5 rounds.) */
#define FEW_PAGES 256

void hv_mig_plan_init(struct hv_mig_plan *p, const struct hv_migrate_opts *o)
{
    *p = (struct hv_mig_plan){.opts = *o};
}

enum hv_mig_next hv_mig_plan_next(struct hv_mig_plan *p, uint64_t sent, double secs,
                                  uint64_t dirty)
{
    bool settled = p->round && dirty <= FEW_PAGES && dirty >= p->last_dirty;

    p->round++;
    p->last_dirty = dirty;
    /* the link's best: a small round's time is mostly its fixed costs, not its pages */
    if (sent && secs > 0 && sent * 4096.0 / secs > p->rate)
        p->rate = sent * 4096.0 / secs;
    /* with no rate yet, only an empty last round fits */
    p->est_ms = !dirty ? 0 : p->rate > 0 ? dirty * 4096.0 / p->rate * 1000 : 1e12;
    if (p->est_ms <= p->opts.downtime_ms || settled)
        return HV_MIG_STOP_AND_COPY;
    if (p->round >= p->opts.max_rounds)
        return p->opts.abort_on_max ? HV_MIG_ABORT : HV_MIG_STOP_AND_COPY;
    /* QEMU's rule: dirtying more than half of what was sent, two rounds running, throttles */
    if (p->opts.auto_converge && sent && dirty * 2 > sent && dirty > FEW_PAGES) {
        if (++p->hot_rounds >= 2) {
            p->throttle = !p->throttle ? THROTTLE_FIRST : p->throttle + THROTTLE_STEP;
            if (p->throttle > THROTTLE_MAX)
                p->throttle = THROTTLE_MAX;
        }
    } else {
        p->hot_rounds = 0;
    }
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

bool hv_mig_throttled(unsigned throttle, uint64_t batch)
{
    return batch % 10 < throttle / 10;
}
