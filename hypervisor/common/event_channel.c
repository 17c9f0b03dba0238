/* Event channels: the per-domain port table and the state machine of EVTCHNOP_* (after Xen's
 * xen/common/event_channel.c), with hypervisor-served ports and VIRQ delivery. Delivery is in
 * event_2l.c (and SCHEDOP_poll) and event_fifo.c. */
#include "console.h"
#include "pv-abi/errno.h"
#include "evtchn.h"
#include "pirq.h"
#include "evtchn_table.h"

_Static_assert(sizeof(struct evtchn) * EVTCHN_PORTS_PER_BUCKET == PAGE_SIZE,
               "a bucket is one page");
_Static_assert((EVTCHN_NR_BUCKETS * EVTCHN_PORTS_PER_BUCKET) == PV_EVTCHN_FIFO_NR_CHANNELS,
               "the buckets cover the FIFO ABI");
_Static_assert(EVTCHN_NR_BUCKETS * sizeof(struct evtchn *) == PAGE_SIZE, "a page of buckets");
_Static_assert(EVTCHN_NR_VIRQS == PV_NR_VIRQS, "one VIRQ table slot per VIRQ");

void evtchn_init(struct domain *d)
{
    d->evtchn_lock = (spinlock_t)SPINLOCK_INIT;
    d->max_evtchns = EVTCHN_DEFAULT_MAX_PORT;
}

/* ---- the port table ---- */

/* A domain that exists for event channel purposes: not yet reaped. */
static struct domain *lookup_domain(struct domain *caller, unsigned dom)
{
    struct domain *d = dom == PV_DOMID_SELF ? caller : domain_by_id(dom);

    return d && d->state != DOM_DEAD && d->state != DOM_DEAD_CRASHED ? d : NULL;
}

/* Xen's XSM_TARGET default: a domain acts on itself, a privileged one on any. */
static bool may_act_on(const struct domain *caller, const struct domain *d)
{
    return caller == d || caller->privileged;
}

static int add_bucket(struct domain *d)
{
    unsigned i = d->evtchn_valid / EVTCHN_PORTS_PER_BUCKET;
    struct evtchn *b;

    if (!d->evtchn_bucket && !(d->evtchn_bucket = evtchn_page_alloc()))
        return -PV_ENOMEM;
    if (!(b = evtchn_page_alloc()))
        return -PV_ENOMEM;
    if (i == 0)
        b[0].state = ECS_RESERVED; /* port 0 is never valid */
    d->evtchn_bucket[i] = b;
    d->evtchn_valid += EVTCHN_PORTS_PER_BUCKET;
    return 0;
}

/* The lowest free port of d, with storage for it; -ENOSPC past the domain's limit. */
static int get_free_port(struct domain *d)
{
    unsigned abi = d->evtchn_fifo ? PV_EVTCHN_FIFO_NR_CHANNELS : PV_EVTCHN_2L_NR_CHANNELS;
    unsigned limit = MIN(d->max_evtchns, abi - 1);

    if (d->evtchn_dying)
        return -PV_EINVAL;
    for (unsigned port = 1; port <= limit; port++) {
        int rc = port < d->evtchn_valid ? 0 : add_bucket(d);

        if (rc)
            return rc;
        if (evtchn_chn(d, port)->state == ECS_FREE)
            return (int)port;
    }
    return -PV_ENOSPC;
}

static void free_chn(struct domain *d, struct evtchn *chn, unsigned port)
{
    if (d->evtchn_fifo) /* no stale edge */
        evtchn_fifo_clear_pending(d, port);
    else
        clear_bit64(&d->shared_info->evtchn_pending[port / 64], port % 64);
    *chn = (struct evtchn){.state = ECS_FREE};
}

static enum virq_type { VIRQ_VCPU, VIRQ_DOMAIN, VIRQ_GLOBAL } virq_type(unsigned virq)
{
    switch (virq) {
    case PV_VIRQ_TIMER:
    case PV_VIRQ_DEBUG:
    case PV_VIRQ_XENOPROF:
    case PV_VIRQ_XENPMU:
        return VIRQ_VCPU;
    case PV_VIRQ_ARGO:
        return VIRQ_DOMAIN;
    }
    return VIRQ_GLOBAL; /* the rest, x86's VIRQ_ARCH_* included */
}

