/* dom0-tools/libhv/stream.h - Xen's migration stream: the xl save-file header, libxl's v2
 * container and libxc's v3 record stream, written and read over a file descriptor. */
#ifndef HV_STREAM_H
#define HV_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "priv.h"

/*
 * Layers (Xen's docs/specs/libxl-migration-stream.pandoc and libxc-migration-stream.pandoc):
 *   xl header     32-byte magic, then u32 byteorder, mandatory_flags, optional_flags,
 *                 optional_data_len (native order); optional data = u32 config length + config
 *   libxl header  u64 ident "LibxlFmt", u32 version 2, u32 options (big-endian)
 *   libxl records LIBXC_CONTEXT (empty; the libxc stream follows), ..., END
 *   libxc header  u64 marker ~0, u32 "XENF", u32 version 3, u16 options, u16 + u32 reserved
 *                 (big-endian); domain header u32 type, u16 page_shift, u16 reserved,
 *                 u32 xen_major, u32 xen_minor (native order)
 *   libxc records X86_PV_INFO, STATIC_DATA_END, X86_PV_P2M_FRAMES, PAGE_DATA..., X86_TSC_INFO,
 *                 SHARED_INFO, X86_PV_VCPU_* per vCPU, END
 * Every record is {u32 type, u32 length, body, zero padding to 8 bytes}, native order.
 */

/* libxl records. */
#define HV_LXL_END 0u
#define HV_LXL_LIBXC_CONTEXT 1u
#define HV_LXL_EMULATOR_XENSTORE_DATA 2u
#define HV_LXL_EMULATOR_CONTEXT 3u
#define HV_LXL_CHECKPOINT_END 4u
#define HV_LXL_CHECKPOINT_STATE 5u

/* libxc records. */
#define HV_REC_END 0u
#define HV_REC_PAGE_DATA 1u
#define HV_REC_X86_PV_INFO 2u
#define HV_REC_X86_PV_P2M_FRAMES 3u
#define HV_REC_X86_PV_VCPU_BASIC 4u
#define HV_REC_X86_PV_VCPU_EXTENDED 5u
#define HV_REC_X86_PV_VCPU_XSAVE 6u
#define HV_REC_SHARED_INFO 7u
#define HV_REC_X86_TSC_INFO 8u
#define HV_REC_X86_PV_VCPU_MSRS 12u
#define HV_REC_VERIFY 13u
#define HV_REC_CHECKPOINT 14u
#define HV_REC_STATIC_DATA_END 16u
#define HV_REC_X86_CPUID_POLICY 17u
#define HV_REC_X86_MSR_POLICY 18u
#define HV_REC_OPTIONAL (1u << 31) /* a reader that does not know it may skip it */
/* Ours (docs/hvctl.md, "The migration stream"): optional, so Xen's restore skips it. It comes
 * right before a PAGE_DATA record: u32 count, u32 reserved 0, then count u64 checksums
 * (hv_page_sum), one for each page with data in that record, in order. */
#define HV_REC_HV_PAGE_SUMS (HV_REC_OPTIONAL | 0x4856u) /* "HV" */

#define HV_STREAM_DOMAIN_X86_PV 1u
#define HV_STREAM_LIBXC_VERSION 3u
#define HV_STREAM_LIBXL_VERSION 2u
/* xl header mandatory flags. */
#define HV_XL_FLAG_JSON 1u     /* the config is libxl JSON (else xl.cfg text) */
#define HV_XL_FLAG_STREAMV2 2u /* a libxl v2 stream follows */

/* PAGE_DATA: at most this many pages a record (Xen's MAX_BATCH_SIZE); each pfn entry carries
 * the PFINFO type (PV_DOMCTL_PFINFO_*) >> 28 in bits 63..60 and the pfn in bits 51..0. */
#define HV_STREAM_BATCH 1024u
#define HV_STREAM_PFN_MASK ((1ull << 52) - 1)
#define HV_STREAM_TYPE_SHIFT 32 /* PFINFO value << 32 = the entry's type bits */

/* The largest record body a reader accepts (a full PAGE_DATA record and a little more). */
#define HV_STREAM_MAX_RECORD (8u + HV_STREAM_BATCH * (8u + 4096u))
/* The largest config in an xl header. */
#define HV_STREAM_MAX_CONFIG (1u << 20)

/* One direction of a stream over fd. name ("FILE" or "connection") goes in messages. */
struct hv_stream {
    int fd;
    const char *name;
    uint64_t bytes; /* written or read so far */
    struct hv_err *err;
    uint8_t *buf;   /* writes gather here if set (hv_stream_buffer) */
    size_t len, cap;
};

void hv_stream_init(struct hv_stream *s, int fd, const char *name, struct hv_err *err);
/* Writes gather in a buffer of cap bytes, written out when full and by hv_stream_flush: on a
 * connection the peer gets whole records, not a header, then its body, in packets of their own
 * (which TCP's Nagle holds back until the previous one is acknowledged). */
