/* Event channels, FIFO ABI (after Xen's xen/common/event_fifo.c; docs/porting/events.md): the
 * event array and per-vCPU control blocks in guest frames, the priority queues, and
 * EVTCHNOP_init_control / expand_array / set_priority. Every change the hypervisor makes to the
 * queues happens under d->evtchn_lock, which stands in for Xen's per-queue locks. Event words
 * and control blocks are guest memory that the guest changes concurrently and may fill with
 * anything: they are touched only by atomic operations, a LINK is never followed, and every
 * retry is bounded. */
#include "evtchn.h"
#include "mm.h"
#include "pv-abi/errno.h"
#include "evtchn_table.h"

#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(pv_event_word_t))
#define ARRAY_PAGES (PV_EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)
#define NR_QUEUES PV_EVTCHN_FIFO_MAX_QUEUES
#define BIT(n) (1U << (n))

/* A domain's FIFO state (one page from evtchn_page_alloc). Each frame named here holds a general
 * and a writable type reference until evtchn_fifo_destroy. */
struct evtchn_fifo {
    uint64_t array_mfn[ARRAY_PAGES]; /* the event array's pages, in port order */
    unsigned nr_words;               /* ports that have an event word */
    uint32_t has_cb;                 /* bit n: vCPU n has a control block */
    uint64_t cb_mfn[MAX_VCPUS];      /* its frame */
    uint16_t cb_off[MAX_VCPUS];      /* and offset there */
    uint32_t tail[MAX_VCPUS][NR_QUEUES]; /* the last port linked on each queue, 0 none */
};
_Static_assert(sizeof(struct evtchn_fifo) <= PAGE_SIZE, "the FIFO state fits a page");
_Static_assert(MAX_VCPUS <= 32, "has_cb has a bit per vCPU");

unsigned evtchn_fifo_frames(struct domain *d, uint64_t out[EVTCHN_FIFO_MAX_FRAMES])
{
    const struct evtchn_fifo *f;
    unsigned n = 0;

    spin_lock(&d->evtchn_lock);
    if ((f = d->evtchn_fifo)) {
        for (unsigned i = 0; i < (f->nr_words + WORDS_PER_PAGE - 1) / WORDS_PER_PAGE; i++)
            out[n++] = f->array_mfn[i];
        for (unsigned v = 0; v < MAX_VCPUS; v++)
            if (f->has_cb & BIT(v))
                out[n++] = f->cb_mfn[v];
    }
    spin_unlock(&d->evtchn_lock);
    return n;
}

static pv_event_word_t *word_of(const struct domain *d, unsigned port)
{
    const struct evtchn_fifo *f = d->evtchn_fifo;

    if (port >= f->nr_words)
        return NULL;
    return (pv_event_word_t *)mm_frame_ptr(f->array_mfn[port / WORDS_PER_PAGE]) +
           port % WORDS_PER_PAGE;
}

static struct pv_evtchn_fifo_control_block *cb_of(const struct domain *d, unsigned vcpu)
{
    const struct evtchn_fifo *f = d->evtchn_fifo;

    if (!(f->has_cb & BIT(vcpu)))
        return NULL;
    return (void *)((uint8_t *)mm_frame_ptr(f->cb_mfn[vcpu]) + f->cb_off[vcpu]);
}

static bool test_and_set(uint32_t *w, unsigned bit)
{
    return __atomic_fetch_or(w, BIT(bit), __ATOMIC_SEQ_CST) & BIT(bit);
}

static void clear(uint32_t *w, unsigned bit)
{
    __atomic_fetch_and(w, ~BIT(bit), __ATOMIC_SEQ_CST);
}

static bool test(uint32_t *w, unsigned bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & BIT(bit);
}

static unsigned priority_of(const struct evtchn *chn)
{
    return chn->fifo_prio ^ PV_EVTCHN_FIFO_PRIORITY_DEFAULT;
}

/* Point the LINK of *w (last seen as *old) at port if *w is still LINKED: 1 done, 0 no longer
 * linked (the guest consumed it), -1 *w changed meanwhile (*old now holds it). */