/* The vCPU whose VIRQ table holds a virq port: its own for per-vCPU VIRQs, else vCPU 0. */
static struct vcpu *virq_owner(struct domain *d, const struct evtchn *chn)
{
    return d->vcpu[virq_type(chn->u) == VIRQ_VCPU ? chn->notify_vcpu : 0];
}

/* ---- locking ---- */

static void lock_pair(struct domain *a, struct domain *b)
{
    struct domain *lo = a->domid <= b->domid ? a : b, *hi = lo == a ? b : a;

    spin_lock(&lo->evtchn_lock);
    if (hi != lo)
        spin_lock(&hi->evtchn_lock);
}

static void unlock_pair(struct domain *a, struct domain *b)
{
    spin_unlock(&a->evtchn_lock);
    if (b != a)
        spin_unlock(&b->evtchn_lock);
}

static struct domain *peer_of(const struct evtchn *chn)
{
    struct domain *peer = domain_by_id(chn->remote_dom);

    BUG_ON(!peer); /* an interdomain peer is closed before it is reaped */
    return peer;
}

/* Lock d and, if port is interdomain, the peer too (domid order). Returns the port (NULL if it
 * has no storage) and the peer (d itself otherwise); release with unlock_pair(d, *peer). */
static struct evtchn *lock_with_peer(struct domain *d, unsigned port, struct domain **peer)
{
    for (;;) {
        struct evtchn *chn;
        struct domain *p;

        spin_lock(&d->evtchn_lock);
        chn = evtchn_chn(d, port);
        *peer = d;
        if (!chn || chn->state != ECS_INTERDOMAIN)
            return chn;
        p = peer_of(chn);
        if (p == d || p->domid > d->domid) {
            if (p != d)
                spin_lock(&p->evtchn_lock); /* a higher domid comes second: in order */
            *peer = p;
            return chn;
        }
        spin_unlock(&d->evtchn_lock);
        lock_pair(d, p);
        chn = evtchn_chn(d, port);
        if (chn && chn->state == ECS_INTERDOMAIN && chn->remote_dom == p->domid) {
            *peer = p;
            return chn;
        }
        unlock_pair(d, p); /* closed or rebound meanwhile: look again */
    }
}

/* ---- EVTCHNOP_* ---- */

int evtchn_alloc_unbound(struct domain *caller, unsigned dom, unsigned remote_dom, unsigned *port)
{
    struct domain *d = lookup_domain(caller, dom);
    int p;

    if (!d)
        return -PV_ESRCH;
    if (!may_act_on(caller, d))
        return -PV_EPERM;
    spin_lock(&d->evtchn_lock);
    p = get_free_port(d);
    if (p > 0) {
        *evtchn_chn(d, (unsigned)p) = (struct evtchn){
            .state = ECS_UNBOUND,
            .remote_dom = remote_dom == PV_DOMID_SELF ? caller->domid : (uint16_t)remote_dom};
        *port = (unsigned)p;
    }
    spin_unlock(&d->evtchn_lock);
    return p < 0 ? p : 0;
}

/* Connect lport of ld to rport of rd (both locked, both checked). */
static void connect(struct domain *ld, unsigned lport, struct domain *rd, unsigned rport)
{
    struct evtchn *lchn = evtchn_chn(ld, lport), *rchn = evtchn_chn(rd, rport);

    *lchn = (struct evtchn){.state = ECS_INTERDOMAIN, .remote_dom = rd->domid, .u = rport};
    rchn->state = ECS_INTERDOMAIN;
    rchn->remote_dom = ld->domid;
    rchn->u = lport;
    /* Notifications sent to the unbound end were dropped: raise the new end once, as Xen. */
    evtchn_set_pending(ld->vcpu[lchn->notify_vcpu], lport);
}

