/* A domain's xenstore tree as libxl writes it, and the toolstack's reads and writes in it. */
#ifndef HV_XSL_H
#define HV_XSL_H

#include <stdbool.h>
#include <stdint.h>

#include "dom0-tools/libxenstore/include/xenstore.h"
#include "priv.h"

/* What the tree of a new domain records (the backends are dom0). */
struct hv_xsl_dom {
    uint32_t domid;
    const char *name;
    uint8_t uuid[16];
    uint64_t target_kib, static_max_kib; /* memory/target, memory/static-max */
    unsigned max_vcpus, online_vcpus;    /* cpu/0..max-1/availability: the first online */
    uint64_t store_mfn, console_mfn;
    uint32_t store_port, console_port;
    const char *kernel, *ramdisk, *cmdline; /* /vm/<uuid>/image/...; NULL: not written */
    /* /vm/<uuid>/on_poweroff, on_reboot, on_crash (as xend wrote them; save reads them back);
     * NULL: not written */
    const char *on_poweroff, *on_reboot, *on_crash;
    bool rings_later; /* store/ and console/ port and ring-ref left to hv_xsl_write_rings */
};

/*
 * Writes, in one transaction (retried on EAGAIN), the tree of docs/hvctl.md "xenstore":
 * /local/domain/D/{vm, name, domid, cpu/, memory/, device/, control/, data/, drivers/,
 * feature/, attr/, error/, store/, console/}, dom0's console backend
 * /local/domain/0/backend/console/D/0, /vm/<uuid>/ and /libxl/D/, with libxl's permissions.
 * Nothing is left written on failure.
 */
int hv_xsl_write(struct xs_handle *xs, const struct hv_xsl_dom *d, struct hv_err *err);
/* The four nodes rings_later left out (a restore's, once the stream gave the frames); hvconsoled
 * serves the console once they are there. */
int hv_xsl_write_rings(struct xs_handle *xs, const struct hv_xsl_dom *d, struct hv_err *err);

/* Removes everything hv_xsl_write wrote for domid (and every backend dir of dom0 for it);
 * what is already gone is fine. Its /vm/<uuid> stays while another domain names the same one
 * (a migration's two copies on one host). */
int hv_xsl_remove(struct xs_handle *xs, uint32_t domid, struct hv_err *err);

/* XS_INTRODUCE / XS_RELEASE for the domain's store ring. */
int hv_xsl_introduce(struct xs_handle *xs, uint32_t domid, uint64_t store_mfn, uint32_t port,
                     struct hv_err *err);
int hv_xsl_release(struct xs_handle *xs, uint32_t domid, struct hv_err *err);

/* Writes /local/domain/D/<rel> only while /local/domain/D/<guard> exists, in one transaction
 * (-ENOENT if it is gone): a daemon's late write never makes a removed domain's home again. */
int hv_xsl_write_beside(struct xs_handle *xs, uint32_t domid, const char *guard,
                        const char *rel, const char *value, struct hv_err *err);

/* /local/domain/D/name into buf ("" and -ENOENT if there is none). */
int hv_xsl_name(struct xs_handle *xs, uint32_t domid, char *buf, size_t len);

/* control/shutdown = "poweroff" | "reboot" | "suspend" | "halt" | "" */
int hv_xsl_shutdown(struct xs_handle *xs, uint32_t domid, const char *what, struct hv_err *err);

/* cpu/N/availability for N < max: "online" for N < online, else "offline". */
int hv_xsl_vcpus(struct xs_handle *xs, uint32_t domid, unsigned online, unsigned max,
                 struct hv_err *err);

/* memory/target in KiB. */
int hv_xsl_mem_target(struct xs_handle *xs, uint32_t domid, uint64_t kib, struct hv_err *err);

/* /vm/<uuid>/start_time as "seconds.centiseconds" (-ENOENT if not there). */
int hv_xsl_start_time(struct xs_handle *xs, uint32_t domid, double *seconds);

/* Reads a small node: /local/domain/D/<rel> into buf; -ENOENT etc. */
int hv_xsl_read(struct xs_handle *xs, uint32_t domid, const char *rel, char *buf, size_t len);

#endif
