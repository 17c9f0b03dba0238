/* Unit tests of PIRQs (common/pirq.c) and the physdev_op decoder: who may map and bind, one
 * owner per GSI, a domU's grant (irq_caps), edge and level delivery, the EOI protocol and its bitmap, teardown. dom_p is
 * the privileged domain, dom_a and dom_b unprivileged (evtchn_fake.c); GSIs from gsi_fake.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pv-abi/errno.h"
#include "evtchn.h"
#include "evtchn_fake.h"
#include "gsi_fake.h"
#include "hypercall_table.h"
#include "pirq.h"
#include "pv-abi/physdev_op.h"

/* evf_setup, with dom_p holding every GSI as dom0 does (its irq_caps). */
static int setup(void **state)
{
    int rc = evf_setup(state);

    assert_int_equal(rangeset_add(&dom_p.irq_caps, 0, PIRQ_MAX_GSI - 1), 0);
    return rc;
}

static int map(struct domain *caller, unsigned domid, int gsi)
{
    int pirq = -1;
    int rc = pirq_map(caller, domid, PV_MAP_PIRQ_TYPE_GSI, gsi, &pirq);

    if (!rc)
        assert_int_equal(pirq, gsi);
    return rc;
}

static unsigned bound_port(struct domain *d, unsigned gsi)
{
    unsigned port = 0;

    assert_int_equal(map(&dom_p, d == &dom_p ? PV_DOMID_SELF : d->domid, (int)gsi), 0);
    assert_int_equal(pirq_bind(d, gsi, 0, &port), 0);
    return port;
}

static void test_map_rules(void **state)
{
    int pirq = 5;

    (void)state;
    assert_int_equal(map(&dom_a, PV_DOMID_SELF, 8), -PV_EPERM);
    assert_int_equal(map(&dom_a, 3, 8), -PV_EPERM);
    assert_int_equal(map(&dom_a, 77, 8), -PV_ESRCH);
    assert_int_equal(map(&dom_p, PV_DOMID_SELF, 24), -PV_EINVAL);
    assert_int_equal(map(&dom_p, PV_DOMID_SELF, -1), -PV_EINVAL);
    assert_int_equal(map(&dom_p, PV_DOMID_SELF, 0), -PV_EPERM); /* IRQ 0, the timer */
    /* GSI 2, the PIT's pin here: mapped inert as Xen maps its pinless IRQ 2; not in dom0's
     * irq_caps (iocaps_init_dom0), so never bound, never unmasked */
    assert_int_equal(rangeset_remove(&dom_p.irq_caps, 2, 2), 0);
    assert_int_equal(map(&dom_p, PV_DOMID_SELF, 2), 0);
    assert_int_equal(pirq_bind(&dom_p, 2, 0, (unsigned[]){0}), -PV_EPERM);
    assert_true(gsif.masked[2]);
    assert_int_equal(pirq_unmap(&dom_p, PV_DOMID_SELF, 2), 0);
    assert_int_equal(pirq_map(&dom_p, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_GSI, 8, &pirq), -PV_EINVAL);
    assert_int_equal(pirq_map(&dom_p, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 8, &pirq), -PV_EINVAL);
    assert_int_equal(map(&dom_p, PV_DOMID_SELF, 8), 0);
    assert_int_equal(map(&dom_p, PV_DOMID_SELF, 8), 0); /* again: a no-op */
    assert_int_equal(map(&dom_p, 1, 8), -PV_EBUSY);     /* one owner per GSI */
    assert_int_equal(map(&dom_p, 1, 10), 0);            /* for another domain: its own */
    assert_true(gsif.masked[8] && gsif.masked[10]);    /* masked until bound */
}

static void test_unmap_rules(void **state)
{
    (void)state;
    assert_int_equal(map(&dom_p, PV_DOMID_SELF, 8), 0);
    assert_int_equal(pirq_unmap(&dom_a, 3, 8), -PV_EPERM);
    assert_int_equal(pirq_unmap(&dom_p, 77, 8), -PV_ESRCH);
    assert_int_equal(pirq_unmap(&dom_p, PV_DOMID_SELF, 256), -PV_EINVAL);
    assert_int_equal(pirq_unmap(&dom_p, PV_DOMID_SELF, 9), -PV_EINVAL); /* not mapped */
    assert_int_equal(pirq_unmap(&dom_p, 1, 8), -PV_EINVAL);             /* not dom_a's */
    assert_int_equal(pirq_unmap(&dom_p, PV_DOMID_SELF, 8), 0);
    assert_int_equal(pirq_unmap(&dom_p, PV_DOMID_SELF, 8), -PV_EINVAL);
    assert_int_equal(map(&dom_p, 1, 8), 0); /* free again */
}

