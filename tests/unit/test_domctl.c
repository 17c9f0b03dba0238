/* Unit tests of domctl and sysctl (hypervisor/hypercalls/domctl.c, domctl_info.c, sysctl.c):
 * Xen's checks in Xen's order for privileged and unprivileged callers (argument, interface
 * version, domctl's target, the XSM dummy policy), -ENOSYS for numbers no command has, and the
 * lifecycle commands' argument checks, domid choice, counted pauses and getdomaininfo's walk to
 * the next domain, and the I/O permission commands (domctl_perm.c) on the real rangesets. Guest memory, the domain table and the core below are faked here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "grant_table.h"
#include "mm.h"
#include "pv-abi/sched_op.h"
#include "vcpu.h"
#include "../../hypervisor/hypercalls/vcpu_context.h"
#include "pv-abi/domctl.h"
#include "pv-abi/errno.h"
#include "pv-abi/sysctl.h"
#include "hypervisor/hypercalls/domctl_ops.h"

#define GVA 0x10000ULL

static struct domain doms[3]; /* ids 1 (the caller) and 2; 0 does not exist */
static struct domain created;  /* what domain_create hands out (id in created_id) */
static struct gnttab created_gt; /* its grant table (gnttab_init's defaults) */
static unsigned created_id;    /* 0: none */
static struct vcpu caller;
static uint8_t guest_mem[512];
static unsigned lookups, pauses, kills;

int guest_copy_from(void *dst, guest_handle src, size_t len)
{
    if (src.gva < GVA || src.gva + len > GVA + sizeof(guest_mem))
        return -PV_EFAULT;
    memcpy(dst, guest_mem + (src.gva - GVA), len);
    return 0;
}

int guest_copy_to(guest_handle dst, const void *src, size_t len)
{
    if (dst.gva < GVA || dst.gva + len > GVA + sizeof(guest_mem))
        return -PV_EFAULT;
    memcpy(guest_mem + (dst.gva - GVA), src, len);
    return 0;
}

long hypercall_continue(unsigned nr, unsigned n, const uint64_t args[])
{
    (void)nr, (void)n, (void)args;
    fail_msg("one caller at a time here: the domctl lock is always free");
    return -PV_EFAULT;
}

/* The vCPU/scheduler/time commands and the host sysctls (domctl_vcpu.c, sysctl_host.c, tested
 * in test_domctl_vcpu.c): here only that each command reaches its function, with the target. */
static unsigned routed_cmd;
static struct domain *routed_dom;
#define ROUTED 0x7777 /* what the stand-ins return */
static long sysctl_rc = ROUTED; /* what the sysctl stand-ins return */
#define DOMCTL_STUB(name, nr)                                                                      \
    long domctl_##name(struct vcpu *v, struct domain *d, struct pv_domctl *op)                  \
    {                                                                                              \
        (void)v;                                                                                   \
        assert_int_equal(op->cmd, nr);                                                             \
        routed_cmd = op->cmd, routed_dom = d;                                                      \
        return ROUTED;                                                                             \
    }
#define SYSCTL_STUB(name, nr)                                                                      \
    long sysctl_##name(struct vcpu *v, struct pv_sysctl *op)                                     \
    {                                                                                              \
        (void)v;                                                                                   \
        assert_int_equal(op->cmd, nr);                                                             \
        routed_cmd = op->cmd;                                                                      \
        op->u.pad[0] = 0x5a; /* a result, which goes back only on success */                       \
        return sysctl_rc;                                                                          \
    }
DOMCTL_STUB(getvcpuinfo, PV_DOMCTL_getvcpuinfo)
DOMCTL_STUB(scheduler_op, PV_DOMCTL_scheduler_op)
DOMCTL_STUB(settimeoffset, PV_DOMCTL_settimeoffset)
DOMCTL_STUB(getpageframeinfo3, PV_DOMCTL_getpageframeinfo3) /* domctl_mem.c: boot case foreign */
/* domctl_save.c, mm/logdirty.c: boot cases migrate and logdirty. */
#define DOMCTL_STUB2(name, nr1, nr2)                                                               \
    long domctl_##name(struct vcpu *v, struct domain *d, struct pv_domctl *op)                  \
    {                                                                                              \
        (void)v;                                                                                   \
        assert_true(op->cmd == (nr1) || op->cmd == (nr2));                                         \
        routed_cmd = op->cmd, routed_dom = d;                                                      \
        return ROUTED;                                                                             \
    }
