/*
 * Boot test "foreign": dom0 acting on other domains' memory and resources, as the toolstack's
 * domain builder does (Xen 4.17's memory.c, arch/x86/mm.c do_mmu_update/do_mmuext_op with a
 * foreign domain, event_channel.c alloc_unbound).
 *   rule=dom0 (the initial domain; peer=N third=M name two peers booted with maxmem= room):
 *     populate_physmap into the peer (mfns back, M2P set, max_pages respected, the refusals
 *     reported as extents done), increase/decrease_reservation; mmu_update with the peer as
 *     foreign domain maps its frames into dom0's own L1 (written and read), and refuses dom0's,
 *     the hypervisor's and the third domain's frames (-EBUSY), a writable mapping of a peer page
 *     table, and a pin while dom0 maps a frame writable; mmuext_op pins and unpins the peer's
 *     tables (an empty L4, an L1), refuses tables that map the hypervisor's or dom0's frames and
 *     the commands on the caller's own state (-EPERM); MACHPHYS_UPDATE for the peer;
 *     EVTCHNOP_alloc_unbound in the peer for dom0. Then a handshake through a populated frame:
 *     the peer finds it through the M2P, answers, and ends; the frames dom0 still maps stay
 *     the peer's until dom0 unmaps them, and no new foreign mapping of the ended peer is taken.
 *   rule=peer (unprivileged, beside dom0): every foreign operation on dom0 refused (-EPERM, or 0
 *     extents done for the reservation sub-ops, as Xen), then the handshake.
 * "frames: all returned" at the end checks every frame came back.
 */
#include "bt.h"
#include "bt_mmu.h"
#include "gk/kit.h"
#include "pv-abi/domctl.h"
#include "gk/gnttab.h"
#include "pv-abi/event_channel.h"
#include "pv-abi/grant_table.h"
#include "pv-abi/memory_op.h"
#include "pv-abi/sched_op.h"
#include "pv-abi/xen_version.h"

/* The kit's notes say nothing of dom0: this guest may also be the initial domain. */
__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " BT_STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
        ".long 1 << " BT_STR(PV_XENFEAT_dom0) "\n.popsection");

#define HANDSHAKE_PFN 0x70000UL /* far above the peers' memory: where dom0 populates */
#define MAGIC 0x466f726569676e21ULL
#define ANSWER 0x5265706c79212121ULL
#define NOBODY 1000
#define WAIT_ROUNDS 2000000
#define NR_POP 6

static const uint64_t *const m2p = (const uint64_t *)PV_MACH2PHYS_VIRT_START;
static uint16_t peer, third;
static struct bt_region reg;
static uint64_t pop[NR_POP]; /* the peer's populated frames (pfns in, mfns out) */

static void yield(void)
{
    gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
}

static long reservation(unsigned op, uint16_t domid, uint64_t *list, uint64_t n, unsigned order,
                        uint32_t flags)
{
    struct pv_memory_reservation r = {.extent_start = (uint64_t)(uintptr_t)list,
                                      .nr_extents = n,
                                      .extent_order = order,
                                      .mem_flags = flags,
                                      .domid = domid};

    return gk_hypercall_memory_op(op, &r);
}

static long query(unsigned op, uint16_t domid)
{
    return gk_hypercall_memory_op(op, &domid);
}

static long fext(unsigned cmd, uint64_t mfn, uint16_t fd)
{
    struct pv_mmuext_op op = {.cmd = cmd};

    op.arg1.mfn = mfn;
    return gk_hypercall_mmuext_op(&op, 1, NULL, fd);
}

static volatile uint64_t *slot_va(unsigned i)
{
    return (volatile uint64_t *)(reg.va + i * 4096UL);
}

/* Map mfn at region slot i with foreign domain fd (read-only or writable). */
static long map_at(unsigned i, uint64_t mfn, bool rw, uint16_t fd)
{
    return bt_mmu_foreign(bt_region_pte(&reg, i), (mfn << 12) | (rw ? BT_PTE_RWD : BT_PTE_RO), fd);
}

