/* guest-kit/lwip: <string.h> for lwIP, over the freestanding library (lib/string.h). */
#ifndef GK_LWIP_STRING_H
#define GK_LWIP_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

#endif /* GK_LWIP_STRING_H */
