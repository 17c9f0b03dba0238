/* guest-kit: grant tables, version 1 (gk/gnttab.h, docs/porting/grants.md). */
#include "gk/gnttab.h"
#include "gk/time.h"

#include "internal.h"

static volatile struct pv_grant_entry_v1 *table = (volatile struct pv_grant_entry_v1 *)GK_GNTTAB_VA;
static uint64_t frame_mfn[GK_GNTTAB_MAX_FRAMES];
static unsigned int nr_frames, max_frames;
/* References the kit has handed out or that were granted through it, and not yet ended. */
static uint64_t ref_used[GK_GNTTAB_MAX_FRAMES * GK_GNTTAB_PER_FRAME / 64];

long gk_gnttab_init(unsigned int want)
{
    struct pv_gnttab_query_size qs = {.dom = PV_DOMID_SELF};
    struct pv_gnttab_setup_table st = {.dom = PV_DOMID_SELF};
    uint64_t frames[GK_GNTTAB_MAX_FRAMES];
    struct gk_space *k = gk_kernel_space();
    long rc;

    rc = gk_hypercall_grant_table_op(PV_GNTTABOP_query_size, &qs, 1);
    if (rc)
        return rc;
    if (qs.status != PV_GNTST_okay) {
        gk_printf("guest-kit: GNTTABOP_query_size: %s\n", gk_gntst_name(qs.status));
        return -PV_EIO;
    }
    max_frames = qs.max_nr_frames < GK_GNTTAB_MAX_FRAMES ? qs.max_nr_frames : GK_GNTTAB_MAX_FRAMES;
    if (want > max_frames)
        want = max_frames;
    if (want < qs.nr_frames)
        want = qs.nr_frames < max_frames ? qs.nr_frames : max_frames;
    if (want == 0)
        want = 1;
    if (want <= nr_frames)
        return 0;

    /* The hypervisor grows the table (all or nothing) and names every frame; they are machine
     * frames the domain does not own, mapped like shared_info. */
    st.nr_frames = want;
    st.frame_list = (uint64_t)(uintptr_t)frames;
    rc = gk_hypercall_grant_table_op(PV_GNTTABOP_setup_table, &st, 1);
    if (rc)
        return rc;
    if (st.status != PV_GNTST_okay) {
        gk_printf("guest-kit: GNTTABOP_setup_table(%u): %s\n", want, gk_gntst_name(st.status));
        return -PV_EIO;
    }
    for (unsigned int i = nr_frames; i < want; i++) {
        rc = gk_map(k, GK_GNTTAB_VA + i * 4096ULL, frames[i], GK_PAGE_KERNEL | gk_pte_nx());
        if (rc)
            return rc;
        frame_mfn[i] = frames[i];
        nr_frames = i + 1;
    }
    return 0;
}

unsigned int gk_gnttab_nr_frames(void)
{
    return nr_frames;
}

unsigned int gk_gnttab_max_frames(void)
{
    return max_frames;
}

unsigned int gk_gnttab_nr_entries(void)
{
    return nr_frames * GK_GNTTAB_PER_FRAME;
}

uint64_t gk_gnttab_frame_mfn(unsigned int i)
{
    return i < nr_frames ? frame_mfn[i] : GK_INVALID_FRAME;
}

volatile struct pv_grant_entry_v1 *gk_gnttab_entry(pv_grant_ref_t ref)
{
    return ref < gk_gnttab_nr_entries() ? &table[ref] : NULL;
}

uint16_t gk_gnttab_flags(pv_grant_ref_t ref)
{
    if (ref >= gk_gnttab_nr_entries())
        return 0xffff;
    return __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);
}

static void ref_mark(pv_grant_ref_t ref, bool used)
{
    if (used)
        ref_used[ref / 64] |= 1ULL << (ref % 64);
    else
        ref_used[ref / 64] &= ~(1ULL << (ref % 64));
}

long gk_gnttab_grant_ref(pv_grant_ref_t ref, pv_domid_t domid, uint64_t mfn, bool readonly)
{
    volatile struct pv_grant_entry_v1 *e = gk_gnttab_entry(ref);

    if (!e || ref < PV_GNTTAB_NR_RESERVED_ENTRIES)
        return -PV_EINVAL;
    if (__atomic_load_n(&e->flags, __ATOMIC_ACQUIRE) != PV_GTF_invalid)
        return -PV_EBUSY;
    /* Who and what first; the flags make the entry live, so they are written last, after a
     * write barrier (on x86 stores are not reordered with stores: the barrier keeps the
     * compiler from doing it). A hypervisor on another CPU that sees the flags sees the rest. */
    e->domid = domid;
    e->frame = (uint32_t)mfn;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&e->flags, (uint16_t)(PV_GTF_permit_access | (readonly ? PV_GTF_readonly : 0)),
                     __ATOMIC_RELEASE);
    ref_mark(ref, true);
    return 0;
}

