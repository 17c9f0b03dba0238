/* dom0-tools/libhv/save_dom.c - save.h's callbacks on a real domain through privcmd: page types
 * and foreign mappings, vCPU contexts, shared_info, the TSC, and the guest's own p2m. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pv-abi/shared_info.h"
#include "save_dom.h"

static int priv_msg(struct hv_save_ctx *c, struct hv_err *err, int rc)
{
    return hv_err_set(err, rc, "%s", hv_priv_error(c->priv));
}

/* Maps n frames of the domain; NULL + message on failure. */
static void *map(struct hv_save_ctx *c, const uint64_t *mfns, unsigned n, int prot,
                 struct hv_err *err)
{
    void *p = hv_map_foreign(c->priv, c->domid, prot, mfns, n, NULL);

    if (!p)
        priv_msg(c, err, -EFAULT);
    return p;
}

static int dom_read_frames(void *ctx, const uint64_t *mfns, unsigned n, uint32_t *types,
                           uint8_t *pages, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    uint64_t want[HV_STREAM_BATCH], got[HV_STREAM_BATCH];
    unsigned slot[HV_STREAM_BATCH], i, k = 0, m = 0;
    uint8_t *p;
    int rc;

    for (i = 0; i < n; i++)
        if (mfns[i] != HV_INVALID_MFN) {
            slot[k] = i;
            want[k] = got[k] = mfns[i];
            k++;
        }
    if (!k)
        return 0;
    if ((rc = hv_pageframe_types(c->priv, c->domid, got, k)))
        return priv_msg(c, err, rc);
    for (i = 0; i < k; i++) {
        types[slot[i]] = (uint32_t)got[i];
        if (hv_stream_type_has_data((uint32_t)got[i]))
            want[m] = want[i], slot[m++] = slot[i];
    }
    if (!m)
        return 0;
    if (!(p = map(c, want, m, PROT_READ, err)))
        return -EFAULT;
    for (i = 0; i < m; i++)
        memcpy(pages + 4096 * (size_t)slot[i], p + 4096 * (size_t)i, 4096);
    hv_unmap(p, m);
    return 0;
}

static int dom_vcpu(void *ctx, unsigned v, struct pv_vcpu_guest_context *vc, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    struct hv_vcpuinfo vi;
    int rc;

    if ((rc = hv_vcpu_getinfo(c->priv, c->domid, v, &vi)))
        return priv_msg(c, err, rc);
    if (!vi.online)
        return -ENODATA;
    if ((rc = hv_vcpu_getcontext(c->priv, c->domid, v, vc)))
        return priv_msg(c, err, rc);
    return 0;
}

static int dom_shared_info(void *ctx, uint8_t *page, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    void *p = map(c, &c->shared_info_mfn, 1, PROT_READ, err);

    if (!p)
        return -EFAULT;
    memcpy(page, p, 4096);
    hv_unmap(p, 1);
    return 0;
}

static int dom_tsc_get(void *ctx, struct hv_tsc_info *t, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    struct pv_domctl_tsc_info ti;
    int rc;

    if ((rc = hv_tsc_info_get(c->priv, c->domid, &ti)))
        return priv_msg(c, err, rc);
    *t = (struct hv_tsc_info){ti.tsc_mode, ti.gtsc_khz, ti.incarnation, ti.elapsed_nsec};
    return 0;
}

/* X86_PV_VCPU_EXTENDED: the ext_vcpucontext as the hypervisor sized it; _XSAVE: its state (none
 * when 0 bytes); _MSRS: the MSRs it lists (none when 0). */
static int dom_vcpu_extra(void *ctx, unsigned v, uint32_t type, uint8_t *buf, size_t cap,
                          size_t *len, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    struct pv_domctl_ext_vcpucontext e;
    unsigned n = (unsigned)(cap / sizeof(struct pv_domctl_vcpu_msr));
    int rc;

    *len = cap;
    switch (type) {
    case HV_REC_X86_PV_VCPU_EXTENDED:
        if ((rc = hv_vcpu_ext_get(c->priv, c->domid, v, &e)))
            break;
        *len = e.size < sizeof(e) ? e.size : sizeof(e);
        memcpy(buf, &e, *len);
        return 0;
    case HV_REC_X86_PV_VCPU_XSAVE:
        rc = hv_vcpu_xsave(c->priv, c->domid, v, buf, len, false);
        break;
    default:
        rc = hv_vcpu_msrs(c->priv, c->domid, v, (struct pv_domctl_vcpu_msr *)buf, &n, false);
        *len = n * sizeof(struct pv_domctl_vcpu_msr);
        break;
    }
    return rc ? priv_msg(c, err, rc) : 0;
}