int evtchn_bind_interdomain(struct domain *caller, unsigned remote_dom, unsigned remote_port,
                            unsigned *port)
{
    struct domain *rd = lookup_domain(caller, remote_dom);
    const struct evtchn *rchn;
    int lport;

    if (!rd)
        return -PV_ESRCH;
    lock_pair(caller, rd);
    lport = get_free_port(caller);
    rchn = evtchn_chn(rd, remote_port);
    if (lport > 0 && (!rchn || rchn->state != ECS_UNBOUND || rchn->remote_dom != caller->domid))
        lport = -PV_EINVAL; /* only a port reserved for us by alloc_unbound */
    if (lport > 0) {
        connect(caller, (unsigned)lport, rd, remote_port);
        *port = (unsigned)lport;
    }
    unlock_pair(caller, rd);
    return lport < 0 ? lport : 0;
}

int evtchn_bind_virq(struct domain *caller, unsigned virq, unsigned vcpu, unsigned *port)
{
    struct domain *d = caller;
    struct vcpu *v;
    int p;

    if (virq >= PV_NR_VIRQS || (virq_type(virq) != VIRQ_VCPU && vcpu != 0))
        return -PV_EINVAL;
    if (vcpu >= d->nr_vcpus || !(v = d->vcpu[vcpu]))
        return -PV_ENOENT;
    spin_lock(&d->evtchn_lock);
    if (virq_type(virq) == VIRQ_GLOBAL && !d->privileged)
        p = -PV_EBUSY; /* a global VIRQ goes to its handler: the control domain */
    else if (v->virq_to_evtchn[virq])
        p = -PV_EEXIST;
    else
        p = get_free_port(d);
    if (p > 0) {
        *evtchn_chn(d, (unsigned)p) =
            (struct evtchn){.state = ECS_VIRQ, .notify_vcpu = (uint8_t)vcpu, .u = virq};
        v->virq_to_evtchn[virq] = (uint16_t)p;
        *port = (unsigned)p;
    }
    spin_unlock(&d->evtchn_lock);
    return p < 0 ? p : 0;
}

int evtchn_bind_ipi(struct domain *caller, unsigned vcpu, unsigned *port)
{
    struct domain *d = caller;
    int p;

    if (vcpu >= d->nr_vcpus || !d->vcpu[vcpu])
        return -PV_ENOENT;
    spin_lock(&d->evtchn_lock);
    p = get_free_port(d);
    if (p > 0) {
        *evtchn_chn(d, (unsigned)p) =
            (struct evtchn){.state = ECS_IPI, .notify_vcpu = (uint8_t)vcpu};
        *port = (unsigned)p;
    }
    spin_unlock(&d->evtchn_lock);
    return p < 0 ? p : 0;
}

/* Close a bound port of d (d and, for interdomain, peer locked): the peer's end becomes
 * unbound, reserved for d again, as Xen. */
static void close_locked(struct domain *d, struct evtchn *chn, unsigned port, struct domain *peer)
{
    struct evtchn *rchn;

    switch (chn->state) {
    case ECS_VIRQ:
        virq_owner(d, chn)->virq_to_evtchn[chn->u] = 0;
        break;
    case ECS_INTERDOMAIN:
        rchn = evtchn_chn(peer, chn->u);
        BUG_ON(!rchn || rchn->state != ECS_INTERDOMAIN || rchn->remote_dom != d->domid ||
               rchn->u != port);
        rchn->state = ECS_UNBOUND;
        rchn->u = 0;
        break;
    }
    free_chn(d, chn, port);
}

static bool is_open(const struct evtchn *chn)
{
    return chn && chn->state != ECS_FREE && chn->state != ECS_RESERVED;
}

int evtchn_close(struct domain *caller, unsigned port)
{
    struct domain *peer;
    struct evtchn *chn = lock_with_peer(caller, port, &peer);
    int rc = is_open(chn) ? 0 : -PV_EINVAL;

    if (!rc)
        close_locked(caller, chn, port, peer);
    unlock_pair(caller, peer);
    return rc;
}

