/*
 * Boot test "failsafe": an iret hypercall whose frame names a segment the guest cannot use
 * (CS: hypervisor data selector, null, LDT; SS: hypervisor data selector, null; also a bad CS
 * with RPL 3, i.e. on the way to user mode) enters the failsafe callback (set_callbacks in
 * pv-abi/arch_x86.h: "the segment selectors are invalid") with the 11-quadword frame
 *     RCX R11 DS ES FS GS RIP CS RFLAGS RSP SS        (rsp at RCX)
 * carrying the refused frame: kernel context has CS.RPL cleared, user context keeps it, SS is
 * as given with RPL 3; rcx, r11 and rax are the ones the iret restored; DS..GS are the data
 * selectors the guest had loaded. The handler recovers and the guest carries on.
 */
#include "bt.h"

#define MAGIC_RAX 0x7a7a7a7a
#define HV_DATA_SEL 0xe010 /* the hypervisor's data segment (DPL 0), RPL 0 */
#define LDT_SEL 0x0004     /* LDT index 0: there is no LDT */
#define KSTACK_SIZE 8192
#define FRAME_QWORDS 11

/* Recorded by failsafe_entry: the frame, where it was, rax, and how often it ran. */
BT_ASM_USED volatile uint64_t fs_frame[FRAME_QWORDS], fs_frame_addr, fs_rax, fs_count;
/* Counts arrivals at the iret's target: the hypervisor must never get there. */
BT_ASM_USED volatile uint64_t fs_reached;
/* The kernel context failsafe_entry resumes (gk_context layout). */
BT_ASM_USED struct gk_context fs_ctx;

static uint8_t kstack[KSTACK_SIZE] __attribute__((aligned(16)));
#define KSTACK_TOP ((uint64_t)(uintptr_t)(kstack + KSTACK_SIZE))

/* Copy the frame, then resume fs_ctx with rax = 1 (a longjmp in guest kernel mode). */
void failsafe_entry(void);
/* clang-format off */
__asm__(".pushsection .text.failsafe_entry,\"ax\",@progbits\n"
        ".globl failsafe_entry\nfailsafe_entry:\n\t"
        "movq %rax, fs_rax(%rip)\n\t"
        "movq %rsp, fs_frame_addr(%rip)\n\t"
        "leaq fs_frame(%rip), %rdi\n\t"
        "movq %rsp, %rsi\n\t"
        "movl $" BT_STR(FRAME_QWORDS) ", %ecx\n"
        "1:\tmovq (%rsi), %rax\n\tmovq %rax, (%rdi)\n\t"
        "addq $8, %rsi\n\taddq $8, %rdi\n\tdecl %ecx\n\tjnz 1b\n\t"
        "incq fs_count(%rip)\n\t"
        "leaq fs_ctx(%rip), %rdi\n\t"
        "movq 0(%rdi), %rbx\n\tmovq 8(%rdi), %rbp\n\tmovq 16(%rdi), %r12\n\t"
        "movq 24(%rdi), %r13\n\tmovq 32(%rdi), %r14\n\tmovq 40(%rdi), %r15\n\t"
        "movq 48(%rdi), %rsp\n\tmovl $1, %eax\n\tjmp *56(%rdi)\n"
        ".popsection");
/* clang-format on */

/*
 * void bad_iret(uint64_t cs, uint64_t ss): iret hypercall to bad_iret_target with the given
 * selectors, rsp = the rsp at entry, rflags CF|1 (IF clear: events stay masked), and known
 * rcx/r11/rax. If the hypervisor lets it through, the target counts it and returns.
 */
void bad_iret(uint64_t cs, uint64_t ss);
extern const char bad_iret_target[];
/* clang-format off */
__asm__(".pushsection .text.bad_iret,\"ax\",@progbits\n"
        ".globl bad_iret\nbad_iret:\n\t"
        "movq %rsp, %rax\n\t"
        "pushq %rsi\n\t"
        "pushq %rax\n\t"
        "pushq $3\n\t"
        "pushq %rdi\n\t"
        "leaq bad_iret_target(%rip), %rax\n\t"
        "pushq %rax\n\t"
        "pushq $0\n\t"
        "movq %rsp, bt_pre_rsp(%rip)\n\t"
        "movq $" BT_STR(BT_MAGIC_RCX) ", %rcx\n\t"
        "movq $" BT_STR(BT_MAGIC_R11) ", %r11\n\t"
        "movq $" BT_STR(MAGIC_RAX) ", %rax\n\t"
        "jmp hypercall_page + " BT_STR(PV_HYPERCALL_iret) " * 32\n"
        ".globl bad_iret_target\nbad_iret_target:\n\t"
        "incq fs_reached(%rip)\n\t"
        "ret\n"
        ".popsection");
