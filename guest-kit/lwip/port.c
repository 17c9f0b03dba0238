/*
 * guest-kit/lwip: what lwIP needs from the platform (NO_SYS): the time in milliseconds, random
 * numbers, diagnostics, and the few C library functions its core and httpd call, over the
 * kit's time source and the freestanding library.
 */
#include <stdarg.h>

#include "arch/cc.h"
#include "gk/kit.h"
#include "gk/time.h"
#include "lib/format.h"
#include "lwip/sys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

u32_t sys_now(void)
{
    return (u32_t)(gk_time_now() / GK_NS_PER_MS);
}

/* xorshift64*, seeded from the time-stamp counter and the system time: DHCP transaction ids and
 * TCP's initial sequence numbers must differ between boots, not resist an attacker. */
uint32_t gk_lwip_rand(void)
{
    static uint64_t x;
    uint32_t lo, hi;

    if (!x) {
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        x = ((uint64_t)hi << 32 | lo) ^ gk_time_now() ^ 0x9e3779b97f4a7c15ULL;
    }
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    return (uint32_t)((x * 0x2545f4914f6cdd1dULL) >> 32);
}

void gk_lwip_diag(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    gk_vprintf(fmt, ap);
    va_end(ap);
}

void gk_lwip_assert(const char *msg, const char *file, int line)
{
    gk_panic("lwIP assertion \"%s\" failed at %s:%d", msg, file, line);
}

size_t strlen(const char *s)
{
    return lib_strlen(s);
}

int strcmp(const char *a, const char *b)
{
    return lib_strcmp(a, b);
}

int strncmp(const char *a, const char *b, size_t n)
{
    return lib_strncmp(a, b, n);
}

char *strchr(const char *s, int c)
{
    return lib_strchr(s, c);
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = lib_strlen(needle);

    for (; *haystack; haystack++)
        if (!lib_strncmp(haystack, needle, n))
            return (char *)haystack;
    return n ? NULL : (char *)haystack;
}

int atoi(const char *s)
{
    int v = 0, neg = 0;

    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return neg ? -v : v;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = lib_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
