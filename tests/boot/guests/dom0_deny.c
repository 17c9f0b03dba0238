/*
 * Boot test guest "dom0_deny": an unprivileged domain beside (or without) dom0 is refused
 * every privilege of the initial domain: it is not told it is dom0 (start_info flags, the
 * XENFEAT dom0 bit), XENMEM_machine_memory_map and every platform_op sub-op (known, unknown,
 * with a bad pointer) give -EPERM, CONSOLEIO_read -EPERM, the global VIRQ_CONSOLE cannot be
 * bound (-EBUSY), and with IOPL 1 the ports dom0 may use (PCI configuration, CMOS RTC, the
 * keyboard controller) read as all ones. XENMEM_exchange beyond a domU's rights: an extent
 * order above 9 or another domain (-EPERM), frames it does not own or still maps, a frame named
 * twice, mismatched sizes (-EINVAL), each leaving nr_exchanged 0 and its memory as it was.
 * Mapping I/O memory is refused in mmu_hostile (rule=foreign). The legal twins (its own memory
 * map, IOPL itself, exchanging an unmapped page of its own for one below 4 GiB) work, so a
 * hypervisor refusing everything fails too. With "hold=1" on its command line (beside a real
 * dom0: tests/linux linux_dom0) it prints "dom0_deny: checks passed" and then blocks until the
 * hypervisor destroys it, which dom0's end does. With "xs_peer=N" (domain N built with
 * "xenstore", tests/linux linux_dom0_xenstore) the store page N grants to dom0 at ref 1 can be
 * neither mapped nor copied by this domain (GNTST_general_error: the entry names dom0).
 */
#include "bt.h"
#include "bt_mmu.h"
#include "gk/gnttab.h"

static uint8_t buf[4096] __attribute__((aligned(4096)));

static long platform_op(uint32_t cmd, void *arg)
{
    struct pv_platform_op op = {.cmd = cmd, .interface_version = PV_XENPF_INTERFACE_VERSION};

    return gk_hypercall(PV_HYPERCALL_platform_op, arg ? arg : (void *)&op, 0, 0, 0, 0);
}

static void check_identity(void)
{
    struct pv_feature_info fi = {.submap_idx = 0};

    GK_EXPECT_EQ(gk_start_info->flags & (PV_SIF_PRIVILEGED | PV_SIF_INITDOMAIN), 0);
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_get_features, &fi), 0);
    GK_EXPECT_EQ(fi.submap & (1u << PV_XENFEAT_dom0), 0);
    GK_EXPECT_NE(fi.submap & (1u << PV_XENFEAT_mmu_pt_update_preserve_ad), 0);
}

static void check_memory_maps(void)
{
    struct pv_memory_map map = {.nr_entries = 64, .buffer = PV_GUEST_PTR(buf)};

    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_machine_memory_map, &map), -PV_EPERM);
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_machine_memory_map, NULL), -PV_EPERM);
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_memory_map, &map), 0);
    GK_EXPECT_EQ(map.nr_entries, 1);
}

static void check_platform_op(void)
{
    static const uint32_t cmds[] = {PV_XENPF_settime32, PV_XENPF_settime64,
                                    PV_XENPF_firmware_info, PV_XENPF_enter_acpi_sleep,
                                    PV_XENPF_set_processor_pminfo, PV_XENPF_get_cpuinfo,
                                    0, 1, 99, 0xffffffff};

    for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        GK_EXPECT_EQ(platform_op(cmds[i], NULL), -PV_EPERM);
    GK_EXPECT_EQ(platform_op(PV_XENPF_settime64, (void *)8), -PV_EPERM); /* before any read */
}

static void check_console(void)
{
    pv_evtchn_port_t port = 0;

    GK_EXPECT_EQ(gk_hypercall_console_io(PV_CONSOLEIO_read, 16, (char *)buf), -PV_EPERM);
    GK_EXPECT_EQ(gk_evtchn_bind_virq(PV_VIRQ_CONSOLE, 0, &port), -PV_EBUSY);
}

static uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"(port));
}

static void check_ports(void)
{
    GK_ASSERT_EQ(bt_set_iopl(1), 0);
    outl(0xcf8, 0x80000000); /* bus 0 device 0 function 0, vendor/device id */
    GK_EXPECT_EQ(inl(0xcfc), 0xffffffff); /* configuration space: the hardware domain's only */
    GK_EXPECT_EQ(inl(0xcf8), 0x80000000); /* its own latch, as on Xen */
    GK_EXPECT_EQ(inb(0x71), 0xff);
    GK_EXPECT_EQ(inb(0x64), 0xff);
    GK_EXPECT_EQ(bt_set_iopl(0), 0);
}

