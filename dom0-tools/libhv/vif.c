/* Network devices: vif specs checked and turned into libxl's xenstore keys (vif.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_dev.h"
#include "net.h"
#include "vif.h"

#define VIF_MAX 64
/* The toolstack copy's key for rate= as given (our own; netback reads `rate`). */
#define VIF_RATE_SPEC_KEY "rate-spec"

/* One number with an optional unit suffix; *end out. Digits only, no sign, 1 .. 2^32-1. */
static int rate_number(const char *s, uint64_t *v, const char **end)
{
    char *e;

    if (*s < '0' || *s > '9')
        return -EINVAL;
    errno = 0;
    *v = strtoull(s, &e, 10);
    *end = e;
    return (errno || *v == 0 || *v > UINT32_MAX) ? -EINVAL : 0;
}

static int rate_bytes(const char *s, uint64_t *bytes)
{
    const char *p;
    uint64_t scale = 1;

    if (rate_number(s, bytes, &p))
        return -EINVAL;
    if (*p == 'G' || *p == 'M' || *p == 'K')
        scale = *p == 'G' ? 1000000000ull : *p == 'M' ? 1000000ull : 1000ull, p++;
    if ((p[0] != 'B' && p[0] != 'b') || strcmp(p + 1, "/s"))
        return -EINVAL;
    *bytes *= scale;
    if (p[0] == 'b')
        *bytes /= 8;
    return 0;
}

static int rate_interval(const char *s, uint64_t *usecs)
{
    const char *p;

    if (rate_number(s, usecs, &p))
        return -EINVAL;
    if (!*p || !strcmp(p, "s"))
        *usecs *= 1000000;
    else if (!strcmp(p, "ms") || !strcmp(p, "m"))
        *usecs *= 1000;
    else if (strcmp(p, "us") && strcmp(p, "u"))
        return -EINVAL;
    return *usecs > UINT32_MAX ? -EINVAL : 0;
}

int hv_vif_rate(const char *rate, char *buf, size_t len, struct hv_err *err)
{
    char copy[64], *at;
    uint64_t bytes, usecs = 50000;

    if (strlen(rate) >= sizeof(copy))
        return hv_err_set(err, -EINVAL, "rate '%s' is too long", rate);
    strcpy(copy, rate);
    if ((at = strchr(copy, '@')))
        *at++ = 0;
    if (rate_bytes(copy, &bytes))
        return hv_err_set(err, -EINVAL, "rate '%s': '%s' is not N[K|M|G]B/s or N[K|M|G]b/s "
                          "(1 to 4294967295 before the unit)", rate, copy);
    if (at && rate_interval(at, &usecs))
        return hv_err_set(err, -EINVAL, "rate '%s': interval '%s' is not N[s|ms|us]", rate, at);
    if (bytes > UINT64_MAX / usecs)
        return hv_err_set(err, -EINVAL, "rate '%s' overflows", rate);
    snprintf(buf, len, "%llu,%llu", (unsigned long long)(bytes * usecs / 1000000),
             (unsigned long long)usecs);
    return 0;
}

void hv_vif_mac(const uint8_t uuid[16], int devid, uint8_t mac[6])
{
    uint32_t h = 2166136261u; /* FNV-1a over the uuid and the devid */
    unsigned i;

    for (i = 0; i < 20; i++) {
        h ^= i < 16 ? uuid[i] : (uint8_t)((unsigned)devid >> (8 * (i - 16)));
        h *= 16777619u;
    }
    mac[0] = 0x00;
    mac[1] = 0x16;
    mac[2] = 0x3e;
    mac[3] = (uint8_t)(h >> 16) & 0x7f;
    mac[4] = (uint8_t)(h >> 8);
    mac[5] = (uint8_t)h;
}

/* ip=: IPv4 addresses (A.B.C.D or A.B.C.D/LEN), separated by spaces, as libxl's; they become
 * the vif's anti-spoofing rules (vif-bridge), so nothing else gets through. */
