/*
 * Boot test "grant": grant tables between domains (docs/hypercalls.md §20), through the guest
 * kit's client (gk/gnttab.h). Domains learn each other's ids from the module order (command
 * line self=, granter=, mapper=, third=). The granter A gives each other domain D a control page
 * at ref CTRL_REF(D) = 8 + D; D maps it as soon as it is granted (it retries while the map is
 * refused) and the two step through the test over that shared page (A's step, D's step).
 *
 * role=granter (A): grants, watches its entries' flags, ends grants.
 * role=mapper (B), mode=full: step 1: maps A's read-write grant by address and read-only by PTE
 *   address (GNTMAP_contains_pte), writes; maps over an entry that was present and used; a
 *   read-only grant refuses a writable map; map and unmap refusals. 2: A sees B's data and cannot end either grant while B maps them (flags
 *   show GTF_reading/GTF_writing); B unmaps, the first mapping with unmap_and_replace by the
 *   read-only grant's mapping, which then unmaps where its entry went and not where it was.
 *   3: A ends the grants; B's next maps and copies fail; out-of-range refs and bad domains.
 *   4: grant copy both ways, across B's page boundaries, offset+len beyond a page
 *   (bad_copy_arg), a batch with bad refs (only those fail), a read-only grant as destination,
 *   bad local frames. 5: grants of frames that are
 *   not A's (beyond RAM, A's grant-table frame, shared_info, one of B's) are bad_page. 6: B
 *   maps a live grant while the third domain C is refused the same ref and copy.
 * role=mapper, mode=die: B maps A's page writable, writes, then crashes holding the mapping; A
 *   sees the flags clear when B is destroyed, ends the grant and reuses the page.
 * role=granter/mapper, mode=granter_dies: A crashes while B maps its page; B keeps using the
 *   page until it unmaps it (new maps of A's refs: bad_domain), and every frame comes back.
 * role=third (C): tries to use A's grant to B (map and copy): general_error.
 */
#include "bt.h"
#include "gk/gnttab.h"
#include "gk/smp.h"

#define CTRL_REF(d) (8 + (d))
#define REF_RW 16    /* A -> B, read-write */
#define REF_RO 17    /* A -> B, read-only */
#define REF_COPY 600 /* A -> B, read-write, in A's second table frame */
#define REF_COPY_RO 19
#define REF_BEYOND_RAM 20
#define REF_TABLE 21
#define REF_SHINFO 22
#define REF_FOREIGN 23
#define TEST_VA 0x0000100000000000ULL /* L4 slot 32: B's and C's mappings */
#define CTRL_VA TEST_VA
#define VA1 (TEST_VA + 0x1000)
#define VA2 (TEST_VA + 0x2000)
#define VA3 (TEST_VA + 0x3000)
#define VA_OVER (TEST_VA + 0x6000) /* and the page after: maps over a present entry */
#define MAX_WAIT 200000 /* yields before a step counts as lost */
#define PAT_A 0xa5a5000000000000ULL
#define PAT_B 0xb6b6000000000000ULL

struct mbox {
    volatile uint32_t a_step; /* written by A */
    volatile uint32_t d_step; /* written by the other domain */
    volatile uint32_t nr_entries;
    volatile uint32_t pad;
    volatile uint64_t d_mfn; /* a frame of the other domain's own */
};

static uint64_t self_id;

static void yield(void)
{
    gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
}

static void wait_step(volatile uint32_t *step, uint32_t want, const char *what)
{
    for (unsigned long i = 0; *step < want; i++) {
        if (i == MAX_WAIT) {
            GK_FAIL("step %u (%s) never came (at %u)", want, what, *step);
            gk_test_finish();
        }
        yield();
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static void post(volatile uint32_t *step, uint32_t v)
{
    __atomic_store_n(step, v, __ATOMIC_RELEASE);
}

static void wait_flags_clear(pv_grant_ref_t ref, const char *what)
{
    for (unsigned long i = 0; gk_gnttab_flags(ref) & (PV_GTF_reading | PV_GTF_writing); i++) {
        if (i == MAX_WAIT) {
            GK_FAIL("%s: ref %u flags stay %#x", what, ref, gk_gnttab_flags(ref));
            gk_test_finish();
        }
        yield();
    }
}

/* One raw map operation: its status (the hypercall must succeed). */
static int raw_map(uint64_t dom, uint32_t ref, uint64_t host_addr, uint32_t flags)
{
    struct pv_gnttab_map_grant_ref op = {
        .host_addr = host_addr, .flags = flags, .ref = ref, .dom = (pv_domid_t)dom};

    GK_EXPECT_EQ(gk_hypercall_grant_table_op(PV_GNTTABOP_map_grant_ref, &op, 1), 0);
    if (op.status == PV_GNTST_okay)
        GK_FAIL("raw map of %lu/%u unexpectedly succeeded", dom, ref);
    return op.status;
}

/* Map (dom, ref) at va; the status. */
static int map(uint64_t dom, uint32_t ref, uint64_t va, unsigned flags, struct gk_gnttab_map *m)
{
    GK_EXPECT_EQ(gk_gnttab_map((pv_domid_t)dom, ref, va, flags, m), 0);
    return m->status;
}

static int unmap(struct gk_gnttab_map *m)
{
    GK_EXPECT_EQ(gk_gnttab_unmap(m), 0);
    return m->status;
}

/* Replace host mapping m with the grant mapping of frame `frame` read-only at new_va: refused
 * for new_addr the mapping's own entry, then new_va's entry moves to m's place. */
static void unmap_and_replace(struct gk_gnttab_map *m, uint64_t new_va, uint64_t frame)
{
    struct pv_gnttab_unmap_and_replace op = {
        .host_addr = m->va, .new_addr = m->va, .handle = m->handle};
    struct gk_trap_record rec;

    GK_EXPECT_EQ(gk_hypercall_grant_table_op(PV_GNTTABOP_unmap_and_replace, &op, 1), 0);
    GK_EXPECT_EQ(op.status, PV_GNTST_general_error);
    op.new_addr = new_va;
    GK_EXPECT_EQ(gk_hypercall_grant_table_op(PV_GNTTABOP_unmap_and_replace, &op, 1), 0);
    GK_EXPECT_EQ(op.status, PV_GNTST_okay);
    GK_EXPECT_EQ(gk_pt_lookup(gk_kernel_space(), new_va), 0);
    GK_EXPECT_EQ(gk_pte_mfn(gk_pt_lookup(gk_kernel_space(), m->va)), frame >> 12);
    GK_EXPECT(!(gk_pt_lookup(gk_kernel_space(), m->va) & GK_PTE_RW));
    GK_EXPECT_EQ(((volatile uint64_t *)m->va)[0], PAT_A | 2);
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, ((volatile uint64_t *)m->va)[0] = 0);
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, (void)((volatile uint64_t *)new_va)[0]);
}

