/* SPDX-License-Identifier: MIT */
/*
 * dom0-tools/libxenstore/include/xenstore_lib.h - the helpers and types libxenstore shares
 * with its users: permissions, the daemon's paths, and the watch result indexes. Declarations
 * match Xen's tools/include/xenstore_lib.h so programs written for it build unchanged.
 */
#ifndef XENSTORE_LIB_H
#define XENSTORE_LIB_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One entry of a node's permission list; the first names the owner. */
struct xs_permissions {
    unsigned int id;    /* domain id */
    unsigned int perms; /* XS_PERM_* */
#define XS_PERM_NONE 0x00
#define XS_PERM_READ 0x01
#define XS_PERM_WRITE 0x02
#define XS_PERM_ENOENT_OK 0x04 /* internal to Xen's daemon */
#define XS_PERM_OWNER 0x08     /* internal to Xen's daemon */
#define XS_PERM_IGNORE 0x10    /* internal to Xen's daemon */
};

/* Characters needed to print an integer type x in decimal, with sign and NUL. */
#define MAX_STRLEN(x) ((sizeof(x) * CHAR_BIT + CHAR_BIT - 1) / 10 * 3 + 2)

#ifndef _XS_WIRE_H /* Xen's io/xs_wire.h defines the same */
/* Indexes into the array xs_read_watch() returns. */
enum xs_watch_type { XS_WATCH_PATH = 0, XS_WATCH_TOKEN };
#endif

/* Where the daemon lives: $XENSTORED_RUNDIR (default /var/run/xenstored) and its socket
 * ($XENSTORED_PATH, default <rundir>/socket; the read-only socket is the same). */
const char *xs_daemon_rundir(void);
const char *xs_daemon_socket(void);
const char *xs_daemon_socket_ro(void);

/* write() until all len bytes are out; false on an error. */
bool xs_write_all(int fd, const void *data, unsigned int len);

/* Parses num NUL-separated "r5"/"w5"/"b5"/"n5" strings; false (errno EINVAL) on a bad one. */
bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num, const char *strings);

#endif /* XENSTORE_LIB_H */
