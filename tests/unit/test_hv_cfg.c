/* Unit tests of dom0-tools/libhv/cfg*.c: xl.cfg syntax, the PV keys, disk and vif specs. */
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

#include "dom0-tools/libhv/cfg.h"

#define BASE "name = \"g\"\nkernel = \"/k\"\n"

/* A configuration that parses: what it must produce. */
struct ok_case {
    const char *text;
    const char *over[3];
    const char *name, *kernel, *ramdisk, *cmdline;
    unsigned mem, maxmem, vcpus, maxvcpus, weight, cap;
    enum hv_cfg_action poweroff, reboot, crash;
    unsigned disks, vifs;
    const char *warning; /* fragment of cfg.warnings, or NULL: none */
};

#define DEF_ACTS HV_ACT_DESTROY, HV_ACT_RESTART, HV_ACT_DESTROY

static const struct ok_case ok_cases[] = {
    /* minimal: xl's defaults (32 MiB, 1 vCPU, destroy/restart/destroy) */
    {BASE, {0}, "g", "/k", NULL, NULL, 32, 32, 1, 1, 0, 0, DEF_ACTS, 0, 0, NULL},
    {"name='web'; kernel='/boot/vmlinux' ; memory=512;vcpus=2", {0}, "web", "/boot/vmlinux",
     NULL, NULL, 512, 512, 2, 2, 0, 0, DEF_ACTS, 0, 0, NULL},
    /* comments everywhere, '#' inside strings, CRLF, blank lines, tabs */
    {"# a guest\r\n\r\nname = \"a#b\" # trailing\r\n\tkernel\t=\t'/k#1'\r\n#memory=9\n", {0},
     "a#b", "/k#1", NULL, NULL, 32, 32, 1, 1, 0, 0, DEF_ACTS, 0, 0, NULL},
    /* numbers: hex, as strings (xl reads any atom with strtol base 0) */
    {BASE "memory = 0x100\nmaxmem = '1024'\nvcpus = \"3\"\nmaxvcpus = 0x4\n", {0}, "g", "/k",
     NULL, NULL, 256, 1024, 3, 4, 0, 0, DEF_ACTS, 0, 0, NULL},
    /* the latest setting of a key wins */
    {BASE "memory = 64\nmemory = 128\nname = \"h\"\n", {0}, "h", "/k", NULL, NULL, 128, 128, 1,
     1, 0, 0, DEF_ACTS, 0, 0, NULL},
    /* escapes in both quotes */
    {"name = \"x\\x41\\101\\\\y\"\nkernel = '/it\\'s'\n", {0}, "xAA\\y", "/it's", NULL, NULL,
     32, 32, 1, 1, 0, 0, DEF_ACTS, 0, 0, NULL},
    /* cmdline from root and extra, xl's way */
    {BASE "root = \"/dev/xvda1 ro\"\nextra = \"console=hvc0\"\n", {0}, "g", "/k", NULL,
     "root=/dev/xvda1 ro console=hvc0", 32, 32, 1, 1, 0, 0, DEF_ACTS, 0, 0, NULL},
    {BASE "root = \"/dev/xvda1\"\n", {0}, "g", "/k", NULL, "root=/dev/xvda1", 32, 32, 1, 1, 0,
     0, DEF_ACTS, 0, 0, NULL},
    {BASE "extra = \"quiet\"\nextra += \" loglevel=3\"\n", {0}, "g", "/k", NULL,
     "quiet loglevel=3", 32, 32, 1, 1, 0, 0, DEF_ACTS, 0, 0, NULL},
    {BASE "cmdline = \"a b\"\nroot = \"/r\"\n", {0}, "g", "/k", NULL, "a b", 32, 32, 1, 1, 0, 0,
     DEF_ACTS, 0, 0, "ignoring root= and extra="},
    /* actions, scheduler, ramdisk, type */
    {BASE "on_poweroff='preserve'\non_reboot='destroy'\non_crash='rename-restart'\n"
          "cpu_weight=512\ncap=50\nramdisk='/i'\ntype='pv'\nvcpus=2\n",
     {0}, "g", "/k", "/i", NULL, 32, 32, 2, 2, 512, 50, HV_ACT_PRESERVE, HV_ACT_DESTROY,
     HV_ACT_RENAME_RESTART, 0, 0, NULL},
    {BASE "on_crash = 'restart'\ncap = 200\nmaxvcpus = 2\n", {0}, "g", "/k", NULL, NULL, 32, 32,
     1, 2, 0, 200, HV_ACT_DESTROY, HV_ACT_RESTART, HV_ACT_RESTART, 0, 0, NULL},
    /* lists over lines, comments and a trailing comma inside; += joins lists */
    {BASE "disk = [ 'phy:/dev/vg/a,xvda,w', # root\n\n  'file:/b.img,xvdb,r',\n]\n"
          "disk += ['/c,raw,xvdc']\nvif = [ '', \"bridge=xenbr0\" ]\n",
     {0}, "g", "/k", NULL, NULL, 32, 32, 1, 1, 0, 0, DEF_ACTS, 3, 2, NULL},
    {BASE "disk = []\nvif=[\n]\n", {0}, "g", "/k", NULL, NULL, 32, 32, 1, 1, 0, 0, DEF_ACTS, 0,
     0, NULL},
    /* command-line overrides, in cfg syntax or as plain text */
    {BASE "memory = 64\n", {"memory=256", "name=web-1", "extra=console=hvc0 quiet"}, "web-1",
     "/k", NULL, "console=hvc0 quiet", 256, 256, 1, 1, 0, 0, DEF_ACTS, 0, 0, NULL},
    {BASE, {"name='q'", "kernel=/other/vmlinux", "vcpus=0x2"}, "q", "/other/vmlinux", NULL,
     NULL, 32, 32, 2, 2, 0, 0, DEF_ACTS, 0, 0, NULL},
    {"kernel='/k'", {"name=only-here"}, "only-here", "/k", NULL, NULL, 32, 32, 1, 1, 0, 0,
     DEF_ACTS, 0, 0, NULL},
};