/* Map A's grant (holding `want`) over an entry that maps a page of ours, which the CPU has just
 * read through (its translation is in the TLB), by address and by PTE address: the read after the
 * map must reach the grant. The hypervisor writes the entry without a flush, as Xen does; the
 * kit's invlpg (only for an entry that was present) makes the stale translation go. */
static void map_over_present(uint64_t a, uint64_t want)
{
    volatile uint64_t *own = gk_page_alloc();
    struct gk_gnttab_map m;

    GK_ASSERT(own != NULL);
    for (unsigned k = 0; k < 2; k++) {
        volatile uint64_t *va = (volatile uint64_t *)(VA_OVER + k * 0x1000);

        own[0] = PAT_B | 0x77;
        GK_ASSERT_EQ(gk_map(gk_kernel_space(), (uint64_t)va, gk_virt_to_mfn((void *)own),
                            GK_PAGE_KERNEL | gk_pte_nx()),
                     0);
        GK_EXPECT_EQ(va[0], PAT_B | 0x77);
        GK_ASSERT_EQ(map(a, REF_RW, (uint64_t)va, k ? GK_GNTMAP_PTE : 0, &m), PV_GNTST_okay);
        GK_EXPECT_EQ(gk_pte_mfn(gk_pt_lookup(gk_kernel_space(), (uint64_t)va)), m.dev_bus_addr >> 12);
        if (va[0] != want)
            GK_FAIL("map %s over a present entry: read %#lx, not the grant's %#lx (stale TLB)",
                    k ? "by PTE address" : "by address", va[0], want);
        GK_EXPECT_EQ(unmap(&m), PV_GNTST_okay);
        GK_EXPECT_EQ(gk_pt_lookup(gk_kernel_space(), (uint64_t)va), 0);
    }
    gk_page_free((void *)own);
}

/* Map the control page A granted to us, retrying until A has granted it. */
static struct mbox *ctrl_map(uint64_t granter, struct gk_gnttab_map *m)
{
    for (unsigned long i = 0;; i++) {
        GK_ASSERT_EQ(gk_gnttab_map((pv_domid_t)granter, CTRL_REF(self_id), CTRL_VA, 0, m), 0);
        if (m->status == PV_GNTST_okay)
            return (struct mbox *)CTRL_VA;
        GK_ASSERT_EQ(m->status, PV_GNTST_general_error); /* not granted yet */
        if (i == MAX_WAIT) {
            GK_FAIL("the control page was never granted");
            gk_test_finish();
        }
        yield();
    }
}

static uint64_t *page_alloc(void)
{
    uint64_t *p = gk_page_alloc();

    GK_ASSERT(p != NULL);
    return p;
}

/* ---- the granter ---- */

