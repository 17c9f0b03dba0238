/* The xl.cfg parser: xl's file syntax and the keys of a PV guest, as a typed description. */
#ifndef HV_CFG_H
#define HV_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Syntax (xl's, tools/libs/util/libxlu_cfg*): `key = value` or `key += value`, one a line or
 * separated by ';'; a value is a number (decimal or 0x hex), a string in '' or "" (backslash
 * escapes \n \t \\ \' \" \xHH \ooo ...), or a list `[ v, v, ... ]` that may span lines and end
 * with a comma; '#' starts a comment. A later setting of a key replaces an earlier one; `+=`
 * appends to a string or list. Every error names the source (file or "command line"), the line
 * and the key.
 */

/* What the hypervisor's shutdown reason leads to (on_poweroff, on_reboot, on_crash). */
enum hv_cfg_action {
    HV_ACT_DESTROY,
    HV_ACT_RESTART,
    HV_ACT_RENAME_RESTART,
    HV_ACT_PRESERVE,
};

enum hv_disk_format {
    HV_DISK_RAW,
    HV_DISK_QCOW,
    HV_DISK_QCOW2,
    HV_DISK_VHD,
    HV_DISK_QED,
    HV_DISK_EMPTY,
};

/* One `disk = [...]` entry (xl-disk-configuration: positional and key=value forms). */
struct hv_cfg_disk {
    char *target;       /* path or device; "" for an empty cdrom drive */
    char *vdev;         /* xvda, hda, sdb, ... (required) */
    enum hv_disk_format format;
    bool readonly;      /* access=r|ro (default rw) */
    bool cdrom;         /* devtype=cdrom, ",cdrom" or "vdev:cdrom" */
    char *backend;      /* backend domain name; NULL = dom0 */
    char *backendtype;  /* phy, tap, qdisk, standalone; NULL = chosen at attach time */
    char *script;       /* hotplug script; NULL = block */
    bool direct_io_safe;
    int discard;        /* -1 = backend's default, 0 = no-discard, 1 = discard */
    int trusted;        /* -1 = default (trusted), 0 = untrusted, 1 = trusted */
};

/* One `vif = [...]` entry: comma-separated key=value pairs. */
struct hv_cfg_vif {
    bool has_mac;
    uint8_t mac[6];
    int devid;          /* -1 = by position */
    unsigned mtu;       /* 0 = default */
    char *bridge, *ip, *script, *vifname, *backend, *rate, *model, *type, *gatewaydev;
    char *network;      /* our extension: a named network (hvctl network-create) */
};

/* ioports, iomem, irqs: machine I/O given to the guest (xl's syntax, docs/hvctl.md), at most
 * HV_CFG_MAX_IO entries of each (the hypervisor keeps as many ranges per domain). */
#define HV_CFG_MAX_IO 32
struct hv_cfg_range {
    uint64_t first, nr; /* ports or machine frames; nr >= 1 */
};

/* A PV guest's configuration. Strings are heap copies owned by the structure. */
struct hv_cfg {
    char *name;
    bool has_uuid;
    uint8_t uuid[16];
    uint64_t memory_mib;    /* default 32, xl's */
    uint64_t maxmem_mib;    /* default memory_mib; never below it */
    unsigned vcpus;         /* online at start; default 1 */
    unsigned maxvcpus;      /* default vcpus; never below it */
    unsigned cpu_weight;    /* 0 = the scheduler's default (256) */
    unsigned cap;           /* percent of one CPU; 0 = no cap */
    char *kernel;           /* required */
    char *ramdisk;          /* NULL = none */
    char *cmdline;          /* cmdline, or "root=R E" from root/extra, or NULL */
    enum hv_cfg_action on_poweroff, on_reboot, on_crash;
    struct hv_cfg_disk *disks;
    unsigned n_disks;
    struct hv_cfg_vif *vifs;
    unsigned n_vifs;
    struct hv_cfg_range ioports[HV_CFG_MAX_IO], iomem[HV_CFG_MAX_IO];
    unsigned n_ioports, n_iomem;
    unsigned irqs[HV_CFG_MAX_IO];
    unsigned n_irqs;
    char *warnings;         /* non-fatal notes (e.g. root/extra ignored), "\n"-separated, or NULL */
};

/* Largest configuration file read (xl has no limit; a cfg is a few hundred bytes). */
#define HV_CFG_MAX_BYTES (1u << 20)

/*
 * Parses `text` (len bytes, named `source` in messages) then the command-line settings
 * `overrides` ("key=value" each, in cfg syntax; a value that is not valid cfg syntax is taken as
 * a plain string, so `name=web` works), and fills *out. Returns 0, or -EINVAL with a message
 * "SOURCE:LINE: key 'K': what is wrong" in err (errlen bytes), -ENOMEM. *out is freed on error.
 */
int hv_cfg_parse(const char *text, size_t len, const char *source, char *const *overrides,
                 unsigned n_overrides, struct hv_cfg *out, char *err, size_t errlen);

/* hv_cfg_parse on the file at `path` (-ENOENT etc. with "PATH: reason" in err). */
int hv_cfg_load(const char *path, char *const *overrides, unsigned n_overrides,
                struct hv_cfg *out, char *err, size_t errlen);

void hv_cfg_free(struct hv_cfg *cfg);

/* "destroy", "restart", "rename-restart", "preserve". */
const char *hv_cfg_action_name(enum hv_cfg_action act);

/* The uuid as 8-4-4-4-12 lowercase hex (buf at least 37 bytes). */
void hv_cfg_uuid_format(const uint8_t uuid[16], char *buf);

/* Parses 8-4-4-4-12 hex; 0 or -EINVAL. */
int hv_cfg_uuid_parse(const char *s, uint8_t uuid[16]);

#endif
