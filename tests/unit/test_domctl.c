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
                             priv ? -PV_ENOSYS : -PV_EPERM);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domctl_privileged),
        cmocka_unit_test(test_domctl_unprivileged),
        cmocka_unit_test(test_sysctl),
        cmocka_unit_test(test_bad_argument),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
