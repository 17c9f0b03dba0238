/*
 * Boot test guest "mmu_batch": the batch interfaces of the PV MMU at their edges ("rule=NAME",
 * test name mmu_NAME; Xen's do_mmu_update, do_mmuext_op, __do_update_va_mapping,
 * vcpumask_to_pcpumask, do_multicall, get_pg_owner).
 *   badptr     unreadable request arrays -EFAULT with done = requests completed before them
 *              (also where the array ends partway through one of mmu_update's chunks, and a
 *              failing request partway through one stops the batch there);
 *              an unwritable `done` is ignored (Xen does not check that copy); a bad vcpumask
 *              is -EINVAL for the mmuext flushes and -EFAULT for update_va_mapping (after the
 *              update, which stays), unread without a flush; ptr with bit 2 set (commands
 *              4-7) and unknown mmuext commands -ENOSYS; FLUSH_CACHE -EACCES and
 *              FLUSH_CACHE_GLOBAL -EINVAL without I/O privilege, MARK_SUPER -EOPNOTSUPP;
 *              foreigndom naming the caller itself or no domain -ESRCH, another domain -EPERM
 *              ("self=N peer=M" on the command line); multicall of an unreadable list -EFAULT,
 *              a multicall inside a multicall -EINVAL in its entry
 *   preempt    an mmu_update batch and an mmuext_op batch long enough to be preempted (each
 *              request validates or releases a full L1): the hypervisor continues them, done
 *              counts every request, the tables end as the last request left them
 *   preempt_multicall  the same mmu_update batch inside a multicall: the sub-call is
 *              continued where it stopped and the entries after it run once (Xen rewrites the
 *              entry with the continuation's arguments and restarts the multicall there)
 */
#include "bt_mmu.h"

#define PREEMPTED 0x80000000U
#define BIG 6000 /* requests: each validates or releases a 512-entry L1 */

static struct bt_region reg;
static struct pv_mmu_update big[BIG];
static struct pv_mmuext_op big_ops[BIG];

static uint64_t mfn_of(const void *p)
{
    return gk_virt_to_mfn(p);
}

static uint64_t tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void check_bad_arrays(uint64_t unmapped, uint64_t data)
{
    struct pv_mmu_update good = {bt_region_pte(&reg, 1), (data << 12) | BT_PTE_RO};
    struct pv_mmu_update *edge;
    uint64_t *page2 = gk_page_alloc();
    unsigned done = 77;

    GK_EXPECT_EQ(gk_hypercall_mmu_update(NULL, 1, &done, PV_DOMID_SELF), -PV_EFAULT);
    GK_EXPECT_EQ(done, 0);
    done = 77;
    GK_EXPECT_EQ(gk_hypercall_mmu_update((void *)(uintptr_t)unmapped, 1, &done, PV_DOMID_SELF),
                 -PV_EFAULT);
    GK_EXPECT_EQ(done, 0);
    GK_EXPECT_EQ(gk_hypercall_mmu_update((void *)0xffff830000000000ULL, 1, &done, PV_DOMID_SELF),
                 -PV_EFAULT);
    /* Two requests across the end of a mapped page: the first is done, the second unreadable. */
    GK_ASSERT(page2 != NULL);
    BT_REQUIRE_EQ(bt_mmu(bt_region_pte(&reg, 2), (mfn_of(page2) << 12) | BT_PTE_RWD), 0);
    edge = (struct pv_mmu_update *)(uintptr_t)(reg.va + 3 * 4096 - sizeof(good));
    *edge = good;
    done = 77;
    GK_EXPECT_EQ(gk_hypercall_mmu_update(edge, 2, &done, PV_DOMID_SELF), -PV_EFAULT);
    GK_EXPECT_EQ(done, 1);
    GK_EXPECT(reg.l1.va[1] & BT_PTE_P);
    GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, 1), 0), 0);
    /* An unwritable done: Xen ignores the failed copy and reports the batch's result. */
    BT_EXPECT_RC("mmu_update with an unwritable done",
                 gk_hypercall_mmu_update(&good, 1, (unsigned *)(uintptr_t)unmapped, PV_DOMID_SELF),
                 0);
    GK_EXPECT(reg.l1.va[1] & BT_PTE_P);
    done = 77;
    GK_EXPECT_EQ(gk_hypercall_mmuext_op(NULL, 1, &done, PV_DOMID_SELF), -PV_EFAULT);
    GK_EXPECT_EQ(done, 0);
    {
        struct pv_mmuext_op op = {.cmd = PV_MMUEXT_TLB_FLUSH_LOCAL};

        BT_EXPECT_RC("mmuext_op with an unwritable done",
                     gk_hypercall_mmuext_op(&op, 1, (unsigned *)(uintptr_t)unmapped, PV_DOMID_SELF),
                     0);
    }
    GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, 1), 0), 0);
    GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, 2), 0), 0);
    GK_EXPECT_EQ(bt_invlpg(reg.va + 2 * 4096), 0);
    gk_page_free(page2);
}

