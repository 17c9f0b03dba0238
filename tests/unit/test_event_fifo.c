/* Unit tests of FIFO event channels (common/event_fifo.c and the ABI dispatch of
 * common/event_2l.c): init_control / expand_array / set_priority in Xen's order, queue linking
 * and priorities, masking, pending edges kept across the switch and across a missing event
 * array page, moving a port between vCPUs, reset and teardown, guest-scribbled words. dom_a's
 * control blocks are in frame 0 (vCPU n at offset 128 n), its event array page in frame 3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pv-abi/errno.h"
#include "evtchn.h"
#include "evtchn_fake.h"
#include "hypercall_table.h"

#define PENDING (1U << PV_EVTCHN_FIFO_PENDING)
#define MASKED (1U << PV_EVTCHN_FIFO_MASKED)
#define LINKED (1U << PV_EVTCHN_FIFO_LINKED)
#define BUSY (1U << PV_EVTCHN_FIFO_BUSY)
#define DEFQ PV_EVTCHN_FIFO_PRIORITY_DEFAULT

static uint32_t *word(unsigned port)
{
    return (uint32_t *)evf_frame(3) + port;
}

static struct pv_evtchn_fifo_control_block *cb(unsigned vcpu)
{
    return (struct pv_evtchn_fifo_control_block *)((uint8_t *)evf_frame(0) + 128 * vcpu);
}

/* dom_a on FIFO: both vCPUs' control blocks and one event array page (ports 0-1023). */
static void fifo_on(void)
{
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, 0, 0), 0);
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, 128, 1), 0);
    assert_int_equal(evtchn_expand_array(&dom_a, EVF_MFN + 3), 0);
}

static unsigned ipi(struct domain *d, unsigned vcpu)
{
    unsigned port = 0;

    assert_int_equal(evtchn_bind_ipi(d, vcpu, &port), 0);
    return port;
}

static void test_init_control_checks(void **state)
{
    const unsigned too_far = PAGE_SIZE - sizeof(struct pv_evtchn_fifo_control_block) + 8;

    (void)state;
    /* Xen's order: the vCPU before the offset, the offset before the frame. */
    assert_int_equal(evtchn_init_control(&dom_a, 0, 4, 2), -PV_ENOENT);
    assert_int_equal(evtchn_init_control(&dom_a, 0, 0, MAX_VCPUS), -PV_ENOENT);
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, too_far, 0), -PV_EINVAL);
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, 0xfffffff8u, 0), -PV_EINVAL);
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, 4, 0), -PV_EINVAL);
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN + 1, 0, 0), -PV_EINVAL); /* dom_b's */
    assert_int_equal(evtchn_init_control(&dom_a, 0x123456789ULL, 0, 0), -PV_EINVAL);
    assert_null(dom_a.evtchn_fifo); /* still 2-level */
    assert_int_equal(evtchn_expand_array(&dom_a, EVF_MFN + 3), -PV_EOPNOTSUPP);
    assert_int_equal(evf.frame_refs, 0);
    /* The last offset that fits, then the vCPU again: already initialised. */
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, too_far - 8, 0), 0);
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, 0, 0), -PV_EINVAL);
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN + 1, 0, 1), -PV_EINVAL);
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, 0, 1), 0);
    assert_int_equal(evf.frame_refs, 2);
    /* Out of memory for the FIFO state: nothing changes. */
    evf.page_fail_after = 0;
    assert_int_equal(evtchn_init_control(&dom_b, EVF_MFN + 1, 0, 0), -PV_ENOMEM);
    assert_null(dom_b.evtchn_fifo);
    assert_int_equal(evf.frame_refs, 2);
}

static void test_expand_array_and_priority_checks(void **state)
{
    unsigned port;

    (void)state;
    port = ipi(&dom_a, 0);
    assert_int_equal(evtchn_set_priority(&dom_a, port, 3), -PV_ENOSYS);
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, 0, 0), 0);
    assert_int_equal(evtchn_expand_array(&dom_a, EVF_MFN + 1), -PV_EINVAL);
    assert_int_equal(evtchn_expand_array(&dom_a, EVF_MFN + 3), 0);
    assert_int_equal(evtchn_set_priority(&dom_a, port, PV_EVTCHN_FIFO_PRIORITY_MIN + 1),
                     -PV_EINVAL);
    assert_int_equal(evtchn_set_priority(&dom_a, 5000, 3), -PV_EINVAL); /* no such port */
    assert_int_equal(evtchn_set_priority(&dom_a, port, PV_EVTCHN_FIFO_PRIORITY_MIN), 0);
    /* 128 pages cover every port; one more is -ENOSPC. */
    for (unsigned i = 1; i < PV_EVTCHN_FIFO_NR_CHANNELS / 1024; i++)
        assert_int_equal(evtchn_expand_array(&dom_a, EVF_MFN + 3), 0);
    assert_int_equal(evtchn_expand_array(&dom_a, EVF_MFN + 3), -PV_ENOSPC);
    assert_int_equal(evf.frame_refs, 129);
}