static uint8_t spare[1][4096] __attribute__((aligned(4096)));

/* One exchange of n order-in_order frames for order-out_order extents; nr_exchanged must come
 * back as want_done. */
static long exchange(uint64_t *in, uint64_t n_in, unsigned in_order, uint64_t *out,
                     uint64_t n_out, unsigned out_order, pv_domid_t dom, uint64_t want_done)
{
    struct pv_memory_exchange x = {
        .in = {.extent_start = PV_GUEST_PTR(in), .nr_extents = n_in, .extent_order = in_order,
               .domid = PV_DOMID_SELF},
        .out = {.extent_start = PV_GUEST_PTR(out), .nr_extents = n_out,
                .extent_order = out_order, .mem_flags = 32, .domid = dom}};
    long rc = gk_hypercall_memory_op(PV_XENMEM_exchange, &x);

    GK_EXPECT_EQ(x.nr_exchanged, want_done);
    return rc;
}

static void check_exchange(void)
{
    uint64_t va = (uint64_t)(uintptr_t)spare[0], mfn = gk_virt_to_mfn(spare[0]);
    uint64_t pfn = gk_mfn_to_pfn(mfn), in[2] = {mfn, mfn}, out[2] = {pfn, pfn + 1};

    spare[0][0] = 0x5a;
    GK_EXPECT_EQ(exchange(in, 1, 0, out, 1, 0, PV_DOMID_SELF, 0), -PV_EINVAL); /* still mapped */
    GK_EXPECT_EQ(exchange(in, 1, 10, out, 1, 10, PV_DOMID_SELF, 0), -PV_EPERM);
    GK_EXPECT_EQ(exchange(in, 1, 0, out, 1, 0, 0, 0), -PV_EPERM);
    GK_EXPECT_EQ(exchange(in, 2, 0, out, 1, 0, PV_DOMID_SELF, 0), -PV_EINVAL);
    in[0] = 0x10; /* a frame of the first MiB: not ours */
    GK_EXPECT_EQ(exchange(in, 1, 0, out, 1, 0, PV_DOMID_SELF, 0), -PV_EINVAL);
    in[0] = gk_start_info->shared_info >> 12; /* ours to map, not our memory */
    GK_EXPECT_EQ(exchange(in, 1, 0, out, 1, 0, PV_DOMID_SELF, 0), -PV_EINVAL);
    GK_ASSERT_EQ(bt_uvm(va, 0, PV_UVMF_INVLPG), 0);
    in[0] = in[1] = mfn; /* the same frame twice for an order-1 extent */
    GK_EXPECT_EQ(exchange(in, 2, 0, out, 1, 1, PV_DOMID_SELF, 0), -PV_EINVAL);
    GK_EXPECT_EQ(exchange(in, 1, 0, out, 1, 0, PV_DOMID_SELF, 1), 0); /* the legal twin */
    GK_EXPECT_NE(out[0], mfn);
    GK_EXPECT_LT(out[0], 1ULL << 20); /* below 2^32 */
    GK_ASSERT_EQ(bt_uvm(va, (out[0] << 12) | BT_PTE_RWD, PV_UVMF_INVLPG), 0);
    GK_EXPECT_EQ(spare[0][0], 0); /* a fresh, zeroed frame */
    GK_EXPECT_EQ(bt_uvm(va, (mfn << 12) | BT_PTE_RO, PV_UVMF_INVLPG), -PV_EBUSY); /* gone */
}

/* A store page granted to dom0 (builder option "xenstore") is dom0's to map, not ours. */
static void check_store_grant(void)
{
    uint64_t peer = 0;
    struct gk_gnttab_map m;
    uint8_t *page;

    if (!bt_cmdline_uint("xs_peer", &peer))
        return;
    page = gk_page_alloc();
    GK_ASSERT(page != NULL);
    GK_EXPECT_EQ(gk_gnttab_map((pv_domid_t)peer, PV_GNTTAB_RESERVED_XENSTORE, (uint64_t)page,
                               GK_GNTMAP_READONLY, &m), 0);
    GK_EXPECT_EQ(m.status, PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)peer, PV_GNTTAB_RESERVED_XENSTORE, 0, buf, 64),
                 PV_GNTST_general_error);
}

GK_TEST(dom0_deny)
{
    check_identity();
    check_memory_maps();
    check_platform_op();
    check_console();
    check_ports();
    check_exchange();
    check_store_grant();
    uint64_t hold = 0;

    if (gk_test_failed() || !bt_cmdline_uint("hold", &hold) || !hold)
        return;
    gk_test_log("dom0_deny: checks passed, holding");
    for (;;)
        gk_hypercall_sched_op(PV_SCHEDOP_block, NULL);
}
