/*
 * Boot test "ioperm": the I/O permission domctls (hypercalls/domctl_perm.c) and what they let
 * a domU reach. Two domains talk over an interdomain event channel (dom0 offers a port, the
 * domU probes dom0's ports 1, 2, ... until one binds), one event per step:
 *   rule=dom0 (the initial domain, peer=N): Xen's errors for bad ranges (empty, wrapping, past
 *     port 0xffff, pirq 256), -EPERM for what dom0 itself does not hold (the hypervisor's ports
 *     COM1, PIC, PIT and debug-exit, the IO-APIC and MSI frames, frames past the address
 *     width, the GSIs of the PIT and of pin 0, PCI configuration data 0xcfc-0xcff, which the
 *     hypervisor mediates, as Xen), -ESRCH for an absent domain; then, once the domU has seen it
 *     holds nothing, grants it the CMOS RTC ports 0x70-0x71 and the BIOS frame 0xff; once the
 *     domU has used them, takes back port 0x71 and the frame.
 *   rule=domu (self=N peer=0): with IOPL 1, before the grant the RTC and PCI ports read as all
 *     ones and the BIOS frame cannot be mapped (-EPERM); the three domctls are -EPERM for it.
 *     After the grant, the RTC's status register A reads back through the mediated 0x70/0x71
 *     while PCI configuration space (the hardware domain's alone, as on Xen) still reads all
 *     ones, and the BIOS frame maps (SeaBIOS' reset vector starts with a far jump, 0xea) while
 *     its neighbour 0xfe and the IO-APIC page stay refused. After the revocation 0x71 reads all
 *     ones again and the frame is refused.
 * dom0 ends once it sees the domU shut down, so both result lines are printed.
 */
#include "bt.h"
#include "bt_mmu.h"
#include "gk/kit.h"
#include "pv-abi/elfnote.h"

/* The kit's notes say nothing of dom0: this guest adds that it may be the initial domain. */
__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " BT_STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
        ".long 1 << " BT_STR(PV_XENFEAT_dom0) "\n.popsection");

#define STEP_TIMEOUT_NS (20000 * GK_NS_PER_MS)
#define MAX_PROBE_PORT 64
#define PCI_CONF 0xcf8
#define BIOS_MFN 0xffULL
#define IOAPIC_MFN 0xfec00ULL
#define MSI_MFN 0xfee00ULL

static struct pv_domctl dop __attribute__((aligned(16)));
static struct bt_region reg;
static uint64_t peer_id, self_id;
static uint32_t port;
static volatile uint32_t received;

static long domctl(uint32_t cmd, uint64_t domain, const void *arg, size_t len)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = cmd;
    dop.interface_version = PV_DOMCTL_INTERFACE_VERSION;
    dop.domain = (uint16_t)domain;
    memcpy(dop.u.pad, arg, len);
    return gk_hypercall_nr(PV_HYPERCALL_domctl, (uint64_t)(uintptr_t)&dop, 0, 0, 0, 0);
}

static long ioports(uint64_t dom, uint32_t first, uint32_t nr, bool allow)
{
    struct pv_domctl_ioport_permission a = {.first_port = first, .nr_ports = nr,
                                            .allow_access = allow};

    return domctl(PV_DOMCTL_ioport_permission, dom, &a, sizeof(a));
}

static long iomem(uint64_t dom, uint64_t first, uint64_t nr, bool allow)
{
    struct pv_domctl_iomem_permission a = {.first_mfn = first, .nr_mfns = nr,
                                           .allow_access = allow};

    return domctl(PV_DOMCTL_iomem_permission, dom, &a, sizeof(a));
}

static long irq(uint64_t dom, uint32_t pirq, bool allow)
{
    struct pv_domctl_irq_permission a = {.pirq = pirq, .allow_access = allow};

    return domctl(PV_DOMCTL_irq_permission, dom, &a, sizeof(a));
}

static void on_event(pv_evtchn_port_t p, void *arg)
{
    (void)p, (void)arg;
    received++;
}

static void channel_up(bool offer)
{
    uint64_t limit;

    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT(gk_timer_port() != 0);
    limit = gk_time_now() + STEP_TIMEOUT_NS;
    gk_events_mask();
    if (offer) {
        GK_ASSERT_EQ(gk_evtchn_alloc_unbound((pv_domid_t)peer_id, &port), 0);
    } else {
        for (uint32_t p = 1; gk_evtchn_bind_interdomain((pv_domid_t)peer_id, p, &port); p++) {
            GK_ASSERT(gk_time_now() < limit);
            if (p == MAX_PROBE_PORT) {
                p = 0;
                gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
            }
        }
        gk_event_clear(port); /* the bind raises its own end once */
    }
    GK_ASSERT_EQ(gk_event_set_handler(port, on_event, NULL), 0);
    gk_events_unmask();
}

