/* Unit tests of the grant table's other sub-ops and of the grant_table_op decoder: setup_table
 * and query_size (growth, limits, rights, shared frames), the version sub-ops, swap_grant_ref,
 * dump_table, copy (every status, flags during and after, batches where only the bad ops
 * fail), and the hypercall's own results, copy-back rules and continuations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pv-abi/errno.h"
#include "gnttab_fake.h"
#include "pv-abi/hypercall.h"
#include "hypercall_table.h"
#include "paging.h"

#define PERMIT PV_GTF_permit_access
#define SRC PV_GNTCOPY_source_gref
#define DST PV_GNTCOPY_dest_gref

static long hc(unsigned cmd, uint64_t uop, uint64_t count)
{
    return hc_grant_table_op(dom_a.vcpu[0], cmd, guest_handle_of(uop), (unsigned)count);
}

static void *guest(uint64_t gva)
{
    return gtf_guest + (gva - GTF_GVA);
}

/* ---- setup_table and query_size ---- */

static void test_setup_and_query(void **state)
{
    uint64_t mfns[GNTTAB_MAX_FRAMES];
    uint32_t nr = 0, max = 0;

    (void)state;
    gtf_reset();
    assert_int_equal(gnttab_query_size(&dom_a, PV_DOMID_SELF, &nr, &max), PV_GNTST_okay);
    assert_int_equal(nr, 1); /* Xen's initial size */
    assert_int_equal(max, 32);
    assert_int_equal(gnttab_setup_table(&dom_a, PV_DOMID_SELF, 4, mfns), PV_GNTST_okay);
    for (unsigned i = 0; i < 4; i++) {
        const struct page_info *pg = frame_info(mfns[i]);

        assert_int_equal(mfns[i], dom_a.gnttab->shared[i]);
        assert_int_equal(pg->owner, dom_a.domid); /* shared like shared_info: the guest maps it */
        assert_int_equal(pg->count, 1);
        assert_int_equal(pg->type_info, PGT_writable | PGT_validated | 1);
        assert_false(frame_in_memory_of(&dom_a, mfns[i]));
        for (unsigned j = 0; j < i; j++)
            assert_int_not_equal(mfns[i], mfns[j]);
    }
    assert_int_equal(gnttab_query_size(&dom_a, dom_a.domid, &nr, &max), PV_GNTST_okay);
    assert_int_equal(nr, 4);
    /* Smaller requests return the first frames: a table never shrinks. */
    mfns[1] = 0;
    assert_int_equal(gnttab_setup_table(&dom_a, PV_DOMID_SELF, 2, mfns), PV_GNTST_okay);
    assert_int_equal(mfns[1], dom_a.gnttab->shared[1]);
    assert_int_equal(gnttab_setup_table(&dom_a, PV_DOMID_SELF, 0, mfns), PV_GNTST_okay);
    assert_int_equal(dom_a.gnttab->nr_frames, 4);
    /* The new entries are usable. */
    gtf_grant(&dom_a, 2047, 2, mmf_frame(&dom_a), PERMIT);
    gnttab_map(dom_b.vcpu[0], &(struct pv_gnttab_map_grant_ref){
                                  .flags = PV_GNTMAP_device_map, .ref = 2047, .dom = 1});
    assert_int_equal(gnttab_act(dom_a.gnttab, 2047)->pin, GNTPIN_DEV_W);
}

static void test_setup_limits_and_rights(void **state)
{
    uint64_t mfns[GNTTAB_MAX_FRAMES], free;
    uint32_t nr, max;

    (void)state;
    gtf_reset();
    assert_int_equal(gnttab_setup_table(&dom_a, PV_DOMID_SELF, 33, mfns), PV_GNTST_general_error);
    assert_int_equal(gnttab_setup_table(&dom_a, PV_DOMID_SELF, 32, mfns), PV_GNTST_okay);
    dom_b.max_grant_frames = 8; /* grant_frames=8 */
    assert_int_equal(gnttab_setup_table(&dom_b, PV_DOMID_SELF, 9, mfns), PV_GNTST_general_error);
    assert_int_equal(gnttab_query_size(&dom_b, PV_DOMID_SELF, &nr, &max), PV_GNTST_okay);
    assert_int_equal(max, 8);
    assert_int_equal(nr, 1);
    dom_b.max_grant_frames = 1000; /* never beyond the hypervisor's 64 */
    assert_int_equal(gnttab_setup_table(&dom_b, PV_DOMID_SELF, 65, mfns), PV_GNTST_general_error);
    assert_int_equal(gnttab_setup_table(&dom_b, PV_DOMID_SELF, 0xffffffff, mfns),
                     PV_GNTST_general_error);
    /* Another domain's table: privileged only. */
    assert_int_equal(gnttab_setup_table(&dom_b, dom_a.domid, 1, mfns), PV_GNTST_permission_denied);
    assert_int_equal(gnttab_query_size(&dom_b, dom_a.domid, &nr, &max), PV_GNTST_permission_denied);
    assert_int_equal(gnttab_setup_table(&dom_p, dom_b.domid, 2, mfns), PV_GNTST_okay);
    assert_int_equal(mfns[1], dom_b.gnttab->shared[1]);
    assert_int_equal(gnttab_query_size(&dom_p, dom_a.domid, &nr, &max), PV_GNTST_okay);
    assert_int_equal(nr, 32);
    assert_int_equal(gnttab_setup_table(&dom_a, 9, 1, mfns), PV_GNTST_bad_domain);
    assert_int_equal(gnttab_query_size(&dom_a, 9, &nr, &max), PV_GNTST_bad_domain);
    assert_int_equal(gnttab_setup_table(&dom_a, PV_DOMID_IO, 1, mfns), PV_GNTST_bad_domain);
    /* Out of memory part way: all or nothing. */
    free = frame_free_count();
    while (frame_free_count() > 5)
        frame_alloc();
    free = frame_free_count();
    assert_int_equal(gnttab_setup_table(&dom_b, PV_DOMID_SELF, 5, mfns), PV_GNTST_general_error);
    assert_int_equal(dom_b.gnttab->nr_frames, 2);
    assert_int_equal(frame_free_count(), free);
}

