/*
 * Boot test "usermode": guest user mode and its ways into the guest kernel (docs/porting.md
 * §4, §7). The bootstrap L4 becomes the user page table (MMUEXT_NEW_USER_BASEPTR), the
 * kernel stack for user->kernel entries comes from stack_switch, and the iret hypercall with
 * CS RPL 3 enters user mode. Then:
 *   - SYSCALL from user mode reaches the syscall callback with Xen's frame (rcx/r11 = the
 *     user's rip/rflags, user CS and SS), on the stack_switch stack, in kernel mode (a
 *     hypercall works there); iret with VGCF_in_syscall returns SYSRET-style (rcx = rip,
 *     r11 = rflags), without it rcx/r11 come from the frame;
 *   - a "hypercall" from user mode (raw SYSCALL or the hypercall page) is only a system call;
 *   - int $0x80 with DPL 3 is delivered with the user frame, with DPL 1 or 2 it is #GP;
 *   - privileged instructions, #UD and #PF (with the U bit) from user mode;
 *   - the GS bases swap with the mode (set_segment_base GS_USER / GS_KERNEL).
 */
#include "bt.h"

#define SYS_PROBE 0x40 /* handled by probe_entry below */
#define SYS_HOOK 0x41  /* handled by gk_syscall_hook (the kit's entry) */
#define PROBE_RESULT 0x5a5a
#define HOOK_RESULT 0x8080
#define HOOK_RCX 0xc0ffee
#define HOOK_R11 0x5eed
#define XEN_VERSION_417 0x40011
#define KSTACK_SIZE 16384
#define UNMAPPED_VA 0x1000ULL

/* The stack stack_switch names: every user->kernel entry must land on it. */
static uint8_t kstack[KSTACK_SIZE] __attribute__((aligned(16)));
#define KSTACK_TOP ((uint64_t)(uintptr_t)(kstack + KSTACK_SIZE))

/* Written by user-mode code (user mode shares the kernel's page table here). */
BT_ASM_USED volatile uint64_t u_rcx, u_r11, u_rflags_after, u_rax;
/* Written by probe_entry in kernel mode: the 7-quadword frame, its address, registers. */
BT_ASM_USED volatile uint64_t k_frame[7], k_frame_addr, k_rax, k_rdi, k_version, k_count;
static BT_ASM_USED uint64_t user_gs_word = 0x05e4, kernel_gs_word = 0x4e4e;

/*
 * The syscall callback: kit numbers (below GK_SYSCALL_HOOK_BASE) go to the kit's entry;
 * SYS_PROBE and anything else is recorded, a hypercall is made (kernel mode), and the return
 * uses the iret hypercall with VGCF_in_syscall.
 */
void probe_entry(void);
/* clang-format off */
__asm__(".pushsection .text.probe_entry,\"ax\",@progbits\n"
        ".globl probe_entry\nprobe_entry:\n\t"
        "cmpq $" BT_STR(GK_SYSCALL_HOOK_BASE) ", %rax\n\t"
        "jb gk_syscall_entry\n\t"
        "movq %rsp, k_frame_addr(%rip)\n\t"
        "movq %rax, k_rax(%rip)\n\t"
        "movq %rdi, k_rdi(%rip)\n\t"
        "leaq k_frame(%rip), %rdi\n\t"
        "movq %rsp, %rsi\n\t"
        "movl $7, %ecx\n"
        "1:\tmovq (%rsi), %rax\n\tmovq %rax, (%rdi)\n\t"
        "addq $8, %rsi\n\taddq $8, %rdi\n\tdecl %ecx\n\tjnz 1b\n\t"
        "xorl %edi, %edi\n\txorl %esi, %esi\n\t"
        "call hypercall_page + " BT_STR(PV_HYPERCALL_xen_version) " * 32\n\t"
        "movq %rax, k_version(%rip)\n\t"
        "incq k_count(%rip)\n\t"
        "movq $" BT_STR(PROBE_RESULT) ", %rax\n\t"
        "addq $16, %rsp\n\t"
        "pushq $" BT_STR(PV_VGCF_in_syscall) "\n\t"
        "jmp hypercall_page + " BT_STR(PV_HYPERCALL_iret) " * 32\n"
        ".popsection");
