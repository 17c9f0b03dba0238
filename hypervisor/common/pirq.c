/* PIRQs: the machine's GSIs given to domains as event channels, after Xen's model for a PV
 * hardware domain (pirq = GSI). One owner per GSI. A level GSI is masked from its interrupt until
 * the owner's PHYSDEVOP_eoi; an edge GSI stays unmasked and its interrupts collect in the port's
 * pending bit. A GSI with no bound port is masked. MSI and MSI-X vectors (arch_msi_*) are pirqs
 * above the GSIs, chosen from the top down as Xen does, edge-like, masked until bound. */
#include "pirq.h"
#include "evtchn.h"
#include "mm.h"
#include "pv-abi/errno.h"
#include "pv-abi/physdev_op.h"

static struct {
    struct domain *owner; /* PHYSDEVOP_map_pirq made it this domain's; NULL: nobody's */
    uint16_t port;        /* the owner's port bound to it (may have been closed since), 0 none */
    bool in_service;      /* level: masked from its interrupt until the owner's EOI */
} gsis[PIRQ_MAX_GSI];
static struct {
    struct domain *owner; /* NULL: the slot's vector is not a pirq's */
    uint16_t port, pirq;
} msis[ARCH_MSI_SLOTS];
static spinlock_t pirq_lock = SPINLOCK_INIT;

static unsigned nr_gsis(void)
{
    return MIN(arch_gsi_count(), PIRQ_MAX_GSI);
}

/* The domain a privileged caller names (Xen's XSM_DM_PRIV): -ESRCH, -EPERM, or 0 and *d. */
static int target(struct domain *caller, unsigned domid, struct domain **d)
{
    *d = domid == PV_DOMID_SELF ? caller : domain_by_id(domid);
    if (!*d || (*d)->state != DOM_RUNNING)
        return -PV_ESRCH;
    return caller->privileged ? 0 : -PV_EPERM;
}

static void eoi_bit(struct domain *d, unsigned pirq, bool set)
{
    if (!d->pirq_eoi_map)
        return;
    if (set)
        __atomic_fetch_or(&d->pirq_eoi_map[pirq / 64], 1UL << (pirq % 64), __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&d->pirq_eoi_map[pirq / 64], ~(1UL << (pirq % 64)), __ATOMIC_SEQ_CST);
}

/* Start a level GSI's service (pirq_lock held): its EOI bit is set before the event is raised,
 * since the owner may handle the event on another CPU at once and look for the bit. */
static void serve(struct domain *d, unsigned gsi, bool on)
{
    gsis[gsi].in_service = on;
    eoi_bit(d, gsi, on);
}

/* Forget gsi's owner (pirq_lock held): masked, out of service. */
static void release_gsi(unsigned gsi)
{
    arch_gsi_mask(gsi, true);
    serve(gsis[gsi].owner, gsi, false);
    gsis[gsi].owner = NULL;
    gsis[gsi].port = 0;
}

int pirq_map(struct domain *caller, unsigned domid, int type, int gsi, int *pirq)
{
    struct domain *d;
    int rc = target(caller, domid, &d);

    if (rc)
        return rc;
    if (type != PV_MAP_PIRQ_TYPE_GSI)
        return -PV_EINVAL;
    if (gsi < 0 || (unsigned)gsi >= nr_gsis() || (*pirq != -1 && *pirq != gsi))
        return -PV_EINVAL; /* pirq = gsi only: Xen's choice for the hardware domain */
    if (!gsi)
        return -PV_EPERM; /* IRQ 0, the timer: Xen's irq_access_permitted refuses it. Another
                           * reserved GSI maps inert, as Xen's pinless IRQ 2: none binds it
                           * (irq_caps), setup_gsi refuses it, its pin stays masked */
    spin_lock(&pirq_lock);
    if (d->state != DOM_RUNNING)
        rc = -PV_ESRCH; /* ended meanwhile: its reap (pirq_domain_destroy) may have passed */
    else if (gsis[gsi].owner && gsis[gsi].owner != d)
        rc = -PV_EBUSY;
    else
        gsis[gsi].owner = d; /* mapping it again is a no-op, as Xen */
    spin_unlock(&pirq_lock);
    if (!rc)
        *pirq = gsi;
    return rc;
}

/* d's MSI slot for pirq, or -1 (pirq_lock held). */
static int msi_slot(struct domain *d, unsigned pirq)
{
    for (int s = 0; s < ARCH_MSI_SLOTS; s++)
        if (msis[s].owner == d && msis[s].pirq == pirq)
            return s;
    return -1;
}