/* A reaped domain has no table to query (until then, a dead table kept for its pins). */
static void test_reaped_domain(void **state)
{
    uint64_t mfns[GNTTAB_MAX_FRAMES];
    uint32_t nr, max, version;

    (void)state;
    gtf_reset();
    gtf_reap(&dom_b);
    assert_int_equal(gnttab_query_size(&dom_p, dom_b.domid, &nr, &max), PV_GNTST_bad_domain);
    assert_int_equal(gnttab_setup_table(&dom_p, dom_b.domid, 1, mfns), PV_GNTST_bad_domain);
    assert_int_equal(gnttab_dump_table(&dom_p, dom_b.domid), PV_GNTST_bad_domain);
    assert_int_equal(gnttab_get_version(&dom_p, dom_b.domid, &version), -PV_ESRCH);
    assert_int_equal(gnttab_get_status_frames(&dom_p, dom_b.domid, 0, mfns), PV_GNTST_bad_domain);
}

/* ---- versions, status frames, swap, dump ---- */

static void test_versions(void **state)
{
    static const struct {
        uint32_t want;
        int rc;
    } cases[] = {
        {1, 0}, {0, -PV_EINVAL}, {3, -PV_EINVAL}, {0xffffffff, -PV_EINVAL}};
    uint64_t mfns[8];
    uint32_t v;

    (void)state;
    gtf_reset();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        v = cases[i].want;
        assert_int_equal(gnttab_set_version(&dom_a, &v), cases[i].rc);
        assert_int_equal(v, 1);
    }
    dom_a.gnttab->max_version = 1; /* createdomain's grant_opts 1: as if set_version did not exist */
    v = 2;
    assert_int_equal(gnttab_set_version(&dom_a, &v), -PV_ENOSYS);
    assert_int_equal(v, 1);
    v = 0;
    assert_int_equal(gnttab_get_version(&dom_a, PV_DOMID_SELF, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(gnttab_get_version(&dom_a, dom_b.domid, &v), -PV_EPERM);
    assert_int_equal(gnttab_get_version(&dom_p, dom_b.domid, &v), 0);
    assert_int_equal(gnttab_get_version(&dom_a, 9, &v), -PV_ESRCH);
    assert_int_equal(gnttab_get_status_frames(&dom_a, PV_DOMID_SELF, 0, mfns), PV_GNTST_okay);
    assert_int_equal(gnttab_get_status_frames(&dom_a, PV_DOMID_SELF, 1, mfns), PV_GNTST_general_error);
    assert_int_equal(gnttab_get_status_frames(&dom_a, dom_b.domid, 0, mfns), PV_GNTST_permission_denied);
    assert_int_equal(gnttab_get_status_frames(&dom_p, dom_b.domid, 0, mfns), PV_GNTST_okay);
    assert_int_equal(gnttab_get_status_frames(&dom_a, 9, 0, mfns), PV_GNTST_bad_domain);
}

static void test_swap(void **state)
{
    uint64_t f = 0;

    (void)state;
    gtf_reset();
    f = mmf_frame(&dom_a);
    gtf_grant(&dom_a, 1, 2, f, PERMIT);
    gtf_grant(&dom_a, 2, 3, f + 1, PERMIT | PV_GTF_readonly);
    assert_int_equal(gnttab_swap_grant_ref(&dom_a, 1, 512), PV_GNTST_bad_gntref);
    assert_int_equal(gnttab_swap_grant_ref(&dom_a, 512, 1), PV_GNTST_bad_gntref);
    assert_int_equal(gnttab_swap_grant_ref(&dom_a, 1, 1), PV_GNTST_okay);
    assert_int_equal(gnttab_swap_grant_ref(&dom_a, 1, 2), PV_GNTST_okay);
    assert_int_equal(gtf_entry(&dom_a, 1)->domid, 3);
    assert_int_equal(gtf_entry(&dom_a, 1)->flags, PERMIT | PV_GTF_readonly);
    assert_int_equal(gtf_entry(&dom_a, 2)->domid, 2);
    assert_int_equal(gtf_entry(&dom_a, 2)->frame, f);
    gnttab_map(dom_b.vcpu[0],
               &(struct pv_gnttab_map_grant_ref){
                   .flags = PV_GNTMAP_device_map | PV_GNTMAP_readonly, .ref = 2, .dom = 1});
    assert_int_equal(gnttab_swap_grant_ref(&dom_a, 1, 2), PV_GNTST_eagain);
    assert_int_equal(gnttab_swap_grant_ref(&dom_a, 2, 1), PV_GNTST_eagain);
    assert_int_equal(gtf_entry(&dom_a, 2)->domid, 2);
}

static void test_dump(void **state)
{
    uint64_t f;

    (void)state;
    gtf_reset();
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 0x21, 1, f, PERMIT);
    gtf_grant(&dom_b, 0x22, 1, f, PERMIT);
    gnttab_map(dom_a.vcpu[0], &(struct pv_gnttab_map_grant_ref){
                                  .flags = PV_GNTMAP_device_map, .ref = 0x21, .dom = 2});
    assert_int_equal(gnttab_dump_table(&dom_b, PV_DOMID_SELF), PV_GNTST_okay);
    assert_non_null(strstr(gtf.console, "grant table of domain 2: version 1, 1 frames (32 max), "
                                        "1 pinned"));
    assert_non_null(strstr(gtf.console, "ref 0x21: d1 mfn"));
    assert_null(strstr(gtf.console, "ref 0x22"));
    assert_non_null(strstr(gtf.console, "2 entries not invalid"));
    assert_int_equal(gnttab_dump_table(&dom_a, dom_b.domid), PV_GNTST_permission_denied);
    assert_int_equal(gnttab_dump_table(&dom_p, dom_b.domid), PV_GNTST_okay);
    assert_int_equal(gnttab_dump_table(&dom_a, 9), PV_GNTST_bad_domain);
}

/* ---- copy ---- */

struct copy_world {
    uint64_t a_own, a_pt, b_ro, b_rw, b_pt, p_rw, free;
};

