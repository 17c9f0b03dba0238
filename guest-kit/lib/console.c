/* guest-kit: console output through the console ring (domU) and/or console_io. */
#include "internal.h"

#define RING_STALL_LIMIT 10000 /* yields without progress before giving up on the ring */

static enum gk_console_mode mode = GK_CONSOLE_IO;
static struct pv_xencons_interface *ring;
static pv_evtchn_port_t ring_port;

/* The console ring page lies in the start-of-day region: find its pfn through the p2m. */
static struct pv_xencons_interface *find_ring(void)
{
    uint64_t pfn;

    if (gk_is_initdomain() || gk_start_info->console.domU.mfn == 0)
        return NULL;
    pfn = gk_mfn_to_pfn(gk_start_info->console.domU.mfn);
    if (pfn == GK_INVALID_FRAME)
        return NULL;
    return gk_pfn_to_virt(pfn);
}

void gk_console_init(void)
{
    char opt[8];

    ring = find_ring();
    ring_port = gk_start_info->console.domU.evtchn;
    mode = ring ? GK_CONSOLE_RING : GK_CONSOLE_IO;
    if (!gk_cmdline_get("console", opt, sizeof(opt)))
        return;
    if (lib_strcmp(opt, "io") == 0)
        mode = GK_CONSOLE_IO;
    else if (lib_strcmp(opt, "both") == 0 && ring)
        mode = GK_CONSOLE_BOTH;
    else if (lib_strcmp(opt, "ring") == 0 && ring)
        mode = GK_CONSOLE_RING;
}

void gk_console_resume(void)
{
    enum gk_console_mode was = mode;

    gk_console_init(); /* start_info names the ring's new frame and port */
    if (!(was & GK_CONSOLE_RING))
        mode = was; /* a ring given up on stays given up on */
}

static void ring_kick(void)
{
    struct pv_evtchn_send send = {.port = ring_port};

    gk_hypercall_event_channel_op(PV_EVTCHNOP_send, &send);
}

/* Copy what fits into the out ring; returns the bytes taken. */
static size_t ring_put(const char *buf, size_t len)
{
    uint32_t cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
    uint32_t prod = ring->out_prod;
    size_t n = 0;

    while (n < len && prod - cons < sizeof(ring->out))
        ring->out[PV_MASK_XENCONS_IDX(prod++, ring->out)] = buf[n++];
    __atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
    return n;
}

/* Write to the ring, waiting for the backend while it is full. Returns the bytes written:
 * fewer than len if the backend stopped consuming. */
static size_t ring_write(const char *buf, size_t len)
{
    unsigned int stalls = 0;
    size_t done = 0;

    while (done < len) {
        size_t n = ring_put(buf + done, len - done);

        ring_kick();
        done += n;
        if (n)
            stalls = 0;
        else if (++stalls > RING_STALL_LIMIT)
            break;
        else
            gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    }
    return done;
}

static void io_write(const char *buf, size_t len)
{
    gk_hypercall_console_io(PV_CONSOLEIO_write, (unsigned int)len, buf);
}

void gk_console_write(const char *buf, size_t len)
{
    if (mode & GK_CONSOLE_RING) {
        size_t done = ring_write(buf, len);

        if (done < len) {
            mode = GK_CONSOLE_IO; /* nobody drains the ring: use console_io from now on */
            io_write(buf + done, len - done);
            return;
        }
    }
    if (mode & GK_CONSOLE_IO)
        io_write(buf, len);
}

/* Before shutdown: give the backend time to drain the ring; if it never consumes anything,
 * replay what is left through console_io so the output is not lost. */
void gk_console_flush(void)
{
    uint32_t cons, prod;

    if (!(mode & GK_CONSOLE_RING))
        return;
    for (unsigned int i = 0; i < RING_STALL_LIMIT; i++) {
        if (__atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) == ring->out_prod)
            return;
        ring_kick();
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    }
    cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
    for (prod = ring->out_prod; cons != prod;) {
        uint32_t idx = PV_MASK_XENCONS_IDX(cons, ring->out);
        uint32_t chunk = prod - cons;

        if (chunk > sizeof(ring->out) - idx)
            chunk = sizeof(ring->out) - idx;
        io_write(&ring->out[idx], chunk);
        cons += chunk;
    }
}

enum gk_console_mode gk_console_mode(void)
{
    return mode;
}

void *gk_console_ring(void)
{
    return ring;
}
