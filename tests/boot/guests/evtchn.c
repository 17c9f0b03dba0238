/*
 * Boot test "evtchn": event channels end to end, as Xen gives them (xen/common/event_channel.c,
 * event_2l.c, sched/core.c do_poll). Two domains run it, "self=1 peer=2" and "self=2 peer=1".
 * Each first checks what one domain sees alone: its hypervisor-served store and console ports,
 * a loopback channel and an IPI delivered through the event callback, masking and unmask's
 * re-raise, the VIRQ rules, every error, and SCHEDOP_poll's immediate returns. Then the two
 * meet over an interdomain channel: the lower id allocates a port for the other, which binds
 * it; each side blocks in SCHEDOP_poll until the other sends; the lower id closes and the
 * other sees its end unbound, reserved for the closer.
 */
#include "bt.h"

#define NONCANON 0x8000000000000000ULL
#define MAX_WAIT 100000 /* yields before a handshake step counts as lost */
#define NR_COUNTED 64

static uint64_t self_id, peer_id;
static unsigned hits[NR_COUNTED];

static void count(pv_evtchn_port_t port, void *arg)
{
    (void)arg;
    if (port < NR_COUNTED)
        hits[port]++;
}

static long op(unsigned cmd, void *arg)
{
    return gk_hypercall_event_channel_op(cmd, arg);
}

static bool pending(unsigned port)
{
    return __atomic_load_n(&gk_shared_info()->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) &
           (1ULL << (port % 64));
}

static void clear_pending(unsigned port)
{
    __atomic_fetch_and(&gk_shared_info()->evtchn_pending[port / 64], ~(1ULL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static struct pv_evtchn_status status(unsigned dom, unsigned port)
{
    struct pv_evtchn_status st = {.dom = (pv_domid_t)dom, .port = port};

    GK_EXPECT_EQ(op(PV_EVTCHNOP_status, &st), 0);
    return st;
}

static long poll(uint32_t *ports, unsigned nr, uint64_t timeout)
{
    struct pv_sched_poll sp = {
        .ports = (uint64_t)(uintptr_t)ports, .nr_ports = nr, .timeout = timeout};

    return gk_hypercall_sched_op(PV_SCHEDOP_poll, &sp);
}

/* ---- alone ---- */

/* The builder's one port, the console's; its other end is the hypervisor. Nobody serves
 * xenstore, so start_info says so with a store frame and port of 0 (Xen's dom0 before xenstored). */
static void check_special_ports(void)
{
    unsigned console = gk_start_info->console.domU.evtchn;
    struct pv_evtchn_status st = status(PV_DOMID_SELF, console);

    GK_EXPECT_EQ(gk_start_info->store_mfn, 0);
    GK_EXPECT_EQ(gk_start_info->store_evtchn, 0);
    GK_EXPECT_EQ(console, 1);
    GK_EXPECT_EQ(st.status, PV_EVTCHNSTAT_interdomain);
    GK_EXPECT_EQ(st.vcpu, 0);
    GK_EXPECT_EQ(st.u.interdomain.dom, PV_DOMID_XEN);
    GK_EXPECT_EQ(st.u.interdomain.port, 0);
    GK_EXPECT_EQ(status(PV_DOMID_SELF, 0).status, PV_EVTCHNSTAT_closed);
}

/* A channel from the domain to itself, with events delivered by the callback. */
static void check_loopback(void)
{
    struct pv_evtchn_alloc_unbound au = {.dom = PV_DOMID_SELF, .remote_dom = PV_DOMID_SELF};
    struct pv_evtchn_bind_interdomain bi = {.remote_dom = PV_DOMID_SELF};
    struct pv_evtchn_send sd;
    struct pv_evtchn_close cl;
    unsigned p, q;

    GK_ASSERT_EQ(op(PV_EVTCHNOP_alloc_unbound, &au), 0);
    p = au.port;
    GK_ASSERT(p > 1 && p < NR_COUNTED);
    GK_EXPECT_EQ(status(PV_DOMID_SELF, p).u.unbound.dom, self_id);
    bi.remote_port = p;
    GK_ASSERT_EQ(op(PV_EVTCHNOP_bind_interdomain, &bi), 0);
    q = bi.local_port;
    GK_ASSERT(q < NR_COUNTED);
    GK_EXPECT_EQ(status(PV_DOMID_SELF, p).u.interdomain.port, q);
    /* The bind raised q while events were masked: delivered once they are unmasked. */
    gk_event_set_handler(p, count, NULL);
    gk_event_set_handler(q, count, NULL);
    GK_EXPECT(pending(q));
    gk_events_unmask();
    GK_EXPECT_EQ(hits[q], 1);
    sd.port = p;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, &sd), 0); /* delivered on the way back */
    GK_EXPECT_EQ(hits[q], 2);
    sd.port = q;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, &sd), 0);
    GK_EXPECT_EQ(hits[p], 1);
    /* A masked port latches; EVTCHNOP_unmask re-raises it. */
    gk_event_mask_port(q);
    sd.port = p;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, &sd), 0);
    GK_EXPECT_EQ(hits[q], 2);
    GK_EXPECT(pending(q));
    GK_EXPECT_EQ(gk_event_unmask_port(q), 0);
    GK_EXPECT_EQ(hits[q], 3);
    gk_events_mask();
    /* Closing one end leaves the other unbound, reserved for us. */
    cl.port = q;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_close, &cl), 0);
    GK_EXPECT_EQ(status(PV_DOMID_SELF, p).status, PV_EVTCHNSTAT_unbound);
    GK_EXPECT_EQ(op(PV_EVTCHNOP_close, &cl), -PV_EINVAL);
    cl.port = p;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_close, &cl), 0);
}