/* dom_b grants b_ro read-only (ref 1) and b_rw writable (ref 2) to dom_a, b_pt (an L1 it
 * pins) writable (ref 3), b_ro to dom_p (ref 4), and a frame of dom_a (ref 5); dom_p grants
 * p_rw (ref 6); dom_a grants a_own to itself (ref 7). */
static struct copy_world copy_world(void)
{
    struct copy_world w;

    gtf_reset();
    w.a_own = mmf_frame(&dom_a);
    w.a_pt = mmf_frame(&dom_a);
    w.b_ro = mmf_frame(&dom_b);
    w.b_rw = mmf_frame(&dom_b);
    w.b_pt = mmf_frame(&dom_b);
    w.p_rw = mmf_frame(&dom_p);
    w.free = mmf_free_frame();
    assert_int_equal(mm_pin(&dom_a, w.a_pt, 1), 0);
    assert_int_equal(mm_pin(&dom_b, w.b_pt, 1), 0);
    gtf_grant(&dom_b, 1, 1, w.b_ro, PERMIT | PV_GTF_readonly);
    gtf_grant(&dom_b, 2, 1, w.b_rw, PERMIT);
    gtf_grant(&dom_b, 3, 1, w.b_pt, PERMIT);
    gtf_grant(&dom_b, 4, 3, w.b_ro, PERMIT);
    gtf_grant(&dom_b, 5, 1, w.a_own, PERMIT);
    gtf_grant(&dom_p, 6, 1, w.p_rw, PERMIT);
    gtf_grant(&dom_a, 7, 1, w.a_own, PERMIT);
    memset(mmf_mem(w.b_ro), 0x5a, PAGE_SIZE);
    return w;
}

static struct pv_gnttab_copy copy_op(uint64_t src, uint16_t sdom, uint16_t soff, uint64_t dst,
                                     uint16_t ddom, uint16_t doff, uint16_t len, uint16_t flags)
{
    struct pv_gnttab_copy op = {.len = len, .flags = flags, .status = 99};

    if (flags & SRC)
        op.source.u.ref = (uint32_t)src;
    else
        op.source.u.gmfn = src;
    if (flags & DST)
        op.dest.u.ref = (uint32_t)dst;
    else
        op.dest.u.gmfn = dst;
    op.source.domid = sdom;
    op.source.offset = soff;
    op.dest.domid = ddom;
    op.dest.offset = doff;
    return op;
}

static void test_copy_directions(void **state)
{
    struct copy_world w = copy_world();
    struct pv_gnttab_copy op;
    uint8_t *own = (uint8_t *)mmf_mem(w.a_own), *rw = (uint8_t *)mmf_mem(w.b_rw);
    struct mmf_counts before;

    (void)state;
    mmf_snapshot(&before);
    /* From a read-only grant into a frame of the caller. */
    op = copy_op(1, 2, 100, w.a_own, PV_DOMID_SELF, 10, 50, SRC);
    assert_int_equal(gnttab_copy(dom_a.vcpu[0], &op), PV_GNTST_okay);
    assert_int_equal(own[10], 0x5a);
    assert_int_equal(own[59], 0x5a);
    assert_int_equal(own[60], 0);
    /* From the caller's frame into a writable grant. */
    own[0] = 0x77;
    op = copy_op(w.a_own, PV_DOMID_SELF, 0, 2, 2, 4000, 96, DST);
    assert_int_equal(gnttab_copy(dom_a.vcpu[0], &op), PV_GNTST_okay);
    assert_int_equal(rw[4000], 0x77);
    assert_int_equal(rw[4095], 0);
    /* Between two grants of two other domains, and a grant to itself (DOMID_SELF). */
    op = copy_op(1, 2, 0, 6, 3, 0, 4096, SRC | DST);
    assert_int_equal(gnttab_copy(dom_a.vcpu[0], &op), PV_GNTST_okay);
    assert_int_equal(((uint8_t *)mmf_mem(w.p_rw))[4095], 0x5a);
    op = copy_op(7, PV_DOMID_SELF, 0, 2, 2, 0, 1, SRC | DST);
    assert_int_equal(gnttab_copy(dom_a.vcpu[0], &op), PV_GNTST_okay);
    assert_int_equal(rw[0], 0x77);
    /* Nothing is held afterwards; the flags are as before. */
    mmf_assert_counts(&before);
    assert_int_equal(gtf_entry(&dom_b, 1)->flags, PERMIT | PV_GTF_readonly);
    assert_int_equal(gtf_entry(&dom_b, 2)->flags, PERMIT);
    assert_int_equal(gtf_entry(&dom_p, 6)->flags, PERMIT);
    assert_int_equal(dom_b.gnttab->nr_pinned, 0);
}

/* During a copy the entries show it: a mapping that keeps them pinned shows the same flags, and
 * a copy into an entry mapped read-only sets GTF_writing for its time only. */
static void test_copy_flags_around_mappings(void **state)
{
    struct copy_world w = copy_world();
    struct pv_gnttab_copy op = copy_op(w.a_own, PV_DOMID_SELF, 0, 2, 2, 0, 8, DST);

    (void)state;
    gnttab_map(dom_a.vcpu[0],
               &(struct pv_gnttab_map_grant_ref){
                   .flags = PV_GNTMAP_device_map | PV_GNTMAP_readonly, .ref = 2, .dom = 2});
    assert_int_equal(gtf_entry(&dom_b, 2)->flags, PERMIT | PV_GTF_reading);
    assert_int_equal(gnttab_copy(dom_a.vcpu[0], &op), PV_GNTST_okay);
    assert_int_equal(gtf_entry(&dom_b, 2)->flags, PERMIT | PV_GTF_reading);
    assert_int_equal(gnttab_act(dom_b.gnttab, 2)->pin, GNTPIN_DEV_R);
}

struct copy_case {
    const char *what;
    uint64_t src;
    uint16_t sdom, soff;
    uint64_t dst;
    uint16_t ddom, doff, len, flags;
    int16_t status;
};

