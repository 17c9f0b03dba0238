/* Unit tests of dom0's builder (dom0-tools/libhv/build*.c) on the host, against real images:
 * Debian's bzImage and vmlinux, a guest-kit guest; every refusal made before the hypervisor is
 * asked (no privcmd here: those paths pass a NULL handle, never reached). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "dom0-tools/libhv/build_internal.h"
#include "libpvbuild/pv_start.h"

#define VMLINUZ "build/linux/vmlinuz"
#define VMLINUX "build/linux/vmlinux"
#define HELLO "build/guests/hello.elf"

static struct build_blob must_read(const char *path)
{
    struct build_blob b;
    struct hv_err err;

    if (build_read_file("file", path, 1UL << 30, &b, &err))
        fail_msg("%s (make build/linux/VERSION build/guests/hello.elf first)", err.msg);
    return b;
}

static char tmpl[64];

/* Write bytes to a fresh temporary file; returns its path (static). */
static const char *tmpfile_with(const void *data, size_t len)
{
    int fd;

    strcpy(tmpl, "/tmp/test_hv_build.XXXXXX");
    fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return tmpl;
}

/* Debian's bzImage: the payload (xz) decompresses to exactly the vmlinux that scripts/fetch-linux
 * extracted with Python's lzma, and that is a Xen-ELF Linux. */
static void test_debian_bzimage(void **state)
{
    struct build_blob z = must_read(VMLINUZ), x = must_read(VMLINUX), k;
    struct elf_xen_info info;
    const char *why;
    struct hv_err err;

    (void)state;
    assert_int_equal(build_read_kernel(VMLINUZ, &k, &err), 0);
    assert_true(k.from_bzimage);
    assert_int_equal(k.size, x.size);
    assert_memory_equal(k.data, x.data, x.size);
    assert_int_equal(elf_xen_parse(k.data, k.size, PV_START_FEATURES_SUPPORTED, &info, &why), 0);
    assert_string_equal(info.guest_os, "linux");
    assert_true(info.mod_start_pfn);
    assert_true(info.has_init_p2m);
    assert_int_equal(info.virt_base, 0xffffffff80000000ULL);
    build_blob_free(&k);
    build_blob_free(&x);
    build_blob_free(&z);
}

static void test_elf_as_is(void **state)
{
    struct build_blob h = must_read(HELLO), k;
    struct hv_err err;

    (void)state;
    assert_int_equal(build_read_kernel(HELLO, &k, &err), 0);
    assert_false(k.from_bzimage);
    assert_int_equal(k.size, h.size);
    assert_memory_equal(k.data, h.data, h.size);
    build_blob_free(&k);
    build_blob_free(&h);
}

/* A bzImage header (protocol 2.15, one setup sector) around payload bytes. */
static uint8_t *fake_bzimage(const uint8_t *payload, size_t len, size_t *size)
{
    uint8_t *img = calloc(1, 1024 + len);

    img[0x1f1] = 1;
    memcpy(img + 0x202, "HdrS", 4);
    img[0x206] = 0x0f, img[0x207] = 0x02;
    for (int i = 0; i < 4; i++)
        img[0x24c + i] = (uint8_t)(len >> (8 * i)); /* payload_offset 0, payload_length */
    memcpy(img + 1024, payload, len);
    *size = 1024 + len;
    return img;
}

static uint8_t *gzip_of(const uint8_t *in, size_t len, size_t *out_len)
{
    z_stream z = {0};
    uint8_t *out = malloc(len + 1024);

    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)in, z.avail_in = (uInt)len;
    z.next_out = out, z.avail_out = (uInt)(len + 1024);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = z.total_out;
    deflateEnd(&z);
    return out;
}

static void test_gzip_bzimage(void **state)
{
    struct build_blob h = must_read(HELLO), k;
    size_t glen, ilen;
    uint8_t *gz = gzip_of(h.data, h.size, &glen), *img = fake_bzimage(gz, glen, &ilen);
    struct hv_err err;

    (void)state;
    assert_int_equal(build_read_kernel(tmpfile_with(img, ilen), &k, &err), 0);
    unlink(tmpl);
    assert_true(k.from_bzimage);
    assert_int_equal(k.size, h.size);
    assert_memory_equal(k.data, h.data, h.size);
    build_blob_free(&k);
    free(img);
    /* The same payload cut short: corrupt or truncated, never a crash. */
    img = fake_bzimage(gz, glen / 2, &ilen);
    assert_int_equal(build_read_kernel(tmpfile_with(img, ilen), &k, &err), -ENOEXEC);
    unlink(tmpl);
    assert_non_null(strstr(err.msg, "gzip payload is corrupt or truncated"));
    /* A bound on the decompressed size. */
    assert_int_equal(build_decompress(gz, glen, 1000, &k, &(const char *){NULL}), -EFBIG);
    free(img), free(gz);
    build_blob_free(&h);
}