static int ip_check(const char *ip, struct hv_err *err)
{
    char word[24];
    struct in_addr a;
    const char *p = ip, *slash;
    size_t len;
    int n = 0;

    while (*p) {
        if (*p == ' ' && ++p)
            continue;
        len = strcspn(p, " ");
        if (len >= sizeof(word))
            return hv_err_set(err, -EINVAL, "ip '%s': '%.*s' is not an IPv4 address", ip,
                              (int)len, p);
        memcpy(word, p, len);
        word[len] = 0;
        p += len;
        if ((slash = strchr(word, '/'))) {
            word[slash - word] = 0;
            if (strspn(slash + 1, "0123456789") != strlen(slash + 1) || !slash[1] ||
                strlen(slash + 1) > 2 || atoi(slash + 1) > 32)
                return hv_err_set(err, -EINVAL, "ip '%s': '%s' is not a prefix length 0..32",
                                  ip, slash + 1);
        }
        if (inet_pton(AF_INET, word, &a) != 1)
            return hv_err_set(err, -EINVAL, "ip '%s': '%s' is not an IPv4 address (A.B.C.D)",
                              ip, word);
        n++;
    }
    return n ? 0 : hv_err_set(err, -EINVAL, "ip '%s': no address", ip);
}

static bool is_bridge(const char *ifname)
{
    char path[64];

    snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", ifname);
    return !access(path, F_OK);
}

/* bridge= or network= (or the default) into bridge[HV_NET_IF_MAX]. */
static int vif_bridge(const struct hv_cfg_vif *v, char *bridge, struct hv_err *err)
{
    struct hv_net n;
    struct hv_err ignored;

    if (v->network && hv_net_load(v->network, &n, err))
        return -ENOENT;
    if (v->network && v->bridge && strcmp(v->bridge, n.bridge))
        return hv_err_set(err, -EINVAL, "bridge=%s and network=%s (bridge %s) disagree",
                          v->bridge, v->network, n.bridge);
    if (v->network)
        return strcpy(bridge, n.bridge), 0;
    if (v->bridge && hv_net_check_ifname("bridge", v->bridge, err))
        return -EINVAL;
    if (v->bridge)
        return strcpy(bridge, v->bridge), 0;
    if (!hv_net_load(HV_VIF_DEFAULT_NETWORK, &n, &ignored))
        return strcpy(bridge, n.bridge), 0;
    return strcpy(bridge, HV_VIF_DEFAULT_BRIDGE), 0;
}

static int vif_fail(const struct hv_cfg_vif *v, const char *bridge, int rc, struct hv_err *err)
{
    struct hv_err why = *err;

    return hv_err_set(err, rc, "vif %d%s%s%s: %s", v->devid, bridge[0] ? " (bridge " : "",
                      bridge, bridge[0] ? ")" : "", why.msg);
}

int hv_vif_check(const struct hv_cfg_vif *v, char *bridge, struct hv_err *err)
{
    char rate[64];
    int rc;

    bridge[0] = 0;
    if ((rc = vif_bridge(v, bridge, err)))
        return vif_fail(v, bridge, rc, err);
    if (!is_bridge(bridge)) {
        hv_err_set(err, -ENODEV, "no bridge '%s' in dom0 (hvctl network-list shows the "
                   "networks; network-create makes one)", bridge);
        return vif_fail(v, bridge, -ENODEV, err);
    }
    if (v->type && strcmp(v->type, "vif")) {
        hv_err_set(err, -EINVAL, "type '%s': a PV guest takes type=vif only (ioemu needs a "
                   "device model)", v->type);
        return vif_fail(v, bridge, -EINVAL, err);
    }
    if (v->backend && strcmp(v->backend, "0") && strcmp(v->backend, "Domain-0")) {
        hv_err_set(err, -EINVAL, "backend '%s': only dom0 serves vifs here (no driver "
                   "domains)", v->backend);
        return vif_fail(v, bridge, -EINVAL, err);
    }
    if (v->ip && (rc = ip_check(v->ip, err)))
        return vif_fail(v, bridge, rc, err);
    if (v->rate && (rc = hv_vif_rate(v->rate, rate, sizeof(rate), err)))
        return vif_fail(v, bridge, rc, err);
    if (v->vifname && (rc = hv_net_check_ifname("vifname", v->vifname, err)))
        return vif_fail(v, bridge, rc, err);
    return 0;
}

