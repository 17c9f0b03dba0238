/* Tests of dom0-tools/libhv's device layer (dev.c, dev_hotplug.c) and block devices (blk.c), and
 * of create/destroy with disks (ops.c over fake_priv.c): the xenstore dirs and permissions libxl
 * writes, the hotplug script's calls, the backend state dance, and that every failure leaves
 * nothing behind. A fake backend driver (a child process) plays xen-blkback's states. */
#define _GNU_SOURCE
#include <errno.h>
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

#include "dom0-tools/libhv/blk.h"
#include "dom0-tools/libhv/dev.h"
#include "dom0-tools/libhv/ops.h"
#include "fake_priv.h"
#include "dev_harness.h"
#include "xsd_harness.h"

static char dir[] = "/tmp/hvctl-dev.XXXXXX";
static char calls[300], image[300], kernel[300];

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

/* The hotplug scripts: `block` logs its calls and writes physical-device; `bad` fails; `slow`
 * takes 3 s over each call (a qemu-nbd flush on a loaded machine). */
static int setup(void **state)
{
    char path[400], text[600];

    if (!mkdtemp(dir) || xsd_start(state))
        return -1;
    snprintf(calls, sizeof(calls), "%s/calls", dir);
    snprintf(path, sizeof(path), "%s/block", dir);
    snprintf(text, sizeof(text), "#!/bin/sh\necho \"$1 $XENBUS_PATH $XENBUS_TYPE $HV_DOMID "
             "$HV_DEVID $HV_FRONTEND_PATH ${EXTRA:-}\" >> %s\n"
             "[ \"$1\" = add ] && xenstore-write $XENBUS_PATH/physical-device 7:3\nexit 0\n",
             calls);
    write_file(path, text, 0755);
    snprintf(path, sizeof(path), "%s/bad", dir);
    snprintf(text, sizeof(text), "#!/bin/sh\necho \"$1 bad\" >> %s\necho starting\n"
             "echo 'the image exploded' >&2\n[ \"$1\" = add ] && exit 3\nexit 0\n", calls);
    write_file(path, text, 0755);
    snprintf(path, sizeof(path), "%s/slow", dir);
    snprintf(text, sizeof(text), "#!/bin/sh\nsleep 3\necho \"$1 slow\" >> %s\n"
             "[ \"$1\" = add ] && xenstore-write $XENBUS_PATH/physical-device 7:3\nexit 0\n", calls);
    write_file(path, text, 0755);
    snprintf(image, sizeof(image), "%s/disk.img", dir);
    write_file(image, "", 0644);
    snprintf(kernel, sizeof(kernel), "%s/kernel", dir);
    write_file(kernel, "", 0644);
    setenv("HV_HOTPLUG_DIR", dir, 1);
    assert_true(xs_write(xs, XBT_NULL, "/local/domain/0/name", "Domain-0", 8));
    for (int i = 5; i <= 9; i++) { /* what xsl.c writes for a domain, below its devices */
        snprintf(path, sizeof(path), "/local/domain/%d/device", i);
        assert_true(xs_mkdir(xs, XBT_NULL, path));
        snprintf(path, sizeof(path), "/libxl/%d", i);
        assert_true(xs_mkdir(xs, XBT_NULL, path));
    }
    fake_backend_start("vbd");
    return 0;
}

static int teardown(void **state)
{
    return dev_teardown(dir, state);
}

static void test_devid(void **state)
{
    static const struct { const char *vdev; int devid; } ok[] = {
        {"xvda", 51712}, {"xvdb", 51728}, {"xvda1", 51713}, {"xvdp15", 51967},
        {"xvdq", 1 << 28 | 16 << 8}, {"xvdaa", 1 << 28 | 26 << 8}, {"xvda16", 1 << 28 | 16},
        {"d0p1", 51713}, {"d16p0", 1 << 28 | 16 << 8}, {"hda", 768}, {"hdb1", 833},
        {"hdc", 5632}, {"hdd63", 5759}, {"sda", 2048}, {"sdb3", 2067}, {"51712", 51712},
        {"0", 0},
    };
    static const char *const bad[] = {"", "xvd", "xvda0", "xvda01", "xvda256", "xvdA", "hde",
                                      "hda64", "sdq", "sda16", "foo", "-1", "d1", "d1p",
                                      "xvda1x", "99999999999"};
    unsigned i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (hv_blk_devid(ok[i].vdev) != ok[i].devid)
            fail_msg("%s: %d, not %d", ok[i].vdev, hv_blk_devid(ok[i].vdev), ok[i].devid);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (hv_blk_devid(bad[i]) != -EINVAL)
            fail_msg("'%s' accepted as %d", bad[i], hv_blk_devid(bad[i]));
}

