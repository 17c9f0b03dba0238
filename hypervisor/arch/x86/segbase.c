/* Guest segment bases: set_segment_base and the FS/GS base MSRs write them here (segbase.h). */
#include "pv-abi/arch_x86.h"
#include "pv-abi/errno.h"
#include "percpu.h"
#include "x86/cpu.h"
#include "x86/desc.h"
#include "x86/segbase.h"

/* Loads a user %gs selector (GS_USER_SEL): an unusable selector loads null, as in Xen. */
static void load_user_gs_sel(struct vcpu *v, uint16_t sel)
{
    uint64_t d = gdt_read(sel), self = (uint64_t)percpu(); /* before %gs is reloaded */
    bool ok = (sel & ~3) == 0 || ((d & (1UL << 47)) && ((d >> 45) & 3) == 3 && (d & (1UL << 44)));

    if (!ok)
        sel = 0;
    __asm__ volatile("mov %0, %%gs" ::"r"((uint32_t)sel));
    wrmsr(MSR_GS_BASE, self); /* the load cleared the hypervisor's GS base */
    v->gs = sel;
    if (v->kernel_mode)
        v->gs_base_user = 0;
    else
        wrmsr(MSR_SHADOW_GS_BASE, 0);
}

int segbase_set(struct vcpu *v, unsigned which, uint64_t base)
{
    if (which != PV_SEGBASE_GS_USER_SEL && !is_canonical(base))
        return -PV_EINVAL;
    switch (which) {
    case PV_SEGBASE_FS:
        v->fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case PV_SEGBASE_GS_USER:
        v->gs_base_user = base;
        if (!v->kernel_mode)
            wrmsr(MSR_SHADOW_GS_BASE, base);
        return 0;
    case PV_SEGBASE_GS_KERNEL:
        v->gs_base_kernel = base;
        if (v->kernel_mode)
            wrmsr(MSR_SHADOW_GS_BASE, base);
        return 0;
    case PV_SEGBASE_GS_USER_SEL:
        /* A non-null selector gets RPL 3, as Xen fixes it up. */
        load_user_gs_sel(v, (uint16_t)base > 3 ? (uint16_t)base | 3 : 0);
        return 0;
    }
    return -PV_EINVAL;
}
