/*
 * Boot test "msi": MSI and MSI-X as pirqs, PCI configuration and CMOS mediation, read-only I/O
 * memory (Xen 4.17's physdev.c, msi.c, emul-priv-op.c and mmio_ro_ranges are the reference).
 *   rule=dom0 (the initial domain, on a machine with QEMU's edu device and a virtio NIC):
 *     configuration space through 0xcf8/0xcfc finds both; reports and their refusals
 *     (pci_device_add, manage_pci_add_ext, remove); map_pirq's MSI refusals (unreported
 *     function, MULTI_MSI, index, bus, segment, no such capability); dbgp_op's 0 (no debug
 *     port); MMCONFIG: pci_mmcfg_reserved's refusals, the ECAM pages read-only, dom0's MOV
 *     stores there done or filtered as through 0xcfc (MSI address, MSI and MSI-X enable bits
 *     before a mapping), an OR faults, stores dropped while not reserved; edu's MSI mapped: the
 *     hypervisor's address and data are in its capability, dom0's direct writes to them (ports
 *     and MMCONFIG) and to the enable bit before the mapping are dropped; bound, edu's raise
 *     register brings events; disabled by dom0, none until restore_msi(_ext) enables it again;
 *     bind_vcpu moves its address to the CPU of the port's vCPU (vCPU 0 pinned to CPU 1);
 *     unmapped, none. virtio-net's MSI-X: bad entry and table_base refused, an entry mapped,
 *     its table page mapped writable comes out read-only and dom0's store there faults;
 *     restore_msi_ext re-enables it with the entry unmasked as bound (-ENXIO without memory
 *     decoding); remove/prepare/release while mapped and after; the HPET page read-only the
 *     same way; the CMOS index latched.
 *   rule=domu (an unprivileged domain beside dom0): every new sub-op -EPERM (or -ESRCH for an
 *     absent domain; pci_mmcfg_reserved, restore_msi(_ext) and dbgp_op too), configuration
 *     space reads all-ones, the RTC's data port too.
 */
#include "bt.h"
#include "bt_mmu.h"
#include "gk/kit.h"
#include "pv-abi/domctl.h"
#include "pv-abi/elfnote.h"
#include "pv-abi/physdev_op.h"
#include "pv-abi/xen_version.h"

__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " BT_STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
                                                             ".long 1 << " BT_STR(
                                                                 PV_XENFEAT_dom0) "\n.popsection");

#define HPET_MFN 0xfed00ULL
#define EDU_ID 0x11e81234u /* device << 16 | vendor */

static volatile uint32_t edu_events;
static volatile void *store_at; /* what store_any writes: store_size bytes of store_val */
static unsigned store_size;
static uint32_t store_val;

/* A plain MOV store of 1, 2 or 4 bytes. */
static void store_any(void)
{
    if (store_size == 1)
        *(volatile uint8_t *)store_at = (uint8_t)store_val;
    else if (store_size == 2)
        *(volatile uint16_t *)store_at = (uint16_t)store_val;
    else
        *(volatile uint32_t *)store_at = store_val;
}

/* A read-modify-write store (OR), which no emulation of a read-only page accepts. */
static void store_or(void)
{
    __asm__ volatile("orl %1, (%0)" ::"r"(store_at), "r"(store_val) : "memory");
}

/* Run a store of size bytes of val at p: true if it faulted, with *f its frame. */
static bool store_traps(void (*how)(void), volatile void *p, unsigned size, uint32_t val,
                        struct gk_regs *f)
{
    store_at = p;
    store_size = size;
    store_val = val;
    return bt_trap(how, f, NULL);
}

/* A store to a page mapped read-only faults (#PF, present and write), and nothing changes. */
static void expect_store_faults(volatile uint32_t *p)
{
    struct gk_regs f;
    uint32_t before = *p;

    GK_EXPECT(store_traps(store_any, p, 4, 0xfee0f000, &f));
    GK_EXPECT_EQ(f.vector, 14);
    GK_EXPECT_EQ(f.error_code & 3, 3);
    GK_EXPECT_EQ(*p, before);
}

