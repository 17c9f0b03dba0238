/* guest-kit: page-table trees: reading them through the read-only 1:1 mapping of their frames,
 * creating and freeing levels, mapping and unmapping pages (gk/pt.h). */
#include "internal.h"

#define HV_FIRST_SLOT 256 /* L4 slots 256-271: the hypervisor's, filled in by validation */
#define HV_LAST_SLOT 271
#define PTE_GUEST_KERNEL (1ULL << 52) /* tag the hypervisor puts on kernel-only L1 entries */

static const volatile uint64_t *table(uint64_t mfn)
{
    return gk_mfn_to_virt(mfn);
}

bool gk_pt_guest_slot(unsigned int slot)
{
    return slot < HV_FIRST_SLOT || slot > HV_LAST_SLOT;
}

/* A page-aligned, canonical address outside the hypervisor's range. */
static bool va_ok(uint64_t va)
{
    return !(va & (GK_PAGE_SIZE - 1)) && (uint64_t)((int64_t)(va << 16) >> 16) == va &&
           gk_pt_guest_slot(gk_pt_index(va, 4));
}

long gk_mmuext1(unsigned int cmd, uint64_t arg1, uint64_t arg2)
{
    struct pv_mmuext_op op = {.cmd = cmd};

    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return gk_hypercall_mmuext_op(&op, 1, NULL, PV_DOMID_SELF);
}

long gk_pin(uint64_t mfn, unsigned int level)
{
    if (level < 1 || level > 4)
        return -PV_EINVAL;
    return gk_mmuext1(PV_MMUEXT_PIN_L1_TABLE + level - 1, mfn, 0);
}

long gk_unpin(uint64_t mfn)
{
    return gk_mmuext1(PV_MMUEXT_UNPIN_TABLE, mfn, 0);
}

