/* dom0-tools/libhv/stream_pv.c - PV canonicalisation: page tables, vCPU state and start_info
 * between machine frames and the domain's frame numbers (stream_pv.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stream_pv.h"

#define MAX_FRAME (HV_PTE_FRAME >> 12)

static int rev_cmp(const void *a, const void *b)
{
    const struct hv_pfnmap_rev *x = a, *y = b;

    return x->mfn < y->mfn ? -1 : x->mfn > y->mfn;
}

int hv_pfnmap_init(struct hv_pfnmap *m, const uint64_t *p2m, uint64_t nr, struct hv_err *err)
{
    uint64_t i;

    memset(m, 0, sizeof(*m));
    if (!nr || nr > (1ull << 32))
        return hv_err_set(err, -EINVAL, "a domain of %llu pages", (unsigned long long)nr);
    m->p2m = malloc(nr * sizeof(*m->p2m));
    m->rev = malloc(nr * sizeof(*m->rev));
    if (!m->p2m || !m->rev) {
        hv_pfnmap_free(m);
        return hv_err_set(err, -ENOMEM, "out of memory for a map of %llu pages",
                          (unsigned long long)nr);
    }
    memcpy(m->p2m, p2m, nr * sizeof(*m->p2m));
    m->nr = nr;
    for (i = 0; i < nr; i++) {
        if (p2m[i] == HV_INVALID_MFN)
            continue;
        if (p2m[i] > MAX_FRAME) {
            hv_pfnmap_free(m);
            return hv_err_set(err, -ERANGE, "p2m: pfn 0x%llx maps frame 0x%llx, beyond any "
                              "machine", (unsigned long long)i, (unsigned long long)p2m[i]);
        }
        m->rev[m->n_rev].mfn = p2m[i];
        m->rev[m->n_rev++].pfn = i;
    }
    qsort(m->rev, m->n_rev, sizeof(*m->rev), rev_cmp);
    for (i = 1; i < m->n_rev; i++)
        if (m->rev[i].mfn == m->rev[i - 1].mfn) {
            uint64_t a = m->rev[i - 1].pfn, b = m->rev[i].pfn, mfn = m->rev[i].mfn;

            hv_pfnmap_free(m);
            return hv_err_set(err, -EINVAL, "p2m: pfns 0x%llx and 0x%llx both map frame 0x%llx",
                              (unsigned long long)a, (unsigned long long)b,
                              (unsigned long long)mfn);
        }
    return 0;
}

void hv_pfnmap_free(struct hv_pfnmap *m)
{
    free(m->p2m);
    free(m->rev);
    memset(m, 0, sizeof(*m));
}

int hv_pfnmap_pfn(const struct hv_pfnmap *m, uint64_t mfn, uint64_t *pfn)
{
    struct hv_pfnmap_rev key = {.mfn = mfn};
    const struct hv_pfnmap_rev *r = bsearch(&key, m->rev, m->n_rev, sizeof(key), rev_cmp);

    if (!r)
        return -ERANGE;
    *pfn = r->pfn;
    return 0;
}

int hv_pfnmap_mfn(const struct hv_pfnmap *m, uint64_t pfn, uint64_t *mfn)
{
    if (pfn >= m->nr || m->p2m[pfn] == HV_INVALID_MFN)
        return -ERANGE;
    *mfn = m->p2m[pfn];
    return 0;
}

static bool xen_slot(unsigned level, unsigned i)
{
    return level == 4 && i >= HV_L4_XEN_FIRST && i <= HV_L4_XEN_LAST;
}

/* One table either way (to_pfn: save). */
static int rewrite_table(uint64_t *pt, unsigned level, const struct hv_pfnmap *m, bool to_pfn,
                         struct hv_err *err)
{
    unsigned i;

    if (level < 1 || level > 4)
        return hv_err_set(err, -EINVAL, "page-table level %u", level);
    for (i = 0; i < 512; i++) {
        uint64_t e = pt[i], from = (e & HV_PTE_FRAME) >> 12, to;
        int rc;

        if (xen_slot(level, i)) {
            if (!to_pfn && e)
                return hv_err_set(err, -EINVAL, "L4 entry %u (0x%016llx) is in the "
                                  "hypervisor's slots", i, (unsigned long long)e);
            pt[i] = 0;
            continue;
        }
        if (!(e & HV_PTE_PRESENT))
            continue;
        if ((level == 2 || level == 3) && (e & HV_PTE_PSE))
            return hv_err_set(err, -EINVAL, "L%u entry %u (0x%016llx) maps a superpage", level,
                              i, (unsigned long long)e);
        rc = to_pfn ? hv_pfnmap_pfn(m, from, &to) : hv_pfnmap_mfn(m, from, &to);
        if (rc)
            return hv_err_set(err, -ERANGE, "L%u entry %u (0x%016llx) maps %s 0x%llx, not a "
                              "frame of the domain", level, i, (unsigned long long)e,
                              to_pfn ? "machine frame" : "pfn", (unsigned long long)from);
        pt[i] = (e & ~HV_PTE_FRAME) | to << 12;
    }
    return 0;
}

