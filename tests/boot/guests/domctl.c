/*
 * Boot test "domctl": domctl (36) and sysctl (35) from an unprivileged domain, against Xen's
 * checks and their order (common/domctl.c, common/sysctl.c, the XSM dummy policy): the argument
 * is read whole (-EFAULT), the interface version must be 0x15 (-EACCES, before anything else),
 * domctl's target must exist (-ESRCH; none for createdomain, PV_DOMID_IO or PV_DOMID_INVALID
 * where Xen allows them), and then every command, implemented or not, known to Xen or not, is
 * -EPERM: a domU cannot tell which privileged commands exist.
 * As dom0 (privileged) the same checks come first, then the commands run (the boot test
 * "domctl_life" checks them); numbers that are no command of Xen's are -ENOSYS. dom0 also sets
 * the wall clock (platform_op settime64, as Linux's xen_set_wallclock): its shared_info's wc_*
 * say secs at that system time; a set with mbz not 0 is -EINVAL and changes nothing.
 * The command line names the domain's own id and a peer's: self=N peer=M.
 */
#include "bt.h"
#include "pv-abi/platform_op.h"
#include "pv-abi/xen_version.h"

/* The kit's notes say nothing of dom0: this guest may also be the initial domain. */
__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " BT_STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
        ".long 1 << " BT_STR(PV_XENFEAT_dom0) "\n.popsection");

#define NOBODY 1000 /* a domain id nobody has */

static uint64_t self_id, peer_id;
static struct pv_domctl dop __attribute__((aligned(16)));
static struct pv_sysctl sop __attribute__((aligned(16)));

static long domctl_raw(uint64_t arg)
{
    return gk_hypercall_nr(PV_HYPERCALL_domctl, arg, 0, 0, 0, 0);
}

static long sysctl_raw(uint64_t arg)
{
    return gk_hypercall_nr(PV_HYPERCALL_sysctl, arg, 0, 0, 0, 0);
}

static long domctl(uint32_t cmd, uint32_t version, uint16_t domain)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = cmd;
    dop.interface_version = version;
    dop.domain = domain;
    return domctl_raw((uint64_t)(uintptr_t)&dop);
}

static long sysctl(uint32_t cmd, uint32_t version)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = cmd;
    sop.interface_version = version;
    return sysctl_raw((uint64_t)(uintptr_t)&sop);
}

/* Commands Xen 4.17 has (every kind of policy and target rule), numbers it has not, and 0. */
static const uint32_t domctl_cmds[] = {0,  1,  2,  3,  5,  7,  12, 17, 36, 37,   38,  39,
                                       40, 45, 47, 48, 56, 82, 86, 87, 999, 1000, 1003,
                                       0x7fffffff, 0xffffffff};
static const uint32_t sysctl_cmds[] = {0, 1, 2, 3, 6, 7, 8, 27, 29, 30, 31, 0x10000, 0xffffffff};

static void check_domctl_eperm(void)
{
    for (unsigned i = 0; i < sizeof(domctl_cmds) / sizeof(domctl_cmds[0]); i++) {
        long rc = domctl(domctl_cmds[i], PV_DOMCTL_INTERFACE_VERSION, (uint16_t)self_id);

        if (rc != -PV_EPERM)
            GK_FAIL("domctl %u on itself: %ld, expected -EPERM", domctl_cmds[i], rc);
        rc = domctl(domctl_cmds[i], PV_DOMCTL_INTERFACE_VERSION, (uint16_t)peer_id);
        if (rc != -PV_EPERM)
            GK_FAIL("domctl %u on its peer: %ld, expected -EPERM", domctl_cmds[i], rc);
    }
    /* Targets Xen does not look up for these commands: straight to the policy. */
    GK_EXPECT_EQ(domctl(PV_DOMCTL_createdomain, PV_DOMCTL_INTERFACE_VERSION, NOBODY), -PV_EPERM);
    GK_EXPECT_EQ(domctl(PV_DOMCTL_assign_device, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_IO),
                 -PV_EPERM);
    GK_EXPECT_EQ(domctl(PV_DOMCTL_deassign_device, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_IO),
                 -PV_EPERM);
    GK_EXPECT_EQ(
        domctl(PV_DOMCTL_test_assign_device, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_INVALID),
        -PV_EPERM);
    GK_EXPECT_EQ(domctl(PV_DOMCTL_vm_event_op, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_INVALID),
                 -PV_EPERM);
}

