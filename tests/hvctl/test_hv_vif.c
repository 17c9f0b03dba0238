/* Tests of dom0-tools/libhv/vif.c: xl's rate= and the generated MACs, the checks before a vif is
 * made, the keys libxl writes for it, its hotplug call, network-attach's devids, removal by MAC,
 * network-list's rows. Run inside a private network namespace (make hvctl-check: unshare -n -m,
 * sysfs mounted again, a bridge testbr0 made) so that a bridge exists and nothing outside is
 * touched; a fake backend driver plays xen-netback's states. */
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

#include "dom0-tools/libhv/cfg_dev.h"
#include "dom0-tools/libhv/net.h"
#include "dom0-tools/libhv/vif.h"
#include "dev_harness.h"
#include "xsd_harness.h"

static char dir[] = "/tmp/hvctl-vif.XXXXXX";
static char calls[300];

static int setup(void **state)
{
    char path[400], text[600];
    FILE *f;
    int i;

    if (!mkdtemp(dir) || xsd_start(state))
        return -1;
    snprintf(calls, sizeof(calls), "%s/calls", dir);
    snprintf(path, sizeof(path), "%s/vif-bridge", dir);
    snprintf(text, sizeof(text), "#!/bin/sh\necho \"$1 $XENBUS_PATH vif=${vif:-} $HV_DOMID.$HV_DEVID\" >> %s\nexit 0\n",
             calls);
    if (!(f = fopen(path, "w")))
        return -1;
    fputs(text, f);
    fclose(f);
    chmod(path, 0755);
    setenv("HV_HOTPLUG_DIR", dir, 1);
    snprintf(path, sizeof(path), "%s/networks", dir);
    setenv("HV_NET_DIR", path, 1);
    xs_write(xs, XBT_NULL, "/local/domain/0/name", "Domain-0", 8);
    for (i = 5; i <= 6; i++) {
        snprintf(path, sizeof(path), "/local/domain/%d/device", i);
        xs_mkdir(xs, XBT_NULL, path);
        snprintf(path, sizeof(path), "/libxl/%d", i);
        xs_mkdir(xs, XBT_NULL, path);
    }
    xs_write(xs, XBT_NULL, "/local/domain/6/vm", "/vm/00112233-4455-6677-8899-aabbccddeeff", 40);
    fake_backend_start("vif");
    return 0;
}

static int teardown(void **state)
{
    return dev_teardown(dir, state);
}

static void test_rate(void **state)
{
    static const struct { const char *rate, *want; } ok[] = {
        {"10Mb/s", "62500,50000"},         {"1MB/s", "50000,50000"},
        {"1MB/s@20ms", "20000,20000"},     {"100Kb/s@1s", "12500,1000000"},
        {"1GB/s@100us", "100000,100"},     {"8b/s@2", "2,2000000"},
        {"4294967295B/s", "214748364,50000"},
    };
    static const char *const bad[] = {"", "fast", "10Mb", "10Mb/s@", "10Mb/s@5h", "0Mb/s",
                                      "-1Mb/s", "10TB/s", "4294967296B/s", "1MB/s@0ms",
                                      "1MB/s@4294967296us", "10 Mb/s"};
    struct hv_err err;
    char buf[64];
    unsigned i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(hv_vif_rate(ok[i].rate, buf, sizeof(buf), &err), 0);
        assert_string_equal(buf, ok[i].want);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(hv_vif_rate(bad[i], buf, sizeof(buf), &err), -EINVAL);
        assert_non_null(strstr(err.msg, "rate '"));
    }
}

static void test_mac(void **state)
{
    uint8_t u1[16] = {1, 2, 3}, u2[16] = {1, 2, 4}, a[6], b[6], c[6], d[6];
    unsigned i;

    (void)state;
    hv_vif_mac(u1, 0, a);
    hv_vif_mac(u1, 0, b);
    hv_vif_mac(u1, 1, c);
    hv_vif_mac(u2, 0, d);
    assert_memory_equal(a, b, 6);               /* stable */
    assert_memory_not_equal(a, c, 6);           /* per devid */
    assert_memory_not_equal(a, d, 6);           /* per domain */
    for (i = 0; i < 256; i++) {
        u1[15] = (uint8_t)i;
        hv_vif_mac(u1, (int)i, a);
        assert_int_equal(a[0], 0x00);
        assert_int_equal(a[1], 0x16);
        assert_int_equal(a[2], 0x3e);
        assert_true(a[3] < 0x80);
    }
}

