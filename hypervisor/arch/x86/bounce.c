/* Bounce frames (docs/porting.md §4): how the hypervisor enters a guest kernel's handlers. */
#include "x86/bounce.h"
#include "console.h"
#include "guest_access.h"
#include "percpu.h"
#include "pv-abi/shared_info.h"
#include "pv-abi/vm_assist.h"
#include "x86/cpu.h"
#include "x86/desc.h"

#define RFLAGS_CLEARED (X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_AC | X86_EFLAGS_VM)

HOT void vcpu_load_cr3(struct vcpu *v)
{
    uint64_t mfn = v->kernel_mode ? v->kernel_l4_mfn : v->user_l4_mfn;
    uint64_t t = __atomic_load_n(&tlb_clock, __ATOMIC_SEQ_CST);

    __asm__ volatile("mov %0, %%cr3" ::"r"(mfn << PAGE_SHIFT) : "memory");
    __atomic_store_n(&percpu()->flush_time, t, __ATOMIC_RELEASE); /* a full flush (ipi.c) */
}

void arch_vcpu_root_changed(struct vcpu *v)
{
    if (v == current_vcpu())
        vcpu_load_cr3(v);
}

HOT void vcpu_toggle_mode(struct vcpu *v)
{
    /* While the hypervisor runs, the guest's active GS base sits in MSR_SHADOW_GS_BASE. */
    if (v->kernel_mode) {
        v->gs_base_kernel = rdmsr(MSR_SHADOW_GS_BASE);
        wrmsr(MSR_SHADOW_GS_BASE, v->gs_base_user);
    } else {
        v->gs_base_user = rdmsr(MSR_SHADOW_GS_BASE);
        wrmsr(MSR_SHADOW_GS_BASE, v->gs_base_kernel);
    }
    v->kernel_mode = !v->kernel_mode;
    vcpu_load_cr3(v);
}

/* Push the frame (extra words between RIP and R11: error code, or the failsafe selectors) on
 * the guest kernel stack and point the register frame at handler. */
HOT static bool bounce_to(struct vcpu *v, struct cpu_regs *r, uint64_t handler,
                          const uint64_t *extra, unsigned nr_extra, bool mask_events)
{
    uint8_t *mask = &v->vcpu_info->evtchn_upcall_mask;
    bool was_kernel = v->kernel_mode;
    uint64_t f[13], sp;
    unsigned n = 0;

    if (!was_kernel) {
        if (!v->kernel_l4_mfn)
            return false;
        vcpu_toggle_mode(v);
    }
    sp = (was_kernel ? r->rsp : v->kernel_sp) & ~15UL;
    f[n++] = r->rcx;
    f[n++] = r->r11;
    for (unsigned i = nr_extra; i-- > 0;)
        f[n++] = extra[i];
    f[n++] = r->rip;
    f[n++] = (was_kernel ? r->cs & ~3UL : r->cs) | ((uint64_t)*mask << 32);
    /* The virtual IOPL shows only with VMASST_TYPE_architectural_iopl, as in Xen. */
    f[n++] = (r->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL)) | (*mask ? 0 : X86_EFLAGS_IF) |
             (v->domain->vm_assist & (1UL << PV_VMASST_TYPE_architectural_iopl)
                  ? (uint64_t)v->iopl << 12 & X86_EFLAGS_IOPL
                  : 0);
    f[n++] = r->rsp;
    f[n++] = r->ss; /* only CS tells kernel from user context, as in Xen */
    sp -= n * 8;
    if (!is_canonical(sp) || guest_copy_to(guest_handle_of(sp), f, n * 8))
        return false;
    r->rsp = sp;
    r->rip = handler;
    r->cs = SEL_RING3_CS64;
    r->ss = SEL_RING3_DS;
    r->rflags = (r->rflags & ~RFLAGS_CLEARED) | X86_EFLAGS_IF;
    r->entry_vector = ENTRY_REWRITTEN;
    if (mask_events)
        *mask = 1;
    return true;
}

static bool has_error_code(unsigned vector)
{
    return vector == X86_EXC_DF || (vector >= X86_EXC_TS && vector <= X86_EXC_PF) ||
           vector == X86_EXC_AC || vector == X86_EXC_CP;
}

static void deliver(struct vcpu *v, struct cpu_regs *r, unsigned vector, bool has_ec, uint32_t ec)
{
    const struct vtrap *t = &v->trap[vector];
    uint64_t e = ec;

    if (!t->address) {
        printk("(hv) d%u: unhandled exception vector %u at rip %lx (ec %x)\n", v->domain->domid,
               vector, r->rip, ec);
        domain_crash(v->domain, "unhandled exception");
        return;
    }
    if (!bounce_to(v, r, t->address, &e, has_ec, t->flags & 4))
        domain_crash(v->domain, "guest kernel stack cannot take an exception frame");
}

