/* Unit tests of libpvbuild/pv_layout.c: Xen's start-of-day layout and page-table sizing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "pv-abi/errno.h"
#include "libpvbuild/pv_layout.h"

#define PG 4096ULL
#define MiB (1ULL << 20)
#define LINUX_BASE 0xffffffff80000000ULL

static struct pv_layout_in minios(uint64_t kernel_bytes, uint64_t nr_pages)
{
    struct pv_layout_in in = {0};

    in.virt_kend = kernel_bytes;
    in.nr_pages = nr_pages;
    return in;
}

static struct pv_layout_in linux_like(uint64_t nr_pages)
{
    struct pv_layout_in in = {0};

    in.virt_base = LINUX_BASE;
    in.virt_kstart = LINUX_BASE + 16 * MiB;
    in.virt_kend = in.virt_kstart + 30 * MiB;
    in.nr_pages = nr_pages;
    in.initrd_len = 5 * MiB + 123;
    in.mod_start_pfn = true;
    in.has_init_p2m = true;
    in.init_p2m_va = 0x8000000000ULL;
    return in;
}

/* Number of distinct aligned 2^shift blocks touched by [from, last]. */
static uint64_t blocks(uint64_t from, uint64_t last, unsigned shift)
{
    return (last >> shift) - (from >> shift) + 1;
}

/* Independent check that the initial-mapping tables are exactly what [virt_base, end) needs. */
static void check_table_counts(const struct pv_layout *l)
{
    uint64_t last = l->map_end_va - 1;

    assert_int_equal(l->nr_l4, 1);
    assert_int_equal(l->nr_l3, blocks(l->map_start_va, last, 39));
    assert_int_equal(l->nr_l2, blocks(l->map_start_va, last, 30));
    assert_int_equal(l->nr_l1, blocks(l->map_start_va, last, 21));
    assert_int_equal(l->pt_pages, l->nr_l4 + l->nr_l3 + l->nr_l2 + l->nr_l1);
}

/* Every 2 MiB block of the mapping has its own L1, each inside the table frames, none shared. */
static void check_l1_lookup(const struct pv_layout *l)
{
    uint64_t prev = PV_LAYOUT_NO_PFN;

    for (uint64_t off = 0; off < l->map_end_va - l->map_start_va; off += 2 * MiB) {
        uint64_t va = l->map_start_va + off;
        uint64_t l1 = pv_layout_table_pfn(l, 1, va), l2 = pv_layout_table_pfn(l, 2, va);

        assert_true(pv_layout_is_table(l, l1));
        assert_true(pv_layout_is_table(l, l2));
        assert_true(pv_layout_is_table(l, pv_layout_table_pfn(l, 3, va)));
        assert_int_equal(pv_layout_table_pfn(l, 4, va), l->pt_pfn);
        assert_true(l1 != prev);
        assert_true(l1 >= l->pt_pfn + 1 + l->nr_l3 + l->nr_l2);
        prev = l1;
    }
}

/* Order, alignment, containment and the 512 KiB padding of Xen's layout. */
static void check_order(const struct pv_layout_in *in, const struct pv_layout *l)
{
    uint64_t map_pages = (l->map_end_va - l->map_start_va) / PG;

    assert_int_equal(l->map_start_va, in->virt_base);
    assert_int_equal(l->map_end_va % PV_LAYOUT_ALIGN, 0);
    assert_int_equal(l->kernel_pfn, (in->virt_kstart - in->virt_base) / PG);
    assert_int_equal(l->kernel_pages, (in->virt_kend - in->virt_kstart) / PG);
    assert_true(l->start_info_pfn >= l->kernel_pfn + l->kernel_pages);
    assert_int_equal(l->xenstore_pfn, l->start_info_pfn + 1);
    assert_int_equal(l->console_pfn, l->start_info_pfn + 2);
    assert_int_equal(l->pt_pfn, l->console_pfn + 1);
    assert_int_equal(l->stack_pfn, l->pt_pfn + l->pt_pages);
    assert_true(l->stack_pfn + 1 + PV_LAYOUT_PAD_PAGES <= map_pages);
    assert_true(map_pages <= in->nr_pages);
    assert_true(l->pages_used <= in->nr_pages);
    assert_int_equal(l->rsp, in->virt_base + (l->stack_pfn + 1) * PG);
    assert_int_equal(l->start_info_va, in->virt_base + l->start_info_pfn * PG);
    assert_int_equal(pv_layout_va_to_pfn(l, l->rsp - 8), l->stack_pfn);
    assert_int_equal(pv_layout_va_to_pfn(l, l->map_end_va - 1), map_pages - 1);
    assert_int_equal(pv_layout_va_to_pfn(l, l->map_end_va), PV_LAYOUT_NO_PFN);
}