const struct hv_save_dom hv_save_dom_priv = {NULL,        dom_read_frames, dom_vcpu,
                                             dom_shared_info, dom_tsc_get, dom_vcpu_extra};

/* ---- the guest's p2m, through shared_info's frame-list tree ---- */

/* n frames' worth of u64 entries, copied out of a read-only mapping. */
static int read_u64s(struct hv_save_ctx *c, const uint64_t *mfns, unsigned n, uint64_t *out,
                     uint64_t count, struct hv_err *err)
{
    void *p = map(c, mfns, n, PROT_READ, err);

    if (!p)
        return -EFAULT;
    memcpy(out, p, count * 8);
    hv_unmap(p, n);
    return 0;
}

int hv_save_guest_p2m(struct hv_save_ctx *c, uint64_t max_pages, uint64_t **p2m, uint64_t *nr,
                      uint64_t **leaves, unsigned *n_leaves, struct hv_err *err)
{
    struct pv_shared_info si;
    uint64_t fll, npfn, nleaf, nfl, root[512], *fl = NULL, *map_ = NULL, i;
    int rc;

    if ((rc = dom_shared_info(c, (uint8_t *)&si, err)))
        return rc;
    npfn = si.arch.max_pfn;
    fll = si.arch.pfn_to_mfn_frame_list_list;
    if (!fll || fll == HV_INVALID_MFN)
        return hv_err_set(err, -ENODATA, "domain %u has not published its p2m in shared_info "
                          "(pfn_to_mfn_frame_list_list): it cannot be saved", c->domid);
    if (!npfn || npfn > hv_save_p2m_max(max_pages) || npfn > 512ull * 512 * 512)
        return hv_err_set(err, -EINVAL, "domain %u says max_pfn is %llu (it may have %llu "
                          "pages: a p2m of at most %llu)", c->domid, (unsigned long long)npfn,
                          (unsigned long long)max_pages,
                          (unsigned long long)hv_save_p2m_max(max_pages));
    nleaf = (npfn + 511) / 512;
    nfl = (nleaf + 511) / 512;
    fl = malloc(nfl * 4096);
    map_ = malloc(nleaf * 4096);
    if (!fl || !map_) {
        rc = hv_err_set(err, -ENOMEM, "out of memory for a p2m of %llu pages",
                        (unsigned long long)npfn);
        goto fail;
    }
    /* root: the frame-list frames; they: the p2m's leaves; the leaves: the p2m */
    if ((rc = read_u64s(c, &fll, 1, root, 512, err)) ||
        (rc = read_u64s(c, root, (unsigned)nfl, fl, nfl * 512, err)) ||
        (rc = read_u64s(c, fl, (unsigned)nleaf, map_, nleaf * 512, err)))
        goto fail;
    for (i = 0; i < npfn; i++)
        if (map_[i] >> 40) /* Linux's invalid, identity and foreign marks: no frame of it */
            map_[i] = HV_INVALID_MFN;
    *p2m = map_;
    *nr = npfn;
    *leaves = fl;
    *n_leaves = (unsigned)nleaf;
    return 0;
fail:
    free(fl);
    free(map_);
    return rc;
}

/* ---- restore ---- */

static int dom_populate(void *ctx, const uint64_t *pfns, unsigned n, uint64_t *mfns,
                        struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    long done;

    memcpy(mfns, pfns, 8 * (size_t)n);
    done = hv_populate_physmap(c->priv, c->domid, n, 0, mfns);
    if (done < 0)
        return priv_msg(c, err, (int)done);
    if ((unsigned long)done != n)
        return hv_err_set(err, -ENOMEM, "only %ld of %u pages could be allocated for domain "
                          "%u (its max_mem, or the host's free memory)", done, n, c->domid);
    return 0;
}

static int dom_write_frames(void *ctx, const uint64_t *mfns, unsigned n, const uint8_t *pages,
                            struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    void *p = map(c, mfns, n, PROT_READ | PROT_WRITE, err);

    if (!p)
        return -EFAULT;
    memcpy(p, pages, 4096 * (size_t)n);
    hv_unmap(p, n);
    return 0;
}

static int dom_read_frame(void *ctx, uint64_t mfn, uint8_t *page, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;

    return read_u64s(c, &mfn, 1, (uint64_t *)page, 512, err);
}

