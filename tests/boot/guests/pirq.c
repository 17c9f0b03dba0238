/*
 * Boot test "pirq": machine interrupts as PIRQ event channels (physdev_op's interrupt sub-ops,
 * EVTCHNOP_bind_pirq; Xen 4.17's xen/arch/x86/physdev.c and irq.c are the reference).
 *   rule=dom0 (the privileged initial domain): the IO-APIC read through PHYSDEVOP_apic_read;
 *     alloc_irq_vector's echo; irq_status_query; setup_gsi (ISA GSIs -EEXIST, the PIT's -EPERM,
 *     a PCI GSI once); map_pirq and its refusals (the PIT's GSI maps inert, never bound); the
 *     EOI bitmap page (-EBUSY twice, -EINVAL for a frame not ours); bind_pirq and
 *     EVTCHNOP_status;
 *     edge: the CMOS RTC's periodic interrupt (GSI 8) arrives as events, never asks for an EOI,
 *     and an interrupt raised while the port is masked waits in the pending bit;
 *     level: the ACPI SCI (GSI 9, raised by the PM timer's status bit): after an event the GSI
 *     stays masked (no second event though the line stays high) until PHYSDEVOP_eoi, which
 *     brings the still-asserted line back at once; with the source cleared, EOI brings nothing;
 *     close of a pirq port stops the events; unmap, and its refusals.
 *   rule=domu (an unprivileged domain, domain 1): every sub-op refused as Xen refuses it.
 */
#include "bt.h"
#include "bt_mmu.h"
#include "gk/kit.h"
#include "pv-abi/elfnote.h"
#include "pv-abi/physdev_op.h"
#include "pv-abi/xen_version.h"

/* The kit's notes say nothing of dom0: this guest adds that it may be the initial domain. */
__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " BT_STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
        ".long 1 << " BT_STR(PV_XENFEAT_dom0) "\n.popsection");

#define IOAPIC_BASE 0xfec00000UL /* QEMU's only IO-APIC */
#define GSI_RTC 8
#define GSI_SCI 9
#define PM1_STS 0x600 /* q35's ACPI PM1a event block (SeaBIOS's PMBASE) */
#define PM1_EN 0x602
#define PM_TMR 1 /* TMR_STS / TMR_EN: the PM timer's bit 23 toggled */

static uint64_t eoi_map[512] __attribute__((aligned(4096)));
static volatile uint32_t rtc_events, sci_events;
static volatile bool rtc_ack = true; /* the handler reads RTC register C (lowers the line) */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static void cmos_set(uint8_t reg, uint8_t v)
{
    outb(0x70, reg);
    outb(0x71, v);
}

static long physdev(unsigned cmd, void *arg)
{
    return gk_hypercall_physdev_op(cmd, arg);
}

static long map_gsi(uint16_t dom, int gsi, int pirq, int *out)
{
    struct pv_physdev_map_pirq m = {.domid = dom, .type = PV_MAP_PIRQ_TYPE_GSI, .index = gsi,
                                    .pirq = pirq};
    long rc = physdev(PV_PHYSDEVOP_map_pirq, &m);

    if (out)
        *out = m.pirq;
    return rc;
}

static long unmap(uint16_t dom, int pirq)
{
    struct pv_physdev_unmap_pirq u = {.domid = dom, .pirq = pirq};

    return physdev(PV_PHYSDEVOP_unmap_pirq, &u);
}

static long setup_gsi(int gsi, uint8_t level, uint8_t low)
{
    struct pv_physdev_setup_gsi g = {.gsi = gsi, .triggering = level, .polarity = low};

    return physdev(PV_PHYSDEVOP_setup_gsi, &g);
}

static long eoi(uint32_t pirq)
{
    struct pv_physdev_eoi e = {.irq = pirq};

    return physdev(PV_PHYSDEVOP_eoi, &e);
}

