/* The hypervisor's reference figures for `make bench` (hypervisor command line: bench): a bare
 * SYSCALL/SYSRET from ring-3 code in a scratch page of the idle address space, a direct PTE write,
 * a memcpy of pages through the direct map, an IPI round trip, and the boot time to the first
 * guest console line. */
#include "bench.h"
#include "cmdline.h"
#include "console.h"
#include "frame.h"
#include "lib.h"
#include "paging.h"
#include "time.h"
#include "arch.h"
#include "smp.h"
#include "x86/apic.h"
#include "x86/cpu.h"
#include "x86/desc.h"

#define BENCH_CODE_VA 0x400000UL
#define BENCH_STACK_VA 0x401000UL
#define BENCH_ROUNDS 10000

uint64_t bench_ring3_run(uint64_t user_rip, uint64_t user_rsp);
NORETURN void bench_resume(uint64_t result);
extern char bench_lstar[], entry_syscall[];
extern const char bench_user_code[], bench_user_code_end[];

static bool enabled, active, first_line_seen;
static uint64_t entry_tsc;
static uint8_t trap_stack[4096] ALIGNED(16);

void bench_mark_entry(void)
{
    entry_tsc = rdtsc();
}

void bench_init(const struct boot_info *bi)
{
    enabled = cmdline_get(bi->cmdline, "bench", NULL, 0);
}

void bench_guest_line(void)
{
    uint64_t us;

    if (!enabled || first_line_seen)
        return;
    first_line_seen = true;
    us = (rdtsc() - entry_tsc) * 1000 / time_tsc_khz();
    printk("(hv) bench: first guest console line %lu us after hypervisor entry\n", us);
}

bool bench_trap(const struct cpu_regs *r)
{
    if (!active || r->entry_vector != X86_EXC_UD)
        return false;
    active = false;
    bench_resume(r->rax);
}

/* The floor of a validated page-table update: the same PTE write and invlpg done directly by
 * the hypervisor on one of its own mappings. */
static void bench_pte_reference(uint64_t mfn)
{
    uint64_t *pte = paging_hv_pte(BENCH_CODE_VA), best = ~0ULL;

    for (unsigned run = 0; run < BENCH_ROUNDS / 500; run++) { /* the fastest run of 500 */
        uint64_t t0 = rdtsc();

        for (unsigned i = 0; i < 500; i++) {
            __atomic_store_n(pte, (mfn << PAGE_SHIFT) | PTE_P | PTE_US | (i & 1 ? PTE_RW : 0),
                             __ATOMIC_RELAXED);
            invlpg(BENCH_CODE_VA);
        }
        best = MIN(best, (rdtsc() - t0) / 500);
    }
    printk("(hv) bench: direct PTE write + invlpg by the hypervisor: %lu cycles\n", best);
}

/* The copy loop of a grant copy without the grant: memcpy (lib/mem.c) of 16 pages, each
 * into another page, through the direct map as gnttab_copy reaches frames; the fastest of 50 runs
 * of 40 rounds, per page. Set against the guest's memcpy of its own pages (bench-grant). */
static void bench_copy_reference(void)
{
    uint64_t src[16], dst[16], best = ~0ULL;

    for (unsigned i = 0; i < 16; i++) {
        src[i] = frame_alloc();
        dst[i] = frame_alloc();
        if (src[i] == FRAME_NONE || dst[i] == FRAME_NONE)
            panic("bench: no memory");
        memset(mfn_to_virt(src[i]), 0x5a, PAGE_SIZE);
    }
    for (unsigned run = 0; run < 50; run++) {
        uint64_t t0 = rdtsc();

        for (unsigned k = 0; k < 40; k++)
            for (unsigned i = 0; i < 16; i++)
                memcpy(mfn_to_virt(dst[i]), mfn_to_virt(src[i]), PAGE_SIZE);
        best = MIN(best, (rdtsc() - t0) / (40 * 16));
    }
    for (unsigned i = 16; i--;) { /* the free list as it was: the guests get the same frames */
        frame_free(dst[i]);
        frame_free(src[i]);
    }
    printk("(hv) bench: memcpy 4 KiB by the hypervisor (direct map, 16 pages): %lu cycles\n", best);
}

void bench_syscall_reference(void)
{
    uint64_t code, stack, cycles, old_rsp0;

    if (!enabled)
        return;
    code = frame_alloc();
    stack = frame_alloc();
    if (code == FRAME_NONE || stack == FRAME_NONE)
        panic("bench: no memory");
    memcpy(mfn_to_virt(code), bench_user_code, (size_t)(bench_user_code_end - bench_user_code));
    paging_map_hv(BENCH_CODE_VA, code, PTE_P | PTE_US);
    paging_map_hv(BENCH_STACK_VA, stack, PTE_P | PTE_RW | PTE_US | PTE_NX);
    old_rsp0 = cpu_set_rsp0((uint64_t)trap_stack + sizeof(trap_stack));
    wrmsr(MSR_LSTAR, (uint64_t)bench_lstar);
    active = true;
    cycles = bench_ring3_run(BENCH_CODE_VA, BENCH_STACK_VA + PAGE_SIZE);
    wrmsr(MSR_LSTAR, (uint64_t)entry_syscall);
    cpu_set_rsp0(old_rsp0);
    bench_pte_reference(code);
    bench_copy_reference();
    frame_free(paging_unmap_hv(BENCH_CODE_VA));
    frame_free(paging_unmap_hv(BENCH_STACK_VA));
    printk("(hv) bench: bare syscall+sysret round trip from ring 3: %lu cycles\n",
           cycles / 500); /* the fastest run of 500 (bench_ring3.asm) */
}

static volatile uint64_t ping, pong;

void bench_ipi_pong(void)
{
    pong = ping;
}

void bench_ipi_reference(void)
{
    uint64_t t0, worst = 0;

    if (!enabled)
        return;
    if (arch_nr_cpus() < 2) {
        printk("(hv) bench: IPI round trip: needs 2 CPUs (--smp 2)\n");
        return;
    }
    t0 = rdtsc();
    for (unsigned i = 1; i <= 1000; i++) {
        uint64_t s = rdtsc(), deadline = s + time_tsc_khz() * 100; /* 100 ms */

        ping = i;
        apic_send_ipi(smp_apic_id(1), APIC_TEST_VECTOR);
        while (pong != i && rdtsc() < deadline)
            arch_ipi_serve();
        if (pong != i) {
            printk("(hv) bench: IPI round trip: CPU 1 did not answer\n");
            return;
        }
        worst = MAX(worst, rdtsc() - s);
    }
    printk("(hv) bench: IPI round trip CPU 0 -> CPU 1 -> CPU 0: %lu ns (worst %lu ns)\n",
           (rdtsc() - t0) / 1000 * 1000000 / time_tsc_khz(), worst * 1000000 / time_tsc_khz());
}