static void check_p2m_mapped(const struct pv_layout_in *in, const struct pv_layout *l)
{
    assert_false(l->p2m_relocated);
    assert_int_equal(l->p2m_pages, (in->nr_pages * 8 + PG - 1) / PG);
    assert_int_equal(l->p2m_va, in->virt_base + l->p2m_pfn * PG);
    assert_int_equal(l->start_info_pfn, l->p2m_pfn + l->p2m_pages);
    assert_int_equal(l->nr_p2m_frames, 0);
    assert_int_equal(l->nr_maps, 1);
}

static void compute_ok(const struct pv_layout_in *in, struct pv_layout *l)
{
    const char *why = NULL;
    int rc = pv_layout_compute(in, l, &why);

    if (rc)
        fail_msg("layout failed: %d %s", rc, why);
    check_order(in, l);
    check_table_counts(l);
    check_l1_lookup(l);
}

/* Mini-OS-sized guest, worked by hand from Xen's algorithm. */
static void test_minios_exact(void **state)
{
    struct pv_layout_in in = minios(16 * PG, 8192);
    struct pv_layout l;

    (void)state;
    compute_ok(&in, &l);
    check_p2m_mapped(&in, &l);
    assert_int_equal(l.kernel_pfn, 0);
    assert_int_equal(l.p2m_pfn, 16);
    assert_int_equal(l.p2m_pages, 16);
    assert_int_equal(l.start_info_pfn, 32);
    assert_int_equal(l.pt_pfn, 35);
    assert_int_equal(l.nr_l3, 1);
    assert_int_equal(l.nr_l2, 1);
    assert_int_equal(l.nr_l1, 2);
    assert_int_equal(l.stack_pfn, 40);
    assert_int_equal(l.rsp, 41 * PG);
    assert_int_equal(l.map_end_va, 4 * MiB);
    assert_int_equal(l.pages_used, 1024);
    assert_int_equal(l.initrd_pages, 0);
}

static void test_mapped_initrd(void **state)
{
    struct pv_layout_in in = minios(100 * PG, 16384);
    struct pv_layout l;

    (void)state;
    in.initrd_len = 3 * PG + 1;
    compute_ok(&in, &l);
    check_p2m_mapped(&in, &l);
    assert_true(l.initrd_mapped);
    assert_int_equal(l.initrd_pfn, 100);
    assert_int_equal(l.initrd_pages, 4);
    assert_int_equal(l.mod_start, 100 * PG);
    assert_int_equal(l.mod_len, 3 * PG + 1);
    assert_int_equal(l.p2m_pfn, 104);
}

/* Xen ORs the 4 MiB mask into the end: an end already on a boundary gains a whole 4 MiB. */
static void test_aligned_end_quirk(void **state)
{
    /* kernel + p2m(1) + 3 magic + 5 tables + stack + 128 padding = exactly 1024 pages */
    struct pv_layout_in in = minios((1024 - 1 - 3 - 5 - 1 - 128) * PG, 512);
    struct pv_layout l;
    const char *why;

    (void)state;
    assert_int_equal(pv_layout_compute(&in, &l, &why), -PV_ENOMEM);
    in.nr_pages = 2048;
    in.virt_kend += 3 * PG; /* p2m grows to 4 pages */
    compute_ok(&in, &l);
    assert_int_equal(l.map_end_va, 8 * MiB);
    assert_int_equal(l.nr_l1, 4);
}