static void test_queue_order_and_priority(void **state)
{
    unsigned p1, p2, p3;

    (void)state;
    fifo_on();
    p1 = ipi(&dom_a, 0), p2 = ipi(&dom_a, 0), p3 = ipi(&dom_a, 0);
    assert_int_equal(evtchn_send(&dom_a, p1), 0);
    assert_int_equal(*word(p1), PENDING | LINKED);
    assert_int_equal(cb(0)->head[DEFQ], p1);
    assert_int_equal(cb(0)->ready, 1U << DEFQ);
    assert_int_equal(evf_vi(&dom_a, 0)->evtchn_upcall_pending, 1);
    assert_int_equal(evf.wakes[dom_a.domid][0], 1);
    /* The second is linked after the first; the queue was ready already: no new upcall. */
    evf_vi(&dom_a, 0)->evtchn_upcall_pending = 0;
    assert_int_equal(evtchn_send(&dom_a, p2), 0);
    assert_int_equal(*word(p1), PENDING | LINKED | p2);
    assert_int_equal(cb(0)->head[DEFQ], p1);
    assert_int_equal(evf_vi(&dom_a, 0)->evtchn_upcall_pending, 0);
    /* Sent again while pending: nothing moves. */
    assert_int_equal(evtchn_send(&dom_a, p1), 0);
    assert_int_equal(*word(p1), PENDING | LINKED | p2);
    assert_int_equal(*word(p2), PENDING | LINKED);
    /* A higher priority has its own queue and READY bit. */
    assert_int_equal(evtchn_set_priority(&dom_a, p3, 2), 0);
    assert_int_equal(evtchn_send(&dom_a, p3), 0);
    assert_int_equal(cb(0)->head[2], p3);
    assert_int_equal(cb(0)->ready, (1U << DEFQ) | (1U << 2));
    assert_int_equal(evf_vi(&dom_a, 0)->evtchn_upcall_pending, 1);
    assert_int_equal(cb(1)->ready, 0); /* vCPU 1 saw nothing */
}

static void test_consumed_queue_restarts_at_head(void **state)
{
    unsigned p1, p2;

    (void)state;
    fifo_on();
    p1 = ipi(&dom_a, 0), p2 = ipi(&dom_a, 0);
    assert_int_equal(evtchn_send(&dom_a, p1), 0);
    /* The guest consumes p1 (clears LINKED and PENDING, its head, its READY bit). */
    *word(p1) = 0;
    cb(0)->head[DEFQ] = 0;
    cb(0)->ready = 0;
    assert_int_equal(evtchn_send(&dom_a, p2), 0);
    assert_int_equal(*word(p1), 0); /* a word no longer linked is not written */
    assert_int_equal(cb(0)->head[DEFQ], p2);
    assert_int_equal(cb(0)->ready, 1U << DEFQ);
}

static void test_mask_and_unmask(void **state)
{
    unsigned p;

    (void)state;
    fifo_on();
    p = ipi(&dom_a, 1);
    *word(p) = MASKED;
    assert_int_equal(evtchn_send(&dom_a, p), 0);
    assert_int_equal(*word(p), MASKED | PENDING); /* latched, not queued */
    assert_int_equal(cb(1)->ready, 0);
    assert_int_equal(evtchn_unmask(&dom_a, p), 0);
    assert_int_equal(*word(p), PENDING | LINKED);
    assert_int_equal(cb(1)->head[DEFQ], p);
    assert_int_equal(evf_vi(&dom_a, 1)->evtchn_upcall_pending, 1);
    /* Unmasking a port that is not pending queues nothing. */
    *word(p) = MASKED;
    cb(1)->head[DEFQ] = 0;
    assert_int_equal(evtchn_unmask(&dom_a, p), 0);
    assert_int_equal(*word(p), 0);
    assert_int_equal(cb(1)->head[DEFQ], 0);
    assert_int_equal(evtchn_unmask(&dom_a, 5000), -PV_EINVAL);
}

