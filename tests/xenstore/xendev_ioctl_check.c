/*
 * tests/xenstore/xendev_ioctl_check.c - xenstored's /dev/xen ioctl numbers and layouts
 * (dom0-tools/xenstored/linux/xendev_ioctl.h) against libxen-dev's copies of Linux's uapi
 * headers (/usr/include/xen/sys). One line per mismatch; exit status 1 on any.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xen/xen.h> /* domid_t, xen_pfn_t for privcmd.h */
#include <xen/sys/evtchn.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/privcmd.h>
#include <xen/sys/xenbus_dev.h>

#include "dom0-tools/xenstored/linux/xendev_ioctl.h"

static int bad, checked;

static void same(const char *what, unsigned long ours, unsigned long theirs)
{
    checked++;
    if (ours != theirs) {
        printf("MISMATCH %s: ours %#lx, Linux's %#lx\n", what, ours, theirs);
        bad++;
    }
}

#define SAME(what, a, b) same(what, (unsigned long)(a), (unsigned long)(b))
#define FIELD(ours, theirs, f, tf)                                                                 \
    do {                                                                                           \
        SAME(#ours "." #f " offset", offsetof(struct ours, f), offsetof(struct theirs, tf));       \
        SAME(#ours "." #f " size", sizeof(((struct ours *)0)->f),                                  \
             sizeof(((struct theirs *)0)->tf));                                                   \
    } while (0)

int main(void)
{
    SAME("EVTCHN_BIND_INTERDOMAIN", XD_EVTCHN_BIND_INTERDOMAIN, IOCTL_EVTCHN_BIND_INTERDOMAIN);
    SAME("EVTCHN_BIND_VIRQ", XD_EVTCHN_BIND_VIRQ, IOCTL_EVTCHN_BIND_VIRQ);
    SAME("EVTCHN_UNBIND", XD_EVTCHN_UNBIND, IOCTL_EVTCHN_UNBIND);
    SAME("EVTCHN_NOTIFY", XD_EVTCHN_NOTIFY, IOCTL_EVTCHN_NOTIFY);
    SAME("GNTDEV_MAP_GRANT_REF", XD_GNTDEV_MAP_GRANT_REF, IOCTL_GNTDEV_MAP_GRANT_REF);
    SAME("GNTDEV_UNMAP_GRANT_REF", XD_GNTDEV_UNMAP_GRANT_REF, IOCTL_GNTDEV_UNMAP_GRANT_REF);
    SAME("PRIVCMD_MMAPBATCH_V2", XD_PRIVCMD_MMAPBATCH_V2, IOCTL_PRIVCMD_MMAPBATCH_V2);
    SAME("PRIVCMD_HYPERCALL", XD_PRIVCMD_HYPERCALL, IOCTL_PRIVCMD_HYPERCALL);
    SAME("PRIVCMD_MMAP_RESOURCE", XD_PRIVCMD_MMAP_RESOURCE, IOCTL_PRIVCMD_MMAP_RESOURCE);
    SAME("XENBUS_BACKEND_EVTCHN", XD_XENBUS_BACKEND_EVTCHN, IOCTL_XENBUS_BACKEND_EVTCHN);
    FIELD(xd_evtchn_bind_interdomain, ioctl_evtchn_bind_interdomain, dom, remote_domain);
    FIELD(xd_evtchn_bind_interdomain, ioctl_evtchn_bind_interdomain, port, remote_port);
    FIELD(xd_evtchn_port, ioctl_evtchn_notify, port, port);
    FIELD(xd_evtchn_bind_virq, ioctl_evtchn_bind_virq, virq, virq);
    FIELD(xd_gntdev_map_one, ioctl_gntdev_map_grant_ref, count, count);
    FIELD(xd_gntdev_map_one, ioctl_gntdev_map_grant_ref, index, index);
    FIELD(xd_gntdev_map_one, ioctl_gntdev_map_grant_ref, refs, refs);
    SAME("gntdev refs[0].domid", offsetof(struct xd_gntdev_map_one, refs[0].domid),
         offsetof(struct ioctl_gntdev_map_grant_ref, refs[0].domid));
    SAME("gntdev refs[0].ref", offsetof(struct xd_gntdev_map_one, refs[0].ref),
         offsetof(struct ioctl_gntdev_map_grant_ref, refs[0].ref));
    FIELD(xd_gntdev_unmap, ioctl_gntdev_unmap_grant_ref, index, index);
    FIELD(xd_gntdev_unmap, ioctl_gntdev_unmap_grant_ref, count, count);
    FIELD(xd_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2, num, num);
    FIELD(xd_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2, dom, dom);
    FIELD(xd_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2, addr, addr);
    FIELD(xd_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2, arr, arr);
    FIELD(xd_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2, err, err);
    FIELD(xd_privcmd_hypercall, privcmd_hypercall, op, op);
    FIELD(xd_privcmd_hypercall, privcmd_hypercall, arg, arg);
    FIELD(xd_privcmd_mmap_resource, privcmd_mmap_resource, dom, dom);
    FIELD(xd_privcmd_mmap_resource, privcmd_mmap_resource, type, type);
    FIELD(xd_privcmd_mmap_resource, privcmd_mmap_resource, id, id);
    FIELD(xd_privcmd_mmap_resource, privcmd_mmap_resource, idx, idx);
    FIELD(xd_privcmd_mmap_resource, privcmd_mmap_resource, num, num);
    FIELD(xd_privcmd_mmap_resource, privcmd_mmap_resource, addr, addr);
    SAME("privcmd_hypercall size", sizeof(struct xd_privcmd_hypercall), sizeof(struct privcmd_hypercall));
    SAME("privcmd_mmap_resource size", sizeof(struct xd_privcmd_mmap_resource), sizeof(struct privcmd_mmap_resource));
    SAME("privcmd frame size", sizeof(uint64_t), sizeof(xen_pfn_t));
    printf("xendev ioctls: %d checked, %d mismatched\n", checked, bad);
    return bad != 0;
}