DOMCTL_STUB(resumedomain, PV_DOMCTL_resumedomain)
DOMCTL_STUB(shadow_op, PV_DOMCTL_shadow_op)
DOMCTL_STUB(set_address_size, PV_DOMCTL_set_address_size)
DOMCTL_STUB(get_address_size, PV_DOMCTL_get_address_size)
DOMCTL_STUB2(ext_vcpucontext, PV_DOMCTL_set_ext_vcpucontext, PV_DOMCTL_get_ext_vcpucontext)
DOMCTL_STUB2(vcpuextstate, PV_DOMCTL_setvcpuextstate, PV_DOMCTL_getvcpuextstate)
DOMCTL_STUB2(vcpu_msrs, PV_DOMCTL_set_vcpu_msrs, PV_DOMCTL_get_vcpu_msrs)
DOMCTL_STUB2(vcpuaffinity, PV_DOMCTL_setvcpuaffinity, PV_DOMCTL_getvcpuaffinity)
DOMCTL_STUB2(tscinfo, PV_DOMCTL_gettscinfo, PV_DOMCTL_settscinfo)
SYSCTL_STUB(readconsole, PV_SYSCTL_readconsole)
SYSCTL_STUB(physinfo, PV_SYSCTL_physinfo)
SYSCTL_STUB(sched_id, PV_SYSCTL_sched_id)
SYSCTL_STUB(getcpuinfo, PV_SYSCTL_getcpuinfo)
SYSCTL_STUB(cputopoinfo, PV_SYSCTL_cputopoinfo)

struct domain *domain_by_id(unsigned domid)
{
    lookups++;
    if (domid == 1 || domid == 2)
        return &doms[domid];
    return created_id && domid == created_id ? &created : NULL;
}

struct domain *domain_create(unsigned domid, const char *name, unsigned nr_vcpus)
{
    (void)name;
    assert_true(domid < MAX_DOMAINS && nr_vcpus >= 1 && nr_vcpus <= 32);
    memset(&created, 0, sizeof(created));
    memset(&created_gt, 0, sizeof(created_gt));
    created_gt.maptrack_max = GNTTAB_MAPTRACK_FRAMES;
    created.gnttab = &created_gt;
    created.domid = (uint16_t)domid;
    created.nr_vcpus = nr_vcpus;
    created_id = domid;
    return &created;
}

void domains_collect(void) {}

void domain_kill(struct domain *d)
{
    (void)d;
    kills++;
}

void domain_pause(struct domain *d)
{
    d->paused++;
    pauses++;
}

void domain_unpause(struct domain *d)
{
    assert_true(d->paused > 0);
    d->paused--;
}

/* The parts of the core domctl_info.c reaches; none of them is under test here. */
void vcpu_runstate_get(const struct vcpu *v, struct pv_vcpu_runstate_info *rs, bool to_now)
{
    (void)v, (void)to_now;
    memset(rs, 0, sizeof(*rs));
}
int mm_get_page(uint64_t mfn, const struct domain *d) { (void)mfn, (void)d; return -PV_EINVAL; }
void mm_put_page(uint64_t mfn) { (void)mfn; }
int mm_get_page_type(uint64_t mfn, uint32_t type) { (void)mfn, (void)type; return -PV_EINVAL; }
void mm_put_page_type(uint64_t mfn) { (void)mfn; }
void *mm_frame_ptr(uint64_t mfn) { (void)mfn; return NULL; }
void arch_hypercall_page_fill(void *page) { (void)page; }
long vcpu_context_set(struct vcpu *v, const struct pv_vcpu_guest_context *c, bool again)
{
    (void)v, (void)c, (void)again;
    return -PV_EINVAL;
}
void vcpu_context_get(struct vcpu *v, struct pv_vcpu_guest_context *c) { (void)v, (void)c; }
void vcpu_context_reset(struct vcpu *v) { (void)v; }

static void reset(bool privileged)
{
    memset(doms, 0, sizeof(doms));
    memset(&caller, 0, sizeof(caller));
    memset(guest_mem, 0, sizeof(guest_mem));
    caller.domain = &doms[1];
    doms[1].domid = 1;
    doms[2].domid = 2;
    doms[1].privileged = privileged;
    lookups = pauses = kills = 0;
    created_id = 0;
}

