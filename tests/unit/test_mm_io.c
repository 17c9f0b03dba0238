/* Unit tests of I/O memory in the page-table core (hypervisor/mm/page_table.c): a domain's L1
 * entries may map the frames outside RAM and DOMID_IO frames its iomem_caps hold (taking no
 * reference; write-back requests become uncached) and carry cache attributes; the IO-APIC
 * page and the MSI window stay refused even when the ranges hold them, RAM goes by its owner,
 * and a domain is refused every frame its ranges do not hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "pv-abi/errno.h"
#include "mm_fake.h"
#include "paging.h"

#define IO_MAX_MFN (1ULL << 28) /* a 40-bit machine */

/* What dom0 holds at boot, but with the interrupt controllers' windows left in. */
static void io_allow(struct domain *d)
{
    assert_int_equal(rangeset_add(&d->iomem_caps, 0, IO_MAX_MFN - 1), 0);
}

static uint64_t pte_addr_mfn(uint64_t e)
{
    return (e & PTE_ADDR) >> 12;
}

static uint64_t l1_of(struct domain *d)
{
    uint64_t m = mmf_frame(d);

    assert_int_equal(mm_pin(d, m, 1), 0);
    return m;
}

/* Write e into slot 3 of d's pinned L1; on success clear it again. The frames' counts must
 * come back unchanged either way (I/O frames hold no references). */
static int try_entry(struct domain *d, uint64_t l1, uint64_t e)
{
    struct mmf_counts before;
    int rc;

    mmf_snapshot(&before);
    rc = mm_mod_entry(d, mmf_maddr(l1, 3), e, false);
    if (!rc) {
        uint64_t cache = PTE_PWT | PTE_PCD | PTE_PSE, stored = mmf_mem(l1)[3];

        assert_int_equal(stored & PTE_ADDR, e & PTE_ADDR);
        if (!frame_info(pte_addr_mfn(e)) || frame_info(pte_addr_mfn(e))->owner == DOMID_IO)
            assert_int_equal(stored & cache, e & cache ? e & cache : PTE_PCD | PTE_PWT);
        else
            assert_int_equal(stored & cache, e & cache); /* RAM keeps what was asked */
        assert_int_equal(mm_mod_entry(d, mmf_maddr(l1, 3), 0, false), 0);
    }
    mmf_assert_counts(&before);
    return rc;
}

static uint64_t dom_io_frame(void)
{
    uint64_t m = mmf_free_frame();

    frame_info(m)->owner = DOMID_IO;
    return m;
}

static void test_io_domain_maps_io(void **state)
{
    uint64_t l1, io;
    const uint64_t rw = PTE_P | PTE_RW;

    (void)state;
    mmf_reset();
    io_allow(&dom_a);
    l1 = l1_of(&dom_a);
    io = dom_io_frame();
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(MMF_BEYOND, rw)), 0);
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(MMF_BEYOND, rw | PTE_PCD | PTE_PWT)), 0);
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(io, rw | PTE_PSE)), 0); /* PAT */
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(0xfebf0, rw)), 0);      /* a PCI BAR */
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(mmf_frame(&dom_a), rw | PTE_PCD)), 0);
    /* Still refused: the interrupt controllers, beyond the address width, others' frames. */
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(MM_IOAPIC_MFN, rw)), -PV_EPERM);
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(MM_MSI_FIRST_MFN, PTE_P)), -PV_EPERM);
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(MM_MSI_LAST_MFN, PTE_P)), -PV_EPERM);
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(IO_MAX_MFN, PTE_P)), -PV_EPERM);
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(mmf_frame(&dom_b), PTE_P)), -PV_EBUSY);
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(MMF_HV_FRAME, PTE_P)), -PV_EBUSY);
    assert_int_equal(try_entry(&dom_a, l1, mmf_pte(mmf_free_frame(), PTE_P)), -PV_EBUSY);
    assert_int_equal(mm_unpin(&dom_a, l1), 0);
    rangeset_clear(&dom_a.iomem_caps);
}

