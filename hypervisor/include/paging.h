/* The hypervisor's page tables: the idle address space, the direct map, the M2P table, and the
 * hypervisor slots (256-271) shared by every guest L4. */
#ifndef HV_PAGING_H
#define HV_PAGING_H
#include "arch.h"
#include "types.h"

#define PTE_P (1UL << 0)
#define PTE_RW (1UL << 1)
#define PTE_US (1UL << 2)
#define PTE_PWT (1UL << 3)
#define PTE_PCD (1UL << 4)
#define PTE_A (1UL << 5)
#define PTE_D (1UL << 6)
#define PTE_PSE (1UL << 7)
#define PTE_G (1UL << 8)
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

static inline void *mfn_to_virt(uint64_t mfn)
{
    return (void *)(DIRECTMAP_START + (mfn << PAGE_SHIFT));
}

static inline uint64_t virt_to_mfn(const void *va)
{
    return ((uint64_t)va - DIRECTMAP_START) >> PAGE_SHIFT;
}

static inline unsigned pt_index(uint64_t va, unsigned level)
{
    return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

/* Build the hypervisor page tables and switch to them. Returns the first physical address
 * after the memory it used for tables and the frame table (all below it is reserved). */
void paging_init(const struct boot_info *bi, uint64_t *reserved_end);
/* Frame table storage, placed by paging_init. */
struct page_info *paging_frame_table(void);

uint64_t paging_idle_l4(void); /* mfn of the hypervisor's own L4 */
/* Frames taken from the free pool for hypervisor page tables since boot (they stay). */
uint64_t paging_tables_allocated(void);
/* Map one 4 KiB page at a hypervisor virtual address (slots 256-271). */
void paging_map_hv(uint64_t va, uint64_t mfn, uint64_t flags);
/* The L1 entry of a hypervisor virtual address (tables allocated as needed). */
uint64_t *paging_hv_pte(uint64_t va);
/* A frame of zeros, mapped read-only wherever an empty page is to be shown. */
uint64_t paging_zero_page(void);
/* Remove a 4 KiB hypervisor mapping; returns the mfn it mapped. */
uint64_t paging_unmap_hv(uint64_t va);
void m2p_set(uint64_t mfn, uint64_t pfn);
#define M2P_INVALID (~0UL) /* the M2P entry of a frame that is no pfn of any domain */
uint64_t m2p_get(uint64_t mfn); /* ~0 past the table */
uint64_t m2p_nr_entries(void);
/* First mfn of the i-th 2 MiB chunk backing the M2P. */
uint64_t m2p_chunk_mfn(uint64_t i);

#endif
