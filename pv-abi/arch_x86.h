/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/arch_x86.h - x86-64 specifics of the PV ABI: selectors, reserved address ranges,
 * trap table entries, bounce frames, the iret hypercall frame and the vCPU context.
 *
 * A 64-bit PV guest kernel runs at CPL 3. The hypervisor tracks whether the vCPU is in
 * virtual kernel or user mode and keeps a kernel and a user page table.
 *
 * Bounce frame: exceptions, events and user SYSCALLs are delivered by pushing this frame on
 * the guest kernel stack (the interrupted rsp if in kernel mode, else the stack given with
 * stack_switch), aligned down to 16 bytes, and jumping to the registered handler:
 *     [rsp + 0]   rcx            (clobbered by delivery: handlers pop it first)
 *     [rsp + 8]   r11            (likewise)
 *     [rsp + 16]  error code     (only for vectors with one: 8, 10-14, 17, 21)
 *     then        rip
 *                 cs             bits 0-15 selector (RPL 0 if kernel was interrupted, 3 if user);
 *                                bits 32-39 the saved evtchn_upcall_mask
 *                 rflags         IF = !saved upcall mask
 *                 rsp
 *                 ss
 * The handler returns with the iret hypercall (struct pv_iret_context below), or for a
 * kernel-to-kernel return with a native iretq after setting RPL 3 in the cs and ss slots.
 * The failsafe callback frame additionally holds ds, es, fs, gs between r11 and rip:
 *     rcx, r11, ds, es, fs, gs, rip, cs, rflags, rsp, ss.
 */
#ifndef PV_ABI_ARCH_X86_H
#define PV_ABI_ARCH_X86_H

#include <stdint.h>

/*
 * Flat segment selectors in the hypervisor-reserved part of every guest GDT. A 64-bit PV
 * kernel and its user space both run with RPL 3 selectors; the hypervisor tells them apart.
 */
#define PV_FLAT_RING3_CS32 0xe023 /* 32-bit code, GDT index 260 */
#define PV_FLAT_RING3_CS64 0xe033 /* 64-bit code, GDT index 262 */
#define PV_FLAT_RING3_DS32 0xe02b /* data, GDT index 261 */
#define PV_FLAT_RING3_DS64 0x0000 /* null selector */
#define PV_FLAT_RING3_SS32 0xe02b /* data, GDT index 261 */
#define PV_FLAT_RING3_SS64 0xe02b /* data, GDT index 261 */

#define PV_FLAT_KERNEL_DS64 PV_FLAT_RING3_DS64
#define PV_FLAT_KERNEL_DS32 PV_FLAT_RING3_DS32
#define PV_FLAT_KERNEL_DS PV_FLAT_KERNEL_DS64
#define PV_FLAT_KERNEL_CS64 PV_FLAT_RING3_CS64
#define PV_FLAT_KERNEL_CS32 PV_FLAT_RING3_CS32
#define PV_FLAT_KERNEL_CS PV_FLAT_KERNEL_CS64
#define PV_FLAT_KERNEL_SS64 PV_FLAT_RING3_SS64
#define PV_FLAT_KERNEL_SS32 PV_FLAT_RING3_SS32
#define PV_FLAT_KERNEL_SS PV_FLAT_KERNEL_SS64

#define PV_FLAT_USER_DS64 PV_FLAT_RING3_DS64
#define PV_FLAT_USER_DS32 PV_FLAT_RING3_DS32
#define PV_FLAT_USER_DS PV_FLAT_USER_DS64
#define PV_FLAT_USER_CS64 PV_FLAT_RING3_CS64
#define PV_FLAT_USER_CS32 PV_FLAT_RING3_CS32
#define PV_FLAT_USER_CS PV_FLAT_USER_CS64
#define PV_FLAT_USER_SS64 PV_FLAT_RING3_SS64
#define PV_FLAT_USER_SS32 PV_FLAT_RING3_SS32
#define PV_FLAT_USER_SS PV_FLAT_USER_SS64

