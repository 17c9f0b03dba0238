/* guest-kit: keeping the p2m: giving a pfn another frame (p2m, M2P and 1:1 mapping together)
 * and publishing the p2m in shared_info for tools, as Mini-OS's arch_init_p2m and Linux do. */
#include "internal.h"

#define PER_PAGE 512ULL /* 8-byte entries per page */

static uint64_t *frame_list_list; /* mfns of the frame-list pages, once published */
static uint64_t *lists;           /* the frame-list pages' addresses */
static uint64_t n_lists;

static uint64_t *p2m(void)
{
    return (uint64_t *)(uintptr_t)gk_start_info->mfn_list;
}

/* A p2m entry changes: tools reading the linear p2m retry while the generation is odd. */
static void p2m_write(uint64_t pfn, uint64_t mfn)
{
    struct pv_shared_info *si = gk_shared_info();

    if (si)
        __atomic_fetch_add(&si->arch.p2m_generation, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&p2m()[pfn], mfn, __ATOMIC_SEQ_CST);
    if (si)
        __atomic_fetch_add(&si->arch.p2m_generation, 1, __ATOMIC_SEQ_CST);
}

long gk_pfn_set_frame(uint64_t pfn, uint64_t mfn)
{
    uint64_t va = GK_VIRT_BASE + pfn * GK_PAGE_SIZE;
    uint64_t maddr = pfn < gk_direct_pages() ? gk_pte_maddr(gk_kernel_space(), va) : 0;
    uint64_t old = maddr ? gk_pt_lookup(gk_kernel_space(), va) : 0;
    struct gk_mmu_batch b;
    long rc;

    if (!(old & GK_PTE_P))
        return -PV_EINVAL;
    gk_mmu_batch_init(&b);
    gk_mmu_batch_add(&b, maddr | PV_MMU_NORMAL_PT_UPDATE, (old & ~GK_PTE_ADDR) | (mfn << 12));
    gk_mmu_batch_add(&b, (mfn << 12) | PV_MMU_MACHPHYS_UPDATE, pfn);
    rc = gk_mmu_batch_flush(&b);
    if (rc) {
        if (b.total) /* the mapping moved but the M2P refused the frame: move it back */
            gk_hypercall_update_va_mapping(va, old, PV_UVMF_INVLPG | PV_UVMF_LOCAL);
        return rc;
    }
    p2m_write(pfn, mfn);
    return gk_invlpg(va);
}

/* Frame list: one page of p2m-page mfns per 512 p2m pages; the list of those pages' mfns is
 * the root tools start from. Allocated once (the pages stay); filled at each publish, since a
 * restored domain's frames are new. */
static long build_frame_lists(void)
{
    uint64_t p2m_pages = (gk_nr_pages() + PER_PAGE - 1) / PER_PAGE;
    uint64_t *root = gk_page_alloc(), i;

    if (!root)
        return -PV_ENOMEM;
    for (i = 0; i * PER_PAGE < p2m_pages; i++) {
        uint64_t *list = gk_page_alloc();

        if (!list)
            break;
        root[i] = (uint64_t)(uintptr_t)list; /* virtual until filled */
    }
    if (i * PER_PAGE < p2m_pages) {
        while (i--)
            gk_page_free((void *)(uintptr_t)root[i]);
        gk_page_free(root);
        return -PV_ENOMEM;
    }
    lists = root;
    n_lists = i;
    frame_list_list = gk_page_alloc();
    return frame_list_list ? 0 : -PV_ENOMEM;
}

static void fill_frame_lists(void)
{
    uint64_t p2m_pages = (gk_nr_pages() + PER_PAGE - 1) / PER_PAGE;

    for (uint64_t i = 0; i < n_lists; i++) {
        uint64_t *list = (uint64_t *)(uintptr_t)lists[i];

        for (uint64_t j = 0; j < PER_PAGE && i * PER_PAGE + j < p2m_pages; j++)
            list[j] = gk_virt_to_mfn(p2m() + (i * PER_PAGE + j) * PER_PAGE);
        frame_list_list[i] = gk_virt_to_mfn(list);
    }
}

long gk_p2m_publish(void)
{
    struct pv_shared_info *si;
    long rc = gk_shared_info_map();

    if (rc)
        return rc;
    if (!frame_list_list && (rc = build_frame_lists()))
        return rc;
    fill_frame_lists();
    si = gk_shared_info();
    si->arch.max_pfn = gk_nr_pages(); /* a count, as Xen expects from PV guests */
    si->arch.pfn_to_mfn_frame_list_list = gk_virt_to_mfn(frame_list_list);
    si->arch.p2m_vaddr = (uint64_t)(uintptr_t)p2m();
    si->arch.p2m_cr3 = PV_PFN_TO_CR3(gk_kernel_space()->l4_mfn);
    return 0;
}
