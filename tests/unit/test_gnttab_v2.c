/* Unit tests of grant table version 2: set_version's rules (Xen 4.17's gnttab_set_version: every
 * result, the reserved entries carried over, status frames made and freed), get_status_frames,
 * and version 2 entries in map, copy and unmap (status words, sub-page grants, transitive grants
 * and their limits). dom_b grants, dom_a uses, dom_p (privileged) is a third granter. */
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

#define PERMIT PV_GTF_permit_access
#define TRANS PV_GTF_transitive
#define SUB PV_GTF_sub_page
#define READING PV_GTF_reading
#define WRITING PV_GTF_writing

static int set_version(struct domain *d, uint32_t want, uint32_t *got)
{
    *got = want;
    return gnttab_set_version(d, got);
}

static union pv_grant_entry_v2 *v2(const struct domain *d, uint32_t ref)
{
    return (union pv_grant_entry_v2 *)gnttab_hdr(d->gnttab, ref);
}

static uint16_t status_of(const struct domain *d, uint32_t ref)
{
    return *gnttab_status(d->gnttab, ref);
}

/* A version 2 full-page (flags PERMIT...) or sub-page (SUB) grant. */
static void grant2(struct domain *d, uint32_t ref, uint16_t grantee, uint64_t frame, uint16_t flags,
                   uint16_t off, uint16_t len)
{
    union pv_grant_entry_v2 *e = v2(d, ref);

    e->hdr.domid = grantee;
    e->sub_page.frame = frame;
    e->sub_page.page_off = off;
    e->sub_page.length = len;
    e->hdr.flags = flags;
}

static void grant_trans(struct domain *d, uint32_t ref, uint16_t grantee, uint16_t tdom, uint32_t tref)
{
    union pv_grant_entry_v2 *e = v2(d, ref);

    e->transitive.trans_domid = tdom;
    e->transitive.gref = tref;
    e->hdr.domid = grantee;
    e->hdr.flags = TRANS;
}

static int16_t dev_map(uint32_t ref, uint16_t dom, bool ro, uint32_t *handle)
{
    struct pv_gnttab_map_grant_ref op = {
        .flags = PV_GNTMAP_device_map | (ro ? PV_GNTMAP_readonly : 0), .ref = ref, .dom = dom};

    gnttab_map(dom_a.vcpu[0], &op);
    *handle = op.handle;
    return op.status;
}

static int16_t dev_unmap(uint32_t handle, uint64_t frame)
{
    return gnttab_unmap(dom_a.vcpu[0], handle, 0, frame << 12, 0);
}

/* dom_a copies len bytes between (dom, ref) at offset off and its own frame `own`. */
static int16_t copy(uint16_t dom, uint32_t ref, uint16_t off, uint64_t own, uint16_t len, bool to)
{
    struct pv_gnttab_copy_ptr g = {.u.ref = ref, .domid = dom, .offset = off};
    struct pv_gnttab_copy_ptr l = {.u.gmfn = own, .domid = PV_DOMID_SELF, .offset = off};
    struct pv_gnttab_copy op = {.source = to ? l : g, .dest = to ? g : l, .len = len,
                                .flags = to ? PV_GNTCOPY_dest_gref : PV_GNTCOPY_source_gref};

    return gnttab_copy(dom_a.vcpu[0], &op);
}

/* ---- set_version ---- */