static void granter(uint64_t mapper, uint64_t third)
{
    uint64_t *ctrl_b = page_alloc(), *ctrl_c = third ? page_alloc() : NULL;
    uint64_t *d1 = page_alloc(), *d2 = page_alloc(), *d3 = page_alloc(), *d4 = page_alloc();
    struct mbox *mb = (struct mbox *)ctrl_b, *mc = (struct mbox *)ctrl_c;
    uint8_t *c3 = (uint8_t *)d3;
    char mode[16] = "full";
    volatile struct pv_grant_entry_v1 *e;

    gk_cmdline_get("mode", mode, sizeof(mode));
    GK_ASSERT_EQ(gk_gnttab_init(2), 0);
    GK_ASSERT_EQ(gk_gnttab_nr_frames(), 2);
    GK_EXPECT_GE(gk_gnttab_max_frames(), 2);
    mb->nr_entries = gk_gnttab_nr_entries();
    GK_EXPECT_EQ(mb->nr_entries, 1024);
    /* The kit refuses the toolstack's entries, refs beyond the table and live entries. */
    GK_EXPECT_EQ(gk_gnttab_grant_ref(1, (pv_domid_t)mapper, gk_virt_to_mfn(d1), false), -PV_EINVAL);
    GK_EXPECT_EQ(gk_gnttab_grant_ref(1024, (pv_domid_t)mapper, gk_virt_to_mfn(d1), false),
                 -PV_EINVAL);
    GK_EXPECT_EQ(gk_gnttab_end(REF_RW), -PV_EINVAL);

    if (third) {
        mc->nr_entries = gk_gnttab_nr_entries();
        GK_ASSERT_EQ(
            gk_gnttab_grant_ref(CTRL_REF(third), (pv_domid_t)third, gk_virt_to_mfn(ctrl_c), false),
            0);
    }
    d1[0] = PAT_A | 1;
    GK_ASSERT_EQ(gk_gnttab_grant_ref(REF_RW, (pv_domid_t)mapper, gk_virt_to_mfn(d1), false), 0);
    GK_EXPECT_EQ(gk_gnttab_grant_ref(REF_RW, (pv_domid_t)mapper, gk_virt_to_mfn(d1), false),
                 -PV_EBUSY);
    e = gk_gnttab_entry(REF_RW);
    GK_EXPECT_EQ(e->flags, PV_GTF_permit_access);
    GK_EXPECT_EQ(e->domid, mapper);
    GK_EXPECT_EQ(e->frame, gk_virt_to_mfn(d1));
    GK_ASSERT_EQ(
        gk_gnttab_grant_ref(CTRL_REF(mapper), (pv_domid_t)mapper, gk_virt_to_mfn(ctrl_b), false),
        0);

    if (lib_strcmp(mode, "stale") == 0) {
        post(&mb->a_step, 1);
        wait_step(&mb->d_step, 1, "B done");
        wait_flags_clear(REF_RW, "B unmapped");
        wait_flags_clear(CTRL_REF(mapper), "B unmapped");
        GK_EXPECT_EQ(gk_gnttab_end(REF_RW), 0);
        GK_EXPECT_EQ(gk_gnttab_end(CTRL_REF(mapper)), 0);
        return;
    }
    if (lib_strcmp(mode, "granter_dies") == 0) {
        post(&mb->a_step, 1);
        wait_step(&mb->d_step, 1, "B mapped");
        gk_test_log("crashing while B maps our pages");
        gk_shutdown(PV_SHUTDOWN_crash);
        GK_FAIL("still running after SHUTDOWN_crash");
        return;
    }

    d2[0] = PAT_A | 2;
    GK_ASSERT_EQ(gk_gnttab_grant_ref(REF_RO, (pv_domid_t)mapper, gk_virt_to_mfn(d2), true), 0);
    GK_EXPECT_EQ(gk_gnttab_flags(REF_RO), PV_GTF_permit_access | PV_GTF_readonly);

    if (lib_strcmp(mode, "die") == 0) {
        post(&mb->a_step, 1);
        wait_step(&mb->d_step, 1, "B mapped and wrote");
        GK_EXPECT_EQ(d1[1], PAT_B | 1);
        GK_EXPECT_EQ(gk_gnttab_flags(REF_RW),
                     PV_GTF_permit_access | PV_GTF_reading | PV_GTF_writing);
        GK_EXPECT_EQ(gk_gnttab_flags(REF_RO),
                     PV_GTF_permit_access | PV_GTF_readonly | PV_GTF_reading);
        GK_EXPECT_EQ(gk_gnttab_end(REF_RW), -PV_EBUSY);
        post(&mb->a_step, 2); /* B crashes now, holding both mappings */
        wait_flags_clear(REF_RW, "after B died");
        wait_flags_clear(REF_RO, "after B died");
        wait_flags_clear(CTRL_REF(mapper), "after B died");
        GK_EXPECT_EQ(gk_gnttab_flags(REF_RW), PV_GTF_permit_access);
        GK_EXPECT_EQ(gk_gnttab_flags(REF_RO), PV_GTF_permit_access | PV_GTF_readonly);
        GK_EXPECT_EQ(gk_gnttab_end(REF_RW), 0);
        GK_EXPECT_EQ(gk_gnttab_end(REF_RO), 0);
        GK_EXPECT_EQ(gk_gnttab_end(CTRL_REF(mapper)), 0);
        GK_EXPECT_EQ(gk_gnttab_flags(REF_RW), 0);
        d1[1] = PAT_A | 2; /* the page is ours alone again */
        GK_EXPECT_EQ(d1[1], PAT_A | 2);
        gk_page_free(d1);
        gk_page_free(d2);
        gk_page_free(d3);
        gk_page_free(d4);
        gk_page_free(ctrl_b);
        return;
    }

    post(&mb->a_step, 1);

    /* 2: B maps both: in use, the grants cannot be ended. */
    wait_step(&mb->d_step, 1, "B mapped");
    GK_EXPECT_EQ(d1[0], PAT_B | 1);
    GK_EXPECT_EQ(gk_gnttab_flags(REF_RW), PV_GTF_permit_access | PV_GTF_reading | PV_GTF_writing);
    GK_EXPECT_EQ(gk_gnttab_flags(REF_RO), PV_GTF_permit_access | PV_GTF_readonly | PV_GTF_reading);
    GK_EXPECT_EQ(gk_gnttab_end(REF_RW), -PV_EBUSY);
    GK_EXPECT_EQ(gk_gnttab_end(REF_RO), -PV_EBUSY);
    GK_EXPECT_EQ(gk_gnttab_entry(REF_RW)->domid, mapper);
    GK_EXPECT_EQ(gk_gnttab_entry(REF_RO)->frame, gk_virt_to_mfn(d2));
    GK_EXPECT_EQ(d2[0], PAT_A | 2);
    post(&mb->a_step, 2);

    /* 3: B unmapped: the flags clear, the grants end. */
    wait_step(&mb->d_step, 2, "B unmapped");
    GK_EXPECT_EQ(gk_gnttab_flags(REF_RW), PV_GTF_permit_access);
    GK_EXPECT_EQ(gk_gnttab_flags(REF_RO), PV_GTF_permit_access | PV_GTF_readonly);
    GK_EXPECT_EQ(gk_gnttab_end(REF_RW), 0);
    GK_EXPECT_EQ(gk_gnttab_end(REF_RO), 0);
    GK_EXPECT_EQ(gk_gnttab_flags(REF_RW), 0);
    GK_EXPECT_EQ(gk_gnttab_entry(REF_RW)->domid, 0);
    post(&mb->a_step, 3);

    /* 4: copies. */
    wait_step(&mb->d_step, 3, "B refused after the end");
    for (unsigned i = 0; i < 4096; i++)
        c3[i] = (uint8_t)(i * 7 + 1);
    d4[0] = PAT_A | 4;
    GK_ASSERT_EQ(gk_gnttab_grant_ref(REF_COPY, (pv_domid_t)mapper, gk_virt_to_mfn(d3), false), 0);
    GK_ASSERT_EQ(gk_gnttab_grant_ref(REF_COPY_RO, (pv_domid_t)mapper, gk_virt_to_mfn(d4), true), 0);
    post(&mb->a_step, 4);

    /* 5: B's data arrived where it was copied, nowhere else; frames that are not ours. */
    wait_step(&mb->d_step, 4, "B copied");
    for (unsigned i = 0; i < 2048; i++)
        if (c3[i] != (uint8_t)(i * 7 + 1)) {
            GK_FAIL("copy page byte %u changed: %#x", i, c3[i]);
            break;
        }
    for (unsigned i = 2048; i < 4096; i++)
        if (c3[i] != (uint8_t)(i * 3 + 5)) {
            GK_FAIL("copy page byte %u: %#x, expected B's %#x", i, c3[i], (uint8_t)(i * 3 + 5));
            break;
        }
    GK_EXPECT_EQ(d4[0], PAT_A | 4);
    GK_EXPECT_EQ(gk_gnttab_flags(REF_COPY), PV_GTF_permit_access);
    GK_EXPECT_EQ(gk_gnttab_flags(REF_COPY_RO), PV_GTF_permit_access | PV_GTF_readonly);
    GK_EXPECT_EQ(gk_gnttab_end(REF_COPY), 0);
    GK_EXPECT_EQ(gk_gnttab_end(REF_COPY_RO), 0);
    GK_ASSERT(mb->d_mfn != 0);
    GK_ASSERT_EQ(gk_gnttab_grant_ref(REF_BEYOND_RAM, (pv_domid_t)mapper, 0xffff0, false), 0);
    GK_ASSERT_EQ(gk_gnttab_grant_ref(REF_TABLE, (pv_domid_t)mapper, gk_gnttab_frame_mfn(0), false),
                 0);
    GK_ASSERT_EQ(gk_gnttab_grant_ref(REF_SHINFO, (pv_domid_t)mapper,
                                     gk_start_info->shared_info >> 12, false),
                 0);
    GK_ASSERT_EQ(gk_gnttab_grant_ref(REF_FOREIGN, (pv_domid_t)mapper, mb->d_mfn, false), 0);
    post(&mb->a_step, 5);

    /* 6: a live grant to B, which the third domain cannot use. */
    wait_step(&mb->d_step, 5, "B refused bad frames");
    for (pv_grant_ref_t r = REF_BEYOND_RAM; r <= REF_FOREIGN; r++) {
        GK_EXPECT_EQ(gk_gnttab_flags(r), PV_GTF_permit_access);
        GK_EXPECT_EQ(gk_gnttab_end(r), 0);
    }
    GK_ASSERT_EQ(gk_gnttab_grant_ref(REF_RW, (pv_domid_t)mapper, gk_virt_to_mfn(d1), false), 0);
    post(&mb->a_step, 6);
    wait_step(&mb->d_step, 6, "B mapped the new grant");
    GK_EXPECT_EQ(gk_gnttab_flags(REF_RW), PV_GTF_permit_access | PV_GTF_reading | PV_GTF_writing);
    if (third) {
        post(&mc->a_step, 1);
        wait_step(&mc->d_step, 1, "C refused");
        /* C's attempts left no trace on the entry B uses. */
        GK_EXPECT_EQ(gk_gnttab_entry(REF_RW)->domid, mapper);
        GK_EXPECT_EQ(gk_gnttab_flags(REF_RW),
                     PV_GTF_permit_access | PV_GTF_reading | PV_GTF_writing);
        wait_flags_clear(CTRL_REF(third), "C's control page");
        GK_EXPECT_EQ(gk_gnttab_end(CTRL_REF(third)), 0);
    }
    post(&mb->a_step, 7);
    wait_step(&mb->d_step, 7, "B done");
    wait_flags_clear(REF_RW, "B's last mapping");
    wait_flags_clear(CTRL_REF(mapper), "B's control page");
    GK_EXPECT_EQ(gk_gnttab_end(REF_RW), 0);
    GK_EXPECT_EQ(gk_gnttab_end(CTRL_REF(mapper)), 0);
    GK_EXPECT_EQ(d1[0], PAT_B | 6);
    gk_page_free(d1);
    gk_page_free(d2);
    gk_page_free(d3);
    gk_page_free(d4);
    gk_page_free(ctrl_b);
    if (ctrl_c)
        gk_page_free(ctrl_c);
}