static void check_ok(const struct ok_case *c)
{
    struct hv_cfg cfg;
    char err[256] = "";
    unsigned n = 0;
    int rc;

    while (n < 3 && c->over[n])
        n++;
    rc = hv_cfg_parse(c->text, strlen(c->text), "t.cfg", (char *const *)c->over, n, &cfg, err,
                      sizeof(err));
    if (rc)
        fail_msg("'%s': %d %s", c->text, rc, err);
    assert_string_equal(cfg.name, c->name);
    assert_string_equal(cfg.kernel, c->kernel);
    if (c->ramdisk)
        assert_string_equal(cfg.ramdisk, c->ramdisk);
    else
        assert_null(cfg.ramdisk);
    if (c->cmdline)
        assert_string_equal(cfg.cmdline, c->cmdline);
    else
        assert_null(cfg.cmdline);
    assert_int_equal(cfg.memory_mib, c->mem);
    assert_int_equal(cfg.maxmem_mib, c->maxmem);
    assert_int_equal(cfg.vcpus, c->vcpus);
    assert_int_equal(cfg.maxvcpus, c->maxvcpus);
    assert_int_equal(cfg.cpu_weight, c->weight);
    assert_int_equal(cfg.cap, c->cap);
    assert_int_equal(cfg.on_poweroff, c->poweroff);
    assert_int_equal(cfg.on_reboot, c->reboot);
    assert_int_equal(cfg.on_crash, c->crash);
    assert_int_equal(cfg.n_disks, c->disks);
    assert_int_equal(cfg.n_vifs, c->vifs);
    if (c->warning)
        assert_non_null(strstr(cfg.warnings, c->warning));
    else
        assert_null(cfg.warnings);
    hv_cfg_free(&cfg);
    assert_null(cfg.name);
}

static void test_ok(void **state)
{
    unsigned i;

    (void)state;
    for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++)
        check_ok(&ok_cases[i]);
}

/* A configuration that must be refused, and the whole message (or its start, with '*'). */
struct bad_case {
    const char *text;
    const char *over;
    const char *msg;
};