void bounce_trap(struct vcpu *v, struct cpu_regs *r, unsigned vector, bool has_ec, uint32_t ec)
{
    if (vector == X86_EXC_PF) {
        /* The U bit tells guest user from guest kernel, not ring 3 from ring 0. */
        ec = v->kernel_mode ? ec & ~4u : ec | 4u;
        v->vcpu_info->arch.cr2 = v->guest_cr2;
    }
    deliver(v, r, vector, has_ec && has_error_code(vector), ec);
}

void bounce_soft_int(struct vcpu *v, struct cpu_regs *r, unsigned vector)
{
    deliver(v, r, vector, false, 0);
}

HOT void bounce_syscall(struct vcpu *v, struct cpu_regs *r)
{
    uint64_t cb = r->cs == SEL_RING3_CS32 ? v->syscall32_callback : v->syscall_callback;

    if (!cb) {
        bounce_trap(v, r, X86_EXC_UD, false, 0);
        return;
    }
    r->rflags &= ~X86_EFLAGS_DF;
    if (!bounce_to(v, r, cb, NULL, 0, v->syscall_disables_events))
        domain_crash(v->domain, "guest kernel stack cannot take a syscall frame");
}

HOT void arch_bounce_nmi_if_pending(struct vcpu *v, struct cpu_regs *r)
{
    const struct vtrap *t = &v->trap[X86_EXC_NMI];

    if (v->nmi_masked || !__atomic_exchange_n(&v->nmi_pending, false, __ATOMIC_ACQ_REL))
        return;
    if (!t->address)
        return; /* no handler: the NMI is lost */
    if (!bounce_to(v, r, t->address, NULL, 0, t->flags & 4))
        domain_crash(v->domain, "guest kernel stack cannot take an NMI frame");
    else
        v->nmi_masked = true;
}

HOT void arch_bounce_events_if_pending(struct vcpu *v, struct cpu_regs *r)
{
    struct pv_vcpu_info *vi = v->vcpu_info;

    if (!vi->evtchn_upcall_pending || vi->evtchn_upcall_mask || !v->event_callback)
        return;
    if (!bounce_to(v, r, v->event_callback, NULL, 0, true))
        domain_crash(v->domain, "guest kernel stack cannot take an event frame");
}

void arch_bounce_failsafe(struct vcpu *v, struct cpu_regs *r, const char *why, const uint16_t *sel)
{
    uint16_t live[4];
    uint64_t frame_sel[4];

    if (!v->failsafe_callback) {
        printk("(hv) d%u: cannot return to guest: %s\n", v->domain->domid, why);
        domain_crash(v->domain, "bad return frame and no failsafe callback");
        return;
    }
    if (!sel) { /* the selectors the guest has loaded right now */
        __asm__ volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                         : "=r"(live[0]), "=r"(live[1]), "=r"(live[2]), "=r"(live[3]));
        sel = live;
    }
    for (unsigned i = 0; i < 4; i++)
        frame_sel[i] = sel[3 - i]; /* pushed GS first (highest), DS last */
    if (!bounce_to(v, r, v->failsafe_callback, frame_sel, 4, v->failsafe_disables_events))
        domain_crash(v->domain, "guest kernel stack cannot take a failsafe frame");
}

static bool desc_ok(uint16_t sel, bool code)
{
    uint64_t d;
    unsigned type;

    if (sel == (code ? SEL_RING3_CS64 : SEL_RING3_DS))
        return true; /* the hypervisor's own flat ring-3 descriptors (every bounce frame's) */
    d = gdt_read(sel);
    type = (d >> 40) & 0x1f; /* S bit and type */
    if ((sel & 3) != 3 || !(d & (1UL << 47)) || ((d >> 45) & 3) != 3)
        return false;
    return code ? (type & 0x18) == 0x18 : (type & 0x1a) == 0x12;
}

/* Why iretq would refuse this frame's selectors or rip, or NULL. The rsp is not checked: a
 * non-canonical one is restored as the guest asked (iretq and SYSRET load it as it is) and the
 * guest takes #SS when it next uses its stack, as on Xen. */
HOT static const char *bad_selector_or_rip(const struct cpu_regs *r)
{
    if (!desc_ok((uint16_t)r->cs, true))
        return "code selector not usable from ring 3";
    if (!desc_ok((uint16_t)r->ss, false))
        return "stack selector not usable from ring 3";
    if (r->rip >= 0xffff800000000000UL && r->rip < 0xffff880000000000UL)
        return "rip in the hypervisor area";
    return NULL;
}

HOT bool arch_bounce_fix_frame(struct vcpu *v, struct cpu_regs *r)
{
    const char *bad = bad_selector_or_rip(r);

    if (bad) {
        arch_bounce_failsafe(v, r, bad, NULL);
        return false;
    }
    if (!is_canonical(r->rip)) {
        /* Xen returns such a frame with IRETQ, which faults; the fault becomes the guest's
         * #GP(0) at that rip. Never SYSRET: on Intel it would fault in ring 0. */
        bounce_trap(v, r, X86_EXC_GP, true, 0);
        return false;
    }
    return true;
}