int hv_stream_buffer(struct hv_stream *s, size_t cap);
int hv_stream_flush(struct hv_stream *s);
void hv_stream_free(struct hv_stream *s); /* the buffer, unflushed */

/* ---- writing (each returns 0 or a negative errno with a message) ---- */

int hv_stream_write(struct hv_stream *s, const void *buf, size_t n);
/* The xl header with config (len bytes, xl.cfg text or JSON per json; NUL added). */
int hv_stream_put_xl_header(struct hv_stream *s, const char *config, size_t len, bool json);
int hv_stream_put_libxl_header(struct hv_stream *s);
int hv_stream_put_libxc_header(struct hv_stream *s, uint32_t xen_major, uint32_t xen_minor);
/* A record whose body is hdr (hlen bytes) then body (blen bytes), padded. */
int hv_stream_put_record(struct hv_stream *s, uint32_t type, const void *hdr, size_t hlen,
                         const void *body, size_t blen);
/* PAGE_DATA of n (1..HV_STREAM_BATCH) entries: ents[i] = type bits | pfn; pages[] holds one page
 * for each entry whose type carries data (hv_stream_type_has_data), in order. */
int hv_stream_put_page_data(struct hv_stream *s, const uint64_t *ents, unsigned n,
                            const uint8_t *pages);

/* ---- reading ---- */

int hv_stream_read(struct hv_stream *s, void *buf, size_t n); /* -EIO "truncated" at EOF */

struct hv_stream_xl {
    uint32_t mandatory_flags, optional_flags;
    char *config; /* malloc()ed, NUL-terminated; NULL if none */
    size_t config_len;
};
int hv_stream_get_xl_header(struct hv_stream *s, struct hv_stream_xl *xl);
int hv_stream_get_libxl_header(struct hv_stream *s);
/* Checks the image and domain headers (x86 PV, 4 KiB pages). */
int hv_stream_get_libxc_header(struct hv_stream *s, uint32_t *xen_major, uint32_t *xen_minor);

struct hv_stream_rec {
    uint32_t type, len;
    uint8_t *body; /* grown as needed (free() it) */
    size_t cap;
    uint64_t offset; /* of the record header in the stream */
};
/* The next record; bodies above max bytes are refused (-EFBIG), padding must be zero. */
int hv_stream_get_record(struct hv_stream *s, struct hv_stream_rec *r, uint32_t max);

/* ---- record bodies (pure) ---- */

/* Types of a PAGE_DATA entry (PFINFO value, i.e. type bits >> 32). */
bool hv_stream_type_valid(uint32_t pfinfo);
bool hv_stream_type_has_data(uint32_t pfinfo);

struct hv_page_data {
    unsigned n;
    const uint64_t *ents; /* n entries (inside the record's body) */
    const uint8_t *pages; /* one page for each entry with data, in order */
    unsigned n_pages;
};
/* Decodes a PAGE_DATA body: count 1..HV_STREAM_BATCH, reserved zero, valid types, pfns below
 * max_pfn, length exactly right. Message says which entry is wrong. */
int hv_stream_page_data(const uint8_t *body, uint32_t len, uint64_t max_pfn,
                        struct hv_page_data *pd, struct hv_err *err);

/* X86_PV_INFO: guest width 8, 4 levels (the only PV guests there are here). */
int hv_stream_pv_info(const uint8_t *body, uint32_t len, struct hv_err *err);

struct hv_tsc_info {
    uint32_t mode, khz, incarnation;
    uint64_t nsec;
};
void hv_stream_tsc_encode(const struct hv_tsc_info *t, uint8_t out[24]);
int hv_stream_tsc_decode(const uint8_t *body, uint32_t len, struct hv_tsc_info *t,
                         struct hv_err *err);

/* ---- end-to-end page checksums (stream_sum.c) ---- */

/* A 64-bit checksum of a 4 KiB page (not cryptographic: it finds corruption, not forgery). */
uint64_t hv_page_sum(const uint8_t *page);
/* HV_REC_HV_PAGE_SUMS for the n pages in pages[] (the pages a PAGE_DATA record will carry). */
int hv_stream_put_page_sums(struct hv_stream *s, const uint8_t *pages, unsigned n);
/* The same record from the n checksums already computed. */
int hv_stream_put_sums(struct hv_stream *s, const uint64_t *sums, unsigned n);
/* Checks a PAGE_SUMS body against the pages of the PAGE_DATA record that follows it (pd):
 * the counts agree and every page's checksum; the message names the first pfn that differs. */
int hv_stream_check_page_sums(const uint8_t *body, uint32_t len, const struct hv_page_data *pd,
                              struct hv_err *err);

/* The name of a libxc record type ("PAGE_DATA"), or "unknown". */
const char *hv_stream_rec_name(uint32_t type);

#endif /* HV_STREAM_H */