static const struct bad_case bad_cases[] = {
    {BASE "memroy = 512\n", NULL, "t.cfg:3: key 'memroy': unknown key"},
    {BASE "Memory = 512\n", NULL, "t.cfg:3: key 'Memory': unknown key"},
    {BASE "bootloader = 'pygrub'\n", NULL, "t.cfg:3: key 'bootloader': not supported by hvctl*"},
    {"", NULL, "t.cfg: key 'name': missing*"},
    {"name = 'x'", NULL, "t.cfg: key 'kernel': missing*"},
    {BASE "memory = 512M\n", NULL, "t.cfg:3: key 'memory': '512M' is not a number*"},
    {BASE "memory = '512M'\n", NULL, "t.cfg:3: key 'memory': '512M' is not a number"},
    {BASE "memory = '-5'\n", NULL, "t.cfg:3: key 'memory': '-5' is not a number"},
    {BASE "memory = ' 5'\n", NULL, "t.cfg:3: key 'memory': ' 5' is not a number"},
    {BASE "memory = ''\n", NULL, "t.cfg:3: key 'memory': '' is not a number"},
    {BASE "memory = 0\n", NULL, "t.cfg:3: key 'memory': 0 is out of range (1 to 1048576)"},
    {BASE "memory = 99999999999999999999999\n", NULL, "t.cfg:3: key 'memory': '9999*"},
    {BASE "memory = 0x\n", NULL, "t.cfg:3: key 'memory': '0x' without hex digits"},
    {BASE "memory = 0xfg\n", NULL, "t.cfg:3: key 'memory': '0xfg' is not a number*"},
    {BASE "memory = 64\nmemory += 1\n", NULL, "t.cfg:4: key 'memory': += cannot be used*"},
    {BASE "memory = [ 64 ]\n", NULL, "t.cfg:3: key 'memory': is a list but should be a single "
                                     "value"},
    {BASE "memory = 64\nmaxmem = 32\n", NULL, "t.cfg:4: key 'maxmem': maxmem (32 MiB) is below "
                                              "memory (64 MiB)"},
    {BASE "vcpus = 4\nmaxvcpus = 2\n", NULL, "t.cfg:4: key 'maxvcpus': maxvcpus (2) is below "
                                             "vcpus (4)"},
    {BASE "vcpus = 0\n", NULL, "t.cfg:3: key 'vcpus': 0 is out of range (1 to 128)"},
    {BASE "vcpus = 129\n", NULL, "t.cfg:3: key 'vcpus': 129 is out of range (1 to 128)"},
    {BASE "cap = 101\n", NULL, "t.cfg:3: key 'cap': cap 101 is above 100 x 1 vCPUs"},
    {BASE "cpu_weight = 0\n", NULL, "t.cfg:3: key 'cpu_weight': 0 is out of range*"},
    {BASE "cpu_weight = 65536\n", NULL, "t.cfg:3: key 'cpu_weight': 65536 is out of range*"},
    {BASE "on_crash = destroy\n", NULL, "t.cfg:3: key 'on_crash': 'destroy' needs quotes*"},
    {BASE "on_crash = 'explode'\n", NULL, "t.cfg:3: key 'on_crash': unknown action 'explode'*"},
    {BASE "on_reboot = 'soft-reset'\n", NULL, "t.cfg:3: key 'on_reboot': 'soft-reset' is not "
                                              "supported*"},
    {BASE "type = 'hvm'\n", NULL, "t.cfg:3: key 'type': 'hvm': hvctl runs PV guests only*"},
    {"name = 'a/b'\nkernel='/k'\n", NULL, "t.cfg:1: key 'name': 'a/b': a name has no '/'*"},
    {"name = 'a b'\nkernel='/k'\n", NULL, "t.cfg:1: key 'name': 'a b': a name has no '/'*"},
    {"name = ''\nkernel='/k'\n", NULL, "t.cfg:1: key 'name': a name is 1 to 64 characters"},
    {"name = '42'\nkernel='/k'\n", NULL, "t.cfg:1: key 'name': '42' would read as a domain id*"},
    {BASE "kernel = ''\n", NULL, "t.cfg:3: key 'kernel': empty path"},
    {BASE "uuid = 'not-a-uuid'\n", NULL, "t.cfg:3: key 'uuid': 'not-a-uuid' is not a uuid*"},
    {BASE "uuid = '0123456789ab-cdef-0123-4567-89abcdef0123'\n", NULL, "t.cfg:3: key 'uuid':*"},
    {BASE "name = \"open\nkernel = '/k'\n", NULL, "t.cfg:3: key 'name': unterminated string*"},
    {BASE "name = 'x\\q'\n", NULL, "t.cfg:3: key 'name': bad escape after a backslash*"},
    {BASE "name = 'x\\0y'\n", NULL, "t.cfg:3: key 'name': a string may not contain a NUL byte"},
    {BASE "name = 'x\\400'\n", NULL, "t.cfg:3: key 'name': bad escape after a backslash*"},
    {BASE "memory 64\n", NULL, "t.cfg:3: key 'memory': expected '=' after the key"},
    {BASE "memory =\n", NULL, "t.cfg:3: key 'memory': expected a value*"},
    {BASE "memory = 1 2\n", NULL, "t.cfg:3: key 'memory': expected the end of the line*"},
    {BASE "= 5\n", NULL, "t.cfg:3: expected a setting 'key = value'"},
    {BASE "memory = 5 $\n", NULL, "t.cfg:3: key 'memory': unexpected character '$'"},
    {BASE "disk = [ 'a',\n 'b'\n", NULL, "t.cfg:5: key 'disk': list not closed with ']'"},
    {BASE "disk = [ 'a' 'b' ]\n", NULL, "t.cfg:3: key 'disk': expected ',' or ']' in the list"},
    {BASE "disk = [ , ]\n", NULL, "t.cfg:3: key 'disk': expected a value*"},
    {BASE "disk = '/x,raw,xvda'\n", NULL, "t.cfg:3: key 'disk': is a single value but should be*"},
    {BASE "disk = [ ['/x,raw,xvda'] ]\n", NULL, "t.cfg:3: key 'disk': entry 1 ('[...]'): each "
                                                "entry is a quoted string"},
    {BASE "disk = [ '/x,raw,xvda', '/y' ]\n", NULL, "t.cfg:3: key 'disk': entry 2 ('/y'): no "
                                                    "vdev specified"},
    {BASE "vif = [ 'bridge=br0,colour=red' ]\n", NULL, "t.cfg:3: key 'vif': entry 1 "
                                                       "('bridge=br0,colour=red'): unknown "
                                                       "parameter 'colour'"},
    {BASE "disk = ['a']\ndisk += 'b'\n", NULL, "t.cfg:4: key 'disk': += cannot add a list*"},
    {BASE "x = [[[[[[[[[[ 1 ]]]]]]]]]]\n", NULL, "t.cfg:3: key 'x': lists nested deeper than 8"},
    {BASE "cmdline = ['a']\n", NULL, "t.cfg:3: key 'cmdline': is a list but should be a single*"},
    /* lines are counted through lists and comments */
    {"name='g'\ndisk=[\n'/a,raw,xvda',\n# c\n'/b,raw,xvdb'\n]\nkernel='/k'\nmemroy=1\n", NULL,
     "t.cfg:8: key 'memroy': unknown key"},
    /* ioports, iomem, irqs */
    {BASE "ioports = '2f8'\n", NULL, "t.cfg:3: key 'ioports': is a single value but should be*"},
    {BASE "ioports = [ '2f8-' ]\n", NULL, "t.cfg:3: key 'ioports': entry 1 ('2f8-'): expected "
                                          "PORT or FIRST-LAST in hex (2f8-2ff)"},
    {BASE "ioports = [ 'x' ]\n", NULL, "t.cfg:3: key 'ioports': entry 1 ('x'): expected*"},
    {BASE "ioports = [ '1', '2f8:2ff' ]\n", NULL, "t.cfg:3: key 'ioports': entry 2*"},
    {BASE "ioports = [ '2ff-2f8' ]\n", NULL, "t.cfg:3: key 'ioports': entry 1 ('2ff-2f8'): "
                                             "ports run from 0 to ffff, the first not above the "
                                             "last"},
    {BASE "ioports = [ 'fff0-10000' ]\n", NULL, "t.cfg:3: key 'ioports': entry 1 ('fff0-10000'): ports run*"},
    {BASE "ioports = [ '-1' ]\n", NULL, "t.cfg:3: key 'ioports': entry 1 ('-1'): expected*"},
    {BASE "ioports = [ [ '1' ] ]\n", NULL, "t.cfg:3: key 'ioports': entry 1 is a list"},
    {BASE "iomem = [ 'fee00' ]\n", NULL, "t.cfg:3: key 'iomem': entry 1 ('fee00'): expected "
                                         "IOMEM_START,NUM_PAGES[@GFN] in hex (fee00,1)"},
    {BASE "iomem = [ 'fee00,0' ]\n", NULL, "t.cfg:3: key 'iomem': entry 1 ('fee00,0'): "
                                           "NUM_PAGES must be 1 or more*"},
    {BASE "iomem = [ 'ffffffffffffffff,2' ]\n", NULL, "t.cfg:3: key 'iomem': entry 1 ('ffffffffffffffff,2'): NUM_PAGES*"},
    {BASE "iomem = [ 'fee00,1@1000' ]\n", NULL, "t.cfg:3: key 'iomem': entry 1 ('fee00,1@1000'): "
                                                "a GFN other than IOMEM_START is for HVM guests*"},
    {BASE "iomem = [ 'fee00,1@' ]\n", NULL, "t.cfg:3: key 'iomem': entry 1 ('fee00,1@'): a GFN other*"},
    {BASE "iomem = [ 'fee00,1x' ]\n", NULL, "t.cfg:3: key 'iomem': entry 1 ('fee00,1x'): expected*"},
    {BASE "irqs = [ 256 ]\n", NULL, "t.cfg:3: key 'irqs': entry 1 ('256'): an IRQ is a number "
                                    "from 0 to 255"},
    {BASE "irqs = [ '0x4' ]\n", NULL, "t.cfg:3: key 'irqs': entry 1 ('0x4'): an IRQ is*"},
    {BASE "irqs = 4\n", NULL, "t.cfg:3: key 'irqs': is a single value but should be a list*"},
    {BASE "irqs = [ 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,"
          "29,30,31,32,33 ]\n", NULL, "t.cfg:3: key 'irqs': 33 entries, at most 32"},
    /* overrides */
    {BASE, "foo=1", "command line:1: key 'foo': unknown key"},
    {BASE, "memory=12X", "command line:1: key 'memory': '12X' is not a number"},
    {BASE, "novalue", "command line:1: key 'novalue': expected '=' after the key"},
    {BASE, "=5", "command line:1: expected a setting 'key = value'"},
};