static long domctl(uint32_t cmd, uint32_t version, uint16_t domain)
{
    struct pv_domctl op = {.cmd = cmd, .interface_version = version, .domain = domain};

    memcpy(guest_mem, &op, sizeof(op));
    return hc_domctl(&caller, guest_handle_of(GVA));
}

static long sysctl(uint32_t cmd, uint32_t version)
{
    struct pv_sysctl op = {.cmd = cmd, .interface_version = version};

    memcpy(guest_mem, &op, sizeof(op));
    return hc_sysctl(&caller, guest_handle_of(GVA));
}

static const uint32_t cmds[] = {0, 1, 2, 5, 37, 38, 39, 40, 45, 47, 48, 56, 86, 1000, 0xffffffff};
#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))
/* Numbers no command of Xen 4.17 has (removed, obsolete, never used). */
static const uint32_t none[] = {0, 6, 7, 8, 26, 30, 44, 51, 87, 999, 0x7fffffff, 0xffffffff};
#define NR_NONE (sizeof(none) / sizeof(none[0]))
static const uint32_t sysctl_none[] = {0, 999, 0x10000, 0xffffffff};

static void test_domctl_privileged(void **state)
{
    (void)state;
    reset(true);
    for (unsigned i = 0; i < NR_NONE; i++) {
        assert_int_equal(domctl(none[i], PV_DOMCTL_INTERFACE_VERSION, 2), -PV_ENOSYS);
        assert_int_equal(domctl(none[i], PV_DOMCTL_INTERFACE_VERSION, 1), -PV_ENOSYS);
    }
    for (unsigned i = 0; i < NR_CMDS; i++)
        assert_int_equal(domctl(cmds[i], 0x14, 2), -PV_EACCES);
    assert_int_equal(domctl(3, PV_DOMCTL_INTERFACE_VERSION, 0), -PV_ESRCH);
    assert_int_equal(domctl(3, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_SELF), -PV_ESRCH);
    /* No target looked up: DOMID_IO / DOMID_INVALID where Xen allows them. */
    lookups = 0;
    assert_int_equal(domctl(PV_DOMCTL_assign_device, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_IO),
                     -PV_ENOSYS);
    assert_int_equal(domctl(PV_DOMCTL_deassign_device, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_IO),
                     -PV_ENOSYS);
    assert_int_equal(
        domctl(PV_DOMCTL_test_assign_device, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_INVALID),
        -PV_ENOSYS);
    assert_int_equal(domctl(PV_DOMCTL_vm_event_op, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_INVALID),
                     -PV_ENOSYS);
    assert_int_equal(lookups, 0);
    assert_int_equal(
        domctl(PV_DOMCTL_assign_device, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_INVALID),
        -PV_ESRCH);
    /* getdomaininfo of an absent domain: none reserved, else the next one up. */
    assert_int_equal(domctl(PV_DOMCTL_getdomaininfo, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_IO),
                     -PV_EINVAL);
    assert_int_equal(domctl(PV_DOMCTL_getdomaininfo, PV_DOMCTL_INTERFACE_VERSION, 3), -PV_ESRCH);
}

static struct pv_domctl *arg(void)
{
    return (struct pv_domctl *)guest_mem;
}

static long call(uint32_t cmd, uint16_t domain)
{
    arg()->cmd = cmd;
    arg()->interface_version = PV_DOMCTL_INTERFACE_VERSION;
    arg()->domain = domain;
    return hc_domctl(&caller, guest_handle_of(GVA));
}

static void good(void)
{
    struct pv_domctl_createdomain *c = &arg()->u.createdomain;

    memset(guest_mem, 0, sizeof(guest_mem));
    c->max_vcpus = 1;
    c->max_grant_frames = -1;
    c->max_maptrack_frames = -1;
    c->grant_opts = 1;
}

