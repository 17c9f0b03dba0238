/*
 * Boot test guest "schedop_code": SCHEDOP_shutdown_code records the reason a later shutdown
 * will report, and the first code recorded wins (Xen's domain_shutdown uses the recorded code
 * over the one passed). The guest records reboot, then crash, then ends with a plain poweroff
 * request: the runner expects the hypervisor to report "reboot".
 */
#include "bt.h"

static long shutdown_code(unsigned reason)
{
    struct pv_sched_shutdown s = {.reason = reason};

    return gk_hypercall_sched_op(PV_SCHEDOP_shutdown_code, &s);
}

GK_TEST(schedop_code)
{
    GK_EXPECT_EQ(shutdown_code(PV_SHUTDOWN_reboot), 0);
    GK_EXPECT_EQ(shutdown_code(PV_SHUTDOWN_crash), 0);
    /* Recording a code does not end the domain. */
    GK_EXPECT_EQ(gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL), 0);
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_version, NULL), 0x40011);
}
