/* tests/fuzz: the fuzzing guest's scratch region, its argument arena, and the pools every
 * generator draws pointers, addresses, frames, entries, ids and descriptors from. */
#include "fz.h"

struct fz_world fz;

/* The page of the image the hypervisor may write into (OUT buffers, a runstate area): the second
 * of four, so that a buffer that runs past its end (a frame list of 33 entries, a 1 KiB string)
 * lands in the padding and not in the fuzzer's own data. */
static uint8_t victim[4 * 4096] __attribute__((aligned(4096)));
static uint8_t *arena_next, *arena_end;

/* The machine frame of table `level` (3: L3 ... 1: L1) on the way to va, walking the kernel
 * tables through their read-only 1:1 mapping; 0 if there is none. */
static uint64_t table_on_path(uint64_t va, unsigned level)
{
    uint64_t mfn = fz.l4_mfn;

    for (unsigned l = 4; l > level; l--) {
        const volatile uint64_t *t = gk_mfn_to_virt(mfn);
        uint64_t e;

        if (!t)
            return 0;
        e = t[gk_pt_index(va, l)];
        if (!(e & GK_PTE_P))
            return 0;
        mfn = gk_pte_mfn(e);
    }
    return mfn;
}

static uint64_t map_new(unsigned slot, uint64_t flags)
{
    void *page = gk_page_alloc();
    long rc;

    if (!page)
        gk_panic("fuzz: out of pages for the scratch region");
    rc = gk_map(gk_kernel_space(), FZ_SLOT(slot), gk_virt_to_mfn(page), flags);
    if (rc)
        gk_panic("fuzz: mapping scratch slot %u failed: %ld", slot, rc);
    return gk_virt_to_mfn(page);
}

static void scratch_init(void)
{
    uint64_t rw = GK_PAGE_KERNEL | gk_pte_nx(), ro = GK_PAGE_KERNEL_RO | gk_pte_nx();

    for (unsigned i = 0; i < FZ_NR_RW; i++)
        fz.rw_mfn[i] = map_new(FZ_RW_FIRST + i, rw);
    for (unsigned i = 0; i < FZ_NR_RO; i++)
        fz.ro_mfn[i] = map_new(FZ_RO_FIRST + i, ro);
    fz.edge_mfn = map_new(FZ_EDGE, rw);
    fz.code_mfn = map_new(FZ_CODE, GK_PAGE_KERNEL);
    fz.stack_mfn = map_new(FZ_STACK, rw);
    for (unsigned i = 0; i < FZ_NR_ARENA; i++)
        fz.arena_mfn[i] = map_new(FZ_ARENA_FIRST + i, rw);
    fz.scratch_l1 = table_on_path(FZ_SCRATCH, 1);
    fz.scratch_l2 = table_on_path(FZ_SCRATCH, 2);
    fz.scratch_l3 = table_on_path(FZ_SCRATCH, 3);
    fz_world_heal(); /* finds the tables' 1:1 addresses while the M2P is as the kit left it */
    for (unsigned i = 0; i < FZ_NR_TOYS; i++) {
        void *page = gk_page_alloc();

        if (!page)
            gk_panic("fuzz: out of pages for toy frames");
        fz.toy_mfn[i] = gk_virt_to_mfn(page);
        if (i % 2 == 0)
            gk_page_set_writable(page, false); /* may become a page table */
    }
}

void fz_world_init(void)
{
    uint64_t first, end;

    fz.l4_mfn = gk_kernel_space()->l4_mfn;
    fz.max_mfn = (uint64_t)gk_hypercall_memory_op(PV_XENMEM_maximum_ram_page, NULL);
    gk_mm_range(&first, &end);
    fz.image_mfn_first = gk_pfn_to_mfn(0);
    fz.image_mfn_last = gk_pfn_to_mfn(first ? first - 1 : 0);
    fz.shared_info_mfn = gk_start_info->shared_info >> 12;
    fz.victim_va = (uint64_t)(uintptr_t)victim + 4096;
    scratch_init();
}

/* ---- healing the layout ---- */

