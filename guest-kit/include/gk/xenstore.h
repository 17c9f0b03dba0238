/* guest-kit: the xenstore client (docs/porting/drivers.md#finding-a-backend-xenstore).
 *
 * A domU reaches xenstored through the ring page start_info.store_mfn (struct
 * pv_xenstore_domain_interface) and the event channel start_info.store_evtchn. The client is
 * synchronous: each call sends one request (pv-abi/xs_wire.h), waits for its reply on the
 * store port (re-checking the ring every GK_XS_POLL_NS in case an event is lost) and returns.
 * Watch events that arrive meanwhile are queued (GK_XS_WATCH_QUEUE of them; more are dropped
 * and counted) and handed out by gk_xs_watch_wait().
 *
 * xenstored is dom0's: everything read from the ring is checked (a reply longer than the
 * protocol's 4096 bytes or an impossible index breaks the ring for good: -PV_EIO from then on;
 * a reply to another request is dropped), and no call waits longer than the timeout.
 *
 * Results: 0 (or a length) on success, else a negative PV_E* errno: the daemon's error name
 * mapped to its number (the name itself is kept: gk_xs_error()), -PV_ETIMEDOUT when no reply
 * came in time, -PV_ENODEV without a store ring, -PV_E2BIG when a reply does not fit the
 * caller's buffer, -PV_EBADMSG for a malformed reply, -PV_EIO once the ring is broken.
 * Paths without a leading '/' are relative to the domain's home, /local/domain/<domid>.
 * tx is a transaction id from gk_xs_transaction_start(), or GK_XS_NO_TX.
 */
#ifndef GK_XENSTORE_H
#define GK_XENSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GK_XS_NO_TX 0U
/* Default bound of one call (gk_xs_set_timeout), and the ring re-check period. */
#define GK_XS_TIMEOUT_NS (30 * 1000000000ULL)
#define GK_XS_POLL_NS (50 * 1000000ULL)
/* Watch events kept until gk_xs_watch_wait() takes them, and their longest path and token. */
#define GK_XS_WATCH_QUEUE 32
#define GK_XS_WATCH_PATH_MAX 256
#define GK_XS_WATCH_TOKEN_MAX 32

/* Find the store ring and port in start_info and map shared_info if needed. 0, or -PV_ENODEV
 * if the domain has none (dom0, or a boot-time domain built without "xenstore"). Calling it
 * again is harmless. The first reply may take long (the daemon introduces the domain when it
 * is ready): gk_xs_set_timeout() first if the default is too short. */
long gk_xs_init(void);
bool gk_xs_ready(void);
/* Resume in a new domain: the ring and port again from start_info, the queue emptied. Watches
 * are gone: the caller sets them again. */
long gk_xs_resume(void);
/* Bound every later call to ns nanoseconds (0: the default). */
void gk_xs_set_timeout(uint64_t ns);
/* The daemon's error name of the last call that failed with one ("ENOENT"), else "". */
const char *gk_xs_error(void);

/* Read path's value into buf (NUL-terminated). Returns its length, -PV_E2BIG if it does not fit
 * size - 1 bytes (nothing useful in buf), or an error. */
long gk_xs_read(uint32_t tx, const char *path, char *buf, size_t size);
/* Read an unsigned decimal (or 0x hex) value. -PV_EINVAL if the value is not one. */
long gk_xs_read_u64(uint32_t tx, const char *path, uint64_t *value);
/* Write value (a string) at path, creating missing parents. */
long gk_xs_write(uint32_t tx, const char *path, const char *value);
/* Write a formatted value (lib_snprintf's formats; at most 256 bytes). */
long gk_xs_printf(uint32_t tx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Create an empty node / remove a subtree. */
long gk_xs_mkdir(uint32_t tx, const char *path);
long gk_xs_rm(uint32_t tx, const char *path);
/* The children of path as "a\0b\0...\0" in buf; returns their number (0 for a leaf), -PV_E2BIG
 * if they do not fit. gk_xs_dir_next() walks them. */
long gk_xs_directory(uint32_t tx, const char *path, char *buf, size_t size);
/* The child after cur in a list from gk_xs_directory (cur NULL: the first), NULL at the end. */
const char *gk_xs_dir_next(const char *buf, long count, const char *cur);

/* Transactions: start (the id in *tx), end with commit true/false. Ending with commit may give
 * -PV_EAGAIN: someone else changed what the transaction read; start again. */
long gk_xs_transaction_start(uint32_t *tx);
long gk_xs_transaction_end(uint32_t tx, bool commit);

/* Watch path (and everything below it) under token: an event fires at once and after each
 * change. Tokens and paths longer than the queue keeps cannot be watched (-PV_ENAMETOOLONG). */
long gk_xs_watch(const char *path, const char *token);
long gk_xs_unwatch(const char *path, const char *token);
/* Take the oldest queued watch event whose token is token (NULL: any), waiting until deadline
 * (gk_time_now() ns, 0: only what is queued or arrives during one poll). path and tok (each may
 * be NULL) get its strings. 0, or -PV_ETIMEDOUT. */
long gk_xs_watch_wait(const char *token, uint64_t deadline, char *path, size_t path_size,
                      char *tok, size_t tok_size);
/* The same, also ending with -PV_EINTR once an event came on port2 (gk_event_counts[port2] no
 * longer seen2: read before the caller looked at what it brings) while no message was half
 * read: a second source of requests, as the suspend event channel (gk/suspend.h). port2 0:
 * none. */
long gk_xs_watch_wait_or(uint32_t port2, uint32_t seen2, const char *token, uint64_t deadline,
                         char *path, size_t path_size, char *tok, size_t tok_size);
/* Drop queued events of token (NULL: all). */
void gk_xs_watch_flush(const char *token);
/* Watch events dropped because the queue was full or they were too long, since boot. */
unsigned long gk_xs_watch_dropped(void);

/* Checks of what the daemon sends, shared with the unit tests (lib/xs_proto.c). */
/* The PV_E* number of an error name from the daemon ("ENOENT"); -PV_EIO for unknown names. */
long gk_xs_errno(const char *name, size_t len);
/* A reply header is usable: len within the protocol's payload limit and type known. */
bool gk_xs_header_ok(uint32_t type, uint32_t len);
/* Split a watch event's payload "path\0token\0" (len bytes): false if malformed. */
bool gk_xs_split_event(const char *payload, uint32_t len, const char **path, const char **token);
/* Count the strings of a directory reply ("a\0b\0", len bytes); -1 if not NUL-terminated. */
long gk_xs_count_strings(const char *payload, uint32_t len);

#endif /* GK_XENSTORE_H */
