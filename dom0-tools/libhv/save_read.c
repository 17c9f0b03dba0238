/* dom0-tools/libhv/save_read.c - the restore side of save.h: a libxc stream's records into a
 * new domain, every record checked before anything is done with it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "save.h"

/* What the stream has told so far. */
struct rst {
    struct hv_stream *s;
    const struct hv_restore_dom *dom;
    struct hv_err *err;
    uint64_t max_pfns;
    unsigned max_vcpus;
    bool seen_info, seen_static_end;
    uint64_t nr;                     /* pfns, from X86_PV_P2M_FRAMES (0: not seen yet) */
    uint64_t *p2m;                   /* new mfn of each pfn (HV_INVALID_MFN: none yet) */
    uint32_t *types;                 /* each pfn's PFINFO type */
    uint64_t *p2m_frames;            /* pfns of the guest's own p2m */
    unsigned n_p2m_frames;
    /* The guest's p2m frames that do not hold the new p2m yet: written after each PAGE_DATA
     * record, so that only what the last round changed is left for END. p2m_pfn: the pfns
     * that are p2m frames (a bitmap). */
    bool *p2m_stale;
    uint8_t *p2m_pfn;
    struct pv_vcpu_guest_context *vcpus;
    bool *have_vcpu;
    struct extra {                   /* a vCPU's extended, XSAVE, MSR records (in that order) */
        uint32_t len;
        uint8_t body[HV_SAVE_VCPU_EXTRA_MAX];
    } (*extra)[3];
    bool have_shinfo, have_tsc;
    struct hv_tsc_info tsc;
    struct hv_restore_result *res;
    uint64_t batch_pfns[HV_STREAM_BATCH], batch_mfns[HV_STREAM_BATCH]; /* one record's */
    uint64_t pop_pfns[512], pop_mfns[512]; /* populate()'s own (at most a table's entries) */
    /* HV_REC_HV_PAGE_SUMS: once one came, each PAGE_DATA must follow one (sums: its body) */
    bool sums_seen, sums_pending;
    uint32_t sums_len;
    uint8_t sums[8 + 8 * HV_STREAM_BATCH];
    void *body; /* the record buffer, grown to the largest record (a PAGE_DATA's MiBs) */
};

static struct hv_pfnmap view(const struct rst *r)
{
    struct hv_pfnmap m = {.p2m = r->p2m, .nr = r->nr};

    return m;
}

/* Populates every pfn of pfns[0..n) that has no frame yet, up to 512 at a time (the
 * caller's arrays are left alone: they may be the record's batch). */
static int populate(struct rst *r, const uint64_t *pfns, unsigned n)
{
    unsigned i = 0, j, k;
    int rc;

    while (i < n) {
        for (k = 0; i < n && k < 512; i++) {
            if (r->p2m[pfns[i]] != HV_INVALID_MFN)
                continue;
            for (j = 0; j < k && r->pop_pfns[j] != pfns[i]; j++)
                ;
            if (j == k)
                r->pop_pfns[k++] = pfns[i];
        }
        if (!k)
            continue;
        if ((rc = r->dom->populate(r->dom->ctx, r->pop_pfns, k, r->pop_mfns, r->err)))
            return rc;
        for (j = 0; j < k; j++) {
            r->p2m[r->pop_pfns[j]] = r->pop_mfns[j];
            r->p2m_stale[r->pop_pfns[j] / 512] = true; /* the entry it holds changed */
        }
    }
    return 0;
}

/* The pfns a page table's present entries name (within the domain), populated. */
static int populate_targets(struct rst *r, const uint64_t *pt, unsigned level)
{
    uint64_t want[512];
    unsigned i, n = 0;

    for (i = 0; i < 512; i++) {
        uint64_t pfn = (pt[i] & HV_PTE_FRAME) >> 12;

        if ((pt[i] & HV_PTE_PRESENT) && pfn < r->nr && !(level == 4 && i >= HV_L4_XEN_FIRST &&
                                                         i <= HV_L4_XEN_LAST))
            want[n++] = pfn;
    }
    return populate(r, want, n);
}

/* A p2m frame's pfn got the guest's own content (its old mfns): it needs the new p2m again. */
static void p2m_overwritten(struct rst *r, uint64_t pfn)
{
    unsigned f;

    for (f = 0; f < r->n_p2m_frames; f++)
        if (r->p2m_frames[f] == pfn)
            r->p2m_stale[f] = true;
}