static long unmap_at(unsigned i)
{
    long rc = bt_mmu_foreign(bt_region_pte(&reg, i), 0, PV_DOMID_SELF);

    bt_invlpg(reg.va + i * 4096UL);
    return rc;
}

static uint64_t hypervisor_frame(void)
{
    uint64_t mfn = 0;
    struct pv_machphys_mfn_list l = {.max_extents = 1, .extent_start = (uint64_t)(uintptr_t)&mfn};

    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_machphys_mfn_list, &l), 0);
    return mfn; /* the M2P's first frame: the hypervisor's */
}

static void check_populate(void)
{
    long before = query(PV_XENMEM_current_reservation, peer);
    long max = query(PV_XENMEM_maximum_reservation, peer);
    uint64_t list[1];

    /* maxmem= gives the peer room for NR_POP and a few more frames, not for 512. */
    GK_ASSERT(before > 0 && max >= before + NR_POP + 2 && max < before + 512);
    for (unsigned i = 0; i < NR_POP; i++)
        pop[i] = HANDSHAKE_PFN + i;
    GK_EXPECT_EQ(reservation(PV_XENMEM_populate_physmap, peer, pop, NR_POP, 0, 0), NR_POP);
    GK_EXPECT_EQ(query(PV_XENMEM_current_reservation, peer), before + NR_POP);
    for (unsigned i = 0; i < NR_POP; i++)
        if (m2p[pop[i]] != HANDSHAKE_PFN + i)
            GK_FAIL("M2P of populated mfn %#lx: %#lx", pop[i], m2p[pop[i]]);
    /* Refused: reported as 0 extents done, nothing allocated. */
    list[0] = HANDSHAKE_PFN + 100;
    GK_EXPECT_EQ(reservation(PV_XENMEM_populate_physmap, peer, list, 1, 10, 0), 0);
    GK_EXPECT_EQ(reservation(PV_XENMEM_populate_physmap, peer, list, 1, 0, 12), 0);
    GK_EXPECT_EQ(reservation(PV_XENMEM_populate_physmap, NOBODY, list, 1, 0, 0), 0);
    GK_EXPECT_EQ(reservation(PV_XENMEM_populate_physmap, peer, list, 1, 0,
                             PV_XENMEMF_populate_on_demand), 0);
    GK_EXPECT_EQ(reservation(PV_XENMEM_populate_physmap, peer, NULL, 1, 0, 0), 0);
    BT_EXPECT_RC("populate beyond max_pages",
                 reservation(PV_XENMEM_populate_physmap, peer, list, 1, 9, 0), 0);
    GK_EXPECT_EQ(query(PV_XENMEM_current_reservation, peer), before + NR_POP);
    /* increase then decrease: the count goes back. */
    GK_EXPECT_EQ(reservation(PV_XENMEM_increase_reservation, peer, list, 1, 0, 0), 1);
    GK_EXPECT_EQ(query(PV_XENMEM_current_reservation, peer), before + NR_POP + 1);
    GK_EXPECT_EQ(reservation(PV_XENMEM_decrease_reservation, peer, list, 1, 0, 0), 1);
    GK_EXPECT_EQ(reservation(PV_XENMEM_decrease_reservation, peer, list, 1, 0, 0), 0); /* gone */
    list[0] = gk_virt_to_mfn(gk_page_alloc()); /* dom0's own frame: not the peer's */
    GK_EXPECT_EQ(reservation(PV_XENMEM_decrease_reservation, peer, list, 1, 0, 0), 0);
    GK_EXPECT_EQ(query(PV_XENMEM_current_reservation, peer), before + NR_POP);
    GK_EXPECT_EQ(query(PV_XENMEM_current_reservation, NOBODY), -PV_ESRCH);
}

