/* guest-kit: suspend and resume for a toolstack's save, restore or migration (gk/suspend.h). */
#include "gk/suspend.h"
#include "gk/events.h"
#include "gk/xenstore.h"
#include "internal.h"

#define WATCH_TOKEN "gk-shutdown"
#define SUSPEND_NODE "device/suspend/event-channel"

static bool watching;
static uint32_t suspend_port; /* offered in SUSPEND_NODE (0: none) */
static uint32_t suspend_seen; /* its event count when last looked at */

/* A port unbound for dom0, its number in SUSPEND_NODE: the toolstack's notify on it asks for a
 * suspend (libxl's way; without it, control/shutdown). Not fatal if it cannot be offered. */
static void offer_port(void)
{
    pv_evtchn_port_t p;

    if (suspend_port || gk_evtchn_alloc_unbound(0, &p))
        return;
    if (p >= GK_MAX_PORTS || gk_xs_printf(GK_XS_NO_TX, SUSPEND_NODE, "%u", p)) {
        gk_evtchn_close(p);
        return;
    }
    suspend_seen = gk_event_counts[p];
    suspend_port = p;
}

static long watch_control(void)
{
    long rc;

    if (watching)
        return 0;
    if ((rc = gk_xs_init()) || (rc = gk_xs_write(GK_XS_NO_TX, "control/feature-suspend", "1")) ||
        (rc = gk_xs_watch("control/shutdown", WATCH_TOKEN)))
        return rc;
    offer_port();
    watching = true;
    return 0;
}

/* An event on the suspend port since the last look: taken. */
static bool suspend_event(void)
{
    uint32_t n = suspend_port ? gk_event_counts[suspend_port] : suspend_seen;

    if (n == suspend_seen)
        return false;
    suspend_seen = n;
    return true;
}

long gk_shutdown_request_wait(uint64_t deadline, char *buf, size_t size)
{
    long rc = watch_control();

    while (!rc) {
        uint32_t seen = suspend_seen;

        if (suspend_event()) {
            lib_strlcpy(buf, "suspend", size);
            return 0;
        }
        rc = gk_xs_read(GK_XS_NO_TX, "control/shutdown", buf, size);
        if (rc > 0) /* a request: acknowledged, as libxl expects */
            return gk_xs_write(GK_XS_NO_TX, "control/shutdown", "");
        if (rc == 0 || rc == -PV_ENOENT)
            rc = gk_xs_watch_wait_or(suspend_port, seen, WATCH_TOKEN, deadline, NULL, 0, NULL, 0);
        if (rc == -PV_EINTR)
            rc = 0;
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
    watching = false; /* watch and port again at the next wait: the new domain has neither */
    suspend_port = 0;
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