/* Tell the peer this side finished step n, or wait until the peer finished its step n. */
static void done(void)
{
    GK_ASSERT_EQ(gk_event_send(port), 0);
}

static void wait_peer(uint32_t n)
{
    uint64_t limit = gk_time_now() + STEP_TIMEOUT_NS;

    for (;;) {
        uint32_t seen = gk_event_counts[port]; /* before the look (gk/time.h) */

        if (received >= n || gk_time_now() >= limit)
            break;
        gk_wait_event_until(port, seen, limit);
    }
    BT_REQUIRE_EQ(received, n);
}

/* ---- dom0 ---- */

static void dom0_refusals(void)
{
    static const uint32_t hv_ports[] = {0x3f8, 0x3ff, 0x20, 0xa1, 0x40, 0x61, 0xf4};

    BT_EXPECT_RC("ports: none", ioports(peer_id, PCI_CONF, 0, true), -PV_EINVAL);
    BT_EXPECT_RC("ports: past 0xffff", ioports(peer_id, 0xffff, 2, true), -PV_EINVAL);
    BT_EXPECT_RC("ports: wrapping", ioports(peer_id, 8, 0xfffffff9, true), -PV_EINVAL);
    for (unsigned i = 0; i < sizeof(hv_ports) / sizeof(hv_ports[0]); i++)
        BT_EXPECT_RC("ports: the hypervisor's", ioports(peer_id, hv_ports[i], 1, true),
                     -PV_EPERM);
    BT_EXPECT_RC("ports: across COM1", ioports(peer_id, 0x3f0, 0x10, true), -PV_EPERM);
    BT_EXPECT_RC("ports: PCI configuration data", ioports(peer_id, PCI_CONF, 8, true), -PV_EPERM);
    BT_EXPECT_RC("ports: absent domain", ioports(999, PCI_CONF, 8, true), -PV_ESRCH);
    BT_EXPECT_RC("iomem: none", iomem(peer_id, BIOS_MFN, 0, true), -PV_EINVAL);
    BT_EXPECT_RC("iomem: wrapping", iomem(peer_id, ~0ULL, 2, true), -PV_EINVAL);
    BT_EXPECT_RC("iomem: IO-APIC", iomem(peer_id, IOAPIC_MFN, 1, true), -PV_EPERM);
    BT_EXPECT_RC("iomem: MSI window", iomem(peer_id, MSI_MFN + 0x10, 1, true), -PV_EPERM);
    BT_EXPECT_RC("iomem: past the address width", iomem(peer_id, 1ULL << 40, 1, true),
                 -PV_EPERM);
    BT_EXPECT_RC("irq: pirq 256", irq(peer_id, 256, true), -PV_EINVAL);
    BT_EXPECT_RC("irq: GSI 0", irq(peer_id, 0, true), -PV_EPERM);
    BT_EXPECT_RC("irq: the PIT's GSI 2", irq(peer_id, 2, true), -PV_EPERM);
    BT_EXPECT_RC("irq: absent domain", irq(999, 5, true), -PV_ESRCH);
}

static bool peer_ended(void)
{
    struct pv_domctl_getdomaininfo i = {0};

    return domctl(PV_DOMCTL_getdomaininfo, peer_id, &i, sizeof(i)) != 0 ||
           dop.u.getdomaininfo.domain != peer_id ||
           (dop.u.getdomaininfo.flags & PV_DOMINF_shutdown);
}

static void rule_dom0(void)
{
    uint64_t limit;

    GK_ASSERT(bt_cmdline_uint("peer", &peer_id));
    channel_up(true);
    dom0_refusals();
    wait_peer(1); /* the domU saw it holds nothing */
    BT_EXPECT_RC("grant ports", ioports(peer_id, 0x70, 2, true), 0);
    BT_EXPECT_RC("grant the BIOS frame", iomem(peer_id, BIOS_MFN, 1, true), 0);
    BT_EXPECT_RC("grant a GSI", irq(peer_id, 5, true), 0);
    BT_EXPECT_RC("take it back", irq(peer_id, 5, false), 0);
    done();
    wait_peer(2); /* it used them */
    BT_EXPECT_RC("take back ports", ioports(peer_id, 0x71, 1, false), 0);
    BT_EXPECT_RC("take back the frame", iomem(peer_id, BIOS_MFN, 1, false), 0);
    done();
    limit = gk_time_now() + STEP_TIMEOUT_NS;
    while (!peer_ended() && gk_time_now() < limit)
        gk_sleep_ns(10 * GK_NS_PER_MS);
    GK_EXPECT(peer_ended());
}

