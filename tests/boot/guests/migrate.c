/*
 * Boot test "migrate": what save, restore and migration ask of the hypervisor, with Xen 4.17's
 * checks and results. `rule=dom0 peer=N` runs as the initial domain beside `rule=peer` (domain
 * N). The peer suspends itself twice as Linux's xen_suspend does (SCHEDOP_shutdown, reason
 * suspend, its start_info mfn in rdx). The first time dom0 finds it shut down with reason
 * suspend, its registers held (rdx names one of its frames, rax the hypercall's 0), reads and
 * writes the vCPU state a save stream carries (address size, extended context, XSAVE state,
 * MSRs: every refusal, and TSC_AUX set for the peer to read back), sets rax to 1 and resumes it
 * (a checkpoint: the peer's hypercall returns 1, "suspend cancelled"); the second time it resumes
 * it as it is (the call returns 0) after VIRQ_DOM_EXC. A resume of a running domain changes
 * nothing; of itself, -EINVAL. The peer checks its timer between the two and TSC_AUX at the end,
 * and powers off; dom0 destroys it.
 *
 * `rule=ld_dom0 peer=N` beside `rule=ld_peer`: log-dirty mode (shadow_op). The peer hands dom0
 * (in the registers of a suspend) the pfns of a page it writes, a page it grants for a grant
 * copy, one it grants for a writable grant map, the page of its registered runstate area, one
 * it has the hypervisor clear (MMUEXT_CLEAR_PAGE) and an untouched control page, and the two
 * grant references. dom0 enables log-dirty, CLEANs
 * (what was written before: reported), then each of these shows in the bitmap only after its
 * write: the grant copy into the peer, dom0's write through a writable grant map (at the
 * unmap), and after a resume the peer's own write and the hypervisor's runstate update; the
 * control page never; PEEK does not clear, CLEAN does. Every refusal, off, and the peer ends.
 */
#include "bt.h"
#include "bt_mmu.h"
#include "gk/gnttab.h"
#include "gk/time.h"
#include "pv-abi/xen_version.h"

/* The kit's notes say nothing of dom0: this guest may be the initial domain. */
__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " BT_STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
        ".long 1 << " BT_STR(PV_XENFEAT_dom0) "\n.popsection");

#define CODE(flags) ((flags) >> PV_DOMINF_shutdownshift)
#define TSC_AUX_VALUE 0x1234
#define MSR_TSC_AUX_IDX 0xc0000103U

static struct pv_domctl op __attribute__((aligned(16)));
static struct pv_vcpu_guest_context ctxt;
static pv_evtchn_port_t exc_port;
static unsigned peer;
static uint64_t buf[8];

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

static bool has_rdtscp(void)
{
    uint32_t a = 0x80000001, b, c = 0, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return d >> 27 & 1;
}

/* ---- the peer ---- */

static long suspend(void)
{
    static struct pv_sched_shutdown sd = {.reason = PV_SHUTDOWN_suspend};

    return gk_hypercall_nr(PV_HYPERCALL_sched_op, PV_SCHEDOP_shutdown, (uint64_t)(uintptr_t)&sd,
                           gk_virt_to_mfn(gk_start_info), 0, 0);
}

static void rule_peer(void)
{
    uint64_t t0;
    uint32_t lo, hi, aux;

    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_EXPECT_EQ(suspend(), 1); /* dom0 made it a checkpoint */
    t0 = gk_time_now();
    GK_EXPECT_EQ(gk_sleep_ns(50000000), 0); /* its timer still fires */
    GK_EXPECT(gk_time_now() - t0 >= 50000000);
    GK_EXPECT_EQ(suspend(), 0); /* resumed as it was */
    if (has_rdtscp()) {
        __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
        GK_EXPECT_EQ(aux, TSC_AUX_VALUE); /* set by dom0 through set_vcpu_msrs */
    }
}

/* ---- dom0 ---- */

/* VIRQ_DOM_EXC raised since the last look. */
static bool dom_exc_seen(void)
{
    static uint32_t last;
    bool seen = gk_event_pending(exc_port) || gk_event_counts[exc_port] != last;

    gk_event_clear(exc_port);
    last = gk_event_counts[exc_port];
    return seen;
}

