/*
 * Boot test guest "crash": does one thing Xen answers by crashing the domain (and only the
 * domain), chosen by "mode=" on its command line:
 *   iret        an iret hypercall with an unusable CS and no failsafe callback
 *   iret_stack  an iret hypercall whose frame runs off the end of the mapped memory
 *   ud          ud2 with an empty trap table (an exception with no handler)
 *   user        an iret to user mode without a user page table (no NEW_USER_BASEPTR)
 * It never prints a PASS line: the runner checks the hypervisor's "crashed" line, and that
 * the other domains carried on. If the guest survives, it says so with a FAIL line.
 */
#include "bt.h"

#define HV_DATA_SEL 0xe010

/* void iret_to(uint64_t cs): iret hypercall to its own return path with selector cs (kernel
 * rsp, rflags with events masked); it returns only if the hypervisor accepts the frame. */
void iret_to(uint64_t cs);
/* clang-format off */
__asm__(".pushsection .text.iret_to,\"ax\",@progbits\n"
        ".globl iret_to\niret_to:\n\t"
        "movq %rsp, %rax\n\t"
        "pushq $" BT_STR(PV_FLAT_KERNEL_SS) "\n\t"
        "pushq %rax\n\t"
        "pushq $2\n\t"
        "pushq %rdi\n\t"
        "leaq 1f(%rip), %rax\n\t"
        "pushq %rax\n\t"
        "pushq $0\n\t"
        "jmp hypercall_page + " BT_STR(PV_HYPERCALL_iret) " * 32\n"
        "1:\tret\n"
        ".popsection");
/* clang-format on */

/* void iret_on_stack(uint64_t rsp): switch to rsp and take the iret stub from there. */
void iret_on_stack(uint64_t rsp);
/* clang-format off */
__asm__(".pushsection .text.iret_on_stack,\"ax\",@progbits\n"
        ".globl iret_on_stack\niret_on_stack:\n\t"
        "movq %rdi, %rsp\n\t"
        "jmp hypercall_page + " BT_STR(PV_HYPERCALL_iret) " * 32\n"
        ".popsection");
/* clang-format on */

static void user_spin(void)
{
    for (;;)
        ;
}

static void crash(const char *mode)
{
    if (lib_strcmp(mode, "iret") == 0) {
        struct pv_callback_register cb = {.type = PV_CALLBACKTYPE_failsafe, .address = 0};

        GK_ASSERT_EQ(gk_hypercall_callback_op(PV_CALLBACKOP_register, &cb), 0);
        iret_to(HV_DATA_SEL);
    } else if (lib_strcmp(mode, "iret_stack") == 0) {
        /* The stub pushes rcx, r11, rax below the end of the mapping; the 72-byte context
         * the hypervisor reads from there runs into unmapped memory. */
        iret_on_stack(bt_mapping_end());
    } else if (lib_strcmp(mode, "ud") == 0) {
        GK_ASSERT_EQ(gk_hypercall_set_trap_table(NULL), 0);
        __asm__ volatile("ud2");
    } else if (lib_strcmp(mode, "user") == 0) {
        static uint8_t stack[4096] __attribute__((aligned(16)));

        gk_user_enter((uint64_t)(uintptr_t)user_spin, (uint64_t)(uintptr_t)(stack + 4096), 0x2);
    } else {
        GK_FAIL("unknown mode \"%s\"", mode);
        return;
    }
    GK_FAIL("survived mode %s", mode);
}

GK_TEST(crash)
{
    char mode[16];

    GK_ASSERT(gk_cmdline_get("mode", mode, sizeof(mode)));
    gk_test_log("crash: mode %s", mode);
    crash(mode);
}
