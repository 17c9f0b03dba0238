/* Unit tests of dom0-tools/libhv/save_*.c: a fake PV domain saved into a whole save file and
 * restored into another fake domain at other machine frames (pages, page tables, pins, the
 * guest's p2m, start_info, vCPU 0), and hostile streams refused. HV_STREAM_SAMPLE=PATH keeps a
 * copy of the save file (tests/stream/run.sh gives it to Xen's verify-stream-v2). */
#include <errno.h>
#include <fcntl.h>
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

#include "dom0-tools/libhv/save.h"

#define NPFN 1100u /* more than one PAGE_DATA batch */
#define NMFN 4096u
#define HOLE 7u
/* pfns of the source domain's special pages */
#define L4 1u
#define L3 2u
#define L2 3u
#define L1 4u
#define SI 5u   /* start_info */
#define P2M 6u  /* the guest's p2m frames: 6, 13, 14 */
#define P2M2 13u
#define P2M3 14u
#define FAR 1090u /* mapped by the L1, sent in the second batch */
#define GDT 8u
#define STORE 11u
#define CONS 12u

static struct hv_err err;

/* One machine for both domains: frames, their types and pins. */
static uint8_t mem[NMFN][4096];
static uint32_t mtype[NMFN];
static unsigned pinned[NMFN];
static uint64_t next_mfn;
static struct pv_vcpu_guest_context saved_vcpu0, restored_vcpu0;
static uint8_t shinfo_in[4096], shinfo_out[4096];
static bool restored_shinfo;

static uint64_t src_mfn(uint64_t pfn)
{
    return 100 + 2 * pfn;
}

/* ---- the source domain ---- */

static int fake_read(void *ctx, const uint64_t *mfns, unsigned n, uint32_t *types,
                     uint8_t *pages, struct hv_err *e)
{
    unsigned i;

    (void)ctx;
    (void)e;
    for (i = 0; i < n; i++) {
        if (mfns[i] == HV_INVALID_MFN)
            continue;
        assert_true(mfns[i] < NMFN);
        types[i] = mtype[mfns[i]];
        memcpy(pages + 4096 * (size_t)i, mem[mfns[i]], 4096);
    }
    return 0;
}

static int fake_vcpu(void *ctx, unsigned v, struct pv_vcpu_guest_context *c, struct hv_err *e)
{
    (void)ctx;
    (void)e;
    if (v)
        return -ENODATA;
    *c = saved_vcpu0;
    return 0;
}

static int fake_shinfo(void *ctx, uint8_t *page, struct hv_err *e)
{
    (void)ctx;
    (void)e;
    memcpy(page, shinfo_in, 4096);
    return 0;
}

static int fake_tsc(void *ctx, struct hv_tsc_info *t, struct hv_err *e)
{
    (void)ctx;
    (void)e;
    *t = (struct hv_tsc_info){.mode = 0, .khz = 1000000, .nsec = 5, .incarnation = 1};
    return 0;
}

/* vCPU 0's extended record: 64 bytes; no XSAVE state; one MSR (16 bytes). */
static int fake_extra(void *ctx, unsigned v, uint32_t type, uint8_t *buf, size_t cap,
                      size_t *len, struct hv_err *e)
{
    (void)ctx;
    (void)e;
    assert_int_equal(v, 0);
    assert_true(cap >= 64);
    *len = type == HV_REC_X86_PV_VCPU_EXTENDED ? 64 : type == HV_REC_X86_PV_VCPU_MSRS ? 16 : 0;
    memset(buf, (int)type, *len);
    return 0;
}

static const struct hv_save_dom src_dom = {NULL,        fake_read, fake_vcpu,
                                           fake_shinfo, fake_tsc,  fake_extra};

static void pte(uint64_t table_pfn, unsigned slot, uint64_t target_pfn)
{
    uint64_t e = src_mfn(target_pfn) << 12 | 0x67;

    memcpy(mem[src_mfn(table_pfn)] + 8 * slot, &e, 8);
}

/* The source: pfn i at mfn 100 + 2i, a hole at HOLE, L4 -> L3 -> L2 -> L1 mapping a few pages,
 * start_info with its rings as pfns (a suspended guest's), the guest's p2m in pfn P2M. */