int hv_vif_add(struct xs_handle *xs, uint32_t domid, const uint8_t uuid[16],
               const struct hv_cfg_vif *v, struct hv_err *err)
{
    char bridge[HV_NET_IF_MAX], mac[18], handle[12], rate[64] = "", mtu[12], vifname[24];
    struct hv_dev_kv back[12], front[3], env[1];
    uint8_t m[6];
    unsigned nb = 0, nf = 0;
    int rc;

    if ((rc = hv_vif_check(v, bridge, err)))
        return rc;
    if (v->has_mac)
        memcpy(m, v->mac, 6);
    else
        hv_vif_mac(uuid, v->devid, m);
    snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
             m[5]);
    snprintf(handle, sizeof(handle), "%d", v->devid);
    snprintf(mtu, sizeof(mtu), "%u", v->mtu);
    snprintf(vifname, sizeof(vifname), "vif%u.%d", domid, v->devid);
    if (v->rate)
        hv_vif_rate(v->rate, rate, sizeof(rate), err);
    back[nb++] = (struct hv_dev_kv){"mac", mac};
    back[nb++] = (struct hv_dev_kv){"bridge", bridge};
    back[nb++] = (struct hv_dev_kv){"handle", handle};
    back[nb++] = (struct hv_dev_kv){"type", "vif"};
    back[nb++] = (struct hv_dev_kv){"script", v->script ? v->script : "vif-bridge"};
    if (v->ip)
        back[nb++] = (struct hv_dev_kv){"ip", v->ip};
    if (rate[0])
        back[nb++] = (struct hv_dev_kv){"rate", rate};
    if (v->mtu && v->mtu != 1500)
        back[nb++] = (struct hv_dev_kv){"mtu", mtu};
    if (v->vifname)
        back[nb++] = (struct hv_dev_kv){"vifname", v->vifname};
    if (v->gatewaydev)
        back[nb++] = (struct hv_dev_kv){"gatewaydev", v->gatewaydev};
    back[nb++] = (struct hv_dev_kv){"hotplug-status", ""}; /* netback waits for "connected" */
    front[nf++] = (struct hv_dev_kv){"handle", handle};
    front[nf++] = (struct hv_dev_kv){"mac", mac};
    front[nf++] = (struct hv_dev_kv){"trusted", "1"};
    env[0] = (struct hv_dev_kv){"vif", vifname};
    if ((rc = hv_dev_add(xs, &(struct hv_dev){"vif", domid, 0, (uint32_t)v->devid,
                                              v->script ? v->script : "vif-bridge", back, nb,
                                              front, nf, env, 1, 0},
                         err)))
        return rc;
    /* rate= as the operator wrote it, for hv_vif_current (netback's value rounds it) */
    if (v->rate && (rc = hv_dev_write(xs, domid, "vif", (uint32_t)v->devid, VIF_RATE_SPEC_KEY,
                                      v->rate, false, err))) {
        struct hv_err ignored;

        hv_dev_remove(xs, "vif", domid, (uint32_t)v->devid, true, 0, &ignored);
        return rc;
    }
    return 0;
}

/* One vif's spec back from its toolstack copy (as hv_vif_add wrote it). */
static int one_vif(struct xs_handle *xs, uint32_t domid, uint32_t devid, struct hv_cfg_vif *v)
{
    static const struct { const char *key; size_t off; } strs[] = {
        {"bridge", offsetof(struct hv_cfg_vif, bridge)},
        {"ip", offsetof(struct hv_cfg_vif, ip)},
        {"script", offsetof(struct hv_cfg_vif, script)},
        {"vifname", offsetof(struct hv_cfg_vif, vifname)},
        {VIF_RATE_SPEC_KEY, offsetof(struct hv_cfg_vif, rate)},
        {"gatewaydev", offsetof(struct hv_cfg_vif, gatewaydev)},
    };
    char buf[256], tail;
    unsigned m[6], i;

    memset(v, 0, sizeof(*v));
    v->devid = (int)devid;
    if (hv_dev_read(xs, domid, "vif", devid, "mac", buf, sizeof(buf)) ||
        sscanf(buf, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
               &tail) != 6)
        return -EINVAL;
    for (i = 0; i < 6; i++)
        v->mac[i] = (uint8_t)m[i];
    v->has_mac = true;
    if (!hv_dev_read(xs, domid, "vif", devid, "mtu", buf, sizeof(buf)))
        v->mtu = (unsigned)strtoul(buf, NULL, 10);
    for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        char **slot = (char **)((char *)v + strs[i].off);

        if (hv_dev_read(xs, domid, "vif", devid, strs[i].key, buf, sizeof(buf)) || !*buf)
            continue;
        if (!(*slot = strdup(buf)))
            return cfg_vif_free(v), -ENOMEM;
    }
    return v->bridge ? 0 : (cfg_vif_free(v), -EINVAL);
}