/* ---- the mapper ---- */

static uint8_t buf[3 * 4096] __attribute__((aligned(4096)));

static void mapper_copies(uint64_t a)
{
    struct pv_gnttab_copy ops[8];
    struct gk_gnttab_copy_batch b;
    uint8_t *in = buf + 4096 - 1000, *out = buf + 2 * 4096 - 500;

    /* From A's page into a buffer crossing one of our pages: the kit makes two operations. */
    GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)a, REF_COPY, 0, in, 2048), PV_GNTST_okay);
    for (unsigned i = 0; i < 2048; i++)
        if (in[i] != (uint8_t)(i * 7 + 1)) {
            GK_FAIL("copied-in byte %u: %#x", i, in[i]);
            break;
        }
    /* And back into its second half, from a buffer crossing another page. */
    for (unsigned i = 0; i < 2048; i++)
        out[i] = (uint8_t)((i + 2048) * 3 + 5);
    GK_EXPECT_EQ(gk_gnttab_copy_to((pv_domid_t)a, REF_COPY, 2048, out, 2048), PV_GNTST_okay);
    gk_gnttab_copy_batch_init(&b);
    GK_EXPECT_EQ(gk_gnttab_copy_batch_add(&b, gk_gnttab_copy_local(out), false,
                                          gk_gnttab_copy_gref((pv_domid_t)a, REF_COPY, 2048), true,
                                          2048),
                 0);
    GK_EXPECT_EQ(b.n, 2); /* split at our page boundary */
    GK_EXPECT_EQ(gk_gnttab_copy_batch_flush(&b), 0);
    GK_EXPECT_EQ(b.done, 2);

    /* One operation crossing the end of a page, on either side: bad_copy_arg, nothing copied. */
    ops[0] = (struct pv_gnttab_copy){.source = gk_gnttab_copy_local(buf),
                                     .dest = gk_gnttab_copy_gref((pv_domid_t)a, REF_COPY, 4000),
                                     .len = 200,
                                     .flags = PV_GNTCOPY_dest_gref};
    ops[1] = (struct pv_gnttab_copy){.source = gk_gnttab_copy_gref((pv_domid_t)a, REF_COPY, 4095),
                                     .dest = gk_gnttab_copy_local(buf),
                                     .len = 2,
                                     .flags = PV_GNTCOPY_source_gref};
    ops[2] = (struct pv_gnttab_copy){.source = gk_gnttab_copy_local(buf + 4000),
                                     .dest = gk_gnttab_copy_gref((pv_domid_t)a, REF_COPY, 0),
                                     .len = 200,
                                     .flags = PV_GNTCOPY_dest_gref};
    /* A read-only grant as destination; a frame named with another domain's id; a local frame
     * that is not ours. */
    ops[3] = (struct pv_gnttab_copy){.source = gk_gnttab_copy_local(buf),
                                     .dest = gk_gnttab_copy_gref((pv_domid_t)a, REF_COPY_RO, 0),
                                     .len = 8,
                                     .flags = PV_GNTCOPY_dest_gref};
    ops[4] = (struct pv_gnttab_copy){
        .source = gk_gnttab_copy_local(buf), .dest = gk_gnttab_copy_local(buf + 4096), .len = 8};
    ops[4].source.domid = (pv_domid_t)a;
    ops[5] = (struct pv_gnttab_copy){
        .source = gk_gnttab_copy_local(buf), .dest = gk_gnttab_copy_local(buf + 4096), .len = 8};
    ops[5].source.u.gmfn = 0xffff0;
    memset(buf, 0xee, 8);
    GK_EXPECT_EQ(gk_gnttab_copy(ops, 6), 0);
    GK_EXPECT_EQ(ops[0].status, PV_GNTST_bad_copy_arg);
    GK_EXPECT_EQ(ops[1].status, PV_GNTST_bad_copy_arg);
    GK_EXPECT_EQ(ops[2].status, PV_GNTST_bad_copy_arg);
    GK_EXPECT_EQ(ops[3].status, PV_GNTST_general_error);
    GK_EXPECT_EQ(ops[4].status, PV_GNTST_permission_denied);
    GK_EXPECT_EQ(ops[5].status, PV_GNTST_bad_page);
    GK_EXPECT_EQ(buf[0], 0xee);

    /* A batch mixing good and bad references: only the bad ones fail. */
    memset(buf, 0, 3 * 4096);
    gk_gnttab_copy_batch_init(&b);
    gk_gnttab_copy_batch_add(&b, gk_gnttab_copy_gref((pv_domid_t)a, REF_COPY, 0), true,
                             gk_gnttab_copy_local(buf), false, 64);
    gk_gnttab_copy_batch_add(&b, gk_gnttab_copy_gref((pv_domid_t)a, 1024, 0), true,
                             gk_gnttab_copy_local(buf + 100), false, 64);
    gk_gnttab_copy_batch_add(&b, gk_gnttab_copy_gref((pv_domid_t)a, REF_COPY, 3000), true,
                             gk_gnttab_copy_local(buf + 200), false, 64);
    gk_gnttab_copy_batch_add(&b, gk_gnttab_copy_gref((pv_domid_t)a, REF_RW, 0), true,
                             gk_gnttab_copy_local(buf + 300), false, 64);
    gk_gnttab_copy_batch_add(&b, gk_gnttab_copy_gref((pv_domid_t)a, 0xffffffffU, 0), true,
                             gk_gnttab_copy_local(buf + 400), false, 64);
    gk_gnttab_copy_batch_add(&b, gk_gnttab_copy_gref(77, REF_COPY, 0), true,
                             gk_gnttab_copy_local(buf + 500), false, 64);
    gk_gnttab_copy_batch_add(&b, gk_gnttab_copy_gref((pv_domid_t)a, REF_COPY, 64), true,
                             gk_gnttab_copy_local(buf + 600), false, 64);
    GK_EXPECT_EQ(gk_gnttab_copy_batch_flush(&b), 0);
    GK_EXPECT_EQ(b.flushed, 7);
    GK_EXPECT_EQ(b.op[0].status, PV_GNTST_okay);
    GK_EXPECT_EQ(b.op[1].status, PV_GNTST_bad_gntref);
    GK_EXPECT_EQ(b.op[2].status, PV_GNTST_okay);
    GK_EXPECT_EQ(b.op[3].status, PV_GNTST_general_error); /* ended in step 3 */
    GK_EXPECT_EQ(b.op[4].status, PV_GNTST_bad_gntref);
    GK_EXPECT_EQ(b.op[5].status, PV_GNTST_bad_domain);
    GK_EXPECT_EQ(b.op[6].status, PV_GNTST_okay);
    GK_EXPECT_EQ(b.done, 3);
    GK_EXPECT_EQ(b.failed, 4);
    GK_EXPECT_EQ(b.first_status, PV_GNTST_bad_gntref);
    for (unsigned i = 0; i < 64; i++) {
        if (buf[i] != (uint8_t)(i * 7 + 1) || buf[600 + i] != (uint8_t)((64 + i) * 7 + 1) ||
            buf[200 + i] != (uint8_t)((3000 + i) * 3 + 5)) {
            GK_FAIL("batch copy byte %u wrong", i);
            break;
        }
        if (buf[100 + i] || buf[300 + i] || buf[400 + i] || buf[500 + i]) {
            GK_FAIL("a refused copy wrote byte %u", i);
            break;
        }
    }

    /* 24 ops, more than the 16 a batch keeps its locks for, switching between A's grant and
     * copies inside our own memory (other domains, other locks) and naming a bad reference in
     * the middle: every good op's bytes arrive, the bad one fails alone. */
    memset(buf, 0, 3 * 4096);
    gk_gnttab_copy_batch_init(&b);
    for (unsigned i = 0; i < 24; i++) {
        if (i % 5 == 4) /* our own bytes, copied earlier in this batch */
            gk_gnttab_copy_batch_add(&b, gk_gnttab_copy_local(buf + (i - 1) * 16), false,
                                     gk_gnttab_copy_local(buf + 4096 + i * 16), false, 16);
        else
            gk_gnttab_copy_batch_add(&b, gk_gnttab_copy_gref((pv_domid_t)a,
                                                             i == 10 ? 1024 : REF_COPY, i * 16),
                                     true, gk_gnttab_copy_local(buf + i * 16), false, 16);
    }
    GK_EXPECT_EQ(gk_gnttab_copy_batch_flush(&b), 0);
    GK_EXPECT_EQ(b.flushed, 24);
    GK_EXPECT_EQ(b.failed, 1);
    GK_EXPECT_EQ(b.op[10].status, PV_GNTST_bad_gntref);
    for (unsigned i = 0; i < 24 * 16; i++) {
        unsigned op = i / 16;
        uint8_t want = (uint8_t)(i * 7 + 1), got = buf[i];

        if (op % 5 == 4) /* the own copy of the op before */
            want = (uint8_t)((i - 16) * 7 + 1), got = buf[4096 + i];
        if (op == 10)
            want = 0;
        if (got != want) {
            GK_FAIL("24-op batch: byte %u of op %u is %#x, not %#x", i % 16, op, got, want);
            break;
        }
    }
}

