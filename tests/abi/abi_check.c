/*
 * tests/abi/abi_check.c - conformance of pv-abi/ against Debian's Xen 4.17 public headers.
 *
 * Compiles our headers and Xen's into one translation unit and compares, at run time so that
 * every mismatch is reported: the size of every structure, the offset and size of every field,
 * and the value of every constant. Prints one line per mismatch and a summary; exits 1 on any.
 * A few items are newer than Xen 4.17 or hypervisor-internal there; those are compared with
 * the value Xen documents, and say so.
 */
/* Xen's headers default to their latest interface (0x00040e00 in Debian's 4.17); __XEN_TOOLS__
 * exposes the toolstack-only sub-op numbers we define too. */
#define __XEN_TOOLS__ 1

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <xen/arch-x86/hvm/start_info.h>
#include <xen/callback.h>
#include <xen/domctl.h>
#include <xen/elfnote.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/io/blkif.h>
#include <xen/io/console.h>
#include <xen/io/netif.h>
#include <xen/io/xenbus.h>
#include <xen/io/xs_wire.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/sched.h>
#include <xen/sysctl.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/xen.h>

#include "pv-abi/pv.h"

static unsigned int nr_checks;
static unsigned int nr_failures;

static void check_value(const char *what, unsigned long long ours, unsigned long long xen)
{
    nr_checks++;
    if (ours == xen)
        return;
    nr_failures++;
    printf("MISMATCH %s: ours %llu (0x%llx), xen %llu (0x%llx)\n", what, ours, ours, xen, xen);
}

static void check_string(const char *what, const char *ours, const char *xen)
{
    nr_checks++;
    if (strcmp(ours, xen) == 0)
        return;
    nr_failures++;
    printf("MISMATCH %s: ours \"%s\", xen \"%s\"\n", what, ours, xen);
}

#define VAL(what, ours, xen)                                                                       \
    check_value(what, (unsigned long long)(ours), (unsigned long long)(xen))

/* PV_<n> against Xen's <n>. */
#define SAME(n) VAL("PV_" #n, PV_##n, n)
/* PV_<n> against Xen's XEN_<n>. */
#define XSAME(n) VAL("PV_" #n, PV_##n, XEN_##n)
/* A constant absent from the Xen 4.17 headers, against the value upstream Xen documents. */
#define LITERAL(n, v) VAL(#n " (newer or internal in Xen)", n, v)

/* Whole structures, and fields spelled the same in both. */
#define SIZE(ps, xs) VAL("sizeof(struct " #ps ")", sizeof(struct ps), sizeof(struct xs))
#define MEMBER_SIZE(s, f) sizeof(((struct s *)0)->f)
#define FIELD(ps, xs, f)                                                                           \
    do {                                                                                           \
        VAL("offsetof(" #ps ", " #f ")", offsetof(struct ps, f), offsetof(struct xs, f));          \
        VAL("sizeof(" #ps "." #f ")", MEMBER_SIZE(ps, f), MEMBER_SIZE(xs, f));                     \
    } while (0)
/* A field we name differently (explicit padding, or a renamed Xen field). */
#define FIELD_AS(ps, pf, xs, xf)                                                                   \
    do {                                                                                           \
        VAL("offsetof(" #ps ", " #pf ")", offsetof(struct ps, pf), offsetof(struct xs, xf));       \
        VAL("sizeof(" #ps "." #pf ")", MEMBER_SIZE(ps, pf), MEMBER_SIZE(xs, xf));                  \
    } while (0)
/* A field at a fixed offset (explicit padding Xen leaves implicit, or newer than 4.17). */
#define FIELD_AT(ps, f, off, size)                                                                 \
    do {                                                                                           \
        VAL("offsetof(" #ps ", " #f ")", offsetof(struct ps, f), off);                             \
        VAL("sizeof(" #ps "." #f ")", MEMBER_SIZE(ps, f), size);                                   \
    } while (0)

static void check_errno(void)
{
    /* clang-format off */
    XSAME(EPERM); XSAME(ENOENT); XSAME(ESRCH); XSAME(EIO); XSAME(ENXIO); XSAME(E2BIG);
    XSAME(ENOEXEC); XSAME(EBADF); XSAME(ECHILD); XSAME(EAGAIN); XSAME(EWOULDBLOCK);
    XSAME(ENOMEM); XSAME(EACCES); XSAME(EFAULT); XSAME(EBUSY); XSAME(EEXIST); XSAME(EXDEV);
    XSAME(ENODEV); XSAME(ENOTDIR); XSAME(EISDIR); XSAME(EINVAL); XSAME(ENFILE); XSAME(EMFILE);
    XSAME(ENOSPC); XSAME(EROFS); XSAME(EMLINK); XSAME(EDOM); XSAME(ERANGE); XSAME(EDEADLK);
    XSAME(EDEADLOCK); XSAME(ENAMETOOLONG); XSAME(ENOLCK); XSAME(ENOSYS); XSAME(ENOTEMPTY);
    XSAME(ENODATA); XSAME(ETIME); XSAME(EBADMSG); XSAME(EOVERFLOW); XSAME(EILSEQ);
    XSAME(ENOTSOCK); XSAME(EMSGSIZE); XSAME(EOPNOTSUPP); XSAME(EADDRINUSE);
    XSAME(EADDRNOTAVAIL); XSAME(ENOBUFS); XSAME(EISCONN); XSAME(ENOTCONN); XSAME(ETIMEDOUT);
    XSAME(ECONNREFUSED);
    /* clang-format on */
    /* Defined by Xen only for the hypervisor build (__XEN__). */
    LITERAL(PV_EINTR, 4);
    LITERAL(PV_ERESTART, 85);
}

#define HC(n) VAL("PV_HYPERCALL_" #n, PV_HYPERCALL_##n, __HYPERVISOR_##n)

static void check_hypercall(void)
{
    /* clang-format off */
    HC(set_trap_table); HC(mmu_update); HC(set_gdt); HC(stack_switch); HC(set_callbacks);
    HC(fpu_taskswitch); HC(sched_op_compat); HC(platform_op); HC(set_debugreg);
    HC(get_debugreg); HC(update_descriptor); HC(memory_op); HC(multicall);
    HC(update_va_mapping); HC(set_timer_op); HC(event_channel_op_compat); HC(xen_version);
    HC(console_io); HC(physdev_op_compat); HC(grant_table_op); HC(vm_assist);
    HC(update_va_mapping_otherdomain); HC(iret); HC(vcpu_op); HC(set_segment_base);
    HC(mmuext_op); HC(xsm_op); HC(nmi_op); HC(sched_op); HC(callback_op); HC(xenoprof_op);
    HC(event_channel_op); HC(physdev_op); HC(hvm_op); HC(sysctl); HC(domctl); HC(kexec_op);
    HC(tmem_op); HC(argo_op); HC(xenpmu_op); HC(dm_op); HC(hypfs_op);
    HC(arch_0); HC(arch_1); HC(arch_2); HC(arch_3); HC(arch_4); HC(arch_5); HC(arch_6);
    HC(arch_7);
    /* clang-format on */

    /* clang-format off */
    SAME(DOMID_FIRST_RESERVED); SAME(DOMID_SELF); SAME(DOMID_IO); SAME(DOMID_XEN);
    SAME(DOMID_COW); SAME(DOMID_INVALID); SAME(DOMID_IDLE); SAME(DOMID_MASK);
    /* clang-format on */
    VAL("sizeof(pv_domid_t)", sizeof(pv_domid_t), sizeof(domid_t));
    VAL("sizeof(pv_guest_ptr_t)", sizeof(pv_guest_ptr_t), sizeof(XEN_GUEST_HANDLE(void)));
    VAL("PV_GUEST_PTR", PV_GUEST_PTR((void *)0x1234), 0x1234);

    /* Hypercall page geometry (xen/arch/x86/pv/hypercall.c: 128 stubs of 32 bytes). */
    LITERAL(PV_HYPERCALL_PAGE_SIZE, 4096);
    LITERAL(PV_HYPERCALL_PAGE_STUB_SIZE, 32);
    LITERAL(PV_HYPERCALL_PAGE_NR_STUBS, 128);
}

static void check_trap_info_macros(void)
{
    struct pv_trap_info pv = {0};
    struct trap_info xen = {0};

    PV_TI_SET_DPL(&pv, 3);
    TI_SET_DPL(&xen, 3);
    PV_TI_SET_IF(&pv, 1);
    TI_SET_IF(&xen, 1);
    VAL("PV_TI_SET_DPL/PV_TI_SET_IF", pv.flags, xen.flags);
    VAL("PV_TI_GET_DPL", PV_TI_GET_DPL(&pv), TI_GET_DPL(&xen));
    VAL("PV_TI_GET_IF", PV_TI_GET_IF(&pv), TI_GET_IF(&xen));
    VAL("PV_TI_DPL_MASK", PV_TI_DPL_MASK, 3);
    VAL("PV_TI_IF_BIT", PV_TI_IF_BIT, TI_GET_IF(&xen));
}

static void check_arch_x86_constants(void)
{
    /* clang-format off */
    SAME(FLAT_RING3_CS32); SAME(FLAT_RING3_CS64); SAME(FLAT_RING3_DS32);
    SAME(FLAT_RING3_DS64); SAME(FLAT_RING3_SS32); SAME(FLAT_RING3_SS64);
    SAME(FLAT_KERNEL_DS64); SAME(FLAT_KERNEL_DS32); SAME(FLAT_KERNEL_DS);
    SAME(FLAT_KERNEL_CS64); SAME(FLAT_KERNEL_CS32); SAME(FLAT_KERNEL_CS);
    SAME(FLAT_KERNEL_SS64); SAME(FLAT_KERNEL_SS32); SAME(FLAT_KERNEL_SS);
    SAME(FLAT_USER_DS64); SAME(FLAT_USER_DS32); SAME(FLAT_USER_DS);
    SAME(FLAT_USER_CS64); SAME(FLAT_USER_CS32); SAME(FLAT_USER_CS);
    SAME(FLAT_USER_SS64); SAME(FLAT_USER_SS32); SAME(FLAT_USER_SS);
    SAME(FIRST_RESERVED_GDT_PAGE); SAME(FIRST_RESERVED_GDT_BYTE);
    SAME(FIRST_RESERVED_GDT_ENTRY);
    SAME(HYPERVISOR_VIRT_START); SAME(HYPERVISOR_VIRT_END);
    SAME(MACH2PHYS_VIRT_START); SAME(MACH2PHYS_VIRT_END); SAME(MACH2PHYS_NR_ENTRIES);
    /* clang-format on */
    VAL("PV_PFN_TO_CR3", PV_PFN_TO_CR3(0x12345), xen_pfn_to_cr3(0x12345));
    VAL("PV_CR3_TO_PFN", PV_CR3_TO_PFN(0x12345000), xen_cr3_to_pfn(0x12345000));
    /* clang-format off */
    SAME(SEGBASE_FS); SAME(SEGBASE_GS_USER); SAME(SEGBASE_GS_KERNEL);
    SAME(SEGBASE_GS_USER_SEL);
    /* clang-format on */
    check_string("PV_EMULATE_PREFIX", PV_EMULATE_PREFIX, XEN_EMULATE_PREFIX);
    check_string("PV_XEN_EMULATE_PREFIX", PV_XEN_EMULATE_PREFIX, XEN_EMULATE_PREFIX);
    check_string("PV_CPUID", PV_CPUID, XEN_CPUID);
    /* Xen 4.17 has no TRAP_INSTR for x86-64 any more; older headers spelled it "syscall". */
    check_string("PV_TRAP_INSTR", PV_TRAP_INSTR, "syscall");

    /* clang-format off */
    SAME(VGCF_I387_VALID); SAME(VGCF_IN_KERNEL); SAME(VGCF_i387_valid); SAME(VGCF_in_kernel);
    SAME(VGCF_failsafe_disables_events); SAME(VGCF_syscall_disables_events);
    SAME(VGCF_online); SAME(VGCF_in_syscall); SAME(VGCF_IN_SYSCALL);
    /* clang-format on */
    VAL("PV_VGCF_i387_valid_BIT", PV_VGCF_i387_valid_BIT, _VGCF_i387_valid);
    VAL("PV_VGCF_in_kernel_BIT", PV_VGCF_in_kernel_BIT, _VGCF_in_kernel);
    VAL("PV_VGCF_failsafe_disables_events_BIT", PV_VGCF_failsafe_disables_events_BIT,
        _VGCF_failsafe_disables_events);
    VAL("PV_VGCF_syscall_disables_events_BIT", PV_VGCF_syscall_disables_events_BIT,
        _VGCF_syscall_disables_events);
    VAL("PV_VGCF_online_BIT", PV_VGCF_online_BIT, _VGCF_online);
    VAL("PV_VGCF_in_syscall_BIT", PV_VGCF_in_syscall_BIT, _VGCF_in_syscall);
    check_trap_info_macros();
}

static void check_arch_x86_structs(void)
{
    SIZE(pv_trap_info, trap_info);
    FIELD(pv_trap_info, trap_info, vector);
    FIELD(pv_trap_info, trap_info, flags);
    FIELD(pv_trap_info, trap_info, cs);
    FIELD_AT(pv_trap_info, pad, 4, 4);
    FIELD(pv_trap_info, trap_info, address);

    SIZE(pv_iret_context, iret_context);
    FIELD(pv_iret_context, iret_context, rax);
    FIELD(pv_iret_context, iret_context, r11);
    FIELD(pv_iret_context, iret_context, rcx);
    FIELD(pv_iret_context, iret_context, flags);
    FIELD(pv_iret_context, iret_context, rip);
    FIELD(pv_iret_context, iret_context, cs);
    FIELD(pv_iret_context, iret_context, rflags);
    FIELD(pv_iret_context, iret_context, rsp);
    FIELD(pv_iret_context, iret_context, ss);

    SIZE(pv_cpu_user_regs, cpu_user_regs);
    FIELD(pv_cpu_user_regs, cpu_user_regs, r15);
    FIELD(pv_cpu_user_regs, cpu_user_regs, r14);
    FIELD(pv_cpu_user_regs, cpu_user_regs, r13);
    FIELD(pv_cpu_user_regs, cpu_user_regs, r12);
    FIELD(pv_cpu_user_regs, cpu_user_regs, rbp);
    FIELD(pv_cpu_user_regs, cpu_user_regs, rbx);
    FIELD(pv_cpu_user_regs, cpu_user_regs, r11);
    FIELD(pv_cpu_user_regs, cpu_user_regs, r10);
    FIELD(pv_cpu_user_regs, cpu_user_regs, r9);
    FIELD(pv_cpu_user_regs, cpu_user_regs, r8);
    FIELD(pv_cpu_user_regs, cpu_user_regs, rax);
    FIELD(pv_cpu_user_regs, cpu_user_regs, rcx);
    FIELD(pv_cpu_user_regs, cpu_user_regs, rdx);
    FIELD(pv_cpu_user_regs, cpu_user_regs, rsi);
    FIELD(pv_cpu_user_regs, cpu_user_regs, rdi);
    FIELD(pv_cpu_user_regs, cpu_user_regs, error_code);
    FIELD(pv_cpu_user_regs, cpu_user_regs, entry_vector);
    FIELD(pv_cpu_user_regs, cpu_user_regs, rip);
    FIELD(pv_cpu_user_regs, cpu_user_regs, cs);
    FIELD(pv_cpu_user_regs, cpu_user_regs, _pad0);
    FIELD(pv_cpu_user_regs, cpu_user_regs, saved_upcall_mask);
    FIELD(pv_cpu_user_regs, cpu_user_regs, _pad1);
    FIELD(pv_cpu_user_regs, cpu_user_regs, rflags);
    FIELD(pv_cpu_user_regs, cpu_user_regs, rsp);
    FIELD(pv_cpu_user_regs, cpu_user_regs, ss);
    FIELD(pv_cpu_user_regs, cpu_user_regs, _pad2);
    FIELD(pv_cpu_user_regs, cpu_user_regs, es);
    FIELD(pv_cpu_user_regs, cpu_user_regs, _pad3);
    FIELD(pv_cpu_user_regs, cpu_user_regs, ds);
    FIELD(pv_cpu_user_regs, cpu_user_regs, _pad4);
    FIELD(pv_cpu_user_regs, cpu_user_regs, fs);
    FIELD(pv_cpu_user_regs, cpu_user_regs, _pad5);
    FIELD(pv_cpu_user_regs, cpu_user_regs, gs);
    FIELD(pv_cpu_user_regs, cpu_user_regs, _pad6);

    SIZE(pv_vcpu_guest_context, vcpu_guest_context);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, fpu_ctxt);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, flags);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, user_regs);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, trap_ctxt);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, ldt_base);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, ldt_ents);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, gdt_frames);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, gdt_ents);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, kernel_ss);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, kernel_sp);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, ctrlreg);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, debugreg);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, event_callback_eip);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, failsafe_callback_eip);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, syscall_callback_eip);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, vm_assist);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, fs_base);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, gs_base_kernel);
    FIELD(pv_vcpu_guest_context, vcpu_guest_context, gs_base_user);
}

