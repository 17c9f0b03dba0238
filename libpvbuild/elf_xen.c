/* ELF64 parser and Xen ELF-note reader for PV guest kernels: every offset and size is hostile. */
#include "elf_xen.h"
#include "pv-abi/elfnote.h"
#include "pv-abi/errno.h"
#include "lib/string.h"
#include "pv_layout.h"
#include "pv-abi/xen_version.h"

/* ELF64 layout facts (System V gABI, x86-64 psABI). */
#define EHDR_SIZE 64U
#define PHDR_SIZE 56U
#define SHDR_SIZE 64U
#define NOTE_HDR_SIZE 12U
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define PF_RWX 7U
#define SHT_NOTE 7
#define XPAGE 4096ULL
#define MAX_NOTES 1024U /* like Xen, bound the work a crafted note table can cause */

/* Parse state: the image, the header fields we need, and which optional values were seen. */
struct parse {
    const uint8_t *img;
    uint64_t size;
    uint64_t entry, phoff, shoff;
    unsigned phnum, phentsize, shnum, shentsize, shstrndx;
    unsigned nr_notes, xen_notes;
    bool has_virt_base, has_paddr_offset, has_entry;
    uint64_t virt_base, paddr_offset, note_entry;
    uint64_t pstart, plast; /* lowest p_paddr, highest p_paddr + p_memsz - 1 of loadable segments */
    uint32_t hv_features;
    struct elf_xen_info *info;
    const char *why;
};

/* A byte range of the image, already checked to lie inside it. */
struct span {
    const uint8_t *p;
    uint64_t len;
};

static uint64_t rd(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    while (n--)
        v = (v << 8) | p[n];
    return v;
}

static bool in_file(const struct parse *ps, uint64_t off, uint64_t len)
{
    return off <= ps->size && len <= ps->size - off;
}

static int fail(struct parse *ps, int err, const char *why)
{
    ps->why = why;
    return err;
}

static int check_ident(struct parse *ps)
{
    const uint8_t *e = ps->img;

    if (ps->size < EHDR_SIZE || e[0] != 0x7f || e[1] != 'E' || e[2] != 'L' || e[3] != 'F')
        return fail(ps, -PV_ENOEXEC, "not an ELF image");
    if (e[EI_CLASS] != ELFCLASS64)
        return fail(ps, -PV_ENOEXEC, "not a 64-bit x86 ELF");
    if (e[EI_DATA] != ELFDATA2LSB)
        return fail(ps, -PV_ENOEXEC, "not a little-endian ELF");
    if (rd(e + 18, 2) != EM_X86_64)
        return fail(ps, -PV_ENOEXEC, "not a 64-bit x86 ELF");
    if (rd(e + 16, 2) != ET_EXEC && rd(e + 16, 2) != ET_DYN)
        return fail(ps, -PV_ENOEXEC, "not an executable ELF");
    return 0;
}

/* True if a table of n entries of entsize bytes at off lies in the file (n * entsize cannot
 * overflow). */
static bool table_ok(const struct parse *ps, uint64_t off, unsigned n, unsigned entsize)
{
    return n == 0 || in_file(ps, off, (uint64_t)n * entsize);
}

static int read_ehdr(struct parse *ps)
{
    const uint8_t *e = ps->img;
    int rc = check_ident(ps);

    if (rc)
        return rc;
    ps->entry = rd(e + 24, 8);
    ps->phoff = rd(e + 32, 8);
    ps->shoff = rd(e + 40, 8);
    ps->phentsize = rd(e + 54, 2);
    ps->phnum = rd(e + 56, 2);
    ps->shentsize = rd(e + 58, 2);
    ps->shnum = rd(e + 60, 2);
    ps->shstrndx = rd(e + 62, 2);
    if (ps->phnum && ps->phentsize < PHDR_SIZE)
        return fail(ps, -PV_ENOEXEC, "bad program header entry size");
    if (!table_ok(ps, ps->phoff, ps->phnum, ps->phentsize))
        return fail(ps, -PV_ENOEXEC, "truncated program header");
    if (ps->shnum && ps->shentsize < SHDR_SIZE)
        return fail(ps, -PV_ENOEXEC, "bad section header entry size");
    if (!table_ok(ps, ps->shoff, ps->shnum, ps->shentsize))
        return fail(ps, -PV_ENOEXEC, "truncated section header table");
    return 0;
}

