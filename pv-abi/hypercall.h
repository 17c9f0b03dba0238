/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/hypercall.h - hypercall numbers, calling convention, hypercall page, common types.
 *
 * Calling convention (64-bit PV guest kernel, which runs at CPL 3):
 *   - The guest executes SYSCALL while in (virtual) kernel mode. The hypercall number goes in
 *     rax, arguments 1..5 in rdi, rsi, rdx, r10, r8. The result comes back in rax: >= 0 on
 *     success, -PV_E* (see errno.h) on failure. Unknown numbers return -PV_ENOSYS.
 *   - SYSCALL itself clobbers rcx and r11; the hypervisor may also clobber the argument
 *     registers. All other registers are preserved.
 *   - A SYSCALL from guest *user* mode is not a hypercall: it is bounced to the guest kernel's
 *     syscall callback (see callback_op.h).
 *
 * Hypercall page: the guest names one page-aligned page of its image with the
 * PV_ELFNOTE_HYPERCALL_PAGE note; the domain builder fills it with PV_HYPERCALL_PAGE_NR_STUBS
 * stubs of PV_HYPERCALL_PAGE_STUB_SIZE bytes each. Stub N performs hypercall N:
 *     push %rcx; push %r11; mov $N, %eax; syscall; pop %r11; pop %rcx; ret
 * so a guest issues hypercall N with `call hypercall_page + N * 32` (arguments already in
 * registers). The iret stub (N = PV_HYPERCALL_iret) never returns: it is entered with `jmp`,
 * see struct pv_iret_context in arch_x86.h.
 *
 * Guest pointers inside ABI structures are carried as pv_guest_ptr_t: a 64-bit guest virtual
 * address. Guests store (uintptr_t)ptr; the hypervisor never dereferences it directly but
 * copies through its checked accessors.
 */
#ifndef PV_ABI_HYPERCALL_H
#define PV_ABI_HYPERCALL_H

#include <stdint.h>

/* A guest virtual address inside an ABI structure (Xen: XEN_GUEST_HANDLE, 8 bytes). */
typedef uint64_t pv_guest_ptr_t;

/* Build a pv_guest_ptr_t from a C pointer (guest side). */
#define PV_GUEST_PTR(p) ((pv_guest_ptr_t)(uintptr_t)(p))

/* A domain identifier. */
typedef uint16_t pv_domid_t;

#define PV_DOMID_FIRST_RESERVED 0x7FF0U /* ids from here up are special, never real domains */
#define PV_DOMID_SELF 0x7FF0U           /* "the calling domain" */
#define PV_DOMID_IO 0x7FF1U             /* owner of I/O memory (mmu_update foreign domain) */
#define PV_DOMID_XEN 0x7FF2U            /* owner of hypervisor pages shared with guests */
#define PV_DOMID_COW 0x7FF3U            /* owner of shared copy-on-write pages */
#define PV_DOMID_INVALID 0x7FF4U        /* "no domain" */
#define PV_DOMID_IDLE 0x7FFFU           /* the idle domain */
#define PV_DOMID_MASK 0x7FFFU           /* mask of valid domain id bits */

/* Hypercall page geometry. */
#define PV_HYPERCALL_PAGE_SIZE 4096U    /* one page */
#define PV_HYPERCALL_PAGE_STUB_SIZE 32U /* bytes per stub: stub N is at offset N * 32 */
#define PV_HYPERCALL_PAGE_NR_STUBS 128U /* stubs in the page */