/* Whether p2m frame f can be written: its pfn populated and not a page table (at END, checked:
 * an error otherwise). */
static int p2m_frame_ok(struct rst *r, unsigned f, bool check)
{
    uint64_t pfn = r->p2m_frames[f], mfn = r->p2m[pfn];

    if (mfn != HV_INVALID_MFN && !(r->types[pfn] & PV_DOMCTL_PFINFO_LTABTYPE_MASK))
        return 1;
    return check ? hv_err_set(r->err, -EINVAL, "p2m frame %u (pfn 0x%llx) is %s", f,
                              (unsigned long long)pfn,
                              mfn == HV_INVALID_MFN ? "not in the stream" : "a page table")
                 : 0;
}

/* The guest's own p2m frames that are stale get the new mfns (unpopulated pfns: ~0), up to a
 * batch at a time (a foreign mapping each: one a frame cost a Linux domU's restore 0.6 s).
 * During the stream (at_end false) a frame that cannot be written yet waits; at END every frame
 * is checked. */
static int update_guest_p2m(struct rst *r, bool at_end)
{
    uint64_t (*pages)[512] = NULL, mfns[HV_STREAM_BATCH];
    unsigned f, i, k = 0;
    int rc = 0, ok;

    for (f = 0; !rc && f < r->n_p2m_frames; f++) {
        if ((ok = p2m_frame_ok(r, f, at_end)) <= 0) {
            rc = ok;
            continue;
        }
        if (!r->p2m_stale[f])
            continue;
        if (!pages && !(pages = malloc(4096 * (size_t)HV_STREAM_BATCH)))
            return hv_err_set(r->err, -ENOMEM, "out of memory");
        for (i = 0; i < 512; i++)
            pages[k][i] = (uint64_t)f * 512 + i < r->nr ? r->p2m[(uint64_t)f * 512 + i]
                                                        : HV_INVALID_MFN;
        mfns[k++] = r->p2m[r->p2m_frames[f]];
        r->p2m_stale[f] = false;
        if (k == HV_STREAM_BATCH) {
            rc = r->dom->write_frames(r->dom->ctx, mfns, k, (uint8_t *)pages, r->err);
            k = 0;
        }
    }
    if (!rc && k)
        rc = r->dom->write_frames(r->dom->ctx, mfns, k, (uint8_t *)pages, r->err);
    free(pages);
    return rc;
}

static int page_data(struct rst *r, struct hv_stream_rec *rec)
{
    struct hv_page_data pd;
    uint8_t *page;
    unsigned i, k = 0;
    int rc;

    if (!r->nr)
        return hv_err_set(r->err, -EINVAL, "PAGE_DATA before X86_PV_P2M_FRAMES");
    if ((rc = hv_stream_page_data(rec->body, rec->len, r->nr, &pd, r->err)))
        return rc;
    if (r->sums_seen && !r->sums_pending)
        return hv_err_set(r->err, -EINVAL, "PAGE_DATA at byte %llu without its PAGE_SUMS",
                          (unsigned long long)rec->offset);
    r->sums_pending = false;
    if (r->sums_seen && (rc = hv_stream_check_page_sums(r->sums, r->sums_len, &pd, r->err)))
        return rc;
    for (i = 0; i < pd.n; i++) {
        uint32_t t = (uint32_t)(pd.ents[i] >> HV_STREAM_TYPE_SHIFT);

        /* XALLOC: populated, no data (a fresh frame is zero) */
        if (hv_stream_type_has_data(t) || t == PV_DOMCTL_PFINFO_XALLOC)
            r->batch_pfns[k++] = pd.ents[i] & HV_STREAM_PFN_MASK;
    }
    if ((rc = populate(r, r->batch_pfns, k)))
        return rc;
    page = (uint8_t *)pd.pages;
    for (i = 0, k = 0; i < pd.n; i++) {
        uint64_t pfn = pd.ents[i] & HV_STREAM_PFN_MASK;
        uint32_t t = (uint32_t)(pd.ents[i] >> HV_STREAM_TYPE_SHIFT);
        unsigned level = (t & PV_DOMCTL_PFINFO_LTABTYPE_MASK) >> PV_DOMCTL_PFINFO_LTAB_SHIFT;
        struct hv_pfnmap m;

        r->types[pfn] = t;
        if (!hv_stream_type_has_data(t))
            continue;
        if (level && ((rc = populate_targets(r, (uint64_t *)page, level)) ||
                      (m = view(r), rc = hv_pv_localise_table((uint64_t *)page, level, &m,
                                                               r->err)))) {
            char why[HV_ERR_LEN];

            memcpy(why, r->err->msg, sizeof(why));
            return hv_err_set(r->err, rc, "pfn 0x%llx: %s", (unsigned long long)pfn, why);
        }
        r->batch_mfns[k++] = r->p2m[pfn];
        page += 4096;
        if (r->p2m_pfn[pfn / 8] & (1u << (pfn % 8)))
            p2m_overwritten(r, pfn);
    }
    r->res->pages += k;
    if (k && (rc = r->dom->write_frames(r->dom->ctx, r->batch_mfns, k, pd.pages, r->err)))
        return rc;
    return update_guest_p2m(r, false);
}