static const uint8_t *phdr(const struct parse *ps, unsigned i)
{
    return ps->img + ps->phoff + (uint64_t)i * ps->phentsize;
}

static const uint8_t *shdr(const struct parse *ps, unsigned i)
{
    return ps->img + ps->shoff + (uint64_t)i * ps->shentsize;
}

/* ---- loadable segments ---- */

static int check_overlaps(struct parse *ps, const struct elf_xen_seg *s)
{
    const struct elf_xen_info *in = ps->info;

    for (unsigned i = 0; i < in->nr_segs; i++)
        if (in->seg[i].load_va <= s->load_va + (s->memsz - 1) &&
            s->load_va <= in->seg[i].load_va + (in->seg[i].memsz - 1))
            return fail(ps, -PV_ENOEXEC, "overlapping segments");
    return 0;
}

/* Record one PT_LOAD header; seg.load_va holds p_paddr until the virtual offset is known. */
static int add_segment(struct parse *ps, const uint8_t *ph)
{
    struct elf_xen_seg s = {rd(ph + 8, 8), rd(ph + 32, 8), rd(ph + 40, 8), rd(ph + 24, 8)};
    int rc;

    if (s.memsz == 0)
        return 0;
    if (s.filesz > s.memsz)
        return fail(ps, -PV_ENOEXEC, "segment file size exceeds its memory size");
    if (!in_file(ps, s.file_off, s.filesz))
        return fail(ps, -PV_ENOEXEC, "segment outside the image");
    if (s.memsz - 1 > ~0ULL - s.load_va)
        return fail(ps, -PV_ENOEXEC, "segment wraps the address space");
    if ((rc = check_overlaps(ps, &s)))
        return rc;
    if (ps->info->nr_segs == ELF_XEN_MAX_SEGS)
        return fail(ps, -PV_ENOEXEC, "too many loadable segments");
    ps->info->seg[ps->info->nr_segs++] = s;
    return 0;
}

static int read_segments(struct parse *ps)
{
    for (unsigned i = 0; i < ps->phnum; i++) {
        const uint8_t *ph = phdr(ps, i);
        int rc;

        if (rd(ph, 4) == PT_LOAD && (rd(ph + 4, 4) & PF_RWX) && (rc = add_segment(ps, ph)))
            return rc;
    }
    return ps->info->nr_segs == 0 ? fail(ps, -PV_ENOEXEC, "no loadable segments") : 0;
}

/* ---- string helpers over untrusted, possibly unterminated bytes ---- */

/* Copy at most len bytes of src (stopping at NUL) into dst[ELF_XEN_STR_LEN], truncating. */
static void copy_str(char *dst, const uint8_t *src, uint64_t len)
{
    uint64_t i;

    for (i = 0; i < len && i < ELF_XEN_STR_LEN - 1 && src[i]; i++)
        dst[i] = (char)src[i];
    dst[i] = '\0';
}

/* Length of the string at src, bounded by len. */
static uint64_t str_len(const uint8_t *src, uint64_t len)
{
    uint64_t i = 0;

    while (i < len && src[i])
        i++;
    return i;
}

static bool word_is(const uint8_t *w, uint64_t len, const char *lit)
{
    return lib_strlen(lit) == len && memcmp(w, lit, len) == 0;
}

/* Each non-empty token of s[0, len) between sep characters, to fn in turn; the first error
 * stops the walk. */
