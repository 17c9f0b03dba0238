/* tests/fuzz/host: event channels (hypervisor/common/event_channel.c, event_2l.c and the
 * EVTCHNOP_* decoder hypervisor/hypercalls/event_channel.c) and PIRQs (common/pirq.c, the
 * physdev_op decoder, interrupts of tests/unit/gsi_fake.c's GSIs) driven by a program of operations
 * from three domains (tests/unit/evtchn_fake.c: dom_a with 2 vCPUs, dom_b, privileged dom_p):
 * hypercalls with arbitrary argument bytes and pointers, the guests' own writes to their pending
 * and mask bits, the FIFO ABI's calls on the fake frames and any write to those frames (event
 * words, LINKs, control blocks), VIRQs, hypervisor-served ports, polls and their expiry. After every operation no
 * lock may be held; at the end every interdomain port's peer must point back at it, and
 * destroying the domains must free every bucket page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pv-abi/errno.h"
#include "pv-abi/event_channel.h"
#include "evtchn.h"
#include "evtchn_fake.h"
#include "fuzz_input.h"
#include "hypercall_table.h"
#include "pirq.h"
#include "pv-abi/shared_info.h"

#define MAX_OPS 256
#define DOMID_XEN 0x7ff2

static struct domain *const doms[] = {&dom_a, &dom_b, &dom_p};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("CMOCKA_TEST_ABORT", "1", 1);
    return 0;
}

static struct domain *dom(uint8_t sel)
{
    return doms[sel % 3];
}

static struct vcpu *vcpu_of(struct domain *d, uint8_t sel)
{
    return d->vcpu[sel % d->nr_vcpus];
}

/* A hypercall: the argument bytes at an offset of the guest's memory, the read-only page, or a
 * pointer that faults (and one straddling the end of the memory). */
static void hypercall(struct fzin *in, struct domain *d, uint8_t sel)
{
    uint64_t cmd = fzin_u8(in), where = fzin_u8(in), arg[5] = {0};
    uint8_t bytes[48];

    fzin_take(in, bytes, sizeof(bytes));
    if (sel & 0x80)
        cmd |= (uint64_t)fzin_u32(in) << 32; /* upper bits: ignored */
    switch (where % 8) {
    case 0:
        arg[1] = EVF_GVA_RO;
        memcpy(evf_guest_ro, bytes, sizeof(bytes));
        break;
    case 1:
        arg[1] = EVF_GVA + 4096 - (where >> 3); /* runs off the end */
        break;
    case 2: /* anywhere but the last page of the address space: evtchn_fake's read-only window
             * check does not allow for wrapping (the hypervisor's guest_copy does) */
        arg[1] = fzin_num(in);
        if (arg[1] > ~0ULL - 4096)
            arg[1] -= 8192;
        break;
    default:
        arg[1] = EVF_GVA + (where & 0xf8);
        memcpy(evf_guest_mem + (where & 0xf8), bytes, sizeof(bytes));
    }
    arg[0] = cmd;
    if (sel & 0x40)
        hc_physdev_op(vcpu_of(d, sel >> 2), arg[0] % 32, guest_handle_of(arg[1]));
    else
        hc_event_channel_op(vcpu_of(d, sel >> 2), (unsigned)arg[0], guest_handle_of(arg[1]));
}

/* The guest's own stores to its event words: mask, clear pending, selector, upcall flags. */
static void guest_store(struct domain *d, uint16_t port, uint8_t what)
{
    struct pv_shared_info *s = d->shared_info;
    uint64_t bit = 1ULL << (port % 64);
    unsigned word = (port / 64) % 64;

    switch (what % 5) {
    case 0:
        s->evtchn_mask[word] |= bit;
        break;
    case 1:
        s->evtchn_mask[word] &= ~bit;
        break;
    case 2:
        s->evtchn_pending[word] &= ~bit;
        break;
    case 3:
        s->vcpu_info[what % d->nr_vcpus].evtchn_pending_sel = 0;
        s->vcpu_info[what % d->nr_vcpus].evtchn_upcall_pending = 0;
        break;
    default:
        s->vcpu_info[what % d->nr_vcpus].evtchn_upcall_mask ^= 1;
    }
}

