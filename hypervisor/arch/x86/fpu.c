/* Guest FPU/SSE state (FXSAVE format) and the virtual CR0.TS flag. */
#include "x86/fpu.h"
#include "x86/bounce.h"
#include "lib.h"
#include "x86/cpu.h"

void arch_fpu_init_vcpu(struct vcpu *v)
{
    memset(v->fpu_state, 0, sizeof(v->fpu_state));
    *(uint16_t *)&v->fpu_state[0] = 0x37f;      /* FCW: all exceptions masked */
    *(uint32_t *)&v->fpu_state[24] = 0x1f80;    /* MXCSR default */
    v->guest_ts = false;
}

void fpu_save(struct vcpu *v)
{
    clts();
    __asm__ volatile("fxsave64 %0" : "=m"(v->fpu_state));
}

void fpu_restore(struct vcpu *v)
{
    clts();
    __asm__ volatile("fxrstor64 %0" ::"m"(v->fpu_state));
    if (v->guest_ts)
        write_cr0(read_cr0() | X86_CR0_TS);
}

void vcpu_fpu_taskswitch(struct vcpu *v, bool set)
{
    v->guest_ts = set;
    if (set)
        write_cr0(read_cr0() | X86_CR0_TS);
    else
        clts();
}

void fpu_device_not_available(struct vcpu *v, struct cpu_regs *r)
{
    /* Real TS is set only while the guest's virtual TS is: hand the fault to the guest and, as
     * Xen does, clear its TS so the handler need not. */
    vcpu_fpu_taskswitch(v, false);
    bounce_trap(v, r, X86_EXC_NM, false, 0);
}
