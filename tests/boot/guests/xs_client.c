/*
 * Boot test "xs_client": a domain built with "xenstore" (docs/boot.md) talks to dom0's xenstored
 * over its store ring, as a Linux domU's xenbus would (docs/xenstore.md). Its start_info names
 * the store page and a port unbound towards dom0, and grant ref 1 of its table gives dom0 the
 * page. It waits (up to 5 minutes: dom0 boots first) for a reply, so dom0 must introduce it;
 * then it reads a node dom0 wrote for it (relative path), writes data/hello, reads it back, and
 * is refused a node outside its home (EACCES). The result line is TEST xs_client PASS|FAIL.
 */
#include "bt.h"
#include "gk/time.h"
#include "pv-abi/io_xenstore.h"
#include "pv-abi/xs_wire.h"

#define WAIT_NS (300 * 1000000000ULL)
#define POLL_NS (10 * 1000000ULL)

static struct pv_xenstore_domain_interface *ring;
static uint32_t port;
static uint64_t deadline;

static uint32_t load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Let time pass without the event machinery: the ring's indexes are the truth. */
static bool wait_more(void)
{
    if (gk_time_now() > deadline)
        return false;
    gk_sleep_ns(POLL_NS);
    return true;
}

static bool put(const char *data, uint32_t len)
{
    while (len) {
        uint32_t prod = load(&ring->req_prod), room = PV_XENSTORE_RING_SIZE - (prod - load(&ring->req_cons));

        if (!room) {
            if (!wait_more())
                return false;
            continue;
        }
        for (; room && len; room--, len--, prod++)
            ring->req[PV_MASK_XENSTORE_IDX(prod)] = *data++;
        __atomic_store_n(&ring->req_prod, prod, __ATOMIC_RELEASE);
        gk_event_send(port);
    }
    return true;
}

static bool get(char *data, uint32_t len)
{
    while (len) {
        uint32_t cons = load(&ring->rsp_cons), avail = load(&ring->rsp_prod) - cons;

        if (!avail) {
            if (!wait_more())
                return false;
            continue;
        }
        for (; avail && len; avail--, len--, cons++)
            *data++ = ring->rsp[PV_MASK_XENSTORE_IDX(cons)];
        __atomic_store_n(&ring->rsp_cons, cons, __ATOMIC_RELEASE);
        gk_event_send(port);
    }
    return true;
}

/* One request; the reply's type and payload (NUL-terminated) in out. -1: no reply in time. */
static int request(uint32_t type, const char *a, const char *b, char *out, uint32_t max)
{
    struct pv_xsd_sockmsg m = {.type = type, .req_id = 7};
    uint32_t la = lib_strlen(a) + 1, lb = b ? lib_strlen(b) : 0;

    m.len = la + lb;
    if (!put((const char *)&m, sizeof(m)) || !put(a, la) || (lb && !put(b, lb)) ||
        !get((char *)&m, sizeof(m)) || m.len >= max || !get(out, m.len))
        return -1;
    out[m.len] = 0;
    return (int)m.type;
}

GK_TEST(xs_client)
{
    const struct pv_start_info *si = gk_start_info;
    char r[256];

    GK_EXPECT(si->store_mfn != 0);
    GK_EXPECT(si->store_evtchn != 0);
    GK_EXPECT_EQ(gk_shared_info_map(), 0); /* the clock */
    if (gk_test_failed())
        return;
    ring = gk_pfn_to_virt(gk_mfn_to_pfn(si->store_mfn)); /* in the start-of-day region */
    port = si->store_evtchn;
    deadline = gk_time_now() + WAIT_NS;
    gk_test_log("xs_client: store port %u, waiting to be introduced", port);
    GK_EXPECT_EQ(request(PV_XS_READ, "from-dom0", NULL, r, sizeof(r)), PV_XS_READ);
    gk_test_log("xs_client: dom0 wrote \"%s\"", r);
    GK_EXPECT(!lib_strcmp(r, "hello-domU"));
    GK_EXPECT_EQ(request(PV_XS_WRITE, "data/hello", "from-domU", r, sizeof(r)), PV_XS_WRITE);
    GK_EXPECT_EQ(request(PV_XS_READ, "data/hello", NULL, r, sizeof(r)), PV_XS_READ);
    GK_EXPECT(!lib_strcmp(r, "from-domU"));
    GK_EXPECT_EQ(request(PV_XS_WRITE, "/local/domain/0/stolen", "x", r, sizeof(r)), PV_XS_ERROR);
    GK_EXPECT(!lib_strcmp(r, "EACCES"));
    GK_EXPECT_EQ(request(PV_XS_READ, "/local/domain/0/name", NULL, r, sizeof(r)), PV_XS_ERROR);
    GK_EXPECT(!lib_strcmp(r, "EACCES"));
}
