/* Freestanding memory/string helpers and a small vsnprintf for the hypervisor. */
#include "lib.h"

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    size_t q = n / 8;

    /* rep movsq, not movsb: movsb is pathologically slow under TCG (MACHINE-NOTES). */
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q)::"memory");
    for (size_t i = 0; i < (n & 7); i++)
        ((char *)d)[i] = ((const char *)src)[i];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    size_t q = n / 8;
    uint64_t v = 0x0101010101010101ULL * (uint8_t)c;

    __asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
    for (size_t i = 0; i < (n & 7); i++)
        ((char *)d)[i] = (char)c;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    char *d = dst;
    const char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return (unsigned char)a[i] - (unsigned char)b[i];
        if (!a[i])
            return 0;
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? NULL : (char *)s;
}

size_t lib_strlcpy(char *dst, const char *src, size_t n)
{
    size_t len = strlen(src);

    if (n) {
        size_t k = len < n - 1 ? len : n - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return len;
}

struct outbuf {
    char *buf;
    size_t size, pos;
};

static void put(struct outbuf *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

struct spec {
    unsigned width, base;
    bool zero, left, neg, upper;
};

static void put_num(struct outbuf *o, uint64_t v, struct spec *sp)
{
    char tmp[24];
    const char *digits = sp->upper ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned n = 0, len;

    do {
        tmp[n++] = digits[v % sp->base];
        v /= sp->base;
    } while (v);
    len = n + sp->neg;
    if (sp->neg && sp->zero)
        put(o, '-');
    for (; !sp->left && len < sp->width; len++)
        put(o, sp->zero ? '0' : ' ');
    if (sp->neg && !sp->zero)
        put(o, '-');
    while (n)
        put(o, tmp[--n]);
    for (; sp->left && len < sp->width; len++)
        put(o, ' ');
}

static void put_str(struct outbuf *o, const char *s, struct spec *sp)
{
    size_t len = strlen(s ? s : "(null)");

    for (; !sp->left && len < sp->width; len++)
        put(o, ' ');
    for (s = s ? s : "(null)"; *s; s++)
        put(o, *s);
    for (; sp->left && len < sp->width; len++)
        put(o, ' ');
}

/* Reads an integer argument of the size given by the length modifier count. */
static uint64_t get_arg(va_list *ap, int lng, bool sign)
{
    if (lng >= 1)
        return va_arg(*ap, uint64_t);
    return sign ? (uint64_t)(int64_t)va_arg(*ap, int) : va_arg(*ap, unsigned);
}

static const char *parse_spec(const char *f, struct spec *sp, int *lng)
{
    *sp = (struct spec){.base = 10};
    for (;; f++) {
        if (*f == '0')
            sp->zero = true;
        else if (*f == '-')
            sp->left = true;
        else
            break;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (unsigned)(*f++ - '0');
    for (*lng = 0; *f == 'l' || *f == 'z'; f++)
        (*lng)++;
    return f;
}

static void format_one(struct outbuf *o, char c, struct spec *sp, int lng, va_list *ap)
{
    uint64_t v;

    switch (c) {
    case 'd':
    case 'i':
        v = get_arg(ap, lng, true);
        sp->neg = (int64_t)v < 0;
        put_num(o, sp->neg ? -v : v, sp);
        break;
    case 'u':
    case 'x':
    case 'X':
        sp->base = c == 'u' ? 10 : 16;
        sp->upper = c == 'X';
        put_num(o, get_arg(ap, lng, false), sp);
        break;
    case 'p':
        sp->base = 16;
        put(o, '0');
        put(o, 'x');
        put_num(o, (uint64_t)va_arg(*ap, void *), sp);
        break;
    case 's':
        put_str(o, va_arg(*ap, const char *), sp);
        break;
    case 'c':
        put(o, (char)va_arg(*ap, int));
        break;
    default:
        put(o, '%');
        put(o, c);
    }
}

int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct outbuf o = {buf, size, 0};
    va_list aq;

    va_copy(aq, ap);
    for (const char *f = fmt; *f; f++) {
        struct spec sp;
        int lng;

        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        f = parse_spec(f + 1, &sp, &lng);
        if (!*f)
            break;
        if (*f == '%')
            put(&o, '%');
        else
            format_one(&o, *f, &sp, lng, &aq);
    }
    va_end(aq);
    if (size)
        buf[o.pos < size ? o.pos : size - 1] = '\0';
    return (int)o.pos;
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
