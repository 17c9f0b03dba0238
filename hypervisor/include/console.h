/* The hypervisor console: serial port output, printk, panic, and serial input routing. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H
#include "types.h"

void console_init(void);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, size_t len);
NORETURN void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Poll the serial port; return a received byte or -1. */
int console_getc(void);

#define BUG_ON(c)                                                                                  \
    do {                                                                                           \
        if (c)                                                                                     \
            panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c);                                    \
    } while (0)

#endif
