/* The toolstack's operations on domains: one implementation that every front end calls (hvctl
 * today; a dashboard or management API later). */
#ifndef HV_OPS_H
#define HV_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "build.h"
#include "cfg.h"
#include "priv.h"
#include "xsl.h"

/*
 * A session: privcmd and xenstore. Every operation returns 0 (or a count) on success, or a
 * negative errno with a message an operator can act on in o->err.msg ("no domain named 'web'",
 * "domain 'web' already exists (id 3)", "kernel /x: not a Xen PV kernel ...").
 */
struct hv_ops {
    struct hv_priv *priv;
    struct xs_handle *xs;
    struct hv_err err;
};

int hv_ops_open(struct hv_ops *o);
void hv_ops_close(struct hv_ops *o);

/* A domain by name or by id (as xl: all digits = an id). */
int hv_ops_find(struct hv_ops *o, const char *name_or_id, uint32_t *domid);
/* The name of domid ("Domain-0" for dom0 without a name node). */
int hv_ops_name(struct hv_ops *o, uint32_t domid, char *buf, size_t len);

/*
 * xl create: createdomain (paused) -> max_vcpus -> max_mem -> build -> scheduler parameters ->
 * xenstore tree -> introduce to xenstored -> unpause (unless paused). Any failure destroys the
 * domain and removes every node written: nothing is left behind. *domid out.
 */
int hv_ops_create(struct hv_ops *o, const struct hv_cfg *cfg, bool paused, uint32_t *domid);
/*
 * hvctl clone: a new domain NEWNAME (new uuid) from domid's kernel, ramdisk, command line,
 * memory and vCPUs, whose disks are snapshots of domid's: each writable qcow2 disk is snapshotted
 * (hv_blk_snapshot: domid goes on in a new overlay) and the clone gets an overlay of its own,
 * IMAGE-NEWNAME.qcow2, over the same base; read-only and empty disks are shared. Writable raw
 * disks are refused before anything is done. *cfg out: the clone's configuration (for its
 * monitor; the on_* actions are the defaults). Nothing of the clone is left on failure (domid may
 * be left on its new overlays).
 */
int hv_ops_clone(struct hv_ops *o, uint32_t domid, const char *newname, struct hv_cfg *cfg,
                 uint32_t *newid);
/* xl destroy: pause, remove the xenstore tree, destroydomain, release from xenstored. */
int hv_ops_destroy(struct hv_ops *o, uint32_t domid);
int hv_ops_pause(struct hv_ops *o, uint32_t domid);
int hv_ops_unpause(struct hv_ops *o, uint32_t domid);
/* control/shutdown = what ("poweroff", "reboot"); the guest acts on it. */
int hv_ops_shutdown(struct hv_ops *o, uint32_t domid, const char *what);
/* Waits until domid has shut down or is gone (-ETIMEDOUT after timeout_s seconds, 0: none).
 * *reason out: PV_SHUTDOWN_*, or -1 if the domain is gone. */
int hv_ops_wait_shutdown(struct hv_ops *o, uint32_t domid, unsigned timeout_s, int *reason);

/* One line of xl list. */
struct hv_dom_summary {
    uint32_t domid;
    char name[80];
    uint64_t mem_kib, max_kib;
    unsigned vcpus, max_vcpus;
    char state[7];          /* xl's r b p s c d, '-' where not */
    bool shutdown;
    unsigned shutdown_reason;
    double cpu_s;
    uint8_t uuid[16];
};
/* Every domain, in id order; *out is malloc()ed (free it). Returns the count. */
int hv_ops_list(struct hv_ops *o, struct hv_dom_summary **out);
/* One domain. */
int hv_ops_summary(struct hv_ops *o, uint32_t domid, struct hv_dom_summary *s);

/* xl list -l: the domains in s as a JSON array of libxl domain_config objects ("domid",
 * "config": {"c_info": {...}, "b_info": {...}}), with what the hypervisor and xenstore hold. */
int hv_ops_list_long(struct hv_ops *o, const struct hv_dom_summary *s, int n, FILE *f);
/* xl info, xl dmesg [-c], xl vcpu-list, printed to f in xl's format. */
int hv_ops_info(struct hv_ops *o, FILE *f);
int hv_ops_dmesg(struct hv_ops *o, bool clear, FILE *f);
int hv_ops_vcpu_list(struct hv_ops *o, const uint32_t *domids, unsigned n, FILE *f);

/* xl vcpu-set: cpu/N/availability for N < online (1 .. max vCPUs). */
int hv_ops_vcpu_set(struct hv_ops *o, uint32_t domid, unsigned online);
/* xl mem-set: memory/target (at most static-max) and max_mem = target + 1 MiB, as libxl. */
int hv_ops_mem_set(struct hv_ops *o, uint32_t domid, uint64_t kib);
/* xl sched-credit: get, or set (weight 0 / cap < 0: unchanged). */
int hv_ops_sched_get(struct hv_ops *o, uint32_t domid, struct hv_sched_credit *sc);
int hv_ops_sched_set(struct hv_ops *o, uint32_t domid, unsigned weight, int cap);
/* Seconds since the domain was created (dom0: since the host booted). */
int hv_ops_uptime(struct hv_ops *o, uint32_t domid, double *seconds);

/*
 * xl save: the domain suspended through control/shutdown = "suspend" (the guest acknowledges
 * and calls SCHEDOP_shutdown(suspend)), its config (xl.cfg text read back from xenstore) and
 * state written to path as Xen's save file (xl header, libxl v2, libxc v3 records), then
 * destroyed, or resumed where it was if checkpoint (xl save -c). The file is written beside
 * path and renamed over it at the end: a failure leaves no file and an old one untouched, and
 * resumes a domain already suspended. progress (may be NULL) is called as pages are written.
 */