static long bind_pirq(uint32_t pirq, uint32_t flags, uint32_t *port)
{
    struct pv_evtchn_bind_pirq b = {.pirq = pirq, .flags = flags};
    long rc = gk_hypercall_event_channel_op(PV_EVTCHNOP_bind_pirq, &b);

    if (port)
        *port = b.port;
    return rc;
}

static long apic_op(unsigned cmd, uint64_t base, uint32_t reg, uint32_t *val)
{
    struct pv_physdev_apic a = {.apic_physbase = base, .reg = reg, .value = val ? *val : 0};
    long rc = physdev(cmd, &a);

    if (val)
        *val = a.value;
    return rc;
}

static long eoi_page(uint64_t gmfn)
{
    struct pv_physdev_pirq_eoi_gmfn g = {.gmfn = gmfn};

    return physdev(PV_PHYSDEVOP_pirq_eoi_gmfn_v2, &g);
}

static bool eoi_bit(unsigned pirq)
{
    return __atomic_load_n(&eoi_map[pirq / 64], __ATOMIC_SEQ_CST) & (1ULL << (pirq % 64));
}

static void on_rtc(pv_evtchn_port_t port, void *arg)
{
    (void)port, (void)arg;
    rtc_events++;
    if (rtc_ack)
        (void)cmos(0x0c); /* reading register C ends the RTC's request */
}

static void on_sci(pv_evtchn_port_t port, void *arg)
{
    (void)port, (void)arg;
    sci_events++; /* the status bit stays set: the line stays high */
}

/* Sleep in 5 ms steps until *counter reaches want or ms pass; returns the counter. */
static uint32_t wait_for(volatile uint32_t *counter, uint32_t want, unsigned ms)
{
    for (unsigned t = 0; t < ms && *counter < want; t += 5)
        gk_sleep_ns(5 * GK_NS_PER_MS);
    return *counter;
}

static uint32_t status_of(uint32_t port, uint32_t *pirq)
{
    struct pv_evtchn_status st = {.dom = PV_DOMID_SELF, .port = port};

    GK_EXPECT_EQ(gk_hypercall_event_channel_op(PV_EVTCHNOP_status, &st), 0);
    *pirq = st.u.pirq;
    return st.status;
}

static void check_apic_and_gsis(void)
{
    struct pv_physdev_irq v = {.irq = 11};
    struct pv_physdev_irq_status_query q = {.irq = GSI_RTC};
    uint32_t ver = 0, id = 0, w = 0;

    GK_EXPECT_EQ(apic_op(PV_PHYSDEVOP_apic_read, IOAPIC_BASE, 1, &ver), 0);
    GK_EXPECT_EQ(apic_op(PV_PHYSDEVOP_apic_read, IOAPIC_BASE, 0, &id), 0);
    gk_test_log("IO-APIC version register %#x, id register %#x", ver, id);
    GK_EXPECT_EQ(((ver >> 16) & 0xff) + 1, 24); /* QEMU's IO-APIC has 24 pins */
    GK_EXPECT_EQ(ver & 0xff, 0x20);
    GK_EXPECT_EQ(apic_op(PV_PHYSDEVOP_apic_read, IOAPIC_BASE + 0x1000, 1, &ver), -PV_EINVAL);
    GK_EXPECT_EQ(apic_op(PV_PHYSDEVOP_apic_write, IOAPIC_BASE, 0x10, &w), 0); /* dropped */
    GK_EXPECT_EQ(apic_op(PV_PHYSDEVOP_apic_write, 0x1000, 0x10, &w), -PV_EINVAL);
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_alloc_irq_vector, &v), 0);
    GK_EXPECT_EQ(v.vector, 11);
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_irq_status_query, &q), 0);
    GK_EXPECT_EQ(q.flags, PV_XENIRQSTAT_needs_eoi);
    q.irq = 256;
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_irq_status_query, &q), -PV_EINVAL);
    GK_EXPECT_EQ(setup_gsi(GSI_RTC, 0, 0), -PV_EEXIST); /* ISA: programmed at boot */
    GK_EXPECT_EQ(setup_gsi(2, 0, 0), -PV_EPERM);        /* the PIT's (ISA IRQ 0) */
    GK_EXPECT_EQ(setup_gsi(24, 1, 1), -PV_EINVAL);
    GK_EXPECT_EQ(setup_gsi(-1, 1, 1), -PV_EINVAL);
    GK_EXPECT_EQ(setup_gsi(20, 1, 1), 0); /* a PCI GSI: level, low, once */
    GK_EXPECT_EQ(setup_gsi(20, 1, 1), -PV_EEXIST);
}

