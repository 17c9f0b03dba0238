/* dom0-tools/consoled/ring.c - console ring transfers (hostile indexes) and byte queues. */
#include <stdlib.h>
#include <string.h>

#include "ring.h"

#define OUT_SIZE sizeof(((struct pv_xencons_interface *)0)->out)
#define IN_SIZE sizeof(((struct pv_xencons_interface *)0)->in)

static uint32_t load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

long ring_take_output(struct pv_xencons_interface *r, char *buf, size_t max)
{
    uint32_t cons = load(&r->out_cons), prod = load(&r->out_prod), avail = prod - cons;
    size_t n = 0;

    if (avail > OUT_SIZE)
        return -1;
    while (n < max && cons != prod) {
        buf[n++] = r->out[cons & (OUT_SIZE - 1)];
        cons++;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* bytes read before the guest may reuse them */
    store(&r->out_cons, cons);
    return (long)n;
}

long ring_put_input(struct pv_xencons_interface *r, const char *buf, size_t len)
{
    uint32_t cons = load(&r->in_cons), prod = load(&r->in_prod), used = prod - cons;
    size_t n = 0;

    if (used > IN_SIZE)
        return -1;
    while (n < len && used + n < IN_SIZE) {
        r->in[prod & (IN_SIZE - 1)] = buf[n++];
        prod++;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* bytes visible before the index */
    store(&r->in_prod, prod);
    return (long)n;
}

int cbuf_init(struct cbuf *q, size_t cap)
{
    memset(q, 0, sizeof(*q));
    q->data = malloc(cap);
    q->cap = q->data ? cap : 0;
    return q->data ? 0 : -1;
}

void cbuf_free(struct cbuf *q)
{
    free(q->data);
    memset(q, 0, sizeof(*q));
}

void cbuf_push(struct cbuf *q, const char *p, size_t n)
{
    if (!q->cap)
        return;
    if (n > q->cap) { /* only the newest cap bytes can stay */
        q->dropped += n - q->cap;
        p += n - q->cap;
        n = q->cap;
    }
    if (q->len + n > q->cap) { /* the oldest bytes make room */
        size_t over = q->len + n - q->cap;

        q->dropped += over;
        cbuf_pop(q, over);
    }
    for (size_t i = 0; i < n; i++)
        q->data[(q->head + q->len + i) % q->cap] = p[i];
    q->len += n;
}

size_t cbuf_peek(const struct cbuf *q, const char **p)
{
    size_t run = q->cap - q->head;

    *p = q->len ? q->data + q->head : NULL;
    return q->len < run ? q->len : run;
}

void cbuf_pop(struct cbuf *q, size_t n)
{
    if (n > q->len)
        n = q->len;
    q->head = q->cap ? (q->head + n) % q->cap : 0;
    q->len -= n;
}

void cbuf_copy(struct cbuf *dst, const struct cbuf *src)
{
    size_t first = src->cap - src->head;

    if (!src->len)
        return;
    if (src->len <= first) {
        cbuf_push(dst, src->data + src->head, src->len);
        return;
    }
    cbuf_push(dst, src->data + src->head, first);
    cbuf_push(dst, src->data, src->len - first);
}
