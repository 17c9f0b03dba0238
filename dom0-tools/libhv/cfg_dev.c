/* xl.cfg's disk and vif specifications (xl-disk-configuration, xl-network-configuration). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "cfg_dev.h"

struct dstate {
    struct hv_cfg_disk *d;
    int format;            /* -1 until set */
    bool had_prefix, access_set;
    char *why;
    size_t whylen;
    int rc;
};

static int fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

#define DFAIL(st, ...) ((st)->rc ? (st)->rc : ((st)->rc = fail((st)->why, (st)->whylen, __VA_ARGS__)))

/* Sets a string once; setting it again to something else is an error, as xl's. */
static void save(struct dstate *st, char **slot, const char *what, const char *val)
{
    if (*slot && **slot)
        return (void)DFAIL(st, "%s respecified ('%s')", what, val);
    free(*slot);
    if (!(*slot = strdup(val)))
        st->rc = -ENOMEM;
}

static void set_format(struct dstate *st, const char *val)
{
    static const char *const names[] = {"raw", "qcow", "qcow2", "vhd", "qed", "empty"};
    unsigned i;
    int f = -1;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(val, names[i]))
            f = (int)i;
    if (!*val)
        f = HV_DISK_RAW;
    if (f < 0)
        return (void)DFAIL(st, "unknown value for format '%s' (raw, qcow, qcow2, vhd, qed, "
                               "empty)", val);
    if (st->format >= 0 && st->format != f)
        return (void)DFAIL(st, "format respecified ('%s')", val);
    st->format = f;
}

static void set_access(struct dstate *st, const char *val)
{
    if (!strcmp(val, "r") || !strcmp(val, "ro"))
        st->d->readonly = true;
    else if (!strcmp(val, "w") || !strcmp(val, "rw") || !*val)
        st->d->readonly = false;
    else
        DFAIL(st, "unknown value for access '%s' (r, ro, w, rw)", val);
}

/* "vdev:cdrom" or "vdev:disk" (the old devtype suffix); false if there is no ':'. */
static bool vdev_devtype(struct dstate *st, const char *tok)
{
    const char *colon = strrchr(tok, ':');
    char *vdev;

    if (!colon)
        return false;
    if (!strcmp(colon + 1, "cdrom"))
        st->d->cdrom = true;
    else if (strcmp(colon + 1, "disk"))
        return DFAIL(st, "unknown device type '%s' (cdrom, disk)", colon + 1), true;
    if (!(vdev = strndup(tok, colon - tok)))
        return st->rc = -ENOMEM, true;
    save(st, &st->d->vdev, "vdev", vdev);
    free(vdev);
    return true;
}

/* Positional parameters in order: target, format, vdev, access. */
static void positional(struct dstate *st, const char *tok)
{
    struct hv_cfg_disk *d = st->d;

    if (!d->target) {
        save(st, &d->target, "target", tok);
    } else if (!st->had_prefix && st->format < 0) {
        if (!*d->target && vdev_devtype(st, tok))
            st->format = HV_DISK_EMPTY;
        else
            set_format(st, tok);
    } else if (!d->vdev) {
        if (!vdev_devtype(st, tok))
            save(st, &d->vdev, "vdev", tok);
    } else if (!st->access_set) {
        st->access_set = true;
        set_access(st, tok);
    } else {
        DFAIL(st, "too many positional parameters at '%s'", tok);
    }
}

static int one_of(const char *val, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(val, *set))
            return 1;
    return 0;
}