/* clang-format on */

struct variant {
    const char *what;
    uint64_t cs, ss;
    bool user; /* the CS has RPL 3: the iret heads for user mode */
};

static const struct variant variants[] = {
    {"CS = hypervisor data selector", HV_DATA_SEL, PV_FLAT_KERNEL_SS, false},
    {"CS = null selector", 0, PV_FLAT_KERNEL_SS, false},
    {"CS = LDT selector", LDT_SEL, PV_FLAT_KERNEL_SS, false},
    {"SS = hypervisor data selector", BT_FRAME_KERNEL_CS, HV_DATA_SEL, false},
    {"SS = null selector", BT_FRAME_KERNEL_CS, 0, false},
    {"CS = hypervisor data selector, RPL 3", HV_DATA_SEL | 3, PV_FLAT_KERNEL_SS, true},
};

static void load_data_selectors(uint16_t sel)
{
    __asm__ volatile("movl %0, %%ds; movl %0, %%es" ::"r"((uint32_t)sel));
}

static void check_frame(const struct variant *v, uint64_t entry_rsp)
{
    /* Where the iret would have resumed: the rsp bad_iret had on entry. */
    uint64_t target_rsp = entry_rsp + 6 * 8;
    uint64_t top = v->user ? KSTACK_TOP : target_rsp;
    uint64_t cs = v->user ? v->cs : v->cs & ~3ULL;

    BT_EQ(v->what, fs_frame[0], BT_MAGIC_RCX);
    BT_EQ(v->what, fs_frame[1], BT_MAGIC_R11);
    BT_EQ(v->what, fs_frame[2], PV_FLAT_KERNEL_DS32); /* DS, as loaded */
    BT_EQ(v->what, fs_frame[3], PV_FLAT_KERNEL_DS32); /* ES */
    BT_EQ(v->what, fs_frame[4], 0);                   /* FS */
    BT_EQ(v->what, fs_frame[5], 0);                   /* GS */
    BT_EQ(v->what, fs_frame[6], (uint64_t)(uintptr_t)bad_iret_target);
    BT_EQ(v->what, fs_frame[7], cs | (1ULL << 32));
    BT_EQ(v->what, fs_frame[8] & ~BT_RFLAGS_RF, 3);
    BT_EQ(v->what, fs_frame[9], target_rsp);
    BT_EQ(v->what, fs_frame[10], v->ss | 3);
    BT_EQ(v->what, fs_frame_addr, (top & ~15ULL) - FRAME_QWORDS * 8);
    BT_EQ(v->what, fs_rax, MAGIC_RAX);
}

static void run_variant(const struct variant *v)
{
    uint64_t count = fs_count;

    load_data_selectors(PV_FLAT_KERNEL_DS32);
    fs_ctx.rflags = bt_kernel_rflags();
    if (gk_context_save(&fs_ctx) == 0) {
        bad_iret(v->cs, v->ss);
        GK_FAIL("%s: the iret returned to its target", v->what);
        return;
    }
    load_data_selectors(0);
    if (!BT_EQ(v->what, fs_count, count + 1))
        return;
    check_frame(v, bt_pre_rsp);
}

/* clang-format off */
BT_TRIGGER(trig_ud2, "", "ud2", "");
/* clang-format on */

GK_TEST(failsafe)
{
    struct pv_callback_register cb = {.type = PV_CALLBACKTYPE_failsafe,
                                      .flags = PV_CALLBACKF_mask_events,
                                      .address = (uint64_t)(uintptr_t)failsafe_entry};
    struct bt_expect e = {
        .what = "#UD after the failsafe entries", .vector = GK_VEC_UD, .rip = trig_ud2_insn};
    struct gk_regs f;

    GK_ASSERT_EQ(gk_user_init(), 0); /* the RPL 3 variant needs a user page table */
    GK_ASSERT_EQ(gk_hypercall_stack_switch(PV_FLAT_KERNEL_SS, KSTACK_TOP), 0);
    GK_ASSERT_EQ(gk_hypercall_callback_op(PV_CALLBACKOP_register, &cb), 0);
    for (unsigned i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
        run_variant(&variants[i]);
    GK_EXPECT_EQ(fs_reached, 0);
    /* The guest recovered: hypercalls and trap delivery work as before. */
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_version, NULL), 0x40011);
    bt_expect_trap(&e, trig_ud2, &f);
    GK_EXPECT_EQ(gk_nr_failsafe, 0); /* the kit's own failsafe entry never ran */
}
