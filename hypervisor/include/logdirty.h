/* Log-dirty mode of a PV domain (mm/logdirty.c), for live migration: a bitmap of the domain's
 * pseudo-physical frames (as the M2P names them) written since the toolstack last cleaned it.
 * Without shadow page tables, writes are found three ways: the hypervisor's own writes and
 * those through grants call logdirty_mark; the guest's writes set the dirty bit of the L1 entry
 * it wrote through, which logdirty_read harvests (and clears on kernel entries, which the guest
 * does not read back; user entries with the bit set are reported every time, since the guest
 * keeps it for itself), and an entry that goes away reports its bit as it goes; page-table and
 * descriptor frames, which the CPU writes (accessed and dirty bits), are reported every time. */
#ifndef HV_LOGDIRTY_H
#define HV_LOGDIRTY_H
#include "domain.h"
#include "pv-abi/domctl.h"

/* Domains in log-dirty mode: while 0, a mark is one load and a branch. */
extern unsigned logdirty_domains;
void logdirty_mark_slow(uint64_t mfn);

/* Machine frame mfn was (or may have been) written: marked if its owner is in log-dirty mode. */
static inline void logdirty_mark(uint64_t mfn)
{
    if (__builtin_expect(__atomic_load_n(&logdirty_domains, __ATOMIC_RELAXED) != 0, 0))
        logdirty_mark_slow(mfn);
}

/* Enter log-dirty mode with an empty bitmap covering the domain's frames and max_pages:
 * -EINVAL if it is in it, -ENOMEM. Leave it (nothing to do if not in it; also at reaping). */
long logdirty_enable(struct domain *d);
void logdirty_disable(struct domain *d);
/* Where logdirty_read puts the bitmap: `bytes` of it from byte `off` on (the caller's copy to
 * the guest's buffer, which this layer cannot make); nonzero if that failed. */
typedef int (*logdirty_sink)(void *arg, uint64_t off, const void *bits, uint64_t bytes);
/* CLEAN (clean) or PEEK, d paused: harvest the dirty bits, give sc->pages bits of the bitmap to
 * sink (none if sc->dirty_bitmap is 0), then for CLEAN clear it and the count. sc->pages comes
 * back capped at the frames the bitmap covers (0 if d is not in log-dirty mode). -EFAULT when
 * the sink fails; -ENOMEM once a frame beyond the bitmap was written (until the mode ends). */
long logdirty_read(struct domain *d, bool clean, struct pv_domctl_shadow_op *sc,
                   logdirty_sink sink, void *arg);

#endif
