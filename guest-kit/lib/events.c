/* guest-kit: mapping shared_info, and event channel delivery by the 2-level or the FIFO ABI. */
#include "internal.h"

#define MAX_PORTS GK_MAX_PORTS /* ports with a handler slot; events on higher ports are dropped */
#define PTE_FLAGS 0x63ULL /* present, writable, accessed, dirty */

/* The page whose mapping is replaced by the shared_info frame. */
static uint8_t shared_page[4096] __attribute__((aligned(4096)));
static struct pv_shared_info *shared;

static struct {
    gk_event_handler_t fn;
    void *arg;
} handlers[MAX_PORTS];
static uint8_t port_cpu[MAX_PORTS]; /* the vCPU a port notifies (0 unless bound otherwise) */
volatile uint32_t gk_event_counts[MAX_PORTS];

/* FIFO: the vCPUs' control blocks (vCPU n at offset 128 n) and the event words of ports below
 * MAX_PORTS; fifo_head: where each vCPU's consumer stopped in each queue (Linux's q->head). */
#define FIFO_WORD_BIT(b) (1U << (b))
static uint8_t fifo_cb_page[4096] __attribute__((aligned(4096)));
static uint32_t fifo_words[MAX_PORTS] __attribute__((aligned(4096)));
static uint32_t fifo_head[GK_MAX_CPUS][PV_EVTCHN_FIFO_MAX_QUEUES];
static bool fifo_on;
_Static_assert(sizeof(fifo_words) == 4096, "one page of event words");

long gk_shared_info_map(void)
{
    long rc;

    if (shared)
        return 0;
    rc = gk_hypercall_update_va_mapping((uint64_t)(uintptr_t)shared_page,
                                        gk_start_info->shared_info | PTE_FLAGS,
                                        PV_UVMF_INVLPG | PV_UVMF_LOCAL);
    if (rc == 0)
        shared = (struct pv_shared_info *)(void *)shared_page;
    return rc;
}

long gk_shared_info_unmap(void)
{
    uint64_t va = (uint64_t)(uintptr_t)shared_page;
    long rc;

    if (!shared)
        return 0;
    rc = gk_hypercall_update_va_mapping(va, gk_pfn_to_mfn((va - GK_VIRT_BASE) / GK_PAGE_SIZE)
                                                    << 12 | PTE_FLAGS,
                                        PV_UVMF_INVLPG | PV_UVMF_LOCAL);
    if (rc == 0)
        shared = NULL;
    return rc;
}

void gk_events_reset(void)
{
    memset(handlers, 0, sizeof(handlers));
    memset(port_cpu, 0, sizeof(port_cpu));
    fifo_on = false;
}

struct pv_shared_info *gk_shared_info(void)
{
    return shared;
}

struct pv_vcpu_info *gk_vcpu_info(void)
{
    return shared ? &shared->vcpu_info[gk_smp_cpu()] : NULL;
}

struct pv_vcpu_info *gk_vcpu_info_of(unsigned int cpu)
{
    return shared && cpu < GK_MAX_CPUS ? &shared->vcpu_info[cpu] : NULL;
}

uint64_t gk_events_rflags(void)
{
    struct pv_vcpu_info *vcpu = gk_vcpu_info();
    bool enabled = vcpu && !vcpu->evtchn_upcall_mask;

    return 0x2 | (enabled ? 0x200 : 0);
}

int gk_event_set_handler(pv_evtchn_port_t port, gk_event_handler_t handler, void *arg)
{
    if (port == 0 || port >= MAX_PORTS)
        return -PV_EINVAL;
    handlers[port].fn = handler;
    handlers[port].arg = arg;
    return 0;
}

void gk_events_mask(void)
{
    struct pv_vcpu_info *vcpu = gk_vcpu_info();

    if (vcpu)
        vcpu->evtchn_upcall_mask = 1; /* only this vCPU's pCPU reads it: no lock needed */
    __asm__ volatile("" ::: "memory");
}

bool gk_events_masked(void)
{
    struct pv_vcpu_info *vcpu = gk_vcpu_info();

    return !vcpu || vcpu->evtchn_upcall_mask;
}

void gk_events_unmask(void)
{
    struct pv_vcpu_info *vcpu = gk_vcpu_info();

    if (!vcpu)
        return;
    __asm__ volatile("" ::: "memory");
    vcpu->evtchn_upcall_mask = 0;
    __asm__ volatile("" ::: "memory");
    /* An event that arrived while masked is delivered on the way back from any hypercall. */
    if (vcpu->evtchn_upcall_pending)
        gk_hypercall_xen_version(PV_XENVER_version, NULL);
}

void gk_event_mask_port(pv_evtchn_port_t port)
{
    if (fifo_on && port < MAX_PORTS)
        __atomic_fetch_or(&fifo_words[port], FIFO_WORD_BIT(PV_EVTCHN_FIFO_MASKED),
                          __ATOMIC_SEQ_CST);
    else if (shared && port < PV_EVTCHN_2L_NR_CHANNELS)
        __atomic_fetch_or(&shared->evtchn_mask[port / 64], 1ULL << (port % 64), __ATOMIC_SEQ_CST);
}