static void keyed(struct dstate *st, const char *key, const char *val)
{
    static const char *const btypes[] = {"phy", "tap", "qdisk", "standalone", NULL};
    static const char *const unsupported[] = {"colo-host", "colo-port", "colo-export",
                                              "active-disk", "hidden-disk", "grant_usage", NULL};

    if (!strcmp(key, "format"))
        set_format(st, val);
    else if (!strcmp(key, "access"))
        set_access(st, val);
    else if (!strcmp(key, "devtype") && (!strcmp(val, "cdrom") || !strcmp(val, "disk")))
        st->d->cdrom = !strcmp(val, "cdrom");
    else if (!strcmp(key, "devtype"))
        DFAIL(st, "unknown value for devtype '%s' (cdrom, disk)", val);
    else if (!strcmp(key, "vdev"))
        save(st, &st->d->vdev, "vdev", val);
    else if (!strcmp(key, "backend"))
        save(st, &st->d->backend, "backend", val);
    else if (!strcmp(key, "script"))
        save(st, &st->d->script, "script", val);
    else if (!strcmp(key, "backendtype") && one_of(val, btypes))
        save(st, &st->d->backendtype, "backendtype", val);
    else if (!strcmp(key, "backendtype"))
        DFAIL(st, "unknown value for backendtype '%s' (phy, tap, qdisk, standalone)", val);
    else if (!strcmp(key, "specification") && strcmp(val, "xen"))
        DFAIL(st, "specification '%s' is not supported by hvctl (xen)", val);
    else if (one_of(key, unsupported))
        DFAIL(st, "parameter '%s' is not supported by hvctl", key);
    else if (strcmp(key, "specification"))
        DFAIL(st, "unknown parameter '%s'", key);
}

static bool flag(struct dstate *st, const char *tok)
{
    struct hv_cfg_disk *d = st->d;

    if (!strcmp(tok, "cdrom"))
        d->cdrom = true;
    else if (!strcmp(tok, "direct-io-safe"))
        d->direct_io_safe = true;
    else if (!strcmp(tok, "discard") || !strcmp(tok, "no-discard"))
        d->discard = tok[0] == 'd';
    else if (!strcmp(tok, "trusted") || !strcmp(tok, "untrusted"))
        d->trusted = tok[0] == 't';
    else if (!strcmp(tok, "colo") || !strcmp(tok, "no-colo"))
        DFAIL(st, "parameter '%s' is not supported by hvctl", tok);
    else
        return false;
    return true;
}

/* Length of a deprecated "word:" prefix at p that xl knows, 0 if none; errors for unknown ones. */
static size_t prefix(struct dstate *st, const char *p)
{
    static const char *const fmts[] = {"raw", "qcow", "qcow2", "vhd", NULL};
    static const char *const scripts[] = {"iscsi", "nbd", "enbd", "drbd", NULL};
    static const char *const plain[] = {"tapdisk", "tap", "tap2", "aio", "ioemu", "file",
                                        "phy", NULL};
    size_t n = 0;
    char word[16], script[24];

    while ((p[n] >= 'a' && p[n] <= 'z') || (n && p[n] >= '0' && p[n] <= '9'))
        n++;
    if (!n || p[n] != ':' || n >= sizeof(word))
        return 0;
    memcpy(word, p, n);
    word[n] = 0;
    if (one_of(word, fmts)) {
        set_format(st, word);
    } else if (one_of(word, scripts)) {
        snprintf(script, sizeof(script), "block-%s", word);
        save(st, &st->d->script, "script", script);
    } else if (!one_of(word, plain)) {
        char next = p[n + 1];
        if ((next >= 'a' && next <= 'z') || (next >= '0' && next <= '9'))
            return 0; /* vdev:devtype */
        return DFAIL(st, "unknown deprecated disk prefix '%s:'", word), n + 1;
    }
    st->had_prefix = true;
    return n + 1;
}

static void token(struct dstate *st, const char *tok)
{
    const char *eq = strchr(tok, '=');
    char *key;

    if (flag(st, tok))
        return;
    if (!eq)
        return positional(st, tok);
    if (!(key = strndup(tok, eq - tok)))
        return (void)(st->rc = -ENOMEM);
    if (key[0] >= 'a' && key[0] <= 'z' && strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789-_") ==
                                              strlen(key))
        keyed(st, key, eq + 1);
    else
        DFAIL(st, "bad disk syntax at '%s'", tok);
    free(key);
}