static uint32_t peer_flags(void)
{
    GK_ASSERT_EQ(domctl0(PV_DOMCTL_getdomaininfo, peer), 0);
    GK_ASSERT_EQ(op.domain, peer);
    return op.u.getdomaininfo.flags;
}

/* Until the peer shuts down: with reason suspend, its registers where the hypercall left them. */
static void wait_suspended(bool rdx_is_mfn)
{
    unsigned rounds = 0;
    uint64_t type;

    while (!(peer_flags() & PV_DOMINF_shutdown) && ++rounds < 1000000)
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    GK_ASSERT(peer_flags() & PV_DOMINF_shutdown);
    GK_EXPECT_EQ(CODE(peer_flags()), PV_SHUTDOWN_suspend);
    GK_EXPECT_EQ(peer_flags() & PV_DOMINF_dying, 0);
    memset(&op, 0, sizeof(op));
    op.u.vcpucontext.ctxt = PV_GUEST_PTR(&ctxt);
    GK_ASSERT_EQ(domctl_do(PV_DOMCTL_getvcpucontext, peer), 0);
    GK_EXPECT_EQ(ctxt.user_regs.rax, 0); /* the hypercall's result so far */
    if (!rdx_is_mfn)
        return;
    type = ctxt.user_regs.rdx;           /* the start_info mfn the peer passed */
    memset(&op, 0, sizeof(op));
    op.u.getpageframeinfo3.num = 1;
    op.u.getpageframeinfo3.array = PV_GUEST_PTR(&type);
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_getpageframeinfo3, peer), 0);
    GK_EXPECT_EQ(type, PV_DOMCTL_PFINFO_NOTAB); /* a frame of the peer's memory */
}

static void check_address_size(void)
{
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_get_address_size, peer), 0);
    GK_EXPECT_EQ(op.u.address_size.size, 64);
    op.u.address_size.size = 64;
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_set_address_size, peer), 0);
    op.u.address_size.size = 32;
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_set_address_size, peer), -PV_EOPNOTSUPP);
    op.u.address_size.size = 48;
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_set_address_size, peer), -PV_EINVAL);
}

static long ext_ctx(uint32_t cmd, unsigned dom, uint32_t vcpu)
{
    op.u.ext_vcpucontext.vcpu = vcpu;
    return domctl_do(cmd, dom);
}

/* The 32-bit callbacks round trip; the refusals leave them as they were. */
static void check_ext_vcpucontext(void)
{
    struct pv_domctl_ext_vcpucontext saved;
    struct pv_domctl_ext_vcpucontext *e = &op.u.ext_vcpucontext;

    memset(&op, 0, sizeof(op));
    GK_ASSERT_EQ(ext_ctx(PV_DOMCTL_get_ext_vcpucontext, peer, 0), 0);
    GK_EXPECT_EQ(e->size, sizeof(*e));
    GK_EXPECT_EQ(e->vmce.caps, 0);
    saved = *e;
    GK_EXPECT_EQ(ext_ctx(PV_DOMCTL_get_ext_vcpucontext, peer, 9), -PV_ESRCH);
    GK_EXPECT_EQ(ext_ctx(PV_DOMCTL_get_ext_vcpucontext, 0, 0), -PV_ESRCH); /* itself */
    *e = saved;
    e->syscall32_callback_eip = 0x7000;
    e->sysenter_disables_events = 1;
    e->vmce.caps = 0x102; /* a bank count and MCG_CTL_P: always taken */
    GK_EXPECT_EQ(ext_ctx(PV_DOMCTL_set_ext_vcpucontext, peer, 0), 0);
    memset(&op, 0, sizeof(op));
    GK_ASSERT_EQ(ext_ctx(PV_DOMCTL_get_ext_vcpucontext, peer, 0), 0);
    GK_EXPECT_EQ(e->syscall32_callback_eip, 0x7000);
    GK_EXPECT_EQ(e->sysenter_disables_events, 1);
#define EXT_BAD(change)                                                                            \
    do {                                                                                           \
        *e = saved;                                                                                \
        change;                                                                                    \
        GK_EXPECT_EQ(ext_ctx(PV_DOMCTL_set_ext_vcpucontext, peer, 0), -PV_EINVAL);               \
    } while (0)
    EXT_BAD(e->size = 8);
    EXT_BAD(e->sysenter_callback_eip = 0x0000800000000000ULL);
    EXT_BAD(e->syscall32_callback_eip = 0xffff800000001000ULL);
    EXT_BAD(e->vmce.caps = 1U << 10);
    *e = saved;
    GK_EXPECT_EQ(ext_ctx(PV_DOMCTL_set_ext_vcpucontext, 0, 0), -PV_ESRCH);
    GK_EXPECT_EQ(ext_ctx(PV_DOMCTL_set_ext_vcpucontext, peer, 0), 0);
    GK_ASSERT_EQ(ext_ctx(PV_DOMCTL_get_ext_vcpucontext, peer, 0), 0);
    GK_EXPECT_EQ(e->syscall32_callback_eip, saved.syscall32_callback_eip);
}

