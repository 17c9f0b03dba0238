/* Tests of dom0-tools/libhv's operations and monitor (ops*.c, monitor.c) with the real xenstore
 * layer against build/bin/xenstored and a stand-in hypervisor (fake_priv.c): create's every
 * failure leaves nothing behind, names, destroy, shutdown, the on_* actions. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "dom0-tools/libhv/monitor.h"
#include "dom0-tools/libhv/ops.h"
#include "fake_priv.h"
#include "pv-abi/sched_op.h"
#include "xsd_harness.h"

static struct hv_ops o;
static char kernel[] = "/tmp/hvctl-ops-kernel.XXXXXX";

static void load(struct hv_cfg *cfg, const char *extra)
{
    char text[512], err[256];

    snprintf(text, sizeof(text), "name='web'\nkernel='%s'\nmemory=64\nmaxmem=128\nvcpus=2\n%s",
             kernel, extra);
    if (hv_cfg_parse(text, strlen(text), "t.cfg", NULL, 0, cfg, err, sizeof(err)))
        fail_msg("%s", err);
}

static int setup(void **state)
{
    int fd = mkstemp(kernel);

    if (fd < 0 || xsd_start(state))
        return -1;
    close(fd);
    fake_reset();
    return hv_ops_open(&o);
}

static int teardown(void **state)
{
    hv_ops_close(&o);
    unlink(kernel);
    return xsd_stop(state);
}

static void test_create_destroy(void **state)
{
    struct hv_cfg cfg;
    struct hv_dom_summary s;
    char *before, *after, buf[64];
    uint32_t domid, found;

    (void)state;
    /* dom0's own nodes, as xen-init-dom0 writes them */
    assert_true(xs_write(xs, XBT_NULL, "/local/domain/0/name", "Domain-0", 8));
    assert_true(xs_write(xs, XBT_NULL, "/local/domain/0/domid", "0", 1));
    before = xsd_snapshot();
    fake_reset();
    load(&cfg, "cpu_weight=512\nioports=['2f8-2ff','3e8']\niomem=['fee00,1']\nirqs=[4,5]\n");
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), 0);
    assert_int_equal(domid, 1);
    assert_int_equal(fake_doms[1].ioports, 2);
    assert_int_equal(fake_doms[1].iomem, 1);
    assert_int_equal(fake_doms[1].pirqs, 2);
    assert_int_equal(fake_doms[1].irqs, 2);
    assert_true(fake_doms[1].built);
    assert_int_equal(fake_doms[1].pauses, 0);               /* unpaused */
    assert_int_equal(fake_doms[1].max_kib, 64 * 1024 + 1024); /* libxl's max_mem */
    assert_int_equal(fake_doms[1].weight, 512);
    assert_true(xs_is_domain_introduced(xs, 1));
    assert_int_equal(hv_xsl_read(xs, 1, "memory/static-max", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "131072");
    assert_int_equal(hv_ops_find(&o, "web", &found), 0);
    assert_int_equal(found, 1);
    assert_int_equal(hv_ops_find(&o, "1", &found), 0);
    assert_int_equal(hv_ops_summary(&o, 1, &s), 0);
    assert_string_equal(s.name, "web");
    assert_string_equal(s.state, "r-----");
    assert_int_equal(s.mem_kib, 64 * 1024);
    /* a second domain of that name is refused before anything is created */
    assert_int_equal(hv_ops_create(&o, &cfg, false, &found), -EEXIST);
    assert_string_equal(o.err.msg, "domain 'web' already exists (id 1)");
    assert_int_equal(fake_creates, 1);
    assert_int_equal(hv_ops_destroy(&o, 1), 0);
    assert_int_equal(fake_count(), 0);
    assert_false(xs_is_domain_introduced(xs, 1));
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(after);
    /* and again */
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), 0);
    assert_int_equal(hv_ops_destroy(&o, domid), 0);
    after = xsd_snapshot();
    assert_string_equal(before, after);
    assert_int_equal(hv_ops_destroy(&o, 1), -ESRCH);
    assert_string_equal(o.err.msg, "no domain with id 1");
    assert_int_equal(hv_ops_destroy(&o, 0), -EINVAL);
    hv_cfg_free(&cfg);
    free(before);
    free(after);
}

