/* Unit tests of dom0-tools/libhv/stream*.c: the migration stream's framing written and read back
 * through a file, hostile streams refused, and PV canonicalisation both ways. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "dom0-tools/libhv/stream.h"
#include "dom0-tools/libhv/stream_pv.h"

static struct hv_err err;

/* A temporary file opened for both writing and reading back. */
static int tmp_fd(void)
{
    FILE *f = tmpfile();

    assert_non_null(f);
    return dup(fileno(f)); /* the FILE leaks: one per test, the process is short-lived */
}

static void rewind_fd(int fd, struct hv_stream *s)
{
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    hv_stream_init(s, fd, "test", &err);
}

static void write_raw(int fd, const void *p, size_t n)
{
    assert_int_equal(write(fd, p, n), (ssize_t)n);
}

/* ---- framing ---- */

static void test_roundtrip(void **state)
{
    static uint8_t pages[2][4096];
    uint64_t ents[3] = {5, (uint64_t)PV_DOMCTL_PFINFO_XTAB << 32 | 6,
                        (uint64_t)(PV_DOMCTL_PFINFO_L1TAB | PV_DOMCTL_PFINFO_LPINTAB) << 32 | 7};
    const char cfg[] = "name = 'g'\nkernel = '/k'\n";
    struct hv_stream s;
    struct hv_stream_xl xl;
    struct hv_stream_rec r = {0};
    struct hv_page_data pd;
    uint32_t major, minor;
    uint64_t base;
    int fd = tmp_fd();

    (void)state;
    memset(pages[0], 0xaa, 4096);
    memset(pages[1], 0x55, 4096);
    hv_stream_init(&s, fd, "test", &err);
    assert_int_equal(hv_stream_put_xl_header(&s, cfg, strlen(cfg), false), 0);
    assert_int_equal(hv_stream_put_libxl_header(&s), 0);
    assert_int_equal(hv_stream_put_record(&s, HV_LXL_LIBXC_CONTEXT, NULL, 0, NULL, 0), 0);
    assert_int_equal(hv_stream_put_libxc_header(&s, 4, 17), 0);
    assert_int_equal(hv_stream_put_record(&s, HV_REC_X86_PV_INFO, "\x08\x04", 2,
                                          "\0\0\0\0\0\0", 6), 0);
    assert_int_equal(hv_stream_put_page_data(&s, ents, 3, &pages[0][0]), 0);
    assert_int_equal(hv_stream_put_record(&s, HV_REC_VERIFY, "abc", 3, NULL, 0), 0);
    assert_int_equal(hv_stream_put_record(&s, HV_REC_END, NULL, 0, NULL, 0), 0);

    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_xl_header(&s, &xl), 0);
    assert_string_equal(xl.config, cfg);
    assert_int_equal(xl.mandatory_flags, HV_XL_FLAG_STREAMV2);
    free(xl.config);
    assert_int_equal(hv_stream_get_libxl_header(&s), 0);
    assert_int_equal(hv_stream_get_record(&s, &r, 0), 0);
    assert_int_equal(r.type, HV_LXL_LIBXC_CONTEXT);
    assert_int_equal(hv_stream_get_libxc_header(&s, &major, &minor), 0);
    assert_int_equal(major, 4);
    assert_int_equal(minor, 17);
    base = s.bytes;
    assert_int_equal(hv_stream_get_record(&s, &r, 64), 0);
    assert_int_equal(r.type, HV_REC_X86_PV_INFO);
    assert_int_equal(hv_stream_pv_info(r.body, r.len, &err), 0);
    assert_int_equal(hv_stream_get_record(&s, &r, HV_STREAM_MAX_RECORD), 0);
    assert_int_equal(r.type, HV_REC_PAGE_DATA);
    assert_int_equal(hv_stream_page_data(r.body, r.len, 8, &pd, &err), 0);
    assert_int_equal(pd.n, 3);
    assert_int_equal(pd.n_pages, 2); /* XTAB carries no data */
    assert_int_equal(pd.ents[2] & HV_STREAM_PFN_MASK, 7);
    assert_memory_equal(pd.pages + 4096, pages[1], 4096);
    assert_int_equal(hv_stream_get_record(&s, &r, 64), 0);
    assert_int_equal(r.type, HV_REC_VERIFY);
    assert_int_equal(r.len, 3);
    assert_int_equal((s.bytes - base) % 8, 0); /* padded */
    assert_int_equal(hv_stream_get_record(&s, &r, 64), 0);
    assert_int_equal(r.type, HV_REC_END);
    /* nothing more: truncated */
    assert_int_equal(hv_stream_get_record(&s, &r, 64), -EIO);
    assert_non_null(strstr(err.msg, "truncated"));
    free(r.body);
    close(fd);
}

