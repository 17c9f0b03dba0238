/* Start-of-day layout of a PV guest: Xen's allocation order and its page-table fixed point. */
#include "pv_layout.h"
#include "pv-abi/errno.h"
#include "lib/string.h"

#define PG 4096ULL
#define L4_IDX 3

/* Pfn allocator over [0, nr_pages): hands out consecutive frames, like Xen's pfn_alloc_end. */
struct alloc {
    uint64_t next, nr_pages;
    const char *why;
};

static int fail(struct alloc *a, int err, const char *why)
{
    a->why = why;
    return err;
}

static int take(struct alloc *a, uint64_t pages, uint64_t *pfn)
{
    if (pages > a->nr_pages - a->next)
        return fail(a, -PV_ENOMEM, "guest memory too small for the boot layout");
    *pfn = a->next;
    a->next += pages;
    return 0;
}

static uint64_t pages_for(uint64_t bytes)
{
    return bytes / PG + (bytes % PG != 0);
}

/* Frames holding the p2m list: 8 bytes per pfn, without overflowing nr_pages * 8. */
static uint64_t p2m_pages_for(uint64_t nr_pages)
{
    return nr_pages / 512 + (nr_pages % 512 != 0);
}

/* log2 of the span one table at level index l covers (L1 2 MiB, L2 1 GiB, L3 512 GiB). */
static unsigned level_shift(unsigned l)
{
    return 12 + 9 * (l + 1);
}

/* Tables needed at level l to map [from, last]: whole aligned blocks, as Xen counts them. */
static void level_cover(struct pv_layout_level *lv, unsigned l, uint64_t from, uint64_t last)
{
    uint64_t mask = (1ULL << level_shift(l)) - 1;

    lv->va_from = from & ~mask;
    lv->va_last = last | mask;
    lv->count = ((lv->va_last - lv->va_from) >> level_shift(l)) + 1;
}

/* Drop from lv the blocks the first mapping already has tables for at the same level. The
 * relocated p2m lies below the initial mapping, so only its top end can share a block. */
static void level_trim(struct pv_layout_level *lv, unsigned l, const struct pv_layout_level *base)
{
    if (lv->va_last < base->va_from)
        return;
    if (lv->va_from >= base->va_from) {
        lv->count = 0;
        return;
    }
    lv->va_last = base->va_from - 1;
    lv->count = ((lv->va_last - lv->va_from) >> level_shift(l)) + 1;
}

/* Size the tables of map m for [from, last]; map 1 shares the L4 and any table map 0 has. */
static uint64_t count_tables(struct pv_layout *o, unsigned m, uint64_t from, uint64_t last)
{
    struct pv_layout_map *map = &o->map[m];
    uint64_t total = 0;

    *map = (struct pv_layout_map){.va_from = from, .va_last = last};
    map->lvl[L4_IDX].va_last = ~0ULL;
    map->lvl[L4_IDX].count = m == 0;
    for (unsigned l = 0; l < L4_IDX; l++) {
        level_cover(&map->lvl[l], l, from, last);
        if (m > 0)
            level_trim(&map->lvl[l], l, &o->map[0].lvl[l]);
    }
    for (unsigned l = 0; l <= L4_IDX; l++)
        total += map->lvl[l].count;
    map->nr_tables = total;
    return total;
}

/* Give map m's tables their pfns, top level first, from tables_pfn. */
static void place_tables(struct pv_layout_map *map, uint64_t tables_pfn)
{
    uint64_t pfn = tables_pfn;

    map->tables_pfn = tables_pfn;
    for (unsigned l = L4_IDX + 1; l-- > 0;) {
        map->lvl[l].pfn = pfn;
        pfn += map->lvl[l].count;
    }
}

static uint64_t va_of(const struct pv_layout *o, uint64_t pfn)
{
    return o->virt_base + pfn * PG;
}

/* Last byte of a trial mapping: Xen ORs in the 4 MiB mask, so an aligned end gains 4 MiB. */
static int trial_last(struct alloc *a, uint64_t va, uint64_t pages, uint64_t *last)
{
    if (pages > (~0ULL - va) / PG)
        return fail(a, -PV_EINVAL, "initial mapping does not fit in the address space");
    *last = (va + pages * PG) | (PV_LAYOUT_ALIGN - 1);
    return 0;
}