/* A MOV store through an MMCONFIG page dom0 maps read-only: emulated, never a fault. */
static void ecam_store(volatile uint8_t *page, unsigned reg, unsigned size, uint32_t val)
{
    struct gk_regs f;

    if (store_traps(store_any, page + reg, size, val, &f))
        GK_FAIL("MMCONFIG store of %u bytes at %#x: vector %lu", size, reg,
                (unsigned long)f.vector);
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %w1" ::"a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %w1" ::"a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    __asm__ volatile("inw %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %w1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static uint32_t cfg32(unsigned bdf, unsigned reg)
{
    outl(0xcf8, 0x80000000u | bdf << 8 | reg);
    return inl(0xcfc);
}

static uint16_t cfg16(unsigned bdf, unsigned reg)
{
    outl(0xcf8, 0x80000000u | bdf << 8 | (reg & 0xfc));
    return inw((uint16_t)(0xcfc + (reg & 2)));
}

static void cfg_write32(unsigned bdf, unsigned reg, uint32_t v)
{
    outl(0xcf8, 0x80000000u | bdf << 8 | reg);
    outl(0xcfc, v);
}

static void cfg_write16(unsigned bdf, unsigned reg, uint16_t v)
{
    outl(0xcf8, 0x80000000u | bdf << 8 | (reg & 0xfc));
    outw((uint16_t)(0xcfc + (reg & 2)), v);
}

static unsigned find_cap(unsigned bdf, unsigned id)
{
    unsigned pos = cfg32(bdf, 0x34) & 0xfc;

    for (unsigned n = 0; pos && n < 48; n++, pos = (cfg32(bdf, pos) >> 8) & 0xfc)
        if ((cfg32(bdf, pos) & 0xff) == id)
            return pos;
    return 0;
}

/* The first function of bus 0 with that id (or id2), memory decoding and bus mastering on. */
static unsigned find_fn(uint32_t id, uint32_t id2)
{
    for (unsigned devfn = 0; devfn < 256; devfn++)
        if (cfg32(devfn, 0) == id || cfg32(devfn, 0) == id2) {
            cfg_write16(devfn, 4, cfg16(devfn, 4) | 6);
            return devfn;
        }
    return 0;
}

static long physdev(unsigned cmd, void *arg)
{
    return gk_hypercall_physdev_op(cmd, arg);
}

static long dev_op(unsigned cmd, uint16_t seg, unsigned devfn)
{
    struct pv_physdev_pci_device d = {.seg = seg, .bus = 0, .devfn = (uint8_t)devfn};
    struct pv_physdev_pci_device_add a = {.seg = seg, .bus = 0, .devfn = (uint8_t)devfn};

    return cmd == PV_PHYSDEVOP_pci_device_add ? physdev(cmd, &a) : physdev(cmd, &d);
}

static long map_msi(uint16_t dom, int type, int bus, int devfn, int entry, uint64_t table,
                    int index, int *pirq)
{
    struct pv_physdev_map_pirq m = {.domid = dom,
                                    .type = type,
                                    .index = index,
                                    .pirq = -1,
                                    .bus = bus,
                                    .devfn = devfn,
                                    .entry_nr = entry,
                                    .table_base = table};
    long rc = physdev(PV_PHYSDEVOP_map_pirq, &m);

    if (pirq)
        *pirq = m.pirq;
    return rc;
}

static long unmap(uint16_t dom, int pirq)
{
    struct pv_physdev_unmap_pirq u = {.domid = dom, .pirq = pirq};

    return physdev(PV_PHYSDEVOP_unmap_pirq, &u);
}

static long bind_pirq(uint32_t pirq, uint32_t *port)
{
    struct pv_evtchn_bind_pirq b = {.pirq = pirq};
    long rc = gk_hypercall_event_channel_op(PV_EVTCHNOP_bind_pirq, &b);

    if (port)
        *port = b.port;
    return rc;
}

static void on_edu(pv_evtchn_port_t port, void *arg)
{
    (void)port, (void)arg;
    edu_events++;
}

/* Map I/O frame mfn at page i of region r (asked writable); returns the page. */
static volatile uint32_t *map_io(struct bt_region *r, unsigned i, uint64_t mfn)
{
    GK_EXPECT_EQ(bt_mmu(bt_region_pte(r, i), mfn << 12 | BT_PTE_RWD | BT_PTE_PCD | BT_PTE_PWT), 0);
    return (volatile uint32_t *)(r->va + i * 4096ULL);
}

static uint64_t bar(unsigned bdf, unsigned bir)
{
    uint32_t lo = cfg32(bdf, 0x10 + 4 * bir);

    return (lo & ~0xfULL) | ((lo & 6) == 4 ? (uint64_t)cfg32(bdf, 0x14 + 4 * bir) << 32 : 0);
}

static void check_reports(unsigned edu, unsigned nic)
{
    struct pv_physdev_manage_pci_ext ext = {.devfn = (uint8_t)nic, .is_extfn = 2};
    struct pv_physdev_manage_pci m = {.devfn = (uint8_t)edu};
    int pirq;

    BT_EXPECT_RC("MSI of an unreported function",
                 map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 0, (int)edu, 0, 0, -1, NULL),
                 -PV_ENODEV);
    BT_EXPECT_RC("add: nothing there", dev_op(PV_PHYSDEVOP_pci_device_add, 0, 0xff), -PV_ENODEV);
    BT_EXPECT_RC("dbgp_op: no debug port",
                 physdev(PV_PHYSDEVOP_dbgp_op,
                         &(struct pv_physdev_dbgp_op){.op = PV_PHYSDEVOP_DBGP_RESET_PREPARE,
                                                      .bus = PV_PHYSDEVOP_DBGP_BUS_PCI}),
                 0);
    BT_EXPECT_RC("add: segment 1", dev_op(PV_PHYSDEVOP_pci_device_add, 1, edu), -PV_ENODEV);
    BT_EXPECT_RC("add_ext: is_extfn 2", physdev(PV_PHYSDEVOP_manage_pci_add_ext, &ext), -PV_EINVAL);
    BT_EXPECT_RC("remove unreported", dev_op(PV_PHYSDEVOP_pci_device_remove, 0, edu), -PV_ENODEV);
    BT_EXPECT_RC("manage_pci_add", physdev(PV_PHYSDEVOP_manage_pci_add, &m), 0);
    BT_EXPECT_RC("manage_pci_remove", physdev(PV_PHYSDEVOP_manage_pci_remove, &m), 0);
    BT_EXPECT_RC("pci_device_add edu", dev_op(PV_PHYSDEVOP_pci_device_add, 0, edu), 0);
    ext.is_extfn = 0;
    BT_EXPECT_RC("add_ext nic", physdev(PV_PHYSDEVOP_manage_pci_add_ext, &ext), 0);
    BT_EXPECT_RC("MULTI_MSI",
                 map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MULTI_MSI, 0, (int)edu, 2, 0, -1, NULL),
                 -PV_EINVAL);
    BT_EXPECT_RC("index 5",
                 map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 0, (int)edu, 0, 0, 5, NULL),
                 -PV_EINVAL);
    BT_EXPECT_RC("bus 300",
                 map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 300, (int)edu, 0, 0, -1, NULL),
                 -PV_EINVAL);
    BT_EXPECT_RC("devfn 256", map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 0, 256, 0, 0, -1, NULL),
                 -PV_EINVAL);
    BT_EXPECT_RC(
        "segment 1",
        map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI_SEG, 1 << 16, (int)edu, 0, 0, -1, NULL),
        -PV_ENODEV);
    BT_EXPECT_RC("domain 77", map_msi(77, PV_MAP_PIRQ_TYPE_MSI, 0, (int)edu, 0, 0, -1, NULL),
                 -PV_ESRCH);
    BT_EXPECT_RC("virtio-net has no MSI",
                 map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 0, (int)nic, 0, 0, -1, &pirq),
                 -PV_ENODEV);
}