/* Guest GDT entries stop before this page/byte/entry; the rest belongs to the hypervisor. */
#define PV_FIRST_RESERVED_GDT_PAGE 14
#define PV_FIRST_RESERVED_GDT_BYTE (PV_FIRST_RESERVED_GDT_PAGE * 4096)
#define PV_FIRST_RESERVED_GDT_ENTRY (PV_FIRST_RESERVED_GDT_BYTE / 8)

/* Virtual range owned by the hypervisor in every address space (L4 slots 256-271). Guests
 * must not map anything there. */
#define PV_HYPERVISOR_VIRT_START 0xFFFF800000000000ULL
#define PV_HYPERVISOR_VIRT_END 0xFFFF880000000000ULL

/* Read-only machine-to-phys table (uint64_t per machine frame: its pfn) mapped into every
 * guest: pfn = ((const uint64_t *)PV_MACH2PHYS_VIRT_START)[mfn]. */
#define PV_MACH2PHYS_VIRT_START 0xFFFF800000000000ULL
#define PV_MACH2PHYS_VIRT_END 0xFFFF804000000000ULL
#define PV_MACH2PHYS_NR_ENTRIES ((PV_MACH2PHYS_VIRT_END - PV_MACH2PHYS_VIRT_START) >> 3)

/* cr3 values (ctrlreg[], p2m_cr3) hold machine frame numbers shifted left by 12. */
#define PV_PFN_TO_CR3(pfn) ((uint64_t)(pfn) << 12)
#define PV_CR3_TO_PFN(cr3) ((uint64_t)(cr3) >> 12)

/* set_segment_base(which, base): which segment base to load. */
#define PV_SEGBASE_FS 0          /* %fs base */
#define PV_SEGBASE_GS_USER 1     /* %gs base used in user mode */
#define PV_SEGBASE_GS_KERNEL 2   /* %gs base used in kernel mode */
#define PV_SEGBASE_GS_USER_SEL 3 /* load the user %gs selector given in base[15:0] */

/* The hypercall instruction, for inline assembly (a raw SYSCALL, see hypercall.h). */
#define PV_TRAP_INSTR "syscall"

/* Forced-emulation prefix: `ud2; .ascii "xen"` in front of CPUID makes the hypervisor
 * emulate it (returning the guest's CPUID policy). For inline assembly. */
#define PV_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define PV_CPUID PV_EMULATE_PREFIX "cpuid"
/* Spelling with the XEN_ kept, for porters grepping for Xen's name. */
#define PV_XEN_EMULATE_PREFIX PV_EMULATE_PREFIX

/*
 * Virtual IDT entry for set_trap_table (16 bytes). IN. The table is an array terminated by
 * an entry whose address is 0; each entry sets (or replaces) the one for its vector, the
 * others stay as they were. A NULL table clears every entry. cs should be PV_FLAT_KERNEL_CS.
 * Software `int $N` reaches entry N only if its DPL allows the current guest mode (kernel:
 * DPL >= 1, user: DPL 3); otherwise the guest gets #GP with error code (N << 3) | 2.
 */
struct pv_trap_info {
    uint8_t vector;   /* exception or interrupt vector, 0-255 */
    uint8_t flags;    /* bits 0-1: DPL for software `int $vector`; bit 2: mask events on entry */
    uint16_t cs;      /* code selector of the handler */
    uint32_t pad;     /* padding */
    uint64_t address; /* handler address (canonical) */
};

/* Fields of pv_trap_info.flags. */
#define PV_TI_DPL_MASK 3U      /* DPL: 0 nobody, 1-2 kernel only, 3 user too */
#define PV_TI_IF_BIT (1U << 2) /* set: deliver with events masked (interrupt gate) */
#define PV_TI_GET_DPL(ti) ((ti)->flags & 3)
#define PV_TI_GET_IF(ti) ((ti)->flags & 4)
#define PV_TI_SET_DPL(ti, dpl) ((ti)->flags |= (dpl))
#define PV_TI_SET_IF(ti, i) ((ti)->flags |= ((!!(i)) << 2))

/*
 * Frame read by the iret hypercall (72 bytes), from the guest rsp upwards. The guest pushes
 * ss, rsp, rflags, cs, rip (a hardware iret frame) and then flags, and jumps to the iret stub,
 * which pushes rcx, r11, rax. IN.
 *   - cs RPL 3 with a user selector: return to user mode (the user page table is loaded).
 *   - rflags: IF sets evtchn_upcall_mask = !IF; IOPL, VM and other system bits are ignored.
 *   - rcx and r11 are restored unless flags has PV_VGCF_in_syscall.
 */
