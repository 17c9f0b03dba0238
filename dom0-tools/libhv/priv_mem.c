/* dom0-tools/libhv/priv_mem.c - another domain's memory, page-table pins, event channels and grant
 * frames, and foreign mappings into this process (privcmd mmapbatch and mmap_resource). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dom0-tools/xenstored/linux/xendev_ioctl.h"
#include "priv_internal.h"
#include "pv-abi/event_channel.h"
#include "pv-abi/grant_table.h"
#include "pv-abi/hypercall.h"
#include "pv-abi/memory_op.h"

#define PAGE 4096UL
#define BATCH 512UL /* extents per memory_op: one page of frame numbers */

static uint64_t ptr(const void *v)
{
    return (uint64_t)(uintptr_t)v;
}

/* One memory_op reservation call on frames[0..nr) (nr <= BATCH) through a locked copy. */
static long reservation(struct hv_priv *p, unsigned cmd, const char *what, uint32_t domid,
                        uint64_t nr, unsigned order, uint64_t *frames)
{
    struct pv_memory_reservation *r = priv_page(p);
    uint64_t *arr = hv_buf_alloc(p, nr * sizeof(*arr));
    long rc = -ENOMEM;

    if (r && arr) {
        memcpy(arr, frames, nr * sizeof(*arr));
        *r = (struct pv_memory_reservation){.extent_start = ptr(arr), .nr_extents = nr,
                                            .extent_order = order, .domid = (pv_domid_t)domid};
        rc = hv_hypercall(p, what, PV_HYPERCALL_memory_op, cmd, ptr(r), 0, 0, 0);
        if (rc > 0)
            memcpy(frames, arr, (uint64_t)rc * sizeof(*arr));
    }
    hv_buf_free(p, arr, nr * sizeof(*arr));
    return rc;
}

static long reservation_all(struct hv_priv *p, unsigned cmd, const char *name, uint32_t domid,
                            uint64_t nr, unsigned order, uint64_t *frames)
{
    char what[64];
    uint64_t done = 0;

    snprintf(what, sizeof(what), "%s for domain %u", name, domid);
    while (done < nr) {
        uint64_t n = nr - done < BATCH ? nr - done : BATCH;
        long rc = reservation(p, cmd, what, domid, n, order, frames + done);

        if (rc < 0)
            return done ? (long)done : rc;
        done += (uint64_t)rc;
        if ((uint64_t)rc < n) {
            priv_fail(p, -ENOMEM, "%s: %lu of %lu extents", what, (unsigned long)done,
                      (unsigned long)nr);
            break;
        }
    }
    return (long)done;
}

long hv_populate_physmap(struct hv_priv *p, uint32_t domid, uint64_t nr, unsigned order,
                         uint64_t *frames)
{
    return reservation_all(p, PV_XENMEM_populate_physmap, "populate_physmap", domid, nr, order,
                           frames);
}

long hv_decrease_reservation(struct hv_priv *p, uint32_t domid, uint64_t nr, unsigned order,
                             const uint64_t *frames)
{
    return reservation_all(p, PV_XENMEM_decrease_reservation, "decrease_reservation", domid, nr,
                           order, (uint64_t *)frames);
}

static long domain_query(struct hv_priv *p, unsigned cmd, const char *name, uint32_t domid)
{
    pv_domid_t *d = priv_page(p);
    char what[64];

    if (!d)
        return -ENOMEM;
    *d = (pv_domid_t)domid;
    snprintf(what, sizeof(what), "%s of domain %u", name, domid);
    return hv_hypercall(p, what, PV_HYPERCALL_memory_op, cmd, ptr(d), 0, 0, 0);
}

long hv_current_reservation(struct hv_priv *p, uint32_t domid)
{
    return domain_query(p, PV_XENMEM_current_reservation, "current_reservation", domid);
}

long hv_maximum_reservation(struct hv_priv *p, uint32_t domid)
{
    return domain_query(p, PV_XENMEM_maximum_reservation, "maximum_reservation", domid);
}

