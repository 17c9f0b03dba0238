/* Emulated CPUID, RDTSC/RDTSCP, RDMSR/WRMSR, MOV to/from CRn and DRn, CLTS, WBINVD, XSETBV. */
#include "x86/cpuid.h"
#include "x86/ctrlreg.h"
#include "x86/debugreg.h"
#include "x86/emulate_insn.h"
#include "pv-abi/errno.h"
#include "x86/fpu.h"
#include "x86/msr.h"
#include "x86/cpu.h"

#define MODRM_XSETBV 0xd1
#define MODRM_RDTSCP 0xf9

static void set_edx_eax(struct cpu_regs *r, uint64_t val)
{
    r->rax = (uint32_t)val;
    r->rdx = val >> 32;
}

/* CPUID from guest user mode faults once the guest enabled CPUID faulting for itself. */
enum emul_rc emul_op_cpuid(struct insn *in)
{
    struct cpu_regs *r = in->regs;
    uint32_t out[4];

    if (in->user && in->v->cpuid_faulting)
        return EMUL_NOT_HANDLED;
    cpuid_guest(in->v, (uint32_t)r->rax, (uint32_t)r->rcx, out);
    r->rax = out[0];
    r->rbx = out[1];
    r->rcx = out[2];
    r->rdx = out[3];
    return EMUL_OK;
}

/* RDTSC faults only while the hypervisor sets CR4.TSD, which it does when the guest set its
 * virtual TSD: then guest user mode gets #GP and guest kernel mode the TSC. */
enum emul_rc emul_op_rdtsc(struct insn *in)
{
    if (in->user && in->v->guest_tsd)
        return EMUL_NOT_HANDLED;
    set_edx_eax(in->regs, arch_rdtsc());
    return EMUL_OK;
}

static enum emul_rc rdtscp(struct insn *in)
{
    if (!cpuid_guest_has(CPUID_F_RDTSCP))
        return emul_raise(in, X86_EXC_UD, false, 0, 0);
    if (in->user && in->v->guest_tsd)
        return EMUL_NOT_HANDLED;
    set_edx_eax(in->regs, arch_rdtsc());
    in->regs->rcx = (uint32_t)in->v->tsc_aux;
    return EMUL_OK;
}

/* 0F 01: only XSETBV and RDTSCP. PV guests never see XSAVE here, so their CR4.OSXSAVE is clear
 * and XSETBV raises #UD, which comes before the privilege check. */
enum emul_rc emul_op_group7(struct insn *in)
{
    enum emul_rc rc = emul_next_byte(in, &in->modrm);

    if (rc != EMUL_OK)
        return rc;
    if (in->modrm == MODRM_XSETBV)
        return emul_raise(in, X86_EXC_UD, false, 0, 0);
    return in->modrm == MODRM_RDTSCP ? rdtscp(in) : EMUL_NOT_HANDLED;
}

/* 0F 30 WRMSR / 0F 32 RDMSR: index in ecx, value in edx:eax; refused MSRs raise #GP(0). */
enum emul_rc emul_op_msr(struct insn *in)
{
    struct cpu_regs *r = in->regs;
    uint32_t idx = (uint32_t)r->rcx;
    uint64_t val;

    if (in->op == 0x30) {
        val = ((uint64_t)(uint32_t)r->rdx << 32) | (uint32_t)r->rax;
        if (msr_guest_write(in->v, idx, val))
            return emul_raise(in, X86_EXC_GP, true, 0, 0);
        return EMUL_OK;
    }
    if (msr_guest_read(in->v, idx, &val))
        return emul_raise(in, X86_EXC_GP, true, 0, 0);
    set_edx_eax(r, val);
    return EMUL_OK;
}

/* Xen reflects the original #GP for registers it does not know and for refused writes. */
static enum emul_rc mov_cr(struct insn *in, unsigned cr, uint64_t *gpr, bool to_gpr)
{
    uint64_t val;
    int rc;

    if (to_gpr) {
        if (ctrlreg_read(in->v, cr, &val))
            return EMUL_NOT_HANDLED;
        *gpr = val;
        return EMUL_OK;
    }
    rc = ctrlreg_write(in->v, cr, *gpr);
    if (rc == -PV_ERESTART) {
        in->stay = in->no_progress = true; /* the guest runs it again */
        return EMUL_OK;
    }
    return rc ? EMUL_NOT_HANDLED : EMUL_OK;
}

static enum emul_rc mov_dr(struct insn *in, unsigned dr, uint64_t *gpr, bool to_gpr)
{
    uint64_t val = 0;
    long rc = to_gpr ? debugreg_get(in->v, dr, &val) : debugreg_set(in->v, dr, *gpr);

    if (rc == -PV_ENODEV)
        return emul_raise(in, X86_EXC_UD, false, 0, 0);
    if (rc)
        return emul_raise(in, X86_EXC_GP, true, 0, 0);
    if (to_gpr)
        *gpr = val;
    return EMUL_OK;
}

/* 0F 20/21/22/23: MOV from/to CRn/DRn; ModRM reg (with REX.R) names the control or debug
 * register, rm (with REX.B) the general register, whatever the mod bits; always 64 bits. */
enum emul_rc emul_op_mov_cr_dr(struct insn *in)
{
    enum emul_rc rc = emul_next_byte(in, &in->modrm);
    unsigned n, reg;
    uint64_t *gpr;

    if (rc != EMUL_OK)
        return rc;
    n = ((in->modrm >> 3) & 7) | (in->rex & REX_R ? 8 : 0);
    reg = (in->modrm & 7) | (in->rex & REX_B ? 8 : 0);
    gpr = emul_gpr(in->regs, reg);
    return in->op & 1 ? mov_dr(in, n, gpr, !(in->op & 2)) : mov_cr(in, n, gpr, !(in->op & 2));
}

enum emul_rc emul_op_clts(struct insn *in)
{
    vcpu_fpu_taskswitch(in->v, false);
    return EMUL_OK;
}

/* WBINVD (and F3-prefixed WBNOINVD): no domain may flush caches without device access, which
 * none has yet, so like Xen for such domains it does nothing (Linux uses it in timing loops). */
enum emul_rc emul_op_wbinvd(struct insn *in)
{
    return EMUL_OK;
}
