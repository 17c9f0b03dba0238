/* x86 trap and context hypercalls: set_trap_table, stack_switch, fpu_taskswitch, iret and
 * set_segment_base (pv-abi/arch_x86.h). */
#include "pv-abi/arch_x86.h"
#include "x86/bounce.h"
#include "x86/desc_tables.h"
#include "mm.h"
#include "pv-abi/errno.h"
#include "x86/fpu.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "percpu.h"
#include "x86/segbase.h"
#include "pv-abi/shared_info.h"
#include "x86/cpu.h"
#include "pv-abi/vm_assist.h"

long hc_set_trap_table(struct vcpu *v, guest_handle traps)
{
    struct pv_trap_info ti;

    if (!traps.gva) {
        for (unsigned i = 0; i < NR_TRAPS; i++)
            v->trap[i] = (struct vtrap){0};
        return 0;
    }
    for (guest_handle p = traps;; p = guest_handle_add(p, sizeof(ti))) {
        if (guest_copy_from(&ti, p, sizeof(ti)))
            return -PV_EFAULT;
        if (!ti.address)
            return 0;
        if (!guest_range_ok(ti.address, 1))
            return -PV_EINVAL;
        v->trap[ti.vector] = (struct vtrap){ti.address, (uint16_t)(ti.cs | 3), ti.flags};
    }
}

long hc_stack_switch(struct vcpu *v, unsigned long ss, unsigned long rsp)
{
    v->kernel_ss = ss | 3; /* the 64-bit PV kernel runs in ring 3 */
    v->kernel_sp = rsp;
    return 0;
}

long hc_fpu_taskswitch(struct vcpu *v, unsigned long set)
{
    vcpu_fpu_taskswitch(v, set != 0);
    return 0;
}

/* Return from a bounce frame: the guest pushed SS RSP RFLAGS CS RIP and flags, the iret stub
 * pushed RCX R11 RAX (struct pv_iret_context at rsp). */
long hc_iret(struct vcpu *v)
{
    struct cpu_regs *r = percpu_guest_regs();
    struct pv_iret_context ic;

    if (guest_copy_from(&ic, guest_handle_of(r->rsp), sizeof(ic))) {
        domain_crash(v->domain, "iret hypercall: unreadable iret frame");
        return -PV_EFAULT;
    }
    if ((ic.cs & 3) == 3) {
        if (!v->user_l4_mfn) {
            domain_crash(v->domain, "iret to user mode without a user page table");
            return -PV_EFAULT;
        }
        vcpu_toggle_mode(v);
    }
    if (v->domain->vm_assist & (1UL << PV_VMASST_TYPE_architectural_iopl))
        v->iopl = (ic.rflags >> 12) & 3;
    r->rip = ic.rip;
    r->cs = ic.cs | 3;
    r->rflags = (ic.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
    r->rsp = ic.rsp;
    r->ss = ic.ss | 3;
    /* With VGCF_in_syscall the guest asked for SYSRET semantics: rcx/r11 = rip/rflags. */
    r->rcx = (ic.flags & PV_VGCF_in_syscall) ? ic.rip : ic.rcx;
    r->r11 = (ic.flags & PV_VGCF_in_syscall) ? r->rflags : ic.r11;
    r->entry_vector = ENTRY_REWRITTEN;
    v->vcpu_info->evtchn_upcall_mask = !(ic.rflags & X86_EFLAGS_IF);
    v->nmi_masked = false; /* an NMI handler's iret lets the next NMI in (Xen's async mask) */
    return (long)ic.rax;
}

long hc_set_segment_base(struct vcpu *v, int which, unsigned long base)
{
    return segbase_set(v, (unsigned)which, base);
}

/* set_gdt(frame_list, entries): the frames (ceil(entries / 512) of them) become the GDT. */
long hc_set_gdt(struct vcpu *v, guest_handle frame_list, unsigned long entries)
{
    uint64_t frames[14];
    unsigned n = (unsigned)(entries + 511) / 512;
    long rc;

    if (entries > 7168)
        return -PV_EINVAL;
    if (n && guest_copy_from(frames, frame_list, n * sizeof(frames[0])))
        return -PV_EFAULT;
    spin_lock(&v->domain->mm_lock);
    rc = desc_set_gdt(v, frames, (unsigned)entries);
    spin_unlock(&v->domain->mm_lock);
    return rc;
}

/* update_descriptor(maddr, desc): one audited descriptor write. */
long hc_update_descriptor(struct vcpu *v, unsigned long maddr, uint64_t desc)
{
    long rc;

    spin_lock(&v->domain->mm_lock);
    rc = mm_update_descriptor(v->domain, maddr, desc);
    spin_unlock(&v->domain->mm_lock);
    return rc;
}