/* Xen's sanitise_domain_config, arch checks and grant_table_init, one error at a time. */
static void test_createdomain_checks(void **state)
{
    struct pv_domctl_createdomain *c = &arg()->u.createdomain;
    const struct {
        uint32_t *field;
        uint32_t value;
        long rc;
    } bad[] = {
        {&c->flags, 1U << 8, -PV_EINVAL},           {&c->flags, PV_DOMCTL_CDF_hvm, -PV_EINVAL},
        {&c->flags, PV_DOMCTL_CDF_hap, -PV_EINVAL}, {&c->flags, PV_DOMCTL_CDF_iommu, -PV_EINVAL},
        {&c->flags, PV_DOMCTL_CDF_vpmu, -PV_EINVAL},
        {&c->flags, PV_DOMCTL_CDF_nested_virt, -PV_EINVAL},
        {&c->iommu_opts, 1, -PV_EINVAL},             {&c->vmtrace_size, 1, -PV_EINVAL},
        {&c->max_vcpus, 0, -PV_EINVAL},              {&c->max_vcpus, 33, -PV_EINVAL},
        {&c->grant_opts, 0, -PV_EINVAL},             {&c->grant_opts, 3, -PV_EINVAL},
        {&c->grant_opts, 0x11, -PV_EINVAL},          {&c->arch.misc_flags, 2, -PV_EINVAL},
        {&c->arch.emulation_flags, 1U << 11, -PV_EINVAL},
        {&c->arch.emulation_flags, PV_X86_EMU_HPET, -PV_EOPNOTSUPP},
        {(uint32_t *)&c->max_grant_frames, 0, -PV_EINVAL},
        {(uint32_t *)&c->max_grant_frames, 65, -PV_EINVAL},
        {(uint32_t *)&c->max_maptrack_frames, 1025, -PV_EINVAL},
        {&c->cpupool_id, 1, -PV_ESRCH},
    };

    (void)state;
    reset(true);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        good();
        *bad[i].field = bad[i].value;
        assert_int_equal(call(PV_DOMCTL_createdomain, 0), bad[i].rc);
        assert_int_equal(created_id, 0);
    }
    good();
    assert_int_equal(call(PV_DOMCTL_createdomain, 2), -PV_EEXIST);
    good();
    assert_int_equal(call(PV_DOMCTL_createdomain, MAX_DOMAINS), -PV_EINVAL);
    good();
    c->arch.emulation_flags = PV_X86_EMU_PIT; /* the one device a PV domain may have */
    c->max_evtchn_port = 63;
    c->handle[3] = 0x5a;
    assert_int_equal(call(PV_DOMCTL_createdomain, 0x7ff0), 0); /* reserved: chosen instead */
    assert_true(created_id > 2 && arg()->domain == created_id);
    assert_int_equal(created.max_evtchns, 63);
    assert_int_equal(created.handle[3], 0x5a);
    assert_int_equal(created.ctl_pauses, 1);
    assert_int_equal(created.paused, 1);
    assert_int_equal(created.max_grant_frames, GNTTAB_DEFAULT_MAX_FRAMES);
    assert_int_equal(created_gt.maptrack_max, 1024); /* -1: Xen's default, as xl asks */
    good();
    c->max_maptrack_frames = 0; /* a domain that maps no grants: allowed */
    assert_int_equal(call(PV_DOMCTL_createdomain, 0), 0);
    assert_int_equal(created_gt.maptrack_max, 0);
}

/* The xenstore domain (CDF_xs_domain), unprivileged otherwise: getdomaininfo and sysctl
 * getdomaininfolist (and readconsole) only, as Xen's dummy policy. */
static void test_xs_domain_policy(void **state)
{
    (void)state;
    reset(false);
    doms[1].xs_domain = true;
    memset(guest_mem, 0, sizeof(guest_mem));
    assert_int_equal(call(PV_DOMCTL_getdomaininfo, 2), 0);
    assert_int_equal(arg()->u.getdomaininfo.domain, 2);
    assert_int_equal(call(PV_DOMCTL_getdomaininfo, 3), -PV_ESRCH);
    assert_int_equal(call(PV_DOMCTL_pausedomain, 2), -PV_EPERM);
    assert_int_equal(call(PV_DOMCTL_createdomain, 0), -PV_EPERM);
    assert_int_equal(call(PV_DOMCTL_destroydomain, 2), -PV_EPERM);
    assert_int_equal(sysctl(PV_SYSCTL_getdomaininfolist, PV_SYSCTL_INTERFACE_VERSION), 0);
    assert_int_equal(sysctl(999, PV_SYSCTL_INTERFACE_VERSION), -PV_EPERM);
    assert_int_equal(pauses + kills, 0);
}