long gk_event_unmask_port(pv_evtchn_port_t port)
{
    struct pv_evtchn_unmask arg = {.port = port};

    return gk_hypercall_event_channel_op(PV_EVTCHNOP_unmask, &arg);
}

long gk_event_send(pv_evtchn_port_t port)
{
    struct pv_evtchn_send arg = {.port = port};

    return gk_hypercall_event_channel_op(PV_EVTCHNOP_send, &arg);
}

bool gk_event_pending(pv_evtchn_port_t port)
{
    if (fifo_on)
        return port < MAX_PORTS && (__atomic_load_n(&fifo_words[port], __ATOMIC_SEQ_CST) &
                                    FIFO_WORD_BIT(PV_EVTCHN_FIFO_PENDING));
    return shared && port < PV_EVTCHN_2L_NR_CHANNELS &&
           (__atomic_load_n(&shared->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) &
            (1ULL << (port % 64)));
}

void gk_event_clear(pv_evtchn_port_t port)
{
    if (fifo_on && port < MAX_PORTS)
        __atomic_fetch_and(&fifo_words[port], ~FIFO_WORD_BIT(PV_EVTCHN_FIFO_PENDING),
                           __ATOMIC_SEQ_CST);
    else if (shared && port < PV_EVTCHN_2L_NR_CHANNELS)
        __atomic_fetch_and(&shared->evtchn_pending[port / 64], ~(1ULL << (port % 64)),
                           __ATOMIC_SEQ_CST);
}

/* ---- binding ports (EVTCHNOP_*) ---- */

static void note_cpu(pv_evtchn_port_t port, unsigned int cpu)
{
    if (port < MAX_PORTS)
        port_cpu[port] = (uint8_t)cpu;
}

long gk_evtchn_alloc_unbound(pv_domid_t remote_dom, pv_evtchn_port_t *port)
{
    struct pv_evtchn_alloc_unbound a = {.dom = PV_DOMID_SELF, .remote_dom = remote_dom};
    long rc = gk_hypercall_event_channel_op(PV_EVTCHNOP_alloc_unbound, &a);

    if (rc == 0) {
        note_cpu(a.port, 0); /* Xen binds new channels to vCPU 0 */
        *port = a.port;
    }
    return rc;
}

long gk_evtchn_bind_interdomain(pv_domid_t remote_dom, pv_evtchn_port_t remote_port,
                                pv_evtchn_port_t *local_port)
{
    struct pv_evtchn_bind_interdomain b = {.remote_dom = remote_dom, .remote_port = remote_port};
    long rc = gk_hypercall_event_channel_op(PV_EVTCHNOP_bind_interdomain, &b);

    if (rc == 0) {
        note_cpu(b.local_port, 0);
        *local_port = b.local_port;
    }
    return rc;
}

long gk_evtchn_bind_virq(uint32_t virq, unsigned int vcpu, pv_evtchn_port_t *port)
{
    struct pv_evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
    long rc = gk_hypercall_event_channel_op(PV_EVTCHNOP_bind_virq, &b);

    if (rc == 0) {
        note_cpu(b.port, vcpu);
        *port = b.port;
    }
    return rc;
}

long gk_evtchn_bind_ipi(unsigned int vcpu, pv_evtchn_port_t *port)
{
    struct pv_evtchn_bind_ipi b = {.vcpu = vcpu};
    long rc = gk_hypercall_event_channel_op(PV_EVTCHNOP_bind_ipi, &b);

    if (rc == 0) {
        note_cpu(b.port, vcpu);
        *port = b.port;
    }
    return rc;
}

long gk_evtchn_close(pv_evtchn_port_t port)
{
    struct pv_evtchn_close c = {.port = port};
    long rc = gk_hypercall_event_channel_op(PV_EVTCHNOP_close, &c);

    if (rc == 0 && port < MAX_PORTS) {
        handlers[port].fn = NULL;
        port_cpu[port] = 0;
    }
    return rc;
}

/* ---- the upcall (docs/porting/events.md) ---- */

/* Handle the pending, unmasked ports of one 64-port word that notify vCPU cpu (the pending
 * bits are shared by all vCPUs: another vCPU's ports in the same word are left alone). */
static void dispatch_word(unsigned int word, unsigned int cpu)
{
    uint64_t ready, skip = 0;

    while ((ready = shared->evtchn_pending[word] & ~shared->evtchn_mask[word] & ~skip) != 0) {
        unsigned int bit = (unsigned int)__builtin_ctzll(ready);
        pv_evtchn_port_t port = word * 64 + bit;

        if ((port < MAX_PORTS ? port_cpu[port] : 0) != cpu) {
            skip |= 1ULL << bit;
            continue;
        }
        __atomic_fetch_and(&shared->evtchn_pending[word], ~(1ULL << bit), __ATOMIC_SEQ_CST);
        if (port >= MAX_PORTS)
            continue;
        __atomic_fetch_add(&gk_event_counts[port], 1, __ATOMIC_SEQ_CST);
        if (handlers[port].fn)
            handlers[port].fn(port, handlers[port].arg);
    }
}

