/* guest-kit: console output (console ring or console_io) and printf. */
#ifndef GK_CONSOLE_H
#define GK_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

/* Where output goes: chosen at boot, overridable with "console=ring|io|both" on the domain
 * command line. Default: the console ring if the domain has one (domU), else console_io. */
enum gk_console_mode {
    GK_CONSOLE_IO = 1,   /* console_io(CONSOLEIO_write) */
    GK_CONSOLE_RING = 2, /* the start_info console ring + event channel kick */
    GK_CONSOLE_BOTH = 3,
};

/* Write len bytes to the console. */
void gk_console_write(const char *buf, size_t len);

/* Current mode, and the console ring's virtual address (NULL if none). */
enum gk_console_mode gk_console_mode(void);
void *gk_console_ring(void);

/* printf family. Supports %d %i %u %x %X %o %c %s %p %% with flags '-' '0', a width (number
 * or '*'), a precision for %s, and the length modifiers hh h l ll z t j. */
int gk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int gk_vprintf(const char *fmt, va_list ap);
int gk_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int gk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif /* GK_CONSOLE_H */
