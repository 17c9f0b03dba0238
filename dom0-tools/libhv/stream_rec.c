/* dom0-tools/libhv/stream_rec.c - the libxc records' bodies, encoded and checked (stream.h);
 * pure functions, every check of a hostile stream's contents before anything acts on it. */
#include <errno.h>
#include <string.h>

#include "stream.h"

const char *hv_stream_rec_name(uint32_t type)
{
    static const char *const names[] = {
        [HV_REC_END] = "END",
        [HV_REC_PAGE_DATA] = "PAGE_DATA",
        [HV_REC_X86_PV_INFO] = "X86_PV_INFO",
        [HV_REC_X86_PV_P2M_FRAMES] = "X86_PV_P2M_FRAMES",
        [HV_REC_X86_PV_VCPU_BASIC] = "X86_PV_VCPU_BASIC",
        [HV_REC_X86_PV_VCPU_EXTENDED] = "X86_PV_VCPU_EXTENDED",
        [HV_REC_X86_PV_VCPU_XSAVE] = "X86_PV_VCPU_XSAVE",
        [HV_REC_SHARED_INFO] = "SHARED_INFO",
        [HV_REC_X86_TSC_INFO] = "X86_TSC_INFO",
        [9] = "HVM_CONTEXT",
        [10] = "HVM_PARAMS",
        [11] = "TOOLSTACK",
        [HV_REC_X86_PV_VCPU_MSRS] = "X86_PV_VCPU_MSRS",
        [HV_REC_VERIFY] = "VERIFY",
        [HV_REC_CHECKPOINT] = "CHECKPOINT",
        [15] = "CHECKPOINT_DIRTY_PFN_LIST",
        [HV_REC_STATIC_DATA_END] = "STATIC_DATA_END",
        [HV_REC_X86_CPUID_POLICY] = "X86_CPUID_POLICY",
        [HV_REC_X86_MSR_POLICY] = "X86_MSR_POLICY",
    };
    uint32_t t = type & ~HV_REC_OPTIONAL;

    return t < sizeof(names) / sizeof(names[0]) && names[t] ? names[t] : "unknown";
}

int hv_stream_page_data(const uint8_t *body, uint32_t len, uint64_t max_pfn,
                        struct hv_page_data *pd, struct hv_err *err)
{
    uint32_t count, reserved;
    unsigned i;

    memset(pd, 0, sizeof(*pd));
    if (len < 8)
        return hv_err_set(err, -EINVAL, "PAGE_DATA of %u bytes: no header", len);
    memcpy(&count, body, 4);
    memcpy(&reserved, body + 4, 4);
    if (!count || count > HV_STREAM_BATCH)
        return hv_err_set(err, -EINVAL, "PAGE_DATA with %u pages (1..%u allowed)", count,
                          HV_STREAM_BATCH);
    if (reserved)
        return hv_err_set(err, -EINVAL, "PAGE_DATA: reserved field 0x%x", reserved);
    if (len < 8 + 8ull * count)
        return hv_err_set(err, -EINVAL, "PAGE_DATA: %u pages but %u bytes", count, len);
    pd->ents = (const uint64_t *)(body + 8);
    pd->n = count;
    for (i = 0; i < count; i++) {
        uint64_t e = pd->ents[i];
        uint32_t type = (uint32_t)(e >> HV_STREAM_TYPE_SHIFT);

        if ((e >> 52) & 0xff)
            return hv_err_set(err, -EINVAL, "PAGE_DATA entry %u (0x%016llx): reserved bits set",
                              i, (unsigned long long)e);
        if (!hv_stream_type_valid(type & PV_DOMCTL_PFINFO_LTAB_MASK))
            return hv_err_set(err, -EINVAL, "PAGE_DATA entry %u (0x%016llx): page type 0x%x "
                              "does not exist", i, (unsigned long long)e, type >> 28);
        if ((e & HV_STREAM_PFN_MASK) >= max_pfn)
            return hv_err_set(err, -ERANGE, "PAGE_DATA entry %u: pfn 0x%llx is beyond the "
                              "domain's %llu pages", i,
                              (unsigned long long)(e & HV_STREAM_PFN_MASK),
                              (unsigned long long)max_pfn);
        pd->n_pages += hv_stream_type_has_data(type & PV_DOMCTL_PFINFO_LTAB_MASK);
    }
    if (len != 8 + 8ull * count + 4096ull * pd->n_pages)
        return hv_err_set(err, -EINVAL, "PAGE_DATA: %u bytes for %u entries and %u pages of "
                          "data (%llu expected)", len, count, pd->n_pages,
                          8 + 8ull * count + 4096ull * pd->n_pages);
    pd->pages = body + 8 + 8 * (size_t)count;
    return 0;
}

int hv_stream_pv_info(const uint8_t *body, uint32_t len, struct hv_err *err)
{
    uint8_t zero[6] = {0};

    if (len != 8)
        return hv_err_set(err, -EINVAL, "X86_PV_INFO of %u bytes (8 expected)", len);
    if (body[0] != 8 || body[1] != 4)
        return hv_err_set(err, -EINVAL, "X86_PV_INFO: a %u-byte guest with %u page-table "
                          "levels (only 64-bit guests with 4 levels run here)", body[0], body[1]);
    if (memcmp(body + 2, zero, sizeof(zero)))
        return hv_err_set(err, -EINVAL, "X86_PV_INFO: reserved bytes set");
    return 0;
}

void hv_stream_tsc_encode(const struct hv_tsc_info *t, uint8_t out[24])
{
    uint32_t zero = 0;

    memcpy(out, &t->mode, 4);
    memcpy(out + 4, &t->khz, 4);
    memcpy(out + 8, &t->nsec, 8);
    memcpy(out + 16, &t->incarnation, 4);
    memcpy(out + 20, &zero, 4);
}

int hv_stream_tsc_decode(const uint8_t *body, uint32_t len, struct hv_tsc_info *t,
                         struct hv_err *err)
{
    uint32_t reserved;

    if (len != 24)
        return hv_err_set(err, -EINVAL, "X86_TSC_INFO of %u bytes (24 expected)", len);
    memcpy(&t->mode, body, 4);
    memcpy(&t->khz, body + 4, 4);
    memcpy(&t->nsec, body + 8, 8);
    memcpy(&t->incarnation, body + 16, 4);
    memcpy(&reserved, body + 20, 4);
    if (reserved)
        return hv_err_set(err, -EINVAL, "X86_TSC_INFO: reserved field 0x%x", reserved);
    return 0;
}