/* ---- FIFO ---- */

static struct pv_evtchn_fifo_control_block *fifo_cb(unsigned int cpu)
{
    return (struct pv_evtchn_fifo_control_block *)(void *)(fifo_cb_page + 128 * cpu);
}

long gk_events_fifo_init(unsigned int nr_cpus)
{
    struct pv_evtchn_expand_array ea = {.array_gfn = gk_virt_to_mfn(fifo_words)};
    long rc = 0;

    for (unsigned int cpu = 0; cpu < nr_cpus && cpu < GK_MAX_CPUS && !rc; cpu++) {
        struct pv_evtchn_init_control ic = {
            .control_gfn = gk_virt_to_mfn(fifo_cb_page), .offset = 128 * cpu, .vcpu = cpu};

        rc = gk_hypercall_event_channel_op(PV_EVTCHNOP_init_control, &ic);
        if (rc == 0 && ic.link_bits != PV_EVTCHN_FIFO_LINK_BITS)
            rc = -PV_EINVAL;
        if (rc == 0)
            fifo_on = true;
    }
    return rc ? rc : gk_hypercall_event_channel_op(PV_EVTCHNOP_expand_array, &ea);
}

bool gk_events_fifo(void)
{
    return fifo_on;
}

long gk_event_set_priority(pv_evtchn_port_t port, uint32_t priority)
{
    struct pv_evtchn_set_priority sp = {.port = port, .priority = priority};

    return gk_hypercall_event_channel_op(PV_EVTCHNOP_set_priority, &sp);
}

/* Take the word off its queue (the hypervisor may be linking after it meanwhile): its LINK. */
static uint32_t fifo_unlink(uint32_t *w)
{
    uint32_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST), new;

    do
        new = old & ~(FIFO_WORD_BIT(PV_EVTCHN_FIFO_LINKED) | PV_EVTCHN_FIFO_LINK_MASK);
    while (!__atomic_compare_exchange_n(w, &old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return old & PV_EVTCHN_FIFO_LINK_MASK;
}

/* Linux's consume_one_event: the next port of queue q of vCPU cpu; *ready loses q when the
 * queue ends. A pending, unmasked port loses PENDING and goes to its handler. */
static void fifo_consume_one(unsigned int cpu, unsigned int q, uint32_t *ready)
{
    uint32_t port = fifo_head[cpu][q], next, w;

    if (!port)
        port = __atomic_load_n(&fifo_cb(cpu)->head[q], __ATOMIC_SEQ_CST);
    if (port == 0 || port >= MAX_PORTS) { /* nothing the kit can follow */
        *ready &= ~FIFO_WORD_BIT(q);
        fifo_head[cpu][q] = 0;
        return;
    }
    next = fifo_unlink(&fifo_words[port]);
    if (!next)
        *ready &= ~FIFO_WORD_BIT(q);
    fifo_head[cpu][q] = next;
    w = __atomic_load_n(&fifo_words[port], __ATOMIC_SEQ_CST);
    if ((w & FIFO_WORD_BIT(PV_EVTCHN_FIFO_PENDING)) && !(w & FIFO_WORD_BIT(PV_EVTCHN_FIFO_MASKED))) {
        __atomic_fetch_and(&fifo_words[port], ~FIFO_WORD_BIT(PV_EVTCHN_FIFO_PENDING),
                           __ATOMIC_SEQ_CST); /* a masked one stays pending for its unmask */
        __atomic_fetch_add(&gk_event_counts[port], 1, __ATOMIC_SEQ_CST);
        if (handlers[port].fn)
            handlers[port].fn(port, handlers[port].arg);
    }
}

static void fifo_dispatch(unsigned int cpu)
{
    struct pv_evtchn_fifo_control_block *cb = fifo_cb(cpu);
    uint32_t ready = __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);

    while (ready) {
        fifo_consume_one(cpu, (unsigned int)__builtin_ctz(ready), &ready);
        ready |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
    }
}

static void l2_dispatch(struct pv_vcpu_info *vcpu, unsigned int cpu)
{
    uint64_t sel = __atomic_exchange_n(&vcpu->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

    while (sel) {
        unsigned int word = (unsigned int)__builtin_ctzll(sel);

        sel &= sel - 1;
        dispatch_word(word, cpu);
    }
}

void gk_events_dispatch(void)
{
    unsigned int cpu = gk_smp_cpu();
    struct pv_vcpu_info *vcpu = gk_vcpu_info_of(cpu);

    if (!vcpu)
        return;
    do {
        vcpu->evtchn_upcall_pending = 0; /* before scanning: a new event sets it again */
        if (fifo_on)
            fifo_dispatch(cpu);
        else
            l2_dispatch(vcpu, cpu);
    } while (__atomic_load_n(&vcpu->evtchn_upcall_pending, __ATOMIC_SEQ_CST));
}
