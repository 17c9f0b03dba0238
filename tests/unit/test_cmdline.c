/* Unit tests of hypervisor/common/cmdline.c: module options and the hypervisor command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "cmdline.h"
#include "pv-abi/errno.h"

#define MiB (1ULL << 20)

struct module_case {
    const char *in;
    int rc;
    uint64_t mem;
    unsigned vcpus;
    const char *name;
    bool console;
    const char *guest; /* guest command line on success, or a fragment of *why on failure */
    const char *path;
};

static const struct module_case module_cases[] = {
    {"/boot/hello.elf", 0, 32 * MiB, 1, "", false, "", "/boot/hello.elf"},
    {"", 0, 32 * MiB, 1, "", false, "", ""},
    {"hello.elf hello from domain 1", 0, 32 * MiB, 1, "", false, "hello from domain 1",
     "hello.elf"},
    {"  k.elf   spaced  out  ", 0, 32 * MiB, 1, "", false, "spaced  out  ", "k.elf"},
    {"k mem=64M -- console=hvc0", 0, 64 * MiB, 1, "", false, "console=hvc0", "k"},
    {"k mem=128 vcpus=4 name=web console -- root=/dev/xvda  ro", 0, 128 * MiB, 4, "web", true,
     "root=/dev/xvda  ro", "k"},
    {"k mem=1G --", 0, 1ULL << 30, 1, "", false, "", "k"},
    {"k mem=4096K -- x", 0, 4 * MiB, 1, "", false, "x", "k"},
    {"k mem=1m --", 0, 1 * MiB, 1, "", false, "", "k"},
    {"k mem=2g mem=3M --", 0, 3 * MiB, 1, "", false, "", "k"},
    {"k\tvcpus=32\t--\tguest", 0, 32 * MiB, 32, "", false, "guest", "k"},
    {"k name=a.b-c_9 --", 0, 32 * MiB, 1, "a.b-c_9", false, "", "k"},
    {"k -- a -- b", 0, 32 * MiB, 1, "", false, "a -- b", "k"},
    {"k mem=64M", 0, 32 * MiB, 1, "", false, "mem=64M", "k"},
    {"k --x mem=1", 0, 32 * MiB, 1, "", false, "--x mem=1", "k"},
    {"k x-- y", 0, 32 * MiB, 1, "", false, "x-- y", "k"},
    {"k --", 0, 32 * MiB, 1, "", false, "", "k"},
    {"k mem= --", -PV_EINVAL, 0, 0, NULL, false, "mem=", NULL},
    {"k mem=0 --", -PV_EINVAL, 0, 0, NULL, false, "below 1M", NULL},
    {"k mem=1023K --", -PV_EINVAL, 0, 0, NULL, false, "below 1M", NULL},
    {"k mem=1025K --", -PV_EINVAL, 0, 0, NULL, false, "multiple of 4K", NULL},
    {"k mem=12X --", -PV_EINVAL, 0, 0, NULL, false, "mem=", NULL},
    {"k mem=-5M --", -PV_EINVAL, 0, 0, NULL, false, "mem=", NULL},
    {"k mem=99999999999999999999 --", -PV_EINVAL, 0, 0, NULL, false, "mem=", NULL},
    {"k mem=17179869184G --", -PV_EINVAL, 0, 0, NULL, false, "mem=", NULL},
    {"k vcpus=0 --", -PV_EINVAL, 0, 0, NULL, false, "vcpus", NULL},
    {"k vcpus=33 --", -PV_EINVAL, 0, 0, NULL, false, "vcpus", NULL},
    {"k vcpus=two --", -PV_EINVAL, 0, 0, NULL, false, "vcpus", NULL},
    {"k vcpus= --", -PV_EINVAL, 0, 0, NULL, false, "vcpus", NULL},
    {"k name= --", -PV_EINVAL, 0, 0, NULL, false, "name", NULL},
    {"k name=abcdefghijklmnopqrstuvwxyz012345 --", -PV_EINVAL, 0, 0, NULL, false, "name", NULL},
    {"k name=a/b --", -PV_EINVAL, 0, 0, NULL, false, "name", NULL},
    {"k bogus --", -PV_EINVAL, 0, 0, NULL, false, "unknown option", NULL},
    {"k console=1 --", -PV_EINVAL, 0, 0, NULL, false, "unknown option", NULL},
    {"k Mem=1M --", -PV_EINVAL, 0, 0, NULL, false, "unknown option", NULL},
};