static long extstate(uint32_t cmd, unsigned dom, uint32_t vcpu, uint64_t mask, uint64_t size,
                     const void *b)
{
    memset(&op, 0, sizeof(op));
    op.u.vcpuextstate.vcpu = vcpu;
    op.u.vcpuextstate.xfeature_mask = mask;
    op.u.vcpuextstate.size = size;
    op.u.vcpuextstate.buffer = PV_GUEST_PTR(b);
    return domctl_do(cmd, dom);
}

/* No XSAVE for guests: a 16-byte header of zeros, and only that back. */
static void check_extstate(void)
{
    const uint32_t get = PV_DOMCTL_getvcpuextstate, set = PV_DOMCTL_setvcpuextstate;

    GK_EXPECT_EQ(extstate(get, peer, 0, 0, 0, buf), 0);
    GK_EXPECT_EQ(op.u.vcpuextstate.xfeature_mask, 0);
    GK_EXPECT_EQ(op.u.vcpuextstate.size, 16);
    GK_EXPECT_EQ(extstate(get, peer, 0, 0, 64, NULL), 0); /* no buffer: the query too */
    GK_EXPECT_EQ(op.u.vcpuextstate.size, 16);
    memset(buf, 0xff, sizeof(buf));
    GK_EXPECT_EQ(extstate(get, peer, 0, 0, 64, buf), 0);
    GK_EXPECT_EQ(op.u.vcpuextstate.size, 16);
    GK_EXPECT(buf[0] == 0 && buf[1] == 0 && buf[2] == ~0ULL);
    GK_EXPECT_EQ(extstate(get, peer, 0, 0, 8, buf), -PV_EINVAL);
    GK_EXPECT_EQ(extstate(get, peer, 0, 7, 16, buf), -PV_EINVAL);
    GK_EXPECT_EQ(extstate(get, peer, 0, 0, 16, (void *)0xffff800000000000ULL), -PV_EFAULT);
    GK_EXPECT_EQ(extstate(get, peer, 3, 0, 0, buf), -PV_ESRCH);
    GK_EXPECT_EQ(extstate(get, 0, 0, 0, 0, buf), -PV_EINVAL); /* its own running vCPU */
    GK_EXPECT_EQ(extstate(set, peer, 0, 0, 16, buf), 0);
    GK_EXPECT_EQ(extstate(set, peer, 0, 0, 24, buf), -PV_EINVAL);
    GK_EXPECT_EQ(extstate(set, peer, 0, 0, 8, buf), -PV_EINVAL);
    GK_EXPECT_EQ(extstate(set, peer, 0, 0, 16, (void *)8), -PV_EFAULT);
    buf[1] = 3; /* xcr0_accum: x87 and SSE in XSAVE form */
    GK_EXPECT_EQ(extstate(set, peer, 0, 0, 16, buf), -PV_EINVAL);
    buf[0] = 3, buf[1] = 0;
    GK_EXPECT_EQ(extstate(set, peer, 0, 0, 16, buf), -PV_EINVAL);
}