static int try_link(pv_event_word_t *w, pv_event_word_t *old, unsigned port)
{
    pv_event_word_t new = (*old & ~(BIT(PV_EVTCHN_FIFO_BUSY) | PV_EVTCHN_FIFO_LINK_MASK)) | port;

    if (!(*old & BIT(PV_EVTCHN_FIFO_LINKED)))
        return 0;
    return __atomic_compare_exchange_n(w, old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
               ? 1
               : -1;
}

/* Link port after the tail word w (Xen's evtchn_fifo_set_link): true if linked. A guest may only
 * set or clear MASKED, clear PENDING, or clear LINKED of a linked word, and BUSY keeps it from
 * unmasking, so an honest guest fails the cmpxchg at most 4 times; past that the event is lost
 * (reported linked), as in Xen. */
static bool set_link(pv_event_word_t *w, unsigned port)
{
    pv_event_word_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
    int rc = try_link(w, &old, port);

    if (rc >= 0)
        return rc;
    __atomic_fetch_or(w, BIT(PV_EVTCHN_FIFO_BUSY), __ATOMIC_SEQ_CST);
    old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < 4 && rc < 0; i++)
        if ((rc = try_link(w, &old, port)) > 0)
            return true; /* the new word has BUSY clear */
    clear(w, PV_EVTCHN_FIFO_BUSY);
    return rc != 0;
}

/* A port being linked leaves whatever queue it was the tail of (another vCPU's, or another
 * priority's, after bind_vcpu or set_priority): that queue is empty now (Xen's old_q). */
static void forget_tail(struct domain *d, unsigned port)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        for (unsigned q = 0; q < NR_QUEUES; q++)
            if (d->evtchn_fifo->tail[i][q] == port)
                d->evtchn_fifo->tail[i][q] = 0;
}

void evtchn_fifo_set_pending(struct vcpu *v, struct evtchn *chn, unsigned port)
{
    struct domain *d = v->domain;
    struct pv_evtchn_fifo_control_block *cb = cb_of(d, v->id);
    pv_event_word_t *w = word_of(d, port);
    uint32_t *tail = &d->evtchn_fifo->tail[v->id][priority_of(chn)];
    bool was_pending, linked = true;

    if (!w) {
        chn->fifo_pending = true; /* raised once its event array page comes */
        return;
    }
    was_pending = test_and_set(w, PV_EVTCHN_FIFO_PENDING);
    /* Without a control block the guest has not unmasked anything yet: dropped, as Xen. */
    if (cb && !test(w, PV_EVTCHN_FIFO_MASKED) && !test_and_set(w, PV_EVTCHN_FIFO_LINKED)) {
        forget_tail(d, port);
        linked = *tail && set_link(word_of(d, *tail), port);
        if (!linked)
            __atomic_store_n(&cb->head[priority_of(chn)], port, __ATOMIC_SEQ_CST);
        *tail = port;
    }
    if (!linked && !test_and_set(&cb->ready, priority_of(chn)))
        evtchn_mark_upcall(v);
    if (!was_pending)
        evtchn_check_pollers(d, port);
}

void evtchn_fifo_clear_pending(struct domain *d, unsigned port)
{
    pv_event_word_t *w = word_of(d, port);

    if (w)
        clear(w, PV_EVTCHN_FIFO_PENDING); /* the guest unlinks it and skips it */
}

void evtchn_fifo_unmask(struct domain *d, struct evtchn *chn, unsigned port)
{
    pv_event_word_t *w = word_of(d, port);

    if (!w)
        return;
    clear(w, PV_EVTCHN_FIFO_MASKED);
    if (test(w, PV_EVTCHN_FIFO_PENDING))
        evtchn_fifo_set_pending(d->vcpu[chn->notify_vcpu], chn, port);
}

bool evtchn_fifo_is_pending(const struct domain *d, unsigned port)
{
    pv_event_word_t *w = word_of(d, port);

    return w && test(w, PV_EVTCHN_FIFO_PENDING);
}

void evtchn_fifo_destroy(struct domain *d)
{
    struct evtchn_fifo *f = d->evtchn_fifo;

    if (!f)
        return;
    for (unsigned i = 0; i < f->nr_words / WORDS_PER_PAGE; i++)
        mm_put_page_and_type(f->array_mfn[i]);
    for (unsigned i = 0; i < MAX_VCPUS; i++)
        if (f->has_cb & BIT(i))
            mm_put_page_and_type(f->cb_mfn[i]);
    d->evtchn_fifo = NULL;
    evtchn_page_free(f);
}

