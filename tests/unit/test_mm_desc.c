/* Unit tests of descriptor audits and descriptor pages (hypervisor/mm/descriptor.c), and of the
 * plain-memory and boundary cases of mm_mod_entry: writes to frames in no page-table use,
 * preserved accessed/dirty bits, bad addresses, and counts at their limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "pv-abi/errno.h"
#include "mm_fake.h"
#include "paging.h"

/* A descriptor from its fields; for system types the low byte of the high word is `low`. */
static uint64_t desc(unsigned type, bool s, unsigned dpl, bool p, unsigned low)
{
    uint32_t a = 0x1234ffff; /* base 15:0, limit 15:0 */
    uint32_t b = 0x00af0000 | low | type << 8 | (unsigned)s << 12 | dpl << 13 | (unsigned)p << 15;

    return ((uint64_t)b << 32) | a;
}

static uint64_t gate(uint16_t sel, unsigned dpl, unsigned low)
{
    uint32_t a = 0x5678 | (uint32_t)sel << 16;
    uint32_t b = 0xffff0000 | low | 0xcU << 8 | dpl << 13 | 1U << 15;

    return ((uint64_t)b << 32) | a;
}

/* Every type, S, DPL, presence and low byte: what Xen's check_descriptor does with each. */
static void test_descriptor_matrix(void **state)
{
    unsigned n = 0;

    (void)state;
    for (unsigned type = 0; type < 16; type++)
        for (unsigned s = 0; s < 2; s++)
            for (unsigned dpl = 0; dpl < 4; dpl++)
                for (unsigned p = 0; p < 2; p++)
                    for (unsigned low = 0; low < 0x40; low += 0x1f, n++) {
                        uint64_t d = desc(type, s, dpl, p, low), in = d, want = d;
                        int want_rc = 0;

                        if (p && s) {
                            want |= 3ULL << 45; /* DPL raised to 3 */
                        } else if (p && type == 0xc) {
                            want_rc = low ? -PV_EINVAL : 0;             /* no parameter count */
                            want = (want & ~(3ULL << 45)) | 3ULL << 16; /* DPL 0, RPL 3 */
                        } else if (p && type != 0) {
                            want_rc = -PV_EINVAL; /* TSS, LDT, interrupt/trap gates... */
                        }
                        if (mm_check_descriptor(&d) != want_rc)
                            fail_msg("type %#x s %u dpl %u p %u low %#x: expected %d", type, s, dpl,
                                     p, low, want_rc);
                        if (!want_rc)
                            assert_int_equal(d, want);
                        else
                            assert_int_equal(d, in);
                    }
    assert_int_equal(n, 16 * 2 * 4 * 2 * 3);
}

/* Call gates may only lead to a guest GDT entry, an LDT entry or the flat kernel code segment. */
static const struct {
    uint16_t sel;
    bool ok;
} gate_selectors[] = {
    {0x0000, true},  {0x0010, true},  {0x0013, true},  {7167 << 3, true}, {7168 << 3, false},
    {0xe008, false}, {0xe010, false}, {0xe023, false}, {0xe02b, false},   {0xe033, true},
    {0xe030, false}, {0xe040, false}, {0xfff8, false}, {0xe00c, true},    {0xfffc, true},
};

static void test_call_gate_selectors(void **state)
{
    (void)state;
    for (unsigned i = 0; i < sizeof(gate_selectors) / sizeof(gate_selectors[0]); i++)
        for (unsigned dpl = 0; dpl < 4; dpl++) {
            uint64_t d = gate(gate_selectors[i].sel, dpl, 0);
            uint16_t sel = (gate_selectors[i].sel & ~3) | 3;
            int rc = mm_check_descriptor(&d);

            if (rc != (gate_selectors[i].ok ? 0 : -PV_EINVAL))
                fail_msg("selector %#x dpl %u: %d", gate_selectors[i].sel, dpl, rc);
            if (!rc)
                assert_int_equal(d, (gate(sel, 0, 0)));
        }
}

static uint64_t seg_page(void)
{
    uint64_t m = mmf_frame(&dom_a);
    uint64_t *d = mmf_mem(m);

    d[1] = desc(0xb, true, 0, true, 0); /* ring-0 code: becomes ring 3 */
    d[2] = desc(0x3, true, 3, true, 0);
    d[3] = gate(0xe033, 3, 0);
    d[4] = 0;
    d[5] = desc(0x9, false, 0, false, 0); /* a TSS, but not present */
    return m;
}

