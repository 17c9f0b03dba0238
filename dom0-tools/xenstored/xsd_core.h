/*
 * dom0-tools/xenstored/xsd_core.h - the core's private structures and internal interfaces.
 *
 * The database is a flat table from full path to node, as Xen's: a node holds its value, its
 * permissions and the names of its children, so a path never depends on pointers between
 * nodes and a transaction's changes can be applied one path at a time. Nodes are immutable
 * once stored; a change stores a new node under the same path with a new generation number.
 */
#ifndef XSD_CORE_H
#define XSD_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pv-abi/errno.h"
#include "xenstored.h"
#include "pv-abi/xs_wire.h"

/* The freestanding library (lib/README.md): memcpy, memmove, memset and memcmp are the only C
 * library functions the core uses (the dom0 build gets them from guest-kit); lib_* are linked
 * into the core. */
#include "lib/format.h"
#include "lib/string.h"

/* ---- util.c: strings, numbers, memory, log ---- */
bool xsd_streq(const char *a, const char *b);
bool xsd_strstarts(const char *s, const char *prefix);
void *xsd_zalloc(size_t size);
char *xsd_strdup(const char *s);
/* Decimal digits only, no sign, value <= max; false otherwise. */
bool xsd_parse_uint(const char *s, uint64_t max, uint64_t *out);
/* Writes v in decimal with a NUL; returns the digits' length (buf holds >= 21 bytes). */
size_t xsd_fmt_uint(char *buf, uint64_t v);
/* lib_snprintf, but returns the length written (at most size - 1), not the length wanted. */
size_t xsd_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void xsd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Number of NUL-terminated strings in buf[0..len) (bytes after the last NUL don't count). */
unsigned int xsd_count_strings(const char *buf, size_t len);
/* The errno name xenstore sends for a (negative) PV_E* code; unknown codes become "EINVAL". */
const char *xsd_errname(int err);

/* ---- perms.c ---- */
#define XSD_PERM_NONE 0u
#define XSD_PERM_READ 1u
#define XSD_PERM_WRITE 2u
#define XSD_PERM_OWNER 8u /* internal: owners and privileged connections */

/* Permission entries a node may carry, whoever sets them (ENOSPC beyond). */
#define XSD_PERMS_MAX 128

struct xsd_perm {
    uint32_t id;    /* domain id */
    uint32_t perms; /* XSD_PERM_READ | XSD_PERM_WRITE */
};

/* "r5" -> {5, READ}; false on a bad letter or number. */
bool xsd_perm_parse(const char *s, struct xsd_perm *p);
/* Writes "b0" etc. with a NUL; returns the length (buf holds >= 12 bytes). */
size_t xsd_perm_format(const struct xsd_perm *p, char *buf);
/* What conn may do with a node carrying perms[0..n): XSD_PERM_* bits. */
unsigned int xsd_perm_for(const struct xsd_conn *c, const struct xsd_perm *perms, unsigned int n);

/* ---- store.c: nodes and the main table ---- */
#define XSD_GEN_ABSENT 0 /* "no node here" in a transaction's record of what it saw */

struct xsd_node {
    struct xsd_node *hnext; /* hash chain */
    uint64_t gen;           /* changes whenever the node (value, perms, children) changes */
    uint32_t pathlen, nperms, datalen, childlen;
    char *path;             /* all four point into the node's own allocation */
    struct xsd_perm *perms; /* perms[0]: owner and default for everyone else */
    char *data;
    char *children; /* names separated and ended by NULs */
};

struct xsd_table {
    struct xsd_node **buckets;
    uint32_t nbuckets, count;
};

/* A node with room for its parts, only path filled in (and a NUL after the children). */
struct xsd_node *xsd_node_alloc(const char *path, uint32_t nperms, uint32_t datalen,
                                uint32_t childlen);
struct xsd_node *xsd_node_new(const char *path, const struct xsd_perm *perms, uint32_t nperms,
                              const void *data, uint32_t datalen, const char *children,
                              uint32_t childlen);
struct xsd_node *xsd_node_copy(const struct xsd_node *n);
void xsd_node_free(struct xsd_node *n);
/* Size counted against the node-size quota. */
uint32_t xsd_node_size(const struct xsd_node *n);
bool xsd_node_has_child(const struct xsd_node *n, const char *name);
uint32_t xsd_node_owner(const struct xsd_node *n);

int xsd_table_init(struct xsd_table *t, uint32_t nbuckets);
void xsd_table_destroy(struct xsd_table *t);
struct xsd_node *xsd_table_get(const struct xsd_table *t, const char *path);
/* Inserts n (never fails; the table grows when it can). Returns the node it replaced or NULL. */
struct xsd_node *xsd_table_put(struct xsd_table *t, struct xsd_node *n);
struct xsd_node *xsd_table_take(struct xsd_table *t, const char *path);
/* Calls fn on every node; fn must not change the table. */
void xsd_table_each(const struct xsd_table *t, void (*fn)(struct xsd_node *n, void *arg),
                    void *arg);

/* The main table, keeping per-domain entry counts and generations: takes ownership of n. */
void xsd_store_put(struct xsd_daemon *d, struct xsd_node *n);
void xsd_store_del(struct xsd_daemon *d, const char *path);

/* ---- path.c ---- */
#define XSD_PATH_BUF (PV_XENSTORE_ABS_PATH_MAX + 1) /* a canonical path and its NUL */
/* Checks and makes absolute (relative paths live under /local/domain/<domid>). */
int xsd_path_canon(const struct xsd_conn *c, const char *in, bool allow_special, char *out);
/* Parent of an absolute path ("/" for "/a"); false for "/" and '@' paths. */
bool xsd_path_parent(const char *path, char *out);
const char *xsd_path_base(const char *path);
/* Is child equal to parent or below it ("/" is above everything)? */
bool xsd_path_is_child(const char *child, const char *parent);
/* Length of the implicit prefix "/local/domain/<domid>" (without the slash after it). */
size_t xsd_path_domain_prefix(uint32_t domid, char *out);

/* ---- watch.c ---- */
struct xsd_watch {
    struct xsd_watch *next;
    char *path;       /* canonical */
    char *token;      /* in the same allocation */
    uint32_t rel_off; /* bytes of path dropped in events (relative watches) */
};

/* A change to report: fired at once, or queued in a transaction until it commits. */
struct xsd_event {
    struct xsd_event *next;
    bool exact;             /* only watches on exactly this path (nodes removed below rm) */
    uint32_t nperms;        /* the node's permissions before the change, if it had any */
    struct xsd_perm *perms; /* in the same allocation */
    char *path;
};

struct xsd_event *xsd_event_new(const char *path, bool exact, const struct xsd_node *before);
void xsd_event_fire(struct xsd_daemon *d, const struct xsd_event *ev);
void xsd_watch_drop_all(struct xsd_conn *c);
int xsd_op_watch(struct xsd_conn *c, const char *payload, uint32_t len);
int xsd_op_unwatch(struct xsd_conn *c, const char *payload, uint32_t len);

/* ---- txn.c and view.c ---- */
struct xsd_tentry {
    struct xsd_tentry *hnext;
    char *path;
    uint64_t base_gen;     /* generation seen at first access, or XSD_GEN_ABSENT */
    bool modified;         /* node is what the commit stores (NULL: delete) */
    struct xsd_node *node; /* the transaction's view of the path; NULL: absent */
};

struct xsd_txn {
    struct xsd_txn *next;
    uint32_t id;
    struct xsd_tentry **buckets;
    uint32_t nbuckets, count;
    int32_t entry_delta; /* nodes the connection's domain gains if this commits */
    struct xsd_event *events, *events_tail;
};

/* Where an operation reads and writes: the main table or a transaction. */
struct xsd_view {
    struct xsd_daemon *d;
    struct xsd_conn *c;
    struct xsd_txn *txn; /* NULL: the main table */
};

/* The node at path as the view sees it (*out NULL if none); 0 or -PV_ENOMEM/-PV_ENOSPC. */
int xsd_view_get(struct xsd_view *v, const char *path, const struct xsd_node **out);
/* Stores n (taking it, also on failure) or removes path; events are fired or queued. */
int xsd_view_put(struct xsd_view *v, struct xsd_node *n);
int xsd_view_del(struct xsd_view *v, const char *path);
/* Reports ev now, or at commit time inside a transaction (takes ev). */
void xsd_view_event(struct xsd_view *v, struct xsd_event *ev);

struct xsd_txn *xsd_txn_find(struct xsd_conn *c, uint32_t id);
int xsd_op_txn_start(struct xsd_conn *c, uint32_t tx_id);
int xsd_op_txn_end(struct xsd_conn *c, struct xsd_txn *txn, const char *payload, uint32_t len);
void xsd_txn_drop_all(struct xsd_conn *c);

/* ---- dom.c: domain records ---- */
#define XSD_NO_TARGET UINT32_MAX
struct xsd_dom {
    struct xsd_dom *next;
    uint32_t domid;
    uint32_t entries; /* nodes owned */
    uint32_t target;  /* SET_TARGET, or XSD_NO_TARGET */
    uint64_t gfn;
    uint32_t port;
    bool shutdown_reported;
    void *transport;
};

struct xsd_dom *xsd_dom_find(struct xsd_daemon *d, uint32_t domid);
int xsd_op_introduce(struct xsd_conn *c, const char *payload, uint32_t len);
int xsd_op_release(struct xsd_conn *c, const char *payload, uint32_t len);
int xsd_op_is_introduced(struct xsd_conn *c, const char *payload, uint32_t len);
int xsd_op_resume(struct xsd_conn *c, const char *payload, uint32_t len);
int xsd_op_set_target(struct xsd_conn *c, const char *payload, uint32_t len);
int xsd_op_get_domain_path(struct xsd_conn *c, const char *payload, uint32_t len);
void xsd_dom_free_all(struct xsd_daemon *d);
/* The payload as one string: exactly one NUL, at the end; NULL otherwise. */
const char *xsd_onearg(const char *payload, uint32_t len);
/* A domain id as xenstore sends it: decimal, at most 65535. */
bool xsd_parse_domid(const char *s, uint32_t *domid);

/* ---- ops.c, ops_tree.c: the node operations ---- */
int xsd_op_read(struct xsd_view *v, const char *payload, uint32_t len);
int xsd_op_write(struct xsd_view *v, const char *payload, uint32_t len);
int xsd_op_mkdir(struct xsd_view *v, const char *payload, uint32_t len);
int xsd_op_rm(struct xsd_view *v, const char *payload, uint32_t len);
int xsd_op_directory(struct xsd_view *v, const char *payload, uint32_t len);
int xsd_op_directory_part(struct xsd_view *v, const char *payload, uint32_t len);
int xsd_op_get_perms(struct xsd_view *v, const char *payload, uint32_t len);
int xsd_op_set_perms(struct xsd_view *v, const char *payload, uint32_t len);
/* Node at path with the rights wanted, or the error Xen gives (ENOENT/EACCES as parents say). */
int xsd_node_lookup(struct xsd_view *v, const char *path, unsigned int want,
                    const struct xsd_node **out);
/* Creates path and its missing parents, path holding data (ops_tree.c). */
int xsd_create_path(struct xsd_view *v, const char *path, const char *data, uint32_t datalen);
/* Removes path (which exists) and everything below it (ops_tree.c). */
int xsd_rm_tree(struct xsd_view *v, const char *path);

/* ---- control.c ---- */
int xsd_op_control(struct xsd_conn *c, const char *payload, uint32_t len);
/* Checks the table's invariants; returns the number of problems (each logged). */
unsigned int xsd_store_check(struct xsd_daemon *d);

/* ---- conn.c ---- */
struct xsd_msg {
    struct xsd_msg *next;
    bool event;
    uint32_t size; /* header + payload */
    char bytes[];
};

struct xsd_conn {
    struct xsd_conn *next; /* every connection of the daemon */
    struct xsd_daemon *d;
    uint32_t domid;
    bool priv;
    bool dead;
    const struct xsd_conn_ops *ops;
    void *transport;
    /* Input: the header, then the payload (NUL-terminated for convenience). */
    struct pv_xsd_sockmsg in_hdr;
    uint32_t in_used;
    bool in_body;
    char in_buf[PV_XENSTORE_PAYLOAD_MAX + 1];
    /* Output queue. */
    struct xsd_msg *out_head, *out_tail;
    uint32_t out_off;
    size_t out_bytes, event_bytes;
    /* The request being served (for replies). */
    struct pv_xsd_sockmsg cur;
    bool replied;
    struct xsd_watch *watches;
    unsigned int nwatches;
    struct xsd_txn *txns;
    unsigned int ntxns;
    uint32_t next_txid;
};

/* Queues the reply to the current request (type, payload). 0 or -PV_ENOMEM. */
int xsd_reply(struct xsd_conn *c, uint32_t type, const void *data, size_t len);
int xsd_reply_ok(struct xsd_conn *c);
void xsd_reply_error(struct xsd_conn *c, int err);
/* Queues a watch event (dropped when too long, duplicate, or over the backlog limit). */
void xsd_conn_event(struct xsd_conn *c, const char *path, const char *token);
/* dispatch.c: serves one complete request in c->in_hdr / c->in_buf. */
void xsd_dispatch(struct xsd_conn *c);

/* ---- daemon.c ---- */
struct xsd_daemon {
    struct xsd_table store;
    uint64_t next_gen;
    struct xsd_quota quota;
    struct xsd_conn *conns;
    struct xsd_dom *doms;
    struct xsd_dom_hooks hooks;
    bool trace;
    uint64_t events_dropped;
};

/* Is the connection subject to permissions and quotas? */
static inline bool xsd_unpriv(const struct xsd_conn *c)
{
    return !c->priv;
}

#endif /* XSD_CORE_H */