/* The pirq wanted (-1: the highest free above the GSIs), or -PV_E* (pirq_lock held). */
static int msi_pirq(struct domain *d, int want)
{
    for (int p = PIRQ_NR - 1; p >= PIRQ_MAX_GSI; p--)
        if ((want == -1 || want == p) && msi_slot(d, (unsigned)p) < 0)
            return p;
    return want == -1                               ? -PV_ENOSPC
           : want >= PIRQ_MAX_GSI && want < PIRQ_NR ? -PV_EEXIST
                                                    : -PV_EINVAL;
}

/* Forget an MSI slot (pirq_lock held): its vector disabled, its pirq no longer d's to bind. */
static void release_msi(unsigned s)
{
    arch_msi_teardown(s);
    rangeset_remove(&msis[s].owner->irq_caps, msis[s].pirq, msis[s].pirq);
    msis[s].owner = NULL;
}

int pirq_map_msi(struct domain *caller, struct pv_physdev_map_pirq *m)
{
    struct domain *d;
    bool seg = m->type == PV_MAP_PIRQ_TYPE_MSI_SEG, msix = m->table_base != 0; /* Xen's test */
    uint32_t bus = seg ? (uint32_t)m->bus & 0xffff : (uint32_t)m->bus;
    int rc = target(caller, m->domid, &d), p, s;

    if (rc)
        return rc;
    if ((!seg && m->type != PV_MAP_PIRQ_TYPE_MSI) || m->index != -1 || bus > 255 ||
        (uint32_t)m->devfn > 255 || (msix && m->entry_nr < 0))
        return -PV_EINVAL; /* MULTI_MSI not served (Linux then asks for one vector); no irq reuse */
    if (seg && (uint32_t)m->bus >> 16)
        return -PV_ENODEV; /* segment 0 only */
    spin_lock(&pirq_lock);
    if (d->state != DOM_RUNNING)
        rc = -PV_ESRCH;
    else if ((rc = p = msi_pirq(d, m->pirq)) >= 0 &&
             (rc = s = arch_msi_setup(bus << 8 | (unsigned)m->devfn, msix, (unsigned)m->entry_nr,
                                      m->table_base)) >= 0) {
        msis[s] = (typeof(msis[0])){.owner = d, .pirq = (uint16_t)p};
        if ((rc = rangeset_add(&d->irq_caps, (unsigned)p, (unsigned)p)))
            release_msi((unsigned)s);
        else
            m->pirq = p;
    }
    spin_unlock(&pirq_lock);
    return rc;
}

int pirq_unmap(struct domain *caller, unsigned domid, int pirq)
{
    struct domain *d;
    int rc = target(caller, domid, &d), s;

    if (rc)
        return rc;
    if (pirq < 0 || pirq >= PIRQ_NR)
        return -PV_EINVAL;
    spin_lock(&pirq_lock);
    if ((unsigned)pirq < PIRQ_MAX_GSI && gsis[pirq].owner == d)
        release_gsi((unsigned)pirq);
    else if ((s = msi_slot(d, (unsigned)pirq)) >= 0)
        release_msi((unsigned)s);
    else
        rc = -PV_EINVAL; /* not mapped */
    spin_unlock(&pirq_lock);
    return rc;
}

int pirq_setup_gsi(struct domain *caller, int gsi, unsigned level, unsigned active_low)
{
    if (!caller->privileged)
        return -PV_EPERM;
    if (gsi < 0 || (unsigned)gsi >= nr_gsis())
        return -PV_EINVAL;
    if (arch_gsi_reserved((unsigned)gsi))
        return -PV_EPERM;
    return arch_gsi_setup((unsigned)gsi, level != 0, active_low != 0) ? 0 : -PV_EEXIST;
}

/* d's port field for pirq, NULL if pirq is not d's (pirq_lock held). */
static uint16_t *port_of(struct domain *d, unsigned pirq)
{
    int s = pirq < PIRQ_MAX_GSI ? -1 : msi_slot(d, pirq);

    if (pirq < PIRQ_MAX_GSI)
        return gsis[pirq].owner == d ? &gsis[pirq].port : NULL;
    return s < 0 ? NULL : &msis[s].port;
}

