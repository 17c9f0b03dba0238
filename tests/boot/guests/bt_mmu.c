/* tests/boot: the page-table helpers of bt_mmu.h (raw hypercalls, tables read through a window). */
#include "bt_mmu.h"

/* The window: a page of the image whose mapping is moved onto whatever frame is read. It is
 * remapped for every read: the tests switch roots, and each root has its own window entry. */
static volatile uint64_t window[512] __attribute__((aligned(4096)));

uint64_t bt_va_of(unsigned l4, unsigned l3, unsigned l2, unsigned l1)
{
    uint64_t va =
        ((uint64_t)l4 << 39) | ((uint64_t)l3 << 30) | ((uint64_t)l2 << 21) | ((uint64_t)l1 << 12);

    return l4 >= 256 ? va | 0xffff000000000000ULL : va;
}

uint64_t bt_cur_l4(void)
{
    return (bt_read_cr3() & BT_PTE_ADDR) >> 12;
}

static bool window_map(uint64_t mfn)
{
    long rc = bt_uvm((uint64_t)(uintptr_t)window, (mfn << 12) | BT_PTE_RO, PV_UVMF_INVLPG);

    if (rc)
        GK_FAIL("cannot map frame %#lx read-only to read it: %ld", mfn, rc);
    return rc == 0;
}

uint64_t bt_peek(uint64_t mfn, unsigned i)
{
    return window_map(mfn) ? window[i] : 0;
}

void bt_read_frame(uint64_t mfn, uint64_t *buf)
{
    bool ok = window_map(mfn);

    for (unsigned i = 0; i < 512; i++)
        buf[i] = ok ? window[i] : 0;
}

uint64_t bt_table_of(uint64_t va, unsigned level)
{
    uint64_t mfn = bt_cur_l4();

    for (unsigned l = 4; l > level; l--) {
        uint64_t e = bt_peek(mfn, bt_pt_index(va, l));

        if (!(e & BT_PTE_P))
            return 0;
        mfn = bt_pte_mfn(e);
    }
    return mfn;
}

uint64_t bt_entry_maddr(uint64_t va, unsigned level)
{
    uint64_t t = bt_table_of(va, level);

    return t ? (t << 12) + bt_pt_index(va, level) * 8 : 0;
}

long bt_mmu_foreign(uint64_t ptr, uint64_t val, uint16_t fd)
{
    struct pv_mmu_update u = {.ptr = ptr, .val = val};
    unsigned done = 0xdead;
    long rc = gk_hypercall_mmu_update(&u, 1, &done, fd);

    if (done != (rc ? 0u : 1u))
        GK_FAIL("mmu_update(%#lx, %#lx, fd %u) = %ld with done %u", ptr, val, fd, rc, done);
    return rc;
}

long bt_mmu(uint64_t ptr, uint64_t val)
{
    return bt_mmu_foreign(ptr, val, PV_DOMID_SELF);
}

long bt_ext(unsigned cmd, uint64_t arg1, uint64_t arg2)
{
    struct pv_mmuext_op op = {.cmd = cmd};

    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return gk_hypercall_mmuext_op(&op, 1, NULL, PV_DOMID_SELF);
}

long bt_uvm(uint64_t va, uint64_t pte, uint64_t flags)
{
    return gk_hypercall_update_va_mapping(va, pte, flags);
}

long bt_pin(unsigned level, uint64_t mfn)
{
    return bt_ext(PV_MMUEXT_PIN_L1_TABLE + level - 1, mfn, 0);
}

long bt_unpin(uint64_t mfn)
{
    return bt_ext(PV_MMUEXT_UNPIN_TABLE, mfn, 0);
}

long bt_invlpg(uint64_t va)
{
    return bt_ext(PV_MMUEXT_INVLPG_LOCAL, va, 0);
}

long bt_protect(const void *page, bool writable)
{
    uint64_t mfn = gk_virt_to_mfn(page);

    return bt_uvm((uint64_t)(uintptr_t)page, (mfn << 12) | (writable ? BT_PTE_RWD : BT_PTE_RO),
                  PV_UVMF_INVLPG);
}

bool bt_table_new(struct bt_table *t, const uint64_t *entries)
{
    uint64_t *page = gk_page_alloc();
    long rc;

    if (!page) {
        GK_FAIL("out of pages for a table");
        return false;
    }
    for (unsigned i = 0; entries && i < 512; i++)
        page[i] = entries[i];
    t->va = page;
    t->mfn = gk_virt_to_mfn(page);
    if ((rc = bt_protect(page, false))) {
        GK_FAIL("cannot map a new table page read-only: %ld", rc);
        return false;
    }
    return true;
}

long bt_table_free(struct bt_table *t)
{
    long rc = bt_protect(t->va, true);

    if (!rc)
        gk_page_free(t->va);
    return rc;
}

uint64_t bt_free_2m_va(unsigned nth)
{
    uint64_t l2 = bt_table_of(GK_VIRT_BASE, 2);
    unsigned l4i = bt_pt_index(GK_VIRT_BASE, 4), l3i = bt_pt_index(GK_VIRT_BASE, 3);

    for (unsigned s = 256; l2 && s < 512; s++)
        if (!(bt_peek(l2, s) & BT_PTE_P) && nth-- == 0)
            return bt_va_of(l4i, l3i, s, 0);
    GK_FAIL("no free 2 MiB region next to the kernel");
    return 0;
}

