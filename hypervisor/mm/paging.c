/* Hypervisor page tables: direct map of RAM, the image, the read-only M2P and the GDT windows;
 * how the page-table core reaches frames and flushes translations (mm.h's hooks). */
#include "paging.h"
#include "console.h"
#include "frame.h"
#include "lib.h"
#include "mm_internal.h"
#include "arch.h"

extern char _start[], _end[];

static uint64_t idle_l4_mfn;
static uint64_t bump_next, bump_limit; /* early allocator, before the frame table exists */
static bool early = true;
static struct page_info *frame_table;
static uint64_t m2p_entries;
static uint64_t tables_allocated; /* page-table frames taken from the pool after boot */

/* Before paging_init switches cr3, physical memory below 1 GiB is identity-mapped. */
static void *early_phys(uint64_t pa)
{
    return early ? (void *)pa : mfn_to_virt(pa >> PAGE_SHIFT);
}

static uint64_t alloc_table(void)
{
    uint64_t mfn;

    if (early) {
        if (bump_next + PAGE_SIZE > bump_limit)
            panic("out of memory for the hypervisor page tables");
        mfn = bump_next >> PAGE_SHIFT;
        bump_next += PAGE_SIZE;
    } else if ((mfn = frame_alloc()) == FRAME_NONE) {
        panic("out of memory for the hypervisor page tables");
    } else {
        tables_allocated++;
    }
    memset(early_phys(mfn << PAGE_SHIFT), 0, PAGE_SIZE);
    return mfn;
}

/* The entry for va at the given level (1 = L1) in the tree under l4_mfn, allocating tables. */
static uint64_t *hv_entry(uint64_t va, unsigned level, uint64_t table_flags)
{
    uint64_t *t = early_phys(idle_l4_mfn << PAGE_SHIFT);

    for (unsigned l = 4; l > level; l--) {
        uint64_t *e = &t[pt_index(va, l)];

        if (!(*e & PTE_P))
            *e = (alloc_table() << PAGE_SHIFT) | table_flags;
        t = early_phys(*e & PTE_ADDR);
    }
    return &t[pt_index(va, level)];
}

void paging_map_hv(uint64_t va, uint64_t mfn, uint64_t flags)
{
    *hv_entry(va, 1, PTE_P | PTE_RW | (flags & PTE_US)) = (mfn << PAGE_SHIFT) | flags;
    invlpg(va);
}

uint64_t *paging_hv_pte(uint64_t va)
{
    return hv_entry(va, 1, PTE_P | PTE_RW);
}

uint64_t paging_zero_page(void)
{
    static uint64_t mfn = FRAME_NONE;

    if (mfn == FRAME_NONE) {
        if ((mfn = frame_alloc()) == FRAME_NONE)
            panic("no memory for the zero page");
        memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    }
    return mfn;
}

uint64_t paging_unmap_hv(uint64_t va)
{
    uint64_t *e = paging_hv_pte(va), mfn = (*e & PTE_ADDR) >> PAGE_SHIFT;

    *e = 0;
    invlpg(va);
    return mfn;
}

static void map_2m_range(uint64_t va, uint64_t pa, uint64_t len)
{
    for (uint64_t off = 0; off < len; off += 1UL << 21)
        *hv_entry(va + off, 2, PTE_P | PTE_RW) = (pa + off) | PTE_P | PTE_RW | PTE_PSE | PTE_G | PTE_A | PTE_D;
}

/* The M2P is read-only and user-visible for guests; the hypervisor writes it via the direct map.
 * Its storage is made of physically contiguous 2 MiB chunks, which XENMEM_machphys_mfn_list
 * reports. */
static uint64_t m2p_base_phys;

static void map_m2p(uint64_t max_mfn)
{
    uint64_t bytes = ALIGN_UP(max_mfn * 8, 1UL << 21);

    bump_next = ALIGN_UP(bump_next, 1UL << 21);
    if (bump_next + bytes > bump_limit)
        panic("no room for the M2P table");
    m2p_base_phys = bump_next;
    bump_next += bytes;
    m2p_entries = max_mfn;
    memset(early_phys(m2p_base_phys), 0xff, bytes); /* every entry invalid */
    for (uint64_t off = 0; off < bytes; off += PAGE_SIZE)
        *hv_entry(M2P_VIRT_START + off, 1, PTE_P | PTE_RW | PTE_US) =
            (m2p_base_phys + off) | PTE_P | PTE_US | PTE_A | PTE_NX;
}

