/*
 * dom0-tools/xenstored/ops.c - the node operations: READ, WRITE, MKDIR, DIRECTORY,
 * DIRECTORY_PART, GET_PERMS, SET_PERMS (RM is in ops_rm.c). Each checks everything first and
 * then changes the view in steps that cannot fail.
 */
#include "xsd_core.h"
#include "xsd_plat.h"

const char *xsd_onearg(const char *payload, uint32_t len)
{
    if (!len || xsd_count_strings(payload, len) != 1 || payload[len - 1])
        return NULL;
    return payload;
}

/* Xen's rule for a refusal: a caller the nearest existing ancestor refuses learns only EACCES. */
static int error_from_parents(struct xsd_view *v, const char *path, int err, unsigned int want)
{
    char cur[XSD_PATH_BUF];
    const struct xsd_node *n = NULL;
    int rc;

    if (err == -PV_ENOMEM || err == -PV_ENOSPC)
        return err;
    if (path[0] == '@')
        path = "/@"; /* special nodes answer to the root's permissions */
    memcpy(cur, path, lib_strlen(path) + 1);
    while (!n && xsd_path_parent(cur, cur)) {
        rc = xsd_view_get(v, cur, &n);
        if (rc)
            return rc;
    }
    if (n && (xsd_perm_for(v->c, n->perms, n->nperms) & want) == want)
        return err;
    return -PV_EACCES;
}

int xsd_node_lookup(struct xsd_view *v, const char *path, unsigned int want,
                    const struct xsd_node **out)
{
    const struct xsd_node *n;
    int rc = xsd_view_get(v, path, &n);

    if (rc)
        return rc;
    if (n && (xsd_perm_for(v->c, n->perms, n->nperms) & want) == want) {
        *out = n;
        return 0;
    }
    return error_from_parents(v, path, n ? -PV_EACCES : -PV_ENOENT, want);
}

/* The one-path request of READ, MKDIR, RM, DIRECTORY, GET_PERMS, made canonical. */
static int path_arg(struct xsd_view *v, const char *payload, uint32_t len, bool special, char *path)
{
    const char *arg = xsd_onearg(payload, len);

    return arg ? xsd_path_canon(v->c, arg, special, path) : -PV_EINVAL;
}

static int check_size(const struct xsd_view *v, const struct xsd_node *n)
{
    if (xsd_unpriv(v->c) && xsd_node_size(n) > v->d->quota.node_size)
        return -PV_ENOSPC;
    return 0;
}

int xsd_op_read(struct xsd_view *v, const char *payload, uint32_t len)
{
    char path[XSD_PATH_BUF];
    const struct xsd_node *n;
    int rc = path_arg(v, payload, len, false, path);

    if (!rc)
        rc = xsd_node_lookup(v, path, XSD_PERM_READ, &n);
    return rc ? rc : xsd_reply(v->c, PV_XS_READ, n->data, n->datalen);
}

/* Stores n in place of old (same path) and reports the change. */
static int replace_node(struct xsd_view *v, const struct xsd_node *old, struct xsd_node *n)
{
    struct xsd_event *ev;
    int rc = check_size(v, n);

    ev = rc ? NULL : xsd_event_new(n->path, false, old);
    if (!rc && !ev)
        rc = -PV_ENOMEM;
    if (rc) {
        xsd_node_free(n);
        return rc;
    }
    rc = xsd_view_put(v, n);
    if (rc) {
        xsd_plat_free(ev);
        return rc;
    }
    xsd_view_event(v, ev);
    return 0;
}

static int write_value(struct xsd_view *v, const struct xsd_node *old, const char *data,
                       uint32_t datalen)
{
    struct xsd_node *n = xsd_node_new(old->path, old->perms, old->nperms, data, datalen,
                                      old->children, old->childlen);

    return n ? replace_node(v, old, n) : -PV_ENOMEM;
}

int xsd_op_write(struct xsd_view *v, const char *payload, uint32_t len)
{
    char path[XSD_PATH_BUF];
    const struct xsd_node *n;
    uint32_t plen;
    int rc;

    if (!len || !xsd_count_strings(payload, len))
        return -PV_EINVAL;
    plen = (uint32_t)lib_strlen(payload) + 1;
    rc = xsd_path_canon(v->c, payload, false, path);
    if (!rc)
        rc = xsd_node_lookup(v, path, XSD_PERM_WRITE, &n);
    if (!rc)
        rc = write_value(v, n, payload + plen, len - plen);
    else if (rc == -PV_ENOENT)
        rc = xsd_create_path(v, path, payload + plen, len - plen);
    return rc ? rc : xsd_reply_ok(v->c);
}

int xsd_op_mkdir(struct xsd_view *v, const char *payload, uint32_t len)
{
    char path[XSD_PATH_BUF];
    const struct xsd_node *n;
    int rc = path_arg(v, payload, len, false, path);

    if (!rc)
        rc = xsd_node_lookup(v, path, XSD_PERM_WRITE, &n);
    if (rc == -PV_ENOENT)
        rc = xsd_create_path(v, path, NULL, 0);
    return rc ? rc : xsd_reply_ok(v->c);
}