static int for_each_token(struct parse *ps, const uint8_t *s, uint64_t len, char sep,
                          int (*fn)(struct parse *ps, const uint8_t *w, uint64_t len))
{
    uint64_t start = 0;

    for (uint64_t i = 0; i <= len; i++) {
        int rc;

        if (i < len && s[i] != sep)
            continue;
        if (i > start && (rc = fn(ps, s + start, i - start)))
            return rc;
        start = i + 1;
    }
    return 0;
}

/* ---- FEATURES strings: "name|!name|..." ---- */

#define FEAT(name) [PV_XENFEAT_##name] = {#name, "required feature " #name " not supported"}
static const struct {
    const char *name, *refusal;
} feature_names[] = {
    FEAT(writable_page_tables),
    FEAT(writable_descriptor_tables),
    FEAT(auto_translated_physmap),
    FEAT(supervisor_mode_kernel),
    FEAT(pae_pgdir_above_4gb),
    FEAT(mmu_pt_update_preserve_ad),
    FEAT(highmem_assist),
    FEAT(gnttab_map_avail_bits),
    FEAT(hvm_callback_vector),
    FEAT(hvm_safe_pvclock),
    FEAT(hvm_pirqs),
    FEAT(dom0),
    FEAT(memory_op_vnode_supported),
    FEAT(ARM_SMCCC_supported),
    FEAT(linux_rsdp_unrestricted),
    FEAT(not_direct_mapped),
    FEAT(direct_mapped),
};
#undef FEAT
#define NR_FEATURES (sizeof(feature_names) / sizeof(feature_names[0]))

static int feature_bit(const uint8_t *w, uint64_t len)
{
    for (unsigned i = 0; i < NR_FEATURES; i++)
        if (feature_names[i].name && word_is(w, len, feature_names[i].name))
            return (int)i;
    return -1;
}

/* One token: known names set the supported bit (and the required bit after '!'); unknown names
 * are ignored unless required, as Xen does. */
static int add_feature(struct parse *ps, const uint8_t *w, uint64_t len)
{
    bool required = len > 0 && w[0] == '!';
    int bit = required ? feature_bit(w + 1, len - 1) : feature_bit(w, len);

    if (bit < 0)
        return required ? fail(ps, -PV_EINVAL, "unknown required feature in FEATURES") : 0;
    ps->info->feat_supported[0] |= 1U << bit;
    if (required)
        ps->info->feat_required[0] |= 1U << bit;
    return 0;
}

static int parse_features(struct parse *ps, const uint8_t *s, uint64_t len)
{
    return for_each_token(ps, s, str_len(s, len), '|', add_feature);
}

/* ---- Xen ELF notes ---- */

static int note_number(struct parse *ps, struct span d, uint64_t *val)
{
    if (d.len != 1 && d.len != 2 && d.len != 4 && d.len != 8)
        return fail(ps, -PV_ENOEXEC, "numeric Xen note has a bad size");
    *val = rd(d.p, (unsigned)d.len);
    return 0;
}

static int note_supported_features(struct parse *ps, struct span d)
{
    if (d.len < 4 || d.len % 4)
        return fail(ps, -PV_ENOEXEC, "SUPPORTED_FEATURES note has a bad size");
    ps->info->feat_supported[0] |= (uint32_t)rd(d.p, 4);
    return 0;
}

static void note_string(struct elf_xen_info *in, unsigned type, struct span d)
{
    if (type == PV_ELFNOTE_XEN_VERSION)
        copy_str(in->xen_version, d.p, d.len);
    else if (type == PV_ELFNOTE_GUEST_OS)
        copy_str(in->guest_os, d.p, d.len);
    else if (type == PV_ELFNOTE_GUEST_VERSION)
        copy_str(in->guest_version, d.p, d.len);
    else
        copy_str(in->loader, d.p, d.len);
}

