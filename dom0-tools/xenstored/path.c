/*
 * dom0-tools/xenstored/path.c - path syntax (docs/misc/xenstore.txt): allowed characters,
 * no empty, doubled or trailing slashes, length limits, and relative paths made absolute.
 */
#include "xsd_core.h"

static bool valid_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '/' || ch == '_' || ch == '@';
}

size_t xsd_path_domain_prefix(uint32_t domid, char *out)
{
    return xsd_fmt(out, 32, "/local/domain/%u", domid);
}

/* Length of a leading "/local/domain/<up to 5 digits>/", or 0. */
static size_t local_prefix_len(const char *p)
{
    static const char pre[] = "/local/domain/";
    size_t i = sizeof(pre) - 1, digits = 0;

    if (!xsd_strstarts(p, pre))
        return 0;
    while (p[i] >= '0' && p[i] <= '9' && digits < 5) {
        i++;
        digits++;
    }
    return digits && p[i] == '/' ? i + 1 : 0;
}

static int check_syntax(const char *in, bool allow_special, size_t *len)
{
    size_t i;

    if (!in || !in[0] || (in[0] == '@' && !allow_special))
        return -PV_EINVAL;
    for (i = 0; in[i]; i++) {
        if (!valid_char(in[i]))
            return -PV_EINVAL;
        if (in[i] == '/' && in[i + 1] == '/')
            return -PV_EINVAL;
    }
    if (i > 1 && in[i - 1] == '/')
        return -PV_EINVAL;
    *len = i;
    return 0;
}

int xsd_path_canon(const struct xsd_conn *c, const char *in, bool allow_special, char *out)
{
    size_t len, pre = 0;
    int rc = check_syntax(in, allow_special, &len);

    if (rc)
        return rc;
    if (in[0] != '/' && in[0] != '@') {
        pre = xsd_path_domain_prefix(c->domid, out);
        out[pre++] = '/';
    }
    if (pre + len > PV_XENSTORE_ABS_PATH_MAX)
        return -PV_EINVAL;
    memcpy(out + pre, in, len + 1);
    if (xsd_unpriv(c) && pre + len - local_prefix_len(out) > c->d->quota.path_len)
        return -PV_EINVAL;
    return 0;
}

bool xsd_path_parent(const char *path, char *out)
{
    size_t i, slash = 0;

    if (path[0] != '/' || !path[1])
        return false;
    for (i = 0; path[i]; i++)
        if (path[i] == '/')
            slash = i;
    if (!slash)
        slash = 1;
    memcpy(out, path, slash);
    out[slash] = 0;
    return true;
}

const char *xsd_path_base(const char *path)
{
    const char *base = path;

    for (; *path; path++)
        if (*path == '/')
            base = path + 1;
    return base;
}

bool xsd_path_is_child(const char *child, const char *parent)
{
    if (xsd_streq(parent, "/"))
        return child[0] == '/';
    if (!xsd_strstarts(child, parent))
        return false;
    child += lib_strlen(parent);
    return *child == '/' || *child == 0;
}
