/* Unit tests of libpvbuild/elf_xen.c: images built in memory, every refusal, and fuzzing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "libpvbuild/elf_xen.h"
#include "pv-abi/elfnote.h"
#include "pv-abi/errno.h"
#include "pv-abi/xen_version.h"

#define IMG_MAX 65536
#define MAX_LOADS 20
#define LINUX_BASE 0xffffffff80000000ULL
#define PF_X 1U
#define PF_W 2U
#define PF_R 4U

enum notes_where { NOTES_SEGMENT, NOTES_SECTION, NOTES_BOTH_SPLIT, NOTES_ZERO_OFFSET };

struct tload {
    uint64_t paddr, filesz, memsz;
    uint32_t flags;
};

/* What to put in a test image. */
struct spec {
    uint16_t type, machine;
    uint64_t entry;
    unsigned nloads;
    struct tload load[MAX_LOADS];
    uint8_t notes[20000];
    size_t notes_len;
    uint8_t sec_notes[512]; /* with NOTES_BOTH_SPLIT: notes only in an SHT_NOTE section */
    size_t sec_notes_len;
    enum notes_where where;
    const char *xen_guest; /* legacy __xen_guest section text, or NULL */
};

/* Where things landed in a built image, for tests that corrupt it. */
struct built {
    size_t size, phoff, notes_phdr, notes_off, load_off[MAX_LOADS], shoff, guest_shdr;
};

static uint8_t img[IMG_MAX];

static void put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static size_t align(size_t v, size_t a)
{
    return (v + a - 1) / a * a;
}

/* ---- note construction ---- */

static void blob_note(uint8_t *blob, size_t *len, const char *name, uint32_t namesz, uint32_t type,
                      const void *desc, uint32_t descsz)
{
    uint8_t *n = blob + *len;

    put(n, namesz, 4);
    put(n + 4, descsz, 4);
    put(n + 8, type, 4);
    memset(n + 12, 0, align(namesz, 4) + align(descsz, 4));
    memcpy(n + 12, name, namesz);
    memcpy(n + 12 + align(namesz, 4), desc, descsz);
    *len += 12 + align(namesz, 4) + align(descsz, 4);
}

static void note_raw(struct spec *sp, uint32_t type, const void *desc, uint32_t descsz)
{
    blob_note(sp->notes, &sp->notes_len, "Xen", 4, type, desc, descsz);
}

static void note_str(struct spec *sp, uint32_t type, const char *s)
{
    note_raw(sp, type, s, (uint32_t)strlen(s) + 1);
}

static void note_num(struct spec *sp, uint32_t type, uint64_t v, unsigned size)
{
    uint8_t d[8];

    put(d, v, size);
    note_raw(sp, type, d, size);
}

static void add_load(struct spec *sp, uint64_t paddr, uint64_t filesz, uint64_t memsz,
                     uint32_t flags)
{
    struct tload l = {paddr, filesz, memsz, flags};

    sp->load[sp->nloads++] = l;
}