/* Frames: 1000 + n stands for copy_world field n (a_own, a_pt, b_ro, b_rw, b_pt, p_rw, free). */
#define W(n) (1000 + (n))
static const struct copy_case copy_cases[] = {
    {"frame named with the caller's own id", W(0), 1, 0, W(0), PV_DOMID_SELF, 0, 8, 0,
     PV_GNTST_permission_denied},
    {"destination frame of another domain", W(0), PV_DOMID_SELF, 0, W(3), 2, 0, 8, 0,
     PV_GNTST_permission_denied},
    {"no such domain", 1, 9, 0, W(0), PV_DOMID_SELF, 0, 8, SRC, PV_GNTST_bad_domain},
    {"no such destination domain", W(0), PV_DOMID_SELF, 0, 2, 9, 0, 8, DST, PV_GNTST_bad_domain},
    {"ref beyond the table", 512, 2, 0, W(0), PV_DOMID_SELF, 0, 8, SRC, PV_GNTST_bad_gntref},
    {"bad ref comes before bad arguments", 512, 2, 4000, W(0), PV_DOMID_SELF, 0, 200, SRC,
     PV_GNTST_bad_gntref},
    {"invalid entry", 9, 2, 0, W(0), PV_DOMID_SELF, 0, 8, SRC, PV_GNTST_general_error},
    {"granted to another domain", 4, 2, 0, W(0), PV_DOMID_SELF, 0, 8, SRC, PV_GNTST_general_error},
    {"read-only grant as destination", W(0), PV_DOMID_SELF, 0, 1, 2, 0, 8, DST,
     PV_GNTST_general_error},
    {"grant of a frame not the granter's", 5, 2, 0, W(0), PV_DOMID_SELF, 0, 8, SRC,
     PV_GNTST_bad_page},
    {"page table grant as destination", W(0), PV_DOMID_SELF, 0, 3, 2, 0, 8, DST,
     PV_GNTST_general_error},
    {"source frame not the caller's", W(2), PV_DOMID_SELF, 0, W(0), PV_DOMID_SELF, 0, 8, 0,
     PV_GNTST_bad_page},
    {"free source frame", W(6), PV_DOMID_SELF, 0, W(0), PV_DOMID_SELF, 0, 8, 0, PV_GNTST_bad_page},
    {"source frame beyond RAM", MMF_BEYOND, PV_DOMID_SELF, 0, W(0), PV_DOMID_SELF, 0, 8, 0,
     PV_GNTST_bad_page},
    {"destination frame a page table", W(0), PV_DOMID_SELF, 0, W(1), PV_DOMID_SELF, 0, 8, 0,
     PV_GNTST_general_error},
    {"source crosses the page end", 1, 2, 4000, W(0), PV_DOMID_SELF, 0, 97, SRC,
     PV_GNTST_bad_copy_arg},
    {"destination crosses the page end", 1, 2, 0, W(0), PV_DOMID_SELF, 4095, 2, SRC,
     PV_GNTST_bad_copy_arg},
    {"offset past the page", W(0), PV_DOMID_SELF, 5000, 2, 2, 0, 0, DST, PV_GNTST_bad_copy_arg},
    {"len over a page", W(0), PV_DOMID_SELF, 0, 2, 2, 0, 4097, DST, PV_GNTST_bad_copy_arg},
    {"up to the page end", 1, 2, 4000, W(0), PV_DOMID_SELF, 4000, 96, SRC, PV_GNTST_okay},
    {"nothing", 1, 2, 4096, W(0), PV_DOMID_SELF, 4096, 0, SRC, PV_GNTST_okay},
};

static uint64_t frame_of(const struct copy_world *w, uint64_t v, bool gref)
{
    const uint64_t *f = &w->a_own;

    return !gref && v >= 1000 && v < 1007 ? f[v - 1000] : v;
}

static void test_copy_statuses(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(copy_cases) / sizeof(copy_cases[0]); i++) {
        const struct copy_case *c = &copy_cases[i];
        struct copy_world w = copy_world();
        struct pv_gnttab_copy op =
            copy_op(frame_of(&w, c->src, c->flags & SRC), c->sdom, c->soff,
                    frame_of(&w, c->dst, c->flags & DST), c->ddom, c->doff, c->len, c->flags);
        struct mmf_counts before;
        uint16_t flags[8];

        for (unsigned r = 1; r < 8; r++)
            flags[r] = gtf_entry(r == 6 ? &dom_p : r == 7 ? &dom_a : &dom_b, r)->flags;
        mmf_snapshot(&before);
        print_message("%s\n", c->what);
        assert_int_equal(gnttab_copy(dom_a.vcpu[0], &op), c->status);
        mmf_assert_counts(&before);
        for (unsigned r = 1; r < 8; r++)
            assert_int_equal(gtf_entry(r == 6   ? &dom_p
                                       : r == 7 ? &dom_a
                                                : &dom_b,
                                       r)
                                 ->flags,
                             flags[r]);
        assert_int_equal(dom_b.gnttab->nr_pinned + dom_p.gnttab->nr_pinned, 0);
    }
}

/* ---- copy batches ---- */

static struct copy_world bw;  /* the world of the batch tests */
static bool held_b[64], held_p[64]; /* dom_b's and dom_p's mm_lock before op n */

static bool no_lock_held(void)
{
    return !dom_a.mm_lock.locked && !dom_b.mm_lock.locked && !dom_p.mm_lock.locked;
}

/* Before op 1 the first op's pin is gone (the granter may revoke), its locks kept; the granter
 * revokes ref 1 then. Before op 4, frame a_own2 leaves dom_a (given to dom_b). */
static uint64_t a_own2;
static void between_ops(unsigned op)
{
    held_b[op] = dom_b.mm_lock.locked;
    held_p[op] = dom_p.mm_lock.locked;
    if (op == 1) {
        assert_int_equal(gtf_entry(&dom_b, 1)->flags, PERMIT | PV_GTF_readonly);
        assert_int_equal(dom_b.gnttab->nr_pinned, 0);
        gtf_entry(&dom_b, 1)->flags = 0;
    }
    if (op == 4)
        frame_info(a_own2)->owner = dom_b.domid;
}