static void test_bind_rules(void **state)
{
    unsigned port = 0, p2 = 0;
    struct pv_evtchn_status st = {.dom = PV_DOMID_SELF};

    (void)state;
    assert_int_equal(map(&dom_p, PV_DOMID_SELF, 8), 0);
    assert_int_equal(pirq_bind(&dom_a, 8, 0, &port), -PV_EPERM); /* dom_p's, and a domU */
    assert_int_equal(pirq_bind(&dom_a, 256, 0, &port), -PV_EINVAL);
    assert_int_equal(pirq_bind(&dom_p, 11, 0, &port), -PV_EINVAL); /* not mapped */
    assert_int_equal(pirq_bind(&dom_p, 8, PV_BIND_PIRQ__WILL_SHARE, &port), 0);
    assert_false(gsif.masked[8]);
    assert_int_equal(pirq_bind(&dom_p, 8, 0, &p2), -PV_EEXIST);
    st.port = port;
    assert_int_equal(evtchn_status(&dom_p, &st), 0);
    assert_int_equal(st.status, PV_EVTCHNSTAT_pirq);
    assert_int_equal(st.u.pirq, 8);
    assert_int_equal(evtchn_send(&dom_p, port), -PV_EINVAL);
    assert_int_equal(evtchn_bind_vcpu(&dom_p, port, 0), 0);
    assert_int_equal(evtchn_close(&dom_p, port), 0);
    assert_int_equal(pirq_bind(&dom_p, 8, 0, &p2), 0); /* closed: may be bound again */
    /* A domU binds a GSI the privileged domain mapped for it once it was also granted it
     * (the irq_permission domctl), as on Xen. */
    assert_int_equal(map(&dom_p, 1, 12), 0);
    assert_int_equal(pirq_bind(&dom_a, 12, 0, &port), -PV_EPERM);
    assert_int_equal(rangeset_add(&dom_a.irq_caps, 11, 12), 0);
    assert_int_equal(pirq_bind(&dom_a, 11, 0, &port), -PV_EPERM); /* granted, not mapped */
    assert_int_equal(pirq_bind(&dom_a, 12, 0, &port), 0);
    assert_int_equal(pirq_bind(&dom_b, 12, 0, &port), -PV_EPERM);
}

static void test_edge(void **state)
{
    unsigned port;

    (void)state;
    port = bound_port(&dom_p, 8);
    pirq_raise(8);
    assert_true(evf_pending(&dom_p, port));
    assert_false(gsif.masked[8]); /* edge: never masked by its interrupt */
    evf_clear_pending(&dom_p, port);
    evf_set_mask(&dom_p, port, true);
    pirq_raise(8);
    assert_true(evf_pending(&dom_p, port)); /* a masked port keeps the edge */
    assert_int_equal(pirq_eoi(&dom_p, 8), 0); /* nothing to end */
    assert_false(gsif.masked[8]);
}

static void test_level_and_eoi_map(void **state)
{
    uint64_t *map_page = evf_frame(2);
    unsigned port, unmasks;

    (void)state;
    assert_int_equal(pirq_eoi_page(&dom_p, EVF_MFN), -PV_EINVAL); /* dom_a's frame */
    assert_int_equal(pirq_eoi_page(&dom_p, EVF_MFN + 2), 0);
    assert_int_equal(pirq_eoi_page(&dom_p, EVF_MFN + 2), -PV_EBUSY);
    assert_int_equal(evf.frame_refs, 1);
    port = bound_port(&dom_p, 9); /* level */
    unmasks = gsif.unmasks[9];
    pirq_raise(9);
    assert_true(evf_pending(&dom_p, port));
    assert_true(gsif.masked[9]); /* until the EOI */
    assert_true(map_page[0] & (1ULL << 9));
    /* The bit was there when the vCPU was woken: a handler on another CPU must find it. */
    assert_true(evf.eoi_word_at_wake & (1ULL << 9));
    assert_int_equal(pirq_eoi(&dom_a, 9), -PV_EINVAL);
    assert_int_equal(pirq_eoi(&dom_p, 300), -PV_EINVAL);
    assert_true(gsif.masked[9]);
    assert_int_equal(pirq_eoi(&dom_p, 9), 0);
    assert_false(gsif.masked[9]);
    assert_false(map_page[0] & (1ULL << 9));
    assert_int_equal(gsif.unmasks[9], unmasks + 1);
}

