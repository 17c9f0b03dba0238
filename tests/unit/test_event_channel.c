/* Unit tests of 2-level event channels: the port state machine (common/event_channel.c), the
 * pending/mask/selector protocol and SCHEDOP_poll (common/event_2l.c), and the EVTCHNOP_* decoder
 * (hypercalls/event_channel.c), on the fakes of evtchn_fake.c. */
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

/* ---- helpers ---- */

static unsigned unbound(struct domain *d, unsigned remote)
{
    unsigned port = 0;

    assert_int_equal(evtchn_alloc_unbound(d, PV_DOMID_SELF, remote, &port), 0);
    assert_true(port > 0);
    return port;
}

/* A channel between a (port *pa) and b (port *pb), b binding to a's unbound port. */
static void connect(struct domain *a, unsigned *pa, struct domain *b, unsigned *pb)
{
    *pa = unbound(a, b->domid);
    assert_int_equal(evtchn_bind_interdomain(b, a->domid, *pa, pb), 0);
    evf_clear_pending(b, *pb); /* the bind raises b's end once; tests start from quiet */
}

static struct pv_evtchn_status status_of(struct domain *caller, unsigned dom, unsigned port)
{
    struct pv_evtchn_status st = {.dom = (uint16_t)dom, .port = port};

    assert_int_equal(evtchn_status(caller, &st), 0);
    return st;
}

static unsigned stat(struct domain *d, unsigned port)
{
    return status_of(d, PV_DOMID_SELF, port).status;
}

static unsigned wakes(const struct domain *d, unsigned vcpu)
{
    return evf.wakes[d->domid][vcpu];
}

/* ---- alloc_unbound ---- */

static void test_alloc_unbound(void **state)
{
    struct pv_evtchn_status st;
    unsigned p1, p2, port = 0;

    (void)state;
    p1 = unbound(&dom_a, dom_b.domid);
    p2 = unbound(&dom_a, PV_DOMID_SELF);
    assert_int_equal(p1, 1); /* port 0 is never handed out */
    assert_int_equal(p2, 2);
    st = status_of(&dom_a, PV_DOMID_SELF, p1);
    assert_int_equal(st.status, PV_EVTCHNSTAT_unbound);
    assert_int_equal(st.vcpu, 0);
    assert_int_equal(st.u.unbound.dom, dom_b.domid);
    /* DOMID_SELF as the remote means the caller. */
    assert_int_equal(status_of(&dom_a, dom_a.domid, p2).u.unbound.dom, dom_a.domid);
    /* The domain's own id works like DOMID_SELF. */
    assert_int_equal(evtchn_alloc_unbound(&dom_a, dom_a.domid, 7, &port), 0);
    assert_int_equal(port, 3);
    assert_int_equal(evf.pages_allocated, 2); /* the bucket table and one bucket so far */
}

static void test_alloc_unbound_errors(void **state)
{
    unsigned port = 0;

    (void)state;
    assert_int_equal(evtchn_alloc_unbound(&dom_a, 42, 0, &port), -PV_ESRCH);
    assert_int_equal(evtchn_alloc_unbound(&dom_a, dom_b.domid, 0, &port), -PV_EPERM);
    assert_int_equal(evf.pages_allocated, 0); /* refused before touching dom_b's table */
    /* A privileged domain allocates in another one; the remote DOMID_SELF is the caller. */
    assert_int_equal(evtchn_alloc_unbound(&dom_p, dom_b.domid, PV_DOMID_SELF, &port), 0);
    assert_int_equal(port, 1);
    assert_int_equal(status_of(&dom_b, PV_DOMID_SELF, 1).u.unbound.dom, dom_p.domid);
    /* A reaped domain no longer exists. */
    dom_b.state = DOM_DEAD;
    assert_int_equal(evtchn_alloc_unbound(&dom_p, dom_b.domid, 0, &port), -PV_ESRCH);
    dom_b.state = DOM_RUNNING;
    assert_int_equal(port, 1);
}

/* ---- bind_interdomain ---- */

static void test_bind_interdomain(void **state)
{
    struct pv_evtchn_status st;
    unsigned pa, pb = 0;

    (void)state;
    unbound(&dom_b, PV_DOMID_SELF); /* so that the two ends get different numbers */
    pa = unbound(&dom_a, dom_b.domid);
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, pa, &pb), 0);
    assert_int_equal(pb, 2);
    st = status_of(&dom_a, PV_DOMID_SELF, pa);
    assert_int_equal(st.status, PV_EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, dom_b.domid);
    assert_int_equal(st.u.interdomain.port, pb);
    st = status_of(&dom_b, PV_DOMID_SELF, pb);
    assert_int_equal(st.status, PV_EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, dom_a.domid);
    assert_int_equal(st.u.interdomain.port, pa);
    /* Xen raises the binding end once (notifications to the unbound port were dropped). */
    assert_true(evf_pending(&dom_b, pb));
    assert_false(evf_pending(&dom_a, pa));
    assert_int_equal(evf_vi(&dom_b, 0)->evtchn_upcall_pending, 1);
}

static void test_bind_interdomain_errors(void **state)
{
    unsigned pa, pother, pb = 0, free_port;

    (void)state;
    pa = unbound(&dom_a, dom_b.domid);
    pother = unbound(&dom_a, dom_p.domid); /* reserved for someone else */
    free_port = pother + 1;
    assert_int_equal(evtchn_bind_interdomain(&dom_b, 42, pa, &pb), -PV_ESRCH);
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, pother, &pb), -PV_EINVAL);
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, free_port, &pb), -PV_EINVAL);
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, 0, &pb), -PV_EINVAL);
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, 4000, &pb), -PV_EINVAL);
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, 0xffffffffu, &pb), -PV_EINVAL);
    /* Bound once, the port is no longer unbound: a second bind is refused. */
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, pa, &pb), 0);
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, pa, &pb), -PV_EINVAL);
    /* The failed binds left no port in use at dom_b. */
    assert_int_equal(stat(&dom_b, pb + 1), PV_EVTCHNSTAT_closed);
    /* A full local table is reported before the bad remote port (Xen's order). */
    dom_b.max_evtchns = pb;
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, 0, &pb), -PV_ENOSPC);
}

