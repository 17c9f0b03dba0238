/* vCPU context switch on one CPU: the frame, data segments and their bases, FPU state, page
 * tables, descriptor tables, debug/control registers and MSRs. */
#include "arch.h"
#include "x86/bounce.h"
#include "x86/ctrlreg.h"
#include "x86/debugreg.h"
#include "x86/desc_tables.h"
#include "x86/fpu.h"
#include "x86/msr.h"
#include "percpu.h"
#include "time.h"
#include "x86/cpu.h"
#include "x86/desc.h"

void arch_context_save(struct vcpu *v, struct cpu_regs *r)
{
    v->regs = *r;
    __asm__ volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                     : "=r"(v->ds), "=r"(v->es), "=r"(v->fs), "=r"(v->gs));
    v->fs_base = rdmsr(MSR_FS_BASE);
    if (v->kernel_mode)
        v->gs_base_kernel = rdmsr(MSR_SHADOW_GS_BASE);
    else
        v->gs_base_user = rdmsr(MSR_SHADOW_GS_BASE);
    fpu_save(v);
}

/* A selector the guest may hold in a data segment register: null or a DPL-3 data/readable code. */
static bool data_sel_ok(uint16_t sel)
{
    uint64_t d = gdt_read(sel);

    if ((sel & ~3) == 0)
        return true;
    return (d & (1UL << 47)) && ((d >> 45) & 3) == 3 && (d & (1UL << 44)) &&
           (!(d & (1UL << 43)) || (d & (1UL << 41)));
}

/* Loads the data selectors; a selector that is no longer valid is left null and reported. */
static bool load_segments(struct vcpu *v)
{
    bool ok = data_sel_ok(v->ds) && data_sel_ok(v->es) && data_sel_ok(v->fs) && data_sel_ok(v->gs);
    uint64_t self = (uint64_t)percpu();

    if (ok) {
        __asm__ volatile("mov %0, %%ds; mov %1, %%es; mov %2, %%fs; mov %3, %%gs" ::"r"(v->ds),
                         "r"(v->es), "r"(v->fs), "r"(v->gs));
    } else {
        __asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%fs; mov %0, %%gs" ::"r"(0));
    }
    wrmsr(MSR_GS_BASE, self); /* loading %gs cleared the hypervisor's own base */
    wrmsr(MSR_FS_BASE, v->fs_base);
    wrmsr(MSR_SHADOW_GS_BASE, v->kernel_mode ? v->gs_base_kernel : v->gs_base_user);
    return ok;
}

/* next's page tables, unless this CPU kept them loaded since next last ran (here: no other CPU
 * loaded them since, whose flushes next may have relied on) and its root is the same. While
 * they change, the CPU holds the translations of both domains (ipi.c's cpu_holds). */
static void load_tables(struct percpu *pc, struct vcpu *next)
{
    _Static_assert(MAX_DOMAINS <= 64, "a bit of percpu.holds per domain");
    uint64_t bit = 1UL << next->domain->domid;

    if (pc->lazy != next || next->tables_cpu != pc->cpu_id ||
        read_cr3() >> PAGE_SHIFT != (next->kernel_mode ? next->kernel_l4_mfn : next->user_l4_mfn)) {
        __atomic_fetch_or(&pc->holds, bit, __ATOMIC_SEQ_CST);
        vcpu_load_cr3(next);
        __atomic_store_n(&pc->holds, bit, __ATOMIC_RELEASE);
        next->tables_cpu = pc->cpu_id;
    }
    pc->lazy = NULL;
}

void arch_context_load(struct vcpu *next, struct cpu_regs *r)
{
    *r = next->regs;
    time_publish(next); /* a fresh time stamp on every switch-in */
    load_tables(percpu(), next);
    fpu_restore(next);
    debugreg_load(next);
    desc_load(next);
    ctrlreg_load(next);
    msr_load(next);
    if (!load_segments(next)) {
        uint16_t sel[4] = {next->ds, next->es, next->fs, next->gs};

        next->ds = next->es = next->fs = next->gs = 0;
        arch_bounce_failsafe(next, r, "saved data segment selectors are no longer valid", sel);
    }
}