static int p2m_frames(struct rst *r, struct hv_stream_rec *rec)
{
    uint32_t range[2];
    uint64_t i;

    if (!r->seen_info || r->nr)
        return hv_err_set(r->err, -EINVAL, "X86_PV_P2M_FRAMES %s",
                          r->nr ? "a second time" : "before X86_PV_INFO");
    if (rec->len < 8 || rec->len % 8)
        return hv_err_set(r->err, -EINVAL, "X86_PV_P2M_FRAMES of %u bytes", rec->len);
    memcpy(range, rec->body, 8);
    if (range[0] || range[1] >= r->max_pfns)
        return hv_err_set(r->err, -ERANGE, "X86_PV_P2M_FRAMES: pfns %u..%u, the domain has "
                          "room for %llu", range[0], range[1], (unsigned long long)r->max_pfns);
    r->nr = (uint64_t)range[1] + 1;
    r->n_p2m_frames = (rec->len - 8) / 8;
    if (r->n_p2m_frames != (r->nr + 511) / 512)
        return hv_err_set(r->err, -EINVAL, "X86_PV_P2M_FRAMES: %u frames for %llu pfns",
                          r->n_p2m_frames, (unsigned long long)r->nr);
    if (!(r->p2m_frames = malloc(8 * (size_t)r->n_p2m_frames)) ||
        !(r->p2m_stale = calloc(r->n_p2m_frames, sizeof(*r->p2m_stale))))
        return hv_err_set(r->err, -ENOMEM, "out of memory");
    memcpy(r->p2m_frames, rec->body + 8, 8 * (size_t)r->n_p2m_frames);
    for (i = 0; i < r->n_p2m_frames; i++) {
        if (r->p2m_frames[i] >= r->nr)
            return hv_err_set(r->err, -ERANGE, "X86_PV_P2M_FRAMES: frame %llu is pfn 0x%llx, "
                              "beyond the domain", (unsigned long long)i,
                              (unsigned long long)r->p2m_frames[i]);
        r->p2m_pfn[r->p2m_frames[i] / 8] |= (uint8_t)(1u << (r->p2m_frames[i] % 8));
        r->p2m_stale[i] = true;
    }
    r->res->nr_pfns = r->nr;
    return 0;
}

static int vcpu_basic(struct rst *r, struct hv_stream_rec *rec)
{
    uint32_t head[2];

    if (rec->len != 8 + sizeof(*r->vcpus))
        return hv_err_set(r->err, -EINVAL, "X86_PV_VCPU_BASIC of %u bytes (%zu expected)",
                          rec->len, 8 + sizeof(*r->vcpus));
    memcpy(head, rec->body, 8);
    if (head[0] >= r->max_vcpus || head[1])
        return hv_err_set(r->err, -EINVAL, "X86_PV_VCPU_BASIC for vCPU %u (the domain has %u)",
                          head[0], r->max_vcpus);
    memcpy(&r->vcpus[head[0]], rec->body + 8, sizeof(*r->vcpus));
    r->have_vcpu[head[0]] = true;
    return 0;
}

static int vcpu_extra(struct rst *r, struct hv_stream_rec *rec, unsigned kind)
{
    uint32_t head[2];

    if (rec->len < 8 || rec->len - 8 > HV_SAVE_VCPU_EXTRA_MAX)
        return hv_err_set(r->err, -EINVAL, "%s of %u bytes (8..%u)",
                          hv_stream_rec_name(rec->type), rec->len, 8 + HV_SAVE_VCPU_EXTRA_MAX);
    memcpy(head, rec->body, 8);
    if (head[0] >= r->max_vcpus || head[1])
        return hv_err_set(r->err, -EINVAL, "%s for vCPU %u (the domain has %u)",
                          hv_stream_rec_name(rec->type), head[0], r->max_vcpus);
    r->extra[head[0]][kind].len = rec->len - 8;
    memcpy(r->extra[head[0]][kind].body, rec->body + 8, rec->len - 8);
    return 0;
}

