/* Block devices (blk.h): vdev numbers, disk checks, the vbd's xenstore keys, xl block-list. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "blk.h"

/* PREFIX + letters (xl's base-26 count: a = 0, z = 25, aa = 26) + an optional partition. */
static bool virtdisk(const char *vdev, const char *prefix, long max_disk, long max_part,
                     long *disk, long *part)
{
    size_t n = strlen(prefix);
    const char *p = vdev + n;
    char *end;

    if (strncmp(vdev, prefix, n) || *p < 'a' || *p > 'z')
        return false;
    for (*disk = -1; *p >= 'a' && *p <= 'z'; p++) {
        *disk = (*disk + 1) * 26 + (*p - 'a');
        if (*disk > max_disk)
            return false;
    }
    *part = 0;
    if (!*p)
        return true;
    if (*p < '1' || *p > '9')
        return false; /* no sign, no leading zero */
    *part = strtol(p, &end, 10);
    return !*end && *part <= max_part;
}

/* "dXpN": disk and partition in decimal. */
static bool dp_form(const char *vdev, long *disk, long *part)
{
    char *end;

    if (vdev[0] != 'd' || vdev[1] < '0' || vdev[1] > '9')
        return false;
    *disk = strtol(vdev + 1, &end, 10);
    if (*end != 'p' || end[1] < '0' || end[1] > '9')
        return false;
    *part = strtol(end + 1, &end, 10);
    return !*end && *disk < (1L << 20) && *part < 256;
}

int hv_blk_devid(const char *vdev)
{
    long disk, part;
    unsigned long v;
    char *end;

    if (dp_form(vdev, &disk, &part) || virtdisk(vdev, "xvd", (1L << 20) - 1, 255, &disk, &part))
        return disk <= 15 && part <= 15 ? (int)(202 << 8 | disk << 4 | part)
                                        : (int)(1L << 28 | disk << 8 | part);
    if (vdev[0] >= '0' && vdev[0] <= '9') {
        errno = 0;
        v = strtoul(vdev, &end, 10);
        return !*end && !errno && v <= INT_MAX ? (int)v : -EINVAL;
    }
    if (virtdisk(vdev, "hd", 3, 63, &disk, &part))
        return (int)((disk < 2 ? 3 : 22) << 8 | (disk & 1) << 6 | part);
    if (virtdisk(vdev, "sd", 15, 15, &disk, &part))
        return (int)(8 << 8 | disk << 4 | part);
    return -EINVAL;
}

