/*
 * Boot test "evt_fifo": the FIFO event channel ABI (docs/porting/events.md).
 *   - Xen 4.17's argument checks in its order while still 2-level: init_control's vCPU (-ENOENT)
 *     before its offset (past the page or misaligned: -EINVAL) before its frame (not ours, or our
 *     page-table root: -EINVAL); expand_array before init_control -EOPNOTSUPP; set_priority
 *     -ENOSYS. None of them switches the domain.
 *   - The kit switches (gk_events_fifo_init: link_bits 17); the VIRQ_TIMER port bound before
 *     keeps working (sleeps end, its count grows); init_control again -EINVAL, expand_array with
 *     the page-table root -EINVAL, set_priority 16 or on a closed port -EINVAL.
 *   - Delivery order: five IPIs to ourselves sent with events masked, at priorities 10, 3, 7, 3
 *     and the default, arrive highest priority first, in sending order within a priority.
 *   - A masked port stays pending and is delivered by EVTCHNOP_unmask.
 *   - EVTCHNOP_reset takes the domain back to 2-level: set_priority -ENOSYS again, and a send
 *     sets the port's bit in shared_info.
 * With "hostile": the domain switches on its own pages and then, for a while, scribbles its
 * event words, LINK fields and control block (all ones, random values, LINKs to ports it does
 * not have) while raising, unmasking, re-prioritising, moving and closing its ports; every
 * hypercall answers, and the evt_pingpong pair beside it (one of them FIFO) must PASS.
 */
#include "bt.h"

#define MS GK_NS_PER_MS

static uint8_t spare[4096] __attribute__((aligned(4096)));
static volatile uint32_t order[8], n_order;

static long op(uint32_t cmd, void *arg)
{
    return gk_hypercall_event_channel_op(cmd, arg);
}

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
    struct pv_evtchn_init_control ic = {.control_gfn = gfn, .offset = offset, .vcpu = vcpu};

    return op(PV_EVTCHNOP_init_control, &ic);
}

static long expand(uint64_t gfn)
{
    struct pv_evtchn_expand_array ea = {.array_gfn = gfn};

    return op(PV_EVTCHNOP_expand_array, &ea);
}

static void checks_on_2level(uint64_t pt_mfn)
{
    const uint32_t last = 4096 - sizeof(struct pv_evtchn_fifo_control_block);
    uint64_t mfn = gk_virt_to_mfn(spare);

    GK_EXPECT_EQ(init_control(0, 4, 99), -PV_ENOENT);      /* vCPU first */
    GK_EXPECT_EQ(init_control(mfn, 4, 32), -PV_ENOENT);
    GK_EXPECT_EQ(init_control(0, last + 8, 0), -PV_EINVAL); /* offset before the frame */
    GK_EXPECT_EQ(init_control(mfn, last + 8, 0), -PV_EINVAL);
    GK_EXPECT_EQ(init_control(mfn, 4, 0), -PV_EINVAL);
    GK_EXPECT_EQ(init_control(mfn, 0xfffffff8u, 0), -PV_EINVAL);
    GK_EXPECT_EQ(init_control(0x7fffffffffULL, 0, 0), -PV_EINVAL); /* not ours */
    GK_EXPECT_EQ(init_control(pt_mfn, 0, 0), -PV_EINVAL);         /* not writable */
    GK_EXPECT_EQ(expand(mfn), -PV_EOPNOTSUPP);
    GK_EXPECT_EQ(gk_event_set_priority(gk_timer_port(), 3), -PV_ENOSYS);
}

static void on_ipi(pv_evtchn_port_t port, void *arg)
{
    (void)arg;
    if (n_order < 8)
        order[n_order++] = port;
}

static void delivery_order(void)
{
    static const uint32_t prio[5] = {10, 3, 7, 3, PV_EVTCHN_FIFO_PRIORITY_DEFAULT};
    uint32_t port[5];

    for (unsigned i = 0; i < 5; i++) {
        GK_ASSERT_EQ(gk_evtchn_bind_ipi(0, &port[i]), 0);
        GK_ASSERT_EQ(gk_event_set_handler(port[i], on_ipi, NULL), 0);
        if (i != 4)
            GK_ASSERT_EQ(gk_event_set_priority(port[i], prio[i]), 0);
    }
    gk_events_mask();
    for (unsigned i = 0; i < 5; i++)
        GK_ASSERT_EQ(gk_event_send(port[i]), 0);
    GK_EXPECT_EQ(n_order, 0);
    gk_events_unmask();
    GK_EXPECT_EQ(n_order, 5);
    GK_EXPECT_EQ(order[0], port[1]);
    GK_EXPECT_EQ(order[1], port[3]);
    GK_EXPECT_EQ(order[2], port[2]);
    GK_EXPECT_EQ(order[3], port[4]);
    GK_EXPECT_EQ(order[4], port[0]);
    /* Masked: pending, not delivered, until EVTCHNOP_unmask. */
    gk_event_mask_port(port[0]);
    GK_ASSERT_EQ(gk_event_send(port[0]), 0);
    GK_EXPECT(gk_event_pending(port[0]));
    GK_EXPECT_EQ(n_order, 5);
    GK_ASSERT_EQ(gk_event_unmask_port(port[0]), 0);
    GK_EXPECT_EQ(n_order, 6);
    GK_EXPECT_EQ(order[5], port[0]);
    GK_EXPECT(!gk_event_pending(port[0]));
    for (unsigned i = 0; i < 5; i++)
        GK_EXPECT_EQ(gk_evtchn_close(port[i]), 0);
}