static void test_switch_to_v2(void **state)
{
    uint64_t f = 0, mfns[GNTTAB_MAX_FRAMES], base;
    uint32_t v = 0, h;

    (void)state;
    gtf_reset();
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 1, dom_a.domid, f, PERMIT); /* the toolstack's xenstore grant */
    gtf_grant(&dom_b, 9, dom_a.domid, f, PERMIT);
    assert_int_equal(dev_map(1, dom_b.domid, true, &h), PV_GNTST_okay);
    base = frame_free_count();
    assert_int_equal(set_version(&dom_b, 2, &v), 0); /* a reserved entry may be in use */
    assert_int_equal(v, 2);
    assert_int_equal(dom_b.gnttab->nr_status, 1);
    assert_int_equal(frame_free_count(), base - 1); /* one status frame */
    assert_int_equal(frame_info(dom_b.gnttab->status[0])->owner, dom_b.domid); /* shared */
    /* Entry 1 carried over, its in-use flag now in its status word; entry 9 cleared. */
    assert_int_equal(v2(&dom_b, 1)->hdr.flags, PERMIT);
    assert_int_equal(v2(&dom_b, 1)->hdr.domid, dom_a.domid);
    assert_int_equal(v2(&dom_b, 1)->full_page.frame, f);
    assert_int_equal(status_of(&dom_b, 1), READING);
    assert_int_equal(gnttab_hdr(dom_b.gnttab, 9)->flags, 0);
    assert_int_equal(gnttab_nr_entries(dom_b.gnttab), 256);
    assert_int_equal(gnttab_get_version(&dom_b, PV_DOMID_SELF, &v), 0);
    assert_int_equal(v, 2);
    assert_int_equal(set_version(&dom_b, 2, &v), 0); /* the same version: nothing to do */
    /* Status frames: as many as the table needs, and no more may be asked. */
    assert_int_equal(gnttab_get_status_frames(&dom_b, PV_DOMID_SELF, 1, mfns), PV_GNTST_okay);
    assert_int_equal(mfns[0], dom_b.gnttab->status[0]);
    assert_int_equal(gnttab_get_status_frames(&dom_b, PV_DOMID_SELF, 2, mfns),
                     PV_GNTST_general_error);
    assert_int_equal(gnttab_get_status_frames(&dom_a, dom_b.domid, 0, mfns),
                     PV_GNTST_permission_denied);
    assert_int_equal(gnttab_get_status_frames(&dom_p, dom_b.domid, 1, mfns), PV_GNTST_okay);
    assert_int_equal(gnttab_setup_table(&dom_b, PV_DOMID_SELF, 9, mfns), PV_GNTST_okay);
    assert_int_equal(dom_b.gnttab->nr_status, 2); /* 9 * 256 status words */
    assert_int_equal(gnttab_get_status_frames(&dom_b, PV_DOMID_SELF, 2, mfns), PV_GNTST_okay);
    /* Unmapping clears the status word, not the entry's flags. */
    assert_int_equal(dev_unmap(h, f), PV_GNTST_okay);
    assert_int_equal(status_of(&dom_b, 1), 0);
    assert_int_equal(v2(&dom_b, 1)->hdr.flags, PERMIT);
}