static void test_bind_interdomain_loopback(void **state)
{
    unsigned p1, p2 = 0;

    (void)state;
    p1 = unbound(&dom_a, PV_DOMID_SELF);
    assert_int_equal(evtchn_bind_interdomain(&dom_a, PV_DOMID_SELF, p1, &p2), 0);
    assert_int_equal(status_of(&dom_a, PV_DOMID_SELF, p1).u.interdomain.port, p2);
    assert_int_equal(status_of(&dom_a, PV_DOMID_SELF, p2).u.interdomain.port, p1);
    evf_clear_pending(&dom_a, p2);
    assert_int_equal(evtchn_send(&dom_a, p1), 0);
    assert_true(evf_pending(&dom_a, p2));
    assert_false(evf_pending(&dom_a, p1));
    assert_int_equal(evtchn_close(&dom_a, p2), 0);
    assert_int_equal(stat(&dom_a, p1), PV_EVTCHNSTAT_unbound);
    assert_int_equal(status_of(&dom_a, PV_DOMID_SELF, p1).u.unbound.dom, dom_a.domid);
}

/* ---- bind_virq / bind_ipi ---- */

static void test_bind_virq(void **state)
{
    struct pv_evtchn_status st;
    unsigned t0 = 0, t1 = 0, port = 0;

    (void)state;
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 0, &t0), 0);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 1, &t1), 0);
    assert_int_not_equal(t0, t1);
    st = status_of(&dom_a, PV_DOMID_SELF, t1);
    assert_int_equal(st.status, PV_EVTCHNSTAT_virq);
    assert_int_equal(st.vcpu, 1);
    assert_int_equal(st.u.virq, PV_VIRQ_TIMER);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 1, &port), -PV_EEXIST);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_DEBUG, 1, &port), 0);
    /* Closing frees the VIRQ slot for a new bind. */
    assert_int_equal(evtchn_close(&dom_a, t1), 0);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 1, &port), 0);
    assert_int_equal(port, t1);
    /* A per-domain VIRQ: any domain, on vCPU 0 only. */
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_ARGO, 1, &port), -PV_EINVAL);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_ARGO, 0, &port), 0);
}

static void test_bind_virq_errors(void **state)
{
    unsigned port = 0;

    (void)state;
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_NR_VIRQS, 0, &port), -PV_EINVAL);
    assert_int_equal(evtchn_bind_virq(&dom_a, 0xffffffffu, 0, &port), -PV_EINVAL);
    /* Global VIRQs: vCPU 0 only (-EINVAL before the vCPU check), the control domain only. */
    assert_int_equal(evtchn_bind_virq(&dom_p, PV_VIRQ_DOM_EXC, 1, &port), -PV_EINVAL);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_CONSOLE, 5, &port), -PV_EINVAL);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_DOM_EXC, 0, &port), -PV_EBUSY);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_ARCH_0, 0, &port), -PV_EBUSY);
    assert_int_equal(evtchn_bind_virq(&dom_p, PV_VIRQ_DOM_EXC, 0, &port), 0);
    assert_int_equal(evtchn_bind_virq(&dom_p, PV_VIRQ_DOM_EXC, 0, &port), -PV_EEXIST);
    /* Per-vCPU VIRQs on a vCPU that does not exist. */
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 2, &port), -PV_ENOENT);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, MAX_VCPUS, &port), -PV_ENOENT);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 0xffffffffu, &port), -PV_ENOENT);
    assert_int_equal(evf.pages_allocated, 2); /* dom_p's table and bucket only */
}

static void test_bind_ipi(void **state)
{
    struct pv_evtchn_status st;
    unsigned port = 0;

    (void)state;
    assert_int_equal(evtchn_bind_ipi(&dom_a, 2, &port), -PV_ENOENT);
    assert_int_equal(evtchn_bind_ipi(&dom_a, 1, &port), 0);
    st = status_of(&dom_a, PV_DOMID_SELF, port);
    assert_int_equal(st.status, PV_EVTCHNSTAT_ipi);
    assert_int_equal(st.vcpu, 1);
    assert_int_equal(evtchn_send(&dom_a, port), 0);
    assert_true(evf_pending(&dom_a, port));
    assert_int_equal(evf_vi(&dom_a, 1)->evtchn_upcall_pending, 1);
    assert_int_equal(evf_vi(&dom_a, 0)->evtchn_upcall_pending, 0);
    assert_int_equal(wakes(&dom_a, 1), 1);
}

/* ---- close ---- */

static void test_close_errors(void **state)
{
    unsigned port;

    (void)state;
    assert_int_equal(evtchn_close(&dom_a, 1), -PV_EINVAL); /* no table yet */
    port = unbound(&dom_a, 0);
    assert_int_equal(evtchn_close(&dom_a, 0), -PV_EINVAL); /* reserved */
    assert_int_equal(evtchn_close(&dom_a, port + 1), -PV_EINVAL);
    assert_int_equal(evtchn_close(&dom_a, 4096), -PV_EINVAL);
    assert_int_equal(evtchn_close(&dom_a, 0xffffffffu), -PV_EINVAL);
    assert_int_equal(evtchn_close(&dom_a, port), 0);
    assert_int_equal(evtchn_close(&dom_a, port), -PV_EINVAL);
    assert_int_equal(stat(&dom_a, port), PV_EVTCHNSTAT_closed);
}