/* A batch keeps the two domains' locks from op to op while the ops name the same two, and
 * nothing else: every op pins its grant and checks its frames anew. A grant revoked between
 * two ops fails the second; a frame that is no longer the caller's is refused; a page table
 * is refused as a destination under kept locks too; another domain's grant takes other locks.
 * At the end no lock, pin or flag is left. */
static void test_copy_batch_revalidates(void **state)
{
    struct pv_gnttab_copy *c = guest(GTF_GVA);

    (void)state;
    bw = copy_world();
    a_own2 = mmf_frame(&dom_a);
    c[0] = copy_op(1, 2, 0, bw.a_own, PV_DOMID_SELF, 0, 16, SRC);
    c[1] = copy_op(1, 2, 0, bw.a_own, PV_DOMID_SELF, 0, 16, SRC);      /* revoked before it */
    c[2] = copy_op(2, 2, 0, bw.a_own, PV_DOMID_SELF, 0, 16, SRC);      /* same pair: okay */
    c[3] = copy_op(2, 2, 0, bw.a_pt, PV_DOMID_SELF, 0, 8, SRC);        /* into an L1 */
    c[4] = copy_op(2, 2, 0, a_own2, PV_DOMID_SELF, 0, 8, SRC);         /* given away before */
    c[5] = copy_op(6, 3, 0, bw.a_own, PV_DOMID_SELF, 0, 8, SRC);       /* dom_p's grant */
    c[6] = copy_op(2, 2, 100, bw.a_own, PV_DOMID_SELF, 0, 8, SRC);     /* dom_b's again */
    c[7] = copy_op(bw.a_own, PV_DOMID_SELF, 0, 3, 2, 0, 8, DST);       /* b's page table */
    gtf.between = between_ops;
    assert_int_equal(hc(PV_GNTTABOP_copy, GTF_GVA, 8), 0);
    gtf.between = NULL;
    assert_int_equal(c[0].status, PV_GNTST_okay);
    assert_int_equal(c[1].status, PV_GNTST_general_error);
    assert_int_equal(c[2].status, PV_GNTST_okay);
    assert_int_equal(c[3].status, PV_GNTST_general_error);
    assert_int_equal(c[4].status, PV_GNTST_bad_page);
    assert_int_equal(c[5].status, PV_GNTST_okay);
    assert_int_equal(c[6].status, PV_GNTST_okay);
    assert_int_equal(c[7].status, PV_GNTST_general_error);
    /* dom_b's lock was kept from op 0 to op 5, dom_p's taken for op 5 only. */
    for (unsigned op = 1; op <= 5; op++)
        assert_true(held_b[op]);
    assert_false(held_p[5]);
    assert_true(held_p[6]);
    assert_false(held_b[6]);
    assert_true(no_lock_held());
    assert_int_equal(dom_b.gnttab->nr_pinned + dom_p.gnttab->nr_pinned, 0);
    assert_int_equal(gtf_entry(&dom_b, 2)->flags, PERMIT);
    assert_int_equal(gtf_entry(&dom_b, 3)->flags, PERMIT);
    assert_int_equal(gtf_entry(&dom_p, 6)->flags, PERMIT);
    assert_int_equal(frame_info(bw.a_pt)->type_info & PGT_type_mask, PGT_l1);
}

static void record_locks(unsigned op)
{
    held_b[op] = dom_b.mm_lock.locked;
}

/* The locks are let go after 16 ops, and at a preemption; the continuation starts afresh. A
 * destination that was a page table (type count 0) becomes writable by the flush that type
 * change needs, under kept locks too. Copies outside a batch keep nothing. */
static void test_copy_batch_bounds(void **state)
{
    struct pv_gnttab_copy *c = guest(GTF_GVA);
    unsigned long flushes;

    (void)state;
    bw = copy_world();
    for (unsigned i = 0; i < 40; i++)
        c[i] = copy_op(2, 2, 0, bw.a_own, PV_DOMID_SELF, i, 1, SRC);
    gtf.between = record_locks;
    assert_int_equal(hc(PV_GNTTABOP_copy, GTF_GVA, 40), 0);
    for (unsigned op = 1; op < 40; op++)
        assert_int_equal(held_b[op], op % 16 != 0);
    for (unsigned i = 0; i < 40; i++)
        assert_int_equal(c[i].status, PV_GNTST_okay);
    assert_true(no_lock_held());
    gtf.checks = 0;
    gtf.preempt_after = 3;
    assert_int_equal(hc(PV_GNTTABOP_copy, GTF_GVA, 40), PV_HYPERCALL_grant_table_op);
    assert_int_equal(gtf.cont_arg[2], 36);
    assert_true(no_lock_held());
    gtf.between = NULL;
    gtf.preempt_after = -1;
    /* An unpinned L1 keeps its type with count 0: the copy's writable type flushes first. */
    assert_int_equal(mm_unpin(&dom_a, bw.a_pt), 0);
    c[0] = copy_op(2, 2, 0, bw.a_own, PV_DOMID_SELF, 0, 8, SRC);
    c[1] = copy_op(2, 2, 0, bw.a_pt, PV_DOMID_SELF, 0, 8, SRC);
    flushes = mmf.flushes;
    assert_int_equal(hc(PV_GNTTABOP_copy, GTF_GVA, 2), 0);
    assert_int_equal(c[1].status, PV_GNTST_okay);
    assert_int_equal(mmf.flushes, flushes + 1);
    assert_int_equal(frame_info(bw.a_pt)->type_info, PGT_writable | PGT_validated);
    assert_int_equal(gnttab_copy(dom_a.vcpu[0], &c[0]), PV_GNTST_okay);
    assert_true(no_lock_held());
}

/* ---- the decoder ---- */

