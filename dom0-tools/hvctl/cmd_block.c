/* hvctl's block device verbs: block-attach, block-detach, block-list (xl's). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0-tools/libhv/blk.h"
#include "dom0-tools/libhv/cfg_dev.h"
#include "dom0-tools/libhv/monitor.h"
#include "hvctl.h"

/* xl block-attach DOMAIN SPEC...: the spec's components joined with ','. */
int cmd_block_attach(int argc, char **argv)
{
    struct hv_cfg_disk disk;
    struct hv_ops o;
    char spec[1024] = "", why[200];
    uint32_t domid;
    int i, rc;

    if (argc < 3)
        return hvctl_usage("block-attach");
    for (i = 2; i < argc; i++)
        snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), "%s%s", i > 2 ? "," : "",
                 argv[i]);
    if (cfg_disk_parse(spec, &disk, why, sizeof(why)))
        return hvctl_fail("disk spec '%s': %s", spec, why);
    if ((rc = hvctl_open(&o)) == HVCTL_OK && (rc = hvctl_domain(&o, argv[1], &domid)) == HVCTL_OK) {
        if (domid == 0)
            rc = hvctl_fail("disks are attached to guests, not to domain 0");
        else if (hv_blk_add(o.xs, domid, &disk, &o.err))
            rc = hvctl_fail("%s", o.err.msg);
    }
    cfg_disk_free(&disk);
    if (o.xs)
        hv_ops_close(&o);
    return rc;
}

/* xl block-detach DOMAIN VDEV [-f]: -f does not wait for the guest to let go. */
int cmd_block_detach(int argc, char **argv)
{
    struct hv_ops o;
    bool force = false;
    uint32_t domid;
    int c, rc;

    while ((c = hvctl_getopt(argc, argv, "f", "block-detach")) != -1) {
        if (c == '?')
            return HVCTL_USAGE;
        force = true;
    }
    if (argc - optind != 2)
        return hvctl_usage("block-detach");
    if ((rc = hvctl_open(&o)))
        return rc;
    if ((rc = hvctl_domain(&o, argv[optind], &domid)) == HVCTL_OK &&
        hv_blk_remove(o.xs, domid, argv[optind + 1], force, &o.err))
        rc = hvctl_fail("%s", o.err.msg);
    hv_ops_close(&o);
    return rc;
}

/* xl block-list DOMAIN...: one table per domain. */
int cmd_block_list(int argc, char **argv)
{
    struct hv_ops o;
    uint32_t domid;
    int i, rc;

    if (argc < 2)
        return hvctl_usage("block-list");
    if ((rc = hvctl_open(&o)))
        return rc;
    for (i = 1; i < argc && rc == HVCTL_OK; i++)
        if ((rc = hvctl_domain(&o, argv[i], &domid)) == HVCTL_OK)
            hv_blk_list(o.xs, domid, stdout);
    hv_ops_close(&o);
    return rc;
}

/* block-snapshot DOMAIN VDEV [OVERLAY]: prints the overlay the guest now writes to. */
int cmd_block_snapshot(int argc, char **argv)
{
    char made[4096];
    struct hv_ops o;
    uint32_t domid;
    int rc;

    if (argc != 3 && argc != 4)
        return hvctl_usage("block-snapshot");
    if ((rc = hvctl_open(&o)))
        return rc;
    if ((rc = hvctl_domain(&o, argv[1], &domid)) == HVCTL_OK) {
        if (hv_blk_snapshot(o.xs, domid, argv[2], argc == 4 ? argv[3] : NULL, made,
                            sizeof(made), &o.err))
            rc = hvctl_fail("block-snapshot %s %s: %s", argv[1], argv[2], o.err.msg);
        else
            printf("Domain %u's disk %s now writes to %s\n", domid, argv[2], made);
    }
    hv_ops_close(&o);
    return rc;
}

/* clone DOMAIN NEWNAME: a new domain on snapshots of DOMAIN's disks, with its monitor. */
int cmd_clone(int argc, char **argv)
{
    struct hv_cfg cfg;
    struct hv_ops o;
    uint32_t domid, newid;
    int rc;

    if (argc != 3)
        return hvctl_usage("clone");
    if ((rc = hvctl_open(&o)))
        return rc;
    if ((rc = hvctl_domain(&o, argv[1], &domid)) == HVCTL_OK) {
        if (hv_ops_clone(&o, domid, argv[2], &cfg, &newid)) {
            rc = hvctl_fail("clone %s %s: %s", argv[1], argv[2], o.err.msg);
        } else {
            printf("Started domain %s (id=%u), a clone of %s\n", cfg.name, newid, argv[1]);
            fflush(stdout);
            if (hv_monitor_spawn(&o, &cfg, newid) < 0)
                hvctl_fail("warning: %s: domain %u runs unmonitored", o.err.msg, newid);
            hv_cfg_free(&cfg);
        }
    }
    hv_ops_close(&o);
    return rc;
}
