/* Unit tests of grant mappings: the pin and flag state machine of map_grant_ref /
 * unmap_grant_ref / unmap_and_replace, every status they return, their L1 entries and frame
 * references, the PV MMU's rules about grant entries, and the death of a granter or a mapper
 * while mappings exist. (setup_table, copy and the decoder: test_gnttab_ops.c.) dom_b grants,
 * dom_a maps, unless a test says otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "pv-abi/errno.h"
#include "gnttab_fake.h"
#include "paging.h"

#define RO PV_GNTMAP_readonly
#define HOST PV_GNTMAP_host_map
#define DEV PV_GNTMAP_device_map
#define PTE PV_GNTMAP_contains_pte
#define PERMIT PV_GTF_permit_access
#define READING PV_GTF_reading
#define WRITING PV_GTF_writing

static struct vcpu *va_(void)
{
    return dom_a.vcpu[0];
}

static struct pv_gnttab_map_grant_ref map_op(uint32_t flags, uint32_t ref, uint16_t dom,
                                             uint64_t host_addr)
{
    struct pv_gnttab_map_grant_ref op = {.host_addr = host_addr,
                                         .flags = flags,
                                         .ref = ref,
                                         .dom = dom,
                                         .status = 99,
                                         .handle = 0xdead,
                                         .dev_bus_addr = 0xbeef};

    return op;
}

/* Map and return the status; *handle gets the handle (when okay). */
static int16_t map(uint32_t flags, uint32_t ref, uint16_t dom, uint64_t host_addr, uint32_t *handle)
{
    struct pv_gnttab_map_grant_ref op = map_op(flags, ref, dom, host_addr);

    gnttab_map(va_(), &op);
    if (op.status == PV_GNTST_okay && handle)
        *handle = op.handle;
    if (op.status != PV_GNTST_okay) { /* OUT fields other than status stay */
        assert_int_equal(op.handle, 0xdead);
        assert_int_equal(op.dev_bus_addr, 0xbeef);
    }
    return op.status;
}

static int16_t unmap(uint32_t handle, uint64_t host_addr, uint64_t dev_bus_addr)
{
    return gnttab_unmap(va_(), handle, host_addr, dev_bus_addr, 0);
}

static uint16_t flags_of(const struct domain *d, uint32_t ref)
{
    return gtf_entry(d, ref)->flags;
}

static const struct page_info *pg(uint64_t mfn)
{
    return frame_info(mfn);
}

/* The L1 entry a grant mapping installs (mm_adjust_entry adds US and the kernel-only mark; no
 * accessed bit: the CPU's tells the unmap whether a TLB may hold it). */
static uint64_t grant_entry(uint64_t mfn, bool rw)
{
    return mmf_pte(mfn, PTE_P | PTE_NX | PTE_GNTTAB | PTE_US | PTE_GUEST_KERNEL |
                            (rw ? PTE_RW : 0));
}

/* The table an entry for GTF_VA leads to from a table of `level`. */
static uint64_t next_table(uint64_t table, unsigned level)
{
    return (mmf_mem(table)[pt_index(GTF_VA, level)] & PTE_ADDR) >> PAGE_SHIFT;
}

/* ---- the state machine ---- */

static void test_flags_through_maps_and_unmaps(void **state)
{
    uint64_t l1, f;
    uint32_t h_ro, h_rw, h_dev;
    struct pv_gnttab_map_grant_ref op;
    unsigned long flushes;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 10, 1, f, PERMIT);

    op = map_op(HOST | RO, 10, 2, gtf_va(0));
    gnttab_map(va_(), &op);
    assert_int_equal(op.status, PV_GNTST_okay);
    assert_int_equal(op.dev_bus_addr, f << PAGE_SHIFT);
    h_ro = op.handle;
    assert_int_equal(flags_of(&dom_b, 10), PERMIT | READING);
    assert_int_equal(mmf_mem(l1)[0], grant_entry(f, false));
    assert_int_equal(pg(f)->count, 1);
    assert_int_equal(pg(f)->grant_refs, 1);
    assert_int_equal(mmf_type_count(f), 0);

    assert_int_equal(map(HOST, 10, 2, gtf_va(1), &h_rw), PV_GNTST_okay);
    assert_int_not_equal(h_rw, h_ro);
    assert_int_equal(flags_of(&dom_b, 10), PERMIT | READING | WRITING);
    assert_int_equal(mmf_mem(l1)[1], grant_entry(f, true));
    assert_int_equal(mmf_type(f), PGT_writable);
    assert_int_equal(mmf_type_count(f), 1);
    assert_int_equal(pg(f)->grant_rw, 1);

    assert_int_equal(map(DEV | RO, 10, 2, 0, &h_dev), PV_GNTST_okay);
    assert_int_equal(pg(f)->count, 3);
    assert_int_equal(gnttab_act(dom_b.gnttab, 10)->pin,
                     GNTPIN_HOST_R + GNTPIN_HOST_W + GNTPIN_DEV_R);

    /* The last writable use goes: GTF_writing clears, after a TLB flush of the mapper (a CPU
     * used the entry: it set the accessed bit). */
    mmf_mem(l1)[1] |= PTE_A;
    flushes = mmf.flushes;
    assert_int_equal(unmap(h_rw, gtf_va(1), 0), PV_GNTST_okay);
    assert_true(mmf.flushes > flushes);
    assert_int_equal(mmf_mem(l1)[1], 0);
    assert_int_equal(flags_of(&dom_b, 10), PERMIT | READING);
    assert_int_equal(mmf_type_count(f), 0);

    /* An entry no CPU used (accessed bit clear) is in no TLB: its unmap flushes nothing. */
    flushes = mmf.flushes;
    assert_int_equal(unmap(h_ro, gtf_va(0), 0), PV_GNTST_okay);
    assert_int_equal(mmf.flushes, flushes);
    assert_int_equal(flags_of(&dom_b, 10), PERMIT | READING); /* the device mapping reads */
    assert_int_equal(unmap(h_dev, 0, f << PAGE_SHIFT), PV_GNTST_okay);
    assert_int_equal(flags_of(&dom_b, 10), PERMIT);
    assert_int_equal(pg(f)->count, 0);
    assert_int_equal(pg(f)->grant_refs, 0);
    assert_int_equal(dom_b.gnttab->nr_pinned, 0);
    assert_int_equal(gnttab_act(dom_b.gnttab, 10)->pin, 0);
}

