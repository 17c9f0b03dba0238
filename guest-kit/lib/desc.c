/* guest-kit: the guest's own GDT and LDT (gk/desc.h). */
#include "internal.h"

/* A page holding descs[0..n), mapped read-only so that the hypervisor may take it. */
static long table_prepare(struct gk_desc_table *t, const uint64_t *descs, unsigned int n)
{
    long rc;

    if (n == 0 || n > 512)
        return -PV_EINVAL;
    t->page = gk_page_alloc();
    if (!t->page)
        return -PV_ENOMEM;
    memcpy(t->page, descs, n * sizeof(*descs));
    t->mfn = gk_virt_to_mfn(t->page);
    t->entries = n;
    rc = gk_page_set_writable(t->page, false);
    if (rc)
        gk_page_free(t->page);
    return rc;
}

/* The hypervisor let go of the page: writable again, and freed. */
static long table_release(struct gk_desc_table *t)
{
    long rc = gk_page_set_writable(t->page, true);

    if (!rc)
        gk_page_free(t->page);
    t->page = NULL;
    t->entries = 0;
    return rc;
}

long gk_gdt_load(struct gk_desc_table *t, const uint64_t *descs, unsigned int n)
{
    long rc = table_prepare(t, descs, n);

    if (rc)
        return rc;
    rc = gk_hypercall_set_gdt(&t->mfn, n);
    if (rc)
        table_release(t);
    return rc;
}

long gk_gdt_update(struct gk_desc_table *t, unsigned int index, uint64_t desc)
{
    if (!t->page || index >= t->entries)
        return -PV_EINVAL;
    return gk_hypercall_update_descriptor((t->mfn << 12) + index * 8, desc);
}

long gk_gdt_unload(struct gk_desc_table *t)
{
    long rc = gk_hypercall_set_gdt(NULL, 0);

    return rc ? rc : table_release(t);
}

static long set_ldt(uint64_t va, unsigned int entries)
{
    struct pv_mmuext_op op = {.cmd = PV_MMUEXT_SET_LDT};

    op.arg1.linear_addr = va;
    op.arg2.nr_ents = entries;
    return gk_hypercall_mmuext_op(&op, 1, NULL, PV_DOMID_SELF);
}

long gk_ldt_load(struct gk_desc_table *t, const uint64_t *descs, unsigned int n)
{
    long rc = table_prepare(t, descs, n);

    if (rc)
        return rc;
    /* The LDT is named by its virtual address: the frames are the ones the kernel page tables
     * map there. */
    rc = set_ldt((uint64_t)(uintptr_t)t->page, n);
    if (rc)
        table_release(t);
    return rc;
}

long gk_ldt_unload(struct gk_desc_table *t)
{
    long rc = set_ldt(0, 0);

    return rc ? rc : table_release(t);
}