static void finish_disk(struct dstate *st)
{
    struct hv_cfg_disk *d = st->d;

    if (!st->rc && (!d->vdev || !*d->vdev))
        DFAIL(st, "no vdev specified");
    if (!st->rc && (!d->target || !*d->target)) {
        st->format = HV_DISK_EMPTY;
        if (!d->cdrom)
            DFAIL(st, "no target: only a cdrom drive may be empty");
    }
    d->format = st->format < 0 ? HV_DISK_RAW : (enum hv_disk_format)st->format;
}

int cfg_disk_parse(const char *spec, struct hv_cfg_disk *d, char *why, size_t whylen)
{
    struct dstate st = {d, -1, false, false, why, whylen, 0};
    const char *p = spec, *comma;
    size_t n;
    char *tok;

    memset(d, 0, sizeof(*d));
    d->discard = d->trusted = -1;
    while (!st.rc && *(p += strspn(p, " \t\n"))) {
        if (!strncmp(p, "target=", 7)) {
            n = strlen(p + 7);
            tok = strndup(p + 7, n && p[6 + n] == ',' ? n - 1 : n);
            if (tok)
                save(&st, &d->target, "target", tok);
            st.rc = tok ? st.rc : -ENOMEM;
            free(tok);
            break;
        }
        if ((n = prefix(&st, p))) {
            p += n;
            continue;
        }
        comma = strchr(p, ',');
        n = comma ? (size_t)(comma - p) : strlen(p);
        if (!(tok = strndup(p, n)))
            st.rc = -ENOMEM;
        else
            token(&st, tok);
        free(tok);
        p += n + (comma ? 1 : 0);
    }
    finish_disk(&st);
    if (st.rc)
        cfg_disk_free(d);
    return st.rc;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned i, b[6];
    int n = 0;

    if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
                                  &b[4], &b[5], &n) != 6 || n != 17)
        return -EINVAL;
    for (i = 0; i < 6; i++)
        if (s[3 * i] == ' ' || s[3 * i] == '+' || s[3 * i] == '-' || s[3 * i + 1] == ' ')
            return -EINVAL;
    for (i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return 0;
}

static int vif_number(const char *val, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end;

    if (*val < '0' || *val > '9')
        return -EINVAL;
    errno = 0;
    *out = strtoul(val, &end, 10);
    return (*end || errno || *out < min || *out > max) ? -EINVAL : 0;
}

/* One key=value of a vif spec. */
static int vif_param(struct hv_cfg_vif *v, const char *key, const char *val, char *why,
                     size_t whylen)
{
    struct { const char *key; char **slot; } strs[] = {
        {"bridge", &v->bridge},   {"ip", &v->ip},       {"script", &v->script},
        {"vifname", &v->vifname}, {"backend", &v->backend}, {"rate", &v->rate},
        {"model", &v->model},     {"type", &v->type},   {"gatewaydev", &v->gatewaydev},
        {"forwarddev", &v->gatewaydev}, {"network", &v->network},
    };
    unsigned long n;
    unsigned i;

    for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (strcmp(key, strs[i].key))
            continue;
        free(*strs[i].slot);
        return (*strs[i].slot = strdup(val)) ? 0 : -ENOMEM;
    }
    if (!strcmp(key, "mac")) {
        if (parse_mac(val, v->mac))
            return fail(why, whylen, "mac '%s' is not xx:xx:xx:xx:xx:xx", val);
        return v->has_mac = true, 0;
    }
    if (!strcmp(key, "mtu"))
        return vif_number(val, 68, 65535, &n) ? fail(why, whylen, "mtu '%s' is not 68 to 65535",
                                                     val)
                                              : (v->mtu = (unsigned)n, 0);
    if (!strcmp(key, "devid"))
        return vif_number(val, 0, 65535, &n) ? fail(why, whylen, "devid '%s' is not 0 to 65535",
                                                    val)
                                             : (v->devid = (int)n, 0);
    return fail(why, whylen, "unknown parameter '%s'", key);
}