static void check_map(uint64_t own_mfn, uint64_t third_mfn)
{
    GK_EXPECT_EQ(map_at(0, pop[0], true, peer), 0);
    GK_EXPECT_EQ(slot_va(0)[0], 0); /* populated frames are zeroed */
    slot_va(0)[4] = ~MAGIC; /* not yet the handshake's word */
    GK_EXPECT_EQ(map_at(1, pop[0], false, peer), 0); /* the same frame again, read-only */
    GK_EXPECT_EQ(slot_va(1)[4], ~MAGIC);
    GK_EXPECT_EQ(unmap_at(1), 0);
    /* Frames the peer does not own: -EBUSY, nothing written. */
    BT_EXPECT_RC("dom0's frame, fd peer", map_at(2, own_mfn, false, peer), -PV_EBUSY);
    BT_EXPECT_RC("hypervisor frame, fd peer", map_at(2, hypervisor_frame(), false, peer),
                 -PV_EBUSY);
    BT_EXPECT_RC("third domain's frame, fd peer", map_at(2, third_mfn, true, peer), -PV_EBUSY);
    BT_EXPECT_RC("peer frame, fd third", map_at(2, pop[1], false, third), -PV_EBUSY);
    GK_EXPECT_EQ(reg.l1.va[2], 0);
    GK_EXPECT_EQ(map_at(2, third_mfn, false, third), 0); /* with the right owner it maps */
    GK_EXPECT_EQ(unmap_at(2), 0);
    BT_EXPECT_RC("foreign domain nobody", map_at(2, pop[1], false, NOBODY), -PV_ESRCH);
}

static long pageframeinfo(uint16_t domid, uint64_t *array, uint64_t num)
{
    static struct pv_domctl d __attribute__((aligned(16)));

    memset(&d, 0, sizeof(d));
    d.cmd = PV_DOMCTL_getpageframeinfo3;
    d.interface_version = PV_DOMCTL_INTERFACE_VERSION;
    d.domain = domid;
    d.u.getpageframeinfo3.num = num;
    d.u.getpageframeinfo3.array = (uint64_t)(uintptr_t)array;
    return gk_hypercall_nr(PV_HYPERCALL_domctl, (uint64_t)(uintptr_t)&d, 0, 0, 0, 0);
}

/* The peer's tables: pin with the peer as page owner, and the type rules across domains. */
static void check_pin(void)
{
    uint64_t types[4] = {pop[1], pop[0], gk_virt_to_mfn(gk_page_alloc()), pop[2]};

    GK_EXPECT_EQ(fext(PV_MMUEXT_PIN_L1_TABLE, pop[1], peer), 0); /* empty: a valid L1 */
    GK_EXPECT_EQ(pageframeinfo(peer, types, 4), 0);
    GK_EXPECT_EQ(types[0], PV_DOMCTL_PFINFO_L1TAB | PV_DOMCTL_PFINFO_LPINTAB);
    GK_EXPECT_EQ(types[1], PV_DOMCTL_PFINFO_NOTAB); /* mapped writable by dom0 */
    GK_EXPECT_EQ(types[2], PV_DOMCTL_PFINFO_XTAB);  /* dom0's frame */
    GK_EXPECT_EQ(types[3], PV_DOMCTL_PFINFO_NOTAB);
    GK_EXPECT_EQ(pageframeinfo(peer, types, 1025), -PV_E2BIG);
    BT_EXPECT_RC("writable map of a peer L1", map_at(3, pop[1], true, peer), -PV_EBUSY);
    GK_EXPECT_EQ(map_at(3, pop[1], false, peer), 0); /* read-only: allowed */
    GK_EXPECT_EQ(fext(PV_MMUEXT_PIN_L1_TABLE, pop[1], peer), -PV_EINVAL); /* pinned already */
    GK_EXPECT_EQ(fext(PV_MMUEXT_UNPIN_TABLE, pop[1], peer), 0);
    GK_EXPECT_EQ(unmap_at(3), 0);
    /* dom0 maps pop[0] writable: the peer cannot have it as a table meanwhile. */
    BT_EXPECT_RC("pin of a frame dom0 maps writable", fext(PV_MMUEXT_PIN_L1_TABLE, pop[0], peer),
                 -PV_EINVAL);
    GK_EXPECT_EQ(fext(PV_MMUEXT_PIN_L4_TABLE, pop[2], peer), 0);
    GK_EXPECT_EQ(fext(PV_MMUEXT_UNPIN_TABLE, pop[2], peer), 0);
    GK_EXPECT_EQ(fext(PV_MMUEXT_UNPIN_TABLE, pop[2], peer), -PV_EINVAL);
    BT_EXPECT_RC("pin of dom0's frame with fd peer",
                 fext(PV_MMUEXT_PIN_L1_TABLE, gk_virt_to_mfn(gk_page_alloc()), peer), -PV_EINVAL);
}