/* Descriptor pages are audited as a whole when typed and never writable while typed. */
static void test_descriptor_pages(void **state)
{
    uint64_t good, bad, l1, w;

    (void)state;
    mmf_reset();
    good = seg_page();
    bad = seg_page();
    mmf_mem(bad)[300] = desc(0x9, false, 3, true, 0); /* a present TSS */
    l1 = mmf_frame(&dom_a);
    w = mmf_frame(&dom_a);
    assert_int_equal(mm_get_page_and_type(bad, &dom_a, PGT_seg_desc), -PV_EINVAL);
    assert_int_equal(mmf_type(bad), PGT_none);
    assert_int_equal(frame_info(bad)->count, 0);
    assert_int_equal(mm_get_page_and_type(good, &dom_a, PGT_seg_desc), 0);
    assert_int_equal(mmf_mem(good)[1], desc(0xb, true, 3, true, 0));
    assert_int_equal(mmf_mem(good)[3], gate(0xe033, 0, 0));
    assert_int_equal(mm_pin(&dom_a, l1, 1), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 0), mmf_pte(good, PTE_P | PTE_RW), false),
                     -PV_EBUSY);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 0), mmf_pte(good, PTE_P), false), 0);
    assert_int_equal(mm_pin(&dom_a, good, 1), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(good, 4), 0x1234, false), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 1), mmf_pte(w, PTE_P | PTE_RW), false), 0);
    assert_int_equal(mm_get_page_and_type(w, &dom_a, PGT_seg_desc), -PV_EINVAL);
    /* update_descriptor: audited, into a descriptor page or plain memory only. */
    assert_int_equal(mm_update_descriptor(&dom_a, mmf_maddr(good, 7), desc(0x3, true, 1, true, 0)),
                     0);
    assert_int_equal(mmf_mem(good)[7], desc(0x3, true, 3, true, 0));
    assert_int_equal(mm_update_descriptor(&dom_a, mmf_maddr(good, 8), gate(0xe008, 3, 0)),
                     -PV_EINVAL);
    assert_int_equal(mm_update_descriptor(&dom_a, mmf_maddr(good, 8) + 4, 0), -PV_EINVAL);
    assert_int_equal(mm_update_descriptor(&dom_a, mmf_maddr(w, 8), gate(0x10, 3, 0)), 0);
    assert_int_equal(mmf_mem(w)[8], gate(0x13, 0, 0));
    assert_int_equal(mm_update_descriptor(&dom_a, mmf_maddr(l1, 8), 0), -PV_EINVAL);
    assert_int_equal(mm_update_descriptor(&dom_a, mmf_maddr(mmf_frame(&dom_b), 8), 0), -PV_EINVAL);
    assert_int_equal(mmf_type_count(good), 1);
    /* Released, the page keeps its audited type until it is used otherwise. */
    mm_put_page_and_type(good);
    assert_int_equal(frame_info(good)->type_info, PGT_seg_desc | PGT_validated);
    assert_int_equal(mm_update_descriptor(&dom_a, mmf_maddr(good, 9), 0), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 0), 0, false), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(good, 4), 0x1234, false), 0);
    assert_int_equal(mmf_mem(good)[4], 0x1234);
    assert_int_equal(mmf_type(good), PGT_writable);
    mm_domain_teardown(&dom_a);
    mmf_assert_all_zero(&dom_a);
}