static void check_ipi_and_virq(void)
{
    struct pv_evtchn_bind_ipi ipi = {.vcpu = 0};
    struct pv_evtchn_bind_virq bv = {.virq = PV_VIRQ_TIMER, .vcpu = 0};
    struct pv_evtchn_bind_vcpu bvc;
    struct pv_evtchn_send sd;
    struct pv_evtchn_close cl;
    unsigned timer;

    GK_ASSERT_EQ(op(PV_EVTCHNOP_bind_ipi, &ipi), 0);
    GK_ASSERT(ipi.port < NR_COUNTED);
    GK_EXPECT_EQ(status(PV_DOMID_SELF, ipi.port).status, PV_EVTCHNSTAT_ipi);
    gk_event_set_handler(ipi.port, count, NULL);
    hits[ipi.port] = 0; /* the number of a closed port comes back */
    gk_events_unmask();
    sd.port = ipi.port;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, &sd), 0);
    GK_EXPECT_EQ(hits[ipi.port], 1);
    gk_events_mask();
    ipi.vcpu = 1;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_bind_ipi, &ipi), -PV_ENOENT);
    GK_ASSERT_EQ(op(PV_EVTCHNOP_bind_virq, &bv), 0);
    timer = bv.port;
    GK_EXPECT_EQ(status(PV_DOMID_SELF, timer).status, PV_EVTCHNSTAT_virq);
    GK_EXPECT_EQ(status(PV_DOMID_SELF, timer).u.virq, PV_VIRQ_TIMER);
    GK_EXPECT_EQ(op(PV_EVTCHNOP_bind_virq, &bv), -PV_EEXIST);
    bv.vcpu = 1;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_bind_virq, &bv), -PV_ENOENT);
    bv = (struct pv_evtchn_bind_virq){.virq = PV_VIRQ_DOM_EXC, .vcpu = 0};
    GK_EXPECT_EQ(op(PV_EVTCHNOP_bind_virq, &bv), -PV_EBUSY); /* global: control domain */
    bv.vcpu = 1;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_bind_virq, &bv), -PV_EINVAL);
    bv = (struct pv_evtchn_bind_virq){.virq = PV_NR_VIRQS, .vcpu = 0};
    GK_EXPECT_EQ(op(PV_EVTCHNOP_bind_virq, &bv), -PV_EINVAL);
    sd.port = timer;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, &sd), -PV_EINVAL);
    bvc = (struct pv_evtchn_bind_vcpu){.port = timer, .vcpu = 0};
    GK_EXPECT_EQ(op(PV_EVTCHNOP_bind_vcpu, &bvc), -PV_EINVAL);
    bvc.vcpu = 1;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_bind_vcpu, &bvc), -PV_ENOENT);
    cl.port = timer;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_close, &cl), 0);
    cl.port = ipi.port;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_close, &cl), 0);
}

