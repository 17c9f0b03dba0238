/*
 * dom0-tools/xenstored/linux/linux.h - the Linux program's own interfaces.
 */
#ifndef XSD_LINUX_H
#define XSD_LINUX_H

#include <stdbool.h>
#include <stdint.h>

#include "../xenstored.h"

/* plat.c: send log lines to syslog from now on (the daemon left the terminal). */
void linux_log_to_syslog(void);

/* sock.c: serve the listening socket, its clients and the rings (ring_fd, the event channel
 * device, or -1) until *stop becomes non-zero. */
int linux_serve(struct xsd_daemon *d, int listen_fd, int ring_fd, volatile int *stop);
/* sock.c: a listening Unix socket at path (a stale one is replaced); -1 with a message. */
int linux_listen(const char *path);

/* rings.c: on Xen, serve INTRODUCEd domains over their rings and, unless dom0 is false, dom0's
 * kernel over its local store page; the event channel device to poll, or -1 (socket only). */
int linux_rings_init(struct xsd_daemon *d, bool dom0);
/* rings.c: the event channel device is readable: serve the rings whose ports fired. */
void linux_rings_event(void);
/* rings.c: serve the rings the core queued output for. */
void linux_rings_flush(void);
/* rings.c: unbind, unmap and free every ring (before xsd_daemon_free). */
void linux_rings_close(struct xsd_daemon *d);

/* domexc.c: bind VIRQ_DOM_EXC on the event channel device and open privcmd; the local port, or
 * -1 (logged: domains that end are then not noticed). */
int linux_domexc_init(int evfd);
/* domexc.c: is lport VIRQ_DOM_EXC's? */
bool linux_domexc_port(uint32_t lport);
/* domexc.c: the core's dominfo hook (getdomaininfo of exactly domid). */
int linux_domexc_dominfo(struct xsd_daemon *d, uint32_t domid);
void linux_domexc_close(void);

#endif /* XSD_LINUX_H */