static void test_decoder_results(void **state)
{
    (void)state;
    gtf_reset();
    assert_int_equal(hc(13, GTF_GVA, 1), -PV_ENOSYS);
    assert_int_equal(hc(0xfff, GTF_GVA, 1), -PV_ENOSYS);
    assert_int_equal(hc(PV_GNTTABOP_transfer, GTF_GVA, 1), -PV_ENOSYS);
    assert_int_equal(hc(PV_GNTTABOP_cache_flush, GTF_GVA, 1), -PV_ENOSYS);
    assert_int_equal(hc(PV_GNTTABOP_cache_flush | (1 << 12), GTF_GVA, 1), -PV_ENOSYS);
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref | (1 << 12), GTF_GVA, 1), -PV_EINVAL);
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref, GTF_GVA, 0x80000000), -PV_EINVAL);
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref, GTF_GVA, 0), 0);
    /* Arrays in the hypervisor's range or the non-canonical hole fault at once. */
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref, 0xffff800000001000ULL, 1), -PV_EFAULT);
    assert_int_equal(hc(PV_GNTTABOP_copy, 0x0000800000000000ULL, 1), -PV_EFAULT);
    assert_int_equal(hc(PV_GNTTABOP_unmap_grant_ref, 0x100000, 1), -PV_EFAULT); /* unmapped */
    /* Single ops take count 1. */
    assert_int_equal(hc(PV_GNTTABOP_setup_table, GTF_GVA, 2), -PV_EINVAL);
    assert_int_equal(hc(PV_GNTTABOP_query_size, GTF_GVA, 0), -PV_EINVAL);
    assert_int_equal(hc(PV_GNTTABOP_dump_table, GTF_GVA, 2), -PV_EINVAL);
    assert_int_equal(hc(PV_GNTTABOP_get_status_frames, GTF_GVA, 2), -PV_EINVAL);
    assert_int_equal(hc(PV_GNTTABOP_query_size, 0x100000, 1), -PV_EFAULT);
}

static void test_decoder_setup_table(void **state)
{
    struct pv_gnttab_setup_table *op = guest(GTF_GVA);
    uint64_t *list = guest(GTF_GVA + 0x100);

    (void)state;
    gtf_reset();
    *op = (struct pv_gnttab_setup_table){
        .dom = PV_DOMID_SELF, .nr_frames = 3, .status = 99, .frame_list = GTF_GVA + 0x100};
    assert_int_equal(hc(PV_GNTTABOP_setup_table, GTF_GVA, 1), 0);
    assert_int_equal(op->status, PV_GNTST_okay);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(list[i], dom_a.gnttab->shared[i]);
    assert_int_equal(list[3], 0);
    /* The list past guest memory: the frames that fit are written, the status says so. */
    op->frame_list = GTF_GVA + GTF_GVA_SIZE - 8;
    assert_int_equal(hc(PV_GNTTABOP_setup_table, GTF_GVA, 1), 0);
    assert_int_equal(op->status, PV_GNTST_bad_virt_addr);
    assert_int_equal(*(uint64_t *)guest(GTF_GVA + GTF_GVA_SIZE - 8), dom_a.gnttab->shared[0]);
    op->frame_list = 0xffff800000000000ULL;
    assert_int_equal(hc(PV_GNTTABOP_setup_table, GTF_GVA, 1), -PV_EFAULT);
    op->frame_list = GTF_GVA + 0x100;
    op->nr_frames = 40;
    assert_int_equal(hc(PV_GNTTABOP_setup_table, GTF_GVA, 1), 0);
    assert_int_equal(op->status, PV_GNTST_general_error);
    assert_int_equal(op->nr_frames, 40); /* only the status is written back */
}

static void test_decoder_small_ops(void **state)
{
    struct pv_gnttab_query_size *q = guest(GTF_GVA);
    struct pv_gnttab_set_version *sv = guest(GTF_GVA + 0x40);
    struct pv_gnttab_get_version *gv = guest(GTF_GVA + 0x80);
    struct pv_gnttab_dump_table *dt = guest(GTF_GVA + 0xc0);
    struct pv_gnttab_get_status_frames *sf = guest(GTF_GVA + 0x100);
    struct pv_gnttab_swap_grant_ref *sw = guest(GTF_GVA + 0x140);

    (void)state;
    gtf_reset();
    *q = (struct pv_gnttab_query_size){.dom = PV_DOMID_SELF, .pad0 = 7, .status = 99};
    assert_int_equal(hc(PV_GNTTABOP_query_size, GTF_GVA, 1), 0);
    assert_int_equal(q->nr_frames, 1);
    assert_int_equal(q->max_nr_frames, 32);
    assert_int_equal(q->status, PV_GNTST_okay);
    sv->version = 3;
    assert_int_equal(hc(PV_GNTTABOP_set_version, GTF_GVA + 0x40, 99), -PV_EINVAL);
    assert_int_equal(sv->version, 1);
    sv->version = 1;
    assert_int_equal(hc(PV_GNTTABOP_set_version, GTF_GVA + 0x40, 0), 0);
    assert_int_equal(hc(PV_GNTTABOP_set_version, 0x100000, 1), -PV_EFAULT);
    *gv = (struct pv_gnttab_get_version){.dom = PV_DOMID_SELF, .pad = 0x5555};
    assert_int_equal(hc(PV_GNTTABOP_get_version, GTF_GVA + 0x80, 0), 0);
    assert_int_equal(gv->version, 1);
    assert_int_equal(gv->pad, 0x5555);
    gv->dom = dom_b.domid;
    assert_int_equal(hc(PV_GNTTABOP_get_version, GTF_GVA + 0x80, 0), -PV_EPERM);
    *dt = (struct pv_gnttab_dump_table){.dom = PV_DOMID_SELF, .status = 99};
    assert_int_equal(hc(PV_GNTTABOP_dump_table, GTF_GVA + 0xc0, 1), 0);
    assert_int_equal(dt->status, PV_GNTST_okay);
    *sf = (struct pv_gnttab_get_status_frames){.nr_frames = 1, .dom = PV_DOMID_SELF};
    assert_int_equal(hc(PV_GNTTABOP_get_status_frames, GTF_GVA + 0x100, 1), 0);
    assert_int_equal(sf->status, PV_GNTST_general_error);
    sw[0] = (struct pv_gnttab_swap_grant_ref){.ref_a = 1, .ref_b = 2, .status = 99};
    sw[1] = (struct pv_gnttab_swap_grant_ref){.ref_a = 1, .ref_b = 600, .status = 99};
    gtf_grant(&dom_a, 1, 2, 123, PERMIT);
    assert_int_equal(hc(PV_GNTTABOP_swap_grant_ref, GTF_GVA + 0x140, 2), 0);
    assert_int_equal(sw[0].status, PV_GNTST_okay);
    assert_int_equal(sw[1].status, PV_GNTST_bad_gntref);
    assert_int_equal(gtf_entry(&dom_a, 2)->frame, 123);
}