static void test_bad_headers(void **state)
{
    struct hv_stream s;
    struct hv_stream_xl xl;
    uint32_t major, minor;
    int fd;

    (void)state;
    /* not a save file */
    fd = tmp_fd();
    write_raw(fd, "Xen saved domain, xl format\n \0 X", 32);
    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_xl_header(&s, &xl), -EINVAL);
    assert_non_null(strstr(err.msg, "not a save file"));
    close(fd);
    /* a legacy (v1) stream: no STREAMv2 flag */
    fd = tmp_fd();
    write_raw(fd, "Xen saved domain, xl format\n \0 \r", 32);
    write_raw(fd, (uint32_t[]){0x01020304, 0, 0, 4, 0}, 20);
    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_xl_header(&s, &xl), -EINVAL);
    assert_non_null(strstr(err.msg, "not a v2 stream"));
    close(fd);
    /* a config length that disagrees with the optional data */
    fd = tmp_fd();
    write_raw(fd, "Xen saved domain, xl format\n \0 \r", 32);
    write_raw(fd, (uint32_t[]){0x01020304, 2, 0, 8, 1000}, 20);
    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_xl_header(&s, &xl), -EINVAL);
    close(fd);
    /* huge optional data */
    fd = tmp_fd();
    write_raw(fd, "Xen saved domain, xl format\n \0 \r", 32);
    write_raw(fd, (uint32_t[]){0x01020304, 2, 0, 0xfffffff0u, 0xffffffecu}, 20);
    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_xl_header(&s, &xl), -EINVAL);
    close(fd);
    /* libxl header: wrong ident; libxc: HVM domain, big pages */
    fd = tmp_fd();
    write_raw(fd, "LibxlFmX\0\0\0\2\0\0\0\0", 16);
    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_libxl_header(&s), -EINVAL);
    close(fd);
    fd = tmp_fd();
    hv_stream_init(&s, fd, "test", &err);
    assert_int_equal(hv_stream_put_libxc_header(&s, 4, 17), 0);
    assert_int_equal(lseek(fd, 24, SEEK_SET), 24);
    write_raw(fd, (uint32_t[]){2}, 4);
    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_libxc_header(&s, &major, &minor), -EINVAL);
    assert_non_null(strstr(err.msg, "not x86 PV"));
    assert_int_equal(lseek(fd, 24, SEEK_SET), 24);
    write_raw(fd, (uint32_t[]){1, 21}, 8);
    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_libxc_header(&s, &major, &minor), -EINVAL);
    assert_non_null(strstr(err.msg, "page shift"));
    close(fd);
}

static void test_bad_records(void **state)
{
    struct hv_stream s;
    struct hv_stream_rec r = {0};
    int fd;

    (void)state;
    /* oversized */
    fd = tmp_fd();
    write_raw(fd, (uint32_t[]){HV_REC_PAGE_DATA, 0x7fffffff}, 8);
    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_record(&s, &r, HV_STREAM_MAX_RECORD), -EFBIG);
    assert_non_null(strstr(err.msg, "PAGE_DATA"));
    close(fd);
    /* padding not zero */
    fd = tmp_fd();
    write_raw(fd, (uint32_t[]){HV_REC_VERIFY, 3}, 8);
    write_raw(fd, "abc\0\0\0\0x", 8);
    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_record(&s, &r, 64), -EINVAL);
    assert_non_null(strstr(err.msg, "padding"));
    close(fd);
    /* body cut short */
    fd = tmp_fd();
    write_raw(fd, (uint32_t[]){HV_REC_SHARED_INFO, 4096}, 8);
    write_raw(fd, "abc", 3);
    rewind_fd(fd, &s);
    assert_int_equal(hv_stream_get_record(&s, &r, 8192), -EIO);
    assert_non_null(strstr(err.msg, "truncated"));
    close(fd);
    free(r.body);
}

/* A PAGE_DATA body of n entries with the given types (pfn i) and pages of data. */
static uint8_t *page_body(const uint32_t *types, unsigned n, unsigned data_pages, uint32_t *len)
{
    uint8_t *b;
    unsigned i;

    *len = 8 + 8 * n + 4096 * data_pages;
    b = calloc(1, *len);
    assert_non_null(b);
    memcpy(b, &n, 4);
    for (i = 0; i < n; i++) {
        uint64_t e = (uint64_t)types[i] << 32 | i;

        memcpy(b + 8 + 8 * i, &e, 8);
    }
    return b;
}