int evtchn_send(struct domain *caller, unsigned port)
{
    struct domain *peer;
    struct evtchn *chn = lock_with_peer(caller, port, &peer);
    evtchn_hv_notify_fn *hv = NULL;
    int rc = 0;

    switch (chn ? chn->state : ECS_FREE) {
    case ECS_INTERDOMAIN:
        evtchn_set_pending(peer->vcpu[evtchn_chn(peer, chn->u)->notify_vcpu], chn->u);
        break;
    case ECS_IPI:
        evtchn_set_pending(caller->vcpu[chn->notify_vcpu], port);
        break;
    case ECS_UNBOUND:
        break; /* nobody to notify yet: dropped, as Xen */
    case ECS_HV:
        hv = chn->notify;
        break;
    default:
        rc = -PV_EINVAL; /* closed, reserved, or a VIRQ (only the hypervisor raises those) */
    }
    unlock_pair(caller, peer);
    if (hv)
        hv(caller, port);
    return rc;
}

static void fill_status(const struct evtchn *chn, struct pv_evtchn_status *st)
{
    static const uint8_t stat[] = {
        [ECS_FREE] = PV_EVTCHNSTAT_closed,     [ECS_RESERVED] = PV_EVTCHNSTAT_closed,
        [ECS_UNBOUND] = PV_EVTCHNSTAT_unbound, [ECS_INTERDOMAIN] = PV_EVTCHNSTAT_interdomain,
        [ECS_VIRQ] = PV_EVTCHNSTAT_virq,       [ECS_IPI] = PV_EVTCHNSTAT_ipi,
        [ECS_HV] = PV_EVTCHNSTAT_interdomain,  [ECS_PIRQ] = PV_EVTCHNSTAT_pirq};

    st->status = stat[chn->state];
    st->vcpu = chn->notify_vcpu;
    if (chn->state == ECS_UNBOUND) {
        st->u.unbound.dom = chn->remote_dom;
    } else if (chn->state == ECS_INTERDOMAIN || chn->state == ECS_HV) {
        st->u.interdomain.dom = chn->remote_dom;
        st->u.interdomain.port = chn->state == ECS_HV ? 0 : chn->u;
    } else if (chn->state == ECS_VIRQ) {
        st->u.virq = chn->u;
    } else if (chn->state == ECS_PIRQ) {
        st->u.pirq = chn->u;
    }
}

int evtchn_status(struct domain *caller, struct pv_evtchn_status *st)
{
    struct domain *d = lookup_domain(caller, st->dom);
    const struct evtchn *chn;
    int rc = 0;

    if (!d)
        return -PV_ESRCH;
    spin_lock(&d->evtchn_lock);
    chn = evtchn_chn(d, st->port);
    if (!chn)
        rc = -PV_EINVAL;
    else if (!may_act_on(caller, d))
        rc = -PV_EPERM; /* Xen checks the port before the permission */
    else
        fill_status(chn, st);
    spin_unlock(&d->evtchn_lock);
    return rc;
}

int evtchn_bind_vcpu(struct domain *caller, unsigned port, unsigned vcpu)
{
    struct domain *d = caller;
    struct evtchn *chn;
    int rc = -PV_EINVAL, pirq = -1;

    if (vcpu >= d->nr_vcpus || !d->vcpu[vcpu])
        return -PV_ENOENT;
    spin_lock(&d->evtchn_lock);
    chn = evtchn_chn(d, port);
    switch (chn ? chn->state : ECS_FREE) {
    case ECS_VIRQ:
        if (virq_type(chn->u) == VIRQ_VCPU)
            break; /* a per-vCPU VIRQ stays where it was bound */
        /* fall through */
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
    case ECS_HV:
    case ECS_PIRQ:
        pirq = chn->state == ECS_PIRQ ? (int)chn->u : -1;
        chn->notify_vcpu = (uint8_t)vcpu;
        rc = 0;
        break;
    }
    spin_unlock(&d->evtchn_lock);
    if (pirq >= 0) /* Xen's pirq_set_affinity, after the lock (pirq_lock comes first) */
        pirq_set_cpu(d, (unsigned)pirq, d->vcpu[vcpu]->processor);
    return rc;
}

