/* domctl's commands for save, restore and migration (domctl_ops.h), with Xen 4.17's checks in
 * Xen's order (common/domctl.c, arch/x86/domctl.c): resuming a suspended domain, the guest's
 * width, and the vCPU state beyond the vCPU context: the 32-bit callbacks, the XSAVE state
 * (none: guests here see no XSAVE) and the MSRs that migrate; log-dirty mode (shadow_op), whose
 * bitmap and harvest are in mm/logdirty.c. */
#include "domctl_ops.h"
#include "evtchn.h"
#include "guest_access.h"
#include "lib.h"
#include "logdirty.h"
#include "pv-abi/errno.h"
#include "x86/cpu.h"
#include "x86/msr.h"

#define XSAVE_HDR_SIZE 16 /* xcr0 and xcr0_accum, both 0 here: no XSAVE area follows */
#define VMCE_CAPS_ALWAYS 0x1ffULL /* MCG_CAP's bank count and MCG_CTL_P: Xen never refuses them */
#define NR_MSRS_SENT 7    /* Xen's msrs_to_send: SPEC_CTRL, MISC_FEATURES, TSC_AUX, 4 DR masks */

/* Xen's domain_resume: a domain that shut down (SCHEDOP_shutdown, e.g. suspend) runs again
 * where it stopped; for a running domain nothing changes. */
long domctl_resumedomain(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    if (d == cur->domain) /* no domain_pause() of oneself */
        return -PV_EINVAL;
    domain_resume(d);
    return 0;
}

/* Only 64-bit PV guests: 64 is the width, 32 (a compat guest) is not supported here. */
long domctl_set_address_size(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    if (op->u.address_size.size == 64)
        return 0;
    return op->u.address_size.size == 32 ? -PV_EOPNOTSUPP : -PV_EINVAL;
}

long domctl_get_address_size(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    op->u.address_size.size = 64;
    domctl_copyback();
    return 0;
}

static void ext_get(struct vcpu *v, struct pv_domctl_ext_vcpucontext *e)
{
    memset(&e->syscall32_callback_eip, 0, sizeof(*e) - 8);
    e->size = sizeof(*e);
    e->syscall32_callback_eip = v->syscall32_callback;
    e->sysenter_callback_eip = v->sysenter_callback;
    e->syscall32_disables_events = v->syscall32_disables_events;
    e->sysenter_disables_events = v->sysenter_disables_events;
}

/* The code selectors are not kept: these callbacks run on the flat kernel selector, and Xen
 * reports 0 for a 64-bit guest that registered them through callback_op. No virtual MCE: its
 * capabilities must be 0 (Xen refuses the ones it does not offer). */
static long ext_set(struct domain *d, struct vcpu *v, const struct pv_domctl_ext_vcpucontext *e)
{
    if (e->size < offsetof(struct pv_domctl_ext_vcpucontext, vmce))
        return -PV_EINVAL;
    if (!guest_range_ok(e->sysenter_callback_eip, 1) ||
        !guest_range_ok(e->syscall32_callback_eip, 1))
        return -PV_EINVAL;
    if (e->size >= offsetof(struct pv_domctl_ext_vcpucontext, vmce) + 8 &&
        (e->vmce.caps & ~VMCE_CAPS_ALWAYS))
        return -PV_EINVAL;
    domain_pause(d);
    v->syscall32_callback = e->syscall32_callback_eip;
    v->sysenter_callback = e->sysenter_callback_eip;
    v->syscall32_disables_events = e->syscall32_disables_events;
    v->sysenter_disables_events = e->sysenter_disables_events;
    domain_unpause(d);
    return 0;
}

long domctl_ext_vcpucontext(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    struct vcpu *v = domain_vcpu(d, op->u.ext_vcpucontext.vcpu);

    if (!v)
        return -PV_ESRCH;
    if (d == cur->domain) /* Xen: -ESRCH still (no pause of oneself) */
        return -PV_ESRCH;
    if (op->cmd == PV_DOMCTL_set_ext_vcpucontext)
        return ext_set(d, v, &op->u.ext_vcpucontext);
    domain_pause(d);
    ext_get(v, &op->u.ext_vcpucontext);
    domain_unpause(d);
    domctl_copyback();
    return 0;
}