bool bt_region_init(struct bt_region *r)
{
    long rc;

    r->va = bt_free_2m_va(0);
    if (!r->va || !bt_table_new(&r->l1, NULL))
        return false;
    rc = bt_mmu(bt_entry_maddr(r->va, 2), (r->l1.mfn << 12) | BT_PTE_TABLE);
    if (rc)
        GK_FAIL("cannot hook a new L1 at %#lx: %ld", r->va, rc);
    return rc == 0;
}

long bt_region_fini(struct bt_region *r)
{
    long rc = 0;

    for (unsigned i = 0; i < 512 && !rc; i++)
        if (r->l1.va[i])
            rc = bt_mmu(bt_region_pte(r, i), 0);
    if (!rc)
        rc = bt_mmu(bt_entry_maddr(r->va, 2), 0);
    if (!rc)
        rc = bt_table_free(&r->l1);
    if (rc)
        GK_FAIL("cannot take the test region at %#lx down: %ld", r->va, rc);
    return rc;
}

void bt_run_rule(const char *prefix, const struct bt_rule *rules, unsigned n)
{
    static char name[48];
    char rule[32];

    if (!gk_cmdline_get("rule", rule, sizeof(rule)))
        rule[0] = 0;
    for (unsigned i = 0; i < n; i++) {
        if (lib_strcmp(rules[i].name, rule))
            continue;
        lib_snprintf(name, sizeof(name), "%s%s", prefix, rule);
        gk_test_run(name, rules[i].fn);
    }
    gk_printf("TEST %s FAIL no rule \"%s\" (rule=NAME on the command line)\n", prefix, rule);
    gk_poweroff();
}

/* Pages of a tree being built: writable until bt_tree_build maps them read-only. */
static struct bt_table *tree_tables(struct bt_tree *t, unsigned i)
{
    return i == 0 ? &t->l4 : i == 1 ? &t->l3 : i == 2 ? &t->l2 : &t->l1[i - 3];
}

/* Copy the L1 at mfn into the page of copy, with the tree's own pages mapped read-only. */
static void copy_l1(struct bt_tree *t, uint64_t mfn, unsigned l2_slot, uint64_t *copy)
{
    unsigned l4i = bt_pt_index(GK_VIRT_BASE, 4), l3i = bt_pt_index(GK_VIRT_BASE, 3);

    bt_read_frame(mfn, copy);
    for (unsigned j = 0; j < 512; j++) {
        uint64_t va = bt_va_of(l4i, l3i, l2_slot, j);

        for (unsigned k = 0; k < 3 + t->nr_l1; k++)
            if ((uint64_t)(uintptr_t)tree_tables(t, k)->va == va)
                copy[j] &= ~BT_PTE_RW;
    }
}

static bool tree_alloc(struct bt_tree *t, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct bt_table *tab = tree_tables(t, i);

        tab->va = gk_page_alloc();
        if (!tab->va) {
            GK_FAIL("out of pages for a page-table tree");
            return false;
        }
        tab->mfn = gk_virt_to_mfn(tab->va);
    }
    return true;
}

bool bt_tree_build(struct bt_tree *t, uint64_t extra_l1, unsigned extra_slot)
{
    static uint64_t l2e[512];
    uint64_t cur_l2 = bt_table_of(GK_VIRT_BASE, 2);
    unsigned n = 0, k = 0;

    if (!cur_l2)
        return false;
    bt_read_frame(cur_l2, l2e);
    if (extra_l1)
        l2e[extra_slot] = 0; /* the region only this tree maps */
    for (unsigned s = 0; s < 512; s++)
        n += (l2e[s] & BT_PTE_P) != 0;
    if (n > BT_TREE_MAX_L1) {
        GK_FAIL("the kernel's 1 GiB uses %u L1 tables, more than %u", n, BT_TREE_MAX_L1);
        return false;
    }
    t->nr_l1 = n;
    if (!tree_alloc(t, 3 + n))
        return false;
    for (unsigned s = 0; s < 512; s++) {
        if (!(l2e[s] & BT_PTE_P))
            continue;
        copy_l1(t, bt_pte_mfn(l2e[s]), s, t->l1[k].va);
        t->l2.va[s] = (t->l1[k++].mfn << 12) | (l2e[s] & ~BT_PTE_ADDR);
    }
    if (extra_l1)
        t->l2.va[extra_slot] = (extra_l1 << 12) | BT_PTE_TABLE;
    t->l3.va[bt_pt_index(GK_VIRT_BASE, 3)] = (t->l2.mfn << 12) | BT_PTE_TABLE;
    t->l4.va[bt_pt_index(GK_VIRT_BASE, 4)] = (t->l3.mfn << 12) | BT_PTE_TABLE;
    for (unsigned i = 0; i < 3 + n; i++) {
        long rc = bt_protect(tree_tables(t, i)->va, false);

        if (rc) {
            GK_FAIL("cannot map table page %u of a new tree read-only: %ld", i, rc);
            return false;
        }
    }
    return true;
}

long bt_tree_free(struct bt_tree *t)
{
    long first = 0;

    for (unsigned i = 0; i < 3 + t->nr_l1; i++) {
        long rc = bt_table_free(tree_tables(t, i));

        if (rc && !first)
            first = rc;
    }
    return first;
}