/* Before the policy: the version (first), then the target. */
static void check_domctl_order(void)
{
    GK_EXPECT_EQ(domctl(3, 0x14, (uint16_t)self_id), -PV_EACCES);
    GK_EXPECT_EQ(domctl(3, 0x16, (uint16_t)self_id), -PV_EACCES);
    GK_EXPECT_EQ(domctl(0xffffffff, 0, NOBODY), -PV_EACCES);
    GK_EXPECT_EQ(domctl(PV_DOMCTL_createdomain, 0, 0), -PV_EACCES);
    GK_EXPECT_EQ(domctl(3, PV_DOMCTL_INTERFACE_VERSION, NOBODY), -PV_ESRCH);
    GK_EXPECT_EQ(domctl(0xffffffff, PV_DOMCTL_INTERFACE_VERSION, NOBODY), -PV_ESRCH);
    /* getdomaininfo looks for the next domain only once the policy let the caller in. */
    GK_EXPECT_EQ(domctl(PV_DOMCTL_getdomaininfo, PV_DOMCTL_INTERFACE_VERSION, NOBODY), -PV_EPERM);
    GK_EXPECT_EQ(domctl(3, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_SELF), -PV_ESRCH);
    GK_EXPECT_EQ(domctl(PV_DOMCTL_assign_device, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_INVALID),
                 -PV_ESRCH);
    GK_EXPECT_EQ(domctl(3, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_IO), -PV_ESRCH);
}

static void check_sysctl(void)
{
    for (unsigned i = 0; i < sizeof(sysctl_cmds) / sizeof(sysctl_cmds[0]); i++) {
        long rc = sysctl(sysctl_cmds[i], PV_SYSCTL_INTERFACE_VERSION);

        if (rc != -PV_EPERM)
            GK_FAIL("sysctl %u: %ld, expected -EPERM", sysctl_cmds[i], rc);
    }
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_readconsole, 0x14), -PV_EACCES);
    GK_EXPECT_EQ(sysctl(0xffffffff, 0), -PV_EACCES);
}

/* The whole structure is read first: a pointer to unmapped memory, or one whose structure runs
 * past the end of the mapping, is -EFAULT whatever it would have held. */
static void check_bad_pointers(void)
{
    uint64_t end = bt_mapping_end();
    uint64_t bad[] = {0, end, 0x0000800000000000ULL, PV_HYPERVISOR_VIRT_START};

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (domctl_raw(bad[i]) != -PV_EFAULT)
            GK_FAIL("domctl at %#lx: not -EFAULT", bad[i]);
        if (sysctl_raw(bad[i]) != -PV_EFAULT)
            GK_FAIL("sysctl at %#lx: not -EFAULT", bad[i]);
    }
    GK_EXPECT_EQ(domctl_raw(end - sizeof(struct pv_domctl) + 8), -PV_EFAULT);
    GK_EXPECT_EQ(sysctl_raw(end - sizeof(struct pv_sysctl) + 8), -PV_EFAULT);
}

/* Numbers Xen 4.17 has no command for (removed, obsolete, never used): -ENOSYS for dom0. */
static const uint32_t domctl_none[] = {0, 6, 7, 8, 26, 30, 44, 51, 87, 999, 0x7fffffff, 0xffffffff};
static const uint32_t sysctl_none[] = {0, 999, 0x10000, 0xffffffff};

/* dom0: past the version and the target, the commands (domctl_life checks them in depth);
 * -ENOSYS for the numbers no command has. */
