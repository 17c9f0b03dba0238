/* Unit tests of libpvbuild/pv_start.c: bootstrap page tables (walked in software), p2m, start_info. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "libpvbuild/pv_layout.h"
#include "libpvbuild/pv_start.h"
#include "pv-abi/errno.h"

#define PG 4096ULL
#define MiB (1ULL << 20)
#define MFN_BASE 0x12340ULL /* the fake machine: mfn = MFN_BASE + 3 * pfn (never identity) */

/* A fake guest: nr_pages frames on the heap, p2m[pfn] = MFN_BASE + 3 * pfn. */
struct guest {
    uint8_t *mem;
    uint64_t *p2m, nr_pages;
    struct pv_layout lay;
    struct pv_start_frames f;
};

static void *page_of(void *ctx, uint64_t pfn)
{
    struct guest *g = ctx;

    assert_true(pfn < g->nr_pages);
    return g->mem + pfn * PG;
}

static void *mfn_page(const struct guest *g, uint64_t mfn)
{
    assert_true(mfn >= MFN_BASE && (mfn - MFN_BASE) % 3 == 0);
    assert_true((mfn - MFN_BASE) / 3 < g->nr_pages);
    return g->mem + (mfn - MFN_BASE) / 3 * PG;
}

static void guest_init(struct guest *g, const struct pv_layout_in *in)
{
    const char *why;

    memset(g, 0, sizeof(*g));
    g->nr_pages = in->nr_pages;
    g->mem = calloc(g->nr_pages, PG);
    g->p2m = calloc(g->nr_pages, 8);
    assert_non_null(g->mem);
    assert_non_null(g->p2m);
    for (uint64_t i = 0; i < g->nr_pages; i++)
        g->p2m[i] = MFN_BASE + 3 * i;
    assert_int_equal(pv_layout_compute(in, &g->lay, &why), 0);
    g->f = (struct pv_start_frames){g, page_of, g->p2m, g->nr_pages};
}

static void guest_free(struct guest *g)
{
    free(g->mem);
    free(g->p2m);
}

/* Walk the tables from the L4 as the MMU does: the final entry of va, or 0 if not present. */
static uint64_t walk(const struct guest *g, uint64_t va, uint64_t *upper_flags)
{
    uint64_t e = (g->p2m[g->lay.pt_pfn] << 12) | 0x67, flags = 0x67;

    for (unsigned level = 4; level >= 1; level--) {
        const uint64_t *t = mfn_page(g, (e >> 12) & 0xFFFFFFFFFFULL);

        e = t[(va >> (12 + 9 * (level - 1))) & 511];
        if (!(e & 1))
            return 0;
        if (level > 1)
            flags &= e;
    }
    *upper_flags = flags;
    return e;
}

static void check_mapping(const struct guest *g)
{
    for (unsigned m = 0; m < g->lay.nr_maps; m++)
        for (uint64_t va = g->lay.map[m].va_from; va < g->lay.map[m].va_last; va += PG) {
            uint64_t pfn = pv_layout_va_to_pfn(&g->lay, va), up = 0, e = walk(g, va, &up);

            assert_int_equal((e >> 12) & 0xFFFFFFFFFFULL, g->p2m[pfn]);
            assert_int_equal(up & 0x7, 0x7);                /* upper levels P, RW, US */
            assert_int_equal(e & 0x65, 0x21);               /* P, A; not D, not US (kernel) */
            assert_int_equal(!!(e & 2), !pv_layout_is_table(&g->lay, pfn)); /* tables read-only */
        }
}

static void check_unmapped(const struct guest *g, uint64_t va)
{
    uint64_t up;

    assert_int_equal(walk(g, va, &up), 0);
}

static void test_minios_tables(void **state)
{
    struct pv_layout_in in = {.virt_kend = 600 * 1024, .nr_pages = 16 * MiB / PG};
    struct guest g;

    (void)state;
    guest_init(&g, &in);
    pv_start_write_tables(&g.lay, &g.f);
    check_mapping(&g);
    check_unmapped(&g, g.lay.map_end_va);
    check_unmapped(&g, 0xffffffff80000000ULL);
    guest_free(&g);
}

static void test_linux_tables_relocated_p2m(void **state)
{
    struct pv_layout_in in = {.virt_base = 0xffffffff80000000ULL,
                              .virt_kstart = 0xffffffff81000000ULL,
                              .virt_kend = 0xffffffff82e00000ULL, .nr_pages = 96 * MiB / PG,
                              .initrd_len = 3 * MiB + 5, .mod_start_pfn = true,
                              .has_init_p2m = true, .init_p2m_va = 0x8000000000ULL};
    struct guest g;

    (void)state;
    guest_init(&g, &in);
    assert_int_equal(g.lay.nr_maps, 2);
    pv_start_write_tables(&g.lay, &g.f);
    check_mapping(&g);
    check_unmapped(&g, in.init_p2m_va - PG);
    /* The initrd (MOD_START_PFN) stays unmapped: no VA of the initial mapping reaches it. */
    for (uint64_t va = g.lay.map_start_va; va < g.lay.map_end_va; va += PG)
        assert_true(pv_layout_va_to_pfn(&g.lay, va) < g.lay.initrd_pfn);
    guest_free(&g);
}