static void check_module_case(const struct module_case *c)
{
    struct dom_opts o;
    const char *why = NULL;
    int rc = cmdline_parse_module(c->in, &o, &why);

    assert_int_equal(rc, c->rc);
    assert_non_null(why);
    if (rc) {
        if (!strstr(why, c->guest))
            fail_msg("input \"%s\": reason \"%s\" lacks \"%s\"", c->in, why, c->guest);
        return;
    }
    assert_int_equal(o.mem_bytes, c->mem);
    assert_int_equal(o.vcpus, c->vcpus);
    assert_string_equal(o.name, c->name);
    assert_int_equal(o.console_focus, c->console);
    assert_string_equal(o.guest_cmdline, c->guest);
    assert_string_equal(o.path, c->path);
}

/* "xenstore": a store ring for dom0's xenstored; a flag only (a value is an unknown option). */
static void test_xenstore_option(void **state)
{
    struct dom_opts o;
    const char *why = NULL;

    (void)state;
    assert_int_equal(cmdline_parse_module("k xenstore mem=64M -- x", &o, &why), 0);
    assert_true(o.xenstore);
    assert_string_equal(o.guest_cmdline, "x");
    assert_int_equal(cmdline_parse_module("k mem=64M -- xenstore", &o, &why), 0);
    assert_false(o.xenstore); /* after "--" it is the guest's word */
    assert_int_equal(cmdline_parse_module("k xenstore=1 --", &o, &why), -PV_EINVAL);
    assert_non_null(strstr(why, "xenstore dom0console)"));
}

/* "dom0console": the console ring is dom0's to serve; a flag only, off by default. */
static void test_dom0console_option(void **state)
{
    struct dom_opts o;
    const char *why = NULL;

    (void)state;
    assert_int_equal(cmdline_parse_module("k xenstore dom0console -- x", &o, &why), 0);
    assert_true(o.dom0_console);
    assert_true(o.xenstore);
    assert_int_equal(cmdline_parse_module("k xenstore -- dom0console", &o, &why), 0);
    assert_false(o.dom0_console);
    assert_int_equal(cmdline_parse_module("k dom0console=1 --", &o, &why), -PV_EINVAL);
    assert_int_equal(cmdline_parse_module("k dom0Console --", &o, &why), -PV_EINVAL);
    assert_non_null(strstr(why, "unknown option"));
}

static void test_module_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(module_cases) / sizeof(module_cases[0]); i++) {
        print_message("case %zu: \"%s\"\n", i, module_cases[i].in);
        check_module_case(&module_cases[i]);
    }
}

static void test_module_null(void **state)
{
    struct dom_opts o;
    const char *why;

    (void)state;
    assert_int_equal(cmdline_parse_module(NULL, &o, &why), 0);
    assert_int_equal(o.mem_bytes, 32 * MiB);
    assert_string_equal(o.guest_cmdline, "");
}

/* 1023 characters fit start_info.cmd_line; 1024 do not. */
static void test_guest_cmdline_length(void **state)
{
    static char in[2100];
    struct dom_opts o;
    const char *why;

    (void)state;
    strcpy(in, "k.elf opts -- ");
    memset(in + strlen(in), 'x', 1023);
    assert_int_equal(cmdline_parse_module(in, &o, &why), -PV_EINVAL);
    assert_string_equal(why, "unknown option before \"--\" (mem= maxmem= vcpus= name= weight= cap= "
                             "grant_frames= console xenstore dom0console)");
    strcpy(in, "k.elf ");
    memset(in + 6, 'x', 1023);
    in[6 + 1023] = '\0';
    assert_int_equal(cmdline_parse_module(in, &o, &why), 0);
    assert_int_equal(strlen(o.guest_cmdline), 1023);
    in[6 + 1023] = 'y';
    in[6 + 1024] = '\0';
    assert_int_equal(cmdline_parse_module(in, &o, &why), -PV_EINVAL);
    assert_string_equal(why, "guest command line too long");
}

static void test_long_path_truncated(void **state)
{
    static char in[400];
    struct dom_opts o;
    const char *why;

    (void)state;
    memset(in, 'p', 300);
    strcpy(in + 300, " guest");
    assert_int_equal(cmdline_parse_module(in, &o, &why), 0);
    assert_int_equal(strlen(o.path), CMDLINE_PATH_MAX - 1);
    assert_string_equal(o.guest_cmdline, "guest");
}