static long settime64(uint64_t secs, uint32_t nsecs, uint32_t mbz, uint64_t system_time)
{
    struct pv_platform_op op = {
        .cmd = PV_XENPF_settime64,
        .interface_version = PV_XENPF_INTERFACE_VERSION,
        .u.settime64 = {.secs = secs, .nsecs = nsecs, .mbz = mbz, .system_time = system_time}};

    return gk_hypercall(PV_HYPERCALL_platform_op, &op, 0, 0, 0, 0);
}

/* The wall clock at system time 0, in seconds (shared_info's wc_*, read under wc_version). */
static uint64_t wallclock(void)
{
    const volatile struct pv_shared_info *s = gk_shared_info();
    uint32_t v;
    uint64_t sec;

    do {
        v = s->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        sec = (uint64_t)s->wc_sec_hi << 32 | s->wc_sec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != s->wc_version);
    return sec;
}

static void check_settime(void)
{
    uint64_t t, secs, before;

    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    t = gk_time_now();
    secs = 2000000000ULL + t / 1000000000ULL;
    before = wallclock();

    GK_EXPECT_EQ(settime64(secs + 7, 0, 1, t), -PV_EINVAL);
    GK_EXPECT_EQ(wallclock(), before);
    /* secs.nsecs at system time t: 2000000000 at system time 0 */
    GK_EXPECT_EQ(settime64(secs, (uint32_t)(t % 1000000000ULL), 0, t), 0);
    GK_EXPECT_EQ(wallclock(), 2000000000ULL);
}

static void check_privileged(void)
{
    for (unsigned i = 0; i < sizeof(domctl_none) / sizeof(domctl_none[0]); i++) {
        long rc = domctl(domctl_none[i], PV_DOMCTL_INTERFACE_VERSION, (uint16_t)peer_id);

        if (rc != -PV_ENOSYS)
            GK_FAIL("dom0: domctl %u: %ld, expected -ENOSYS", domctl_none[i], rc);
    }
    for (unsigned i = 0; i < sizeof(sysctl_none) / sizeof(sysctl_none[0]); i++) {
        long rc = sysctl(sysctl_none[i], PV_SYSCTL_INTERFACE_VERSION);

        if (rc != -PV_ENOSYS)
            GK_FAIL("dom0: sysctl %u: %ld, expected -ENOSYS", sysctl_none[i], rc);
    }
    GK_EXPECT_EQ(domctl(3, 0x14, (uint16_t)self_id), -PV_EACCES);
    GK_EXPECT_EQ(domctl(3, PV_DOMCTL_INTERFACE_VERSION, NOBODY), -PV_ESRCH);
    GK_EXPECT_EQ(domctl(PV_DOMCTL_pausedomain, PV_DOMCTL_INTERFACE_VERSION, (uint16_t)self_id),
                 -PV_EINVAL);
    /* Zeroes are no configuration (no vCPU); an absent domain's info is the next one's. */
    GK_EXPECT_EQ(domctl(PV_DOMCTL_createdomain, PV_DOMCTL_INTERFACE_VERSION, NOBODY), -PV_EINVAL);
    GK_EXPECT_EQ(domctl(PV_DOMCTL_getdomaininfo, PV_DOMCTL_INTERFACE_VERSION, NOBODY), -PV_ESRCH);
    GK_EXPECT_EQ(domctl(PV_DOMCTL_getdomaininfo, PV_DOMCTL_INTERFACE_VERSION, (uint16_t)self_id),
                 0);
    GK_EXPECT_EQ(dop.u.getdomaininfo.domain, self_id);
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_getdomaininfolist, PV_SYSCTL_INTERFACE_VERSION), 0);
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_readconsole, 0), -PV_EACCES);
    check_bad_pointers();
    check_settime();
}

GK_TEST(domctl)
{
    GK_ASSERT(bt_cmdline_uint("self", &self_id));
    GK_ASSERT(bt_cmdline_uint("peer", &peer_id));
    GK_ASSERT_EQ(sizeof(struct pv_domctl), 144);
    GK_ASSERT_EQ(sizeof(struct pv_sysctl), 136);
    if (gk_is_initdomain()) {
        check_privileged();
        return;
    }
    check_domctl_eperm();
    check_domctl_order();
    check_sysctl();
    check_bad_pointers();
}
