/* dom0-tools/libhv/build_image.c - the builder's inputs: kernel and ramdisk files, and the ELF
 * inside a bzImage (gzip or xz payload, decompressed here in dom0, never in the hypervisor). */
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "build_internal.h"

#define MAX_KERNEL (512UL << 20)  /* a bzImage or ELF file, and a decompressed ELF */
#define MAX_RAMDISK (4UL << 30)

static int read_all(int fd, uint8_t *buf, size_t size)
{
    for (size_t done = 0; done < size;) {
        ssize_t n = read(fd, buf + done, size - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        done += (size_t)n;
    }
    return 0;
}

int build_read_file(const char *what, const char *path, size_t max, struct build_blob *b,
                    struct hv_err *err)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

    memset(b, 0, sizeof(*b));
    if (fd < 0)
        return hv_err_set(err, -errno, "%s %s: %s", what, path, strerror(errno));
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return hv_err_set(err, -EINVAL, "%s %s: not a regular file", what, path);
    }
    if ((uint64_t)st.st_size > max || st.st_size == 0) {
        close(fd);
        return hv_err_set(err, -EFBIG, "%s %s: %s (%lld bytes)", what, path,
                          st.st_size ? "too large" : "empty", (long long)st.st_size);
    }
    b->size = (size_t)st.st_size;
    b->data = malloc(b->size);
    rc = b->data ? read_all(fd, b->data, b->size) : -ENOMEM;
    close(fd);
    if (rc) {
        build_blob_free(b);
        return hv_err_set(err, rc, "%s %s: reading: %s", what, path, strerror(-rc));
    }
    return 0;
}

void build_blob_free(struct build_blob *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int build_bzimage_payload(const uint8_t *image, size_t size, size_t *off, size_t *len,
                          const char **why)
{
    size_t setup;

    if (size < 0x250 || memcmp(image + 0x202, "HdrS", 4) != 0) {
        *why = "not a bzImage (no HdrS setup header)";
        return -ENOEXEC;
    }
    if ((image[0x206] | image[0x207] << 8) < 0x208) {
        *why = "bzImage boot protocol older than 2.08 (no payload fields)";
        return -ENOEXEC;
    }
    setup = ((size_t)(image[0x1f1] ? image[0x1f1] : 4) + 1) * 512;
    *off = setup + le32(image + 0x248);
    *len = le32(image + 0x24c);
    if (*off < setup || *off > size || *len > size - *off || *len == 0) {
        *why = "bzImage payload outside the file";
        return -ENOEXEC;
    }
    return 0;
}

/* Grow-as-needed output for the decompressors. */
static int out_room(struct build_blob *o, size_t *cap, size_t max)
{
    size_t ncap = *cap ? *cap * 2 : 64UL << 20;
    uint8_t *n;

    if (*cap >= max)
        return -EFBIG;
    ncap = ncap > max ? max : ncap;
    n = realloc(o->data, ncap);
    if (!n)
        return -ENOMEM;
    o->data = n;
    *cap = ncap;
    return 0;
}

static int gunzip(const uint8_t *in, size_t len, size_t max, struct build_blob *o, const char **why)
{
    z_stream z = {.next_in = (Bytef *)in, .avail_in = (uInt)len};
    size_t cap = 0;
    int zr = Z_OK, rc = 0;

    if (len > UINT32_MAX || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        *why = "gzip payload: cannot start zlib";
        return -ENOEXEC;
    }
    while (zr == Z_OK && !rc) {
        if (o->size == cap && (rc = out_room(o, &cap, max)))
            break;
        z.next_out = o->data + o->size;
        z.avail_out = (uInt)(cap - o->size);
        zr = inflate(&z, Z_NO_FLUSH);
        o->size = cap - z.avail_out;
    }
    inflateEnd(&z);
    if (!rc && zr != Z_STREAM_END)
        rc = -ENOEXEC;
    *why = rc == -EFBIG ? "gzip payload decompresses to more than 512 MiB"
                        : rc ? "gzip payload is corrupt or truncated" : "ok";
    return rc;
}

static int unxz(const uint8_t *in, size_t len, size_t max, struct build_blob *o, const char **why)
{
    lzma_stream x = LZMA_STREAM_INIT;
    lzma_ret lr = LZMA_OK;
    size_t cap = 0;
    int rc = 0;

    if (lzma_stream_decoder(&x, UINT64_MAX, 0) != LZMA_OK) {
        *why = "xz payload: cannot start liblzma";
        return -ENOEXEC;
    }
    x.next_in = in;
    x.avail_in = len;
    while (lr == LZMA_OK && !rc) {
        if (o->size == cap && (rc = out_room(o, &cap, max)))
            break;
        x.next_out = o->data + o->size;
        x.avail_out = cap - o->size;
        lr = lzma_code(&x, LZMA_FINISH);
        o->size = cap - x.avail_out;
    }
    lzma_end(&x);
    if (!rc && lr != LZMA_STREAM_END)
        rc = -ENOEXEC;
    *why = rc == -EFBIG ? "xz payload decompresses to more than 512 MiB"
                        : rc ? "xz payload is corrupt or truncated" : "ok";
    return rc;
}

int build_decompress(const uint8_t *in, size_t len, size_t max, struct build_blob *out,
                     const char **why)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if (len >= 6 && memcmp(in, "\xfd" "7zXZ\0", 6) == 0)
        rc = unxz(in, len, max, out, why);
    else if (len >= 2 && in[0] == 0x1f && in[1] == 0x8b)
        rc = gunzip(in, len, max, out, why);
    else if (len >= 4 && memcmp(in, "\x28\xb5\x2f\xfd", 4) == 0) {
        *why = "zstd-compressed bzImage payloads are not supported (use gzip or xz, or the ELF "
               "vmlinux)";
        rc = -EOPNOTSUPP;
    } else {
        *why = "bzImage payload compression not recognised (gzip and xz are supported)";
        rc = -ENOEXEC;
    }
    if (rc)
        build_blob_free(out);
    return rc;
}

int build_read_kernel(const char *path, struct build_blob *b, struct hv_err *err)
{
    struct build_blob elf;
    const char *why;
    size_t off, len;
    int rc = build_read_file("kernel", path, MAX_KERNEL, b, err);

    if (rc || (b->size >= 4 && memcmp(b->data, "\x7f" "ELF", 4) == 0))
        return rc;
    rc = build_bzimage_payload(b->data, b->size, &off, &len, &why);
    if (!rc)
        rc = build_decompress(b->data + off, len, MAX_KERNEL, &elf, &why);
    if (!rc && (elf.size < 4 || memcmp(elf.data, "\x7f" "ELF", 4) != 0)) {
        why = "the bzImage payload is not an ELF image";
        build_blob_free(&elf);
        rc = -ENOEXEC;
    }
    build_blob_free(b);
    if (rc)
        return hv_err_set(err, rc, "kernel %s: %s", path,
                          rc == -ENOEXEC && !memcmp(why, "not a bzImage", 13)
                              ? "neither an ELF image nor a bzImage" : why);
    *b = elf;
    b->from_bzimage = true;
    return 0;
}
