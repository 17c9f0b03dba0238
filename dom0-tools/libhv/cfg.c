/* The xl.cfg keys of a PV guest: settings (cfg_syntax.c) checked and turned into struct hv_cfg. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "cfg_dev.h"
#include "cfg_syntax.h"

struct ctx {
    struct hv_cfg *cfg;
    const struct cfg_settings *s;
    char *err;
    size_t errlen;
};

typedef int key_fn(struct ctx *c, const struct cfg_setting *set);

static int kerr(struct ctx *c, const struct cfg_setting *set, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "SOURCE:LINE: key 'K': ..." and -EINVAL. */
static int kerr(struct ctx *c, const struct cfg_setting *set, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(c->err, c->errlen, "%s:%u: key '%s': ", set->source, set->line, set->key);

    if (n >= 0 && (size_t)n < c->errlen) {
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - n, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

static int want_atom(struct ctx *c, const struct cfg_setting *set)
{
    if (set->value->type == CFGV_LIST)
        return kerr(c, set, "is a list but should be a single value");
    return 0;
}

static int get_string(struct ctx *c, const struct cfg_setting *set, char **out)
{
    char *s;

    if (want_atom(c, set))
        return -EINVAL;
    if (!(s = strdup(set->value->text)))
        return -ENOMEM;
    free(*out);
    *out = s;
    return 0;
}

/* A number as xl reads one: strtol base 0 of a number or of a string's text. */
static int get_num(struct ctx *c, const struct cfg_setting *set, unsigned long long min,
                   unsigned long long max, unsigned long long *out)
{
    const char *t = set->value->text;
    char *end;
    unsigned long long v;

    if (want_atom(c, set))
        return -EINVAL;
    if (set->append)
        return kerr(c, set, "+= cannot be used with numbers");
    errno = 0;
    v = strtoull(t, &end, 0);
    if (!*t || *end || t[0] == '-' || t[0] == '+' || t[0] == ' ' || errno)
        return kerr(c, set, "'%s' is not a number", t);
    if (v < min || v > max)
        return kerr(c, set, "%llu is out of range (%llu to %llu)", v, min, max);
    *out = v;
    return 0;
}

static int get_uint(struct ctx *c, const struct cfg_setting *set, unsigned min, unsigned max,
                    unsigned *out)
{
    unsigned long long v;
    int rc = get_num(c, set, min, max, &v);

    if (!rc)
        *out = (unsigned)v;
    return rc;
}

static int key_name(struct ctx *c, const struct cfg_setting *set)
{
    const char *p;
    int digits = 1;

    if (get_string(c, set, &c->cfg->name))
        return -EINVAL;
    for (p = c->cfg->name; *p; p++) {
        if (*p == '/' || (unsigned char)*p < 0x21 || *p == 0x7f)
            return kerr(c, set, "'%s': a name has no '/', spaces or control characters",
                        c->cfg->name);
        digits &= *p >= '0' && *p <= '9';
    }
    if (!c->cfg->name[0] || strlen(c->cfg->name) > 64)
        return kerr(c, set, "a name is 1 to 64 characters");
    if (digits)
        return kerr(c, set, "'%s' would read as a domain id; use a name with a letter",
                    c->cfg->name);
    return 0;
}

static int key_uuid(struct ctx *c, const struct cfg_setting *set)
{
    if (want_atom(c, set))
        return -EINVAL;
    if (hv_cfg_uuid_parse(set->value->text, c->cfg->uuid))
        return kerr(c, set, "'%s' is not a uuid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
                    set->value->text);
    c->cfg->has_uuid = true;
    return 0;
}

/* Memory in MiB: at least 1 MiB, at most 1 TiB. */
static int key_memory(struct ctx *c, const struct cfg_setting *set)
{
    unsigned long long v;
    int rc = get_num(c, set, 1, 1ULL << 20, &v);

    if (!rc)
        *(strcmp(set->key, "memory") ? &c->cfg->maxmem_mib : &c->cfg->memory_mib) = v;
    return rc;
}

/* xl's HVM_MAX_VCPUS bound; the hypervisor may allow fewer (createdomain says so). */
static int key_vcpus(struct ctx *c, const struct cfg_setting *set)
{
    return get_uint(c, set, 1, 128,
                    strcmp(set->key, "vcpus") ? &c->cfg->maxvcpus : &c->cfg->vcpus);
}

static int key_weight(struct ctx *c, const struct cfg_setting *set)
{
    return get_uint(c, set, 1, 65535, &c->cfg->cpu_weight);
}

static int key_cap(struct ctx *c, const struct cfg_setting *set)
{
    return get_uint(c, set, 0, 100 * 128, &c->cfg->cap);
}

static int key_path(struct ctx *c, const struct cfg_setting *set)
{
    char **out = strcmp(set->key, "kernel") ? &c->cfg->ramdisk : &c->cfg->kernel;

    if (get_string(c, set, out))
        return -EINVAL;
    if (!**out)
        return kerr(c, set, "empty path");
    return 0;
}

static int key_action(struct ctx *c, const struct cfg_setting *set)
{
    static const char *const unsupported[] = {"coredump-destroy", "coredump-restart",
                                              "soft-reset"};
    enum hv_cfg_action *out = !strcmp(set->key, "on_poweroff") ? &c->cfg->on_poweroff
                              : !strcmp(set->key, "on_reboot") ? &c->cfg->on_reboot
                                                               : &c->cfg->on_crash;
    unsigned a;

    if (want_atom(c, set))
        return -EINVAL;
    for (a = HV_ACT_DESTROY; a <= HV_ACT_PRESERVE; a++)
        if (!strcmp(set->value->text, hv_cfg_action_name(a)))
            return *out = a, 0;
    for (a = 0; a < sizeof(unsupported) / sizeof(unsupported[0]); a++)
        if (!strcmp(set->value->text, unsupported[a]))
            return kerr(c, set, "'%s' is not supported by hvctl (destroy, restart, "
                                "rename-restart, preserve)", set->value->text);
    return kerr(c, set, "unknown action '%s' (destroy, restart, rename-restart, preserve)",
                set->value->text);
}

static int key_type(struct ctx *c, const struct cfg_setting *set)
{
    if (want_atom(c, set))
        return -EINVAL;
    if (strcmp(set->value->text, "pv"))
        return kerr(c, set, "'%s': hvctl runs PV guests only (type = \"pv\")",
                    set->value->text);
    return 0;
}

/* cmdline, root and extra are combined after all keys are read (resolve_cmdline). */
static int key_string_only(struct ctx *c, const struct cfg_setting *set)
{
    return want_atom(c, set);
}

static int key_disk(struct ctx *c, const struct cfg_setting *set)
{
    return cfg_dev_list(c->cfg, set, true, c->err, c->errlen);
}

static int key_vif(struct ctx *c, const struct cfg_setting *set)
{
    return cfg_dev_list(c->cfg, set, false, c->err, c->errlen);
}

/* A hex (or, for irqs, decimal) number at the start of t; *end after it. */
static bool io_num(const char *t, int base, char **end, unsigned long long *v)
{
    errno = 0;
    *v = strtoull(t, end, base);
    return *end != t && t[0] != '-' && t[0] != '+' && t[0] != ' ' && !errno;
}

/* xl's irqs entry: a decimal pirq, below the hypervisor's 256. */
static const char *io_irq(const char *t, struct hv_cfg *cfg, unsigned i)
{
    unsigned long long v;
    char *end;

    if (!io_num(t, 10, &end, &v) || *end || v > 255)
        return "an IRQ is a number from 0 to 255";
    cfg->irqs[i] = (unsigned)v;
    return NULL;
}

/* xl's ioports entry: PORT or FIRST-LAST, hex. */
static const char *io_port(const char *t, struct hv_cfg *cfg, unsigned i)
{
    unsigned long long a, b;
    char *end, *e2;

    if (!io_num(t, 16, &end, &a))
        return "expected PORT or FIRST-LAST in hex (2f8-2ff)";
    b = a;
    if (*end == '-' && (!io_num(end + 1, 16, &e2, &b) || *e2))
        return "expected PORT or FIRST-LAST in hex (2f8-2ff)";
    if (*end && *end != '-')
        return "expected PORT or FIRST-LAST in hex (2f8-2ff)";
    if (b < a || b > 0xffff)
        return "ports run from 0 to ffff, the first not above the last";
    cfg->ioports[i] = (struct hv_cfg_range){a, b - a + 1};
    return NULL;
}

/* xl's iomem entry: IOMEM_START,NUM_PAGES[@GFN], hex; a PV guest has no GFN of its own. */
static const char *io_mem(const char *t, struct hv_cfg *cfg, unsigned i)
{
    unsigned long long a, n, g;
    char *end, *e2, *e3;

    if (!io_num(t, 16, &end, &a) || *end != ',' || !io_num(end + 1, 16, &e2, &n) ||
        (*e2 && *e2 != '@'))
        return "expected IOMEM_START,NUM_PAGES[@GFN] in hex (fee00,1)";
    if (!n || a + n - 1 < a)
        return "NUM_PAGES must be 1 or more and stay below 2^64 frames";
    if (*e2 == '@' && (!io_num(e2 + 1, 16, &e3, &g) || *e3 || g != a))
        return "a GFN other than IOMEM_START is for HVM guests: a PV guest maps the machine "
               "frames itself (drop '@GFN')";
    cfg->iomem[i] = (struct hv_cfg_range){a, n};
    return NULL;
}

static int key_io(struct ctx *c, const struct cfg_setting *set)
{
    const struct cfgv *list = set->value;
    unsigned *n = !strcmp(set->key, "ioports") ? &c->cfg->n_ioports
                  : !strcmp(set->key, "iomem") ? &c->cfg->n_iomem
                                               : &c->cfg->n_irqs;
    const char *(*entry)(const char *, struct hv_cfg *, unsigned) =
        !strcmp(set->key, "ioports") ? io_port : !strcmp(set->key, "iomem") ? io_mem : io_irq;
    const char *why;

    if (list->type != CFGV_LIST)
        return kerr(c, set, "is a single value but should be a list [ ... ]");
    if (list->n > HV_CFG_MAX_IO)
        return kerr(c, set, "%u entries, at most %u", list->n, HV_CFG_MAX_IO);
    for (unsigned i = 0; i < list->n; i++) {
        if (list->items[i]->type == CFGV_LIST)
            return kerr(c, set, "entry %u is a list", i + 1);
        if ((why = entry(list->items[i]->text, c->cfg, i)))
            return kerr(c, set, "entry %u ('%s'): %s", i + 1, list->items[i]->text, why);
    }
    *n = list->n;
    return 0;
}

static const struct {
    const char *key;
    key_fn *fn;
} keys[] = {
    {"name", key_name},         {"uuid", key_uuid},           {"memory", key_memory},
    {"maxmem", key_memory},     {"vcpus", key_vcpus},         {"maxvcpus", key_vcpus},
    {"cpu_weight", key_weight}, {"cap", key_cap},             {"kernel", key_path},
    {"ramdisk", key_path},      {"cmdline", key_string_only}, {"extra", key_string_only},
    {"root", key_string_only},  {"on_poweroff", key_action},  {"on_reboot", key_action},
    {"on_crash", key_action},   {"disk", key_disk},           {"vif", key_vif},
    {"type", key_type},         {"ioports", key_io},          {"iomem", key_io},
    {"irqs", key_io},
};

/* xl knows these; hvctl refuses them by name rather than ignore them. */
static const char *const unsupported_keys[] = {
    "bootloader", "bootloader_args", "builder", "pvh", "cpus", "cpus_soft", "pci", "vfb",
    "vkb", "usb", "usbctrl", "usbdev", "channel", "vtpm", "p9", "vdispl", "vsnd", "on_watchdog",
    "on_soft_reset", "localtime", "rtc_timeoffset", "nomigrate", "device_model_version",
    "device_model_override", "seclabel", "init_seclabel", "pool", "cpuid", "vnuma", "e820_host",
    "max_grant_frames", "max_maptrack_frames", "max_event_channels", "tsc_mode", "gfx_passthru",
    "driver_domain", "dtdev", "claim_mode",
};

/* 1 for a key hvctl reads, -1 for one of xl's it refuses, 0 for an unknown one. */
static int known(const char *key, key_fn **fn)
{
    unsigned i;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!strcmp(key, keys[i].key))
            return *fn = keys[i].fn, 1;
    for (i = 0; i < sizeof(unsupported_keys) / sizeof(unsupported_keys[0]); i++)
        if (!strcmp(key, unsupported_keys[i]))
            return -1;
    return 0;
}

/* Every key must be known; only a key's latest setting counts (xl's rule; += merged into it). */
static int apply_all(struct ctx *c)
{
    const struct cfg_setting *set;
    key_fn *fn = NULL;
    int k, rc;

    for (set = c->s->head; set; set = set->next) {
        k = known(set->key, &fn);
        if (k < 0)
            return kerr(c, set, "not supported by hvctl (see docs/hvctl.md)");
        if (!k)
            return kerr(c, set, "unknown key");
        if (set == cfgs_find(c->s, set->key) && (rc = fn(c, set)))
            return rc;
    }
    return 0;
}

static int add_warning(struct hv_cfg *cfg, const char *w)
{
    size_t old = cfg->warnings ? strlen(cfg->warnings) + 1 : 0;
    char *n = realloc(cfg->warnings, old + strlen(w) + 1);

    if (!n)
        return -ENOMEM;
    if (old)
        n[old - 1] = '\n';
    strcpy(n + old, w);
    cfg->warnings = n;
    return 0;
}

/* xl's parse_cmdline: cmdline wins; else "root=R E", "root=R" or E. */
static int resolve_cmdline(struct ctx *c)
{
    const struct cfg_setting *cl = cfgs_find(c->s, "cmdline"), *root = cfgs_find(c->s, "root"),
                             *extra = cfgs_find(c->s, "extra");
    const char *r = root ? root->value->text : NULL, *e = extra ? extra->value->text : NULL;
    size_t n;

    if (cl) {
        if ((root || extra) && add_warning(c->cfg, "ignoring root= and extra= in favour of "
                                                   "cmdline="))
            return -ENOMEM;
        return (c->cfg->cmdline = strdup(cl->value->text)) ? 0 : -ENOMEM;
    }
    if (!r && !e)
        return 0;
    n = (r ? strlen(r) + 6 : 0) + (e ? strlen(e) + 1 : 0) + 1;
    if (!(c->cfg->cmdline = malloc(n)))
        return -ENOMEM;
    if (r)
        snprintf(c->cfg->cmdline, n, e ? "root=%s %s" : "root=%s", r, e);
    else
        snprintf(c->cfg->cmdline, n, "%s", e);
    return 0;
}

static int missing(struct ctx *c, const char *source, const char *key, const char *hint)
{
    snprintf(c->err, c->errlen, "%s: key '%s': missing (%s)", source, key, hint);
    return -EINVAL;
}

/* Defaults as xl's and the rules between keys. */
static int check_all(struct ctx *c, const char *source)
{
    struct hv_cfg *cfg = c->cfg;
    const struct cfg_setting *set;

    if (!cfg->name)
        return missing(c, source, "name", "every domain needs a name: name = \"guest\"");
    if (!cfg->kernel)
        return missing(c, source, "kernel", "kernel = \"/path/to/kernel\"");
    if (!cfg->memory_mib)
        cfg->memory_mib = 32;
    if (!cfg->maxmem_mib)
        cfg->maxmem_mib = cfg->memory_mib;
    if (cfg->maxmem_mib < cfg->memory_mib)
        return kerr(c, cfgs_find(c->s, "maxmem"), "maxmem (%llu MiB) is below memory (%llu MiB)",
                    (unsigned long long)cfg->maxmem_mib, (unsigned long long)cfg->memory_mib);
    if (!cfg->vcpus)
        cfg->vcpus = 1;
    if (!cfg->maxvcpus)
        cfg->maxvcpus = cfg->vcpus;
    if (cfg->maxvcpus < cfg->vcpus)
        return kerr(c, cfgs_find(c->s, "maxvcpus"), "maxvcpus (%u) is below vcpus (%u)",
                    cfg->maxvcpus, cfg->vcpus);
    set = cfgs_find(c->s, "cap");
    if (set && cfg->cap > 100 * cfg->maxvcpus)
        return kerr(c, set, "cap %u is above 100 x %u vCPUs", cfg->cap, cfg->maxvcpus);
    return resolve_cmdline(c);
}

static void set_defaults(struct hv_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->on_poweroff = HV_ACT_DESTROY;
    cfg->on_reboot = HV_ACT_RESTART;
    cfg->on_crash = HV_ACT_DESTROY;
}

int hv_cfg_parse(const char *text, size_t len, const char *source, char *const *overrides,
                 unsigned n_overrides, struct hv_cfg *out, char *err, size_t errlen)
{
    struct cfg_settings s = {NULL, NULL};
    struct ctx c = {out, &s, err, errlen};
    unsigned i;
    int rc;

    set_defaults(out);
    rc = cfgs_parse(&s, text, len, source, err, errlen);
    for (i = 0; !rc && i < n_overrides; i++)
        rc = cfgs_override(&s, overrides[i], i + 1, err, errlen);
    if (!rc)
        rc = apply_all(&c);
    if (!rc)
        rc = check_all(&c, source);
    if (rc == -ENOMEM)
        snprintf(err, errlen, "%s: out of memory", source);
    cfgs_free(&s);
    if (rc)
        hv_cfg_free(out);
    return rc;
}

int hv_cfg_load(const char *path, char *const *overrides, unsigned n_overrides,
                struct hv_cfg *out, char *err, size_t errlen)
{
    char *buf;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

    set_defaults(out);
    if (fd < 0) {
        rc = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return rc;
    }
    buf = malloc(HV_CFG_MAX_BYTES + 1);
    n = buf ? read(fd, buf, HV_CFG_MAX_BYTES + 1) : -1;
    rc = n < 0 ? -errno : 0;
    close(fd);
    if (rc || n > HV_CFG_MAX_BYTES) {
        snprintf(err, errlen, "%s: %s", path, rc ? strerror(-rc) : "larger than 1 MiB");
        free(buf);
        return rc ? rc : -EFBIG;
    }
    rc = hv_cfg_parse(buf, n, path, overrides, n_overrides, out, err, errlen);
    free(buf);
    return rc;
}

void hv_cfg_free(struct hv_cfg *cfg)
{
    cfg_dev_free(cfg);
    free(cfg->name);
    free(cfg->kernel);
    free(cfg->ramdisk);
    free(cfg->cmdline);
    free(cfg->warnings);
    set_defaults(cfg);
}

const char *hv_cfg_action_name(enum hv_cfg_action act)
{
    static const char *const names[] = {"destroy", "restart", "rename-restart", "preserve"};

    return act <= HV_ACT_PRESERVE ? names[act] : "?";
}

void hv_cfg_uuid_format(const uint8_t u[16], char *buf)
{
    snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
             u[13], u[14], u[15]);
}

int hv_cfg_uuid_parse(const char *s, uint8_t uuid[16])
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    unsigned i, j = 0;
    int hi = -1, v;

    if (strlen(s) != sizeof(shape) - 1)
        return -EINVAL;
    for (i = 0; shape[i]; i++) {
        if (shape[i] == '-') {
            if (s[i] != '-')
                return -EINVAL;
            continue;
        }
        v = (s[i] >= '0' && s[i] <= '9')   ? s[i] - '0'
            : (s[i] >= 'a' && s[i] <= 'f') ? s[i] - 'a' + 10
            : (s[i] >= 'A' && s[i] <= 'F') ? s[i] - 'A' + 10
                                           : -1;
        if (v < 0)
            return -EINVAL;
        if (hi < 0)
            hi = v;
        else
            uuid[j++] = (uint8_t)(hi << 4 | v), hi = -1;
    }
    return 0;
}