uint64_t m2p_chunk_mfn(uint64_t i)
{
    return (m2p_base_phys >> PAGE_SHIFT) + i * 512;
}

static void place_frame_table(uint64_t nr_frames)
{
    uint64_t bytes = ALIGN_UP(nr_frames * sizeof(struct page_info), PAGE_SIZE);

    if (bump_next + bytes > bump_limit)
        panic("no room for the frame table (%lu frames)", nr_frames);
    frame_table = (struct page_info *)(DIRECTMAP_START + bump_next);
    bump_next += bytes;
}

static void find_bump_region(const struct boot_info *bi)
{
    uint64_t start = ALIGN_UP((uint64_t)_end - HV_IMAGE_BASE, PAGE_SIZE);

    for (unsigned i = 0; i < bi->nr_mods; i++)
        start = MAX(start, ALIGN_UP(bi->mods[i].end, PAGE_SIZE));
    for (unsigned i = 0; i < bi->nr_ram; i++)
        if (bi->ram[i].start <= start && start < bi->ram[i].end)
            bump_limit = MIN(bi->ram[i].end, 1UL << 30);
    if (!bump_limit)
        panic("no usable RAM after the hypervisor image and modules");
    bump_next = start;
}

void paging_init(const struct boot_info *bi, uint64_t *reserved_end)
{
    uint64_t max_mfn = bi->max_phys >> PAGE_SHIFT;

    find_bump_region(bi);
    idle_l4_mfn = alloc_table();
    map_2m_range(HV_IMAGE_BASE, 0, ALIGN_UP((uint64_t)_end - HV_IMAGE_BASE, 1UL << 21));
    map_2m_range(DIRECTMAP_START, 0, ALIGN_UP(bi->max_phys, 1UL << 21));
    map_m2p(max_mfn);
    place_frame_table(max_mfn);
    /* Every hypervisor slot gets its L3 now, so guest L4s can share them by copying. */
    for (unsigned s = HV_L4_FIRST; s <= HV_L4_LAST; s++)
        hv_entry(HV_VIRT_START + ((uint64_t)(s - HV_L4_FIRST) << 39), 3, PTE_P | PTE_RW);
    write_cr4(read_cr4() | X86_CR4_PGE);
    write_cr3(idle_l4_mfn << PAGE_SHIFT); /* no per-CPU data to stamp yet */
    early = false;
    *reserved_end = bump_next;
}

struct page_info *paging_frame_table(void)
{
    return frame_table;
}

uint64_t paging_tables_allocated(void)
{
    return tables_allocated;
}

uint64_t paging_idle_l4(void)
{
    return idle_l4_mfn;
}

void paging_fill_hv_slots(uint64_t *l4)
{
    const uint64_t *idle = mfn_to_virt(idle_l4_mfn);

    for (unsigned s = HV_L4_FIRST; s <= HV_L4_LAST; s++)
        l4[s] = idle[s];
}

void paging_m2p_slot(uint64_t *l4, bool present)
{
    const uint64_t *idle = mfn_to_virt(idle_l4_mfn);
    unsigned s = (unsigned)(M2P_VIRT_START >> 39) & 511;

    l4[s] = present ? idle[s] : 0;
}

void m2p_set(uint64_t mfn, uint64_t pfn)
{
    if (mfn < m2p_entries)
        ((uint64_t *)mfn_to_virt(m2p_base_phys >> PAGE_SHIFT))[mfn] = pfn;
}

uint64_t m2p_get(uint64_t mfn)
{
    return mfn < m2p_entries ? ((uint64_t *)mfn_to_virt(m2p_base_phys >> PAGE_SHIFT))[mfn] : ~0UL;
}

uint64_t m2p_nr_entries(void)
{
    return m2p_entries;
}

/* Reloading %cr3 drops every translation that is not global, and no guest translation is
 * (mm_adjust_entry): every CPU running a vCPU of the owner does that before we go on. */
void mm_flush_tlb(uint16_t owner)
{
    arch_ipi_flush_domain_since(owner, ~0UL); /* every CPU: none has flushed since ~0 */
}

void mm_flush_tlb_since(uint16_t owner, uint64_t stamp)
{
    arch_ipi_flush_domain_since(owner, stamp);
}

uint64_t mm_tlb_stamp(void)
{
    return arch_tlb_clock_tick();
}