/* Counted toolstack pauses, never of oneself; unpause below zero refused. */
static void test_pause_counts(void **state)
{
    (void)state;
    reset(true);
    assert_int_equal(call(PV_DOMCTL_pausedomain, 1), -PV_EINVAL);
    assert_int_equal(call(PV_DOMCTL_unpausedomain, 2), -PV_EINVAL);
    for (unsigned i = 0; i < 255; i++)
        assert_int_equal(call(PV_DOMCTL_pausedomain, 2), 0);
    assert_int_equal(call(PV_DOMCTL_pausedomain, 2), -PV_EOVERFLOW);
    assert_int_equal(doms[2].paused, 255);
    assert_int_equal(call(PV_DOMCTL_unpausedomain, 2), 0);
    assert_int_equal(doms[2].ctl_pauses, 254);
    assert_int_equal(call(PV_DOMCTL_destroydomain, 1), -PV_EINVAL);
    assert_int_equal(kills, 0);
    assert_int_equal(call(PV_DOMCTL_destroydomain, 2), 0);
    assert_int_equal(kills, 1);
}

/* The asked domain, else the next one up; copied back whole with the id in `domain`. */
static void test_getdomaininfo(void **state)
{
    (void)state;
    reset(true);
    doms[2].shutdown_reason = PV_SHUTDOWN_reboot;
    doms[2].state = DOM_SHUTDOWN;
    doms[2].max_pages = 77;
    memset(guest_mem, 0, sizeof(guest_mem));
    assert_int_equal(call(PV_DOMCTL_getdomaininfo, 0), 0);
    assert_int_equal(arg()->domain, 1);
    assert_int_equal(arg()->u.getdomaininfo.domain, 1);
    assert_int_equal(arg()->u.getdomaininfo.flags >> PV_DOMINF_shutdownshift, 0xffff);
    assert_int_equal(call(PV_DOMCTL_getdomaininfo, 2), 0);
    assert_int_equal(arg()->u.getdomaininfo.max_pages, 77);
    assert_int_equal(arg()->u.getdomaininfo.flags,
                     PV_DOMINF_shutdown | PV_SHUTDOWN_reboot << PV_DOMINF_shutdownshift);
    assert_int_equal(arg()->u.getdomaininfo.max_vcpu_id, PV_INVALID_MAX_VCPU_ID);
}static void test_domctl_unprivileged(void **state)
{
    (void)state;
    reset(false);
    for (unsigned i = 0; i < NR_CMDS; i++) {
        assert_int_equal(domctl(cmds[i], PV_DOMCTL_INTERFACE_VERSION, 2), -PV_EPERM);
        assert_int_equal(domctl(cmds[i], PV_DOMCTL_INTERFACE_VERSION, 1), -PV_EPERM);
        /* the version before everything, as in Xen */
        assert_int_equal(domctl(cmds[i], 0, 2), -PV_EACCES);
    }
    /* Xen looks the target up before it asks the policy. */
    assert_int_equal(domctl(3, PV_DOMCTL_INTERFACE_VERSION, 7), -PV_ESRCH);
    assert_int_equal(domctl(PV_DOMCTL_createdomain, PV_DOMCTL_INTERFACE_VERSION, 7), -PV_EPERM);
}

static void test_sysctl(void **state)
{
    (void)state;
    for (int priv = 0; priv < 2; priv++) {
        reset(priv);
        for (unsigned i = 0; i < sizeof(sysctl_none) / sizeof(sysctl_none[0]); i++)
            assert_int_equal(sysctl(sysctl_none[i], PV_SYSCTL_INTERFACE_VERSION),
                             priv ? -PV_ENOSYS : -PV_EPERM);
        assert_int_equal(sysctl(PV_SYSCTL_getdomaininfolist, PV_SYSCTL_INTERFACE_VERSION),
                         priv ? 0 : -PV_EPERM);
        for (unsigned i = 0; i < NR_CMDS; i++)
            assert_int_equal(sysctl(cmds[i], 0x16), -PV_EACCES);
    }
}