/* The entries from `first` on that are present, cleared: their number, and they must come first
 * (nothing present after an absent one). */
static unsigned clear_prefix(unsigned first, unsigned n)
{
    unsigned len = 0;

    for (unsigned i = 0; i < n; i++)
        if (reg.l1.va[first + i] & BT_PTE_P) {
            GK_EXPECT_EQ(i, len); /* else present after an absent one */
            len++;
            GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, first + i), 0), 0);
        }
    return len;
}

/* mmu_update reads its requests in chunks (UPDATE_CHUNK, 16, in mmu.c): an array that ends on
 * an unmapped page partway through a chunk, in the first chunk or a later one, still does the
 * requests before the end and answers -EFAULT with done counting them; a request that fails
 * partway through a chunk stops the batch there, the rest of the chunk undone. */
static void check_chunks(uint64_t data)
{
    static const unsigned edge[][2] = {{5, 20}, {37, 40}}; /* requests readable, count */
    uint64_t *page = gk_page_alloc(), end = reg.va + 3 * 4096;
    struct pv_mmu_update *u, mid[20];
    unsigned done;

    GK_ASSERT(page != NULL);
    BT_REQUIRE_EQ(bt_mmu(bt_region_pte(&reg, 2), (mfn_of(page) << 12) | BT_PTE_RWD), 0);
    for (unsigned k = 0; k < 2; k++) {
        unsigned fit = edge[k][0], count = edge[k][1];

        /* Request `fit` starts 12 bytes before the unmapped page. */
        u = (struct pv_mmu_update *)(uintptr_t)(end - fit * sizeof(*u) - 12);
        for (unsigned i = 0; i < fit; i++)
            u[i] = (struct pv_mmu_update){bt_region_pte(&reg, 100 + i), (data << 12) | BT_PTE_RO};
        done = 77;
        GK_EXPECT_EQ(gk_hypercall_mmu_update(u, count, &done, PV_DOMID_SELF), -PV_EFAULT);
        GK_EXPECT_EQ(done, fit);
        GK_EXPECT_EQ(clear_prefix(100, count), fit);
    }
    for (unsigned i = 0; i < 20; i++) /* request 9: command 4, -ENOSYS */
        mid[i] = (struct pv_mmu_update){bt_region_pte(&reg, 100 + i) | (i == 9 ? 4 : 0),
                                        (data << 12) | BT_PTE_RO};
    done = 77;
    GK_EXPECT_EQ(gk_hypercall_mmu_update(mid, 20, &done, PV_DOMID_SELF), -PV_ENOSYS);
    GK_EXPECT_EQ(done, 9);
    GK_EXPECT_EQ(clear_prefix(100, 20), 9);
    GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, 2), 0), 0);
    GK_EXPECT_EQ(bt_invlpg(reg.va + 2 * 4096), 0);
    gk_page_free(page);
}