static void test_larger_images(void **state)
{
    static const uint64_t kernels[] = {PG, 2 * MiB, 3 * MiB + 5 * PG, 200 * MiB, 1100 * MiB};
    static const uint64_t mems[] = {2048, 65536, 262144, 524288};

    (void)state;
    for (size_t k = 0; k < sizeof(kernels) / sizeof(kernels[0]); k++)
        for (size_t m = 0; m < sizeof(mems) / sizeof(mems[0]); m++) {
            struct pv_layout_in in = minios(kernels[k], mems[m]);
            struct pv_layout l;
            const char *why;

            in.virt_base = 0x40000000ULL - 2 * MiB; /* straddle an L2 boundary */
            in.virt_kstart = in.virt_base + 8 * PG;
            in.virt_kend = in.virt_kstart + kernels[k];
            if (pv_layout_compute(&in, &l, &why) == 0) {
                print_message("kernel %llu KiB, %llu pages: end %#llx\n",
                              (unsigned long long)(kernels[k] >> 10), (unsigned long long)mems[m],
                              (unsigned long long)l.map_end_va);
                compute_ok(&in, &l);
                check_p2m_mapped(&in, &l);
            } else {
                assert_true(kernels[k] / PG + 140 > mems[m]);
            }
        }
}

static void test_linux_relocated_p2m(void **state)
{
    struct pv_layout_in in = linux_like(65536);
    struct pv_layout l;
    uint64_t map_pages;

    (void)state;
    compute_ok(&in, &l);
    map_pages = (l.map_end_va - l.map_start_va) / PG;
    assert_true(l.p2m_relocated);
    assert_int_equal(l.start_info_pfn, l.kernel_pfn + l.kernel_pages);
    /* MOD_START_PFN: the initrd follows the mapping, by pfn, in whole pages */
    assert_false(l.initrd_mapped);
    assert_int_equal(l.initrd_pfn, map_pages);
    assert_int_equal(l.initrd_pages, (5 * MiB) / PG + 1);
    assert_int_equal(l.mod_start, l.initrd_pfn);
    assert_int_equal(l.mod_len, l.initrd_pages * PG);
    /* INIT_P2M: p2m last, then one L3, L2 and L1 mapping it at 512 GiB */
    assert_int_equal(l.p2m_pfn, l.initrd_pfn + l.initrd_pages);
    assert_int_equal(l.p2m_pages, 128);
    assert_int_equal(l.p2m_va, 0x8000000000ULL);
    assert_int_equal(l.p2m_pt_pages, 3);
    assert_int_equal(l.nr_p2m_frames, 131);
    assert_int_equal(l.pages_used, l.p2m_pfn + 131);
    assert_int_equal(l.nr_maps, 2);
    assert_int_equal(pv_layout_va_to_pfn(&l, 0x8000000000ULL + 5 * PG), l.p2m_pfn + 5);
    assert_int_equal(pv_layout_table_pfn(&l, 3, 0x8000000000ULL), l.p2m_pfn + 128);
    assert_int_equal(pv_layout_table_pfn(&l, 2, 0x8000000000ULL), l.p2m_pfn + 129);
    assert_int_equal(pv_layout_table_pfn(&l, 1, 0x8000000000ULL), l.p2m_pfn + 130);
    assert_true(pv_layout_is_table(&l, l.p2m_pfn + 130));
    assert_false(pv_layout_is_table(&l, l.p2m_pfn + 127));
    assert_int_equal(pv_layout_va_to_pfn(&l, 0x8000000000ULL + 128 * PG), PV_LAYOUT_NO_PFN);
    assert_int_equal(pv_layout_table_pfn(&l, 1, 0x9000000000ULL), PV_LAYOUT_NO_PFN);
    assert_int_equal(pv_layout_table_pfn(&l, 0, LINUX_BASE), PV_LAYOUT_NO_PFN);
    assert_int_equal(pv_layout_table_pfn(&l, 5, LINUX_BASE), PV_LAYOUT_NO_PFN);
}