static void test_switch_refused(void **state)
{
    uint64_t f, mfns[8];
    uint32_t v = 0, h;

    (void)state;
    gtf_reset();
    f = mmf_frame(&dom_b);
    gtf_grant(&dom_b, 8, dom_a.domid, f, PERMIT);
    assert_int_equal(dev_map(8, dom_b.domid, true, &h), PV_GNTST_okay);
    assert_int_equal(set_version(&dom_b, 2, &v), -PV_EBUSY);
    assert_int_equal(v, 1);
    assert_int_equal(gtf_entry(&dom_b, 8)->flags, PERMIT | READING); /* nothing changed */
    assert_int_equal(dom_b.gnttab->nr_status, 0);
    assert_int_equal(dev_unmap(h, f), PV_GNTST_okay);
    assert_int_equal(set_version(&dom_b, 0, &v), -PV_EINVAL);
    assert_int_equal(set_version(&dom_b, 2, &v), 0);
    /* Back to 1: a reserved entry version 1 cannot hold is -ERANGE. */
    grant_trans(&dom_b, 2, dom_a.domid, dom_p.domid, 9);
    assert_int_equal(set_version(&dom_b, 1, &v), -PV_ERANGE);
    assert_int_equal(v, 2);
    grant2(&dom_b, 2, dom_a.domid, 1ULL << 32, PERMIT, 0, 0);
    assert_int_equal(set_version(&dom_b, 1, &v), -PV_ERANGE);
    grant2(&dom_b, 2, dom_a.domid, f, PERMIT | SUB, 16, 32); /* fits: its sub_page flag goes too */
    /* A status frame something maps: -EBUSY. */
    assert_int_equal(mm_get_page(dom_b.gnttab->status[0], &dom_b), 0);
    assert_int_equal(set_version(&dom_b, 1, &v), -PV_EBUSY);
    mm_put_page(dom_b.gnttab->status[0]);
    *gnttab_status(dom_b.gnttab, 2) = READING; /* carried into the v1 flags */
    assert_int_equal(set_version(&dom_b, 1, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(dom_b.gnttab->nr_status, 0);
    assert_int_equal(gtf_entry(&dom_b, 2)->flags, PERMIT | SUB | READING);
    assert_int_equal(gtf_entry(&dom_b, 2)->frame, f);
    assert_int_equal(gnttab_get_status_frames(&dom_b, PV_DOMID_SELF, 1, mfns),
                     PV_GNTST_general_error);
}

/* Status frames go with the table when the domain is reaped. */
static void test_status_frames_freed(void **state)
{
    uint64_t base;
    uint32_t v;

    (void)state;
    gtf_reset();
    base = frame_free_count();
    assert_int_equal(set_version(&dom_b, 2, &v), 0);
    assert_int_equal(frame_free_count(), base - 1);
    gtf_reap(&dom_b);
    assert_null(dom_b.gnttab);
    assert_int_equal(frame_free_count(), base + 6); /* the table's 6 frames too */
}

/* ---- entries ---- */

static void test_v2_full_page(void **state)
{
    uint64_t f, own;
    uint32_t v, h;

    (void)state;
    gtf_reset();
    f = mmf_frame(&dom_b);
    own = mmf_frame(&dom_a);
    assert_int_equal(set_version(&dom_b, 2, &v), 0);
    grant2(&dom_b, 10, dom_a.domid, f, PERMIT, 0, 0);
    assert_int_equal(dev_map(10, dom_b.domid, false, &h), PV_GNTST_okay);
    assert_int_equal(status_of(&dom_b, 10), READING | WRITING);
    assert_int_equal(v2(&dom_b, 10)->hdr.flags, PERMIT);
    assert_int_equal(dev_unmap(h, f), PV_GNTST_okay);
    assert_int_equal(status_of(&dom_b, 10), 0);
    mmf_mem(f)[1] = 0x1122334455667788ULL;
    assert_int_equal(copy(dom_b.domid, 10, 8, own, 8, false), PV_GNTST_okay);
    assert_int_equal(mmf_mem(own)[1], 0x1122334455667788ULL);
    /* Read-only, another grantee, a frame not dom_b's, a ref beyond 256 entries. */
    grant2(&dom_b, 11, dom_a.domid, f, PERMIT | PV_GTF_readonly, 0, 0);
    assert_int_equal(dev_map(11, dom_b.domid, false, &h), PV_GNTST_general_error);
    assert_int_equal(status_of(&dom_b, 11), 0);
    assert_int_equal(copy(dom_b.domid, 11, 0, own, 8, true), PV_GNTST_general_error);
    assert_int_equal(copy(dom_b.domid, 11, 0, own, 8, false), PV_GNTST_okay);
    grant2(&dom_b, 12, dom_p.domid, f, PERMIT, 0, 0);
    assert_int_equal(dev_map(12, dom_b.domid, true, &h), PV_GNTST_general_error);
    grant2(&dom_b, 13, dom_a.domid, own, PERMIT, 0, 0);
    assert_int_equal(dev_map(13, dom_b.domid, true, &h), PV_GNTST_bad_page);
    assert_int_equal(status_of(&dom_b, 13), 0);
    assert_int_equal(dev_map(256, dom_b.domid, true, &h), PV_GNTST_bad_gntref);
    assert_int_equal(dom_b.gnttab->nr_pinned, 0);
}

static void test_v2_sub_page(void **state)
{
    uint64_t f, own;
    uint32_t v, h;

    (void)state;
    gtf_reset();
    f = mmf_frame(&dom_b);
    own = mmf_frame(&dom_a);
    assert_int_equal(set_version(&dom_b, 2, &v), 0);
    grant2(&dom_b, 10, dom_a.domid, f, PERMIT | SUB, 64, 128);
    assert_int_equal(dev_map(10, dom_b.domid, true, &h), PV_GNTST_general_error); /* copy only */
    assert_int_equal(status_of(&dom_b, 10), 0);
    mmf_mem(own)[8] = 0xabcdef;
    assert_int_equal(copy(dom_b.domid, 10, 64, own, 128, true), PV_GNTST_okay);
    assert_int_equal(mmf_mem(f)[8], 0xabcdef);
    assert_int_equal(copy(dom_b.domid, 10, 56, own, 16, true), PV_GNTST_general_error);
    assert_int_equal(copy(dom_b.domid, 10, 64, own, 129, false), PV_GNTST_general_error);
    assert_int_equal(copy(dom_b.domid, 10, 4088, own, 16, false), PV_GNTST_bad_copy_arg);
    assert_int_equal(status_of(&dom_b, 10), 0);
    assert_int_equal(dom_b.gnttab->nr_pinned, 0);
}

/* dom_a copies through dom_b's transitive grant of dom_p's grant to dom_b. */
static void test_v2_transitive(void **state)
{
    uint64_t f, own;
    uint32_t v, h;

    (void)state;
    gtf_reset();
    f = mmf_frame(&dom_p);
    own = mmf_frame(&dom_a);
    assert_int_equal(set_version(&dom_b, 2, &v), 0);
    assert_int_equal(set_version(&dom_p, 2, &v), 0);
    grant2(&dom_p, 30, dom_b.domid, f, PERMIT | SUB, 0, 256);
    grant_trans(&dom_b, 20, dom_a.domid, dom_p.domid, 30);
    mmf_mem(f)[2] = 77;
    assert_int_equal(copy(dom_b.domid, 20, 16, own, 8, false), PV_GNTST_okay);
    assert_int_equal(mmf_mem(own)[2], 77);
    assert_int_equal(copy(dom_b.domid, 20, 256, own, 8, true), PV_GNTST_general_error); /* sub */
    assert_int_equal(status_of(&dom_b, 20) | status_of(&dom_p, 30), 0);
    assert_int_equal(dom_b.gnttab->nr_pinned + dom_p.gnttab->nr_pinned, 0);
    /* Never mapped. */
    assert_int_equal(dev_map(20, dom_b.domid, true, &h), PV_GNTST_general_error);
    /* The inner grant must be to dom_b, and not transitive itself (depth one). */
    grant2(&dom_p, 30, dom_a.domid, f, PERMIT, 0, 0);
    assert_int_equal(copy(dom_b.domid, 20, 0, own, 8, false), PV_GNTST_general_error);
    grant_trans(&dom_p, 30, dom_b.domid, dom_a.domid, 1);
    assert_int_equal(copy(dom_b.domid, 20, 0, own, 8, false), PV_GNTST_general_error);
    /* Self-referential, a domain that does not exist, a ref beyond dom_p's table. */
    grant_trans(&dom_b, 20, dom_a.domid, dom_b.domid, 21);
    assert_int_equal(copy(dom_b.domid, 20, 0, own, 8, false), PV_GNTST_general_error);
    grant_trans(&dom_b, 20, dom_a.domid, 9, 30);
    assert_int_equal(copy(dom_b.domid, 20, 0, own, 8, false), PV_GNTST_general_error);
    grant_trans(&dom_b, 20, dom_a.domid, dom_p.domid, 4096);
    assert_int_equal(copy(dom_b.domid, 20, 0, own, 8, false), PV_GNTST_bad_gntref);
    assert_int_equal(status_of(&dom_b, 20), 0);
    /* A version 1 table has no transitive grants. */
    assert_int_equal(set_version(&dom_b, 1, &v), 0);
    gtf_grant(&dom_b, 20, dom_a.domid, f, TRANS);
    assert_int_equal(copy(dom_b.domid, 20, 0, own, 8, false), PV_GNTST_general_error);
    assert_int_equal(dom_b.gnttab->nr_pinned + dom_p.gnttab->nr_pinned, 0);
}

/* The decoder: set_version's copy-back, get_status_frames' frame list and its bad address. */
static void test_v2_decoder(void **state)
{
    struct pv_gnttab_set_version *sv = (void *)gtf_guest;
    struct pv_gnttab_get_status_frames *sf = (void *)(gtf_guest + 0x40);
    uint64_t *list = (uint64_t *)(gtf_guest + 0x80);

    (void)state;
    gtf_reset();
    sv->version = 2;
    assert_int_equal(hc_grant_table_op(dom_a.vcpu[0], PV_GNTTABOP_set_version,
                                       guest_handle_of(GTF_GVA), 1),
                     0);
    assert_int_equal(sv->version, 2);
    *sf = (struct pv_gnttab_get_status_frames){
        .nr_frames = 1, .dom = PV_DOMID_SELF, .frame_list = GTF_GVA + 0x80};
    assert_int_equal(hc_grant_table_op(dom_a.vcpu[0], PV_GNTTABOP_get_status_frames,
                                       guest_handle_of(GTF_GVA + 0x40), 1),
                     0);
    assert_int_equal(sf->status, PV_GNTST_okay);
    assert_int_equal(list[0], dom_a.gnttab->status[0]);
    sf->frame_list = 0x100000;
    assert_int_equal(hc_grant_table_op(dom_a.vcpu[0], PV_GNTTABOP_get_status_frames,
                                       guest_handle_of(GTF_GVA + 0x40), 1),
                     0);
    assert_int_equal(sf->status, PV_GNTST_bad_virt_addr);
    assert_int_equal(hc_grant_table_op(dom_a.vcpu[0], PV_GNTTABOP_get_status_frames,
                                       guest_handle_of(GTF_GVA + 0x40), 2),
                     -PV_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_switch_to_v2),     cmocka_unit_test(test_switch_refused),
        cmocka_unit_test(test_status_frames_freed), cmocka_unit_test(test_v2_full_page),
        cmocka_unit_test(test_v2_sub_page),      cmocka_unit_test(test_v2_transitive),
        cmocka_unit_test(test_v2_decoder),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
