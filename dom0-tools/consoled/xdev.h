/* dom0-tools/consoled/xdev.h - the /dev/xen devices hvconsoled uses: event channels, gntdev. */
#ifndef HVC_XDEV_H
#define HVC_XDEV_H

#include <stddef.h>
#include <stdint.h>

/* A domain's console page mapped in dom0, and how to give it back. */
struct xdev_page {
    void *page;
    int kind;       /* XDEV_* */
    uint64_t index; /* gntdev: the mapping's offset */
};
enum { XDEV_NONE, XDEV_GNTDEV, XDEV_FOREIGN };

/* /dev/xen/evtchn, non-blocking; the fd or -errno. */
int xdev_evtchn_open(void);
/* Binds a local port to the domain's (dom, port); the local port or -errno. */
int xdev_evtchn_bind(int fd, uint32_t dom, uint32_t port);
void xdev_evtchn_unbind(int fd, uint32_t lport);
void xdev_evtchn_notify(int fd, uint32_t lport);
/* Pending local ports (each masked until xdev_evtchn_unmask): how many, 0 if none. */
size_t xdev_evtchn_pending(int fd, uint32_t *ports, size_t max);
void xdev_evtchn_unmask(int fd, uint32_t lport);

/* The console page: grant reference 0 (GNTTAB_RESERVED_CONSOLE) through gntdev, as xenconsoled
 * prefers; else, if mfn is not 0, a foreign mapping of that frame. 0 or -errno. */
int xdev_map_console(struct xdev_page *pg, uint32_t domid, uint64_t mfn);
void xdev_unmap(struct xdev_page *pg);

#endif /* HVC_XDEV_H */