/* ioports, iomem and irqs: xl's forms, read into ranges. */
static void test_io(void **state)
{
    struct hv_cfg cfg;
    char err[256];
    const char *text = BASE "ioports = [ \"2f8-2ff\", '3F8', 0x70 ]\n"
                            "iomem = [ \"fee00,1\", 'a0,20@a0' ]\nirqs = [ 4, '10' ]\n";

    (void)state;
    assert_int_equal(hv_cfg_parse(text, strlen(text), "t.cfg", NULL, 0, &cfg, err, sizeof(err)), 0);
    assert_int_equal(cfg.n_ioports, 3);
    assert_int_equal(cfg.ioports[0].first, 0x2f8);
    assert_int_equal(cfg.ioports[0].nr, 8);
    assert_int_equal(cfg.ioports[1].first, 0x3f8);
    assert_int_equal(cfg.ioports[1].nr, 1);
    assert_int_equal(cfg.ioports[2].first, 0x70);
    assert_int_equal(cfg.n_iomem, 2);
    assert_int_equal(cfg.iomem[0].first, 0xfee00);
    assert_int_equal(cfg.iomem[0].nr, 1);
    assert_int_equal(cfg.iomem[1].first, 0xa0);
    assert_int_equal(cfg.iomem[1].nr, 0x20);
    assert_int_equal(cfg.n_irqs, 2);
    assert_int_equal(cfg.irqs[0], 4);
    assert_int_equal(cfg.irqs[1], 10);
    hv_cfg_free(&cfg);
    assert_int_equal(cfg.n_ioports + cfg.n_iomem + cfg.n_irqs, 0);
    text = BASE "ioports = []\n";
    assert_int_equal(hv_cfg_parse(text, strlen(text), "t.cfg", NULL, 0, &cfg, err, sizeof(err)), 0);
    assert_int_equal(cfg.n_ioports, 0);
    hv_cfg_free(&cfg);
}

