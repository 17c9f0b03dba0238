/* Unit tests of domctl and sysctl (hypervisor/hypercalls/domctl.c, sysctl.c): Xen's checks in
 * Xen's order for privileged and unprivileged callers (argument, interface version, domctl's
 * target, the XSM dummy policy), and -ENOSYS for every command a privileged caller may issue
 * until the toolstack implements them. Guest memory and the domain table are faked here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "pv-abi/domctl.h"
#include "pv-abi/errno.h"
#include "pv-abi/sysctl.h"
#include "hypervisor/hypercalls/domctl_ops.h"

#define GVA 0x10000ULL

static struct domain doms[3]; /* ids 1 (the caller) and 2; 0 does not exist */
static struct vcpu caller;
static uint8_t guest_mem[256];
static unsigned lookups;

int guest_copy_from(void *dst, guest_handle src, size_t len)
{
    if (src.gva < GVA || src.gva + len > GVA + sizeof(guest_mem))
        return -PV_EFAULT;
    memcpy(dst, guest_mem + (src.gva - GVA), len);
    return 0;
}

int guest_copy_to(guest_handle dst, const void *src, size_t len)
{
    (void)dst, (void)src, (void)len;
    fail_msg("domctl and sysctl copy nothing back yet");
    return -PV_EFAULT;
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
#define DOMCTL_STUB(name, nr)                                                                      \
    long domctl_##name(struct vcpu *v, struct domain *d, struct pv_domctl *op, bool *copyback)  \
    {                                                                                              \
        (void)v, (void)copyback;                                                                   \
        assert_int_equal(op->cmd, nr);                                                             \
        routed_cmd = op->cmd, routed_dom = d;                                                      \
        return ROUTED;                                                                             \
    }
#define SYSCTL_STUB(name, nr)                                                                      \
    long sysctl_##name(struct vcpu *v, struct pv_sysctl *op, bool *copyback)                     \
    {                                                                                              \
        (void)v, (void)copyback;                                                                   \
        assert_int_equal(op->cmd, nr);                                                             \
        routed_cmd = op->cmd;                                                                      \
        return ROUTED;                                                                             \
    }
DOMCTL_STUB(setvcpuaffinity, PV_DOMCTL_setvcpuaffinity)
DOMCTL_STUB(getvcpuinfo, PV_DOMCTL_getvcpuinfo)
DOMCTL_STUB(scheduler_op, PV_DOMCTL_scheduler_op)
DOMCTL_STUB(settimeoffset, PV_DOMCTL_settimeoffset)
DOMCTL_STUB(getvcpuaffinity, PV_DOMCTL_getvcpuaffinity)
DOMCTL_STUB(gettscinfo, PV_DOMCTL_gettscinfo)
DOMCTL_STUB(settscinfo, PV_DOMCTL_settscinfo)
SYSCTL_STUB(readconsole, PV_SYSCTL_readconsole)
SYSCTL_STUB(physinfo, PV_SYSCTL_physinfo)
SYSCTL_STUB(sched_id, PV_SYSCTL_sched_id)
SYSCTL_STUB(getcpuinfo, PV_SYSCTL_getcpuinfo)
SYSCTL_STUB(cputopoinfo, PV_SYSCTL_cputopoinfo)

struct domain *domain_by_id(unsigned domid)
{
    lookups++;
    return domid == 1 || domid == 2 ? &doms[domid] : NULL;
}

static void reset(bool privileged)
{
    memset(doms, 0, sizeof(doms));
    memset(&caller, 0, sizeof(caller));
    memset(guest_mem, 0, sizeof(guest_mem));
    caller.domain = &doms[1];
    doms[1].privileged = privileged;
    lookups = 0;
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

static void test_domctl_privileged(void **state)
{
    (void)state;
    reset(true);
    for (unsigned i = 0; i < NR_CMDS; i++) {
        assert_int_equal(domctl(cmds[i], PV_DOMCTL_INTERFACE_VERSION, 2), -PV_ENOSYS);
        assert_int_equal(domctl(cmds[i], PV_DOMCTL_INTERFACE_VERSION, 1), -PV_ENOSYS);
        assert_int_equal(domctl(cmds[i], 0x14, 2), -PV_EACCES);
    }
    assert_int_equal(domctl(3, PV_DOMCTL_INTERFACE_VERSION, 0), -PV_ESRCH);
    assert_int_equal(domctl(3, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_SELF), -PV_ESRCH);
    /* No target looked up: createdomain; DOMID_IO / DOMID_INVALID where Xen allows them. */
    lookups = 0;
    assert_int_equal(domctl(PV_DOMCTL_createdomain, PV_DOMCTL_INTERFACE_VERSION, 0), -PV_ENOSYS);
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
    assert_int_equal(domctl(PV_DOMCTL_getdomaininfo, PV_DOMCTL_INTERFACE_VERSION, PV_DOMID_IO),
                     -PV_ESRCH);
}

static void test_domctl_unprivileged(void **state)
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
        for (unsigned i = 0; i < NR_CMDS; i++) {
            assert_int_equal(sysctl(cmds[i], PV_SYSCTL_INTERFACE_VERSION),
                             !priv ? -PV_EPERM : cmds[i] == PV_SYSCTL_readconsole ? ROUTED : -PV_ENOSYS);
            assert_int_equal(sysctl(cmds[i], 0x16), -PV_EACCES);
        }
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
    static const uint32_t dcmds[] = {9, 14, 16, 24, 25, 59, 60}, scmds[] = {1, 3, 4, 8, 16};

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domctl_privileged),
        cmocka_unit_test(test_domctl_unprivileged),
        cmocka_unit_test(test_sysctl),
        cmocka_unit_test(test_routing),
        cmocka_unit_test(test_bad_argument),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
