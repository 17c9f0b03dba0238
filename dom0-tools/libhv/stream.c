/* dom0-tools/libhv/stream.c - the migration stream's framing: headers and records written to
 * and read from a file descriptor (stream.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream.h"

static const char xl_magic[32] = "Xen saved domain, xl format\n \0 \r";
#define XL_BYTEORDER 0x01020304u
#define LIBXL_IDENT 0x4c6962786c466d74ull /* "LibxlFmt" */
#define LIBXC_MARKER 0xffffffffffffffffull
#define LIBXC_IDENT 0x58454e46u /* "XENF" */

void hv_stream_init(struct hv_stream *s, int fd, const char *name, struct hv_err *err)
{
    s->fd = fd;
    s->name = name;
    s->bytes = 0;
    s->err = err;
    s->buf = NULL;
    s->len = s->cap = 0;
}

int hv_stream_buffer(struct hv_stream *s, size_t cap)
{
    if (!(s->buf = malloc(cap)))
        return hv_err_set(s->err, -ENOMEM, "out of memory");
    s->cap = cap;
    s->len = 0;
    return 0;
}

void hv_stream_free(struct hv_stream *s)
{
    free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
}

/* write(2) until all is out; offset: where s->bytes stood when these bytes were given. */
static int write_out(struct hv_stream *s, const uint8_t *p, size_t n, uint64_t offset)
{
    while (n) {
        ssize_t w = write(s->fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return hv_err_set(s->err, w < 0 ? -errno : -EIO, "%s: write at byte %llu: %s",
                              s->name, (unsigned long long)offset,
                              strerror(w < 0 ? errno : EIO));
        p += w;
        n -= (size_t)w;
        offset += (uint64_t)w;
    }
    return 0;
}

int hv_stream_flush(struct hv_stream *s)
{
    size_t n = s->len;

    s->len = 0;
    return n ? write_out(s, s->buf, n, s->bytes - n) : 0;
}

int hv_stream_write(struct hv_stream *s, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    int rc;

    if (s->buf) {
        if (s->len + n > s->cap && (rc = hv_stream_flush(s)))
            return rc;
        s->bytes += n;
        if (n >= s->cap)
            return write_out(s, p, n, s->bytes - n);
        memcpy(s->buf + s->len, p, n);
        s->len += n;
        return 0;
    }
    while (n) {
        ssize_t w = write(s->fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return hv_err_set(s->err, w < 0 ? -errno : -EIO, "%s: write at byte %llu: %s",
                              s->name, (unsigned long long)s->bytes,
                              strerror(w < 0 ? errno : EIO));
        p += w;
        n -= (size_t)w;
        s->bytes += (uint64_t)w;
    }
    return 0;
}

int hv_stream_read(struct hv_stream *s, void *buf, size_t n)
{
    uint8_t *p = buf;

    while (n) {
        ssize_t r = read(s->fd, p, n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return hv_err_set(s->err, -errno, "%s: read at byte %llu: %s", s->name,
                              (unsigned long long)s->bytes, strerror(errno));
        if (r == 0)
            return hv_err_set(s->err, -EIO, "%s: truncated at byte %llu (%zu more expected)",
                              s->name, (unsigned long long)s->bytes, n);
        p += r;
        n -= (size_t)r;
        s->bytes += (uint64_t)r;
    }
    return 0;
}

static void be_put(uint8_t *p, uint64_t v, unsigned bytes)
{
    while (bytes--) {
        p[bytes] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t be_get(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    return v;
}

int hv_stream_put_xl_header(struct hv_stream *s, const char *config, size_t len, bool json)
{
    uint32_t h[5] = {XL_BYTEORDER, HV_XL_FLAG_STREAMV2 | (json ? HV_XL_FLAG_JSON : 0), 0, 0,
                     (uint32_t)len + 1};
    int rc;

    if (len >= HV_STREAM_MAX_CONFIG)
        return hv_err_set(s->err, -EFBIG, "%s: config of %zu bytes is too large", s->name, len);
    h[3] = 4 + h[4]; /* optional data: the config's length, then the config with its NUL */
    if ((rc = hv_stream_write(s, xl_magic, sizeof(xl_magic))) ||
        (rc = hv_stream_write(s, h, sizeof(h))) || (rc = hv_stream_write(s, config, len)))
        return rc;
    return hv_stream_write(s, "", 1);
}

int hv_stream_put_libxl_header(struct hv_stream *s)
{
    uint8_t h[16];

    be_put(h, LIBXL_IDENT, 8);
    be_put(h + 8, HV_STREAM_LIBXL_VERSION, 4);
    be_put(h + 12, 0, 4); /* little-endian, not converted from a legacy stream */
    return hv_stream_write(s, h, sizeof(h));
}

int hv_stream_put_libxc_header(struct hv_stream *s, uint32_t xen_major, uint32_t xen_minor)
{
    uint8_t h[24] = {0};
    uint32_t d[4] = {HV_STREAM_DOMAIN_X86_PV, 12, xen_major, xen_minor}; /* page_shift 12 */
    int rc;

    be_put(h, LIBXC_MARKER, 8);
    be_put(h + 8, LIBXC_IDENT, 4);
    be_put(h + 12, HV_STREAM_LIBXC_VERSION, 4);
    if ((rc = hv_stream_write(s, h, sizeof(h))))
        return rc;
    return hv_stream_write(s, d, sizeof(d)); /* page_shift is a u16, the reserved u16 is 0 */
}

int hv_stream_put_record(struct hv_stream *s, uint32_t type, const void *hdr, size_t hlen,
                         const void *body, size_t blen)
{
    static const uint8_t zero[8];
    uint32_t rh[2] = {type, (uint32_t)(hlen + blen)};
    size_t pad = (8 - (hlen + blen) % 8) % 8;
    int rc;

    if (hlen + blen > HV_STREAM_MAX_RECORD)
        return hv_err_set(s->err, -EFBIG, "%s: record %s of %zu bytes is too large", s->name,
                          hv_stream_rec_name(type), hlen + blen);
    if ((rc = hv_stream_write(s, rh, sizeof(rh))) || (hlen && (rc = hv_stream_write(s, hdr, hlen))) ||
        (blen && (rc = hv_stream_write(s, body, blen))))
        return rc;
    return pad ? hv_stream_write(s, zero, pad) : 0;
}

bool hv_stream_type_valid(uint32_t pfinfo)
{
    unsigned t = pfinfo >> PV_DOMCTL_PFINFO_LTAB_SHIFT;

    return !(pfinfo & ~PV_DOMCTL_PFINFO_LTAB_MASK) && !(t >= 5 && t <= 8);
}

bool hv_stream_type_has_data(uint32_t pfinfo)
{
    return (pfinfo & PV_DOMCTL_PFINFO_LTABTYPE_MASK) <= PV_DOMCTL_PFINFO_L4TAB &&
           pfinfo != PV_DOMCTL_PFINFO_XTAB && pfinfo != PV_DOMCTL_PFINFO_XALLOC &&
           pfinfo != PV_DOMCTL_PFINFO_BROKEN;
}

int hv_stream_put_page_data(struct hv_stream *s, const uint64_t *ents, unsigned n,
                            const uint8_t *pages)
{
    uint32_t head[2] = {n, 0};
    unsigned i, with_data = 0;
    int rc;

    if (!n || n > HV_STREAM_BATCH)
        return hv_err_set(s->err, -EINVAL, "%s: PAGE_DATA of %u pages", s->name, n);
    for (i = 0; i < n; i++)
        with_data += hv_stream_type_has_data((uint32_t)(ents[i] >> HV_STREAM_TYPE_SHIFT));
    {
        uint32_t rh[2] = {HV_REC_PAGE_DATA, 8 + 8 * n + 4096 * with_data};

        if ((rc = hv_stream_write(s, rh, sizeof(rh))) ||
            (rc = hv_stream_write(s, head, sizeof(head))) ||
            (rc = hv_stream_write(s, ents, 8 * (size_t)n)))
            return rc;
    }
    return with_data ? hv_stream_write(s, pages, 4096 * (size_t)with_data) : 0;
}

int hv_stream_get_xl_header(struct hv_stream *s, struct hv_stream_xl *xl)
{
    char magic[32];
    uint32_t h[4], clen;
    int rc;

    memset(xl, 0, sizeof(*xl));
    if ((rc = hv_stream_read(s, magic, sizeof(magic))))
        return rc;
    if (memcmp(magic, xl_magic, sizeof(magic)))
        return hv_err_set(s->err, -EINVAL, "%s: not a save file (no xl header)", s->name);
    if ((rc = hv_stream_read(s, h, sizeof(h))))
        return rc;
    if (h[0] != XL_BYTEORDER)
        return hv_err_set(s->err, -EINVAL, "%s: byte order 0x%08x is not this machine's",
                          s->name, h[0]);
    xl->mandatory_flags = h[1];
    xl->optional_flags = h[2];
    if (h[1] & ~(HV_XL_FLAG_JSON | HV_XL_FLAG_STREAMV2) || !(h[1] & HV_XL_FLAG_STREAMV2))
        return hv_err_set(s->err, -EINVAL, "%s: mandatory flags 0x%x: not a v2 stream",
                          s->name, h[1]);
    if (h[3] < 4 || h[3] > 4 + HV_STREAM_MAX_CONFIG)
        return hv_err_set(s->err, -EINVAL, "%s: optional data of %u bytes", s->name, h[3]);
    if ((rc = hv_stream_read(s, &clen, 4)))
        return rc;
    if (clen != h[3] - 4)
        return hv_err_set(s->err, -EINVAL, "%s: config of %u bytes in %u of optional data",
                          s->name, clen, h[3] - 4);
    if (!clen)
        return 0;
    if (!(xl->config = malloc(clen + 1)))
        return hv_err_set(s->err, -ENOMEM, "out of memory");
    if ((rc = hv_stream_read(s, xl->config, clen))) {
        free(xl->config);
        xl->config = NULL;
        return rc;
    }
    xl->config[clen] = 0;
    xl->config_len = strlen(xl->config);
    return 0;
}

int hv_stream_get_libxl_header(struct hv_stream *s)
{
    uint8_t h[16];
    int rc;

    if ((rc = hv_stream_read(s, h, sizeof(h))))
        return rc;
    if (be_get(h, 8) != LIBXL_IDENT)
        return hv_err_set(s->err, -EINVAL, "%s: no libxl stream header", s->name);
    if (be_get(h + 8, 4) != HV_STREAM_LIBXL_VERSION)
        return hv_err_set(s->err, -EINVAL, "%s: libxl stream version %u (2 is known)", s->name,
                          (unsigned)be_get(h + 8, 4));
    if (be_get(h + 12, 4))
        return hv_err_set(s->err, -EINVAL, "%s: libxl stream options 0x%x (big-endian or "
                          "legacy streams are not read)", s->name, (unsigned)be_get(h + 12, 4));
    return 0;
}

int hv_stream_get_libxc_header(struct hv_stream *s, uint32_t *xen_major, uint32_t *xen_minor)
{
    uint8_t h[24];
    uint32_t d[4];
    int rc;

    if ((rc = hv_stream_read(s, h, sizeof(h))))
        return rc;
    if (be_get(h, 8) != LIBXC_MARKER || be_get(h + 8, 4) != LIBXC_IDENT)
        return hv_err_set(s->err, -EINVAL, "%s: no libxc image header", s->name);
    if (be_get(h + 12, 4) < 2 || be_get(h + 12, 4) > 3)
        return hv_err_set(s->err, -EINVAL, "%s: libxc stream version %u (2 and 3 are known)",
                          s->name, (unsigned)be_get(h + 12, 4));
    if (be_get(h + 16, 2) || be_get(h + 18, 2) || be_get(h + 20, 4))
        return hv_err_set(s->err, -EINVAL, "%s: libxc options or reserved bits set", s->name);
    if ((rc = hv_stream_read(s, d, sizeof(d))))
        return rc;
    if (d[0] != HV_STREAM_DOMAIN_X86_PV)
        return hv_err_set(s->err, -EINVAL, "%s: domain type %u is not x86 PV", s->name, d[0]);
    if (d[1] != 12)
        return hv_err_set(s->err, -EINVAL, "%s: page shift %u (and reserved 0x%x): 4 KiB pages "
                          "expected", s->name, d[1] & 0xffff, d[1] >> 16);
    *xen_major = d[2];
    *xen_minor = d[3];
    return 0;
}

int hv_stream_get_record(struct hv_stream *s, struct hv_stream_rec *r, uint32_t max)
{
    uint32_t rh[2];
    size_t padded, i;
    int rc;

    r->offset = s->bytes;
    if ((rc = hv_stream_read(s, rh, sizeof(rh))))
        return rc;
    r->type = rh[0];
    r->len = rh[1];
    if (r->len > max)
        return hv_err_set(s->err, -EFBIG, "%s: record %s (type %u) at byte %llu has %u bytes, "
                          "more than the %u allowed", s->name, hv_stream_rec_name(r->type),
                          r->type, (unsigned long long)r->offset, r->len, max);
    padded = ((size_t)r->len + 7) & ~(size_t)7;
    if (padded > r->cap) {
        uint8_t *b = realloc(r->body, padded);

        if (!b)
            return hv_err_set(s->err, -ENOMEM, "out of memory");
        r->body = b;
        r->cap = padded;
    }
    if (padded && (rc = hv_stream_read(s, r->body, padded)))
        return rc;
    for (i = r->len; i < padded; i++)
        if (r->body[i])
            return hv_err_set(s->err, -EINVAL, "%s: record %s at byte %llu: padding not zero",
                              s->name, hv_stream_rec_name(r->type),
                              (unsigned long long)r->offset);
    return 0;
}