static void check_map_refusals(void)
{
    struct pv_physdev_map_pirq msi = {.domid = PV_DOMID_SELF, .type = PV_MAP_PIRQ_TYPE_MSI,
                                      .index = -1, .pirq = -1};
    int pirq = 0;

    GK_EXPECT_EQ(map_gsi(PV_DOMID_SELF, GSI_RTC, -1, &pirq), 0);
    GK_EXPECT_EQ(pirq, GSI_RTC);
    GK_EXPECT_EQ(map_gsi(PV_DOMID_SELF, GSI_RTC, GSI_RTC, &pirq), 0); /* again: a no-op */
    GK_EXPECT_EQ(map_gsi(PV_DOMID_SELF, GSI_RTC, 30, NULL), -PV_EINVAL); /* pirq = gsi only */
    GK_EXPECT_EQ(map_gsi(PV_DOMID_SELF, 2, -1, &pirq), 0); /* the PIT's: inert, as on Xen */
    GK_EXPECT_EQ(pirq, 2);
    GK_EXPECT_EQ(bind_pirq(2, 0, NULL), -PV_EPERM); /* never dom0's to bind */
    GK_EXPECT_EQ(unmap(PV_DOMID_SELF, 2), 0);
    GK_EXPECT_EQ(map_gsi(PV_DOMID_SELF, 0, -1, NULL), -PV_EPERM);
    GK_EXPECT_EQ(map_gsi(PV_DOMID_SELF, 24, -1, NULL), -PV_EINVAL);
    GK_EXPECT_EQ(map_gsi(PV_DOMID_SELF, -5, -1, NULL), -PV_EINVAL);
    GK_EXPECT_EQ(map_gsi(77, GSI_RTC, -1, NULL), -PV_ESRCH);
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_map_pirq, &msi), -PV_ENODEV); /* 00:00.0 not reported */
    GK_EXPECT_EQ(map_gsi(PV_DOMID_SELF, GSI_SCI, GSI_SCI, &pirq), 0);
    GK_EXPECT_EQ(pirq, GSI_SCI);
}

static void check_eoi_page(void)
{
    uint64_t mfn = gk_pfn_to_mfn(gk_virt_to_pfn(eoi_map));

    GK_EXPECT_EQ(eoi_page(gk_pfn_to_mfn(gk_start_info->nr_pages - 1) + 0x100000), -PV_EINVAL);
    GK_EXPECT_EQ(eoi_page(mfn), 0);
    GK_EXPECT_EQ(eoi_page(mfn), -PV_EBUSY);
}

/* Edge: GSI 8 from the RTC at 64 Hz; no EOI asked; masked port: one pending edge waits. */
static void check_rtc(uint32_t port)
{
    uint32_t n;

    cmos_set(0x0a, (cmos(0x0a) & 0xf0) | 0x0a); /* rate 10: 64 Hz */
    cmos_set(0x0b, cmos(0x0b) | 0x40);           /* periodic interrupt enable */
    (void)cmos(0x0c);
    n = wait_for(&rtc_events, 10, 3000);
    gk_test_log("RTC: %u events", n);
    GK_EXPECT_GE(n, 10);
    GK_EXPECT(!eoi_bit(GSI_RTC)); /* edge: never waits for an EOI */
    gk_event_mask_port(port);
    rtc_ack = false; /* the next request stays up: one more edge at most */
    (void)cmos(0x0c);
    gk_sleep_ns(100 * GK_NS_PER_MS);
    n = rtc_events;
    GK_EXPECT(gk_event_pending(port)); /* raised while masked: kept */
    rtc_ack = true;
    GK_EXPECT_EQ(gk_event_unmask_port(port), 0);
    GK_EXPECT_GE(rtc_events, n + 1); /* delivered on unmask */
    GK_EXPECT_GE(wait_for(&rtc_events, n + 5, 3000), n + 5);
}