static void test_eoi_map_late(void **state)
{
    uint64_t *map_page = evf_frame(2);

    (void)state;
    (void)bound_port(&dom_p, 9);
    pirq_raise(9); /* in service before the page exists */
    assert_int_equal(pirq_eoi_page(&dom_p, EVF_MFN + 2), 0);
    assert_true(map_page[0] & (1ULL << 9)); /* filled in at registration */
}

static void test_unbound_masks(void **state)
{
    unsigned port;

    (void)state;
    port = bound_port(&dom_p, 9);
    assert_int_equal(evtchn_close(&dom_p, port), 0);
    pirq_raise(9);
    assert_true(gsif.masked[9]); /* nobody listens */
    assert_int_equal(pirq_eoi(&dom_p, 9), 0);
    assert_true(gsif.masked[9]); /* not in service: nothing to unmask */
    pirq_raise(11);              /* not mapped at all */
    assert_true(gsif.masked[11]);
    port = bound_port(&dom_p, 10);
    assert_int_equal(pirq_unmap(&dom_p, PV_DOMID_SELF, 10), 0);
    assert_true(gsif.masked[10]);
    pirq_raise(10);
    assert_false(evf_pending(&dom_p, port));
}

static void test_destroy_releases(void **state)
{
    (void)state;
    (void)bound_port(&dom_p, 9);
    assert_int_equal(map(&dom_p, 1, 8), 0);
    assert_int_equal(pirq_eoi_page(&dom_p, EVF_MFN + 2), 0);
    pirq_raise(9);
    evtchn_destroy(&dom_p);
    pirq_domain_destroy(&dom_p);
    assert_int_equal(evf.frame_refs, 0);
    assert_true(gsif.masked[9]);
    assert_int_equal(map(&dom_p, 1, 9), 0); /* free for another owner */
    assert_int_equal(map(&dom_p, 1, 8), 0); /* dom_a's stays */
    pirq_domain_destroy(&dom_a);
    assert_int_equal(map(&dom_p, 2, 8), 0);
}

static void test_setup_gsi_and_status(void **state)
{
    uint32_t flags = 0;

    (void)state;
    assert_int_equal(pirq_setup_gsi(&dom_a, 20, 1, 1), -PV_EPERM);
    assert_int_equal(pirq_setup_gsi(&dom_p, 24, 1, 1), -PV_EINVAL);
    assert_int_equal(pirq_setup_gsi(&dom_p, 2, 0, 0), -PV_EPERM);
    assert_int_equal(pirq_setup_gsi(&dom_p, 8, 0, 0), -PV_EEXIST);
    assert_int_equal(pirq_setup_gsi(&dom_p, 20, 1, 1), 0);
    assert_true(gsif.level[20]);
    assert_int_equal(pirq_setup_gsi(&dom_p, 20, 0, 0), -PV_EEXIST);
    assert_int_equal(pirq_status(&dom_a, 8, &flags), 0);
    assert_int_equal(flags, PV_XENIRQSTAT_needs_eoi);
    assert_int_equal(pirq_status(&dom_a, 256, &flags), -PV_EINVAL);
}

/* The decoder: copy in, privilege checks of the sub-ops with no core function, copy out. */
static long physdev(struct domain *d, unsigned cmd, const void *arg, size_t len)
{
    memcpy(evf_guest_mem, arg, len);
    return hc_physdev_op(d->vcpu[0], cmd, guest_handle_of(EVF_GVA));
}