/* The numeric notes we use. */
#define NUMERIC_NOTES                                                                              \
    ((1U << PV_ELFNOTE_ENTRY) | (1U << PV_ELFNOTE_HYPERCALL_PAGE) | (1U << PV_ELFNOTE_VIRT_BASE) | \
     (1U << PV_ELFNOTE_PADDR_OFFSET) | (1U << PV_ELFNOTE_INIT_P2M) |                               \
     (1U << PV_ELFNOTE_MOD_START_PFN) | (1U << PV_ELFNOTE_SUSPEND_CANCEL))

static void note_store_number(struct parse *ps, unsigned type, uint64_t v)
{
    struct elf_xen_info *in = ps->info;

    switch (type) {
    case PV_ELFNOTE_ENTRY:
        ps->note_entry = v;
        ps->has_entry = true;
        break;
    case PV_ELFNOTE_HYPERCALL_PAGE:
        in->hypercall_page = v;
        in->has_hypercall_page = true;
        break;
    case PV_ELFNOTE_VIRT_BASE:
        ps->virt_base = v;
        ps->has_virt_base = true;
        break;
    case PV_ELFNOTE_PADDR_OFFSET:
        ps->paddr_offset = v;
        ps->has_paddr_offset = true;
        break;
    case PV_ELFNOTE_INIT_P2M:
        in->init_p2m = v;
        in->has_init_p2m = true;
        break;
    case PV_ELFNOTE_MOD_START_PFN:
        in->mod_start_pfn = v != 0;
        break;
    default:
        in->suspend_cancel = true;
        break;
    }
}

/* Act on one note named "Xen". Types we do not use (INFO, PAE_MODE, BSD_SYMTAB, HV_START_LOW,
 * L1_MFN_VALID, PHYS32_ENTRY, PHYS32_RELOC and unknown ones) are ignored. */
static int xen_note(struct parse *ps, unsigned type, struct span d)
{
    uint64_t v;
    int rc;

    if (type == PV_ELFNOTE_FEATURES)
        return parse_features(ps, d.p, d.len);
    if (type == PV_ELFNOTE_SUPPORTED_FEATURES)
        return note_supported_features(ps, d);
    if (type >= PV_ELFNOTE_XEN_VERSION && type <= PV_ELFNOTE_LOADER) {
        note_string(ps->info, type, d);
        return 0;
    }
    if (type >= 32 || !(NUMERIC_NOTES & (1U << type)))
        return 0;
    if ((rc = note_number(ps, d, &v)))
        return rc;
    note_store_number(ps, type, v);
    return 0;
}

static uint64_t align4(uint64_t v)
{
    return (v + 3) & ~3ULL;
}

/* Walk the notes in s; the last note's descriptor padding may be missing. */
static int walk_notes(struct parse *ps, struct span s)
{
    uint64_t off = 0;

    while (s.len - off >= NOTE_HDR_SIZE) {
        const uint8_t *n = s.p + off;
        uint64_t namesz = rd(n, 4), descsz = rd(n + 4, 4), left = s.len - off - NOTE_HDR_SIZE;
        struct span d = {n + NOTE_HDR_SIZE + align4(namesz), descsz};
        int rc;

        if (align4(namesz) > left || descsz > left - align4(namesz))
            return fail(ps, -PV_ENOEXEC, "note size overflows its section");
        if (++ps->nr_notes > MAX_NOTES)
            return fail(ps, -PV_ENOEXEC, "too many ELF notes");
        if (namesz == 4 && memcmp(n + NOTE_HDR_SIZE, PV_ELFNOTE_NAME, 4) == 0) {
            ps->xen_notes++;
            if ((rc = xen_note(ps, (unsigned)rd(n + 8, 4), d)))
                return rc;
        }
        off += NOTE_HDR_SIZE + align4(namesz) + align4(descsz);
        if (off > s.len)
            break;
    }
    return 0;
}