/* Tables whose entries name frames the peer does not own are refused at validation. */
static void check_bad_tables(uint64_t own_mfn)
{
    GK_EXPECT_EQ(map_at(4, pop[3], true, peer), 0);
    slot_va(4)[7] = (hypervisor_frame() << 12) | BT_PTE_RO;
    GK_EXPECT_EQ(unmap_at(4), 0);
    BT_EXPECT_RC("pin of an L1 mapping a hypervisor frame",
                 fext(PV_MMUEXT_PIN_L1_TABLE, pop[3], peer), -PV_EBUSY);
    GK_EXPECT_EQ(map_at(4, pop[3], true, peer), 0);
    slot_va(4)[7] = (own_mfn << 12) | BT_PTE_RO;
    GK_EXPECT_EQ(unmap_at(4), 0);
    BT_EXPECT_RC("pin of an L1 mapping dom0's frame", fext(PV_MMUEXT_PIN_L1_TABLE, pop[3], peer),
                 -PV_EBUSY);
    GK_EXPECT_EQ(map_at(4, pop[3], true, peer), 0);
    slot_va(4)[7] = 0;
    slot_va(4)[0] = (own_mfn << 12) | BT_PTE_TABLE; /* an L4 entry naming dom0's frame */
    GK_EXPECT_EQ(unmap_at(4), 0);
    BT_EXPECT_RC("pin of an L4 naming dom0's frame", fext(PV_MMUEXT_PIN_L4_TABLE, pop[3], peer),
                 -PV_EINVAL);
    /* The caller's own state with a foreign domain: -EPERM. */
    GK_EXPECT_EQ(fext(PV_MMUEXT_NEW_BASEPTR, pop[2], peer), -PV_EPERM);
    GK_EXPECT_EQ(fext(PV_MMUEXT_TLB_FLUSH_LOCAL, 0, peer), -PV_EPERM);
    GK_EXPECT_EQ(fext(PV_MMUEXT_NEW_USER_BASEPTR, 0, peer), -PV_EPERM);
    GK_EXPECT_EQ(fext(PV_MMUEXT_PIN_L1_TABLE, pop[2], NOBODY), -PV_ESRCH);
}

static void check_machphys_and_ports(uint64_t own_mfn)
{
    struct pv_evtchn_alloc_unbound a = {.dom = peer, .remote_dom = 0};
    struct pv_evtchn_status st = {.dom = peer};

    GK_EXPECT_EQ(bt_mmu_foreign((pop[4] << 12) | PV_MMU_MACHPHYS_UPDATE, 0x1234, peer), 0);
    GK_EXPECT_EQ(m2p[pop[4]], 0x1234);
    GK_EXPECT_EQ(bt_mmu_foreign((pop[4] << 12) | PV_MMU_MACHPHYS_UPDATE, HANDSHAKE_PFN + 4, peer), 0);
    BT_EXPECT_RC("machphys of dom0's frame, fd peer",
                 bt_mmu_foreign((own_mfn << 12) | PV_MMU_MACHPHYS_UPDATE, 1, peer), -PV_EINVAL);
    GK_EXPECT_EQ(gk_hypercall_event_channel_op(PV_EVTCHNOP_alloc_unbound, &a), 0);
    GK_EXPECT(a.port > 0);
    st.port = a.port;
    GK_EXPECT_EQ(gk_hypercall_event_channel_op(PV_EVTCHNOP_status, &st), 0);
    GK_EXPECT_EQ(st.status, PV_EVTCHNSTAT_unbound);
    GK_EXPECT_EQ(st.u.unbound.dom, 0);
    a.dom = NOBODY;
    GK_EXPECT_EQ(gk_hypercall_event_channel_op(PV_EVTCHNOP_alloc_unbound, &a), -PV_ESRCH);
}

