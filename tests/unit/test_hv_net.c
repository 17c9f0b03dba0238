/* Unit tests of dom0-tools/libhv/net.c: network names, subnets, the NAME.conf files and the
 * rules between networks (tests/hvctl/net.sh brings them up for real). */
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

#include "dom0-tools/libhv/net.h"

static void test_subnet(void **state)
{
    static const char *const bad[] = {"10.0.0.0", "10.0.0.0/7", "10.0.0.0/31", "10.0.0.1/24",
                                      "256.0.0.0/8", "10.0.0/24", " 10.0.0.0/24",
                                      "10.0.0.0/24x", "-1.0.0.0/8", ""};
    struct hv_net n;
    struct hv_err err;
    char buf[32];
    unsigned i;

    (void)state;
    memset(&n, 0, sizeof(n));
    assert_int_equal(hv_net_subnet_parse("192.168.100.0/24", &n, &err), 0);
    assert_true(n.has_subnet);
    assert_int_equal(n.net, 0xc0a86400u);
    assert_int_equal(n.prefix, 24);
    hv_net_subnet_format(&n, buf, sizeof(buf));
    assert_string_equal(buf, "192.168.100.0/24");
    hv_net_host_addr(&n, 1, buf, sizeof(buf));
    assert_string_equal(buf, "192.168.100.1");
    hv_net_host_addr(&n, 254, buf, sizeof(buf));
    assert_string_equal(buf, "192.168.100.254");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&n, 0, sizeof(n));
        assert_int_equal(hv_net_subnet_parse(bad[i], &n, &err), -EINVAL);
        assert_false(n.has_subnet);
        assert_non_null(strstr(err.msg, "subnet"));
    }
    hv_net_subnet_parse("10.0.0.1/24", &n, &err);
    assert_non_null(strstr(err.msg, "host bits set (the network is 10.0.0.0/24)"));
}

static void test_names(void **state)
{
    struct hv_err err;

    (void)state;
    assert_int_equal(hv_net_check_name("default", &err), 0);
    assert_int_equal(hv_net_check_name("lan-2.x_y", &err), 0);
    assert_int_equal(hv_net_check_name("", &err), -EINVAL);
    assert_int_equal(hv_net_check_name("-lan", &err), -EINVAL);
    assert_int_equal(hv_net_check_name("a/b", &err), -EINVAL);
    assert_int_equal(hv_net_check_name("../x", &err), -EINVAL);
    assert_int_equal(hv_net_check_name("0123456789012345678901234567890123", &err), -EINVAL);
    assert_int_equal(hv_net_check_ifname("bridge", "xenbr0", &err), 0);
    assert_int_equal(hv_net_check_ifname("bridge", "0123456789abcdef", &err), -EINVAL);
    assert_int_equal(hv_net_check_ifname("uplink", "eth 0", &err), -EINVAL);
    assert_non_null(strstr(err.msg, "uplink 'eth 0'"));
}

/* Validate a network of `mode` with the given uplink and subnet (NULL: none). */
static int validate(const char *name, enum hv_net_mode mode, const char *uplink,
                    const char *subnet, struct hv_net *n, struct hv_err *err)
{
    memset(n, 0, sizeof(*n));
    strcpy(n->name, name);
    n->mode = mode;
    if (uplink)
        strcpy(n->uplink, uplink);
    if (subnet)
        assert_int_equal(hv_net_subnet_parse(subnet, n, err), 0);
    return hv_net_validate(n, err);
}

static void test_validate(void **state)
{
    struct hv_net n;
    struct hv_err err;
    char buf[32];

    (void)state;
    assert_int_equal(validate("lan", HV_NET_INTERNAL, NULL, NULL, &n, &err), 0);
    assert_string_equal(n.bridge, "lan");
    assert_int_equal(validate("nat", HV_NET_NAT, "eth0", NULL, &n, &err), 0);
    hv_net_subnet_format(&n, buf, sizeof(buf));
    assert_string_equal(buf, HV_NET_NAT_DEFAULT);
    assert_int_equal(validate("b", HV_NET_BRIDGED, NULL, NULL, &n, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "needs --uplink"));
    assert_int_equal(validate("b", HV_NET_BRIDGED, "eth1", "10.0.0.0/8", &n, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "no --subnet"));
    assert_int_equal(validate("i", HV_NET_INTERNAL, "eth1", NULL, &n, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "no uplink"));
    assert_int_equal(validate("eth1", HV_NET_NAT, "eth1", NULL, &n, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "both 'eth1'"));
    assert_int_equal(validate("a-very-long-network-name", HV_NET_INTERNAL, NULL, NULL, &n, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "--bridge"));
}