/* A writable use of an entry pinned read-only checks GTF_readonly again; the entry stays
 * pinned with its first frame even if the granter changes it. */
static void test_pinned_entry(void **state)
{
    struct pv_gnttab_map_grant_ref op;
    uint64_t f, g;
    uint32_t h1, h2;

    (void)state;
    gtf_reset();
    gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    g = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 3, 1, f, PERMIT | PV_GTF_readonly);
    assert_int_equal(map(HOST | RO, 3, 2, gtf_va(0), &h1), PV_GNTST_okay);
    assert_int_equal(map(HOST, 3, 2, gtf_va(1), NULL), PV_GNTST_general_error);
    assert_int_equal(flags_of(&dom_b, 3), PERMIT | PV_GTF_readonly | READING);
    /* The granter rewrites the frame while it is pinned: later maps still get f. */
    gtf_entry(&dom_b, 3)->frame = (uint32_t)g;
    gtf_entry(&dom_b, 3)->flags &= (uint16_t)~PV_GTF_readonly;
    assert_int_equal(map(HOST, 3, 2, gtf_va(1), &h2), PV_GNTST_okay);
    assert_int_equal(pg(f)->count, 2);
    assert_int_equal(pg(g)->count, 0);
    assert_int_equal(flags_of(&dom_b, 3), PERMIT | READING | WRITING);
    /* Another domain cannot use an entry pinned for dom_a, even if the granter says so. */
    gtf_entry(&dom_b, 3)->domid = dom_p.domid;
    op = map_op(DEV | RO, 3, 2, 0);
    gnttab_map(dom_p.vcpu[0], &op);
    assert_int_equal(op.status, PV_GNTST_general_error);
    assert_int_equal(unmap(h1, gtf_va(0), 0), PV_GNTST_okay);
    assert_int_equal(unmap(h2, gtf_va(1), 0), PV_GNTST_okay);
    assert_int_equal(flags_of(&dom_b, 3), PERMIT);
}

/* Each counter of the pin is 8 bits and refuses a use at half range, as Xen. */
static void test_pin_counter_full(void **state)
{
    uint64_t f;
    uint32_t h[129];

    (void)state;
    gtf_reset();
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 1, 1, f, PERMIT);
    for (unsigned i = 0; i < 128; i++)
        assert_int_equal(map(DEV | RO, 1, 2, 0, &h[i]), PV_GNTST_okay);
    assert_int_equal(map(DEV | RO, 1, 2, 0, NULL), PV_GNTST_general_error);
    assert_int_equal(map(DEV, 1, 2, 0, NULL), PV_GNTST_general_error); /* any counter */
    for (unsigned i = 0; i < 128; i++)
        assert_int_equal(unmap(h[i], 0, f << PAGE_SHIFT), PV_GNTST_okay);
    assert_int_equal(flags_of(&dom_b, 1), PERMIT);
    assert_int_equal(pg(f)->count, 0);
}

/* ---- every refusal of map, each leaving nothing behind ---- */

struct map_case {
    const char *what;
    uint32_t flags;
    uint32_t ref;
    uint16_t dom;
    unsigned addr; /* 0: gtf_va(0); 1: an unmapped VA; 2: the L1 entry's address; 3: +4; 4: a
                      data frame's; 5: none */
    int16_t status;
};

