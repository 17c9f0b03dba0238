/* dom0-tools/libhv/build_internal.h - what the builder's files share: images read from files
 * (bzImage payloads decompressed) and the build in progress. */
#ifndef HV_BUILD_INTERNAL_H
#define HV_BUILD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "build.h"
#include "libpvbuild/elf_xen.h"
#include "libpvbuild/pv_layout.h"

/* A file's bytes in memory (malloc'd), or the ELF decompressed from a bzImage's payload. */
struct build_blob {
    uint8_t *data;
    size_t size;
    bool from_bzimage;
};

/* Read path whole (at most max bytes). what names it in messages ("kernel", "ramdisk"). */
int build_read_file(const char *what, const char *path, size_t max, struct build_blob *b,
                    struct hv_err *err);
/* The kernel: an ELF as is, or a bzImage whose gzip or xz payload is decompressed here. */
int build_read_kernel(const char *path, struct build_blob *b, struct hv_err *err);
void build_blob_free(struct build_blob *b);

/* Where the payload of a bzImage is (x86 boot protocol 2.08+): 0 and [*off, *off + *len) inside
 * image, or -ENOEXEC with a reason. Exposed for the unit tests. */
int build_bzimage_payload(const uint8_t *image, size_t size, size_t *off, size_t *len,
                          const char **why);
/* Decompress a gzip or xz stream into *out (malloc'd), at most max bytes. */
int build_decompress(const uint8_t *in, size_t len, size_t max, struct build_blob *out,
                     const char **why);

/* The build in progress. */
struct build_state {
    struct hv_priv *priv;
    uint32_t domid;
    const struct hv_build_req *req;
    struct hv_build_result *res;
    struct hv_err *err;
    struct build_blob kernel, ramdisk;
    struct elf_xen_info elf;
    struct pv_layout lay;
    uint64_t nr_pages;
    uint64_t *p2m;        /* pfn -> mfn, nr_pages entries */
    uint8_t *map;         /* pfns [0, nr_mapped) mapped here, or NULL */
    uint64_t nr_mapped;
    uint64_t shared_info_mfn;
};

/* build_guest.c: the steps that act on the domain. */
int build_populate(struct build_state *s);
int build_map(struct build_state *s);
void build_unmap(struct build_state *s);
int build_seed_grants(struct build_state *s);
int build_init_shared_info(struct build_state *s);
int build_start_vcpu(struct build_state *s);

#endif /* HV_BUILD_INTERNAL_H */
