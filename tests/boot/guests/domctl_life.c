/*
 * Boot test "domctl_life" (booted as dom0 beside a peer boot-time domain, "peer=N"): the
 * toolstack's domain lifecycle through domctl and sysctl, with Xen 4.17's checks and results.
 * createdomain (every argument error, domid choice, the new domain paused and empty),
 * getdomaininfo (fields, the next domain up, -ESRCH past the last), sysctl getdomaininfolist,
 * counted pause/unpause, max_mem, max_vcpus, setdomainhandle, get/setvcpucontext, hypercall_init,
 * destroydomain (its id free again) and, for the peer that powers off on its own: it stays,
 * shut down with its reason, until destroyed, and dom0 gets VIRQ_DOM_EXC each time. The
 * runner checks that every frame came back ("frames: all returned").
 */
#include "bt.h"
#include "pv-abi/xen_version.h"

/* The kit's notes say nothing of dom0: this guest is the initial domain. */
__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " BT_STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
        ".long 1 << " BT_STR(PV_XENFEAT_dom0) "\n.popsection");

#define SLOTS 64 /* the hypervisor's domain table */
#define CODE(flags) ((flags) >> PV_DOMINF_shutdownshift)

static struct pv_domctl op __attribute__((aligned(16)));
static struct pv_sysctl sop __attribute__((aligned(16)));
static struct pv_domctl_getdomaininfo list[8];
static struct pv_vcpu_guest_context ctxt, ctxt2;
static pv_evtchn_port_t exc_port;
static unsigned peer;

static long domctl_do(uint32_t cmd, unsigned domain)
{
    op.cmd = cmd;
    op.interface_version = PV_DOMCTL_INTERFACE_VERSION;
    op.domain = (pv_domid_t)domain;
    return gk_hypercall_nr(PV_HYPERCALL_domctl, (uint64_t)(uintptr_t)&op, 0, 0, 0, 0);
}

static long domctl0(uint32_t cmd, unsigned domain)
{
    memset(&op, 0, sizeof(op));
    return domctl_do(cmd, domain);
}

static long info(unsigned domain)
{
    return domctl0(PV_DOMCTL_getdomaininfo, domain);
}

static void good_config(void)
{
    struct pv_domctl_createdomain *c = &op.u.createdomain;

    memset(&op, 0, sizeof(op));
    c->max_vcpus = 2;
    c->max_evtchn_port = 1023;
    c->max_grant_frames = -1;
    c->max_maptrack_frames = -1;
    c->grant_opts = 1;
    for (unsigned i = 0; i < sizeof(c->handle); i++)
        c->handle[i] = (uint8_t)(i + 1);
}

static long create(unsigned domain)
{
    return domctl_do(PV_DOMCTL_createdomain, domain);
}