static const struct map_case map_cases[] = {
    {"no host or device part", RO | PTE, 0, 2, 0, PV_GNTST_bad_gntref},
    {"no flags", 0, 0, 2, 0, PV_GNTST_bad_gntref},
    {"no such domain", HOST, 0, 9, 0, PV_GNTST_bad_domain},
    {"DOMID_SELF", HOST, 0, PV_DOMID_SELF, 0, PV_GNTST_bad_domain},
    {"domid 0", HOST, 0, 0, 0, PV_GNTST_bad_domain},
    {"ref beyond the table", HOST, 512, 2, 0, PV_GNTST_bad_gntref},
    {"ref far beyond", HOST, 0xffffffff, 2, 0, PV_GNTST_bad_gntref},
    {"invalid entry", HOST, 1, 2, 0, PV_GNTST_general_error},
    {"granted to another domain", HOST, 2, 2, 0, PV_GNTST_general_error},
    {"accept_transfer entry", HOST, 3, 2, 0, PV_GNTST_general_error},
    {"transitive entry", HOST, 4, 2, 0, PV_GNTST_general_error},
    {"sub_page entry", HOST | RO, 5, 2, 0, PV_GNTST_general_error},
    {"writable map of a read-only grant", HOST, 6, 2, 0, PV_GNTST_general_error},
    {"writable device map of a read-only grant", DEV, 6, 2, 5, PV_GNTST_general_error},
    {"frame of the mapper", HOST, 7, 2, 0, PV_GNTST_bad_page},
    {"free frame", HOST, 8, 2, 0, PV_GNTST_bad_page},
    {"frame beyond RAM", HOST, 9, 2, 0, PV_GNTST_bad_page},
    {"the granter's grant-table frame", HOST | RO, 10, 2, 0, PV_GNTST_bad_page},
    {"writable map of a page table", HOST, 11, 2, 0, PV_GNTST_general_error},
    {"writable device map of a page table", DEV, 11, 2, 5, PV_GNTST_general_error},
    {"VA without an L1 table", HOST, 0, 2, 1, PV_GNTST_general_error},
    {"misaligned entry address", HOST | PTE, 0, 2, 3, PV_GNTST_general_error},
    {"entry address in a data frame", HOST | PTE, 0, 2, 4, PV_GNTST_general_error},
    {"entry address 0", HOST | PTE, 0, 2, 5, PV_GNTST_general_error},
};

static uint64_t case_addr(const struct map_case *c, uint64_t l1, uint64_t data)
{
    switch (c->addr) {
    case 1:
        return GTF_VA + (2ULL << 20);
    case 2:
        return mmf_maddr(l1, 0);
    case 3:
        return mmf_maddr(l1, 0) + 4;
    case 4:
        return mmf_maddr(data, 0);
    case 5:
        return 0;
    }
    return gtf_va(0);
}

static void test_map_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(map_cases) / sizeof(map_cases[0]); i++) {
        const struct map_case *c = &map_cases[i];
        uint64_t l1, f, data, pt;
        struct mmf_counts before;
        uint16_t entry_flags[12];

        gtf_reset();
        l1 = gtf_tables(&dom_a);
        f = mmf_frame(&dom_b);
        data = mmf_frame(&dom_a);
        pt = mmf_frame(&dom_b);
        assert_int_equal(mm_pin(&dom_b, pt, 1), 0);
        gtf_grant(&dom_b, 0, 1, f, PERMIT);
        gtf_grant(&dom_b, 2, 3, f, PERMIT);
        gtf_grant(&dom_b, 3, 1, f, PV_GTF_accept_transfer);
        gtf_grant(&dom_b, 4, 1, f, PV_GTF_transitive);
        gtf_grant(&dom_b, 5, 1, f, PERMIT | PV_GTF_sub_page);
        gtf_grant(&dom_b, 6, 1, f, PERMIT | PV_GTF_readonly);
        gtf_grant(&dom_b, 7, 1, data, PERMIT);
        gtf_grant(&dom_b, 8, 1, mmf_free_frame(), PERMIT);
        gtf_grant(&dom_b, 9, 1, MMF_BEYOND, PERMIT);
        gtf_grant(&dom_b, 10, 1, dom_b.gnttab->shared[0], PERMIT);
        gtf_grant(&dom_b, 11, 1, pt, PERMIT);
        for (unsigned r = 0; r < 12; r++)
            entry_flags[r] = flags_of(&dom_b, r);
        mmf_snapshot(&before);
        print_message("%s\n", c->what);
        assert_int_equal(map(c->flags, c->ref, c->dom, case_addr(c, l1, data), NULL), c->status);
        mmf_assert_counts(&before);
        for (unsigned r = 0; r < 12; r++)
            assert_int_equal(flags_of(&dom_b, r), entry_flags[r]);
        assert_int_equal(mmf_mem(l1)[0], 0);
        assert_int_equal(dom_b.gnttab->nr_pinned, 0);
        assert_true(dom_a.gnttab->maptrack_free == 0 || /* the handle went back */
                    dom_a.gnttab->maptrack_free == GNTTAB_NO_HANDLE);
    }
}

