/* Unit tests of dom0-tools/libhv/xsl.c: the domain tree libxl writes, against build/bin/xenstored
 * on a private socket (through our libxenstore). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "dom0-tools/libhv/cfg.h"
#include "dom0-tools/libhv/xsl.h"
#include "xsd_harness.h"

static void fill(struct hv_xsl_dom *d, uint32_t domid, const char *name)
{
    memset(d, 0, sizeof(*d));
    d->domid = domid;
    d->name = name;
    assert_int_equal(hv_cfg_uuid_parse("00112233-4455-6677-8899-aabbccddee00", d->uuid), 0);
    d->uuid[15] = (uint8_t)domid;
    d->target_kib = 65536;
    d->static_max_kib = 131072;
    d->max_vcpus = 3;
    d->online_vcpus = 2;
    d->store_mfn = 0x1234;
    d->store_port = 1;
    d->console_mfn = 0x1235;
    d->console_port = 2;
    d->kernel = "/boot/k";
    d->cmdline = "console=hvc0";
}

/* What libxl writes (docs/hvctl.md), with its permissions: node, value, permissions. */
static const char *const layout[][3] = {
    {"/local/domain/7", "", "n0r7"},
    {"/local/domain/7/name", "web", "n0r7"},
    {"/local/domain/7/domid", "7", "n0r7"},
    {"/local/domain/7/vm", "/vm/00112233-4455-6677-8899-aabbccddee07", "n0r7"},
    {"/local/domain/7/cpu/0/availability", "online", "n0r7"},
    {"/local/domain/7/cpu/1/availability", "online", "n0r7"},
    {"/local/domain/7/cpu/2/availability", "offline", "n0r7"},
    {"/local/domain/7/memory/target", "65536", "n0r7"},
    {"/local/domain/7/memory/static-max", "131072", "n0r7"},
    {"/local/domain/7/device/suspend/event-channel", "", "n7"},
    {"/local/domain/7/control/shutdown", "", "n7"},
    {"/local/domain/7/control/feature-poweroff", "", "n7"},
    {"/local/domain/7/control/sysrq", "", "n7"},
    {"/local/domain/7/control/platform-feature-xs_reset_watches", "1", "n0r7"},
    {"/local/domain/7/data", "", "n7"},
    {"/local/domain/7/drivers", "", "n7"},
    {"/local/domain/7/feature", "", "n7"},
    {"/local/domain/7/attr", "", "n7"},
    {"/local/domain/7/error", "", "n7"},
    {"/local/domain/7/store/port", "1", "n0r7"},
    {"/local/domain/7/store/ring-ref", "4660", "n0r7"},
    {"/local/domain/7/console/port", "2", "n0r7"},
    {"/local/domain/7/console/ring-ref", "4661", "n0r7"},
    {"/local/domain/7/console/type", "xenconsoled", "n0r7"},
    {"/local/domain/7/console/limit", "1048576", "n0r7"},
    {"/local/domain/7/console/backend", "/local/domain/0/backend/console/7/0", "n0r7"},
    {"/local/domain/7/console/backend-id", "0", "n0r7"},
    {"/local/domain/0/backend/console/7/0/frontend", "/local/domain/7/console", "n0r7"},
    {"/local/domain/0/backend/console/7/0/frontend-id", "7", "n0r7"},
    {"/local/domain/0/backend/console/7/0/state", "1", "n0r7"},
    {"/vm/00112233-4455-6677-8899-aabbccddee07/name", "web", "n0r7"},
    {"/vm/00112233-4455-6677-8899-aabbccddee07/uuid", "00112233-4455-6677-8899-aabbccddee07",
     "n0r7"},
    {"/vm/00112233-4455-6677-8899-aabbccddee07/image/kernel", "/boot/k", "n0r7"},
    {"/vm/00112233-4455-6677-8899-aabbccddee07/image/cmdline", "console=hvc0", "n0r7"},
    {"/libxl/7/type", "pv", "n0"},
};

static void check_node(const char *path, const char *value, const char *perms)
{
    unsigned len, np = 0, i;
    char *v = xs_read(xs, XBT_NULL, path, &len), got[64] = "";
    struct xs_permissions *p = xs_get_permissions(xs, XBT_NULL, path, &np);

    if (!v || !p)
        fail_msg("%s: missing", path);
    for (i = 0; i < np; i++)
        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%c%u", "nrwb"[p[i].perms & 3],
                 p[i].id);
    if (strcmp(v, value) || strcmp(got, perms))
        fail_msg("%s = '%s' %s, wanted '%s' %s", path, v, got, value, perms);
    free(v);
    free(p);
}

static void test_layout(void **state)
{
    struct hv_xsl_dom d;
    struct hv_err err = {""};
    double t = 0;
    unsigned i;

    (void)state;
    fill(&d, 7, "web");
    assert_int_equal(hv_xsl_write(xs, &d, &err), 0);
    for (i = 0; i < sizeof(layout) / sizeof(layout[0]); i++)
        check_node(layout[i][0], layout[i][1], layout[i][2]);
    assert_int_equal(hv_xsl_start_time(xs, 7, &t), 0);
    assert_true(t > 1.6e9);
    assert_int_equal(hv_xsl_remove(xs, 7, &err), 0);
}