static void check_start_info(void)
{
    check_string("PV_START_INFO_MAGIC", PV_START_INFO_MAGIC, "xen-3.0-x86_64");
    SAME(MAX_GUEST_CMDLINE);
    /* clang-format off */
    SAME(SIF_PRIVILEGED); SAME(SIF_INITDOMAIN); SAME(SIF_MULTIBOOT_MOD);
    SAME(SIF_MOD_START_PFN); SAME(SIF_VIRT_P2M_4TOOLS); SAME(SIF_PM_MASK);
    /* clang-format on */

    SIZE(pv_start_info, start_info);
    FIELD(pv_start_info, start_info, magic);
    FIELD(pv_start_info, start_info, nr_pages);
    FIELD(pv_start_info, start_info, shared_info);
    FIELD(pv_start_info, start_info, flags);
    FIELD_AT(pv_start_info, pad0, 52, 4);
    FIELD(pv_start_info, start_info, store_mfn);
    FIELD(pv_start_info, start_info, store_evtchn);
    FIELD_AT(pv_start_info, pad1, 68, 4);
    FIELD(pv_start_info, start_info, console);
    FIELD(pv_start_info, start_info, console.domU);
    FIELD(pv_start_info, start_info, console.domU.mfn);
    FIELD(pv_start_info, start_info, console.domU.evtchn);
    FIELD_AT(pv_start_info, console.domU.pad, 84, 4);
    FIELD(pv_start_info, start_info, console.dom0);
    FIELD(pv_start_info, start_info, console.dom0.info_off);
    FIELD(pv_start_info, start_info, console.dom0.info_size);
    FIELD(pv_start_info, start_info, pt_base);
    FIELD(pv_start_info, start_info, nr_pt_frames);
    FIELD(pv_start_info, start_info, mfn_list);
    FIELD(pv_start_info, start_info, mod_start);
    FIELD(pv_start_info, start_info, mod_len);
    FIELD(pv_start_info, start_info, cmd_line);
    FIELD(pv_start_info, start_info, first_p2m_pfn);
    FIELD(pv_start_info, start_info, nr_p2m_frames);
}

static void check_shared_info(void)
{
    XSAME(LEGACY_MAX_VCPUS);
    VAL("PV_MAX_VIRT_CPUS", PV_MAX_VIRT_CPUS, XEN_LEGACY_MAX_VCPUS);
    /* clang-format off */
    XSAME(PVCLOCK_TSC_STABLE_BIT); XSAME(PVCLOCK_GUEST_STOPPED);
    SAME(XEN_PVCLOCK_TSC_STABLE_BIT); SAME(XEN_PVCLOCK_GUEST_STOPPED);
    /* clang-format on */

    SIZE(pv_vcpu_time_info, vcpu_time_info);
    FIELD(pv_vcpu_time_info, vcpu_time_info, version);
    FIELD(pv_vcpu_time_info, vcpu_time_info, pad0);
    FIELD(pv_vcpu_time_info, vcpu_time_info, tsc_timestamp);
    FIELD(pv_vcpu_time_info, vcpu_time_info, system_time);
    FIELD(pv_vcpu_time_info, vcpu_time_info, tsc_to_system_mul);
    FIELD(pv_vcpu_time_info, vcpu_time_info, tsc_shift);
    FIELD(pv_vcpu_time_info, vcpu_time_info, flags);
    FIELD(pv_vcpu_time_info, vcpu_time_info, pad1);

    SIZE(pv_arch_vcpu_info, arch_vcpu_info);
    FIELD(pv_arch_vcpu_info, arch_vcpu_info, cr2);
    FIELD(pv_arch_vcpu_info, arch_vcpu_info, pad);

    SIZE(pv_vcpu_info, vcpu_info);
    FIELD(pv_vcpu_info, vcpu_info, evtchn_upcall_pending);
    FIELD(pv_vcpu_info, vcpu_info, evtchn_upcall_mask);
    FIELD_AT(pv_vcpu_info, pad0, 2, 6);
    FIELD(pv_vcpu_info, vcpu_info, evtchn_pending_sel);
    FIELD(pv_vcpu_info, vcpu_info, arch);
    FIELD(pv_vcpu_info, vcpu_info, arch.cr2);
    FIELD(pv_vcpu_info, vcpu_info, time);

    SIZE(pv_arch_shared_info, arch_shared_info);
    FIELD(pv_arch_shared_info, arch_shared_info, max_pfn);
    FIELD(pv_arch_shared_info, arch_shared_info, pfn_to_mfn_frame_list_list);
    FIELD(pv_arch_shared_info, arch_shared_info, nmi_reason);
    FIELD(pv_arch_shared_info, arch_shared_info, p2m_cr3);
    FIELD(pv_arch_shared_info, arch_shared_info, p2m_vaddr);
    FIELD(pv_arch_shared_info, arch_shared_info, p2m_generation);

    SIZE(pv_shared_info, shared_info);
    FIELD(pv_shared_info, shared_info, vcpu_info);
    FIELD(pv_shared_info, shared_info, vcpu_info[31]);
    FIELD(pv_shared_info, shared_info, evtchn_pending);
    FIELD(pv_shared_info, shared_info, evtchn_mask);
    FIELD(pv_shared_info, shared_info, wc_version);
    FIELD(pv_shared_info, shared_info, wc_sec);
    FIELD(pv_shared_info, shared_info, wc_nsec);
    FIELD(pv_shared_info, shared_info, wc_sec_hi);
    FIELD(pv_shared_info, shared_info, arch);
}

static void check_callback_op(void)
{
    /* clang-format off */
    SAME(CALLBACKTYPE_event); SAME(CALLBACKTYPE_failsafe); SAME(CALLBACKTYPE_syscall);
    SAME(CALLBACKTYPE_sysenter_deprecated); SAME(CALLBACKTYPE_nmi);
    SAME(CALLBACKTYPE_sysenter); SAME(CALLBACKTYPE_syscall32);
    SAME(CALLBACKF_mask_events);
    /* clang-format on */
    VAL("PV_CALLBACKF_mask_events_BIT", PV_CALLBACKF_mask_events_BIT, _CALLBACKF_mask_events);
    /* clang-format off */
    SAME(CALLBACKOP_register); SAME(CALLBACKOP_unregister);
    /* clang-format on */

    SIZE(pv_callback_register, callback_register);
    FIELD(pv_callback_register, callback_register, type);
    FIELD(pv_callback_register, callback_register, flags);
    FIELD_AT(pv_callback_register, pad, 4, 4);
    FIELD(pv_callback_register, callback_register, address);

    SIZE(pv_callback_unregister, callback_unregister);
    FIELD(pv_callback_unregister, callback_unregister, type);
    FIELD(pv_callback_unregister, callback_unregister, _unused);
}

static void check_console_io(void)
{
    /* clang-format off */
    SAME(CONSOLEIO_write); SAME(CONSOLEIO_read);
    /* clang-format on */
    VAL("sizeof(pv_xencons_ring_idx_t)", sizeof(pv_xencons_ring_idx_t), sizeof(XENCONS_RING_IDX));
    {
        struct pv_xencons_interface pv;
        struct xencons_interface xen;
        VAL("PV_MASK_XENCONS_IDX(in)", PV_MASK_XENCONS_IDX(1500u, pv.in),
            MASK_XENCONS_IDX(1500u, xen.in));
        VAL("PV_MASK_XENCONS_IDX(out)", PV_MASK_XENCONS_IDX(5000u, pv.out),
            MASK_XENCONS_IDX(5000u, xen.out));
    }
    FIELD(pv_xencons_interface, xencons_interface, in);
    FIELD(pv_xencons_interface, xencons_interface, out);
    FIELD(pv_xencons_interface, xencons_interface, in_cons);
    FIELD(pv_xencons_interface, xencons_interface, in_prod);
    FIELD(pv_xencons_interface, xencons_interface, out_cons);
    FIELD(pv_xencons_interface, xencons_interface, out_prod);
    /* The connection flag follows out_prod in Xen >= 4.19 (io/console.h). */
    FIELD_AT(pv_xencons_interface, connection, sizeof(struct xencons_interface), 1);
    LITERAL(sizeof(struct pv_xencons_interface), sizeof(struct xencons_interface) + 4);
    LITERAL(PV_XENCONSOLE_CONNECTED, 0);
    LITERAL(PV_XENCONSOLE_DISCONNECTED, 1);
    LITERAL(PV_XENCONS_CONNECTED, 0);
    LITERAL(PV_XENCONS_DISCONNECTED, 1);
}

#define ELFNOTE(n) VAL("PV_ELFNOTE_" #n, PV_ELFNOTE_##n, XEN_ELFNOTE_##n)

static void check_elfnote(void)
{
    check_string("PV_ELFNOTE_NAME", PV_ELFNOTE_NAME, "Xen");
    /* clang-format off */
    ELFNOTE(INFO); ELFNOTE(ENTRY); ELFNOTE(HYPERCALL_PAGE); ELFNOTE(VIRT_BASE);
    ELFNOTE(PADDR_OFFSET); ELFNOTE(XEN_VERSION); ELFNOTE(GUEST_OS); ELFNOTE(GUEST_VERSION);
    ELFNOTE(LOADER); ELFNOTE(PAE_MODE); ELFNOTE(FEATURES); ELFNOTE(BSD_SYMTAB);
    ELFNOTE(HV_START_LOW); ELFNOTE(L1_MFN_VALID); ELFNOTE(SUSPEND_CANCEL); ELFNOTE(INIT_P2M);
    ELFNOTE(MOD_START_PFN); ELFNOTE(SUPPORTED_FEATURES); ELFNOTE(PHYS32_ENTRY);
    /* clang-format on */
    /* Added in Xen 4.20 (xen/include/public/elfnote.h). */
    LITERAL(PV_ELFNOTE_PHYS32_RELOC, 19);
}

static void check_memory_op(void)
{
    /* clang-format off */
    SAME(XENMEM_increase_reservation); SAME(XENMEM_decrease_reservation);
    SAME(XENMEM_maximum_ram_page); SAME(XENMEM_current_reservation);
    SAME(XENMEM_maximum_reservation); SAME(XENMEM_machphys_mfn_list);
    SAME(XENMEM_populate_physmap); SAME(XENMEM_add_to_physmap); SAME(XENMEM_memory_map);
    SAME(XENMEM_machine_memory_map); SAME(XENMEM_exchange); SAME(XENMEM_machphys_mapping);
    SAME(XENMEM_set_memory_map); SAME(XENMEM_maximum_gpfn); SAME(XENMEM_remove_from_physmap);
    SAME(XENMEM_set_pod_target); SAME(XENMEM_get_pod_target);
    SAME(XENMEM_get_sharing_freed_pages); SAME(XENMEM_get_sharing_shared_pages);
    SAME(XENMEM_paging_op); SAME(XENMEM_access_op); SAME(XENMEM_sharing_op);
    SAME(XENMEM_add_to_physmap_batch); SAME(XENMEM_claim_pages);
    SAME(XENMEM_machphys_compat_mfn_list); SAME(XENMEM_get_vnumainfo);
    SAME(XENMEM_reserved_device_memory_map); SAME(XENMEM_acquire_resource);
    /* clang-format on */

    VAL("PV_XENMEMF_address_bits", PV_XENMEMF_address_bits(39), XENMEMF_address_bits(39));
    VAL("PV_XENMEMF_get_address_bits", PV_XENMEMF_get_address_bits(0x1227u),
        XENMEMF_get_address_bits(0x1227u));
    VAL("PV_XENMEMF_node", PV_XENMEMF_node(3), XENMEMF_node(3));
    VAL("PV_XENMEMF_get_node", PV_XENMEMF_get_node(0x400u), XENMEMF_get_node(0x400u));
    VAL("PV_XENMEMF_exact_node", PV_XENMEMF_exact_node(2), XENMEMF_exact_node(2));
    /* clang-format off */
    SAME(XENMEMF_populate_on_demand); SAME(XENMEMF_exact_node_request); SAME(XENMEMF_vnode);
    /* clang-format on */

    /* clang-format off */
    SAME(XENMAPSPACE_shared_info); SAME(XENMAPSPACE_grant_table); SAME(XENMAPSPACE_gmfn);
    SAME(XENMAPSPACE_gmfn_range); SAME(XENMAPSPACE_gmfn_foreign); SAME(XENMAPSPACE_dev_mmio);
    SAME(XENMAPIDX_grant_table_status);
    /* clang-format on */

    /* The e820 types Xen uses in memory maps (named XEN_HVM_MEMMAP_TYPE_* there). */
    VAL("PV_E820_RAM", PV_E820_RAM, XEN_HVM_MEMMAP_TYPE_RAM);
    VAL("PV_E820_RESERVED", PV_E820_RESERVED, XEN_HVM_MEMMAP_TYPE_RESERVED);
    VAL("PV_E820_ACPI", PV_E820_ACPI, XEN_HVM_MEMMAP_TYPE_ACPI);
    VAL("PV_E820_NVS", PV_E820_NVS, XEN_HVM_MEMMAP_TYPE_NVS);
    VAL("PV_E820_UNUSABLE", PV_E820_UNUSABLE, XEN_HVM_MEMMAP_TYPE_UNUSABLE);
    VAL("PV_E820_DISABLED", PV_E820_DISABLED, XEN_HVM_MEMMAP_TYPE_DISABLED);
    VAL("PV_E820_PMEM", PV_E820_PMEM, XEN_HVM_MEMMAP_TYPE_PMEM);
    /* BIOS E820 entry: packed {u64 addr, u64 size, u32 type}. */
    LITERAL(sizeof(struct pv_e820_entry), 20);
    FIELD_AT(pv_e820_entry, addr, 0, 8);
    FIELD_AT(pv_e820_entry, size, 8, 8);
    FIELD_AT(pv_e820_entry, type, 16, 4);
}