static long msrs(uint32_t cmd, uint32_t count, const void *b)
{
    memset(&op, 0, sizeof(op));
    op.u.vcpu_msrs.msr_count = count;
    op.u.vcpu_msrs.msrs = PV_GUEST_PTR(b);
    return domctl_do(cmd, peer);
}

/* TSC_AUX is the one that migrates: set, read back; every refusal. */
static void check_msrs(void)
{
    static struct pv_domctl_vcpu_msr m[8];
    const uint32_t get = PV_DOMCTL_get_vcpu_msrs, set = PV_DOMCTL_set_vcpu_msrs;
    bool aux = has_rdtscp();

    GK_EXPECT_EQ(msrs(get, 0, NULL), 0);
    GK_EXPECT_EQ(op.u.vcpu_msrs.msr_count, 7);
    m[0] = (struct pv_domctl_vcpu_msr){.index = MSR_TSC_AUX_IDX, .value = TSC_AUX_VALUE};
    GK_EXPECT_EQ(msrs(set, 1, m), aux ? 0 : -PV_EINVAL);
    GK_EXPECT_EQ(msrs(get, 7, m), 0);
    GK_EXPECT_EQ(op.u.vcpu_msrs.msr_count, aux ? 1 : 0);
    GK_EXPECT(!aux || (m[0].index == MSR_TSC_AUX_IDX && m[0].value == TSC_AUX_VALUE));
    if (aux) {
        GK_EXPECT_EQ(msrs(get, 0, m), -PV_ENOBUFS);
        GK_EXPECT_EQ(op.u.vcpu_msrs.msr_count, 1);
    }
    GK_EXPECT_EQ(msrs(set, 8, m), -PV_EINVAL);
    m[1] = (struct pv_domctl_vcpu_msr){.index = MSR_TSC_AUX_IDX, .reserved = 1};
    GK_EXPECT_EQ(msrs(set, 2, m), -PV_EINVAL);
    GK_EXPECT_EQ(op.u.vcpu_msrs.msr_count, aux ? 1 : 0); /* the entries done */
    m[1] = (struct pv_domctl_vcpu_msr){.index = 0x10};
    GK_EXPECT_EQ(msrs(set, 2, m), -PV_EINVAL);
    m[1] = (struct pv_domctl_vcpu_msr){.index = MSR_TSC_AUX_IDX, .value = 1ULL << 32};
    GK_EXPECT_EQ(msrs(set, 2, m), -PV_EINVAL);
    GK_EXPECT_EQ(msrs(set, 1, (void *)0xffff800000000000ULL), -PV_EFAULT);
    GK_EXPECT_EQ(msrs(get, 7, m), 0);
    GK_EXPECT(!aux || m[0].value == TSC_AUX_VALUE); /* the refused ones changed nothing */
}

/* A checkpoint (xc_domain_resume's fast path): rax = 1, then resume. */
static void checkpoint_resume(void)
{
    ctxt.user_regs.rax = 1;
    memset(&op, 0, sizeof(op));
    op.u.vcpucontext.ctxt = PV_GUEST_PTR(&ctxt);
    GK_EXPECT_EQ(domctl_do(PV_DOMCTL_setvcpucontext, peer), 0);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_resumedomain, 0), -PV_EINVAL); /* itself */
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_resumedomain, peer), 0);
    GK_EXPECT_EQ(peer_flags() & PV_DOMINF_shutdown, 0);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_resumedomain, peer), 0); /* running: nothing changes */
    GK_EXPECT_EQ(peer_flags() & PV_DOMINF_shutdown, 0);
}

static void rule_dom0(void)
{
    uint64_t p;
    unsigned rounds = 0;

    GK_ASSERT(bt_cmdline_uint("peer", &p));
    peer = (unsigned)p;
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT_EQ(gk_evtchn_bind_virq(PV_VIRQ_DOM_EXC, 0, &exc_port), 0);
    wait_suspended(true);
    check_address_size();
    check_ext_vcpucontext();
    check_extstate();
    check_msrs();
    checkpoint_resume();
    dom_exc_seen();
    wait_suspended(true);
    GK_EXPECT(dom_exc_seen());
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_resumedomain, peer), 0);
    while (!(peer_flags() & PV_DOMINF_shutdown) && ++rounds < 1000000)
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    GK_EXPECT_EQ(CODE(peer_flags()), PV_SHUTDOWN_poweroff);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_resumedomain, 9), -PV_ESRCH);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_destroydomain, peer), 0);
}

