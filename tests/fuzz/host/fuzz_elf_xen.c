/* tests/fuzz/host: the ELF and Xen-notes loader (hypervisor/common/elf_xen.c) on arbitrary
 * images. An image it accepts must describe itself consistently (segments, entry, hypercall page
 * inside the image range) and load only inside that range, from inside the file; one it refuses
 * must say why. ASan catches any read outside the exact-size copy of the input. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "libpvbuild/elf_xen.h"
#include "pv-abi/errno.h"
#include "fuzz_input.h"

/* The XENFEAT bits the builder offers a PV guest (writable_page_tables .. dom0, as in Xen). */
#define HV_FEATURES 0x2fU

struct sink {
    const struct elf_xen_info *in;
    const uint8_t *image;
    size_t size;
};

static void check_range(const struct elf_xen_info *in, uint64_t va, uint64_t len)
{
    if (!len || va < in->virt_kstart || va - in->virt_kstart >= in->virt_kend - in->virt_kstart ||
        len > in->virt_kend - va)
        abort(); /* loads outside the image range it validated */
}

static void sink_copy(void *ctx, uint64_t va, const void *src, uint64_t len)
{
    const struct sink *s = ctx;
    const uint8_t *p = src;

    check_range(s->in, va, len);
    if (p < s->image || len > s->size || (size_t)(p - s->image) > s->size - len)
        abort(); /* copies from outside the file */
}

static void sink_zero(void *ctx, uint64_t va, uint64_t len)
{
    check_range(((const struct sink *)ctx)->in, va, len);
}

static void check_accepted(const uint8_t *image, size_t size, const struct elf_xen_info *in)
{
    struct sink s = {in, image, size};
    struct elf_xen_sink sink = {&s, sink_copy, sink_zero};

    assert(in->nr_segs >= 1 && in->nr_segs <= ELF_XEN_MAX_SEGS);
    assert(in->virt_kstart < in->virt_kend && in->virt_base <= in->virt_kstart);
    assert(!strncmp(in->xen_version, "xen-3.0", 7));
    assert(memchr(in->guest_os, 0, ELF_XEN_STR_LEN) && memchr(in->loader, 0, ELF_XEN_STR_LEN));
    /* Xen's bound, kept for compatibility: the entry may sit just past the last loaded byte. */
    assert(in->virt_entry >= in->virt_kstart && in->virt_entry <= in->virt_kend);
    if (in->has_hypercall_page)
        assert(in->hypercall_page >= in->virt_kstart && in->hypercall_page < in->virt_kend &&
               !(in->hypercall_page & 0xfff));
    for (unsigned i = 0; i < in->nr_segs; i++)
        assert(in->seg[i].filesz <= in->seg[i].memsz && in->seg[i].file_off <= size &&
               in->seg[i].filesz <= size - in->seg[i].file_off);
    elf_xen_load(image, in, &sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *image = malloc(size ? size : 1); /* exact size: ASan sees any overread */
    struct elf_xen_info info;
    const char *why = NULL;
    int rc;

    memcpy(image, data, size);
    rc = elf_xen_parse(image, size, HV_FEATURES, &info, &why);
    assert(why != NULL);
    if (rc == 0)
        check_accepted(image, size, &info);
    else
        assert(rc == -PV_ENOEXEC || rc == -PV_EINVAL || rc == -PV_EOPNOTSUPP);
    free(image);
    return 0;
}