static void test_pending_edges_kept(void **state)
{
    unsigned p1, p2;

    (void)state;
    /* Raised on 2-level, before the switch: delivered once the event word exists. */
    p1 = ipi(&dom_a, 0);
    assert_int_equal(evtchn_send(&dom_a, p1), 0);
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, 0, 0), 0);
    /* Raised on FIFO before any event array page: kept too. */
    p2 = ipi(&dom_a, 0);
    assert_int_equal(evtchn_send(&dom_a, p2), 0);
    assert_int_equal(cb(0)->ready, 0);
    assert_int_equal(evtchn_expand_array(&dom_a, EVF_MFN + 3), 0);
    assert_int_equal(*word(p1), PENDING | LINKED | p2);
    assert_int_equal(*word(p2), PENDING | LINKED);
    assert_int_equal(cb(0)->head[DEFQ], p1);
    /* Past 1023 ports there is no word until a second page comes. */
    dom_a.max_evtchns = 2000;
    for (unsigned i = 0; i < 1100; i++)
        ipi(&dom_a, 0);
    assert_int_equal(evtchn_send(&dom_a, 1030), 0);
    assert_int_equal(evtchn_expand_array(&dom_a, EVF_MFN + 3), 0); /* the same frame again */
    assert_int_equal(*word(1030 - 1024), PENDING | LINKED); /* word 1030 shares it */
}

static void test_no_control_block_drops(void **state)
{
    unsigned p;

    (void)state;
    assert_int_equal(evtchn_init_control(&dom_a, EVF_MFN, 0, 0), 0);
    assert_int_equal(evtchn_expand_array(&dom_a, EVF_MFN + 3), 0);
    p = ipi(&dom_a, 1); /* vCPU 1 has no control block */
    assert_int_equal(evtchn_send(&dom_a, p), 0);
    assert_int_equal(*word(p), PENDING);
    assert_int_equal(evf_vi(&dom_a, 1)->evtchn_upcall_pending, 0);
}

static void test_bind_vcpu_moves_queue(void **state)
{
    unsigned p1, p2, pb;

    (void)state;
    fifo_on();
    p1 = ipi(&dom_a, 0);
    p2 = ipi(&dom_a, 0);
    assert_int_equal(evtchn_send(&dom_a, p1), 0);
    *word(p1) &= ~PENDING; /* consumed but still linked: the tail of vCPU 0's queue */
    assert_int_equal(evtchn_bind_vcpu(&dom_a, p1, 1), -PV_EINVAL); /* an IPI stays */
    assert_int_equal(evtchn_close(&dom_a, p1), 0);
    /* p1 reused as an unbound port moved to vCPU 1: it leaves vCPU 0's queue as its tail. */
    assert_int_equal(evtchn_alloc_unbound(&dom_a, PV_DOMID_SELF, dom_b.domid, &p1), 0);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, p1, 1), 0);
    *word(p1) = 0;
    evf_set_mask(&dom_a, p1, false);
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, p1, &pb), 0);
    assert_int_equal(evtchn_send(&dom_b, pb), 0); /* interdomain: dom_b is 2-level */
    assert_int_equal(cb(1)->head[DEFQ], p1);
    /* vCPU 0's queue no longer ends at p1: p2 starts it afresh. */
    cb(0)->head[DEFQ] = 0;
    assert_int_equal(evtchn_send(&dom_a, p2), 0);
    assert_int_equal(cb(0)->head[DEFQ], p2);
    assert_int_equal(*word(p1) & PV_EVTCHN_FIFO_LINK_MASK, 0);
}

static void test_close_poll_status(void **state)
{
    struct pv_evtchn_status st = {.dom = PV_DOMID_SELF};
    uint32_t ports[1];
    unsigned p;

    (void)state;
    fifo_on();
    p = ipi(&dom_a, 0);
    ports[0] = p;
    *word(p) = MASKED;
    assert_int_equal(evtchn_poll(dom_a.vcpu[0], ports, 1, 0, 0), 0);
    assert_int_equal(evf.sleeps[dom_a.domid][0], 1); /* not pending: it blocks */
    assert_int_equal(evtchn_send(&dom_a, p), 0);
    assert_int_equal(evf.wakes[dom_a.domid][0], 1); /* a masked port wakes its poller */
    assert_int_equal(evtchn_poll(dom_a.vcpu[0], ports, 1, 0, 0), 0);
    assert_int_equal(evf.sleeps[dom_a.domid][0], 1); /* pending: at once */
    st.port = p;
    assert_int_equal(evtchn_status(&dom_a, &st), 0);
    assert_int_equal(st.status, PV_EVTCHNSTAT_ipi);
    assert_int_equal(evtchn_close(&dom_a, p), 0);
    assert_int_equal(*word(p), MASKED); /* no stale edge */
}