static void check_errors(void)
{
    struct pv_evtchn_status st = {.dom = PV_DOMID_SELF, .port = 4096};
    struct pv_evtchn_alloc_unbound au = {.dom = (pv_domid_t)peer_id};
    struct pv_evtchn_init_control ic = {.control_gfn = 1};
    struct pv_evtchn_expand_array ea = {.array_gfn = 1};
    struct pv_evtchn_set_priority sp = {.port = 1, .priority = 7};
    struct pv_evtchn_reset rs = {.dom = PV_DOMID_SELF};
    struct pv_evtchn_bind_pirq bp = {.pirq = 1};
    struct pv_evtchn_send sd = {.port = 0};

    GK_EXPECT_EQ(op(PV_EVTCHNOP_status, &st), -PV_EINVAL);
    st = (struct pv_evtchn_status){.dom = 42, .port = 1};
    GK_EXPECT_EQ(op(PV_EVTCHNOP_status, &st), -PV_ESRCH);
    st.dom = (pv_domid_t)peer_id;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_status, &st), -PV_EPERM);
    GK_EXPECT_EQ(op(PV_EVTCHNOP_alloc_unbound, &au), -PV_EPERM);
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, &sd), -PV_EINVAL);
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, NULL), -PV_EFAULT);
    GK_EXPECT_EQ(op(PV_EVTCHNOP_status, (void *)NONCANON), -PV_EFAULT);
    GK_EXPECT_EQ(op(15, &sd), -PV_ENOSYS);
    GK_EXPECT_EQ(op(PV_EVTCHNOP_expand_array, &ea), -PV_EOPNOTSUPP); /* before init_control */
    GK_EXPECT_EQ(op(PV_EVTCHNOP_init_control, &ic), -PV_EINVAL);      /* frame 1: not ours */
    GK_EXPECT_EQ(op(PV_EVTCHNOP_set_priority, &sp), -PV_ENOSYS);
    GK_EXPECT_EQ(op(PV_EVTCHNOP_bind_pirq, &bp), -PV_EPERM);
    GK_EXPECT_EQ(op(PV_EVTCHNOP_reset_cont, &rs), -PV_EBUSY);
}

/* SCHEDOP_poll's returns without sleeping (events masked, so no upcall counts). */
static void check_poll_at_once(void)
{
    struct pv_evtchn_bind_ipi ipi = {.vcpu = 0};
    struct pv_evtchn_send sd;
    struct pv_evtchn_close cl;
    uint32_t ports[2] = {0, 4000};

    GK_ASSERT_EQ(op(PV_EVTCHNOP_bind_ipi, &ipi), 0);
    ports[0] = ipi.port;
    GK_EXPECT_EQ(poll(ports, 129, 0), -PV_EINVAL);
    GK_EXPECT_EQ(poll((uint32_t *)NONCANON, 1, 0), -PV_EFAULT);
    GK_EXPECT_EQ(poll(&ports[1], 1, 0), -PV_EINVAL);
    GK_EXPECT_EQ(poll(ports, 2, 0), -PV_EINVAL); /* not pending: the bad port is reached */
    GK_EXPECT_EQ(poll(ports, 1, 1), 0);          /* a timeout already past */
    sd.port = ipi.port;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, &sd), 0);
    GK_EXPECT_EQ(poll(ports, 2, 0), 0); /* pending, and ahead of the bad port */
    clear_pending(ipi.port);
    cl.port = ipi.port;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_close, &cl), 0);
}