/* ---- log-dirty ---- */

#define LD_VA 0x0000100000000000ULL /* dom0's grant map */
#define LD_PFNS 32768               /* the bitmap dom0 reads */
#define LO(x) ((x) & 0xffffffffU)
#define HI(x) ((x) >> 32)

static uint64_t bitmap[LD_PFNS / 64];
static uint64_t ld_a, ld_g1, ld_g2, ld_r, ld_c, ld_z, ld_ref1, ld_ref2;

static long ld_suspend(uint64_t w0, uint64_t w1, uint64_t w2)
{
    static struct pv_sched_shutdown sd = {.reason = PV_SHUTDOWN_suspend};

    return gk_hypercall_nr(PV_HYPERCALL_sched_op, PV_SCHEDOP_shutdown, (uint64_t)(uintptr_t)&sd,
                           w0, w1, w2);
}

/* Its page as a kernel mapping with a clear dirty bit (the kit's 1:1 mapping, the builder's, may
 * carry the bit from the kit's own writes until the first CLEAN). */
static uint8_t *ld_page(void)
{
    uint8_t *p = gk_page_alloc();

    GK_ASSERT(p != NULL);
    GK_ASSERT_EQ(gk_hypercall_update_va_mapping((uint64_t)(uintptr_t)p,
                                                gk_virt_to_mfn(p) << 12 | 0x23, PV_UVMF_INVLPG),
                 0);
    return p;
}

static void rule_ld_peer(void)
{
    uint8_t *a = ld_page(), *g1 = ld_page(), *g2 = ld_page(), *r = ld_page(), *c = ld_page();
    uint8_t *z = ld_page();
    struct pv_mmuext_op clear = {.cmd = PV_MMUEXT_CLEAR_PAGE, .arg1.mfn = gk_virt_to_mfn(z)};
    struct pv_vcpu_register_runstate_memory_area reg = {.addr = (uint64_t)(uintptr_t)(r + 64)};
    long ref1, ref2;
    uint64_t w0, w1, w2;

    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT_EQ(gk_gnttab_init(1), 0);
    GK_ASSERT((ref1 = gk_gnttab_grant(0, gk_virt_to_mfn(g1), false)) > 0);
    GK_ASSERT((ref2 = gk_gnttab_grant(0, gk_virt_to_mfn(g2), false)) > 0);
    GK_ASSERT_EQ(gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_register_runstate_memory_area, 0,
                              &reg, 0, 0), 0);
    w0 = gk_virt_to_pfn(a) | gk_virt_to_pfn(g1) << 32;
    w1 = gk_virt_to_pfn(r) | gk_virt_to_pfn(c) << 32;
    GK_ASSERT(ref1 < 256 && ref2 < 256);
    w2 = (uint64_t)ref1 | (uint64_t)ref2 << 8 | gk_virt_to_pfn(z) << 16 | gk_virt_to_pfn(g2) << 32;
    a[0] = c[0] = 1;
    GK_EXPECT_EQ(ld_suspend(w0, w1, w2), 0); /* dom0: log-dirty on, grant copy and map */
    a[100] = 0x5a;                           /* after the CLEAN */
    GK_EXPECT_EQ(gk_hypercall_mmuext_op(&clear, 1, NULL, PV_DOMID_SELF), 0); /* the hypervisor's */
    GK_EXPECT_EQ(g1[8], 0xc3);               /* dom0's grant copy */
    GK_EXPECT_EQ(g2[9], 0x3c);               /* dom0's write through its grant map */
    GK_EXPECT_EQ(ld_suspend(w0, w1, w2), 0); /* dom0: what the bitmap shows now */
}