static void test_decoder(void **state)
{
    struct pv_physdev_apic a = {.apic_physbase = GSIF_IOAPIC, .reg = 1};
    struct pv_physdev_irq v = {.irq = 7};
    struct pv_physdev_map_pirq m = {.domid = PV_DOMID_SELF, .type = 1, .index = 8, .pirq = -1};

    (void)state;
    assert_int_equal(physdev(&dom_a, PV_PHYSDEVOP_apic_read, &a, sizeof(a)), -PV_EPERM);
    assert_int_equal(physdev(&dom_a, PV_PHYSDEVOP_apic_write, &a, sizeof(a)), -PV_EPERM);
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_apic_read, &a, sizeof(a)), 0);
    assert_int_equal(((struct pv_physdev_apic *)evf_guest_mem)->value, 0x170020);
    a.apic_physbase = 0x1000;
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_apic_read, &a, sizeof(a)), -PV_EINVAL);
    assert_int_equal(physdev(&dom_a, PV_PHYSDEVOP_alloc_irq_vector, &v, sizeof(v)), -PV_EPERM);
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_alloc_irq_vector, &v, sizeof(v)), 0);
    assert_int_equal(((struct pv_physdev_irq *)evf_guest_mem)->vector, 7);
    assert_int_equal(hc_physdev_op(dom_p.vcpu[0], PV_PHYSDEVOP_alloc_irq_vector | (1UL << 32),
                                   guest_handle_of(EVF_GVA)),
                     0); /* cmd is an int, as Xen's: the upper bits are not looked at */
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_map_pirq, &m, sizeof(m)), 0);
    assert_int_equal(((struct pv_physdev_map_pirq *)evf_guest_mem)->pirq, 8);
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_pirq_eoi_gmfn_v1, &m, 8), -PV_ENOSYS);
    assert_int_equal(physdev(&dom_p, 1000, &m, 8), -PV_ENOSYS);
    assert_int_equal(hc_physdev_op(dom_p.vcpu[0], PV_PHYSDEVOP_map_pirq, guest_handle_of(8)),
                     -PV_EFAULT);
}

/* The PCI sub-ops this decoder adds: a domU's pci_mmcfg_reserved, restore_msi(_ext) and dbgp_op
 * are -EPERM before any hook runs; dom0's reach the hooks with their fields (gsi_fake.c's
 * window: 0xb0000000, segment 0, buses 0-255) and dbgp_op is Xen's 0 with no debug port. */
static void test_pci_subops(void **state)
{
    struct pv_physdev_pci_mmcfg_reserved m = {.address = 0xb0000000, .end_bus = 255, .flags = 1};
    struct pv_physdev_pci_device dev = {.devfn = 8};
    struct pv_physdev_dbgp_op dbgp = {.op = PV_PHYSDEVOP_DBGP_RESET_DONE};
    unsigned ops = gsif.pci_ops;

    (void)state;
    assert_int_equal(physdev(&dom_a, PV_PHYSDEVOP_pci_mmcfg_reserved, &m, sizeof(m)), -PV_EPERM);
    assert_int_equal(physdev(&dom_a, PV_PHYSDEVOP_restore_msi_ext, &dev, sizeof(dev)), -PV_EPERM);
    assert_int_equal(physdev(&dom_a, PV_PHYSDEVOP_restore_msi, &dev, 2), -PV_EPERM);
    assert_int_equal(physdev(&dom_a, PV_PHYSDEVOP_dbgp_op, &dbgp, sizeof(dbgp)), -PV_EPERM);
    assert_int_equal(gsif.pci_ops, ops);
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_pci_mmcfg_reserved, &m, sizeof(m)), 0);
    m.flags = 2;
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_pci_mmcfg_reserved, &m, sizeof(m)), -PV_EINVAL);
    m.flags = 0;
    m.end_bus = 127;
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_pci_mmcfg_reserved, &m, sizeof(m)), -PV_ENODEV);
    m.end_bus = 255;
    m.address += 1 << 20;
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_pci_mmcfg_reserved, &m, sizeof(m)), -PV_EIO);
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_restore_msi_ext, &dev, sizeof(dev)),
                     -PV_ENODEV); /* gsi_fake: only ADD of 00:01.0 succeeds */
    assert_int_equal(gsif.pci_ops, ops + 5);
    assert_int_equal(physdev(&dom_p, PV_PHYSDEVOP_dbgp_op, &dbgp, sizeof(dbgp)), 0);
    assert_int_equal(hc_physdev_op(dom_p.vcpu[0], PV_PHYSDEVOP_pci_mmcfg_reserved,
                                   guest_handle_of(8)),
                     -PV_EFAULT);
}

static int map_msi(struct domain *caller, unsigned domid, int type, int entry, uint64_t table,
                   int want)
{
    struct pv_physdev_map_pirq m = {.domid = (uint16_t)domid, .type = type, .index = -1,
                                    .pirq = want, .bus = 0, .devfn = 8, .entry_nr = entry,
                                    .table_base = table};
    int rc = pirq_map_msi(caller, &m);

    return rc ? rc : m.pirq;
}

