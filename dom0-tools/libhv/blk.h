/* Block devices (vbd): xl.cfg disk specs to the generic device layer (dev.h), backend Linux's
 * xen-blkback in dom0, the image behind it made a block device by the `block` hotplug script. */
#ifndef HV_BLK_H
#define HV_BLK_H

#include <stdint.h>
#include <stdio.h>

#include "cfg.h"
#include "dev.h"

/*
 * The devid of a vdev name, Xen's rule (libxl's disk number): xvdX[N] -> 202<<8 | X<<4 | N for
 * disk X < 16 and partition N < 16 (xvda = 51712), else 1<<28 | X<<8 | N (N < 256, X < 2^20);
 * "dXpN" the same; hdX[N] (X < 4, N < 64) -> (X < 2 ? 3 : 22)<<8 | (X&1)<<6 | N; sdX[N]
 * (X < 16, N < 16) -> 8<<8 | X<<4 | N; a plain number is the devid itself. Letters count as
 * xl's: a..z, then aa = 26. -EINVAL for anything else.
 */
int hv_blk_devid(const char *vdev);

/*
 * What can be checked before anything is made: a vdev that names a devid, a format this
 * toolstack serves (raw, qcow2; empty for a cdrom), backendtype phy (or none), no driver domain,
 * a target that exists and is a regular file or a block device. -EINVAL/-ENOENT/... with
 * "disk 'xvda' (/img): what" in err.
 */
int hv_blk_check(const struct hv_cfg_disk *d, struct hv_err *err);

/*
 * Adds the disk to domid through hv_dev_add: backend keys as libxl's device_disk_add (params,
 * script, frontend-id, online, removable, bootable, state, dev, type, mode, device-type,
 * discard-enable) plus `format` (raw or qcow2) for the script; frontend backend-id, state,
 * virtual-device, device-type, protocol. A vdev in use is -EEXIST ("vdev xvda of domain 5 is in
 * use"). Nothing is left on failure.
 */
int hv_blk_add(struct xs_handle *xs, uint32_t domid, const struct hv_cfg_disk *d,
               struct hv_err *err);

/* Detaches vdev (a name or a devid) from domid; force: do not wait for the guest. */
int hv_blk_remove(struct xs_handle *xs, uint32_t domid, const char *vdev, bool force,
                  struct hv_err *err);

/* xl block-list's table for domid on f: Vdev BE handle state evt-ch ring-ref BE-path. */
int hv_blk_list(struct xs_handle *xs, uint32_t domid, FILE *f);

#endif

/*
 * xl-style external snapshot of a running domain's qcow2 disk (hvctl block-snapshot): the guest
 * goes on with a new overlay whose backing file is its image, and the image stays as it was at
 * that instant (the block script's `snapshot`: dm suspend holds the guest's I/O while the image's
 * qemu-nbd server is ended, which flushes it, and one on the overlay takes over). overlay: the
 * new file (NULL: IMAGE-YYYYmmddTHHMMSSZ.qcow2 beside IMAGE, IMAGE without its .qcow2); its path
 * into made. Refused for raw and read-only disks (-EINVAL) and an overlay that exists
 * (-EEXIST); the device's params (backend and toolstack copy) name the overlay afterwards.
 */
int hv_blk_snapshot(struct xs_handle *xs, uint32_t domid, const char *vdev, const char *overlay,
                    char *made, size_t len, struct hv_err *err);

/* domid's disks as they are now (after attach, detach, snapshot), as specs: *out malloc()ed,
 * free each with cfg_disk_free and the array with free(). */
int hv_blk_current(struct xs_handle *xs, uint32_t domid, struct hv_cfg_disk **out, unsigned *n);