static long shadow(uint32_t sop, unsigned dom, void *bm, uint64_t pages)
{
    memset(&op, 0, sizeof(op));
    op.u.shadow_op.op = sop;
    op.u.shadow_op.dirty_bitmap = PV_GUEST_PTR(bm);
    op.u.shadow_op.pages = pages;
    return domctl_do(PV_DOMCTL_shadow_op, dom);
}

static bool dirty(uint64_t pfn)
{
    return bitmap[pfn / 64] >> (pfn % 64) & 1;
}

static unsigned bits_set(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < LD_PFNS; i++)
        n += dirty(i);
    return n;
}

static void ld_read(uint32_t sop)
{
    memset(bitmap, 0, sizeof(bitmap));
    GK_EXPECT_EQ(shadow(sop, peer, bitmap, LD_PFNS), 0);
    GK_EXPECT_EQ(op.u.shadow_op.pages, LD_PFNS);
}

static void ld_regs(void)
{
    ld_a = LO(ctxt.user_regs.rdx), ld_g1 = HI(ctxt.user_regs.rdx);
    ld_r = LO(ctxt.user_regs.r10), ld_c = HI(ctxt.user_regs.r10);
    ld_ref1 = ctxt.user_regs.r8 & 0xff, ld_ref2 = ctxt.user_regs.r8 >> 8 & 0xff;
    ld_z = ctxt.user_regs.r8 >> 16 & 0xffff;
    ld_g2 = HI(ctxt.user_regs.r8);
    GK_ASSERT(ld_a < LD_PFNS && ld_g1 < LD_PFNS && ld_g2 < LD_PFNS && ld_r < LD_PFNS &&
              ld_c < LD_PFNS);
}

/* The refusals, and the mode on. */
static void ld_enable(void)
{
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_PEEK, peer, bitmap, LD_PFNS), 0); /* off: nothing */
    GK_EXPECT_EQ(op.u.shadow_op.pages, 0);
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, 0, NULL, 0), -PV_EINVAL); /* self */
    GK_EXPECT_EQ(shadow(99, peer, NULL, 0), -PV_EOPNOTSUPP);
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_ENABLE, peer, NULL, 0), -PV_EOPNOTSUPP);
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_GET_ALLOCATION, peer, NULL, 0), -PV_EOPNOTSUPP);
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, peer, NULL, 0), 0);
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, peer, NULL, 0), -PV_EINVAL);
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_PEEK, peer, (void *)0xffff800000000000ULL, 64),
                 -PV_EFAULT);
    ld_read(PV_DOMCTL_SHADOW_OP_CLEAN);
    GK_EXPECT(dirty(ld_a) && dirty(ld_c)); /* written before: the dirty bits harvested */
    ld_read(PV_DOMCTL_SHADOW_OP_PEEK);
    GK_EXPECT(!dirty(ld_a) && !dirty(ld_g1) && !dirty(ld_g2) && !dirty(ld_r) && !dirty(ld_c));
    GK_EXPECT(!dirty(ld_z));
}

/* dom0's writes into the peer's granted pages. */
static void ld_grants(void)
{
    static uint8_t src[16] = {[8] = 0xc3};
    struct pv_gnttab_copy cp = {.source = gk_gnttab_copy_local(src),
                                .dest = gk_gnttab_copy_gref((pv_domid_t)peer, (uint32_t)ld_ref1, 0),
                                .len = sizeof(src),
                                .flags = PV_GNTCOPY_dest_gref};
    struct gk_gnttab_map m;

    GK_EXPECT_EQ(gk_gnttab_copy(&cp, 1), 0);
    GK_EXPECT_EQ(cp.status, PV_GNTST_okay);
    ld_read(PV_DOMCTL_SHADOW_OP_PEEK);
    GK_EXPECT(dirty(ld_g1) && !dirty(ld_g2) && !dirty(ld_a));
    GK_ASSERT_EQ(gk_gnttab_map((pv_domid_t)peer, (uint32_t)ld_ref2, LD_VA, 0, &m), 0);
    GK_ASSERT_EQ(m.status, PV_GNTST_okay);
    ((volatile uint8_t *)LD_VA)[9] = 0x3c;
    GK_EXPECT_EQ(gk_gnttab_unmap(&m), 0);
    ld_read(PV_DOMCTL_SHADOW_OP_PEEK);
    GK_EXPECT(dirty(ld_g1) && dirty(ld_g2) && !dirty(ld_a)); /* PEEK did not clear g1 */
    GK_EXPECT(op.u.shadow_op.stats.dirty_count >= 2);
}