/* The whole structure is read: one byte short is -EFAULT, for any caller. */
static void test_bad_argument(void **state)
{
    (void)state;
    for (int priv = 0; priv < 2; priv++) {
        reset(priv);
        assert_int_equal(hc_domctl(&caller, guest_handle_of(0)), -PV_EFAULT);
        assert_int_equal(hc_sysctl(&caller, guest_handle_of(0)), -PV_EFAULT);
        assert_int_equal(
            hc_domctl(&caller, guest_handle_of(GVA + sizeof(guest_mem) - sizeof(struct pv_domctl) + 1)),
            -PV_EFAULT);
        assert_int_equal(
            hc_sysctl(&caller, guest_handle_of(GVA + sizeof(guest_mem) - sizeof(struct pv_sysctl) + 1)),
            -PV_EFAULT);
    }
}

static void test_routing(void **state)
{
    static const uint32_t dcmds[] = {9, 14, 16, 24, 25, 59, 60, 61, 10, 27, 35, 36, 42, 43, 62, 63, 72, 73};
    static const uint32_t scmds[] = {1, 3, 4, 8, 16};

    (void)state;
    for (int priv = 0; priv < 2; priv++) {
        reset(priv);
        for (unsigned i = 0; i < sizeof(dcmds) / sizeof(dcmds[0]); i++) {
            routed_cmd = 0;
            assert_int_equal(domctl(dcmds[i], PV_DOMCTL_INTERFACE_VERSION, 2),
                             priv ? ROUTED : -PV_EPERM);
            assert_int_equal(routed_cmd, priv ? dcmds[i] : 0);
            assert_ptr_equal(routed_dom, priv ? &doms[2] : routed_dom);
            assert_int_equal(domctl(dcmds[i], PV_DOMCTL_INTERFACE_VERSION, 7), -PV_ESRCH);
        }
        for (unsigned i = 0; i < sizeof(scmds) / sizeof(scmds[0]); i++) {
            routed_cmd = 0;
            assert_int_equal(sysctl(scmds[i], PV_SYSCTL_INTERFACE_VERSION),
                             priv ? ROUTED : -PV_EPERM);
            assert_int_equal(routed_cmd, priv ? scmds[i] : 0);
        }
    }
}

/* A sysctl's argument goes back exactly when its command succeeds (Xen's copyback). */
static void test_sysctl_copyback(void **state)
{
    const size_t pad = offsetof(struct pv_sysctl, u);

    (void)state;
    reset(true);
    sysctl_rc = -PV_EINVAL;
    assert_int_equal(sysctl(PV_SYSCTL_physinfo, PV_SYSCTL_INTERFACE_VERSION), -PV_EINVAL);
    assert_int_equal(guest_mem[pad], 0);
    sysctl_rc = 0;
    assert_int_equal(sysctl(PV_SYSCTL_physinfo, PV_SYSCTL_INTERFACE_VERSION), 0);
    assert_int_equal(guest_mem[pad], 0x5a);
    sysctl_rc = ROUTED;
}

static long perm(uint32_t cmd, uint64_t first, uint64_t nr, bool allow)
{
    memset(guest_mem, 0, sizeof(guest_mem));
    if (cmd == PV_DOMCTL_ioport_permission)
        arg()->u.ioport_permission = (struct pv_domctl_ioport_permission){
            .first_port = (uint32_t)first, .nr_ports = (uint32_t)nr, .allow_access = allow};
    else if (cmd == PV_DOMCTL_iomem_permission)
        arg()->u.iomem_permission = (struct pv_domctl_iomem_permission){
            .first_mfn = first, .nr_mfns = nr, .allow_access = allow};
    else
        arg()->u.irq_permission =
            (struct pv_domctl_irq_permission){.pirq = (uint32_t)first, .allow_access = allow};
    return call(cmd, 2);
}