static void poll(struct fzin *in, struct domain *d, uint8_t sel)
{
    uint32_t ports[8];
    unsigned nr = fzin_u8(in) % 9;

    for (unsigned i = 0; i < nr; i++)
        ports[i] = fzin_u16(in) % 1100;
    evtchn_poll(vcpu_of(d, sel), ports, nr, fzin_u8(in), fzin_u8(in));
}

/* FIFO: the three sub-ops on the fake frames (or anything), and the guest's scribbles there. */
static void fifo(struct fzin *in, struct domain *d, uint8_t sel)
{
    uint8_t f = fzin_u8(in);
    uint64_t gfn = f & 0x80 ? fzin_num(in) : EVF_MFN + f % EVF_NR_FRAMES;
    uint32_t x = fzin_u32(in);

    switch (sel % 4) {
    case 0:
        evtchn_init_control(d, gfn, f & 0x40 ? x : (x % 512) * 8, fzin_u8(in) % 3);
        break;
    case 1:
        evtchn_expand_array(d, gfn);
        break;
    case 2:
        evtchn_set_priority(d, fzin_u16(in) % 1100, x % 18);
        break;
    default:
        ((uint32_t *)evf_frame(f % EVF_NR_FRAMES))[fzin_u16(in) % 1024] =
            f & 0x40 ? x : (x & 0xf0000000u) | (x % 1100);
    }
}

static void one_op(struct fzin *in)
{
    uint8_t op = fzin_u8(in), sel = fzin_u8(in);
    struct domain *d = dom(sel);

    switch (op % 12) {
    case 0 ... 3:
        hypercall(in, d, sel);
        break;
    case 4:
        guest_store(d, fzin_u16(in), fzin_u8(in));
        break;
    case 5:
        evtchn_send_virq(vcpu_of(d, sel >> 2), fzin_u8(in) % 26);
        break;
    case 6:
        evtchn_alloc_hv_port(d, evf_notify);
        break;
    case 7:
        evtchn_notify_hv_port(d, fzin_u16(in) % 1100);
        break;
    case 8:
        poll(in, d, sel >> 2);
        break;
    case 9:
        evtchn_poll_expire(fzin_u8(in));
        break;
    case 10:
        fifo(in, d, sel >> 2);
        break;
    default:
        pirq_raise(fzin_u8(in) % 26); /* an interrupt, of a GSI or beyond them */
    }
    evf_assert_unlocked();
}

/* Every interdomain port between guests names a peer port that names it back. */
static void check_pairs(void)
{
    for (unsigned i = 0; i < 3; i++) {
        for (unsigned port = 1; port < doms[i]->evtchn_valid; port++) {
            struct pv_evtchn_status st = {.dom = PV_DOMID_SELF, .port = port};
            struct pv_evtchn_status back;

            if (evtchn_status(doms[i], &st) || st.status != PV_EVTCHNSTAT_interdomain ||
                st.u.interdomain.dom == DOMID_XEN)
                continue;
            back = (struct pv_evtchn_status){.dom = st.u.interdomain.dom,
                                             .port = st.u.interdomain.port};
            assert_int_equal(evtchn_status(&dom_p, &back), 0);
            assert_int_equal(back.status, PV_EVTCHNSTAT_interdomain);
            assert_int_equal(back.u.interdomain.dom, doms[i]->domid);
            assert_int_equal(back.u.interdomain.port, port);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fzin in = {data, size};

    evf_reset();
    memset(evf_guest_mem, 0, sizeof(evf_guest_mem));
    if (fzin_u8(&in) & 1)
        evf.page_fail_after = fzin_u8(&in) % 8; /* out of memory after a few buckets */
    for (unsigned n = 0; n < MAX_OPS && in.n; n++)
        one_op(&in);
    check_pairs();
    evf_reset(); /* destroys the domains' tables: every bucket page must come back */
    return 0;
}
