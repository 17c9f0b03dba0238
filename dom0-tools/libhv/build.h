/* dom0-tools/libhv/build.h - the domain builder in dom0: loads a PV kernel (Xen-ELF or bzImage)
 * and ramdisk into an already created domain and lays out Xen's start-of-day contract. */
#ifndef HV_BUILD_H
#define HV_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "priv.h"

struct hv_build_req {
    const char *kernel;  /* path: an ELF vmlinux with Xen notes, or a bzImage whose payload is
                            such an ELF (gzip or xz compressed) */
    const char *ramdisk; /* path, or NULL: none */
    const char *cmdline; /* the guest's command line, or NULL; at most 1023 bytes */
    uint64_t memory_mib; /* memory populated at start (start_info.nr_pages) */
    uint64_t maxmem_mib; /* 0 = memory_mib; must be >= memory_mib (checked, not applied) */
    unsigned vcpus;      /* vCPUs: at least 1, at most the domain's max_vcpu_id + 1 (only vCPU 0
                            gets a context; the guest brings up the others) */
    uint32_t store_domid;   /* backend of the xenstore ring (0: dom0) */
    uint32_t console_domid; /* backend of the console ring (0: dom0) */
};

struct hv_build_result {
    uint64_t store_mfn, console_mfn;  /* the rings' frames (xenstore INTRODUCE, console/ring-ref) */
    uint32_t store_port, console_port; /* unbound ports in the domain, remote = the backends */
    uint64_t nr_pages;                 /* populated pages */
    uint64_t entry, start_info_va;     /* where vCPU 0 starts, and its rsi */
    char guest_os[32];                 /* GUEST_OS note ("linux", ...) */
    bool bzimage;                      /* the kernel was a bzImage, decompressed here */
};

/*
 * Build domain `domid`.
 *
 * Contract (the caller, e.g. hvctl's create):
 *   before: hv_domain_create (paused), hv_domain_max_vcpus if the hypervisor needs it,
 *           hv_domain_max_mem (>= memory_mib, plus slack for the guest's own needs);
 *   call:   hv_build;
 *   after:  write the xenstore tree, introduce the domain to xenstored with result->store_mfn
 *           and store_port, then hv_domain_unpause.
 * What hv_build does, in order: reads and checks the images (ELF notes, bzImage payload), computes
 * the start-of-day layout with libpvbuild (the same code as the hypervisor's boot-time builder),
 * populates memory_mib of memory (XENMEM_populate_physmap), maps the frames it writes
 * (privcmd mmapbatch), loads kernel and ramdisk (SIF_MOD_START_PFN when the kernel asks),
 * writes p2m, page tables, start_info, the console page, the hypercall page if the kernel names
 * one (DOMCTL_hypercall_init), allocates the store and console ports (alloc_unbound, remote =
 * the backend domains), grants the console page (grant ref 0) and the store page (ref 1) to the
 * backends, masks event upcalls in its shared_info (as Xen's builder), pins the L4 (mmuext with foreigndom), and sets vCPU 0's context (setvcpucontext).
 * It does not unpause.
 *
 * Returns 0 and fills *res, or a negative errno with a message in *err naming what failed
 * ("kernel /x: not a Xen PV kernel (no Xen ELF notes)", "populate_physmap: ...").
 * On failure every mapping hv_build made is gone and nothing else of dom0 refers to the domain,
 * but the domain may hold memory and ports: the caller destroys it (hv_domain_destroy).
 */
int hv_build(struct hv_priv *p, uint32_t domid, const struct hv_build_req *req,
             struct hv_build_result *res, struct hv_err *err);

/* Grant refs 0 (console ring) and 1 (xenstore ring) of domid to the backends, as Xen's
 * toolstack seeds them (also after a restore, with the rings' new frames). -EFAULT + the
 * handle's message if the grant table cannot be mapped. */
int hv_build_seed_grants(struct hv_priv *p, uint32_t domid, uint32_t console_domid,
                         uint64_t console_mfn, uint32_t store_domid, uint64_t store_mfn);
/* The same in two steps, so that the mapping is made early (a restore maps it before the
 * stream's END, and seeds after): domid's first grant frame mapped (NULL: the handle's message;
 * hv_unmap(g, 1) when done), then the two entries written into it. */
struct pv_grant_entry_v1 *hv_build_grant_map(struct hv_priv *p, uint32_t domid);
void hv_build_grant_seed(struct pv_grant_entry_v1 *g, uint32_t console_domid,
                         uint64_t console_mfn, uint32_t store_domid, uint64_t store_mfn);

#endif /* HV_BUILD_H */