static void test_file(void **state)
{
    struct hv_net n, back;
    struct hv_err err;
    char text[512];

    (void)state;
    assert_int_equal(validate("nat1", HV_NET_NAT, "eth0", "10.5.0.0/24", &n, &err), 0);
    assert_true(hv_net_format(&n, text, sizeof(text)) > 0);
    assert_non_null(strstr(text, "mode = nat\nbridge = nat1\nuplink = eth0\nsubnet = 10.5.0.0/24\n"));
    assert_int_equal(hv_net_parse(text, "/x/nat1.conf", "nat1", &back, &err), 0);
    assert_memory_equal(&n, &back, sizeof(n));
    assert_int_equal(hv_net_parse("mode = nat\n\nsubnet = 10.5.0.1/24\n", "f.conf", "x", &back,
                                  &err), -EINVAL);
    assert_non_null(strstr(err.msg, "f.conf:2: key 'subnet': subnet '10.5.0.1/24' has host bits"));
    assert_int_equal(hv_net_parse("# c\nmode = bridge\n", "f.conf", "x", &back, &err), -EINVAL);
    assert_string_equal(err.msg, "f.conf:2: key 'mode': 'bridge' is not bridged, internal or nat");
    assert_int_equal(hv_net_parse("mode = internal\ncolour = red\n", "f.conf", "x", &back, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "f.conf:2: key 'colour': unknown key"));
    assert_int_equal(hv_net_parse("bridge = x\n", "f.conf", "x", &back, &err), -EINVAL);
    assert_string_equal(err.msg, "f.conf: no 'mode' key");
    assert_int_equal(hv_net_parse("mode = bridged\n", "f.conf", "x", &back, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "f.conf: network 'x': a bridged network needs --uplink"));
    assert_int_equal(hv_net_parse("mode = internal\nbridge = 0123456789abcdefg\n", "f.conf", "x",
                                  &back, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "too long"));
}

static void test_conflict(void **state)
{
    struct hv_net a, b;
    struct hv_err err;

    (void)state;
    validate("a", HV_NET_NAT, "eth0", "10.5.0.0/24", &a, &err);
    validate("b", HV_NET_NAT, "eth1", "10.6.0.0/24", &b, &err);
    assert_int_equal(hv_net_conflict(&a, &b, &err), 0);
    validate("b", HV_NET_NAT, "eth1", "10.0.0.0/8", &b, &err);
    assert_int_equal(hv_net_conflict(&a, &b, &err), -EEXIST);
    assert_string_equal(err.msg, "subnet 10.5.0.0/24 overlaps network 'b''s 10.0.0.0/8");
    validate("b", HV_NET_BRIDGED, "eth0", NULL, &b, &err);
    assert_int_equal(hv_net_conflict(&a, &b, &err), -EBUSY);
    validate("b", HV_NET_INTERNAL, NULL, NULL, &b, &err);
    strcpy(b.bridge, "a");
    assert_int_equal(hv_net_conflict(&a, &b, &err), -EEXIST);
    assert_non_null(strstr(err.msg, "bridge 'a'"));
    validate("b", HV_NET_BRIDGED, "a", NULL, &b, &err);
    assert_int_equal(hv_net_conflict(&a, &b, &err), -EBUSY);
}

/* Files in a private folder: save, load, list, remove. */
static void test_store(void **state)
{
    char dir[] = "/tmp/test_hv_net.XXXXXX", (*names)[HV_NET_NAME_MAX];
    struct hv_net n, back;
    struct hv_err err;

    (void)state;
    assert_non_null(mkdtemp(dir));
    setenv("HV_NET_DIR", dir, 1);
    assert_int_equal(hv_net_names(&names, &err), 0);
    free(names);
    validate("zeta", HV_NET_INTERNAL, NULL, NULL, &n, &err);
    assert_int_equal(hv_net_save(&n, &err), 0);
    validate("alpha", HV_NET_NAT, NULL, "10.1.0.0/16", &n, &err);
    assert_int_equal(hv_net_save(&n, &err), 0);
    assert_int_equal(hv_net_names(&names, &err), 2);
    assert_string_equal(names[0], "alpha");
    assert_string_equal(names[1], "zeta");
    free(names);
    assert_int_equal(hv_net_load("alpha", &back, &err), 0);
    assert_memory_equal(&n, &back, sizeof(n));
    assert_int_equal(hv_net_load("beta", &back, &err), -ENOENT);
    assert_string_equal(err.msg, "no network named 'beta' (hvctl network-list)");
    assert_int_equal(hv_net_load("../etc", &back, &err), -EINVAL);
    assert_int_equal(hv_net_remove_file("alpha", &err), 0);
    assert_int_equal(hv_net_remove_file("zeta", &err), 0);
    assert_int_equal(hv_net_remove_file("zeta", &err), 0);
    assert_int_equal(hv_net_names(&names, &err), 0);
    free(names);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subnet),   cmocka_unit_test(test_names),
        cmocka_unit_test(test_validate), cmocka_unit_test(test_file),
        cmocka_unit_test(test_conflict), cmocka_unit_test(test_store),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