static void timer_on_fifo(void)
{
    uint32_t before = gk_event_counts[gk_timer_port()];
    uint64_t t0 = gk_time_now();

    for (unsigned i = 0; i < 5; i++)
        GK_ASSERT_EQ(gk_sleep_ns(20 * MS), 0);
    GK_EXPECT(gk_time_now() - t0 >= 100 * MS);
    GK_EXPECT(gk_event_counts[gk_timer_port()] >= before + 5);
}

static void back_to_2level(void)
{
    struct pv_evtchn_reset rs = {.dom = PV_DOMID_SELF};
    uint32_t port;

    gk_events_mask(); /* the kit's dispatcher is FIFO's: no upcall from here */
    GK_ASSERT_EQ(op(PV_EVTCHNOP_reset, &rs), 0);
    GK_ASSERT_EQ(gk_evtchn_alloc_unbound(PV_DOMID_SELF, &port), 0);
    GK_EXPECT_EQ(gk_event_set_priority(port, 3), -PV_ENOSYS);
    GK_ASSERT_EQ(gk_evtchn_bind_ipi(0, &port), 0);
    GK_ASSERT_EQ(gk_event_send(port), 0);
    GK_EXPECT(gk_shared_info()->evtchn_pending[port / 64] & (1ULL << (port % 64)));
}

/* ---- hostile ---- */

static uint32_t words[1024] __attribute__((aligned(4096)));
static uint64_t rnd = 0x9e3779b97f4a7c15ULL;

static uint32_t next_rand(void)
{
    rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17;
    return (uint32_t)rnd;
}

static void scribble(struct pv_evtchn_fifo_control_block *cb, uint32_t n)
{
    switch (next_rand() % 4) {
    case 0:
        words[next_rand() % n] = 0xffffffffu;
        break;
    case 1: /* LINKED, LINK to anything (ports we do not have, beyond the array) */
        words[next_rand() % n] = (1U << PV_EVTCHN_FIFO_LINKED) | (next_rand() & 0x1ffff);
        break;
    case 2:
        cb->head[next_rand() % 16] = next_rand();
        cb->ready = next_rand();
        break;
    default:
        words[next_rand() % n] = next_rand();
    }
}

static void hostile(void)
{
    struct pv_evtchn_fifo_control_block *cb = (void *)spare;
    uint32_t ports[16], n = 0, rounds = 0;
    uint64_t end;

    gk_events_mask(); /* nothing of ours reads these words: the hypervisor alone is tested */
    GK_ASSERT_EQ(init_control(gk_virt_to_mfn(spare), 0, 0), 0);
    GK_ASSERT_EQ(expand(gk_virt_to_mfn(words)), 0);
    GK_ASSERT_EQ(expand(gk_virt_to_mfn(words)), 0); /* the same page twice: ports 1024-2047 */
    while (n < 16 && gk_evtchn_bind_ipi(0, &ports[n]) == 0)
        n++;
    GK_ASSERT(n == 16);
    for (end = gk_time_now() + 3000 * MS; gk_time_now() < end; rounds++) {
        uint32_t i = next_rand() % n, p = ports[i];

        scribble(cb, 64);
        GK_ASSERT_EQ(gk_event_send(p), 0);
        if (next_rand() % 4 == 0)
            GK_ASSERT_EQ(gk_event_unmask_port(p), 0);
        if (next_rand() % 8 == 0)
            GK_ASSERT_EQ(gk_event_set_priority(p, next_rand() % 16), 0);
        if (next_rand() % 32 == 0) {
            GK_ASSERT_EQ(gk_evtchn_close(p), 0);
            GK_ASSERT_EQ(gk_evtchn_bind_ipi(0, &ports[i]), 0);
        }
    }
    gk_test_log("%u rounds of scribbling on FIFO words and control block", rounds);
}

GK_TEST(evt_fifo)
{
    uint64_t hostile_mode = 0;

    bt_cmdline_uint("hostile", &hostile_mode);
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT(gk_timer_port() != 0);
    checks_on_2level(gk_virt_to_mfn((void *)gk_start_info->pt_base));
    if (hostile_mode) {
        hostile();
        return;
    }
    GK_ASSERT_EQ(gk_events_fifo_init(1), 0);
    GK_EXPECT_EQ(init_control(gk_virt_to_mfn(spare), 0, 0), -PV_EINVAL); /* already */
    GK_EXPECT_EQ(expand(gk_virt_to_mfn((void *)gk_start_info->pt_base)), -PV_EINVAL);
    GK_EXPECT_EQ(gk_event_set_priority(gk_timer_port(), 16), -PV_EINVAL);
    GK_EXPECT_EQ(gk_event_set_priority(900, 3), -PV_EINVAL);
    timer_on_fifo();
    delivery_order();
    back_to_2level();
}
