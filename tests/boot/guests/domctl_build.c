/*
 * Boot test "domctl_build" (booted as dom0 alone): the toolstack's whole path for a new
 * domain, as a domain builder in dom0 takes it. createdomain and max_mem; populate_physmap of
 * seven frames into it; each written through a foreign mapping (four page-table levels, a
 * little code, the stack); hypercall_init into the eighth's place; setvcpucontext (the context
 * read back with getvcpucontext, the vCPU reset by a null context and loaded again); the first
 * unpause. The new domain runs its code, which asks
 * SCHEDOP_shutdown for a reboot: it stays, shut down with that reason, and dom0 gets
 * VIRQ_DOM_EXC; then destroydomain frees it (the runner checks every frame came back).
 */
#include "bt.h"
#include "bt_mmu.h"
#include "pv-abi/xen_version.h"

/* The kit's notes say nothing of dom0: this guest is the initial domain. */
__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " BT_STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
        ".long 1 << " BT_STR(PV_XENFEAT_dom0) "\n.popsection");

enum { L4, L3, L2, L1, CODE, HCALL, STACK, NR_FRAMES };
#define BASE 0x400000UL /* the new domain's code at BASE, its hypercall page and stack after */
#define ARG_OFF 0x20    /* its sched_shutdown argument in the code page */
#define USER_TABLE (BT_PTE_P | BT_PTE_RW | BT_PTE_US | BT_PTE_A)

/* mov $SCHEDOP_shutdown, %edi; lea arg(%rip), %rsi; call hypercall_page + 29 * 32; jmp . */
static const uint8_t code[] = {0xbf, PV_SCHEDOP_shutdown, 0, 0, 0,
                               0x48, 0x8d, 0x35, ARG_OFF - 0x0c, 0, 0, 0,
                               0xe8, 0x8f, 0x13, 0, 0, /* BASE + 0x13a0 - (BASE + 0x11) */
                               0xeb, 0xfe};

static struct pv_domctl op __attribute__((aligned(16)));
static struct pv_vcpu_guest_context ctxt;
static struct bt_region reg;
static uint64_t mfn[NR_FRAMES];
static pv_evtchn_port_t exc_port;

/* Write one of the new domain's frames through a writable foreign mapping, then drop it (a
 * frame still writable in dom0 could not become a page table). */
static void write_frame(unsigned i, uint16_t dom, const void *src, size_t len)
{
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 0), (mfn[i] << 12) | BT_PTE_RWD, dom), 0);
    memset((void *)reg.va, 0, 4096);
    memcpy((void *)reg.va, src, len);
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 0), 0, PV_DOMID_SELF), 0);
    bt_invlpg(reg.va);
}

static void write_entry(unsigned i, uint16_t dom, unsigned slot, uint64_t pte)
{
    static uint64_t table[512];

    memset(table, 0, sizeof(table));
    table[slot] = pte;
    write_frame(i, dom, table, sizeof(table));
}

static void populate(uint16_t dom)
{
    struct pv_memory_reservation r = {.extent_start = (uint64_t)(uintptr_t)mfn,
                                      .nr_extents = NR_FRAMES, .domid = dom};

    memset(&op, 0, sizeof(op));
    op.u.max_mem.max_memkb = 4 * NR_FRAMES;
    GK_ASSERT_EQ(bt_domctl(&op, PV_DOMCTL_max_mem, dom), 0);
    for (unsigned i = 0; i < NR_FRAMES; i++)
        mfn[i] = i; /* pfns in, mfns out */
    GK_ASSERT_EQ(gk_hypercall_memory_op(PV_XENMEM_populate_physmap, &r), NR_FRAMES);
    r.nr_extents = 1; /* max_pages holds */
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_populate_physmap, &r), 0);
}