static void test_other_domain_refused(void **state)
{
    uint64_t l1, io;

    (void)state;
    mmf_reset();
    io_allow(&dom_a);
    l1 = l1_of(&dom_b);
    io = dom_io_frame();
    assert_int_equal(try_entry(&dom_b, l1, mmf_pte(MMF_BEYOND, PTE_P)), -PV_EPERM);
    assert_int_equal(try_entry(&dom_b, l1, mmf_pte(io, PTE_P)), -PV_EPERM);
    assert_int_equal(try_entry(&dom_b, l1, mmf_pte(mmf_frame(&dom_b), PTE_P | PTE_PCD)),
                     -PV_EINVAL);
    assert_false(mm_io_frame_ok(&dom_b, MMF_BEYOND));
    assert_true(mm_io_frame_ok(&dom_a, MMF_BEYOND));
    assert_false(mm_io_frame_ok(NULL, MMF_BEYOND));
    /* Given one frame (dom0's iomem_permission), dom_b maps that one only, with attributes. */
    assert_int_equal(rangeset_add(&dom_b.iomem_caps, MMF_BEYOND, MMF_BEYOND), 0);
    assert_int_equal(try_entry(&dom_b, l1, mmf_pte(MMF_BEYOND, PTE_P | PTE_RW | PTE_PCD)), 0);
    assert_int_equal(try_entry(&dom_b, l1, mmf_pte(MMF_BEYOND + 1, PTE_P)), -PV_EPERM);
    assert_int_equal(try_entry(&dom_b, l1, mmf_pte(dom_io_frame(), PTE_P)), -PV_EPERM);
    assert_int_equal(rangeset_add(&dom_b.iomem_caps, 0, IO_MAX_MFN - 1), 0);
    assert_int_equal(try_entry(&dom_b, l1, mmf_pte(mmf_frame(&dom_a), PTE_P)), -PV_EBUSY);
    assert_int_equal(try_entry(&dom_b, l1, mmf_pte(MM_IOAPIC_MFN, PTE_P)), -PV_EPERM);
    rangeset_clear(&dom_b.iomem_caps);
    assert_int_equal(mm_unpin(&dom_b, l1), 0);
    rangeset_clear(&dom_a.iomem_caps);
}

/* A pinned table holding I/O entries validates, and its release drops nothing for them. */
static void test_validate_and_release(void **state)
{
    struct mmf_counts before;
    uint64_t l1;

    (void)state;
    mmf_reset();
    io_allow(&dom_a);
    l1 = mmf_frame(&dom_a);
    mmf_mem(l1)[1] = mmf_pte(MMF_BEYOND, PTE_P | PTE_RW | PTE_PCD);
    mmf_mem(l1)[2] = mmf_pte(dom_io_frame(), PTE_P);
    mmf_snapshot(&before);
    assert_int_equal(mm_pin(&dom_a, l1, 1), 0);
    assert_int_equal(mmf_mem(l1)[1] & (PTE_PCD | PTE_PWT), PTE_PCD);           /* as asked */
    assert_int_equal(mmf_mem(l1)[2] & (PTE_PCD | PTE_PWT), PTE_PCD | PTE_PWT); /* forced UC */
    assert_int_equal(mm_unpin(&dom_a, l1), 0);
    mmf_assert_counts(&before);
    rangeset_clear(&dom_a.iomem_caps);
    assert_int_equal(mm_pin(&dom_a, l1, 1), -PV_EINVAL); /* without the grant: PCD refused */
}

/* A read-only I/O frame (arch_mmio_ro: the HPET, an MSI-X table): a writable entry is made
 * read-only, by mm_mod_entry and when a table is pinned (Xen's mmio_ro_ranges); others keep RW. */
static void test_mmio_ro_forced(void **state)
{
    uint64_t l1, ro = MMF_BEYOND + 2;

    (void)state;
    mmf_reset();
    io_allow(&dom_a);
    l1 = l1_of(&dom_a);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 3), mmf_pte(ro, PTE_P | PTE_RW), false), 0);
    assert_int_equal(mmf_mem(l1)[3] & (PTE_P | PTE_RW), PTE_P);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l1, 4), mmf_pte(MMF_BEYOND, PTE_P | PTE_RW), false), 0);
    assert_int_equal(mmf_mem(l1)[4] & PTE_RW, PTE_RW);
    assert_int_equal(mm_unpin(&dom_a, l1), 0);
    mmf_mem(l1)[3] = mmf_pte(ro, PTE_P | PTE_RW);
    assert_int_equal(mm_pin(&dom_a, l1, 1), 0);
    assert_int_equal(mmf_mem(l1)[3] & PTE_RW, 0);
    assert_int_equal(mm_unpin(&dom_a, l1), 0);
    rangeset_clear(&dom_a.iomem_caps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mmio_ro_forced),
        cmocka_unit_test(test_io_domain_maps_io),
        cmocka_unit_test(test_other_domain_refused),
        cmocka_unit_test(test_validate_and_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
