/* Command-line parsing: the hypervisor's key[=value] line and each boot module's domain options. */
#include "cmdline.h"
#include "pv-abi/errno.h"
#include "lib.h"

/* A word of a command line: [p, p + len). */
struct word {
    const char *p;
    size_t len;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *s)
{
    while (is_blank(*s))
        s++;
    return s;
}

/* The word starting at or after *s; advances *s past it. len == 0 at the end of the string. */
static struct word next_word(const char **s)
{
    struct word w = {skip_blanks(*s), 0};

    while (w.p[w.len] && !is_blank(w.p[w.len]))
        w.len++;
    *s = w.p + w.len;
    return w;
}

static bool word_is(struct word w, const char *lit)
{
    return lib_strlen(lit) == w.len && memcmp(w.p, lit, w.len) == 0;
}

static bool word_has_prefix(struct word w, const char *prefix)
{
    size_t n = lib_strlen(prefix);

    return w.len >= n && memcmp(w.p, prefix, n) == 0;
}

/* Copy w into dst[size], truncating, always NUL-terminated (size >= 1). */
static void copy_word(char *dst, size_t size, struct word w)
{
    size_t n = w.len < size - 1 ? w.len : size - 1;

    memcpy(dst, w.p, n);
    dst[n] = '\0';
}

/* Decimal digits of w into *v; false on empty, junk or overflow. */
static bool parse_decimal(struct word w, uint64_t *v)
{
    uint64_t n = 0;

    if (w.len == 0)
        return false;
    for (size_t i = 0; i < w.len; i++) {
        unsigned d = (unsigned)(w.p[i] - '0');

        if (w.p[i] < '0' || w.p[i] > '9' || n > (~0ULL - d) / 10)
            return false;
        n = n * 10 + d;
    }
    *v = n;
    return true;
}

/* K, M or G (either case): its shift; 0 for anything else. */
static unsigned suffix_shift(char c)
{
    switch (c | 0x20) {
    case 'k':
        return 10;
    case 'm':
        return 20;
    case 'g':
        return 30;
    }
    return 0;
}

static int parse_size_word(struct word w, uint64_t *bytes)
{
    unsigned shift = 20;
    uint64_t n;

    if (w.len > 0 && suffix_shift(w.p[w.len - 1])) {
        shift = suffix_shift(w.p[w.len - 1]);
        w.len--;
    }
    if (!parse_decimal(w, &n) || n > (~0ULL >> shift))
        return -PV_EINVAL;
    *bytes = n << shift;
    return 0;
}

int cmdline_parse_size(const char *s, uint64_t *bytes)
{
    struct word w = {s, s ? lib_strlen(s) : 0};

    return parse_size_word(w, bytes);
}

/* ---- module options ---- */

static int fail(const char **why, const char *reason)
{
    *why = reason;
    return -PV_EINVAL;
}

static struct word value_of(struct word w, size_t key_len)
{
    return (struct word){w.p + key_len, w.len - key_len};
}

static int opt_mem(struct dom_opts *o, struct word v, const char **why)
{
    uint64_t bytes;

    if (parse_size_word(v, &bytes))
        return fail(why, "bad mem= value (e.g. mem=64M)");
    if (bytes < CMDLINE_MIN_MEM)
        return fail(why, "mem= is below 1M");
    if (bytes % 4096)
        return fail(why, "mem= is not a multiple of 4K");
    o->mem_bytes = bytes;
    return 0;
}

static int opt_maxmem(struct dom_opts *o, struct word v, const char **why)
{
    uint64_t bytes;

    if (parse_size_word(v, &bytes) || bytes % 4096)
        return fail(why, "bad maxmem= value (e.g. maxmem=64M, a multiple of 4K)");
    o->maxmem_bytes = bytes;
    return 0;
}

/* A decimal option value in [lo, hi]. */
static int opt_range(unsigned *out, struct word v, uint64_t lo, uint64_t hi, const char **why,
                     const char *msg)
{
    uint64_t n;

    if (!parse_decimal(v, &n) || n < lo || n > hi)
        return fail(why, msg);
    *out = (unsigned)n;
    return 0;
}

static bool name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

static int opt_name(struct dom_opts *o, struct word v, const char **why)
{
    if (v.len == 0 || v.len >= CMDLINE_NAME_MAX)
        return fail(why, "bad name= value (1..31 characters)");
    for (size_t i = 0; i < v.len; i++)
        if (!name_char_ok(v.p[i]))
            return fail(why, "bad name= value (use A-Z a-z 0-9 _ - .)");
    copy_word(o->name, sizeof(o->name), v);
    return 0;
}