int xsd_op_directory(struct xsd_view *v, const char *payload, uint32_t len)
{
    char path[XSD_PATH_BUF];
    const struct xsd_node *n;
    int rc = path_arg(v, payload, len, false, path);

    if (!rc)
        rc = xsd_node_lookup(v, path, XSD_PERM_READ, &n);
    return rc ? rc : xsd_reply(v->c, PV_XS_DIRECTORY, n->children, n->childlen);
}

/* Children from byte offset off, as whole names while they fit; a final extra NUL at the end. */
static int reply_children_part(struct xsd_conn *c, const struct xsd_node *n, uint32_t off)
{
    char buf[PV_XENSTORE_PAYLOAD_MAX];
    size_t genlen = xsd_fmt_uint(buf, n->gen) + 1, len = 0, name;
    size_t max = PV_XENSTORE_PAYLOAD_MAX - genlen - 1;

    if (off >= n->childlen) {
        buf[genlen] = 0;
        return xsd_reply(c, PV_XS_DIRECTORY_PART, buf, genlen + 1);
    }
    while (off + len < n->childlen) {
        name = lib_strlen(n->children + off + len) + 1;
        if (len + name > max)
            break;
        len += name;
    }
    memcpy(buf + genlen, n->children + off, len);
    if (off + len == n->childlen)
        buf[genlen + len++] = 0;
    return xsd_reply(c, PV_XS_DIRECTORY_PART, buf, genlen + len);
}

int xsd_op_directory_part(struct xsd_view *v, const char *payload, uint32_t len)
{
    char path[XSD_PATH_BUF];
    const struct xsd_node *n;
    uint64_t off;
    int rc;

    if (xsd_count_strings(payload, len) != 2 || payload[len - 1])
        return -PV_EINVAL;
    if (!xsd_parse_uint(payload + lib_strlen(payload) + 1, UINT32_MAX, &off))
        return -PV_EINVAL;
    rc = xsd_path_canon(v->c, payload, false, path);
    if (!rc)
        rc = xsd_node_lookup(v, path, XSD_PERM_READ, &n);
    return rc ? rc : reply_children_part(v->c, n, (uint32_t)off);
}

int xsd_op_get_perms(struct xsd_view *v, const char *payload, uint32_t len)
{
    char path[XSD_PATH_BUF], buf[PV_XENSTORE_PAYLOAD_MAX + 16];
    const struct xsd_node *n;
    size_t out = 0;
    uint32_t i;
    int rc = path_arg(v, payload, len, true, path);

    if (!rc)
        rc = xsd_node_lookup(v, path, XSD_PERM_READ, &n);
    if (rc)
        return rc;
    for (i = 0; i < n->nperms && out + 12 <= sizeof(buf); i++)
        out += xsd_perm_format(&n->perms[i], buf + out) + 1;
    return xsd_reply(v->c, PV_XS_GET_PERMS, buf, out);
}

/* The permission strings after the path; *n is how many. */
static int parse_perms(struct xsd_view *v, const char *payload, uint32_t len,
                       struct xsd_perm *perms, uint32_t *n)
{
    const char *s = payload + lib_strlen(payload) + 1;
    uint32_t i, count = xsd_count_strings(payload, len);

    if (count < 2 || payload[len - 1])
        return -PV_EINVAL;
    *n = count - 1;
    if (*n > XSD_PERMS_MAX || (xsd_unpriv(v->c) && *n > v->d->quota.perms))
        return -PV_ENOSPC;
    for (i = 0; i < *n; i++, s += lib_strlen(s) + 1)
        if (!xsd_perm_parse(s, &perms[i]))
            return -PV_EINVAL;
    return 0;
}

int xsd_op_set_perms(struct xsd_view *v, const char *payload, uint32_t len)
{
    char path[XSD_PATH_BUF];
    struct xsd_perm perms[XSD_PERMS_MAX];
    const struct xsd_node *old;
    struct xsd_node *n;
    uint32_t nperms;
    int rc = parse_perms(v, payload, len, perms, &nperms);

    if (!rc)
        rc = xsd_path_canon(v->c, payload, true, path);
    if (!rc)
        rc = xsd_node_lookup(v, path, XSD_PERM_WRITE | XSD_PERM_OWNER, &old);
    if (rc)
        return rc;
    if (xsd_unpriv(v->c) && perms[0].id != xsd_node_owner(old))
        return -PV_EPERM;
    n = xsd_node_new(old->path, perms, nperms, old->data, old->datalen, old->children,
                     old->childlen);
    if (!n)
        return -PV_ENOMEM;
    rc = replace_node(v, old, n);
    return rc ? rc : xsd_reply_ok(v->c);
}