static void test_page_data_hostile(void **state)
{
    struct hv_page_data pd;
    uint32_t t_ok[2] = {PV_DOMCTL_PFINFO_NOTAB, PV_DOMCTL_PFINFO_L4TAB | PV_DOMCTL_PFINFO_LPINTAB};
    uint32_t t_bad[1] = {5u << 28}, t_xtab[1] = {PV_DOMCTL_PFINFO_XTAB}, len;
    uint8_t *b;

    (void)state;
    b = page_body(t_ok, 2, 2, &len);
    assert_int_equal(hv_stream_page_data(b, len, 2, &pd, &err), 0);
    /* a pfn beyond the domain */
    assert_int_equal(hv_stream_page_data(b, len, 1, &pd, &err), -ERANGE);
    assert_non_null(strstr(err.msg, "beyond"));
    /* a length that does not match the data pages */
    assert_int_equal(hv_stream_page_data(b, len - 4096, 2, &pd, &err), -EINVAL);
    assert_int_equal(hv_stream_page_data(b, 12, 2, &pd, &err), -EINVAL);
    /* reserved field */
    b[4] = 1;
    assert_int_equal(hv_stream_page_data(b, len, 2, &pd, &err), -EINVAL);
    b[4] = 0;
    /* reserved pfn bits */
    b[8 + 7] = 0x01; /* bit 56 */
    assert_int_equal(hv_stream_page_data(b, len, 2, &pd, &err), -EINVAL);
    free(b);
    /* a type that does not exist */
    b = page_body(t_bad, 1, 1, &len);
    assert_int_equal(hv_stream_page_data(b, len, 2, &pd, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "page type"));
    free(b);
    /* XTAB with data: wrong length */
    b = page_body(t_xtab, 1, 1, &len);
    assert_int_equal(hv_stream_page_data(b, len, 2, &pd, &err), -EINVAL);
    assert_int_equal(hv_stream_page_data(b, len - 4096, 2, &pd, &err), 0);
    assert_int_equal(pd.n_pages, 0);
    free(b);
    /* zero and too many entries */
    b = page_body(t_ok, 0, 0, &len);
    assert_int_equal(hv_stream_page_data(b, len, 2, &pd, &err), -EINVAL);
    memcpy(b, (uint32_t[]){HV_STREAM_BATCH + 1}, 4);
    assert_int_equal(hv_stream_page_data(b, len, 2, &pd, &err), -EINVAL);
    free(b);
}

static void test_small_records(void **state)
{
    struct hv_tsc_info t = {.mode = 1, .khz = 2000000, .nsec = 123456789, .incarnation = 3}, u;
    uint8_t buf[24];

    (void)state;
    hv_stream_tsc_encode(&t, buf);
    assert_int_equal(hv_stream_tsc_decode(buf, 24, &u, &err), 0);
    assert_int_equal(u.khz, 2000000);
    assert_int_equal(u.nsec, 123456789);
    assert_int_equal(u.incarnation, 3);
    buf[21] = 1;
    assert_int_equal(hv_stream_tsc_decode(buf, 24, &u, &err), -EINVAL);
    assert_int_equal(hv_stream_tsc_decode(buf, 16, &u, &err), -EINVAL);
    assert_int_equal(hv_stream_pv_info((const uint8_t *)"\x08\x04\0\0\0\0\0\0", 8, &err), 0);
    assert_int_equal(hv_stream_pv_info((const uint8_t *)"\x04\x03\0\0\0\0\0\0", 8, &err),
                     -EINVAL);
    assert_int_equal(hv_stream_pv_info((const uint8_t *)"\x08\x04\0\0\0\0\0\1", 8, &err),
                     -EINVAL);
    assert_string_equal(hv_stream_rec_name(HV_REC_X86_PV_VCPU_BASIC), "X86_PV_VCPU_BASIC");
    assert_string_equal(hv_stream_rec_name(99), "unknown");
}

/* ---- canonicalisation ---- */

/* Source domain: pfn i at mfn 0x1000 + 3 * i; target: pfn i at 0x9000 + i. */
static void maps(struct hv_pfnmap *src, struct hv_pfnmap *dst, unsigned n)
{
    uint64_t a[64], b[64];
    unsigned i;

    for (i = 0; i < n; i++) {
        a[i] = 0x1000 + 3 * i;
        b[i] = 0x9000 + i;
    }
    assert_int_equal(hv_pfnmap_init(src, a, n, &err), 0);
    assert_int_equal(hv_pfnmap_init(dst, b, n, &err), 0);
}

