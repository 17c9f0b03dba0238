/* The frame table and the free pool of machine frames (a doubly linked list, so that a run of
 * frames below an address can be taken out of it), with per-domain ownership lists. A frame
 * leaves the pool only after every CPU that may still translate to it has flushed (after Xen's
 * tlbflush_timestamp and the tlbflush_filter in alloc_heap_pages). */
#include "frame.h"
#include "domain.h"
#include "mm.h"
#include "spinlock.h"

static spinlock_t lock = SPINLOCK_INIT; /* the free list and ownership lists */
struct page_info *frame_tab;            /* frame.h: frame_info */
uint64_t frame_nr;
static uint64_t free_head = FRAME_NONE, free_count;
static struct domain *owners[MAX_DOMAINS]; /* [lock] the domain record of each owner id */

void frame_init(struct page_info *t, uint64_t n)
{
    frame_tab = t;
    frame_nr = n;
    free_head = FRAME_NONE;
    free_count = 0;
    for (uint64_t i = 0; i < n; i++)
        frame_tab[i] =
            (struct page_info){.next = FRAME_NONE, .prev = FRAME_NONE, .owner = DOMID_HV};
}

uint64_t frame_free_count(void)
{
    return free_count;
}

/* stamp: a tick of the TLB flush clock taken after the frame's last mapping went (0: never
 * mapped). A CPU may still hold a translation nobody flushed, of any domain's making: the
 * mapping's owner may have cleared it without a flush, or the frame's owner died. */
static void free_locked(uint64_t mfn, uint64_t stamp)
{
    struct page_info *pg = frame_info(mfn);

    if (!pg || pg->owner != DOMID_HV)
        return; /* never free a frame twice or one a domain still owns */
    *pg = (struct page_info){
        .next = free_head, .prev = FRAME_NONE, .owner = DOMID_FREE, .tlb_stamp = stamp};
    if (free_head != FRAME_NONE)
        frame_tab[free_head].prev = mfn;
    free_head = mfn;
    free_count++;
}

/* Boot only, before anything else runs: no lock. */
void frame_add_free(uint64_t first, uint64_t count)
{
    /* Added from the top down so that allocation hands out low frames first. */
    for (uint64_t i = count; i-- > 0;)
        if (first + i < frame_nr)
            free_locked(first + i, 0);
}

void frame_free(uint64_t mfn)
{
    uint64_t stamp = mm_tlb_stamp();

    spin_lock(&lock);
    free_locked(mfn, stamp);
    spin_unlock(&lock);
}

/* Take a free frame out of the pool: it becomes the hypervisor's. Returns its free stamp. */
static uint64_t take_locked(uint64_t mfn)
{
    struct page_info *pg = &frame_tab[mfn];
    uint64_t stamp = pg->tlb_stamp;

    if (pg->prev != FRAME_NONE)
        frame_tab[pg->prev].next = pg->next;
    else
        free_head = pg->next;
    if (pg->next != FRAME_NONE)
        frame_tab[pg->next].prev = pg->prev;
    free_count--;
    *pg = (struct page_info){.next = FRAME_NONE, .prev = FRAME_NONE, .owner = DOMID_HV};
    return stamp;
}

/* Every CPU that has not flushed since the newest stamp of the frames taken, once per call and
 * after the lock (a CPU we wait for may be spinning on it, serving requests). */
static uint64_t flushed(uint64_t mfn, uint64_t stamp)
{
    if (stamp)
        mm_flush_tlb_since(DOMID_FREE, stamp);
    return mfn;
}

uint64_t frame_alloc(void)
{
    uint64_t mfn, stamp = 0;

    spin_lock(&lock);
    mfn = free_head;
    if (mfn != FRAME_NONE)
        stamp = take_locked(mfn);
    spin_unlock(&lock);
    return flushed(mfn, stamp);
}

