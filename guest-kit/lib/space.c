/* guest-kit: address spaces (a pinned L4 and its tree): the builder's, new ones, switching the
 * kernel onto one, tearing one down; and the boot step that maps all of memory 1:1. */
#include "internal.h"

#define MAX_DIRECT_PAGES (1ULL << 19) /* GK_VIRT_BASE + 2 GiB is the top of the address space */

static struct gk_space boot_space; /* the builder's tables (pinned by the builder) */
static struct gk_space *kernel_space = &boot_space;

struct gk_space *gk_kernel_space(void)
{
    return kernel_space;
}

void gk_set_kernel_space(struct gk_space *s)
{
    kernel_space = s;
}

long gk_space_create(struct gk_space *s)
{
    uint64_t l4;
    long rc = gk_table_alloc(&l4);

    if (rc)
        return rc;
    /* Pinning validates the L4 (the hypervisor fills its own slots) and keeps it an L4 while
     * entries come and go, even when no vCPU uses it. */
    rc = gk_pin(l4, 4);
    if (rc) {
        gk_table_free(l4);
        return rc;
    }
    *s = (struct gk_space){.l4_mfn = l4};
    return 0;
}

long gk_space_borrow(struct gk_space *s, const struct gk_space *from, unsigned int first,
                     unsigned int last)
{
    const volatile uint64_t *src = gk_mfn_to_virt(from->l4_mfn);
    struct gk_mmu_batch b;

    if (!src || first > last || last > 511)
        return -PV_EINVAL;
    gk_mmu_batch_init(&b);
    for (unsigned int slot = first; slot <= last; slot++) {
        if (!gk_pt_guest_slot(slot) || !(src[slot] & GK_PTE_P))
            continue; /* the hypervisor's slots are filled in every L4 already */
        s->borrowed[slot / 64] |= 1ULL << (slot % 64);
        gk_mmu_batch_add(&b, (s->l4_mfn << 12) + slot * 8, src[slot]);
    }
    return gk_mmu_batch_flush(&b);
}

long gk_space_activate(struct gk_space *s)
{
    long rc = gk_mmuext1(PV_MMUEXT_NEW_BASEPTR, s->l4_mfn, 0);

    if (!rc)
        gk_set_kernel_space(s);
    return rc;
}

/* After the hypervisor dropped the tree: free the level-`level` table at mfn and the tables
 * below it, children first (their entries are read through the 1:1 mapping). */
static long free_subtree(uint64_t mfn, unsigned int level)
{
    const volatile uint64_t *t = gk_mfn_to_virt(mfn);
    long rc = 0, r;

    for (unsigned int i = 0; level > 1 && i < 512; i++) {
        if ((t[i] & GK_PTE_P) && (r = free_subtree(gk_pte_mfn(t[i]), level - 1)) && !rc)
            rc = r;
    }
    r = gk_page_in_pool(gk_mfn_to_pfn(mfn)) ? gk_table_free(mfn) : 0;
    return rc ? rc : r;
}

long gk_space_destroy(struct gk_space *s)
{
    const volatile uint64_t *l4 = gk_mfn_to_virt(s->l4_mfn);
    long rc, r;

    if (s == kernel_space || s->l4_mfn == gk_user_root())
        return -PV_EBUSY;
    /* The pin was the last reference: unpinning releases every table of the tree. */
    rc = gk_unpin(s->l4_mfn);
    if (rc)
        return rc;
    for (unsigned int slot = 0; slot < 512; slot++) {
        bool borrowed = (s->borrowed[slot / 64] >> (slot % 64)) & 1;

        if (!gk_pt_guest_slot(slot) || borrowed || !(l4[slot] & GK_PTE_P))
            continue;
        if ((r = free_subtree(gk_pte_mfn(l4[slot]), 3)) && !rc)
            rc = r;
    }
    r = gk_table_free(s->l4_mfn);
    return rc ? rc : r;
}

/* Map pfns [first, end) at their 1:1 addresses, creating L1 tables as needed (each from pages
 * mapped before it), the entries of each 2 MiB in batches, as Mini-OS's build_pagetable. */
static long extend_direct_map(uint64_t first, uint64_t end)
{
    struct gk_mmu_batch b;
    long rc = 0;

    gk_mmu_batch_init(&b);
    for (uint64_t pfn = first; pfn < end && !rc; pfn++) {
        uint64_t va = GK_VIRT_BASE + pfn * GK_PAGE_SIZE, mfn = gk_pfn_to_mfn(pfn);

        if (pfn == first || !(pfn & 511)) {
            if ((rc = gk_mmu_batch_flush(&b)))
                break;
            gk_mm_grow(pfn); /* what is mapped so far may hold the next tables */
            rc = gk_pt_prepare(kernel_space, va);
        }
        if (!rc && mfn != GK_INVALID_FRAME && !(gk_pt_lookup(kernel_space, va) & GK_PTE_P))
            rc = gk_mmu_batch_add(&b, gk_pte_maddr(kernel_space, va),
                                  gk_pte(mfn, GK_PAGE_KERNEL | gk_pte_nx()));
    }
    if (!rc && !(rc = gk_mmu_batch_flush(&b)))
        gk_mm_grow(end);
    return rc;
}

/* Boot: the kernel runs on the builder's tables; map the pages after the initial mapping 1:1
 * (the kit's image asks for no unmapped initrd or relocated p2m, so they are all free). */
void gk_pt_init(void)
{
    uint64_t end = gk_nr_pages() < MAX_DIRECT_PAGES ? gk_nr_pages() : MAX_DIRECT_PAGES;
    long rc;

    boot_space.l4_mfn = gk_virt_to_mfn((const void *)(uintptr_t)gk_start_info->pt_base);
    if (gk_direct_pages() >= end)
        return;
    rc = extend_direct_map(gk_direct_pages(), end);
    if (rc)
        gk_printf("guest-kit: mapping memory 1:1 beyond pfn %#lx failed: %ld\n", gk_direct_pages(),
                  rc);
}
