/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/errno.h - error numbers returned by hypercalls.
 *
 * Every hypercall returns a long in rax: zero or a positive value on success, or the negation of
 * one of these numbers on failure (e.g. -PV_EINVAL == -22). The values are Xen's (and Linux's
 * x86 values), so a guest can map them 1:1 onto its own errno space.
 *
 * Part of the x86-64 PV ABI headers for guest porters: self-contained C99, no dependencies.
 */
#ifndef PV_ABI_ERRNO_H
#define PV_ABI_ERRNO_H

#define PV_EPERM 1         /* operation not permitted (caller lacks privilege) */
#define PV_ENOENT 2        /* no such object (e.g. unknown port, unknown key) */
#define PV_ESRCH 3         /* no such domain or vCPU */
#define PV_EINTR 4         /* interrupted; hypervisor-internal, never returned to guests */
#define PV_EIO 5           /* I/O error */
#define PV_ENXIO 6         /* no such device or address */
#define PV_E2BIG 7         /* argument list or buffer too long */
#define PV_ENOEXEC 8       /* bad executable format (domain builder) */
#define PV_EBADF 9         /* bad handle */
#define PV_ECHILD 10       /* no child */
#define PV_EAGAIN 11       /* resource temporarily unavailable: try again */
#define PV_EWOULDBLOCK 11  /* alias of PV_EAGAIN */
#define PV_ENOMEM 12       /* out of memory */
#define PV_EACCES 13       /* permission denied on this object */
#define PV_EFAULT 14       /* a guest address could not be read or written */
#define PV_EBUSY 16        /* object in use */
#define PV_EEXIST 17       /* object already exists */
#define PV_EXDEV 18        /* cross-domain operation not allowed */
#define PV_ENODEV 19       /* no such device */
#define PV_ENOTDIR 20      /* not a directory (xenstore) */
#define PV_EISDIR 21       /* is a directory (xenstore) */
#define PV_EINVAL 22       /* invalid argument */
#define PV_ENFILE 23       /* table overflow */
#define PV_EMFILE 24       /* too many open handles */
#define PV_ENOSPC 28       /* no space left (e.g. no free event channel) */
#define PV_EROFS 30        /* read-only object */
#define PV_EMLINK 31       /* too many links */
#define PV_EDOM 33         /* argument out of domain */
#define PV_ERANGE 34       /* result or argument out of range */
#define PV_EDEADLK 35      /* deadlock would occur */
#define PV_EDEADLOCK 35    /* alias of PV_EDEADLK */
#define PV_ENAMETOOLONG 36 /* name too long */
#define PV_ENOLCK 37       /* no locks available */
#define PV_ENOSYS 38       /* hypercall or sub-operation not implemented */
#define PV_ENOTEMPTY 39    /* directory not empty (xenstore) */
#define PV_ENODATA 61      /* no data available */
#define PV_ETIME 62        /* timer deadline already passed */
#define PV_EBADMSG 74      /* malformed message */
#define PV_EOVERFLOW 75    /* value too large for the target type */
#define PV_EILSEQ 84       /* illegal byte sequence */
#define PV_ERESTART 85   /* restart the hypercall; hypervisor-internal, never returned to guests */
#define PV_ENOTSOCK 88   /* not a socket (argo) */
#define PV_EMSGSIZE 90   /* message too large */
#define PV_EOPNOTSUPP 95 /* operation not supported in this configuration */
#define PV_EADDRINUSE 98 /* address already in use */
#define PV_EADDRNOTAVAIL 99 /* address not available */
#define PV_ENOBUFS 105      /* no buffer space */
#define PV_EISCONN 106      /* already connected */
#define PV_ENOTCONN 107     /* not connected */
#define PV_ETIMEDOUT 110    /* timed out */
#define PV_ECONNREFUSED 111 /* connection refused */

#endif /* PV_ABI_ERRNO_H */