/* First fit from the bottom, skipping past each frame in use. */
uint64_t frame_alloc_run(unsigned order, uint64_t limit)
{
    uint64_t n = 1ULL << order, end = MIN(limit, frame_nr), mfn = FRAME_NONE, stamp = 0;

    spin_lock(&lock);
    for (uint64_t first = 0, i = 0; first + n <= end; i = first) {
        while (i < first + n && frame_tab[i].owner == DOMID_FREE)
            i++;
        if (i == first + n) {
            mfn = first;
            break;
        }
        first = ALIGN_UP(i + 1, n);
    }
    for (uint64_t i = 0, t; mfn != FRAME_NONE && i < n; i++)
        stamp = (t = take_locked(mfn + i)) > stamp ? t : stamp; /* MAX would take it twice */
    spin_unlock(&lock);
    return flushed(mfn, stamp);
}

void frame_assign(struct domain *d, uint64_t mfn)
{
    struct page_info *pg = &frame_tab[mfn];

    spin_lock(&lock);
    if (d->domid < MAX_DOMAINS)
        owners[d->domid] = d;
    pg->owner = d->domid;
    pg->prev = FRAME_NONE;
    pg->next = d->first_page;
    if (d->first_page != FRAME_NONE)
        frame_tab[d->first_page].prev = mfn;
    d->first_page = mfn;
    d->tot_pages++;
    spin_unlock(&lock);
}

static bool on_list_locked(const struct domain *d, uint64_t mfn)
{
    return frame_tab[mfn].owner == d->domid &&
           (frame_tab[mfn].prev != FRAME_NONE || d->first_page == mfn);
}

/* Take a frame off its owner's list and give it back to the pool. */
static void release_locked(struct domain *d, uint64_t mfn, uint64_t stamp)
{
    struct page_info *pg = &frame_tab[mfn];

    if (pg->prev != FRAME_NONE)
        frame_tab[pg->prev].next = pg->next;
    else
        d->first_page = pg->next;
    if (pg->next != FRAME_NONE)
        frame_tab[pg->next].prev = pg->prev;
    d->tot_pages--;
    pg->owner = DOMID_HV;
    free_locked(mfn, stamp);
}

/* A frame something still references stays on the list (grant mappings by other domains). */
void frame_release_all(struct domain *d)
{
    uint64_t stamp = mm_tlb_stamp(); /* one for all: d's mappings are gone */

    spin_lock(&lock);
    for (uint64_t mfn = d->first_page, next; mfn != FRAME_NONE; mfn = next) {
        next = frame_tab[mfn].next;
        if (!frame_tab[mfn].count)
            release_locked(d, mfn, stamp);
    }
    spin_unlock(&lock);
}

void frame_release_one(struct domain *d, uint64_t mfn)
{
    spin_lock(&lock);
    if (mfn < frame_nr && on_list_locked(d, mfn) && !frame_tab[mfn].count)
        release_locked(d, mfn, mm_tlb_stamp());
    spin_unlock(&lock);
}

bool frame_owned_by(const struct domain *d, uint64_t mfn)
{
    return mfn < frame_nr && frame_tab[mfn].owner == d->domid;
}

void frame_note_owner(struct domain *d)
{
    spin_lock(&lock);
    if (d->domid < MAX_DOMAINS)
        owners[d->domid] = d;
    spin_unlock(&lock);
}

struct domain *frame_domain(uint16_t domid)
{
    struct domain *d = NULL;

    spin_lock(&lock);
    if (domid < MAX_DOMAINS)
        d = owners[domid];
    spin_unlock(&lock);
    return d;
}

struct domain *frame_owner(uint64_t mfn)
{
    struct domain *d = NULL;

    if (mfn >= frame_nr)
        return NULL;
    spin_lock(&lock);
    if (frame_tab[mfn].owner < MAX_DOMAINS)
        d = owners[frame_tab[mfn].owner];
    spin_unlock(&lock);
    return d;
}

bool frame_in_memory_of(const struct domain *d, uint64_t mfn)
{
    bool in;

    if (mfn >= frame_nr)
        return false;
    spin_lock(&lock);
    in = on_list_locked(d, mfn);
    spin_unlock(&lock);
    return in;
}
