/* hvctl clone: a new domain from snapshots of a running domain's disks (ops.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blk.h"
#include "cfg_dev.h"
#include "ops.h"

/* The configuration text being made; strings quoted in cfg syntax. */
struct text {
    char *buf;
    size_t len;
    FILE *f;
};

static void quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* A node of the source's tree (relative to /local/domain/D or absolute) into f as `key = '...'`. */
static void copy_key(struct hv_ops *o, uint32_t domid, FILE *f, const char *key, const char *path)
{
    char buf[PATH_MAX], *v;
    unsigned n;

    if (!(v = xs_read(o->xs, XBT_NULL, path, &n)))
        return;
    snprintf(buf, sizeof(buf), "%.*s", (int)n, v);
    free(v);
    (void)domid;
    fprintf(f, "%s = ", key);
    quoted(f, buf);
    fputc('\n', f);
}

/* kernel, ramdisk, cmdline from /vm/U/image; memory; vCPUs (every cpu/N, the online ones). */
int hv_ops_describe(struct hv_ops *o, uint32_t domid, FILE *f)
{
    char vm[128], path[192], num[32];
    char **cpus;
    unsigned n = 0, i, online = 0;

    if (hv_xsl_read(o->xs, domid, "vm", vm, sizeof(vm)))
        return hv_err_set(&o->err, -ENOENT, "domain %u has no /vm record (not made by hvctl?)",
                          domid);
    snprintf(path, sizeof(path), "%s/image/kernel", vm);
    copy_key(o, domid, f, "kernel", path);
    snprintf(path, sizeof(path), "%s/image/ramdisk", vm);
    copy_key(o, domid, f, "ramdisk", path);
    snprintf(path, sizeof(path), "%s/image/cmdline", vm);
    copy_key(o, domid, f, "cmdline", path);
    for (i = 0; i < 3; i++) {
        static const char *const acts[] = {"on_poweroff", "on_reboot", "on_crash"};

        snprintf(path, sizeof(path), "%s/%s", vm, acts[i]);
        copy_key(o, domid, f, acts[i], path);
    }
    if (!hv_xsl_read(o->xs, domid, "memory/target", num, sizeof(num)))
        fprintf(f, "memory = %llu\n", strtoull(num, NULL, 10) / 1024);
    if (!hv_xsl_read(o->xs, domid, "memory/static-max", num, sizeof(num)))
        fprintf(f, "maxmem = %llu\n", strtoull(num, NULL, 10) / 1024);
    snprintf(path, sizeof(path), "/local/domain/%u/cpu", domid);
    cpus = xs_directory(o->xs, XBT_NULL, path, &n);
    for (i = 0; cpus && i < n; i++) {
        snprintf(path, sizeof(path), "cpu/%s/availability", cpus[i]);
        online += !hv_xsl_read(o->xs, domid, path, num, sizeof(num)) && !strcmp(num, "online");
    }
    free(cpus);
    if (n)
        fprintf(f, "vcpus = %u\nmaxvcpus = %u\n", online ? online : 1, n);
    return 0;
}

void hv_ops_describe_disk(const struct hv_cfg_disk *d, FILE *f)
{
    if (d->format == HV_DISK_EMPTY) {
        fprintf(f, "'vdev=%s,devtype=cdrom,access=r'", d->vdev);
        return;
    }
    fprintf(f, "'vdev=%s,format=%s,access=%s,devtype=%s,target=%s'", d->vdev,
            d->format == HV_DISK_QCOW2 ? "qcow2" : "raw", d->readonly ? "r" : "w",
            d->cdrom ? "cdrom" : "disk", d->target);
}

/* Every disk can be cloned: qcow2 (snapshotted), read-only or empty ones (shared). */
static int clone_checks(struct hv_ops *o, uint32_t domid, const struct hv_cfg_disk *d, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++)
        if (!d[i].readonly && d[i].format != HV_DISK_QCOW2 && d[i].format != HV_DISK_EMPTY)
            return hv_err_set(&o->err, -EINVAL, "disk %s of domain %u is a writable %s image "
                              "(%s): clones are made from qcow2 snapshots (qemu-img convert -O "
                              "qcow2 makes one)", d[i].vdev, domid,
                              d[i].format == HV_DISK_RAW ? "raw" : "non-qcow2", d[i].target);
    return 0;
}

