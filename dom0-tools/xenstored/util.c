/*
 * dom0-tools/xenstored/util.c - strings, numbers, allocation and logging for the core, written
 * without a C library so the same core builds freestanding for dom0.
 */
#include "xsd_core.h"
#include "xsd_plat.h"

size_t xsd_strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

bool xsd_streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

bool xsd_strstarts(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return false;
    return true;
}

void *xsd_zalloc(size_t size)
{
    void *p = xsd_plat_alloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

char *xsd_strdup(const char *s)
{
    size_t n = xsd_strlen(s) + 1;
    char *p = xsd_plat_alloc(n);

    if (p)
        memcpy(p, s, n);
    return p;
}

bool xsd_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (v > (max - (uint64_t)(*s - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

size_t xsd_fmt_uint(char *buf, uint64_t v)
{
    char tmp[21];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
    return n;
}

static void put_str(char *buf, size_t size, size_t *pos, const char *s)
{
    while (*s && *pos + 1 < size)
        buf[(*pos)++] = *s++;
}

size_t xsd_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
    size_t pos = 0;
    char num[24];

    if (!size)
        return 0;
    for (; *fmt && pos + 1 < size; fmt++) {
        if (*fmt != '%') {
            buf[pos++] = *fmt;
            continue;
        }
        fmt++;
        if (*fmt == 's') {
            const char *s = va_arg(ap, const char *);
            put_str(buf, size, &pos, s ? s : "(null)");
        } else if (*fmt == 'u') {
            xsd_fmt_uint(num, va_arg(ap, unsigned int));
            put_str(buf, size, &pos, num);
        } else if (*fmt == 'd') {
            int v = va_arg(ap, int);
            if (v < 0)
                put_str(buf, size, &pos, "-");
            xsd_fmt_uint(num, v < 0 ? -(uint64_t)v : (uint64_t)v);
            put_str(buf, size, &pos, num);
        } else if (fmt[0] == 'l' && fmt[1] == 'u') {
            fmt++;
            xsd_fmt_uint(num, va_arg(ap, unsigned long));
            put_str(buf, size, &pos, num);
        } else if (fmt[0] == 'l' && fmt[1] == 'l' && fmt[2] == 'u') {
            fmt += 2;
            xsd_fmt_uint(num, va_arg(ap, unsigned long long));
            put_str(buf, size, &pos, num);
        } else if (*fmt == '%') {
            buf[pos++] = '%';
        } else {
            break; /* unsupported: stop rather than misread the arguments */
        }
    }
    buf[pos] = 0;
    return pos;
}

size_t xsd_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = xsd_vfmt(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void xsd_log(const char *fmt, ...)
{
    char line[256];
    va_list ap;

    va_start(ap, fmt);
    xsd_vfmt(line, sizeof(line), fmt, ap);
    va_end(ap);
    xsd_plat_log(line);
}

unsigned int xsd_count_strings(const char *buf, size_t len)
{
    unsigned int n = 0;
    size_t i;

    for (i = 0; i < len; i++)
        if (!buf[i])
            n++;
    return n;
}

/* The names xenstore sends, in Xen's table order (xs_wire.h). */
static const struct {
    int err;
    const char *name;
} errnames[] = {
    {PV_EINVAL, "EINVAL"}, {PV_EACCES, "EACCES"},   {PV_EEXIST, "EEXIST"},
    {PV_EISDIR, "EISDIR"}, {PV_ENOENT, "ENOENT"},   {PV_ENOMEM, "ENOMEM"},
    {PV_ENOSPC, "ENOSPC"}, {PV_EIO, "EIO"},         {PV_ENOTEMPTY, "ENOTEMPTY"},
    {PV_ENOSYS, "ENOSYS"}, {PV_EROFS, "EROFS"},     {PV_EBUSY, "EBUSY"},
    {PV_EAGAIN, "EAGAIN"}, {PV_EISCONN, "EISCONN"}, {PV_E2BIG, "E2BIG"},
    {PV_EPERM, "EPERM"},
};

const char *xsd_errname(int err)
{
    size_t i;

    for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
        if (errnames[i].err == -err)
            return errnames[i].name;
    return "EINVAL";
}
