/* Freestanding string/memory helpers (the hypervisor has no libc). */
#ifndef HV_LIB_H
#define HV_LIB_H
#include <stdarg.h>
#include "types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Copy a NUL-terminated string into a buffer of size n, always terminating; returns strlen(src). */
size_t lib_strlcpy(char *dst, const char *src, size_t n);

/* Formatted output into a buffer (subset: %d %i %u %x %X %p %s %c %%, l/ll/z, width, '0', '-'). */
int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int lib_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