/* Each argument Xen refuses, one at a time on an otherwise good configuration. */
static void check_create_errors(void)
{
    struct pv_domctl_createdomain *c = &op.u.createdomain;

#define BAD(change, err)                                                                           \
    do {                                                                                           \
        good_config();                                                                             \
        change;                                                                                    \
        long rc_ = create(0);                                                                      \
        if (rc_ != (err))                                                                          \
            GK_FAIL("createdomain with %s: %ld, expected %d", #change, rc_, (err));               \
    } while (0)
    BAD(c->flags = 1U << 8, -PV_EINVAL);
    BAD(c->flags = PV_DOMCTL_CDF_hvm, -PV_EINVAL);
    BAD(c->flags = PV_DOMCTL_CDF_hap, -PV_EINVAL);
    BAD(c->flags = PV_DOMCTL_CDF_iommu, -PV_EINVAL);
    BAD(c->iommu_opts = PV_DOMCTL_IOMMU_no_sharept, -PV_EINVAL);
    BAD(c->flags = PV_DOMCTL_CDF_vpmu, -PV_EINVAL);
    BAD(c->flags = PV_DOMCTL_CDF_nested_virt, -PV_EINVAL);
    BAD(c->vmtrace_size = 4096, -PV_EINVAL);
    BAD(c->max_vcpus = 0, -PV_EINVAL);
    BAD(c->max_vcpus = 33, -PV_EINVAL);
    BAD(c->grant_opts = 0, -PV_EINVAL);
    BAD(c->grant_opts = 3, -PV_EINVAL);
    BAD(c->grant_opts = 0x11, -PV_EINVAL);
    BAD(c->arch.misc_flags = 2, -PV_EINVAL);
    BAD(c->arch.emulation_flags = 1U << 11, -PV_EINVAL);
    BAD(c->arch.emulation_flags = PV_X86_EMU_LAPIC, -PV_EOPNOTSUPP);
    BAD(c->max_grant_frames = 0, -PV_EINVAL);
    BAD(c->max_grant_frames = 65, -PV_EINVAL);
    BAD(c->max_maptrack_frames = 1025, -PV_EINVAL);
    BAD(c->cpupool_id = 1, -PV_ESRCH);
#undef BAD
    good_config();
    GK_EXPECT_EQ(create(peer), -PV_EEXIST);
    good_config();
    GK_EXPECT_EQ(create(SLOTS), -PV_EINVAL);
    GK_EXPECT_EQ(info(peer + 1), -PV_ESRCH); /* none of them left a domain behind */
}

/* A new domain: paused once, no memory, no vCPU up, no shutdown code. */
static void check_new_info(unsigned id)
{
    const struct pv_domctl_getdomaininfo *i = &op.u.getdomaininfo;

    GK_ASSERT_EQ(info(id), 0);
    GK_EXPECT_EQ(op.domain, id);
    GK_EXPECT_EQ(i->domain, id);
    GK_EXPECT_EQ(i->flags & 0xffff, PV_DOMINF_paused);
    GK_EXPECT_EQ(CODE(i->flags), 0xffff); /* Xen's SHUTDOWN_CODE_INVALID, shifted */
    GK_EXPECT_EQ(i->tot_pages, 0);
    GK_EXPECT_EQ(i->max_pages, 0);
    GK_EXPECT_EQ(i->nr_online_vcpus, 0);
    GK_EXPECT_EQ(i->max_vcpu_id, 1);
    GK_EXPECT(i->shared_info_frame != 0);
    GK_EXPECT_EQ(i->handle[0], 1);
    GK_EXPECT_EQ(i->handle[15], 16);
    GK_EXPECT_EQ(i->cpupool, 0);
    GK_EXPECT_EQ(i->arch_config.emulation_flags, 0);
}

static unsigned create_good(unsigned asked)
{
    good_config();
    GK_ASSERT_EQ(create(asked), 0);
    return op.domain;
}

static void check_info_walk(unsigned a, unsigned b)
{
    GK_EXPECT_EQ(info(a + 1), 0); /* absent: the next one up */
    GK_EXPECT_EQ(op.domain, b);
    GK_EXPECT_EQ(info(b + 1), -PV_ESRCH);
    GK_EXPECT_EQ(info(PV_DOMID_FIRST_RESERVED), -PV_EINVAL);
    GK_EXPECT_EQ(info(PV_DOMID_SELF), -PV_EINVAL);
}

static long list_from(unsigned first, unsigned max, void *buf)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = PV_SYSCTL_getdomaininfolist;
    sop.interface_version = PV_SYSCTL_INTERFACE_VERSION;
    sop.u.getdomaininfolist.first_domain = (pv_domid_t)first;
    sop.u.getdomaininfolist.max_domains = max;
    sop.u.getdomaininfolist.buffer = (uint64_t)(uintptr_t)buf;
    return gk_hypercall_nr(PV_HYPERCALL_sysctl, (uint64_t)(uintptr_t)&sop, 0, 0, 0, 0);
}

static void check_list(unsigned a, unsigned b)
{
    GK_ASSERT_EQ(list_from(0, 8, list), 0);
    GK_EXPECT_EQ(sop.u.getdomaininfolist.num_domains, 4);
    GK_EXPECT_EQ(list[0].domain, 0);
    GK_EXPECT_EQ(list[1].domain, peer);
    GK_EXPECT_EQ(list[2].domain, a);
    GK_EXPECT_EQ(list[3].domain, b);
    GK_EXPECT_EQ(list[2].flags & 0xffff, PV_DOMINF_paused);
    GK_ASSERT_EQ(list_from(peer, 2, list), 0);
    GK_EXPECT_EQ(sop.u.getdomaininfolist.num_domains, 2);
    GK_EXPECT_EQ(list[1].domain, a);
    GK_ASSERT_EQ(list_from(0, 0, list), 0);
    GK_EXPECT_EQ(sop.u.getdomaininfolist.num_domains, 0);
    GK_EXPECT_EQ(list_from(0, 8, (void *)bt_mapping_end()), -PV_EFAULT);
}

