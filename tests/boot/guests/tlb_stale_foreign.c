/*
 * Boot test "tlb_stale_foreign" (booted as dom0 with 2 vCPUs on 2 CPUs): a translation another
 * domain holds must not outlive a frame's free either. Each round dom0 creates domains A and B
 * (never run), populates a frame M into A and maps it read-only through a foreign mmu_update;
 * vCPU 1 reads it (its CPU caches the translation) and then only spins. vCPU 0 clears the entry
 * without a flush on vCPU 1's CPU (a read-only foreign mapping's removal flushes nothing), and
 * vCPU 1 checks that its read still hits (else the round proves nothing). Then M goes back: by
 * decrease_reservation on A, by destroying A, or by dom0's unmap of the last reference after
 * A's destruction. populate_physmap gives M to B, and dom0 writes B's "secret" into it through
 * a second mapping. vCPU 1's read through the old translation must fault: the allocation that
 * handed M to B flushed every CPU that had not flushed since M was freed. Without that, vCPU 1
 * reads B's data. Run with a CPU per vCPU (--smp 2) so that vCPU 1 keeps its CPU and its TLB.
 */
#include "bt.h"
#include "bt_mmu.h"
#include "gk/smp.h"

/* The kit's notes say nothing of dom0: this guest is the initial domain. */
__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " BT_STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
        ".long 1 << " BT_STR(PV_XENFEAT_dom0) "\n.popsection");

#define B_FRAMES 64 /* B's populate: M is among the frames freed last, whatever the order */
#define SECRET 0x5ec2e7b0b5ec2e7bULL

enum how { BY_DECREASE, BY_DESTROY, BY_LAST_UNMAP };
static const char *const how_name[] = {"decrease_reservation", "destroydomain",
                                       "the last unmap after destroydomain"};

static struct pv_domctl op __attribute__((aligned(16)));
static struct bt_region reg;
static uint64_t b_list[B_FRAMES];
static volatile uint64_t helper_val;
static volatile bool helper_faulted;

enum { CMD_READ = 1, CMD_END };

/* vCPU 1: on CMD_READ it reads the region's first page (a #PF caught and noted); it spins
 * between commands, never blocking. */
static void helper(void *arg)
{
    uint32_t c;

    (void)arg;
    while ((c = bt_helper_cmd) != CMD_END) {
        if (!c) {
            __asm__ volatile("pause");
            continue;
        }
        helper_faulted = bt_access_faults((volatile uint64_t *)reg.va, &helper_val, false);
        bt_helper_answer();
    }
    bt_helper_answer();
}

static long memop(unsigned cmd, uint16_t dom, uint64_t *list, uint64_t n)
{
    struct pv_memory_reservation r = {.extent_start = (uint64_t)(uintptr_t)list, .nr_extents = n,
                                      .domid = dom};

    return gk_hypercall_memory_op(cmd, &r);
}

/* A new domain that may hold `frames` frames. */
static uint16_t create(unsigned frames)
{
    uint16_t dom;

    dom = (uint16_t)bt_domain_create(&op);
    memset(&op, 0, sizeof(op));
    op.u.max_mem.max_memkb = 4 * frames;
    GK_ASSERT_EQ(bt_domctl(&op, PV_DOMCTL_max_mem, dom), 0);
    return dom;
}

static void round(enum how how)
{
    uint16_t a = create(1), b = create(B_FRAMES);
    uint64_t m = 0; /* pfn 0 in, A's mfn out */
    int at = -1;

    GK_ASSERT_EQ(memop(PV_XENMEM_populate_physmap, a, &m, 1), 1);
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 0), (m << 12) | BT_PTE_RO, a), 0);
    bt_helper_ask(CMD_READ);
    GK_ASSERT(!helper_faulted);
    if (how == BY_LAST_UNMAP)
        GK_ASSERT_EQ(bt_domctl(&op, PV_DOMCTL_destroydomain, a), 0); /* A lingers: dom0 maps M */
    /* no flush on vCPU 1 */
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 0), 0, PV_DOMID_SELF), 0);
    bt_helper_ask(CMD_READ);
    if (helper_faulted)
        GK_FAIL("%s: the translation did not outlive the unmap: the round proves nothing",
                how_name[how]);
    if (how == BY_DECREASE)
        GK_ASSERT_EQ(memop(PV_XENMEM_decrease_reservation, a, &m, 1), 1);
    if (how != BY_LAST_UNMAP)
        GK_ASSERT_EQ(bt_domctl(&op, PV_DOMCTL_destroydomain, a), 0);
    /* A is gone, M free (getdomaininfo answers with the next domain, B) */
    GK_EXPECT(bt_domctl(&op, PV_DOMCTL_getdomaininfo, a) != 0 || op.domain != a);
    for (unsigned i = 0; i < B_FRAMES; i++)
        b_list[i] = i;
    GK_ASSERT_EQ(memop(PV_XENMEM_populate_physmap, b, b_list, B_FRAMES), B_FRAMES);
    for (unsigned i = 0; i < B_FRAMES; i++)
        at = b_list[i] == m ? (int)i : at;
    gk_test_log("%s: mfn %#lx is B's pfn %d", how_name[how], m, at);
    GK_ASSERT(at >= 0); /* else the round proves nothing */
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 1), (m << 12) | BT_PTE_RWD, b), 0);
    ((volatile uint64_t *)(reg.va + 4096))[0] = SECRET;
    bt_helper_ask(CMD_READ);
    if (!helper_faulted)
        GK_FAIL("%s: vCPU 1 read %#lx (B's data: %s) through a translation from before the "
                "frame was freed", how_name[how], helper_val, helper_val == SECRET ? "yes" : "no");
    GK_ASSERT_EQ(bt_mmu_foreign(bt_region_pte(&reg, 1), 0, PV_DOMID_SELF), 0);
    GK_EXPECT_EQ(bt_invlpg(reg.va + 4096), 0);
    GK_EXPECT_EQ(bt_domctl(&op, PV_DOMCTL_destroydomain, b), 0);
}

GK_TEST(tlb_stale_foreign)
{
    GK_ASSERT(bt_region_init(&reg));
    GK_ASSERT_EQ(gk_smp_up(1, helper, NULL), 0);
    round(BY_DECREASE);
    round(BY_DESTROY);
    round(BY_LAST_UNMAP);
    bt_helper_ask(CMD_END);
    GK_EXPECT_EQ(bt_region_fini(&reg), 0);
}
