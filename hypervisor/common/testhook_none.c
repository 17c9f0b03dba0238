/* The production image's test hooks (testhook.h): none does anything. */
#include "testhook.h"

void testhook_boot(enum testhook_stage stage, const struct boot_info *bi)
{
}

void testhook_guest_line(void)
{
}

void testhook_ipi(void)
{
}

bool testhook_trap(const struct cpu_regs *r)
{
    return false;
}

bool testhook_due(uint64_t now)
{
    return false;
}

void testhook_poll(void)
{
}

bool testhook_pending(void)
{
    return false;
}
