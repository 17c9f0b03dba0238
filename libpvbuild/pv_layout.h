/* Start-of-day layout of a PV guest (Xen's order and page-table sizing): pure arithmetic, no memory
 * touched. */
#ifndef PVBUILD_PV_LAYOUT_H
#define PVBUILD_PV_LAYOUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Guest VAs a PV guest may use: the canonical lower half, and the upper half above the hypervisor
 * hole [PV_LAYOUT_HOLE_START, PV_LAYOUT_HOLE_END) (L4 slots 256..271). */
#define PV_LAYOUT_LOWER_END 0x0000800000000000ULL
#define PV_LAYOUT_HOLE_START 0xFFFF800000000000ULL
#define PV_LAYOUT_HOLE_END 0xFFFF880000000000ULL
#define PV_LAYOUT_NO_PFN (~0ULL)
#define PV_LAYOUT_PAD_PAGES 128U     /* at least 512 KiB of mapped padding after the boot stack */
#define PV_LAYOUT_ALIGN (4ULL << 20) /* the initial mapping ends on a 4 MiB boundary */
#define PV_LAYOUT_MAX_PAGES (1ULL << 40) /* 4 PiB: keeps every pfn * 4096 far from overflow */

/* True if every address in [first, last] is a guest-usable VA (first <= last). */
static inline bool pv_layout_va_ok(uint64_t first, uint64_t last)
{
    if (first > last)
        return false;
    if (last < PV_LAYOUT_LOWER_END)
        return true;
    return first >= PV_LAYOUT_HOLE_END;
}

struct pv_layout_in {
    uint64_t virt_base;              /* VA of pfn 0 (page aligned) */
    uint64_t virt_kstart, virt_kend; /* kernel image, page aligned, virt_base <= kstart <= kend */
    uint64_t nr_pages;               /* guest memory in pages (pfn 0 .. nr_pages-1) */
    uint64_t initrd_len;             /* bytes; 0 = no initrd */
    bool mod_start_pfn;              /* image has MOD_START_PFN: initrd goes unmapped */
    bool has_init_p2m;               /* image has INIT_P2M at init_p2m_va */
    uint64_t init_p2m_va;
};

/* Page tables of one mapping at one level: `count` frames from `pfn` map VAs [va_from, va_last]. */
struct pv_layout_level {
    uint64_t va_from, va_last, pfn, count;
};

/* One contiguous mapping: VAs [va_from, va_last] map pfns from `pfn`. Its own page tables are the
 * nr_tables frames from tables_pfn: lvl[3] (the L4, first mapping only), then lvl[2] (L3s),
 * lvl[1] (L2s), lvl[0] (L1s). A level whose count is 0 reuses the first mapping's tables. */
struct pv_layout_map {
    uint64_t va_from, va_last, pfn, tables_pfn, nr_tables;
    struct pv_layout_level lvl[4];
};

struct pv_layout {
    uint64_t virt_base;
    uint64_t kernel_pfn, kernel_pages;
    uint64_t initrd_pfn, initrd_pages; /* initrd_pages == 0: no initrd */
    bool initrd_mapped;                /* false with MOD_START_PFN: it lies after the mapping */
    uint64_t mod_start, mod_len;       /* start_info values: VA and length, or PFN and page-rounded
                                          length when !initrd_mapped (SIF_MOD_START_PFN) */
    uint64_t p2m_pfn, p2m_pages, p2m_va; /* p2m: 8 bytes per pfn of nr_pages */
    bool p2m_relocated;                  /* INIT_P2M honoured: p2m mapped at p2m_va by map[1] */
    uint64_t start_info_pfn, xenstore_pfn, console_pfn;
    uint64_t pt_pfn, pt_pages, nr_l4, nr_l3, nr_l2, nr_l1; /* bootstrap tables: L4, L3s, L2s, L1s */
    uint64_t stack_pfn;
    uint64_t map_start_va,
        map_end_va;         /* the initial mapping [virt_base, map_end_va), 4 MiB aligned end */
    uint64_t p2m_pt_pages;  /* extra tables mapping a relocated p2m (after its pages) */
    uint64_t nr_p2m_frames; /* start_info.nr_p2m_frames: p2m_pages + p2m_pt_pages, or 0 */
    uint64_t rsp;           /* top of the boot stack page */
    uint64_t start_info_va; /* rsi at entry */
    uint64_t pages_used;    /* pfns [0, pages_used) are populated by the layout */
    unsigned nr_maps;       /* 1, or 2 with a relocated p2m */
    struct pv_layout_map map[2];
};

/*
 * Compute the layout. Returns 0, -PV_EINVAL for inconsistent input (alignment, order, address
 * space), or -PV_ENOMEM if it does not fit in nr_pages; *why names the reason.
 * INIT_P2M is ignored (p2m mapped in the initial region) unless init_p2m_va is page aligned and
 * below virt_base, as Xen's builder does.
 */
int pv_layout_compute(const struct pv_layout_in *in, struct pv_layout *out, const char **why);

/* Pfn of the level-`level` table (1 = L1 .. 4 = L4) whose entries cover va, or PV_LAYOUT_NO_PFN. */
uint64_t pv_layout_table_pfn(const struct pv_layout *l, unsigned level, uint64_t va);

/* Pfn that the bootstrap tables map at va, or PV_LAYOUT_NO_PFN if va is not mapped. */
uint64_t pv_layout_va_to_pfn(const struct pv_layout *l, uint64_t va);

/* True if pfn holds an initial-mapping page table (mapped read-only there). */
bool pv_layout_is_table(const struct pv_layout *l, uint64_t pfn);

#endif