/* A batch: each op gets its own status; map writes its whole struct back, unmap and copy only
 * the status; the ops before a bad pointer are done. */
static void test_decoder_batches(void **state)
{
    struct pv_gnttab_map_grant_ref *m = guest(GTF_GVA);
    struct pv_gnttab_unmap_grant_ref *u = guest(GTF_GVA + 0x200);
    struct pv_gnttab_copy *c = guest(GTF_GVA + 0x400);
    uint64_t f, own;

    (void)state;
    gtf_reset();
    f = mmf_frame(&dom_b);
    own = mmf_frame(&dom_a);
    gtf_grant(&dom_b, 1, 1, f, PERMIT);
    for (unsigned i = 0; i < 3; i++)
        m[i] = (struct pv_gnttab_map_grant_ref){.flags = PV_GNTMAP_device_map,
                                                .ref = i == 1 ? 600 : 1,
                                                .dom = 2,
                                                .status = 99,
                                                .handle = 77};
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref, GTF_GVA, 3), 0);
    assert_int_equal(m[0].status, PV_GNTST_okay);
    assert_int_equal(m[1].status, PV_GNTST_bad_gntref);
    assert_int_equal(m[1].handle, 77);
    assert_int_equal(m[2].status, PV_GNTST_okay);
    assert_int_equal(m[2].dev_bus_addr, f << PAGE_SHIFT);
    assert_int_not_equal(m[0].handle, m[2].handle);

    for (unsigned i = 0; i < 3; i++)
        u[i] = (struct pv_gnttab_unmap_grant_ref){.dev_bus_addr = f << PAGE_SHIFT,
                                                  .handle = i == 1 ? 999 : m[i].handle,
                                                  .status = 99,
                                                  .pad = 0x1234};
    assert_int_equal(hc(PV_GNTTABOP_unmap_grant_ref, GTF_GVA + 0x200, 3), 0);
    assert_int_equal(u[0].status, PV_GNTST_okay);
    assert_int_equal(u[1].status, PV_GNTST_bad_handle);
    assert_int_equal(u[2].status, PV_GNTST_okay);
    assert_int_equal(u[2].pad, 0x1234);
    assert_int_equal(gtf_entry(&dom_b, 1)->flags, PERMIT);

    c[0] = copy_op(1, 2, 0, own, PV_DOMID_SELF, 0, 16, SRC);
    c[1] = copy_op(1, 2, 0, own, PV_DOMID_SELF, 4090, 16, SRC);
    c[2] = copy_op(own, PV_DOMID_SELF, 0, 1, 2, 0, 16, DST);
    assert_int_equal(hc(PV_GNTTABOP_copy, GTF_GVA + 0x400, 3), 0);
    assert_int_equal(c[0].status, PV_GNTST_okay);
    assert_int_equal(c[1].status, PV_GNTST_bad_copy_arg);
    assert_int_equal(c[2].status, PV_GNTST_okay);
    assert_int_equal(c[1].len, 16);

    /* The array runs off guest memory after one op: that op is done, then -EFAULT. */
    memcpy(guest(GTF_GVA + GTF_GVA_SIZE - sizeof(*m)), &m[0], sizeof(*m));
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref, GTF_GVA + GTF_GVA_SIZE - sizeof(*m), 2),
                     -PV_EFAULT);
    assert_int_equal(gnttab_act(dom_b.gnttab, 1)->pin, GNTPIN_DEV_W);
}

/* At the batch's one flush the granter's entry is still in use by both mappings. */
static void flush_sees_pins(void)
{
    assert_int_equal(gnttab_act(dom_b.gnttab, 1)->pin, 2 * GNTPIN_HOST_W);
    assert_int_equal(gtf_entry(&dom_b, 1)->flags, PERMIT | PV_GTF_reading | PV_GTF_writing);
}

/* A batch of unmaps whose entries CPUs used flushes once, at its end, before any reference goes
 * (Xen's unmap_common, then one flush, then unmap_common_complete); a handle already unmapped
 * earlier in the same batch is a bad handle, and a flush-free entry needs none. */
static void test_unmap_batch_one_flush(void **state)
{
    struct pv_gnttab_map_grant_ref *m = guest(GTF_GVA);
    struct pv_gnttab_unmap_grant_ref *u = guest(GTF_GVA + 0x200);
    uint64_t l1, f;
    unsigned long flushes;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 1, 1, f, PERMIT);
    for (unsigned i = 0; i < 3; i++)
        m[i] = (struct pv_gnttab_map_grant_ref){
            .host_addr = gtf_va(i), .flags = PV_GNTMAP_host_map, .ref = 1, .dom = 2};
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref, GTF_GVA, 3), 0);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(m[i].status, PV_GNTST_okay);
    mmf_mem(l1)[0] |= PTE_A; /* CPUs used two of them */
    mmf_mem(l1)[1] |= PTE_A;

    /* The unused one first: no flush, its references go at once. */
    u[0] = (struct pv_gnttab_unmap_grant_ref){.host_addr = gtf_va(2), .handle = m[2].handle};
    flushes = mmf.flushes;
    assert_int_equal(hc(PV_GNTTABOP_unmap_grant_ref, GTF_GVA + 0x200, 1), 0);
    assert_int_equal(mmf.flushes, flushes);
    assert_int_equal(gnttab_act(dom_b.gnttab, 1)->pin, 2 * GNTPIN_HOST_W);

    for (unsigned i = 0; i < 3; i++)
        u[i] = (struct pv_gnttab_unmap_grant_ref){
            .host_addr = gtf_va(i & 1), .handle = m[i & 1].handle, .status = 99};
    mmf.on_flush = flush_sees_pins;
    assert_int_equal(hc(PV_GNTTABOP_unmap_grant_ref, GTF_GVA + 0x200, 3), 0);
    mmf.on_flush = NULL;
    assert_int_equal(mmf.flushes, flushes + 1);
    assert_int_equal(u[0].status, PV_GNTST_okay);
    assert_int_equal(u[1].status, PV_GNTST_okay);
    assert_int_equal(u[2].status, PV_GNTST_bad_handle); /* u[0]'s handle, gone in this batch */
    assert_int_equal(mmf_mem(l1)[0], 0);
    assert_int_equal(mmf_mem(l1)[1], 0);
    assert_int_equal(gnttab_act(dom_b.gnttab, 1)->pin, 0);
    assert_int_equal(gtf_entry(&dom_b, 1)->flags, PERMIT);
    assert_int_equal(frame_info(f)->count, 0);
    assert_int_equal(mmf_type_count(f), 0);

    /* Its handles are free again: the next maps may take them. */
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref, GTF_GVA, 2), 0);
    assert_int_equal(m[0].status, PV_GNTST_okay);
    assert_int_equal(m[1].status, PV_GNTST_okay);
}

