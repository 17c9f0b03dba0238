/*
 * Boot test "grant_v2": grant table version 2 between three domains (docs/hypercalls.md
 * §20, pv-abi/grant_table.h). A (d1) switches its table to version 2, maps its status frame and
 * grants B (d2) a full page, a sub-page and a read-only page; B switches too and grants C (d3)
 * transitive entries naming A's grants. The control page is one of A's pages, granted to B and
 * C at the reserved refs 2 and 3, which stay mapped across both of A's version switches.
 *
 * A: set_version's results (bad version, same version, -EBUSY while B maps a grant or while A
 *    maps its own status frame), get_version, get_status_frames' bounds; the status word shows
 *    B's use while the entry's flags do not; back to version 1, the reserved grants kept.
 * B: maps the full-page grant (writes through it), is refused a map of the sub-page grant,
 *    copies inside it and is refused outside it; is refused A's status frames.
 * C: copies through B's transitive grant (A's read-only page: reads only), is refused maps of
 *    it, a self-referential one, one naming a transitive grant (depth), one naming no domain,
 *    A's grants to B, and A's version and status frames.
 */
#include "bt.h"
#include "gk/gnttab.h"
#include "gk/pt.h"

#define REF_CTRL_B 2 /* reserved entries: kept across version switches */
#define REF_CTRL_C 3
#define REF_FULL 16  /* A -> B, read-write */
#define REF_SUB 17   /* A -> B, bytes [SUB_OFF, SUB_OFF + SUB_LEN) */
#define REF_RO 18    /* A -> B, read-only, passed on by B to C */
#define REF_TRANS 19 /* A -> B, transitive itself (naming B's REF_C_OK) */
#define REF_C_OK 20  /* B -> C: A's REF_RO */
#define REF_C_SELF 21
#define REF_C_DEEP 22
#define REF_C_NODOM 23
#define SUB_OFF 256
#define SUB_LEN 512
#define TEST_VA 0x0000100000000000ULL
#define CTRL_VA TEST_VA
#define VA1 (TEST_VA + 0x1000)
#define STATUS_VA (TEST_VA + 0x2000)
#define MAX_WAIT 200000
#define PAT 0x5a5a000000000000ULL

struct mbox {
    volatile uint32_t a_step, b_step, c_step;
};

static volatile union pv_grant_entry_v2 *const tab2 = (void *)GK_GNTTAB_VA;
static volatile uint16_t *const status = (void *)STATUS_VA;