static int one_record(struct rst *r, struct hv_stream_rec *rec)
{
    int rc;

    if (r->sums_pending && rec->type != HV_REC_PAGE_DATA)
        return hv_err_set(r->err, -EINVAL, "PAGE_SUMS followed by %s, not PAGE_DATA",
                          hv_stream_rec_name(rec->type));
    switch (rec->type) {
    case HV_REC_HV_PAGE_SUMS:
        if (rec->len > sizeof(r->sums))
            return hv_err_set(r->err, -EINVAL, "PAGE_SUMS of %u bytes", rec->len);
        memcpy(r->sums, rec->body, rec->len);
        r->sums_len = rec->len;
        r->sums_seen = r->sums_pending = true;
        return 0;
    case HV_REC_X86_PV_INFO:
        if (r->seen_info)
            return hv_err_set(r->err, -EINVAL, "X86_PV_INFO a second time");
        r->seen_info = true;
        return hv_stream_pv_info(rec->body, rec->len, r->err);
    case HV_REC_STATIC_DATA_END:
        r->seen_static_end = true;
        return rec->len ? hv_err_set(r->err, -EINVAL, "STATIC_DATA_END with a body") : 0;
    case HV_REC_X86_PV_P2M_FRAMES:
        return p2m_frames(r, rec);
    case HV_REC_PAGE_DATA:
        return page_data(r, rec);
    /* TSC_INFO and SHARED_INFO are applied as they come, as libxc does (the last pages may
     * still be on the way, the domain does not run) */
    case HV_REC_X86_TSC_INFO:
        r->have_tsc = true;
        if ((rc = hv_stream_tsc_decode(rec->body, rec->len, &r->tsc, r->err)))
            return rc;
        return r->dom->tsc_info(r->dom->ctx, &r->tsc, r->err);
    case HV_REC_SHARED_INFO:
        if (rec->len != 4096)
            return hv_err_set(r->err, -EINVAL, "SHARED_INFO of %u bytes", rec->len);
        r->have_shinfo = true;
        return r->dom->shared_info(r->dom->ctx, rec->body, r->err);
    case HV_REC_X86_PV_VCPU_BASIC:
        return vcpu_basic(r, rec);
    case HV_REC_X86_PV_VCPU_EXTENDED:
        return vcpu_extra(r, rec, 0);
    case HV_REC_X86_PV_VCPU_XSAVE:
        return vcpu_extra(r, rec, 1);
    case HV_REC_X86_PV_VCPU_MSRS:
        return vcpu_extra(r, rec, 2);
    case HV_REC_X86_CPUID_POLICY:
    case HV_REC_X86_MSR_POLICY:
    case HV_REC_VERIFY:
        return 0; /* state this hypervisor keeps no more of than the basic context */
    default:
        if (rec->type & HV_REC_OPTIONAL)
            return 0;
        return hv_err_set(r->err, -EINVAL, "record %s (type 0x%x) at byte %llu is not "
                          "restorable here", hv_stream_rec_name(rec->type), rec->type,
                          (unsigned long long)rec->offset);
    }
}

static int fix_start_info(struct rst *r)
{
    struct hv_pfnmap m = view(r);
    struct hv_resume_info ri;
    uint64_t pfn = r->vcpus[0].user_regs.rdx, mfn;
    union {
        struct pv_start_info si;
        uint8_t page[4096];
    } u;
    int rc;

    if (hv_pfnmap_mfn(&m, pfn, &mfn) || (r->types[pfn] & PV_DOMCTL_PFINFO_LTABTYPE_MASK))
        return hv_err_set(r->err, -EINVAL, "vCPU 0's start_info pfn 0x%llx is not a page of "
                          "the stream", (unsigned long long)pfn);
    if ((rc = r->dom->resume_info(r->dom->ctx, &ri, r->err)))
        return rc;
    ri.nr_pages = r->nr; /* Xen's: the p2m's size */
    if ((rc = r->dom->read_frame(r->dom->ctx, mfn, u.page, r->err)) ||
        (rc = hv_pv_start_info(&u.si, &m, &ri, &r->res->store_mfn, &r->res->console_mfn,
                               r->err)))
        return rc;
    return r->dom->write_frames(r->dom->ctx, &mfn, 1, u.page, r->err);
}