static void test_pfnmap(void **state)
{
    uint64_t dup[3] = {7, 8, 7}, holes[3] = {7, HV_INVALID_MFN, 9}, huge[1] = {1ull << 41};
    struct hv_pfnmap m;
    uint64_t x;

    (void)state;
    assert_int_equal(hv_pfnmap_init(&m, dup, 3, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "both map"));
    assert_int_equal(hv_pfnmap_init(&m, huge, 1, &err), -ERANGE);
    assert_int_equal(hv_pfnmap_init(&m, holes, 3, &err), 0);
    assert_int_equal(hv_pfnmap_pfn(&m, 9, &x), 0);
    assert_int_equal(x, 2);
    assert_int_equal(hv_pfnmap_pfn(&m, 8, &x), -ERANGE);
    assert_int_equal(hv_pfnmap_mfn(&m, 1, &x), -ERANGE);
    assert_int_equal(hv_pfnmap_mfn(&m, 3, &x), -ERANGE);
    hv_pfnmap_free(&m);
}

static void test_table_roundtrip(void **state)
{
    struct hv_pfnmap src, dst;
    uint64_t pt[512] = {0}, orig[512];

    (void)state;
    maps(&src, &dst, 16);
    pt[0] = (0x1000ull + 3 * 5) << 12 | 0x67;               /* pfn 5, flags kept */
    pt[1] = (0x1000ull + 3 * 15) << 12 | 1ull << 63 | 0x7; /* NX kept */
    pt[2] = 0xdeadbeef000ull;                               /* not present: left alone */
    pt[300] = (0x1000ull + 3 * 2) << 12 | 0x3;
    memcpy(orig, pt, sizeof(pt));
    pt[HV_L4_XEN_FIRST] = 0x123067; /* the hypervisor's slot: zeroed */
    pt[HV_L4_XEN_LAST] = 0x456067;
    assert_int_equal(hv_pv_canon_table(pt, 4, &src, &err), 0);
    assert_int_equal(pt[0], 5ull << 12 | 0x67);
    assert_int_equal(pt[1], 15ull << 12 | 1ull << 63 | 0x7);
    assert_int_equal(pt[2], 0xdeadbeef000ull);
    assert_int_equal(pt[HV_L4_XEN_FIRST], 0);
    assert_int_equal(pt[HV_L4_XEN_LAST], 0);
    assert_int_equal(hv_pv_localise_table(pt, 4, &dst, &err), 0);
    assert_int_equal(pt[0], 0x9005ull << 12 | 0x67);
    assert_int_equal(pt[300], 0x9002ull << 12 | 0x3);
    /* and back through the source's map: the original */
    assert_int_equal(hv_pv_canon_table(pt, 4, &dst, &err), 0);
    assert_int_equal(hv_pv_localise_table(pt, 4, &src, &err), 0);
    assert_memory_equal(pt, orig, sizeof(pt));
    hv_pfnmap_free(&src);
    hv_pfnmap_free(&dst);
}

static void test_table_hostile(void **state)
{
    struct hv_pfnmap src, dst;
    uint64_t pt[512];

    (void)state;
    maps(&src, &dst, 16);
    /* save: a frame that is not the domain's */
    memset(pt, 0, sizeof(pt));
    pt[7] = 0x5555ull << 12 | 1;
    assert_int_equal(hv_pv_canon_table(pt, 1, &src, &err), -ERANGE);
    assert_non_null(strstr(err.msg, "L1 entry 7"));
    /* superpages at L2 and L3, not at L1 (PAT bit there) */
    memset(pt, 0, sizeof(pt));
    pt[3] = 0x1000ull << 12 | HV_PTE_PSE | 1;
    assert_int_equal(hv_pv_canon_table(pt, 2, &src, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "superpage"));
    assert_int_equal(hv_pv_localise_table(pt, 3, &dst, &err), -EINVAL);
    assert_int_equal(hv_pv_canon_table(pt, 1, &src, &err), 0);
    /* restore: a pfn beyond the domain, a hypervisor slot filled in */
    memset(pt, 0, sizeof(pt));
    pt[1] = 16ull << 12 | 1;
    assert_int_equal(hv_pv_localise_table(pt, 1, &dst, &err), -ERANGE);
    assert_non_null(strstr(err.msg, "not a frame of the domain"));
    memset(pt, 0, sizeof(pt));
    pt[260] = 2ull << 12 | 1;
    assert_int_equal(hv_pv_localise_table(pt, 4, &dst, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "hypervisor's slots"));
    assert_int_equal(hv_pv_localise_table(pt, 3, &dst, &err), 0); /* only L4 has them */
    assert_int_equal(hv_pv_localise_table(pt, 5, &dst, &err), -EINVAL);
    hv_pfnmap_free(&src);
    hv_pfnmap_free(&dst);
}

