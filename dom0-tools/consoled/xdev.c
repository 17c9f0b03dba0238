/* dom0-tools/consoled/xdev.c - event channels and console page mappings through /dev/xen. The
 * ioctl layouts are those of xenstored's xendev_ioctl.h (Linux's uapi, checked against
 * libxen-dev by make xenstore-check): one copy; foreign maps are libhv's (priv.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dom0-tools/libhv/priv.h"
#include "dom0-tools/xenstored/linux/xendev_ioctl.h"
#include "xdev.h"

#define PAGE 4096
#define CONSOLE_GRANT_REF 0 /* GNTTAB_RESERVED_CONSOLE */

static int gntdev_fd = -1;

static int neg_errno(void)
{
    return errno ? -errno : -EIO;
}

int xdev_evtchn_open(void)
{
    int fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);

    return fd < 0 ? neg_errno() : fd;
}

int xdev_evtchn_bind(int fd, uint32_t dom, uint32_t port)
{
    struct xd_evtchn_bind_interdomain b = {dom, port};
    int rc = ioctl(fd, XD_EVTCHN_BIND_INTERDOMAIN, &b);

    return rc < 0 ? neg_errno() : rc;
}

void xdev_evtchn_unbind(int fd, uint32_t lport)
{
    struct xd_evtchn_port p = {lport};

    ioctl(fd, XD_EVTCHN_UNBIND, &p);
}

void xdev_evtchn_notify(int fd, uint32_t lport)
{
    struct xd_evtchn_port p = {lport};

    ioctl(fd, XD_EVTCHN_NOTIFY, &p);
}

size_t xdev_evtchn_pending(int fd, uint32_t *ports, size_t max)
{
    ssize_t n = read(fd, ports, max * sizeof(*ports));

    return n > 0 ? (size_t)n / sizeof(*ports) : 0;
}

void xdev_evtchn_unmask(int fd, uint32_t lport)
{
    if (write(fd, &lport, sizeof(lport)) != sizeof(lport))
        return; /* the port was unbound meanwhile */
}

static int open_once(int *fd, const char *path)
{
    if (*fd < 0)
        *fd = open(path, O_RDWR | O_CLOEXEC);
    return *fd < 0 ? neg_errno() : 0;
}

static void *map_page(int fd, off_t offset)
{
    void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);

    return p == MAP_FAILED ? NULL : p;
}

static int map_grant(struct xdev_page *pg, uint32_t domid)
{
    struct xd_gntdev_map_one m = {.count = 1, .refs = {{domid, CONSOLE_GRANT_REF}}};
    struct xd_gntdev_unmap u = {.count = 1};
    int rc = open_once(&gntdev_fd, "/dev/xen/gntdev");

    if (rc)
        return rc;
    if (ioctl(gntdev_fd, XD_GNTDEV_MAP_GRANT_REF, &m))
        return neg_errno();
    pg->page = map_page(gntdev_fd, (off_t)m.index);
    if (!pg->page) {
        rc = neg_errno();
        u.index = m.index;
        ioctl(gntdev_fd, XD_GNTDEV_UNMAP_GRANT_REF, &u);
        return rc;
    }
    pg->index = m.index;
    pg->kind = XDEV_GNTDEV;
    return 0;
}

/* A foreign mapping of the ring's frame, owned by the domain (xenconsoled's fallback), through
 * libhv's privileged interface (privcmd's mmapbatch). */
static int map_foreign(struct xdev_page *pg, uint32_t domid, uint64_t mfn)
{
    static struct hv_priv *priv;
    int err = 0, rc = priv ? 0 : hv_priv_open(&priv, NULL);

    if (rc)
        return rc;
    pg->page = hv_map_foreign(priv, domid, PROT_READ | PROT_WRITE, &mfn, 1, &err);
    if (!pg->page)
        return err ? err : -EIO;
    pg->kind = XDEV_FOREIGN;
    return 0;
}

int xdev_map_console(struct xdev_page *pg, uint32_t domid, uint64_t mfn)
{
    int rc;

    memset(pg, 0, sizeof(*pg));
    rc = map_grant(pg, domid);
    if (rc && mfn)
        rc = map_foreign(pg, domid, mfn);
    return rc;
}

void xdev_unmap(struct xdev_page *pg)
{
    struct xd_gntdev_unmap u = {.index = pg->index, .count = 1};

    if (pg->kind == XDEV_FOREIGN)
        hv_unmap(pg->page, 1);
    if (pg->kind == XDEV_GNTDEV) {
        munmap(pg->page, PAGE);
        ioctl(gntdev_fd, XD_GNTDEV_UNMAP_GRANT_REF, &u);
    }
    memset(pg, 0, sizeof(*pg));
}