/* Hypercall numbers (rax). Comments give the arguments in register order. */
#define PV_HYPERCALL_set_trap_table 0     /* (const struct pv_trap_info table[]) */
#define PV_HYPERCALL_mmu_update 1         /* (reqs[], count, *done, foreigndom) */
#define PV_HYPERCALL_set_gdt 2            /* (frame_list[], entries) */
#define PV_HYPERCALL_stack_switch 3       /* (ss, rsp): kernel stack for user->kernel bounces */
#define PV_HYPERCALL_set_callbacks 4      /* (event, failsafe, syscall) addresses */
#define PV_HYPERCALL_fpu_taskswitch 5     /* (set): set/clear virtual CR0.TS */
#define PV_HYPERCALL_sched_op_compat 6    /* legacy form of sched_op (cmd, arg) */
#define PV_HYPERCALL_platform_op 7        /* (op) privileged platform operations */
#define PV_HYPERCALL_set_debugreg 8       /* (reg, value) */
#define PV_HYPERCALL_get_debugreg 9       /* (reg) -> value */
#define PV_HYPERCALL_update_descriptor 10 /* (machine address, descriptor) */
#define PV_HYPERCALL_memory_op 12         /* (cmd, arg): PV_XENMEM_*, memory_op.h */
#define PV_HYPERCALL_multicall 13         /* (entries[], count) */
#define PV_HYPERCALL_update_va_mapping 14 /* (va, new pte, flags) */
#define PV_HYPERCALL_set_timer_op 15      /* (absolute system time in ns; 0 cancels) */
#define PV_HYPERCALL_event_channel_op_compat 16       /* legacy form of event_channel_op */
#define PV_HYPERCALL_xen_version 17                   /* (cmd, arg): PV_XENVER_*, xen_version.h */
#define PV_HYPERCALL_console_io 18                    /* (cmd, count, buf): console_io.h */
#define PV_HYPERCALL_physdev_op_compat 19             /* legacy form of physdev_op */
#define PV_HYPERCALL_grant_table_op 20                /* (cmd, args, count) */
#define PV_HYPERCALL_vm_assist 21                     /* (cmd, type): vm_assist.h */
#define PV_HYPERCALL_update_va_mapping_otherdomain 22 /* (va, pte, flags, domid) */
#define PV_HYPERCALL_iret 23             /* return from a bounce: jmp to the stub, never returns */
#define PV_HYPERCALL_vcpu_op 24          /* (cmd, vcpuid, arg) */
#define PV_HYPERCALL_set_segment_base 25 /* (PV_SEGBASE_*, base): arch_x86.h */
#define PV_HYPERCALL_mmuext_op 26        /* (ops[], count, *done, foreigndom) */
#define PV_HYPERCALL_xsm_op 27           /* security module operations */
#define PV_HYPERCALL_nmi_op 28           /* (cmd, arg) NMI callback registration */
#define PV_HYPERCALL_sched_op 29         /* (cmd, arg): PV_SCHEDOP_*, sched_op.h */
#define PV_HYPERCALL_callback_op 30      /* (cmd, arg): PV_CALLBACKOP_*, callback_op.h */
#define PV_HYPERCALL_xenoprof_op 31      /* profiling (dropped by newer Xen) */
#define PV_HYPERCALL_event_channel_op 32 /* (cmd, arg) */
#define PV_HYPERCALL_physdev_op 33       /* (cmd, arg): PV_PHYSDEVOP_*, physdev_op.h */
#define PV_HYPERCALL_hvm_op 34           /* HVM parameters (not used by PV guests) */
#define PV_HYPERCALL_sysctl 35           /* (struct sysctl *) privileged */
#define PV_HYPERCALL_domctl 36           /* (struct domctl *) privileged */
#define PV_HYPERCALL_kexec_op 37         /* kexec (dom0) */
#define PV_HYPERCALL_tmem_op 38          /* transcendent memory (removed from Xen) */
#define PV_HYPERCALL_argo_op 39          /* argo inter-domain messaging */
#define PV_HYPERCALL_xenpmu_op 40        /* virtual PMU */
#define PV_HYPERCALL_dm_op 41            /* device model operations (HVM) */
#define PV_HYPERCALL_hypfs_op 42         /* hypervisor file system */

/* Architecture-specific hypercalls. On x86, arch_0 is the machine-check interface and arch_1
 * the continuation of the paging domctl; the rest are reserved. */
#define PV_HYPERCALL_arch_0 48
#define PV_HYPERCALL_arch_1 49
#define PV_HYPERCALL_arch_2 50
#define PV_HYPERCALL_arch_3 51
#define PV_HYPERCALL_arch_4 52
#define PV_HYPERCALL_arch_5 53
#define PV_HYPERCALL_arch_6 54
#define PV_HYPERCALL_arch_7 55

#endif /* PV_ABI_HYPERCALL_H */