static void build(uint16_t dom)
{
    uint8_t page[64] = {0};

    memcpy(page, code, sizeof(code));
    page[ARG_OFF] = PV_SHUTDOWN_reboot;
    write_entry(L4, dom, 0, (mfn[L3] << 12) | USER_TABLE);
    write_entry(L3, dom, 0, (mfn[L2] << 12) | USER_TABLE);
    write_entry(L2, dom, BASE >> 21, (mfn[L1] << 12) | USER_TABLE);
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 0), (mfn[L1] << 12) | BT_PTE_RWD, dom), 0);
    memset((void *)reg.va, 0, 4096);
    ((uint64_t *)reg.va)[0] = (mfn[CODE] << 12) | BT_PTE_P | BT_PTE_US | BT_PTE_A;
    ((uint64_t *)reg.va)[1] = (mfn[HCALL] << 12) | BT_PTE_P | BT_PTE_US | BT_PTE_A;
    ((uint64_t *)reg.va)[2] = (mfn[STACK] << 12) | USER_TABLE | BT_PTE_D | BT_PTE_NX;
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 0), 0, PV_DOMID_SELF), 0);
    bt_invlpg(reg.va);
    write_frame(CODE, dom, page, sizeof(page));
    write_frame(STACK, dom, page, 0);
    memset(&op, 0, sizeof(op));
    op.u.hypercall_init.gmfn = mfn[HCALL];
    GK_EXPECT_EQ(bt_domctl(&op, PV_DOMCTL_hypercall_init, dom), 0);
}

static long vcpuctx(uint32_t cmd, unsigned dom)
{
    memset(&op, 0, sizeof(op));
    op.u.vcpucontext.ctxt = (uint64_t)(uintptr_t)&ctxt;
    return bt_domctl(&op, cmd, dom);
}

static void load_context(uint16_t dom)
{
    memset(&ctxt, 0, sizeof(ctxt));
    ctxt.flags = PV_VGCF_in_kernel | PV_VGCF_online;
    ctxt.user_regs.rip = BASE;
    ctxt.user_regs.rsp = BASE + 3 * 4096;
    ctxt.user_regs.cs = PV_FLAT_KERNEL_CS;
    ctxt.user_regs.ss = PV_FLAT_KERNEL_SS;
    ctxt.kernel_ss = PV_FLAT_KERNEL_SS;
    ctxt.kernel_sp = BASE + 3 * 4096;
    ctxt.ctrlreg[3] = mfn[L4] << 12;
    GK_ASSERT_EQ(vcpuctx(PV_DOMCTL_setvcpucontext, dom), 0);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_setvcpucontext, dom), 0); /* again, the same tables */
    memset(&ctxt, 0, sizeof(ctxt));
    GK_ASSERT_EQ(vcpuctx(PV_DOMCTL_getvcpucontext, dom), 0);
    GK_EXPECT_EQ(ctxt.user_regs.rip, BASE);
    GK_EXPECT_EQ(ctxt.ctrlreg[3], mfn[L4] << 12);
    GK_EXPECT(ctxt.flags & PV_VGCF_online);
}

/* A null context resets the vCPU: no context, down, its root let go (dom0 may then map the L4
 * writable, which it may not while the vCPU holds it); then it is loaded again. */
static void check_reset(uint16_t dom)
{
    GK_EXPECT(bt_mmu_foreign(bt_region_pte(&reg, 0), (mfn[L4] << 12) | BT_PTE_RWD, dom) != 0);
    memset(&op, 0, sizeof(op));
    GK_EXPECT_EQ(bt_domctl(&op, PV_DOMCTL_setvcpucontext, dom), 0);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_getvcpucontext, dom), -PV_ENODATA);
    GK_EXPECT_EQ(bt_domctl(&op, PV_DOMCTL_getdomaininfo, dom), 0);
    GK_EXPECT_EQ(op.u.getdomaininfo.nr_online_vcpus, 0);
    GK_EXPECT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 0), (mfn[L4] << 12) | BT_PTE_RWD, dom), 0);
    GK_EXPECT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 0), 0, PV_DOMID_SELF), 0);
    bt_invlpg(reg.va);
    load_context(dom);
}

