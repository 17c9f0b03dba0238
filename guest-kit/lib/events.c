/* guest-kit: mapping shared_info, and 2-level event channel delivery. */
#include "internal.h"

#define MAX_PORTS 1024    /* ports with a handler slot; events on higher ports are dropped */
#define PTE_FLAGS 0x63ULL /* present, writable, accessed, dirty */

/* The page whose mapping is replaced by the shared_info frame. */
static uint8_t shared_page[4096] __attribute__((aligned(4096)));
static struct pv_shared_info *shared;

static struct {
    gk_event_handler_t fn;
    void *arg;
} handlers[MAX_PORTS];

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

struct pv_shared_info *gk_shared_info(void)
{
    return shared;
}

struct pv_vcpu_info *gk_vcpu_info(void)
{
    return shared ? &shared->vcpu_info[0] : NULL;
}

uint64_t gk_events_rflags(void)
{
    bool enabled = shared && !shared->vcpu_info[0].evtchn_upcall_mask;

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
    if (shared)
        shared->vcpu_info[0].evtchn_upcall_mask = 1;
    __asm__ volatile("" ::: "memory");
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
    if (shared && port < PV_EVTCHN_2L_NR_CHANNELS)
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

/* Handle the pending, unmasked ports of one 64-port word. */
static void dispatch_word(unsigned int word)
{
    uint64_t ready;

    while ((ready = shared->evtchn_pending[word] & ~shared->evtchn_mask[word]) != 0) {
        unsigned int bit = (unsigned int)__builtin_ctzll(ready);
        pv_evtchn_port_t port = word * 64 + bit;

        __atomic_fetch_and(&shared->evtchn_pending[word], ~(1ULL << bit), __ATOMIC_SEQ_CST);
        if (port < MAX_PORTS && handlers[port].fn)
            handlers[port].fn(port, handlers[port].arg);
    }
}

void gk_events_dispatch(void)
{
    struct pv_vcpu_info *vcpu = gk_vcpu_info();

    if (!vcpu)
        return;
    do {
        uint64_t sel;

        vcpu->evtchn_upcall_pending = 0; /* before scanning: a new event sets it again */
        sel = __atomic_exchange_n(&vcpu->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned int word = (unsigned int)__builtin_ctzll(sel);

            sel &= sel - 1;
            dispatch_word(word);
        }
    } while (__atomic_load_n(&vcpu->evtchn_upcall_pending, __ATOMIC_SEQ_CST));
}