/* Find the smallest 4 MiB-aligned mapping that holds everything so far, its own page tables, the
 * boot stack and the padding: tables depend on the size and the size on the tables (fixed point).
 */
static int size_initial_map(struct pv_layout *o, struct alloc *a, uint64_t *last)
{
    uint64_t extra = 1 + PV_LAYOUT_PAD_PAGES, pages = extra, va;

    if (a->next > (~0ULL - o->virt_base) / PG)
        return fail(a, -PV_EINVAL, "initial mapping does not fit in the address space");
    va = va_of(o, a->next);
    for (;;) {
        int rc = trial_last(a, va, pages, last);

        if (rc)
            return rc;
        if (*last == ~0ULL || !pv_layout_va_ok(o->virt_base, *last))
            return fail(a, -PV_EINVAL, "initial mapping does not fit in the address space");
        if ((*last - o->virt_base) / PG >= a->nr_pages)
            return fail(a, -PV_ENOMEM, "not enough memory for the initial mapping");
        pages = count_tables(o, 0, o->virt_base, *last) + extra;
        if (va + pages * PG <= *last + 1)
            return 0;
    }
}

static int layout_tables(struct pv_layout *o, struct alloc *a)
{
    uint64_t last, pad;
    int rc;

    if ((rc = size_initial_map(o, a, &last)) || (rc = take(a, o->map[0].nr_tables, &o->pt_pfn)))
        return rc;
    place_tables(&o->map[0], o->pt_pfn);
    o->pt_pages = o->map[0].nr_tables;
    o->nr_l4 = 1;
    o->nr_l3 = o->map[0].lvl[2].count;
    o->nr_l2 = o->map[0].lvl[1].count;
    o->nr_l1 = o->map[0].lvl[0].count;
    rc = take(a, 1, &o->stack_pfn);
    if (!rc)
        rc = take(a, (last + 1 - o->virt_base) / PG - a->next, &pad);
    o->map_start_va = o->virt_base;
    o->map_end_va = last + 1;
    o->rsp = va_of(o, o->stack_pfn + 1);
    return rc;
}

static int layout_mapped_initrd(const struct pv_layout_in *in, struct pv_layout *o, struct alloc *a)
{
    int rc;

    if (in->initrd_len == 0 || in->mod_start_pfn)
        return 0;
    o->initrd_pages = pages_for(in->initrd_len);
    rc = take(a, o->initrd_pages, &o->initrd_pfn);
    o->initrd_mapped = true;
    o->mod_start = va_of(o, o->initrd_pfn);
    o->mod_len = in->initrd_len;
    return rc;
}

/* Kernel (after padding from pfn 0), mapped initrd, p2m unless relocated, then the magic pages. */
static int layout_front(const struct pv_layout_in *in, struct pv_layout *o, struct alloc *a)
{
    uint64_t pad;
    int rc;

    o->kernel_pages = (in->virt_kend - in->virt_kstart) / PG;
    rc = take(a, (in->virt_kstart - in->virt_base) / PG, &pad);
    if (!rc)
        rc = take(a, o->kernel_pages, &o->kernel_pfn);
    if (!rc)
        rc = layout_mapped_initrd(in, o, a);
    if (!rc && !o->p2m_relocated) {
        o->p2m_pages = p2m_pages_for(in->nr_pages);
        rc = take(a, o->p2m_pages, &o->p2m_pfn);
        o->p2m_va = va_of(o, o->p2m_pfn);
    }
    if (!rc)
        rc = take(a, 1, &o->start_info_pfn);
    if (!rc)
        rc = take(a, 1, &o->xenstore_pfn);
    if (!rc)
        rc = take(a, 1, &o->console_pfn);
    o->start_info_va = va_of(o, o->start_info_pfn);
    return rc;
}

/* MOD_START_PFN: the initrd follows the mapping, unmapped; start_info gets its pfn and pages. */
static int layout_unmapped_initrd(const struct pv_layout_in *in, struct pv_layout *o,
                                  struct alloc *a)
{
    int rc;

    if (in->initrd_len == 0 || !in->mod_start_pfn)
        return 0;
    o->initrd_pages = pages_for(in->initrd_len);
    rc = take(a, o->initrd_pages, &o->initrd_pfn);
    o->mod_start = o->initrd_pfn;
    o->mod_len = o->initrd_pages * PG;
    return rc;
}

