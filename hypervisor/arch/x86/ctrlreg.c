/* Virtual CR0/CR2/CR3/CR4 of PV guests (Xen's read_cr/write_cr and pv_fixup_guest_cr4). */
#include "x86/ctrlreg.h"
#include "pv-abi/arch_x86.h"
#include "x86/cpuid.h"
#include "x86/debugreg.h"
#include "x86/desc_tables.h"
#include "pv-abi/errno.h"
#include "x86/fpu.h"
#include "x86/hw_access.h"
#include "mm_baseptr.h"
#include "pv-abi/shared_info.h"
#include "x86/cpu.h"

#define X86_CR4_MCE (1UL << 6)
/* CR4 bits a guest sees from the hypervisor's own setting. */
#define CR4_HOST_VISIBLE (X86_CR4_PAE | X86_CR4_MCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

static uint64_t guest_cr4(const struct vcpu *v)
{
    return (hw_read_cr4() & CR4_HOST_VISIBLE) | (v->guest_tsd ? X86_CR4_TSD : 0) |
           (debugreg_cr4_de(v) ? X86_CR4_DE : 0);
}

int ctrlreg_read(struct vcpu *v, unsigned cr, uint64_t *val)
{
    switch (cr) {
    case 0:
        *val = (hw_read_cr0() & ~X86_CR0_TS) | (v->guest_ts ? X86_CR0_TS : 0);
        return 0;
    case 2:
        *val = v->guest_cr2;
        return 0;
    case 3:
        *val = PV_PFN_TO_CR3(v->kernel_l4_mfn);
        return 0;
    case 4:
        *val = guest_cr4(v);
        return 0;
    }
    return -PV_EINVAL;
}

void ctrlreg_load(struct vcpu *v)
{
    uint64_t cr4 = hw_read_cr4();
    uint64_t want = (cr4 & ~X86_CR4_TSD) | (v->guest_tsd ? X86_CR4_TSD : 0);

    if (want != cr4)
        hw_write_cr4(want);
}

/* The guest owns TSD and DE (FSGSBASE and OSXSAVE too in Xen, but they are hidden here). */
static void set_guest_cr4(struct vcpu *v, uint64_t val)
{
    v->guest_tsd = (val & X86_CR4_TSD) != 0;
    debugreg_set_cr4_de(v, (val & X86_CR4_DE) && cpuid_guest_has(CPUID_F_DE));
    if (v == current_vcpu())
        ctrlreg_load(v);
}

int ctrlreg_write(struct vcpu *v, unsigned cr, uint64_t val)
{
    int rc;

    switch (cr) {
    case 0:
        if ((val ^ hw_read_cr0()) & ~X86_CR0_TS)
            return -PV_EPERM;
        vcpu_fpu_taskswitch(v, (val & X86_CR0_TS) != 0);
        return 0;
    case 2:
        v->guest_cr2 = val;
        if (v->vcpu_info)
            v->vcpu_info->arch.cr2 = val;
        return 0;
    case 3:
        if ((rc = mm_new_baseptr(v, PV_CR3_TO_PFN(val))) == 0)
            desc_ldt_flush(v); /* as NEW_BASEPTR */
        return rc;
    case 4:
        set_guest_cr4(v, val);
        return 0;
    }
    return -PV_EINVAL;
}