/* Each step of create failing in turn: the domain is gone, xenstore is as before, and the
 * message is the step's. */
static void test_create_failures(void **state)
{
    static const char *const steps[] = {"create",           "max_vcpus",        "max_mem",
                                        "ioport_permission", "iomem_permission", "map_pirq",
                                        "irq_permission",    "build",            "sched_set",
                                        "unpause"};
    struct hv_cfg cfg;
    char *before = xsd_snapshot(), *after, want[64];
    uint32_t domid;
    unsigned i;

    (void)state;
    load(&cfg, "cap=50\nioports=['2f8-2ff']\niomem=['fee00,1']\nirqs=[4]\n");
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        fake_reset();
        fake_fail = steps[i];
        assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), -EINVAL);
        snprintf(want, sizeof(want), "fake %s failed", steps[i]);
        assert_string_equal(o.err.msg, want);
        assert_int_equal(fake_count(), 0);
        assert_int_equal(fake_destroys, i ? 1 : 0);
        assert_false(xs_is_domain_introduced(xs, 1));
        after = xsd_snapshot();
        assert_string_equal(before, after);
        free(after);
    }
    hv_cfg_free(&cfg);
    free(before);
}

static void test_create_checks(void **state)
{
    struct hv_cfg cfg;
    uint32_t domid;

    (void)state;
    fake_reset();
    load(&cfg, "kernel='/nonexistent/vmlinux'\n");
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), -ENOENT);
    assert_string_equal(o.err.msg, "kernel /nonexistent/vmlinux: No such file or directory");
    hv_cfg_free(&cfg);
    load(&cfg, "ramdisk='/nonexistent/initrd'\n");
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), -ENOENT);
    assert_string_equal(o.err.msg, "ramdisk /nonexistent/initrd: No such file or directory");
    assert_int_equal(fake_creates, 0);
    hv_cfg_free(&cfg);
    load(&cfg, "");
    assert_int_equal(hv_ops_create(&o, &cfg, true, &domid), 0); /* -p */
    assert_int_equal(fake_doms[domid].pauses, 1);
    assert_int_equal(hv_ops_unpause(&o, domid), 0);
    assert_int_equal(hv_ops_destroy(&o, domid), 0);
    hv_cfg_free(&cfg);
}

static void test_find(void **state)
{
    uint32_t domid;

    (void)state;
    fake_reset();
    assert_int_equal(hv_ops_find(&o, "nosuch", &domid), -ESRCH);
    assert_string_equal(o.err.msg, "no domain named 'nosuch'");
    assert_int_equal(hv_ops_find(&o, "42", &domid), -ESRCH);
    assert_string_equal(o.err.msg, "no domain with id 42");
    assert_int_equal(hv_ops_find(&o, "99999", &domid), -ESRCH);
    assert_int_equal(hv_ops_find(&o, "0", &domid), 0);
    assert_int_equal(domid, 0);
}