/* Level: the SCI from the PM timer's status bit, which stays set until written back. */
static void check_sci(uint32_t port)
{
    uint32_t n;

    (void)port;
    outw(PM1_STS, PM_TMR);
    outw(PM1_EN, PM_TMR);
    n = wait_for(&sci_events, 1, 6000); /* the timer's bit 23 toggles every 2.3 s */
    GK_ASSERT_EQ(n, 1);
    GK_EXPECT(eoi_bit(GSI_SCI));
    gk_sleep_ns(50 * GK_NS_PER_MS);
    GK_EXPECT_EQ(sci_events, 1); /* still asserted, but masked until the EOI */
    GK_EXPECT_EQ(eoi(GSI_SCI), 0);
    GK_EXPECT(wait_for(&sci_events, 2, 1000) == 2); /* the line is still high: again */
    GK_EXPECT(eoi_bit(GSI_SCI));
    outw(PM1_EN, 0);
    outw(PM1_STS, PM_TMR); /* the source ends: the line drops */
    GK_EXPECT_EQ(eoi(GSI_SCI), 0);
    GK_EXPECT(!eoi_bit(GSI_SCI));
    gk_sleep_ns(50 * GK_NS_PER_MS);
    GK_EXPECT_EQ(sci_events, 2);
}

static void check_bind_and_events(void)
{
    uint32_t rtc, sci, pirq = 0, n;

    GK_EXPECT_EQ(bind_pirq(300, 0, NULL), -PV_EINVAL);
    GK_EXPECT_EQ(bind_pirq(12, 0, NULL), -PV_EINVAL); /* not mapped */
    GK_ASSERT_EQ(bind_pirq(GSI_RTC, 0, &rtc), 0);
    GK_EXPECT_EQ(bind_pirq(GSI_RTC, 0, NULL), -PV_EEXIST);
    GK_ASSERT_EQ(bind_pirq(GSI_SCI, PV_BIND_PIRQ__WILL_SHARE, &sci), 0);
    GK_EXPECT_EQ(status_of(rtc, &pirq), PV_EVTCHNSTAT_pirq);
    GK_EXPECT_EQ(pirq, GSI_RTC);
    GK_EXPECT_EQ(gk_event_send(rtc), -PV_EINVAL); /* only the hardware raises it */
    gk_event_set_handler(rtc, on_rtc, NULL);
    gk_event_set_handler(sci, on_sci, NULL);
    check_rtc(rtc);
    check_sci(sci);
    GK_EXPECT_EQ(eoi(12), -PV_EINVAL); /* not ours */
    GK_EXPECT_EQ(gk_evtchn_close(rtc), 0);
    GK_EXPECT_EQ(status_of(rtc, &pirq), PV_EVTCHNSTAT_closed);
    n = rtc_events;
    gk_sleep_ns(100 * GK_NS_PER_MS);
    GK_EXPECT_EQ(rtc_events, n); /* closed: nothing arrives */
    GK_ASSERT_EQ(bind_pirq(GSI_RTC, 0, &rtc), 0); /* bound again: events again */
    gk_event_set_handler(rtc, on_rtc, NULL);
    (void)cmos(0x0c);
    GK_EXPECT_GE(wait_for(&rtc_events, n + 3, 3000), n + 3);
    cmos_set(0x0b, cmos(0x0b) & ~0x40);
}