/* The scratch region's tables as the kit maps them 1:1 (read-only), found once. */
static const volatile uint64_t *table_va(uint64_t mfn)
{
    static uint64_t mfns[4];
    static const volatile uint64_t *vas[4];

    for (unsigned i = 0; i < 4; i++) {
        if (mfns[i] == mfn)
            return vas[i];
        if (!mfns[i]) {
            mfns[i] = mfn;
            vas[i] = gk_mfn_to_virt(mfn);
            return vas[i];
        }
    }
    return gk_mfn_to_virt(mfn);
}

static void heal_entry(uint64_t table, unsigned slot, uint64_t want, uint64_t mask)
{
    const volatile uint64_t *t = table_va(table);
    struct pv_mmu_update u = {.ptr = (table << 12) + slot * 8, .val = want};

    if (t && (t[slot] & mask) == (want & mask))
        return;
    fz_stats.heals++;
    fz_trace("FZH i=%lu table %#lx slot %u was %#lx want %#lx\n", fz_iter, table, slot,
             t ? t[slot] : (uint64_t)~0ULL, want);
    gk_hypercall_mmu_update(&u, 1, NULL, PV_DOMID_SELF);
}

static void heal_page(unsigned slot, uint64_t mfn, uint64_t flags)
{
    heal_entry(fz.scratch_l1, slot, gk_pte(mfn, flags), GK_PTE_ADDR | GK_PTE_P | GK_PTE_RW);
}

void fz_world_heal(void)
{
    uint64_t rw = GK_PAGE_KERNEL | gk_pte_nx(), ro = GK_PAGE_KERNEL_RO | gk_pte_nx();
    uint64_t link = GK_PTE_ADDR | GK_PTE_P;

    heal_entry(fz.l4_mfn, gk_pt_index(FZ_SCRATCH, 4), gk_pte(fz.scratch_l3, GK_PAGE_TABLE), link);
    heal_entry(fz.scratch_l3, gk_pt_index(FZ_SCRATCH, 3), gk_pte(fz.scratch_l2, GK_PAGE_TABLE),
               link);
    heal_entry(fz.scratch_l2, gk_pt_index(FZ_SCRATCH, 2), gk_pte(fz.scratch_l1, GK_PAGE_TABLE),
               link);
    for (unsigned i = 0; i < FZ_NR_RW; i++)
        heal_page(FZ_RW_FIRST + i, fz.rw_mfn[i], rw);
    for (unsigned i = 0; i < FZ_NR_RO; i++)
        heal_page(FZ_RO_FIRST + i, fz.ro_mfn[i], ro);
    for (unsigned i = 0; i < 4; i++)
        heal_entry(fz.scratch_l1, FZ_HOLE_FIRST + i, 0, GK_PTE_P);
    heal_entry(fz.scratch_l1, FZ_EDGE + 1, 0, GK_PTE_P);
    heal_page(FZ_EDGE, fz.edge_mfn, rw);
    heal_page(FZ_CODE, fz.code_mfn, GK_PAGE_KERNEL);
    heal_page(FZ_STACK, fz.stack_mfn, rw);
    for (unsigned i = 0; i < FZ_NR_ARENA; i++)
        heal_page(FZ_ARENA_FIRST + i, fz.arena_mfn[i], rw);
    gk_tlb_flush();
}

/* ---- the arena ---- */

void fz_arena_reset(void)
{
    arena_next = (uint8_t *)FZ_SLOT(FZ_ARENA_FIRST);
    arena_end = arena_next + FZ_NR_ARENA * 4096;
}

void *fz_alloc(size_t len)
{
    uint8_t *p = arena_next;

    len = (len + 15) & ~(size_t)15;
    if (len > (size_t)(arena_end - arena_next))
        return NULL;
    arena_next += len;
    memset(p, 0, len);
    return p;
}

/* ---- pools ---- */

static uint64_t noncanonical(void)
{
    return 0x0000800000000000ULL + fz_below(0xffff000000000000ULL);
}

static uint64_t hv_range(void)
{
    return PV_HYPERVISOR_VIRT_START + (fz_below(PV_HYPERVISOR_VIRT_END - PV_HYPERVISOR_VIRT_START) &
                                       ~(fz_chance(512) ? 7ULL : 0ULL));
}