static long acquire(uint16_t domid, uint16_t type, uint32_t id, uint64_t frame, uint32_t nr,
                    uint64_t *list, uint32_t *nr_out)
{
    struct pv_mem_acquire_resource r = {.domid = domid, .type = type, .id = id, .frame = frame,
                                        .nr_frames = nr,
                                        .frame_list = (uint64_t)(uintptr_t)list};
    long rc = gk_hypercall_memory_op(PV_XENMEM_acquire_resource, &r);

    if (nr_out)
        *nr_out = r.nr_frames;
    return rc;
}

/* XENMEM_acquire_resource: the peer's grant-table frames, as privcmd's MMAP_RESOURCE asks. */
static void check_acquire(uint64_t table_frame)
{
    uint64_t list[2] = {0, 0};
    uint32_t n = 0;
    struct pv_mem_acquire_resource padded = {.domid = peer,
                                             .type = PV_XENMEM_resource_grant_table,
                                             .pad = 1};
    const uint16_t gt = PV_XENMEM_resource_grant_table;

    GK_EXPECT_EQ(acquire(peer, gt, 0, 0, 0, NULL, &n), 0); /* the size */
    GK_EXPECT_EQ(n, 32); /* the default max_grant_frames */
    GK_EXPECT_EQ(acquire(peer, gt, 0, 0, 2, list, NULL), 0);
    GK_EXPECT_EQ(list[0], table_frame);
    GK_EXPECT(list[1] != 0 && list[1] != table_frame); /* the table grew to two frames */
    GK_EXPECT_EQ(map_at(8, list[1], true, peer), 0); /* and maps like any of its frames */
    GK_EXPECT_EQ(unmap_at(8), 0);
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_acquire_resource, &padded), -PV_EINVAL);
    GK_EXPECT_EQ(acquire(PV_DOMID_SELF, gt, 0, 0, 1, list, NULL), -PV_ESRCH);
    GK_EXPECT_EQ(acquire(0, gt, 0, 0, 1, list, NULL), -PV_EPERM); /* itself */
    GK_EXPECT_EQ(acquire(NOBODY, gt, 0, 0, 1, list, NULL), -PV_ESRCH);
    GK_EXPECT_EQ(acquire(peer, gt, PV_XENMEM_resource_grant_table_id_status, 0, 1, list, NULL),
                 -PV_EINVAL);
    GK_EXPECT_EQ(acquire(peer, PV_XENMEM_resource_ioreq_server, 0, 0, 1, list, NULL),
                 -PV_EOPNOTSUPP);
    GK_EXPECT_EQ(acquire(peer, gt, 0, 31, 2, list, NULL), -PV_EINVAL); /* past the end */
    GK_EXPECT_EQ(acquire(peer, gt, 0, 0, 0, list, NULL), -PV_EINVAL);
    GK_EXPECT_EQ(acquire(peer, gt, 0, 0, 1, NULL, NULL), -PV_EINVAL);
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_acquire_resource | (1 << 6), &padded),
                 -PV_EINVAL);
}

/* The builder's grant entries: the peer's table frame (setup_table for it) mapped writable with
 * the peer as foreign domain; an entry written there grants pop[5] to dom0, which a grant copy
 * then reads. The mapping stays past the peer's end (check_after_end). */