static void expect_kernel_refused(const void *data, size_t len, int rc, const char *msg)
{
    struct build_blob k;
    struct hv_err err;

    assert_int_equal(build_read_kernel(tmpfile_with(data, len), &k, &err), rc);
    unlink(tmpl);
    if (!strstr(err.msg, msg))
        fail_msg("message '%s' lacks '%s'", err.msg, msg);
}

static void test_bad_bzimages(void **state)
{
    struct build_blob z = must_read(VMLINUZ);
    size_t off, len, ilen;
    const char *why;
    uint8_t *img;

    (void)state;
    assert_int_equal(build_bzimage_payload(z.data, z.size, &off, &len, &why), 0);
    expect_kernel_refused(z.data, off + len / 2, -ENOEXEC, "payload outside the file");
    z.data[off + len / 2] ^= 0xff; /* xz checks its blocks */
    expect_kernel_refused(z.data, z.size, -ENOEXEC, "xz payload is corrupt");
    z.data[0x206] = 0x07; /* protocol 2.07 */
    expect_kernel_refused(z.data, z.size, -ENOEXEC, "older than 2.08");
    img = fake_bzimage((const uint8_t *)"\x28\xb5\x2f\xfd" "zstd", 8, &ilen);
    expect_kernel_refused(img, ilen, -EOPNOTSUPP, "zstd");
    free(img);
    img = fake_bzimage((const uint8_t *)"plain text", 10, &ilen);
    expect_kernel_refused(img, ilen, -ENOEXEC, "compression not recognised");
    free(img);
    expect_kernel_refused("#!/bin/sh\necho hi\n", 18, -ENOEXEC, "neither an ELF image nor a bzImage");
    build_blob_free(&z);
}

/* hv_build's refusals before it asks the hypervisor anything (a NULL handle proves it). */
static void expect_build_refused(struct hv_build_req r, int rc, const char *msg)
{
    struct hv_build_result res;
    struct hv_err err;

    assert_int_equal(hv_build(NULL, 7, &r, &res, &err), rc);
    if (!strstr(err.msg, msg))
        fail_msg("message '%s' lacks '%s'", err.msg, msg);
}

static void test_build_refusals(void **state)
{
    const struct hv_build_req ok = {.kernel = HELLO, .memory_mib = 16, .vcpus = 1};
    struct hv_build_req r;
    char line[1100];

    (void)state;
    r = ok, r.kernel = "/nonexistent/vmlinux";
    expect_build_refused(r, -ENOENT, "kernel /nonexistent/vmlinux: No such file or directory");
    r = ok, r.kernel = "/bin/true"; /* an x86-64 ELF, not a Xen one */
    expect_build_refused(r, -ENOEXEC, "kernel /bin/true: not a usable Xen PV kernel: no Xen ELF notes");
    r = ok, r.kernel = "/etc";
    expect_build_refused(r, -EINVAL, "kernel /etc: not a regular file");
    r = ok, r.memory_mib = 0;
    expect_build_refused(r, -EINVAL, "building domain 7: memory 0 MiB is out of range");
    r = ok, r.maxmem_mib = 8;
    expect_build_refused(r, -EINVAL, "maxmem 8 MiB is below memory 16 MiB");
    r = ok, r.vcpus = 0;
    expect_build_refused(r, -EINVAL, "vcpus must be at least 1");
    memset(line, 'a', sizeof(line) - 1), line[sizeof(line) - 1] = '\0';
    r = ok, r.cmdline = line;
    expect_build_refused(r, -E2BIG, "command line is longer than 1023 bytes");
    r = ok, r.kernel = NULL;
    expect_build_refused(r, -EINVAL, "no kernel given");
    r = ok, r.ramdisk = "/nonexistent/initrd";
    expect_build_refused(r, -ENOENT, "ramdisk /nonexistent/initrd: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debian_bzimage),  cmocka_unit_test(test_elf_as_is),
        cmocka_unit_test(test_gzip_bzimage),    cmocka_unit_test(test_bad_bzimages),
        cmocka_unit_test(test_build_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