static uint64_t in_page(uint64_t va, size_t len)
{
    uint64_t room = len < 4096 ? 4096 - len : 0;

    return va + (fz_chance(900) ? fz_below(room / 8 + 1) * 8 : fz_below(room + 1));
}

uint64_t fz_ptr(size_t len)
{
    void *buf;

    switch (fz_below(20)) {
    case 0 ... 7:
        buf = fz_alloc(len ? len : 8);
        if (buf)
            return (uint64_t)(uintptr_t)buf;
        /* fall through */
    case 8:
        return in_page(FZ_SLOT(FZ_RW_FIRST + fz_below(FZ_NR_RW)), len);
    case 9:
        return in_page(FZ_SLOT(FZ_RO_FIRST + fz_below(FZ_NR_RO)), len);
    case 10:
        return FZ_SLOT(FZ_HOLE_FIRST + fz_below(4)) + fz_below(4096);
    case 11: /* straddling the end of a mapped page */
        return FZ_SLOT(FZ_EDGE + 1) - fz_range(1, len ? len : 1);
    case 12:
        return (uint64_t)(uintptr_t)gk_mfn_to_virt(fz_chance(512) ? fz.l4_mfn : fz.scratch_l1) +
               fz_below(4096);
    case 13:
        return PV_MACH2PHYS_VIRT_START + fz_below(1ULL << 30);
    case 14:
        return hv_range();
    case 15:
        return noncanonical();
    case 16:
        return fz_below(0x2000);
    case 17:
        return in_page(fz.victim_va, len);
    case 18:
        return FZ_SLOT(FZ_PLAY_FIRST + fz_below(FZ_NR_PLAY)) + fz_below(4096);
    default:
        return fz_chance(512) ? 0x00007ffffffff000ULL + fz_below(4096) : fz_num();
    }
}

uint64_t fz_va(void)
{
    switch (fz_below(12)) {
    case 0 ... 3:
        return FZ_SLOT(FZ_PLAY_FIRST + fz_below(FZ_NR_PLAY));
    case 4:
        return FZ_SLOT(fz_below(512));
    case 5:
        return FZ_SLOT(FZ_GNT_FIRST + fz_below(FZ_NR_GNT));
    case 6:
        return hv_range() & ~0xfffULL;
    case 7:
        return noncanonical();
    case 8:
        return (FZ_SCRATCH + (fz_below(8) << 21)) | (fz_chance(128) ? fz_below(4096) : 0);
    case 9:
        return GK_VIRT_BASE + (fz_below(gk_nr_pages()) << 12);
    case 10:
        return fz_below(1ULL << 47) & ~0xfffULL;
    default:
        return fz_num();
    }
}

uint64_t fz_code_va(void)
{
    switch (fz_below(8)) {
    case 0:
        return 0;
    case 1:
        return hv_range();
    case 2:
        return noncanonical();
    case 3:
        return FZ_SLOT(FZ_HOLE_FIRST);
    case 4:
        return FZ_SLOT(FZ_CODE) + fz_below(4096);
    case 5:
        return FZ_SLOT(FZ_PLAY_FIRST + fz_below(FZ_NR_PLAY));
    case 6:
        return PV_HYPERVISOR_VIRT_END + fz_below(0x1000000);
    default: {
        extern char _text[], _end[];
        uint64_t va = fz_num();

        /* Not into the fuzzer's own image (fz_num likes its base): its code run with random
         * registers ends the fuzzer, which tests nothing of the hypervisor (seed 2). */
        return va >= (uint64_t)(uintptr_t)_text && va < (uint64_t)(uintptr_t)_end ? 0 : va;
    }
    }
}

static uint64_t own_random_mfn(void)
{
    return gk_pfn_to_mfn(fz_below(gk_nr_pages()));
}

