/* Boot-time domain consoles multiplexed on the serial port. */
#include "conring.h"
#include "console.h"
#include "spinlock.h"
#include "pv-abi/console_io.h"
#include "pv-abi/event_channel.h"
#include "evtchn.h"
#include "paging.h"
#include "testhook.h"

#define SWITCH_CHAR 0x01 /* Ctrl-A, three times in a row */

static unsigned focus_domid;
static unsigned switch_presses;

/* The initial domain has no ring: its input waits here for CONSOLEIO_read (Xen's serial_rx_ring
 * of 128 bytes; bytes arriving while it is full are dropped). */
static char rx_ring[128];
static uint32_t rx_prod, rx_cons;
static spinlock_t rx_lock;

/* Does d take serial input: a running domain with a ring, or the initial domain? */
static bool takes_input(struct domain *d)
{
    return d && d->state == DOM_RUNNING && (d->console_mfn || d->privileged);
}

static void flush_line(struct domain *d)
{
    d->con_line[d->con_len] = '\0';
    testhook_guest_line();
    printk("(d%u) %s\n", d->domid, d->con_line);
    d->con_len = 0;
}

static void write_locked(struct domain *d, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];

        if (c == '\n') {
            flush_line(d);
            continue;
        }
        if (c == '\r')
            continue;
        if ((unsigned char)c < 0x20 && c != '\t')
            c = '?'; /* never pass a guest's control sequences to the operator's terminal */
        d->con_line[d->con_len++] = c;
        if (d->con_len == sizeof(d->con_line) - 1)
            flush_line(d);
    }
}

/* The domain's lock keeps its line buffer and ring indices to one CPU at a time. */
void conring_guest_write(struct domain *d, const char *buf, size_t len)
{
    spin_lock(&d->lock);
    write_locked(d, buf, len);
    spin_unlock(&d->lock);
}

static struct pv_xencons_interface *ring_of(struct domain *d)
{
    return d->console_mfn ? mfn_to_virt(d->console_mfn) : NULL;
}

static void drain_locked(struct domain *d)
{
    struct pv_xencons_interface *ring = ring_of(d);
    uint32_t cons, prod;
    char buf[64];

    if (!ring || d->state != DOM_RUNNING)
        return;
    cons = ring->out_cons;
    prod = __atomic_load_n(&ring->out_prod, __ATOMIC_ACQUIRE);
    if (prod - cons > sizeof(ring->out))
        cons = prod - sizeof(ring->out); /* a guest that lies about its indices loses output */
    while (cons != prod) {
        size_t n = 0;

        while (cons != prod && n < sizeof(buf))
            buf[n++] = ring->out[cons++ & (sizeof(ring->out) - 1)];
        write_locked(d, buf, n);
    }
    __atomic_store_n(&ring->out_cons, cons, __ATOMIC_RELEASE);
}

static void drain(struct domain *d)
{
    spin_lock(&d->lock);
    drain_locked(d);
    spin_unlock(&d->lock);
}

void conring_notify(struct domain *d, unsigned port)
{
    if (d->state == DOM_RUNNING)
        drain(d); /* the ring has room again when the guest's send returns */
}

void conring_drain_all(void)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_by_id(i);

        if (d && d->state == DOM_RUNNING)
            drain(d);
    }
}

static void switch_focus(void)
{
    for (unsigned i = 1; i <= MAX_DOMAINS; i++) {
        unsigned id = (focus_domid + i) % MAX_DOMAINS;
        struct domain *d = domain_by_id(id);

        if (takes_input(d)) {
            focus_domid = id;
            printk("(hv) serial input now goes to domain %u (%s)\n", id, d->name);
            return;
        }
    }
}

/* Every byte raises the global VIRQ_CONSOLE, even one dropped for a full ring (as Xen). */
static void deliver_to_dom0(struct domain *d, char c)
{
    spin_lock(&rx_lock);
    if (rx_prod - rx_cons < sizeof(rx_ring))
        rx_ring[rx_prod++ % sizeof(rx_ring)] = c;
    spin_unlock(&rx_lock);
    evtchn_send_virq(d->vcpu[0], PV_VIRQ_CONSOLE);
}

size_t conring_read(char *buf, size_t len)
{
    size_t n = 0;

    spin_lock(&rx_lock);
    while (n < len && rx_cons != rx_prod)
        buf[n++] = rx_ring[rx_cons++ % sizeof(rx_ring)];
    spin_unlock(&rx_lock);
    return n;
}

static void deliver_input(char c)
{
    struct domain *d = domain_by_id(focus_domid);
    struct pv_xencons_interface *ring = takes_input(d) ? ring_of(d) : NULL;
    uint32_t prod;

    if (takes_input(d) && !ring) {
        deliver_to_dom0(d, c);
        return;
    }
    if (!ring)
        return;
    prod = ring->in_prod;
    if (prod - ring->in_cons >= sizeof(ring->in))
        return; /* ring full: the byte is dropped */
    ring->in[prod & (sizeof(ring->in) - 1)] = c;
    __atomic_store_n(&ring->in_prod, prod + 1, __ATOMIC_RELEASE);
    evtchn_notify_hv_port(d, d->console_evtchn);
}

void conring_poll_input(void)
{
    int c;

    while ((c = console_getc()) >= 0) {
        if (c == SWITCH_CHAR && ++switch_presses == 3) {
            switch_presses = 0;
            switch_focus();
            continue;
        }
        if (c != SWITCH_CHAR)
            switch_presses = 0;
        deliver_input((char)c);
    }
}

void conring_attach(struct domain *d, bool focus)
{
    if (focus || !domain_by_id(focus_domid))
        focus_domid = d->domid;
}
