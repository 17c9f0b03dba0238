/* Log-dirty mode (logdirty.h): the bitmap, the marks, and the harvest of the guest's dirty bits
 * from its L1 tables. After Xen 4.17's arch/x86/mm/paging.c (bitmap by pfn, counts, CLEAN and
 * PEEK), with the dirty bit in place of shadow write faults. Locks: d->mm_lock (page tables)
 * before d->logdirty_lock, which is taken last and held only here. */
#include "logdirty.h"
#include "frame.h"
#include "lib.h"
#include "mm.h"
#include "paging.h"
#include "pv-abi/errno.h"

#define LEAF_BITS (PAGE_SIZE * 8) /* pfns one bitmap page covers */
#define MAX_LEAVES 512            /* pages of the bitmap: 16 Mi pfns (64 GiB) */

unsigned logdirty_domains;

/* Set pfn's bit (d->logdirty_lock held). A pfn past the bitmap is lost: noted, CLEAN fails. */
static void mark_locked(struct domain *d, uint64_t pfn)
{
    uint64_t *word, bit = 1UL << (pfn % 64);

    if (!d->logdirty_leaf || (pfn >> 63)) /* top bit: no pfn (Xen's VALID_M2P) */
        return;
    if (pfn >= d->logdirty_pfns) {
        d->logdirty_missed = true;
        return;
    }
    word = &d->logdirty_leaf[pfn / LEAF_BITS][pfn % LEAF_BITS / 64];
    if (!(*word & bit)) {
        *word |= bit;
        d->logdirty_count++;
    }
}

void logdirty_mark_slow(uint64_t mfn)
{
    struct domain *d = frame_owner(mfn);

    if (!d)
        return;
    spin_lock(&d->logdirty_lock);
    mark_locked(d, m2p_get(mfn));
    spin_unlock(&d->logdirty_lock);
}

static bool owns(const struct domain *d, uint64_t mfn)
{
    const struct page_info *pg = frame_info(mfn);

    return pg && pg->owner == d->domid;
}

/* The bitmap covers max_pages and every pfn the M2P gives d's frames, in whole pages. */
static unsigned leaves_needed(const struct domain *d)
{
    uint64_t pfns = d->max_pages;

    for (uint64_t mfn = 0; mfn < frame_nr; mfn++) {
        uint64_t pfn = owns(d, mfn) ? m2p_get(mfn) : ~0UL;

        if (pfn < (uint64_t)MAX_LEAVES * LEAF_BITS && pfn >= pfns)
            pfns = pfn + 1;
    }
    return (unsigned)MAX(1, MIN((pfns + LEAF_BITS - 1) / LEAF_BITS, MAX_LEAVES));
}

static void free_leaves(uint64_t **leaf)
{
    for (unsigned i = 0; i < MAX_LEAVES && leaf[i]; i++)
        frame_free(virt_to_mfn(leaf[i]));
    frame_free(virt_to_mfn(leaf));
}

static uint64_t **alloc_leaves(unsigned n)
{
    uint64_t mfn = frame_alloc(), **leaf;

    if (mfn == FRAME_NONE)
        return NULL;
    leaf = mfn_to_virt(mfn);
    memset(leaf, 0, PAGE_SIZE);
    for (unsigned i = 0; i < n; i++) {
        if ((mfn = frame_alloc()) == FRAME_NONE) {
            free_leaves(leaf);
            return NULL;
        }
        leaf[i] = mfn_to_virt(mfn);
        memset(leaf[i], 0, PAGE_SIZE);
    }
    return leaf;
}

long logdirty_enable(struct domain *d)
{
    unsigned n;
    uint64_t **leaf;

    if (__atomic_load_n(&d->logdirty_leaf, __ATOMIC_ACQUIRE))
        return -PV_EINVAL;
    n = leaves_needed(d);
    if (!(leaf = alloc_leaves(n)))
        return -PV_ENOMEM;
    spin_lock(&d->logdirty_lock);
    if (d->logdirty_leaf) { /* (another caller, were domctls not serialised) */
        spin_unlock(&d->logdirty_lock);
        free_leaves(leaf);
        return -PV_EINVAL;
    }
    d->logdirty_pfns = (uint64_t)n * LEAF_BITS;
    d->logdirty_count = 0;
    d->logdirty_missed = false;
    __atomic_store_n(&d->logdirty_leaf, leaf, __ATOMIC_RELEASE);
    __atomic_add_fetch(&logdirty_domains, 1, __ATOMIC_SEQ_CST);
    spin_unlock(&d->logdirty_lock);
    return 0;
}

