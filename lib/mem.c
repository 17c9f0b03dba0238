/* lib: memcpy, memmove, memset and memcmp, for the parts that have no C library. Copies move
 * 8 bytes at a time at any alignment: plain 64-bit moves are the fastest copy under QEMU's TCG,
 * where string instructions are slow (docs MACHINE-NOTES.md). memcpy moves 64 bytes (eight
 * moves) per turn of its loop: under TCG a turn is one translation block, whose entry costs
 * about as much as the moves, so a 4 KiB copy takes 1.5x less time than with one move per turn
 * (docs/benchmarks.md, grant copy). Build with
 * -fno-tree-loop-distribute-patterns, or the compiler may turn these loops into calls to
 * themselves. */
#include "string.h"

#include <stdint.h>

/* A 64-bit word at any address that may alias any object. */
typedef uint64_t __attribute__((may_alias, aligned(1))) word_t;

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    for (; n >= 64; n -= 64, d += 64, s += 64)
#pragma GCC unroll 8
        for (unsigned i = 0; i < 64; i += 8)
            *(word_t *)(void *)(d + i) = *(const word_t *)(const void *)(s + i);
    for (; n >= 8; n -= 8, d += 8, s += 8)
        *(word_t *)(void *)d = *(const word_t *)(const void *)s;
    while (n--)
        *d++ = *s++;
    return dst;
}

/* Forward when dst is below src or the ranges do not overlap (what memcpy does), else backward. */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    for (; n >= 8; n -= 8)
        *(word_t *)(void *)(d + n - 8) = *(const word_t *)(const void *)(s + n - 8);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    uint64_t pattern = 0x0101010101010101ULL * (unsigned char)c;

    for (; n >= 8; n -= 8, d += 8)
        *(word_t *)(void *)d = pattern;
    while (n--)
        *d++ = (unsigned char)c;
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