static void test_close_interdomain(void **state)
{
    struct pv_evtchn_status st;
    unsigned pa, pb, again = 0;

    (void)state;
    connect(&dom_a, &pa, &dom_b, &pb);
    assert_int_equal(evtchn_send(&dom_b, pb), 0);
    assert_true(evf_pending(&dom_a, pa));
    /* The closing end is freed, its pending bit cleared; the peer's end is unbound, reserved
     * for the closer, which may bind it again. */
    assert_int_equal(evtchn_close(&dom_a, pa), 0);
    assert_false(evf_pending(&dom_a, pa));
    assert_int_equal(stat(&dom_a, pa), PV_EVTCHNSTAT_closed);
    st = status_of(&dom_b, PV_DOMID_SELF, pb);
    assert_int_equal(st.status, PV_EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, dom_a.domid);
    assert_int_equal(evtchn_send(&dom_b, pb), 0); /* unbound: silently dropped */
    assert_int_equal(evtchn_bind_interdomain(&dom_a, dom_b.domid, pb, &again), 0);
    assert_int_equal(status_of(&dom_b, PV_DOMID_SELF, pb).u.interdomain.port, again);
    /* Closing from the higher domid takes the locks the other way round. */
    assert_int_equal(evtchn_close(&dom_b, pb), 0);
    assert_int_equal(stat(&dom_a, again), PV_EVTCHNSTAT_unbound);
    assert_int_equal(status_of(&dom_a, PV_DOMID_SELF, again).u.unbound.dom, dom_b.domid);
}

/* ---- send ---- */

static void test_send(void **state)
{
    unsigned pa, pb, virq = 0, free_port;

    (void)state;
    connect(&dom_a, &pa, &dom_b, &pb);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, pa, 1), 0);
    assert_int_equal(evtchn_send(&dom_b, pb), 0);
    assert_true(evf_pending(&dom_a, pa));
    assert_false(evf_pending(&dom_b, pb));
    assert_int_equal(evf_vi(&dom_a, 1)->evtchn_pending_sel, 1ULL << (pa / 64));
    assert_int_equal(evf_vi(&dom_a, 1)->evtchn_upcall_pending, 1);
    assert_int_equal(evf_vi(&dom_a, 0)->evtchn_pending_sel, 0);
    assert_int_equal(wakes(&dom_a, 1), 1);
    assert_int_equal(wakes(&dom_a, 0), 0);
    /* Errors: closed, reserved, without storage, VIRQ ports. */
    assert_int_equal(evtchn_bind_virq(&dom_b, PV_VIRQ_TIMER, 0, &virq), 0);
    free_port = virq + 1;
    assert_int_equal(evtchn_send(&dom_b, free_port), -PV_EINVAL);
    assert_int_equal(evtchn_send(&dom_b, 0), -PV_EINVAL);
    assert_int_equal(evtchn_send(&dom_b, 300), -PV_EINVAL);
    assert_int_equal(evtchn_send(&dom_b, virq), -PV_EINVAL);
    assert_false(evf_pending(&dom_b, virq));
}

/* ---- the pending / mask / selector protocol ---- */

static void test_protocol_bits(void **state)
{
    struct pv_vcpu_info *vi = evf_vi(&dom_a, 0);
    unsigned port = 0;

    (void)state;
    dom_a.max_evtchns = 200;
    for (unsigned i = 0; i < 70; i++)
        assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &port), 0);
    assert_int_equal(port, 70); /* word 1, bit 6 */
    /* First raise: pending, selector bit of word 1, upcall, one kick. */
    assert_int_equal(evtchn_send(&dom_a, port), 0);
    assert_true(evf_pending(&dom_a, port));
    assert_int_equal(vi->evtchn_pending_sel, 2);
    assert_int_equal(vi->evtchn_upcall_pending, 1);
    assert_int_equal(wakes(&dom_a, 0), 1);
    /* Already pending: nothing changes, no new kick, even after the guest cleared the rest. */
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    assert_int_equal(evtchn_send(&dom_a, port), 0);
    assert_int_equal(vi->evtchn_pending_sel, 0);
    assert_int_equal(vi->evtchn_upcall_pending, 0);
    assert_int_equal(wakes(&dom_a, 0), 1);
    /* Pending cleared, selector still set: the pending bit only (the guest will scan). */
    evf_clear_pending(&dom_a, port);
    vi->evtchn_pending_sel = 2;
    assert_int_equal(evtchn_send(&dom_a, port), 0);
    assert_true(evf_pending(&dom_a, port));
    assert_int_equal(vi->evtchn_upcall_pending, 0);
    assert_int_equal(wakes(&dom_a, 0), 1);
    /* Selector clear but upcall already pending: selector set, no second kick. */
    evf_clear_pending(&dom_a, port);
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 1;
    assert_int_equal(evtchn_send(&dom_a, port), 0);
    assert_int_equal(vi->evtchn_pending_sel, 2);
    assert_int_equal(wakes(&dom_a, 0), 1);
    /* Another word's port adds its own selector bit. */
    vi->evtchn_upcall_pending = 0;
    assert_int_equal(evtchn_send(&dom_a, 3), 0);
    assert_int_equal(vi->evtchn_pending_sel, 3);
    assert_int_equal(vi->evtchn_upcall_pending, 1);
    assert_int_equal(wakes(&dom_a, 0), 2);
}