static void check_vcpumask(uint64_t unmapped, uint64_t data)
{
    static const unsigned cmds[] = {PV_MMUEXT_TLB_FLUSH_MULTI, PV_MMUEXT_INVLPG_MULTI};
    uint64_t va = reg.va + 4 * 4096;

    for (unsigned i = 0; i < 2; i++) {
        struct pv_mmuext_op op = {.cmd = cmds[i]};

        op.arg1.linear_addr = va;
        op.arg2.vcpumask = unmapped;
        BT_EXPECT_RC(i ? "INVLPG_MULTI, unmapped vcpumask" : "TLB_FLUSH_MULTI, unmapped vcpumask",
                     gk_hypercall_mmuext_op(&op, 1, NULL, PV_DOMID_SELF), -PV_EINVAL);
        op.arg2.vcpumask = 0;
        BT_EXPECT_RC(i ? "INVLPG_MULTI, NULL vcpumask" : "TLB_FLUSH_MULTI, NULL vcpumask",
                     gk_hypercall_mmuext_op(&op, 1, NULL, PV_DOMID_SELF), -PV_EINVAL);
    }
    /* update_va_mapping writes the entry first; the unreadable mask then fails the flush. */
    GK_EXPECT_EQ(bt_uvm(va, (data << 12) | BT_PTE_RO, PV_UVMF_INVLPG | unmapped), -PV_EFAULT);
    GK_EXPECT(reg.l1.va[4] & BT_PTE_P);
    BT_EXPECT_RC("update_va_mapping, UVMF_NONE with an unmapped vcpumask (not read)",
                 bt_uvm(va, 0, PV_UVMF_NONE | unmapped), 0);
    GK_EXPECT_EQ(reg.l1.va[4], 0);
    GK_EXPECT_EQ(bt_invlpg(va), 0);
}

static void check_commands(uint64_t data)
{
    static const unsigned unknown[] = {14, 21, 0xffff};

    for (unsigned bits = 4; bits < 8; bits++) {
        char what[48];

        lib_snprintf(what, sizeof(what), "mmu_update command %u (ptr & 7)", bits);
        BT_EXPECT_RC(what, bt_mmu(bt_region_pte(&reg, 5) | bits, (data << 12) | BT_PTE_RO),
                     -PV_ENOSYS);
    }
    GK_EXPECT_EQ(reg.l1.va[5], 0);
    for (unsigned i = 0; i < 3; i++)
        GK_EXPECT_EQ(bt_ext(unknown[i], 0, 0), -PV_ENOSYS);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_FLUSH_CACHE, 0, 0), -PV_EACCES);
    BT_EXPECT_RC("FLUSH_CACHE_GLOBAL without I/O privilege",
                 bt_ext(PV_MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0), -PV_EINVAL);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_MARK_SUPER, data, 0), -PV_EOPNOTSUPP);
}

static void check_foreigndom(uint64_t data)
{
    struct pv_mmu_update u = {bt_region_pte(&reg, 6), (data << 12) | BT_PTE_RO};
    struct pv_mmuext_op op = {.cmd = PV_MMUEXT_TLB_FLUSH_LOCAL};
    uint64_t self, peer;

    BT_EXPECT_RC("mmu_update, foreigndom of no domain",
                 gk_hypercall_mmu_update(&u, 1, NULL, 0x1234), -PV_ESRCH);
    BT_EXPECT_RC("mmuext_op, foreigndom of no domain", gk_hypercall_mmuext_op(&op, 1, NULL, 0x1234),
                 -PV_ESRCH);
    if (bt_cmdline_uint("self", &self)) {
        /* Xen's get_pg_owner: "Cannot specify itself as foreign domain". */
        BT_EXPECT_RC("mmu_update, foreigndom = the caller's own id",
                     gk_hypercall_mmu_update(&u, 1, NULL, (unsigned)self), -PV_ESRCH);
        BT_EXPECT_RC("mmuext_op, foreigndom = the caller's own id",
                     gk_hypercall_mmuext_op(&op, 1, NULL, (unsigned)self), -PV_ESRCH);
    }
    if (bt_cmdline_uint("peer", &peer)) {
        BT_EXPECT_RC("mmu_update, foreigndom of another domain",
                     gk_hypercall_mmu_update(&u, 1, NULL, (unsigned)peer), -PV_EPERM);
        BT_EXPECT_RC("mmuext_op, foreigndom of another domain",
                     gk_hypercall_mmuext_op(&op, 1, NULL, (unsigned)peer), -PV_EPERM);
    }
    if (reg.l1.va[6]) {
        GK_FAIL("a refused foreigndom still wrote the entry: %#lx", reg.l1.va[6]);
        GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, 6), 0), 0);
    }
}