struct hv_save_progress {
    void (*fn)(void *arg, uint64_t done, uint64_t total);
    void *arg;
};
int hv_ops_save(struct hv_ops *o, uint32_t domid, const char *path, bool checkpoint,
                const struct hv_save_progress *progress, uint64_t *bytes);
/*
 * xl restore: a new domain from a save file (its config, memory, page tables, vCPUs), with new
 * xenstore and console rings and ports, introduced to xenstored, its disks attached, unpaused
 * unless paused. Any failure destroys the new domain: nothing is left. *cfg out: the config
 * (for the monitor).
 */
int hv_ops_restore(struct hv_ops *o, const char *path, bool paused, struct hv_cfg *cfg,
                   uint32_t *domid);
/* The same from a descriptor (path names it in messages): how says paused or not, a suffix for
 * the name should it be taken here (a migration's "--incoming") and whom to tell the new
 * domain's id as soon as it exists (created may be NULL). */
struct hv_restore_how {
    bool paused;
    const char *suffix;
    void (*created)(void *arg, uint32_t domid);
    void *arg;
    struct hv_restore_times *times; /* if not NULL: when the last steps ended */
    void (*received)(void *arg);    /* if not NULL: told when the stream's END is read */
    struct hv_restore_later *later; /* if not NULL: the rings' nodes left to the caller */
};
/* A migration's target writes the rings' xenstore nodes once the domain runs
 * (hv_ops_dom_rings): they only wake hvconsoled (the guest finds its rings in start_info),
 * so they are kept out of the downtime. What they are made of: */
struct hv_restore_later {
    uint8_t uuid[16];
    struct hv_build_result res;
    void *memory; /* the restore's own, given back after the report (hv_restore_release) */
};
/* A restore's last steps (CLOCK_MONOTONIC s): what a migration's downtime is made of. */
struct hv_restore_times {
    double end_at;   /* the stream's END read */
    double state_at; /* p2m, start_info, `pinned` page tables, shared_info, TSC, vCPUs set */
    double done_at;  /* the domain introduced, the rings' xenstore nodes written (unless later) */
    unsigned pinned;
    double p2m_ms, si_ms, pin_ms; /* of state_at - end_at: the guest's p2m, start_info, pinning */
    double vcpu_ms, grants_ms;    /* and the vCPUs' contexts, the rings' grants seeded */
    double tail_ms;               /* and the restore's own memory given back */
    double rings_at;       /* between state_at and done_at: introduced (the rings' nodes next) */
};
int hv_ops_restore_fd(struct hv_ops *o, int fd, const char *path, const struct hv_restore_how *how,
                      struct hv_cfg *cfg, uint32_t *domid);
/* What live migration (migrate.c) shares with save: the config as xl.cfg text (malloc()ed),
 * the suspend (withdrawn on failure: the guest runs on), and the cooperative resume of a
 * suspended domain (its suspend returns "cancelled"). The suspend is asked as libxl asks: by a
 * notify on the guest's suspend event channel when it offers one (a port unbound for dom0 in
 * device/suspend/event-channel), waiting hv_suspend_evtchn_s for it; else, or if the port is
 * bogus, refused or ignored (a line on stderr says why), through control/shutdown = "suspend",
 * waiting hv_suspend_xs_s (libxl's 60 s). how (may be NULL) tells which way it went. */
struct hv_suspend_how {
    bool evtchn;             /* suspended after the notify on port */
    uint32_t port;
    char why[HV_ERR_LEN];    /* why the event channel was not used ("": none offered, or used) */
};
extern unsigned hv_suspend_evtchn_s, hv_suspend_xs_s;
int hv_ops_save_config(struct hv_ops *o, uint32_t domid, char **text, size_t *len);
int hv_ops_suspend(struct hv_ops *o, uint32_t domid, struct hv_suspend_how *how);
int hv_ops_resume(struct hv_ops *o, uint32_t domid);

/* CLOCK_MONOTONIC in seconds: the durations the toolstack measures and shows. */
double hv_now(void);

/* The toolstack's own steps, shared by create, clone, save and restore. */
int hv_ops_new_uuid(uint8_t uuid[16], struct hv_err *err);
/* What can be checked before a domain exists: a unique name, usable disks and (images) a
 * readable kernel and ramdisk (a restore needs none). */
int hv_ops_check_new(struct hv_ops *o, const struct hv_cfg *cfg, bool images);
int hv_ops_dom_setup(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid);
int hv_ops_dom_finish(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid,
                      const uint8_t uuid[16], const struct hv_build_result *res, bool paused);
/* A restore's halves of hv_ops_dom_finish: before the stream (its ports in res) the
 * scheduler parameters, the xenstore tree without the rings' nodes and the devices, all off a
 * migration's downtime; after it the introduction, the rings' nodes (unless !rings: then
 * hv_ops_dom_rings, later; *rings_at, if not NULL: when the introduction was done), the unpause. */
int hv_ops_dom_describe(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid,
                        const uint8_t uuid[16], const struct hv_build_result *res);
int hv_ops_dom_start(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid,
                     const uint8_t uuid[16], const struct hv_build_result *res, bool paused,
                     bool rings, double *rings_at);
int hv_ops_dom_rings(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid,
                     const uint8_t uuid[16], const struct hv_build_result *res);
/* kernel, ramdisk, cmdline, memory, vCPUs of domid as xl.cfg lines; a disk as a spec. */
int hv_ops_describe(struct hv_ops *o, uint32_t domid, FILE *f);
void hv_ops_describe_disk(const struct hv_cfg_disk *d, FILE *f);

/* "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset", or "unknown". */
const char *hv_ops_reason_name(int reason);

#endif
