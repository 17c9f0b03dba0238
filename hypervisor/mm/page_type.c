/* General and type references on machine frames: a frame changes type only when its type count is
 * 0, the first page-table or descriptor reference validates it, the last page-table reference
 * releases what its entries hold (Xen's get_page/put_page, _get_page_type/_put_page_type). */
#include "console.h"
#include "pv-abi/errno.h"
#include "mm.h"

static bool is_table_type(uint32_t type)
{
    return type >= PGT_l1 && type <= PGT_l4;
}

static unsigned type_level(uint32_t type)
{
    return type >> 28;
}

bool mm_ref_get(uint64_t mfn, uint16_t owner)
{
    struct page_info *pg = frame_info(mfn);

    if (!pg || pg->owner != owner || pg->count == UINT32_MAX)
        return false;
    pg->count++;
    return true;
}

int mm_get_page(uint64_t mfn, const struct domain *d)
{
    return mm_ref_get(mfn, d->domid) ? 0 : -PV_EINVAL;
}

void mm_put_page(uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);

    BUG_ON(!pg || !pg->count);
    pg->count--;
}

/* Check the contents of a frame that just took a page-table or descriptor type. */
static int validate(uint64_t mfn, uint32_t type)
{
    if (type == PGT_seg_desc)
        return mm_validate_seg_desc(mfn);
    return mm_validate_table(mfn, type_level(type));
}

/* The first type reference: the frame may change type, and is validated unless it still holds a
 * validated writable or descriptor type from earlier. */
static int get_first_type(uint64_t mfn, struct page_info *pg, uint32_t type)
{
    uint32_t info = pg->type_info;
    int rc;

    if ((info & PGT_type_mask) != type) {
        /* The frame may still be reachable through translations made for its old use (a
         * writable mapping, or walks through it as a table): none may survive the change. */
        if ((info & PGT_type_mask) != PGT_none)
            mm_flush_tlb(pg->owner);
        info = type | (type == PGT_writable ? PGT_validated : 0);
    }
    pg->type_info = info + 1;
    if (info & PGT_validated)
        return 0;
    /* The count stays 1 and PGT_validated clear while the entries are checked: any other
     * reference of this type taken meanwhile (a table reaching itself) is refused. */
    pg->linear = 0;
    rc = validate(mfn, type);
    if (rc) {
        pg->type_info = PGT_none; /* every reference the entries took has been dropped */
        return rc;
    }
    pg->type_info |= PGT_validated;
    return 0;
}

int mm_get_page_type(uint64_t mfn, uint32_t type)
{
    struct page_info *pg = frame_info(mfn);
    uint32_t info;

    BUG_ON(!pg || !pg->count);
    BUG_ON(type != PGT_writable && type != PGT_seg_desc && !is_table_type(type));
    info = pg->type_info;
    if ((info & PGT_count_mask) == PGT_count_mask)
        return -PV_EINVAL; /* the type count would overflow */
    if (!(info & PGT_count_mask))
        return get_first_type(mfn, pg, type);
    if ((info & PGT_type_mask) != type || !(info & PGT_validated))
        return -PV_EINVAL; /* in use as something else, or being validated further up */
    pg->type_info = info + 1;
    return 0;
}

void mm_put_page_type(uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);
    uint32_t info;

    BUG_ON(!pg || !(pg->type_info & PGT_count_mask));
    info = pg->type_info;
    if ((info & PGT_count_mask) == 1) {
        /* A pin holds a type reference: the last one cannot go while the frame is pinned. */
        BUG_ON(info & PGT_pinned);
        if (is_table_type(info & PGT_type_mask) && (info & PGT_validated)) {
            pg->type_info = info & ~PGT_validated;
            mm_release_table(mfn, type_level(info & PGT_type_mask));
            /* Linear uses hold type references, and every linear entry was just dropped. */
            BUG_ON(pg->linear);
            info &= ~PGT_validated; /* the type stays until the next first reference */
        }
    }
    pg->type_info = info - 1;
}

void mm_put_page_type_from(uint64_t mfn, uint64_t table_mfn)
{
    struct page_info *pg = frame_info(mfn), *table = frame_info(table_mfn);

    BUG_ON(!pg || !table);
    if ((pg->type_info & PGT_type_mask) == (table->type_info & PGT_type_mask)) {
        /* A linear entry: it counted on both sides. */
        BUG_ON(pg->linear >= 0 || table->linear <= 0);
        pg->linear++;
        table->linear--;
    }
    mm_put_page_type(mfn);
}

int mm_get_page_and_type(uint64_t mfn, const struct domain *d, uint32_t type)
{
    int rc;

    if (mm_get_page(mfn, d))
        return -PV_EINVAL;
    rc = mm_get_page_type(mfn, type);
    if (rc)
        mm_put_page(mfn);
    return rc;
}

void mm_put_page_and_type(uint64_t mfn)
{
    mm_put_page_type(mfn);
    mm_put_page(mfn);
}

int mm_get_grant_ref(uint64_t mfn, const struct domain *d, bool writable)
{
    struct page_info *pg = frame_info(mfn);

    if (!pg || pg->grant_refs == UINT16_MAX || !mm_ref_get(mfn, d->domid))
        return -PV_EINVAL;
    if (writable && mm_get_page_type(mfn, PGT_writable)) {
        mm_put_page(mfn);
        return -PV_EBUSY;
    }
    pg->grant_refs++;
    pg->grant_rw += writable;
    return 0;
}

void mm_put_grant_ref(uint64_t mfn, bool writable)
{
    struct page_info *pg = frame_info(mfn);

    BUG_ON(!pg || !pg->grant_refs || (writable && !pg->grant_rw));
    pg->grant_refs--;
    if (writable) {
        pg->grant_rw--;
        mm_put_page_type(mfn);
    }
    mm_put_page(mfn);
}

void mm_share_frame(struct domain *d, uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);

    BUG_ON(!pg || pg->owner != DOMID_HV || pg->count || (pg->type_info & PGT_count_mask));
    pg->owner = d->domid;
    pg->count = 1;
    pg->type_info = PGT_writable | PGT_validated | 1;
}

void mm_unshare_frame(struct domain *d, uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);

    /* Only the hypervisor's own references may be left once the page tables are gone. */
    BUG_ON(!pg || pg->owner != d->domid || pg->count != 1 ||
           pg->type_info != (PGT_writable | PGT_validated | 1));
    pg->owner = DOMID_HV;
    pg->count = 0;
    pg->type_info = PGT_none;
}
