/* Named networks: names, subnets, the NAME.conf files under /etc/hv/networks and their checks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net.h"

static const char *const mode_names[] = {"bridged", "internal", "nat"};

const char *hv_net_dir(void)
{
    const char *d = getenv("HV_NET_DIR");

    return d && *d ? d : "/etc/hv/networks";
}

const char *hv_net_run_dir(void)
{
    const char *d = getenv("HV_NET_RUN");

    return d && *d ? d : "/run/hv/networks";
}

const char *hv_net_mode_name(enum hv_net_mode mode)
{
    return (unsigned)mode < 3 ? mode_names[mode] : "?";
}

int hv_net_mode_parse(const char *s, enum hv_net_mode *mode)
{
    unsigned i;

    for (i = 0; i < 3; i++)
        if (!strcmp(s, mode_names[i]))
            return *mode = (enum hv_net_mode)i, 0;
    return -EINVAL;
}

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (!first && (c == '_' || c == '-' || c == '.'));
}

int hv_net_check_name(const char *name, struct hv_err *err)
{
    size_t i, n = strlen(name);

    if (!n || n >= HV_NET_NAME_MAX)
        return hv_err_set(err, -EINVAL, "network name '%s': 1 to %d characters", name,
                          HV_NET_NAME_MAX - 1);
    for (i = 0; i < n; i++)
        if (!name_char(name[i], i == 0))
            return hv_err_set(err, -EINVAL, "network name '%s': letters, digits, '_', '-' "
                              "and '.' only, starting with a letter or digit", name);
    return 0;
}

int hv_net_check_ifname(const char *what, const char *ifname, struct hv_err *err)
{
    size_t i, n = strlen(ifname);

    if (!n || n >= HV_NET_IF_MAX)
        return hv_err_set(err, -EINVAL, "%s '%s': an interface name has 1 to %d characters",
                          what, ifname, HV_NET_IF_MAX - 1);
    for (i = 0; i < n; i++)
        if (!name_char(ifname[i], i == 0))
            return hv_err_set(err, -EINVAL, "%s '%s' is not an interface name (letters, "
                              "digits, '_', '-', '.')", what, ifname);
    return 0;
}

int hv_net_subnet_parse(const char *s, struct hv_net *n, struct hv_err *err)
{
    unsigned a, b, c, d, len;
    int used = 0;
    uint32_t addr, mask;

    if (sscanf(s, "%3u.%3u.%3u.%3u/%2u%n", &a, &b, &c, &d, &len, &used) != 5 ||
        used != (int)strlen(s) || a > 255 || b > 255 || c > 255 || d > 255 || s[0] < '0' ||
        s[0] > '9')
        return hv_err_set(err, -EINVAL, "subnet '%s' is not A.B.C.D/LEN", s);
    if (len < 8 || len > 30)
        return hv_err_set(err, -EINVAL, "subnet '%s': the length must be 8 to 30", s);
    addr = (uint32_t)a << 24 | b << 16 | c << 8 | d;
    mask = ~0u << (32 - len);
    if (addr & ~mask)
        return hv_err_set(err, -EINVAL, "subnet '%s' has host bits set (the network is %u.%u."
                          "%u.%u/%u)", s, (addr & mask) >> 24, (addr & mask) >> 16 & 255,
                          (addr & mask) >> 8 & 255, addr & mask & 255, len);
    n->has_subnet = true;
    n->net = addr;
    n->prefix = len;
    return 0;
}

static void addr_format(uint32_t a, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

void hv_net_subnet_format(const struct hv_net *n, char *buf, size_t len)
{
    char a[16];

    addr_format(n->net, a, sizeof(a));
    snprintf(buf, len, "%s/%u", a, n->prefix);
}

void hv_net_host_addr(const struct hv_net *n, uint32_t host, char *buf, size_t len)
{
    addr_format(n->net + host, buf, len);
}

int hv_net_validate(struct hv_net *n, struct hv_err *err)
{
    int rc;

    if ((rc = hv_net_check_name(n->name, err)))
        return rc;
    if (!n->bridge[0]) {
        if (strlen(n->name) >= HV_NET_IF_MAX)
            return hv_err_set(err, -EINVAL, "network '%s': the name is too long for a bridge "
                              "interface; give one with --bridge", n->name);
        memcpy(n->bridge, n->name, strlen(n->name) + 1);
    }
    if ((rc = hv_net_check_ifname("bridge", n->bridge, err)) ||
        (n->uplink[0] && (rc = hv_net_check_ifname("uplink", n->uplink, err))))
        return rc;
    if (n->mode == HV_NET_BRIDGED && !n->uplink[0])
        return hv_err_set(err, -EINVAL, "network '%s': a bridged network needs --uplink IF "
                          "(the NIC the bridge enslaves)", n->name);
    if (n->mode == HV_NET_BRIDGED && n->has_subnet)
        return hv_err_set(err, -EINVAL, "network '%s': a bridged network takes its addresses "
                          "from the uplink's network: no --subnet", n->name);
    if (n->mode == HV_NET_INTERNAL && n->uplink[0])
        return hv_err_set(err, -EINVAL, "network '%s': an internal network has no uplink",
                          n->name);
    if (!strcmp(n->bridge, n->uplink))
        return hv_err_set(err, -EINVAL, "network '%s': the bridge and the uplink are both "
                          "'%s'", n->name, n->bridge);
    if (n->mode == HV_NET_NAT && !n->has_subnet)
        return hv_net_subnet_parse(HV_NET_NAT_DEFAULT, n, err);
    return 0;
}

int hv_net_format(const struct hv_net *n, char *buf, size_t len)
{
    char subnet[24] = "";
    int w;

    if (n->has_subnet)
        hv_net_subnet_format(n, subnet, sizeof(subnet));
    w = snprintf(buf, len, "# network %s (hvctl network-create; docs/networking.md)\n"
                 "mode = %s\nbridge = %s\n%s%s%s%s%s%s", n->name, hv_net_mode_name(n->mode),
                 n->bridge, n->uplink[0] ? "uplink = " : "", n->uplink, n->uplink[0] ? "\n" : "",
                 subnet[0] ? "subnet = " : "", subnet, subnet[0] ? "\n" : "");
    return w < 0 || (size_t)w >= len ? -ENOSPC : w;
}

static char *trim(char *s)
{
    char *end;

    s += strspn(s, " \t");
    for (end = s + strlen(s); end > s && strchr(" \t\r", end[-1]); end--)
        end[-1] = 0;
    return s;
}

static int copy_if(char *dst, const char *v, const char *path, unsigned line, const char *key,
                   struct hv_err *err)
{
    if (strlen(v) >= HV_NET_IF_MAX)
        return hv_err_set(err, -EINVAL, "%s:%u: key '%s': '%s' is too long for an interface "
                          "name", path, line, key, v);
    strcpy(dst, v);
    return 0;
}

/* One "key = value" line. */
static int parse_line(char *s, const char *path, unsigned line, struct hv_net *n, bool *had_mode,
                      struct hv_err *err)
{
    char *eq = strchr(s, '='), *k, *v;
    struct hv_err why;