static int note_range(struct parse *ps, uint64_t off, uint64_t len, struct span *s)
{
    if (!in_file(ps, off, len))
        return fail(ps, -PV_ENOEXEC, "truncated note section");
    s->p = ps->img + off;
    s->len = len;
    return 0;
}

/* The PT_NOTE segments (p_offset 0 is skipped, as some binutils leave it unset; Xen does too),
 * or the SHT_NOTE sections (from 1), used only when no PT_NOTE segment held a Xen note (Xen's
 * fallback). */
static int notes_from(struct parse *ps, bool sections)
{
    for (unsigned i = sections; i < (sections ? ps->shnum : ps->phnum); i++) {
        const uint8_t *h = sections ? shdr(ps, i) : phdr(ps, i);
        uint64_t off = rd(h + (sections ? 24 : 8), 8);
        struct span s;
        int rc;

        if (sections ? rd(h + 4, 4) != SHT_NOTE : (rd(h, 4) != PT_NOTE || off == 0))
            continue;
        if ((rc = note_range(ps, off, rd(h + 32, 8), &s)) || (rc = walk_notes(ps, s)))
            return rc;
    }
    return 0;
}

/* ---- legacy __xen_guest section: "KEY=VALUE,KEY=VALUE,..." ---- */

static bool section_named(const struct parse *ps, const uint8_t *sh, const char *name)
{
    const uint8_t *strtab;
    uint64_t off, len, name_off = rd(sh, 4), want = lib_strlen(name) + 1;

    if (ps->shstrndx == 0 || ps->shstrndx >= ps->shnum)
        return false;
    strtab = shdr(ps, ps->shstrndx);
    off = rd(strtab + 24, 8);
    len = rd(strtab + 32, 8);
    if (!in_file(ps, off, len) || name_off > len || want > len - name_off)
        return false;
    return memcmp(ps->img + off + name_off, name, want) == 0;
}

static int find_guest_info(struct parse *ps, struct span *s)
{
    for (unsigned i = 1; i < ps->shnum; i++) {
        const uint8_t *sh = shdr(ps, i);

        if (!section_named(ps, sh, "__xen_guest"))
            continue;
        if (!in_file(ps, rd(sh + 24, 8), rd(sh + 32, 8)))
            return fail(ps, -PV_ENOEXEC, "truncated __xen_guest section");
        s->p = ps->img + rd(sh + 24, 8);
        s->len = str_len(s->p, rd(sh + 32, 8));
        return 1;
    }
    return 0;
}

static int digit_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
}

/* Number in C notation (0x.. hex, 0.. octal, else decimal), whole word, no overflow. */
static bool parse_number(const uint8_t *w, uint64_t len, uint64_t *val)
{
    unsigned base = 10;
    uint64_t v = 0;

    if (len > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        base = 16;
        w += 2;
        len -= 2;
    } else if (len > 1 && w[0] == '0') {
        base = 8;
    }
    if (len == 0)
        return false;
    for (uint64_t i = 0; i < len; i++) {
        unsigned d = (unsigned)digit_value(w[i]);
        if (d >= base || v > (~0ULL - d) / base)
            return false;
        v = v * base + d;
    }
    *val = v;
    return true;
}

static int legacy_number(struct parse *ps, const uint8_t *k, uint64_t klen, struct span v)
{
    uint64_t n;

    if (!parse_number(v.p, v.len, &n))
        return fail(ps, -PV_ENOEXEC, "bad number in __xen_guest");
    if (word_is(k, klen, "VIRT_BASE")) {
        ps->virt_base = n;
        ps->has_virt_base = true;
    } else if (word_is(k, klen, "VIRT_ENTRY")) {
        ps->note_entry = n;
        ps->has_entry = true;
    } else if (word_is(k, klen, "ELF_PADDR_OFFSET")) {
        ps->paddr_offset = n;
        ps->has_paddr_offset = true;
    } else {
        if (n >= (1ULL << 52))
            return fail(ps, -PV_ENOEXEC, "bad number in __xen_guest");
        ps->info->hypercall_page = n << 12; /* a pfn; virt_base is added later */
        ps->info->has_hypercall_page = true;
    }
    return 0;
}