int pirq_bind(struct domain *d, unsigned pirq, unsigned flags, unsigned *port)
{
    int rc = 0, p;
    uint16_t *pp;

    (void)flags; /* BIND_PIRQ__WILL_SHARE: a GSI has one owner here, nothing is shared */
    if (pirq >= PIRQ_NR)
        return -PV_EINVAL;
    spin_lock(&pirq_lock);
    if (!(pp = port_of(d, pirq)))
        rc = d->privileged ? -PV_EINVAL : -PV_EPERM; /* not mapped; a domU has no access */
    else if (!rangeset_contains(&d->irq_caps, pirq, pirq))
        rc = -PV_EPERM; /* mapped for d, not granted (Xen's pirq_access_permitted) */
    else if (evtchn_raise_pirq(d, *pp, pirq, false))
        rc = -PV_EEXIST; /* a port is still bound to it */
    else if ((p = evtchn_alloc_pirq_port(d, pirq)) < 0)
        rc = p;
    else {
        *pp = (uint16_t)p;
        *port = (unsigned)p;
        if (pirq >= PIRQ_MAX_GSI)
            arch_msi_mask((unsigned)msi_slot(d, pirq), false);
        else if (!gsis[pirq].in_service)
            arch_gsi_mask(pirq, false);
    }
    spin_unlock(&pirq_lock);
    return rc;
}

void pirq_set_cpu(struct domain *d, unsigned pirq, unsigned cpu)
{
    int s;

    spin_lock(&pirq_lock);
    if (pirq >= PIRQ_MAX_GSI && (s = msi_slot(d, pirq)) >= 0)
        arch_msi_set_cpu((unsigned)s, cpu);
    spin_unlock(&pirq_lock);
}

int pirq_eoi(struct domain *d, unsigned pirq)
{
    int rc = 0;

    if (pirq >= PIRQ_NR)
        return -PV_EINVAL;
    spin_lock(&pirq_lock);
    if (!port_of(d, pirq)) {
        rc = -PV_EINVAL; /* no such pirq of d's */
    } else if (pirq < PIRQ_MAX_GSI && gsis[pirq].in_service) {
        serve(d, pirq, false);
        arch_gsi_mask(pirq, false);
    }
    spin_unlock(&pirq_lock);
    return rc;
}

int pirq_status(struct domain *d, unsigned pirq, uint32_t *flags)
{
    (void)d;
    if (pirq >= PIRQ_NR)
        return -PV_EINVAL;
    *flags = PV_XENIRQSTAT_needs_eoi; /* Xen says so for every pirq (the bitmap refines it) */
    return 0;
}

int pirq_eoi_page(struct domain *d, uint64_t gmfn)
{
    int rc = 0;

    if (mm_get_page_and_type(gmfn, d, PGT_writable))
        return -PV_EINVAL; /* not d's, or a page table or descriptor page */
    spin_lock(&pirq_lock);
    if (d->pirq_eoi_mfn) {
        rc = -PV_EBUSY;
    } else {
        d->pirq_eoi_mfn = gmfn;
        d->pirq_eoi_map = mm_frame_ptr(gmfn);
        for (unsigned gsi = 0; gsi < PIRQ_MAX_GSI; gsi++)
            if (gsis[gsi].owner == d && gsis[gsi].in_service)
                eoi_bit(d, gsi, true);
    }
    spin_unlock(&pirq_lock);
    if (rc)
        mm_put_page_and_type(gmfn);
    return rc;
}

void pirq_raise(unsigned gsi)
{
    struct domain *d;
    bool level;

    if (gsi >= nr_gsis())
        return; /* no such GSI */
    level = arch_gsi_is_level(gsi);
    spin_lock(&pirq_lock);
    d = gsis[gsi].owner;
    if (level)
        arch_gsi_mask(gsi, true); /* before the local APIC's EOI: no storm */
    if (level && d)
        serve(d, gsi, true);
    if (!d || !evtchn_raise_pirq(d, gsis[gsi].port, gsi, true)) {
        if (level && d)
            serve(d, gsi, false);
        arch_gsi_mask(gsi, true); /* nobody listens: masked until a bind */
    }
    spin_unlock(&pirq_lock);
}

void pirq_raise_msi(unsigned slot)
{
    spin_lock(&pirq_lock);
    if (msis[slot].owner) /* else a vector just torn down; one with no port: dropped */
        evtchn_raise_pirq(msis[slot].owner, msis[slot].port, msis[slot].pirq, true);
    spin_unlock(&pirq_lock);
}

void pirq_domain_destroy(struct domain *d)
{
    spin_lock(&pirq_lock);
    for (unsigned s = 0; s < ARCH_MSI_SLOTS; s++)
        if (msis[s].owner == d)
            release_msi(s);
    for (unsigned gsi = 0; gsi < PIRQ_MAX_GSI; gsi++)
        if (gsis[gsi].owner == d)
            release_gsi(gsi);
    if (d->pirq_eoi_mfn)
        mm_put_page_and_type(d->pirq_eoi_mfn);
    d->pirq_eoi_mfn = 0;
    d->pirq_eoi_map = NULL;
    spin_unlock(&pirq_lock);
}