/* A read-only map of a page table, or of a descriptor page, is allowed. */
static void test_readonly_map_of_table(void **state)
{
    uint64_t pt;
    uint32_t h;

    (void)state;
    gtf_reset();
    gtf_tables(&dom_a);
    pt = mmf_frame(&dom_b);
    assert_int_equal(mm_pin(&dom_b, pt, 1), 0);
    gtf_grant(&dom_b, 0, 1, pt, PERMIT);
    assert_int_equal(map(HOST | RO, 0, 2, gtf_va(0), &h), PV_GNTST_okay);
    assert_int_equal(mmf_type(pt), PGT_l1);
    /* ...and while it is mapped read-only through a grant, it cannot become writable. */
    assert_int_equal(mm_unpin(&dom_b, pt), 0);
    assert_int_equal(map(HOST, 0, 2, gtf_va(1), NULL), PV_GNTST_okay);
    assert_int_equal(mm_pin(&dom_b, pt, 1), -PV_EINVAL); /* now writable-mapped */
    assert_int_equal(unmap(h, gtf_va(0), 0), PV_GNTST_okay);
}

/* ---- L1 entries ---- */

static void test_contains_pte(void **state)
{
    uint64_t l1, f;
    uint32_t h;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    assert_int_equal(
        map(HOST | PTE | PV_GNTMAP_application_map | (5u << 16), 0, 2, mmf_maddr(l1, 9), &h),
        PV_GNTST_okay);
    /* User-accessible (no kernel-only mark), available bits 9-11 from flags bits 16-18. */
    assert_int_equal(mmf_mem(l1)[9],
                     mmf_pte(f, PTE_P | PTE_NX | PTE_GNTTAB | PTE_US | PTE_RW | (5UL << 9)));
    /* Unmapping names the same entry address: its virtual address is not the same thing. */
    assert_int_equal(unmap(h, gtf_va(9), 0), PV_GNTST_general_error);
    assert_int_equal(unmap(h, mmf_maddr(l1, 8), 0), PV_GNTST_general_error);
    assert_int_equal(unmap(h, mmf_maddr(l1, 9), 0), PV_GNTST_okay);
    assert_int_equal(mmf_mem(l1)[9], 0);
    assert_int_equal(pg(f)->count, 0);
}

/* The entry a host map replaces loses its references; another grant's entry is refused. */
static void test_map_over_entries(void **state)
{
    uint64_t l1, f, own;
    uint32_t h;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    own = mmf_frame(&dom_a);
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 3), mmf_pte(own, PTE_P | PTE_RW), false),
                     0);
    assert_int_equal(pg(own)->count, 1);
    assert_int_equal(map(HOST | RO, 0, 2, gtf_va(3), &h), PV_GNTST_okay);
    assert_int_equal(pg(own)->count, 0);
    assert_int_equal(mmf_type_count(own), 0);
    assert_int_equal(map(HOST, 0, 2, gtf_va(3), NULL), PV_GNTST_general_error);
    assert_int_equal(mmf_mem(l1)[3], grant_entry(f, false));
    assert_int_equal(gnttab_act(dom_b.gnttab, 0)->pin, GNTPIN_HOST_R);
    assert_int_equal(unmap(h, gtf_va(3), 0), PV_GNTST_okay);
}

/* Grant entries change only through the grant table: mmu_update, update_va_mapping and the
 * writable-page-table emulation (all mm_mod_entry) refuse them; validation refuses a table
 * holding one; releasing the table leaves the grant's references alone. */
static void test_mmu_cannot_touch_grant_entries(void **state)
{
    uint64_t l1, l2, f, hook;
    uint32_t h;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    assert_int_equal(map(HOST | RO, 0, 2, gtf_va(0), &h), PV_GNTST_okay);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 0), grant_entry(f, true), false),
                     -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 0), mmf_pte(f, PTE_P | PTE_RW), false),
                     -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 0), mmf_pte(f, PTE_P), false), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 0), 0, false), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 0), mmf_pte(f, PTE_P | PTE_US), true),
                     -PV_EINVAL);
    /* Nor can any entry be made with the grant bit, or map the granter's frame directly. */
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 1), grant_entry(f, false), false),
                     -PV_EINVAL);
    assert_int_not_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 1), mmf_pte(f, PTE_P), false), 0);
    assert_int_equal(mmf_mem(l1)[0], grant_entry(f, false));

    /* Unhook the L1: the grant keeps its references; the table cannot be validated again. */
    l2 = next_table(next_table(dom_a.vcpu[0]->kernel_l4_mfn, 4), 3);
    hook = mmf_mem(l2)[pt_index(GTF_VA, 2)];
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l2, pt_index(GTF_VA, 2)), 0, false), 0);
    assert_int_equal(mmf_type_count(l1), 0);
    assert_int_equal(pg(f)->count, 1);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l2, pt_index(GTF_VA, 2)), hook, false),
                     -PV_EINVAL);
    /* Its virtual address no longer leads to it: that unmap fails, the mapping stays... */
    assert_int_equal(unmap(h, gtf_va(0), 0), PV_GNTST_general_error);
    assert_int_equal(pg(f)->count, 1);
    assert_int_equal(mmf_mem(l1)[0], grant_entry(f, false));
    /* ...until the domain dies. */
    gtf_reap(&dom_a);
    assert_int_equal(pg(f)->count, 0);
    assert_int_equal(flags_of(&dom_b, 0), PERMIT);
}

