/* lib: memory and string functions for freestanding code (lib/README.md). The compiler may emit
 * calls to the four mem* functions, so they keep their standard names (lib/mem.c defines them for
 * the parts that have no C library); the rest carry the lib_ prefix, so that host builds link
 * them next to a C library without replacing any of its functions. */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t lib_strlen(const char *s);
/* The length of s, but at most max (s needs no NUL within max bytes). */
size_t lib_strnlen(const char *s, size_t max);
/* <0, 0, >0 as the first differing byte, compared as unsigned char, is smaller, equal, larger. */
int lib_strcmp(const char *a, const char *b);
int lib_strncmp(const char *a, const char *b, size_t n);
/* The first c in s (c == 0: the terminating NUL), or NULL. */
char *lib_strchr(const char *s, int c);
/* Copies src into a buffer of size n, truncating and always terminating (unless n is 0);
 * returns strlen(src), so a result >= n means the copy was truncated. */
size_t lib_strlcpy(char *dst, const char *src, size_t n);

#endif /* LIB_STRING_H */