static void run_to_end(uint16_t dom)
{
    const struct pv_domctl_getdomaininfo *i = &op.u.getdomaininfo;
    unsigned rounds = 0;

    memset(&op, 0, sizeof(op));
    GK_ASSERT_EQ(bt_domctl(&op, PV_DOMCTL_getdomaininfo, dom), 0);
    GK_EXPECT_EQ(i->nr_online_vcpus, 1);
    GK_EXPECT(i->flags & PV_DOMINF_paused);
    GK_EXPECT_EQ(i->tot_pages, NR_FRAMES);
    GK_ASSERT_EQ(bt_domctl(&op, PV_DOMCTL_unpausedomain, dom), 0);
    while (bt_domctl(&op, PV_DOMCTL_getdomaininfo, dom) == 0 && !(i->flags & PV_DOMINF_shutdown) &&
           ++rounds < 1000000)
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    GK_ASSERT_EQ(bt_domctl(&op, PV_DOMCTL_getdomaininfo, dom), 0);
    GK_EXPECT(i->flags & PV_DOMINF_shutdown);
    GK_EXPECT_EQ(i->flags >> PV_DOMINF_shutdownshift, PV_SHUTDOWN_reboot);
    GK_EXPECT(i->cpu_time > 0);
    GK_EXPECT(gk_event_pending(exc_port) || gk_event_counts[exc_port]);
}

/* Destroyed while dom0 still maps its code frame and its shared_info: a dying zombie that keeps
 * them (readable) until the last unmap, then gone. */
static void destroy_while_mapped(uint16_t dom)
{
    const struct pv_domctl_getdomaininfo *i = &op.u.getdomaininfo;
    uint64_t shared;

    GK_ASSERT_EQ(bt_domctl(&op, PV_DOMCTL_getdomaininfo, dom), 0);
    shared = i->shared_info_frame;
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 1), (mfn[CODE] << 12) | BT_PTE_RO, dom), 0);
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 2), (shared << 12) | BT_PTE_RO, dom), 0);
    GK_EXPECT_EQ(bt_domctl(&op, PV_DOMCTL_destroydomain, dom), 0);
    GK_EXPECT_EQ(bt_domctl(&op, PV_DOMCTL_destroydomain, dom), 0); /* again: already dying */
    GK_ASSERT_EQ(bt_domctl(&op, PV_DOMCTL_getdomaininfo, dom), 0);
    GK_EXPECT_EQ(op.domain, dom);
    GK_EXPECT(i->flags & PV_DOMINF_dying);
    GK_EXPECT_EQ(i->tot_pages, 1);
    GK_EXPECT_EQ(i->nr_online_vcpus, 0);
    GK_EXPECT_EQ(memcmp((const void *)(reg.va + 4096), code, sizeof(code)), 0);
    GK_EXPECT_EQ(bt_domctl(&op, PV_DOMCTL_pausedomain, dom), 0); /* Xen: still a domain to pause */
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 1), 0, PV_DOMID_SELF), 0);
    /* its shared_info is still mapped */
    GK_ASSERT_EQ(bt_domctl(&op, PV_DOMCTL_getdomaininfo, dom), 0);
    GK_EXPECT_EQ(op.domain, dom);
    GK_EXPECT_EQ(i->tot_pages, 0);
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 2), 0, PV_DOMID_SELF), 0);
    bt_invlpg(reg.va + 4096);
    bt_invlpg(reg.va + 2 * 4096);
    GK_EXPECT_EQ(bt_domctl(&op, PV_DOMCTL_getdomaininfo, dom), -PV_ESRCH);
    GK_EXPECT_EQ(bt_domctl(&op, PV_DOMCTL_destroydomain, dom), -PV_ESRCH);
}

GK_TEST(domctl_build)
{
    unsigned dom;

    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT_EQ(gk_evtchn_bind_virq(PV_VIRQ_DOM_EXC, 0, &exc_port), 0);
    GK_ASSERT(bt_region_init(&reg));
    dom = bt_domain_create(&op);
    populate((uint16_t)dom);
    build((uint16_t)dom);
    load_context((uint16_t)dom);
    check_reset((uint16_t)dom);
    run_to_end((uint16_t)dom);
    destroy_while_mapped((uint16_t)dom);
    GK_EXPECT_EQ(bt_region_fini(&reg), 0);
}
