/* ELF64 parser and Xen ELF-note reader for PV guest kernels (validate a hostile image, then load
 * it). */
#ifndef PVBUILD_ELF_XEN_H
#define PVBUILD_ELF_XEN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_XEN_MAX_SEGS 16
#define ELF_XEN_STR_LEN 32

/* One loadable segment: file bytes [file_off, file_off+filesz) go to load_va, then zeros up to
 * memsz. */
struct elf_xen_seg {
    uint64_t file_off, filesz, memsz;
    uint64_t load_va; /* p_paddr + virt_offset */
};

/* Everything the domain builder needs from a parsed image. All VAs are guest virtual addresses. */
struct elf_xen_info {
    uint64_t virt_base;   /* VA of pfn 0 (VIRT_BASE note, default 0) */
    uint64_t virt_offset; /* virt_base - paddr_offset: added to p_paddr to get a load VA */
    uint64_t virt_entry;  /* ENTRY note, default e_entry */
    uint64_t virt_kstart, virt_kend; /* [kstart, kend): image range, rounded out to pages */
    uint64_t hypercall_page; /* VA, valid if has_hypercall_page (page aligned, in the image) */
    uint64_t init_p2m;       /* VA, valid if has_init_p2m */
    bool has_hypercall_page, has_init_p2m;
    bool mod_start_pfn;     /* MOD_START_PFN note non-zero: initrd may be left unmapped */
    bool suspend_cancel;    /* SUSPEND_CANCEL note present */
    bool legacy_guest_info; /* information came from the __xen_guest section, not notes */
    uint32_t feat_supported[1],
        feat_required[1]; /* XENFEAT bitmaps (FEATURES + SUPPORTED_FEATURES) */
    char guest_os[ELF_XEN_STR_LEN], loader[ELF_XEN_STR_LEN]; /* NUL-terminated, truncated */
    char xen_version[ELF_XEN_STR_LEN], guest_version[ELF_XEN_STR_LEN];
    unsigned nr_segs;
    struct elf_xen_seg seg[ELF_XEN_MAX_SEGS]; /* sorted by nothing: program-header order */
};

/*
 * Parse and validate a guest kernel image of `size` bytes. Reads only inside [image, image+size).
 * hv_features_supported is the XENFEAT bitmap the hypervisor can give this guest; a feature the
 * image marks required ("!name" in FEATURES) outside it makes the load fail.
 * Returns 0 and fills *info, or a negative PV errno and points *why at a static reason:
 *   -PV_ENOEXEC   not a loadable 64-bit x86 ELF, or malformed headers, segments or notes;
 *   -PV_EINVAL    a Xen-ELF image whose notes are inconsistent (version, loader, addresses);
 *   -PV_EOPNOTSUPP a required feature the hypervisor does not support.
 * On failure *info is zeroed.
 */
int elf_xen_parse(const void *image, uint64_t size, uint32_t hv_features_supported,
                  struct elf_xen_info *info, const char **why);

/* Where elf_xen_load writes: the builder maps guest frames behind these callbacks. */
struct elf_xen_sink {
    void *ctx;
    void (*copy)(void *ctx, uint64_t va, const void *src, uint64_t len);
    void (*zero)(void *ctx, uint64_t va, uint64_t len);
};

/* Copy each segment's file bytes to its load VA and zero the rest of its memory size.
 * info must come from a successful elf_xen_parse of the same image. Empty ranges are not passed. */
void elf_xen_load(const void *image, const struct elf_xen_info *info,
                  const struct elf_xen_sink *sink);

#endif