static void parse(const char *spec, struct hv_cfg_vif *v)
{
    char why[200];

    assert_int_equal(cfg_vif_parse(spec, v, why, sizeof(why)), 0);
    if (v->devid < 0)
        v->devid = 0;
}

static void test_check(void **state)
{
    static const struct { const char *spec, *msg; } bad[] = {
        {"bridge=nosuchbr", "vif 0 (bridge nosuchbr): no bridge 'nosuchbr' in dom0"},
        {"network=nosuch", "vif 0: no network named 'nosuch'"},
        {"bridge=testbr0,type=ioemu", "type 'ioemu': a PV guest takes type=vif only"},
        {"bridge=testbr0,backend=3", "backend '3': only dom0 serves vifs"},
        {"bridge=testbr0,rate=fast", "rate 'fast'"},
        {"bridge=testbr0,vifname=a/b", "vifname 'a/b'"},
        {"bridge=testbr0,ip=10.0.0.300", "ip '10.0.0.300': '10.0.0.300' is not an IPv4 address"},
        {"bridge=testbr0,ip=10.0.0.1 x}", "'x}' is not an IPv4 address"},
        {"bridge=testbr0,ip=10.0.0.0/33", "'33' is not a prefix length"},
        {"bridge=testbr0,ip=fe80::1", "'fe80::1' is not an IPv4 address"},
        {"bridge=testbr0,ip= ", "no address"},
        {"network=lan,bridge=other", "bridge=other and network=lan (bridge testbr0) disagree"},
        {"", "no bridge 'xenbr0'"}, /* no default network: xl's xenbr0 */
    };
    struct hv_cfg_vif v;
    struct hv_net n = {.name = "lan", .mode = HV_NET_INTERNAL, .bridge = "testbr0"};
    struct hv_err err;
    char bridge[HV_NET_IF_MAX];
    unsigned i;

    (void)state;
    assert_int_equal(hv_net_save(&n, &err), 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse(bad[i].spec, &v);
        assert_true(hv_vif_check(&v, bridge, &err) < 0);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("%s: '%s' lacks '%s'", bad[i].spec, err.msg, bad[i].msg);
        cfg_vif_free(&v);
    }
    parse("network=lan,ip=10.0.0.2  10.0.1.0/24", &v);
    assert_int_equal(hv_vif_check(&v, bridge, &err), 0);
    assert_string_equal(bridge, "testbr0");
    cfg_vif_free(&v);
    strcpy(n.name, "default"); /* the default network's bridge when nothing is named */
    assert_int_equal(hv_net_save(&n, &err), 0);
    parse("type=vif", &v);
    assert_int_equal(hv_vif_check(&v, bridge, &err), 0);
    assert_string_equal(bridge, "testbr0");
    cfg_vif_free(&v);
    hv_net_remove_file("default", &err);
}

/* Add (libxl's keys, the script's online), list, describe (a save file's vif line), remove by MAC
 * (its offline), nothing left. */