/* ---- mode=stale: an unmap's TLB flush, or the proof that none was needed ---- */

static volatile uint64_t helper_val;
static volatile bool helper_faulted;

/* vCPU 1: on command 1 it reads VA1 (its CPU caches the translation), on 2 the same, a #PF
 * caught; 3 ends it. It spins between commands, never blocking, so its CPU keeps its TLB. */
static void helper(void *arg)
{
    (void)arg;
    for (;;) {
        uint32_t c;

        while (!(c = bt_helper_cmd))
            __asm__ volatile("pause");
        if (c == 3)
            break;
        helper_faulted = bt_access_faults((volatile uint64_t *)VA1, &helper_val, false);
        bt_helper_answer();
    }
    bt_helper_answer();
}

/* A grant the other vCPU read through its TLB, unmapped here: that vCPU must fault on it next
 * (the unmap flushed its CPU); one it never touched (accessed bit clear: no CPU can hold the
 * translation, no flush) must fault too. */
static void mapper_stale(uint64_t a)
{
    struct gk_gnttab_map m;

    GK_ASSERT_EQ(gk_smp_up(1, helper, NULL), 0);
    for (int touched = 1; touched >= 0; touched--) {
        GK_ASSERT_EQ(map(a, REF_RW, VA1, 0, &m), PV_GNTST_okay);
        if (touched) {
            bt_helper_ask(1);
            GK_EXPECT(!helper_faulted);
            GK_EXPECT_EQ(helper_val, PAT_A | 1);
        }
        GK_EXPECT_EQ(unmap(&m), PV_GNTST_okay);
        bt_helper_ask(2);
        GK_EXPECT(helper_faulted);
    }
    bt_helper_ask(3);
}