/* ---- domU ---- */

static uint32_t inl(uint16_t p)
{
    uint32_t v;

    __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(p));
    return v;
}

static uint8_t inb(uint16_t p)
{
    uint8_t v;

    __asm__ volatile("inb %w1, %0" : "=a"(v) : "Nd"(p));
    return v;
}

static void outl(uint16_t p, uint32_t v)
{
    __asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"(p));
}

static void outb(uint16_t p, uint8_t v)
{
    __asm__ volatile("outb %0, %w1" : : "a"(v), "Nd"(p));
}

/* Host bridge 0:0.0's vendor and device id through the PCI configuration ports. */
static uint32_t host_bridge_id(void)
{
    outl(PCI_CONF, 0x80000000);
    return inl(PCI_CONF + 4);
}

static uint8_t rtc_status_a(void)
{
    outb(0x70, 0x0a);
    return inb(0x71);
}

/* Map mfn read-only in slot 0 of the region: mmu_update's result; on success the first byte
 * of offset `at` in *byte, and the entry cleared again. */
static long map_frame(uint64_t mfn, unsigned at, uint8_t *byte)
{
    long rc = bt_mmu(bt_region_pte(&reg, 0), (mfn << 12) | BT_PTE_RO);

    if (rc)
        return rc;
    *byte = *(volatile uint8_t *)(uintptr_t)(reg.va + at);
    GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, 0), 0), 0);
    return 0;
}

static void rule_domu(void)
{
    uint8_t b = 0;

    GK_ASSERT(bt_cmdline_uint("peer", &peer_id) && bt_cmdline_uint("self", &self_id));
    BT_REQUIRE_EQ(bt_region_init(&reg), true);
    channel_up(false);
    GK_ASSERT_EQ(bt_set_iopl(1), 0);
    GK_EXPECT_EQ(host_bridge_id(), 0xffffffff);
    GK_EXPECT_EQ(rtc_status_a(), 0xff);
    BT_EXPECT_RC("map the BIOS frame before the grant", map_frame(BIOS_MFN, 0, &b), -PV_EPERM);
    BT_EXPECT_RC("domU: ports", ioports(PV_DOMID_SELF, PCI_CONF, 8, true), -PV_ESRCH);
    BT_EXPECT_RC("domU: ports to itself", ioports(self_id, PCI_CONF, 8, true), -PV_EPERM);
    BT_EXPECT_RC("domU: iomem", iomem(self_id, BIOS_MFN, 1, true), -PV_EPERM);
    BT_EXPECT_RC("domU: irq", irq(self_id, 5, true), -PV_EPERM);
    BT_EXPECT_RC("domU: ports to dom0", ioports(peer_id, PCI_CONF, 8, false), -PV_EPERM);
    done();
    wait_peer(1); /* granted */
    GK_EXPECT_EQ(host_bridge_id(), 0xffffffff);
    GK_EXPECT_EQ(rtc_status_a() & 0x70, 0x20); /* the 32.768 kHz divider SeaBIOS sets */
    BT_EXPECT_RC("map the BIOS frame", map_frame(BIOS_MFN, 0xff0, &b), 0);
    GK_EXPECT_EQ(b, 0xea);
    BT_EXPECT_RC("map the frame before it", map_frame(BIOS_MFN - 1, 0, &b), -PV_EPERM);
    BT_EXPECT_RC("map the IO-APIC", map_frame(IOAPIC_MFN, 0, &b), -PV_EPERM);
    done();
    wait_peer(2); /* taken back */
    GK_EXPECT_EQ(rtc_status_a(), 0xff);
    BT_EXPECT_RC("map the BIOS frame after", map_frame(BIOS_MFN, 0, &b), -PV_EPERM);
    GK_EXPECT_EQ(bt_set_iopl(0), 0);
    GK_EXPECT_EQ(bt_region_fini(&reg), 0);
}

static const struct bt_rule rules[] = {{"dom0", rule_dom0}, {"domu", rule_domu}};

void gk_main(void)
{
    bt_run_rule("ioperm_", rules, sizeof(rules) / sizeof(rules[0]));
}