/* One KEY=VALUE pair. PAE and BSD_SYMTAB (and unknown keys) are ignored. */
static int legacy_pair(struct parse *ps, const uint8_t *k, uint64_t klen, struct span v)
{
    struct elf_xen_info *in = ps->info;

    if (word_is(k, klen, "LOADER"))
        copy_str(in->loader, v.p, v.len);
    else if (word_is(k, klen, "GUEST_OS"))
        copy_str(in->guest_os, v.p, v.len);
    else if (word_is(k, klen, "GUEST_VER"))
        copy_str(in->guest_version, v.p, v.len);
    else if (word_is(k, klen, "XEN_VER"))
        copy_str(in->xen_version, v.p, v.len);
    else if (word_is(k, klen, "FEATURES"))
        return parse_features(ps, v.p, v.len);
    else if (word_is(k, klen, "VIRT_BASE") || word_is(k, klen, "VIRT_ENTRY") ||
             word_is(k, klen, "ELF_PADDR_OFFSET") || word_is(k, klen, "HYPERCALL_PAGE"))
        return legacy_number(ps, k, klen, v);
    return 0;
}

static int legacy_item(struct parse *ps, const uint8_t *p, uint64_t len)
{
    uint64_t eq = 0;
    struct span v = {p + len, 0};

    while (eq < len && p[eq] != '=')
        eq++;
    if (eq < len) {
        v.p = p + eq + 1;
        v.len = len - eq - 1;
    }
    return legacy_pair(ps, p, eq, v);
}

static int read_xen_info(struct parse *ps)
{
    struct span s;
    int rc = notes_from(ps, false);

    if (!rc && ps->xen_notes == 0)
        rc = notes_from(ps, true);
    if (rc || ps->xen_notes > 0)
        return rc;
    rc = find_guest_info(ps, &s);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return fail(ps, -PV_ENOEXEC, "no Xen ELF notes (not a Xen-ELF image)");
    ps->info->legacy_guest_info = true;
    return for_each_token(ps, s.p, s.len, ',', legacy_item);
}

/* ---- semantic checks ---- */

static int check_identity(struct parse *ps)
{
    const struct elf_xen_info *in = ps->info;

    if (lib_strncmp(in->loader, "generic", 7) != 0 && lib_strncmp(in->guest_os, "linux", 5) != 0)
        return fail(ps, -PV_EINVAL, "LOADER is not \"generic\" and GUEST_OS is not \"linux\"");
    if (lib_strncmp(in->xen_version, "xen-3.0", 7) != 0)
        return fail(ps, -PV_EINVAL, "XEN_VERSION note is not xen-3.0");
    return 0;
}

/* Turn p_paddr into load VAs and check each segment lands in guest-usable address space. */
static int place_segments(struct parse *ps)
{
    struct elf_xen_info *in = ps->info;

    ps->pstart = ~0ULL;
    ps->plast = 0;
    for (unsigned i = 0; i < in->nr_segs; i++) {
        struct elf_xen_seg *s = &in->seg[i];
        uint64_t last;

        s->load_va += in->virt_offset;
        if (s->memsz - 1 > ~0ULL - s->load_va)
            return fail(ps, -PV_EINVAL, "segment wraps the address space");
        last = s->load_va + (s->memsz - 1);
        if (s->load_va < PV_LAYOUT_HOLE_END && last >= PV_LAYOUT_HOLE_START)
            return fail(ps, -PV_EINVAL, "image overlaps the hypervisor area");
        if (!pv_layout_va_ok(s->load_va, last) || last >= ~0ULL - XPAGE)
            return fail(ps, -PV_EINVAL, "segment outside the guest address space");
        ps->pstart = s->load_va < ps->pstart ? s->load_va : ps->pstart;
        ps->plast = last > ps->plast ? last : ps->plast;
    }
    return 0;
}

