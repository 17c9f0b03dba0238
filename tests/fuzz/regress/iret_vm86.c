/*
 * tests/fuzz regression "iret_vm86" (found by the fuzzing guest, seed 4, in user-mode random
 * code): a 32-bit IRET (opcode CF without REX.W) whose EFLAGS image has VM (bit 17) set.
 * A CPU in long mode never enters virtual-8086 mode that way: in IA-32e mode IRET ignores VM
 * unless... it #GPs at CPL 3. QEMU's TCG (helper_ret_protected, up to at least 10.0) has no
 * CPL or long-mode check on that path and switches the vCPU to virtual-8086 mode, where the
 * next fault arrives with a real-mode CS (here 0x1000, RPL 0) and RFLAGS.VM set. A hypervisor
 * that tells guest frames from its own by CS.RPL alone takes that for a fault of its own and
 * panics. Whatever the CPU does, the guest's fault must stay the guest's: either a trap comes
 * back to it (a CPU that refuses the IRET: #GP) or the hypervisor crashes this domain; the
 * peer domain finishes and the hypervisor lives on.
 */
#include "gk/test.h"

#define LOW_STACK 0x20000000ULL /* a page below 4 GiB: the 32-bit IRET pops through ESP */

/* void vm86_iret(uint64_t frame): on a stack at `frame` (below 4 GiB), a 32-bit IRET frame EIP
 * 0x0, CS 0x1000, EFLAGS VM|IF|bit 1, then the virtual-8086 ESP, SS, ES, DS, FS, GS; the linear
 * address 0x10000 it would run at is not mapped. Returns (rsp put back) only if the IRET does
 * nothing, which no CPU does. */
void vm86_iret(uint64_t frame);
/* clang-format off */
__asm__(".pushsection .text.vm86_iret,\"ax\",@progbits\n"
        ".globl vm86_iret\nvm86_iret:\n\t"
        "movq %rsp, %rsi\n\t"
        "movq %rdi, %rsp\n\t"
        "movl $0x0, 0(%rsp)\n\t"       /* EIP */
        "movl $0x1000, 4(%rsp)\n\t"    /* CS */
        "movl $0x20202, 8(%rsp)\n\t"   /* EFLAGS: VM, IF */
        "movl $0x100, 12(%rsp)\n\t"    /* ESP */
        "movl $0x1000, 16(%rsp)\n\t"   /* SS */
        "movl $0, 20(%rsp)\n\tmovl $0, 24(%rsp)\n\tmovl $0, 28(%rsp)\n\tmovl $0, 32(%rsp)\n\t"
        "iretl\n\t"
        "movq %rsi, %rsp\n\t"
        "ret\n"
        ".popsection");
/* clang-format on */

GK_TEST(iret_vm86)
{
    struct gk_trap_record rec;
    void *page = gk_page_alloc();

    GK_ASSERT(page != NULL);
    GK_ASSERT_EQ(gk_map(gk_kernel_space(), LOW_STACK, gk_virt_to_mfn(page), GK_PAGE_KERNEL), 0);
    if (gk_trap_catch(&rec) == 0) {
        vm86_iret(LOW_STACK + 2048);
        gk_trap_uncatch();
        GK_FAIL("a 32-bit IRET with EFLAGS.VM returned normally");
    } else {
        gk_test_log("the IRET came back as vector %lu, error %#lx at %#lx", rec.vector,
                    rec.error_code, rec.rip);
    }
}