static void check_memory_op_structs(void)
{
    SIZE(pv_memory_reservation, xen_memory_reservation);
    FIELD(pv_memory_reservation, xen_memory_reservation, extent_start);
    FIELD(pv_memory_reservation, xen_memory_reservation, nr_extents);
    FIELD(pv_memory_reservation, xen_memory_reservation, extent_order);
    FIELD(pv_memory_reservation, xen_memory_reservation, mem_flags);
    FIELD(pv_memory_reservation, xen_memory_reservation, domid);
    FIELD_AT(pv_memory_reservation, pad, 26, 6);

    SIZE(pv_memory_exchange, xen_memory_exchange);
    FIELD(pv_memory_exchange, xen_memory_exchange, in);
    FIELD(pv_memory_exchange, xen_memory_exchange, out);
    FIELD(pv_memory_exchange, xen_memory_exchange, nr_exchanged);

    SIZE(pv_memory_domain, xen_memory_domain);
    FIELD(pv_memory_domain, xen_memory_domain, domid);

    SIZE(pv_machphys_mfn_list, xen_machphys_mfn_list);
    FIELD(pv_machphys_mfn_list, xen_machphys_mfn_list, max_extents);
    FIELD_AT(pv_machphys_mfn_list, pad0, 4, 4);
    FIELD(pv_machphys_mfn_list, xen_machphys_mfn_list, extent_start);
    FIELD(pv_machphys_mfn_list, xen_machphys_mfn_list, nr_extents);
    FIELD_AT(pv_machphys_mfn_list, pad1, 20, 4);

    SAME(XENMEM_resource_ioreq_server); SAME(XENMEM_resource_grant_table);
    SAME(XENMEM_resource_vmtrace_buf); SAME(XENMEM_resource_grant_table_id_shared);
    SAME(XENMEM_resource_grant_table_id_status);
    SIZE(pv_mem_acquire_resource, xen_mem_acquire_resource);
    FIELD(pv_mem_acquire_resource, xen_mem_acquire_resource, domid);
    FIELD(pv_mem_acquire_resource, xen_mem_acquire_resource, type);
    FIELD(pv_mem_acquire_resource, xen_mem_acquire_resource, id);
    FIELD(pv_mem_acquire_resource, xen_mem_acquire_resource, nr_frames);
    FIELD(pv_mem_acquire_resource, xen_mem_acquire_resource, pad);
    FIELD(pv_mem_acquire_resource, xen_mem_acquire_resource, frame);
    FIELD(pv_mem_acquire_resource, xen_mem_acquire_resource, frame_list);

    SIZE(pv_machphys_mapping, xen_machphys_mapping);
    FIELD(pv_machphys_mapping, xen_machphys_mapping, v_start);
    FIELD(pv_machphys_mapping, xen_machphys_mapping, v_end);
    FIELD(pv_machphys_mapping, xen_machphys_mapping, max_mfn);

    SIZE(pv_memory_map, xen_memory_map);
    FIELD(pv_memory_map, xen_memory_map, nr_entries);
    FIELD_AT(pv_memory_map, pad, 4, 4);
    FIELD(pv_memory_map, xen_memory_map, buffer);

    SIZE(pv_foreign_memory_map, xen_foreign_memory_map);
    FIELD(pv_foreign_memory_map, xen_foreign_memory_map, domid);
    FIELD_AT(pv_foreign_memory_map, pad, 2, 6);
    FIELD(pv_foreign_memory_map, xen_foreign_memory_map, map);

    SIZE(pv_add_to_physmap, xen_add_to_physmap);
    FIELD(pv_add_to_physmap, xen_add_to_physmap, domid);
    FIELD(pv_add_to_physmap, xen_add_to_physmap, size);
    FIELD(pv_add_to_physmap, xen_add_to_physmap, space);
    FIELD(pv_add_to_physmap, xen_add_to_physmap, idx);
    FIELD(pv_add_to_physmap, xen_add_to_physmap, gpfn);

    SIZE(pv_remove_from_physmap, xen_remove_from_physmap);
    FIELD(pv_remove_from_physmap, xen_remove_from_physmap, domid);
    FIELD_AT(pv_remove_from_physmap, pad, 2, 6);
    FIELD(pv_remove_from_physmap, xen_remove_from_physmap, gpfn);
}

static void check_platform_op(void)
{
    /* clang-format off */
    SAME(XENPF_INTERFACE_VERSION); SAME(XENPF_settime32); SAME(XENPF_settime64);
    SAME(XENPF_firmware_info); SAME(XENPF_enter_acpi_sleep); SAME(XENPF_set_processor_pminfo);
    SAME(XENPF_get_cpuinfo); SAME(XEN_FW_DISK_INFO); SAME(XEN_FW_DISK_MBR_SIGNATURE);
    SAME(XEN_FW_VBEDDC_INFO); SAME(XEN_FW_EFI_INFO); SAME(XEN_FW_KBD_SHIFT_FLAGS);
    SAME(XEN_PCPU_FLAGS_ONLINE); SAME(XEN_PCPU_FLAGS_INVALID);
    /* clang-format on */
    SIZE(pv_platform_op, xen_platform_op);
    FIELD(pv_platform_op, xen_platform_op, cmd);
    FIELD(pv_platform_op, xen_platform_op, interface_version);
    FIELD(pv_platform_op, xen_platform_op, u);
    SIZE(pv_xenpf_settime32, xenpf_settime32);
    FIELD(pv_xenpf_settime32, xenpf_settime32, secs);
    FIELD(pv_xenpf_settime32, xenpf_settime32, nsecs);
    FIELD(pv_xenpf_settime32, xenpf_settime32, system_time);
    SIZE(pv_xenpf_settime64, xenpf_settime64);
    FIELD(pv_xenpf_settime64, xenpf_settime64, secs);
    FIELD(pv_xenpf_settime64, xenpf_settime64, nsecs);
    FIELD(pv_xenpf_settime64, xenpf_settime64, mbz);
    FIELD(pv_xenpf_settime64, xenpf_settime64, system_time);
    /* Only the IN part and the shift-flags byte: the OUT union is Xen's, up to the op's size. */
    FIELD(pv_xenpf_firmware_info, xenpf_firmware_info, type);
    FIELD(pv_xenpf_firmware_info, xenpf_firmware_info, index);
    FIELD_AS(pv_xenpf_firmware_info, kbd_shift_flags, xenpf_firmware_info, u.kbd_shift_flags);
    SIZE(pv_xenpf_enter_acpi_sleep, xenpf_enter_acpi_sleep);
    FIELD(pv_xenpf_enter_acpi_sleep, xenpf_enter_acpi_sleep, val_a);
    FIELD(pv_xenpf_enter_acpi_sleep, xenpf_enter_acpi_sleep, val_b);
    FIELD(pv_xenpf_enter_acpi_sleep, xenpf_enter_acpi_sleep, sleep_state);
    FIELD(pv_xenpf_enter_acpi_sleep, xenpf_enter_acpi_sleep, flags);
    SIZE(pv_xenpf_pcpuinfo, xenpf_pcpuinfo);
    FIELD(pv_xenpf_pcpuinfo, xenpf_pcpuinfo, xen_cpuid);
    FIELD(pv_xenpf_pcpuinfo, xenpf_pcpuinfo, max_present);
    FIELD(pv_xenpf_pcpuinfo, xenpf_pcpuinfo, flags);
    FIELD(pv_xenpf_pcpuinfo, xenpf_pcpuinfo, apic_id);
    FIELD(pv_xenpf_pcpuinfo, xenpf_pcpuinfo, acpi_id);
}

static void check_physdev_op(void)
{
    /* clang-format off */
    SAME(PHYSDEVOP_irq_status_query); SAME(PHYSDEVOP_set_iopl); SAME(PHYSDEVOP_set_iobitmap);
    SAME(PHYSDEVOP_apic_read); SAME(PHYSDEVOP_apic_write); SAME(PHYSDEVOP_alloc_irq_vector);
    SAME(PHYSDEVOP_free_irq_vector); SAME(PHYSDEVOP_eoi); SAME(PHYSDEVOP_map_pirq);
    SAME(PHYSDEVOP_unmap_pirq); SAME(PHYSDEVOP_manage_pci_add);
    SAME(PHYSDEVOP_manage_pci_remove); SAME(PHYSDEVOP_pirq_eoi_gmfn_v1);
    SAME(PHYSDEVOP_restore_msi); SAME(PHYSDEVOP_manage_pci_add_ext); SAME(PHYSDEVOP_setup_gsi);
    SAME(PHYSDEVOP_get_free_pirq); SAME(PHYSDEVOP_pci_mmcfg_reserved);
    SAME(PHYSDEVOP_pci_device_add); SAME(PHYSDEVOP_pci_device_remove);
    SAME(PHYSDEVOP_restore_msi_ext); SAME(PHYSDEVOP_pirq_eoi_gmfn_v2); SAME(PHYSDEVOP_dbgp_op);
    SAME(PHYSDEVOP_prepare_msix); SAME(PHYSDEVOP_release_msix);
    SAME(XENIRQSTAT_needs_eoi); SAME(XENIRQSTAT_shared);
    /* clang-format on */

    SIZE(pv_physdev_set_iopl, physdev_set_iopl);
    FIELD(pv_physdev_set_iopl, physdev_set_iopl, iopl);
    SIZE(pv_physdev_set_iobitmap, physdev_set_iobitmap);
    FIELD(pv_physdev_set_iobitmap, physdev_set_iobitmap, bitmap);
    FIELD(pv_physdev_set_iobitmap, physdev_set_iobitmap, nr_ports);
    FIELD_AT(pv_physdev_set_iobitmap, pad, 12, 4);
    SIZE(pv_physdev_eoi, physdev_eoi);
    FIELD(pv_physdev_eoi, physdev_eoi, irq);
    SIZE(pv_physdev_irq_status_query, physdev_irq_status_query);
    FIELD(pv_physdev_irq_status_query, physdev_irq_status_query, irq);
    FIELD(pv_physdev_irq_status_query, physdev_irq_status_query, flags);
    SAME(MAP_PIRQ_TYPE_MSI); SAME(MAP_PIRQ_TYPE_GSI); SAME(MAP_PIRQ_TYPE_UNKNOWN);
    SAME(MAP_PIRQ_TYPE_MSI_SEG); SAME(MAP_PIRQ_TYPE_MULTI_MSI);
    SIZE(pv_physdev_apic, physdev_apic);
    FIELD(pv_physdev_apic, physdev_apic, apic_physbase);
    FIELD(pv_physdev_apic, physdev_apic, reg);
    FIELD(pv_physdev_apic, physdev_apic, value);
    SIZE(pv_physdev_irq, physdev_irq);
    FIELD(pv_physdev_irq, physdev_irq, irq);
    FIELD(pv_physdev_irq, physdev_irq, vector);
    SIZE(pv_physdev_map_pirq, physdev_map_pirq);
    FIELD(pv_physdev_map_pirq, physdev_map_pirq, domid);
    FIELD(pv_physdev_map_pirq, physdev_map_pirq, type);
    FIELD(pv_physdev_map_pirq, physdev_map_pirq, index);
    FIELD(pv_physdev_map_pirq, physdev_map_pirq, pirq);
    FIELD(pv_physdev_map_pirq, physdev_map_pirq, bus);
    FIELD(pv_physdev_map_pirq, physdev_map_pirq, devfn);
    FIELD(pv_physdev_map_pirq, physdev_map_pirq, entry_nr);
    FIELD(pv_physdev_map_pirq, physdev_map_pirq, table_base);
    SIZE(pv_physdev_unmap_pirq, physdev_unmap_pirq);
    FIELD(pv_physdev_unmap_pirq, physdev_unmap_pirq, domid);
    FIELD(pv_physdev_unmap_pirq, physdev_unmap_pirq, pirq);
    SIZE(pv_physdev_setup_gsi, physdev_setup_gsi);
    FIELD(pv_physdev_setup_gsi, physdev_setup_gsi, gsi);
    FIELD(pv_physdev_setup_gsi, physdev_setup_gsi, triggering);
    FIELD(pv_physdev_setup_gsi, physdev_setup_gsi, polarity);
    SIZE(pv_physdev_pirq_eoi_gmfn, physdev_pirq_eoi_gmfn);
    FIELD(pv_physdev_pirq_eoi_gmfn, physdev_pirq_eoi_gmfn, gmfn);
    SIZE(pv_physdev_manage_pci, physdev_manage_pci);
    FIELD(pv_physdev_manage_pci, physdev_manage_pci, bus);
    FIELD(pv_physdev_manage_pci, physdev_manage_pci, devfn);
    SIZE(pv_physdev_manage_pci_ext, physdev_manage_pci_ext);
    FIELD(pv_physdev_manage_pci_ext, physdev_manage_pci_ext, bus);
    FIELD(pv_physdev_manage_pci_ext, physdev_manage_pci_ext, devfn);
    FIELD(pv_physdev_manage_pci_ext, physdev_manage_pci_ext, is_extfn);
    FIELD(pv_physdev_manage_pci_ext, physdev_manage_pci_ext, is_virtfn);
    FIELD(pv_physdev_manage_pci_ext, physdev_manage_pci_ext, physfn);
    SAME(XEN_PCI_DEV_EXTFN);
    SAME(XEN_PCI_DEV_VIRTFN);
    SAME(XEN_PCI_DEV_PXM);
    SIZE(pv_physdev_pci_device_add, physdev_pci_device_add);
    FIELD(pv_physdev_pci_device_add, physdev_pci_device_add, seg);
    FIELD(pv_physdev_pci_device_add, physdev_pci_device_add, bus);
    FIELD(pv_physdev_pci_device_add, physdev_pci_device_add, devfn);
    FIELD(pv_physdev_pci_device_add, physdev_pci_device_add, flags);
    FIELD(pv_physdev_pci_device_add, physdev_pci_device_add, physfn);
    SIZE(pv_physdev_pci_device, physdev_pci_device);
    FIELD(pv_physdev_pci_device, physdev_pci_device, seg);
    FIELD(pv_physdev_pci_device, physdev_pci_device, bus);
    FIELD(pv_physdev_pci_device, physdev_pci_device, devfn);
    SIZE(pv_physdev_restore_msi, physdev_restore_msi);
    FIELD(pv_physdev_restore_msi, physdev_restore_msi, bus);
    FIELD(pv_physdev_restore_msi, physdev_restore_msi, devfn);
    SAME(XEN_PCI_MMCFG_RESERVED);
    SIZE(pv_physdev_pci_mmcfg_reserved, physdev_pci_mmcfg_reserved);
    FIELD(pv_physdev_pci_mmcfg_reserved, physdev_pci_mmcfg_reserved, address);
    FIELD(pv_physdev_pci_mmcfg_reserved, physdev_pci_mmcfg_reserved, segment);
    FIELD(pv_physdev_pci_mmcfg_reserved, physdev_pci_mmcfg_reserved, start_bus);
    FIELD(pv_physdev_pci_mmcfg_reserved, physdev_pci_mmcfg_reserved, end_bus);
    FIELD(pv_physdev_pci_mmcfg_reserved, physdev_pci_mmcfg_reserved, flags);
    SAME(PHYSDEVOP_DBGP_RESET_PREPARE); SAME(PHYSDEVOP_DBGP_RESET_DONE);
    SAME(PHYSDEVOP_DBGP_BUS_UNKNOWN); SAME(PHYSDEVOP_DBGP_BUS_PCI);
    SIZE(pv_physdev_dbgp_op, physdev_dbgp_op);
    FIELD(pv_physdev_dbgp_op, physdev_dbgp_op, op);
    FIELD(pv_physdev_dbgp_op, physdev_dbgp_op, bus);
    FIELD(pv_physdev_dbgp_op, physdev_dbgp_op, u);
}