int hv_mmuext(struct hv_priv *p, uint32_t domid, const struct pv_mmuext_op *ops, unsigned n)
{
    size_t bytes = (size_t)n * sizeof(*ops);
    struct pv_mmuext_op *b = hv_buf_alloc(p, bytes);
    char what[48];
    long rc;

    if (!b)
        return -ENOMEM;
    memcpy(b, ops, bytes);
    snprintf(what, sizeof(what), "mmuext_op on domain %u", domid);
    rc = hv_hypercall(p, what, PV_HYPERCALL_mmuext_op, ptr(b), n, 0, domid, 0);
    hv_buf_free(p, b, bytes);
    return rc < 0 ? (int)rc : 0;
}

int hv_pin_tables(struct hv_priv *p, uint32_t domid, const unsigned *levels,
                  const uint64_t *mfns, unsigned n, unsigned *done)
{
    size_t bytes = (size_t)n * sizeof(struct pv_mmuext_op);
    struct pv_mmuext_op *b = hv_buf_alloc(p, bytes + 8);
    uint32_t *pdone = (uint32_t *)((uint8_t *)b + bytes);
    char what[64];
    unsigned i;
    long rc;

    *done = 0;
    if (!b)
        return -ENOMEM;
    for (i = 0; i < n; i++) {
        if (levels[i] < 1 || levels[i] > 4) {
            hv_buf_free(p, b, bytes + 8);
            return priv_fail(p, -EINVAL, "pin of a level-%u table", levels[i]);
        }
        b[i] = (struct pv_mmuext_op){.cmd = PV_MMUEXT_PIN_L1_TABLE + levels[i] - 1,
                                     .arg1.mfn = mfns[i]};
    }
    *pdone = 0;
    snprintf(what, sizeof(what), "mmuext_op (%u pins) on domain %u", n, domid);
    rc = hv_hypercall(p, what, PV_HYPERCALL_mmuext_op, ptr(b), n, ptr(pdone), domid, 0);
    *done = rc < 0 && *pdone < n ? *pdone : n;
    hv_buf_free(p, b, bytes + 8);
    return rc < 0 ? (int)rc : 0;
}

int hv_pin_table(struct hv_priv *p, uint32_t domid, unsigned level, uint64_t mfn)
{
    struct pv_mmuext_op op = {.cmd = PV_MMUEXT_PIN_L1_TABLE + level - 1, .arg1.mfn = mfn};

    if (level < 1 || level > 4)
        return priv_fail(p, -EINVAL, "pin of a level-%u table", level);
    return hv_mmuext(p, domid, &op, 1);
}

int hv_unpin_table(struct hv_priv *p, uint32_t domid, uint64_t mfn)
{
    struct pv_mmuext_op op = {.cmd = PV_MMUEXT_UNPIN_TABLE, .arg1.mfn = mfn};

    return hv_mmuext(p, domid, &op, 1);
}

int hv_evtchn_alloc_unbound(struct hv_priv *p, uint32_t domid, uint32_t remote, uint32_t *port)
{
    struct pv_evtchn_alloc_unbound *a = priv_page(p);
    char what[64];
    long rc;

    if (!a)
        return -ENOMEM;
    a->dom = (pv_domid_t)domid;
    a->remote_dom = (pv_domid_t)remote;
    snprintf(what, sizeof(what), "alloc_unbound in domain %u for domain %u", domid, remote);
    rc = hv_hypercall(p, what, PV_HYPERCALL_event_channel_op, PV_EVTCHNOP_alloc_unbound, ptr(a), 0,
                      0, 0);
    if (rc < 0)
        return (int)rc;
    *port = a->port;
    return 0;
}

int hv_evtchn_notify_remote(struct hv_priv *p, uint32_t domid, uint32_t port)
{
    int fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC), local;
    struct xd_evtchn_bind_interdomain b = {domid, port};
    struct xd_evtchn_port lp;
    int rc = 0;

    if (fd < 0)
        return priv_fail(p, -errno, "/dev/xen/evtchn");
    if ((local = ioctl(fd, XD_EVTCHN_BIND_INTERDOMAIN, &b)) < 0) {
        rc = priv_fail(p, -errno, "binding domain %u's port %u", domid, port);
    } else {
        lp.port = (uint32_t)local;
        if (ioctl(fd, XD_EVTCHN_NOTIFY, &lp) < 0)
            rc = priv_fail(p, -errno, "notifying domain %u's port %u", domid, port);
    }
    close(fd); /* unbinds: the guest's end is unbound for us again, its event still pending */
    return rc;
}