static void test_default_name(void **state)
{
    struct dom_opts o;
    const char *why;

    (void)state;
    assert_int_equal(cmdline_parse_module("k", &o, &why), 0);
    cmdline_default_name(&o, 0);
    assert_string_equal(o.name, "d0");
    o.name[0] = '\0';
    cmdline_default_name(&o, 4294967295U);
    assert_string_equal(o.name, "d4294967295");
    assert_int_equal(cmdline_parse_module("k name=web --", &o, &why), 0);
    cmdline_default_name(&o, 7);
    assert_string_equal(o.name, "web");
}

struct size_case {
    const char *in;
    int rc;
    uint64_t bytes;
};

static const struct size_case size_cases[] = {
    {"64M", 0, 64 * MiB},
    {"1G", 0, 1ULL << 30},
    {"4096K", 0, 4 * MiB},
    {"16", 0, 16 * MiB},
    {"0", 0, 0},
    {"3g", 0, 3ULL << 30},
    {"7k", 0, 7 << 10},
    {"17179869183G", 0, 17179869183ULL << 30},
    {"17179869184G", -PV_EINVAL, 0},
    {"18446744073709551615K", -PV_EINVAL, 0},
    {"", -PV_EINVAL, 0},
    {"M", -PV_EINVAL, 0},
    {"12T", -PV_EINVAL, 0},
    {"1.5G", -PV_EINVAL, 0},
    {" 1M", -PV_EINVAL, 0},
    {"1M ", -PV_EINVAL, 0},
    {"0x10", -PV_EINVAL, 0},
    {"+5", -PV_EINVAL, 0},
};

static void test_parse_size_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++) {
        uint64_t bytes = 0xdead;
        int rc = cmdline_parse_size(size_cases[i].in, &bytes);

        print_message("size \"%s\"\n", size_cases[i].in);
        assert_int_equal(rc, size_cases[i].rc);
        if (rc == 0)
            assert_int_equal(bytes, size_cases[i].bytes);
        else
            assert_int_equal(bytes, 0xdead);
    }
    assert_int_equal(cmdline_parse_size(NULL, &(uint64_t){0}), -PV_EINVAL);
}

struct get_case {
    const char *line, *key;
    bool found;
    const char *val;
};

static const struct get_case get_cases[] = {
    {"console=com1 loglvl=all noreboot", "console", true, "com1"},
    {"console=com1 loglvl=all noreboot", "loglvl", true, "all"},
    {"console=com1 loglvl=all noreboot", "noreboot", true, ""},
    {"console=com1 loglvl=all noreboot", "reboot", false, NULL},
    {"console=com1 loglvl=all noreboot", "consol", false, NULL},
    {"console=com1 loglvl=all noreboot", "console=com1", false, NULL},
    {"a=1 a=2", "a", true, "2"},
    {"  a=1\t\tb=x=y  ", "b", true, "x=y"},
    {"a=", "a", true, ""},
    {"", "a", false, NULL},
    {"abc", "", false, NULL},
    {"dom0_mem=512M,max:1G", "dom0_mem", true, "512M,max:1G"},
    {"a b", "a b", false, NULL},
};

static void test_get_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(get_cases) / sizeof(get_cases[0]); i++) {
        const struct get_case *c = &get_cases[i];
        char val[32];

        memset(val, '#', sizeof(val));
        print_message("get \"%s\" in \"%s\"\n", c->key, c->line);
        assert_int_equal(cmdline_get(c->line, c->key, val, sizeof(val)), c->found);
        if (c->found)
            assert_string_equal(val, c->val);
        else
            assert_int_equal(val[0], '#');
    }
}

static void test_get_edges(void **state)
{
    char small[4];

    (void)state;
    assert_false(cmdline_get(NULL, "a", small, sizeof(small)));
    assert_true(cmdline_get("a", "a", NULL, 0));
    assert_true(cmdline_get("key=abcdefgh", "key", small, sizeof(small)));
    assert_string_equal(small, "abc");
    assert_true(cmdline_get("key=abcdefgh", "key", small, 1));
    assert_string_equal(small, "");
}