/* ---- unmap ---- */

static void test_unmap_refusals(void **state)
{
    uint64_t l1, f;
    uint32_t h, hd;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    assert_int_equal(map(HOST | DEV, 0, 2, gtf_va(0), &h), PV_GNTST_okay);
    assert_int_equal(unmap(h + 1, gtf_va(0), 0), PV_GNTST_bad_handle); /* never used */
    assert_int_equal(unmap(5000, gtf_va(0), 0), PV_GNTST_bad_handle);  /* no storage */
    assert_int_equal(unmap(0xffffffff, gtf_va(0), 0), PV_GNTST_bad_handle);
    assert_int_equal(unmap(h, gtf_va(1), 0), PV_GNTST_general_error); /* elsewhere */
    assert_int_equal(unmap(h, GTF_VA + (4ULL << 20), 0), PV_GNTST_general_error);
    assert_int_equal(unmap(h, gtf_va(0), (f + 1) << PAGE_SHIFT), PV_GNTST_general_error);
    assert_int_equal(unmap(h, 0, 0), PV_GNTST_okay); /* names no part: nothing happens */
    assert_int_equal(pg(f)->count, 2);
    /* One part at a time; the handle lives until the last. */
    assert_int_equal(unmap(h, gtf_va(0), 0), PV_GNTST_okay);
    assert_int_equal(mmf_mem(l1)[0], 0);
    assert_int_equal(flags_of(&dom_b, 0), PERMIT | READING | WRITING);
    assert_int_equal(unmap(h, gtf_va(0), 0), PV_GNTST_okay); /* no host part left: ignored */
    assert_int_equal(unmap(h, 0, f << PAGE_SHIFT), PV_GNTST_okay);
    assert_int_equal(flags_of(&dom_b, 0), PERMIT);
    assert_int_equal(unmap(h, 0, f << PAGE_SHIFT), PV_GNTST_bad_handle); /* freed */
    assert_int_equal(pg(f)->count, 0);
    /* A freed handle is reused. */
    assert_int_equal(map(DEV, 0, 2, 0, &hd), PV_GNTST_okay);
    assert_int_equal(hd, h);
}

static void test_unmap_and_replace(void **state)
{
    uint64_t l1, f, own, moved;
    uint32_t h, h2;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    own = mmf_frame(&dom_a);
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 7), mmf_pte(own, PTE_P | PTE_RW), false),
                     0);
    moved = mmf_mem(l1)[7];
    assert_int_equal(map(HOST, 0, 2, gtf_va(0), &h), PV_GNTST_okay);
    assert_int_equal(map(HOST | RO, 0, 2, gtf_va(1), &h2), PV_GNTST_okay);
    /* Refusals change nothing: no L1 for new_addr, new_addr the grant's own entry. */
    assert_int_equal(gnttab_unmap(va_(), h, gtf_va(0), 0, GTF_VA + (2ULL << 20)),
                     PV_GNTST_general_error);
    assert_int_equal(gnttab_unmap(va_(), h, gtf_va(0), 0, gtf_va(0)), PV_GNTST_general_error);
    /* ... nor does a host_addr that does not lead to the handle's entry (new_addr kept). */
    assert_int_equal(gnttab_unmap(va_(), h, gtf_va(1), 0, gtf_va(7)), PV_GNTST_general_error);
    assert_int_equal(mmf_mem(l1)[1], grant_entry(f, false));
    assert_int_equal(mmf_mem(l1)[7], moved);
    assert_int_equal(mmf_mem(l1)[0], grant_entry(f, true));

    assert_int_equal(gnttab_unmap(va_(), h, gtf_va(0), 0, gtf_va(7)), PV_GNTST_okay);
    assert_int_equal(mmf_mem(l1)[0], moved); /* with its references */
    assert_int_equal(mmf_mem(l1)[7], 0);
    assert_int_equal(pg(own)->count, 1);
    assert_int_equal(mmf_type_count(own), 1);
    assert_int_equal(flags_of(&dom_b, 0), PERMIT | READING);
    /* new_addr 0: a plain unmap of the host part. */
    assert_int_equal(gnttab_unmap(va_(), h2, gtf_va(1), 0, 0), PV_GNTST_okay);
    assert_int_equal(flags_of(&dom_b, 0), PERMIT);
    assert_int_equal(pg(f)->count, 0);
}