/* The switch from 2-level (Xen's setup_ports): every port gets the default priority and keeps
 * its pending edge, raised once its event word exists. */
static int switch_to_fifo(struct domain *d)
{
    if (!(d->evtchn_fifo = evtchn_page_alloc()))
        return -PV_ENOMEM;
    for (unsigned port = 1; port < d->evtchn_valid; port++) {
        struct evtchn *chn = evtchn_chn(d, port);

        chn->fifo_prio = 0;
        chn->fifo_pending = port < PV_EVTCHN_2L_NR_CHANNELS &&
                            test_bit64(&d->shared_info->evtchn_pending[port / 64], port % 64);
    }
    return 0;
}

/* Xen 4.17's checks in its order: the vCPU, the block inside the page, its alignment; then a
 * vCPU that has one already, and a frame the domain cannot write. */
int evtchn_init_control(struct domain *d, uint64_t gfn, unsigned offset, unsigned vcpu)
{
    int rc = 0;

    if (vcpu >= d->nr_vcpus || !d->vcpu[vcpu])
        return -PV_ENOENT;
    if (offset > PAGE_SIZE - sizeof(struct pv_evtchn_fifo_control_block) || offset % 8)
        return -PV_EINVAL;
    spin_lock(&d->evtchn_lock);
    if (d->evtchn_fifo && (d->evtchn_fifo->has_cb & BIT(vcpu)))
        rc = -PV_EINVAL;
    else if (mm_get_page_and_type(gfn, d, PGT_writable))
        rc = -PV_EINVAL; /* not its frame, or a page table or descriptor page */
    else if (!d->evtchn_fifo && (rc = switch_to_fifo(d)))
        mm_put_page_and_type(gfn);
    if (!rc) {
        d->evtchn_fifo->cb_mfn[vcpu] = gfn;
        d->evtchn_fifo->cb_off[vcpu] = (uint16_t)offset;
        d->evtchn_fifo->has_cb |= BIT(vcpu);
    }
    spin_unlock(&d->evtchn_lock);
    return rc;
}

/* Raise what was raised on ports first..last while they had no event word. */
static void raise_saved(struct domain *d, unsigned first, unsigned last)
{
    for (unsigned port = first; port <= last && port < d->evtchn_valid; port++) {
        struct evtchn *chn = evtchn_chn(d, port);

        if (chn->fifo_pending) {
            chn->fifo_pending = false;
            evtchn_fifo_set_pending(d->vcpu[chn->notify_vcpu], chn, port);
        }
    }
}

int evtchn_expand_array(struct domain *d, uint64_t gfn)
{
    struct evtchn_fifo *f;
    int rc = 0;

    spin_lock(&d->evtchn_lock);
    f = d->evtchn_fifo;
    if (!f)
        rc = -PV_EOPNOTSUPP; /* init_control first */
    else if (f->nr_words >= PV_EVTCHN_FIFO_NR_CHANNELS)
        rc = -PV_ENOSPC;
    else if (mm_get_page_and_type(gfn, d, PGT_writable))
        rc = -PV_EINVAL;
    if (!rc) {
        f->array_mfn[f->nr_words / WORDS_PER_PAGE] = gfn;
        f->nr_words += WORDS_PER_PAGE;
        raise_saved(d, f->nr_words - WORDS_PER_PAGE, f->nr_words - 1);
    }
    spin_unlock(&d->evtchn_lock);
    return rc;
}

int evtchn_set_priority(struct domain *d, unsigned port, unsigned priority)
{
    struct evtchn *chn;
    int rc = 0;

    spin_lock(&d->evtchn_lock);
    chn = evtchn_chn(d, port);
    if (!chn)
        rc = -PV_EINVAL;
    else if (!d->evtchn_fifo)
        rc = -PV_ENOSYS; /* priorities are FIFO-only */
    else if (priority > PV_EVTCHN_FIFO_PRIORITY_MIN)
        rc = -PV_EINVAL;
    else /* an event already queued stays where it is: only later ones move */
        chn->fifo_prio = (uint8_t)(priority ^ PV_EVTCHN_FIFO_PRIORITY_DEFAULT);
    spin_unlock(&d->evtchn_lock);
    return rc;
}