static void test_masked_send_and_unmask(void **state)
{
    struct pv_vcpu_info *vi = evf_vi(&dom_a, 0);
    unsigned port = 0;

    (void)state;
    assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &port), 0);
    evf_set_mask(&dom_a, port, true);
    /* Masked: the pending bit latches, no selector, no upcall, no kick. */
    assert_int_equal(evtchn_send(&dom_a, port), 0);
    assert_true(evf_pending(&dom_a, port));
    assert_int_equal(vi->evtchn_pending_sel, 0);
    assert_int_equal(vi->evtchn_upcall_pending, 0);
    assert_int_equal(wakes(&dom_a, 0), 0);
    /* Unmask delivers the latched edge. */
    assert_int_equal(evtchn_unmask(&dom_a, port), 0);
    assert_false(evf_masked(&dom_a, port));
    assert_int_equal(vi->evtchn_pending_sel, 1);
    assert_int_equal(vi->evtchn_upcall_pending, 1);
    assert_int_equal(wakes(&dom_a, 0), 1);
    /* Unmasking a port that was not masked re-raises nothing, pending or not. */
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    assert_int_equal(evtchn_unmask(&dom_a, port), 0);
    assert_int_equal(vi->evtchn_upcall_pending, 0);
    /* Masked and not pending: unmask only clears the mask. */
    evf_clear_pending(&dom_a, port);
    evf_set_mask(&dom_a, port, true);
    assert_int_equal(evtchn_unmask(&dom_a, port), 0);
    assert_false(evf_masked(&dom_a, port));
    assert_int_equal(vi->evtchn_pending_sel, 0);
    /* Masked, pending, selector already set: no new upcall. */
    evf_set_mask(&dom_a, port, true);
    assert_int_equal(evtchn_send(&dom_a, port), 0);
    vi->evtchn_pending_sel = 1;
    assert_int_equal(evtchn_unmask(&dom_a, port), 0);
    assert_int_equal(vi->evtchn_upcall_pending, 0);
    assert_int_equal(wakes(&dom_a, 0), 1);
}

static void test_unmask_targets_and_errors(void **state)
{
    unsigned pa, pb;

    (void)state;
    assert_int_equal(evtchn_unmask(&dom_a, 1), -PV_EINVAL); /* no storage yet */
    connect(&dom_a, &pa, &dom_b, &pb);
    assert_int_equal(evtchn_unmask(&dom_a, 4096), -PV_EINVAL);
    assert_int_equal(evtchn_unmask(&dom_a, 256), -PV_EINVAL);
    /* A port with storage but closed: accepted (Xen checks storage only). */
    assert_int_equal(evtchn_unmask(&dom_a, 200), 0);
    /* The re-raise goes to the port's vCPU. */
    assert_int_equal(evtchn_bind_vcpu(&dom_a, pa, 1), 0);
    evf_set_mask(&dom_a, pa, true);
    assert_int_equal(evtchn_send(&dom_b, pb), 0);
    assert_int_equal(evtchn_unmask(&dom_a, pa), 0);
    assert_int_equal(evf_vi(&dom_a, 1)->evtchn_upcall_pending, 1);
    assert_int_equal(evf_vi(&dom_a, 0)->evtchn_upcall_pending, 0);
}

/* ---- status ---- */

static void test_status(void **state)
{
    struct pv_evtchn_status st = {.dom = PV_DOMID_SELF, .port = 1};
    unsigned pa, pb;

    (void)state;
    assert_int_equal(evtchn_status(&dom_a, &st), -PV_EINVAL); /* no storage yet */
    connect(&dom_a, &pa, &dom_b, &pb);
    st.dom = 42;
    assert_int_equal(evtchn_status(&dom_a, &st), -PV_ESRCH);
    st = (struct pv_evtchn_status){.dom = PV_DOMID_SELF, .port = 256};
    assert_int_equal(evtchn_status(&dom_a, &st), -PV_EINVAL);
    assert_int_equal(stat(&dom_a, 0), PV_EVTCHNSTAT_closed); /* reserved reads as closed */
    assert_int_equal(stat(&dom_a, 255), PV_EVTCHNSTAT_closed);
    /* Another domain's port: the port is checked before the permission (Xen's order). */
    st = (struct pv_evtchn_status){.dom = dom_b.domid, .port = 300};
    assert_int_equal(evtchn_status(&dom_a, &st), -PV_EINVAL);
    st.port = pb;
    assert_int_equal(evtchn_status(&dom_a, &st), -PV_EPERM);
    st = status_of(&dom_p, dom_b.domid, pb);
    assert_int_equal(st.status, PV_EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, dom_a.domid);
    assert_int_equal(st.u.interdomain.port, pa);
    /* vcpu follows bind_vcpu. */
    assert_int_equal(evtchn_bind_vcpu(&dom_a, pa, 1), 0);
    assert_int_equal(status_of(&dom_a, PV_DOMID_SELF, pa).vcpu, 1);
}

/* ---- bind_vcpu ---- */

static void test_bind_vcpu(void **state)
{
    unsigned ub, pa, pb, timer = 0, ipi = 0, argo = 0;

    (void)state;
    ub = unbound(&dom_a, dom_b.domid);
    connect(&dom_a, &pa, &dom_b, &pb);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 0, &timer), 0);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_ARGO, 0, &argo), 0);
    assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &ipi), 0);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, ub, 1), 0);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, pa, 1), 0);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, argo, 1), 0);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, timer, 1), -PV_EINVAL);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, ipi, 1), -PV_EINVAL);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, 0, 1), -PV_EINVAL);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, ipi + 1, 1), -PV_EINVAL);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, 999, 1), -PV_EINVAL);
    /* The vCPU is checked first. */
    assert_int_equal(evtchn_bind_vcpu(&dom_a, 999, 2), -PV_ENOENT);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, pa, 2), -PV_ENOENT);
    assert_int_equal(status_of(&dom_a, PV_DOMID_SELF, ub).vcpu, 1);
    assert_int_equal(status_of(&dom_a, PV_DOMID_SELF, timer).vcpu, 0);
    /* A moved per-domain VIRQ is still closed from vCPU 0's table. */
    assert_int_equal(evtchn_close(&dom_a, argo), 0);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_ARGO, 0, &argo), 0);
}

/* ---- VIRQs raised by the hypervisor ---- */

