/* lib: string functions for freestanding code (lib/string.h). */
#include "string.h"

size_t lib_strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t lib_strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int lib_strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return (unsigned char)a[i] - (unsigned char)b[i];
        if (!a[i])
            return 0;
    }
    return 0;
}

int lib_strcmp(const char *a, const char *b)
{
    return lib_strncmp(a, b, (size_t)-1);
}

char *lib_strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

size_t lib_strlcpy(char *dst, const char *src, size_t n)
{
    size_t len = lib_strlen(src);

    if (n) {
        size_t k = len < n - 1 ? len : n - 1;

        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return len;
}
