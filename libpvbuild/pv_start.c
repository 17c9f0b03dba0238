/* The start-of-day contents of a PV guest: bootstrap page tables, p2m list, start_info. */
#include "pv_start.h"
#include "lib/string.h"

#define PG 4096ULL
/* x86-64 page-table entry bits (Intel SDM vol. 3 §4.5). */
#define PTE_P 0x001ULL
#define PTE_RW 0x002ULL
#define PTE_US 0x004ULL
#define PTE_A 0x020ULL
#define PTE_D 0x040ULL

static uint64_t *table(const struct pv_layout *l, const struct pv_start_frames *f, unsigned level,
                       uint64_t va)
{
    return f->page(f->ctx, pv_layout_table_pfn(l, level, va));
}

static unsigned pt_index(uint64_t va, unsigned level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

static void map_range(const struct pv_layout *l, const struct pv_start_frames *f,
                      const struct pv_layout_map *m)
{
    const uint64_t upper = PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D;

    for (uint64_t va = m->va_from; va <= m->va_last && va >= m->va_from; va += PG) {
        uint64_t pfn = pv_layout_va_to_pfn(l, va), l1e;

        for (unsigned level = 4; level > 1; level--)
            table(l, f, level, va)[pt_index(va, level)] =
                (f->p2m[pv_layout_table_pfn(l, level - 1, va)] << 12) | upper;
        /* The kernel's own, as a guest kernel writes its entries (no US: the hypervisor adds it
         * with its kernel-only mark, as Xen's dom0 builder has _PAGE_GUEST_KERNEL in L1_PROT), so
         * log-dirty clears their dirty bits at each CLEAN. No D: a page never written stays
         * clean for log-dirty. */
        l1e = (f->p2m[pfn] << 12) | PTE_P | PTE_A;
        if (!pv_layout_is_table(l, pfn))
            l1e |= PTE_RW;
        table(l, f, 1, va)[pt_index(va, 1)] = l1e;
    }
}

void pv_start_write_tables(const struct pv_layout *l, const struct pv_start_frames *f)
{
    for (unsigned i = 0; i < l->nr_maps; i++)
        map_range(l, f, &l->map[i]);
}

void pv_start_write_p2m(const struct pv_layout *l, const struct pv_start_frames *f)
{
    for (uint64_t pfn = 0; pfn < f->nr_pages; pfn += PG / 8) {
        uint64_t n = f->nr_pages - pfn < PG / 8 ? f->nr_pages - pfn : PG / 8;

        memcpy(f->page(f->ctx, l->p2m_pfn + pfn / (PG / 8)), &f->p2m[pfn], n * 8);
    }
}

void pv_start_fill_info(struct pv_start_info *si, const struct pv_layout *l,
                        const struct pv_start_params *sp)
{
    lib_strlcpy(si->magic, PV_START_INFO_MAGIC, sizeof(si->magic));
    si->nr_pages = sp->nr_pages;
    si->shared_info = sp->shared_info_mfn * PG;
    si->flags = l->initrd_pages && !l->initrd_mapped ? PV_SIF_MOD_START_PFN : 0;
    if (sp->initdomain) /* no rings; console.dom0 info_off = 0: no VGA console info follows */
        si->flags |= PV_SIF_PRIVILEGED | PV_SIF_INITDOMAIN;
    si->store_mfn = sp->store_mfn;
    si->store_evtchn = sp->store_evtchn;
    si->console.domU.mfn = sp->console_mfn;
    si->console.domU.evtchn = sp->console_evtchn;
    si->pt_base = l->virt_base + l->pt_pfn * PG;
    si->nr_pt_frames = l->pt_pages;
    si->mfn_list = l->p2m_va;
    si->mod_start = l->mod_start;
    si->mod_len = l->mod_len;
    lib_strlcpy(si->cmd_line, sp->cmdline ? sp->cmdline : "", sizeof(si->cmd_line));
    if (l->p2m_relocated) {
        si->first_p2m_pfn = l->p2m_pfn;
        si->nr_p2m_frames = l->nr_p2m_frames;
    }
}
