/* dom0-tools/libhv/save_write.c - the save side of save.h: a domain's pages, page tables, vCPUs
 * and shared_info into libxc records, whatever reaches the domain. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "save.h"

int hv_save_init(struct hv_save *sv, struct hv_stream *s, const struct hv_save_dom *dom,
                 const struct hv_pfnmap *map, unsigned max_vcpus, struct hv_err *err)
{
    memset(sv, 0, sizeof(*sv));
    sv->s = s;
    sv->dom = dom;
    sv->map = map;
    sv->max_vcpus = max_vcpus;
    sv->err = err;
    sv->mfns = calloc(HV_STREAM_BATCH, sizeof(*sv->mfns));
    sv->ents = calloc(HV_STREAM_BATCH, sizeof(*sv->ents));
    sv->sums = calloc(HV_STREAM_BATCH, sizeof(*sv->sums));
    sv->types = calloc(HV_STREAM_BATCH, sizeof(*sv->types));
    sv->pages = malloc((size_t)HV_STREAM_BATCH * 4096);
    if (!sv->mfns || !sv->ents || !sv->sums || !sv->types || !sv->pages) {
        hv_save_free(sv);
        return hv_err_set(err, -ENOMEM, "out of memory for the save buffers");
    }
    return 0;
}

void hv_save_free(struct hv_save *sv)
{
    free(sv->mfns);
    free(sv->ents);
    free(sv->sums);
    free(sv->types);
    free(sv->pages);
    sv->mfns = sv->ents = sv->sums = NULL;
    sv->types = NULL;
    sv->pages = NULL;
}

int hv_save_begin(struct hv_save *sv, const uint64_t *p2m_frame_pfns, unsigned n)
{
    static const uint8_t pv_info[8] = {8, 4}; /* 64-bit guest, 4 levels */
    uint32_t range[2] = {0, (uint32_t)(sv->map->nr - 1)};
    int rc;

    if ((rc = hv_stream_put_libxc_header(sv->s, 4, 17)) ||
        (rc = hv_stream_put_record(sv->s, HV_REC_X86_PV_INFO, pv_info, 8, NULL, 0)) ||
        (rc = hv_stream_put_record(sv->s, HV_REC_STATIC_DATA_END, NULL, 0, NULL, 0)))
        return rc;
    return hv_stream_put_record(sv->s, HV_REC_X86_PV_P2M_FRAMES, range, sizeof(range),
                                p2m_frame_pfns, 8 * (size_t)n);
}

static bool all_zero(const uint8_t *page)
{
    static const uint8_t zero[4096];

    return !memcmp(page, zero, sizeof(zero));
}

/* What the target holds for a pfn after this page: its checksum and type (never 0). */
static uint64_t held_key(uint64_t sum, uint32_t type)
{
    return (sum ^ (uint64_t)type << 32) | 1;
}

/* Whether the target holds this page as it is now (it held `was`); it will from now on. */
static bool held_already(struct hv_save *sv, uint64_t pfn, uint64_t was, uint64_t key)
{
    if (!sv->held || pfn >= sv->map->nr)
        return false;
    sv->held[pfn] = key;
    return was == key;
}

/* A page table (level 1-4) canonicalised; one naming a frame outside the p2m during a live
 * round is deferred (XTAB now, the last round sends it). 1: deferred. */