static long mmcfg_reserved(uint64_t address, uint16_t seg, uint8_t last, uint32_t flags)
{
    struct pv_physdev_pci_mmcfg_reserved m = {
        .address = address, .segment = seg, .start_bus = 0, .end_bus = last, .flags = flags};

    return physdev(PV_PHYSDEVOP_pci_mmcfg_reserved, &m);
}

/* MMCONFIG: q35's window (its PCIEXBAR, 256 buses) and pci_mmcfg_reserved's refusals; edu's
 * ECAM page asked writable comes out read-only and reads as its configuration space; MOV stores
 * of 1, 2 and 4 bytes reach the command register through the hypervisor, an OR faults; the
 * MSI and MSI-X capabilities refuse what they refuse through 0xcfc; a window reported not
 * reserved drops every store. Returns edu's ECAM page. */
static volatile uint8_t *check_mmcfg(unsigned edu, unsigned nic, struct bt_region *r)
{
    uint32_t pciexbar = cfg32(0, 0x60);
    uint64_t base = (pciexbar & 0xf0000000u) | (uint64_t)cfg32(0, 0x64) << 32;
    unsigned pos = find_cap(edu, 0x05), xpos = find_cap(nic, 0x11);
    uint16_t cmd = cfg16(edu, 4), xctl = cfg16(nic, xpos + 2);
    volatile uint8_t *e, *x;
    struct gk_regs f;

    gk_test_log("PCIEXBAR %#x: MMCONFIG at %#lx", pciexbar, (unsigned long)base);
    GK_ASSERT((pciexbar & 7) == 1); /* enabled, 256 MiB */
    BT_EXPECT_RC("mmcfg flags 2", mmcfg_reserved(base, 0, 255, 2), -PV_EINVAL);
    BT_EXPECT_RC("mmcfg segment 1", mmcfg_reserved(base, 1, 255, 1), -PV_ENODEV);
    BT_EXPECT_RC("mmcfg buses 0-127", mmcfg_reserved(base, 0, 127, 1), -PV_ENODEV);
    BT_EXPECT_RC("mmcfg another address", mmcfg_reserved(base + (1 << 20), 0, 255, 1), -PV_EIO);
    BT_EXPECT_RC("mmcfg reserved", mmcfg_reserved(base, 0, 255, 1), 0);
    e = (volatile uint8_t *)map_io(r, 5, (base >> 12) + edu);
    x = (volatile uint8_t *)map_io(r, 6, (base >> 12) + nic);
    GK_EXPECT_EQ(bt_peek(r->l1.mfn, 5) & BT_PTE_RW, 0); /* asked writable, made read-only */
    GK_EXPECT_EQ(bt_peek(r->l1.mfn, 6) & BT_PTE_RW, 0);
    GK_EXPECT_EQ(*(volatile uint32_t *)e, EDU_ID);
    ecam_store(e, 4, 2, cmd | 0x400u); /* INTx disable, a word */
    GK_EXPECT_EQ(cfg16(edu, 4), cmd | 0x400u);
    ecam_store(e, 5, 1, (cmd >> 8) & ~4u); /* a byte */
    GK_EXPECT_EQ(cfg16(edu, 4), cmd & ~0x400u);
    ecam_store(e, 4, 4, cmd | 0x400u); /* a dword (zeros to the status: no change) */
    GK_EXPECT_EQ(cfg16(edu, 4), cmd | 0x400u);
    GK_EXPECT(store_traps(store_or, e + 4, 4, 0x4, &f)); /* not a plain store */
    GK_EXPECT_EQ(f.vector, 14);
    ecam_store(e, 4, 2, cmd);
    GK_EXPECT_EQ(cfg16(edu, 4), cmd);
    ecam_store(e, pos + 4, 4, 0xfee01000); /* dom0's own MSI address: dropped */
    GK_EXPECT_EQ(cfg32(edu, pos + 4), 0);
    ecam_store(e, pos + 2, 2, cfg16(edu, pos + 2) | 1u); /* enable before a mapping: clear */
    GK_EXPECT_EQ(cfg16(edu, pos + 2) & 1, 0);
    ecam_store(x, xpos + 2, 2, xctl | 0x8000u); /* MSI-X enable before a mapping: clear */
    GK_EXPECT_EQ(cfg16(nic, xpos + 2), xctl);
    BT_EXPECT_RC("mmcfg not reserved", mmcfg_reserved(base, 0, 255, 0), 0);
    ecam_store(e, 4, 2, cmd | 0x400u); /* dropped */
    GK_EXPECT_EQ(cfg16(edu, 4), cmd);
    BT_EXPECT_RC("mmcfg reserved again", mmcfg_reserved(base, 0, 255, 1), 0);
    return e;
}