/* getvcpuextstate: the size query, else the header (both words 0) into a buffer that holds it
 * with the same (empty) feature mask. */
static long extstate_get(struct pv_domctl_vcpuextstate *x)
{
    static const uint64_t hdr[2];

    if ((!x->size && !x->xfeature_mask) || !x->buffer) {
        x->xfeature_mask = 0;
        x->size = XSAVE_HDR_SIZE;
        return 0;
    }
    if (x->size < XSAVE_HDR_SIZE || x->xfeature_mask)
        return -PV_EINVAL;
    if (guest_copy_to(guest_handle_of(x->buffer), hdr, sizeof(hdr)))
        return -PV_EFAULT;
    x->size = XSAVE_HDR_SIZE;
    return 0;
}

/* setvcpuextstate: exactly the header, and it must say "no XSAVE state" (xcr0 = xcr0_accum =
 * 0): Xen's checks on a host whose feature mask is 0. */
static long extstate_set(const struct pv_domctl_vcpuextstate *x)
{
    uint64_t hdr[2];

    if (x->size < XSAVE_HDR_SIZE || x->size > XSAVE_HDR_SIZE)
        return -PV_EINVAL;
    if (guest_copy_from(hdr, guest_handle_of(x->buffer), sizeof(hdr)))
        return -PV_EFAULT;
    return hdr[0] || hdr[1] ? -PV_EINVAL : 0;
}

long domctl_vcpuextstate(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    struct vcpu *v = domain_vcpu(d, op->u.vcpuextstate.vcpu);

    if (op->cmd == PV_DOMCTL_getvcpuextstate)
        domctl_copyback();
    if (!v)
        return -PV_ESRCH;
    if (v == cur) /* no vcpu_pause() of oneself */
        return -PV_EINVAL;
    if (op->cmd == PV_DOMCTL_getvcpuextstate)
        return extstate_get(&op->u.vcpuextstate);
    return extstate_set(&op->u.vcpuextstate);
}

/* get_vcpu_msrs: those of Xen's list the vCPU has and are not 0 (TSC_AUX only here); -ENOBUFS
 * with the count needed if msr_count is short. */
static long msrs_get(struct domain *d, struct vcpu *v, struct pv_domctl_vcpu_msrs *m)
{
    struct pv_domctl_vcpu_msr msr = {.index = MSR_TSC_AUX};
    uint32_t n = 0;

    if (!m->msrs) {
        m->msr_count = NR_MSRS_SENT;
        return 0;
    }
    domain_pause(d);
    msr.value = v->tsc_aux;
    domain_unpause(d);
    if (msr_has_tsc_aux() && msr.value) {
        if (m->msr_count && guest_copy_to(guest_handle_of(m->msrs), &msr, sizeof(msr)))
            return -PV_EFAULT;
        n = 1;
    }
    if (n > m->msr_count)
        return m->msr_count = n, -PV_ENOBUFS;
    m->msr_count = n;
    return 0;
}

/* set_vcpu_msrs: each entry in turn (reserved 0, an MSR the vCPU has, a value it takes); at the
 * first refusal -EINVAL with msr_count the entries done (-EFAULT for an unreadable one). */
