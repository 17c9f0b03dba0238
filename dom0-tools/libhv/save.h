/* dom0-tools/libhv/save.h - saving and restoring a PV domain's state as a libxc stream: the
 * loops over pages, page tables, vCPUs and shared_info, apart from how the domain is reached.
 * save_dom.c reaches a real domain through privcmd; the tests give a fake one. Live migration's
 * pre-copy rounds call hv_save_pages() once a round with the pages dirtied since the last. */
#ifndef HV_SAVE_H
#define HV_SAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "stream.h"
#include "stream_pv.h"

/* The domain being saved, as the save loop sees it (every callback: 0 or -errno + message). */
struct hv_save_dom {
    void *ctx;
    /* The page types (PV_DOMCTL_PFINFO_*) of frames mfns[0..n) (n <= HV_STREAM_BATCH) and the
     * contents of every frame whose type carries data, into pages[] (4096 bytes each, in the
     * order of mfns; the other slots are left alone). An mfn of HV_INVALID_MFN is a hole in
     * the p2m: type XTAB, nothing read. */
    int (*read_frames)(void *ctx, const uint64_t *mfns, unsigned n, uint32_t *types,
                       uint8_t *pages, struct hv_err *err);
    /* vCPU vcpu's context; -ENODATA if it is offline (never started). */
    int (*vcpu)(void *ctx, unsigned vcpu, struct pv_vcpu_guest_context *c, struct hv_err *err);
    int (*shared_info)(void *ctx, uint8_t *page, struct hv_err *err);
    int (*tsc_info)(void *ctx, struct hv_tsc_info *t, struct hv_err *err);
    /* The body of record type (X86_PV_VCPU_EXTENDED, _XSAVE, _MSRS) for an online vCPU, after
     * its {vcpu, reserved} header: at most cap bytes into buf, *len = 0 when there is none (no
     * record is written). NULL: none of them. */
    int (*vcpu_extra)(void *ctx, unsigned vcpu, uint32_t type, uint8_t *buf, size_t cap,
                      size_t *len, struct hv_err *err);
};

/* The largest p2m (in pfns) a domain of max_pages pages may publish or restore: Linux sizes its
 * p2m for its e820 map and ballooning room in whole 512-entry leaves, beyond its memory (a
 * 128 MiB domU with 129 MiB of max_pages: 34816 pfns); only populated pfns take memory. */
static inline uint64_t hv_save_p2m_max(uint64_t max_pages)
{
    return 2 * max_pages + 512 * 512;
}

/* The largest X86_PV_VCPU_EXTENDED/_XSAVE/_MSRS body read or written (after its header). */
#define HV_SAVE_VCPU_EXTRA_MAX 4096u

struct hv_save {
    struct hv_stream *s;
    const struct hv_save_dom *dom;
    const struct hv_pfnmap *map; /* the domain's p2m at the time of saving */
    unsigned max_vcpus;
    uint64_t pages_sent;         /* pages with data written so far */
    bool page_sums;              /* HV_REC_HV_PAGE_SUMS before each PAGE_DATA (migration) */
    /* An all-zero page goes as XALLOC, without data (libxc's "allocate only": the restore
     * populates it, and a fresh frame is zero): only when the target has no frame for it yet,
     * as in a migration's first round. */
    bool zero_alloc;
    /* Live rounds (the domain running): a page table naming a frame outside the p2m (a mapping
     * of shared_info, a grant) goes as XTAB and its bit is set here, for the last round (libxc's
     * deferred pages). NULL: such a table is an error. */
    uint8_t *deferred;
    /* Live migration: for each pfn, a checksum of the page and type the target holds (0:
     * unknown). A page read again with the same content and type is not sent again (a dirty
     * page the guest rewrote with what it held, a page table whose accessed bits were already
     * set); pages_held counts them. NULL: every page is sent (a save file). */
    uint64_t *held;
    uint64_t pages_held;
    /* Pages per PAGE_DATA record (0: HV_STREAM_BATCH). Smaller records let the target take in
     * one while the next is on the way (a migration's last round). */
    unsigned batch;
    /* Called after each batch (may be NULL). */
    void (*progress)(void *arg, uint64_t done, uint64_t total);
    void *progress_arg;
    struct hv_err *err;
    /* private */
    uint64_t *mfns, *ents, *sums;
    uint32_t *types;
    uint8_t *pages;
};

int hv_save_init(struct hv_save *sv, struct hv_stream *s, const struct hv_save_dom *dom,
                 const struct hv_pfnmap *map, unsigned max_vcpus, struct hv_err *err);
void hv_save_free(struct hv_save *sv);
/* The libxc image and domain headers, X86_PV_INFO, STATIC_DATA_END and X86_PV_P2M_FRAMES
 * (the pfns of the n frames holding the guest's own p2m). */