long gk_gnttab_grant(pv_domid_t domid, uint64_t mfn, bool readonly)
{
    unsigned int n = gk_gnttab_nr_entries();

    for (pv_grant_ref_t ref = PV_GNTTAB_NR_RESERVED_ENTRIES; ref < n; ref++) {
        if (ref_used[ref / 64] & (1ULL << (ref % 64)))
            continue;
        if (gk_gnttab_grant_ref(ref, domid, mfn, readonly) == 0)
            return ref;
    }
    return -PV_ENOSPC;
}

long gk_gnttab_end(pv_grant_ref_t ref)
{
    volatile struct pv_grant_entry_v1 *e = gk_gnttab_entry(ref);
    /* (flags, domid) as one 32-bit word: flags in the low half. */
    volatile uint32_t *word = (volatile uint32_t *)e;
    uint32_t old;

    if (!e)
        return -PV_EINVAL;
    old = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    for (;;) {
        if ((old & PV_GTF_type_mask) != PV_GTF_permit_access)
            return -PV_EINVAL;
        if (old & (PV_GTF_reading | PV_GTF_writing))
            return -PV_EBUSY;
        /* Fails if the hypervisor set reading/writing meanwhile: look again. */
        if (__atomic_compare_exchange_n(word, &old, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE))
            break;
    }
    ref_mark(ref, false);
    return 0;
}

long gk_gnttab_end_wait(pv_grant_ref_t ref, unsigned int ms)
{
    long rc = gk_gnttab_end(ref);

    for (unsigned int i = 0; rc == -PV_EBUSY && i < ms; i++) {
        gk_sleep_ns(GK_NS_PER_MS);
        rc = gk_gnttab_end(ref);
    }
    return rc;
}

long gk_gnttab_map(pv_domid_t dom, pv_grant_ref_t ref, uint64_t va, unsigned int flags,
                   struct gk_gnttab_map *m)
{
    struct pv_gnttab_map_grant_ref op = {.ref = ref, .dom = dom, .flags = PV_GNTMAP_host_map};
    uint64_t pte, old;
    long rc;

    m->status = PV_GNTST_general_error;
    if (va & 4095)
        return -PV_EINVAL;
    rc = gk_pt_prepare_pte(gk_kernel_space(), va, &pte, &old);
    if (rc)
        return rc;
    if (flags & GK_GNTMAP_READONLY)
        op.flags |= PV_GNTMAP_readonly;
    op.host_addr = va;
    if (flags & GK_GNTMAP_PTE) {
        op.flags |= PV_GNTMAP_contains_pte;
        op.host_addr = pte;
    }
    rc = gk_hypercall_grant_table_op(PV_GNTTABOP_map_grant_ref, &op, 1);
    if (rc)
        return rc;
    m->status = op.status;
    if (op.status != PV_GNTST_okay)
        return 0;
    m->va = va;
    m->host_addr = op.host_addr;
    m->handle = op.handle;
    m->dev_bus_addr = op.dev_bus_addr;
    /* Either way the hypervisor writes the entry as Xen does, without touching the TLB. A CPU
     * caches no translation through a not-present entry (Intel SDM vol. 3A, 4.10.4.3: a change
     * of P from 0 to 1 needs no invalidation), so only a present entry replaced needs the
     * invlpg, as Linux's gntdev and xenbus, which map over empty entries, never do one. */
    if (old & GK_PTE_P)
        gk_invlpg(va);
    return 0;
}

long gk_gnttab_unmap(struct gk_gnttab_map *m)
{
    struct pv_gnttab_unmap_grant_ref op = {.host_addr = m->host_addr, .handle = m->handle};
    long rc;

    rc = gk_hypercall_grant_table_op(PV_GNTTABOP_unmap_grant_ref, &op, 1);
    if (rc)
        return rc;
    m->status = op.status;
    return 0;
}

long gk_gnttab_copy(struct pv_gnttab_copy *ops, unsigned int count)
{
    return gk_hypercall_grant_table_op(PV_GNTTABOP_copy, ops, count);
}

struct pv_gnttab_copy_ptr gk_gnttab_copy_gref(pv_domid_t dom, pv_grant_ref_t ref, uint16_t offset)
{
    struct pv_gnttab_copy_ptr p = {.domid = dom, .offset = offset};

    p.u.ref = ref;
    return p;
}

struct pv_gnttab_copy_ptr gk_gnttab_copy_local(const void *va)
{
    struct pv_gnttab_copy_ptr p = {.domid = PV_DOMID_SELF,
                                   .offset = (uint16_t)((uintptr_t)va & 4095)};

    p.u.gmfn = gk_virt_to_mfn(va);
    return p;
}