/* clang-format on */

/* User-mode programs: BT_TRIGGER functions run by gk_user_run; their result is rax. */
/* clang-format off */
#define AFTER_SAVE "movq %rcx, u_rcx(%rip); movq %r11, u_r11(%rip); movq %rax, u_rax(%rip); " \
                   "pushfq; popq u_rflags_after(%rip)"
BT_TRIGGER(u_syscall, "stc; movq $" BT_STR(SYS_PROBE) ", %rax; movq $0x1234, %rdi", "syscall",
           AFTER_SAVE);
BT_TRIGGER(u_hypercall_raw, "movq $" BT_STR(PV_HYPERCALL_xen_version) ", %rax; xorl %edi, %edi",
           "syscall", AFTER_SAVE);
BT_TRIGGER(u_shutdown_raw,
           "movq $" BT_STR(PV_HYPERCALL_sched_op) ", %rax; movl $" BT_STR(PV_SCHEDOP_shutdown)
           ", %edi; leaq poweroff_arg(%rip), %rsi",
           "syscall", AFTER_SAVE);
BT_TRIGGER(u_hypercall_page, "xorl %edi, %edi; xorl %esi, %esi",
           "call hypercall_page + " BT_STR(PV_HYPERCALL_xen_version) " * 32", AFTER_SAVE);
BT_TRIGGER(u_int80, "movq $" BT_STR(SYS_HOOK) ", %rax", "int $0x80", AFTER_SAVE);
BT_TRIGGER(u_cli, "", "cli", "");
BT_TRIGGER(u_hlt, "", "hlt", "");
BT_TRIGGER(u_mov_cr0, "", "movq %cr0, %rax", "");
BT_TRIGGER(u_rdmsr, "movl $0xc0000100, %ecx", "rdmsr", "");
BT_TRIGGER(u_inb, "", "inb $0x80, %al", "");
BT_TRIGGER(u_ud2, "", "ud2", "");
BT_TRIGGER(u_pf_read, "movl $" BT_STR(UNMAPPED_VA) ", %eax", "movq (%rax), %rdx", "");
BT_TRIGGER(u_pf_write, "movl $" BT_STR(UNMAPPED_VA) ", %eax", "movq %rdx, (%rax)", "");
BT_TRIGGER(u_read_gs, "", "movq %gs:0, %rax", "");
/* clang-format on */

static BT_ASM_USED const struct pv_sched_shutdown poweroff_arg = {.reason = PV_SHUTDOWN_poweroff};

static long run_user(void (*prog)(void))
{
    return gk_user_run((long (*)(void))(uintptr_t)prog);
}

/* A user->kernel frame as Xen builds it: user CS (RPL 3) with the saved mask, user SS, and the
 * frame at the top of the stack_switch stack. */
static void check_user_frame(const char *what, const struct gk_regs *f, uint64_t rip_slot,
                             const void *rip)
{
    BT_EQ(what, f->rip, (uint64_t)(uintptr_t)rip);
    BT_EQ(what, f->cs, BT_FRAME_USER_CS | (1ULL << 32));
    BT_EQ(what, f->rflags & ~(BT_RFLAGS_RF | BT_RFLAGS_IF), bt_pre_rflags & ~BT_RFLAGS_IF);
    BT_EQ(what, f->rflags & BT_RFLAGS_IF, 0); /* events were masked in user mode */
    BT_EQ(what, f->rsp, bt_pre_rsp);
    BT_EQ(what, f->ss, BT_FRAME_SS);
    BT_EQ(what, rip_slot, (KSTACK_TOP & ~15ULL) - 40);
}