/* PIN_BATCH tables pinned at a time, in one mmuext_op. */
#define PIN_BATCH 256u

/* The tables pfns[0..n) pinned in one call; a failure names the table. */
static int pin_some(struct rst *r, const uint64_t *pfns, const unsigned *levels,
                    const uint64_t *mfns, unsigned n)
{
    char why[HV_ERR_LEN];
    unsigned done = 0;
    int rc = r->dom->pin(r->dom->ctx, levels, mfns, n, &done, r->err);

    r->res->pinned += rc ? done : n;
    if (!rc)
        return 0;
    memcpy(why, r->err->msg, sizeof(why));
    return hv_err_set(r->err, rc, "pinning pfn 0x%llx as an L%u table: %s",
                      (unsigned long long)pfns[done < n ? done : 0], levels[done < n ? done : 0],
                      why);
}

/* The tables the source had pinned (XALLOC and XTAB have that bit too: not tables). */
static int pin_tables(struct rst *r)
{
    uint64_t pfn, pfns[PIN_BATCH], mfns[PIN_BATCH];
    unsigned levels[PIN_BATCH], k = 0;
    int rc = 0;

    for (pfn = 0; !rc && pfn < r->nr; pfn++) {
        uint32_t t = r->types[pfn];

        if (!(t & PV_DOMCTL_PFINFO_LPINTAB) || !hv_stream_type_has_data(t) ||
            r->p2m[pfn] == HV_INVALID_MFN)
            continue;
        pfns[k] = pfn;
        mfns[k] = r->p2m[pfn];
        levels[k++] = (t & PV_DOMCTL_PFINFO_LTABTYPE_MASK) >> 28;
        if (k == PIN_BATCH) {
            rc = pin_some(r, pfns, levels, mfns, k);
            k = 0;
        }
    }
    return rc || !k ? rc : pin_some(r, pfns, levels, mfns, k);
}

static int set_vcpus(struct rst *r)
{
    static const uint32_t types[] = {HV_REC_X86_PV_VCPU_EXTENDED, HV_REC_X86_PV_VCPU_XSAVE,
                                     HV_REC_X86_PV_VCPU_MSRS};
    struct hv_pfnmap m = view(r);
    unsigned v, k;
    int rc;

    for (v = 0; v < r->max_vcpus; v++) {
        if (!r->have_vcpu[v])
            continue;
        if ((rc = hv_pv_localise_vcpu(&r->vcpus[v], v, &m, r->err)) ||
            (rc = r->dom->vcpu(r->dom->ctx, v, &r->vcpus[v], r->err)))
            return rc;
        for (k = 0; k < 3 && r->dom->vcpu_extra; k++)
            if (r->extra[v][k].len && (rc = r->dom->vcpu_extra(r->dom->ctx, v, types[k],
                                                                r->extra[v][k].body,
                                                                r->extra[v][k].len, r->err)))
                return rc;
        r->res->vcpus++;
    }
    return 0;
}

