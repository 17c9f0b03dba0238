/* dom0-tools/libhv/priv.h - dom0's privileged interface: hypercalls through Linux's privcmd, typed
 * domctl/sysctl/memory/event-channel calls on other domains, and foreign mappings. */
#ifndef HV_PRIV_H
#define HV_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pv-abi/arch_x86.h"
#include "pv-abi/domctl.h"
#include "pv-abi/mmu.h"
#include "pv-abi/sysctl.h"

/*
 * Conventions (every function below):
 * - returns >= 0 on success, or a negative errno (Linux's numbers: -EPERM, -ESRCH, ...) on
 *   failure; hypervisor errors come back through privcmd as the same negative errno;
 * - on failure a message an operator can read ("domctl getdomaininfo of domain 7: No such
 *   process") is left in the handle: hv_priv_error(). It is per handle: use one handle per
 *   thread.
 * - domain ids are plain numbers (0 .. PV_DOMID_FIRST_RESERVED - 1); nothing here accepts
 *   PV_DOMID_SELF where a real domain is meant.
 */

/* A message of at most HV_ERR_LEN - 1 bytes, always NUL-terminated. */
#define HV_ERR_LEN 256
struct hv_err {
    char msg[HV_ERR_LEN];
};

/* printf into err (NULL is allowed and ignored); returns rc, so `return hv_err_set(err, rc, ...)`. */
int hv_err_set(struct hv_err *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct hv_priv; /* one open privcmd (and, when first needed, evtchn) device */

/* Open /dev/xen/privcmd (-ENOENT: not running on a Xen-compatible hypervisor as dom0). */
int hv_priv_open(struct hv_priv **out, struct hv_err *err);
void hv_priv_close(struct hv_priv *p); /* NULL is allowed; unmaps nothing the caller mapped */
const char *hv_priv_error(const struct hv_priv *p); /* message of the last failure */
int hv_priv_fd(const struct hv_priv *p);            /* the privcmd descriptor (for poll: none) */

/* ---- hypercall buffers: memory the hypervisor reads/writes (locked, not forked) ---- */

/* Page-granular, zeroed, locked memory for arrays a hypercall points at (/dev/xen/hypercall
 * when the kernel has it, else anonymous memory with mlock, as libxencall). NULL + message on
 * failure. The typed calls below manage their own; use these for raw hv_hypercall()s. */
void *hv_buf_alloc(struct hv_priv *p, size_t bytes);
void hv_buf_free(struct hv_priv *p, void *buf, size_t bytes);

/* IOCTL_PRIVCMD_HYPERCALL: op with up to five arguments (pointers must be hv_buf memory).
 * what names the call in the error message. */
long hv_hypercall(struct hv_priv *p, const char *what, unsigned op, uint64_t a0, uint64_t a1,
                  uint64_t a2, uint64_t a3, uint64_t a4);

/* ---- domctl / sysctl ---- */

/* The raw forms: fill cmd, domain and u; the interface version is set here. The whole struct
 * is copied back (the hypervisor's results in u). Pointers inside u must be hv_buf memory. */
int hv_domctl(struct hv_priv *p, struct pv_domctl *d);
int hv_sysctl(struct hv_priv *p, struct pv_sysctl *s);

/* XEN_DOMCTL_CDF_* and XEN_DOMINF_* (Xen 4.17's values). */
#define HV_CDF_HVM (1u << 0)
#define HV_CDF_HAP (1u << 1)
#define HV_CDF_XS_DOMAIN (1u << 4)
#define HV_CDF_IOMMU (1u << 5)
#define HV_DOMINF_DYING (1u << 0)
#define HV_DOMINF_HVM (1u << 1)
#define HV_DOMINF_SHUTDOWN (1u << 2)
#define HV_DOMINF_PAUSED (1u << 3)
#define HV_DOMINF_BLOCKED (1u << 4)
#define HV_DOMINF_RUNNING (1u << 5)
#define HV_DOMINF_DEBUGGED (1u << 6)
#define HV_DOMINF_XS_DOMAIN (1u << 7)
#define HV_DOMINF_SHUTDOWN_SHIFT 16 /* shutdown reason (SHUTDOWN_*) in bits 16..23 */
#define HV_DOMINF_SHUTDOWN_MASK 0xffu

/* createdomain's input (a PV domain: flags 0 in the normal case). */
struct hv_domain_config {
    uint32_t ssidref;
    uint8_t handle[16]; /* the uuid */
    uint32_t flags;     /* HV_CDF_* */
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;    /* 0: the hypervisor's default (Xen's libxl: 1023 for PV) */
    int32_t max_grant_frames;    /* < 0: the hypervisor's default */
    int32_t max_maptrack_frames; /* < 0: the hypervisor's default */
    uint32_t grant_opts;         /* highest grant table version, low 4 bits (2: xl's default) */
};

/* getdomaininfo's output, decoded. */
struct hv_dominfo {
    uint32_t domid;
    uint32_t flags;           /* HV_DOMINF_* as the hypervisor returned them */
    bool dying, shutdown, paused, blocked, running, hvm;
    unsigned shutdown_reason; /* valid if shutdown: PV_SHUTDOWN_* (poweroff 0, reboot 1, ...) */
    uint64_t tot_pages, max_pages, outstanding_pages, shr_pages, paged_pages;
    uint64_t shared_info_frame; /* mfn */
    uint64_t cpu_time;          /* ns, all vCPUs */
    uint32_t nr_online_vcpus, max_vcpu_id;
    uint32_t ssidref, cpupool;
    uint8_t handle[16];
};

/* *domid: in 0 = "allocate one", else the id wanted; out the new domain's id. The domain is
 * created paused, with no memory and no vCPU context. */
int hv_domain_create(struct hv_priv *p, const struct hv_domain_config *c, uint32_t *domid);
int hv_domain_destroy(struct hv_priv *p, uint32_t domid);
int hv_domain_pause(struct hv_priv *p, uint32_t domid);
int hv_domain_unpause(struct hv_priv *p, uint32_t domid);
/* Exactly domain `domid` (-ESRCH if it does not exist, though Xen's getdomaininfo returns the
 * next one). */
int hv_domain_getinfo(struct hv_priv *p, uint32_t domid, struct hv_dominfo *info);
/* Up to max domains with ids >= first, in id order (sysctl getdomaininfolist); returns the
 * number filled. */
int hv_domain_list(struct hv_priv *p, uint32_t first, struct hv_dominfo *out, unsigned max);
int hv_domain_max_vcpus(struct hv_priv *p, uint32_t domid, unsigned max_vcpus);
int hv_domain_max_mem(struct hv_priv *p, uint32_t domid, uint64_t max_kib);
int hv_domain_set_handle(struct hv_priv *p, uint32_t domid, const uint8_t handle[16]);
/* Fill frame `gmfn` (an mfn of the domain) with the hypercall page. */
int hv_domain_hypercall_init(struct hv_priv *p, uint32_t domid, uint64_t gmfn);
int hv_vcpu_setcontext(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                       const struct pv_vcpu_guest_context *ctx);
/* Give (allow) or take machine I/O: ports [first, first + nr), machine frames likewise, a pirq
 * (= its GSI). dom0 must hold what it gives (-EPERM). */
int hv_domain_ioport_permission(struct hv_priv *p, uint32_t domid, uint32_t first, uint32_t nr,
                                bool allow);
int hv_domain_iomem_permission(struct hv_priv *p, uint32_t domid, uint64_t first, uint64_t nr,
                               bool allow);
int hv_domain_irq_permission(struct hv_priv *p, uint32_t domid, uint32_t pirq, bool allow);
/* PHYSDEVOP_map_pirq of GSI gsi for domain domid, pirq = gsi (what libxl does for a PV
 * guest's irqs= before irq_permission). */
int hv_physdev_map_pirq(struct hv_priv *p, uint32_t domid, uint32_t gsi);
int hv_vcpu_getcontext(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                       struct pv_vcpu_guest_context *ctx);

struct hv_vcpuinfo {
    bool online, blocked, running;
    uint64_t cpu_time; /* ns */
    uint32_t cpu;      /* physical CPU it last ran on */
};
int hv_vcpu_getinfo(struct hv_priv *p, uint32_t domid, unsigned vcpu, struct hv_vcpuinfo *vi);
/* getvcpuaffinity: the vCPU's hard and soft affinity over CPUs 0..63 (bit n: CPU n). */
int hv_vcpu_getaffinity(struct hv_priv *p, uint32_t domid, unsigned vcpu, uint64_t *hard,
                        uint64_t *soft);

/* The credit scheduler's per-domain parameters (XEN_SCHEDULER_CREDIT). weight 1..65535 (0 on
 * set: unchanged), cap 0 (none) .. 100 * vCPUs (percent of one CPU). */
struct hv_sched_credit {
    uint32_t weight, cap;
};
int hv_sched_credit_get(struct hv_priv *p, uint32_t domid, struct hv_sched_credit *sc);
int hv_sched_credit_set(struct hv_priv *p, uint32_t domid, const struct hv_sched_credit *sc);

/* sysctl physinfo, decoded. */
struct hv_physinfo {
    uint32_t threads_per_core, cores_per_socket, nr_cpus, max_cpu_id, nr_nodes, max_node_id;
    uint32_t cpu_khz, capabilities;
    uint64_t total_pages, free_pages, scrub_pages, outstanding_pages, max_mfn;
    uint32_t hw_cap[8];
};
int hv_physinfo(struct hv_priv *p, struct hv_physinfo *pi);
int hv_sched_id(struct hv_priv *p, uint32_t *sched_id);

/* sysctl readconsole: up to *len bytes of the hypervisor's log into buf. incremental: start at
 * *index (in/out: where the next read starts), else the whole ring; clear empties the ring
 * after reading. *len out: bytes returned. */
int hv_readconsole(struct hv_priv *p, char *buf, uint32_t *len, uint32_t *index, bool incremental,
                   bool clear);

/* ---- save and restore (priv_save.c) ---- */

/* getpageframeinfo3: frames[0..n) (n <= 1024), mfns of domid in, PV_DOMCTL_PFINFO_* out. */
int hv_pageframe_types(struct hv_priv *p, uint32_t domid, uint64_t *frames, unsigned n);
int hv_tsc_info_get(struct hv_priv *p, uint32_t domid, struct pv_domctl_tsc_info *t);
int hv_tsc_info_set(struct hv_priv *p, uint32_t domid, const struct pv_domctl_tsc_info *t);
/* resumedomain: a domain shut down by suspending runs again (its vCPUs as they were). */
int hv_domain_resume(struct hv_priv *p, uint32_t domid);
/* A vCPU's state beyond its context: get/set_ext_vcpucontext; get/setvcpuextstate (XSAVE:
 * *len in: buf's size (get) or the state's (set); out: the state's, 0 if there is none);
 * get/set_vcpu_msrs (*n in: msrs' room (get) or entries (set); out: entries). */
int hv_vcpu_ext_get(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                    struct pv_domctl_ext_vcpucontext *e);
int hv_vcpu_ext_set(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                    const struct pv_domctl_ext_vcpucontext *e);
int hv_vcpu_xsave(struct hv_priv *p, uint32_t domid, unsigned vcpu, uint8_t *buf, size_t *len,
                  bool set);
int hv_vcpu_msrs(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                 struct pv_domctl_vcpu_msr *msrs, unsigned *n, bool set);
/* shadow_op for log-dirty mode: op PV_DOMCTL_SHADOW_OP_OFF, _ENABLE_LOGDIRTY, _CLEAN or _PEEK;
 * CLEAN/PEEK copy the dirty bitmap of *pages pfns into bitmap ((*pages + 7) / 8 bytes, may be
 * NULL: the counts only); *pages out: the pfns the bitmap covers; *dirty out: stats.dirty_count
 * (both may be NULL for OFF/ENABLE). */
int hv_logdirty_op(struct hv_priv *p, uint32_t domid, unsigned op, uint8_t *bitmap,
                   uint64_t *pages, uint32_t *dirty);

/* ---- memory of another domain ---- */

/* XENMEM_populate_physmap for domid: extents of 2^order pages at the pfns in frames[0..nr);
 * on return frames[] hold their mfns (PV). Returns the number of extents done (< nr: the rest
 * failed, message says why). */
long hv_populate_physmap(struct hv_priv *p, uint32_t domid, uint64_t nr, unsigned order,
                         uint64_t *frames);
/* XENMEM_decrease_reservation: give back the frames (mfns for PV). Returns extents done. */
long hv_decrease_reservation(struct hv_priv *p, uint32_t domid, uint64_t nr, unsigned order,
                             const uint64_t *frames);
long hv_current_reservation(struct hv_priv *p, uint32_t domid); /* pages */
long hv_maximum_reservation(struct hv_priv *p, uint32_t domid); /* pages */

/* mmuext_op with foreigndom = domid (the owner of the frames named). Returns 0 when all n were
 * done. */
int hv_mmuext(struct hv_priv *p, uint32_t domid, const struct pv_mmuext_op *ops, unsigned n);
/* MMUEXT_PIN_L{level}_TABLE of domid's frame mfn (level 1..4), and UNPIN. */
int hv_pin_table(struct hv_priv *p, uint32_t domid, unsigned level, uint64_t mfn);
/* The n tables mfns[i] of levels[i] pinned in one mmuext_op; *done: how many were (on failure,
 * the index of the one that failed). */
int hv_pin_tables(struct hv_priv *p, uint32_t domid, const unsigned *levels,
                  const uint64_t *mfns, unsigned n, unsigned *done);
int hv_unpin_table(struct hv_priv *p, uint32_t domid, uint64_t mfn);

/* ---- event channels and grant tables of another domain ---- */

/* EVTCHNOP_alloc_unbound in domid, bindable by remote; *port out. */
int hv_evtchn_alloc_unbound(struct hv_priv *p, uint32_t domid, uint32_t remote, uint32_t *port);
/* Bind domid's port (unbound for us) through /dev/xen/evtchn, notify it, and unbind: one event
 * on the guest's end, which is unbound for us again after (a port bound elsewhere, or for
 * another domain, is refused by the hypervisor: -EINVAL). */
int hv_evtchn_notify_remote(struct hv_priv *p, uint32_t domid, uint32_t port);
/* GNTTABOP_setup_table for domid: at least nr frames; their mfns in frames[]. */
int hv_gnttab_setup_table(struct hv_priv *p, uint32_t domid, unsigned nr, uint64_t *frames);

/* ---- foreign mappings (into this process) ---- */

/* IOCTL_PRIVCMD_MMAPBATCH_V2: map domid's frames mfns[0..n) at consecutive pages. prot is
 * PROT_READ and/or PROT_WRITE. errs (may be NULL) gets each frame's error (0 or -errno).
 * Returns the mapping (unmap with hv_unmap), or NULL if nothing could be set up or ANY frame
 * failed (then nothing stays mapped; errs still tells which). */
void *hv_map_foreign(struct hv_priv *p, uint32_t domid, int prot, const uint64_t *mfns, unsigned n,
                     int *errs);
/* IOCTL_PRIVCMD_MMAP_RESOURCE: frames idx..idx+n-1 of resource (type, id) of domid (type 1:
 * XENMEM_resource_grant_table, id 0: shared frames). NULL + message on failure. */
#define HV_RESOURCE_GRANT_TABLE 1u
void *hv_map_resource(struct hv_priv *p, uint32_t domid, unsigned type, unsigned id, unsigned idx,
                      unsigned n, int prot);
void hv_unmap(void *addr, unsigned n); /* n pages from hv_map_foreign or hv_map_resource */

#endif /* HV_PRIV_H */