static void setup(void)
{
    uint64_t data_mfn = gk_virt_to_mfn(kstack);
    struct pv_mmuext_op ops[2] = {
        {.cmd = PV_MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = bt_l4_mfn()},
        {.cmd = PV_MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = data_mfn},
    };
    struct pv_callback_register cb = {.type = PV_CALLBACKTYPE_syscall,
                                      .flags = PV_CALLBACKF_mask_events,
                                      .address = (uint64_t)(uintptr_t)probe_entry};
    unsigned int done = 99;

    GK_ASSERT_EQ(gk_user_init(), 0);
    GK_ASSERT_EQ(gk_hypercall_stack_switch(PV_FLAT_KERNEL_SS, KSTACK_TOP), 0);
    /* A writable data page cannot become a page-table root: the batch stops there. */
    GK_EXPECT_EQ(gk_hypercall_mmuext_op(ops, 2, &done, PV_DOMID_SELF), -PV_EINVAL);
    GK_EXPECT_EQ(done, 1);
    GK_ASSERT_EQ(gk_hypercall_callback_op(PV_CALLBACKOP_register, &cb), 0);
}

static void check_syscall(void)
{
    const uint64_t after = (uint64_t)(uintptr_t)u_syscall_end;

    k_count = 0;
    GK_EXPECT_EQ(run_user(u_syscall), PROBE_RESULT);
    GK_ASSERT_EQ(k_count, 1);
    BT_EQ("syscall frame", k_rax, SYS_PROBE);
    BT_EQ("syscall frame", k_rdi, 0x1234);
    BT_EQ("syscall frame rcx", k_frame[0], after);
    BT_EQ("syscall frame r11", k_frame[1], bt_pre_rflags);
    BT_EQ("syscall frame rip", k_frame[2], after);
    BT_EQ("syscall frame cs", k_frame[3], BT_FRAME_USER_CS | (1ULL << 32));
    BT_EQ("syscall frame rflags", k_frame[4] & ~BT_RFLAGS_RF, bt_pre_rflags & ~BT_RFLAGS_IF);
    BT_EQ("syscall frame rsp", k_frame[5], bt_pre_rsp);
    BT_EQ("syscall frame ss", k_frame[6], BT_FRAME_SS);
    BT_EQ("syscall frame address", k_frame_addr, (KSTACK_TOP & ~15ULL) - 56);
    BT_EQ("hypercall from the syscall callback", k_version, XEN_VERSION_417);
    /* VGCF_in_syscall: back in user mode, rcx = rip and r11 = rflags (CF kept from the frame). */
    BT_EQ("sysret-style return", u_rax, PROBE_RESULT);
    BT_EQ("sysret-style return", u_rcx, after);
    BT_EQ("sysret-style return", u_r11, u_rflags_after);
    BT_EQ("sysret-style return CF", u_rflags_after & 1, 1);
    BT_EQ("sysret-style return IF", u_rflags_after & BT_RFLAGS_IF, BT_RFLAGS_IF);
}

/* From user mode, SYSCALL is never a hypercall: not raw, not through the hypercall page. */
static void check_no_user_hypercalls(void)
{
    k_count = 0;
    GK_EXPECT_EQ(run_user(u_hypercall_raw), PROBE_RESULT);
    BT_EQ("user xen_version via syscall", k_rax, PV_HYPERCALL_xen_version);
    GK_EXPECT_EQ(run_user(u_hypercall_page), PROBE_RESULT);
    BT_EQ("user xen_version via the page", k_rax, PV_HYPERCALL_xen_version);
    GK_EXPECT_EQ(run_user(u_shutdown_raw), PROBE_RESULT);
    BT_EQ("user sched_op shutdown via syscall", k_rax, PV_HYPERCALL_sched_op);
    BT_EQ("user hypercall attempts", k_count, 3);
}

static struct gk_regs hook_frame;
static uint64_t hook_rip_slot;
static unsigned hook_calls;

bool gk_syscall_hook(struct gk_regs *regs)
{
    if (regs->rax != SYS_HOOK)
        return false;
    hook_frame = *regs;
    hook_rip_slot = (uint64_t)(uintptr_t)&regs->rip;
    hook_calls++;
    regs->rax = HOOK_RESULT;
    regs->rcx = HOOK_RCX; /* a plain iret hands rcx/r11 back from the frame */
    regs->r11 = HOOK_R11;
    return true;
}