/* The three dirs with libxl's permissions; the script's add and remove; nothing left. */
static void test_add_remove(void **state)
{
    struct hv_dev_kv back[] = {{"params", "/img"}, {"mode", "w"}};
    struct hv_dev_kv front[] = {{"virtual-device", "51712"}};
    struct hv_dev_kv env[] = {{"EXTRA", "x1"}};
    struct hv_dev d = {"vbd", 5, 0, 51712, "block", back, 2, front, 1, env, 1, 5};
    struct hv_err err = {""};
    char *before = xsd_snapshot(), *snap, *got, buf[64];
    uint32_t ids[4];

    (void)state;
    assert_int_equal(hv_dev_add(xs, &d, &err), 0);
    snap = xsd_snapshot();
    assert_true(has_line(snap, "/local/domain/5/device/vbd/51712= n5r0"));
    assert_true(has_line(snap, "/local/domain/5/device/vbd/51712/backend="
                               "/local/domain/0/backend/vbd/5/51712 n5r0"));
    assert_true(has_line(snap, "/local/domain/5/device/vbd/51712/backend-id=0 n5r0"));
    assert_true(has_line(snap, "/local/domain/5/device/vbd/51712/state=1 n5r0"));
    assert_true(has_line(snap, "/local/domain/5/device/vbd/51712/virtual-device=51712 n5r0"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/5/51712= n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/5/51712/frontend="
                               "/local/domain/5/device/vbd/51712 n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/5/51712/frontend-id=5 n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/5/51712/online=1 n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/5/51712/state=2 n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/5/51712/params=/img n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/5/51712/physical-device=7:3 n0r5"));
    assert_true(has_line(snap, "/libxl/5/device/vbd/51712= n0"));
    assert_true(has_line(snap, "/libxl/5/device/vbd/51712/script=block n0"));
    assert_true(has_line(snap, "/libxl/5/device/vbd/51712/mode=w n0"));
    free(snap);
    got = slurp_calls(calls);
    assert_string_equal(got, "add /local/domain/0/backend/vbd/5/51712 vbd 5 51712 "
                             "/local/domain/5/device/vbd/51712 x1\n");
    free(got);
    assert_int_equal(hv_dev_list(xs, 5, "vbd", ids, 4), 1);
    assert_int_equal(ids[0], 51712);
    assert_int_equal(hv_dev_read(xs, 5, "vbd", 51712, "params", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/img");
    /* the same device again: refused, nothing changed, no script run */
    snap = xsd_snapshot();
    assert_int_equal(hv_dev_add(xs, &d, &err), -EEXIST);
    assert_string_equal(err.msg, "vbd 51712 of domain 5 exists");
    got = xsd_snapshot();
    assert_string_equal(snap, got);
    free(snap);
    free(got);
    free(slurp_calls(calls));
    /* a graceful removal: Closing, the backend's Closed, the script, the dirs */
    assert_int_equal(hv_dev_remove(xs, "vbd", 5, 51712, false, 5, &err), 0);
    got = slurp_calls(calls);
    assert_string_equal(got, "remove /local/domain/0/backend/vbd/5/51712 vbd 5 51712 "
                             "/local/domain/5/device/vbd/51712 \n");
    free(got);
    assert_int_equal(hv_dev_remove(xs, "vbd", 5, 51712, false, 5, &err), -ENOENT);
    assert_string_equal(err.msg, "domain 5 has no vbd 51712");
    snap = xsd_snapshot();
    assert_string_equal(before, snap);
    free(snap);
    free(before);
}

/* A failing script: its words in the message, its remove run, nothing left. */
static void test_hotplug_fails(void **state)
{
    struct hv_dev d = {"vbd", 6, 0, 51728, "bad", NULL, 0, NULL, 0, NULL, 0, 5};
    struct hv_err err = {""};
    char *before = xsd_snapshot(), *after, *got, want[400];

    (void)state;
    assert_int_equal(hv_dev_add(xs, &d, &err), -EIO);
    snprintf(want, sizeof(want), "hotplug: %s/bad add for vbd 51728 of domain 6 failed (status "
             "3): starting;the image exploded", dir);
    assert_string_equal(err.msg, want);
    got = slurp_calls(calls);
    assert_string_equal(got, "add bad\nremove bad\n");
    free(got);
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(after);
    /* a script that is not there */
    d.script = "/nonexistent/script";
    assert_int_equal(hv_dev_add(xs, &d, &err), -EIO);
    assert_non_null(strstr(err.msg, "cannot run /nonexistent/script"));
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(after);
    free(before);
}

/* A script slower than the device's waits (1 s here) is not killed half-way: scripts get at
 * least HV_DEV_SCRIPT_TIMEOUT_S; add and remove both finish, nothing left. */
static void test_slow_script(void **state)
{
    struct hv_dev d = {"vbd", 9, 0, 51744, "slow", NULL, 0, NULL, 0, NULL, 0, 1};
    struct hv_err err = {""};
    char *before = xsd_snapshot(), *after, *got;

    (void)state;
    assert_int_equal(hv_dev_add(xs, &d, &err), 0);
    assert_int_equal(hv_dev_remove(xs, "vbd", 9, 51744, true, 1, &err), 0);
    got = slurp_calls(calls);
    assert_string_equal(got, "add slow\nremove slow\n");
    free(got);
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(after);
    free(before);
}

/* No backend driver answers: a timeout naming what to load, nothing left; a guest that never
 * closes is forced after the timeout. */
static void test_silent_backend(void **state)
{
    struct hv_dev d = {"vbd", 7, 0, 51712, "block", NULL, 0, NULL, 0, NULL, 0, 1};
    struct hv_err err = {""};
    char *before = xsd_snapshot(), *after;

    (void)state;
    fake_backend_stop();
    assert_int_equal(hv_dev_add(xs, &d, &err), -ETIMEDOUT);
    assert_string_equal(err.msg, "vbd 51712 of domain 7: no vbd backend driver in dom0's kernel "
                                 "(/sys/bus/xen-backend/drivers/vbd missing: modprobe "
                                 "xen-blkback)");
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(after);
    free(slurp_calls(calls)); /* remove ran: it must cope with an add that never ran */
    fake_backend_start("vbd");
    assert_int_equal(hv_dev_add(xs, &d, &err), 0);
    fake_backend_stop();
    assert_int_equal(hv_dev_remove(xs, "vbd", 7, 51712, false, 1, &err), 0); /* forced at 1 s */
    fake_backend_start("vbd");
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(after);
    free(before);
    free(slurp_calls(calls));
}

/* disk specs: the checks before anything is made, and the keys libxl writes. */
static void test_blk(void **state)
{
    struct hv_cfg_disk d = {.target = image, .vdev = "xvdb", .format = HV_DISK_RAW,
                            .readonly = true, .cdrom = true, .discard = -1, .trusted = -1};
    struct hv_err err = {""};
    char *before = xsd_snapshot(), *snap, line[400];
    FILE *f;
    char *listing = NULL;
    size_t len = 0;

    (void)state;
    assert_int_equal(hv_blk_add(xs, 8, &d, &err), 0);
    snap = xsd_snapshot();
    snprintf(line, sizeof(line), "/local/domain/0/backend/vbd/8/51728/params=%s n0r8", image);
    assert_true(has_line(snap, line));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/8/51728/mode=r n0r8"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/8/51728/device-type=cdrom n0r8"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/8/51728/dev=xvdb n0r8"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/8/51728/type=phy n0r8"));
    assert_true(has_line(snap, "/local/domain/0/backend/vbd/8/51728/format=raw n0r8"));
    assert_true(has_line(snap, "/local/domain/8/device/vbd/51728/virtual-device=51728 n8r0"));
    assert_true(has_line(snap, "/local/domain/8/device/vbd/51728/device-type=cdrom n8r0"));
    assert_true(has_line(snap, "/local/domain/8/device/vbd/51728/protocol=x86_64-abi n8r0"));
    free(snap);
    /* the vdev is in use, under its name or another spelling of its number */
    d.vdev = "51728";
    assert_int_equal(hv_blk_add(xs, 8, &d, &err), -EEXIST);
    assert_string_equal(err.msg, "disk '51728': vdev 51728 (51728) of domain 8 is in use");
    f = open_memstream(&listing, &len);
    assert_int_equal(hv_blk_list(xs, 8, f), 1);
    fclose(f);
    assert_non_null(strstr(listing, "Vdev  BE  handle state evt-ch ring-ref BE-path"));
    assert_non_null(strstr(listing, "\n51728 0   8      1     -1     -1       "
                                    "/local/domain/0/backend/vbd/8/51728"));
    free(listing);
    assert_int_equal(hv_blk_remove(xs, 8, "xvdc", false, &err), -ENOENT);
    assert_string_equal(err.msg, "domain 8 has no disk xvdc (51744)");
    assert_int_equal(hv_blk_remove(xs, 8, "bogus", false, &err), -EINVAL);
    assert_int_equal(hv_blk_remove(xs, 8, "xvdb", false, &err), 0);
    snap = xsd_snapshot();
    assert_string_equal(before, snap);
    free(snap);
    free(before);
    free(slurp_calls(calls));
}

