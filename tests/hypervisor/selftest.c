/* `selftest=lifecycle`: with two long-running boot-time domains, pause domain 1 and check it does
 * not run, unpause it and check it runs, destroy domain 2 and check its frames come back, then
 * build domain 3 at run time from domain 2's module. Each step prints PASS or FAIL. */
#include "selftest.h"
#include "builder.h"
#include "cmdline.h"
#include "console.h"
#include "domain.h"
#include "frame.h"
#include "lib.h"
#include "time.h"

#define STEP_NS 300000000UL /* 300 ms between steps */

static const struct boot_info *boot;
static bool enabled;
static unsigned step;
static uint64_t due, mark, free_mark;

void selftest_init(const struct boot_info *bi)
{
    char what[32];

    boot = bi;
    enabled = cmdline_get(bi->cmdline, "selftest", what, sizeof(what)) && !lib_strcmp(what, "lifecycle");
    due = time_now_ns() + STEP_NS;
}

static uint64_t runtime(const struct domain *d)
{
    return d->vcpu[0] ? d->vcpu[0]->runtime : 0;
}

static void verdict(const char *what, bool ok)
{
    printk("(hv) selftest: %s: %s\n", what, ok ? "PASS" : "FAIL");
}

static bool running(const struct domain *d)
{
    return d && d->state == DOM_RUNNING;
}

static bool stop(const char *why)
{
    verdict(why, false);
    enabled = false;
    return false;
}

/* Each step returns true when done (the next one is due STEP_NS later). */
static bool do_step(struct domain *d1, struct domain *d2)
{
    if (step < 3 && (!running(d1) || !running(d2) || boot->nr_mods < 2))
        return stop("lifecycle needs domains 1 and 2 running until domain 2 is destroyed");
    switch (step) {
    case 0:
        domain_pause(d1);
        mark = runtime(d1);
        return true;
    case 1:
        verdict("a paused domain does not run", runtime(d1) == mark);
        domain_unpause(d1);
        mark = runtime(d1);
        return true;
    case 2:
        verdict("an unpaused domain runs again", runtime(d1) > mark);
        free_mark = frame_free_count();
        domain_destroy(d2);
        return true;
    case 3:
        if (d2->state != DOM_DEAD)
            return false; /* not reaped yet */
        verdict("a destroyed domain's frames return to the pool", frame_free_count() > free_mark);
        verdict("a domain built at run time starts",
                builder_boot_module(DOMID_FIRST_BOOT + 2, &boot->mods[1], NULL, NULL) == 0);
        enabled = false;
        return true;
    }
    return false;
}

bool selftest_due(uint64_t now)
{
    return enabled && now >= due;
}

void selftest_poll(void)
{
    uint64_t now;

    if (!enabled || (now = time_now_ns()) < due)
        return;
    if (do_step(domain_by_id(DOMID_FIRST_BOOT), domain_by_id(DOMID_FIRST_BOOT + 1))) {
        step++;
        due = now + STEP_NS;
    }
}

bool selftest_pending(void)
{
    return enabled;
}