static void check_sched_op(void)
{
    /* clang-format off */
    SAME(SCHEDOP_yield); SAME(SCHEDOP_block); SAME(SCHEDOP_shutdown); SAME(SCHEDOP_poll);
    SAME(SCHEDOP_remote_shutdown); SAME(SCHEDOP_shutdown_code); SAME(SCHEDOP_watchdog);
    SAME(SCHEDOP_pin_override);
    SAME(SHUTDOWN_poweroff); SAME(SHUTDOWN_reboot); SAME(SHUTDOWN_suspend);
    SAME(SHUTDOWN_crash); SAME(SHUTDOWN_watchdog); SAME(SHUTDOWN_soft_reset);
    SAME(SHUTDOWN_MAX);
    /* clang-format on */

    SIZE(pv_sched_shutdown, sched_shutdown);
    FIELD(pv_sched_shutdown, sched_shutdown, reason);
    SIZE(pv_sched_poll, sched_poll);
    FIELD(pv_sched_poll, sched_poll, ports);
    FIELD(pv_sched_poll, sched_poll, nr_ports);
    FIELD_AT(pv_sched_poll, pad, 12, 4);
    FIELD(pv_sched_poll, sched_poll, timeout);
    SIZE(pv_sched_remote_shutdown, sched_remote_shutdown);
    FIELD(pv_sched_remote_shutdown, sched_remote_shutdown, domain_id);
    FIELD_AT(pv_sched_remote_shutdown, pad, 2, 2);
    FIELD(pv_sched_remote_shutdown, sched_remote_shutdown, reason);
    SIZE(pv_sched_watchdog, sched_watchdog);
    FIELD(pv_sched_watchdog, sched_watchdog, id);
    FIELD(pv_sched_watchdog, sched_watchdog, timeout);
    SIZE(pv_sched_pin_override, sched_pin_override);
    FIELD(pv_sched_pin_override, sched_pin_override, pcpu);
}

static void check_vcpu_op(void)
{
    /* clang-format off */
    SAME(VCPUOP_initialise); SAME(VCPUOP_up); SAME(VCPUOP_down); SAME(VCPUOP_is_up);
    SAME(VCPUOP_get_runstate_info); SAME(VCPUOP_register_runstate_memory_area);
    SAME(VCPUOP_set_periodic_timer); SAME(VCPUOP_stop_periodic_timer);
    SAME(VCPUOP_set_singleshot_timer); SAME(VCPUOP_stop_singleshot_timer);
    SAME(VCPUOP_register_vcpu_info); SAME(VCPUOP_send_nmi); SAME(VCPUOP_get_physid);
    SAME(VCPUOP_register_vcpu_time_memory_area);
    SAME(RUNSTATE_running); SAME(RUNSTATE_runnable); SAME(RUNSTATE_blocked);
    SAME(RUNSTATE_offline); XSAME(RUNSTATE_UPDATE); SAME(VCPU_SSHOTTMR_future);
    /* clang-format on */
    VAL("PV_VCPU_SSHOTTMR_future_BIT", PV_VCPU_SSHOTTMR_future_BIT, _VCPU_SSHOTTMR_future);
    /* Newer than Xen 4.17 (xen/include/public/vcpu.h upstream). */
    LITERAL(PV_VCPUOP_register_runstate_phys_area, 14);
    LITERAL(PV_VCPUOP_register_vcpu_time_phys_area, 15);

    SIZE(pv_vcpu_runstate_info, vcpu_runstate_info);
    FIELD(pv_vcpu_runstate_info, vcpu_runstate_info, state);
    FIELD_AT(pv_vcpu_runstate_info, pad, 4, 4);
    FIELD(pv_vcpu_runstate_info, vcpu_runstate_info, state_entry_time);
    FIELD(pv_vcpu_runstate_info, vcpu_runstate_info, time);
    SIZE(pv_vcpu_register_runstate_memory_area, vcpu_register_runstate_memory_area);
    FIELD(pv_vcpu_register_runstate_memory_area, vcpu_register_runstate_memory_area, addr);
    SIZE(pv_vcpu_set_periodic_timer, vcpu_set_periodic_timer);
    FIELD(pv_vcpu_set_periodic_timer, vcpu_set_periodic_timer, period_ns);
    SIZE(pv_vcpu_set_singleshot_timer, vcpu_set_singleshot_timer);
    FIELD(pv_vcpu_set_singleshot_timer, vcpu_set_singleshot_timer, timeout_abs_ns);
    FIELD(pv_vcpu_set_singleshot_timer, vcpu_set_singleshot_timer, flags);
    FIELD_AT(pv_vcpu_set_singleshot_timer, pad, 12, 4);
    SIZE(pv_vcpu_register_vcpu_info, vcpu_register_vcpu_info);
    FIELD(pv_vcpu_register_vcpu_info, vcpu_register_vcpu_info, mfn);
    FIELD(pv_vcpu_register_vcpu_info, vcpu_register_vcpu_info, offset);
    FIELD(pv_vcpu_register_vcpu_info, vcpu_register_vcpu_info, rsvd);
    SIZE(pv_vcpu_get_physid, vcpu_get_physid);
    FIELD(pv_vcpu_get_physid, vcpu_get_physid, phys_id);
    SIZE(pv_vcpu_register_time_memory_area, vcpu_register_time_memory_area);
    FIELD(pv_vcpu_register_time_memory_area, vcpu_register_time_memory_area, addr);
}

static void check_vm_assist(void)
{
    /* clang-format off */
    SAME(VMASST_CMD_enable); SAME(VMASST_CMD_disable);
    SAME(VMASST_TYPE_4gb_segments); SAME(VMASST_TYPE_4gb_segments_notify);
    SAME(VMASST_TYPE_writable_pagetables); SAME(VMASST_TYPE_pae_extended_cr3);
    SAME(VMASST_TYPE_architectural_iopl); SAME(VMASST_TYPE_runstate_update_flag);
    SAME(VMASST_TYPE_m2p_strict);
    /* clang-format on */
}

static void check_xen_version(void)
{
    /* clang-format off */
    SAME(XENVER_version); SAME(XENVER_extraversion); SAME(XENVER_compile_info);
    SAME(XENVER_capabilities); SAME(XENVER_changeset); SAME(XENVER_platform_parameters);
    SAME(XENVER_get_features); SAME(XENVER_pagesize); SAME(XENVER_guest_handle);
    SAME(XENVER_commandline); SAME(XENVER_build_id);
    XSAME(EXTRAVERSION_LEN); XSAME(CAPABILITIES_INFO_LEN); XSAME(CHANGESET_INFO_LEN);
    /* clang-format on */
    VAL("PV_COMMANDLINE_LEN", PV_COMMANDLINE_LEN, sizeof(xen_commandline_t));
    VAL("sizeof(pv_extraversion_t)", sizeof(pv_extraversion_t), sizeof(xen_extraversion_t));
    VAL("sizeof(pv_capabilities_info_t)", sizeof(pv_capabilities_info_t),
        sizeof(xen_capabilities_info_t));
    VAL("sizeof(pv_changeset_info_t)", sizeof(pv_changeset_info_t), sizeof(xen_changeset_info_t));
    VAL("sizeof(pv_commandline_t)", sizeof(pv_commandline_t), sizeof(xen_commandline_t));
    VAL("sizeof(pv_domain_handle_t)", sizeof(pv_domain_handle_t), sizeof(xen_domain_handle_t));

    /* clang-format off */
    SAME(XENFEAT_writable_page_tables); SAME(XENFEAT_writable_descriptor_tables);
    SAME(XENFEAT_auto_translated_physmap); SAME(XENFEAT_supervisor_mode_kernel);
    SAME(XENFEAT_pae_pgdir_above_4gb); SAME(XENFEAT_mmu_pt_update_preserve_ad);
    SAME(XENFEAT_highmem_assist); SAME(XENFEAT_gnttab_map_avail_bits);
    SAME(XENFEAT_hvm_callback_vector); SAME(XENFEAT_hvm_safe_pvclock); SAME(XENFEAT_hvm_pirqs);
    SAME(XENFEAT_dom0);
    SAME(XENFEAT_memory_op_vnode_supported); SAME(XENFEAT_ARM_SMCCC_supported);
    SAME(XENFEAT_linux_rsdp_unrestricted); SAME(XENFEAT_not_direct_mapped);
    SAME(XENFEAT_direct_mapped); SAME(XENFEAT_NR_SUBMAPS);
    /* clang-format on */

    SIZE(pv_compile_info, xen_compile_info);
    FIELD(pv_compile_info, xen_compile_info, compiler);
    FIELD(pv_compile_info, xen_compile_info, compile_by);
    FIELD(pv_compile_info, xen_compile_info, compile_domain);
    FIELD(pv_compile_info, xen_compile_info, compile_date);
    SIZE(pv_platform_parameters, xen_platform_parameters);
    FIELD(pv_platform_parameters, xen_platform_parameters, virt_start);
    SIZE(pv_feature_info, xen_feature_info);
    FIELD(pv_feature_info, xen_feature_info, submap_idx);
    FIELD(pv_feature_info, xen_feature_info, submap);
    SIZE(pv_build_id, xen_build_id);
    FIELD(pv_build_id, xen_build_id, len);
    VAL("offsetof(pv_build_id, buf)", offsetof(struct pv_build_id, buf),
        offsetof(struct xen_build_id, buf));
}

static void check_event_channel(void)
{
    /* clang-format off */
    SAME(EVTCHNOP_bind_interdomain); SAME(EVTCHNOP_bind_virq); SAME(EVTCHNOP_bind_pirq);
    SAME(EVTCHNOP_close); SAME(EVTCHNOP_send); SAME(EVTCHNOP_status);
    SAME(EVTCHNOP_alloc_unbound); SAME(EVTCHNOP_bind_ipi); SAME(EVTCHNOP_bind_vcpu);
    SAME(EVTCHNOP_unmask); SAME(EVTCHNOP_reset); SAME(EVTCHNOP_init_control);
    SAME(EVTCHNOP_expand_array); SAME(EVTCHNOP_set_priority);
    /* clang-format on */
    /* Defined by Xen only for the hypervisor build (__XEN__). */
    LITERAL(PV_EVTCHNOP_reset_cont, 14);
    /* clang-format off */
    SAME(VIRQ_TIMER); SAME(VIRQ_DEBUG); SAME(VIRQ_CONSOLE); SAME(VIRQ_DOM_EXC);
    SAME(VIRQ_TBUF); SAME(VIRQ_DEBUGGER); SAME(VIRQ_XENOPROF); SAME(VIRQ_CON_RING);
    SAME(VIRQ_PCPU_STATE); SAME(VIRQ_MEM_EVENT); SAME(VIRQ_ARGO); SAME(VIRQ_ENOMEM);
    SAME(VIRQ_XENPMU); SAME(VIRQ_ARCH_0); SAME(VIRQ_ARCH_1); SAME(VIRQ_ARCH_2);
    SAME(VIRQ_ARCH_3); SAME(VIRQ_ARCH_4); SAME(VIRQ_ARCH_5); SAME(VIRQ_ARCH_6);
    SAME(VIRQ_ARCH_7); SAME(NR_VIRQS);
    SAME(EVTCHN_2L_NR_CHANNELS); SAME(BIND_PIRQ__WILL_SHARE);
    SAME(EVTCHNSTAT_closed); SAME(EVTCHNSTAT_unbound); SAME(EVTCHNSTAT_interdomain);
    SAME(EVTCHNSTAT_pirq); SAME(EVTCHNSTAT_virq); SAME(EVTCHNSTAT_ipi);
    SAME(EVTCHN_FIFO_PRIORITY_MAX); SAME(EVTCHN_FIFO_PRIORITY_DEFAULT);
    SAME(EVTCHN_FIFO_PRIORITY_MIN); SAME(EVTCHN_FIFO_MAX_QUEUES); SAME(EVTCHN_FIFO_PENDING);
    SAME(EVTCHN_FIFO_MASKED); SAME(EVTCHN_FIFO_LINKED); SAME(EVTCHN_FIFO_BUSY);
    SAME(EVTCHN_FIFO_LINK_BITS); SAME(EVTCHN_FIFO_LINK_MASK); SAME(EVTCHN_FIFO_NR_CHANNELS);
    /* clang-format on */
    VAL("sizeof(pv_evtchn_port_t)", sizeof(pv_evtchn_port_t), sizeof(evtchn_port_t));
}

static void check_event_channel_structs(void)
{
    SIZE(pv_evtchn_alloc_unbound, evtchn_alloc_unbound);
    FIELD(pv_evtchn_alloc_unbound, evtchn_alloc_unbound, dom);
    FIELD(pv_evtchn_alloc_unbound, evtchn_alloc_unbound, remote_dom);
    FIELD(pv_evtchn_alloc_unbound, evtchn_alloc_unbound, port);
    SIZE(pv_evtchn_bind_interdomain, evtchn_bind_interdomain);
    FIELD(pv_evtchn_bind_interdomain, evtchn_bind_interdomain, remote_dom);
    FIELD_AT(pv_evtchn_bind_interdomain, pad, 2, 2);
    FIELD(pv_evtchn_bind_interdomain, evtchn_bind_interdomain, remote_port);
    FIELD(pv_evtchn_bind_interdomain, evtchn_bind_interdomain, local_port);
    SIZE(pv_evtchn_bind_virq, evtchn_bind_virq);
    FIELD(pv_evtchn_bind_virq, evtchn_bind_virq, virq);
    FIELD(pv_evtchn_bind_virq, evtchn_bind_virq, vcpu);
    FIELD(pv_evtchn_bind_virq, evtchn_bind_virq, port);
    SIZE(pv_evtchn_bind_pirq, evtchn_bind_pirq);
    FIELD(pv_evtchn_bind_pirq, evtchn_bind_pirq, pirq);
    FIELD(pv_evtchn_bind_pirq, evtchn_bind_pirq, flags);
    FIELD(pv_evtchn_bind_pirq, evtchn_bind_pirq, port);
    SIZE(pv_evtchn_bind_ipi, evtchn_bind_ipi);
    FIELD(pv_evtchn_bind_ipi, evtchn_bind_ipi, vcpu);
    FIELD(pv_evtchn_bind_ipi, evtchn_bind_ipi, port);
    SIZE(pv_evtchn_close, evtchn_close);
    FIELD(pv_evtchn_close, evtchn_close, port);
    SIZE(pv_evtchn_send, evtchn_send);
    FIELD(pv_evtchn_send, evtchn_send, port);
    SIZE(pv_evtchn_status, evtchn_status);
    FIELD(pv_evtchn_status, evtchn_status, dom);
    FIELD_AT(pv_evtchn_status, pad, 2, 2);
    FIELD(pv_evtchn_status, evtchn_status, port);
    FIELD(pv_evtchn_status, evtchn_status, status);
    FIELD(pv_evtchn_status, evtchn_status, vcpu);
    FIELD(pv_evtchn_status, evtchn_status, u);
    FIELD(pv_evtchn_status, evtchn_status, u.unbound.dom);
    FIELD(pv_evtchn_status, evtchn_status, u.interdomain.dom);
    FIELD_AT(pv_evtchn_status, u.interdomain.pad, 18, 2);
    FIELD(pv_evtchn_status, evtchn_status, u.interdomain.port);
    FIELD(pv_evtchn_status, evtchn_status, u.pirq);
    FIELD(pv_evtchn_status, evtchn_status, u.virq);
    SIZE(pv_evtchn_bind_vcpu, evtchn_bind_vcpu);
    FIELD(pv_evtchn_bind_vcpu, evtchn_bind_vcpu, port);
    FIELD(pv_evtchn_bind_vcpu, evtchn_bind_vcpu, vcpu);
    SIZE(pv_evtchn_unmask, evtchn_unmask);
    FIELD(pv_evtchn_unmask, evtchn_unmask, port);
    SIZE(pv_evtchn_reset, evtchn_reset);
    FIELD(pv_evtchn_reset, evtchn_reset, dom);
    SIZE(pv_evtchn_init_control, evtchn_init_control);
    FIELD(pv_evtchn_init_control, evtchn_init_control, control_gfn);
    FIELD(pv_evtchn_init_control, evtchn_init_control, offset);
    FIELD(pv_evtchn_init_control, evtchn_init_control, vcpu);
    FIELD(pv_evtchn_init_control, evtchn_init_control, link_bits);
    FIELD(pv_evtchn_init_control, evtchn_init_control, _pad);
    SIZE(pv_evtchn_expand_array, evtchn_expand_array);
    FIELD(pv_evtchn_expand_array, evtchn_expand_array, array_gfn);
    SIZE(pv_evtchn_set_priority, evtchn_set_priority);
    FIELD(pv_evtchn_set_priority, evtchn_set_priority, port);
    FIELD(pv_evtchn_set_priority, evtchn_set_priority, priority);
    VAL("sizeof(pv_event_word_t)", sizeof(pv_event_word_t), sizeof(event_word_t));
    SIZE(pv_evtchn_fifo_control_block, evtchn_fifo_control_block);
    FIELD(pv_evtchn_fifo_control_block, evtchn_fifo_control_block, ready);
    FIELD(pv_evtchn_fifo_control_block, evtchn_fifo_control_block, _rsvd);
    FIELD(pv_evtchn_fifo_control_block, evtchn_fifo_control_block, head);
}