/* new_addr may hold another grant mapping (Xen): its entry moves into host_addr's place and
 * stays its handle's, which unmaps it there and no longer at new_addr. */
static void test_replace_with_a_grant_mapping(void **state)
{
    uint64_t l1, f, g;
    uint32_t h, h2, h3;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    g = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    gtf_grant(&dom_b, 1, 1, g, PERMIT);
    assert_int_equal(map(HOST, 0, 2, gtf_va(0), &h), PV_GNTST_okay);
    assert_int_equal(map(HOST | RO, 1, 2, gtf_va(1), &h2), PV_GNTST_okay);
    assert_int_equal(map(HOST, 1, 2, gtf_va(2), &h3), PV_GNTST_okay);

    assert_int_equal(gnttab_unmap(va_(), h, gtf_va(0), 0, gtf_va(1)), PV_GNTST_okay);
    assert_int_equal(mmf_mem(l1)[0], grant_entry(g, false));
    assert_int_equal(mmf_mem(l1)[1], 0);
    assert_int_equal(flags_of(&dom_b, 0), PERMIT); /* h's grant is no longer in use */
    assert_int_equal(pg(f)->count, 0);
    assert_int_equal(unmap(h, gtf_va(0), 0), PV_GNTST_bad_handle);
    assert_int_equal(flags_of(&dom_b, 1), PERMIT | READING | WRITING);
    assert_int_equal(pg(g)->count, 2); /* h2 still holds its reference */
    /* h2 at the address that no longer maps it; at h3's entry (same frame, writable). */
    assert_int_equal(unmap(h2, gtf_va(1), 0), PV_GNTST_general_error);
    assert_int_equal(unmap(h2, gtf_va(2), 0), PV_GNTST_general_error);
    assert_int_equal(mmf_mem(l1)[2], grant_entry(g, true));
    /* h3's entry moves onto h2's, then h2 is gone and h3 unmaps at its new place. */
    assert_int_equal(gnttab_unmap(va_(), h2, gtf_va(0), 0, gtf_va(2)), PV_GNTST_okay);
    assert_int_equal(mmf_mem(l1)[0], grant_entry(g, true));
    assert_int_equal(mmf_mem(l1)[2], 0);
    assert_int_equal(pg(g)->count, 1);
    assert_int_equal(flags_of(&dom_b, 1), PERMIT | READING | WRITING);
    assert_int_equal(unmap(h3, gtf_va(2), 0), PV_GNTST_general_error);
    assert_int_equal(unmap(h3, gtf_va(0), 0), PV_GNTST_okay);
    assert_int_equal(mmf_mem(l1)[0], 0);
    assert_int_equal(flags_of(&dom_b, 1), PERMIT);
    assert_int_equal(pg(g)->count, 0);
    assert_int_equal(mmf_type_count(g), 0);
}

/* A grant entry moved by a replace whose handle is never unmapped: the mapper's death undoes it
 * where it now is. */
static void test_replace_moved_grant_undone_at_death(void **state)
{
    uint64_t l1, f, g;
    uint32_t h, h2;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    g = mmf_frame(&dom_p); /* another granter than the replaced mapping's */
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    gtf_grant(&dom_p, 5, 1, g, PERMIT);
    assert_int_equal(map(HOST, 0, 2, gtf_va(0), &h), PV_GNTST_okay);
    assert_int_equal(map(HOST, 5, 3, gtf_va(1), &h2), PV_GNTST_okay);
    assert_int_equal(gnttab_unmap(va_(), h, gtf_va(0), 0, gtf_va(1)), PV_GNTST_okay);
    assert_int_equal(mmf_mem(l1)[0], grant_entry(g, true));
    assert_int_equal(flags_of(&dom_p, 5), PERMIT | READING | WRITING);
    gtf_reap(&dom_a);
    assert_int_equal(mmf_mem(l1)[0], 0);
    assert_int_equal(flags_of(&dom_p, 5), PERMIT);
    assert_int_equal(pg(g)->count, 0);
    assert_int_equal(mmf_type_count(g), 0);
    assert_int_equal(dom_p.gnttab->nr_pinned, 0);
    gtf_reap(&dom_b);
    gtf_reap(&dom_p);
}

static void test_replace_needs_a_virtual_address_mapping(void **state)
{
    uint64_t l1, f;
    uint32_t h;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    assert_int_equal(map(HOST | PTE, 0, 2, mmf_maddr(l1, 2), &h), PV_GNTST_okay);
    assert_int_equal(gnttab_unmap(va_(), h, mmf_maddr(l1, 2), 0, gtf_va(5)),
                     PV_GNTST_general_error);
    assert_int_equal(gnttab_unmap(va_(), h, mmf_maddr(l1, 2), 0, 0), PV_GNTST_okay);
}

/* ---- handles ---- */