void logdirty_disable(struct domain *d)
{
    uint64_t **leaf;

    spin_lock(&d->logdirty_lock);
    leaf = d->logdirty_leaf;
    d->logdirty_leaf = NULL;
    d->logdirty_pfns = 0;
    if (leaf)
        __atomic_sub_fetch(&logdirty_domains, 1, __ATOMIC_SEQ_CST);
    spin_unlock(&d->logdirty_lock);
    if (leaf)
        free_leaves(leaf);
}

/* One validated L1 of d: every present entry with the dirty bit maps a frame written through
 * it (since the bit was last cleared); CLEAN clears it on kernel entries. */
static void harvest_l1(struct domain *d, uint64_t l1_mfn, bool clean)
{
    uint64_t *t = mm_frame_ptr(l1_mfn);

    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = t[i], mfn = (e & PTE_ADDR) >> PAGE_SHIFT;

        if ((e & (PTE_P | PTE_D)) != (PTE_P | PTE_D) || (e & PTE_GNTTAB) || !owns(d, mfn))
            continue;
        mark_locked(d, m2p_get(mfn));
        if (clean && (e & PTE_GUEST_KERNEL))
            __atomic_fetch_and(&t[i], ~PTE_D, __ATOMIC_RELAXED);
    }
}

/* d paused, both locks held: page-table and descriptor frames in use (the CPU writes them), and
 * what the guest's L1 entries say it wrote. A cleared dirty bit takes effect at the vCPUs' next
 * page-table load (they are all off their CPUs now). */
static void harvest(struct domain *d, bool clean)
{
    for (uint64_t mfn = 0; mfn < frame_nr; mfn++) {
        const struct page_info *pg = frame_info(mfn);
        uint32_t type = pg->type_info & PGT_type_mask;

        if (pg->owner != d->domid || !(pg->type_info & PGT_count_mask) ||
            type == PGT_writable || type == PGT_none)
            continue;
        mark_locked(d, m2p_get(mfn));
        if (type == PGT_l1 && (pg->type_info & PGT_validated))
            harvest_l1(d, mfn, clean);
    }
}

/* sc->pages bits of the bitmap (at most those it covers) to the sink; CLEAN zeroes what it gave.
 * Xen copies whole bytes: the last one may carry bits past sc->pages. */
static long copy_out(struct domain *d, bool clean, struct pv_domctl_shadow_op *sc,
                     logdirty_sink sink, void *arg)
{
    uint64_t pages = MIN(sc->pages, d->logdirty_pfns), done = 0;

    for (unsigned i = 0; done < pages; i++, done += LEAF_BITS) {
        uint64_t bytes = MIN(PAGE_SIZE, (pages - done + 7) / 8);

        if (sc->dirty_bitmap && sink(arg, done / 8, d->logdirty_leaf[i], bytes))
            return -PV_EFAULT;
        if (clean)
            memset(d->logdirty_leaf[i], 0, PAGE_SIZE);
    }
    sc->pages = pages;
    return 0;
}

long logdirty_read(struct domain *d, bool clean, struct pv_domctl_shadow_op *sc,
                   logdirty_sink sink, void *arg)
{
    long rc = 0;

    spin_lock(&d->mm_lock);
    spin_lock(&d->logdirty_lock);
    if (d->logdirty_leaf)
        harvest(d, clean);
    sc->stats.fault_count = 0;
    sc->stats.dirty_count = d->logdirty_count;
    if (d->logdirty_missed)
        rc = -PV_ENOMEM;
    else if (!d->logdirty_leaf)
        sc->pages = 0;
    else if (!(rc = copy_out(d, clean, sc, sink, arg)) && clean)
        d->logdirty_count = 0;
    spin_unlock(&d->logdirty_lock);
    spin_unlock(&d->mm_lock);
    return rc;
}