static void check_mmu(void)
{
    /* clang-format off */
    SAME(MMU_NORMAL_PT_UPDATE); SAME(MMU_MACHPHYS_UPDATE); SAME(MMU_PT_UPDATE_PRESERVE_AD);
    SAME(MMU_PT_UPDATE_NO_TRANSLATE);
    SAME(MMUEXT_PIN_L1_TABLE); SAME(MMUEXT_PIN_L2_TABLE); SAME(MMUEXT_PIN_L3_TABLE);
    SAME(MMUEXT_PIN_L4_TABLE); SAME(MMUEXT_UNPIN_TABLE); SAME(MMUEXT_NEW_BASEPTR);
    SAME(MMUEXT_TLB_FLUSH_LOCAL); SAME(MMUEXT_INVLPG_LOCAL); SAME(MMUEXT_TLB_FLUSH_MULTI);
    SAME(MMUEXT_INVLPG_MULTI); SAME(MMUEXT_TLB_FLUSH_ALL); SAME(MMUEXT_INVLPG_ALL);
    SAME(MMUEXT_FLUSH_CACHE); SAME(MMUEXT_SET_LDT); SAME(MMUEXT_NEW_USER_BASEPTR);
    SAME(MMUEXT_CLEAR_PAGE); SAME(MMUEXT_COPY_PAGE); SAME(MMUEXT_FLUSH_CACHE_GLOBAL);
    SAME(MMUEXT_MARK_SUPER); SAME(MMUEXT_UNMARK_SUPER);
    SAME(UVMF_NONE); SAME(UVMF_TLB_FLUSH); SAME(UVMF_INVLPG); SAME(UVMF_FLUSHTYPE_MASK);
    SAME(UVMF_MULTI); SAME(UVMF_LOCAL); SAME(UVMF_ALL);
    /* clang-format on */

    SIZE(pv_mmu_update, mmu_update);
    FIELD(pv_mmu_update, mmu_update, ptr);
    FIELD(pv_mmu_update, mmu_update, val);
    SIZE(pv_mmuext_op, mmuext_op);
    FIELD(pv_mmuext_op, mmuext_op, cmd);
    FIELD_AT(pv_mmuext_op, pad, 4, 4);
    FIELD(pv_mmuext_op, mmuext_op, arg1);
    FIELD(pv_mmuext_op, mmuext_op, arg1.mfn);
    FIELD(pv_mmuext_op, mmuext_op, arg1.linear_addr);
    FIELD(pv_mmuext_op, mmuext_op, arg2);
    FIELD(pv_mmuext_op, mmuext_op, arg2.nr_ents);
    FIELD(pv_mmuext_op, mmuext_op, arg2.vcpumask);
    FIELD(pv_mmuext_op, mmuext_op, arg2.src_mfn);

    SIZE(pv_multicall_entry, multicall_entry);
    FIELD(pv_multicall_entry, multicall_entry, op);
    FIELD(pv_multicall_entry, multicall_entry, result);
    FIELD(pv_multicall_entry, multicall_entry, args);
}

static void check_grant_table(void)
{
    /* clang-format off */
    SAME(GNTTABOP_map_grant_ref); SAME(GNTTABOP_unmap_grant_ref); SAME(GNTTABOP_setup_table);
    SAME(GNTTABOP_dump_table); SAME(GNTTABOP_transfer); SAME(GNTTABOP_copy);
    SAME(GNTTABOP_query_size); SAME(GNTTABOP_unmap_and_replace); SAME(GNTTABOP_set_version);
    SAME(GNTTABOP_get_status_frames); SAME(GNTTABOP_get_version); SAME(GNTTABOP_swap_grant_ref);
    SAME(GNTTABOP_cache_flush);
    SAME(GNTTAB_NR_RESERVED_ENTRIES); SAME(GNTTAB_RESERVED_CONSOLE);
    SAME(GNTTAB_RESERVED_XENSTORE);
    SAME(GTF_invalid); SAME(GTF_permit_access); SAME(GTF_accept_transfer); SAME(GTF_transitive);
    SAME(GTF_type_mask); SAME(GTF_readonly); SAME(GTF_reading); SAME(GTF_writing);
    SAME(GTF_PWT); SAME(GTF_PCD); SAME(GTF_PAT); SAME(GTF_sub_page);
    SAME(GTF_transfer_committed); SAME(GTF_transfer_completed);
    SAME(GNTMAP_device_map); SAME(GNTMAP_host_map); SAME(GNTMAP_readonly);
    SAME(GNTMAP_application_map); SAME(GNTMAP_contains_pte); SAME(GNTMAP_guest_avail_mask);
    SAME(GNTCOPY_source_gref); SAME(GNTCOPY_dest_gref);
    SAME(GNTST_okay); SAME(GNTST_general_error); SAME(GNTST_bad_domain); SAME(GNTST_bad_gntref);
    SAME(GNTST_bad_handle); SAME(GNTST_bad_virt_addr); SAME(GNTST_bad_dev_addr);
    SAME(GNTST_no_device_space); SAME(GNTST_permission_denied); SAME(GNTST_bad_page);
    SAME(GNTST_bad_copy_arg); SAME(GNTST_address_too_big); SAME(GNTST_eagain);
    SAME(GNTST_no_space);
    /* clang-format on */
    /* Xen's _FOO bit numbers, spelled PV_FOO_BIT. */
    VAL("PV_GTF_readonly_BIT", PV_GTF_readonly_BIT, _GTF_readonly);
    VAL("PV_GTF_reading_BIT", PV_GTF_reading_BIT, _GTF_reading);
    VAL("PV_GTF_writing_BIT", PV_GTF_writing_BIT, _GTF_writing);
    VAL("PV_GTF_PWT_BIT", PV_GTF_PWT_BIT, _GTF_PWT);
    VAL("PV_GTF_PCD_BIT", PV_GTF_PCD_BIT, _GTF_PCD);
    VAL("PV_GTF_PAT_BIT", PV_GTF_PAT_BIT, _GTF_PAT);
    VAL("PV_GTF_sub_page_BIT", PV_GTF_sub_page_BIT, _GTF_sub_page);
    VAL("PV_GTF_transfer_committed_BIT", PV_GTF_transfer_committed_BIT, _GTF_transfer_committed);
    VAL("PV_GTF_transfer_completed_BIT", PV_GTF_transfer_completed_BIT, _GTF_transfer_completed);
    VAL("PV_GNTMAP_device_map_BIT", PV_GNTMAP_device_map_BIT, _GNTMAP_device_map);
    VAL("PV_GNTMAP_host_map_BIT", PV_GNTMAP_host_map_BIT, _GNTMAP_host_map);
    VAL("PV_GNTMAP_readonly_BIT", PV_GNTMAP_readonly_BIT, _GNTMAP_readonly);
    VAL("PV_GNTMAP_application_map_BIT", PV_GNTMAP_application_map_BIT, _GNTMAP_application_map);
    VAL("PV_GNTMAP_contains_pte_BIT", PV_GNTMAP_contains_pte_BIT, _GNTMAP_contains_pte);
    VAL("PV_GNTMAP_guest_avail0_BIT", PV_GNTMAP_guest_avail0_BIT, _GNTMAP_guest_avail0);
    VAL("PV_GNTCOPY_source_gref_BIT", PV_GNTCOPY_source_gref_BIT, _GNTCOPY_source_gref);
    VAL("PV_GNTCOPY_dest_gref_BIT", PV_GNTCOPY_dest_gref_BIT, _GNTCOPY_dest_gref);
    VAL("sizeof(pv_grant_ref_t)", sizeof(pv_grant_ref_t), sizeof(grant_ref_t));
    VAL("sizeof(pv_grant_handle_t)", sizeof(pv_grant_handle_t), sizeof(grant_handle_t));
}

/* A member of the v2 entry union (same path in both). */
#define V2_FIELD(f)                                                                                \
    do {                                                                                           \
        VAL("offsetof(pv_grant_entry_v2, " #f ")", offsetof(union pv_grant_entry_v2, f),           \
            offsetof(union grant_entry_v2, f));                                                    \
        VAL("sizeof(pv_grant_entry_v2." #f ")", sizeof(((union pv_grant_entry_v2 *)0)->f),         \
            sizeof(((union grant_entry_v2 *)0)->f));                                               \
    } while (0)

static void check_grant_table_structs(void)
{
    SIZE(pv_grant_entry_v1, grant_entry_v1);
    FIELD(pv_grant_entry_v1, grant_entry_v1, flags);
    FIELD(pv_grant_entry_v1, grant_entry_v1, domid);
    FIELD(pv_grant_entry_v1, grant_entry_v1, frame);

    SIZE(pv_grant_entry_header, grant_entry_header);
    FIELD(pv_grant_entry_header, grant_entry_header, flags);
    FIELD(pv_grant_entry_header, grant_entry_header, domid);
    VAL("sizeof(union pv_grant_entry_v2)", sizeof(union pv_grant_entry_v2),
        sizeof(union grant_entry_v2));
    V2_FIELD(hdr);
    V2_FIELD(full_page.hdr);
    V2_FIELD(full_page.pad0);
    V2_FIELD(full_page.frame);
    V2_FIELD(sub_page.hdr);
    V2_FIELD(sub_page.page_off);
    V2_FIELD(sub_page.length);
    V2_FIELD(sub_page.frame);
    V2_FIELD(transitive.hdr);
    V2_FIELD(transitive.trans_domid);
    V2_FIELD(transitive.pad0);
    V2_FIELD(transitive.gref);
    VAL("offsetof(pv_grant_entry_v2, spacer)", offsetof(union pv_grant_entry_v2, spacer),
        offsetof(union grant_entry_v2, __spacer));
    VAL("sizeof(pv_grant_entry_v2.spacer)", sizeof(((union pv_grant_entry_v2 *)0)->spacer),
        sizeof(((union grant_entry_v2 *)0)->__spacer));
    VAL("sizeof(pv_grant_status_t)", sizeof(pv_grant_status_t), sizeof(grant_status_t));

    SIZE(pv_gnttab_map_grant_ref, gnttab_map_grant_ref);
    FIELD(pv_gnttab_map_grant_ref, gnttab_map_grant_ref, host_addr);
    FIELD(pv_gnttab_map_grant_ref, gnttab_map_grant_ref, flags);
    FIELD(pv_gnttab_map_grant_ref, gnttab_map_grant_ref, ref);
    FIELD(pv_gnttab_map_grant_ref, gnttab_map_grant_ref, dom);
    FIELD(pv_gnttab_map_grant_ref, gnttab_map_grant_ref, status);
    FIELD(pv_gnttab_map_grant_ref, gnttab_map_grant_ref, handle);
    FIELD(pv_gnttab_map_grant_ref, gnttab_map_grant_ref, dev_bus_addr);

    SIZE(pv_gnttab_unmap_grant_ref, gnttab_unmap_grant_ref);
    FIELD(pv_gnttab_unmap_grant_ref, gnttab_unmap_grant_ref, host_addr);
    FIELD(pv_gnttab_unmap_grant_ref, gnttab_unmap_grant_ref, dev_bus_addr);
    FIELD(pv_gnttab_unmap_grant_ref, gnttab_unmap_grant_ref, handle);
    FIELD(pv_gnttab_unmap_grant_ref, gnttab_unmap_grant_ref, status);
    FIELD_AT(pv_gnttab_unmap_grant_ref, pad, 22, 2);

    SIZE(pv_gnttab_unmap_and_replace, gnttab_unmap_and_replace);
    FIELD(pv_gnttab_unmap_and_replace, gnttab_unmap_and_replace, host_addr);
    FIELD(pv_gnttab_unmap_and_replace, gnttab_unmap_and_replace, new_addr);
    FIELD(pv_gnttab_unmap_and_replace, gnttab_unmap_and_replace, handle);
    FIELD(pv_gnttab_unmap_and_replace, gnttab_unmap_and_replace, status);
    FIELD_AT(pv_gnttab_unmap_and_replace, pad, 22, 2);

    SIZE(pv_gnttab_setup_table, gnttab_setup_table);
    FIELD(pv_gnttab_setup_table, gnttab_setup_table, dom);
    FIELD_AT(pv_gnttab_setup_table, pad0, 2, 2);
    FIELD(pv_gnttab_setup_table, gnttab_setup_table, nr_frames);
    FIELD(pv_gnttab_setup_table, gnttab_setup_table, status);
    FIELD_AT(pv_gnttab_setup_table, pad1, 10, 6);
    FIELD(pv_gnttab_setup_table, gnttab_setup_table, frame_list);

    SIZE(pv_gnttab_dump_table, gnttab_dump_table);
    FIELD(pv_gnttab_dump_table, gnttab_dump_table, dom);
    FIELD(pv_gnttab_dump_table, gnttab_dump_table, status);

    SIZE(pv_gnttab_copy_ptr, gnttab_copy_ptr);
    FIELD(pv_gnttab_copy_ptr, gnttab_copy_ptr, u.ref);
    FIELD(pv_gnttab_copy_ptr, gnttab_copy_ptr, u.gmfn);
    FIELD(pv_gnttab_copy_ptr, gnttab_copy_ptr, domid);
    FIELD(pv_gnttab_copy_ptr, gnttab_copy_ptr, offset);
    FIELD_AT(pv_gnttab_copy_ptr, pad, 12, 4);
    SIZE(pv_gnttab_copy, gnttab_copy);
    FIELD(pv_gnttab_copy, gnttab_copy, source);
    FIELD(pv_gnttab_copy, gnttab_copy, dest);
    FIELD(pv_gnttab_copy, gnttab_copy, len);
    FIELD(pv_gnttab_copy, gnttab_copy, flags);
    FIELD(pv_gnttab_copy, gnttab_copy, status);
    FIELD_AT(pv_gnttab_copy, pad, 38, 2);

    SIZE(pv_gnttab_query_size, gnttab_query_size);
    FIELD(pv_gnttab_query_size, gnttab_query_size, dom);
    FIELD_AT(pv_gnttab_query_size, pad0, 2, 2);
    FIELD(pv_gnttab_query_size, gnttab_query_size, nr_frames);
    FIELD(pv_gnttab_query_size, gnttab_query_size, max_nr_frames);
    FIELD(pv_gnttab_query_size, gnttab_query_size, status);
    FIELD_AT(pv_gnttab_query_size, pad1, 14, 2);

    SIZE(pv_gnttab_set_version, gnttab_set_version);
    FIELD(pv_gnttab_set_version, gnttab_set_version, version);

    SIZE(pv_gnttab_get_status_frames, gnttab_get_status_frames);
    FIELD(pv_gnttab_get_status_frames, gnttab_get_status_frames, nr_frames);
    FIELD(pv_gnttab_get_status_frames, gnttab_get_status_frames, dom);
    FIELD(pv_gnttab_get_status_frames, gnttab_get_status_frames, status);
    FIELD(pv_gnttab_get_status_frames, gnttab_get_status_frames, frame_list);

    SIZE(pv_gnttab_get_version, gnttab_get_version);
    FIELD(pv_gnttab_get_version, gnttab_get_version, dom);
    FIELD(pv_gnttab_get_version, gnttab_get_version, pad);
    FIELD(pv_gnttab_get_version, gnttab_get_version, version);

    SIZE(pv_gnttab_swap_grant_ref, gnttab_swap_grant_ref);
    FIELD(pv_gnttab_swap_grant_ref, gnttab_swap_grant_ref, ref_a);
    FIELD(pv_gnttab_swap_grant_ref, gnttab_swap_grant_ref, ref_b);
    FIELD(pv_gnttab_swap_grant_ref, gnttab_swap_grant_ref, status);
    FIELD_AT(pv_gnttab_swap_grant_ref, pad, 10, 2);
}