/* Xen's default 1024 pages of handles (262144; the maptrack's directory crosses a page),
 * then PV_GNTST_no_space; also at a domain's own max_maptrack_frames, with none at all, and
 * when a page cannot be allocated. */
static void test_maptrack_full(void **state)
{
    uint64_t f[8], mfns[GNTTAB_MAX_FRAMES]; /* 8 frames: each counts under 65536 references */
    unsigned n = 0;
    uint32_t h;

    (void)state;
    gtf_reset();
    assert_int_equal(dom_a.gnttab->maptrack_max, GNTTAB_MAPTRACK_FRAMES);
    assert_int_equal(gnttab_setup_table(&dom_b, PV_DOMID_SELF, 4, mfns), PV_GNTST_okay);
    for (unsigned i = 0; i < 8; i++)
        f[i] = mmf_frame(&dom_b);
    for (uint32_t ref = 0; ref < 2048; ref++)
        gtf_grant(&dom_b, ref, 1, f[ref & 7], PERMIT);
    for (uint32_t ref = 0; ref < 2048; ref++)
        for (unsigned i = 0; i < 128; i++, n++)
            assert_int_equal(map(DEV | RO, ref, 2, 0, &h), PV_GNTST_okay);
    assert_int_equal(n, 1024 * GNTTAB_MAPS_PER_PAGE);
    assert_int_equal(map(DEV | RO, 0, 2, 0, NULL), PV_GNTST_no_space);
    gtf_reap(&dom_a); /* every handle undone, every maptrack and directory page freed */
    assert_int_equal(pg(f[0])->count, 0);
    assert_int_equal(flags_of(&dom_b, 2047), PERMIT);

    gtf_reset();
    f[0] = mmf_frame(&dom_b);
    for (uint32_t ref = 0; ref < 4; ref++)
        gtf_grant(&dom_b, ref, 1, f[0], PERMIT);
    dom_a.gnttab->maptrack_max = 0; /* max_maptrack_frames = 0: no mapping at all */
    assert_int_equal(map(DEV | RO, 0, 2, 0, NULL), PV_GNTST_no_space);
    assert_int_equal(flags_of(&dom_b, 0), PERMIT);
    dom_a.gnttab->maptrack_max = 2; /* max_maptrack_frames = 2: 512 handles */
    for (n = 0; n < 2 * GNTTAB_MAPS_PER_PAGE; n++)
        assert_int_equal(map(DEV | RO, n / 128, 2, 0, &h), PV_GNTST_okay);
    assert_int_equal(map(DEV | RO, 0, 2, 0, NULL), PV_GNTST_no_space);
    assert_int_equal(unmap(h, 0, f[0] << PAGE_SHIFT), PV_GNTST_okay);
    assert_int_equal(map(DEV | RO, 3, 2, 0, NULL), PV_GNTST_okay); /* a freed handle is reused */

    gtf_reset();
    f[0] = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 0, 1, f[0], PERMIT);
    while (frame_alloc() != FRAME_NONE)
        ;
    assert_int_equal(map(DEV | RO, 0, 2, 0, NULL), PV_GNTST_no_space);
    assert_int_equal(flags_of(&dom_b, 0), PERMIT);
}

/* ---- death ---- */

/* The granter is reaped while dom_a maps its frame: the frame stays (the granter's, still
 * counted), and so does its table until the last unmap, which frees both. */
static void test_granter_dies_while_mapped(void **state)
{
    uint64_t l1, f, other, base;
    uint32_t h, hd;
    struct pv_gnttab_copy cp = {.source = {.u.ref = 1, .domid = 2},
                                .dest = {.u.gmfn = 0, .domid = PV_DOMID_SELF},
                                .len = 8,
                                .flags = PV_GNTCOPY_source_gref};

    (void)state;
    gtf_reset();
    base = frame_free_count();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    other = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    gtf_grant(&dom_b, 1, 1, other, PERMIT);
    assert_int_equal(map(HOST, 0, 2, gtf_va(0), &h), PV_GNTST_okay);
    assert_int_equal(map(DEV | RO, 0, 2, 0, &hd), PV_GNTST_okay);
    mmf_mem(f)[0] = 0x1234;

    gtf_reap(&dom_b);
    assert_non_null(dom_b.gnttab); /* pinned: kept */
    assert_true(dom_b.gnttab->dead);
    assert_int_equal(pg(other)->owner, DOMID_FREE);
    assert_int_equal(pg(f)->owner, dom_b.domid);
    assert_int_equal(pg(f)->count, 2);
    assert_int_equal(dom_b.tot_pages, 1);
    assert_int_equal(mmf_mem(f)[0], 0x1234);
    assert_int_equal(mmf_mem(l1)[0], grant_entry(f, true));
    /* Nothing new starts with a reaped domain. */
    assert_int_equal(map(HOST | RO, 1, 2, gtf_va(1), NULL), PV_GNTST_bad_domain);
    cp.dest.u.gmfn = mmf_frame(&dom_a);
    assert_int_equal(gnttab_copy(dom_a.vcpu[0], &cp), PV_GNTST_bad_domain);

    assert_int_equal(unmap(h, gtf_va(0), 0), PV_GNTST_okay);
    assert_int_equal(pg(f)->owner, dom_b.domid); /* the device mapping holds it */
    assert_int_equal(flags_of(&dom_b, 0), PERMIT | READING);
    assert_int_equal(unmap(hd, 0, f << PAGE_SHIFT), PV_GNTST_okay);
    assert_int_equal(pg(f)->owner, DOMID_FREE);
    assert_null(dom_b.gnttab);
    assert_int_equal(dom_b.tot_pages, 0);
    assert_int_equal(dom_b.first_page, FRAME_NONE);

    gtf_reap(&dom_a);
    gtf_reap(&dom_p);
    assert_int_equal(frame_free_count(), base + 18); /* the three tables too (6 frames each) */
}