static void test_send_virq(void **state)
{
    unsigned t1 = 0, argo = 0;

    (void)state;
    assert_int_equal(evtchn_send_virq(dom_a.vcpu[0], PV_VIRQ_TIMER), -PV_ENOENT);
    assert_int_equal(evtchn_send_virq(dom_a.vcpu[0], PV_NR_VIRQS), -PV_EINVAL);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 1, &t1), 0);
    assert_int_equal(evtchn_send_virq(dom_a.vcpu[0], PV_VIRQ_TIMER), -PV_ENOENT);
    assert_int_equal(evtchn_send_virq(dom_a.vcpu[1], PV_VIRQ_TIMER), 0);
    assert_true(evf_pending(&dom_a, t1));
    assert_int_equal(evf_vi(&dom_a, 1)->evtchn_upcall_pending, 1);
    /* A per-domain VIRQ is found at vCPU 0 and raised where bind_vcpu moved it. */
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_ARGO, 0, &argo), 0);
    assert_int_equal(evtchn_bind_vcpu(&dom_a, argo, 1), 0);
    evf_vi(&dom_a, 1)->evtchn_pending_sel = 0;
    assert_int_equal(evtchn_send_virq(dom_a.vcpu[1], PV_VIRQ_ARGO), 0);
    assert_true(evf_pending(&dom_a, argo));
    assert_int_equal(evf_vi(&dom_a, 1)->evtchn_pending_sel, 1);
    assert_int_equal(evf_vi(&dom_a, 0)->evtchn_pending_sel, 0);
}

/* ---- hypervisor-served ports ---- */

static void test_hv_port(void **state)
{
    struct pv_evtchn_status st;
    int port;

    (void)state;
    port = evtchn_alloc_hv_port(&dom_a, evf_notify);
    assert_int_equal(port, 1);
    st = status_of(&dom_a, PV_DOMID_SELF, (unsigned)port);
    assert_int_equal(st.status, PV_EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, PV_DOMID_XEN);
    assert_int_equal(st.u.interdomain.port, 0);
    /* A guest send reaches the hypervisor, nothing is raised at the guest. */
    assert_int_equal(evtchn_send(&dom_a, (unsigned)port), 0);
    assert_int_equal(evf.notify_calls, 1);
    assert_ptr_equal(evf.notify_dom, &dom_a);
    assert_int_equal(evf.notify_port, port);
    assert_false(evf_pending(&dom_a, (unsigned)port));
    /* The hypervisor raises the guest's end, on the vCPU it was moved to. */
    assert_int_equal(evtchn_bind_vcpu(&dom_a, (unsigned)port, 1), 0);
    evtchn_notify_hv_port(&dom_a, (unsigned)port);
    assert_true(evf_pending(&dom_a, (unsigned)port));
    assert_int_equal(evf_vi(&dom_a, 1)->evtchn_upcall_pending, 1);
    /* Nobody else can bind to it. */
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, (unsigned)port, &st.port),
                     -PV_EINVAL);
    /* Closed by the guest: notifications are dropped, even once the number is reused. */
    assert_int_equal(evtchn_close(&dom_a, (unsigned)port), 0);
    evtchn_notify_hv_port(&dom_a, (unsigned)port);
    assert_false(evf_pending(&dom_a, (unsigned)port));
    assert_int_equal(unbound(&dom_a, 0), (unsigned)port);
    evtchn_notify_hv_port(&dom_a, (unsigned)port);
    assert_false(evf_pending(&dom_a, (unsigned)port));
    evtchn_notify_hv_port(&dom_a, 0);
    evtchn_notify_hv_port(&dom_a, 5000);
    assert_int_equal(evf.notify_calls, 1);
    /* The builder's errors: a full table. */
    dom_b.max_evtchns = 1;
    assert_int_equal(evtchn_alloc_hv_port(&dom_b, evf_notify), 1);
    assert_int_equal(evtchn_alloc_hv_port(&dom_b, evf_notify), -PV_ENOSPC);
}

/* ---- capacity ---- */

static void test_exhaustion_default_limit(void **state)
{
    unsigned port = 0;

    (void)state;
    for (unsigned i = 1; i <= EVTCHN_DEFAULT_MAX_PORT; i++) {
        assert_int_equal(evtchn_alloc_unbound(&dom_a, PV_DOMID_SELF, 0, &port), 0);
        assert_int_equal(port, i);
    }
    assert_int_equal(evtchn_alloc_unbound(&dom_a, PV_DOMID_SELF, 0, &port), -PV_ENOSPC);
    assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &port), -PV_ENOSPC);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 0, &port), -PV_ENOSPC);
    assert_int_equal(evf.pages_allocated, 5); /* the table, ports 0-1023 */
    /* A closed port is handed out again, lowest first. */
    assert_int_equal(evtchn_close(&dom_a, 500), 0);
    assert_int_equal(evtchn_close(&dom_a, 7), 0);
    assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &port), 0);
    assert_int_equal(port, 7);
    assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &port), 0);
    assert_int_equal(port, 500);
}

static void test_exhaustion_abi_limit(void **state)
{
    unsigned port = 0;

    (void)state;
    dom_a.max_evtchns = 100000; /* clamped to the 2-level ABI: ports 1-4095 */
    for (unsigned i = 1; i < PV_EVTCHN_2L_NR_CHANNELS; i++)
        assert_int_equal(evtchn_alloc_unbound(&dom_a, PV_DOMID_SELF, 0, &port), 0);
    assert_int_equal(port, PV_EVTCHN_2L_NR_CHANNELS - 1);
    assert_int_equal(evtchn_alloc_unbound(&dom_a, PV_DOMID_SELF, 0, &port), -PV_ENOSPC);
    assert_int_equal(evf.pages_live, PV_EVTCHN_2L_NR_CHANNELS / EVTCHN_PORTS_PER_BUCKET + 1);
    /* The last port uses the last word and selector bit. */
    assert_int_equal(evtchn_close(&dom_a, port), 0);
    assert_int_equal(evtchn_bind_ipi(&dom_a, 1, &port), 0);
    assert_int_equal(evtchn_send(&dom_a, port), 0);
    assert_int_equal(evf_vi(&dom_a, 1)->evtchn_pending_sel, 1ULL << 63);
}

