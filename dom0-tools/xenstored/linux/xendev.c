/*
 * dom0-tools/xenstored/linux/xendev.c - xenstored's use of Linux's /dev/xen devices and xenfs.
 * The ioctl layouts are Linux's uapi (include/uapi/xen/{evtchn,gntdev,privcmd}.h); each call maps
 * to one hypercall in the kernel (docs/xenstore.md, "dom0").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../xsd_plat.h"
#include "xendev.h"
#include "xendev_ioctl.h"

#define PAGE 4096
#define XENSTORE_GRANT_REF 1 /* GNTTAB_RESERVED_XENSTORE: the builder grants the page to dom0 */


static int gntdev_fd = -1, privcmd_fd = -1; /* opened at the first domain, kept */

static int neg_errno(void)
{
    return errno ? -errno : -EIO;
}

int xendev_evtchn_open(void)
{
    int fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);

    return fd < 0 ? neg_errno() : fd;
}

int xendev_evtchn_bind(int fd, uint32_t dom, uint32_t port)
{
    struct xd_evtchn_bind_interdomain b = {dom, port};
    int rc = ioctl(fd, XD_EVTCHN_BIND_INTERDOMAIN, &b);

    return rc < 0 ? neg_errno() : rc;
}

void xendev_evtchn_unbind(int fd, uint32_t lport)
{
    struct xd_evtchn_port p = {lport};

    ioctl(fd, XD_EVTCHN_UNBIND, &p);
}

void xendev_evtchn_notify(int fd, uint32_t lport)
{
    struct xd_evtchn_port p = {lport};

    ioctl(fd, XD_EVTCHN_NOTIFY, &p);
}

size_t xendev_evtchn_pending(int fd, uint32_t *ports, size_t max)
{
    ssize_t n = read(fd, ports, max * sizeof(*ports));

    return n > 0 ? (size_t)n / sizeof(*ports) : 0;
}

void xendev_evtchn_unmask(int fd, uint32_t lport)
{
    char line[64];

    if (write(fd, &lport, sizeof(lport)) != sizeof(lport)) {
        snprintf(line, sizeof(line), "cannot re-enable local port %u: %s", lport, strerror(errno));
        xsd_plat_log(line);
    }
}

static void *map_page(int fd, off_t offset)
{
    void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);

    return p == MAP_FAILED ? NULL : p;
}

/* The kernel's local store (xenbus_probe.c, XS_LOCAL): xenbus_backend as Xen's C xenstored. */
static int dom0_backend(struct xendev_page *pg, uint32_t *port)
{
    int fd = open("/dev/xen/xenbus_backend", O_RDWR | O_CLOEXEC), rc;

    if (fd < 0)
        return neg_errno();
    pg->how = "xenbus_backend";
    rc = ioctl(fd, XD_XENBUS_BACKEND_EVTCHN, 0);
    if (rc > 0 && (pg->page = map_page(fd, 0)))
        *port = (uint32_t)rc;
    rc = rc <= 0 ? (rc < 0 ? neg_errno() : -ENOENT) : pg->page ? 0 : neg_errno();
    close(fd);
    return rc;
}

/* The same through xenfs: the port as text in xsd_port, the page by mmap of xsd_kva. */
static int dom0_xenfs(struct xendev_page *pg, uint32_t *port)
{
    FILE *f = fopen("/proc/xen/xsd_port", "r");
    unsigned int p = 0;
    int fd, ok = f && fscanf(f, "%u", &p) == 1 && p;

    if (f)
        fclose(f);
    if (!ok)
        return -ENOENT;
    pg->how = "xenfs";
    fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return neg_errno();
    pg->page = map_page(fd, 0);
    close(fd);
    if (!pg->page)
        return neg_errno();
    *port = p;
    return 0;
}

int xendev_dom0_store(struct xendev_page *pg, uint32_t *port)
{
    int rc = dom0_backend(pg, port);

    if (rc)
        rc = dom0_xenfs(pg, port);
    pg->kind = rc ? XENDEV_NONE : XENDEV_LOCAL;
    return rc;
}