/* A Mini-OS-like image: linked at 0, no VIRT_BASE, LOADER "generic", hypercall page. */
static void minios_spec(struct spec *sp)
{
    memset(sp, 0, sizeof(*sp));
    sp->type = 2;
    sp->machine = 62;
    sp->entry = 0x10;
    add_load(sp, 0, 0x2345, 0x5000, PF_R | PF_X);
    add_load(sp, 0x5000, 0x100, 0x1000, PF_R | PF_W);
    note_str(sp, PV_ELFNOTE_GUEST_OS, "Mini-OS");
    note_str(sp, PV_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_str(sp, PV_ELFNOTE_LOADER, "generic");
    note_num(sp, PV_ELFNOTE_HYPERCALL_PAGE, 0x2000, 4);
}

/* A Linux-like image with every note Linux emits, plus a GNU build-id note. */
static void linux_spec(struct spec *sp)
{
    static const uint8_t l1_mfn_valid[16] = {1, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t build_id[20] = {0xab, 0xcd};

    memset(sp, 0, sizeof(*sp));
    sp->type = 2;
    sp->machine = 62;
    sp->entry = 0x1000000;
    add_load(sp, 0x1000000, 0x3000, 0x3000, PF_R | PF_X);
    add_load(sp, 0x1003000, 0x800, 0x4000, PF_R | PF_W);
    blob_note(sp->notes, &sp->notes_len, "GNU", 4, 3, build_id, sizeof(build_id));
    note_str(sp, PV_ELFNOTE_GUEST_OS, "linux");
    note_str(sp, PV_ELFNOTE_GUEST_VERSION, "2.6");
    note_str(sp, PV_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_num(sp, PV_ELFNOTE_VIRT_BASE, LINUX_BASE, 8);
    note_num(sp, PV_ELFNOTE_INIT_P2M, 0x8000000000ULL, 8);
    note_num(sp, PV_ELFNOTE_ENTRY, LINUX_BASE + 0x1000100, 8);
    note_num(sp, PV_ELFNOTE_HYPERCALL_PAGE, LINUX_BASE + 0x1001000, 8);
    note_raw(sp, PV_ELFNOTE_FEATURES, "!writable_page_tables", 21); /* .ascii: no NUL */
    note_str(sp, PV_ELFNOTE_PAE_MODE, "yes");
    note_raw(sp, PV_ELFNOTE_L1_MFN_VALID, l1_mfn_valid, sizeof(l1_mfn_valid));
    note_num(sp, PV_ELFNOTE_SUPPORTED_FEATURES, (1U << 0) | (1U << 11) | (1U << 15), 4);
    note_num(sp, PV_ELFNOTE_MOD_START_PFN, 1, 4);
    note_num(sp, PV_ELFNOTE_PADDR_OFFSET, 0, 8);
    note_num(sp, PV_ELFNOTE_SUSPEND_CANCEL, 1, 4);
    note_num(sp, PV_ELFNOTE_PHYS32_ENTRY, 0x1000200, 4);
    note_str(sp, PV_ELFNOTE_BSD_SYMTAB, "yes");
    note_raw(sp, 99, "?", 1);
}

/* ---- image construction ---- */

static void put_ehdr(const struct spec *sp, struct built *b, unsigned phnum, unsigned shnum)
{
    memcpy(img,
           "\x7f"
           "ELF",
           4);
    img[4] = 2; /* ELFCLASS64 */
    img[5] = 1; /* little endian */
    img[6] = 1;
    put(img + 16, sp->type, 2);
    put(img + 18, sp->machine, 2);
    put(img + 20, 1, 4);
    put(img + 24, sp->entry, 8);
    put(img + 32, b->phoff, 8);
    put(img + 40, shnum ? b->shoff : 0, 8);
    put(img + 52, 64, 2);
    put(img + 54, 56, 2);
    put(img + 56, phnum, 2);
    put(img + 58, 64, 2);
    put(img + 60, shnum, 2);
    put(img + 62, shnum ? 1 : 0, 2);
}

static void put_phdr(uint8_t *ph, uint32_t type, uint32_t flags, uint64_t off, uint64_t paddr,
                     uint64_t filesz, uint64_t memsz)
{
    put(ph, type, 4);
    put(ph + 4, flags, 4);
    put(ph + 8, off, 8);
    put(ph + 16, paddr, 8);
    put(ph + 24, paddr, 8);
    put(ph + 32, filesz, 8);
    put(ph + 40, memsz, 8);
    put(ph + 48, 0x1000, 8);
}

static void put_shdr(struct built *b, unsigned i, uint32_t name, uint32_t type, uint64_t off,
                     uint64_t size)
{
    uint8_t *sh = img + b->shoff + 64 * i;

    put(sh, name, 4);
    put(sh + 4, type, 4);
    put(sh + 24, off, 8);
    put(sh + 32, size, 8);
}

static bool notes_in_segment(const struct spec *sp)
{
    return sp->where == NOTES_SEGMENT || sp->where == NOTES_ZERO_OFFSET ||
           sp->where == NOTES_BOTH_SPLIT;
}

/* Append size bytes of data at the cursor; returns their offset. */
static size_t append(size_t *cur, const void *data, size_t size)
{
    size_t off = align(*cur, 16);

    assert_true(off + size <= IMG_MAX);
    if (data)
        memcpy(img + off, data, size);
    *cur = off + size;
    return off;
}

static void put_loads(const struct spec *sp, struct built *b, size_t *cur)
{
    for (unsigned i = 0; i < sp->nloads; i++) {
        const struct tload *l = &sp->load[i];

        b->load_off[i] = append(cur, NULL, l->filesz);
        for (uint64_t j = 0; j < l->filesz; j++)
            img[b->load_off[i] + j] = (uint8_t)(i * 31 + j * 7 + 1);
        put_phdr(img + b->phoff + 56 * i, 1, l->flags, b->load_off[i], l->paddr, l->filesz,
                 l->memsz);
    }
}

static const char shstrtab[] = "\0.shstrtab\0.note.Xen\0__xen_guest\0.note.split";

/* Section headers: [0] null, [1] .shstrtab, then note and __xen_guest sections as asked. */
static unsigned put_sections(const struct spec *sp, struct built *b, size_t *cur)
{
    size_t str_off = append(cur, shstrtab, sizeof(shstrtab));
    size_t guest_off = sp->xen_guest ? append(cur, sp->xen_guest, strlen(sp->xen_guest) + 1) : 0;
    size_t split_off = append(cur, sp->sec_notes, sp->sec_notes_len);
    unsigned n = 2;

    b->shoff = append(cur, NULL, 64 * 5);
    memset(img + b->shoff, 0, 64 * 5);
    put_shdr(b, 1, 1, 3, str_off, sizeof(shstrtab));
    if (sp->where == NOTES_SECTION)
        put_shdr(b, n++, 11, 7, b->notes_off, sp->notes_len);
    if (sp->where == NOTES_BOTH_SPLIT)
        put_shdr(b, n++, 33, 7, split_off, sp->sec_notes_len);
    if (sp->xen_guest) {
        b->guest_shdr = b->shoff + 64 * n;
        put_shdr(b, n++, 21, 1, guest_off, strlen(sp->xen_guest) + 1);
    }
    return n;
}

static size_t build(const struct spec *sp, struct built *b)
{
    unsigned phnum = sp->nloads + (notes_in_segment(sp) ? 1 : 0), shnum;
    size_t cur;

    memset(img, 0, sizeof(img));
    memset(b, 0, sizeof(*b));
    b->phoff = 64;
    cur = 64 + 56 * phnum;
    b->notes_off = append(&cur, sp->notes, sp->notes_len);
    b->notes_phdr = b->phoff + 56 * sp->nloads;
    if (notes_in_segment(sp))
        put_phdr(img + b->notes_phdr, 4, PF_R, sp->where == NOTES_ZERO_OFFSET ? 0 : b->notes_off, 0,
                 sp->notes_len, 0);
    put_loads(sp, b, &cur);
    shnum = put_sections(sp, b, &cur);
    put_ehdr(sp, b, phnum, shnum);
    b->size = cur;
    return cur;
}

/* Parse img[0, size) from an exact-size heap copy so the sanitizer sees any overread. */
static int parse_copy(size_t size, uint32_t hv, struct elf_xen_info *info, const char **why)
{
    uint8_t *copy = malloc(size ? size : 1);
    int rc;

    memcpy(copy, img, size);
    rc = elf_xen_parse(copy, size, hv, info, why);
    free(copy);
    return rc;
}

static void parse_ok(const struct spec *sp, uint32_t hv, struct elf_xen_info *info)
{
    struct built b;
    const char *why = NULL;
    int rc = parse_copy(build(sp, &b), hv, info, &why);

    if (rc)
        fail_msg("parse failed: %d (%s)", rc, why);
    assert_string_equal(why, "ok");
}

static void parse_fails(const struct spec *sp, int want_rc, const char *want_why)
{
    struct elf_xen_info info;
    struct built b;
    const char *why = NULL;
    int rc = parse_copy(build(sp, &b), 1, &info, &why);

    assert_int_equal(rc, want_rc);
    assert_string_equal(why, want_why);
}

/* ---- valid images ---- */

static void test_minios_image(void **state)
{
    struct spec sp;
    struct elf_xen_info in;

    (void)state;
    minios_spec(&sp);
    parse_ok(&sp, 0, &in);
    assert_int_equal(in.virt_base, 0);
    assert_int_equal(in.virt_offset, 0);
    assert_int_equal(in.virt_entry, 0x10);
    assert_int_equal(in.virt_kstart, 0);
    assert_int_equal(in.virt_kend, 0x6000);
    assert_true(in.has_hypercall_page);
    assert_int_equal(in.hypercall_page, 0x2000);
    assert_false(in.has_init_p2m);
    assert_false(in.mod_start_pfn);
    assert_false(in.suspend_cancel);
    assert_false(in.legacy_guest_info);
    assert_string_equal(in.guest_os, "Mini-OS");
    assert_string_equal(in.loader, "generic");
    assert_string_equal(in.xen_version, "xen-3.0");
    assert_string_equal(in.guest_version, "");
    assert_int_equal(in.nr_segs, 2);
    assert_int_equal(in.seg[0].load_va, 0);
    assert_int_equal(in.seg[0].filesz, 0x2345);
    assert_int_equal(in.seg[0].memsz, 0x5000);
    assert_int_equal(in.seg[1].load_va, 0x5000);
    assert_int_equal(in.feat_supported[0], 0);
    assert_int_equal(in.feat_required[0], 0);
}

static void test_linux_image(void **state)
{
    struct spec sp;
    struct elf_xen_info in;

    (void)state;
    linux_spec(&sp);
    parse_ok(&sp, 1U << PV_XENFEAT_writable_page_tables, &in);
    assert_int_equal(in.virt_base, LINUX_BASE);
    assert_int_equal(in.virt_offset, LINUX_BASE);
    assert_int_equal(in.virt_entry, LINUX_BASE + 0x1000100);
    assert_int_equal(in.virt_kstart, LINUX_BASE + 0x1000000);
    assert_int_equal(in.virt_kend, LINUX_BASE + 0x1007000);
    assert_int_equal(in.hypercall_page, LINUX_BASE + 0x1001000);
    assert_true(in.has_init_p2m);
    assert_int_equal(in.init_p2m, 0x8000000000ULL);
    assert_true(in.mod_start_pfn);
    assert_true(in.suspend_cancel);
    assert_string_equal(in.guest_os, "linux");
    assert_string_equal(in.guest_version, "2.6");
    assert_string_equal(in.loader, "");
    assert_int_equal(in.feat_required[0], 1U << PV_XENFEAT_writable_page_tables);
    assert_int_equal(in.feat_supported[0], (1U << 0) | (1U << 11) | (1U << 15));
    assert_int_equal(in.seg[1].load_va, LINUX_BASE + 0x1003000);
}

/* Numeric notes may be 1, 2, 4 or 8 bytes, as libelf reads them. */
static void test_numeric_note_sizes(void **state)
{
    static const unsigned sizes[] = {1, 2, 4, 8};

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        struct spec sp;
        struct elf_xen_info in;

        minios_spec(&sp);
        note_num(&sp, PV_ELFNOTE_ENTRY, 0x20, sizes[i]);
        note_num(&sp, PV_ELFNOTE_MOD_START_PFN, 0, sizes[i]);
        parse_ok(&sp, 0, &in);
        assert_int_equal(in.virt_entry, 0x20);
        assert_false(in.mod_start_pfn);
    }
}

static void test_string_notes(void **state)
{
    struct spec sp;
    struct elf_xen_info in;
    char longv[80];

    (void)state;
    minios_spec(&sp);
    memset(longv, 'v', sizeof(longv) - 1);
    longv[sizeof(longv) - 1] = '\0';
    note_str(&sp, PV_ELFNOTE_GUEST_VERSION, longv);
    note_raw(&sp, PV_ELFNOTE_GUEST_OS, "Unterminated", 12);
    note_raw(&sp, PV_ELFNOTE_INFO, "x", 1);
    parse_ok(&sp, 0, &in);
    assert_int_equal(strlen(in.guest_version), ELF_XEN_STR_LEN - 1);
    assert_string_equal(in.guest_os, "Unterminated");
    /* a later note overrides an earlier one; versions only need the xen-3.0 prefix */
    minios_spec(&sp);
    note_str(&sp, PV_ELFNOTE_XEN_VERSION, "xen-3.0-x86_64");
    note_str(&sp, PV_ELFNOTE_LOADER, "generic-ish");
    parse_ok(&sp, 0, &in);
    assert_string_equal(in.xen_version, "xen-3.0-x86_64");
}

static void test_features(void **state)
{
    struct spec sp;
    struct elf_xen_info in;

    (void)state;
    minios_spec(&sp);
    note_str(&sp, PV_ELFNOTE_FEATURES, "writable_descriptor_tables||frobnicate|!dom0|");
    note_str(&sp, PV_ELFNOTE_FEATURES, "!pae_pgdir_above_4gb");
    note_num(&sp, PV_ELFNOTE_SUPPORTED_FEATURES, 1U << 5, 4);
    parse_ok(&sp, (1U << 11) | (1U << 4), &in);
    assert_int_equal(in.feat_supported[0], (1U << 1) | (1U << 11) | (1U << 4) | (1U << 5));
    assert_int_equal(in.feat_required[0], (1U << 11) | (1U << 4));
    minios_spec(&sp);
    note_num(&sp, PV_ELFNOTE_SUPPORTED_FEATURES, 0xffffffff00000003ULL, 8);
    parse_ok(&sp, 0, &in);
    assert_int_equal(in.feat_supported[0], 3);
}

static void test_et_dyn_and_skipped_segments(void **state)
{
    struct spec sp;
    struct elf_xen_info in;

    (void)state;
    minios_spec(&sp);
    sp.type = 3;
    add_load(&sp, 0x3000, 0x10, 0x10, 0); /* no R/W/X: not loadable (libelf) */
    add_load(&sp, 0x100000, 0, 0, PF_R);  /* empty */
    parse_ok(&sp, 0, &in);
    assert_int_equal(in.nr_segs, 2);
    assert_int_equal(in.virt_kend, 0x6000);
    minios_spec(&sp);
    while (sp.nloads < ELF_XEN_MAX_SEGS)
        add_load(&sp, 0x10000 * sp.nloads, 0x10, 0x10, PF_R);
    parse_ok(&sp, 0, &in);
    assert_int_equal(in.nr_segs, ELF_XEN_MAX_SEGS);
}

static void test_legacy_guest_info(void **state)
{
    struct spec sp;
    struct elf_xen_info in;

    (void)state;
    linux_spec(&sp);
    sp.notes_len = 0;
    sp.entry = LINUX_BASE + 0x100000;
    sp.load[0].paddr = LINUX_BASE + 0x100000;
    sp.load[1].paddr = LINUX_BASE + 0x103000;
    sp.xen_guest = "GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,VIRT_BASE=0xFFFFFFFF80000000,"
                   "HYPERCALL_PAGE=0401,LOADER=generic,PAE=yes[extended-cr3],BSD_SYMTAB,"
                   "FEATURES=writable_page_tables|!pae_pgdir_above_4gb,UNKNOWN=1";
    parse_ok(&sp, 1U << 4, &in);
    assert_true(in.legacy_guest_info);
    assert_int_equal(in.virt_base, LINUX_BASE);
    assert_int_equal(in.virt_offset, 0); /* ELF_PADDR_OFFSET defaults to VIRT_BASE */
    assert_int_equal(in.virt_kstart, LINUX_BASE + 0x100000);
    assert_int_equal(in.hypercall_page, LINUX_BASE + 0x101000);
    assert_int_equal(in.virt_entry, LINUX_BASE + 0x100000);
    assert_string_equal(in.guest_version, "2.6");
    assert_string_equal(in.loader, "generic");
    assert_int_equal(in.feat_required[0], 1U << 4);
    assert_int_equal(in.feat_supported[0], (1U << 4) | 1U);
    sp.xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000,"
                   "ELF_PADDR_OFFSET=0xffffffff80000000,VIRT_ENTRY=0xffffffff80100010";
    parse_ok(&sp, 0, &in);
    assert_int_equal(in.virt_entry, LINUX_BASE + 0x100010);
    assert_false(in.has_hypercall_page);
}

static void test_section_notes(void **state)
{
    struct spec sp;
    struct elf_xen_info in;

    (void)state;
    minios_spec(&sp);
    sp.where = NOTES_SECTION;
    parse_ok(&sp, 0, &in);
    assert_int_equal(in.hypercall_page, 0x2000);
    sp.where = NOTES_ZERO_OFFSET; /* PT_NOTE with p_offset 0 is ignored, like libelf does */
    parse_fails(&sp, -PV_ENOEXEC, "no Xen ELF notes (not a Xen-ELF image)");
    /* notes in a segment win: a bad section is not read at all */
    minios_spec(&sp);
    sp.where = NOTES_BOTH_SPLIT;
    blob_note(sp.sec_notes, &sp.sec_notes_len, "Xen", 4, PV_ELFNOTE_XEN_VERSION, "xen-2.0", 8);
    parse_ok(&sp, 0, &in);
    assert_string_equal(in.xen_version, "xen-3.0");
    /* with no Xen note in the segment, the section's are used */
    sp.notes_len = 0;
    blob_note(sp.notes, &sp.notes_len, "GNU", 4, 1, "abcd", 4);
    parse_fails(&sp, -PV_EINVAL, "LOADER is not \"generic\" and GUEST_OS is not \"linux\"");
}

/* The last note's descriptor padding may fall outside its segment. */
static void test_unpadded_last_note(void **state)
{
    struct spec sp;
    struct elf_xen_info in;
    struct built b;
    const char *why;
    size_t size;

    (void)state;
    minios_spec(&sp);
    note_raw(&sp, PV_ELFNOTE_FEATURES, "!writable_page_tables", 21);
    size = build(&sp, &b);
    put(img + b.notes_phdr + 32, sp.notes_len - 3, 8);
    assert_int_equal(parse_copy(size, 1, &in, &why), 0);
    assert_int_equal(in.feat_required[0], 1);
    put(img + b.notes_phdr + 32, sp.notes_len - 4, 8);
    assert_int_equal(parse_copy(size, 1, &in, &why), -PV_ENOEXEC);
    assert_string_equal(why, "note size overflows its section");
}

/* ---- refusals ---- */

struct refusal {
    const char *what;
    void (*spec_fn)(struct spec *sp);            /* change the spec before building */
    void (*img_fn)(struct built *b, size_t *sz); /* or corrupt the built image */
    int rc;
    const char *why;
};

static void m_magic(struct built *b, size_t *sz)
{
    (void)b;
    (void)sz;
    img[1] = 'X';
}
static void m_tiny(struct built *b, size_t *sz)
{
    (void)b;
    *sz = 63;
}
static void m_class32(struct built *b, size_t *sz)
{
    (void)b;
    (void)sz;
    img[4] = 1;
}
static void m_bigendian(struct built *b, size_t *sz)
{
    (void)b;
    (void)sz;
    img[5] = 2;
}
static void m_machine(struct built *b, size_t *sz)
{
    (void)b;
    (void)sz;
    put(img + 18, 3, 2);
}
static void m_etrel(struct built *b, size_t *sz)
{
    (void)b;
    (void)sz;
    put(img + 16, 1, 2);
}
static void m_phoff(struct built *b, size_t *sz)
{
    (void)b;
    put(img + 32, *sz - 60, 8);
}
static void m_phoff_wrap(struct built *b, size_t *sz)
{
    (void)b;
    (void)sz;
    put(img + 32, ~0ULL - 8, 8);
}
static void m_phnum(struct built *b, size_t *sz)
{
    (void)b;
    (void)sz;
    put(img + 56, 0xffff, 2);
}
static void m_phentsize(struct built *b, size_t *sz)
{
    (void)b;
    (void)sz;
    put(img + 54, 32, 2);
}
static void m_shoff(struct built *b, size_t *sz)
{
    (void)b;
    put(img + 40, *sz - 8, 8);
}
static void m_shentsize(struct built *b, size_t *sz)
{
    (void)b;
    (void)sz;
    put(img + 58, 40, 2);
}
static void m_truncate_seg(struct built *b, size_t *sz)
{
    *sz = b->load_off[1] + 0x80;
    put(img + 60, 0, 2); /* the section headers went with the cut */
}
static void m_seg_off_wrap(struct built *b, size_t *sz)
{
    (void)sz;
    put(img + b->phoff + 8, ~0ULL - 0x100, 8);
}
static void m_note_off_beyond(struct built *b, size_t *sz)
{
    put(img + b->notes_phdr + 32, *sz, 8);
}
static void m_note_descsz(struct built *b, size_t *sz)
{
    (void)sz;
    put(img + b->notes_off + 4, 0xffffffff, 4);
}
static void m_note_namesz(struct built *b, size_t *sz)
{
    (void)sz;
    put(img + b->notes_off, 0xfffffffd, 4);
}
static void m_guest_section_beyond(struct built *b, size_t *sz)
{
    put(img + b->guest_shdr + 32, *sz, 8);
}

static void s_filesz(struct spec *sp)
{
    sp->load[1].filesz = 0x2000;
}
static void s_overlap(struct spec *sp)
{
    add_load(sp, 0x4fff, 1, 1, PF_R);
}
static void s_overlap_contained(struct spec *sp)
{
    add_load(sp, 0x100, 0x10, 0x20, PF_R);
}
static void s_wrap(struct spec *sp)
{
    add_load(sp, ~0ULL - 0x100, 0x10, 0x1000, PF_R);
}
static void s_hole(struct spec *sp)
{
    add_load(sp, 0xffff800000100000ULL, 0x10, 0x10, PF_R);
}
static void s_hole_span(struct spec *sp)
{
    add_load(sp, 0xffff87fffffff000ULL, 0, 0x2000, PF_R);
}
static void s_noncanon(struct spec *sp)
{
    add_load(sp, 0x0000900000000000ULL, 0, 0x10, PF_R);
}
static void s_cross_lower(struct spec *sp)
{
    add_load(sp, 0x7ffffffff000ULL, 0, 0x2000, PF_R);
}
static void s_top_page(struct spec *sp)
{
    add_load(sp, 0xfffffffffffff000ULL, 0, 0x1000, PF_R);
}
static void s_no_loads(struct spec *sp)
{
    sp->nloads = 0;
}
static void s_many_loads(struct spec *sp)
{
    while (sp->nloads <= ELF_XEN_MAX_SEGS)
        add_load(sp, 0x10000 * sp->nloads, 0x10, 0x10, PF_R);
}
static void s_no_notes(struct spec *sp)
{
    sp->notes_len = 0;
}
static void s_gnu_only(struct spec *sp)
{
    sp->notes_len = 0;
    blob_note(sp->notes, &sp->notes_len, "GNU", 4, 1, "abcd", 4);
    blob_note(sp->notes, &sp->notes_len, "XEN", 4, PV_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
}
static void s_many_notes(struct spec *sp)
{
    for (int i = 0; i < 1025; i++)
        note_raw(sp, PV_ELFNOTE_INFO, "", 0);
}
static void s_xen_version(struct spec *sp)
{
    note_str(sp, PV_ELFNOTE_XEN_VERSION, "xen-2.0");
}
static void s_no_xen_version(struct spec *sp)
{
    sp->notes_len = 0;
    note_str(sp, PV_ELFNOTE_LOADER, "generic");
}
static void s_no_loader(struct spec *sp)
{
    sp->notes_len = 0;
    note_str(sp, PV_ELFNOTE_GUEST_OS, "Mini-OS");
    note_str(sp, PV_ELFNOTE_XEN_VERSION, "xen-3.0");
}
static void s_bad_loader(struct spec *sp)
{
    note_str(sp, PV_ELFNOTE_LOADER, "special");
}
static void s_paddr_offset(struct spec *sp)
{
    note_num(sp, PV_ELFNOTE_PADDR_OFFSET, 0, 8);
}
static void s_num_size(struct spec *sp)
{
    note_raw(sp, PV_ELFNOTE_VIRT_BASE, "abc", 3);
}
static void s_num_size16(struct spec *sp)
{
    note_raw(sp, PV_ELFNOTE_ENTRY, "0123456789abcdef", 16);
}
static void s_supp_size(struct spec *sp)
{
    note_raw(sp, PV_ELFNOTE_SUPPORTED_FEATURES, "ab", 2);
}
static void s_supp_size6(struct spec *sp)
{
    note_raw(sp, PV_ELFNOTE_SUPPORTED_FEATURES, "abcdef", 6);
}
static void s_base_unaligned(struct spec *sp)
{
    note_num(sp, PV_ELFNOTE_VIRT_BASE, 0x800, 8);
    note_num(sp, PV_ELFNOTE_PADDR_OFFSET, 0, 8);
}
static void s_base_above(struct spec *sp)
{
    note_num(sp, PV_ELFNOTE_VIRT_BASE, 0x1000, 8);
}
static void s_entry_beyond(struct spec *sp)
{
    note_num(sp, PV_ELFNOTE_ENTRY, 0x6001, 8);
}
static void s_entry_below(struct spec *sp)
{
    sp->load[0].paddr = 0x10000;
    sp->load[1].paddr = 0x15000;
    sp->entry = 0xfff0;
    note_num(sp, PV_ELFNOTE_HYPERCALL_PAGE, 0x11000, 8);
}
static void s_hcall_outside(struct spec *sp)
{
    note_num(sp, PV_ELFNOTE_HYPERCALL_PAGE, 0x6000, 8);
}
static void s_hcall_unaligned(struct spec *sp)
{
    note_num(sp, PV_ELFNOTE_HYPERCALL_PAGE, 0x2008, 8);
}
static void s_p2m_inside(struct spec *sp)
{
    note_num(sp, PV_ELFNOTE_INIT_P2M, 0x5000, 8);
}
static void s_unknown_required(struct spec *sp)
{
    note_str(sp, PV_ELFNOTE_FEATURES, "!frobnicate");
}
static void s_required(struct spec *sp)
{
    note_str(sp, PV_ELFNOTE_FEATURES, "writable_page_tables|!dom0");
}
static void s_legacy_bad_number(struct spec *sp)
{
    sp->notes_len = 0;
    sp->xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff8000000g";
}
static void s_legacy_empty_number(struct spec *sp)
{
    sp->notes_len = 0;
    sp->xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=";
}
static void s_legacy_big_pfn(struct spec *sp)
{
    sp->notes_len = 0;
    sp->xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,HYPERCALL_PAGE=0x10000000000000";
}
static void s_legacy_overflow(struct spec *sp)
{
    sp->notes_len = 0;
    sp->xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_ENTRY=18446744073709551616";
}
static void s_legacy_beyond(struct spec *sp)
{
    sp->notes_len = 0;
    sp->xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0";
}

#define NOEXEC -PV_ENOEXEC
#define INVAL -PV_EINVAL
static const struct refusal refusals[] = {
    {"bad magic", NULL, m_magic, NOEXEC, "not an ELF image"},
    {"shorter than a header", NULL, m_tiny, NOEXEC, "not an ELF image"},
    {"32-bit", NULL, m_class32, NOEXEC, "not a 64-bit x86 ELF"},
    {"big endian", NULL, m_bigendian, NOEXEC, "not a little-endian ELF"},
    {"wrong machine", NULL, m_machine, NOEXEC, "not a 64-bit x86 ELF"},
    {"relocatable", NULL, m_etrel, NOEXEC, "not an executable ELF"},
    {"phdrs past EOF", NULL, m_phoff, NOEXEC, "truncated program header"},
    {"phoff wraps", NULL, m_phoff_wrap, NOEXEC, "truncated program header"},
    {"phnum too big", NULL, m_phnum, NOEXEC, "truncated program header"},
    {"phentsize small", NULL, m_phentsize, NOEXEC, "bad program header entry size"},
    {"shdrs past EOF", NULL, m_shoff, NOEXEC, "truncated section header table"},
    {"shentsize small", NULL, m_shentsize, NOEXEC, "bad section header entry size"},
    {"segment past EOF", NULL, m_truncate_seg, NOEXEC, "segment outside the image"},
    {"p_offset wraps", NULL, m_seg_off_wrap, NOEXEC, "segment outside the image"},
    {"filesz > memsz", s_filesz, NULL, NOEXEC, "segment file size exceeds its memory size"},
    {"overlap", s_overlap, NULL, NOEXEC, "overlapping segments"},
    {"overlap inside", s_overlap_contained, NULL, NOEXEC, "overlapping segments"},
    {"segment wraps", s_wrap, NULL, NOEXEC, "segment wraps the address space"},
    {"in the hole", s_hole, NULL, INVAL, "image overlaps the hypervisor area"},
    {"into the hole", s_hole_span, NULL, INVAL, "image overlaps the hypervisor area"},
    {"non-canonical", s_noncanon, NULL, INVAL, "segment outside the guest address space"},
    {"crosses 2^47", s_cross_lower, NULL, INVAL, "segment outside the guest address space"},
    {"last page", s_top_page, NULL, INVAL, "segment outside the guest address space"},
    {"no PT_LOAD", s_no_loads, NULL, NOEXEC, "no loadable segments"},
    {"17 PT_LOADs", s_many_loads, NULL, NOEXEC, "too many loadable segments"},
    {"note past EOF", NULL, m_note_off_beyond, NOEXEC, "truncated note section"},
    {"descsz huge", NULL, m_note_descsz, NOEXEC, "note size overflows its section"},
    {"namesz huge", NULL, m_note_namesz, NOEXEC, "note size overflows its section"},
    {"1025 notes", s_many_notes, NULL, NOEXEC, "too many ELF notes"},
    {"no notes", s_no_notes, NULL, NOEXEC, "no Xen ELF notes (not a Xen-ELF image)"},
    {"foreign notes", s_gnu_only, NULL, NOEXEC, "no Xen ELF notes (not a Xen-ELF image)"},
    {"xen-2.0", s_xen_version, NULL, INVAL, "XEN_VERSION note is not xen-3.0"},
    {"no XEN_VERSION", s_no_xen_version, NULL, INVAL, "XEN_VERSION note is not xen-3.0"},
    {"no LOADER", s_no_loader, NULL, INVAL,
     "LOADER is not \"generic\" and GUEST_OS is not \"linux\""},
    {"LOADER special", s_bad_loader, NULL, INVAL,
     "LOADER is not \"generic\" and GUEST_OS is not \"linux\""},
    {"PADDR_OFFSET alone", s_paddr_offset, NULL, INVAL, "PADDR_OFFSET set without VIRT_BASE"},
    {"3-byte number", s_num_size, NULL, NOEXEC, "numeric Xen note has a bad size"},
    {"16-byte number", s_num_size16, NULL, NOEXEC, "numeric Xen note has a bad size"},
    {"2-byte bitmap", s_supp_size, NULL, NOEXEC, "SUPPORTED_FEATURES note has a bad size"},
    {"6-byte bitmap", s_supp_size6, NULL, NOEXEC, "SUPPORTED_FEATURES note has a bad size"},
    {"VIRT_BASE unaligned", s_base_unaligned, NULL, INVAL, "VIRT_BASE is not page aligned"},
    {"VIRT_BASE above", s_base_above, NULL, INVAL, "ELF start or entry out of bounds"},
    {"entry beyond", s_entry_beyond, NULL, INVAL, "ELF start or entry out of bounds"},
    {"entry below", s_entry_below, NULL, INVAL, "ELF start or entry out of bounds"},
    {"hypercall page outside", s_hcall_outside, NULL, INVAL,
     "hypercall page outside the image or not page aligned"},
    {"hypercall page unaligned", s_hcall_unaligned, NULL, INVAL,
     "hypercall page outside the image or not page aligned"},
    {"INIT_P2M inside", s_p2m_inside, NULL, INVAL, "INIT_P2M base inside the image"},
    {"unknown required", s_unknown_required, NULL, INVAL, "unknown required feature in FEATURES"},
    {"dom0 required", s_required, NULL, -PV_EOPNOTSUPP, "required feature dom0 not supported"},
    {"legacy bad number", s_legacy_bad_number, NULL, NOEXEC, "bad number in __xen_guest"},
    {"legacy empty number", s_legacy_empty_number, NULL, NOEXEC, "bad number in __xen_guest"},
    {"legacy big pfn", s_legacy_big_pfn, NULL, NOEXEC, "bad number in __xen_guest"},
    {"legacy overflow", s_legacy_overflow, NULL, NOEXEC, "bad number in __xen_guest"},
};

static void run_refusal(const struct refusal *r, struct spec *sp)
{
    struct elf_xen_info info;
    struct built b;
    const char *why = NULL;
    size_t size;
    int rc;

    minios_spec(sp);
    if (r->spec_fn)
        r->spec_fn(sp);
    size = build(sp, &b);
    if (r->img_fn)
        r->img_fn(&b, &size);
    memset(&info, 0xa5, sizeof(info));
    rc = parse_copy(size, 1U << PV_XENFEAT_writable_page_tables, &info, &why);
    if (rc != r->rc || !why || strcmp(why, r->why) != 0)
        fail_msg("%s: got %d \"%s\", want %d \"%s\"", r->what, rc, why ? why : "(null)", r->rc,
                 r->why);
    assert_int_equal(info.nr_segs, 0); /* zeroed on failure */
    assert_int_equal(info.virt_entry, 0);
}

static void test_refusals(void **state)
{
    static struct spec sp;

    (void)state;
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
        run_refusal(&refusals[i], &sp);
}

static void test_legacy_section_beyond(void **state)
{
    struct spec sp;
    struct elf_xen_info info;
    struct built b;
    const char *why;
    size_t size;

    (void)state;
    minios_spec(&sp);
    s_legacy_beyond(&sp);
    size = build(&sp, &b);
    m_guest_section_beyond(&b, &size);
    assert_int_equal(parse_copy(size, 0, &info, &why), -PV_ENOEXEC);
    assert_string_equal(why, "truncated __xen_guest section");
}

/* A required feature the hypervisor offers is fine. */
static void test_required_supported(void **state)
{
    struct spec sp;
    struct elf_xen_info in;

    (void)state;
    minios_spec(&sp);
    s_required(&sp);
    parse_ok(&sp, 1U << PV_XENFEAT_dom0, &in);
    assert_int_equal(in.feat_required[0], 1U << PV_XENFEAT_dom0);
}

/* ---- loading ---- */

struct record {
    uint8_t mem[0x8000]; /* guest VAs [0, 0x8000) */
    uint8_t touched[0x8000];
    unsigned copies, zeros;
};

static void rec_copy(void *ctx, uint64_t va, const void *src, uint64_t len)
{
    struct record *r = ctx;

    assert_true(va + len <= sizeof(r->mem));
    memcpy(r->mem + va, src, len);
    memset(r->touched + va, 1, len);
    r->copies++;
}

static void rec_zero(void *ctx, uint64_t va, uint64_t len)
{
    struct record *r = ctx;

    assert_true(va + len <= sizeof(r->mem));
    memset(r->mem + va, 0, len);
    memset(r->touched + va, 2, len);
    r->zeros++;
}

static void test_load(void **state)
{
    static struct record rec;
    struct elf_xen_sink sink = {&rec, rec_copy, rec_zero};
    struct spec sp;
    struct elf_xen_info in;
    struct built b;
    const char *why;

    (void)state;
    memset(&rec, 0xee, sizeof(rec.mem));
    minios_spec(&sp);
    add_load(&sp, 0x7000, 0x100, 0x100, PF_R); /* no zero fill */
    assert_int_equal(elf_xen_parse(img, build(&sp, &b), 0, &in, &why), 0);
    elf_xen_load(img, &in, &sink);
    assert_int_equal(rec.copies, 3);
    assert_int_equal(rec.zeros, 2);
    assert_memory_equal(rec.mem, img + b.load_off[0], 0x2345);
    assert_memory_equal(rec.mem + 0x5000, img + b.load_off[1], 0x100);
    assert_memory_equal(rec.mem + 0x7000, img + b.load_off[2], 0x100);
    for (size_t va = 0x2345; va < 0x5000; va++)
        assert_int_equal(rec.touched[va], 2);
    for (size_t va = 0x5100; va < 0x6000; va++)
        assert_int_equal(rec.touched[va], 2);
    assert_int_equal(rec.touched[0x6000], 0);
    assert_int_equal(rec.mem[0x6000], 0xee);
}

/* ---- fuzzing: hostile variants of valid images never crash and never escape ---- */

struct fuzz_sink {
    const struct elf_xen_info *in;
    const uint8_t *image;
    size_t size;
};

static void fuzz_check_range(const struct elf_xen_info *in, uint64_t va, uint64_t len)
{
    assert_true(len > 0);
    assert_true(va >= in->virt_kstart && va - in->virt_kstart < in->virt_kend - in->virt_kstart);
    assert_true(len <= in->virt_kend - va);
}

static void fuzz_copy(void *ctx, uint64_t va, const void *src, uint64_t len)
{
    struct fuzz_sink *f = ctx;
    const uint8_t *s = src;

    fuzz_check_range(f->in, va, len);
    assert_true(s >= f->image && len <= f->size && (size_t)(s - f->image) <= f->size - len);
}

static void fuzz_zero(void *ctx, uint64_t va, uint64_t len)
{
    fuzz_check_range(((struct fuzz_sink *)ctx)->in, va, len);
}

static void check_accepted(const uint8_t *image, size_t size, const struct elf_xen_info *in)
{
    struct fuzz_sink f = {in, image, size};
    struct elf_xen_sink sink = {&f, fuzz_copy, fuzz_zero};

    assert_true(in->nr_segs >= 1 && in->nr_segs <= ELF_XEN_MAX_SEGS);
    assert_true(in->virt_kstart < in->virt_kend);
    assert_true(in->virt_base <= in->virt_kstart);
    assert_int_equal(strncmp(in->xen_version, "xen-3.0", 7), 0);
    assert_true(memchr(in->guest_os, 0, ELF_XEN_STR_LEN) != NULL);
    if (in->has_hypercall_page)
        assert_true(in->hypercall_page >= in->virt_kstart && in->hypercall_page < in->virt_kend);
    elf_xen_load(image, in, &sink);
}

static uint64_t edge_value(void)
{
    static const uint64_t v[] = {0,
                                 1,
                                 3,
                                 4,
                                 12,
                                 0x1000,
                                 0x7fffffff,
                                 0xffffffff,
                                 0x100000000ULL,
                                 0x7fffffffffffULL,
                                 0xffff800000000000ULL,
                                 ~0ULL - 4096,
                                 ~0ULL};

    return v[rand() % (int)(sizeof(v) / sizeof(v[0]))];
}

/* One mutation: flip bytes, overwrite a header field with an edge value, or truncate. */
static void mutate(uint8_t *buf, size_t *size, const struct built *b)
{
    int kind = rand() % 4;

    if (kind == 0) {
        for (int n = 1 + rand() % 8; n > 0; n--)
            buf[rand() % *size] ^= (uint8_t)(1 + rand() % 255);
    } else if (kind == 1) {
        size_t off = (size_t)(rand() % (int)(b->notes_off + 64));
        unsigned width = 1U << (rand() % 4);

        if (off + width <= *size)
            put(buf + off, edge_value(), width);
    } else if (kind == 2) {
        size_t off = b->notes_off + (size_t)(rand() % 512);

        if (off + 4 <= *size)
            put(buf + off, edge_value(), 4);
    } else {
        *size = (size_t)rand() % (*size + 1);
    }
}

static void fuzz_one(const struct spec *sp, uint32_t hv, unsigned *accepted)
{
    struct built b;
    struct elf_xen_info in;
    const char *why = NULL;
    size_t size = build(sp, &b);
    uint8_t *copy;
    int rc;

    for (int n = 1 + rand() % 3; n > 0; n--)
        mutate(img, &size, &b);
    copy = malloc(size ? size : 1);
    memcpy(copy, img, size);
    rc = elf_xen_parse(copy, size, hv, &in, &why);
    assert_non_null(why);
    if (rc == 0) {
        check_accepted(copy, size, &in);
        (*accepted)++;
    } else {
        assert_true(rc == -PV_ENOEXEC || rc == -PV_EINVAL || rc == -PV_EOPNOTSUPP);
    }
    free(copy);
}

static void test_fuzz(void **state)
{
    static struct spec specs[4];
    unsigned accepted = 0;

    (void)state;
    minios_spec(&specs[0]);
    linux_spec(&specs[1]);
    minios_spec(&specs[2]);
    specs[2].where = NOTES_SECTION;
    linux_spec(&specs[3]);
    specs[3].notes_len = 0;
    specs[3].load[0].paddr = LINUX_BASE + 0x100000;
    specs[3].load[1].paddr = LINUX_BASE + 0x103000;
    specs[3].entry = LINUX_BASE + 0x100000;
    specs[3].xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000,"
                         "HYPERCALL_PAGE=0x101,FEATURES=!writable_page_tables";
    srand(20240601);
    for (int i = 0; i < 10000; i++)
        fuzz_one(&specs[i % 4], rand() % 2 ? ~0U : 1U, &accepted);
    print_message("fuzz: %u of 10000 mutated images accepted\n", accepted);
    assert_true(accepted > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minios_image),
        cmocka_unit_test(test_linux_image),
        cmocka_unit_test(test_numeric_note_sizes),
        cmocka_unit_test(test_string_notes),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_et_dyn_and_skipped_segments),
        cmocka_unit_test(test_legacy_guest_info),
        cmocka_unit_test(test_section_notes),
        cmocka_unit_test(test_unpadded_last_note),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_legacy_section_beyond),
        cmocka_unit_test(test_required_supported),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_fuzz),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