/* A relocated p2m inside the same L3 (and L2) as the mapping reuses those tables. */
static void test_relocated_p2m_shares_tables(void **state)
{
    struct pv_layout_in in = minios(PG, 1024 * 512 + 1); /* 1025 p2m pages: 3 L1s */
    struct pv_layout l;

    (void)state;
    in.virt_base = 0x40000000ULL;
    in.virt_kstart = in.virt_base;
    in.virt_kend = in.virt_base + PG;
    in.has_init_p2m = true;
    in.init_p2m_va = 0x20000000ULL;
    compute_ok(&in, &l);
    assert_true(l.p2m_relocated);
    assert_int_equal(l.map[1].lvl[2].count, 0); /* L3 shared */
    assert_int_equal(l.map[1].lvl[1].count, 1); /* its own L2 for [0, 1 GiB) */
    assert_int_equal(l.map[1].lvl[0].count, 3);
    assert_int_equal(l.p2m_pt_pages, 4);
    assert_int_equal(pv_layout_table_pfn(&l, 3, in.init_p2m_va), l.pt_pfn + 1);
    assert_int_equal(pv_layout_table_pfn(&l, 2, in.init_p2m_va), l.p2m_pfn + 1025);
    /* p2m [0x3fefe000, 0x402fefff] ends in the L2 and the L1 where the mapping starts */
    in.init_p2m_va = 0x3fefe000ULL;
    in.virt_base = 0x40300000ULL;
    in.virt_kstart = in.virt_kend = in.virt_base;
    compute_ok(&in, &l);
    assert_int_equal(l.map[1].lvl[1].count, 1);
    assert_int_equal(l.map[1].lvl[1].va_last, 0x3fffffffULL);
    assert_int_equal(l.map[1].lvl[0].count, 2);
    assert_int_equal(l.map[1].lvl[0].va_last, 0x401fffffULL);
    assert_int_equal(l.p2m_pt_pages, 3);
    assert_int_equal(pv_layout_table_pfn(&l, 1, 0x402fe000ULL), l.pt_pfn + 3);
    assert_int_equal(pv_layout_table_pfn(&l, 1, 0x3fefe000ULL), l.p2m_pfn + 1025 + 1);
    assert_int_equal(pv_layout_table_pfn(&l, 2, 0x40000000ULL), l.pt_pfn + 2);
    assert_int_equal(pv_layout_table_pfn(&l, 2, 0x3fefe000ULL), l.p2m_pfn + 1025);
    assert_int_equal(pv_layout_va_to_pfn(&l, 0x402fe000ULL), l.p2m_pfn + 1024);
}

static void test_init_p2m_ignored(void **state)
{
    struct pv_layout_in in = linux_like(65536);
    struct pv_layout l;

    (void)state;
    in.init_p2m_va = LINUX_BASE; /* not below VIRT_BASE */
    compute_ok(&in, &l);
    check_p2m_mapped(&in, &l);
    in.init_p2m_va = 0x8000000800ULL; /* not page aligned */
    compute_ok(&in, &l);
    check_p2m_mapped(&in, &l);
}

struct bad_case {
    struct pv_layout_in in;
    int rc;
    const char *why;
};

static void test_refusals(void **state)
{
    const struct bad_case cases[] = {
        {minios(16 * PG, 100), -PV_ENOMEM, "not enough memory for the initial mapping"},
        {minios(16 * PG, 1023), -PV_ENOMEM, "not enough memory for the initial mapping"},
        {minios(200 * MiB, 8192), -PV_ENOMEM, "guest memory too small for the boot layout"},
        {minios(16 * PG, 0), -PV_ENOMEM, "guest has no memory"},
        {minios(16 * PG + 1, 8192), -PV_EINVAL, "image addresses not page aligned"},
        {{0x1000, 0, PG, 8192, 0, false, false, 0}, -PV_EINVAL, "image below VIRT_BASE"},
        {{0, 2 * PG, PG, 8192, 0, false, false, 0}, -PV_EINVAL, "image below VIRT_BASE"},
        {{0xffffffffffc00000ULL, 0xffffffffffc00000ULL, 0xffffffffffc01000ULL, 8192, 0, false,
          false, 0},
         -PV_EINVAL,
         "does not fit in the address space"},
        {{0x7fffffc00000ULL, 0x7fffffc00000ULL, 0x800000000000ULL, 8192, 0, false, false, 0},
         -PV_EINVAL,
         "does not fit in the address space"},
        {{0x40000000ULL, 0x40000000ULL, 0x40001000ULL, 65536, 0, false, true, 0x40000000ULL - PG},
         -PV_EINVAL,
         "INIT_P2M area overlaps the initial mapping"},
        {{0xffff880000000000ULL, 0xffff880000000000ULL, 0xffff880000001000ULL, 65536, 0, false,
          true, 0xffff800000000000ULL},
         -PV_EINVAL,
         "INIT_P2M area outside the guest address space"},
        {minios(PG, 1ULL << 41), -PV_EINVAL, "guest memory size out of range"},
        {{0xfffffffffff00000ULL, 0xfffffffffff00000ULL, 0xffffffffffff0000ULL, 1024, 0, false,
          false, 0},
         -PV_EINVAL,
         "does not fit in the address space"},
        {{0xfffffffffff00000ULL, 0xfffffffffff00000ULL, 0xfffffffffffff000ULL, 300000, 0, false,
          false, 0},
         -PV_EINVAL,
         "does not fit in the address space"},
        {{0xffffffffff000000ULL, 0xffffffffff000000ULL, 0xffffffffff001000ULL, 1ULL << 30, 0, false,
          true, 0xfffffffffe000000ULL},
         -PV_EINVAL,
         "INIT_P2M area does not fit in the address space"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pv_layout l;
        const char *why = NULL;

        print_message("refusal %zu\n", i);
        assert_int_equal(pv_layout_compute(&cases[i].in, &l, &why), cases[i].rc);
        assert_non_null(why);
        if (!strstr(why, cases[i].why))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, why, cases[i].why);
    }
}

