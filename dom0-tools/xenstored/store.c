/*
 * dom0-tools/xenstored/store.c - nodes and the hash table from path to node; the main table's
 * bookkeeping (generations, nodes owned per domain).
 */
#include "xsd_core.h"
#include "xsd_plat.h"

struct xsd_node *xsd_node_alloc(const char *path, uint32_t nperms, uint32_t datalen,
                                uint32_t childlen)
{
    uint32_t pathlen = (uint32_t)lib_strlen(path);
    size_t size = sizeof(struct xsd_node) + nperms * sizeof(struct xsd_perm) + pathlen + 1 +
                  datalen + childlen + 1;
    struct xsd_node *n = xsd_plat_alloc(size);

    if (!n)
        return NULL;
    n->hnext = NULL;
    n->gen = XSD_GEN_ABSENT;
    n->pathlen = pathlen;
    n->nperms = nperms;
    n->datalen = datalen;
    n->childlen = childlen;
    n->perms = (struct xsd_perm *)(n + 1);
    n->path = (char *)(n->perms + nperms);
    memcpy(n->path, path, pathlen + 1);
    n->data = n->path + pathlen + 1;
    n->children = n->data + datalen;
    n->children[childlen] = 0;
    return n;
}

struct xsd_node *xsd_node_new(const char *path, const struct xsd_perm *perms, uint32_t nperms,
                              const void *data, uint32_t datalen, const char *children,
                              uint32_t childlen)
{
    struct xsd_node *n = xsd_node_alloc(path, nperms, datalen, childlen);

    if (!n)
        return NULL;
    memcpy(n->perms, perms, nperms * sizeof(struct xsd_perm));
    if (datalen)
        memcpy(n->data, data, datalen);
    if (childlen)
        memcpy(n->children, children, childlen);
    return n;
}

struct xsd_node *xsd_node_copy(const struct xsd_node *n)
{
    struct xsd_node *c =
        xsd_node_new(n->path, n->perms, n->nperms, n->data, n->datalen, n->children, n->childlen);

    if (c)
        c->gen = n->gen;
    return c;
}

void xsd_node_free(struct xsd_node *n)
{
    xsd_plat_free(n);
}

uint32_t xsd_node_size(const struct xsd_node *n)
{
    return n->datalen + n->childlen + n->nperms * (uint32_t)sizeof(struct xsd_perm);
}

bool xsd_node_has_child(const struct xsd_node *n, const char *name)
{
    uint32_t off = 0;

    while (off < n->childlen) {
        if (xsd_streq(n->children + off, name))
            return true;
        off += (uint32_t)lib_strlen(n->children + off) + 1;
    }
    return false;
}

uint32_t xsd_node_owner(const struct xsd_node *n)
{
    return n->perms[0].id;
}

/* djb2, as good as any for paths. */
static uint32_t hash_path(const char *s)
{
    uint32_t h = 5381;

    while (*s)
        h = h * 33 + (uint8_t)*s++;
    return h;
}

int xsd_table_init(struct xsd_table *t, uint32_t nbuckets)
{
    t->buckets = xsd_zalloc(nbuckets * sizeof(*t->buckets));
    if (!t->buckets)
        return -PV_ENOMEM;
    t->nbuckets = nbuckets;
    t->count = 0;
    return 0;
}

void xsd_table_destroy(struct xsd_table *t)
{
    uint32_t i;
    struct xsd_node *n, *next;

    for (i = 0; i < t->nbuckets; i++)
        for (n = t->buckets[i]; n; n = next) {
            next = n->hnext;
            xsd_node_free(n);
        }
    xsd_plat_free(t->buckets);
    t->buckets = NULL;
    t->nbuckets = t->count = 0;
}

struct xsd_node *xsd_table_get(const struct xsd_table *t, const char *path)
{
    struct xsd_node *n = t->buckets[hash_path(path) % t->nbuckets];

    while (n && !xsd_streq(n->path, path))
        n = n->hnext;
    return n;
}

/* Doubles the bucket array when the table gets crowded; keeps the old one on no memory. */
static void table_grow(struct xsd_table *t)
{
    uint32_t nb = t->nbuckets * 2, i;
    struct xsd_node **b, *n, *next;

    if (t->count < t->nbuckets * 2 || nb < t->nbuckets)
        return;
    b = xsd_zalloc(nb * sizeof(*b));
    if (!b)
        return;
    for (i = 0; i < t->nbuckets; i++)
        for (n = t->buckets[i]; n; n = next) {
            next = n->hnext;
            n->hnext = b[hash_path(n->path) % nb];
            b[hash_path(n->path) % nb] = n;
        }
    xsd_plat_free(t->buckets);
    t->buckets = b;
    t->nbuckets = nb;
}

struct xsd_node *xsd_table_put(struct xsd_table *t, struct xsd_node *n)
{
    struct xsd_node *old = xsd_table_take(t, n->path);
    struct xsd_node **b = &t->buckets[hash_path(n->path) % t->nbuckets];

    n->hnext = *b;
    *b = n;
    t->count++;
    table_grow(t);
    return old;
}

struct xsd_node *xsd_table_take(struct xsd_table *t, const char *path)
{
    struct xsd_node **pp = &t->buckets[hash_path(path) % t->nbuckets];

    for (; *pp; pp = &(*pp)->hnext) {
        struct xsd_node *n = *pp;
        if (xsd_streq(n->path, path)) {
            *pp = n->hnext;
            n->hnext = NULL;
            t->count--;
            return n;
        }
    }
    return NULL;
}

void xsd_table_each(const struct xsd_table *t, void (*fn)(struct xsd_node *n, void *arg), void *arg)
{
    uint32_t i;
    struct xsd_node *n, *next;

    for (i = 0; i < t->nbuckets; i++)
        for (n = t->buckets[i]; n; n = next) {
            next = n->hnext;
            fn(n, arg);
        }
}

static void account(struct xsd_daemon *d, const struct xsd_node *n, int delta)
{
    struct xsd_dom *dom;

    if (!n || n->path[0] != '/')
        return;
    dom = xsd_dom_find(d, xsd_node_owner(n));
    if (dom)
        dom->entries = (uint32_t)((int32_t)dom->entries + delta);
}

void xsd_store_put(struct xsd_daemon *d, struct xsd_node *n)
{
    struct xsd_node *old;

    n->gen = ++d->next_gen;
    old = xsd_table_put(&d->store, n);
    account(d, old, -1);
    account(d, n, 1);
    if (old)
        xsd_node_free(old);
}

void xsd_store_del(struct xsd_daemon *d, const char *path)
{
    struct xsd_node *old = xsd_table_take(&d->store, path);

    account(d, old, -1);
    if (old)
        xsd_node_free(old);
}