static long msrs_set(struct domain *d, struct vcpu *v, struct pv_domctl_vcpu_msrs *m)
{
    struct pv_domctl_vcpu_msr msr;
    uint32_t i;
    long rc = 0;

    if (m->msr_count > NR_MSRS_SENT)
        return -PV_EINVAL;
    domain_pause(d);
    for (i = 0; i < m->msr_count && !rc; i++) {
        rc = -PV_EFAULT;
        if (guest_copy_from(&msr, guest_handle_of(m->msrs + i * sizeof(msr)), sizeof(msr)))
            break;
        rc = -PV_EINVAL;
        if (msr.reserved || msr.index != MSR_TSC_AUX || !msr_has_tsc_aux() ||
            msr.value != (uint32_t)msr.value)
            break;
        v->tsc_aux = msr.value; /* loaded into the MSR when v next runs (msr_load) */
        rc = 0;
    }
    domain_unpause(d);
    if (rc) {
        m->msr_count = i;
        domctl_copyback();
    }
    return rc;
}

long domctl_vcpu_msrs(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    struct vcpu *v = domain_vcpu(d, op->u.vcpu_msrs.vcpu);

    if (!v)
        return -PV_ESRCH;
    if (v == cur)
        return -PV_EINVAL;
    if (op->cmd == PV_DOMCTL_set_vcpu_msrs)
        return msrs_set(d, v, &op->u.vcpu_msrs);
    domctl_copyback();
    return msrs_get(d, v, &op->u.vcpu_msrs);
}

/* The guest frames the hypervisor writes on its own (vcpu_info pages, FIFO event words and
 * control blocks, the pirq EOI bitmap) and the rings its dom0 servers write: reported each time,
 * as Xen's final round reports the pages it maps for writing. */
static void mark_hv_written(struct domain *d)
{
    static uint64_t fifo[EVTCHN_FIFO_MAX_FRAMES]; /* under the domctl lock */

    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpu[i]->vcpu_info_mfn)
            logdirty_mark(d->vcpu[i]->vcpu_info_mfn);
    if (d->pirq_eoi_mfn)
        logdirty_mark(d->pirq_eoi_mfn);
    if (d->console_mfn)
        logdirty_mark(d->console_mfn);
    if (d->store_mfn)
        logdirty_mark(d->store_mfn);
    for (unsigned i = evtchn_fifo_frames(d, fifo); i-- > 0;)
        logdirty_mark(fifo[i]);
}

/* The bitmap's bytes into the toolstack's buffer, sc->dirty_bitmap. */
static int bitmap_to_guest(void *arg, uint64_t off, const void *bits, uint64_t bytes)
{
    const struct pv_domctl_shadow_op *sc = arg;

    return guest_copy_to(guest_handle_of(sc->dirty_bitmap + off), bits, bytes);
}

static long logdirty_peek_clean(struct domain *d, struct pv_domctl_shadow_op *sc)
{
    long rc;

    domain_pause(d);
    mark_hv_written(d);
    rc = logdirty_read(d, sc->op == PV_DOMCTL_SHADOW_OP_CLEAN, sc, bitmap_to_guest, sc);
    domain_unpause(d);
    return rc;
}

/* Xen's paging_domctl for a PV domain without shadow paging: log-dirty on, off, CLEAN and PEEK;
 * the other modes and the shadow allocation -EOPNOTSUPP. The argument always goes back. */
long domctl_shadow_op(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    struct pv_domctl_shadow_op *sc = &op->u.shadow_op;
    long rc;

    domctl_copyback();
    if (d == cur->domain)
        return -PV_EINVAL;
    if (d->dying)
        return 0; /* Xen ignores paging ops on a dying domain */
    switch (sc->op) {
    case PV_DOMCTL_SHADOW_OP_ENABLE:
        if (!(sc->mode & PV_DOMCTL_SHADOW_ENABLE_LOG_DIRTY))
            return -PV_EOPNOTSUPP;
        /* fall through */
    case PV_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY:
        domain_pause(d);
        rc = logdirty_enable(d);
        domain_unpause(d);
        return rc;
    case PV_DOMCTL_SHADOW_OP_OFF:
        logdirty_disable(d);
        return 0;
    case PV_DOMCTL_SHADOW_OP_CLEAN:
    case PV_DOMCTL_SHADOW_OP_PEEK:
        return logdirty_peek_clean(d, sc);
    }
    return -PV_EOPNOTSUPP;
}
