/* tests/fuzz/host: hvctl restore's reading of a save file (dom0-tools/libhv: the xl header and
 * its xl.cfg text, libxl's container, the libxc records, PV localisation of page tables, the p2m,
 * start_info and vCPUs) on arbitrary files, into a fake domain of FZ_PFNS pages. Whatever the file
 * says, the restore may only populate pfns below its bound and each once, write and pin only
 * frames the domain was given, pin only tables whose every present entry names a frame of the
 * domain (the hypervisor's Xen slots aside), and end with a message when it refuses. ASan catches
 * any read beyond the input (given as a memory file: restore reads a file descriptor). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dom0-tools/libhv/cfg.h"
#include "dom0-tools/libhv/save.h"
#include "fuzz_input.h"

/* The domain's pages: a 128 MiB Linux domU's file restores whole (its p2m may be larger:
 * hv_save_p2m_max). Frames get memory when first written; unwritten ones read as zeros. */
#define FZ_PFNS 33024u
#define FZ_MFN0 0x10000u /* the fake machine's first frame for the domain */
#define FZ_VCPUS 2u

static uint8_t *frames[FZ_PFNS]; /* handed out in order */
static uint64_t given;           /* frames populated so far */
static uint8_t *populated;       /* per pfn of the p2m bound */
static uint64_t bound;
static const uint8_t zero_page[4096];

static bool owned(uint64_t mfn)
{
    return mfn >= FZ_MFN0 && mfn < FZ_MFN0 + given;
}

/* Frame mfn's contents (allocated for a write). */
static uint8_t *frame(uint64_t mfn, bool write)
{
    uint8_t **f;

    if (!owned(mfn))
        abort(); /* a frame the domain was not given */
    f = &frames[mfn - FZ_MFN0];
    if (!*f && write && !(*f = calloc(1, 4096)))
        abort();
    return *f ? *f : (uint8_t *)zero_page;
}

static int f_populate(void *ctx, const uint64_t *pfns, unsigned n, uint64_t *mfns,
                      struct hv_err *err)
{
    (void)ctx;
    if (!n || n > 512)
        abort();
    for (unsigned i = 0; i < n; i++) {
        if (pfns[i] >= bound || populated[pfns[i]])
            abort(); /* beyond the bound, or twice */
        if (given == FZ_PFNS)
            return hv_err_set(err, -12, "out of memory (fake domain of %u pages)", FZ_PFNS);
        populated[pfns[i]] = 1;
        mfns[i] = FZ_MFN0 + given++;
    }
    return 0;
}

static int f_write(void *ctx, const uint64_t *mfns, unsigned n, const uint8_t *pages,
                   struct hv_err *err)
{
    (void)ctx;
    (void)err;
    if (n > HV_STREAM_BATCH)
        abort();
    for (unsigned i = 0; i < n; i++)
        memcpy(frame(mfns[i], true), pages + 4096 * (size_t)i, 4096);
    return 0;
}

static int f_read(void *ctx, uint64_t mfn, uint8_t *page, struct hv_err *err)
{
    (void)ctx;
    (void)err;
    memcpy(page, frame(mfn, false), 4096);
    return 0;
}

static int f_pin(void *ctx, const unsigned *levels, const uint64_t *mfns, unsigned n,
                 unsigned *done, struct hv_err *err)
{
    (void)ctx;
    (void)err;
    for (*done = 0; *done < n; ++*done) {
        const uint64_t *pt = (const uint64_t *)frame(mfns[*done], false);
        unsigned level = levels[*done];

        if (level < 1 || level > 4)
            abort();
        for (unsigned i = 0; i < 512; i++)
            if ((pt[i] & HV_PTE_PRESENT) && !(level == 4 && i >= HV_L4_XEN_FIRST &&
                                              i <= HV_L4_XEN_LAST) &&
                !owned((pt[i] & HV_PTE_FRAME) >> 12))
                abort(); /* a table mapping a frame outside the domain */
    }
    return 0;
}

static int f_shinfo(void *ctx, const uint8_t *saved, struct hv_err *err)
{
    (void)ctx;
    (void)saved;
    (void)err;
    return 0;
}

static int f_tsc(void *ctx, const struct hv_tsc_info *t, struct hv_err *err)
{
    (void)ctx;
    (void)t;
    (void)err;
    return 0;
}

static int f_vcpu(void *ctx, unsigned v, const struct pv_vcpu_guest_context *c, struct hv_err *err)
{
    (void)ctx;
    (void)err;
    if (v >= FZ_VCPUS)
        abort();
    for (unsigned i = 0; i < 16; i++)
        if (c->gdt_frames[i] && i < (c->gdt_ents + 511) / 512 && !owned(c->gdt_frames[i]))
            abort();
    return 0;
}

static int f_resume(void *ctx, struct hv_resume_info *ri, struct hv_err *err)
{
    (void)ctx;
    (void)err;
    *ri = (struct hv_resume_info){.shared_info_mfn = 7, .store_evtchn = 1, .console_evtchn = 2};
    return 0;
}

static int f_extra(void *ctx, unsigned v, uint32_t type, const uint8_t *body, size_t len,
                   struct hv_err *err)
{
    (void)ctx;
    (void)type;
    (void)body;
    (void)err;
    if (v >= FZ_VCPUS || len > HV_SAVE_VCPU_EXTRA_MAX)
        abort();
    return 0;
}

static const struct hv_restore_dom dom = {NULL,     f_populate, f_write, f_read,   f_pin,
                                          f_shinfo, f_tsc,      f_vcpu,  f_resume, f_extra, NULL, NULL,
                                          false};

/* The refusal must say why. */
static void refused(int rc, const struct hv_err *err)
{
    if (rc >= 0 || !err->msg[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hv_restore_result res;
    struct hv_stream_xl xl = {0};
    struct hv_err err = {0};
    struct hv_stream s;
    int fd = memfd_create("save", 0), rc;

    if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || lseek(fd, 0, SEEK_SET))
        abort();
    bound = hv_save_p2m_max(FZ_PFNS);
    populated = calloc(bound, 1);
    given = 0;
    if (!populated)
        abort();
    hv_stream_init(&s, fd, "fuzz.save", &err);
    rc = hv_stream_get_xl_header(&s, &xl);
    if (!rc && xl.config && !(xl.mandatory_flags & HV_XL_FLAG_JSON)) {
        struct hv_cfg cfg;
        char msg[512] = "";

        /* restore reads the config first; a refusal there is fine, and says why */
        if (!hv_cfg_parse(xl.config, xl.config_len, "fuzz.save", NULL, 0, &cfg, msg, sizeof(msg)))
            hv_cfg_free(&cfg);
        else if (!msg[0])
            abort();
    }
    if (!rc)
        rc = hv_restore_container(&s, &dom, bound, FZ_VCPUS, &res, &err);
    if (rc)
        refused(rc, &err);
    else if (!res.vcpus || res.nr_pfns > bound || !owned(res.store_mfn) ||
             !owned(res.console_mfn))
        abort(); /* accepted without vCPU 0, or rings outside the domain */
    if (getenv("FZ_STREAM_VERBOSE")) /* what a seed does: stream_seed.py's check */
        fprintf(stderr, "fuzz_stream: %s\n", rc ? err.msg : "restored");
    free(xl.config);
    for (uint64_t i = 0; i < given; i++) {
        free(frames[i]);
        frames[i] = NULL;
    }
    free(populated);
    close(fd);
    return 0;
}