int hv_vif_current(struct xs_handle *xs, uint32_t domid, struct hv_cfg_vif **out, unsigned *n)
{
    uint32_t ids[VIF_MAX];
    int count = hv_dev_list(xs, domid, "vif", ids, VIF_MAX), i, rc = 0;

    *n = 0;
    if (!(*out = calloc((size_t)count + 1, sizeof(**out))))
        return -ENOMEM;
    for (i = 0; i < count && !rc; i++)
        if (!(rc = one_vif(xs, domid, ids[i], &(*out)[*n])))
            (*n)++;
    if (rc) {
        while (*n)
            cfg_vif_free(&(*out)[--*n]);
        free(*out);
        *out = NULL;
    }
    return rc;
}

/* The domain's uuid from its vm path (/vm/<uuid>); zeros if it has none. */
static void domain_uuid(struct xs_handle *xs, uint32_t domid, uint8_t uuid[16])
{
    char path[64], *vm;
    unsigned len;

    memset(uuid, 0, 16);
    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    if (!(vm = xs_read(xs, XBT_NULL, path, &len)))
        return;
    if (!strncmp(vm, "/vm/", 4))
        hv_cfg_uuid_parse(vm + 4, uuid);
    free(vm);
}

int hv_vif_attach(struct xs_handle *xs, uint32_t domid, const char *spec, struct hv_err *err)
{
    struct hv_cfg_vif v;
    uint32_t ids[VIF_MAX];
    uint8_t uuid[16];
    char why[200];
    int i, n, rc;

    if ((rc = cfg_vif_parse(spec, &v, why, sizeof(why))))
        return hv_err_set(err, rc, "vif spec '%s': %s", spec, rc == -EINVAL ? why : "no memory");
    if (domid == 0) {
        cfg_vif_free(&v);
        return hv_err_set(err, -EINVAL, "domain 0 takes no vifs (its own NICs are dom0's)");
    }
    n = hv_dev_list(xs, domid, "vif", ids, VIF_MAX);
    for (i = 0; v.devid < 0 && i <= n; i++) /* ascending: the first gap, or after the last */
        if (i == n || ids[i] != (uint32_t)i)
            v.devid = i;
    domain_uuid(xs, domid, uuid);
    rc = hv_vif_add(xs, domid, uuid, &v, err);
    cfg_vif_free(&v);
    return rc;
}

/* The devid `which` names: digits, or the MAC of one of domid's vifs. */
static int vif_which(struct xs_handle *xs, uint32_t domid, const char *which, uint32_t *devid,
                     struct hv_err *err)
{
    uint32_t ids[VIF_MAX];
    char mac[24];
    int i, n;

    if (strspn(which, "0123456789") == strlen(which) && *which && strlen(which) < 6)
        return *devid = (uint32_t)strtoul(which, NULL, 10), 0;
    if (!strchr(which, ':'))
        return hv_err_set(err, -EINVAL, "'%s' is neither a devid nor a MAC", which);
    n = hv_dev_list(xs, domid, "vif", ids, VIF_MAX);
    for (i = 0; i < n; i++)
        if (!hv_dev_read(xs, domid, "vif", ids[i], "mac", mac, sizeof(mac)) &&
            !strcasecmp(mac, which))
            return *devid = ids[i], 0;
    return hv_err_set(err, -ENOENT, "domain %u has no vif with MAC %s", domid, which);
}

int hv_vif_remove(struct xs_handle *xs, uint32_t domid, const char *which, bool force,
                  struct hv_err *err)
{
    uint32_t devid;
    int rc;

    if ((rc = vif_which(xs, domid, which, &devid, err)))
        return rc;
    rc = hv_dev_remove(xs, "vif", domid, devid, force, 0, err);
    if (rc == -ENOENT)
        return hv_err_set(err, rc, "domain %u has no vif %u", domid, devid);
    return rc;
}