long gk_tlb_flush(void)
{
    return gk_mmuext1(PV_MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
}

long gk_invlpg(uint64_t va)
{
    return gk_mmuext1(PV_MMUEXT_INVLPG_LOCAL, va, 0);
}

long gk_writable_pagetables(bool enable)
{
    return gk_hypercall_vm_assist(enable ? PV_VMASST_CMD_enable : PV_VMASST_CMD_disable,
                                  PV_VMASST_TYPE_writable_pagetables);
}

/* Walk va's path in s from the L4 down to level `to`, filling path[level] with each table's
 * mfn; missing levels are created if `create`. Returns the lowest level reached (`to` when the
 * walk completed) or a negative error. */
static long walk(const struct gk_space *s, uint64_t va, unsigned int to, bool create,
                 uint64_t path[5])
{
    path[4] = s->l4_mfn;
    for (unsigned int level = 4; level > to; level--) {
        const volatile uint64_t *t = table(path[level]);
        unsigned int slot = gk_pt_index(va, level);
        uint64_t e;

        if (!t)
            return -PV_EFAULT; /* not a frame of ours: cannot be read */
        e = t[slot];
        if (!(e & GK_PTE_P)) {
            long rc;

            if (!create)
                return level;
            rc = gk_table_alloc(&path[level - 1]);
            if (rc)
                return rc;
            e = gk_pte(path[level - 1], GK_PAGE_TABLE);
            rc = gk_hypercall_mmu_update(
                &(struct pv_mmu_update){.ptr = (path[level] << 12) + slot * 8, .val = e}, 1, NULL,
                PV_DOMID_SELF); /* linked: the hypervisor validates the new table here */
            if (rc) {
                gk_table_free(path[level - 1]);
                return rc;
            }
        }
        path[level - 1] = gk_pte_mfn(e);
    }
    return to;
}

long gk_table_alloc(uint64_t *mfn)
{
    void *page = gk_page_take();
    long rc;

    if (!page)
        return -PV_ENOMEM;
    *mfn = gk_virt_to_mfn(page);
    rc = gk_page_set_writable(page, false); /* 1. read-only everywhere it is mapped */
    if (rc) {
        gk_page_free(page);
        return rc;
    }
    rc = gk_mmuext1(PV_MMUEXT_CLEAR_PAGE, *mfn, 0); /* 2. zeroed (it cannot be written now) */
    if (rc)
        gk_table_free(*mfn);
    return rc;
}

long gk_table_free(uint64_t mfn)
{
    void *page = gk_mfn_to_virt(mfn);
    long rc = gk_page_set_writable(page, true); /* fails while anything still uses it */

    if (!rc)
        gk_page_free(page);
    return rc;
}

long gk_page_set_writable(void *page, bool writable)
{
    uint64_t va = (uint64_t)(uintptr_t)page;
    uint64_t e = gk_pt_lookup(gk_kernel_space(), va);

    if (!(e & GK_PTE_P))
        return -PV_ENOENT;
    e = writable ? e | GK_PTE_RW : e & ~GK_PTE_RW;
    return gk_hypercall_update_va_mapping(va, e, PV_UVMF_INVLPG | PV_UVMF_LOCAL);
}

uint64_t gk_pt_lookup(const struct gk_space *s, uint64_t va)
{
    const volatile uint64_t *pte = gk_pte_ptr(s, va);

    return pte ? *pte : 0;
}

uint64_t gk_pte_maddr(const struct gk_space *s, uint64_t va)
{
    uint64_t path[5];

    if (!va_ok(va & ~(GK_PAGE_SIZE - 1)) || walk(s, va, 1, false, path) != 1)
        return 0;
    return (path[1] << 12) + gk_pt_index(va, 1) * 8;
}

volatile uint64_t *gk_pte_ptr(const struct gk_space *s, uint64_t va)
{
    uint64_t maddr = gk_pte_maddr(s, va);
    const volatile uint64_t *t = maddr ? table(maddr >> 12) : NULL;

    return t ? (volatile uint64_t *)&t[gk_pt_index(va, 1)] : NULL;
}

long gk_pt_prepare_pte(struct gk_space *s, uint64_t va, uint64_t *maddr, uint64_t *entry)
{
    uint64_t path[5];
    long rc;

    if (!va_ok(va))
        return -PV_EINVAL;
    rc = walk(s, va, 1, true, path);
    if (rc < 0) {
        gk_pt_trim(s, va); /* the levels made before the failure, if empty */
        return rc;
    }
    *maddr = (path[1] << 12) + gk_pt_index(va, 1) * 8;
    *entry = table(path[1])[gk_pt_index(va, 1)];
    return 0;
}

long gk_pt_prepare(struct gk_space *s, uint64_t va)
{
    uint64_t maddr, entry;

    return gk_pt_prepare_pte(s, va, &maddr, &entry);
}

/* Write va's L1 entry in table l1: in the kernel space with update_va_mapping (and the flush
 * it needs), elsewhere with mmu_update and an INVLPG if a present entry was replaced. */
static long write_l1e(const struct gk_space *s, uint64_t va, uint64_t l1, uint64_t val)
{
    unsigned int slot = gk_pt_index(va, 1);
    bool was_present = table(l1)[slot] & GK_PTE_P;
    struct pv_mmu_update u = {.ptr = (l1 << 12) + slot * 8, .val = val};
    long rc;

    if (s == gk_kernel_space())
        return gk_hypercall_update_va_mapping(va, val,
                                              was_present ? PV_UVMF_INVLPG | PV_UVMF_LOCAL : 0);
    rc = gk_hypercall_mmu_update(&u, 1, NULL, PV_DOMID_SELF);
    return !rc && was_present ? gk_invlpg(va) : rc;
}

long gk_map(struct gk_space *s, uint64_t va, uint64_t mfn, uint64_t flags)
{
    uint64_t path[5];
    long rc;

    if (!va_ok(va))
        return -PV_EINVAL;
    rc = walk(s, va, 1, true, path);
    if (rc >= 0)
        rc = write_l1e(s, va, path[1], gk_pte(mfn, flags));
    if (rc < 0)
        gk_pt_trim(s, va); /* levels made for a mapping that did not happen, if empty */
    return rc;
}

long gk_protect(struct gk_space *s, uint64_t va, uint64_t flags)
{
    uint64_t maddr = gk_pte_maddr(s, va), old = gk_pt_lookup(s, va);
    struct pv_mmu_update u = {.ptr = maddr | PV_MMU_PT_UPDATE_PRESERVE_AD};
    long rc;

    if (!(old & GK_PTE_P))
        return -PV_ENOENT;
    u.val = (old & GK_PTE_ADDR) | flags;
    rc = gk_hypercall_mmu_update(&u, 1, NULL, PV_DOMID_SELF);
    return rc ? rc : gk_invlpg(va);
}

static bool table_empty(uint64_t mfn)
{
    const volatile uint64_t *t = table(mfn);

    for (unsigned int i = 0; i < 512; i++) {
        if (t[i])
            return false;
    }
    return true;
}

/* May the level-`level` table on va's path be freed once empty? Only tables the kit allocated,
 * and never an L3 that s borrowed from another space. */
static bool may_free(const struct gk_space *s, uint64_t va, unsigned int level, uint64_t mfn)
{
    unsigned int slot = gk_pt_index(va, 4);

    if (level == 3 && (s->borrowed[slot / 64] >> (slot % 64)) & 1)
        return false;
    return gk_page_in_pool(gk_mfn_to_pfn(mfn)) && table_empty(mfn);
}

/* Unlink the empty tables on path from `from` up to the L3, flush, then free them. */
static long trim_path(const struct gk_space *s, uint64_t va, unsigned int from,
                      const uint64_t path[5])
{
    unsigned int level = from;
    long rc = 0, frc;

    for (; level < 4 && may_free(s, va, level, path[level]); level++) {
        struct pv_mmu_update u = {.ptr = (path[level + 1] << 12) + gk_pt_index(va, level + 1) * 8};

        rc = gk_hypercall_mmu_update(&u, 1, NULL, PV_DOMID_SELF);
        if (rc)
            break;
    }
    if (level == from)
        return rc;
    frc = gk_tlb_flush(); /* no walk may still go through an unlinked table */
    for (unsigned int l = from; l < level && !frc; l++)
        frc = gk_table_free(path[l]);
    return rc ? rc : frc;
}

long gk_pt_trim(struct gk_space *s, uint64_t va)
{
    uint64_t path[5];
    long reached;

    if (!va_ok(va))
        return -PV_EINVAL;
    reached = walk(s, va, 1, false, path);
    if (reached < 0)
        return reached;
    return trim_path(s, va, (unsigned int)reached, path);
}

long gk_unmap(struct gk_space *s, uint64_t va)
{
    uint64_t path[5];
    long rc;

    if (!va_ok(va))
        return -PV_EINVAL;
    rc = walk(s, va, 1, false, path);
    if (rc != 1)
        return rc < 0 ? rc : -PV_ENOENT;
    rc = write_l1e(s, va, path[1], 0);
    return rc ? rc : trim_path(s, va, 1, path);
}

long gk_space_read(const struct gk_space *s, uint64_t va, void *buf, size_t len)
{
    uint8_t *out = buf;

    while (len) {
        uint64_t off = va & (GK_PAGE_SIZE - 1), n = GK_PAGE_SIZE - off;
        uint64_t e = va_ok(va - off) ? gk_pt_lookup(s, va - off) : 0;
        const uint8_t *page = (e & GK_PTE_P) ? gk_mfn_to_virt(gk_pte_mfn(e)) : NULL;

        if (!page || (e & PTE_GUEST_KERNEL))
            return -PV_EFAULT;
        n = n < len ? n : len;
        memcpy(out, page + off, n);
        out += n;
        va += n;
        len -= n;
    }
    return 0;
}