static void test_add_list_remove(void **state)
{
    uint8_t uuid[16] = {9, 8, 7};
    struct hv_cfg_vif v;
    struct hv_err err;
    char *before = xsd_snapshot(), *snap, *got, out[1024] = "", *spec;
    FILE *f;

    (void)state;
    parse("bridge=testbr0,rate=10Mb/s,ip=10.0.0.5,devid=2", &v);
    assert_int_equal(hv_vif_add(xs, 5, uuid, &v, &err), 0);
    cfg_vif_free(&v);
    snap = xsd_snapshot();
    assert_true(has_line(snap, "/local/domain/0/backend/vif/5/2/bridge=testbr0 n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vif/5/2/rate=62500,50000 n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vif/5/2/ip=10.0.0.5 n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vif/5/2/handle=2 n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vif/5/2/type=vif n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vif/5/2/script=vif-bridge n0r5"));
    assert_true(has_line(snap, "/local/domain/0/backend/vif/5/2/hotplug-status= n0r5"));
    assert_true(has_line(snap, "/local/domain/5/device/vif/2/handle=2 n5r0"));
    assert_true(has_line(snap, "/local/domain/5/device/vif/2/trusted=1 n5r0"));
    assert_non_null(strstr(snap, "\n/local/domain/5/device/vif/2/mac=00:16:3e:"));
    free(snap);
    got = slurp_calls(calls);
    assert_string_equal(got, "online /local/domain/0/backend/vif/5/2 vif=vif5.2 5.2\n");
    free(got);
    /* network-attach: the lowest free devid (0), the MAC from domain 6's uuid */
    assert_int_equal(hv_vif_attach(xs, 6, "bridge=testbr0", &err), 0);
    assert_int_equal(hv_vif_attach(xs, 6, "bridge=testbr0,mac=00:16:3e:aa:bb:cc", &err), 0);
    assert_int_equal(hv_vif_attach(xs, 6, "bridge=testbr0,devid=1", &err), -EEXIST);
    assert_int_equal(hv_vif_attach(xs, 6, "bridge=nosuchbr", &err), -ENODEV);
    free(slurp_calls(calls));
    assert_non_null(f = fmemopen(out, sizeof(out) - 1, "w"));
    hv_vif_list_header(f);
    assert_int_equal(hv_vif_list(xs, 6, f), 0);
    fclose(f);
    assert_non_null(strstr(out, "Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref "
                                "BE-path"));
    assert_non_null(strstr(out, "\n1   0  00:16:3e:aa:bb:cc      1     1     -1    -1/-1          "
                                "/local/domain/0/backend/vif/6/1"));
    assert_non_null(strstr(out, "\n0   0  00:16:3e:"));
    /* what a save file's config holds: both vifs as they are, parsed back the same */
    memset(out, 0, sizeof(out));
    assert_non_null(f = fmemopen(out, sizeof(out) - 1, "w"));
    assert_int_equal(hv_vif_describe(xs, 6, f, &err), 0);
    fclose(f);
    assert_non_null(strstr(out, "vif = ['devid=0,mac=00:16:3e:"));
    assert_non_null(strstr(out, ",bridge=testbr0,script=vif-bridge', 'devid=1,mac=00:16:3e:aa:bb:cc,"
                                "bridge=testbr0,script=vif-bridge']\n"));
    memset(out, 0, sizeof(out));
    assert_non_null(f = fmemopen(out, sizeof(out) - 1, "w"));
    assert_int_equal(hv_vif_describe(xs, 5, f, &err), 0);
    fclose(f);
    assert_non_null(strstr(out, ",bridge=testbr0,ip=10.0.0.5,script=vif-bridge,rate=1250000B/s@50000us']"));
    spec = strchr(out, '\'') + 1; /* the spec, up to its closing quote */
    *strchr(spec, '\'') = 0;
    parse(spec, &v);
    assert_int_equal(v.devid, 2);
    assert_string_equal(v.ip, "10.0.0.5");
    assert_int_equal(hv_vif_rate(v.rate, out, sizeof(out), &err), 0);
    assert_string_equal(out, "62500,50000"); /* the rate libxl's key had */
    cfg_vif_free(&v);
    xs_write(xs, XBT_NULL, "/local/domain/0/backend/vif/5/2/vifname", "a,b", 3);
    memset(out, 0, sizeof(out));
    assert_non_null(f = fmemopen(out, sizeof(out) - 1, "w"));
    assert_int_equal(hv_vif_describe(xs, 5, f, &err), -EINVAL);
    fclose(f);
    assert_string_equal(err.msg, "vif 2 of domain 5: vifname 'a,b' cannot be written in a vif spec");
    xs_rm(xs, XBT_NULL, "/local/domain/0/backend/vif/5/2/vifname");
    assert_int_equal(hv_vif_remove(xs, 6, "00:16:3E:AA:BB:CC", false, &err), 0);
    got = slurp_calls(calls);
    assert_string_equal(got, "offline /local/domain/0/backend/vif/6/1 vif= 6.1\n");
    free(got);
    assert_int_equal(hv_vif_remove(xs, 6, "00:16:3e:aa:bb:cc", false, &err), -ENOENT);
    assert_string_equal(err.msg, "domain 6 has no vif with MAC 00:16:3e:aa:bb:cc");
    assert_int_equal(hv_vif_remove(xs, 6, "7", false, &err), -ENOENT);
    assert_string_equal(err.msg, "domain 6 has no vif 7");
    assert_int_equal(hv_vif_remove(xs, 6, "0", true, &err), 0);
    assert_int_equal(hv_vif_remove(xs, 5, "2", false, &err), 0);
    free(slurp_calls(calls));
    snap = xsd_snapshot();
    assert_string_equal(before, snap);
    free(snap);
    free(before);
}

static void backend_key(uint32_t domid, uint32_t devid, const char *key, char *buf, size_t len)
{
    char path[128], *val;
    unsigned n;

    snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u/%u/%s", domid, devid, key);
    val = xs_read(xs, XBT_NULL, path, &n);
    snprintf(buf, len, "%s", val ? val : "(none)");
    free(val);
}

