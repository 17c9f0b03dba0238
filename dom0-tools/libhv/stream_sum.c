/* dom0-tools/libhv/stream_sum.c - end-to-end checksums of the pages a migration stream carries
 * (stream.h's HV_REC_HV_PAGE_SUMS): computed by the source on the pages it read from the guest
 * (page tables canonical, as they travel), checked by the target before it writes them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

/* Each 64-bit word mixed in with its position (a page of words swapped differs), multiply and
 * xor-shift as in splitmix64's finaliser. */
uint64_t hv_page_sum(const uint8_t *page)
{
    uint64_t h = 0x9e3779b97f4a7c15ull, w;
    unsigned i;

    for (i = 0; i < 4096 / 8; i++) {
        memcpy(&w, page + 8 * i, 8);
        h ^= w + 0x9e3779b97f4a7c15ull * (i + 1);
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    h ^= h >> 29;
    h *= 0x94d049bb133111ebull;
    return h ^ (h >> 32);
}

int hv_stream_put_sums(struct hv_stream *s, const uint64_t *sums, unsigned n)
{
    uint32_t head[2] = {n, 0};

    if (n > HV_STREAM_BATCH)
        return hv_err_set(s->err, -EINVAL, "%s: checksums of %u pages", s->name, n);
    return hv_stream_put_record(s, HV_REC_HV_PAGE_SUMS, head, sizeof(head), sums, 8 * (size_t)n);
}

int hv_stream_put_page_sums(struct hv_stream *s, const uint8_t *pages, unsigned n)
{
    uint64_t sums[HV_STREAM_BATCH];
    unsigned i;

    for (i = 0; i < n && i < HV_STREAM_BATCH; i++)
        sums[i] = hv_page_sum(pages + 4096 * (size_t)i);
    return hv_stream_put_sums(s, sums, n);
}

int hv_stream_check_page_sums(const uint8_t *body, uint32_t len, const struct hv_page_data *pd,
                              struct hv_err *err)
{
    uint32_t head[2];
    unsigned i, k = 0;

    if (len < 8)
        return hv_err_set(err, -EINVAL, "PAGE_SUMS of %u bytes", len);
    memcpy(head, body, 8);
    if (head[1] || head[0] > HV_STREAM_BATCH || len != 8 + 8 * head[0])
        return hv_err_set(err, -EINVAL, "PAGE_SUMS of %u bytes for %u pages", len, head[0]);
    if (head[0] != pd->n_pages)
        return hv_err_set(err, -EINVAL, "PAGE_SUMS for %u pages before a PAGE_DATA of %u",
                          head[0], pd->n_pages);
    for (i = 0; i < pd->n; i++) {
        uint32_t t = (uint32_t)(pd->ents[i] >> HV_STREAM_TYPE_SHIFT);
        uint64_t want, got;

        if (!hv_stream_type_has_data(t))
            continue;
        memcpy(&want, body + 8 + 8 * (size_t)k, 8);
        got = hv_page_sum(pd->pages + 4096 * (size_t)k);
        if (got != want)
            return hv_err_set(err, -EBADMSG, "pfn 0x%llx: checksum 0x%016llx received, the "
                              "source sent 0x%016llx: the page was damaged on the way",
                              (unsigned long long)(pd->ents[i] & HV_STREAM_PFN_MASK),
                              (unsigned long long)got, (unsigned long long)want);
        k++;
    }
    return 0;
}