static int parse_option(struct dom_opts *o, struct word w, const char **why)
{
    bool *flag = word_is(w, "console")       ? &o->console_focus
                 : word_is(w, "xenstore")    ? &o->xenstore
                 : word_is(w, "dom0console") ? &o->dom0_console
                                             : NULL;

    if (flag)
        return *flag = true, 0;
    if (word_has_prefix(w, "mem="))
        return opt_mem(o, value_of(w, 4), why);
    if (word_has_prefix(w, "maxmem="))
        return opt_maxmem(o, value_of(w, 7), why);
    if (word_has_prefix(w, "vcpus="))
        return opt_range(&o->vcpus, value_of(w, 6), 1, CMDLINE_MAX_VCPUS, why,
                         "bad vcpus= value (1..32)");
    if (word_has_prefix(w, "name="))
        return opt_name(o, value_of(w, 5), why);
    if (word_has_prefix(w, "weight="))
        return opt_range(&o->weight, value_of(w, 7), 1, 65535, why, "bad weight= value (1..65535)");
    if (word_has_prefix(w, "cap="))
        return opt_range(&o->cap, value_of(w, 4), 0, 6400, why, "bad cap= value (0..6400 percent)");
    if (word_has_prefix(w, "grant_frames="))
        return opt_range(&o->grant_frames, value_of(w, 13), 1, CMDLINE_MAX_GRANT_FRAMES, why,
                         "bad grant_frames= value (1..64)");
    return fail(why, "unknown option before \"--\" (mem= maxmem= vcpus= name= weight= cap= "
                     "grant_frames= console xenstore dom0console)");
}

/* Start of the first standalone "--" word in s, or NULL. */
static const char *find_separator(const char *s)
{
    for (;;) {
        struct word w = next_word(&s);

        if (w.len == 0)
            return NULL;
        if (word_is(w, "--"))
            return w.p;
    }
}

static int parse_options(struct dom_opts *o, const char *s, const char *end, const char **why)
{
    for (;;) {
        struct word w = next_word(&s);
        int rc;

        if (w.len == 0 || w.p >= end)
            return 0;
        if ((rc = parse_option(o, w, why)))
            return rc;
    }
}

int cmdline_parse_module(const char *s, struct dom_opts *o, const char **why)
{
    const char *rest, *sep, *guest;
    size_t len;
    int rc;

    *o = (struct dom_opts){.mem_bytes = CMDLINE_DEFAULT_MEM, .vcpus = 1};
    *why = "ok";
    rest = s ? s : "";
    copy_word(o->path, sizeof(o->path), next_word(&rest));
    sep = find_separator(rest);
    guest = sep ? sep + 2 : rest;
    if (sep && (rc = parse_options(o, rest, sep, why)))
        return rc;
    guest = skip_blanks(guest);
    len = lib_strlen(guest);
    if (len >= CMDLINE_GUEST_MAX)
        return fail(why, "guest command line too long");
    memcpy(o->guest_cmdline, guest, len + 1);
    return 0;
}

bool cmdline_module_is_initrd(const char *s)
{
    const char *rest = s ? s : "";

    next_word(&rest); /* the path */
    return word_is(next_word(&rest), "initrd") && next_word(&rest).len == 0;
}

void cmdline_default_name(struct dom_opts *o, unsigned domid)
{
    if (!o->name[0])
        lib_snprintf(o->name, sizeof(o->name), "d%u", domid);
}

/* ---- hypervisor command line ---- */

/* A key is a non-empty word without '='. */
static bool key_ok(const char *key)
{
    const char *k = key;

    if (!key || !*key)
        return false;
    while (*k && *k != '=' && !is_blank(*k))
        k++;
    return *k == '\0';
}

bool cmdline_get(const char *cmdline, const char *key, char *val, unsigned vlen)
{
    size_t klen;
    bool found = false;
    const char *s = cmdline;

    if (!cmdline || !key_ok(key))
        return false;
    klen = lib_strlen(key);
    for (struct word w = next_word(&s); w.len; w = next_word(&s)) {
        if (!word_has_prefix(w, key) || (w.len > klen && w.p[klen] != '='))
            continue;
        found = true;
        if (vlen)
            copy_word(val, vlen, w.len > klen ? value_of(w, klen + 1) : value_of(w, klen));
    }
    return found;
}