static void test_p2m_list(void **state)
{
    struct pv_layout_in in = {.virt_kend = 64 * 1024, .nr_pages = 1800}; /* 3.5 p2m pages */
    struct guest g;
    const uint64_t *list;

    (void)state;
    guest_init(&g, &in);
    assert_int_equal(g.lay.p2m_pages, 4);
    memset(g.mem + (g.lay.p2m_pfn + 4) * PG, 0xAA, PG); /* the page after the list */
    pv_start_write_p2m(&g.lay, &g.f);
    list = (const uint64_t *)(g.mem + g.lay.p2m_pfn * PG);
    for (uint64_t pfn = 0; pfn < g.nr_pages; pfn++)
        assert_int_equal(list[pfn], MFN_BASE + 3 * pfn);
    assert_int_equal(list[g.nr_pages], 0); /* the rest of the last list page untouched */
    assert_int_equal(g.mem[(g.lay.p2m_pfn + 4) * PG], 0xAA);
    guest_free(&g);
}

static void test_start_info(void **state)
{
    struct pv_layout_in in = {.virt_base = 0xffffffff80000000ULL,
                              .virt_kstart = 0xffffffff81000000ULL,
                              .virt_kend = 0xffffffff81400000ULL, .nr_pages = 8192,
                              .initrd_len = 10000, .mod_start_pfn = true,
                              .has_init_p2m = true, .init_p2m_va = 0x8000000000ULL};
    char line[2000];
    struct pv_start_params sp = {.nr_pages = 8192, .shared_info_mfn = 0x777, .store_mfn = 0x55,
                                 .console_mfn = 0x66, .store_evtchn = 1, .console_evtchn = 2,
                                 .cmdline = line};
    struct pv_start_info si;
    struct guest g;

    (void)state;
    memset(line, 'x', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    guest_init(&g, &in);
    memset(&si, 0, sizeof(si));
    pv_start_fill_info(&si, &g.lay, &sp);
    assert_string_equal(si.magic, "xen-3.0-x86_64");
    assert_int_equal(si.nr_pages, 8192);
    assert_int_equal(si.shared_info, 0x777000);
    assert_int_equal(si.flags, PV_SIF_MOD_START_PFN);
    assert_int_equal(si.store_mfn, 0x55);
    assert_int_equal(si.store_evtchn, 1);
    assert_int_equal(si.console.domU.mfn, 0x66);
    assert_int_equal(si.console.domU.evtchn, 2);
    assert_int_equal(si.pt_base, in.virt_base + g.lay.pt_pfn * PG);
    assert_int_equal(si.nr_pt_frames, g.lay.pt_pages);
    assert_int_equal(si.mfn_list, in.init_p2m_va);
    assert_int_equal(si.mod_start, g.lay.initrd_pfn);
    assert_int_equal(si.mod_len, 3 * PG);
    assert_int_equal(si.first_p2m_pfn, g.lay.p2m_pfn);
    assert_int_equal(si.nr_p2m_frames, g.lay.nr_p2m_frames);
    assert_int_equal(strlen(si.cmd_line), sizeof(si.cmd_line) - 1); /* truncated, terminated */
    sp.initdomain = true;
    sp.cmdline = NULL;
    memset(&si, 0, sizeof(si));
    pv_start_fill_info(&si, &g.lay, &sp);
    assert_int_equal(si.flags, PV_SIF_MOD_START_PFN | PV_SIF_PRIVILEGED | PV_SIF_INITDOMAIN);
    assert_string_equal(si.cmd_line, "");
    guest_free(&g);
}

static void test_start_info_mapped_initrd(void **state)
{
    struct pv_layout_in in = {.virt_kend = 64 * 1024, .nr_pages = 4096, .initrd_len = 5000};
    struct pv_start_params sp = {.nr_pages = 4096};
    struct pv_start_info si;
    struct guest g;

    (void)state;
    guest_init(&g, &in);
    memset(&si, 0, sizeof(si));
    pv_start_fill_info(&si, &g.lay, &sp);
    assert_int_equal(si.flags, 0);
    assert_int_equal(si.mod_start, g.lay.initrd_pfn * PG); /* a VA: virt_base 0 */
    assert_int_equal(si.mod_len, 5000);
    assert_int_equal(si.mfn_list, g.lay.p2m_pfn * PG);
    assert_int_equal(si.first_p2m_pfn, 0);
    assert_int_equal(si.nr_p2m_frames, 0);
    guest_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minios_tables),
        cmocka_unit_test(test_linux_tables_relocated_p2m),
        cmocka_unit_test(test_p2m_list),
        cmocka_unit_test(test_start_info),
        cmocka_unit_test(test_start_info_mapped_initrd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