static void check_xs_wire(void)
{
    /* clang-format off */
    SAME(XS_CONTROL); SAME(XS_DEBUG); SAME(XS_DIRECTORY); SAME(XS_READ); SAME(XS_GET_PERMS);
    SAME(XS_WATCH); SAME(XS_UNWATCH); SAME(XS_TRANSACTION_START); SAME(XS_TRANSACTION_END);
    SAME(XS_INTRODUCE); SAME(XS_RELEASE); SAME(XS_GET_DOMAIN_PATH); SAME(XS_WRITE);
    SAME(XS_MKDIR); SAME(XS_RM); SAME(XS_SET_PERMS); SAME(XS_WATCH_EVENT); SAME(XS_ERROR);
    SAME(XS_IS_DOMAIN_INTRODUCED); SAME(XS_RESUME); SAME(XS_SET_TARGET);
    SAME(XS_RESET_WATCHES); SAME(XS_DIRECTORY_PART); SAME(XS_TYPE_COUNT); SAME(XS_INVALID);
    SAME(XS_WATCH_PATH); SAME(XS_WATCH_TOKEN);
    SAME(XENSTORE_PAYLOAD_MAX); SAME(XENSTORE_ABS_PATH_MAX); SAME(XENSTORE_REL_PATH_MAX);
    /* clang-format on */
    check_string("PV_XS_WRITE_NONE", PV_XS_WRITE_NONE, XS_WRITE_NONE);
    check_string("PV_XS_WRITE_CREATE", PV_XS_WRITE_CREATE, XS_WRITE_CREATE);
    check_string("PV_XS_WRITE_CREATE_EXCL", PV_XS_WRITE_CREATE_EXCL, XS_WRITE_CREATE_EXCL);

    SIZE(pv_xsd_sockmsg, xsd_sockmsg);
    FIELD(pv_xsd_sockmsg, xsd_sockmsg, type);
    FIELD(pv_xsd_sockmsg, xsd_sockmsg, req_id);
    FIELD(pv_xsd_sockmsg, xsd_sockmsg, tx_id);
    FIELD(pv_xsd_sockmsg, xsd_sockmsg, len);
}

static void check_io_xenstore(void)
{
    /* clang-format off */
    SAME(XENSTORE_RING_SIZE);
    SAME(XENSTORE_SERVER_FEATURE_RECONNECTION); SAME(XENSTORE_SERVER_FEATURE_ERROR);
    SAME(XENSTORE_CONNECTED); SAME(XENSTORE_RECONNECT);
    SAME(XENSTORE_ERROR_NONE); SAME(XENSTORE_ERROR_COMM); SAME(XENSTORE_ERROR_RINGIDX);
    SAME(XENSTORE_ERROR_PROTO);
    SAME(XenbusStateUnknown); SAME(XenbusStateInitialising); SAME(XenbusStateInitWait);
    SAME(XenbusStateInitialised); SAME(XenbusStateConnected); SAME(XenbusStateClosing);
    SAME(XenbusStateClosed); SAME(XenbusStateReconfiguring); SAME(XenbusStateReconfigured);
    /* clang-format on */
    VAL("sizeof(pv_xenstore_ring_idx_t)", sizeof(pv_xenstore_ring_idx_t),
        sizeof(XENSTORE_RING_IDX));
    VAL("PV_MASK_XENSTORE_IDX", PV_MASK_XENSTORE_IDX(0xfffff7ffu), MASK_XENSTORE_IDX(0xfffff7ffu));
    VAL("PV_MASK_XENSTORE_IDX(1024)", PV_MASK_XENSTORE_IDX(1024u), MASK_XENSTORE_IDX(1024u));
    FIELD(pv_xenstore_domain_interface, xenstore_domain_interface, req);
    FIELD(pv_xenstore_domain_interface, xenstore_domain_interface, rsp);
    FIELD(pv_xenstore_domain_interface, xenstore_domain_interface, req_cons);
    FIELD(pv_xenstore_domain_interface, xenstore_domain_interface, req_prod);
    FIELD(pv_xenstore_domain_interface, xenstore_domain_interface, rsp_cons);
    FIELD(pv_xenstore_domain_interface, xenstore_domain_interface, rsp_prod);
    FIELD(pv_xenstore_domain_interface, xenstore_domain_interface, server_features);
    FIELD(pv_xenstore_domain_interface, xenstore_domain_interface, connection);
    FIELD(pv_xenstore_domain_interface, xenstore_domain_interface, error);
    /* evtchn_port follows error in Xen >= 4.19 (io/xs_wire.h); so do the newer feature bits. */
    FIELD_AT(pv_xenstore_domain_interface, evtchn_port,
             sizeof(struct xenstore_domain_interface), 4);
    LITERAL(sizeof(struct pv_xenstore_domain_interface),
            sizeof(struct xenstore_domain_interface) + 4);
    LITERAL(PV_XENSTORE_SERVER_FEATURE_WATCHDEPTH, 4);
    LITERAL(PV_XENSTORE_SERVER_FEATURE_DOMID_ANY, 8);
}