/* Counted pauses (at most 255), unpause below zero refused, none of one's own domain. */
static void check_pause(unsigned id)
{
    unsigned n = 1; /* createdomain's */

    GK_EXPECT_EQ(domctl0(PV_DOMCTL_pausedomain, 0), -PV_EINVAL);
    while (n < 255 && domctl0(PV_DOMCTL_pausedomain, id) == 0)
        n++;
    GK_EXPECT_EQ(n, 255);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_pausedomain, id), -PV_EOVERFLOW);
    while (n > 1 && domctl0(PV_DOMCTL_unpausedomain, id) == 0)
        n--;
    GK_ASSERT_EQ(info(id), 0);
    GK_EXPECT(op.u.getdomaininfo.flags & PV_DOMINF_paused);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_unpausedomain, id), 0); /* the creation pause */
    GK_ASSERT_EQ(info(id), 0);
    GK_EXPECT_EQ(op.u.getdomaininfo.flags & 0xffff, 0); /* not paused; no vCPU up: not running */
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_unpausedomain, id), -PV_EINVAL);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_pausedomain, id), 0);
}

static void check_settings(unsigned id)
{
    memset(&op, 0, sizeof(op));
    op.u.max_mem.max_memkb = 8192;
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_max_mem, id), 0);
    GK_EXPECT_EQ(info(id), 0);
    GK_EXPECT_EQ(op.u.getdomaininfo.max_pages, 2048);
    memset(&op, 0, sizeof(op));
    op.u.max_mem.max_memkb = ~0ULL;
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_max_mem, id), 0);
    GK_EXPECT_EQ(info(id), 0);
    GK_EXPECT_EQ(op.u.getdomaininfo.max_pages, 0xffffffffULL);
    memset(&op, 0, sizeof(op));
    op.u.max_vcpus.max = 2;
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_max_vcpus, id), 0);
    op.u.max_vcpus.max = 3;
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_max_vcpus, id), -PV_EINVAL);
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_max_vcpus, 0), -PV_EINVAL);
    memset(&op, 0, sizeof(op));
    memset(op.u.setdomainhandle.handle, 0xab, 16);
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_setdomainhandle, id), 0);
    GK_EXPECT_EQ(info(id), 0);
    GK_EXPECT_EQ(op.u.getdomaininfo.handle[7], 0xab);
}

static long vcpuctx(uint32_t cmd, unsigned id, unsigned vcpu, void *c)
{
    memset(&op, 0, sizeof(op));
    op.u.vcpucontext.vcpu = vcpu;
    op.u.vcpucontext.ctxt = (uint64_t)(uintptr_t)c;
    return domctl_do(cmd, id);
}

/* A new domain's vCPUs have no context; every bad context leaves them so. The peer's vCPU 0
 * reads back, and takes its own context again but no other tables. */
static void check_contexts(unsigned id)
{
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_getvcpucontext, id, 0, &ctxt), -PV_ENODATA);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_getvcpucontext, id, 2, &ctxt), -PV_EINVAL);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_getvcpucontext, 0, 0, &ctxt), -PV_EINVAL);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_setvcpucontext, id, 2, &ctxt), -PV_EINVAL);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_setvcpucontext, 0, 1, &ctxt), -PV_EINVAL);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_setvcpucontext, id, 0, NULL), 0);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_setvcpucontext, id, 0, (void *)bt_mapping_end()), -PV_EFAULT);
    GK_ASSERT_EQ(domctl0(PV_DOMCTL_pausedomain, peer), 0);
    GK_ASSERT_EQ(vcpuctx(PV_DOMCTL_getvcpucontext, peer, 0, &ctxt), 0);
    GK_EXPECT(ctxt.user_regs.rip != 0 && ctxt.ctrlreg[3] != 0);
    GK_EXPECT(ctxt.flags & PV_VGCF_online);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_getvcpucontext, peer, 0, (void *)bt_mapping_end()), -PV_EFAULT);
    memcpy(&ctxt2, &ctxt, sizeof(ctxt));
    ctxt2.user_regs.rip = 0x0000800000000000ULL; /* not canonical */
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_setvcpucontext, id, 0, &ctxt2), -PV_EINVAL);
    memcpy(&ctxt2, &ctxt, sizeof(ctxt)); /* the peer's tables: not the new domain's frames */
    GK_EXPECT(vcpuctx(PV_DOMCTL_setvcpucontext, id, 0, &ctxt2) < 0);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_getvcpucontext, id, 0, &ctxt2), -PV_ENODATA);
    ctxt2.ctrlreg[3] += 0x1000;
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_setvcpucontext, peer, 0, &ctxt2), -PV_EOPNOTSUPP);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_setvcpucontext, peer, 0, &ctxt), 0);
    GK_EXPECT_EQ(vcpuctx(PV_DOMCTL_getvcpucontext, peer, 0, &ctxt2), 0);
    GK_EXPECT_EQ(ctxt2.user_regs.rip, ctxt.user_regs.rip);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_unpausedomain, peer), 0);
}