int hv_pv_canon_table(uint64_t *pt, unsigned level, const struct hv_pfnmap *m,
                      struct hv_err *err)
{
    return rewrite_table(pt, level, m, true, err);
}

int hv_pv_localise_table(uint64_t *pt, unsigned level, const struct hv_pfnmap *m,
                         struct hv_err *err)
{
    return rewrite_table(pt, level, m, false, err);
}

static int frame(const struct hv_pfnmap *m, uint64_t *f, bool to_pfn, unsigned vcpu,
                 const char *what, struct hv_err *err)
{
    uint64_t out;
    int rc = to_pfn ? hv_pfnmap_pfn(m, *f, &out) : hv_pfnmap_mfn(m, *f, &out);

    if (rc)
        return hv_err_set(err, -ERANGE, "vCPU %u: %s 0x%llx is not a frame of the domain", vcpu,
                          what, (unsigned long long)*f);
    *f = out;
    return 0;
}

static int rewrite_frames(struct pv_vcpu_guest_context *c, unsigned vcpu,
                          const struct hv_pfnmap *m, bool to_pfn, struct hv_err *err)
{
    uint64_t f, user = c->ctrlreg[1];
    unsigned i, n = (unsigned)((c->gdt_ents + 511) / 512);
    int rc;

    if (c->gdt_ents > 16 * 512)
        return hv_err_set(err, -EINVAL, "vCPU %u: %llu GDT entries", vcpu,
                          (unsigned long long)c->gdt_ents);
    for (i = 0; i < n; i++)
        if ((rc = frame(m, &c->gdt_frames[i], to_pfn, vcpu, "GDT frame", err)))
            return rc;
    f = c->ctrlreg[3] >> 12;
    if ((rc = frame(m, &f, to_pfn, vcpu, "kernel page table (cr3)", err)))
        return rc;
    c->ctrlreg[3] = f << 12;
    /* The stream marks a user page table with bit 0; the hypervisor's context has none. */
    if (!to_pfn && user && !(user & 1))
        return hv_err_set(err, -EINVAL, "vCPU %u: user cr3 0x%llx without its marker bit", vcpu,
                          (unsigned long long)user);
    if (user) {
        f = user >> 12;
        if ((rc = frame(m, &f, to_pfn, vcpu, "user page table", err)))
            return rc;
        c->ctrlreg[1] = f << 12 | (to_pfn ? 1 : 0);
    }
    if (vcpu == 0 && (rc = frame(m, &c->user_regs.rdx, to_pfn, vcpu,
                                 "start_info (rdx of the suspended vCPU 0)", err)))
        return rc;
    return 0;
}

static int rewrite_vcpu(struct pv_vcpu_guest_context *c, unsigned vcpu,
                        const struct hv_pfnmap *m, bool to_pfn, struct hv_err *err)
{
    struct pv_vcpu_guest_context t = *c; /* c changes only if every frame converts */
    int rc = rewrite_frames(&t, vcpu, m, to_pfn, err);

    if (!rc)
        *c = t;
    return rc;
}

int hv_pv_canon_vcpu(struct pv_vcpu_guest_context *c, unsigned vcpu, const struct hv_pfnmap *m,
                     struct hv_err *err)
{
    return rewrite_vcpu(c, vcpu, m, true, err);
}

int hv_pv_localise_vcpu(struct pv_vcpu_guest_context *c, unsigned vcpu,
                        const struct hv_pfnmap *m, struct hv_err *err)
{
    return rewrite_vcpu(c, vcpu, m, false, err);
}

int hv_pv_start_info(struct pv_start_info *si, const struct hv_pfnmap *m,
                     const struct hv_resume_info *ri, uint64_t *store_mfn, uint64_t *console_mfn,
                     struct hv_err *err)
{
    if (hv_pfnmap_mfn(m, si->store_mfn, store_mfn))
        return hv_err_set(err, -ERANGE, "start_info: the xenstore ring's pfn 0x%llx is not a "
                          "frame of the domain", (unsigned long long)si->store_mfn);
    if (hv_pfnmap_mfn(m, si->console.domU.mfn, console_mfn))
        return hv_err_set(err, -ERANGE, "start_info: the console ring's pfn 0x%llx is not a "
                          "frame of the domain", (unsigned long long)si->console.domU.mfn);
    si->store_mfn = *store_mfn;
    si->console.domU.mfn = *console_mfn;
    si->store_evtchn = ri->store_evtchn;
    si->console.domU.evtchn = ri->console_evtchn;
    si->shared_info = ri->shared_info_mfn << 12;
    si->nr_pages = ri->nr_pages;
    si->flags = 0;
    return 0;
}