static void rule_ld_dom0(void)
{
    uint64_t p;
    unsigned rounds = 0;

    GK_ASSERT(bt_cmdline_uint("peer", &p));
    peer = (unsigned)p;
    GK_ASSERT_EQ(gk_gnttab_init(1), 0);
    wait_suspended(false);
    ld_regs();
    ld_enable();
    ld_grants();
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_resumedomain, peer), 0);
    wait_suspended(false);
    ld_read(PV_DOMCTL_SHADOW_OP_PEEK);
    GK_EXPECT(dirty(ld_a) && dirty(ld_r) && dirty(ld_g1) && !dirty(ld_c));
    GK_EXPECT(dirty(ld_z)); /* MMUEXT_CLEAR_PAGE */
    ld_read(PV_DOMCTL_SHADOW_OP_CLEAN);
    GK_EXPECT(dirty(ld_a) && dirty(ld_r) && dirty(ld_g1) && !dirty(ld_c));
    GK_EXPECT(op.u.shadow_op.stats.dirty_count >= 4);
    ld_read(PV_DOMCTL_SHADOW_OP_PEEK);
    GK_EXPECT(!dirty(ld_a) && !dirty(ld_r) && !dirty(ld_g1) && !dirty(ld_c));
    GK_EXPECT_EQ(op.u.shadow_op.stats.dirty_count, bits_set()); /* counted since the CLEAN */
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_OFF, peer, NULL, 0), 0);
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_OFF, peer, NULL, 0), 0);
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_CLEAN, peer, bitmap, LD_PFNS), 0);
    GK_EXPECT_EQ(op.u.shadow_op.pages, 0);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_resumedomain, peer), 0);
    while (!(peer_flags() & PV_DOMINF_shutdown) && ++rounds < 1000000)
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    GK_EXPECT_EQ(CODE(peer_flags()), PV_SHUTDOWN_poweroff);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_destroydomain, peer), 0);
}

/* ---- the benchmark (bench/run): a guest writing pages, log-dirty off, then on ---- */

#define BENCH_PAGES 512            /* 2 MiB written, one word a page per pass */
#define BENCH_PHASE_NS 400000000UL /* each phase */
#define BENCH_CLEAN_NS 20000000UL  /* dom0 CLEANs this often while on */

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* Passes over the pages for one phase, a word written in each page: thousands of page writes per
 * second of wall time, which includes the CPU time dom0's CLEANs take from it. */
static void bench_phase(uint64_t **pages, const char *what)
{
    uint64_t t0 = gk_time_now(), passes = 0, now;

    do {
        for (unsigned i = 0; i < BENCH_PAGES; i++)
            pages[i][(passes * 8) % 512] = passes;
        passes++;
    } while ((now = gk_time_now()) - t0 < BENCH_PHASE_NS);
    gk_printf("bench: logdirty %s: %lu k page writes/s (%lu passes over %u pages in %lu ms)\n",
              what, passes * BENCH_PAGES * 1000000 / (now - t0), passes, BENCH_PAGES,
              (now - t0) / 1000000);
}

static void rule_bench_peer(void)
{
    static uint64_t *pages[BENCH_PAGES];

    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    for (unsigned i = 0; i < BENCH_PAGES; i++)
        GK_ASSERT((pages[i] = gk_page_alloc()) != NULL);
    bench_phase(pages, "off");
    GK_EXPECT_EQ(ld_suspend(0, 0, 0), 0); /* dom0 turns it on */
    bench_phase(pages, "on");
    GK_EXPECT_EQ(ld_suspend(0, 0, 0), 0); /* and off */
}