static void test_blk_checks(void **state)
{
    struct hv_cfg_disk d = {.target = "/nonexistent/x.img", .vdev = "xvda",
                            .format = HV_DISK_RAW, .discard = -1, .trusted = -1};
    struct hv_err err = {""};
    char *before = xsd_snapshot(), *after;

    (void)state;
    assert_int_equal(hv_blk_add(xs, 9, &d, &err), -ENOENT);
    assert_string_equal(err.msg, "disk 'xvda': /nonexistent/x.img: No such file or directory");
    d.target = dir;
    assert_int_equal(hv_blk_check(&d, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "is neither a file nor a block device"));
    d.target = image;
    d.format = HV_DISK_VHD;
    assert_int_equal(hv_blk_check(&d, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "format vhd is not supported (raw, qcow2)"));
    d.format = HV_DISK_RAW;
    d.backendtype = "qdisk";
    assert_int_equal(hv_blk_check(&d, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "backendtype 'qdisk' is not supported"));
    d.backendtype = NULL;
    d.backend = "driverdom";
    assert_int_equal(hv_blk_check(&d, &err), -EINVAL);
    d.backend = NULL;
    d.vdev = "xvd";
    assert_int_equal(hv_blk_check(&d, &err), -EINVAL);
    assert_string_equal(err.msg, "disk 'xvd': not a virtual device name (xvda, xvdb1, hda, sda, "
                                 "d0p1 or a number)");
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(after);
    free(before);
}