static void test_exhaustion_small_limit_and_nomem(void **state)
{
    unsigned port = 0;

    (void)state;
    dom_a.max_evtchns = 3;
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &port), 0);
    assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &port), -PV_ENOSPC);
    /* Out of memory for the next bucket. */
    dom_b.max_evtchns = 1000;
    evf.page_fail_after = 2; /* the table and the first bucket */
    for (unsigned i = 1; i < EVTCHN_PORTS_PER_BUCKET; i++)
        assert_int_equal(evtchn_bind_ipi(&dom_b, 0, &port), 0);
    assert_int_equal(evtchn_bind_ipi(&dom_b, 0, &port), -PV_ENOMEM);
    assert_int_equal(evtchn_alloc_hv_port(&dom_b, evf_notify), -PV_ENOMEM);
    evf.page_fail_after = -1;
    assert_int_equal(evtchn_bind_ipi(&dom_b, 0, &port), 0);
    assert_int_equal(port, EVTCHN_PORTS_PER_BUCKET);
}

/* ---- reset and destroy ---- */

static void test_reset(void **state)
{
    unsigned pa, pb, ipi = 0, timer = 0, hv;

    (void)state;
    connect(&dom_a, &pa, &dom_b, &pb);
    assert_int_equal(evtchn_bind_ipi(&dom_a, 1, &ipi), 0);
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 1, &timer), 0);
    hv = (unsigned)evtchn_alloc_hv_port(&dom_a, evf_notify);
    assert_int_equal(evtchn_send(&dom_a, ipi), 0);
    assert_int_equal(evtchn_reset(&dom_a, 42, false), -PV_ESRCH);
    assert_int_equal(evtchn_reset(&dom_b, dom_a.domid, false), -PV_EPERM);
    assert_int_equal(evtchn_reset(&dom_a, PV_DOMID_SELF, true), -PV_EBUSY);
    assert_int_equal(stat(&dom_a, pa), PV_EVTCHNSTAT_interdomain);
    assert_int_equal(evtchn_reset(&dom_a, PV_DOMID_SELF, false), 0);
    for (unsigned p = 0; p < 256; p++)
        assert_int_equal(stat(&dom_a, p), PV_EVTCHNSTAT_closed);
    assert_false(evf_pending(&dom_a, ipi));
    assert_int_equal(stat(&dom_b, pb), PV_EVTCHNSTAT_unbound);
    (void)hv;
    /* The VIRQ slots were released, the table is reusable. */
    assert_int_equal(evtchn_bind_virq(&dom_a, PV_VIRQ_TIMER, 1, &timer), 0);
    assert_int_equal(timer, 1);
    /* A privileged domain resets another one. */
    assert_int_equal(evtchn_reset(&dom_p, dom_b.domid, false), 0);
    assert_int_equal(stat(&dom_b, pb), PV_EVTCHNSTAT_closed);
}

static void test_destroy_with_live_channels(void **state)
{
    struct pv_evtchn_status st = {.dom = PV_DOMID_SELF};
    unsigned pa, pb, pa2, pp, port = 0;

    (void)state;
    connect(&dom_a, &pa, &dom_b, &pb);  /* dom_b is the higher domid */
    connect(&dom_p, &pp, &dom_b, &pa2); /* and the lower one here */
    unbound(&dom_b, dom_a.domid);
    assert_int_equal(evtchn_bind_virq(&dom_b, PV_VIRQ_TIMER, 0, &port), 0);
    assert_int_equal(evf.pages_live, 6);
    evtchn_destroy(&dom_b);
    assert_int_equal(evf.pages_live, 4); /* dom_b's table and bucket are freed */
    st = status_of(&dom_a, PV_DOMID_SELF, pa);
    assert_int_equal(st.status, PV_EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, dom_b.domid);
    assert_int_equal(stat(&dom_p, pp), PV_EVTCHNSTAT_unbound);
    /* Sending to the vanished peer is dropped; nothing of dom_b is touched. */
    assert_int_equal(evtchn_send(&dom_a, pa), 0);
    assert_false(evf_pending(&dom_b, pb));
    /* dom_b has no ports and gets none. */
    st.port = pb;
    assert_int_equal(evtchn_status(&dom_b, &st), -PV_EINVAL);
    assert_int_equal(evtchn_alloc_unbound(&dom_b, PV_DOMID_SELF, 0, &port), -PV_EINVAL);
    assert_int_equal(evtchn_bind_interdomain(&dom_b, dom_a.domid, pa, &port), -PV_EINVAL);
    assert_int_equal(evtchn_alloc_hv_port(&dom_b, evf_notify), -PV_EINVAL);
    assert_int_equal(evf.pages_live, 4);
    assert_int_equal(evtchn_close(&dom_b, pb), -PV_EINVAL);
    evtchn_notify_hv_port(&dom_b, pb);
    /* Once reaped the domain is gone for everyone. */
    dom_b.state = DOM_DEAD;
    assert_int_equal(evtchn_bind_interdomain(&dom_a, dom_b.domid, 1, &port), -PV_ESRCH);
    st = (struct pv_evtchn_status){.dom = dom_b.domid, .port = 1};
    assert_int_equal(evtchn_status(&dom_p, &st), -PV_ESRCH);
}

/* ---- FIFO ABI ---- */

static void test_set_priority(void **state)
{
    unsigned port;

    (void)state;
    assert_int_equal(evtchn_set_priority(&dom_a, 1, 7), -PV_EINVAL);
    port = unbound(&dom_a, 0);
    assert_int_equal(evtchn_set_priority(&dom_a, port, 7), -PV_ENOSYS);
    assert_int_equal(evtchn_set_priority(&dom_a, 256, 7), -PV_EINVAL);
}

/* ---- SCHEDOP_poll ---- */

