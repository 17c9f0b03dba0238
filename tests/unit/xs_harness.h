/*
 * tests/unit/xs_harness.h - drives the real xenstored core (dom0-tools/xenstored) in unit
 * tests: a platform with countable, failable allocations, and connections fed requests and
 * drained of replies exactly as a transport would.
 */
#ifndef XS_HARNESS_H
#define XS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../dom0-tools/xenstored/xenstored.h"

struct xs_reply {
    uint32_t type, req_id, tx_id, len;
    char body[4200]; /* payload plus a NUL */
};

/* Allocations: count them, and make the n-th from now fail (0: none fails). */
extern unsigned long xs_h_allocs, xs_h_live;
void xs_h_fail_after(unsigned long n);
/* Log lines are kept (the last one) and printed only when XS_H_VERBOSE is set. */
extern char xs_h_last_log[512];

struct xsd_daemon *xs_h_daemon(void);
struct xsd_conn *xs_h_conn(struct xsd_daemon *d, uint32_t domid, bool privileged);

/* Feeds raw bytes in chunks of at most chunk bytes (0: as much as the core wants); returns the
 * first non-zero xsd_conn_received result. */
int xs_h_feed(struct xsd_conn *c, const void *bytes, size_t len, size_t chunk);
/* Sends a request: payload of len bytes (len < 0: strlen + 1). */
void xs_h_send(struct xsd_conn *c, uint32_t type, uint32_t tx, const char *payload, long len);
/* Takes the next queued message; false if none. */
bool xs_h_recv(struct xsd_conn *c, struct xs_reply *r);
/* Request and the next message (fails the test if none). */
void xs_h_req(struct xsd_conn *c, uint32_t type, uint32_t tx, const char *payload, long len,
              struct xs_reply *r);
/* Convenience: asserts the reply's type (the request's) and its payload as a string. */
void xs_h_expect(struct xsd_conn *c, uint32_t type, uint32_t tx, const char *payload, long len,
                 const char *want);
void xs_h_expect_err(struct xsd_conn *c, uint32_t type, uint32_t tx, const char *payload, long len,
                     const char *err);
/* Common requests, asserting success. */
void xs_h_write(struct xsd_conn *c, uint32_t tx, const char *path, const char *value);
/* The value (a static buffer), or "!" and the error name. */
char *xs_h_read(struct xsd_conn *c, uint32_t tx, const char *path);
const char *xs_h_last_error(void);
uint32_t xs_h_txn_start(struct xsd_conn *c);
void xs_h_introduce(struct xsd_conn *dom0, uint32_t domid);
/* Counts and discards queued watch events; asserts none but events are queued. */
unsigned int xs_h_drain_events(struct xsd_conn *c);
/* Is a watch event path/token next in the queue? Takes it if so. */
bool xs_h_event(struct xsd_conn *c, const char *path, const char *token);
/* The daemon's own consistency check finds nothing wrong. */
void xs_h_check_store(struct xsd_conn *dom0);

#endif /* XS_HARNESS_H */
