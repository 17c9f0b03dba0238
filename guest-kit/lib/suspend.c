/* guest-kit: suspend and resume for a toolstack's save, restore or migration (gk/suspend.h). */
#include "gk/suspend.h"
#include "gk/xenstore.h"
#include "internal.h"

#define WATCH_TOKEN "gk-shutdown"

static bool watching;

static long watch_control(void)
{
    long rc;

    if (watching)
        return 0;
    if ((rc = gk_xs_init()) || (rc = gk_xs_write(GK_XS_NO_TX, "control/feature-suspend", "1")) ||
        (rc = gk_xs_watch("control/shutdown", WATCH_TOKEN)))
        return rc;
    watching = true;
    return 0;
}

long gk_shutdown_request_wait(uint64_t deadline, char *buf, size_t size)
{
    long rc = watch_control();

    while (!rc) {
        rc = gk_xs_read(GK_XS_NO_TX, "control/shutdown", buf, size);
        if (rc > 0) /* a request: acknowledged, as libxl expects */
            return gk_xs_write(GK_XS_NO_TX, "control/shutdown", "");
        if (rc == 0 || rc == -PV_ENOENT)
            rc = gk_xs_watch_wait(WATCH_TOKEN, deadline, NULL, 0, NULL, 0);
    }
    return rc;
}

/* start_info's ring frames between mfns (running) and pfns (suspended), as Linux does. */
static void rings_to_pfns(struct pv_start_info *si)
{
    si->store_mfn = gk_mfn_to_pfn(si->store_mfn);
    si->console.domU.mfn = gk_mfn_to_pfn(si->console.domU.mfn);
}

static void rings_to_mfns(struct pv_start_info *si)
{
    si->store_mfn = gk_pfn_to_mfn(si->store_mfn);
    si->console.domU.mfn = gk_pfn_to_mfn(si->console.domU.mfn);
}

/* A new domain: everything that named the old one's frames or ports, again. */
static void resume_new_domain(uint64_t then)
{
    gk_events_reset();
    gk_time_reset();
    if (!gk_shared_info_map()) /* the restorer masked every port: a new domain has none */
        memset(gk_shared_info()->evtchn_mask, 0, sizeof(gk_shared_info()->evtchn_mask));
    gk_time_continue_from(then);
    gk_console_resume();
    gk_p2m_publish();
    watching = false;
    gk_xs_resume();
}

long gk_suspend(void)
{
    struct pv_start_info *si = (struct pv_start_info *)(uintptr_t)gk_start_info;
    struct pv_sched_shutdown arg = {.reason = PV_SHUTDOWN_suspend};
    uint64_t si_mfn = gk_virt_to_mfn(si);
    bool was_masked = gk_events_masked();
    uint64_t then = gk_time_now();
    long rc;

    gk_events_mask();
    gk_console_flush();
    rings_to_pfns(si);
    if ((rc = gk_shared_info_unmap())) {
        rings_to_mfns(si);
        goto out;
    }
    rc = gk_hypercall(PV_HYPERCALL_sched_op, PV_SCHEDOP_shutdown, &arg, si_mfn, 0, 0);
    if (rc == 0) {
        resume_new_domain(then);
    } else {
        rings_to_mfns(si); /* cancelled or refused: the same frames */
        gk_shared_info_map();
    }
out:
    if (!was_masked)
        gk_events_unmask();
    return rc;
}
