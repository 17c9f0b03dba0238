/* Block devices: snapshots of a running domain's qcow2 disks, and its disks read back (blk.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blk.h"
#include "cfg_dev.h"

/* IMAGE-YYYYmmddTHHMMSSZ.qcow2 (IMAGE without a .qcow2 ending). */
static void default_overlay(const char *image, char *out, size_t len)
{
    size_t n = strlen(image);
    time_t now = time(NULL);
    char stamp[32];
    struct tm tm;

    if (n > 6 && !strcmp(image + n - 6, ".qcow2"))
        n -= 6;
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
    snprintf(out, len, "%.*s-%s.qcow2", (int)n, image, stamp);
}

/* An overlay path made absolute (its folder must exist) and not yet there. */
static int overlay_path(const char *want, char *out, size_t len, struct hv_err *err)
{
    char dir[PATH_MAX], real[PATH_MAX];
    const char *slash = strrchr(want, '/');

    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - want) : 1, slash ? want : ".");
    if (!*dir)
        snprintf(dir, sizeof(dir), "/");
    if (!realpath(dir, real))
        return hv_err_set(err, -errno, "overlay %s: %s: %s", want, dir, strerror(errno));
    if ((size_t)snprintf(out, len, "%s/%s", strcmp(real, "/") ? real : "",
                         slash ? slash + 1 : want) >= len)
        return hv_err_set(err, -ENAMETOOLONG, "overlay %s: name too long", want);
    if (!access(out, F_OK))
        return hv_err_set(err, -EEXIST, "overlay %s exists", out);
    return 0;
}

int hv_blk_snapshot(struct xs_handle *xs, uint32_t domid, const char *vdev, const char *overlay,
                    char *made, size_t len, struct hv_err *err)
{
    int devid = hv_blk_devid(vdev), rc;
    char image[PATH_MAX], format[16], mode[4], path[PATH_MAX], want[PATH_MAX];

    if (devid < 0)
        return hv_err_set(err, -EINVAL, "'%s' is not a virtual device name (xvda, 51712, ...)",
                          vdev);
    if (hv_dev_read(xs, domid, "vbd", (uint32_t)devid, "params", image, sizeof(image)))
        return hv_err_set(err, -ENOENT, "domain %u has no disk %s (%d)", domid, vdev, devid);
    hv_dev_read(xs, domid, "vbd", (uint32_t)devid, "format", format, sizeof(format));
    hv_dev_read(xs, domid, "vbd", (uint32_t)devid, "mode", mode, sizeof(mode));
    if (strcmp(format, "qcow2"))
        return hv_err_set(err, -EINVAL, "disk %s of domain %u is %s (%s): snapshots need qcow2 "
                          "images, whose backing files make them (qemu-img convert -O qcow2 "
                          "makes one)", vdev, domid, *format ? format : "raw", image);
    if (strcmp(mode, "w"))
        return hv_err_set(err, -EINVAL, "disk %s of domain %u is read-only: %s does not change, "
                          "use it as it is", vdev, domid, image);
    if (overlay)
        snprintf(want, sizeof(want), "%s", overlay);
    else
        default_overlay(image, want, sizeof(want));
    if ((rc = overlay_path(want, path, sizeof(path), err)))
        return rc;
    {
        struct hv_dev_kv env[] = {{"HV_OVERLAY", path}};
        if ((rc = hv_dev_script(xs, "vbd", domid, (uint32_t)devid, "snapshot", env, 1, 0, err)))
            return rc;
    }
    snprintf(made, len, "%s", path);
    return hv_dev_write(xs, domid, "vbd", (uint32_t)devid, "params", path, false, err);
}

/* One device's spec from its toolstack copy (as hv_blk_add wrote it). */
static int one_disk(struct xs_handle *xs, uint32_t domid, uint32_t devid, struct hv_cfg_disk *d)
{
    char params[PATH_MAX], format[16], mode[4], vdev[32], type[16], spec[PATH_MAX + 96], why[200];

    if (hv_dev_read(xs, domid, "vbd", devid, "dev", vdev, sizeof(vdev)))
        snprintf(vdev, sizeof(vdev), "%u", devid);
    hv_dev_read(xs, domid, "vbd", devid, "params", params, sizeof(params));
    hv_dev_read(xs, domid, "vbd", devid, "format", format, sizeof(format));
    hv_dev_read(xs, domid, "vbd", devid, "mode", mode, sizeof(mode));
    hv_dev_read(xs, domid, "vbd", devid, "device-type", type, sizeof(type));
    if (!*params)
        snprintf(spec, sizeof(spec), "vdev=%s,devtype=cdrom,access=r", vdev);
    else
        snprintf(spec, sizeof(spec), "vdev=%s,format=%s,access=%s,devtype=%s,target=%s", vdev,
                 *format ? format : "raw", strcmp(mode, "w") ? "r" : "w",
                 strcmp(type, "cdrom") ? "disk" : "cdrom", params);
    return cfg_disk_parse(spec, d, why, sizeof(why));
}

int hv_blk_current(struct xs_handle *xs, uint32_t domid, struct hv_cfg_disk **out, unsigned *n)
{
    uint32_t ids[64];
    int count = hv_dev_list(xs, domid, "vbd", ids, 64), i, rc = 0;

    *n = 0;
    if (!(*out = calloc((size_t)count + 1, sizeof(**out))))
        return -ENOMEM;
    for (i = 0; i < count && !rc; i++)
        if (!(rc = one_disk(xs, domid, ids[i], &(*out)[*n])))
            (*n)++;
    if (rc) {
        while (*n)
            cfg_disk_free(&(*out)[--*n]);
        free(*out);
        *out = NULL;
    }
    return rc;
}