static void test_shutdown_and_tuning(void **state)
{
    struct hv_cfg cfg;
    uint32_t domid;
    char buf[64];
    int reason;

    (void)state;
    fake_reset();
    load(&cfg, "");
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), 0);
    assert_int_equal(hv_ops_shutdown(&o, domid, "poweroff"), 0);
    assert_int_equal(hv_xsl_read(xs, domid, "control/shutdown", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "poweroff");
    assert_int_equal(hv_ops_wait_shutdown(&o, domid, 1, &reason), -ETIMEDOUT);
    fake_doms[domid].shutdown = true;
    fake_doms[domid].reason = PV_SHUTDOWN_poweroff;
    assert_int_equal(hv_ops_wait_shutdown(&o, domid, 1, &reason), 0);
    assert_int_equal(reason, PV_SHUTDOWN_poweroff);
    assert_int_equal(hv_ops_shutdown(&o, 0, "poweroff"), -EINVAL);
    assert_int_equal(hv_ops_vcpu_set(&o, domid, 3), -EINVAL);
    assert_string_equal(o.err.msg, "domain 'web' has 1 to 2 vCPUs, not 3");
    assert_int_equal(hv_ops_vcpu_set(&o, domid, 1), 0);
    assert_int_equal(hv_xsl_read(xs, domid, "cpu/1/availability", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "offline");
    assert_int_equal(hv_ops_mem_set(&o, domid, 256 * 1024), -EINVAL);
    assert_int_equal(hv_ops_mem_set(&o, domid, 96 * 1024), 0);
    assert_int_equal(fake_doms[domid].max_kib, 96 * 1024 + 1024);
    assert_int_equal(hv_xsl_read(xs, domid, "memory/target", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "98304");
    assert_int_equal(hv_ops_sched_set(&o, domid, 0, 201), -EINVAL);
    assert_int_equal(hv_ops_sched_set(&o, domid, 100, -1), 0);
    assert_int_equal(fake_doms[domid].weight, 100);
    assert_int_equal(hv_ops_destroy(&o, domid), 0);
    assert_int_equal(hv_ops_wait_shutdown(&o, domid, 1, &reason), 0);
    assert_int_equal(reason, -1);
    hv_cfg_free(&cfg);
}

/* Writes domid's device/suspend/event-channel (the guest's offer). */
static void offer(uint32_t domid, const char *value)
{
    char path[96];

    snprintf(path, sizeof(path), "/local/domain/%u/device/suspend/event-channel", domid);
    assert_true(xs_write(xs, XBT_NULL, path, value, (unsigned)strlen(value)));
}

static char *shutdown_node(uint32_t domid, char *buf, size_t len)
{
    assert_int_equal(hv_xsl_read(xs, domid, "control/shutdown", buf, len), 0);
    return buf;
}

/* A suspend through xenstore (the fake domain is shut down "suspend" before it is asked, so
 * the wait ends at once): the node written, no notify; why says why the port was not used. */
static void suspend_through_xenstore(uint32_t domid, const char *node, const char *why)
{
    struct hv_suspend_how how;
    char buf[64];

    offer(domid, node);
    hv_xsl_shutdown(xs, domid, "", NULL);
    fake_doms[domid].shutdown = true, fake_doms[domid].reason = PV_SHUTDOWN_suspend;
    fake_doms[domid].notifies = 0;
    assert_int_equal(hv_ops_suspend(&o, domid, &how), 0);
    assert_false(how.evtchn);
    assert_int_equal(fake_doms[domid].notifies, 0);
    if (why) {
        assert_non_null(strstr(how.why, why));
        assert_string_equal(shutdown_node(domid, buf, sizeof(buf)), ""); /* withdrawn after */
    } else {
        assert_string_equal(how.why, "");
        assert_string_equal(shutdown_node(domid, buf, sizeof(buf)), "suspend");
    }
    fake_doms[domid].shutdown = false;
}

static void test_suspend_ways(void **state)
{
    struct hv_suspend_how how;
    struct hv_cfg cfg;
    uint32_t domid;
    char buf[64];

    (void)state;
    fake_reset();
    load(&cfg, "");
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), 0);
    fake_doms[domid].suspend_port = 7;
    /* no port offered (the node empty, as create leaves it: Linux) */
    suspend_through_xenstore(domid, "", NULL);
    /* the port offered: a notify, no xenstore request, suspended */
    fake_doms[domid].suspend_on_notify = true;
    offer(domid, "7");
    hv_xsl_shutdown(xs, domid, "", NULL);
    assert_int_equal(hv_ops_suspend(&o, domid, &how), 0);
    assert_true(how.evtchn);
    assert_int_equal(how.port, 7);
    assert_int_equal(fake_doms[domid].notifies, 1);
    assert_string_equal(shutdown_node(domid, buf, sizeof(buf)), "");
    fake_doms[domid].shutdown = false;
    /* a guest's bogus values: not a port, never bound */
    suspend_through_xenstore(domid, "junk", "holds no port ('junk')");
    suspend_through_xenstore(domid, "0", "holds no port");
    suspend_through_xenstore(domid, "-7", "holds no port");
    suspend_through_xenstore(domid, "7x", "holds no port");
    suspend_through_xenstore(domid, "4294967303", "holds no port"); /* 7 + 2^32 */
    /* a port the hypervisor refuses to bind (bound elsewhere, or for another domain) */
    suspend_through_xenstore(domid, "9", "its suspend event channel 9: binding");
    /* a guest that takes the notify and never suspends: xenstore next, then the error; the
     * request withdrawn, the domain running */
    fake_doms[domid].suspend_on_notify = false;
    fake_doms[domid].notifies = 0;
    offer(domid, "7");
    hv_suspend_evtchn_s = hv_suspend_xs_s = 1;
    assert_int_equal(hv_ops_suspend(&o, domid, &how), -ETIMEDOUT);
    hv_suspend_evtchn_s = 10, hv_suspend_xs_s = 60;
    assert_int_equal(fake_doms[domid].notifies, 1);
    assert_false(how.evtchn);
    assert_non_null(strstr(o.err.msg, "did not suspend within 1 s of the notify on its suspend "
                                      "event channel 7"));
    assert_non_null(strstr(o.err.msg, "it runs on"));
    assert_string_equal(shutdown_node(domid, buf, sizeof(buf)), "");
    assert_false(fake_doms[domid].shutdown);
    assert_int_equal(hv_ops_destroy(&o, domid), 0);
    hv_cfg_free(&cfg);
}

