/*
 * dom0-tools/xenstored/linux/linux.h - the Linux program's own interfaces.
 */
#ifndef XSD_LINUX_H
#define XSD_LINUX_H

#include "../xenstored.h"

/* plat.c: send log lines to syslog from now on (the daemon left the terminal). */
void linux_log_to_syslog(void);

/* sock.c: serve the listening socket and its clients until *stop becomes non-zero. */
int linux_serve(struct xsd_daemon *d, int listen_fd, volatile int *stop);
/* sock.c: a listening Unix socket at path (a stale one is replaced); -1 with a message. */
int linux_listen(const char *path);

#endif /* XSD_LINUX_H */