/* A domctl on dom0 itself with a len-byte argument, copied back. */
static long domctl0(uint32_t cmd, void *arg, size_t len)
{
    static struct pv_domctl op __attribute__((aligned(16)));
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.interface_version = PV_DOMCTL_INTERFACE_VERSION;
    memcpy(op.u.pad, arg, len);
    rc = gk_hypercall_nr(PV_HYPERCALL_domctl, (uint64_t)(uintptr_t)&op, 0, 0, 0, 0);
    memcpy(arg, op.u.pad, len);
    return rc;
}

/* The CPU whose run queue holds vCPU vcpu of dom0 (domctl getvcpuinfo). */
static uint32_t vcpu_cpu(uint32_t vcpu)
{
    struct pv_domctl_getvcpuinfo i = {.vcpu = vcpu};

    GK_EXPECT_EQ(domctl0(PV_DOMCTL_getvcpuinfo, &i, sizeof(i)), 0);
    return i.cpu;
}

static long bind_vcpu(uint32_t port, uint32_t vcpu)
{
    struct pv_evtchn_bind_vcpu b = {.port = port, .vcpu = vcpu};

    return gk_hypercall_event_channel_op(PV_EVTCHNOP_bind_vcpu, &b);
}

static uint32_t msi_cpu(unsigned edu, unsigned pos)
{
    return (cfg32(edu, pos + 4) >> 12) & 0xff; /* QEMU's APIC ids are the CPU numbers */
}