void gk_gnttab_copy_batch_init(struct gk_gnttab_copy_batch *b)
{
    b->n = b->flushed = 0;
    b->done = b->failed = 0;
    b->first_status = PV_GNTST_okay;
    b->rc = 0;
}

long gk_gnttab_copy_batch_flush(struct gk_gnttab_copy_batch *b)
{
    long rc;

    b->flushed = 0;
    if (b->n == 0 || b->rc)
        return b->rc;
    rc = gk_gnttab_copy(b->op, b->n);
    if (rc) {
        b->rc = rc;
        b->n = 0;
        return rc;
    }
    for (unsigned int i = 0; i < b->n; i++) {
        if (b->op[i].status == PV_GNTST_okay) {
            b->done++;
        } else {
            b->failed++;
            if (b->first_status == PV_GNTST_okay)
                b->first_status = b->op[i].status;
        }
    }
    b->flushed = b->n;
    b->n = 0;
    return 0;
}

/* The local address a gk_gnttab_copy_local side stands for, or NULL if it is not mapped 1:1. */
static uint8_t *local_va(struct pv_gnttab_copy_ptr p)
{
    uint8_t *page = gk_mfn_to_virt(p.u.gmfn);

    return page ? page + p.offset : NULL;
}

long gk_gnttab_copy_batch_add(struct gk_gnttab_copy_batch *b, struct pv_gnttab_copy_ptr src,
                              bool src_gref, struct pv_gnttab_copy_ptr dst, bool dst_gref,
                              uint16_t len)
{
    while (!b->rc) {
        uint16_t n = len;
        struct pv_gnttab_copy *op;

        /* A local side ends at its page: the rest goes in the next operation, from the next
         * page of the 1:1 mapping (whose frame may be anywhere). */
        if (!src_gref && src.offset + n > 4096)
            n = (uint16_t)(4096 - src.offset);
        if (!dst_gref && dst.offset + n > 4096)
            n = (uint16_t)(4096 - dst.offset);
        if (b->n == GK_GNTTAB_COPY_BATCH && gk_gnttab_copy_batch_flush(b))
            break;
        op = &b->op[b->n++];
        *op = (struct pv_gnttab_copy){.source = src, .dest = dst, .len = n};
        op->flags = (uint16_t)((src_gref ? PV_GNTCOPY_source_gref : 0) |
                               (dst_gref ? PV_GNTCOPY_dest_gref : 0));
        len = (uint16_t)(len - n);
        if (len == 0)
            break;
        if (src_gref) {
            src.offset = (uint16_t)(src.offset + n);
        } else {
            uint8_t *v = local_va(src);

            if (!v)
                return b->rc = -PV_EINVAL;
            src = gk_gnttab_copy_local(v + n);
        }
        if (dst_gref) {
            dst.offset = (uint16_t)(dst.offset + n);
        } else {
            uint8_t *v = local_va(dst);

            if (!v)
                return b->rc = -PV_EINVAL;
            dst = gk_gnttab_copy_local(v + n);
        }
    }
    return b->rc;
}

static int copy_one(struct pv_gnttab_copy_ptr src, bool src_gref, struct pv_gnttab_copy_ptr dst,
                    bool dst_gref, uint16_t len)
{
    struct gk_gnttab_copy_batch b;

    gk_gnttab_copy_batch_init(&b);
    gk_gnttab_copy_batch_add(&b, src, src_gref, dst, dst_gref, len);
    gk_gnttab_copy_batch_flush(&b);
    if (b.rc) {
        gk_printf("guest-kit: GNTTABOP_copy failed: %ld\n", b.rc);
        return PV_GNTST_general_error;
    }
    return b.first_status;
}

int gk_gnttab_copy_to(pv_domid_t dom, pv_grant_ref_t ref, uint16_t offset, const void *src,
                      uint16_t len)
{
    return copy_one(gk_gnttab_copy_local(src), false, gk_gnttab_copy_gref(dom, ref, offset), true,
                    len);
}

int gk_gnttab_copy_from(pv_domid_t dom, pv_grant_ref_t ref, uint16_t offset, void *dst,
                        uint16_t len)
{
    return copy_one(gk_gnttab_copy_gref(dom, ref, offset), true, gk_gnttab_copy_local(dst), false,
                    len);
}

const char *gk_gntst_name(int status)
{
    static const char *const names[] = {
        "okay",          "general_error",   "bad_domain",      "bad_gntref",        "bad_handle",
        "bad_virt_addr", "bad_dev_addr",    "no_device_space", "permission_denied", "bad_page",
        "bad_copy_arg",  "address_too_big", "eagain",          "no_space"};

    if (status <= 0 && -status < (int)(sizeof(names) / sizeof(names[0])))
        return names[-status];
    return "unknown";
}