static void test_bad(void **state)
{
    struct hv_cfg cfg;
    char err[256];
    unsigned i;
    size_t n;

    (void)state;
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_case *c = &bad_cases[i];
        char *copy = malloc(strlen(c->text)); /* exact size, no NUL: overreads are caught */
        int rc;

        memcpy(copy, c->text, strlen(c->text));
        memset(err, 0, sizeof(err));
        rc = hv_cfg_parse(copy, strlen(c->text), "t.cfg", (char *const *)&c->over, !!c->over,
                          &cfg, err, sizeof(err));
        free(copy);
        if (rc != -EINVAL)
            fail_msg("case %u '%s': rc %d (%s)", i, c->text, rc, err);
        n = strlen(c->msg);
        if (c->msg[n - 1] == '*' ? strncmp(err, c->msg, n - 1) : strcmp(err, c->msg))
            fail_msg("case %u: message\n  '%s'\nwanted\n  '%s'", i, err, c->msg);
        assert_null(cfg.name);
        assert_null(cfg.disks);
    }
}

static void test_load(void **state)
{
    char path[] = "/tmp/test_hv_cfg.XXXXXX", err[256];
    static const char text[] = "name = 'f'\nkernel = '/k'\nvcpus = 2\n";
    char *const over[] = {"vcpus=3"};
    struct hv_cfg cfg;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
    close(fd);
    assert_int_equal(hv_cfg_load(path, over, 1, &cfg, err, sizeof(err)), 0);
    assert_string_equal(cfg.name, "f");
    assert_int_equal(cfg.vcpus, 3);
    hv_cfg_free(&cfg);
    unlink(path);
    assert_int_equal(hv_cfg_load(path, NULL, 0, &cfg, err, sizeof(err)), -ENOENT);
    assert_non_null(strstr(err, "No such file"));
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
}