/* EVTCHNOP_bind_vcpu moves an MSI to the CPU of the port's new vCPU (Xen's pirq_set_affinity):
 * mapped, it names the boot CPU; dom0's vCPU 0 pinned to CPU 1, binding the port to it moves the
 * address there; to vCPU 1 (down, pinned to CPU 0), back to CPU 0, and a message still arrives
 * (the port masked: pending only); back to vCPU 0, back to CPU 1, whose local APIC takes the
 * next message to vCPU 0's handler. */
static void check_affinity(unsigned edu, unsigned pos, uint32_t port, volatile uint32_t *regs)
{
    static uint8_t cpu1 = 1 << 1, cpu0 = 1 << 0;
    struct pv_domctl_vcpuaffinity a = {
        .vcpu = 0,
        .flags = PV_VCPUAFFINITY_HARD,
        .cpumap_hard = {.bitmap = PV_GUEST_PTR(&cpu1), .nr_bits = 8},
    };
    struct pv_domctl_vcpuaffinity a1 = {
        .vcpu = 1,
        .flags = PV_VCPUAFFINITY_HARD,
        .cpumap_hard = {.bitmap = PV_GUEST_PTR(&cpu0), .nr_bits = 8},
    };
    uint32_t n = edu_events;

    GK_EXPECT_EQ(msi_cpu(edu, pos), 0);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_setvcpuaffinity, &a1, sizeof(a1)), 0);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_setvcpuaffinity, &a, sizeof(a)), 0);
    for (unsigned t = 0; t < 100 && vcpu_cpu(0) != 1; t++)
        gk_sleep_ns(10 * GK_NS_PER_MS);
    GK_EXPECT_EQ(vcpu_cpu(0), 1);
    BT_EXPECT_RC("bind_vcpu 0", bind_vcpu(port, 0), 0);
    GK_EXPECT_EQ(msi_cpu(edu, pos), 1);
    BT_EXPECT_RC("bind_vcpu 1", bind_vcpu(port, 1), 0);
    gk_test_log("MSI address %#x with dom0's vCPU 1 on CPU %u", cfg32(edu, pos + 4), vcpu_cpu(1));
    GK_EXPECT_EQ(vcpu_cpu(1), 0);
    GK_EXPECT_EQ(msi_cpu(edu, pos), 0);
    gk_event_mask_port(port); /* the message only marks it pending */
    regs[0x60 / 4] = 1;
    for (unsigned t = 0; t < 200 && !gk_event_pending(port); t++)
        gk_sleep_ns(5 * GK_NS_PER_MS);
    regs[0x64 / 4] = 1;
    GK_EXPECT(gk_event_pending(port));
    GK_EXPECT_EQ(edu_events, n);
    gk_event_clear(port);
    GK_EXPECT_EQ(gk_event_unmask_port(port), 0);
    BT_EXPECT_RC("bind_vcpu 0 again", bind_vcpu(port, 0), 0);
    GK_EXPECT_EQ(msi_cpu(edu, pos), 1);
    regs[0x60 / 4] = 1; /* through CPU 1's local APIC to the handler on vCPU 0 */
    for (unsigned t = 0; t < 200 && edu_events == n; t++)
        gk_sleep_ns(5 * GK_NS_PER_MS);
    regs[0x64 / 4] = 1;
    GK_EXPECT_EQ(edu_events, n + 1);
}

/* Wait up to a second for edu's events to pass n. */
static void wait_events(uint32_t n)
{
    for (unsigned t = 0; t < 200 && edu_events <= n; t++)
        gk_sleep_ns(5 * GK_NS_PER_MS);
}