static void check_grant_frame(void)
{
    uint64_t frame = 0, *dst = gk_page_alloc();
    struct pv_gnttab_setup_table st = {.dom = peer, .nr_frames = 1,
                                       .frame_list = (uint64_t)(uintptr_t)&frame};
    struct pv_gnttab_copy c = {.len = 8, .flags = PV_GNTCOPY_source_gref};
    volatile struct pv_grant_entry_v1 *e = (volatile struct pv_grant_entry_v1 *)slot_va(6);

    GK_EXPECT_EQ(gk_hypercall_grant_table_op(PV_GNTTABOP_setup_table, &st, 1), 0);
    GK_ASSERT_EQ(st.status, PV_GNTST_okay);
    GK_EXPECT_EQ(map_at(6, frame, true, peer), 0);
    GK_EXPECT_EQ(map_at(7, pop[5], true, peer), 0);
    slot_va(7)[3] = MAGIC ^ 3;
    GK_EXPECT_EQ(unmap_at(7), 0);
    e[1].domid = 0;
    e[1].frame = (uint32_t)pop[5];
    __atomic_store_n(&e[1].flags, PV_GTF_permit_access, __ATOMIC_RELEASE);
    c.source.u.ref = 1;
    c.source.domid = peer;
    c.source.offset = 24;
    c.dest.u.gmfn = gk_virt_to_mfn(dst);
    c.dest.domid = PV_DOMID_SELF;
    GK_EXPECT_EQ(gk_hypercall_grant_table_op(PV_GNTTABOP_copy, &c, 1), 0);
    GK_EXPECT_EQ(c.status, PV_GNTST_okay);
    GK_EXPECT_EQ(dst[0], MAGIC ^ 3);
    check_acquire(frame);
}

/* Give the third domain its handshake frame and wait for both answers. */
static uint64_t third_handshake_frame(void)
{
    uint64_t pfn = HANDSHAKE_PFN;

    GK_ASSERT_EQ(reservation(PV_XENMEM_populate_physmap, third, &pfn, 1, 0, 0), 1);
    return pfn;
}

static bool wait_answer(unsigned slot)
{
    for (unsigned i = 0; i < WAIT_ROUNDS; i++) {
        if (slot_va(slot)[6] == ANSWER)
            return true;
        yield();
    }
    return false;
}

static long destroy(uint16_t domid)
{
    static struct pv_domctl d __attribute__((aligned(16)));

    memset(&d, 0, sizeof(d));
    d.cmd = PV_DOMCTL_destroydomain;
    d.interface_version = PV_DOMCTL_INTERFACE_VERSION;
    d.domain = domid;
    return gk_hypercall_nr(PV_HYPERCALL_domctl, (uint64_t)(uintptr_t)&d, 0, 0, 0, 0);
}

/* The peer has ended (and its memory been released, destroyed by us if need be): only the
 * frames dom0 still maps are its, until dom0 lets them go. */
static void check_after_end(void)
{
    long left = 0;

    for (unsigned i = 0; i < WAIT_ROUNDS && (left = query(PV_XENMEM_current_reservation, peer)) != 1;
         i++) {
        if (i == 20000)
            destroy(peer); /* a peer kept after its shutdown (toolstack lifecycle) */
        yield();
    }
    GK_EXPECT_EQ(left, 1); /* pop[0], mapped writable in slot 0 */
    GK_EXPECT_EQ(slot_va(0)[6], ANSWER); /* still readable: the frame was not reused */
    BT_EXPECT_RC("new mapping of an ended domain's frame", map_at(1, pop[0], false, peer),
                 -PV_EBUSY);
    BT_EXPECT_RC("pin in an ended domain", fext(PV_MMUEXT_PIN_L1_TABLE, pop[0], peer), -PV_ESRCH);
    GK_EXPECT_EQ(unmap_at(0), 0);
    GK_EXPECT_EQ(query(PV_XENMEM_current_reservation, peer), 0);
    GK_EXPECT_EQ(((volatile struct pv_grant_entry_v1 *)slot_va(6))[1].frame, (uint32_t)pop[5]);
    GK_EXPECT_EQ(unmap_at(6), 0); /* the ended peer's grant frame goes back to the pool now */
}

