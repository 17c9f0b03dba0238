/* Host stand-ins for the event channel core's dependencies (evtchn_fake.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "console.h"
#include "pv-abi/errno.h"
#include "evtchn.h"
#include "evtchn_fake.h"
#include "gsi_fake.h"
#include "guest_access.h"
#include "mm.h"
#include "pirq.h"
#include "sched.h"

struct domain dom_a, dom_b, dom_p;
struct evf_state evf;
uint8_t evf_guest_mem[4096], evf_guest_ro[4096];
static uint64_t frames[EVF_NR_FRAMES][512];

static struct vcpu vcpus[3][2];
static struct pv_shared_info shared[3];
static struct domain *const all[] = {&dom_a, &dom_b, &dom_p};

struct domain *domain_by_id(unsigned domid)
{
    for (unsigned i = 0; i < 3; i++)
        if (all[i]->domid == domid)
            return all[i];
    return NULL;
}

void sched_wake(struct vcpu *v)
{
    evf.wakes[v->domain->domid][v->id]++;
    evf.eoi_word_at_wake = frames[2][0]; /* what dom_p's EOI page said when it was told */
    if (v->run_state == VCPU_BLOCKED)
        v->run_state = VCPU_RUNNABLE;
}

void sched_block(struct vcpu *v, bool unmask)
{
    evf.sleeps[v->domain->domid][v->id]++;
    v->run_state = VCPU_BLOCKED;
}

void *evtchn_page_alloc(void)
{
    void *p;

    if (evf.page_fail_after == 0)
        return NULL;
    if (evf.page_fail_after > 0)
        evf.page_fail_after--;
    p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    assert_non_null(p);
    memset(p, 0, PAGE_SIZE);
    evf.pages_live++;
    evf.pages_allocated++;
    return p;
}

void evtchn_page_free(void *page)
{
    assert_true(evf.pages_live > 0);
    evf.pages_live--;
    free(page);
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fail_msg("panic: %s", buf);
    abort();
}

static uint8_t *guest_ptr(uint64_t gva, size_t len, bool write)
{
    if (gva >= EVF_GVA && gva + len <= EVF_GVA + sizeof(evf_guest_mem) && gva + len >= gva)
        return evf_guest_mem + (gva - EVF_GVA);
    if (!write && gva >= EVF_GVA_RO && gva + len <= EVF_GVA_RO + sizeof(evf_guest_ro))
        return evf_guest_ro + (gva - EVF_GVA_RO);
    return NULL;
}

int guest_copy_from(void *dst, guest_handle src, size_t len)
{
    uint8_t *p = guest_ptr(src.gva, len, false);

    if (!p)
        return -PV_EFAULT;
    memcpy(dst, p, len);
    return 0;
}

int guest_copy_to(guest_handle dst, const void *src, size_t len)
{
    uint8_t *p = guest_ptr(dst.gva, len, true);

    if (!p)
        return -PV_EFAULT;
    memcpy(p, src, len);
    return 0;
}

/* Frames EVF_MFN + i: pages of all[i % 3]'s (EOI bitmap pages, FIFO control blocks and event
 * arrays). */
int mm_get_page_and_type(uint64_t mfn, const struct domain *d, uint32_t type)
{
    if (mfn < EVF_MFN || mfn >= EVF_MFN + EVF_NR_FRAMES || all[(mfn - EVF_MFN) % 3] != d ||
        type != PGT_writable)
        return -PV_EINVAL;
    evf.frame_refs++;
    return 0;
}

void mm_put_page_and_type(uint64_t mfn)
{
    assert_true(mfn >= EVF_MFN && mfn < EVF_MFN + EVF_NR_FRAMES && evf.frame_refs > 0);
    evf.frame_refs--;
}

void *mm_frame_ptr(uint64_t mfn)
{
    return frames[mfn - EVF_MFN];
}

uint64_t *evf_frame(unsigned i)
{
    return frames[i];
}

void evf_notify(struct domain *d, unsigned port)
{
    evf.notify_calls++;
    evf.notify_dom = d;
    evf.notify_port = port;
}

static void domain_setup(unsigned i, uint16_t domid, unsigned nr_vcpus, bool privileged)
{
    struct domain *d = all[i];

    memset(d, 0, sizeof(*d));
    memset(&shared[i], 0, sizeof(shared[i]));
    d->domid = domid;
    d->privileged = privileged;
    d->shared_info = &shared[i];
    d->nr_vcpus = nr_vcpus;
    for (unsigned v = 0; v < nr_vcpus; v++) {
        memset(&vcpus[i][v], 0, sizeof(vcpus[i][v]));
        vcpus[i][v].domain = d;
        vcpus[i][v].id = v;
        vcpus[i][v].run_state = VCPU_BLOCKED;
        vcpus[i][v].vcpu_info = &shared[i].vcpu_info[v];
        vcpus[i][v].vcpu_info->evtchn_upcall_mask = 1;
        d->vcpu[v] = &vcpus[i][v];
    }
    evtchn_init(d);
}

void evf_reset(void)
{
    for (unsigned i = 0; i < 3; i++)
        all[i]->evtchn_lock.locked = 0; /* a failed test may have left the core mid-operation */
    for (unsigned i = 0; i < 3; i++)
        if (all[i]->shared_info)
            evtchn_destroy(all[i]), pirq_domain_destroy(all[i]);
    assert_int_equal(evf.pages_live, 0);
    assert_int_equal(evf.frame_refs, 0); /* every EOI page let go */
    for (unsigned g = 0; g < GSIF_NR && gsif.ready; g++)
        assert_true(gsif.masked[g]); /* no GSI of a destroyed domain's left unmasked */
    memset(frames, 0, sizeof(frames));
    gsif_reset();
    memset(&evf, 0, sizeof(evf));
    evf.page_fail_after = -1;
    domain_setup(0, 1, 2, false);
    domain_setup(1, 2, 1, false);
    domain_setup(2, 3, 1, true);
    memset(evf_guest_mem, 0, sizeof(evf_guest_mem));
    memset(evf_guest_ro, 0, sizeof(evf_guest_ro));
}

void evf_assert_unlocked(void)
{
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(all[i]->evtchn_lock.locked, 0);
}

int evf_setup(void **state)
{
    (void)state;
    evf_reset();
    return 0;
}

int evf_teardown(void **state)
{
    (void)state;
    evf_assert_unlocked();
    return 0;
}

bool evf_pending(const struct domain *d, unsigned port)
{
    return d->shared_info->evtchn_pending[port / 64] & (1ULL << (port % 64));
}

bool evf_masked(const struct domain *d, unsigned port)
{
    return d->shared_info->evtchn_mask[port / 64] & (1ULL << (port % 64));
}

void evf_set_mask(struct domain *d, unsigned port, bool masked)
{
    if (masked)
        d->shared_info->evtchn_mask[port / 64] |= 1ULL << (port % 64);
    else
        d->shared_info->evtchn_mask[port / 64] &= ~(1ULL << (port % 64));
}

void evf_clear_pending(struct domain *d, unsigned port)
{
    d->shared_info->evtchn_pending[port / 64] &= ~(1ULL << (port % 64));
}

struct pv_vcpu_info *evf_vi(const struct domain *d, unsigned vcpu)
{
    return &d->shared_info->vcpu_info[vcpu];
}
