/*
 * dom0-tools/xenstored/control.c - CONTROL requests (privileged): help, check, print, log,
 * memreport, quota, and as-domain, this implementation's way for a tools connection to speak
 * for an introduced domain (see docs/xenstore.md).
 */
#include "xsd_core.h"

#define REPLY_MAX 1024

struct check_state {
    struct xsd_daemon *d;
    unsigned int problems;
};

static void check_node(struct xsd_node *n, void *arg)
{
    struct check_state *st = arg;
    char parent[XSD_PATH_BUF], child[XSD_PATH_BUF];
    const struct xsd_node *p;
    uint32_t off;

    if (!n->nperms) {
        xsd_log("check: %s has no permissions", n->path);
        st->problems++;
    }
    if (xsd_path_parent(n->path, parent)) {
        p = xsd_table_get(&st->d->store, parent);
        if (!p || !xsd_node_has_child(p, xsd_path_base(n->path))) {
            xsd_log("check: %s is not a child of its parent", n->path);
            st->problems++;
        }
    }
    for (off = 0; off < n->childlen; off += (uint32_t)lib_strlen(n->children + off) + 1) {
        xsd_fmt(child, sizeof(child), "%s/%s", n->pathlen == 1 ? "" : n->path, n->children + off);
        if (!xsd_table_get(&st->d->store, child)) {
            xsd_log("check: child %s of %s does not exist", child, n->path);
            st->problems++;
        }
    }
}

struct owner_count {
    uint32_t domid;
    uint32_t count;
};

static void count_node(struct xsd_node *n, void *arg)
{
    struct owner_count *oc = arg;

    if (n->path[0] == '/' && xsd_node_owner(n) == oc->domid)
        oc->count++;
}

static unsigned int check_counts(struct xsd_daemon *d)
{
    const struct xsd_dom *dom;
    struct owner_count oc;
    unsigned int problems = 0;

    for (dom = d->doms; dom; dom = dom->next) {
        oc.domid = dom->domid;
        oc.count = 0;
        xsd_table_each(&d->store, count_node, &oc);
        if (oc.count != dom->entries) {
            xsd_log("check: domain %u owns %u nodes, counted %u", dom->domid, oc.count,
                    dom->entries);
            problems++;
        }
    }
    return problems;
}

unsigned int xsd_store_check(struct xsd_daemon *d)
{
    struct check_state st = {d, 0};

    xsd_table_each(&d->store, check_node, &st);
    return st.problems + check_counts(d);
}

static int reply_text(struct xsd_conn *c, const char *text)
{
    return xsd_reply(c, PV_XS_CONTROL, text, lib_strlen(text) + 1);
}

static const struct {
    const char *name;
    size_t offset;
} quota_names[] = {
    {"entries", offsetof(struct xsd_quota, entries)},
    {"watches", offsetof(struct xsd_quota, watches)},
    {"transactions", offsetof(struct xsd_quota, transactions)},
    {"node-size", offsetof(struct xsd_quota, node_size)},
    {"permissions", offsetof(struct xsd_quota, perms)},
    {"path-length", offsetof(struct xsd_quota, path_len)},
    {"transaction-nodes", offsetof(struct xsd_quota, txn_nodes)},
    {"event-bytes", offsetof(struct xsd_quota, out_events)},
};
#define NQUOTAS (sizeof(quota_names) / sizeof(quota_names[0]))

static unsigned int *quota_field(struct xsd_daemon *d, unsigned int i)
{
    return (unsigned int *)((char *)&d->quota + quota_names[i].offset);
}

static int control_quota(struct xsd_conn *c, const char **args, unsigned int nargs)
{
    char text[REPLY_MAX];
    size_t len = 0;
    uint64_t v;
    unsigned int i;

    if (nargs == 1) {
        for (i = 0; i < NQUOTAS; i++)
            len += xsd_fmt(text + len, sizeof(text) - len, "%s %u\n", quota_names[i].name,
                           *quota_field(c->d, i));
        return reply_text(c, text);
    }
    if (nargs != 3 || !xsd_parse_uint(args[2], UINT32_MAX, &v) || !v)
        return -PV_EINVAL;
    for (i = 0; i < NQUOTAS; i++)
        if (xsd_streq(args[1], quota_names[i].name)) {
            *quota_field(c->d, i) = (unsigned int)v;
            return xsd_reply_ok(c);
        }
    return -PV_EINVAL;
}

/* as-domain|<domid>: from now on this connection is that (introduced) domain's. */
static int control_as_domain(struct xsd_conn *c, const char **args, unsigned int nargs)
{
    uint32_t domid;

    if (nargs != 2 || !xsd_parse_domid(args[1], &domid))
        return -PV_EINVAL;
    if (domid && !xsd_dom_find(c->d, domid))
        return -PV_ENOENT;
    xsd_watch_drop_all(c);
    xsd_txn_drop_all(c);
    if (domid) {
        c->domid = domid;
        c->priv = false;
    }
    return xsd_reply_ok(c);
}

static int control_memreport(struct xsd_conn *c)
{
    char text[REPLY_MAX];
    unsigned int conns = 0, doms = 0;
    const struct xsd_conn *i;
    const struct xsd_dom *dom;

    for (i = c->d->conns; i; i = i->next)
        conns++;
    for (dom = c->d->doms; dom; dom = dom->next)
        doms++;
    xsd_fmt(text, sizeof(text), "nodes %u\nconnections %u\ndomains %u\nevents-dropped %llu\n",
            c->d->store.count, conns, doms, (unsigned long long)c->d->events_dropped);
    return reply_text(c, text);
}

static int control_log(struct xsd_conn *c, const char **args, unsigned int nargs)
{
    if (nargs != 2 || (!xsd_streq(args[1], "on") && !xsd_streq(args[1], "off")))
        return -PV_EINVAL;
    c->d->trace = xsd_streq(args[1], "on");
    return xsd_reply_ok(c);
}

static int control_check(struct xsd_conn *c)
{
    char text[64];
    unsigned int problems = xsd_store_check(c->d);

    if (!problems)
        return reply_text(c, "OK");
    xsd_fmt(text, sizeof(text), "%u problems (see the log)", problems);
    return reply_text(c, text);
}

int xsd_op_control(struct xsd_conn *c, const char *payload, uint32_t len)
{
    const char *args[4];
    unsigned int nargs = 0;
    uint32_t off = 0;

    while (off < len && xsd_count_strings(payload + off, len - off) && nargs < 4) {
        args[nargs++] = payload + off;
        off += (uint32_t)lib_strlen(payload + off) + 1;
    }
    if (!nargs || off != len)
        return -PV_EINVAL;
    if (xsd_streq(args[0], "help"))
        return reply_text(c, "help\ncheck\nprint|<text>\nlog|on|off\nmemreport\n"
                             "quota[|<name>|<value>]\nas-domain|<domid>\n");
    if (xsd_streq(args[0], "check"))
        return control_check(c);
    if (xsd_streq(args[0], "print") && nargs == 2) {
        xsd_log("%s", args[1]);
        return xsd_reply_ok(c);
    }
    if (xsd_streq(args[0], "log"))
        return control_log(c, args, nargs);
    if (xsd_streq(args[0], "memreport"))
        return control_memreport(c);
    if (xsd_streq(args[0], "quota"))
        return control_quota(c, args, nargs);
    if (xsd_streq(args[0], "as-domain"))
        return control_as_domain(c, args, nargs);
    return -PV_EINVAL;
}