/* The page goes into a frame of the domain's own (-EINVAL otherwise), not a page table (-EPERM). */
static void check_hypercall_init(unsigned id)
{
    uint8_t *page = gk_page_alloc();

    GK_ASSERT(page != NULL);
    memset(page, 0, 4096);
    memset(&op, 0, sizeof(op));
    op.u.hypercall_init.gmfn = gk_virt_to_mfn(page);
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_hypercall_init, id), -PV_EINVAL);
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_hypercall_init, 0), 0);
    GK_EXPECT_EQ(memcmp(page, hypercall_page, 4096), 0);
    op.u.hypercall_init.gmfn = gk_kernel_space()->l4_mfn;
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_hypercall_init, 0), -PV_EPERM);
    op.u.hypercall_init.gmfn = ~0ULL >> 12;
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_hypercall_init, 0), -PV_EINVAL);
}

/* VIRQ_DOM_EXC raised since the last look (taken by the kit's upcall, or still pending). */
static bool dom_exc_seen(void)
{
    static uint32_t last;
    bool seen = gk_event_pending(exc_port) || gk_event_counts[exc_port] != last;

    gk_event_clear(exc_port);
    last = gk_event_counts[exc_port];
    return seen;
}

/* Destroyed: gone at once (it had no memory), its id free, dom0 told. */
static void check_destroy(unsigned a, unsigned b)
{
    dom_exc_seen();
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_destroydomain, 0), -PV_EINVAL);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_destroydomain, a), 0);
    GK_EXPECT(dom_exc_seen());
    GK_EXPECT_EQ(info(a), 0);
    GK_EXPECT_EQ(op.domain, b); /* a's record is gone: the next one up */
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_destroydomain, a), -PV_ESRCH);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_destroydomain, b), 0);
    GK_EXPECT_EQ(info(peer + 1), -PV_ESRCH);
}

/* Ids run out with the domain table (-ENOMEM); all of them come back. */
static void check_exhaustion(void)
{
    unsigned made = 0, ids[SLOTS];
    long rc;

    for (;;) {
        good_config();
        op.u.createdomain.max_vcpus = 1;
        if ((rc = create(0)) != 0)
            break;
        ids[made++] = op.domain;
    }
    GK_EXPECT_EQ(rc, -PV_ENOMEM);
    GK_EXPECT_EQ(made, SLOTS - 2); /* dom0 and the peer hold two */
    for (unsigned i = 0; i < made; i++)
        GK_EXPECT_EQ(domctl0(PV_DOMCTL_destroydomain, ids[i]), 0);
    GK_EXPECT_EQ(info(peer + 1), -PV_ESRCH);
}

/* The peer powers off on its own: it stays, shut down with its reason and its memory, until
 * destroyed; dom0 hears of both. */
static void check_peer_end(void)
{
    const struct pv_domctl_getdomaininfo *i = &op.u.getdomaininfo;
    unsigned rounds = 0;

    while (info(peer) == 0 && !(i->flags & PV_DOMINF_shutdown) && ++rounds < 1000000)
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    GK_ASSERT_EQ(info(peer), 0);
    GK_EXPECT(i->flags & PV_DOMINF_shutdown);
    GK_EXPECT_EQ(CODE(i->flags), PV_SHUTDOWN_poweroff);
    GK_EXPECT_EQ(i->flags & PV_DOMINF_dying, 0);
    GK_EXPECT(i->tot_pages > 0);
    GK_EXPECT(dom_exc_seen());
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_destroydomain, peer), 0);
    GK_EXPECT(dom_exc_seen());
    GK_EXPECT_EQ(info(peer), -PV_ESRCH);
}

GK_TEST(domctl_life)
{
    uint64_t p;
    unsigned a, b;

    GK_ASSERT(bt_cmdline_uint("peer", &p));
    peer = (unsigned)p;
    GK_ASSERT_EQ(domctl0(PV_DOMCTL_pausedomain, peer), 0); /* until dom0 listens */
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT_EQ(gk_evtchn_bind_virq(PV_VIRQ_DOM_EXC, 0, &exc_port), 0);
    GK_ASSERT_EQ(domctl0(PV_DOMCTL_unpausedomain, peer), 0);
    check_create_errors();
    a = create_good(0);
    GK_EXPECT(a > peer && a < SLOTS); /* after those the failed calls chose, as Xen's rover */
    check_new_info(a);
    b = create_good(a + 3);
    GK_EXPECT_EQ(b, a + 3);
    check_info_walk(a, b);
    check_list(a, b);
    check_pause(a);
    check_settings(a);
    check_contexts(a);
    check_hypercall_init(a);
    check_destroy(a, b);
    check_exhaustion();
    check_peer_end();
}
