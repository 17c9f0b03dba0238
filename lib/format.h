/* lib: formatted output into a buffer, for freestanding code (lib/README.md). */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* printf-style formatting into buf[size], always NUL-terminated when size > 0; characters past
 * the end are counted but dropped. Returns the length the whole output has (as C's vsnprintf),
 * so a result >= size means it was truncated.
 * Conversions: %d %i %u %x %X %o %c %s %p %%. Flags: '-' (left-justify), '0' (zero-pad), '#'
 * (0x before %x/%X); '+' and ' ' are accepted and ignored. A width (digits or '*'), a
 * precision for %s (".N"), and the length modifiers hh h l ll z t j (h and hh read an int, the
 * others 64 bits). %p prints 0x and the hex address. Anything else prints '%' and the letter. */
int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int lib_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* LIB_FORMAT_H */
