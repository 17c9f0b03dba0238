/* dom0-tools/libhv/stream_pv.h - PV canonicalisation for the migration stream: page tables and
 * vCPU state rewritten between machine frames (mfn) and the domain's own frame numbers (pfn).
 * Pure functions over a frame map; the save and restore loops call them page by page. */
#ifndef HV_STREAM_PV_H
#define HV_STREAM_PV_H

#include <stdint.h>

#include "priv.h"
#include "pv-abi/arch_x86.h"
#include "pv-abi/start_info.h"

#define HV_INVALID_MFN (~0ull)

/* A domain's frames: p2m[pfn] = mfn (HV_INVALID_MFN: not populated), with the reverse map. */
struct hv_pfnmap {
    uint64_t *p2m;
    uint64_t nr; /* pfns 0 .. nr-1 */
    struct hv_pfnmap_rev {
        uint64_t mfn, pfn;
    } *rev;      /* sorted by mfn */
    uint64_t n_rev;
};

/* Copies p2m (nr entries). Refuses a map in which one mfn appears twice (a guest's p2m is
 * hostile input) or an mfn above 2^40. */
int hv_pfnmap_init(struct hv_pfnmap *m, const uint64_t *p2m, uint64_t nr, struct hv_err *err);
void hv_pfnmap_free(struct hv_pfnmap *m);
/* 0, or -ERANGE if the frame is not the domain's / the pfn not populated. */
int hv_pfnmap_pfn(const struct hv_pfnmap *m, uint64_t mfn, uint64_t *pfn);
int hv_pfnmap_mfn(const struct hv_pfnmap *m, uint64_t pfn, uint64_t *mfn);

/* Page-table entries: the frame in bits 12..51, present in bit 0, PSE in bit 7. */
#define HV_PTE_PRESENT 1ull
#define HV_PTE_PSE (1ull << 7)
#define HV_PTE_FRAME 0x000ffffffffff000ull
/* The L4 slots the hypervisor owns in every address space. */
#define HV_L4_XEN_FIRST 256u
#define HV_L4_XEN_LAST 271u

/*
 * A page table of level 1..4 (512 entries), in place. Save: every present entry's mfn becomes
 * its pfn; the hypervisor's L4 slots are zeroed; a superpage or a frame that is not the
 * domain's is refused (the message names the entry). Restore (localise): every present entry's
 * pfn becomes the new mfn; non-zero hypervisor slots, superpages and pfns outside the domain
 * are refused. On failure the table is partly rewritten (the caller drops it).
 */
int hv_pv_canon_table(uint64_t *pt, unsigned level, const struct hv_pfnmap *m,
                      struct hv_err *err);
int hv_pv_localise_table(uint64_t *pt, unsigned level, const struct hv_pfnmap *m,
                         struct hv_err *err);

/* A vCPU's context: ctrlreg[3] (kernel L4), ctrlreg[1] (user L4, in the stream pfn << 12 | 1
 * when there is one), the GDT frames and, for vCPU 0 (suspended), rdx = the start_info frame. */
int hv_pv_canon_vcpu(struct pv_vcpu_guest_context *c, unsigned vcpu, const struct hv_pfnmap *m,
                     struct hv_err *err);
int hv_pv_localise_vcpu(struct pv_vcpu_guest_context *c, unsigned vcpu,
                        const struct hv_pfnmap *m, struct hv_err *err);

/* Restore's rewrite of the saved start_info (whose store and console frames the guest left as
 * pfns when it suspended): new frames and ports, shared_info's machine address, nr_pages,
 * flags 0. */
struct hv_resume_info {
    uint64_t nr_pages, shared_info_mfn;
    uint32_t store_evtchn, console_evtchn;
};
int hv_pv_start_info(struct pv_start_info *si, const struct hv_pfnmap *m,
                     const struct hv_resume_info *ri, uint64_t *store_mfn, uint64_t *console_mfn,
                     struct hv_err *err);

#endif /* HV_STREAM_PV_H */