static void rule_dom0(void)
{
    uint64_t own_mfn = gk_virt_to_mfn(gk_page_alloc()), id, third_mfn;

    GK_ASSERT(bt_cmdline_uint("peer", &id));
    peer = (uint16_t)id;
    GK_ASSERT(bt_cmdline_uint("third", &id));
    third = (uint16_t)id;
    BT_REQUIRE_EQ(bt_region_init(&reg), true);
    check_populate();
    third_mfn = third_handshake_frame();
    check_map(own_mfn, third_mfn);
    check_pin();
    check_bad_tables(own_mfn);
    check_machphys_and_ports(own_mfn);
    check_grant_frame();
    /* The handshakes: each peer finds its frame through the M2P and answers. */
    GK_EXPECT_EQ(map_at(5, third_mfn, true, third), 0);
    slot_va(5)[5] = MAGIC;
    slot_va(0)[5] = MAGIC;
    GK_EXPECT(wait_answer(0));
    GK_EXPECT(wait_answer(5));
    GK_EXPECT_EQ(unmap_at(5), 0);
    check_after_end();
    GK_EXPECT_EQ(bt_region_fini(&reg), 0);
}

/* ---- the unprivileged peers ---- */

static void check_refused(void)
{
    uint64_t list[1] = {HANDSHAKE_PFN + 200}, mine = gk_virt_to_mfn(gk_page_alloc());
    struct pv_evtchn_alloc_unbound a = {.dom = 0, .remote_dom = 0};
    struct pv_mmu_update u = {0, 0};

    GK_EXPECT_EQ(reservation(PV_XENMEM_populate_physmap, 0, list, 1, 0, 0), 0);
    GK_EXPECT_EQ(reservation(PV_XENMEM_increase_reservation, 0, list, 1, 0, 0), 0);
    GK_EXPECT_EQ(reservation(PV_XENMEM_decrease_reservation, 0, &mine, 1, 0, 0), 0);
    GK_EXPECT_EQ(query(PV_XENMEM_current_reservation, 0), -PV_EPERM);
    GK_EXPECT_EQ(gk_hypercall_mmu_update(&u, 1, NULL, 0), -PV_EPERM);
    GK_EXPECT_EQ(fext(PV_MMUEXT_PIN_L1_TABLE, mine, 0), -PV_EPERM);
    GK_EXPECT_EQ(gk_hypercall_event_channel_op(PV_EVTCHNOP_alloc_unbound, &a), -PV_EPERM);
    GK_EXPECT_EQ(acquire(0, PV_XENMEM_resource_grant_table, 0, 0, 1, list, NULL), -PV_EPERM);
    GK_EXPECT_EQ(pageframeinfo(0, &mine, 1), -PV_EPERM);
    /* Its own reservation it may grow, within its maxmem=. */
    GK_EXPECT_EQ(reservation(PV_XENMEM_populate_physmap, PV_DOMID_SELF, list, 1, 0, 0), 1);
    GK_EXPECT_EQ(m2p[list[0]], HANDSHAKE_PFN + 200);
}

/* Find the frame dom0 populated at HANDSHAKE_PFN, map it, wait for MAGIC, answer. */
static void handshake(void)
{
    uint64_t limit = (uint64_t)gk_hypercall_memory_op(PV_XENMEM_maximum_ram_page, NULL), mfn = 0;
    volatile uint64_t *page = gk_page_alloc();
    uint64_t own = gk_virt_to_mfn((const void *)page);
    unsigned i;

    for (i = 0; i < WAIT_ROUNDS && !mfn; i++, yield())
        for (uint64_t m = 0; m < limit && !mfn; m++)
            if (m2p[m] == HANDSHAKE_PFN && !bt_uvm((uint64_t)(uintptr_t)page, (m << 12) | BT_PTE_RWD,
                                                    PV_UVMF_INVLPG))
                mfn = m;
    GK_ASSERT(mfn != 0);
    for (i = 0; i < WAIT_ROUNDS && page[5] != MAGIC; i++)
        yield();
    GK_EXPECT_EQ(page[5], MAGIC);
    page[6] = ANSWER;
    GK_EXPECT_EQ(bt_uvm((uint64_t)(uintptr_t)page, (own << 12) | BT_PTE_RWD, PV_UVMF_INVLPG), 0);
}

static void rule_peer(void)
{
    check_refused();
    handshake();
}

static const struct bt_rule rules[] = {{"dom0", rule_dom0}, {"peer", rule_peer}};

void gk_main(void)
{
    bt_run_rule("foreign_", rules, sizeof(rules) / sizeof(rules[0]));
}