static const char *format_name(enum hv_disk_format f)
{
    static const char *const names[] = {"raw", "qcow", "qcow2", "vhd", "qed", "empty"};

    return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

int hv_blk_check(const struct hv_cfg_disk *d, struct hv_err *err)
{
    const char *t = d->target ? d->target : "";
    struct stat st;

    if (hv_blk_devid(d->vdev) < 0)
        return hv_err_set(err, -EINVAL, "disk '%s': not a virtual device name (xvda, xvdb1, "
                          "hda, sda, d0p1 or a number)", d->vdev);
    if (d->backend && strcmp(d->backend, "0") && strcmp(d->backend, "Domain-0"))
        return hv_err_set(err, -EINVAL, "disk '%s': backend '%s': only dom0 serves disks here",
                          d->vdev, d->backend);
    if (d->backendtype && strcmp(d->backendtype, "phy"))
        return hv_err_set(err, -EINVAL, "disk '%s': backendtype '%s' is not supported (phy: "
                          "dom0's xen-blkback)", d->vdev, d->backendtype);
    if (d->format == HV_DISK_EMPTY)
        return 0; /* an empty cdrom drive: the parser allows it only for cdroms */
    if (d->format != HV_DISK_RAW && d->format != HV_DISK_QCOW2)
        return hv_err_set(err, -EINVAL, "disk '%s' (%s): format %s is not supported (raw, "
                          "qcow2)", d->vdev, t, format_name(d->format));
    if (stat(t, &st))
        return hv_err_set(err, -errno, "disk '%s': %s: %s", d->vdev, t, strerror(errno));
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return hv_err_set(err, -EINVAL, "disk '%s': %s is neither a file nor a block device",
                          d->vdev, t);
    if (S_ISBLK(st.st_mode) && d->format != HV_DISK_RAW)
        return hv_err_set(err, -EINVAL, "disk '%s': %s is a block device: format raw only",
                          d->vdev, t);
    return 0;
}

int hv_blk_add(struct xs_handle *xs, uint32_t domid, const struct hv_cfg_disk *d,
               struct hv_err *err)
{
    const char *type = d->cdrom ? "cdrom" : "disk";
    char target[PATH_MAX], devid_s[16];
    int devid, rc;

    if ((rc = hv_blk_check(d, err)))
        return rc;
    devid = hv_blk_devid(d->vdev);
    if (d->format == HV_DISK_EMPTY)
        target[0] = 0;
    else if (!realpath(d->target, target))
        return hv_err_set(err, -errno, "disk '%s': %s: %s", d->vdev, d->target, strerror(errno));
    snprintf(devid_s, sizeof(devid_s), "%d", devid);
    {
        struct hv_dev_kv back[] = {
            {"params", target}, {"format", format_name(d->format)}, {"removable", "0"},
            {"bootable", "1"}, {"dev", d->vdev}, {"type", "phy"},
            {"mode", d->readonly ? "r" : "w"}, {"device-type", type},
            {"discard-enable", d->discard == 0 ? "0" : "1"},
            {"direct-io-safe", d->direct_io_safe ? "1" : "0"},
        };
        struct hv_dev_kv front[] = {
            {"virtual-device", devid_s}, {"device-type", type}, {"protocol", "x86_64-abi"},
        };
        struct hv_dev dev = {"vbd", domid, 0, (uint32_t)devid,
                             d->format == HV_DISK_EMPTY ? NULL : (d->script ? d->script : "block"),
                             back, sizeof(back) / sizeof(back[0]) - !d->direct_io_safe,
                             front, 3, NULL, 0, 0};

        rc = hv_dev_add(xs, &dev, err);
    }
    if (rc == -EEXIST)
        hv_err_set(err, rc, "disk '%s': vdev %s (%d) of domain %u is in use", d->vdev, d->vdev,
                   devid, domid);
    return rc;
}

int hv_blk_remove(struct xs_handle *xs, uint32_t domid, const char *vdev, bool force,
                  struct hv_err *err)
{
    int devid = hv_blk_devid(vdev);
    char be[128];

    if (devid < 0)
        return hv_err_set(err, -EINVAL, "'%s' is not a virtual device name (xvda, 51712, ...)",
                          vdev);
    if (hv_dev_read(xs, domid, "vbd", (uint32_t)devid, "backend", be, sizeof(be)))
        return hv_err_set(err, -ENOENT, "domain %u has no disk %s (%d)", domid, vdev, devid);
    return hv_dev_remove(xs, "vbd", domid, (uint32_t)devid, force, 0, err);
}

/* A number from PATH/KEY, or -1. */
static long read_num(struct xs_handle *xs, const char *dir, const char *key)
{
    char path[192], *v, *end;
    unsigned n;
    long r;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    if (!(v = xs_read(xs, XBT_NULL, path, &n)))
        return -1;
    r = strtol(v, &end, 10);
    free(v);
    return end == v ? -1 : r;
}

int hv_blk_list(struct xs_handle *xs, uint32_t domid, FILE *f)
{
    uint32_t ids[256];
    char be[128], fe[128];
    int n = hv_dev_list(xs, domid, "vbd", ids, 256), i;

    fprintf(f, "%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state",
            "evt-ch", "ring-ref", "BE-path");
    for (i = 0; i < n; i++) {
        if (hv_dev_read(xs, domid, "vbd", ids[i], "backend", be, sizeof(be)) ||
            hv_dev_read(xs, domid, "vbd", ids[i], "frontend", fe, sizeof(fe)))
            continue;
        fprintf(f, "%-5u %-3d %-6u %-5ld %-6ld %-8ld %-30s\n", ids[i], 0, domid,
                read_num(xs, fe, "state"), read_num(xs, fe, "event-channel"),
                read_num(xs, fe, "ring-ref"), be);
    }
    return n;
}