int cfg_vif_parse(const char *spec, struct hv_cfg_vif *v, char *why, size_t whylen)
{
    char *copy = strdup(spec), *tok, *save = NULL, *eq, *end;
    int rc = copy ? 0 : -ENOMEM;

    memset(v, 0, sizeof(*v));
    v->devid = -1;
    for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !rc;
         tok = strtok_r(NULL, ",", &save)) {
        tok += strspn(tok, " \t\n");
        for (end = tok + strlen(tok); end > tok && strchr(" \t\n", end[-1]); end--)
            end[-1] = 0;
        if (!*tok)
            continue;
        if (!(eq = strchr(tok, '='))) {
            rc = fail(why, whylen, "'%s' is not key=value", tok);
            break;
        }
        for (end = eq; end > tok && strchr(" \t", end[-1]); end--)
            ;
        *end = 0;
        eq++;
        rc = vif_param(v, tok, eq + strspn(eq, " \t"), why, whylen);
    }
    free(copy);
    if (rc)
        cfg_vif_free(v);
    return rc;
}

void cfg_disk_free(struct hv_cfg_disk *d)
{
    free(d->target);
    free(d->vdev);
    free(d->backend);
    free(d->backendtype);
    free(d->script);
    memset(d, 0, sizeof(*d));
}

void cfg_vif_free(struct hv_cfg_vif *v)
{
    free(v->bridge);
    free(v->ip);
    free(v->script);
    free(v->vifname);
    free(v->backend);
    free(v->rate);
    free(v->model);
    free(v->type);
    free(v->gatewaydev);
    free(v->network);
    memset(v, 0, sizeof(*v));
}

void cfg_dev_free(struct hv_cfg *cfg)
{
    unsigned i;

    for (i = 0; i < cfg->n_disks; i++)
        cfg_disk_free(&cfg->disks[i]);
    for (i = 0; i < cfg->n_vifs; i++)
        cfg_vif_free(&cfg->vifs[i]);
    free(cfg->disks);
    free(cfg->vifs);
    cfg->disks = NULL;
    cfg->vifs = NULL;
    cfg->n_disks = cfg->n_vifs = 0;
}

/* The latest `disk`/`vif` setting replaces earlier ones (xl reads only the latest). */
int cfg_dev_list(struct hv_cfg *cfg, const struct cfg_setting *set, bool is_disk, char *err,
                 size_t errlen)
{
    const struct cfgv *list = set->value;
    char why[200];
    unsigned i;
    int rc = 0;

    if (list->type != CFGV_LIST)
        return fail(err, errlen, "%s:%u: key '%s': is a single value but should be a list "
                                 "[ '...', ... ]", set->source, set->line, set->key);
    if (is_disk)
        cfg->disks = calloc(list->n + 1, sizeof(*cfg->disks));
    else
        cfg->vifs = calloc(list->n + 1, sizeof(*cfg->vifs));
    if (is_disk ? !cfg->disks : !cfg->vifs)
        return -ENOMEM;
    for (i = 0; i < list->n && !rc; i++) {
        if (list->items[i]->type != CFGV_STRING) {
            rc = fail(why, sizeof(why), "each entry is a quoted string");
        } else if (is_disk) {
            rc = cfg_disk_parse(list->items[i]->text, &cfg->disks[i], why, sizeof(why));
            cfg->n_disks += !rc;
        } else {
            rc = cfg_vif_parse(list->items[i]->text, &cfg->vifs[i], why, sizeof(why));
            if (!rc && cfg->vifs[i].devid < 0)
                cfg->vifs[i].devid = (int)i;
            cfg->n_vifs += !rc;
        }
        if (rc == -EINVAL)
            fail(err, errlen, "%s:%u: key '%s': entry %u ('%s'): %s", set->source, set->line,
                 set->key, i + 1, list->items[i]->text ? list->items[i]->text : "[...]", why);
    }
    return rc;
}