static void check_int80(void)
{
    GK_EXPECT_EQ(gk_trap_install(0x80, 3, false), 0);
    hook_calls = 0;
    GK_EXPECT_EQ(run_user(u_int80), HOOK_RESULT);
    GK_ASSERT_EQ(hook_calls, 1);
    BT_EQ("int $0x80 DPL 3", hook_frame.vector, 0x80);
    BT_EQ("int $0x80 DPL 3", hook_frame.error_code, 0);
    check_user_frame("int $0x80 DPL 3", &hook_frame, hook_rip_slot, u_int80_end);
    BT_EQ("iret without VGCF_in_syscall", u_rcx, HOOK_RCX);
    BT_EQ("iret without VGCF_in_syscall", u_r11, HOOK_R11);
}

static void (*user_prog)(void);

static void run_user_prog(void)
{
    run_user(user_prog);
}

/* Run prog in user mode expecting a trap into the kernel with a user frame. */
static void expect_user_trap(const char *what, void (*prog)(void), unsigned vec, uint64_t ec,
                             const void *rip)
{
    struct gk_regs f;
    uint64_t slot = 0;

    user_prog = prog;
    if (!bt_trap(run_user_prog, &f, &slot)) {
        GK_FAIL("%s: expected vector %u, no trap came", what, vec);
        return;
    }
    if (!BT_EQ(what, f.vector, vec))
        return;
    BT_EQ(what, f.error_code, ec);
    check_user_frame(what, &f, slot, rip);
}

static void check_user_faults(void)
{
    for (unsigned dpl = 0; dpl <= 2; dpl++) {
        char what[40];

        lib_snprintf(what, sizeof(what), "user int $0x80 DPL %u", dpl);
        GK_EXPECT_EQ(gk_trap_install(0x80, dpl, false), 0);
        expect_user_trap(what, u_int80, GK_VEC_GP, (0x80 << 3) | 2, u_int80_insn);
    }
    GK_EXPECT_EQ(gk_trap_install(0x80, 3, false), 0);
    expect_user_trap("user cli", u_cli, GK_VEC_GP, 0, u_cli_insn);
    expect_user_trap("user hlt", u_hlt, GK_VEC_GP, 0, u_hlt_insn);
    expect_user_trap("user mov from cr0", u_mov_cr0, GK_VEC_GP, 0, u_mov_cr0_insn);
    expect_user_trap("user rdmsr", u_rdmsr, GK_VEC_GP, 0, u_rdmsr_insn);
    expect_user_trap("user inb", u_inb, GK_VEC_GP, 0, u_inb_insn);
    expect_user_trap("user ud2", u_ud2, GK_VEC_UD, 0, u_ud2_insn);
    expect_user_trap("user #PF read", u_pf_read, GK_VEC_PF, 4, u_pf_read_insn);
    BT_EQ("user #PF read cr2", bt_read_cr2(), UNMAPPED_VA);
    expect_user_trap("user #PF write", u_pf_write, GK_VEC_PF, 4 | 2, u_pf_write_insn);
}

static long read_gs_word(void)
{
    uint64_t v;

    __asm__ volatile("movq %%gs:0, %0" : "=r"(v));
    return (long)v;
}

/* The kernel and user GS bases are swapped on every mode change. */
static void check_gs_swap(void)
{
    GK_ASSERT_EQ(
        gk_hypercall_set_segment_base(PV_SEGBASE_GS_USER, (uint64_t)(uintptr_t)&user_gs_word), 0);
    GK_ASSERT_EQ(
        gk_hypercall_set_segment_base(PV_SEGBASE_GS_KERNEL, (uint64_t)(uintptr_t)&kernel_gs_word),
        0);
    GK_EXPECT_EQ(read_gs_word(), (long)kernel_gs_word);
    GK_EXPECT_EQ(run_user(u_read_gs), (long)user_gs_word);
    GK_EXPECT_EQ(read_gs_word(), (long)kernel_gs_word);
    GK_EXPECT_EQ(bt_rdmsr(0xc0000102), (uint64_t)(uintptr_t)&user_gs_word);
}

GK_TEST(usermode)
{
    setup();
    check_syscall();
    check_no_user_hypercalls();
    check_int80();
    check_user_faults();
    check_gs_swap();
    /* Everything still works after all that. */
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_version, NULL), XEN_VERSION_417);
}