static int canon(struct hv_save *sv, uint64_t pfn, unsigned level, uint8_t *page, uint64_t *ent)
{
    char why[HV_ERR_LEN];
    int rc;

    if (!(rc = hv_pv_canon_table((uint64_t *)page, level, sv->map, sv->err)))
        return 0;
    if (sv->deferred && pfn < sv->map->nr) {
        sv->deferred[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
        *ent = (uint64_t)PV_DOMCTL_PFINFO_XTAB << HV_STREAM_TYPE_SHIFT | pfn;
        return 1;
    }
    memcpy(why, sv->err->msg, sizeof(why));
    return hv_err_set(sv->err, rc, "pfn 0x%llx: %s", (unsigned long long)pfn, why);
}

/* Compacts the batch (read into slot i of pages) to the entries that go and the pages of types
 * with data, in order (their checksums in sums), canonicalising the page tables on the way and
 * leaving out the pages the target holds already; *kept: the entries that go. */
static int pack_batch(struct hv_save *sv, const uint64_t *pfns, unsigned n, unsigned *kept)
{
    unsigned i, out = 0, e = 0;
    int rc;

    for (i = 0; i < n; i++) {
        uint32_t t = sv->types[i] & PV_DOMCTL_PFINFO_LTAB_MASK;
        uint32_t level = (t & PV_DOMCTL_PFINFO_LTABTYPE_MASK) >> PV_DOMCTL_PFINFO_LTAB_SHIFT;
        uint8_t *page = sv->pages + (size_t)out * 4096;
        uint64_t *ent = &sv->ents[e], was = 0;

        if (!hv_stream_type_valid(t))
            return hv_err_set(sv->err, -EINVAL, "pfn 0x%llx: page type 0x%x from the hypervisor",
                              (unsigned long long)pfns[i], t >> 28);
        *ent = (uint64_t)t << HV_STREAM_TYPE_SHIFT | pfns[i];
        e++;
        if (sv->held && pfns[i] < sv->map->nr) { /* unknown until sent */
            was = sv->held[pfns[i]];
            sv->held[pfns[i]] = 0;
        }
        if (!hv_stream_type_has_data(t))
            continue;
        if (out != i)
            memmove(page, sv->pages + (size_t)i * 4096, 4096);
        if (level >= 1 && level <= 4 && (rc = canon(sv, pfns[i], level, page, ent))) {
            if (rc < 0)
                return rc;
            continue; /* deferred: XTAB now */
        }
        sv->sums[out] = hv_page_sum(page);
        if (held_already(sv, pfns[i], was, held_key(sv->sums[out], t))) {
            e--;
            sv->pages_held++;
            continue;
        }
        if (sv->zero_alloc && t == PV_DOMCTL_PFINFO_NOTAB && all_zero(page)) {
            *ent = (uint64_t)PV_DOMCTL_PFINFO_XALLOC << HV_STREAM_TYPE_SHIFT | pfns[i];
            continue;
        }
        out++;
    }
    sv->pages_sent += out;
    *kept = e;
    return 0;
}

static int save_batch(struct hv_save *sv, const uint64_t *pfns, unsigned n)
{
    uint64_t before = sv->pages_sent;
    unsigned i, kept;
    int rc;

    for (i = 0; i < n; i++)
        if (hv_pfnmap_mfn(sv->map, pfns[i], &sv->mfns[i]))
            sv->mfns[i] = HV_INVALID_MFN;
    if ((rc = sv->dom->read_frames(sv->dom->ctx, sv->mfns, n, sv->types, sv->pages, sv->err)))
        return rc;
    for (i = 0; i < n; i++)
        if (sv->mfns[i] == HV_INVALID_MFN)
            sv->types[i] = PV_DOMCTL_PFINFO_XTAB;
    if ((rc = pack_batch(sv, pfns, n, &kept)) || !kept)
        return rc;
    if (sv->page_sums &&
        (rc = hv_stream_put_sums(sv->s, sv->sums, (unsigned)(sv->pages_sent - before))))
        return rc;
    return hv_stream_put_page_data(sv->s, sv->ents, kept, sv->pages);
}

int hv_save_pages(struct hv_save *sv, const uint64_t *pfns, uint64_t n)
{
    unsigned most = sv->batch && sv->batch < HV_STREAM_BATCH ? sv->batch : HV_STREAM_BATCH;
    uint64_t done;
    int rc;

    for (done = 0; done < n; done += most) {
        unsigned batch = n - done < most ? (unsigned)(n - done) : most;

        if ((rc = save_batch(sv, pfns + done, batch)))
            return rc;
        if (sv->progress)
            sv->progress(sv->progress_arg, done + batch, n);
    }
    return 0;
}

int hv_save_all_pages(struct hv_save *sv)
{
    uint64_t *pfns = malloc(sv->map->nr * sizeof(*pfns)), i;
    int rc;

    if (!pfns)
        return hv_err_set(sv->err, -ENOMEM, "out of memory");
    for (i = 0; i < sv->map->nr; i++)
        pfns[i] = i;
    rc = hv_save_pages(sv, pfns, sv->map->nr);
    free(pfns);
    return rc;
}

/* A vCPU's extended, XSAVE and MSR records, those it has. */
static int save_vcpu_extra(struct hv_save *sv, unsigned v)
{
    static const uint32_t types[] = {HV_REC_X86_PV_VCPU_EXTENDED, HV_REC_X86_PV_VCPU_XSAVE,
                                     HV_REC_X86_PV_VCPU_MSRS};
    uint32_t head[2] = {v, 0};
    unsigned i;
    int rc;

    for (i = 0; sv->dom->vcpu_extra && i < 3; i++) {
        size_t len = 0;

        if ((rc = sv->dom->vcpu_extra(sv->dom->ctx, v, types[i], sv->pages,
                                      HV_SAVE_VCPU_EXTRA_MAX, &len, sv->err)))
            return rc;
        if (len && (rc = hv_stream_put_record(sv->s, types[i], head, sizeof(head), sv->pages,
                                              len)))
            return rc;
    }
    return 0;
}

static int save_vcpus(struct hv_save *sv)
{
    struct pv_vcpu_guest_context *c = malloc(sizeof(*c));
    unsigned v, online = 0;
    int rc = 0;

    if (!c)
        return hv_err_set(sv->err, -ENOMEM, "out of memory");
    for (v = 0; v < sv->max_vcpus && !rc; v++) {
        uint32_t head[2] = {v, 0};

        rc = sv->dom->vcpu(sv->dom->ctx, v, c, sv->err);
        if (rc == -ENODATA) {
            rc = 0;
            continue;
        }
        if (rc || (rc = hv_pv_canon_vcpu(c, v, sv->map, sv->err)))
            break;
        if (!(rc = hv_stream_put_record(sv->s, HV_REC_X86_PV_VCPU_BASIC, head, sizeof(head), c,
                                        sizeof(*c))))
            rc = save_vcpu_extra(sv, v);
        online++;
    }
    free(c);
    if (!rc && !online)
        rc = hv_err_set(sv->err, -EINVAL, "the domain has no online vCPU");
    return rc;
}

int hv_save_end(struct hv_save *sv)
{
    struct hv_tsc_info t;
    uint8_t tsc[24];
    int rc;

    if ((rc = sv->dom->tsc_info(sv->dom->ctx, &t, sv->err)))
        return rc;
    hv_stream_tsc_encode(&t, tsc);
    if ((rc = hv_stream_put_record(sv->s, HV_REC_X86_TSC_INFO, tsc, sizeof(tsc), NULL, 0)))
        return rc;
    if ((rc = sv->dom->shared_info(sv->dom->ctx, sv->pages, sv->err)) ||
        (rc = hv_stream_put_record(sv->s, HV_REC_SHARED_INFO, sv->pages, 4096, NULL, 0)))
        return rc;
    if ((rc = save_vcpus(sv)))
        return rc;
    return hv_stream_put_record(sv->s, HV_REC_END, NULL, 0, NULL, 0);
}

int hv_save_stream(struct hv_save *sv, const char *config, size_t len,
                   const uint64_t *p2m_frame_pfns, unsigned n)
{
    int rc;

    if ((rc = hv_stream_put_xl_header(sv->s, config, len, false)) ||
        (rc = hv_stream_put_libxl_header(sv->s)) ||
        (rc = hv_stream_put_record(sv->s, HV_LXL_LIBXC_CONTEXT, NULL, 0, NULL, 0)) ||
        (rc = hv_save_begin(sv, p2m_frame_pfns, n)) || (rc = hv_save_all_pages(sv)) ||
        (rc = hv_save_end(sv)))
        return rc;
    return hv_stream_put_record(sv->s, HV_LXL_END, NULL, 0, NULL, 0);
}