/* BASE's clone overlay for NEW: BASE without .qcow2 + "-NEW.qcow2". */
static int clone_overlay(struct hv_ops *o, const char *base, const char *newname, char *out,
                         size_t len)
{
    size_t n = strlen(base);
    char *argv[] = {"/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b",
                    (char *)base, out, NULL};

    if (n > 6 && !strcmp(base + n - 6, ".qcow2"))
        n -= 6;
    if ((size_t)snprintf(out, len, "%.*s-%s.qcow2", (int)n, base, newname) >= len)
        return hv_err_set(&o->err, -ENAMETOOLONG, "%s: name too long", base);
    if (!access(out, F_OK))
        return hv_err_set(&o->err, -EEXIST, "clone's image %s exists", out);
    return hv_dev_run(argv, "qemu-img create", 60, &o->err);
}

/* Snapshots each writable qcow2 disk (the source goes on in an overlay of its own) and writes
 * the clone's disk list; made[] gets the clone overlays created (removed on failure). */
static int clone_disks(struct hv_ops *o, uint32_t domid, const char *newname,
                       const struct hv_cfg_disk *d, unsigned n, FILE *f, char (*made)[PATH_MAX],
                       unsigned *n_made)
{
    char snap[PATH_MAX];
    unsigned i;
    int rc;

    fprintf(f, "disk = [");
    for (i = 0; i < n; i++) {
        fprintf(f, "%s", i ? ", " : "");
        if (d[i].format == HV_DISK_EMPTY) {
            fprintf(f, "'vdev=%s,devtype=cdrom,access=r'", d[i].vdev);
            continue;
        }
        if (d[i].readonly) {
            hv_ops_describe_disk(&d[i], f);
            continue;
        }
        /* the source's image becomes the base of both */
        if ((rc = hv_blk_snapshot(o->xs, domid, d[i].vdev, NULL, snap, sizeof(snap), &o->err)) ||
            (rc = clone_overlay(o, d[i].target, newname, made[*n_made], PATH_MAX)))
            return rc;
        fprintf(f, "'vdev=%s,format=qcow2,access=w,target=%s'", d[i].vdev, made[(*n_made)++]);
    }
    fprintf(f, "]\n");
    return 0;
}

int hv_ops_clone(struct hv_ops *o, uint32_t domid, const char *newname, struct hv_cfg *cfg,
                 uint32_t *newid)
{
    struct hv_cfg_disk *disks = NULL;
    char (*made)[PATH_MAX] = NULL, err[512], *text = NULL;
    unsigned n = 0, n_made = 0, i;
    size_t len = 0;
    uint32_t other;
    FILE *f;
    int rc;

    memset(cfg, 0, sizeof(*cfg));
    if (!hv_ops_find(o, newname, &other))
        return hv_err_set(&o->err, -EEXIST, "domain '%s' already exists (id %u)", newname, other);
    if ((rc = hv_blk_current(o->xs, domid, &disks, &n)))
        return hv_err_set(&o->err, rc, "cannot read domain %u's disks", domid);
    if ((rc = clone_checks(o, domid, disks, n)) ||
        !(made = calloc(n + 1, sizeof(*made))) || !(f = open_memstream(&text, &len))) {
        rc = rc ? rc : -ENOMEM;
        goto out;
    }
    fprintf(f, "name = ");
    quoted(f, newname);
    fputc('\n', f);
    rc = hv_ops_describe(o, domid, f);
    if (!rc)
        rc = clone_disks(o, domid, newname, disks, n, f, made, &n_made);
    fclose(f);
    if (!rc && (rc = hv_cfg_parse(text, len, "clone", NULL, 0, cfg, err, sizeof(err))))
        hv_err_set(&o->err, rc, "%s", err);
    if (!rc && (rc = hv_ops_create(o, cfg, false, newid)))
        hv_cfg_free(cfg);
out:
    for (i = 0; rc && i < n_made; i++)
        unlink(made[i]);
    for (i = 0; i < n; i++)
        cfg_disk_free(&disks[i]);
    free(disks);
    free(made);
    free(text);
    return rc;
}