/* MSI pirqs (gsi_fake.c: function 00:01.0 only, MSI-X entries 0-3 of table 0xfe000000): the
 * highest free above the GSIs, per domain; refusals in Xen's order; bind unmasks, unmap and the
 * domain's end free the vector; an interrupt reaches the bound port only. */
static void test_msi(void **state)
{
    unsigned port = 0, s;

    (void)state;
    assert_int_equal(map_msi(&dom_a, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 0, 0, -1), -PV_EPERM);
    assert_int_equal(map_msi(&dom_p, 77, PV_MAP_PIRQ_TYPE_MSI, 0, 0, -1), -PV_ESRCH);
    assert_int_equal(map_msi(&dom_p, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MULTI_MSI, 0, 0, -1), -PV_EINVAL);
    assert_int_equal(map_msi(&dom_p, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 0, 0, 20), -PV_EINVAL);
    assert_int_equal(map_msi(&dom_p, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, -1, 0xfe000000, -1), -PV_EINVAL);
    assert_int_equal(map_msi(&dom_p, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 4, 0xfe000000, -1), -PV_EINVAL);
    assert_int_equal(map_msi(&dom_p, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI_SEG, 0, 0, -1), PIRQ_NR - 1);
    assert_int_equal(map_msi(&dom_p, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 1, 0xfe000000, -1), PIRQ_NR - 2);
    assert_int_equal(map_msi(&dom_p, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 2, 0xfe000000, 100), 100);
    assert_int_equal(map_msi(&dom_p, PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 3, 0xfe000000, 100), -PV_EEXIST);
    assert_int_equal(map_msi(&dom_p, dom_a.domid, PV_MAP_PIRQ_TYPE_MSI, 3, 0xfe000000, 100), 100);
    for (s = 0; s < 4; s++)
        assert_true(gsif.msi_used[s] && gsif.msi_masked[s]);
    assert_int_equal(pirq_bind(&dom_b, 100, 0, &port), -PV_EPERM); /* dom_a's, not dom_b's */
    assert_int_equal(pirq_bind(&dom_p, PIRQ_NR - 2, 0, &port), 0);
    assert_false(gsif.msi_masked[1]);
    assert_int_equal(pirq_bind(&dom_p, PIRQ_NR - 2, 0, NULL), -PV_EEXIST);
    pirq_raise_msi(1);
    assert_true(evf_pending(&dom_p, port));
    pirq_raise_msi(0); /* not bound: dropped */
    assert_int_equal(pirq_eoi(&dom_p, PIRQ_NR - 2), 0);
    assert_int_equal(pirq_unmap(&dom_p, PV_DOMID_SELF, PIRQ_NR - 2), 0);
    assert_false(gsif.msi_used[1]);
    assert_int_equal(pirq_unmap(&dom_p, PV_DOMID_SELF, PIRQ_NR - 2), -PV_EINVAL);
    assert_int_equal(pirq_bind(&dom_p, PIRQ_NR - 2, 0, &port), -PV_EINVAL);
    assert_int_equal(pirq_bind(&dom_a, 100, 0, &port), 0); /* mapped to dom_a: its to bind */
    dom_a.vcpu[1]->processor = 1; /* bind_vcpu moves the MSI to that vCPU's CPU */
    assert_int_equal(evtchn_bind_vcpu(&dom_a, port, 1), 0);
    assert_int_equal(gsif.msi_cpu[3], 1);
    dom_a.vcpu[0]->processor = 0;
    assert_int_equal(evtchn_bind_vcpu(&dom_a, port, 0), 0);
    assert_int_equal(gsif.msi_cpu[3], 0);
    pirq_domain_destroy(&dom_a);
    assert_false(gsif.msi_used[3]);
    pirq_domain_destroy(&dom_p);
    assert_false(gsif.msi_used[0] || gsif.msi_used[2]);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, evf_teardown)
    const struct CMUnitTest tests[] = {
        T(test_map_rules),         T(test_unmap_rules),        T(test_bind_rules),
        T(test_edge),              T(test_level_and_eoi_map), T(test_eoi_map_late),
        T(test_unbound_masks),     T(test_destroy_releases),  T(test_setup_gsi_and_status),
        T(test_decoder),           T(test_msi),               T(test_pci_subops),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