/* The block ring (io/blkif.h) and the shared-ring header of io/ring.h. */
static void check_io_blkif(void)
{
    /* clang-format off */
    SAME(BLKIF_OP_READ); SAME(BLKIF_OP_WRITE); SAME(BLKIF_OP_WRITE_BARRIER);
    SAME(BLKIF_OP_FLUSH_DISKCACHE); SAME(BLKIF_OP_DISCARD); SAME(BLKIF_OP_INDIRECT);
    SAME(BLKIF_MAX_SEGMENTS_PER_REQUEST); SAME(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
    SAME(BLKIF_RSP_EOPNOTSUPP); SAME(BLKIF_RSP_ERROR); SAME(BLKIF_RSP_OKAY);
    SAME(VDISK_CDROM); SAME(VDISK_REMOVABLE); SAME(VDISK_READONLY);
    /* clang-format on */
    /* Linux's include/xen/xenbus.h (its blkback's max-ring-page-order default). */
    LITERAL(PV_XENBUS_MAX_RING_GRANT_ORDER, 4);
    /* clang-format off */
    /* clang-format on */
    SIZE(pv_blkif_request_segment, blkif_request_segment);
    FIELD(pv_blkif_request_segment, blkif_request_segment, gref);
    FIELD(pv_blkif_request_segment, blkif_request_segment, first_sect);
    FIELD(pv_blkif_request_segment, blkif_request_segment, last_sect);
    FIELD_AT(pv_blkif_request_segment, _pad, 6, 2);
    VAL("PV_BLKIF_SEGS_PER_INDIRECT_FRAME", PV_BLKIF_SEGS_PER_INDIRECT_FRAME,
        4096 / sizeof(struct blkif_request_segment));
    SIZE(pv_blkif_request, blkif_request);
    FIELD(pv_blkif_request, blkif_request, operation);
    FIELD(pv_blkif_request, blkif_request, nr_segments);
    FIELD(pv_blkif_request, blkif_request, handle);
    FIELD_AT(pv_blkif_request, _pad, 4, 4);
    FIELD(pv_blkif_request, blkif_request, id);
    FIELD(pv_blkif_request, blkif_request, sector_number);
    FIELD(pv_blkif_request, blkif_request, seg);
    SIZE(pv_blkif_request_indirect, blkif_request_indirect);
    FIELD(pv_blkif_request_indirect, blkif_request_indirect, operation);
    FIELD(pv_blkif_request_indirect, blkif_request_indirect, indirect_op);
    FIELD(pv_blkif_request_indirect, blkif_request_indirect, nr_segments);
    FIELD_AT(pv_blkif_request_indirect, _pad1, 4, 4);
    FIELD(pv_blkif_request_indirect, blkif_request_indirect, id);
    FIELD(pv_blkif_request_indirect, blkif_request_indirect, sector_number);
    FIELD(pv_blkif_request_indirect, blkif_request_indirect, handle);
    FIELD_AT(pv_blkif_request_indirect, _pad2, 26, 2);
    FIELD(pv_blkif_request_indirect, blkif_request_indirect, indirect_grefs);
    SIZE(pv_blkif_response, blkif_response);
    FIELD(pv_blkif_response, blkif_response, id);
    FIELD(pv_blkif_response, blkif_response, operation);
    FIELD_AT(pv_blkif_response, _pad, 9, 1);
    FIELD(pv_blkif_response, blkif_response, status);
    VAL("sizeof(union pv_blkif_sring_entry)", sizeof(union pv_blkif_sring_entry),
        sizeof(union blkif_sring_entry));
    /* The ring header: our struct against blkif_sring's fields before the slots. */
    FIELD_AS(pv_ring_sring_hdr, req_prod, blkif_sring, req_prod);
    FIELD_AS(pv_ring_sring_hdr, req_event, blkif_sring, req_event);
    FIELD_AS(pv_ring_sring_hdr, rsp_prod, blkif_sring, rsp_prod);
    FIELD_AS(pv_ring_sring_hdr, rsp_event, blkif_sring, rsp_event);
    FIELD_AT(pv_ring_sring_hdr, pvt, offsetof(struct blkif_sring, pvt), 4);
    FIELD_AT(pv_ring_sring_hdr, _pad, 20, 44);
    VAL("sizeof(struct pv_ring_sring_hdr)", sizeof(struct pv_ring_sring_hdr),
        offsetof(struct blkif_sring, ring));
    for (unsigned int order = 0; order <= PV_XENBUS_MAX_RING_GRANT_ORDER; order++)
        VAL("PV_BLKIF_RING_SLOTS(order)", PV_BLKIF_RING_SLOTS(order),
            __CONST_RING_SIZE(blkif, 4096UL << order));
    VAL("PV_RING_SLOTS(4096, 12)", PV_RING_SLOTS(4096, 12), 256);
}

/* The network rings (io/netif.h). */
static void check_io_netif(void)
{
    /* clang-format off */
    VAL("PV_NETIF_NR_SLOTS_MIN", PV_NETIF_NR_SLOTS_MIN, XEN_NETIF_NR_SLOTS_MIN);
    VAL("PV_NETIF_MAX_TX_SIZE", PV_NETIF_MAX_TX_SIZE, XEN_NETIF_MAX_TX_SIZE);
    VAL("PV_NETTXF_csum_blank", PV_NETTXF_csum_blank, NETTXF_csum_blank);
    VAL("PV_NETTXF_data_validated", PV_NETTXF_data_validated, NETTXF_data_validated);
    VAL("PV_NETTXF_more_data", PV_NETTXF_more_data, NETTXF_more_data);
    VAL("PV_NETTXF_extra_info", PV_NETTXF_extra_info, NETTXF_extra_info);
    VAL("PV_NETRXF_data_validated", PV_NETRXF_data_validated, NETRXF_data_validated);
    VAL("PV_NETRXF_csum_blank", PV_NETRXF_csum_blank, NETRXF_csum_blank);
    VAL("PV_NETRXF_more_data", PV_NETRXF_more_data, NETRXF_more_data);
    VAL("PV_NETRXF_extra_info", PV_NETRXF_extra_info, NETRXF_extra_info);
    VAL("PV_NETRXF_gso_prefix", PV_NETRXF_gso_prefix, NETRXF_gso_prefix);
    VAL("PV_NETIF_EXTRA_TYPE_NONE", PV_NETIF_EXTRA_TYPE_NONE, XEN_NETIF_EXTRA_TYPE_NONE);
    VAL("PV_NETIF_EXTRA_TYPE_GSO", PV_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_TYPE_GSO);
    VAL("PV_NETIF_EXTRA_TYPE_MCAST_ADD", PV_NETIF_EXTRA_TYPE_MCAST_ADD, XEN_NETIF_EXTRA_TYPE_MCAST_ADD);
    VAL("PV_NETIF_EXTRA_TYPE_MCAST_DEL", PV_NETIF_EXTRA_TYPE_MCAST_DEL, XEN_NETIF_EXTRA_TYPE_MCAST_DEL);
    VAL("PV_NETIF_EXTRA_TYPE_HASH", PV_NETIF_EXTRA_TYPE_HASH, XEN_NETIF_EXTRA_TYPE_HASH);
    VAL("PV_NETIF_EXTRA_FLAG_MORE", PV_NETIF_EXTRA_FLAG_MORE, XEN_NETIF_EXTRA_FLAG_MORE);
    VAL("PV_NETIF_RSP_DROPPED", PV_NETIF_RSP_DROPPED, NETIF_RSP_DROPPED);
    VAL("PV_NETIF_RSP_ERROR", PV_NETIF_RSP_ERROR, NETIF_RSP_ERROR);
    VAL("PV_NETIF_RSP_OKAY", PV_NETIF_RSP_OKAY, NETIF_RSP_OKAY);
    VAL("PV_NETIF_RSP_NULL", PV_NETIF_RSP_NULL, NETIF_RSP_NULL);
    /* clang-format on */
    SIZE(pv_netif_tx_request, netif_tx_request);
    FIELD(pv_netif_tx_request, netif_tx_request, gref);
    FIELD(pv_netif_tx_request, netif_tx_request, offset);
    FIELD(pv_netif_tx_request, netif_tx_request, flags);
    FIELD(pv_netif_tx_request, netif_tx_request, id);
    FIELD(pv_netif_tx_request, netif_tx_request, size);
    SIZE(pv_netif_extra_info, netif_extra_info);
    FIELD(pv_netif_extra_info, netif_extra_info, type);
    FIELD(pv_netif_extra_info, netif_extra_info, flags);
    FIELD_AS(pv_netif_extra_info, u, netif_extra_info, u.pad);
    SIZE(pv_netif_tx_response, netif_tx_response);
    FIELD(pv_netif_tx_response, netif_tx_response, id);
    FIELD(pv_netif_tx_response, netif_tx_response, status);
    SIZE(pv_netif_rx_request, netif_rx_request);
    FIELD(pv_netif_rx_request, netif_rx_request, id);
    FIELD_AS(pv_netif_rx_request, _pad, netif_rx_request, pad);
    FIELD(pv_netif_rx_request, netif_rx_request, gref);
    SIZE(pv_netif_rx_response, netif_rx_response);
    FIELD(pv_netif_rx_response, netif_rx_response, id);
    FIELD(pv_netif_rx_response, netif_rx_response, offset);
    FIELD(pv_netif_rx_response, netif_rx_response, flags);
    FIELD(pv_netif_rx_response, netif_rx_response, status);
    VAL("sizeof(union pv_netif_tx_sring_entry)", sizeof(union pv_netif_tx_sring_entry),
        sizeof(union netif_tx_sring_entry));
    VAL("sizeof(union pv_netif_rx_sring_entry)", sizeof(union pv_netif_rx_sring_entry),
        sizeof(union netif_rx_sring_entry));
    VAL("PV_NETIF_TX_RING_SLOTS", PV_NETIF_TX_RING_SLOTS, __CONST_RING_SIZE(netif_tx, 4096));
    VAL("PV_NETIF_RX_RING_SLOTS", PV_NETIF_RX_RING_SLOTS, __CONST_RING_SIZE(netif_rx, 4096));
    VAL("offsetof(struct netif_tx_sring, ring)", sizeof(struct pv_ring_sring_hdr),
        offsetof(struct netif_tx_sring, ring));
    VAL("offsetof(struct netif_rx_sring, ring)", sizeof(struct pv_ring_sring_hdr),
        offsetof(struct netif_rx_sring, ring));
}

/* domctl and sysctl: the header every command shares, and the commands we name. */
static void check_domctl_sysctl(void)
{
    /* clang-format off */
    XSAME(DOMCTL_INTERFACE_VERSION); XSAME(SYSCTL_INTERFACE_VERSION);
    XSAME(DOMCTL_createdomain); XSAME(DOMCTL_getdomaininfo); XSAME(DOMCTL_assign_device);
    XSAME(DOMCTL_bind_pt_irq); XSAME(DOMCTL_memory_mapping); XSAME(DOMCTL_ioport_mapping);
    XSAME(DOMCTL_test_assign_device); XSAME(DOMCTL_deassign_device);
    XSAME(DOMCTL_unbind_pt_irq); XSAME(DOMCTL_vm_event_op);
    XSAME(SYSCTL_readconsole); XSAME(SYSCTL_getdomaininfolist);
    /* clang-format on */
    SIZE(pv_domctl, xen_domctl);
    FIELD(pv_domctl, xen_domctl, cmd);
    FIELD(pv_domctl, xen_domctl, interface_version);
    FIELD(pv_domctl, xen_domctl, domain);
    FIELD(pv_domctl, xen_domctl, _pad);
    FIELD(pv_domctl, xen_domctl, u);
    FIELD_AS(pv_domctl, u.pad, xen_domctl, u.pad);
    VAL("_Alignof(struct pv_domctl)", _Alignof(struct pv_domctl), _Alignof(struct xen_domctl));
    SIZE(pv_sysctl, xen_sysctl);
    FIELD(pv_sysctl, xen_sysctl, cmd);
    FIELD(pv_sysctl, xen_sysctl, interface_version);
    FIELD(pv_sysctl, xen_sysctl, u);
    FIELD_AS(pv_sysctl, u.pad, xen_sysctl, u.pad);
    VAL("_Alignof(struct pv_sysctl)", _Alignof(struct pv_sysctl), _Alignof(struct xen_sysctl));
}

/* domctl's command numbers, and the lifecycle commands' arguments (createdomain, getdomaininfo,
 * max_mem, vcpucontext, max_vcpus, setdomainhandle, hypercall_init, getdomaininfolist). */
static void check_domctl_numbers(void)
{
    /* clang-format off */
    XSAME(DOMCTL_destroydomain); XSAME(DOMCTL_pausedomain); XSAME(DOMCTL_unpausedomain);
    XSAME(DOMCTL_setvcpuaffinity); XSAME(DOMCTL_shadow_op); XSAME(DOMCTL_max_mem);
    XSAME(DOMCTL_setvcpucontext); XSAME(DOMCTL_getvcpucontext); XSAME(DOMCTL_getvcpuinfo);
    XSAME(DOMCTL_max_vcpus); XSAME(DOMCTL_scheduler_op); XSAME(DOMCTL_setdomainhandle);
    XSAME(DOMCTL_setdebugging); XSAME(DOMCTL_irq_permission); XSAME(DOMCTL_iomem_permission);
    XSAME(DOMCTL_ioport_permission); XSAME(DOMCTL_hypercall_init);
    LITERAL(PV_DOMCTL_soft_reset_cont, 23); /* Xen: hypervisor-internal (__XEN__) */
    XSAME(DOMCTL_settimeoffset); XSAME(DOMCTL_getvcpuaffinity); XSAME(DOMCTL_real_mode_area);
    XSAME(DOMCTL_resumedomain); XSAME(DOMCTL_sendtrigger); XSAME(DOMCTL_subscribe);
    XSAME(DOMCTL_gethvmcontext); XSAME(DOMCTL_sethvmcontext); XSAME(DOMCTL_set_address_size);
    XSAME(DOMCTL_get_address_size); XSAME(DOMCTL_set_ext_vcpucontext);
    XSAME(DOMCTL_get_ext_vcpucontext); XSAME(DOMCTL_set_opt_feature); XSAME(DOMCTL_set_target);
    XSAME(DOMCTL_get_device_group); XSAME(DOMCTL_debug_op); XSAME(DOMCTL_gethvmcontext_partial);
    XSAME(DOMCTL_mem_sharing_op); XSAME(DOMCTL_gettscinfo); XSAME(DOMCTL_settscinfo);
    XSAME(DOMCTL_getpageframeinfo3); XSAME(DOMCTL_setvcpuextstate); XSAME(DOMCTL_getvcpuextstate);
    XSAME(DOMCTL_set_access_required); XSAME(DOMCTL_audit_p2m); XSAME(DOMCTL_set_virq_handler);
    XSAME(DOMCTL_set_broken_page_p2m); XSAME(DOMCTL_setnodeaffinity);
    XSAME(DOMCTL_getnodeaffinity); XSAME(DOMCTL_cacheflush); XSAME(DOMCTL_get_vcpu_msrs);
    XSAME(DOMCTL_set_vcpu_msrs); XSAME(DOMCTL_setvnumainfo); XSAME(DOMCTL_psr_cmt_op);
    XSAME(DOMCTL_monitor_op); XSAME(DOMCTL_psr_alloc); XSAME(DOMCTL_soft_reset);
    XSAME(DOMCTL_vuart_op); XSAME(DOMCTL_get_cpu_policy); XSAME(DOMCTL_set_cpu_policy);
    XSAME(DOMCTL_vmtrace_op); XSAME(DOMCTL_get_paging_mempool_size);
    XSAME(DOMCTL_set_paging_mempool_size); XSAME(DOMCTL_gdbsx_guestmemio);
    XSAME(DOMCTL_gdbsx_pausevcpu); XSAME(DOMCTL_gdbsx_unpausevcpu); XSAME(DOMCTL_gdbsx_domstatus);
    XSAME(DOMCTL_CDF_hvm); XSAME(DOMCTL_CDF_hap); XSAME(DOMCTL_CDF_s3_integrity);
    XSAME(DOMCTL_CDF_oos_off); XSAME(DOMCTL_CDF_xs_domain); XSAME(DOMCTL_CDF_iommu);
    XSAME(DOMCTL_CDF_nested_virt); XSAME(DOMCTL_CDF_vpmu); XSAME(DOMCTL_CDF_MAX);
    XSAME(DOMCTL_IOMMU_no_sharept); XSAME(DOMCTL_IOMMU_MAX); XSAME(DOMCTL_GRANT_version_mask);
    XSAME(X86_EMU_LAPIC); XSAME(X86_EMU_HPET); XSAME(X86_EMU_PM); XSAME(X86_EMU_RTC);
    XSAME(X86_EMU_IOAPIC); XSAME(X86_EMU_PIC); XSAME(X86_EMU_VGA); XSAME(X86_EMU_IOMMU);
    XSAME(X86_EMU_PIT); XSAME(X86_EMU_USE_PIRQ); XSAME(X86_EMU_VPCI); XSAME(X86_EMU_ALL);
    XSAME(X86_MSR_RELAXED);
    XSAME(DOMINF_dying); XSAME(DOMINF_hvm_guest); XSAME(DOMINF_shutdown); XSAME(DOMINF_paused);
    XSAME(DOMINF_blocked); XSAME(DOMINF_running); XSAME(DOMINF_debugged);
    XSAME(DOMINF_xs_domain); XSAME(DOMINF_hap); XSAME(DOMINF_shutdownmask);
    XSAME(DOMINF_shutdownshift); XSAME(INVALID_MAX_VCPU_ID);
    /* clang-format on */
}

static void check_domctl_lifecycle(void)
{
    SIZE(pv_arch_domainconfig, xen_arch_domainconfig);
    FIELD(pv_arch_domainconfig, xen_arch_domainconfig, emulation_flags);
    FIELD(pv_arch_domainconfig, xen_arch_domainconfig, misc_flags);
    SIZE(pv_domctl_createdomain, xen_domctl_createdomain);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, ssidref);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, handle);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, flags);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, iommu_opts);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, max_vcpus);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, max_evtchn_port);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, max_grant_frames);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, max_maptrack_frames);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, grant_opts);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, vmtrace_size);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, cpupool_id);
    FIELD(pv_domctl_createdomain, xen_domctl_createdomain, arch);
    SIZE(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, domain);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, pad1);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, flags);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, tot_pages);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, max_pages);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, outstanding_pages);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, shr_pages);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, paged_pages);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, shared_info_frame);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, cpu_time);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, nr_online_vcpus);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, max_vcpu_id);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, ssidref);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, handle);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, cpupool);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, gpaddr_bits);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, pad2);
    FIELD(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, arch_config);
    XSAME(DOMCTL_PFINFO_LTAB_SHIFT); XSAME(DOMCTL_PFINFO_NOTAB);
    XSAME(DOMCTL_PFINFO_L1TAB); XSAME(DOMCTL_PFINFO_L2TAB); XSAME(DOMCTL_PFINFO_L3TAB);
    XSAME(DOMCTL_PFINFO_L4TAB); XSAME(DOMCTL_PFINFO_LTABTYPE_MASK);
    XSAME(DOMCTL_PFINFO_LPINTAB); XSAME(DOMCTL_PFINFO_XTAB); XSAME(DOMCTL_PFINFO_XALLOC);
    XSAME(DOMCTL_PFINFO_BROKEN); XSAME(DOMCTL_PFINFO_LTAB_MASK);
    SIZE(pv_domctl_getpageframeinfo3, xen_domctl_getpageframeinfo3);
    FIELD(pv_domctl_getpageframeinfo3, xen_domctl_getpageframeinfo3, num);
    FIELD(pv_domctl_getpageframeinfo3, xen_domctl_getpageframeinfo3, array);
    SIZE(pv_domctl_max_mem, xen_domctl_max_mem);
    FIELD(pv_domctl_max_mem, xen_domctl_max_mem, max_memkb);
    SIZE(pv_domctl_vcpucontext, xen_domctl_vcpucontext);
    FIELD(pv_domctl_vcpucontext, xen_domctl_vcpucontext, vcpu);
    FIELD(pv_domctl_vcpucontext, xen_domctl_vcpucontext, ctxt);
    FIELD_AT(pv_domctl_vcpucontext, _pad, 4, 4);
    SIZE(pv_domctl_max_vcpus, xen_domctl_max_vcpus);
    FIELD(pv_domctl_max_vcpus, xen_domctl_max_vcpus, max);
    SIZE(pv_domctl_setdomainhandle, xen_domctl_setdomainhandle);
    FIELD(pv_domctl_setdomainhandle, xen_domctl_setdomainhandle, handle);
    SIZE(pv_domctl_hypercall_init, xen_domctl_hypercall_init);
    FIELD(pv_domctl_hypercall_init, xen_domctl_hypercall_init, gmfn);
    FIELD(pv_domctl, xen_domctl, u.createdomain);
    FIELD(pv_domctl, xen_domctl, u.getdomaininfo);
    FIELD(pv_domctl, xen_domctl, u.max_mem);
    FIELD(pv_domctl, xen_domctl, u.vcpucontext);
    FIELD(pv_domctl, xen_domctl, u.max_vcpus);
    FIELD(pv_domctl, xen_domctl, u.setdomainhandle);
    FIELD(pv_domctl, xen_domctl, u.hypercall_init);
    SIZE(pv_sysctl_getdomaininfolist, xen_sysctl_getdomaininfolist);
    FIELD(pv_sysctl_getdomaininfolist, xen_sysctl_getdomaininfolist, first_domain);
    FIELD(pv_sysctl_getdomaininfolist, xen_sysctl_getdomaininfolist, max_domains);
    FIELD(pv_sysctl_getdomaininfolist, xen_sysctl_getdomaininfolist, buffer);
    FIELD(pv_sysctl_getdomaininfolist, xen_sysctl_getdomaininfolist, num_domains);
    FIELD_AT(pv_sysctl_getdomaininfolist, _pad, 2, 2);
    FIELD_AT(pv_sysctl_getdomaininfolist, _pad2, 20, 4);
    FIELD(pv_sysctl, xen_sysctl, u.getdomaininfolist);
}