/* edu: MSI only. Its raise register (0x60) sends one message per write once MSI is enabled. */
static void check_msi(unsigned edu, struct bt_region *r, volatile uint8_t *ecam)
{
    unsigned pos = find_cap(edu, 0x05);
    volatile uint32_t *regs = map_io(r, 0, bar(edu, 0) >> 12);
    uint32_t port, data_reg, n;
    int pirq = 0;

    GK_ASSERT(pos != 0);
    data_reg = pos + ((cfg16(edu, pos + 2) & 0x80) ? 12 : 8);
    cfg_write32(edu, pos + 4, 0xfee01000);              /* dom0's own address: dropped */
    cfg_write16(edu, pos + 2, cfg16(edu, pos + 2) | 1); /* enable before any mapping: kept clear */
    GK_EXPECT_EQ(cfg32(edu, pos + 4), 0);
    GK_EXPECT_EQ(cfg16(edu, pos + 2) & 1, 0);
    BT_EXPECT_RC("map edu MSI",
                 map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI_SEG, 0, (int)edu, 0, 0, -1, &pirq), 0);
    gk_test_log("edu MSI: pirq %d, address %#x, data %#x", pirq, cfg32(edu, pos + 4),
                cfg16(edu, data_reg));
    GK_EXPECT_EQ(pirq, 255); /* the highest free one, as Xen's get_free_pirq */
    GK_EXPECT_EQ(cfg32(edu, pos + 4) & 0xfff00000u, 0xfee00000u);
    GK_EXPECT_GE(cfg16(edu, data_reg), 0x90);
    BT_EXPECT_RC("map it again",
                 map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 0, (int)edu, 0, 0, -1, NULL),
                 -PV_EEXIST);
    cfg_write16(edu, data_reg, 0x33); /* dom0's own vector: dropped */
    GK_EXPECT_GE(cfg16(edu, data_reg), 0x90);
    ecam_store(ecam, data_reg, 2, 0x33); /* through MMCONFIG too */
    GK_EXPECT_GE(cfg16(edu, data_reg), 0x90);
    cfg_write16(edu, pos + 2, cfg16(edu, pos + 2) | 1); /* now the enable bit is dom0's */
    GK_EXPECT_EQ(cfg16(edu, pos + 2) & 1, 1);
    GK_ASSERT_EQ(bind_pirq((uint32_t)pirq, &port), 0);
    GK_EXPECT_EQ(bind_pirq((uint32_t)pirq, NULL), -PV_EEXIST);
    gk_event_set_handler(port, on_edu, NULL);
    for (unsigned i = 0; i < 3; i++) {
        regs[0x60 / 4] = 1; /* raise */
        wait_events(i);
        regs[0x64 / 4] = 1; /* acknowledge */
    }
    gk_test_log("edu: %u events", edu_events);
    GK_EXPECT_EQ(edu_events, 3);
    cfg_write16(edu, pos + 2, cfg16(edu, pos + 2) & ~1u); /* disabled, as a suspend leaves it */
    cfg_write16(edu, data_reg, 0);                        /* (dropped) */
    regs[0x60 / 4] = 1;
    gk_sleep_ns(50 * GK_NS_PER_MS);
    regs[0x64 / 4] = 1;
    GK_EXPECT_EQ(edu_events, 3);
    BT_EXPECT_RC("restore_msi_ext edu", dev_op(PV_PHYSDEVOP_restore_msi_ext, 0, edu), 0);
    GK_EXPECT_EQ(cfg16(edu, pos + 2) & 1, 1); /* enabled again, the same message */
    GK_EXPECT_EQ(cfg32(edu, pos + 4) & 0xfff00000u, 0xfee00000u);
    GK_EXPECT_GE(cfg16(edu, data_reg), 0x90);
    regs[0x60 / 4] = 1;
    wait_events(3);
    regs[0x64 / 4] = 1;
    GK_EXPECT_EQ(edu_events, 4);
    BT_EXPECT_RC("restore_msi edu",
                 physdev(PV_PHYSDEVOP_restore_msi,
                         &(struct pv_physdev_restore_msi){.devfn = (uint8_t)edu}),
                 0);
    check_affinity(edu, pos, port, regs);
    BT_EXPECT_RC("restore_msi_ext segment 1", dev_op(PV_PHYSDEVOP_restore_msi_ext, 1, edu),
                 -PV_ENODEV);
    BT_EXPECT_RC("restore_msi unreported", dev_op(PV_PHYSDEVOP_restore_msi_ext, 0, 0xff),
                 -PV_ENODEV);
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_pci_device_remove, 0, edu), -PV_EBUSY);
    GK_EXPECT_EQ(unmap(PV_DOMID_SELF, pirq), 0);
    GK_EXPECT_EQ(unmap(PV_DOMID_SELF, pirq), -PV_EINVAL);
    GK_EXPECT_EQ(cfg16(edu, pos + 2) & 1, 0); /* disabled by the unmap */
    n = edu_events;
    regs[0x60 / 4] = 1;
    gk_sleep_ns(50 * GK_NS_PER_MS);
    regs[0x64 / 4] = 1;
    GK_EXPECT_EQ(edu_events, n);
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_pci_device_remove, 0, edu), 0);
}