static void check_multicall_bad(void)
{
    struct pv_multicall_entry inner = {.op = PV_HYPERCALL_xen_version, .result = 0xdead};
    struct pv_multicall_entry outer = {
        .op = PV_HYPERCALL_multicall, .result = 0xdead, .args = {(uint64_t)(uintptr_t)&inner, 1}};

    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_multicall, NULL, 1, 0, 0, 0), -PV_EFAULT);
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_multicall, &outer, 1, 0, 0, 0), 0);
    GK_EXPECT_EQ(outer.result, (uint64_t)-PV_EINVAL);
    GK_EXPECT_EQ(inner.result, 0xdead);
}

static void rule_badptr(void)
{
    uint64_t *data = gk_page_alloc(), unmapped;

    GK_ASSERT(data != NULL);
    BT_REQUIRE_EQ(bt_region_init(&reg), true);
    unmapped = reg.va + 200 * 4096;
    GK_EXPECT(bt_is_unmapped(unmapped));
    check_bad_arrays(unmapped, mfn_of(data));
    check_chunks(mfn_of(data));
    check_vcpumask(unmapped, mfn_of(data));
    check_commands(mfn_of(data));
    check_foreigndom(mfn_of(data));
    check_multicall_bad();
    bt_region_fini(&reg);
}

/* A raw hypercall that also returns the argument registers as the guest gets them back: after
 * a continuation they hold the arguments of the last restart, not the caller's. */
static long hypercall_regs(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t *rdi_out)
{
    register uint64_t r10 __asm__("r10") = a4;
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10)
                     : "a"(nr)
                     : "rcx", "r11", "r8", "r9", "memory");
    *rdi_out = a1;
    return ret;
}

/* An L1 whose 512 entries all map the same page: validating or releasing it is real work. */
static void heavy_l1(struct bt_table *t, const void *data)
{
    static uint64_t e[512];

    for (unsigned i = 0; i < 512; i++)
        e[i] = (mfn_of(data) << 12) | BT_PTE_RO;
    BT_REQUIRE_EQ(bt_table_new(t, e), true);
}

/* BIG mmu_update requests: an L2 entry set to the heavy L1 and cleared, alternately. */
static uint64_t fill_big(const struct bt_table *x)
{
    uint64_t va = bt_free_2m_va(0), ptr = bt_entry_maddr(va, 2);

    for (unsigned i = 0; i < BIG; i++)
        big[i] = (struct pv_mmu_update){ptr, i % 2 ? 0 : (x->mfn << 12) | BT_PTE_TABLE};
    return ptr;
}