/* domctl's vCPU, scheduler and time commands (hypercalls/domctl_vcpu.c). */
static void check_domctl_vcpu(void)
{
    /* clang-format off */
    XSAME(VCPUAFFINITY_HARD); XSAME(VCPUAFFINITY_SOFT); XSAME(VCPUAFFINITY_FORCE);
    VAL("PV_VCPUAFFINITY_HARD_BIT", PV_VCPUAFFINITY_HARD_BIT, _XEN_VCPUAFFINITY_HARD);
    VAL("PV_VCPUAFFINITY_SOFT_BIT", PV_VCPUAFFINITY_SOFT_BIT, _XEN_VCPUAFFINITY_SOFT);
    VAL("PV_VCPUAFFINITY_FORCE_BIT", PV_VCPUAFFINITY_FORCE_BIT, _XEN_VCPUAFFINITY_FORCE);
    XSAME(SCHEDULER_CREDIT); XSAME(SCHEDULER_CREDIT2); XSAME(SCHEDULER_ARINC653);
    XSAME(SCHEDULER_RTDS); XSAME(SCHEDULER_NULL);
    XSAME(DOMCTL_SCHEDOP_putinfo); XSAME(DOMCTL_SCHEDOP_getinfo);
    XSAME(DOMCTL_SCHEDOP_putvcpuinfo); XSAME(DOMCTL_SCHEDOP_getvcpuinfo);
    /* Xen 4.17's arch/x86/include/asm/time.h (not public). */
    LITERAL(PV_TSC_MODE_DEFAULT, 0); LITERAL(PV_TSC_MODE_ALWAYS_EMULATE, 1);
    LITERAL(PV_TSC_MODE_NEVER_EMULATE, 2);
    /* clang-format on */
    SIZE(pv_ctl_bitmap, xenctl_bitmap);
    FIELD(pv_ctl_bitmap, xenctl_bitmap, bitmap);
    FIELD(pv_ctl_bitmap, xenctl_bitmap, nr_bits);
    FIELD_AT(pv_ctl_bitmap, pad, 12, 4);
    SIZE(pv_domctl_getvcpuinfo, xen_domctl_getvcpuinfo);
    FIELD(pv_domctl_getvcpuinfo, xen_domctl_getvcpuinfo, vcpu);
    FIELD(pv_domctl_getvcpuinfo, xen_domctl_getvcpuinfo, online);
    FIELD(pv_domctl_getvcpuinfo, xen_domctl_getvcpuinfo, blocked);
    FIELD(pv_domctl_getvcpuinfo, xen_domctl_getvcpuinfo, running);
    FIELD(pv_domctl_getvcpuinfo, xen_domctl_getvcpuinfo, cpu_time);
    FIELD(pv_domctl_getvcpuinfo, xen_domctl_getvcpuinfo, cpu);
    FIELD_AT(pv_domctl_getvcpuinfo, pad0, 7, 1);
    FIELD_AT(pv_domctl_getvcpuinfo, pad1, 20, 4);
    SIZE(pv_domctl_vcpuaffinity, xen_domctl_vcpuaffinity);
    FIELD(pv_domctl_vcpuaffinity, xen_domctl_vcpuaffinity, vcpu);
    FIELD(pv_domctl_vcpuaffinity, xen_domctl_vcpuaffinity, flags);
    FIELD(pv_domctl_vcpuaffinity, xen_domctl_vcpuaffinity, cpumap_hard);
    FIELD(pv_domctl_vcpuaffinity, xen_domctl_vcpuaffinity, cpumap_soft);
    SIZE(pv_domctl_sched_credit, xen_domctl_sched_credit);
    FIELD(pv_domctl_sched_credit, xen_domctl_sched_credit, weight);
    FIELD(pv_domctl_sched_credit, xen_domctl_sched_credit, cap);
    SIZE(pv_domctl_scheduler_op, xen_domctl_scheduler_op);
    FIELD(pv_domctl_scheduler_op, xen_domctl_scheduler_op, sched_id);
    FIELD(pv_domctl_scheduler_op, xen_domctl_scheduler_op, cmd);
    FIELD(pv_domctl_scheduler_op, xen_domctl_scheduler_op, u);
    FIELD(pv_domctl_scheduler_op, xen_domctl_scheduler_op, u.credit);
    FIELD(pv_domctl_scheduler_op, xen_domctl_scheduler_op, u.v.vcpus);
    FIELD(pv_domctl_scheduler_op, xen_domctl_scheduler_op, u.v.nr_vcpus);
    FIELD(pv_domctl_scheduler_op, xen_domctl_scheduler_op, u.v.padding);
    SIZE(pv_domctl_settimeoffset, xen_domctl_settimeoffset);
    FIELD(pv_domctl_settimeoffset, xen_domctl_settimeoffset, time_offset_seconds);
    SIZE(pv_domctl_tsc_info, xen_domctl_tsc_info);
    FIELD(pv_domctl_tsc_info, xen_domctl_tsc_info, tsc_mode);
    FIELD(pv_domctl_tsc_info, xen_domctl_tsc_info, gtsc_khz);
    FIELD(pv_domctl_tsc_info, xen_domctl_tsc_info, incarnation);
    FIELD(pv_domctl_tsc_info, xen_domctl_tsc_info, pad);
    FIELD(pv_domctl_tsc_info, xen_domctl_tsc_info, elapsed_nsec);
    FIELD(pv_domctl, xen_domctl, u.getvcpuinfo);
    FIELD(pv_domctl, xen_domctl, u.vcpuaffinity);
    FIELD(pv_domctl, xen_domctl, u.scheduler_op);
    FIELD(pv_domctl, xen_domctl, u.settimeoffset);
    FIELD(pv_domctl, xen_domctl, u.tsc_info);
    SIZE(pv_domctl_irq_permission, xen_domctl_irq_permission);
    FIELD(pv_domctl_irq_permission, xen_domctl_irq_permission, pirq);
    FIELD(pv_domctl_irq_permission, xen_domctl_irq_permission, allow_access);
    FIELD(pv_domctl_irq_permission, xen_domctl_irq_permission, pad);
    SIZE(pv_domctl_iomem_permission, xen_domctl_iomem_permission);
    FIELD(pv_domctl_iomem_permission, xen_domctl_iomem_permission, first_mfn);
    FIELD(pv_domctl_iomem_permission, xen_domctl_iomem_permission, nr_mfns);
    FIELD(pv_domctl_iomem_permission, xen_domctl_iomem_permission, allow_access);
    SIZE(pv_domctl_ioport_permission, xen_domctl_ioport_permission);
    FIELD(pv_domctl_ioport_permission, xen_domctl_ioport_permission, first_port);
    FIELD(pv_domctl_ioport_permission, xen_domctl_ioport_permission, nr_ports);
    FIELD(pv_domctl_ioport_permission, xen_domctl_ioport_permission, allow_access);
    FIELD(pv_domctl, xen_domctl, u.irq_permission);
    FIELD(pv_domctl, xen_domctl, u.iomem_permission);
    FIELD(pv_domctl, xen_domctl, u.ioport_permission);
}

/* domctl's save, restore and migration commands (hypercalls/domctl_save.c, mm/logdirty.c). */
static void check_domctl_save(void)
{
    /* clang-format off */
    XSAME(DOMCTL_SHADOW_OP_OFF); XSAME(DOMCTL_SHADOW_OP_ENABLE); XSAME(DOMCTL_SHADOW_OP_CLEAN);
    XSAME(DOMCTL_SHADOW_OP_PEEK); XSAME(DOMCTL_SHADOW_OP_GET_ALLOCATION);
    XSAME(DOMCTL_SHADOW_OP_SET_ALLOCATION); XSAME(DOMCTL_SHADOW_OP_ENABLE_TEST);
    XSAME(DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY);
    LITERAL(PV_DOMCTL_SHADOW_OP_ENABLE_TRANSLATE, 3); /* Xen: commented out, no longer supported */
    XSAME(DOMCTL_SHADOW_ENABLE_REFCOUNT); XSAME(DOMCTL_SHADOW_ENABLE_LOG_DIRTY);
    XSAME(DOMCTL_SHADOW_ENABLE_TRANSLATE); XSAME(DOMCTL_SHADOW_ENABLE_EXTERNAL);
    XSAME(DOMCTL_SHADOW_LOGDIRTY_FINAL);
    /* clang-format on */
    SIZE(pv_domctl_shadow_op_stats, xen_domctl_shadow_op_stats);
    FIELD(pv_domctl_shadow_op_stats, xen_domctl_shadow_op_stats, fault_count);
    FIELD(pv_domctl_shadow_op_stats, xen_domctl_shadow_op_stats, dirty_count);
    SIZE(pv_domctl_shadow_op, xen_domctl_shadow_op);
    FIELD(pv_domctl_shadow_op, xen_domctl_shadow_op, op);
    FIELD(pv_domctl_shadow_op, xen_domctl_shadow_op, mode);
    FIELD(pv_domctl_shadow_op, xen_domctl_shadow_op, mb);
    FIELD_AT(pv_domctl_shadow_op, _pad, 12, 4);
    FIELD(pv_domctl_shadow_op, xen_domctl_shadow_op, dirty_bitmap);
    FIELD(pv_domctl_shadow_op, xen_domctl_shadow_op, pages);
    FIELD(pv_domctl_shadow_op, xen_domctl_shadow_op, stats);
    SIZE(pv_domctl_address_size, xen_domctl_address_size);
    FIELD(pv_domctl_address_size, xen_domctl_address_size, size);
    SIZE(pv_domctl_vmce, hvm_vmce_vcpu);
    FIELD(pv_domctl_vmce, hvm_vmce_vcpu, caps);
    FIELD(pv_domctl_vmce, hvm_vmce_vcpu, mci_ctl2_bank0);
    FIELD(pv_domctl_vmce, hvm_vmce_vcpu, mci_ctl2_bank1);
    FIELD(pv_domctl_vmce, hvm_vmce_vcpu, mcg_ext_ctl);
    SIZE(pv_domctl_ext_vcpucontext, xen_domctl_ext_vcpucontext);
    FIELD(pv_domctl_ext_vcpucontext, xen_domctl_ext_vcpucontext, vcpu);
    FIELD(pv_domctl_ext_vcpucontext, xen_domctl_ext_vcpucontext, size);
    FIELD(pv_domctl_ext_vcpucontext, xen_domctl_ext_vcpucontext, syscall32_callback_eip);
    FIELD(pv_domctl_ext_vcpucontext, xen_domctl_ext_vcpucontext, sysenter_callback_eip);
    FIELD(pv_domctl_ext_vcpucontext, xen_domctl_ext_vcpucontext, syscall32_callback_cs);
    FIELD(pv_domctl_ext_vcpucontext, xen_domctl_ext_vcpucontext, sysenter_callback_cs);
    FIELD(pv_domctl_ext_vcpucontext, xen_domctl_ext_vcpucontext, syscall32_disables_events);
    FIELD(pv_domctl_ext_vcpucontext, xen_domctl_ext_vcpucontext, sysenter_disables_events);
    FIELD_AT(pv_domctl_ext_vcpucontext, _pad, 30, 2);
    FIELD(pv_domctl_ext_vcpucontext, xen_domctl_ext_vcpucontext, vmce);
    SIZE(pv_domctl_vcpuextstate, xen_domctl_vcpuextstate);
    FIELD(pv_domctl_vcpuextstate, xen_domctl_vcpuextstate, vcpu);
    FIELD_AT(pv_domctl_vcpuextstate, _pad, 4, 4);
    FIELD(pv_domctl_vcpuextstate, xen_domctl_vcpuextstate, xfeature_mask);
    FIELD(pv_domctl_vcpuextstate, xen_domctl_vcpuextstate, size);
    FIELD(pv_domctl_vcpuextstate, xen_domctl_vcpuextstate, buffer);
    SIZE(pv_domctl_vcpu_msr, xen_domctl_vcpu_msr);
    FIELD(pv_domctl_vcpu_msr, xen_domctl_vcpu_msr, index);
    FIELD(pv_domctl_vcpu_msr, xen_domctl_vcpu_msr, reserved);
    FIELD(pv_domctl_vcpu_msr, xen_domctl_vcpu_msr, value);
    SIZE(pv_domctl_vcpu_msrs, xen_domctl_vcpu_msrs);
    FIELD(pv_domctl_vcpu_msrs, xen_domctl_vcpu_msrs, vcpu);
    FIELD(pv_domctl_vcpu_msrs, xen_domctl_vcpu_msrs, msr_count);
    FIELD(pv_domctl_vcpu_msrs, xen_domctl_vcpu_msrs, msrs);
    FIELD(pv_domctl, xen_domctl, u.shadow_op);
    FIELD(pv_domctl, xen_domctl, u.address_size);
    FIELD(pv_domctl, xen_domctl, u.ext_vcpucontext);
    FIELD(pv_domctl, xen_domctl, u.vcpuextstate);
    FIELD(pv_domctl, xen_domctl, u.vcpu_msrs);
}

/* sysctl's host commands (hypercalls/sysctl_host.c). */
static void check_sysctl_host(void)
{
    /* clang-format off */
    XSAME(SYSCTL_physinfo); XSAME(SYSCTL_sched_id); XSAME(SYSCTL_getcpuinfo);
    XSAME(SYSCTL_cputopoinfo);
    XSAME(SYSCTL_PHYSCAP_hvm); XSAME(SYSCTL_PHYSCAP_pv); XSAME(SYSCTL_PHYSCAP_directio);
    XSAME(SYSCTL_PHYSCAP_hap); XSAME(SYSCTL_PHYSCAP_shadow);
    XSAME(SYSCTL_PHYSCAP_iommu_hap_pt_share); XSAME(SYSCTL_PHYSCAP_vmtrace);
    XSAME(SYSCTL_PHYSCAP_vpmu); XSAME(SYSCTL_PHYSCAP_gnttab_v1); XSAME(SYSCTL_PHYSCAP_gnttab_v2);
    XSAME(INVALID_CORE_ID); XSAME(INVALID_SOCKET_ID); XSAME(INVALID_NODE_ID);
    /* clang-format on */
    SIZE(pv_sysctl_readconsole, xen_sysctl_readconsole);
    FIELD(pv_sysctl_readconsole, xen_sysctl_readconsole, clear);
    FIELD(pv_sysctl_readconsole, xen_sysctl_readconsole, incremental);
    FIELD(pv_sysctl_readconsole, xen_sysctl_readconsole, pad0);
    FIELD(pv_sysctl_readconsole, xen_sysctl_readconsole, pad1);
    FIELD(pv_sysctl_readconsole, xen_sysctl_readconsole, index);
    FIELD(pv_sysctl_readconsole, xen_sysctl_readconsole, buffer);
    FIELD(pv_sysctl_readconsole, xen_sysctl_readconsole, count);
    FIELD_AT(pv_sysctl_readconsole, pad2, 20, 4);
    SIZE(pv_sysctl_physinfo, xen_sysctl_physinfo);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, threads_per_core);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, cores_per_socket);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, nr_cpus);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, max_cpu_id);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, nr_nodes);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, max_node_id);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, cpu_khz);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, capabilities);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, arch_capabilities);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, pad);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, total_pages);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, free_pages);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, scrub_pages);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, outstanding_pages);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, max_mfn);
    FIELD(pv_sysctl_physinfo, xen_sysctl_physinfo, hw_cap);
    SIZE(pv_sysctl_sched_id, xen_sysctl_sched_id);
    FIELD(pv_sysctl_sched_id, xen_sysctl_sched_id, sched_id);
    SIZE(pv_sysctl_cpuinfo, xen_sysctl_cpuinfo);
    FIELD(pv_sysctl_cpuinfo, xen_sysctl_cpuinfo, idletime);
    SIZE(pv_sysctl_getcpuinfo, xen_sysctl_getcpuinfo);
    FIELD(pv_sysctl_getcpuinfo, xen_sysctl_getcpuinfo, max_cpus);
    FIELD_AT(pv_sysctl_getcpuinfo, pad0, 4, 4);
    FIELD(pv_sysctl_getcpuinfo, xen_sysctl_getcpuinfo, info);
    FIELD(pv_sysctl_getcpuinfo, xen_sysctl_getcpuinfo, nr_cpus);
    FIELD_AT(pv_sysctl_getcpuinfo, pad1, 20, 4);
    SIZE(pv_sysctl_cputopo, xen_sysctl_cputopo);
    FIELD(pv_sysctl_cputopo, xen_sysctl_cputopo, core);
    FIELD(pv_sysctl_cputopo, xen_sysctl_cputopo, socket);
    FIELD(pv_sysctl_cputopo, xen_sysctl_cputopo, node);
    SIZE(pv_sysctl_cputopoinfo, xen_sysctl_cputopoinfo);
    FIELD(pv_sysctl_cputopoinfo, xen_sysctl_cputopoinfo, num_cpus);
    FIELD_AT(pv_sysctl_cputopoinfo, pad, 4, 4);
    FIELD(pv_sysctl_cputopoinfo, xen_sysctl_cputopoinfo, cputopo);
    FIELD(pv_sysctl, xen_sysctl, u.readconsole);
    FIELD(pv_sysctl, xen_sysctl, u.physinfo);
    FIELD(pv_sysctl, xen_sysctl, u.sched_id);
    FIELD(pv_sysctl, xen_sysctl, u.getcpuinfo);
    FIELD(pv_sysctl, xen_sysctl, u.cputopoinfo);
}

int main(void)
{
    check_errno();
    check_hypercall();
    check_arch_x86_constants();
    check_arch_x86_structs();
    check_start_info();
    check_shared_info();
    check_callback_op();
    check_console_io();
    check_elfnote();
    check_event_channel();
    check_event_channel_structs();
    check_grant_table();
    check_grant_table_structs();
    check_mmu();
    check_memory_op();
    check_memory_op_structs();
    check_physdev_op();
    check_platform_op();
    check_sched_op();
    check_vcpu_op();
    check_vm_assist();
    check_xen_version();
    check_xs_wire();
    check_io_xenstore();
    check_io_blkif();
    check_io_netif();
    check_domctl_sysctl();
    check_domctl_numbers();
    check_domctl_lifecycle();
    check_domctl_vcpu();
    check_domctl_save();
    check_sysctl_host();

    printf("abi-check: %u checks, %u mismatches against the Xen public headers (interface "
           "0x%08x)\n",
           nr_checks, nr_failures, (unsigned int)__XEN_INTERFACE_VERSION__);
    return nr_failures ? 1 : 0;
}