static void test_poll_returns_at_once(void **state)
{
    struct vcpu *v = dom_a.vcpu[0];
    uint32_t ports[3];

    (void)state;
    ports[0] = unbound(&dom_a, 0);
    ports[1] = unbound(&dom_a, 0);
    ports[2] = 300; /* no storage */
    assert_int_equal(evtchn_poll(v, ports, 3, 0, 0), -PV_EINVAL);
    assert_int_equal(evtchn_poll(v, &ports[2], 1, 0, 0), -PV_EINVAL);
    /* A pending port ahead of the bad one wins (checked in order). */
    assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &ports[1]), 0);
    assert_int_equal(evtchn_send(&dom_a, ports[1]), 0);
    assert_int_equal(evtchn_poll(v, ports, 3, 0, 0), 0);
    assert_int_equal(evf.sleeps[dom_a.domid][0], 0);
    /* An upcall that would be delivered returns at once too. */
    evf_clear_pending(&dom_a, ports[1]);
    evf_vi(&dom_a, 0)->evtchn_upcall_pending = 1;
    evf_vi(&dom_a, 0)->evtchn_upcall_mask = 0;
    assert_int_equal(evtchn_poll(v, ports, 2, 0, 0), 0);
    assert_int_equal(evf.sleeps[dom_a.domid][0], 0);
    /* Masked upcalls do not count; a deadline already past returns 0 without sleeping. */
    evf_vi(&dom_a, 0)->evtchn_upcall_mask = 1;
    assert_int_equal(evtchn_poll(v, ports, 2, 1000, 1000), 0);
    assert_int_equal(evtchn_poll(v, ports, 2, 5, 1000), 0);
    assert_int_equal(evf.sleeps[dom_a.domid][0], 0);
    assert_false(v->polling);
}

static void test_poll_one_port(void **state)
{
    struct vcpu *v = dom_a.vcpu[0];
    uint32_t polled;
    unsigned other = 0;

    (void)state;
    v->run_state = VCPU_RUNNABLE;
    assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &polled), 0);
    assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &other), 0);
    evf_set_mask(&dom_a, polled, true);
    evf_set_mask(&dom_a, other, true);
    assert_int_equal(evtchn_poll(v, &polled, 1, 0, 0), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    assert_int_equal(v->poll_evtchn, (int)polled);
    /* Another masked port does not end the poll... */
    assert_int_equal(evtchn_send(&dom_a, other), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    /* ...the polled one does, masked or not, with no upcall marked. */
    assert_int_equal(evtchn_send(&dom_a, polled), 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    assert_false(v->polling);
    assert_int_equal(evf_vi(&dom_a, 0)->evtchn_upcall_pending, 0);
    /* An unmasked port marks an upcall, which ends any poll (Xen's vcpu_kick). */
    evf_clear_pending(&dom_a, polled);
    evf_set_mask(&dom_a, other, false);
    evf_clear_pending(&dom_a, other);
    assert_int_equal(evtchn_poll(v, &polled, 1, 0, 0), 0);
    assert_int_equal(evtchn_send(&dom_a, other), 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    assert_false(v->polling);
}

static void test_poll_many_ports_and_timeout(void **state)
{
    struct vcpu *v = dom_a.vcpu[1];
    uint32_t ports[2];
    unsigned third = 0;

    (void)state;
    v->run_state = VCPU_RUNNABLE;
    for (unsigned i = 0; i < 2; i++)
        assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &ports[i]), 0);
    assert_int_equal(evtchn_bind_ipi(&dom_a, 0, &third), 0);
    evf_set_mask(&dom_a, third, true);
    /* With several ports any port of the domain wakes the poller (Xen's poll_evtchn -1). */
    assert_int_equal(evtchn_poll(v, ports, 2, 0, 0), 0);
    assert_int_equal(v->poll_evtchn, -1);
    assert_int_equal(evtchn_send(&dom_a, third), 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    /* Zero ports: sleeps until any event or the deadline. */
    assert_int_equal(evtchn_poll(v, NULL, 0, 5000, 1000), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    assert_int_equal(v->poll_deadline, 5000);
    evtchn_poll_expire(4999);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    evtchn_poll_expire(5000);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    assert_false(v->polling);
    assert_int_equal(v->poll_deadline, 0);
    /* No deadline: the scheduler's check never ends it; a shut-down domain is skipped. */
    assert_int_equal(evtchn_poll(v, ports, 2, 0, 0), 0);
    evtchn_poll_expire(UINT64_MAX);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    assert_int_equal(evtchn_poll(dom_b.vcpu[0], NULL, 0, 10, 0), 0);
    dom_b.state = DOM_SHUTDOWN;
    evtchn_poll_expire(20);
    assert_int_equal(dom_b.vcpu[0]->run_state, VCPU_BLOCKED);
    dom_b.state = DOM_RUNNING;
    evtchn_poll_expire(20);
    assert_int_equal(dom_b.vcpu[0]->run_state, VCPU_RUNNABLE);
}

/* Port 0 (reserved, but a port a poll may name, as in Xen) ends at its deadline like any
 * other: the fuzzing guest (seed 105) once slept for good in such a poll, because 0 also
 * meant "not polling". */
static void test_poll_port_zero_times_out(void **state)
{
    struct vcpu *v = dom_a.vcpu[0];
    uint32_t zero = 0;

    (void)state;
    v->run_state = VCPU_RUNNABLE;
    unbound(&dom_a, 0); /* the first bucket, which holds port 0 */
    assert_int_equal(evtchn_poll(v, &zero, 1, 3000, 1000), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    assert_true(v->polling);
    evtchn_poll_expire(2999);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    evtchn_poll_expire(3000);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    assert_false(v->polling);
}

/* ---- the EVTCHNOP_* decoder ---- */

static long hc(struct domain *d, uint64_t cmd, uint64_t gva)
{
    return hc_event_channel_op(d->vcpu[0], (unsigned)cmd, guest_handle_of(gva));
}

/* Issue cmd with *op (size bytes) in guest memory; copy the result back into *op. */
static long hc_op(struct domain *d, uint64_t cmd, void *op, size_t size)
{
    long rc;

    memcpy(evf_guest_mem, op, size);
    rc = hc(d, cmd, EVF_GVA);
    memcpy(op, evf_guest_mem, size);
    return rc;
}

static void test_hypercall_round_trips(void **state)
{
    struct pv_evtchn_alloc_unbound au = {.dom = PV_DOMID_SELF, .remote_dom = 2, .port = 99};
    struct pv_evtchn_bind_interdomain bi = {.remote_dom = 1, .remote_port = 1, .local_port = 9};
    struct pv_evtchn_status st = {.dom = PV_DOMID_SELF, .port = 1};
    struct pv_evtchn_bind_virq bv = {.virq = PV_VIRQ_TIMER, .vcpu = 1};
    struct pv_evtchn_bind_ipi ip = {.vcpu = 0};
    struct pv_evtchn_send sd;
    struct pv_evtchn_close cl;

    (void)state;
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_alloc_unbound, &au, sizeof(au)), 0);
    assert_int_equal(au.port, 1);
    assert_int_equal(hc_op(&dom_b, PV_EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), 0);
    assert_int_equal(bi.local_port, 1);
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_status, &st, sizeof(st)), 0);
    assert_int_equal(st.status, PV_EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, 2);
    assert_int_equal(st.u.interdomain.port, 1);
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_bind_virq, &bv, sizeof(bv)), 0);
    assert_int_equal(bv.port, 2);
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_bind_ipi, &ip, sizeof(ip)), 0);
    assert_int_equal(ip.port, 3);
    sd.port = 1;
    evf_clear_pending(&dom_b, 1);
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_send, &sd, sizeof(sd)), 0);
    assert_true(evf_pending(&dom_b, 1));
    /* Only the low 32 bits of cmd count (Xen's int cmd). */
    cl.port = 3;
    assert_int_equal(hc_op(&dom_a, 0xabcd00000000ULL | PV_EVTCHNOP_close, &cl, sizeof(cl)), 0);
    assert_int_equal(stat(&dom_a, 3), PV_EVTCHNSTAT_closed);
    /* An error leaves the guest's struct untouched. */
    au = (struct pv_evtchn_alloc_unbound){.dom = 42, .port = 77};
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_alloc_unbound, &au, sizeof(au)), -PV_ESRCH);
    assert_int_equal(au.port, 77);
}