/* One call ends a mapping's accessed host part, whose references wait for the flush at its end,
 * and then its device part: the handle stays the mapping's until the host part's references
 * went (its mark did not fit the handle's 16-bit flags: the device unmap freed it, and the end
 * of the call dropped references through the freed handle, a BUG_ON in mm_put_grant_ref). */
static void test_unmap_batch_owed_device(void **state)
{
    struct pv_gnttab_map_grant_ref *m = guest(GTF_GVA);
    struct pv_gnttab_unmap_grant_ref *u = guest(GTF_GVA + 0x200);
    uint64_t l1, f;

    (void)state;
    gtf_reset();
    l1 = gtf_tables(&dom_a);
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 5, 1, f, PERMIT); /* not 1: the freed handle's link */
    m[0] = (struct pv_gnttab_map_grant_ref){.host_addr = gtf_va(0),
                                            .flags = PV_GNTMAP_host_map | PV_GNTMAP_device_map,
                                            .ref = 5, .dom = 2};
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref, GTF_GVA, 1), 0);
    assert_int_equal(m[0].status, PV_GNTST_okay);
    mmf_mem(l1)[0] |= PTE_A;
    u[0] = (struct pv_gnttab_unmap_grant_ref){.host_addr = gtf_va(0), .handle = m[0].handle};
    u[1] = (struct pv_gnttab_unmap_grant_ref){.dev_bus_addr = f << PAGE_SHIFT,
                                              .handle = m[0].handle};
    u[2] = (struct pv_gnttab_unmap_grant_ref){
        .host_addr = gtf_va(0), .dev_bus_addr = f << PAGE_SHIFT, .handle = m[0].handle};
    assert_int_equal(hc(PV_GNTTABOP_unmap_grant_ref, GTF_GVA + 0x200, 3), 0);
    assert_int_equal(u[0].status, PV_GNTST_okay);
    assert_int_equal(u[1].status, PV_GNTST_okay);
    assert_int_equal(u[2].status, PV_GNTST_bad_handle);
    assert_int_equal(gnttab_act(dom_b.gnttab, 5)->pin, 0);
    assert_int_equal(frame_info(f)->count, 0);
    assert_int_equal(frame_info(f)->grant_refs, 0);
    assert_int_equal(mmf_type_count(f), 0);
    assert_int_equal(dom_a.gnttab->maptrack_free, m[0].handle); /* freed once, at the end */
    assert_int_equal(gnttab_map_entry(dom_a.gnttab, m[0].handle)->ref, m[0].handle + 1);
}

/* A long batch yields: the guest re-issues the call for the ops not done. */
static void test_decoder_continuation(void **state)
{
    struct pv_gnttab_map_grant_ref *m = guest(GTF_GVA);
    uint64_t f;

    (void)state;
    gtf_reset();
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 1, 1, f, PERMIT);
    for (unsigned i = 0; i < 4; i++)
        m[i] = (struct pv_gnttab_map_grant_ref){
            .flags = PV_GNTMAP_device_map, .ref = 1, .dom = 2, .status = 99};
    gtf.preempt_after = 1; /* the check after op 0 says go on, the one after op 1 says stop */
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref, GTF_GVA, 4), PV_HYPERCALL_grant_table_op);
    assert_int_equal(gtf.continues, 1);
    assert_int_equal(gtf.cont_nr, PV_HYPERCALL_grant_table_op);
    assert_int_equal(gtf.cont_arg[0], PV_GNTTABOP_map_grant_ref);
    assert_int_equal(gtf.cont_arg[1], GTF_GVA + 2 * sizeof(*m));
    assert_int_equal(gtf.cont_arg[2], 2);
    assert_int_equal(m[1].status, PV_GNTST_okay);
    assert_int_equal(m[2].status, 99);
    gtf.preempt_after = -1;
    assert_int_equal(hc(PV_GNTTABOP_map_grant_ref, gtf.cont_arg[1], gtf.cont_arg[2]), 0);
    assert_int_equal(m[3].status, PV_GNTST_okay);
    assert_int_equal(gnttab_act(dom_b.gnttab, 1)->pin, 4 * GNTPIN_DEV_W);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setup_and_query),
        cmocka_unit_test(test_setup_limits_and_rights),
        cmocka_unit_test(test_reaped_domain),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_swap),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_copy_directions),
        cmocka_unit_test(test_copy_flags_around_mappings),
        cmocka_unit_test(test_copy_statuses),
        cmocka_unit_test(test_copy_batch_revalidates),
        cmocka_unit_test(test_copy_batch_bounds),
        cmocka_unit_test(test_decoder_results),
        cmocka_unit_test(test_decoder_setup_table),
        cmocka_unit_test(test_decoder_small_ops),
        cmocka_unit_test(test_decoder_batches),
        cmocka_unit_test(test_decoder_continuation),
        cmocka_unit_test(test_unmap_batch_one_flush),
        cmocka_unit_test(test_unmap_batch_owed_device),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