static void wait_step(volatile uint32_t *step, uint32_t want, const char *what)
{
    for (unsigned long i = 0; *step < want; i++) {
        if (i == MAX_WAIT) {
            GK_FAIL("step %u (%s) never came (at %u)", want, what, *step);
            gk_test_finish();
        }
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static void post(volatile uint32_t *step, uint32_t v)
{
    __atomic_store_n(step, v, __ATOMIC_RELEASE);
}

static long gnttab_op(unsigned cmd, void *arg, unsigned count)
{
    return gk_hypercall_grant_table_op(cmd, arg, count);
}

static long set_version(uint32_t want, uint32_t *got)
{
    struct pv_gnttab_set_version op = {.version = want};
    long rc = gnttab_op(PV_GNTTABOP_set_version, &op, 1);

    *got = op.version;
    return rc;
}

static uint32_t get_version(pv_domid_t dom, long *rc)
{
    struct pv_gnttab_get_version op = {.dom = dom};

    *rc = gnttab_op(PV_GNTTABOP_get_version, &op, 1);
    return op.version;
}

static int16_t status_frames(pv_domid_t dom, uint32_t nr, uint64_t *list)
{
    struct pv_gnttab_get_status_frames op = {
        .nr_frames = nr, .dom = dom, .status = 99, .frame_list = (uint64_t)(uintptr_t)list};

    GK_EXPECT_EQ(gnttab_op(PV_GNTTABOP_get_status_frames, &op, 1), 0);
    return op.status;
}

/* Version 2 entries: the rest first, then the flags that make them live. */
static void grant(uint32_t ref, uint64_t domid, uint16_t flags, uint64_t frame, uint16_t off,
                  uint16_t len)
{
    tab2[ref].sub_page.frame = frame; /* full_page.frame too */
    tab2[ref].sub_page.page_off = off;
    tab2[ref].sub_page.length = len;
    tab2[ref].hdr.domid = (pv_domid_t)domid;
    __atomic_store_n(&tab2[ref].hdr.flags, flags, __ATOMIC_RELEASE);
}

static void grant_trans(uint32_t ref, uint64_t domid, uint64_t tdom, uint32_t tref)
{
    tab2[ref].transitive.trans_domid = (pv_domid_t)tdom;
    tab2[ref].transitive.gref = tref;
    tab2[ref].hdr.domid = (pv_domid_t)domid;
    __atomic_store_n(&tab2[ref].hdr.flags, PV_GTF_transitive, __ATOMIC_RELEASE);
}

static struct mbox *ctrl_map(uint64_t a, uint32_t ref, struct gk_gnttab_map *m)
{
    for (unsigned long i = 0;; i++) {
        GK_ASSERT_EQ(gk_gnttab_map((pv_domid_t)a, ref, CTRL_VA, 0, m), 0);
        if (m->status == PV_GNTST_okay)
            return (struct mbox *)CTRL_VA;
        if (i == MAX_WAIT) {
            GK_FAIL("the control page was never granted (%d)", m->status);
            gk_test_finish();
        }
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    }
}

/* ---- A ---- */

static void a_switch_to_v2(void)
{
    uint64_t list[2] = {0, 0};
    uint32_t v = 0;
    long rc;

    GK_ASSERT_EQ(gk_gnttab_init(1), 0);
    GK_EXPECT_EQ(get_version(PV_DOMID_SELF, &rc), 1);
    GK_EXPECT_EQ(status_frames(PV_DOMID_SELF, 0, list), PV_GNTST_okay); /* v1: none */
    GK_EXPECT_EQ(status_frames(PV_DOMID_SELF, 1, list), PV_GNTST_general_error);
    GK_EXPECT_EQ(set_version(3, &v), -PV_EINVAL);
    GK_EXPECT_EQ(v, 1);
    GK_EXPECT_EQ(set_version(1, &v), 0);
    GK_EXPECT_EQ(set_version(2, &v), 0);
    GK_EXPECT_EQ(v, 2);
    GK_EXPECT_EQ(get_version(PV_DOMID_SELF, &rc), 2);
    GK_EXPECT_EQ(rc, 0);
    GK_EXPECT_EQ(status_frames(PV_DOMID_SELF, 1, list), PV_GNTST_okay);
    GK_EXPECT(list[0] != 0);
    GK_EXPECT_EQ(status_frames(PV_DOMID_SELF, 2, list), PV_GNTST_general_error);
    GK_EXPECT_EQ(status_frames(PV_DOMID_SELF, 0xffffffff, list), PV_GNTST_general_error);
    GK_EXPECT_EQ(status_frames(PV_DOMID_SELF, 1, (uint64_t *)0x1000), PV_GNTST_bad_virt_addr);
    struct pv_gnttab_get_status_frames two[2];
    GK_EXPECT_EQ(gnttab_op(PV_GNTTABOP_get_status_frames, two, 2), -PV_EINVAL);
    GK_EXPECT_EQ(gnttab_op(PV_GNTTABOP_set_version, (void *)0x1000, 1), -PV_EFAULT);
    /* The status frame is the domain's to map, as Xen shares it. */
    GK_ASSERT_EQ(gk_map(gk_kernel_space(), STATUS_VA, list[0], GK_PAGE_KERNEL | gk_pte_nx()), 0);
    GK_EXPECT_EQ(status[REF_FULL], 0);
}

static void a_main(uint64_t b, uint64_t c)
{
    uint64_t *ctrl = gk_page_alloc(), *full = gk_page_alloc(), *sub = gk_page_alloc(),
             *ro = gk_page_alloc();
    struct mbox *mb = (struct mbox *)ctrl;
    uint8_t *s = (uint8_t *)sub;
    uint32_t v = 0;
    long rc;

    GK_ASSERT(ctrl && full && sub && ro);
    a_switch_to_v2();
    ro[0] = PAT | 3;
    grant(REF_CTRL_B, b, PV_GTF_permit_access, gk_virt_to_mfn(ctrl), 0, 0);
    grant(REF_CTRL_C, c, PV_GTF_permit_access, gk_virt_to_mfn(ctrl), 0, 0);
    grant(REF_FULL, b, PV_GTF_permit_access, gk_virt_to_mfn(full), 0, 0);
    grant(REF_SUB, b, PV_GTF_permit_access | PV_GTF_sub_page, gk_virt_to_mfn(sub), SUB_OFF, SUB_LEN);
    grant(REF_RO, b, PV_GTF_permit_access | PV_GTF_readonly, gk_virt_to_mfn(ro), 0, 0);
    grant_trans(REF_TRANS, b, b, REF_C_OK);
    post(&mb->a_step, 1);

    /* B maps REF_FULL writable: the status word shows it, the entry's flags do not. */
    wait_step(&mb->b_step, 1, "B mapped");
    GK_EXPECT_EQ(full[0], PAT | 1);
    GK_EXPECT_EQ(status[REF_FULL], PV_GTF_reading | PV_GTF_writing);
    GK_EXPECT_EQ(tab2[REF_FULL].hdr.flags, PV_GTF_permit_access);
    GK_EXPECT_EQ(status[REF_CTRL_B], PV_GTF_reading | PV_GTF_writing);
    GK_EXPECT_EQ(set_version(1, &v), -PV_EBUSY); /* an entry from 8 up in use */
    GK_EXPECT_EQ(v, 2);
    post(&mb->a_step, 2);

    /* B unmapped it and wrote the sub-page grant through copies. */
    wait_step(&mb->b_step, 2, "B unmapped and copied");
    GK_EXPECT_EQ(status[REF_FULL], 0);
    GK_EXPECT_EQ(s[SUB_OFF], 0xb2);
    GK_EXPECT_EQ(s[SUB_OFF + SUB_LEN - 1], 0xb2);
    GK_EXPECT_EQ(s[SUB_OFF - 1], 0);
    GK_EXPECT_EQ(s[SUB_OFF + SUB_LEN], 0);
    GK_EXPECT_EQ(status[REF_SUB], 0);
    post(&mb->a_step, 3);

    /* C went through B's transitive grants. */
    wait_step(&mb->c_step, 1, "C copied");
    GK_EXPECT_EQ(status[REF_RO], 0);
    GK_EXPECT_EQ(ro[0], PAT | 3);
    /* Back to version 1: refused while our status frame is mapped. */
    GK_EXPECT_EQ(set_version(1, &v), -PV_EBUSY);
    GK_ASSERT_EQ(gk_unmap(gk_kernel_space(), STATUS_VA), 0);
    GK_EXPECT_EQ(set_version(1, &v), 0);
    GK_EXPECT_EQ(v, 1);
    GK_EXPECT_EQ(get_version(PV_DOMID_SELF, &rc), 1);
    GK_EXPECT_EQ(status_frames(PV_DOMID_SELF, 1, &ctrl[16]), PV_GNTST_general_error);
    /* The reserved grants B and C still map, in version 1 form with their in-use flags. */
    GK_EXPECT_EQ(gk_gnttab_flags(REF_CTRL_B),
                 PV_GTF_permit_access | PV_GTF_reading | PV_GTF_writing);
    GK_EXPECT_EQ(gk_gnttab_entry(REF_CTRL_C)->domid, c);
    GK_EXPECT_EQ(gk_gnttab_entry(REF_CTRL_C)->frame, gk_virt_to_mfn(ctrl));
    GK_EXPECT_EQ(gk_gnttab_flags(REF_FULL), 0); /* the rest cleared */
    post(&mb->a_step, 4);
    wait_step(&mb->b_step, 3, "B done");
    wait_step(&mb->c_step, 2, "C done");
    for (unsigned long i = 0; gk_gnttab_flags(REF_CTRL_B) & PV_GTF_reading ||
                              gk_gnttab_flags(REF_CTRL_C) & PV_GTF_reading;
         i++)
        GK_ASSERT(i < MAX_WAIT);
    GK_EXPECT_EQ(gk_gnttab_flags(REF_CTRL_B), PV_GTF_permit_access);
}

/* ---- B ---- */

static void b_main(uint64_t a, uint64_t b, uint64_t c)
{
    struct gk_gnttab_map mctrl, m;
    struct mbox *mb = ctrl_map(a, REF_CTRL_B, &mctrl);
    uint8_t buf[SUB_LEN + 8];
    uint64_t list[1];
    uint32_t v;

    wait_step(&mb->a_step, 1, "A granted");
    GK_ASSERT_EQ(gk_gnttab_map((pv_domid_t)a, REF_FULL, VA1, 0, &m), 0);
    GK_EXPECT_EQ(m.status, PV_GNTST_okay);
    ((volatile uint64_t *)VA1)[0] = PAT | 1;
    /* The sub-page grant: no map; copies inside it only. */
    GK_ASSERT_EQ(gk_gnttab_map((pv_domid_t)a, REF_SUB, VA1 + 0x1000, 0, &m), 0);
    GK_EXPECT_EQ(m.status, PV_GNTST_general_error);
    GK_EXPECT_EQ(status_frames((pv_domid_t)a, 1, list), PV_GNTST_permission_denied);
    post(&mb->b_step, 1);

    wait_step(&mb->a_step, 2, "A saw the map");
    m.va = VA1;
    m.host_addr = VA1;
    GK_ASSERT_EQ(gk_gnttab_unmap(&m), 0);
    GK_EXPECT_EQ(m.status, PV_GNTST_okay);
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = 0xb2;
    GK_EXPECT_EQ(gk_gnttab_copy_to((pv_domid_t)a, REF_SUB, SUB_OFF, buf, SUB_LEN), PV_GNTST_okay);
    GK_EXPECT_EQ(gk_gnttab_copy_to((pv_domid_t)a, REF_SUB, SUB_OFF - 1, buf, 8),
                 PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_gnttab_copy_to((pv_domid_t)a, REF_SUB, SUB_OFF, buf, SUB_LEN + 1),
                 PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)a, REF_SUB, SUB_OFF + SUB_LEN - 4, buf, 8),
                 PV_GNTST_general_error);
    /* Our own table in version 2, with transitive grants to C. */
    GK_ASSERT_EQ(gk_gnttab_init(1), 0);
    GK_EXPECT_EQ(set_version(2, &v), 0);
    grant_trans(REF_C_OK, c, a, REF_RO);
    grant_trans(REF_C_SELF, c, b, REF_C_OK);
    grant_trans(REF_C_DEEP, c, a, REF_TRANS);
    grant_trans(REF_C_NODOM, c, 40, REF_RO);
    post(&mb->b_step, 2);

    wait_step(&mb->a_step, 4, "A back to version 1");
    post(&mb->b_step, 3);
    GK_ASSERT_EQ(gk_gnttab_unmap(&mctrl), 0);
    GK_EXPECT_EQ(mctrl.status, PV_GNTST_okay);
}