static void load(struct hv_cfg *cfg, const char *disks)
{
    char text[1024], err[256];

    snprintf(text, sizeof(text), "name='web'\nkernel='%s'\nmemory=64\ndisk=[%s]\n", kernel,
             disks);
    if (hv_cfg_parse(text, strlen(text), "t.cfg", NULL, 0, cfg, err, sizeof(err)))
        fail_msg("%s", err);
}

/* create with disks adds them before the domain runs; destroy takes them down; a disk that
 * fails takes the whole create down; a missing image is refused before a domain exists. */
static void test_create_with_disks(void **state)
{
    struct hv_ops o;
    struct hv_cfg cfg;
    char *before = xsd_snapshot(), *after, *got, spec[700];
    uint32_t domid, ids[4];

    (void)state;
    fake_reset();
    assert_int_equal(hv_ops_open(&o), 0);
    snprintf(spec, sizeof(spec), "'%s,raw,xvda,w', 'vdev=xvdb,access=r,target=%s'", image,
             image);
    load(&cfg, spec);
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), 0);
    assert_int_equal(hv_dev_list(xs, domid, "vbd", ids, 4), 2);
    assert_int_equal(ids[0], 51712);
    assert_int_equal(ids[1], 51728);
    assert_int_equal(hv_ops_destroy(&o, domid), 0);
    got = slurp_calls(calls);
    assert_int_equal(strlen(got) > 0, 1);
    assert_non_null(strstr(got, "remove /local/domain/0/backend/vbd/1/51712"));
    assert_non_null(strstr(got, "remove /local/domain/0/backend/vbd/1/51728"));
    free(got);
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(after);
    hv_cfg_free(&cfg);
    /* the second disk's script fails: the domain and the first disk go */
    snprintf(spec, sizeof(spec), "'%s,raw,xvda,w', 'vdev=xvdb,script=bad,target=%s'", image,
             image);
    load(&cfg, spec);
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), -EIO);
    assert_non_null(strstr(o.err.msg, "the image exploded"));
    assert_int_equal(fake_count(), 0);
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(after);
    hv_cfg_free(&cfg);
    /* the same vdev twice */
    snprintf(spec, sizeof(spec), "'%s,raw,xvda,w', '%s,raw,51712,r'", image, image);
    load(&cfg, spec);
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), -EEXIST);
    assert_non_null(strstr(o.err.msg, "is in use"));
    assert_int_equal(fake_count(), 0);
    after = xsd_snapshot();
    assert_string_equal(before, after);
    free(after);
    hv_cfg_free(&cfg);
    /* a missing image: refused before createdomain */
    fake_reset();
    load(&cfg, "'/nonexistent/d.img,raw,xvda,w'");
    assert_int_equal(hv_ops_create(&o, &cfg, false, &domid), -ENOENT);
    assert_string_equal(o.err.msg, "disk 'xvda': /nonexistent/d.img: No such file or directory");
    assert_int_equal(fake_creates, 0);
    hv_cfg_free(&cfg);
    free(slurp_calls(calls));
    hv_ops_close(&o);
    free(before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_devid),
        cmocka_unit_test(test_add_remove),
        cmocka_unit_test(test_hotplug_fails),
        cmocka_unit_test(test_silent_backend),
        cmocka_unit_test(test_slow_script),
        cmocka_unit_test(test_blk),
        cmocka_unit_test(test_blk_checks),
        cmocka_unit_test(test_create_with_disks),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