static void rule_dom0(void)
{
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    gk_events_unmask();
    check_apic_and_gsis();
    check_map_refusals();
    check_eoi_page();
    check_bind_and_events();
    GK_EXPECT_EQ(unmap(PV_DOMID_SELF, GSI_RTC), 0);
    GK_EXPECT_EQ(unmap(PV_DOMID_SELF, GSI_RTC), -PV_EINVAL);
    GK_EXPECT_EQ(unmap(PV_DOMID_SELF, 400), -PV_EINVAL);
    GK_EXPECT_EQ(bind_pirq(GSI_RTC, 0, NULL), -PV_EINVAL);
    GK_EXPECT_EQ(eoi(GSI_RTC), -PV_EINVAL);
}

/* An unprivileged domain: refused everything Xen refuses a domU without pirq access. */
static void rule_domu(void)
{
    struct pv_physdev_irq v = {.irq = GSI_RTC};
    struct pv_physdev_irq_status_query q = {.irq = GSI_RTC};
    uint32_t val = 0;
    char buf[4];

    GK_EXPECT_EQ(apic_op(PV_PHYSDEVOP_apic_read, IOAPIC_BASE, 1, &val), -PV_EPERM);
    GK_EXPECT_EQ(val, 0);
    GK_EXPECT_EQ(apic_op(PV_PHYSDEVOP_apic_write, IOAPIC_BASE, 0x10, &val), -PV_EPERM);
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_alloc_irq_vector, &v), -PV_EPERM);
    GK_EXPECT_EQ(setup_gsi(20, 1, 1), -PV_EPERM);
    GK_EXPECT_EQ(map_gsi(PV_DOMID_SELF, GSI_RTC, -1, NULL), -PV_EPERM);
    GK_EXPECT_EQ(map_gsi(1, GSI_RTC, -1, NULL), -PV_EPERM); /* itself by number (domain 1) */
    GK_EXPECT_EQ(map_gsi(77, GSI_RTC, -1, NULL), -PV_ESRCH);
    GK_EXPECT_EQ(unmap(PV_DOMID_SELF, GSI_RTC), -PV_EPERM);
    GK_EXPECT_EQ(unmap(1, GSI_RTC), -PV_EPERM);
    GK_EXPECT_EQ(bind_pirq(GSI_RTC, 0, NULL), -PV_EPERM);
    GK_EXPECT_EQ(bind_pirq(GSI_SCI, PV_BIND_PIRQ__WILL_SHARE, NULL), -PV_EPERM);
    GK_EXPECT_EQ(bind_pirq(300, 0, NULL), -PV_EINVAL);
    GK_EXPECT_EQ(eoi(GSI_RTC), -PV_EINVAL);
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_irq_status_query, &q), 0); /* Xen answers anyone */
    GK_EXPECT_EQ(q.flags, PV_XENIRQSTAT_needs_eoi);
    GK_EXPECT_EQ(eoi_page(gk_pfn_to_mfn(gk_start_info->nr_pages - 1) + 0x100000), -PV_EINVAL);
    GK_EXPECT_EQ(eoi_page(gk_pfn_to_mfn(gk_virt_to_pfn(eoi_map))), 0); /* its own: as Xen */
    if (gk_cmdline_get("beside_dom0", buf, sizeof(buf))) { /* domain 0 exists: refused, not unknown */
        GK_EXPECT_EQ(map_gsi(0, GSI_RTC, -1, NULL), -PV_EPERM);
        GK_EXPECT_EQ(unmap(0, GSI_RTC), -PV_EPERM);
    }
}

static const struct bt_rule rules[] = {{"dom0", rule_dom0}, {"domu", rule_domu}};

void gk_main(void)
{
    struct pv_physdev_set_iopl iopl = {.iopl = 1};

    gk_hypercall_physdev_op(PV_PHYSDEVOP_set_iopl, &iopl); /* port I/O from the kernel */
    bt_run_rule("pirq_", rules, sizeof(rules) / sizeof(rules[0]));
}