static void test_vcpu(void **state)
{
    static struct pv_vcpu_guest_context c;
    struct hv_pfnmap src, dst;

    (void)state;
    maps(&src, &dst, 16);
    memset(&c, 0, sizeof(c));
    c.gdt_ents = 513; /* two frames */
    c.gdt_frames[0] = 0x1000 + 3 * 9;
    c.gdt_frames[1] = 0x1000 + 3 * 10;
    c.gdt_frames[2] = 0x777; /* unused: untouched */
    c.ctrlreg[3] = (0x1000ull + 3 * 1) << 12;
    c.ctrlreg[1] = (0x1000ull + 3 * 2) << 12;
    c.user_regs.rdx = 0x1000 + 3 * 4;
    assert_int_equal(hv_pv_canon_vcpu(&c, 0, &src, &err), 0);
    assert_int_equal(c.gdt_frames[0], 9);
    assert_int_equal(c.gdt_frames[1], 10);
    assert_int_equal(c.gdt_frames[2], 0x777);
    assert_int_equal(c.ctrlreg[3], 1ull << 12);
    assert_int_equal(c.ctrlreg[1], 2ull << 12 | 1);
    assert_int_equal(c.user_regs.rdx, 4);
    assert_int_equal(hv_pv_localise_vcpu(&c, 0, &dst, &err), 0);
    assert_int_equal(c.ctrlreg[3], 0x9001ull << 12);
    assert_int_equal(c.ctrlreg[1], 0x9002ull << 12);
    assert_int_equal(c.user_regs.rdx, 0x9004);
    assert_int_equal(c.gdt_frames[1], 0x900a);
    /* vCPU 1: rdx is a register like any other */
    c.user_regs.rdx = 0xabcdef;
    c.ctrlreg[1] = 0;
    assert_int_equal(hv_pv_canon_vcpu(&c, 1, &dst, &err), 0);
    assert_int_equal(c.user_regs.rdx, 0xabcdef);
    assert_int_equal(c.ctrlreg[1], 0);
    /* hostile: cr3 outside, a user cr3 without the marker, too many GDT entries */
    c.ctrlreg[3] = 99ull << 12;
    assert_int_equal(hv_pv_localise_vcpu(&c, 1, &dst, &err), -ERANGE);
    assert_non_null(strstr(err.msg, "cr3"));
    assert_int_equal(c.gdt_frames[0], 9); /* untouched on failure */
    c.ctrlreg[3] = 1ull << 12;
    c.ctrlreg[1] = 2ull << 12;
    assert_int_equal(hv_pv_localise_vcpu(&c, 1, &dst, &err), -EINVAL);
    c.ctrlreg[1] = 0;
    c.gdt_ents = 16 * 512 + 1;
    assert_int_equal(hv_pv_localise_vcpu(&c, 1, &dst, &err), -EINVAL);
    hv_pfnmap_free(&src);
    hv_pfnmap_free(&dst);
}

static void test_start_info(void **state)
{
    struct hv_resume_info ri = {.nr_pages = 16, .shared_info_mfn = 0x42, .store_evtchn = 3,
                                .console_evtchn = 4};
    struct hv_pfnmap src, dst;
    struct pv_start_info si;
    uint64_t store, cons;

    (void)state;
    maps(&src, &dst, 16);
    memset(&si, 0, sizeof(si));
    si.store_mfn = 14;
    si.console.domU.mfn = 15;
    si.flags = 0x33;
    assert_int_equal(hv_pv_start_info(&si, &dst, &ri, &store, &cons, &err), 0);
    assert_int_equal(store, 0x900e);
    assert_int_equal(si.console.domU.mfn, 0x900f);
    assert_int_equal(si.store_evtchn, 3);
    assert_int_equal(si.console.domU.evtchn, 4);
    assert_int_equal(si.shared_info, 0x42000);
    assert_int_equal(si.flags, 0);
    si.store_mfn = 16;
    assert_int_equal(hv_pv_start_info(&si, &dst, &ri, &store, &cons, &err), -ERANGE);
    assert_non_null(strstr(err.msg, "xenstore"));
    hv_pfnmap_free(&src);
    hv_pfnmap_free(&dst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_bad_records),      cmocka_unit_test(test_page_data_hostile),
        cmocka_unit_test(test_small_records),    cmocka_unit_test(test_pfnmap),
        cmocka_unit_test(test_table_roundtrip),  cmocka_unit_test(test_table_hostile),
        cmocka_unit_test(test_vcpu),             cmocka_unit_test(test_start_info),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