/* Write then remove: the tree is exactly as before, and another domain's tree is untouched. */
static void test_remove_leaves_nothing(void **state)
{
    struct hv_xsl_dom d7, d8;
    struct hv_err err = {""};
    char *before, *with8, *after;

    (void)state;
    before = xsd_snapshot();
    fill(&d8, 8, "other");
    assert_int_equal(hv_xsl_write(xs, &d8, &err), 0);
    with8 = xsd_snapshot();
    assert_string_not_equal(before, with8);
    fill(&d7, 7, "web");
    assert_int_equal(hv_xsl_write(xs, &d7, &err), 0);
    assert_int_equal(hv_xsl_remove(xs, 7, &err), 0);
    after = xsd_snapshot();
    assert_string_equal(with8, after);
    free(after);
    assert_int_equal(hv_xsl_remove(xs, 7, &err), 0); /* again: nothing to do, no error */
    assert_int_equal(hv_xsl_remove(xs, 8, &err), 0);
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(before);
    free(with8);
    free(after);
}

/* A write that fails halfway (a value over xenstored's size quota) leaves nothing behind. */
static void test_failed_write_leaves_nothing(void **state)
{
    struct hv_xsl_dom d;
    struct hv_err err = {""};
    char *before = xsd_snapshot(), *after, *huge = malloc(8192);

    (void)state;
    memset(huge, 'a', 8191);
    huge[8191] = 0;
    fill(&d, 9, "big");
    d.cmdline = huge;
    assert_true(hv_xsl_write(xs, &d, &err) < 0);
    assert_non_null(strstr(err.msg, "/image/cmdline"));
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(huge);
}

static void test_updates(void **state)
{
    struct hv_xsl_dom d;
    struct hv_err err = {""};
    char buf[64], *before, *after;

    (void)state;
    fill(&d, 7, "web");
    assert_int_equal(hv_xsl_write(xs, &d, &err), 0);
    assert_int_equal(hv_xsl_name(xs, 7, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "web");
    assert_int_equal(hv_xsl_name(xs, 6, buf, sizeof(buf)), -ENOENT);
    assert_string_equal(buf, "");
    assert_int_equal(hv_xsl_shutdown(xs, 7, "poweroff", &err), 0);
    check_node("/local/domain/7/control/shutdown", "poweroff", "n7");
    assert_int_equal(hv_xsl_vcpus(xs, 7, 1, 3, &err), 0);
    check_node("/local/domain/7/cpu/1/availability", "offline", "n0r7");
    assert_int_equal(hv_xsl_vcpus(xs, 7, 3, 3, &err), 0);
    check_node("/local/domain/7/cpu/2/availability", "online", "n0r7");
    assert_int_equal(hv_xsl_mem_target(xs, 7, 32768, &err), 0);
    check_node("/local/domain/7/memory/target", "32768", "n0r7");
    assert_int_equal(hv_xsl_remove(xs, 7, &err), 0);
    /* a domain whose tree is gone gets no new nodes */
    before = xsd_snapshot();
    assert_int_equal(hv_xsl_shutdown(xs, 7, "reboot", &err), -ENOENT);
    assert_non_null(strstr(err.msg, "/local/domain/7/control/shutdown"));
    assert_int_equal(hv_xsl_mem_target(xs, 7, 1024, &err), -ENOENT);
    assert_int_equal(hv_xsl_vcpus(xs, 7, 1, 1, &err), -ENOENT);
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* A migration's two copies on one host share /vm/<uuid>: removing either leaves it to the other
 * (the target failing after its answer must not take the source's /vm with it); the last one
 * removes it. */
static void test_shared_vm_stays(void **state)
{
    struct hv_xsl_dom d7, d8;
    struct hv_err err = {""};
    char *before = xsd_snapshot(), *after, *v;
    unsigned len;

    (void)state;
    fill(&d7, 7, "web");
    fill(&d8, 8, "web--incoming");
    memcpy(d8.uuid, d7.uuid, 16);
    assert_int_equal(hv_xsl_write(xs, &d7, &err), 0);
    assert_int_equal(hv_xsl_write(xs, &d8, &err), 0);
    assert_int_equal(hv_xsl_remove(xs, 8, &err), 0);
    check_node("/vm/00112233-4455-6677-8899-aabbccddee07/uuid",
               "00112233-4455-6677-8899-aabbccddee07", "n0r7");
    v = xs_read(xs, XBT_NULL, "/vm/00112233-4455-6677-8899-aabbccddee07/image/kernel", &len);
    assert_non_null(v);
    free(v);
    assert_int_equal(hv_xsl_remove(xs, 7, &err), 0);
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* hvconsoled's console/tty: written beside console/port while it is there; once the domain's
 * home is removed (a destroy crossing the daemon's connection) the write makes nothing again. */
static void test_write_beside(void **state)
{
    struct hv_xsl_dom d;
    struct hv_err err = {""};
    char *before, *after;

    (void)state;
    fill(&d, 7, "web");
    assert_int_equal(hv_xsl_write(xs, &d, &err), 0);
    assert_int_equal(hv_xsl_write_beside(xs, 7, "console/port", "console/tty", "/dev/pts/3",
                                         &err), 0);
    check_node("/local/domain/7/console/tty", "/dev/pts/3", "n0r7");
    assert_int_equal(hv_xsl_remove(xs, 7, &err), 0);
    before = xsd_snapshot();
    assert_int_equal(hv_xsl_write_beside(xs, 7, "console/port", "console/tty", "/dev/pts/3",
                                         &err), -ENOENT);
    assert_non_null(strstr(err.msg, "/local/domain/7/console/port"));
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(before);
    free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_remove_leaves_nothing),
        cmocka_unit_test(test_failed_write_leaves_nothing),
        cmocka_unit_test(test_updates),
        cmocka_unit_test(test_shared_vm_stays),
        cmocka_unit_test(test_write_beside),
    };

    return cmocka_run_group_tests(tests, xsd_start, xsd_stop);
}