/* Close every open port of d (Xen's evtchn_reset, without its continuation). */
static void close_all(struct domain *d)
{
    for (unsigned port = 1; port < d->evtchn_valid; port++) {
        struct domain *peer;
        struct evtchn *chn = lock_with_peer(d, port, &peer);

        if (is_open(chn))
            close_locked(d, chn, port, peer);
        unlock_pair(d, peer);
    }
}

int evtchn_reset(struct domain *caller, unsigned dom, bool cont)
{
    struct domain *d = lookup_domain(caller, dom);

    if (!d)
        return -PV_ESRCH;
    if (!may_act_on(caller, d))
        return -PV_EPERM;
    if (cont)
        return -PV_EBUSY; /* no reset is ever left half done here */
    close_all(d);
    spin_lock(&d->evtchn_lock);
    evtchn_fifo_destroy(d); /* back to the 2-level ABI, as Xen */
    spin_unlock(&d->evtchn_lock);
    return 0;
}

/* ---- hypervisor-internal ends ---- */

int evtchn_send_virq(struct vcpu *v, unsigned virq)
{
    struct domain *d = v->domain;
    struct vcpu *owner;
    unsigned port;
    int rc = -PV_ENOENT;

    if (virq >= PV_NR_VIRQS)
        return -PV_EINVAL;
    owner = virq_type(virq) == VIRQ_VCPU ? v : d->vcpu[0];
    spin_lock(&d->evtchn_lock);
    port = owner->virq_to_evtchn[virq];
    if (port) {
        evtchn_set_pending(d->vcpu[evtchn_chn(d, port)->notify_vcpu], port);
        rc = 0;
    }
    spin_unlock(&d->evtchn_lock);
    return rc;
}

int evtchn_alloc_hv_port(struct domain *d, evtchn_hv_notify_fn *notify)
{
    int p;

    spin_lock(&d->evtchn_lock);
    p = get_free_port(d);
    if (p > 0)
        *evtchn_chn(d, (unsigned)p) =
            (struct evtchn){.state = ECS_HV, .remote_dom = PV_DOMID_XEN, .notify = notify};
    spin_unlock(&d->evtchn_lock);
    return p;
}

void evtchn_notify_hv_port(struct domain *d, unsigned port)
{
    const struct evtchn *chn;

    spin_lock(&d->evtchn_lock);
    chn = evtchn_chn(d, port);
    if (chn && chn->state == ECS_HV)
        evtchn_set_pending(d->vcpu[chn->notify_vcpu], port);
    spin_unlock(&d->evtchn_lock);
}

int evtchn_alloc_pirq_port(struct domain *d, unsigned pirq)
{
    int p;

    spin_lock(&d->evtchn_lock);
    p = get_free_port(d);
    if (p > 0)
        *evtchn_chn(d, (unsigned)p) = (struct evtchn){.state = ECS_PIRQ, .u = pirq};
    spin_unlock(&d->evtchn_lock);
    return p;
}

bool evtchn_raise_pirq(struct domain *d, unsigned port, unsigned pirq, bool raise)
{
    const struct evtchn *chn;
    bool bound;

    spin_lock(&d->evtchn_lock);
    chn = evtchn_chn(d, port);
    bound = port && chn && chn->state == ECS_PIRQ && chn->u == pirq;
    if (bound && raise)
        evtchn_set_pending(d->vcpu[chn->notify_vcpu], port);
    spin_unlock(&d->evtchn_lock);
    return bound;
}

/* ---- teardown ---- */

void evtchn_destroy(struct domain *d)
{
    spin_lock(&d->evtchn_lock);
    d->evtchn_dying = true; /* from here get_free_port refuses */
    spin_unlock(&d->evtchn_lock);
    close_all(d);
    spin_lock(&d->evtchn_lock);
    evtchn_fifo_destroy(d); /* its guest frames let go before its memory is */
    for (unsigned i = 0; d->evtchn_bucket && i < EVTCHN_NR_BUCKETS; i++)
        if (d->evtchn_bucket[i])
            evtchn_page_free(d->evtchn_bucket[i]);
    if (d->evtchn_bucket)
        evtchn_page_free(d->evtchn_bucket);
    d->evtchn_bucket = NULL;
    d->evtchn_valid = 0;
    spin_unlock(&d->evtchn_lock);
}