/* virtio-net: MSI-X only; the table page read-only once an entry is mapped. */
static void check_msix(unsigned nic, struct bt_region *r)
{
    unsigned pos = find_cap(nic, 0x11);
    uint32_t t = cfg32(nic, pos + 4), ctl;
    uint64_t base = bar(nic, t & 7), table = base + (t & ~7u);
    volatile uint32_t *page;
    int pirq = 0;

    GK_ASSERT(pos != 0);
    BT_EXPECT_RC(
        "entry 1000",
        map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI_SEG, 0, (int)nic, 1000, base, -1, NULL),
        -PV_EINVAL);
    BT_EXPECT_RC("entry -1",
                 map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI_SEG, 0, (int)nic, -1, base, -1, NULL),
                 -PV_EINVAL);
    BT_EXPECT_RC(
        "another table_base",
        map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI_SEG, 0, (int)nic, 0, base + 0x1000, -1, NULL),
        -PV_EINVAL);
    BT_EXPECT_RC("map entry 1",
                 map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI_SEG, 0, (int)nic, 1, base, -1, &pirq),
                 0);
    GK_EXPECT_EQ(pirq, 255); /* edu's was freed */
    BT_EXPECT_RC("entry 1 again",
                 map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI_SEG, 0, (int)nic, 1, base, -1, NULL),
                 -PV_EEXIST);
    ctl = cfg16(nic, pos + 2);
    GK_EXPECT(ctl & 0x8000);  /* enabled by the hypervisor */
    cfg_write32(nic, pos, 0); /* a dword over the capability: dropped */
    GK_EXPECT_EQ(cfg16(nic, pos + 2), ctl);
    page = map_io(r, 1, table >> 12);
    GK_EXPECT_EQ(bt_peek(r->l1.mfn, 1) & BT_PTE_RW, 0); /* asked writable, made read-only */
    page += (table & 0xfff) / 4 + 4;                    /* entry 1 */
    gk_test_log("MSI-X entry 1: %#x %#x %#x %#x", page[0], page[1], page[2], page[3]);
    GK_EXPECT_EQ(page[0] & 0xfff00000u, 0xfee00000u);
    GK_EXPECT_EQ(page[3], 1); /* masked: not bound */
    expect_store_faults(&page[0]); /* dom0 cannot program the entry */
    expect_store_faults(&page[3]);
    GK_EXPECT_EQ(bind_pirq((uint32_t)pirq, NULL), 0);
    GK_EXPECT_EQ(page[3], 0); /* unmasked by the bind */
    cfg_write16(nic, pos + 2, (uint16_t)(ctl & ~0x8000u)); /* MSI-X off, as a suspend leaves it */
    GK_EXPECT_EQ(cfg16(nic, pos + 2) & 0x8000, 0);
    cfg_write16(nic, 4, cfg16(nic, 4) & ~2u); /* memory decoding off */
    BT_EXPECT_RC("restore_msi_ext, no memory decoding",
                 dev_op(PV_PHYSDEVOP_restore_msi_ext, 0, nic), -PV_ENXIO);
    cfg_write16(nic, 4, cfg16(nic, 4) | 2u);
    BT_EXPECT_RC("restore_msi_ext nic", dev_op(PV_PHYSDEVOP_restore_msi_ext, 0, nic), 0);
    GK_EXPECT_EQ(cfg16(nic, pos + 2), ctl); /* enabled again */
    GK_EXPECT_EQ(page[0] & 0xfff00000u, 0xfee00000u);
    GK_EXPECT_EQ(page[3], 0); /* still unmasked: bound */
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_prepare_msix, 0, nic), -PV_EBUSY);
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_pci_device_remove, 0, nic), -PV_EBUSY);
    GK_EXPECT_EQ(unmap(PV_DOMID_SELF, pirq), 0);
    GK_EXPECT_EQ(page[3], 1); /* masked by the unmap */
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_release_msix, 0, nic), -PV_EBUSY);
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_prepare_msix, 0, nic), 0);
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_prepare_msix, 0, nic), -PV_EBUSY);
    map_io(r, 2, table >> 12);
    GK_EXPECT_EQ(bt_peek(r->l1.mfn, 2) & BT_PTE_RW, 0); /* prepared: read-only too */
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_pci_device_remove, 0, nic), -PV_EBUSY);
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_release_msix, 0, nic), 0);
    map_io(r, 3, table >> 12);
    GK_EXPECT_EQ(bt_peek(r->l1.mfn, 3) & BT_PTE_RW, BT_PTE_RW); /* released: writable again */
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_pci_device_remove, 0, nic), 0);
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_pci_device_remove, 0, nic), -PV_ENODEV);
}

