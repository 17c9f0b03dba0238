/*
 * dom0-tools/xenstored/linux/xendev.h - the Linux /dev/xen devices xenstored uses in dom0:
 * event channels, dom0's own store page and port, and a domain's store page (gntdev, privcmd).
 */
#ifndef XSD_XENDEV_H
#define XSD_XENDEV_H

#include <stddef.h>
#include <stdint.h>

/* A mapped store page and how to give it back. */
struct xendev_page {
    void *page;
    int kind;       /* XENDEV_* below */
    uint64_t index; /* gntdev: the mapping's offset */
    const char *how; /* the device it came through, for the log */
};

enum { XENDEV_NONE, XENDEV_LOCAL, XENDEV_GNTDEV, XENDEV_PRIVCMD };

/* /dev/xen/evtchn, non-blocking; -errno if there is none. */
int xendev_evtchn_open(void);
/* Binds a local port to (dom, port); the local port or -errno. */
int xendev_evtchn_bind(int fd, uint32_t dom, uint32_t port);
void xendev_evtchn_unbind(int fd, uint32_t lport);
void xendev_evtchn_notify(int fd, uint32_t lport);
/* Pending local ports (each is masked until xendev_evtchn_unmask); how many, 0 if none. */
size_t xendev_evtchn_pending(int fd, uint32_t *ports, size_t max);
void xendev_evtchn_unmask(int fd, uint32_t lport);

/* dom0's own store page and its kernel's port (xenbus_backend, else /proc/xen/xsd_*); 0 or -errno. */
int xendev_dom0_store(struct xendev_page *pg, uint32_t *port);
/* A domain's store page: grant ref 1 through gntdev, else frame mfn through privcmd; 0 or -errno. */
int xendev_map_domain(struct xendev_page *pg, uint32_t domid, uint64_t mfn);
void xendev_unmap(struct xendev_page *pg);
/* The kernel's pool of pages for grant mappings filled now (0 or -errno). */
int xendev_gntdev_warm(void);

#endif /* XSD_XENDEV_H */
