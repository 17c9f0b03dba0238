/* dom0-tools/consoled/ring.h - the console ring as its backend sees it, and byte queues. */
#ifndef HVC_RING_H
#define HVC_RING_H

#include <stddef.h>
#include <stdint.h>

#include "pv-abi/console_io.h"

/*
 * The guest's ring is shared memory it may change at any moment: every index is read once and
 * checked. An impossible index (more unread bytes than the ring holds) leaves the ring as it is
 * and returns -1, as xenconsoled ignores such a ring until the guest repairs it.
 */

/* Moves the guest's unread output (at most max bytes) into buf and advances out_cons: the number
 * of bytes, 0 if there is none, -1 if the indexes are impossible. */
long ring_take_output(struct pv_xencons_interface *r, char *buf, size_t max);
/* Puts up to len bytes of input into in[] and advances in_prod: the number of bytes written
 * (0 when the ring is full), -1 if the indexes are impossible. */
long ring_put_input(struct pv_xencons_interface *r, const char *buf, size_t len);

/* A byte queue of fixed capacity that drops its oldest bytes when more arrive than it holds. */
struct cbuf {
    char *data;
    size_t cap, head, len;
    uint64_t dropped; /* bytes lost to overflow, in all */
};

int cbuf_init(struct cbuf *q, size_t cap); /* 0 or -1 (no memory) */
void cbuf_free(struct cbuf *q);
void cbuf_push(struct cbuf *q, const char *p, size_t n);
/* The first contiguous run of queued bytes: its length, *p its start (0 if empty). */
size_t cbuf_peek(const struct cbuf *q, const char **p);
void cbuf_pop(struct cbuf *q, size_t n);
/* Appends every byte of src to dst, oldest first (src unchanged). */
void cbuf_copy(struct cbuf *dst, const struct cbuf *src);

#endif /* HVC_RING_H */