static void mapper(uint64_t a)
{
    struct gk_gnttab_map mctrl, m1, m2, m3, mx;
    struct gk_trap_record rec;
    struct mbox *mb;
    char mode[16] = "full";
    uint32_t n;

    gk_cmdline_get("mode", mode, sizeof(mode));
    mb = ctrl_map(a, &mctrl);
    wait_step(&mb->a_step, 1, "A granted");
    n = mb->nr_entries;

    if (lib_strcmp(mode, "stale") == 0) {
        mapper_stale(a);
        post(&mb->d_step, 1);
        GK_EXPECT_EQ(unmap(&mctrl), PV_GNTST_okay);
        gk_pt_trim(gk_kernel_space(), TEST_VA);
        return;
    }
    if (lib_strcmp(mode, "granter_dies") == 0) {
        /* A crashes while we map its page: the frame stays ours to use until we unmap. */
        GK_ASSERT_EQ(map(a, REF_RW, VA1, 0, &m1), PV_GNTST_okay);
        GK_EXPECT_EQ(((volatile uint64_t *)VA1)[0], PAT_A | 1);
        post(&mb->d_step, 1);
        for (unsigned long i = 0;
             map(a, REF_RW, VA2, GK_GNTMAP_READONLY, &mx) != PV_GNTST_bad_domain; i++) {
            GK_ASSERT_EQ(mx.status, PV_GNTST_okay); /* A still there: undo and look again */
            GK_ASSERT_EQ(unmap(&mx), PV_GNTST_okay);
            if (i == MAX_WAIT) {
                GK_FAIL("the granter never went away");
                gk_test_finish();
            }
            yield();
        }
        gk_test_log("the granter is gone; its page is still mapped");
        GK_EXPECT_EQ(((volatile uint64_t *)VA1)[0], PAT_A | 1);
        ((volatile uint64_t *)VA1)[1] = PAT_B | 9;
        GK_EXPECT_EQ(((volatile uint64_t *)VA1)[1], PAT_B | 9);
        GK_EXPECT_EQ(mb->a_step, 1);
        GK_EXPECT_EQ(map(a, CTRL_REF(self_id), VA2, 0, &mx), PV_GNTST_bad_domain);
        GK_EXPECT_EQ(unmap(&m1), PV_GNTST_okay);
        GK_EXPECT_EQ(unmap(&mctrl), PV_GNTST_okay);
        GK_EXPECT_EQ(gk_pt_lookup(gk_kernel_space(), VA1), 0);
        gk_pt_trim(gk_kernel_space(), TEST_VA);
        return;
    }

    /* 1: a writable map by address and a read-only one by PTE address, of the same frame. */
    GK_ASSERT_EQ(map(a, REF_RW, VA1, 0, &m1), PV_GNTST_okay);
    GK_EXPECT_EQ(gk_pte_mfn(gk_pt_lookup(gk_kernel_space(), VA1)), m1.dev_bus_addr >> 12);
    GK_EXPECT(gk_pt_lookup(gk_kernel_space(), VA1) & GK_PTE_RW);
    GK_EXPECT_EQ(((volatile uint64_t *)VA1)[0], PAT_A | 1);
    ((volatile uint64_t *)VA1)[0] = PAT_B | 1;
    ((volatile uint64_t *)VA1)[1] = PAT_B | 1;
    GK_ASSERT_EQ(map(a, REF_RW, VA2, GK_GNTMAP_PTE | GK_GNTMAP_READONLY, &m2), PV_GNTST_okay);
    GK_EXPECT_EQ(m2.host_addr, gk_pte_maddr(gk_kernel_space(), VA2));
    GK_EXPECT_EQ(m2.dev_bus_addr, m1.dev_bus_addr);
    GK_EXPECT_EQ(((volatile uint64_t *)VA2)[0], PAT_B | 1);
    GK_EXPECT(!(gk_pt_lookup(gk_kernel_space(), VA2) & GK_PTE_RW));
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, ((volatile uint64_t *)VA2)[0] = 0);
    map_over_present(a, PAT_B | 1);
    /* A read-only grant: no writable map, a read-only one works. */
    GK_EXPECT_EQ(map(a, REF_RO, VA3, 0, &mx), PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_pt_lookup(gk_kernel_space(), VA3), 0);
    GK_ASSERT_EQ(map(a, REF_RO, VA3, GK_GNTMAP_READONLY, &m3), PV_GNTST_okay);
    GK_EXPECT_EQ(((volatile uint64_t *)VA3)[0], PAT_A | 2);
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, ((volatile uint64_t *)VA3)[0] = 0);
    /* Refusals: no map flags; a host map over another grant's entry; misaligned PTE address. */
    GK_EXPECT_EQ(raw_map(a, REF_RW, VA1 + 0x10000, 0), PV_GNTST_bad_gntref);
    GK_EXPECT_EQ(raw_map(a, REF_RW, VA1, PV_GNTMAP_host_map), PV_GNTST_general_error);
    GK_EXPECT_EQ(raw_map(a, REF_RW, gk_pte_maddr(gk_kernel_space(), VA1 + 0x4000) + 4,
                         PV_GNTMAP_host_map | PV_GNTMAP_contains_pte),
                 PV_GNTST_general_error);
    /* Unmap refusals: an unknown handle; the wrong address for a handle. */
    mx = m1;
    mx.handle = 0xfffff;
    GK_EXPECT_EQ(unmap(&mx), PV_GNTST_bad_handle);
    mx = m1;
    mx.host_addr = VA3;
    GK_EXPECT_EQ(unmap(&mx), PV_GNTST_general_error);
    GK_EXPECT_EQ(((volatile uint64_t *)VA1)[0], PAT_B | 1);
    mb->d_mfn = gk_virt_to_mfn(buf);

    if (lib_strcmp(mode, "die") == 0) {
        post(&mb->d_step, 1);
        wait_step(&mb->a_step, 2, "A checked");
        gk_test_log("crashing while mapping A's pages");
        gk_shutdown(PV_SHUTDOWN_crash);
        GK_FAIL("still running after SHUTDOWN_crash");
        return;
    }
    post(&mb->d_step, 1);

    /* 2: A saw us; now unmap, m1 by replacing it with the read-only grant mapped at VA3. */
    wait_step(&mb->a_step, 2, "A checked the flags");
    unmap_and_replace(&m1, VA3, m3.dev_bus_addr);
    GK_EXPECT_EQ(unmap(&m1), PV_GNTST_bad_handle);
    GK_EXPECT_EQ(unmap(&m3), PV_GNTST_general_error); /* VA3 no longer maps it */
    mx = m3;
    mx.host_addr = VA1; /* where its entry went */
    GK_EXPECT_EQ(unmap(&mx), PV_GNTST_okay);
    GK_EXPECT_EQ(unmap(&m2), PV_GNTST_okay);
    GK_EXPECT_EQ(gk_pt_lookup(gk_kernel_space(), VA1), 0);
    GK_EXPECT_EQ(gk_pt_lookup(gk_kernel_space(), VA2), 0);
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, (void)((volatile uint64_t *)VA1)[0]);
    GK_EXPECT_EQ(unmap(&m1), PV_GNTST_bad_handle);
    post(&mb->d_step, 2);

    /* 3: A ended the grants: maps and copies fail; bad refs and domains. */
    wait_step(&mb->a_step, 3, "A ended the grants");
    GK_EXPECT_EQ(map(a, REF_RW, VA1, 0, &mx), PV_GNTST_general_error);
    GK_EXPECT_EQ(map(a, REF_RO, VA1, GK_GNTMAP_READONLY, &mx), PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)a, REF_RW, 0, buf, 8), PV_GNTST_general_error);
    GK_EXPECT_EQ(map(a, n, VA1, 0, &mx), PV_GNTST_bad_gntref);
    GK_EXPECT_EQ(map(a, 0xffffffffU, VA1, 0, &mx), PV_GNTST_bad_gntref);
    GK_EXPECT_EQ(map(a, 0, VA1, 0, &mx), PV_GNTST_general_error);
    GK_EXPECT_EQ(map(77, REF_RW, VA1, 0, &mx), PV_GNTST_bad_domain);
    GK_EXPECT_EQ(map(PV_DOMID_SELF, REF_RW, VA1, 0, &mx), PV_GNTST_bad_domain);
    GK_EXPECT_EQ(gk_pt_lookup(gk_kernel_space(), VA1), 0);
    post(&mb->d_step, 3);

    wait_step(&mb->a_step, 4, "A granted the copy pages");
    mapper_copies(a);
    post(&mb->d_step, 4);

    /* 5: frames that are not A's memory. */
    wait_step(&mb->a_step, 5, "A granted bad frames");
    for (pv_grant_ref_t r = REF_BEYOND_RAM; r <= REF_FOREIGN; r++) {
        if (map(a, r, VA1, 0, &mx) != PV_GNTST_bad_page)
            GK_FAIL("map of ref %u: %s, expected bad_page", r, gk_gntst_name(mx.status));
        if (map(a, r, VA1, GK_GNTMAP_READONLY, &mx) != PV_GNTST_bad_page)
            GK_FAIL("read-only map of ref %u: %s, expected bad_page", r, gk_gntst_name(mx.status));
        GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)a, r, 0, buf, 8), PV_GNTST_bad_page);
    }
    GK_EXPECT_EQ(gk_pt_lookup(gk_kernel_space(), VA1), 0);
    post(&mb->d_step, 5);

    /* 6: a live grant, held while the third domain tries it. */
    wait_step(&mb->a_step, 6, "A granted again");
    GK_ASSERT_EQ(map(a, REF_RW, VA1, 0, &m1), PV_GNTST_okay);
    ((volatile uint64_t *)VA1)[0] = PAT_B | 6;
    post(&mb->d_step, 6);
    wait_step(&mb->a_step, 7, "C done");
    GK_EXPECT_EQ(unmap(&m1), PV_GNTST_okay);
    post(&mb->d_step, 7);
    GK_EXPECT_EQ(unmap(&mctrl), PV_GNTST_okay);
    gk_pt_trim(gk_kernel_space(), TEST_VA);
}