/* (<sys/time.h>: the unit tests' include path has the hypervisor's own time.h first) */
static double now_ms(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

/* After END: everything the stream gave, applied in Xen's order. */
static int finish(struct rst *r)
{
    double t;
    int rc;

    if (!r->nr || !r->have_vcpu[0] || !r->have_shinfo || !r->have_tsc)
        return hv_err_set(r->err, -EINVAL, "the stream ended without %s",
                          !r->nr ? "X86_PV_P2M_FRAMES" : !r->have_vcpu[0] ? "vCPU 0's context"
                          : !r->have_shinfo ? "SHARED_INFO" : "X86_TSC_INFO");
    t = now_ms();
    if ((rc = update_guest_p2m(r, true)))
        return rc;
    r->res->p2m_ms = now_ms() - t;
    t = now_ms();
    if ((rc = fix_start_info(r)))
        return rc;
    r->res->si_ms = now_ms() - t;
    t = now_ms();
    rc = pin_tables(r);
    r->res->pin_ms = now_ms() - t;
    t = now_ms();
    rc = rc ? rc : set_vcpus(r);
    r->res->vcpu_ms = now_ms() - t;
    return rc;
}

static int setup(struct rst *r)
{
    uint64_t i;

    r->p2m = malloc(r->max_pfns * sizeof(*r->p2m));
    r->types = calloc(r->max_pfns, sizeof(*r->types));
    r->vcpus = calloc(r->max_vcpus, sizeof(*r->vcpus));
    r->have_vcpu = calloc(r->max_vcpus, sizeof(*r->have_vcpu));
    r->extra = calloc(r->max_vcpus, sizeof(*r->extra));
    r->p2m_pfn = calloc((r->max_pfns + 7) / 8, 1);
    if (!r->p2m || !r->types || !r->vcpus || !r->have_vcpu || !r->extra || !r->p2m_pfn)
        return hv_err_set(r->err, -ENOMEM, "out of memory for a domain of %llu pages",
                          (unsigned long long)r->max_pfns);
    for (i = 0; i < r->max_pfns; i++)
        r->p2m[i] = HV_INVALID_MFN;
    return 0;
}

/* libxl's own records after the domain's: PV has no emulator, so END (checked, as the
 * stream's tail must not hide anything). */
static int libxl_end(struct hv_stream *s, struct hv_err *err)
{
    struct hv_stream_rec rec = {0};
    int rc = hv_stream_get_record(s, &rec, 1u << 20);

    if (!rc && (rec.type != HV_LXL_END || rec.len))
        rc = hv_err_set(err, -EINVAL, "%s: libxl record %u after the domain (END expected)",
                        s->name, rec.type);
    free(rec.body);
    return rc;
}

/* The libxc stream (and with in_container libxl's END after it) read, then applied: whoever
 * is told `received` has the whole stream read, the connection free for what follows. */
static int restore(struct hv_stream *s, const struct hv_restore_dom *dom, uint64_t max_pfns,
                   unsigned max_vcpus, bool in_container, struct hv_restore_result *res,
                   struct hv_err *err)
{
    struct rst *r = calloc(1, sizeof(*r));
    struct hv_stream_rec rec = {0};
    uint32_t major, minor;
    int rc;

    memset(res, 0, sizeof(*res));
    if (!r)
        return hv_err_set(err, -ENOMEM, "out of memory");
    *r = (struct rst){.s = s, .dom = dom, .err = err, .max_pfns = max_pfns,
                      .max_vcpus = max_vcpus, .res = res};
    if (!max_pfns || !max_vcpus)
        rc = hv_err_set(err, -EINVAL, "a domain with %llu pages and %u vCPUs",
                        (unsigned long long)max_pfns, max_vcpus);
    else if (!(rc = setup(r)) && !(rc = hv_stream_get_libxc_header(s, &major, &minor)))
        while (!(rc = hv_stream_get_record(s, &rec, HV_STREAM_MAX_RECORD)) &&
               rec.type != HV_REC_END)
            if ((rc = one_record(r, &rec)))
                break;
    if (!rc && rec.len)
        rc = hv_err_set(err, -EINVAL, "END with a body");
    if (!rc && in_container)
        rc = libxl_end(s, err);
    if (!rc && dom->received)
        dom->received(dom->received_arg);
    if (!rc)
        rc = finish(r);
    res->tail_ms = now_ms();
    r->body = rec.body;
    if (!rc && dom->keep_memory)
        res->kept = r;
    else
        hv_restore_release(r);
    res->tail_ms = now_ms() - res->tail_ms;
    return rc;
}

void hv_restore_release(void *kept)
{
    struct rst *r = kept;

    if (!r)
        return;
    free(r->p2m);
    free(r->types);
    free(r->p2m_frames);
    free(r->p2m_stale);
    free(r->p2m_pfn);
    free(r->vcpus);
    free(r->have_vcpu);
    free(r->extra);
    free(r->body);
    free(r);
}

int hv_restore_stream(struct hv_stream *s, const struct hv_restore_dom *dom, uint64_t max_pfns,
                      unsigned max_vcpus, struct hv_restore_result *res, struct hv_err *err)
{
    return restore(s, dom, max_pfns, max_vcpus, false, res, err);
}

int hv_restore_container(struct hv_stream *s, const struct hv_restore_dom *dom,
                         uint64_t max_pfns, unsigned max_vcpus, struct hv_restore_result *res,
                         struct hv_err *err)
{
    struct hv_stream_rec rec = {0};
    int rc;

    if ((rc = hv_stream_get_libxl_header(s)) || (rc = hv_stream_get_record(s, &rec, 0)))
        goto out;
    if (rec.type != HV_LXL_LIBXC_CONTEXT)
        rc = hv_err_set(err, -EINVAL, "%s: libxl record %u where LIBXC_CONTEXT was expected",
                        s->name, rec.type);
    else
        rc = restore(s, dom, max_pfns, max_vcpus, true, res, err);
out:
    free(rec.body);
    return rc;
}
