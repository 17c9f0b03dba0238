/*
 * dom0-tools/xenstored/linux/xendev_ioctl.h - the layouts and numbers of the Linux /dev/xen
 * ioctls xenstored and libhv use (Linux's include/uapi/xen/{evtchn,gntdev,privcmd}.h and
 * xenbus_dev.h); tests/xenstore/xendev_ioctl_check.c compares them with libxen-dev's copies.
 */
#ifndef XSD_XENDEV_IOCTL_H
#define XSD_XENDEV_IOCTL_H

#include <linux/ioctl.h>
#include <stdint.h>

struct xd_evtchn_bind_interdomain { uint32_t dom, port; };
struct xd_evtchn_port { uint32_t port; };
struct xd_evtchn_bind_virq { uint32_t virq; };
struct xd_gntdev_map_one {
    uint32_t count, pad;
    uint64_t index;
    struct { uint32_t domid, ref; } refs[1];
};
struct xd_gntdev_unmap { uint64_t index; uint32_t count, pad; };
struct xd_privcmd_mmapbatch_v2 {
    uint32_t num;
    uint16_t dom;
    uint64_t addr;
    const uint64_t *arr;
    int *err;
};
struct xd_privcmd_hypercall { uint64_t op, arg[5]; };
struct xd_privcmd_mmap_resource {
    uint16_t dom;
    uint32_t type, id, idx;
    uint64_t num, addr;
};

#define XD_EVTCHN_BIND_INTERDOMAIN _IOC(_IOC_NONE, 'E', 1, sizeof(struct xd_evtchn_bind_interdomain))
#define XD_EVTCHN_BIND_VIRQ _IOC(_IOC_NONE, 'E', 0, sizeof(struct xd_evtchn_bind_virq))
#define XD_EVTCHN_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(struct xd_evtchn_port))
#define XD_EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct xd_evtchn_port))
#define XD_GNTDEV_MAP_GRANT_REF _IOC(_IOC_NONE, 'G', 0, sizeof(struct xd_gntdev_map_one))
#define XD_GNTDEV_UNMAP_GRANT_REF _IOC(_IOC_NONE, 'G', 1, sizeof(struct xd_gntdev_unmap))
#define XD_PRIVCMD_MMAPBATCH_V2 _IOC(_IOC_NONE, 'P', 4, sizeof(struct xd_privcmd_mmapbatch_v2))
#define XD_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct xd_privcmd_hypercall))
#define XD_PRIVCMD_MMAP_RESOURCE _IOC(_IOC_NONE, 'P', 7, sizeof(struct xd_privcmd_mmap_resource))
#define XD_XENBUS_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)

#endif /* XSD_XENDEV_IOCTL_H */
