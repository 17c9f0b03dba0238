/* lib: lib_vsnprintf and lib_snprintf (lib/format.h). */
#include "format.h"
#include "string.h"

#include <stdbool.h>
#include <stdint.h>

/* The output: characters past size - 1 are counted, not stored. */
struct out {
    char *buf;
    size_t size, len;
};

/* One conversion: its flags, width, precision (-1: none), argument size (4 or 8 bytes) and
 * whether hex digits are upper case. */
struct spec {
    bool left, zero, alt, upper;
    int width, precision, size;
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

/* A string, cut to the precision, padded with spaces to the width. */
static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    size_t max = sp->precision >= 0 ? (size_t)sp->precision : (size_t)-1;
    int n = (int)lib_strnlen(s, max);

    if (!sp->left)
        pad(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - n);
}

/* A number in base with its minus sign and prefix, padded to the width: spaces before it, zeros
 * between the prefix and the digits, or (left-justified) spaces after it. */
static void put_num(struct out *o, uint64_t v, bool neg, unsigned base, const char *prefix,
                    const struct spec *sp)
{
    const char *digits = sp->upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, fill;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    fill = sp->width - n - (neg ? 1 : 0) - (int)lib_strlen(prefix);
    if (!sp->left && !sp->zero)
        pad(o, ' ', fill);
    if (neg)
        put(o, '-');
    while (*prefix)
        put(o, *prefix++);
    if (!sp->left && sp->zero)
        pad(o, '0', fill);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', fill);
}

static const char *parse_flags(const char *f, struct spec *sp)
{
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else if (*f == '#')
            sp->alt = true;
        else if (*f != '+' && *f != ' ')
            return f;
    }
}

/* Flags, width, precision and length modifier at f; returns the conversion letter's address. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){.precision = -1, .size = 4};
    f = parse_flags(f, sp);
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
    for (; *f == 'l' || *f == 'h' || *f == 'z' || *f == 't' || *f == 'j'; f++)
        if (*f != 'h')
            sp->size = 8;
    return f;
}

static void put_signed(struct out *o, const struct spec *sp, va_list *ap)
{
    int64_t v = sp->size == 8 ? va_arg(*ap, int64_t) : va_arg(*ap, int);

    put_num(o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, "", sp);
}

static void put_unsigned(struct out *o, unsigned base, const char *prefix, const struct spec *sp,
                         va_list *ap)
{
    uint64_t v = sp->size == 8 ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);

    put_num(o, v, false, base, prefix, sp);
}

static void convert(struct out *o, char c, struct spec *sp, va_list *ap)
{
    const char *s;

    sp->upper = c == 'X';
    switch (c) {
    case 'd':
    case 'i':
        put_signed(o, sp, ap);
        return;
    case 'u':
        put_unsigned(o, 10, "", sp, ap);
        return;
    case 'o':
        put_unsigned(o, 8, "", sp, ap);
        return;
    case 'x':
    case 'X':
        put_unsigned(o, 16, sp->alt ? "0x" : "", sp, ap);
        return;
    case 'p':
        put_num(o, (uint64_t)(uintptr_t)va_arg(*ap, void *), false, 16, "0x", sp);
        return;
    case 'c':
        put(o, (char)va_arg(*ap, int));
        return;
    case 's':
        s = va_arg(*ap, const char *);
        put_str(o, s ? s : "(null)", sp);
        return;
    default:
        put(o, '%');
        put(o, c);
    }
}

int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {.buf = buf, .size = size};
    struct spec sp;
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%' || fmt[1] == '%') {
            put(&o, *fmt);
            fmt += *fmt == '%' ? 2 : 1;
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp, &args);
        if (!*fmt)
            break;
        convert(&o, *fmt++, &sp, &args);
    }
    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = lib_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