/* Grant status (PV_GNTST_*, 0 or negative) to an errno for the message. */
static int gntst_errno(int st)
{
    switch (st) {
    case -1: return -EINVAL;  /* general error */
    case -2: return -ESRCH;   /* bad domain */
    case -7: return -EPERM;   /* permission denied */
    default: return -EINVAL;
    }
}

int hv_gnttab_setup_table(struct hv_priv *p, uint32_t domid, unsigned nr, uint64_t *frames)
{
    struct pv_gnttab_setup_table *s = priv_page(p);
    uint64_t *arr = hv_buf_alloc(p, nr * sizeof(*arr));
    char what[64];
    long rc = -ENOMEM;

    snprintf(what, sizeof(what), "gnttab setup_table of domain %u", domid);
    if (s && arr) {
        *s = (struct pv_gnttab_setup_table){.dom = (pv_domid_t)domid, .nr_frames = nr,
                                            .frame_list = ptr(arr)};
        rc = hv_hypercall(p, what, PV_HYPERCALL_grant_table_op, PV_GNTTABOP_setup_table, ptr(s),
                          1, 0, 0);
        if (rc >= 0 && s->status)
            rc = priv_fail(p, gntst_errno(s->status), "%s (status %d)", what, s->status);
        if (rc >= 0)
            memcpy(frames, arr, nr * sizeof(*arr));
    }
    hv_buf_free(p, arr, nr * sizeof(*arr));
    return rc < 0 ? (int)rc : 0;
}

/* The first frame that failed, or n. */
static unsigned first_error(const int *e, unsigned n)
{
    unsigned i = 0;

    while (i < n && !e[i])
        i++;
    return i;
}

static void *map_batch(struct hv_priv *p, uint32_t domid, int prot, const uint64_t *mfns,
                       unsigned n, int *e)
{
    struct xd_privcmd_mmapbatch_v2 b = {.num = n, .dom = (uint16_t)domid, .arr = mfns, .err = e};
    void *va = mmap(NULL, n * PAGE, prot, MAP_SHARED, p->fd, 0);
    unsigned bad;
    int rc;

    if (va == MAP_FAILED) {
        priv_fail(p, -errno, "address space for %u frames of domain %u", n, domid);
        return NULL;
    }
    b.addr = ptr(va);
    rc = ioctl(p->fd, XD_PRIVCMD_MMAPBATCH_V2, &b) ? -errno : 0;
    bad = first_error(e, n);
    if (bad < n)
        priv_fail(p, e[bad], "foreign map of frame %#lx (%u of %u) of domain %u",
                  (unsigned long)mfns[bad], bad + 1, n, domid);
    else if (rc)
        priv_fail(p, rc, "foreign map of %u frames of domain %u", n, domid);
    if (bad < n || rc) {
        munmap(va, n * PAGE);
        return NULL;
    }
    return va;
}

void *hv_map_foreign(struct hv_priv *p, uint32_t domid, int prot, const uint64_t *mfns, unsigned n,
                     int *errs)
{
    int *e = errs ? errs : calloc(n ? n : 1, sizeof(*e));
    void *va;

    if (!e) {
        priv_fail(p, -ENOMEM, "foreign map of %u frames", n);
        return NULL;
    }
    memset(e, 0, n * sizeof(*e));
    va = map_batch(p, domid, prot, mfns, n, e);
    if (!errs)
        free(e);
    return va;
}

void *hv_map_resource(struct hv_priv *p, uint32_t domid, unsigned type, unsigned id, unsigned idx,
                      unsigned n, int prot)
{
    struct xd_privcmd_mmap_resource r = {.dom = (uint16_t)domid, .type = type, .id = id,
                                         .idx = idx, .num = n};
    void *va = mmap(NULL, n * PAGE, prot, MAP_SHARED, p->fd, 0);

    if (va == MAP_FAILED) {
        priv_fail(p, -errno, "address space for %u frames of domain %u", n, domid);
        return NULL;
    }
    r.addr = ptr(va);
    if (ioctl(p->fd, XD_PRIVCMD_MMAP_RESOURCE, &r)) {
        priv_fail(p, -errno, "mapping resource %u/%u frames %u..%u of domain %u", type, id, idx,
                  idx + n - 1, domid);
        munmap(va, n * PAGE);
        return NULL;
    }
    return va;
}

void hv_unmap(void *addr, unsigned n)
{
    if (addr)
        munmap(addr, n * PAGE);
}