struct pv_iret_context {
    uint64_t rax;    /* restored rax (pushed by the stub) */
    uint64_t r11;    /* restored r11 (pushed by the stub) */
    uint64_t rcx;    /* restored rcx (pushed by the stub) */
    uint64_t flags;  /* 0 or PV_VGCF_in_syscall */
    uint64_t rip;    /* return address */
    uint64_t cs;     /* return code selector */
    uint64_t rflags; /* return flags */
    uint64_t rsp;    /* return stack pointer */
    uint64_t ss;     /* return stack selector */
};

/* Bits of vcpu_guest_context.flags and of the iret flags word. */
#define PV_VGCF_I387_VALID (1 << 0)
#define PV_VGCF_IN_KERNEL (1 << 2)
#define PV_VGCF_i387_valid_BIT 0
#define PV_VGCF_i387_valid (1 << PV_VGCF_i387_valid_BIT) /* fpu_ctxt holds valid state */
#define PV_VGCF_in_kernel_BIT 2
#define PV_VGCF_in_kernel (1 << PV_VGCF_in_kernel_BIT) /* vCPU is in kernel mode */
#define PV_VGCF_failsafe_disables_events_BIT 3
#define PV_VGCF_failsafe_disables_events (1 << PV_VGCF_failsafe_disables_events_BIT)
#define PV_VGCF_syscall_disables_events_BIT 4
#define PV_VGCF_syscall_disables_events (1 << PV_VGCF_syscall_disables_events_BIT)
#define PV_VGCF_online_BIT 5
#define PV_VGCF_online (1 << PV_VGCF_online_BIT) /* vCPU is up */
#define PV_VGCF_in_syscall_BIT 8
#define PV_VGCF_in_syscall (1 << PV_VGCF_in_syscall_BIT) /* iret: return like SYSRET */
#define PV_VGCF_IN_SYSCALL PV_VGCF_in_syscall

/* Saved general-purpose state of a vCPU (200 bytes). */
struct pv_cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;   /* private to the hypervisor */
    uint32_t entry_vector; /* private to the hypervisor */
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t saved_upcall_mask; /* evtchn_upcall_mask saved at the last bounce */
    uint8_t _pad1[3];
    uint64_t rflags; /* rflags.IF == !saved_upcall_mask */
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};

/*
 * Full vCPU context (5168 bytes), used by VCPUOP_initialise and the domctl get/set context
 * operations. Machine frame numbers, not pfns, in gdt_frames and ctrlreg[1]/[3].
 */
struct pv_vcpu_guest_context {
    struct {
        char x[512];
    } fpu_ctxt;                         /* FXSAVE image */
    uint64_t flags;                     /* PV_VGCF_* */
    struct pv_cpu_user_regs user_regs;  /* general-purpose registers */
    struct pv_trap_info trap_ctxt[256]; /* virtual IDT */
    uint64_t ldt_base, ldt_ents;        /* LDT: linear address, number of entries */
    uint64_t gdt_frames[16], gdt_ents;  /* GDT: machine frames, number of entries */
    uint64_t kernel_ss, kernel_sp;      /* stack for user->kernel bounces (stack_switch) */
    uint64_t ctrlreg[8];                /* cr0-cr7; ctrlreg[1] is the user page table cr3 */
    uint64_t debugreg[8];               /* dr0-dr7 */
    uint64_t event_callback_eip;        /* event callback address */
    uint64_t failsafe_callback_eip;     /* failsafe callback address */
    uint64_t syscall_callback_eip;      /* 64-bit user SYSCALL callback address */
    uint64_t vm_assist;                 /* bitmap of enabled PV_VMASST_TYPE_* */
    uint64_t fs_base;                   /* %fs base */
    uint64_t gs_base_kernel;            /* %gs base in kernel mode */
    uint64_t gs_base_user;              /* %gs base in user mode */
};

#endif /* PV_ABI_ARCH_X86_H */
