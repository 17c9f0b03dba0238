/* SPDX-License-Identifier: MIT */
/*
 * dom0-tools/libxenstore/include/xenstore.h - the libxenstore API (Xen's VERS_4.0 set), for
 * talking to xenstored over its Unix socket ($XENSTORED_PATH) or /dev/xen/xenbus.
 *
 * Conventions, as in Xen's library: functions returning pointers give malloc()ed memory (or
 * NULL and errno); bool functions give false and errno on failure. Success leaves errno 0
 * until the handle has watches, unchanged after. One handle may be used from several threads;
 * requests on it are serialised.
 */
#ifndef XENSTORE_H
#define XENSTORE_H

#include "xenstore_lib.h"

#define XBT_NULL 0 /* no transaction */

#define XS_OPEN_READONLY (1UL << 0)   /* accepted and ignored, as by Xen since 4.x */
#define XS_OPEN_SOCKETONLY (1UL << 1) /* accepted and ignored */
#define XS_UNWATCH_FILTER (1UL << 2)  /* xs_unwatch also drops that watch's queued events */

struct xs_handle;
typedef uint32_t xs_transaction_t;

struct xs_handle *xs_open(unsigned long flags);
void xs_close(struct xs_handle *xsh); /* NULL is fine */

/* Old names of xs_open(0) and xs_close(). */
struct xs_handle *xs_daemon_open(void);
struct xs_handle *xs_domain_open(void);
struct xs_handle *xs_daemon_open_readonly(void);
void xs_daemon_close(struct xs_handle *h);
/* In a child after fork(): free the parent's handle without touching the connection. */
void xs_daemon_destroy_postfork(struct xs_handle *h);

/* Children of path (*num of them), in one allocation. */
char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *num);
/* Value of path with a NUL added; *len (may be NULL) excludes it. */
void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len);
bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data,
              unsigned int len);
bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path);
bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path);
/* Removed from xenstore in Xen 4.9: always false. */
bool xs_restrict(struct xs_handle *h, unsigned domid);

struct xs_permissions *xs_get_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                                          unsigned int *num);
bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                        struct xs_permissions *perms, unsigned int num_perms);

/* Watches: events are read with xs_read_watch (blocking) or xs_check_watch (not blocking);
 * xs_fileno is a descriptor that polls readable while events wait. */
bool xs_watch(struct xs_handle *h, const char *path, const char *token);
int xs_fileno(struct xs_handle *h);
char **xs_check_watch(struct xs_handle *h);
char **xs_read_watch(struct xs_handle *h, unsigned int *num);
bool xs_unwatch(struct xs_handle *h, const char *path, const char *token);

/* XBT_NULL on failure; xs_transaction_end fails with EAGAIN on a conflict (try again). */
xs_transaction_t xs_transaction_start(struct xs_handle *h);
bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort);

/* Domains (privileged). */
bool xs_introduce_domain(struct xs_handle *h, unsigned int domid, unsigned long mfn,
                         unsigned int eventchn);
bool xs_set_target(struct xs_handle *h, unsigned int domid, unsigned int target);
bool xs_resume_domain(struct xs_handle *h, unsigned int domid);
bool xs_release_domain(struct xs_handle *h, unsigned int domid);
char *xs_get_domain_path(struct xs_handle *h, unsigned int domid);
bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid);

/* Is child equal to parent or below it? */
bool xs_path_is_subpath(const char *parent, const char *child);

/* CONTROL request: cmd, then len bytes of data; the daemon's answer. */
char *xs_control_command(struct xs_handle *h, const char *cmd, void *data, unsigned int len);
char *xs_debug_command(struct xs_handle *h, const char *cmd, void *data, unsigned int len);

/* The suspend event channel a domain published, or -1. */
int xs_suspend_evtchn_port(int domid);

#endif /* XENSTORE_H */
