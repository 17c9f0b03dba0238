/* The start-of-day contents of a PV guest once its layout is known: bootstrap page-table entries,
 * the p2m list and start_info, written into the guest's frames through a callback. */
#ifndef PVBUILD_PV_START_H
#define PVBUILD_PV_START_H
#include <stdbool.h>
#include <stdint.h>

#include "pv-abi/start_info.h"
#include "pv_layout.h"

/* XENFEAT bits a PV guest may require in its FEATURES note here: writable_page_tables (through
 * VMASST_TYPE_writable_pagetables), pae_pgdir_above_4gb, mmu_pt_update_preserve_ad,
 * highmem_assist, gnttab_map_avail_bits and direct_mapped. */
#define PV_START_FEATURES_SUPPORTED                                                                \
    ((1u << 0) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 17))

/* The guest's frames as the builder sees them: a writable pointer to the 4 KiB frame of pfn
 * (one of [0, pages_used) or the initrd's), and the machine frame of each pfn. */
struct pv_start_frames {
    void *ctx;
    void *(*page)(void *ctx, uint64_t pfn);
    const uint64_t *p2m; /* pfn -> mfn for pfn < nr_pages */
    uint64_t nr_pages;
};

/* Fill the bootstrap page tables of every mapping of l: upper levels point at the next table
 * (present, writable, user, accessed, dirty); L1 entries map their pfn's frame, read-only for
 * the page-table frames themselves. The table frames must be zeroed beforehand. */
void pv_start_write_tables(const struct pv_layout *l, const struct pv_start_frames *f);

/* Write the p2m list (one uint64_t mfn per pfn) into its frames from l->p2m_pfn. */
void pv_start_write_p2m(const struct pv_layout *l, const struct pv_start_frames *f);

/* What start_info says besides the layout. */
struct pv_start_params {
    uint64_t nr_pages;
    uint64_t shared_info_mfn;
    bool initdomain; /* dom0: SIF_PRIVILEGED | SIF_INITDOMAIN, console.dom0 info_off 0 */
    uint64_t store_mfn, console_mfn;
    uint32_t store_evtchn, console_evtchn;
    const char *cmdline; /* truncated to PV_MAX_GUEST_CMDLINE - 1 bytes; NULL: empty */
};

/* Fill a zeroed start_info page. */
void pv_start_fill_info(struct pv_start_info *si, const struct pv_layout *l,
                        const struct pv_start_params *sp);

#endif