int hv_save_begin(struct hv_save *sv, const uint64_t *p2m_frame_pfns, unsigned n);
/* PAGE_DATA records for pfns[0..n) (page tables canonicalised; unpopulated pfns as XTAB). */
int hv_save_pages(struct hv_save *sv, const uint64_t *pfns, uint64_t n);
/* Every pfn of the map, in order. */
int hv_save_all_pages(struct hv_save *sv);
/* X86_TSC_INFO, SHARED_INFO, X86_PV_VCPU_BASIC of every online vCPU (canonicalised), END. */
int hv_save_end(struct hv_save *sv);

/* A whole save file: the xl header with config (xl.cfg text), libxl's header, LIBXC_CONTEXT,
 * the libxc stream of every page, libxl's END. */
int hv_save_stream(struct hv_save *sv, const char *config, size_t len,
                   const uint64_t *p2m_frame_pfns, unsigned n);

/* The domain being restored: created, with max_pages set, no memory yet. */
struct hv_restore_dom {
    void *ctx;
    /* Populate pfns[0..n) (n <= HV_STREAM_BATCH); their new mfns into mfns[]. */
    int (*populate)(void *ctx, const uint64_t *pfns, unsigned n, uint64_t *mfns,
                    struct hv_err *err);
    /* Write n pages into frames mfns[0..n) (and unmap them: page tables are pinned next). */
    int (*write_frames)(void *ctx, const uint64_t *mfns, unsigned n, const uint8_t *pages,
                        struct hv_err *err);
    /* Read frame mfn (the start_info page, the p2m frames). */
    int (*read_frame)(void *ctx, uint64_t mfn, uint8_t *page, struct hv_err *err);
    /* Pin tables mfns[0..n) of levels[] (1-4) in one call; *done: how many were (on failure,
     * the index of the one that failed). */
    int (*pin)(void *ctx, const unsigned *levels, const uint64_t *mfns, unsigned n,
               unsigned *done, struct hv_err *err);
    /* The new domain's shared_info page: vcpu_info[] and arch from saved (frame-list root
     * zeroed), every event masked and none pending. */
    int (*shared_info)(void *ctx, const uint8_t *saved, struct hv_err *err);
    int (*tsc_info)(void *ctx, const struct hv_tsc_info *t, struct hv_err *err);
    int (*vcpu)(void *ctx, unsigned vcpu, const struct pv_vcpu_guest_context *c,
                struct hv_err *err);
    /* The new domain's facts for start_info (shared_info, the two ports; nr_pages is the
     * stream's p2m size, set by the restore loop). */
    int (*resume_info)(void *ctx, struct hv_resume_info *ri, struct hv_err *err);
    /* A vCPU's X86_PV_VCPU_EXTENDED/_XSAVE/_MSRS body (after its header), applied after its
     * basic context. NULL: those records are read and dropped. */
    int (*vcpu_extra)(void *ctx, unsigned vcpu, uint32_t type, const uint8_t *body, size_t len,
                      struct hv_err *err);
    /* Told once the whole stream is read (a container's: up to libxl's END), before the last
     * steps (the guest's p2m, start_info, pinning, shared_info, vCPUs): a migration's target
     * says "received" then. NULL: nobody. */
    void (*received)(void *arg);
    void *received_arg;
    /* Keep the restore's own memory on success (hv_restore_result.kept) for the caller to give
     * back once the domain runs: a migration's target (a large p2m's munmaps after END). */
    bool keep_memory;
};

/* What a restore found and did. */
struct hv_restore_result {
    uint64_t nr_pfns, pages;        /* the p2m's size; pages with data written */
    uint64_t store_mfn, console_mfn; /* the new frames of the two rings */
    unsigned vcpus;                 /* vCPU contexts set */
    unsigned pinned;                /* page tables pinned */
    double p2m_ms, si_ms, pin_ms;   /* after END: the guest's p2m, start_info, the pinning */
    double vcpu_ms;                 /* after END: the vCPUs' contexts and extended state set */
    double tail_ms;                 /* after END: the restore's own memory given back */
    void *kept;                     /* with keep_memory: that memory, for hv_restore_release */
};

/*
 * Reads a libxc stream (from its image header to its END) into the domain. Nothing the stream
 * says is trusted: records out of order, a second X86_PV_INFO, pfns beyond max_pfns, page tables
 * that map frames outside the domain, vCPUs >= max_vcpus, missing vCPU 0 or start_info are
 * refused with a message. The caller destroys the domain on failure.
 */
int hv_restore_stream(struct hv_stream *s, const struct hv_restore_dom *dom, uint64_t max_pfns,
                      unsigned max_vcpus, struct hv_restore_result *res, struct hv_err *err);

/* Gives back what a restore kept (NULL is allowed). */
void hv_restore_release(void *kept);

/* The rest of a save file after its xl header (hv_stream_get_xl_header): libxl's header,
 * LIBXC_CONTEXT, hv_restore_stream, libxl's END. */
int hv_restore_container(struct hv_stream *s, const struct hv_restore_dom *dom,
                         uint64_t max_pfns, unsigned max_vcpus, struct hv_restore_result *res,
                         struct hv_err *err);

#endif /* HV_SAVE_H */