    if (!eq)
        return hv_err_set(err, -EINVAL, "%s:%u: '%s' is not key = value", path, line, s);
    *eq = 0;
    k = trim(s);
    v = trim(eq + 1);
    if (!strcmp(k, "mode")) {
        if (hv_net_mode_parse(v, &n->mode))
            return hv_err_set(err, -EINVAL, "%s:%u: key 'mode': '%s' is not bridged, internal "
                              "or nat", path, line, v);
        return *had_mode = true, 0;
    }
    if (!strcmp(k, "bridge") || !strcmp(k, "uplink"))
        return copy_if(k[0] == 'b' ? n->bridge : n->uplink, v, path, line, k, err);
    if (!strcmp(k, "subnet"))
        return hv_net_subnet_parse(v, n, &why)
                   ? hv_err_set(err, -EINVAL, "%s:%u: key 'subnet': %s", path, line, why.msg)
                   : 0;
    return hv_err_set(err, -EINVAL, "%s:%u: key '%s': unknown key (mode, bridge, uplink, "
                      "subnet)", path, line, k);
}

int hv_net_parse(const char *text, const char *path, const char *name, struct hv_net *n,
                 struct hv_err *err)
{
    char *copy = strdup(text), *line, *save = NULL, *s;
    unsigned no = 0;
    bool had_mode = false;
    struct hv_err why;
    int rc = copy ? 0 : -ENOMEM;

    memset(n, 0, sizeof(*n));
    if (strlen(name) < HV_NET_NAME_MAX)
        strcpy(n->name, name);
    for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line && !rc;
         line = strtok_r(NULL, "\n", &save)) {
        no++; /* strtok_r skips empty lines: numbers count the non-empty ones */
        s = trim(line);
        if (*s && *s != '#')
            rc = parse_line(s, path, no, n, &had_mode, err);
    }
    free(copy);
    if (rc)
        return rc;
    if (!had_mode)
        return hv_err_set(err, -EINVAL, "%s: no 'mode' key", path);
    if ((rc = hv_net_validate(n, &why)))
        return hv_err_set(err, rc, "%s: %s", path, why.msg);
    return 0;
}

static void file_of(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s.conf", hv_net_dir(), name);
}