static int compute_addresses(struct parse *ps)
{
    struct elf_xen_info *in = ps->info;

    if (ps->has_paddr_offset && !ps->has_virt_base)
        return fail(ps, -PV_EINVAL, "PADDR_OFFSET set without VIRT_BASE");
    in->virt_base = ps->has_virt_base ? ps->virt_base : 0;
    if (!ps->has_paddr_offset)
        ps->paddr_offset = in->legacy_guest_info ? in->virt_base : 0;
    in->virt_offset = in->virt_base - ps->paddr_offset;
    if (in->legacy_guest_info && in->has_hypercall_page)
        in->hypercall_page += in->virt_base;
    in->virt_entry = ps->has_entry ? ps->note_entry : ps->entry;
    return place_segments(ps);
}

/* Xen's bounds: virt_base <= kstart <= entry <= kend; then our own hypercall-page and p2m rules. */
static int check_addresses(struct parse *ps)
{
    struct elf_xen_info *in = ps->info;

    if (in->virt_base % XPAGE)
        return fail(ps, -PV_EINVAL, "VIRT_BASE is not page aligned");
    if (in->virt_entry < ps->pstart || in->virt_entry > ps->plast + 1 || in->virt_base > ps->pstart)
        return fail(ps, -PV_EINVAL, "ELF start or entry out of bounds");
    in->virt_kstart = ps->pstart & ~(XPAGE - 1);
    in->virt_kend = (ps->plast | (XPAGE - 1)) + 1;
    if (in->has_hypercall_page &&
        (in->hypercall_page % XPAGE || in->hypercall_page < in->virt_kstart ||
         in->hypercall_page >= in->virt_kend))
        return fail(ps, -PV_EINVAL, "hypercall page outside the image or not page aligned");
    if (in->has_init_p2m && in->init_p2m >= in->virt_kstart && in->init_p2m < in->virt_kend)
        return fail(ps, -PV_EINVAL, "INIT_P2M base inside the image");
    return 0;
}

static int check_features(struct parse *ps)
{
    uint32_t missing = ps->info->feat_required[0] & ~ps->hv_features;

    for (unsigned i = 0; i < NR_FEATURES; i++)
        if (missing & (1U << i))
            return fail(ps, -PV_EOPNOTSUPP, feature_names[i].refusal);
    return 0;
}

static int parse_all(struct parse *ps)
{
    int rc;

    if ((rc = read_ehdr(ps)) || (rc = read_segments(ps)) || (rc = read_xen_info(ps)) ||
        (rc = check_identity(ps)) || (rc = compute_addresses(ps)) || (rc = check_addresses(ps)))
        return rc;
    return check_features(ps);
}

int elf_xen_parse(const void *image, uint64_t size, uint32_t hv_features_supported,
                  struct elf_xen_info *info, const char **why)
{
    struct parse ps = {.img = image, .size = image ? size : 0, .hv_features = hv_features_supported,
                       .info = info};
    int rc;

    memset(info, 0, sizeof(*info));
    rc = parse_all(&ps);
    if (rc)
        memset(info, 0, sizeof(*info));
    *why = rc ? ps.why : "ok";
    return rc;
}

void elf_xen_load(const void *image, const struct elf_xen_info *info,
                  const struct elf_xen_sink *sink)
{
    const uint8_t *img = image;

    for (unsigned i = 0; i < info->nr_segs; i++) {
        const struct elf_xen_seg *s = &info->seg[i];

        if (s->filesz)
            sink->copy(sink->ctx, s->load_va, img + s->file_off, s->filesz);
        if (s->memsz > s->filesz)
            sink->zero(sink->ctx, s->load_va + s->filesz, s->memsz - s->filesz);
    }
}
