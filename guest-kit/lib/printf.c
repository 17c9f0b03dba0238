/* guest-kit: vsnprintf and printf to the console. */
#include "internal.h"

/* Output state: characters beyond size are counted but dropped. */
struct out {
    char *buf;
    size_t size, len;
};

/* One conversion's flags. */
struct spec {
    bool left, zero, alt;
    int width, precision;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* Emit a string (precision limits its length) padded to the width. */
static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    size_t max = sp->precision >= 0 ? (size_t)sp->precision : (size_t)-1;
    int n = (int)gk_strnlen(s, max);

    if (!sp->left)
        pad(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - n);
}

/* Emit a number in base (8, 10, 16) with an optional minus sign and prefix. */
static void put_num(struct out *o, uint64_t v, bool neg, unsigned base, bool upper,
                    const char *prefix, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, extra = (neg ? 1 : 0) + (int)gk_strlen(prefix);
    size_t start = o->len;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (!sp->left && !sp->zero)
        pad(o, ' ', sp->width - n - extra);
    if (neg)
        put(o, '-');
    while (*prefix)
        put(o, *prefix++);
    if (!sp->left && sp->zero)
        pad(o, '0', sp->width - n - extra);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', sp->width - (int)(o->len - start));
}

/* Parse flags, width and precision at *fmt. */
static void parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
    const char *f = *fmt;

    *sp = (struct spec){.precision = -1};
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else if (*f == '#')
            sp->alt = true;
        else if (*f != '+' && *f != ' ')
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        f++;
    }
    for (; *f >= '0' && *f <= '9'; f++)
        sp->width = sp->width * 10 + (*f - '0');
    if (*f == '.') {
        sp->precision = 0;
        for (f++; *f >= '0' && *f <= '9'; f++)
            sp->precision = sp->precision * 10 + (*f - '0');
    }
    *fmt = f;
}

/* Parse a length modifier: returns the argument size in bytes (4 or 8). */
static int parse_length(const char **fmt)
{
    int size = 4;

    while (**fmt == 'l' || **fmt == 'h' || **fmt == 'z' || **fmt == 't' || **fmt == 'j') {
        if (**fmt != 'h')
            size = 8;
        (*fmt)++;
    }
    return size;
}

static void convert(struct out *o, char c, int size, const struct spec *sp, va_list *ap)
{
    int64_t sv;
    uint64_t uv;

    switch (c) {
    case 'd':
    case 'i':
        sv = size == 8 ? va_arg(*ap, int64_t) : va_arg(*ap, int);
        put_num(o, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, sv < 0, 10, false, "", sp);
        return;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        uv = size == 8 ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);
        put_num(o, uv, false,
                c == 'u'   ? 10
                : c == 'o' ? 8
                           : 16,
                c == 'X', sp->alt && (c == 'x' || c == 'X') ? "0x" : "", sp);
        return;
    case 'p':
        put_num(o, (uint64_t)(uintptr_t)va_arg(*ap, void *), false, 16, false, "0x", sp);
        return;
    case 'c':
        put(o, (char)va_arg(*ap, int));
        return;
    case 's': {
        const char *s = va_arg(*ap, const char *);
        put_str(o, s ? s : "(null)", sp);
        return;
    }
    default:
        put(o, '%');
        put(o, c);
    }
}

int gk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {.buf = buf, .size = size};
    struct spec sp;
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        if (*fmt == '%') {
            put(&o, *fmt++);
            continue;
        }
        parse_spec(&fmt, &sp, &args);
        int len = parse_length(&fmt);
        if (!*fmt)
            break;
        convert(&o, *fmt++, len, &sp, &args);
    }
    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int gk_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = gk_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int gk_vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = gk_vsnprintf(buf, sizeof(buf), fmt, ap);

    gk_console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}

int gk_printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = gk_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
