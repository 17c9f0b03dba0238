/*
 * dom0-tools/xenstored/util.c - strings, numbers, allocation and logging for the core, on the
 * freestanding library lib/ (no C library), so the same core builds freestanding for dom0.
 */
#include "xsd_core.h"
#include "xsd_plat.h"

bool xsd_streq(const char *a, const char *b)
{
    return lib_strcmp(a, b) == 0;
}

bool xsd_strstarts(const char *s, const char *prefix)
{
    return lib_strncmp(s, prefix, lib_strlen(prefix)) == 0;
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
    size_t n = lib_strlen(s) + 1;
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
    return (size_t)lib_snprintf(buf, 21, "%lu", v);
}

size_t xsd_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = lib_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return size == 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void xsd_log(const char *fmt, ...)
{
    char line[256];
    va_list ap;

    va_start(ap, fmt);
    lib_vsnprintf(line, sizeof(line), fmt, ap);
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