/* A key of vif devid's backend dir (dom0's, trusted) into buf; false when it has none. */
static bool back_key(struct xs_handle *xs, const char *be, const char *key, char *buf, size_t len)
{
    char path[256], *v;
    unsigned n;

    snprintf(path, sizeof(path), "%s/%s", be, key);
    if (!(v = xs_read(xs, XBT_NULL, path, &n)))
        return false;
    snprintf(buf, len, "%.*s", (int)n, v);
    free(v);
    return true;
}

int hv_vif_describe(struct xs_handle *xs, uint32_t domid, FILE *f, struct hv_err *err)
{
    static const char *const keys[] = {"mac", "bridge", "ip", "script", "mtu", "vifname",
                                       "gatewaydev"};
    uint32_t ids[VIF_MAX];
    char be[192], val[256];
    unsigned k;
    int i, n = hv_dev_list(xs, domid, "vif", ids, VIF_MAX);

    for (i = 0; i < n; i++) {
        unsigned long long per, usecs;

        if (hv_dev_read(xs, domid, "vif", ids[i], "backend", be, sizeof(be)))
            return hv_err_set(err, -ENOENT, "vif %u of domain %u has no backend", ids[i], domid);
        fprintf(f, "%s'devid=%u", i ? ", " : "vif = [", ids[i]);
        for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            if (!back_key(xs, be, keys[k], val, sizeof(val)))
                continue;
            if (strpbrk(val, ",'\\\n"))
                return hv_err_set(err, -EINVAL, "vif %u of domain %u: %s '%s' cannot be written "
                                  "in a vif spec", ids[i], domid, keys[k], val);
            fprintf(f, ",%s=%s", keys[k], val);
        }
        /* libxl's "bytes per interval,interval in us" back to xl's N B/s@N us */
        if (back_key(xs, be, "rate", val, sizeof(val)) &&
            sscanf(val, "%llu,%llu", &per, &usecs) == 2 && usecs && per <= UINT64_MAX / 1000000)
            fprintf(f, ",rate=%lluB/s@%lluus", per * 1000000 / usecs, usecs);
        fputc('\'', f);
    }
    if (n > 0)
        fprintf(f, "]\n");
    return n < 0 ? hv_err_set(err, n, "cannot list domain %u's vifs", domid) : 0;
}

void hv_vif_list_header(FILE *f)
{
    fprintf(f, "%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.",
            "handle", "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
}

/* A number from the frontend dir (or its queue-0/), -1 if missing. */
static long front_num(struct xs_handle *xs, uint32_t domid, uint32_t devid, const char *key)
{
    char path[128], *val;
    unsigned len;
    long v = -1;
    int q;

    for (q = 0; q < 2 && v < 0; q++) {
        snprintf(path, sizeof(path), "/local/domain/%u/device/vif/%u/%s%s", domid, devid,
                 q ? "queue-0/" : "", key);
        if ((val = xs_read(xs, XBT_NULL, path, &len))) {
            v = strtol(val, NULL, 10);
            free(val);
        }
    }
    return v;
}

int hv_vif_list(struct xs_handle *xs, uint32_t domid, FILE *f)
{
    uint32_t ids[VIF_MAX];
    char mac[24], be[128];
    int i, n = hv_dev_list(xs, domid, "vif", ids, VIF_MAX);

    for (i = 0; i < n; i++) {
        if (hv_dev_read(xs, domid, "vif", ids[i], "mac", mac, sizeof(mac)))
            strcpy(mac, "-");
        if (hv_dev_read(xs, domid, "vif", ids[i], "backend", be, sizeof(be)))
            strcpy(be, "-");
        fprintf(f, "%-3u %-2d %-17s %6u %5ld %6ld %5ld/%-11ld %-30s\n", ids[i], 0, mac, ids[i],
                front_num(xs, domid, ids[i], "state"),
                front_num(xs, domid, ids[i], "event-channel"),
                front_num(xs, domid, ids[i], "tx-ring-ref"),
                front_num(xs, domid, ids[i], "rx-ring-ref"), be);
    }
    return n < 0 ? n : 0;
}