static void make_source(struct hv_pfnmap *map)
{
    uint64_t p2m[NPFN], i;
    struct pv_start_info *si = (struct pv_start_info *)mem[src_mfn(SI)];

    memset(mem, 0, sizeof(mem));
    memset(mtype, 0, sizeof(mtype));
    memset(pinned, 0, sizeof(pinned));
    for (i = 0; i < NPFN; i++) {
        p2m[i] = i == HOLE ? HV_INVALID_MFN : src_mfn(i);
        if (i != HOLE)
            memset(mem[src_mfn(i)], (int)(0x30 + i), 4096);
    }
    for (i = L4; i <= L1; i++)
        memset(mem[src_mfn(i)], 0, 4096);
    mtype[src_mfn(L4)] = PV_DOMCTL_PFINFO_L4TAB | PV_DOMCTL_PFINFO_LPINTAB;
    mtype[src_mfn(L3)] = PV_DOMCTL_PFINFO_L3TAB;
    mtype[src_mfn(L2)] = PV_DOMCTL_PFINFO_L2TAB;
    mtype[src_mfn(L1)] = PV_DOMCTL_PFINFO_L1TAB;
    pte(L4, 0, L3);
    pte(L4, 511, L3);
    memcpy(mem[src_mfn(L4)] + 8 * 256, (uint64_t[]){0xabc067}, 8); /* the hypervisor's slot */
    pte(L3, 0, L2);
    pte(L2, 0, L1);
    for (i = 0; i < 20; i++)
        if (i + 9 != HOLE)
            pte(L1, (unsigned)i, i + 9);
    pte(L1, 100, L1); /* a table mapped read-write by mistake or not: just an entry */
    pte(L1, 200, FAR); /* populated while the first batch is being written */
    memset(si, 0, 4096);
    si->store_mfn = STORE;
    si->console.domU.mfn = CONS;
    si->nr_pages = NPFN;
    memcpy(mem[src_mfn(P2M)], p2m, 4096);
    memcpy(mem[src_mfn(P2M2)], p2m + 512, 4096);
    memcpy(mem[src_mfn(P2M3)], p2m + 1024, (NPFN - 1024) * 8);
    memset(&saved_vcpu0, 0, sizeof(saved_vcpu0));
    saved_vcpu0.ctrlreg[3] = src_mfn(L4) << 12;
    saved_vcpu0.user_regs.rdx = src_mfn(SI);
    saved_vcpu0.user_regs.rip = 0xffffffff80001234ull;
    saved_vcpu0.gdt_ents = 16;
    saved_vcpu0.gdt_frames[0] = src_mfn(GDT);
    memset(shinfo_in, 0x5a, sizeof(shinfo_in));
    assert_int_equal(hv_pfnmap_init(map, p2m, NPFN, &err), 0);
}

/* ---- the target domain ---- */

static uint64_t tgt_p2m[NPFN];

static int t_populate(void *ctx, const uint64_t *pfns, unsigned n, uint64_t *mfns,
                      struct hv_err *e)
{
    unsigned i;

    (void)ctx;
    (void)e;
    for (i = 0; i < n; i++) {
        assert_true(pfns[i] < NPFN);
        assert_int_equal(tgt_p2m[pfns[i]], HV_INVALID_MFN); /* never twice */
        mfns[i] = tgt_p2m[pfns[i]] = next_mfn--;
        memset(mem[mfns[i]], 0, 4096);
    }
    return 0;
}

static unsigned received_calls, writes_after_end; /* told "received"; write_frames calls since */

static int t_write(void *ctx, const uint64_t *mfns, unsigned n, const uint8_t *pages,
                   struct hv_err *e)
{
    unsigned i;

    (void)ctx;
    (void)e;
    writes_after_end += received_calls > 0;
    for (i = 0; i < n; i++)
        memcpy(mem[mfns[i]], pages + 4096 * (size_t)i, 4096);
    return 0;
}

static int t_read(void *ctx, uint64_t mfn, uint8_t *page, struct hv_err *e)
{
    (void)ctx;
    (void)e;
    memcpy(page, mem[mfn], 4096);
    return 0;
}

static unsigned pin_calls, pin_fail_at = ~0u; /* pin() calls; the table that fails (~0: none) */