/* ---- C ---- */

static void c_main(uint64_t a, uint64_t b)
{
    struct gk_gnttab_map mctrl, m;
    struct mbox *mb = ctrl_map(a, REF_CTRL_C, &mctrl);
    uint64_t got[2] = {0, 0}, list[1];
    long rc;

    wait_step(&mb->a_step, 3, "B's transitive grants");
    GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)b, REF_C_OK, 0, got, 16), PV_GNTST_okay);
    GK_EXPECT_EQ(got[0], PAT | 3);
    GK_EXPECT_EQ(gk_gnttab_copy_to((pv_domid_t)b, REF_C_OK, 0, got, 8), PV_GNTST_general_error);
    GK_ASSERT_EQ(gk_gnttab_map((pv_domid_t)b, REF_C_OK, VA1, GK_GNTMAP_READONLY, &m), 0);
    GK_EXPECT_EQ(m.status, PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)b, REF_C_SELF, 0, got, 8), PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)b, REF_C_DEEP, 0, got, 8), PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)b, REF_C_NODOM, 0, got, 8),
                 PV_GNTST_general_error);
    GK_EXPECT_EQ(gk_gnttab_copy_from((pv_domid_t)a, REF_RO, 0, got, 8), PV_GNTST_general_error);
    /* Another domain's version and status frames are not ours to read. */
    get_version((pv_domid_t)a, &rc);
    GK_EXPECT_EQ(rc, -PV_EPERM);
    GK_EXPECT_EQ(status_frames((pv_domid_t)a, 1, list), PV_GNTST_permission_denied);
    GK_EXPECT_EQ(status_frames(77, 1, list), PV_GNTST_bad_domain);
    post(&mb->c_step, 1);

    wait_step(&mb->a_step, 4, "A back to version 1");
    post(&mb->c_step, 2);
    GK_ASSERT_EQ(gk_gnttab_unmap(&mctrl), 0);
    GK_EXPECT_EQ(mctrl.status, PV_GNTST_okay);
}

GK_TEST(grant_v2)
{
    uint64_t self = 0, a = 1, b = 2, c = 3;

    GK_ASSERT(bt_cmdline_uint("self", &self));
    if (self == a)
        a_main(b, c);
    else if (self == b)
        b_main(a, b, c);
    else
        c_main(a, b);
}