/* The monitor: a domain shut down with `reason` under `on`, the next incarnations created
 * shut down with `next` (or running if < 0). */
static void run_monitor(const char *on, int reason, int next, unsigned creates, unsigned left)
{
    struct hv_cfg cfg;
    uint32_t domid;
    FILE *log = tmpfile();

    fake_reset();
    load(&cfg, on);
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), 0);
    fake_doms[domid].shutdown = true;
    fake_doms[domid].reason = (unsigned)reason;
    fake_new_shutdown = next;
    assert_int_equal(hv_monitor_run(&o, &cfg, domid, log), 0);
    assert_int_equal(fake_creates, creates);
    assert_int_equal(fake_count(), left);
    fclose(log);
    hv_cfg_free(&cfg);
}

static void test_monitor(void **state)
{
    char name[64];
    uint32_t id;

    (void)state;
    run_monitor("", PV_SHUTDOWN_poweroff, -1, 1, 0);                      /* destroy */
    run_monitor("on_poweroff='preserve'\n", PV_SHUTDOWN_poweroff, -1, 1, 1); /* kept */
    assert_int_equal(hv_ops_find(&o, "web", &id), 0);
    assert_int_equal(hv_ops_destroy(&o, id), 0);
    run_monitor("on_crash='destroy'\n", PV_SHUTDOWN_crash, -1, 1, 0);
    /* reboot -> restart (same uuid), the new one powers off -> destroyed */
    run_monitor("uuid='00112233-4455-6677-8899-aabbccddeeff'\n", PV_SHUTDOWN_reboot,
                PV_SHUTDOWN_poweroff, 2, 0);
    /* rename-restart: the old one stays renamed, the new one (powered off) is destroyed */
    run_monitor("on_crash='rename-restart'\n", PV_SHUTDOWN_crash, PV_SHUTDOWN_poweroff, 2, 1);
    assert_int_equal(hv_ops_find(&o, "web", &id), -ESRCH);
    assert_int_equal(hv_ops_name(&o, 1, name, sizeof(name)), 0);
    assert_int_equal(strncmp(name, "web-20", 6), 0);
    assert_int_equal(hv_ops_destroy(&o, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_destroy), cmocka_unit_test(test_create_failures),
        cmocka_unit_test(test_create_checks),  cmocka_unit_test(test_find),
        cmocka_unit_test(test_shutdown_and_tuning), cmocka_unit_test(test_suspend_ways),
        cmocka_unit_test(test_monitor),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