uint64_t fz_mfn(void)
{
    switch (fz_below(24)) {
    case 0 ... 3:
        return fz.toy_mfn[fz_below(FZ_NR_TOYS)];
    case 4:
        return fz.rw_mfn[fz_below(FZ_NR_RW)];
    case 5:
        return fz.ro_mfn[fz_below(FZ_NR_RO)];
    case 6:
        return (uint64_t[]){fz.scratch_l1, fz.scratch_l2, fz.scratch_l3, fz.l4_mfn}[fz_below(4)];
    case 7:
        return fz_range(fz.image_mfn_first, fz.image_mfn_last);
    case 8:
        return own_random_mfn();
    case 9: /* pages the hypervisor shares: shared_info, a version 2 table's status frame */
        return fz.status_mfn && fz_below(2) ? fz.status_mfn : fz.shared_info_mfn;
    case 10:
        return gk_start_info->console.domU.mfn;
    case 11:
        return fz.nr_foreign ? fz.foreign_mfn[fz_below(fz.nr_foreign)] : fz_below(fz.max_mfn);
    case 12: /* the frames next to ours most likely belong to another domain */
        return fz.image_mfn_first - fz_range(1, 64);
    case 13:
        return gk_pfn_to_mfn(gk_nr_pages() - 1) + fz_range(1, 64);
    case 14:
        return fz_below(256); /* the first MiB: DOMID_IO */
    case 15:
        return fz.max_mfn + fz_below(4);
    case 16:
        return 0xffffffffffULL - fz_below(2);
    case 17:
        return fz.arena_mfn[fz_below(FZ_NR_ARENA)];
    case 18:
        return fz_num();
    default:
        return fz_below(fz.max_mfn + 1);
    }
}

/* A frame the fuzzer itself lives in (not one of those it plays with). */
static bool own_live(uint64_t mfn)
{
    uint64_t pfn = gk_mfn_to_pfn(mfn);

    if (mfn == fz.shared_info_mfn) /* random event bits there leave the fuzzer asleep (seed 108) */
        return true;
    if (pfn == GK_INVALID_FRAME)
        return false;
    for (unsigned i = 0; i < FZ_NR_TOYS; i++)
        if (fz.toy_mfn[i] == mfn)
            return false;
    for (unsigned i = 0; i < FZ_NR_RW; i++)
        if (fz.rw_mfn[i] == mfn)
            return false;
    for (unsigned i = 0; i < FZ_NR_RO; i++)
        if (fz.ro_mfn[i] == mfn)
            return false;
    return mfn != fz.edge_mfn && mfn != fz.code_mfn;
}

uint64_t fz_mfn_dest(void)
{
    uint64_t mfn = fz_mfn();

    return own_live(mfn) ? fz.toy_mfn[fz_below(FZ_NR_TOYS)] : mfn;
}

uint64_t fz_pte(void)
{
    static const uint64_t bits[] = {GK_PTE_RW,  GK_PTE_US, GK_PTE_PWT, GK_PTE_PCD, GK_PTE_A,
                                    GK_PTE_D,   GK_PTE_PSE, GK_PTE_G,  1ULL << 9,  1ULL << 11,
                                    1ULL << 52, 1ULL << 62, GK_PTE_NX, 1ULL << 51};
    uint64_t e, mfn = fz_chance(64) ? fz_rand() : fz_mfn();

    if (fz_chance(32))
        return fz_num();
    if (fz_chance(96))
        return 0;
    e = ((mfn << 12) & GK_PTE_ADDR) | (fz_chance(960) ? GK_PTE_P : 0);
    if (fz_chance(768))
        e |= GK_PTE_RW;
    if (fz_chance(768))
        e |= GK_PTE_A | GK_PTE_US;
    for (unsigned n = (unsigned)fz_below(3); n; n--)
        e |= bits[fz_below(sizeof(bits) / sizeof(bits[0]))];
    /* A writable mapping of the fuzzer's own image would let the next buffer or instruction
     * that lands in the playground rewrite the fuzzer itself (found with seed 102). */
    if ((e & GK_PTE_RW) && own_live(mfn))
        e = (e & ~GK_PTE_ADDR) | (fz.toy_mfn[fz_below(FZ_NR_TOYS)] << 12);
    return e;
}