/* INIT_P2M: the p2m goes last, followed by the tables that map it at p2m_va. */
static int layout_relocated_p2m(const struct pv_layout_in *in, struct pv_layout *o, struct alloc *a)
{
    uint64_t from = in->init_p2m_va, pages = p2m_pages_for(in->nr_pages), last;
    int rc;

    if (!o->p2m_relocated)
        return 0;
    if (pages - 1 > (~0ULL - from) / PG)
        return fail(a, -PV_EINVAL, "INIT_P2M area does not fit in the address space");
    last = from + pages * PG - 1;
    if (!pv_layout_va_ok(from, last))
        return fail(a, -PV_EINVAL, "INIT_P2M area outside the guest address space");
    if (last >= o->map_start_va)
        return fail(a, -PV_EINVAL, "INIT_P2M area overlaps the initial mapping");
    o->p2m_pages = pages;
    o->p2m_pt_pages = count_tables(o, 1, from, last);
    rc = take(a, pages + o->p2m_pt_pages, &o->p2m_pfn);
    place_tables(&o->map[1], o->p2m_pfn + pages);
    o->map[1].pfn = o->p2m_pfn;
    o->p2m_va = from;
    o->nr_p2m_frames = pages + o->p2m_pt_pages;
    o->nr_maps = 2;
    return rc;
}

static int check_input(const struct pv_layout_in *in, struct alloc *a)
{
    if ((in->virt_base | in->virt_kstart | in->virt_kend) % PG)
        return fail(a, -PV_EINVAL, "image addresses not page aligned");
    if (in->virt_base > in->virt_kstart || in->virt_kstart > in->virt_kend)
        return fail(a, -PV_EINVAL, "image below VIRT_BASE or empty");
    if (in->nr_pages == 0)
        return fail(a, -PV_ENOMEM, "guest has no memory");
    if (in->nr_pages > PV_LAYOUT_MAX_PAGES)
        return fail(a, -PV_EINVAL, "guest memory size out of range");
    return 0;
}

int pv_layout_compute(const struct pv_layout_in *in, struct pv_layout *out, const char **why)
{
    struct alloc a = {0, in->nr_pages, "ok"};
    int rc = check_input(in, &a);

    *out = (struct pv_layout){
        .virt_base = in->virt_base, .nr_maps = 1,
        .p2m_relocated =
            in->has_init_p2m && in->init_p2m_va < in->virt_base && in->init_p2m_va % PG == 0};
    if (!rc && !(rc = layout_front(in, out, &a)) && !(rc = layout_tables(out, &a)) &&
        !(rc = layout_unmapped_initrd(in, out, &a)))
        rc = layout_relocated_p2m(in, out, &a);
    out->pages_used = a.next;
    *why = a.why;
    return rc;
}

uint64_t pv_layout_table_pfn(const struct pv_layout *l, unsigned level, uint64_t va)
{
    if (level < 1 || level > L4_IDX + 1)
        return PV_LAYOUT_NO_PFN;
    for (unsigned m = 0; m < l->nr_maps; m++) {
        const struct pv_layout_level *lv = &l->map[m].lvl[level - 1];

        if (lv->count == 0 || va < lv->va_from || va > lv->va_last)
            continue;
        if (level - 1 == L4_IDX)
            return lv->pfn;
        return lv->pfn + ((va - lv->va_from) >> level_shift(level - 1));
    }
    return PV_LAYOUT_NO_PFN;
}

uint64_t pv_layout_va_to_pfn(const struct pv_layout *l, uint64_t va)
{
    for (unsigned m = 0; m < l->nr_maps; m++) {
        const struct pv_layout_map *map = &l->map[m];

        if (va >= map->va_from && va <= map->va_last)
            return map->pfn + (va - map->va_from) / PG;
    }
    return PV_LAYOUT_NO_PFN;
}

bool pv_layout_is_table(const struct pv_layout *l, uint64_t pfn)
{
    for (unsigned m = 0; m < l->nr_maps; m++) {
        const struct pv_layout_map *map = &l->map[m];

        if (pfn >= map->tables_pfn && pfn - map->tables_pfn < map->nr_tables)
            return true;
    }
    return false;
}