int hv_net_load(const char *name, struct hv_net *n, struct hv_err *err)
{
    char path[512], text[4096];
    ssize_t got;
    int fd, rc;

    if ((rc = hv_net_check_name(name, err)))
        return rc;
    file_of(name, path, sizeof(path));
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return errno == ENOENT
                   ? hv_err_set(err, -ENOENT, "no network named '%s' (hvctl network-list)", name)
                   : hv_err_set(err, -errno, "%s: %s", path, strerror(errno));
    got = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (got < 0)
        return hv_err_set(err, -EIO, "%s: %s", path, strerror(errno));
    if (got == sizeof(text) - 1)
        return hv_err_set(err, -EFBIG, "%s: larger than %zu bytes", path, sizeof(text) - 2);
    text[got] = 0;
    return hv_net_parse(text, path, name, n, err);
}

int hv_net_save(const struct hv_net *n, struct hv_err *err)
{
    char path[512], tmp[520], text[512];
    int fd, len = hv_net_format(n, text, sizeof(text));
    bool ok;

    if (len < 0)
        return hv_err_set(err, len, "network '%s': description too long", n->name);
    if (mkdir(hv_net_dir(), 0755) && errno != EEXIST)
        return hv_err_set(err, -errno, "%s: %s", hv_net_dir(), strerror(errno));
    file_of(n->name, path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        return hv_err_set(err, -errno, "%s: %s", tmp, strerror(errno));
    ok = write(fd, text, (size_t)len) == len && !fsync(fd);
    ok = !close(fd) && ok;
    if (!ok || rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return hv_err_set(err, -e, "%s: %s", path, strerror(e));
    }
    return 0;
}

int hv_net_remove_file(const char *name, struct hv_err *err)
{
    char path[512];

    file_of(name, path, sizeof(path));
    if (unlink(path) && errno != ENOENT)
        return hv_err_set(err, -errno, "%s: %s", path, strerror(errno));
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

int hv_net_names(char (**names)[HV_NET_NAME_MAX], struct hv_err *err)
{
    DIR *d = opendir(hv_net_dir());
    struct dirent *e;
    size_t len;
    int n = 0, cap = 0;
    void *grown;

    *names = NULL;
    if (!d)
        return errno == ENOENT ? 0 : hv_err_set(err, -errno, "%s: %s", hv_net_dir(),
                                                 strerror(errno));
    while ((e = readdir(d))) {
        len = strlen(e->d_name);
        if (len <= 5 || len - 5 >= HV_NET_NAME_MAX || strcmp(e->d_name + len - 5, ".conf"))
            continue;
        if (n == cap) {
            cap = cap * 2 + 8;
            if (!(grown = realloc(*names, (size_t)cap * HV_NET_NAME_MAX))) {
                closedir(d);
                free(*names);
                return *names = NULL, hv_err_set(err, -ENOMEM, "out of memory");
            }
            *names = grown;
        }
        memcpy((*names)[n], e->d_name, len - 5);
        (*names)[n++][len - 5] = 0;
    }
    closedir(d);
    if (n)
        qsort(*names, (size_t)n, HV_NET_NAME_MAX, by_name);
    return n;
}

static bool overlap(const struct hv_net *a, const struct hv_net *b)
{
    uint32_t p = a->prefix < b->prefix ? a->prefix : b->prefix;
    uint32_t mask = ~0u << (32 - p);

    return a->has_subnet && b->has_subnet && (a->net & mask) == (b->net & mask);
}

int hv_net_conflict(const struct hv_net *a, const struct hv_net *b, struct hv_err *err)
{
    char sa[24], sb[24];

    if (!strcmp(a->name, b->name))
        return hv_err_set(err, -EEXIST, "network '%s' already exists", a->name);
    if (!strcmp(a->bridge, b->bridge))
        return hv_err_set(err, -EEXIST, "bridge '%s' is network '%s''s already", a->bridge,
                          b->name);
    if (a->uplink[0] && (!strcmp(a->uplink, b->uplink) || !strcmp(a->uplink, b->bridge)))
        return hv_err_set(err, -EBUSY, "uplink '%s' is used by network '%s'", a->uplink,
                          b->name);
    if (b->uplink[0] && !strcmp(a->bridge, b->uplink))
        return hv_err_set(err, -EBUSY, "'%s' is network '%s''s uplink", a->bridge, b->name);
    if (overlap(a, b)) {
        hv_net_subnet_format(a, sa, sizeof(sa));
        hv_net_subnet_format(b, sb, sizeof(sb));
        return hv_err_set(err, -EEXIST, "subnet %s overlaps network '%s''s %s", sa, b->name,
                          sb);
    }
    return 0;
}