static int t_pin(void *ctx, const unsigned *levels, const uint64_t *mfns, unsigned n,
                 unsigned *done, struct hv_err *e)
{
    (void)ctx;
    pin_calls++;
    for (*done = 0; *done < n; ++*done) {
        if (*done == pin_fail_at)
            return hv_err_set(e, -EINVAL, "refused");
        pinned[mfns[*done]] = levels[*done];
    }
    return 0;
}

static int t_shinfo(void *ctx, const uint8_t *saved, struct hv_err *e)
{
    (void)ctx;
    (void)e;
    memcpy(shinfo_out, saved, 4096);
    restored_shinfo = true;
    return 0;
}

static int t_tsc(void *ctx, const struct hv_tsc_info *t, struct hv_err *e)
{
    (void)ctx;
    (void)e;
    assert_int_equal(t->khz, 1000000);
    return 0;
}

static int t_vcpu(void *ctx, unsigned v, const struct pv_vcpu_guest_context *c, struct hv_err *e)
{
    (void)ctx;
    (void)e;
    assert_int_equal(v, 0);
    restored_vcpu0 = *c;
    return 0;
}

static int t_resume(void *ctx, struct hv_resume_info *ri, struct hv_err *e)
{
    (void)ctx;
    (void)e;
    *ri = (struct hv_resume_info){.nr_pages = NPFN, .shared_info_mfn = 7, .store_evtchn = 1,
                                  .console_evtchn = 2};
    return 0;
}

static size_t extra_len[16];

static int t_extra(void *ctx, unsigned v, uint32_t type, const uint8_t *body, size_t len,
                   struct hv_err *e)
{
    (void)ctx;
    (void)e;
    assert_int_equal(v, 0);
    assert_true(type < 16 && len);
    for (size_t i = 0; i < len; i++)
        assert_int_equal(body[i], type);
    extra_len[type] = len;
    return 0;
}

static const struct hv_restore_dom tgt_dom = {NULL,     t_populate, t_write, t_read,   t_pin,
                                              t_shinfo, t_tsc,      t_vcpu,  t_resume, t_extra, NULL, NULL,
                                              false};

static void reset_target(void)
{
    unsigned i;

    for (i = 0; i < NPFN; i++)
        tgt_p2m[i] = HV_INVALID_MFN;
    next_mfn = NMFN - 1; /* the target's frames, counting down from the top */
    restored_shinfo = false;
    memset(extra_len, 0, sizeof(extra_len));
    memset(&restored_vcpu0, 0, sizeof(restored_vcpu0));
}

static bool with_sums; /* the source writes HV_REC_HV_PAGE_SUMS (as migrations do) */
static uint64_t zero_pfn; /* a data page the source leaves all zero (0: none) */
static bool with_zero_alloc; /* the source sends zero pages as XALLOC */

/* The source saved into a temporary file (and HV_STREAM_SAMPLE, if set, for a save without
 * checksums: what `hvctl save` writes); its descriptor. */