/* The vifs as they are now (the monitor's restart): what was attached is there with its devid,
 * MAC, bridge and options, what was detached is not; added again (the next incarnation) they
 * give the backend the same keys; a toolstack copy without a MAC is refused. */
static void test_current(void **state)
{
    static const char *const keys[] = {"mac", "bridge", "rate", "ip", "mtu", "script", "handle",
                                       "vifname"};
    uint8_t uuid[16] = {4, 5, 6};
    struct hv_cfg_vif v, *cur;
    struct hv_err err;
    char *before = xsd_snapshot(), *snap, a[128], b[128];
    unsigned n, i, k;

    (void)state;
    parse("bridge=testbr0,rate=1001B/s@3ms,ip=10.0.0.5 10.0.1.0/24,mtu=9000", &v);
    assert_int_equal(hv_vif_add(xs, 5, uuid, &v, &err), 0);
    cfg_vif_free(&v);
    parse("bridge=testbr0,mac=00:16:3e:01:02:03,devid=1,vifname=myvif0", &v);
    assert_int_equal(hv_vif_add(xs, 5, uuid, &v, &err), 0);
    cfg_vif_free(&v);
    assert_int_equal(hv_vif_attach(xs, 5, "bridge=testbr0,devid=3", &err), 0);
    assert_int_equal(hv_vif_remove(xs, 5, "1", false, &err), 0);
    assert_int_equal(hv_vif_current(xs, 5, &cur, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(cur[0].devid, 0);
    assert_int_equal(cur[1].devid, 3);
    assert_string_equal(cur[0].bridge, "testbr0");
    assert_string_equal(cur[0].rate, "1001B/s@3ms");
    assert_string_equal(cur[0].ip, "10.0.0.5 10.0.1.0/24");
    assert_int_equal(cur[0].mtu, 9000);
    assert_true(cur[0].has_mac && cur[1].has_mac);
    assert_null(cur[1].rate);
    assert_null(cur[1].ip);
    /* the next incarnation (domain 7) gets the same backend keys */
    xs_mkdir(xs, XBT_NULL, "/local/domain/7/device");
    xs_mkdir(xs, XBT_NULL, "/libxl/7");
    for (i = 0; i < n; i++)
        assert_int_equal(hv_vif_add(xs, 7, (uint8_t[16]){7}, &cur[i], &err), 0);
    for (i = 0; i < n; i++) {
        for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            backend_key(5, (uint32_t)cur[i].devid, keys[k], a, sizeof(a));
            backend_key(7, (uint32_t)cur[i].devid, keys[k], b, sizeof(b));
            if (strcmp(a, b))
                fail_msg("vif %d's %s: %s before, %s after", cur[i].devid, keys[k], a, b);
        }
        cfg_vif_free(&cur[i]);
    }
    free(cur);
    backend_key(7, 1, "mac", a, sizeof(a));
    assert_string_equal(a, "(none)"); /* the detached one stays gone */
    for (i = 0; i < 2; i++) {
        assert_int_equal(hv_vif_remove(xs, 5, i ? "3" : "0", true, &err), 0);
        assert_int_equal(hv_vif_remove(xs, 7, i ? "3" : "0", true, &err), 0);
    }
    xs_rm(xs, XBT_NULL, "/local/domain/7");
    xs_rm(xs, XBT_NULL, "/libxl/7");
    free(slurp_calls(calls));
    snap = xsd_snapshot();
    assert_string_equal(before, snap);
    free(snap);
    free(before);
    /* a toolstack copy without a MAC: refused, nothing returned */
    xs_write(xs, XBT_NULL, "/libxl/8/device/vif/0/bridge", "testbr0", 7);
    cur = (struct hv_cfg_vif *)&v;
    assert_int_equal(hv_vif_current(xs, 8, &cur, &n), -EINVAL);
    assert_null(cur);
    assert_int_equal(n, 0);
    xs_rm(xs, XBT_NULL, "/libxl/8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate),  cmocka_unit_test(test_mac), cmocka_unit_test(test_check),
        cmocka_unit_test(test_add_list_remove), cmocka_unit_test(test_current),
    };

    if (access("/sys/class/net/testbr0/bridge", F_OK)) {
        fprintf(stderr, "test_hv_vif: no bridge testbr0 (run it as make hvctl-check does, in "
                        "a network namespace with one)\n");
        return 1;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