static void test_hypercall_errors(void **state)
{
    struct pv_evtchn_alloc_unbound au = {.dom = PV_DOMID_SELF};
    struct pv_evtchn_unmask um = {.port = 1};
    struct pv_evtchn_reset rs = {.dom = PV_DOMID_SELF};
    struct pv_evtchn_init_control ic = {.control_gfn = 5};
    struct pv_evtchn_expand_array ea = {.array_gfn = 5};
    struct pv_evtchn_set_priority sp = {.port = 1, .priority = 3};
    struct pv_evtchn_bind_pirq bp = {.pirq = 1};

    (void)state;
    assert_int_equal(hc(&dom_a, 15, EVF_GVA), -PV_ENOSYS);
    assert_int_equal(hc(&dom_a, 0xffffffffULL, EVF_GVA), -PV_ENOSYS);
    assert_int_equal(hc(&dom_a, PV_EVTCHNOP_send, 0), -PV_EFAULT);
    assert_int_equal(hc(&dom_a, PV_EVTCHNOP_status, EVF_GVA + 4090), -PV_EFAULT);
    /* The op is done even if the result cannot be written back. */
    memcpy(evf_guest_ro, &au, sizeof(au));
    assert_int_equal(hc(&dom_a, PV_EVTCHNOP_alloc_unbound, EVF_GVA_RO), -PV_EFAULT);
    assert_int_equal(stat(&dom_a, 1), PV_EVTCHNSTAT_unbound);
    /* A failed op writes nothing back: its own error, not -EFAULT. */
    au.dom = 42;
    memcpy(evf_guest_ro, &au, sizeof(au));
    assert_int_equal(hc(&dom_a, PV_EVTCHNOP_alloc_unbound, EVF_GVA_RO), -PV_ESRCH);
    /* IN-only ops read a read-only struct fine. */
    memcpy(evf_guest_ro, &um, sizeof(um));
    assert_int_equal(hc(&dom_a, PV_EVTCHNOP_unmask, EVF_GVA_RO), 0);
    /* FIFO: expand_array before init_control, priorities on 2-level, a frame not the domain's. */
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_expand_array, &ea, sizeof(ea)), -PV_EOPNOTSUPP);
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_set_priority, &sp, sizeof(sp)), -PV_ENOSYS);
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_init_control, &ic, sizeof(ic)), -PV_EINVAL);
    assert_int_equal(ic.link_bits, 0); /* a failed op writes nothing back */
    assert_null(dom_a.evtchn_fifo);
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_bind_pirq, &bp, sizeof(bp)), -PV_EPERM);
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_reset_cont, &rs, sizeof(rs)), -PV_EBUSY);
    assert_int_equal(hc_op(&dom_a, PV_EVTCHNOP_reset, &rs, sizeof(rs)), 0);
    assert_int_equal(stat(&dom_a, 1), PV_EVTCHNSTAT_closed);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, evf_setup, evf_teardown)
    const struct CMUnitTest tests[] = {
        T(test_alloc_unbound),
        T(test_alloc_unbound_errors),
        T(test_bind_interdomain),
        T(test_bind_interdomain_errors),
        T(test_bind_interdomain_loopback),
        T(test_bind_virq),
        T(test_bind_virq_errors),
        T(test_bind_ipi),
        T(test_close_errors),
        T(test_close_interdomain),
        T(test_send),
        T(test_protocol_bits),
        T(test_masked_send_and_unmask),
        T(test_unmask_targets_and_errors),
        T(test_status),
        T(test_bind_vcpu),
        T(test_send_virq),
        T(test_hv_port),
        T(test_exhaustion_default_limit),
        T(test_exhaustion_abi_limit),
        T(test_exhaustion_small_limit_and_nomem),
        T(test_reset),
        T(test_destroy_with_live_channels),
        T(test_set_priority),
        T(test_poll_returns_at_once),
        T(test_poll_one_port),
        T(test_poll_many_ports_and_timeout),
        T(test_poll_port_zero_times_out),
        T(test_hypercall_round_trips),
        T(test_hypercall_errors),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