/* Xen's order: the range (-EINVAL), then the caller's own rights (-EPERM), then the change. */
static void test_io_permissions(void **state)
{
    (void)state;
    reset(true);
    assert_int_equal(rangeset_add(&doms[1].ioport_caps, 0x100, 0x3ff), 0);
    assert_int_equal(rangeset_add(&doms[1].iomem_caps, 0xfe000, 0xfefff), 0);
    assert_int_equal(rangeset_add(&doms[1].irq_caps, 3, 15), 0);
    /* ioport: empty, wrapping and past 0xffff ranges; then what the caller does not hold. */
    assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0x2f8, 0, true), -PV_EINVAL);
    assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0x2f8, 0xffffffff, true), -PV_EINVAL);
    assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0xffff, 2, true), -PV_EINVAL);
    assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0x20000, 1, true), -PV_EINVAL);
    assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0xffff, 1, true), -PV_EPERM);
    assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0x3f8, 9, true), -PV_EPERM);
    assert_true(rangeset_is_empty(&doms[2].ioport_caps));
    assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0x2f8, 8, true), 0);
    assert_true(rangeset_contains(&doms[2].ioport_caps, 0x2f8, 0x2ff));
    assert_false(rangeset_contains(&doms[2].ioport_caps, 0x2f7, 0x2f8));
    assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0x2fa, 1, false), 0);
    assert_false(rangeset_contains(&doms[2].ioport_caps, 0x2fa, 0x2fa));
    assert_true(rangeset_contains(&doms[2].ioport_caps, 0x2fb, 0x2ff));
    /* iomem: a wrapping range, nr 0 (wraps unless at frame 0), then the caller's rights. */
    assert_int_equal(perm(PV_DOMCTL_iomem_permission, 0xfe000, 0, true), -PV_EINVAL);
    assert_int_equal(perm(PV_DOMCTL_iomem_permission, UINT64_MAX, 2, true), -PV_EINVAL);
    assert_int_equal(perm(PV_DOMCTL_iomem_permission, 0, 0, true), -PV_EPERM);
    assert_int_equal(perm(PV_DOMCTL_iomem_permission, 0xfefff, 2, true), -PV_EPERM);
    assert_int_equal(perm(PV_DOMCTL_iomem_permission, 0xfebf0, 4, true), 0);
    assert_true(rangeset_contains(&doms[2].iomem_caps, 0xfebf0, 0xfebf3));
    assert_int_equal(perm(PV_DOMCTL_iomem_permission, 0xfebf0, 4, false), 0);
    assert_true(rangeset_is_empty(&doms[2].iomem_caps));
    /* irq: pirqs from 0 to 255, held by the caller. */
    assert_int_equal(perm(PV_DOMCTL_irq_permission, 256, 0, true), -PV_EINVAL);
    assert_int_equal(perm(PV_DOMCTL_irq_permission, 2, 0, true), -PV_EPERM);
    assert_int_equal(perm(PV_DOMCTL_irq_permission, 16, 0, true), -PV_EPERM);
    assert_int_equal(perm(PV_DOMCTL_irq_permission, 4, 0, true), 0);
    assert_true(rangeset_contains(&doms[2].irq_caps, 4, 4));
    assert_int_equal(perm(PV_DOMCTL_irq_permission, 4, 0, false), 0);
    assert_true(rangeset_is_empty(&doms[2].irq_caps));
    /* Full: the 33rd separate range is refused and leaves the set as it was. */
    rangeset_clear(&doms[2].ioport_caps);
    for (unsigned i = 0; i < RANGESET_MAX; i++)
        assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0x100 + 2 * i, 1, true), 0);
    assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0x200, 1, true), -PV_ENOMEM);
    assert_false(rangeset_contains(&doms[2].ioport_caps, 0x200, 0x200));
    /* An unprivileged caller: the policy refuses it first, whatever it holds. */
    doms[1].privileged = false;
    assert_int_equal(perm(PV_DOMCTL_ioport_permission, 0x2f8, 8, true), -PV_EPERM);
    assert_int_equal(perm(PV_DOMCTL_iomem_permission, 0xfebf0, 1, true), -PV_EPERM);
    assert_int_equal(perm(PV_DOMCTL_irq_permission, 4, 0, true), -PV_EPERM);
    assert_true(rangeset_is_empty(&doms[2].iomem_caps) && rangeset_is_empty(&doms[2].irq_caps));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domctl_privileged),
        cmocka_unit_test(test_domctl_unprivileged),
        cmocka_unit_test(test_createdomain_checks),
        cmocka_unit_test(test_pause_counts),
        cmocka_unit_test(test_xs_domain_policy),
        cmocka_unit_test(test_getdomaininfo),
        cmocka_unit_test(test_sysctl),
        cmocka_unit_test(test_sysctl_copyback),
        cmocka_unit_test(test_routing),
        cmocka_unit_test(test_bad_argument),
        cmocka_unit_test(test_io_permissions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
