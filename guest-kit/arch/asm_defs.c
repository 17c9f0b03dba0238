/* guest-kit: constants and offsets for the nasm files, taken from the C headers. Compiled with
 * -S only: guest-kit.mk turns each "->NAME value" marker into a %define of
 * build/guest-kit/asm_defs.inc (generated, do not edit). */
#include <stddef.h>

#include "gk/kit.h"

#define DEFINE(name, value) __asm__ volatile("\n.ascii \"->" #name " %c0\"" : : "i"((long)(value)))

void gk_asm_defs(void);

void gk_asm_defs(void)
{
    DEFINE(PV_HYPERCALL_iret, PV_HYPERCALL_iret);
    DEFINE(PV_HYPERCALL_PAGE_STUB_SIZE, PV_HYPERCALL_PAGE_STUB_SIZE);
    DEFINE(PV_ELFNOTE_ENTRY, PV_ELFNOTE_ENTRY);
    DEFINE(PV_ELFNOTE_HYPERCALL_PAGE, PV_ELFNOTE_HYPERCALL_PAGE);
    DEFINE(PV_ELFNOTE_VIRT_BASE, PV_ELFNOTE_VIRT_BASE);
    DEFINE(PV_ELFNOTE_PADDR_OFFSET, PV_ELFNOTE_PADDR_OFFSET);
    DEFINE(PV_ELFNOTE_XEN_VERSION, PV_ELFNOTE_XEN_VERSION);
    DEFINE(PV_ELFNOTE_GUEST_OS, PV_ELFNOTE_GUEST_OS);
    DEFINE(PV_ELFNOTE_GUEST_VERSION, PV_ELFNOTE_GUEST_VERSION);
    DEFINE(PV_ELFNOTE_LOADER, PV_ELFNOTE_LOADER);
    DEFINE(PV_ELFNOTE_FEATURES, PV_ELFNOTE_FEATURES);
    DEFINE(PV_VGCF_in_syscall, PV_VGCF_in_syscall);
    DEFINE(PV_FLAT_USER_CS, PV_FLAT_USER_CS);
    DEFINE(PV_FLAT_USER_SS, PV_FLAT_USER_SS);
    DEFINE(GK_VIRT_BASE, GK_VIRT_BASE);
    DEFINE(GK_VEC_EVENT, GK_VEC_EVENT);
    DEFINE(GK_VEC_FAILSAFE, GK_VEC_FAILSAFE);
    DEFINE(GK_VEC_SYSCALL, GK_VEC_SYSCALL);
    DEFINE(GK_REGS_SIZE, sizeof(struct gk_regs));
    DEFINE(GK_REGS_vector, offsetof(struct gk_regs, vector));
    DEFINE(GK_REGS_cs, offsetof(struct gk_regs, cs));
    DEFINE(GK_CTX_rbx, offsetof(struct gk_context, rbx));
    DEFINE(GK_CTX_rbp, offsetof(struct gk_context, rbp));
    DEFINE(GK_CTX_r12, offsetof(struct gk_context, r12));
    DEFINE(GK_CTX_r13, offsetof(struct gk_context, r13));
    DEFINE(GK_CTX_r14, offsetof(struct gk_context, r14));
    DEFINE(GK_CTX_r15, offsetof(struct gk_context, r15));
    DEFINE(GK_CTX_rsp, offsetof(struct gk_context, rsp));
    DEFINE(GK_CTX_rip, offsetof(struct gk_context, rip));
}