/* ---- the third domain ---- */

static void third(uint64_t a, uint64_t b)
{
    struct gk_gnttab_map mctrl, mx;
    uint8_t tmp[16];
    struct mbox *mc = ctrl_map(a, &mctrl);

    wait_step(&mc->a_step, 1, "A's grant to B is live");
    GK_EXPECT_EQ(map(a, REF_RW, VA1, 0, &mx), PV_GNTST_general_error);
    GK_EXPECT_EQ(map(a, REF_RW, VA1, GK_GNTMAP_READONLY, &mx), PV_GNTST_general_error);
    GK_EXPECT_EQ(map(a, CTRL_REF(b), VA1, 0, &mx), PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)a, REF_RW, 0, tmp, 8), PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_gnttab_copy_to((pv_domid_t)a, REF_RW, 0, tmp, 8), PV_GNTST_general_error);
    /* B's id is no use either: the grant is A's. */
    GK_EXPECT_EQ(map(b, REF_RW, VA1, 0, &mx), PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_pt_lookup(gk_kernel_space(), VA1), 0);
    post(&mc->d_step, 1);
    GK_EXPECT_EQ(unmap(&mctrl), PV_GNTST_okay);
    gk_pt_trim(gk_kernel_space(), TEST_VA);
}

GK_TEST(grant)
{
    char role[16] = "";
    uint64_t a = 0, b = 0, c = 0;

    GK_ASSERT(gk_cmdline_get("role", role, sizeof(role)));
    GK_ASSERT(bt_cmdline_uint("self", &self_id));
    bt_cmdline_uint("granter", &a);
    bt_cmdline_uint("mapper", &b);
    bt_cmdline_uint("third", &c);
    if (lib_strcmp(role, "granter") == 0) {
        GK_ASSERT(b != 0);
        granter(b, c);
    } else if (lib_strcmp(role, "mapper") == 0) {
        GK_ASSERT(a != 0);
        mapper(a);
    } else if (lib_strcmp(role, "third") == 0) {
        GK_ASSERT(a != 0 && b != 0);
        third(a, b);
    } else {
        GK_FAIL("unknown role '%s'", role);
    }
}