static void test_uuid(void **state)
{
    static const char s[] = "0123abcd-ef01-2345-6789-ABCDEF012345";
    uint8_t u[16];
    char back[37];
    struct hv_cfg cfg;
    char err[256];
    static const char text[] = BASE "uuid = '00112233-4455-6677-8899-aabbccddeeff'\n";

    (void)state;
    assert_int_equal(hv_cfg_uuid_parse(s, u), 0);
    assert_int_equal(u[0], 0x01);
    assert_int_equal(u[15], 0x45);
    hv_cfg_uuid_format(u, back);
    assert_string_equal(back, "0123abcd-ef01-2345-6789-abcdef012345");
    assert_int_equal(hv_cfg_uuid_parse("0123abcd-ef01-2345-6789-ABCDEF01234", u), -EINVAL);
    assert_int_equal(hv_cfg_uuid_parse("0123abcd-ef01-2345-6789-ABCDEF0123456", u), -EINVAL);
    assert_int_equal(hv_cfg_uuid_parse("0123abcdxef01-2345-6789-ABCDEF012345", u), -EINVAL);
    assert_int_equal(hv_cfg_uuid_parse("0123abcg-ef01-2345-6789-ABCDEF012345", u), -EINVAL);
    assert_int_equal(hv_cfg_parse(text, sizeof(text) - 1, "t", NULL, 0, &cfg, err, sizeof(err)),
                     0);
    assert_true(cfg.has_uuid);
    assert_int_equal(cfg.uuid[1], 0x11);
    hv_cfg_free(&cfg);
    assert_int_equal(hv_cfg_parse(BASE, strlen(BASE), "t", NULL, 0, &cfg, err, sizeof(err)), 0);
    assert_false(cfg.has_uuid);
    hv_cfg_free(&cfg);
    assert_string_equal(hv_cfg_action_name(HV_ACT_RENAME_RESTART), "rename-restart");
}

/* Random bytes and mutations of a real configuration: never a crash or an overread. */
static void test_mutations(void **state)
{
    static const char seed[] = "name='g' # c\nkernel=\"/k\\x41\"\nmemory=0x40\n"
                               "disk=['phy:/a,xvda,w',\n'format=raw,vdev=xvdb,target=/b']\n"
                               "vif=['mac=00:16:3e:00:00:01,bridge=br0']\nextra+='x'\n";
    static const char alphabet[] = "\"'[],=;#\\\n x0+-:";
    char err[256];
    unsigned i, j;

    (void)state;
    srand(15);
    for (i = 0; i < 20000; i++) {
        size_t len = sizeof(seed) - 1 - (i % 7 == 0 ? (size_t)rand() % 40 : 0);
        char *buf = malloc(len ? len : 1);
        struct hv_cfg cfg;

        memcpy(buf, seed, len);
        for (j = 0; j < 1 + i % 5; j++)
            buf[(size_t)rand() % len] = (i & 1) ? alphabet[rand() % (sizeof(alphabet) - 1)]
                                                : (char)rand();
        if (!hv_cfg_parse(buf, len, "m", NULL, 0, &cfg, err, sizeof(err)))
            hv_cfg_free(&cfg);
        else
            assert_true(err[0] == 'm');
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok),    cmocka_unit_test(test_bad),
        cmocka_unit_test(test_load),  cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_mutations), cmocka_unit_test(test_io),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