static int dom_pin(void *ctx, const unsigned *levels, const uint64_t *mfns, unsigned n,
                   unsigned *done, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    int rc = hv_pin_tables(c->priv, c->domid, levels, mfns, n, done);

    return rc ? priv_msg(c, err, rc) : 0;
}

/* Xen's handle_shared_info: the guest's vcpu_info and arch, no frame-list root (the guest
 * publishes its new p2m), no event pending, every port masked (its bindings are gone). */
static int dom_shared_info_set(void *ctx, const uint8_t *saved, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    const struct pv_shared_info *old = (const void *)saved;
    struct pv_shared_info *si = map(c, &c->shared_info_mfn, 1, PROT_READ | PROT_WRITE, err);
    unsigned i;

    if (!si)
        return -EFAULT;
    memcpy(si->vcpu_info, old->vcpu_info, sizeof(si->vcpu_info));
    si->arch = old->arch;
    si->arch.pfn_to_mfn_frame_list_list = 0;
    for (i = 0; i < PV_LEGACY_MAX_VCPUS; i++)
        si->vcpu_info[i].evtchn_pending_sel = 0;
    memset(si->evtchn_pending, 0, sizeof(si->evtchn_pending));
    memset(si->evtchn_mask, 0xff, sizeof(si->evtchn_mask));
    hv_unmap(si, 1);
    return 0;
}

static int dom_tsc_set(void *ctx, const struct hv_tsc_info *t, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    struct pv_domctl_tsc_info ti = {.tsc_mode = t->mode, .gtsc_khz = t->khz,
                                    .incarnation = t->incarnation, .elapsed_nsec = t->nsec};
    int rc = hv_tsc_info_set(c->priv, c->domid, &ti);

    /* Another host's (or boot's) TSC rate: the hypervisor cannot emulate it; in the default mode
     * guests read time through pvclock, which the new host scales for its own TSC. */
    if (rc == -EOPNOTSUPP && t->mode == PV_TSC_MODE_DEFAULT && t->khz) {
        ti.gtsc_khz = 0;
        rc = hv_tsc_info_set(c->priv, c->domid, &ti);
    }
    return rc ? priv_msg(c, err, rc) : 0;
}

static int dom_vcpu_set(void *ctx, unsigned v, const struct pv_vcpu_guest_context *vc,
                        struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    int rc = hv_vcpu_setcontext(c->priv, c->domid, v, vc);

    return rc ? priv_msg(c, err, rc) : 0;
}

static int dom_resume_info(void *ctx, struct hv_resume_info *ri, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;

    (void)err;
    *ri = c->resume;
    return 0;
}

static int dom_vcpu_extra_set(void *ctx, unsigned v, uint32_t type, const uint8_t *body,
                              size_t len, struct hv_err *err)
{
    struct hv_save_ctx *c = ctx;
    struct pv_domctl_ext_vcpucontext e = {0};
    unsigned n = (unsigned)(len / sizeof(struct pv_domctl_vcpu_msr));
    uint8_t buf[HV_SAVE_VCPU_EXTRA_MAX];
    int rc;

    switch (type) {
    case HV_REC_X86_PV_VCPU_EXTENDED:
        memcpy(&e, body, len < sizeof(e) ? len : sizeof(e));
        e.size = (uint32_t)(len < sizeof(e) ? len : sizeof(e));
        rc = hv_vcpu_ext_set(c->priv, c->domid, v, &e);
        break;
    case HV_REC_X86_PV_VCPU_XSAVE:
        memcpy(buf, body, len);
        rc = hv_vcpu_xsave(c->priv, c->domid, v, buf, &len, true);
        break;
    default:
        if (len % sizeof(struct pv_domctl_vcpu_msr))
            return hv_err_set(err, -EINVAL, "X86_PV_VCPU_MSRS of vCPU %u: %zu bytes", v, len);
        memcpy(buf, body, len);
        rc = hv_vcpu_msrs(c->priv, c->domid, v, (struct pv_domctl_vcpu_msr *)buf, &n, true);
        break;
    }
    return rc ? priv_msg(c, err, rc) : 0;
}

const struct hv_restore_dom hv_restore_dom_priv = {
    NULL,        dom_populate,        dom_write_frames, dom_read_frame, dom_pin,
    dom_shared_info_set, dom_tsc_set, dom_vcpu_set,     dom_resume_info, dom_vcpu_extra_set, NULL, NULL,
    false,
};