/* While the peer runs with log-dirty on: a CLEAN every BENCH_CLEAN_NS, timed. */
static void bench_cleans(void)
{
    uint64_t n = 0, cyc = 0, dirty = 0, t, mib;

    GK_ASSERT_EQ(domctl0(PV_DOMCTL_getdomaininfo, peer), 0);
    mib = op.u.getdomaininfo.tot_pages / 256;
    while (!(peer_flags() & PV_DOMINF_shutdown)) {
        gk_sleep_ns(BENCH_CLEAN_NS);
        t = rdtsc();
        GK_ASSERT_EQ(shadow(PV_DOMCTL_SHADOW_OP_CLEAN, peer, bitmap, LD_PFNS), 0);
        cyc += rdtsc() - t;
        dirty += op.u.shadow_op.stats.dirty_count;
        n++;
    }
    GK_ASSERT(n > 0);
    gk_printf("bench: logdirty CLEAN of a %lu MiB domain: %lu cyc (mean of %lu), %lu pages dirty "
              "per CLEAN\n", mib, cyc / n, n, dirty / n);
}

static void rule_bench_dom0(void)
{
    uint64_t p;

    GK_ASSERT(bt_cmdline_uint("peer", &p));
    peer = (unsigned)p;
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    while (!(peer_flags() & PV_DOMINF_shutdown))
        gk_sleep_ns(BENCH_CLEAN_NS);
    GK_ASSERT_EQ(shadow(PV_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, peer, NULL, 0), 0);
    GK_ASSERT_EQ(domctl0(PV_DOMCTL_resumedomain, peer), 0);
    bench_cleans();
    GK_ASSERT_EQ(shadow(PV_DOMCTL_SHADOW_OP_OFF, peer, NULL, 0), 0);
    GK_ASSERT_EQ(domctl0(PV_DOMCTL_resumedomain, peer), 0);
    while (!(peer_flags() & PV_DOMINF_shutdown) || CODE(peer_flags()) != PV_SHUTDOWN_poweroff)
        gk_sleep_ns(BENCH_CLEAN_NS);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_destroydomain, peer), 0);
}

/* `rule=ld_stress peer=N`: log-dirty on a domain from its boot to its poweroff (Debian's Linux in
 * tests/linux/cases), a CLEAN (every fourth a PEEK) every 50 ms: what the guest sees must not
 * change (its dirty bits on kernel entries are cleared under it). */
static void rule_ld_stress(void)
{
    uint64_t p, n = 0, dirty_sum = 0;

    GK_ASSERT(bt_cmdline_uint("peer", &p));
    peer = (unsigned)p;
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT_EQ(shadow(PV_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, peer, NULL, 0), 0);
    while (!(peer_flags() & PV_DOMINF_shutdown)) {
        gk_sleep_ns(50000000);
        GK_ASSERT_EQ(shadow(n % 4 == 3 ? PV_DOMCTL_SHADOW_OP_PEEK : PV_DOMCTL_SHADOW_OP_CLEAN, peer,
                           bitmap, LD_PFNS), 0);
        dirty_sum += op.u.shadow_op.stats.dirty_count;
        n++;
    }
    GK_EXPECT_EQ(CODE(peer_flags()), PV_SHUTDOWN_poweroff);
    gk_printf("log-dirty: %lu CLEANs and PEEKs, %lu pages dirty on average\n", n, dirty_sum / n);
    GK_EXPECT(n > 10);
    GK_EXPECT_EQ(shadow(PV_DOMCTL_SHADOW_OP_OFF, peer, NULL, 0), 0);
    GK_EXPECT_EQ(domctl0(PV_DOMCTL_destroydomain, peer), 0);
}

static const struct bt_rule rules[] = {
    {"dom0", rule_dom0},
    {"peer", rule_peer},
    {"ld_dom0", rule_ld_dom0},
    {"ld_peer", rule_ld_peer},
    {"ld_stress", rule_ld_stress},
    {"bench_dom0", rule_bench_dom0},
    {"bench_peer", rule_bench_peer},
};

void gk_main(void)
{
    bt_run_rule("migrate_", rules, sizeof(rules) / sizeof(rules[0]));
}
