/* The test image's hooks (hypervisor/include/testhook.h): the reference figures for make bench
 * (bench.c, bench_ring3.asm) and the lifecycle self-test (selftest.c). */
#include "testhook.h"
#include "bench.h"
#include "selftest.h"

void testhook_boot(enum testhook_stage stage, const struct boot_info *bi)
{
    switch (stage) {
    case TESTHOOK_ENTRY:
        bench_mark_entry();
        break;
    case TESTHOOK_CPU0_READY:
        bench_init(bi);
        bench_syscall_reference();
        break;
    case TESTHOOK_SMP_READY:
        bench_ipi_reference();
        break;
    case TESTHOOK_DOMAINS_BUILT:
        selftest_init(bi); /* selftest=lifecycle */
        break;
    }
}

void testhook_guest_line(void)
{
    bench_guest_line();
}

void testhook_ipi(void)
{
    bench_ipi_pong();
}

bool testhook_trap(const struct cpu_regs *r)
{
    return bench_trap(r);
}

bool testhook_due(uint64_t now)
{
    return selftest_due(now);
}

void testhook_poll(void)
{
    selftest_poll();
}

bool testhook_pending(void)
{
    return selftest_pending();
}