/* ---- together ---- */

static long yield(void)
{
    return gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
}

/* The lower id: offer a port to the peer, wait for its bind, then answer its send. */
static void handshake_first(void)
{
    struct pv_evtchn_alloc_unbound au = {.dom = PV_DOMID_SELF, .remote_dom = (pv_domid_t)peer_id};
    struct pv_evtchn_send sd;
    struct pv_evtchn_close cl;
    unsigned waits = 0;
    uint32_t port;
    bool slept;

    GK_ASSERT_EQ(op(PV_EVTCHNOP_alloc_unbound, &au), 0);
    port = au.port;
    while (status(PV_DOMID_SELF, port).status != PV_EVTCHNSTAT_interdomain)
        if (++waits > MAX_WAIT || yield())
            GK_ASSERT(!"the peer never bound our port");
    GK_EXPECT_EQ(status(PV_DOMID_SELF, port).u.interdomain.dom, peer_id);
    slept = !pending(port);
    GK_EXPECT_EQ(poll(&port, 1, 0), 0); /* sleeps until the peer sends */
    GK_EXPECT(pending(port));
    clear_pending(port);
    sd.port = port;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, &sd), 0);
    cl.port = port;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_close, &cl), 0);
    gk_test_log("handshake: port %u, %u yields before the bind, poll %s", port, waits,
                slept ? "slept" : "returned at once");
}

/* The higher id: find the port reserved for us, bind it, send, and wait for the answer. */
static void handshake_second(void)
{
    struct pv_evtchn_bind_interdomain bi = {.remote_dom = (pv_domid_t)peer_id};
    struct pv_evtchn_status st;
    struct pv_evtchn_send sd;
    unsigned waits = 0;
    uint32_t port;
    bool slept;

    for (bi.remote_port = 1;; bi.remote_port = bi.remote_port % NR_COUNTED + 1) {
        if (op(PV_EVTCHNOP_bind_interdomain, &bi) == 0)
            break;
        if (++waits > MAX_WAIT || yield())
            GK_ASSERT(!"no port of the peer was ever reserved for us");
    }
    port = bi.local_port;
    GK_EXPECT(pending(port)); /* a bind raises the new end once */
    clear_pending(port);
    for (unsigned i = 0; i < 5; i++)
        yield(); /* let the peer reach its poll, so that our send has to wake it */
    sd.port = port;
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, &sd), 0);
    slept = !pending(port);
    GK_EXPECT_EQ(poll(&port, 1, 0), 0); /* sleeps until the answer */
    GK_EXPECT(pending(port));
    while ((st = status(PV_DOMID_SELF, port)).status != PV_EVTCHNSTAT_unbound)
        if (++waits > MAX_WAIT || yield())
            GK_ASSERT(!"the peer never closed its end");
    GK_EXPECT_EQ(st.u.unbound.dom, peer_id);
    GK_EXPECT_EQ(op(PV_EVTCHNOP_send, &sd), 0); /* unbound: dropped */
    gk_test_log("handshake: bound peer port %u as %u, poll %s", bi.remote_port, port,
                slept ? "slept" : "returned at once");
}

GK_TEST(evtchn)
{
    GK_ASSERT(bt_cmdline_uint("self", &self_id) && bt_cmdline_uint("peer", &peer_id));
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    gk_events_mask();
    check_special_ports();
    check_loopback();
    check_ipi_and_virq();
    check_errors();
    check_poll_at_once();
    if (self_id < peer_id)
        handshake_first();
    else
        handshake_second();
}
