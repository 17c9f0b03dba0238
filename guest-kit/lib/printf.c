/* guest-kit: printf to the console (formatting by lib_vsnprintf, lib/format.h). */
#include "internal.h"

int gk_vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = lib_vsnprintf(buf, sizeof(buf), fmt, ap);

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
