/* Serial console (COM1, 115200 8N1): hypervisor messages (also kept in the log ring, conlog.c),
 * panic, and raw input polling. */
#include "console.h"
#include "lib.h"
#include "arch.h"
#include "spinlock.h"

#define COM1 0x3f8

static bool panicking; /* the log ring's lock may be held by the CPU that panicked */

void console_init(void)
{
    outb(COM1 + 1, 0x00); /* no interrupts: input is polled by the hypervisor */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        cpu_relax();
    outb(COM1, (uint8_t)c);
}

static void console_write(const char *s, size_t len)
{
    if (!panicking)
        console_log_append(s, len);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int console_getc(void)
{
    return !(inb(COM1 + 5) & 0x01) ? -1 : inb(COM1);
}

static void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int n = lib_vsnprintf(buf, sizeof(buf), fmt, ap);

    console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static spinlock_t print_lock = SPINLOCK_INIT; /* whole messages, never interleaved */

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    spin_lock(&print_lock);
    vprintk(fmt, ap);
    spin_unlock(&print_lock);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    __asm__ volatile("cli");
    panicking = true;
    printk("\n(hv) PANIC: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
    arch_power_off(POWER_EXIT_PANIC);
}
