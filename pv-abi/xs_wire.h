/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/xs_wire.h - the xenstore wire protocol: message types, the message header, limits.
 *
 * Every message, in either direction and over either transport (a Unix socket or the shared
 * ring of io_xenstore.h), is a struct pv_xsd_sockmsg header followed by len payload bytes.
 * Requests get a reply with the same type, req_id and tx_id; a failed request gets a reply of
 * type PV_XS_ERROR whose payload is the errno *name* ("ENOENT" and a NUL), not a number.
 * Success without data is "OK" and a NUL. PV_XS_WATCH_EVENT messages are unsolicited (req_id
 * and tx_id 0) and carry "<path>\0<token>\0". Paths are '/'-separated, absolute ("/local/...")
 * or, from a domain, relative to /local/domain/<domid>; the characters allowed are
 * [A-Za-z0-9-/_@]. Payloads over PV_XENSTORE_PAYLOAD_MAX end the connection.
 *
 * Part of the x86-64 PV ABI headers for guest porters: self-contained C99, no dependencies.
 */
#ifndef PV_ABI_XS_WIRE_H
#define PV_ABI_XS_WIRE_H

#include <stdint.h>

/* Message types (struct pv_xsd_sockmsg.type); request payload -> reply payload. */
#define PV_XS_CONTROL 0               /* cmd\0[args...] -> text (privileged) */
#define PV_XS_DEBUG PV_XS_CONTROL     /* the old name of PV_XS_CONTROL */
#define PV_XS_DIRECTORY 1             /* path\0 -> child\0child\0... */
#define PV_XS_READ 2                  /* path\0 -> value (no NUL added) */
#define PV_XS_GET_PERMS 3             /* path\0 -> perm\0perm\0... (first: owner and default) */
#define PV_XS_WATCH 4                 /* path\0token\0 -> OK, then one event at once */
#define PV_XS_UNWATCH 5               /* path\0token\0 -> OK */
#define PV_XS_TRANSACTION_START 6     /* \0 -> decimal transaction id\0 */
#define PV_XS_TRANSACTION_END 7       /* "T\0" commit or "F\0" abort -> OK; EAGAIN: conflict */
#define PV_XS_INTRODUCE 8             /* domid\0gfn\0evtchn\0 -> OK (privileged) */
#define PV_XS_RELEASE 9               /* domid\0 -> OK (privileged) */
#define PV_XS_GET_DOMAIN_PATH 10      /* domid\0 -> /local/domain/<domid>\0 */
#define PV_XS_WRITE 11                /* path\0value -> OK (creates missing parents) */
#define PV_XS_MKDIR 12                /* path\0 -> OK */
#define PV_XS_RM 13                   /* path\0 -> OK (removes the subtree) */
#define PV_XS_SET_PERMS 14            /* path\0perm\0perm\0... -> OK */
#define PV_XS_WATCH_EVENT 15          /* daemon -> client only: path\0token\0 */
#define PV_XS_ERROR 16                /* daemon -> client only: errno name\0 */
#define PV_XS_IS_DOMAIN_INTRODUCED 17 /* domid\0 -> "T\0" or "F\0" (privileged) */
#define PV_XS_RESUME 18               /* domid\0 -> OK (privileged) */
#define PV_XS_SET_TARGET 19           /* domid\0target\0 -> OK (privileged) */
/* 20 was XS_RESTRICT; it is gone and gets ENOSYS. */
#define PV_XS_RESET_WATCHES 21  /* \0 -> OK: drop the caller's watches and transactions */
#define PV_XS_DIRECTORY_PART 22 /* path\0offset\0 -> generation\0child\0...[\0] */
#define PV_XS_TYPE_COUNT 23     /* number of types Xen 4.17 defines */
#define PV_XS_INVALID 0xffff    /* never a valid type */

/* Optional WRITE flavours of the original protocol, still defined by Xen. */
#define PV_XS_WRITE_NONE "NONE"
#define PV_XS_WRITE_CREATE "CREATE"
#define PV_XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/* The header of every message. */
struct pv_xsd_sockmsg {
    uint32_t type;   /* PV_XS_* */
    uint32_t req_id; /* chosen by the client, echoed in the reply */
    uint32_t tx_id;  /* transaction id, 0 outside a transaction */
    uint32_t len;    /* payload bytes that follow */
};

/* Indexes into the strings of a watch event (and of libxenstore's xs_read_watch result). */
#define PV_XS_WATCH_PATH 0
#define PV_XS_WATCH_TOKEN 1

/* Limits. A payload over this ends the connection; longer paths just get EINVAL. */
#define PV_XENSTORE_PAYLOAD_MAX 4096
#define PV_XENSTORE_ABS_PATH_MAX 3072 /* an absolute path */
#define PV_XENSTORE_REL_PATH_MAX 2048 /* a path relative to /local/domain/<domid> */

#endif /* PV_ABI_XS_WIRE_H */