/* The HPET: read-only, stores fault; the CMOS index latched per domain. */
static void check_hpet_and_cmos(struct bt_region *r)
{
    volatile uint32_t *hpet = map_io(r, 4, HPET_MFN);
    uint32_t cfg = hpet[0x10 / 4];

    GK_EXPECT_EQ(bt_peek(r->l1.mfn, 4) & BT_PTE_RW, 0);
    gk_test_log("HPET id %#x, config %#x", hpet[0], cfg);
    GK_EXPECT_EQ(hpet[0] >> 16, 0x8086); /* QEMU's vendor id */
    expect_store_faults(&hpet[0x10 / 4]);
    outb(0x70, 0x8b); /* register B, NMI-disable bit set */
    GK_EXPECT_EQ(inb(0x70), 0x8b);
    GK_EXPECT_EQ(inb(0x71) & 0x02, 0x02); /* 24-hour mode, as SeaBIOS sets it */
    outb(0x70, 0x00);
    GK_EXPECT(inb(0x71) < 0x60); /* seconds, BCD */
}

static void rule_dom0(void)
{
    unsigned edu, nic;
    struct bt_region r;

    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    gk_events_unmask();
    edu = find_fn(EDU_ID, EDU_ID);
    nic = find_fn(0x10001af4, 0x10411af4); /* virtio-net, transitional or modern */
    gk_test_log("edu at 00:%02x.%u, virtio-net at 00:%02x.%u", edu >> 3, edu & 7, nic >> 3,
                nic & 7);
    GK_ASSERT(edu && nic);
    GK_ASSERT(bt_region_init(&r));
    check_reports(edu, nic);
    check_msi(edu, &r, check_mmcfg(edu, nic, &r));
    check_msix(nic, &r);
    check_hpet_and_cmos(&r);
    GK_EXPECT_EQ(bt_region_fini(&r), 0);
}

static void rule_domu(void)
{
    static const unsigned dev_cmds[] = {PV_PHYSDEVOP_pci_device_add, PV_PHYSDEVOP_pci_device_remove,
                                        PV_PHYSDEVOP_prepare_msix, PV_PHYSDEVOP_release_msix};
    struct pv_physdev_manage_pci m = {.devfn = 8};
    struct pv_physdev_manage_pci_ext ext = {.devfn = 8};

    for (unsigned i = 0; i < sizeof(dev_cmds) / sizeof(dev_cmds[0]); i++)
        GK_EXPECT_EQ(dev_op(dev_cmds[i], 0, 8), -PV_EPERM);
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_manage_pci_add, &m), -PV_EPERM);
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_manage_pci_remove, &m), -PV_EPERM);
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_manage_pci_add_ext, &ext), -PV_EPERM);
    GK_EXPECT_EQ(map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI, 0, 8, 0, 0, -1, NULL), -PV_EPERM);
    GK_EXPECT_EQ(map_msi(PV_DOMID_SELF, PV_MAP_PIRQ_TYPE_MSI_SEG, 0, 8, 0, 0xfebf0000, -1, NULL),
                 -PV_EPERM);
    GK_EXPECT_EQ(map_msi(0, PV_MAP_PIRQ_TYPE_MSI, 0, 8, 0, 0, -1, NULL), -PV_EPERM);
    GK_EXPECT_EQ(map_msi(77, PV_MAP_PIRQ_TYPE_MSI, 0, 8, 0, 0, -1, NULL), -PV_ESRCH);
    GK_EXPECT_EQ(unmap(PV_DOMID_SELF, 255), -PV_EPERM);
    GK_EXPECT_EQ(mmcfg_reserved(0xb0000000, 0, 255, 1), -PV_EPERM);
    GK_EXPECT_EQ(dev_op(PV_PHYSDEVOP_restore_msi_ext, 0, 8), -PV_EPERM);
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_restore_msi, &(struct pv_physdev_restore_msi){.devfn = 8}),
                 -PV_EPERM);
    GK_EXPECT_EQ(physdev(PV_PHYSDEVOP_dbgp_op, &(struct pv_physdev_dbgp_op){.op = 1}),
                 -PV_EPERM);
    GK_EXPECT_EQ(bind_pirq(255, NULL), -PV_EPERM);
    GK_ASSERT_EQ(bt_set_iopl(1), 0);
    GK_EXPECT_EQ(cfg32(0, 0), 0xffffffff); /* the host bridge: not for a domU */
    cfg_write16(0, 4, 0);                  /* its command register: dropped */
    outb(0x70, 0x0b);
    GK_EXPECT_EQ(inb(0x70), 0x0b); /* the latch is every domain's own */
    GK_EXPECT_EQ(inb(0x71), 0xff); /* the RTC is not */
}

static const struct bt_rule rules[] = {{"dom0", rule_dom0}, {"domu", rule_domu}};

void gk_main(void)
{
    struct pv_physdev_set_iopl iopl = {.iopl = 1};

    gk_hypercall_physdev_op(PV_PHYSDEVOP_set_iopl, &iopl);
    bt_run_rule("msi_", rules, sizeof(rules) / sizeof(rules[0]));
}
