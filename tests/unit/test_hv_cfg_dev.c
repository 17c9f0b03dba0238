/* Unit tests of dom0-tools/libhv/cfg_dev.c: xl's disk and vif specifications. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "dom0-tools/libhv/cfg_dev.h"

struct disk_case {
    const char *spec;
    const char *target, *vdev; /* target NULL: refused, vdev is then the message fragment */
    enum hv_disk_format format;
    bool ro, cdrom;
    const char *script;
};

static const struct disk_case disk_cases[] = {
    /* the old xm forms with prefixes */
    {"phy:/dev/vg/guest,xvda,w", "/dev/vg/guest", "xvda", HV_DISK_RAW, false, false, NULL},
    {"file:/srv/a.img,xvda1,r", "/srv/a.img", "xvda1", HV_DISK_RAW, true, false, NULL},
    {"tap:aio:/srv/a.img,xvdb,w", "/srv/a.img", "xvdb", HV_DISK_RAW, false, false, NULL},
    {"tap2:tapdisk:aio:/x,xvdb,rw", "/x", "xvdb", HV_DISK_RAW, false, false, NULL},
    {"qcow2:/i.qcow2,xvda,w", "/i.qcow2", "xvda", HV_DISK_QCOW2, false, false, NULL},
    {"vhd:/i.vhd,hda,ro", "/i.vhd", "hda", HV_DISK_VHD, true, false, NULL},
    {"iscsi:iqn.2001-04.com.example:disk,xvda,w", "iqn.2001-04.com.example:disk", "xvda",
     HV_DISK_RAW, false, false, "block-iscsi"},
    {"phy:/dev/sr0,hdc:cdrom,r", "/dev/sr0", "hdc", HV_DISK_RAW, true, true, NULL},
    /* positional: target, format, vdev, access */
    {"/img,raw,xvda,rw", "/img", "xvda", HV_DISK_RAW, false, false, NULL},
    {"/img,qcow2,xvda", "/img", "xvda", HV_DISK_QCOW2, false, false, NULL},
    {"/img,,xvda,r", "/img", "xvda", HV_DISK_RAW, true, false, NULL},
    {"  /img, qed, xvda, w", "/img", "xvda", HV_DISK_QED, false, false, NULL},
    {",,hdc:cdrom,r", "", "hdc", HV_DISK_EMPTY, true, true, NULL},
    {",empty,hdc,r,cdrom", "", "hdc", HV_DISK_EMPTY, true, true, NULL},
    /* key=value, in any order; target= takes the rest, commas included */
    {"format=raw, vdev=xvda, access=rw, target=/dev/a,b", "/dev/a,b", "xvda", HV_DISK_RAW,
     false, false, NULL},
    {"vdev=xvda,target=/x,", "/x", "xvda", HV_DISK_RAW, false, false, NULL},
    {"target=/x", NULL, "no vdev specified", 0, 0, 0, NULL},
    {"access=ro,devtype=cdrom,vdev=hdc,target=/i.iso", "/i.iso", "hdc", HV_DISK_RAW, true, true,
     NULL},
    {"/x,raw,xvda,w,script=block-drbd,backend=dd,backendtype=phy,discard,trusted",
     "/x", "xvda", HV_DISK_RAW, false, false, "block-drbd"},
    {"specification=xen,/x,raw,xvda", "/x", "xvda", HV_DISK_RAW, false, false, NULL},
    /* refusals, with xl's reasons */
    {"", NULL, "no vdev specified", 0, 0, 0, NULL},
    {"/img", NULL, "no vdev specified", 0, 0, 0, NULL},
    {"/img,xvda", NULL, "unknown value for format 'xvda'*", 0, 0, 0, NULL},
    {"/img,raw,xvda,w,more", NULL, "too many positional parameters at 'more'", 0, 0, 0, NULL},
    {"/img,raw,xvda,x", NULL, "unknown value for access 'x'*", 0, 0, 0, NULL},
    {"foo:/img,xvda,w", NULL, "unknown deprecated disk prefix 'foo:'", 0, 0, 0, NULL},
    {"vdev=xvda,vdev=xvdb,target=/x", NULL, "vdev respecified ('xvdb')", 0, 0, 0, NULL},
    {"format=raw,format=qcow2,vdev=a,target=/x", NULL, "format respecified ('qcow2')", 0, 0, 0,
     NULL},
    /* after a prefix the positional format is skipped (xl): raw is the vdev, xvda the access */
    {"qcow2:/x,raw,xvda", NULL, "unknown value for access 'xvda'*", 0, 0, 0, NULL},
    {"qcow2:/x,xvda,w,format=raw", NULL, "format respecified ('raw')", 0, 0, 0, NULL},
    {"bogus=1,/x,raw,xvda", NULL, "unknown parameter 'bogus'", 0, 0, 0, NULL},
    {"/a=b,raw,xvda", NULL, "bad disk syntax at '/a=b'", 0, 0, 0, NULL},
    {"/img,raw,xvda:floppy,w", NULL, "unknown device type 'floppy'*", 0, 0, 0, NULL},
    {"/img,raw,xvda,w,colo", NULL, "parameter 'colo' is not supported by hvctl", 0, 0, 0, NULL},
    {"devtype=tape,/x,raw,xvda", NULL, "unknown value for devtype 'tape'*", 0, 0, 0, NULL},
    {"backendtype=nbd,/x,raw,xvda", NULL, "unknown value for backendtype 'nbd'*", 0, 0, 0, NULL},
    {"specification=virtio,/x,raw,xvda", NULL, "specification 'virtio' is not supported*", 0, 0,
     0, NULL},
    {",,hdc,r", NULL, "no target: only a cdrom drive may be empty", 0, 0, 0, NULL},
};