static void test_weight_cap(void **state)
{
    static const struct {
        const char *line;
        int rc;
        unsigned weight, cap;
    } cases[] = {
        {"k weight=512 cap=50 -- x", 0, 512, 50},
        {"k weight=1 -- x", 0, 1, 0},
        {"k weight=65535 cap=6400 -- x", 0, 65535, 6400},
        {"k cap=0 -- x", 0, 0, 0},
        {"k weight=0 -- x", -22, 0, 0},
        {"k weight=65536 -- x", -22, 0, 0},
        {"k weight= -- x", -22, 0, 0},
        {"k weight=12a -- x", -22, 0, 0},
        {"k cap=6401 -- x", -22, 0, 0},
        {"k cap=-1 -- x", -22, 0, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dom_opts o;
        const char *why = NULL;
        int rc = cmdline_parse_module(cases[i].line, &o, &why);

        assert_int_equal(rc, cases[i].rc);
        if (!rc) {
            assert_int_equal(o.weight, cases[i].weight);
            assert_int_equal(o.cap, cases[i].cap);
        } else {
            assert_non_null(why);
        }
    }
}

static void test_grant_frames(void **state)
{
    static const struct {
        const char *line;
        int rc;
        unsigned grant_frames;
    } cases[] = {
        {"k -- x", 0, 0}, /* not given: the builder keeps the default (32) */
        {"k grant_frames=1 -- x", 0, 1},
        {"k grant_frames=32 -- x", 0, 32},
        {"k grant_frames=64 -- x", 0, 64},
        {"k grant_frames=4 grant_frames=8 -- x", 0, 8},
        {"k grant_frames=0 -- x", -22, 0},
        {"k grant_frames=65 -- x", -22, 0},
        {"k grant_frames= -- x", -22, 0},
        {"k grant_frames=4k -- x", -22, 0},
        {"k grant_frames -- x", -22, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dom_opts o;
        const char *why = NULL;
        int rc = cmdline_parse_module(cases[i].line, &o, &why);

        assert_int_equal(rc, cases[i].rc);
        if (!rc)
            assert_int_equal(o.grant_frames, cases[i].grant_frames);
        else
            assert_non_null(why);
    }
}

static void test_maxmem(void **state)
{
    static const struct {
        const char *line;
        int rc;
        uint64_t bytes;
    } cases[] = {
        {"k -- x", 0, 0}, /* not given: the limit is mem= */
        {"k maxmem=64M -- x", 0, 64ULL << 20},
        {"k mem=8M maxmem=4M -- x", 0, 4ULL << 20}, /* the builder takes the larger */
        {"k maxmem=4K -- x", 0, 4096},
        {"k maxmem=4097K -- x", -22, 0},
        {"k maxmem= -- x", -22, 0},
        {"k maxmem=lots -- x", -22, 0},
        {"k maxmem -- x", -22, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dom_opts o;
        const char *why = NULL;
        int rc = cmdline_parse_module(cases[i].line, &o, &why);

        assert_int_equal(rc, cases[i].rc);
        if (!rc)
            assert_int_equal(o.maxmem_bytes, cases[i].bytes);
        else
            assert_non_null(why);
    }
}

/* "<path> initrd" exactly: the ramdisk of the kernel module before it. */
static void test_module_is_initrd(void **state)
{
    static const struct {
        const char *line;
        bool initrd;
    } cases[] = {
        {"rd.cpio.gz initrd", true},
        {"/boot/rd initrd  ", true},
        {"\trd\tinitrd", true},
        {"rd", false},
        {NULL, false},
        {"", false},
        {"initrd", false}, /* the path alone */
        {"k initrd x", false},
        {"k -- initrd", false},
        {"k initrd --", false},
        {"k initrd=rd", false},
        {"k initrdx", false},
        {"k Initrd", false},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(cmdline_module_is_initrd(cases[i].line), cases[i].initrd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_module_table),
        cmocka_unit_test(test_maxmem),
        cmocka_unit_test(test_xenstore_option),
        cmocka_unit_test(test_dom0console_option),
        cmocka_unit_test(test_module_null),
        cmocka_unit_test(test_guest_cmdline_length),
        cmocka_unit_test(test_weight_cap),
        cmocka_unit_test(test_grant_frames),
        cmocka_unit_test(test_module_is_initrd),
        cmocka_unit_test(test_long_path_truncated),
        cmocka_unit_test(test_default_name),
        cmocka_unit_test(test_parse_size_table),
        cmocka_unit_test(test_get_table),
        cmocka_unit_test(test_get_edges),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
