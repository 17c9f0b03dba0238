/* The hypervisor console: serial port output, printk, panic, and serial input routing. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H
#include "types.h"

void console_init(void);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
NORETURN void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The log ring (conlog.c): the last CONSOLE_LOG_SIZE bytes written to the console, indexed by
 * free-running 32-bit counters. append: console_write's copy; indices: the oldest byte kept and
 * the next to be written; at: the byte of an index (the ring wraps every CONSOLE_LOG_SIZE);
 * clear: forget everything before upto (or all the ring holds if upto fell out of it). */
#define CONSOLE_LOG_SIZE 16384
void console_log_append(const char *s, size_t len);
void console_log_indices(uint32_t *cons, uint32_t *prod);
const char *console_log_at(uint32_t idx);
void console_log_clear(uint32_t upto);

/* Poll the serial port; return a received byte or -1. */
int console_getc(void);

#define BUG_ON(c)                                                                                  \
    do {                                                                                           \
        if (c)                                                                                     \
            panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c);                                    \
    } while (0)

#endif