/* Frames in no page-table or descriptor use are written as plain memory, as Xen does. */
static void test_mod_entry_plain_memory(void **state)
{
    uint64_t f, l2;
    unsigned long flushes;

    (void)state;
    mmf_reset();
    f = mmf_frame(&dom_a);
    l2 = mmf_frame(&dom_a);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(f, 3), 0xdeadbeef, false), 0);
    assert_int_equal(mmf_mem(f)[3], 0xdeadbeef);
    assert_int_equal(frame_info(f)->type_info, PGT_writable | PGT_validated);
    assert_int_equal(frame_info(f)->count, 0);
    /* An L1 no longer in use is plain memory again (and its old use is flushed away). */
    mmf_mem(l2)[0] = mmf_pte(f, PTE_P | PTE_RW | PTE_US);
    mmf_mem(f)[3] = 0;
    assert_int_equal(mm_pin(&dom_a, l2, 2), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(f, 3), 0xdeadbeef, false), -PV_EINVAL);
    assert_int_equal(mm_unpin(&dom_a, l2), 0);
    flushes = mmf.flushes;
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(f, 3), 0xdeadbeef, false), 0);
    assert_int_equal(mmf.flushes, flushes + 1);
    assert_int_equal(mmf_mem(f)[3], 0xdeadbeef);
    /* Addresses that are not an entry of the caller's memory. */
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(f, 3) + 1, 0, false), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(f, 3) + 4, 0, false), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(mmf_frame(&dom_b), 0), 0, false), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(MMF_HV_FRAME, 0), 0, false), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(MMF_BEYOND, 0), 0, false), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, ~7ULL, 0, false), -PV_EINVAL);
    mmf_assert_all_zero(&dom_a);
}

/* With MMU_PT_UPDATE_PRESERVE_AD the accessed and dirty bits the CPU set stay. */
static void test_preserve_ad(void **state)
{
    uint64_t l1, data, *e;

    (void)state;
    mmf_reset();
    l1 = mmf_frame(&dom_a);
    data = mmf_frame(&dom_a);
    e = &mmf_mem(l1)[6];
    assert_int_equal(mm_pin(&dom_a, l1, 1), 0);
    for (unsigned path = 0; path < 2; path++) { /* same references, then new ones */
        uint64_t flags = path ? PTE_P : PTE_P | PTE_RW | PTE_US;

        assert_int_equal(
            mm_mod_entry(&dom_a, mmf_maddr(l1, 6), mmf_pte(data, PTE_P | PTE_RW | PTE_US), false),
            0);
        *e |= PTE_A | PTE_D; /* the CPU used the mapping */
        assert_int_equal(
            mm_mod_entry(&dom_a, mmf_maddr(l1, 6), mmf_pte(data, flags | PTE_NX), true), 0);
        assert_int_equal(*e & (PTE_A | PTE_D), PTE_A | PTE_D);
        assert_int_equal(*e & PTE_NX, PTE_NX);
        *e |= PTE_A | PTE_D;
        assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 6), mmf_pte(data, flags), false), 0);
        assert_int_equal(*e & (PTE_A | PTE_D | PTE_NX), 0);
    }
    assert_int_equal(mmf_type_count(data), 0);
    assert_int_equal(mm_unpin(&dom_a, l1), 0);
    mmf_assert_all_zero(&dom_a);
}

/* Counts that would overflow refuse the reference instead. */
static void test_count_limits(void **state)
{
    uint64_t l1, l2, data, child;
    struct page_info *pg;

    (void)state;
    mmf_reset();
    l1 = mmf_frame(&dom_a);
    l2 = mmf_frame(&dom_a);
    data = mmf_frame(&dom_a);
    child = mmf_frame(&dom_a);
    assert_int_equal(mm_pin(&dom_a, l1, 1), 0);
    assert_int_equal(mm_pin(&dom_a, l2, 2), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 0), mmf_pte(data, PTE_P | PTE_RW), false),
                     0);
    pg = frame_info(data);
    pg->type_info += PGT_count_mask - 1; /* as if mapped writable that many times */
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 1), mmf_pte(data, PTE_P | PTE_RW), false),
                     -PV_EBUSY);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 1), mmf_pte(data, PTE_P), false), 0);
    pg->type_info -= PGT_count_mask - 1;
    pg->count = UINT32_MAX;
    assert_int_equal(mm_get_page(data, &dom_a), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 2), mmf_pte(data, PTE_P), false),
                     -PV_EBUSY);
    pg->count = 2;
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l2, 0), mmf_pte(child, PTE_P), false), 0);
    frame_info(child)->type_info += PGT_count_mask - 1;
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l2, 1), mmf_pte(child, PTE_P), false),
                     -PV_EINVAL);
    frame_info(child)->type_info -= PGT_count_mask - 1;
    mm_domain_teardown(&dom_a);
    mmf_assert_all_zero(&dom_a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor_matrix), cmocka_unit_test(test_call_gate_selectors),
        cmocka_unit_test(test_descriptor_pages),  cmocka_unit_test(test_mod_entry_plain_memory),
        cmocka_unit_test(test_preserve_ad),       cmocka_unit_test(test_count_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