static void test_reset_and_teardown(void **state)
{
    unsigned p;

    (void)state;
    fifo_on();
    dom_a.max_evtchns = 5000;
    for (unsigned i = 0; i < 4500; i++)
        ipi(&dom_a, 0); /* past the 2-level ABI's 4095 */
    assert_int_equal(evf.frame_refs, 3);
    assert_int_equal(evtchn_reset(&dom_a, PV_DOMID_SELF, false), 0);
    assert_null(dom_a.evtchn_fifo);
    assert_int_equal(evf.frame_refs, 0);
    /* 2-level again: priorities refused, the shared_info bits used. */
    p = ipi(&dom_a, 0);
    assert_int_equal(evtchn_set_priority(&dom_a, p, 1), -PV_ENOSYS);
    assert_int_equal(evtchn_send(&dom_a, p), 0);
    assert_true(evf_pending(&dom_a, p));
    /* FIFO again, then the domain is destroyed with it (evf_reset checks every frame let go). */
    fifo_on();
    assert_int_equal(evf.frame_refs, 3);
}

static void test_hostile_words(void **state)
{
    unsigned p1, p2, p3;

    (void)state;
    fifo_on();
    p1 = ipi(&dom_a, 0), p2 = ipi(&dom_a, 0), p3 = ipi(&dom_a, 0);
    assert_int_equal(evtchn_send(&dom_a, p1), 0);
    /* The guest scribbles the tail's LINK and BUSY, the head and READY: the hypervisor links
     * only after a word still LINKED, never follows a LINK, and keeps its own tail. */
    *word(p1) = LINKED | BUSY | PV_EVTCHN_FIFO_LINK_MASK;
    cb(0)->head[DEFQ] = 0xffffffff;
    cb(0)->ready = 0xffffffff;
    assert_int_equal(evtchn_send(&dom_a, p2), 0);
    assert_int_equal(*word(p1), LINKED | p2); /* BUSY dropped with the new link */
    memset(evf_frame(3), 0xff, PAGE_SIZE); /* every word: all bits */
    assert_int_equal(evtchn_send(&dom_a, p3), 0); /* already "pending": nothing to do */
    assert_int_equal(evtchn_unmask(&dom_a, p3), 0);
    memset(evf_frame(0), 0xff, PAGE_SIZE);
    assert_int_equal(evtchn_close(&dom_a, p3), 0);
    assert_int_equal(evtchn_send(&dom_a, p2), 0);
}

static long hc(struct domain *d, uint64_t cmd, void *arg, size_t len)
{
    struct vcpu *v = d->vcpu[0];
    long rc;

    memcpy(evf_guest_mem, arg, len);
    rc = hc_event_channel_op(v, (unsigned)cmd, guest_handle_of(EVF_GVA));
    memcpy(arg, evf_guest_mem, len);
    return rc;
}

static void test_hypercalls(void **state)
{
    struct pv_evtchn_init_control ic = {.control_gfn = EVF_MFN, .offset = 8, .vcpu = 2};
    struct pv_evtchn_expand_array ea = {.array_gfn = EVF_MFN + 3};
    struct pv_evtchn_set_priority sp = {.port = 1, .priority = 0};
    unsigned p;

    (void)state;
    assert_int_equal(hc(&dom_a, PV_EVTCHNOP_init_control, &ic, sizeof(ic)), -PV_ENOENT);
    assert_int_equal(ic.link_bits, 0);
    ic.vcpu = 0;
    assert_int_equal(hc(&dom_a, PV_EVTCHNOP_init_control, &ic, sizeof(ic)), 0);
    assert_int_equal(ic.link_bits, PV_EVTCHN_FIFO_LINK_BITS);
    assert_int_equal(hc(&dom_a, PV_EVTCHNOP_expand_array, &ea, sizeof(ea)), 0);
    p = ipi(&dom_a, 0);
    sp.port = p;
    assert_int_equal(hc(&dom_a, PV_EVTCHNOP_set_priority, &sp, sizeof(sp)), 0);
    assert_int_equal(evtchn_send(&dom_a, p), 0);
    assert_int_equal(((struct pv_evtchn_fifo_control_block *)((uint8_t *)evf_frame(0) + 8))->head[0],
                     p);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, evf_setup, evf_teardown)
    const struct CMUnitTest tests[] = {
        T(test_init_control_checks),
        T(test_expand_array_and_priority_checks),
        T(test_queue_order_and_priority),
        T(test_consumed_queue_restarts_at_head),
        T(test_mask_and_unmask),
        T(test_pending_edges_kept),
        T(test_no_control_block_drops),
        T(test_bind_vcpu_moves_queue),
        T(test_close_poll_status),
        T(test_reset_and_teardown),
        T(test_hostile_words),
        T(test_hypercalls),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    evf_reset();
    return rc;
}