static void check_disk(const struct disk_case *c)
{
    struct hv_cfg_disk d;
    char why[200] = "";
    char *spec = strdup(c->spec);
    int rc = cfg_disk_parse(spec, &d, why, sizeof(why));
    size_t n = c->target ? 0 : strlen(c->vdev);

    free(spec);
    if (!c->target) {
        if (rc != -EINVAL)
            fail_msg("'%s' accepted", c->spec);
        if (c->vdev[n - 1] == '*' ? strncmp(why, c->vdev, n - 1) : strcmp(why, c->vdev))
            fail_msg("'%s': '%s', wanted '%s'", c->spec, why, c->vdev);
        assert_null(d.target);
        return;
    }
    if (rc)
        fail_msg("'%s': %d %s", c->spec, rc, why);
    assert_string_equal(d.target, c->target);
    assert_string_equal(d.vdev, c->vdev);
    assert_int_equal(d.format, c->format);
    assert_int_equal(d.readonly, c->ro);
    assert_int_equal(d.cdrom, c->cdrom);
    if (c->script)
        assert_string_equal(d.script, c->script);
    else
        assert_null(d.script);
    cfg_disk_free(&d);
}

static void test_disk(void **state)
{
    unsigned i;

    (void)state;
    for (i = 0; i < sizeof(disk_cases) / sizeof(disk_cases[0]); i++)
        check_disk(&disk_cases[i]);
}

static void test_disk_flags(void **state)
{
    struct hv_cfg_disk d;
    char why[200];

    (void)state;
    assert_int_equal(cfg_disk_parse("/x,raw,xvda,w", &d, why, sizeof(why)), 0);
    assert_int_equal(d.discard, -1);
    assert_int_equal(d.trusted, -1);
    assert_false(d.direct_io_safe);
    assert_null(d.backend);
    cfg_disk_free(&d);
    assert_int_equal(cfg_disk_parse("no-discard,untrusted,direct-io-safe,backend=drv,/x,raw,xvda",
                                    &d, why, sizeof(why)), 0);
    assert_int_equal(d.discard, 0);
    assert_int_equal(d.trusted, 0);
    assert_true(d.direct_io_safe);
    assert_string_equal(d.backend, "drv");
    cfg_disk_free(&d);
}

struct vif_case {
    const char *spec;
    const char *why; /* NULL: accepted */
    const char *bridge;
    int has_mac;
    unsigned mtu;
    int devid;
};

static const struct vif_case vif_cases[] = {
    {"", NULL, NULL, 0, 0, -1},
    {"bridge=xenbr0", NULL, "xenbr0", 0, 0, -1},
    {" mac=00:16:3e:01:02:0a , bridge = br1 ,", NULL, "br1", 1, 0, -1},
    {"mtu=9000,devid=3,ip=10.0.0.2,script=vif-bridge,vifname=v,model=x,type=vif,rate=1Mb/s",
     NULL, NULL, 0, 9000, 3},
    {"gatewaydev=eth0,backend=drv", NULL, NULL, 0, 0, -1},
    {"mac=00:16:3e:01:02", "mac '00:16:3e:01:02' is not xx:xx:xx:xx:xx:xx", NULL, 0, 0, 0},
    {"mac=00:16:3e:01:02:0g", "mac '00:16:3e:01:02:0g' is not*", NULL, 0, 0, 0},
    {"mac=00:16:3e:01:02:03:04", "mac '00:16:3e:01:02:03:04' is not*", NULL, 0, 0, 0},
    {"mac= 0:16:3e:01:02:03", "mac '0:16:3e:01:02:03' is not*", NULL, 0, 0, 0},
    {"mac=+0:16:3e:01:02:03", "mac '+0:16:3e:01:02:03' is not*", NULL, 0, 0, 0},
    {"mtu=10", "mtu '10' is not 68 to 65535", NULL, 0, 0, 0},
    {"mtu=-1", "mtu '-1' is not 68 to 65535", NULL, 0, 0, 0},
    {"devid=65536", "devid '65536' is not 0 to 65535", NULL, 0, 0, 0},
    {"colour=red", "unknown parameter 'colour'", NULL, 0, 0, 0},
    {"bridge", "'bridge' is not key=value", NULL, 0, 0, 0},
};

static void test_vif(void **state)
{
    unsigned i;

    (void)state;
    for (i = 0; i < sizeof(vif_cases) / sizeof(vif_cases[0]); i++) {
        const struct vif_case *c = &vif_cases[i];
        struct hv_cfg_vif v;
        char why[200] = "";
        int rc = cfg_vif_parse(c->spec, &v, why, sizeof(why));
        size_t n = c->why ? strlen(c->why) : 0;

        if (c->why) {
            if (rc != -EINVAL)
                fail_msg("'%s' accepted", c->spec);
            if (c->why[n - 1] == '*' ? strncmp(why, c->why, n - 1) : strcmp(why, c->why))
                fail_msg("'%s': '%s', wanted '%s'", c->spec, why, c->why);
            assert_null(v.bridge);
            continue;
        }
        if (rc)
            fail_msg("'%s': %s", c->spec, why);
        if (c->bridge)
            assert_string_equal(v.bridge, c->bridge);
        else
            assert_null(v.bridge);
        assert_int_equal(v.has_mac, c->has_mac);
        assert_int_equal(v.mtu, c->mtu);
        assert_int_equal(v.devid, c->devid);
        if (c->has_mac)
            assert_int_equal(v.mac[5], 0x0a);
        cfg_vif_free(&v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disk),
        cmocka_unit_test(test_disk_flags),
        cmocka_unit_test(test_vif),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
