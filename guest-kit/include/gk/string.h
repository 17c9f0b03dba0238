/* guest-kit: the few string and memory functions the kit and its guests need. The compiler may
 * emit calls to memcpy, memmove, memset and memcmp, so those keep their standard names. */
#ifndef GK_STRING_H
#define GK_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t gk_strlen(const char *s);
size_t gk_strnlen(const char *s, size_t max);
int gk_strcmp(const char *a, const char *b);
int gk_strncmp(const char *a, const char *b, size_t n);
char *gk_strchr(const char *s, int c);

#endif /* GK_STRING_H */