static int open_once(int *fd, const char *path)
{
    if (*fd < 0)
        *fd = open(path, O_RDWR | O_CLOEXEC);
    return *fd < 0 ? neg_errno() : 0;
}

/* Grant ref 1 of domid (Xen's C xenstored ignores the frame and maps this). */
static int map_grant(struct xendev_page *pg, uint32_t domid)
{
    struct xd_gntdev_map_one m = {.count = 1, .refs = {{domid, XENSTORE_GRANT_REF}}};
    struct xd_gntdev_unmap u = {.count = 1};
    int rc = open_once(&gntdev_fd, "/dev/xen/gntdev");

    if (rc)
        return rc;
    if (ioctl(gntdev_fd, XD_GNTDEV_MAP_GRANT_REF, &m))
        return neg_errno();
    pg->how = "gntdev (grant 1)";
    pg->page = map_page(gntdev_fd, (off_t)m.index);
    if (!pg->page) {
        rc = neg_errno();
        u.index = m.index;
        ioctl(gntdev_fd, XD_GNTDEV_UNMAP_GRANT_REF, &u);
        return rc;
    }
    pg->index = m.index;
    return 0;
}

/* A map request for one (unmapped) grant, then its unmap: the request takes the map's page from
 * the kernel's pool of unpopulated pages, which the first one fills (no grant is mapped before
 * an mmap). */
int xendev_gntdev_warm(void)
{
    struct xd_gntdev_map_one m = {.count = 1, .refs = {{0, 0}}};
    struct xd_gntdev_unmap u = {.count = 1};
    int rc = open_once(&gntdev_fd, "/dev/xen/gntdev");

    if (rc)
        return rc;
    if (ioctl(gntdev_fd, XD_GNTDEV_MAP_GRANT_REF, &m))
        return neg_errno();
    u.index = m.index;
    ioctl(gntdev_fd, XD_GNTDEV_UNMAP_GRANT_REF, &u);
    return 0;
}

/* A foreign mapping of the frame (oxenstored's way): mmu_update with the domain as owner. */
static int map_foreign(struct xendev_page *pg, uint32_t domid, uint64_t mfn)
{
    int err = 0, rc = open_once(&privcmd_fd, "/dev/xen/privcmd");
    struct xd_privcmd_mmapbatch_v2 b = {.num = 1, .dom = (uint16_t)domid, .arr = &mfn, .err = &err};

    if (rc)
        return rc;
    pg->how = "privcmd (foreign map)";
    pg->page = map_page(privcmd_fd, 0);
    if (!pg->page)
        return neg_errno();
    b.addr = (uint64_t)(uintptr_t)pg->page;
    rc = ioctl(privcmd_fd, XD_PRIVCMD_MMAPBATCH_V2, &b) ? neg_errno() : err;
    if (rc) {
        munmap(pg->page, PAGE);
        pg->page = NULL;
    }
    return rc < 0 ? rc : rc ? -EIO : 0;
}

int xendev_map_domain(struct xendev_page *pg, uint32_t domid, uint64_t mfn)
{
    int rc = map_grant(pg, domid);

    pg->kind = XENDEV_GNTDEV;
    if (rc) {
        rc = map_foreign(pg, domid, mfn);
        pg->kind = XENDEV_PRIVCMD;
    }
    if (rc)
        pg->kind = XENDEV_NONE;
    return rc;
}

void xendev_unmap(struct xendev_page *pg)
{
    struct xd_gntdev_unmap u = {.index = pg->index, .count = 1};

    if (pg->kind != XENDEV_NONE)
        munmap(pg->page, PAGE);
    if (pg->kind == XENDEV_GNTDEV)
        ioctl(gntdev_fd, XD_GNTDEV_UNMAP_GRANT_REF, &u);
    pg->kind = XENDEV_NONE;
    pg->page = NULL;
}