static int save_source(void)
{
    const char cfg[] = "name = 'fake'\nkernel = '/k'\nmemory = 1\n";
    uint64_t p2m_frames[3] = {P2M, P2M2, P2M3};
    struct hv_pfnmap map;
    struct hv_stream s;
    struct hv_save sv;
    FILE *f = tmpfile();
    int fd;

    assert_non_null(f);
    fd = dup(fileno(f));
    make_source(&map);
    if (zero_pfn)
        memset(mem[src_mfn(zero_pfn)], 0, 4096);
    hv_stream_init(&s, fd, "save", &err);
    assert_int_equal(hv_save_init(&sv, &s, &src_dom, &map, 2, &err), 0);
    sv.page_sums = with_sums;
    sv.zero_alloc = with_zero_alloc;
    assert_int_equal(hv_save_stream(&sv, cfg, strlen(cfg), p2m_frames, 3), 0);
    {
        uint64_t zeros = 0, i;

        for (i = 0; with_zero_alloc && i < NPFN; i++)
            zeros += i != HOLE && !mtype[src_mfn(i)] &&
                     !memcmp(mem[src_mfn(i)], (uint8_t[4096]){0}, 4096);
        assert_true(zeros >= (zero_pfn && with_zero_alloc));
        assert_int_equal(sv.pages_sent, NPFN - 1 - zeros);
    }
    hv_save_free(&sv);
    hv_pfnmap_free(&map);
    if (!with_sums && getenv("HV_STREAM_SAMPLE")) {
        char buf[65536];
        ssize_t n;
        int out = open(getenv("HV_STREAM_SAMPLE"), O_WRONLY | O_CREAT | O_TRUNC, 0644);

        assert_true(out >= 0);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        while ((n = read(fd, buf, sizeof(buf))) > 0)
            assert_int_equal(write(out, buf, (size_t)n), n);
        close(out);
    }
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static uint64_t entry(uint64_t mfn, unsigned slot)
{
    uint64_t e;

    memcpy(&e, mem[mfn] + 8 * slot, 8);
    return e;
}

/* The received hook: how often it was told, and whether the last steps had begun then (the
 * pinning; shared_info and the TSC are set as their records come, as libxc does). */
static bool received_before_last_steps;

static void t_received(void *arg)
{
    (void)arg;
    received_calls++;
    received_before_last_steps = restored_shinfo && !pinned[tgt_p2m[L4]];
}

static void test_save_restore(void **state)
{
    struct hv_restore_result res;
    struct hv_stream_xl xl;
    struct hv_stream s;
    const struct pv_start_info *si;
    uint64_t i, p2m_page[512];
    int fd = save_source();

    (void)state;
    reset_target();
    hv_stream_init(&s, fd, "save", &err);
    assert_int_equal(hv_stream_get_xl_header(&s, &xl), 0);
    assert_non_null(strstr(xl.config, "name = 'fake'"));
    free(xl.config);
    {
        struct hv_restore_dom told = tgt_dom;

        told.received = t_received;
        told.keep_memory = true; /* a migration's target: given back after the report */
        received_calls = writes_after_end = 0;
        if (hv_restore_container(&s, &told, NPFN, 2, &res, &err))
            fail_msg("restore: %s", err.msg);
        assert_non_null(res.kept);
        hv_restore_release(res.kept);
        /* once, at END, before anything was pinned (shared_info set) */
        assert_int_equal(received_calls, 1);
        assert_true(received_before_last_steps);
        /* after it, start_info alone: the p2m frames had the new p2m as the pages came */
        assert_int_equal(writes_after_end, 1);
        assert_int_equal(res.pinned, 1);
    }
    assert_int_equal(res.nr_pfns, NPFN);
    assert_int_equal(res.pages, NPFN - 1);
    assert_int_equal(res.vcpus, 1);
    /* the data pages, at their new frames */
    for (i = 0; i < NPFN; i++) {
        uint8_t want[4096];

        if (i == HOLE || (i >= L4 && i <= P2M) || i == P2M2 || i == P2M3)
            continue;
        memset(want, (int)(0x30 + i), sizeof(want));
        assert_memory_equal(mem[tgt_p2m[i]], want, 4096);
    }
    assert_int_equal(tgt_p2m[HOLE], HV_INVALID_MFN);
    /* page tables name the new frames; the hypervisor's slot is empty; the L4 pinned */
    assert_int_equal(entry(tgt_p2m[L4], 0), tgt_p2m[L3] << 12 | 0x67);
    assert_int_equal(entry(tgt_p2m[L4], 511), tgt_p2m[L3] << 12 | 0x67);
    assert_int_equal(entry(tgt_p2m[L4], 256), 0);
    assert_int_equal(entry(tgt_p2m[L1], 0), tgt_p2m[9] << 12 | 0x67);
    assert_int_equal(entry(tgt_p2m[L1], 100), tgt_p2m[L1] << 12 | 0x67);
    assert_int_equal(entry(tgt_p2m[L1], 200), tgt_p2m[FAR] << 12 | 0x67);
    assert_int_equal(pinned[tgt_p2m[L4]], 4);
    assert_int_equal(pinned[tgt_p2m[L1]], 0);
    /* the guest's p2m frames hold the new p2m */
    for (i = 0; i < NPFN; i++) {
        uint64_t f = i < 512 ? P2M : i < 1024 ? P2M2 : P2M3;

        memcpy(p2m_page, mem[tgt_p2m[f]], sizeof(p2m_page));
        assert_int_equal(p2m_page[i % 512], tgt_p2m[i]);
    }
    assert_int_equal(p2m_page[NPFN % 512], HV_INVALID_MFN);
    /* start_info: new ring frames and ports */
    si = (const struct pv_start_info *)mem[tgt_p2m[SI]];
    assert_int_equal(si->store_mfn, tgt_p2m[STORE]);
    assert_int_equal(si->console.domU.mfn, tgt_p2m[CONS]);
    assert_int_equal(res.store_mfn, tgt_p2m[STORE]);
    assert_int_equal(si->store_evtchn, 1);
    assert_int_equal(si->console.domU.evtchn, 2);
    assert_int_equal(si->shared_info, 7 << 12);
    /* vCPU 0 */
    assert_int_equal(restored_vcpu0.ctrlreg[3], tgt_p2m[L4] << 12);
    assert_int_equal(restored_vcpu0.user_regs.rdx, tgt_p2m[SI]);
    assert_int_equal(restored_vcpu0.gdt_frames[0], tgt_p2m[GDT]);
    assert_int_equal(restored_vcpu0.user_regs.rip, 0xffffffff80001234ull);
    assert_true(restored_shinfo);
    assert_int_equal(extra_len[HV_REC_X86_PV_VCPU_EXTENDED], 64);
    assert_int_equal(extra_len[HV_REC_X86_PV_VCPU_XSAVE], 0); /* none: no record */
    assert_int_equal(extra_len[HV_REC_X86_PV_VCPU_MSRS], 16);
    assert_memory_equal(shinfo_out, shinfo_in, 4096);
    close(fd);
}

/* The save file's bytes. */
static uint8_t *slurp(int fd, size_t *len)
{
    off_t end = lseek(fd, 0, SEEK_END);
    uint8_t *b = malloc((size_t)end);

    assert_non_null(b);
    assert_int_equal(pread(fd, b, (size_t)end, 0), end);
    *len = (size_t)end;
    return b;
}

/* Restores bytes b[0..len) (a whole save file); returns the result, message in err. */
static int restore_bytes(const uint8_t *b, size_t len, uint64_t max_pfns)
{
    struct hv_restore_result res;
    struct hv_stream_xl xl;
    struct hv_stream s;
    FILE *f = tmpfile();
    int fd, rc;

    assert_non_null(f);
    fd = fileno(f);
    assert_int_equal(write(fd, b, len), (ssize_t)len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    reset_target();
    hv_stream_init(&s, fd, "save", &err);
    rc = hv_stream_get_xl_header(&s, &xl);
    free(xl.config);
    received_calls = 0;
    if (!rc) {
        struct hv_restore_dom told = tgt_dom;

        told.received = t_received;
        rc = hv_restore_container(&s, &told, max_pfns, 2, &res, &err);
    }
    fclose(f);
    return rc;
}

/* Offset of the first libxc record of type t in the save file (its header). */
static size_t find_record(const uint8_t *b, size_t len, uint32_t t)
{
    size_t off = 0;
    uint32_t opt;

    memcpy(&opt, b + 44, 4); /* xl header: optional data length */
    off = 48 + opt + 16 + 8 + 24 + 16; /* + libxl header + LIBXC_CONTEXT + libxc headers */
    while (off + 8 <= len) {
        uint32_t rh[2];

        memcpy(rh, b + off, 8);
        if (rh[0] == t)
            return off;
        off += 8 + ((rh[1] + 7u) & ~7u);
    }
    fail_msg("no record %u", t);
    return 0;
}

/* Page checksums (migration's HV_REC_HV_PAGE_SUMS before each PAGE_DATA): the stream restores;
 * a page changed on the way is refused with its pfn; a PAGE_DATA without its sums once sums came
 * is refused. */
static void test_page_sums(void **state)
{
    size_t len, off, data;
    uint32_t rh[2], n;
    uint8_t *b;
    int fd;

    (void)state;
    with_sums = true;
    fd = save_source();
    with_sums = false;
    b = slurp(fd, &len);
    close(fd);
    assert_int_equal(restore_bytes(b, len, NPFN), 0);
    off = find_record(b, len, HV_REC_HV_PAGE_SUMS);
    memcpy(rh, b + off, 8);
    data = off + 8 + ((rh[1] + 7u) & ~7u); /* the PAGE_DATA it covers */
    memcpy(&n, b + data + 8, 4);
    b[data + 16 + 8 * n + 4096 + 17] ^= 0x10; /* its second page with data */
    assert_int_equal(restore_bytes(b, len, NPFN), -EBADMSG);
    assert_non_null(strstr(err.msg, ": checksum 0x"));
    assert_non_null(strstr(err.msg, "the page was damaged on the way"));
    b[data + 16 + 8 * n + 4096 + 17] ^= 0x10;
    /* the second PAGE_SUMS renamed to an unknown optional record: its PAGE_DATA has none */
    memcpy(rh, b + data, 8);
    off = data + 8 + ((rh[1] + 7u) & ~7u); /* the record after that PAGE_DATA */
    memcpy(rh, b + off, 8);
    assert_int_equal(rh[0], HV_REC_HV_PAGE_SUMS);
    rh[0] = HV_REC_OPTIONAL | 0x7777;
    memcpy(b + off, rh, 4);
    assert_int_equal(restore_bytes(b, len, NPFN), -EINVAL);
    assert_non_null(strstr(err.msg, "without its PAGE_SUMS"));
    free(b);
}

/* An all-zero page goes as XALLOC when the source may (a migration's first round, the target's
 * frame fresh): populated on the target, zero, the pages around it intact, the checksums of the
 * others still right. Without zero_alloc (a later round: the target's frame holds older data)
 * it goes with its data. */
static void test_zero_pages(void **state)
{
    uint8_t *b, want[4096];
    size_t len, off;
    uint32_t n, i;
    uint64_t e = 0;
    int fd;

    (void)state;
    zero_pfn = 50;
    with_sums = with_zero_alloc = true;
    fd = save_source();
    with_sums = with_zero_alloc = false;
    b = slurp(fd, &len);
    close(fd);
    assert_int_equal(restore_bytes(b, len, NPFN), 0);
    assert_true(tgt_p2m[50] != HV_INVALID_MFN);
    assert_int_equal(pinned[tgt_p2m[50]], 0); /* XALLOC has the pin bit: not a table */
    memset(want, 0, sizeof(want));
    assert_memory_equal(mem[tgt_p2m[50]], want, 4096);
    memset(want, 0x30 + 51, sizeof(want));
    assert_memory_equal(mem[tgt_p2m[51]], want, 4096);
    off = find_record(b, len, HV_REC_PAGE_DATA);
    memcpy(&n, b + off + 8, 4);
    for (i = 0; i < n && (e & HV_STREAM_PFN_MASK) != 50; i++)
        memcpy(&e, b + off + 16 + 8 * i, 8);
    assert_int_equal(e >> HV_STREAM_TYPE_SHIFT, PV_DOMCTL_PFINFO_XALLOC);
    free(b);
    fd = save_source(); /* zero_alloc off: pfn 50 sent with its (zero) data */
    zero_pfn = 0;
    b = slurp(fd, &len);
    close(fd);
    assert_int_equal(restore_bytes(b, len, NPFN), 0);
    assert_memory_equal(mem[tgt_p2m[50]], (uint8_t[4096]){0}, 4096);
    free(b);
}

/* The records of type t in fd from offset from to its current offset. */
static unsigned count_records(int fd, off_t from, uint32_t t)
{
    off_t end = lseek(fd, 0, SEEK_CUR);
    unsigned n = 0;

    while (from < end) {
        uint32_t rh[2];

        assert_int_equal(pread(fd, rh, 8, from), 8);
        n += rh[0] == t;
        from += 8 + ((rh[1] + 7u) & ~7u);
    }
    return n;
}

/* A migration's later rounds (held): a page dirtied again but holding what was sent is not sent
 * again; one whose content changed, or only its type (an L1 pinned since), is; a round with
 * nothing new writes no record; the target ends with every page's last content and type. A p2m
 * frame sent again (the guest's old mfns) gets the new p2m at once, not after END. */
static void test_held_pages(void **state)
{
    uint64_t p2m_frames[3] = {P2M, P2M2, P2M3}, again[] = {20, 21, L1, L4, 22, P2M2}, *held;
    uint64_t p2m_page[512], i;
    struct hv_restore_dom told = tgt_dom;
    struct hv_restore_result res;
    struct hv_pfnmap map;
    struct hv_stream s;
    struct hv_save sv;
    off_t size;
    FILE *f = tmpfile();
    int fd;

    (void)state;
    assert_non_null(f);
    fd = fileno(f);
    assert_non_null(held = calloc(NPFN, sizeof(*held)));
    make_source(&map);
    hv_stream_init(&s, fd, "live", &err);
    assert_int_equal(hv_save_init(&sv, &s, &src_dom, &map, 2, &err), 0);
    sv.held = held;
    sv.page_sums = true;
    assert_int_equal(hv_save_begin(&sv, p2m_frames, 3), 0);
    assert_int_equal(hv_save_all_pages(&sv), 0);
    assert_int_equal(sv.pages_sent, NPFN - 1);
    assert_int_equal(sv.pages_held, 0);
    memset(mem[src_mfn(21)], 0x77, 4096);
    mtype[src_mfn(L1)] |= PV_DOMCTL_PFINFO_LPINTAB;
    mem[src_mfn(P2M2)][9] ^= 1; /* an entry the guest changed: its old mfn */
    size = lseek(fd, 0, SEEK_CUR);
    sv.batch = 2; /* records of two pfns at most: {21}, {L1}, {P2M2} go, each with its sums */
    assert_int_equal(hv_save_pages(&sv, again, 6), 0);
    assert_int_equal(sv.pages_sent, NPFN - 1 + 3); /* 21, the L1, the p2m frame */
    assert_int_equal(count_records(fd, size, HV_REC_PAGE_DATA), 3);
    assert_int_equal(sv.pages_held, 3);
    size = lseek(fd, 0, SEEK_CUR);
    assert_int_equal(hv_save_pages(&sv, again, 1), 0);
    assert_int_equal(lseek(fd, 0, SEEK_CUR), size);
    assert_int_equal(sv.pages_held, 4);
    assert_int_equal(hv_save_end(&sv), 0);
    hv_save_free(&sv);
    hv_pfnmap_free(&map);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    reset_target();
    hv_stream_init(&s, fd, "live", &err);
    told.received = t_received;
    received_calls = writes_after_end = pin_calls = 0;
    if (hv_restore_stream(&s, &told, NPFN, 2, &res, &err))
        fail_msg("restore: %s", err.msg);
    assert_int_equal(writes_after_end, 1); /* start_info */
    assert_int_equal(pin_calls, 1);         /* both tables in one call */
    assert_int_equal(res.pinned, 2);
    for (i = 0; i < NPFN; i++) {
        memcpy(p2m_page, mem[tgt_p2m[i < 512 ? P2M : i < 1024 ? P2M2 : P2M3]], sizeof(p2m_page));
        assert_int_equal(p2m_page[i % 512], tgt_p2m[i]);
    }
    assert_memory_equal(mem[tgt_p2m[21]], mem[src_mfn(21)], 4096);
    assert_memory_equal(mem[tgt_p2m[20]], mem[src_mfn(20)], 4096);
    assert_int_equal(entry(tgt_p2m[L1], 0), tgt_p2m[9] << 12 | 0x67);
    assert_int_equal(pinned[tgt_p2m[L1]], 1);
    assert_int_equal(pinned[tgt_p2m[L4]], 4);
    /* the second pin of the call refused: the restore fails naming that table (pfn order) */
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    reset_target();
    hv_stream_init(&s, fd, "live", &err);
    pin_fail_at = 1;
    assert_int_equal(hv_restore_stream(&s, &told, NPFN, 2, &res, &err), -EINVAL);
    pin_fail_at = ~0u;
    assert_string_equal(err.msg, "pinning pfn 0x4 as an L1 table: refused");
    assert_int_equal(res.pinned, 1);
    fclose(f);
    free(held);
}

static void test_hostile(void **state)
{
    size_t len, off, cut;
    uint8_t *b, *c;
    int fd = save_source();

    (void)state;
    b = slurp(fd, &len);
    close(fd);
    c = malloc(len);
    assert_non_null(c);
    assert_int_equal(restore_bytes(b, len, NPFN), 0);
    /* truncated anywhere, libxl's END included: refused, and nobody told it was received */
    for (cut = 0; cut < len; cut += cut < 200 ? 7 : 65521) {
        if (restore_bytes(b, cut, NPFN) == 0)
            fail_msg("a save file cut at byte %zu of %zu was restored", cut, len);
        if (received_calls)
            fail_msg("a save file cut at byte %zu of %zu was said received", cut, len);
    }
    assert_int_equal(restore_bytes(b, len - 4, NPFN), -EIO);
    assert_int_equal(received_calls, 0);
    /* a domain too small for the stream */
    assert_int_equal(restore_bytes(b, len, NPFN - 1), -ERANGE);
    /* an L1 entry naming a pfn beyond the domain (canonical stream: pfn 0xfffff) */
    memcpy(c, b, len);
    off = find_record(c, len, HV_REC_PAGE_DATA);
    {
        uint32_t count;
        unsigned i, data = 0;

        memcpy(&count, c + off + 8, 4);
        for (i = 0; i < count; i++) {
            uint64_t e;

            memcpy(&e, c + off + 16 + 8 * i, 8);
            if ((e & HV_STREAM_PFN_MASK) == L1) {
                uint64_t bad = 0xfffffull << 12 | 0x67;

                memcpy(c + off + 16 + 8 * count + 4096 * data + 8 * 3, &bad, 8);
                break;
            }
            data += (e >> 60) != 0xf;
        }
    }
    assert_int_equal(restore_bytes(c, len, NPFN), -ERANGE);
    assert_non_null(strstr(err.msg, "not a frame of the domain"));
    /* a page type that does not exist */
    memcpy(c, b, len);
    c[off + 16 + 7] = 0x60; /* entry 0: type 6 */
    assert_int_equal(restore_bytes(c, len, NPFN), -EINVAL);
    assert_non_null(strstr(err.msg, "page type"));
    /* an oversized record */
    memcpy(c, b, len);
    memcpy(c + off + 4, (uint32_t[]){0x40000000}, 4);
    assert_int_equal(restore_bytes(c, len, NPFN), -EFBIG);
    /* PAGE_DATA before X86_PV_P2M_FRAMES: the P2M_FRAMES record renamed VERIFY */
    memcpy(c, b, len);
    memcpy(c + find_record(c, len, HV_REC_X86_PV_P2M_FRAMES), (uint32_t[]){HV_REC_VERIFY}, 4);
    assert_int_equal(restore_bytes(c, len, NPFN), -EINVAL);
    assert_non_null(strstr(err.msg, "before X86_PV_P2M_FRAMES"));
    /* a vCPU the domain does not have */
    memcpy(c, b, len);
    memcpy(c + find_record(c, len, HV_REC_X86_PV_VCPU_BASIC) + 8, (uint32_t[]){5}, 4);
    assert_int_equal(restore_bytes(c, len, NPFN), -EINVAL);
    assert_non_null(strstr(err.msg, "vCPU 5"));
    /* no vCPU at all: the record renamed VERIFY */
    memcpy(c, b, len);
    memcpy(c + find_record(c, len, HV_REC_X86_PV_VCPU_BASIC), (uint32_t[]){HV_REC_VERIFY}, 4);
    assert_int_equal(restore_bytes(c, len, NPFN), -EINVAL);
    assert_non_null(strstr(err.msg, "vCPU 0"));
    /* an extended record for a vCPU the domain does not have, and one too large */
    memcpy(c, b, len);
    memcpy(c + find_record(c, len, HV_REC_X86_PV_VCPU_EXTENDED) + 8, (uint32_t[]){9}, 4);
    assert_int_equal(restore_bytes(c, len, NPFN), -EINVAL);
    assert_non_null(strstr(err.msg, "X86_PV_VCPU_EXTENDED for vCPU 9"));
    memcpy(c, b, len);
    memcpy(c + find_record(c, len, HV_REC_X86_PV_VCPU_EXTENDED) + 4, (uint32_t[]){8 + 4097}, 4);
    assert_true(restore_bytes(c, len, NPFN) < 0); /* refused, or the framing after it is lost */
    /* an unknown mandatory record */
    memcpy(c, b, len);
    memcpy(c + find_record(c, len, HV_REC_X86_TSC_INFO), (uint32_t[]){9}, 4);
    assert_int_equal(restore_bytes(c, len, NPFN), -EINVAL);
    assert_non_null(strstr(err.msg, "HVM_CONTEXT"));
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_restore),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_page_sums),
        cmocka_unit_test(test_zero_pages),
        cmocka_unit_test(test_held_pages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