/* The mapper is reaped: every mapping it held is undone (entries cleared, references dropped,
 * the granters' flags cleared), its own mappings of its own grants included. */
static void test_mapper_dies(void **state)
{
    uint64_t l1, f, g, own, base;

    (void)state;
    gtf_reset();
    base = frame_free_count();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    g = mmf_frame(&dom_p);
    own = mmf_frame(&dom_a);
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    gtf_grant(&dom_p, 5, 1, g, PERMIT | PV_GTF_readonly);
    gtf_grant(&dom_a, 8, 1, own, PERMIT);
    assert_int_equal(map(HOST, 0, 2, gtf_va(0), NULL), PV_GNTST_okay);
    assert_int_equal(map(HOST | PTE | RO, 0, 2, mmf_maddr(l1, 1), NULL), PV_GNTST_okay);
    assert_int_equal(map(DEV | RO, 5, 3, 0, NULL), PV_GNTST_okay);
    assert_int_equal(map(HOST, 8, 1, gtf_va(2), NULL), PV_GNTST_okay);
    assert_int_equal(flags_of(&dom_a, 8), PERMIT | READING | WRITING);

    gtf_reap(&dom_a);
    assert_int_equal(mmf_mem(l1)[0], 0);
    assert_int_equal(mmf_mem(l1)[1], 0);
    assert_int_equal(mmf_mem(l1)[2], 0);
    assert_int_equal(flags_of(&dom_b, 0), PERMIT);
    assert_int_equal(flags_of(&dom_p, 5), PERMIT | PV_GTF_readonly);
    assert_int_equal(pg(f)->count, 0);
    assert_int_equal(mmf_type_count(f), 0);
    assert_int_equal(pg(g)->count, 0);
    assert_int_equal(dom_b.gnttab->nr_pinned, 0);
    assert_int_equal(dom_p.gnttab->nr_pinned, 0);
    assert_null(dom_a.gnttab);
    assert_int_equal(dom_a.tot_pages, 0);
    gtf_reap(&dom_b);
    gtf_reap(&dom_p);
    assert_int_equal(frame_free_count(), base + 18);
}

/* Both die, the granter first: its frame and table go with the mapper's reaping. */
static void test_both_die(void **state)
{
    uint64_t f, base;

    (void)state;
    gtf_reset();
    base = frame_free_count();
    gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 0, 1, f, PERMIT);
    assert_int_equal(map(HOST, 0, 2, gtf_va(0), NULL), PV_GNTST_okay);
    assert_int_equal(map(DEV, 0, 2, 0, NULL), PV_GNTST_okay);
    gtf_reap(&dom_b);
    assert_int_equal(pg(f)->grant_refs, 2);
    assert_int_equal(pg(f)->grant_rw, 2);
    gtf_reap(&dom_a);
    assert_int_equal(pg(f)->owner, DOMID_FREE);
    assert_null(dom_b.gnttab);
    gtf_reap(&dom_p);
    assert_int_equal(frame_free_count(), base + 18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags_through_maps_and_unmaps),
        cmocka_unit_test(test_pinned_entry),
        cmocka_unit_test(test_pin_counter_full),
        cmocka_unit_test(test_map_refusals),
        cmocka_unit_test(test_readonly_map_of_table),
        cmocka_unit_test(test_contains_pte),
        cmocka_unit_test(test_map_over_entries),
        cmocka_unit_test(test_mmu_cannot_touch_grant_entries),
        cmocka_unit_test(test_unmap_refusals),
        cmocka_unit_test(test_unmap_and_replace),
        cmocka_unit_test(test_replace_with_a_grant_mapping),
        cmocka_unit_test(test_replace_moved_grant_undone_at_death),
        cmocka_unit_test(test_replace_needs_a_virtual_address_mapping),
        cmocka_unit_test(test_maptrack_full),
        cmocka_unit_test(test_granter_dies_while_mapped),
        cmocka_unit_test(test_mapper_dies),
        cmocka_unit_test(test_both_die),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