uint64_t fz_pte_maddr(void)
{
    uint64_t table, slot;

    switch (fz_below(20)) {
    case 0 ... 9:
        table = fz.scratch_l1, slot = FZ_PLAY_FIRST + fz_below(FZ_NR_PLAY);
        break;
    case 10:
        table = fz.scratch_l1, slot = fz_below(512);
        fz_dirty |= FZ_DIRTY_LAYOUT;
        break;
    case 11 ... 12:
        table = fz.scratch_l2, slot = fz_range(fz_chance(64) ? 0 : 1, 511);
        fz_dirty |= FZ_DIRTY_LAYOUT;
        break;
    case 13:
        table = fz.scratch_l3, slot = fz_below(512);
        fz_dirty |= FZ_DIRTY_LAYOUT;
        break;
    case 14: /* the kernel root: the slots around the scratch region's, the hypervisor's */
        table = fz.l4_mfn;
        slot = fz_chance(512) ? 256 + fz_below(16) : gk_pt_index(FZ_SCRATCH, 4) + fz_range(1, 8);
        break;
    case 15 ... 17:
        table = fz.toy_mfn[fz_below(FZ_NR_TOYS)], slot = fz_below(512);
        break;
    case 18: /* a frame that is no page table: a checked plain write, or refused */
        return (fz_mfn_dest() << 12) + fz_below(4096);
    default:
        return (fz.scratch_l1 << 12) + FZ_PLAY_FIRST * 8 + fz_range(1, 7);
    }
    return (table << 12) + slot * 8;
}

uint16_t fz_domid(void)
{
    switch (fz_below(8)) {
    case 0 ... 2:
        return PV_DOMID_SELF;
    case 3:
        return (uint16_t)fz.self;
    case 4:
        return (uint16_t)fz.watchdog;
    case 5:
        return (uint16_t)fz_below(fz.nr_domains + 2);
    case 6:
        return (uint16_t)(0x7ff0 + fz_below(16));
    default:
        return (uint16_t)fz_num();
    }
}

uint32_t fz_port(void)
{
    switch (fz_below(8)) {
    case 0 ... 3:
        return (uint32_t)fz_below(12);
    case 4:
        return (uint32_t)fz_range(250, 260);
    case 5:
        return (uint32_t)fz_range(1020, 1030);
    case 6:
        return (uint32_t)fz_range(4090, 4100);
    default:
        return fz_num32();
    }
}

uint32_t fz_vcpu(void)
{
    return fz_chance(768) ? (uint32_t)fz_below(3) : fz_num32();
}

uint16_t fz_selector(void)
{
    static const uint16_t sels[] = {0,      PV_FLAT_KERNEL_CS, PV_FLAT_KERNEL_SS, PV_FLAT_RING3_CS32,
                                    0xe010, 0xe008,            0x0004,           0x0007,
                                    0x000b, 0x0013,            0xfff8,           0xe030,
                                    0xe02b & ~3};

    if (fz_chance(768))
        return sels[fz_below(sizeof(sels) / sizeof(sels[0]))] | (uint16_t)fz_below(4);
    return (uint16_t)fz_rand();
}

uint64_t fz_desc(void)
{
    uint64_t type = fz_below(16), s = fz_below(2), dpl = fz_below(4), p = fz_chance(900);
    uint64_t lo = fz_rand() & 0xffffffffULL, hi = fz_rand() & 0xffffffffULL;

    if (fz_chance(128))
        return fz_num();
    /* Keep the random base and limit, choose the type, S, DPL and P bits. */
    hi = (hi & ~0xff00ULL) | (type << 8) | (s << 12) | (dpl << 13) | (p << 15);
    if (type == 12 && !s) /* a call gate: a selector worth auditing */
        lo = (lo & 0xffff) | ((uint64_t)fz_selector() << 16);
    return (hi << 32) | lo;
}

uint64_t fz_vcpumask(void)
{
    uint64_t *m;

    if (fz_chance(256))
        return fz_ptr(8);
    m = fz_alloc(8);
    if (!m)
        return 0;
    *m = fz_chance(512) ? 1 : fz_num();
    return (uint64_t)(uintptr_t)m;
}