static void rule_preempt(void)
{
    uint64_t *data = gk_page_alloc(), rdi, ptr, t0, t1;
    struct bt_table x;
    unsigned done = 0;
    long rc;

    GK_ASSERT(data != NULL);
    heavy_l1(&x, data);
    ptr = fill_big(&x);
    t0 = tsc();
    rc = hypercall_regs(PV_HYPERCALL_mmu_update, (uint64_t)(uintptr_t)big, BIG,
                        (uint64_t)(uintptr_t)&done, PV_DOMID_SELF, &rdi);
    t1 = tsc();
    gk_test_log("mmu_update of %u requests: %lu cycles, %s", BIG, t1 - t0,
                rdi != (uint64_t)(uintptr_t)big ? "continued" : "never preempted");
    GK_EXPECT_EQ(rc, 0);
    GK_EXPECT_EQ(done, BIG);
    GK_EXPECT_EQ(bt_peek(ptr >> 12, (ptr & 4095) / 8), 0);
    if (rdi == (uint64_t)(uintptr_t)big)
        GK_FAIL("a batch of %u L1 validations (%lu cycles) was never preempted", BIG, t1 - t0);
    /* The same through mmuext_op: pin and unpin the heavy L1, BIG / 2 times. */
    for (unsigned i = 0; i < BIG; i++) {
        big_ops[i] =
            (struct pv_mmuext_op){.cmd = i % 2 ? PV_MMUEXT_UNPIN_TABLE : PV_MMUEXT_PIN_L1_TABLE};
        big_ops[i].arg1.mfn = x.mfn;
    }
    done = 0;
    t0 = tsc();
    rc = hypercall_regs(PV_HYPERCALL_mmuext_op, (uint64_t)(uintptr_t)big_ops, BIG,
                        (uint64_t)(uintptr_t)&done, PV_DOMID_SELF, &rdi);
    t1 = tsc();
    gk_test_log("mmuext_op of %u pins and unpins: %lu cycles, %s", BIG, t1 - t0,
                rdi != (uint64_t)(uintptr_t)big_ops ? "continued" : "never preempted");
    GK_EXPECT_EQ(rc, 0);
    GK_EXPECT_EQ(done, BIG);
    if (rdi == (uint64_t)(uintptr_t)big_ops)
        GK_FAIL("a batch of %u pins and unpins (%lu cycles) was never preempted", BIG, t1 - t0);
    GK_EXPECT_EQ(bt_unpin(x.mfn), -PV_EINVAL); /* the last op unpinned it */
    GK_EXPECT_EQ(bt_table_free(&x), 0);
}

static void rule_preempt_multicall(void)
{
    uint64_t *data = gk_page_alloc(), ptr;
    struct pv_multicall_entry mc[2];
    struct bt_table x;
    unsigned done = 0;

    GK_ASSERT(data != NULL);
    data[0] = 0x5eed;
    BT_REQUIRE_EQ(bt_region_init(&reg), true);
    heavy_l1(&x, data);
    ptr = fill_big(&x);
    mc[0] = (struct pv_multicall_entry){
        .op = PV_HYPERCALL_mmu_update,
        .result = 0xdead,
        .args = {(uint64_t)(uintptr_t)big, BIG, (uint64_t)(uintptr_t)&done, PV_DOMID_SELF}};
    mc[1] = (struct pv_multicall_entry){
        .op = PV_HYPERCALL_update_va_mapping,
        .result = 0xdead,
        .args = {reg.va, (mfn_of(data) << 12) | BT_PTE_RO, PV_UVMF_INVLPG}};
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_multicall, mc, 2, 0, 0, 0), 0);
    GK_EXPECT_EQ(mc[0].result, 0);
    GK_EXPECT_EQ(mc[1].result, 0);
    GK_EXPECT_EQ(done, BIG);
    GK_EXPECT_EQ(bt_peek(ptr >> 12, (ptr & 4095) / 8), 0);
    GK_EXPECT_EQ(*(volatile uint64_t *)(uintptr_t)reg.va, 0x5eed);
    GK_EXPECT_EQ(bt_table_free(&x), 0);
    bt_region_fini(&reg);
}

static const struct bt_rule rules[] = {
    {"badptr", rule_badptr},
    {"preempt", rule_preempt},
    {"preempt_multicall", rule_preempt_multicall},
};

void gk_main(void)
{
    bt_run_rule("mmu_", rules, sizeof(rules) / sizeof(rules[0]));
}