/* Exactly as much memory as the mapping needs is enough; one page less is not. */
static void test_memory_boundary(void **state)
{
    struct pv_layout_in in = minios(600 * PG, 1024);
    struct pv_layout l;
    const char *why;

    (void)state;
    compute_ok(&in, &l);
    assert_int_equal(l.map_end_va, 4 * MiB);
    in.nr_pages = 1023;
    assert_int_equal(pv_layout_compute(&in, &l, &why), -PV_ENOMEM);
    /* Shrinking memory shrinks the p2m: iterate to the smallest self-consistent size. */
    in = linux_like(65536);
    compute_ok(&in, &l);
    while (l.pages_used != in.nr_pages) {
        in.nr_pages = l.pages_used;
        compute_ok(&in, &l);
    }
    in.nr_pages--;
    assert_int_equal(pv_layout_compute(&in, &l, &why), -PV_ENOMEM);
}

static void test_lower_half_top(void **state)
{
    struct pv_layout_in in = {
        0x7fffffc00000ULL, 0x7fffffc00000ULL, 0x7fffffc00000ULL + PG, 2048, 0, false, false, 0};
    struct pv_layout l;

    (void)state;
    compute_ok(&in, &l);
    assert_int_equal(l.map_end_va, PV_LAYOUT_LOWER_END);
}

static uint64_t rnd64(void)
{
    return ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();
}

/* Random inputs never crash, and every accepted layout satisfies the invariants. */
static void test_random_inputs(void **state)
{
    unsigned ok = 0;

    (void)state;
    srand(12345);
    for (int i = 0; i < 3000; i++) {
        struct pv_layout_in in = {0};
        struct pv_layout l;
        const char *why;
        uint64_t bases[] = {0, LINUX_BASE, 0x40000000ULL, rnd64() & ~(PG - 1)};

        in.virt_base = bases[rand() % 4];
        in.virt_kstart = in.virt_base + (uint64_t)(rand() % 4096) * PG;
        in.virt_kend = in.virt_kstart + (uint64_t)(rand() % 20000) * PG;
        in.nr_pages = (uint64_t)(rand() % 300000);
        in.initrd_len = rand() % 2 ? (uint64_t)rand() % (64 * MiB) : 0;
        in.mod_start_pfn = rand() % 2;
        in.has_init_p2m = rand() % 2;
        in.init_p2m_va = rand() % 2 ? 0x8000000000ULL : rnd64() & ~(PG - 1);
        if (pv_layout_compute(&in, &l, &why) != 0)
            continue;
        ok++;
        check_order(&in, &l);
        check_table_counts(&l);
        if (l.initrd_pages)
            assert_true(l.initrd_pfn + l.initrd_pages <= l.pages_used);
    }
    print_message("%u of 3000 random layouts accepted\n", ok);
    assert_true(ok > 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minios_exact),
        cmocka_unit_test(test_mapped_initrd),
        cmocka_unit_test(test_aligned_end_quirk),
        cmocka_unit_test(test_larger_images),
        cmocka_unit_test(test_linux_relocated_p2m),
        cmocka_unit_test(test_relocated_p2m_shares_tables),
        cmocka_unit_test(test_init_p2m_ignored),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_memory_boundary),
        cmocka_unit_test(test_lower_half_top),
        cmocka_unit_test(test_random_inputs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
