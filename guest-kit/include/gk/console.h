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

/* Resume in a new domain: the ring and port again from start_info. */
void gk_console_resume(void);
/* Current mode, and the console ring's virtual address (NULL if none). */
enum gk_console_mode gk_console_mode(void);
void *gk_console_ring(void);

/* printf to the console: lib_vsnprintf's formats (lib/format.h), 512 bytes at most per call;
 * returns the whole output's length. */
int gk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int gk_vprintf(const char *fmt, va_list ap);

#endif /* GK_CONSOLE_H */
