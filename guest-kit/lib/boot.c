/* guest-kit: the boot sequence from the entry stub to gk_main(), shutdown and panic. */
#include "internal.h"

const struct pv_start_info *gk_start_info;
void (*gk_fatal_hook)(const char *msg);

void gk_start(struct pv_start_info *si, uint64_t boot_rsp);

/* Called by _start (arch/head.asm) on the kit's stack, with events masked. */
void gk_start(struct pv_start_info *si, uint64_t boot_rsp)
{
    gk_start_info = si;   /* everything else is found from start_info */
    gk_console_init();    /* output first: console ring or console_io */
    gk_traps_init();      /* virtual IDT: vectors 0-31 and int $0x80 */
    gk_callbacks_init();  /* event, failsafe and syscall entry points */
    gk_mm_init(boot_rsp); /* page allocator over the free pages after the boot stack */
    gk_pt_init();         /* the rest of memory mapped 1:1, for the allocator */
    gk_main();            /* the guest */
    gk_poweroff();
}

bool gk_is_initdomain(void)
{
    return (gk_start_info->flags & PV_SIF_INITDOMAIN) != 0;
}

long gk_shutdown(unsigned int reason)
{
    struct pv_sched_shutdown arg = {.reason = reason};

    gk_console_flush();
    return gk_hypercall_sched_op(PV_SCHEDOP_shutdown, &arg);
}

void gk_poweroff(void)
{
    for (;;) {
        gk_shutdown(PV_SHUTDOWN_poweroff);
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    }
}

void gk_panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    lib_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (gk_fatal_hook)
        gk_fatal_hook(msg); /* a running test reports FAIL and powers off */
    gk_printf("guest-kit: panic: %s\n", msg);
    for (;;) {
        gk_shutdown(PV_SHUTDOWN_crash);
        gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
    }
}

/* Copy the value of token [p, end) after "key=" into buf. */
static bool copy_value(const char *p, const char *end, size_t keylen, char *buf, size_t size)
{
    size_t n = 0;

    p += keylen;
    if (p < end && *p == '=')
        p++;
    while (p < end && n + 1 < size)
        buf[n++] = *p++;
    if (size)
        buf[n] = '\0';
    return true;
}

bool gk_cmdline_get(const char *key, char *buf, size_t size)
{
    const char *p = gk_start_info->cmd_line;
    const char *limit = p + lib_strnlen(p, PV_MAX_GUEST_CMDLINE);
    size_t keylen = lib_strlen(key);

    while (p < limit) {
        const char *end = p;

        while (end < limit && *end != ' ')
            end++;
        if ((size_t)(end - p) >= keylen && lib_strncmp(p, key, keylen) == 0 &&
            (p + keylen == end || p[keylen] == '='))
            return copy_value(p, end, keylen, buf, size);
        p = end + 1;
    }
    return false;
}
