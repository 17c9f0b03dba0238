/* tests/fuzz: the iret hypercall with random frames, the failsafe callback, and the landing
 * pads that bring the fuzzer back to its loop (fz_ctx) from wherever an iret took it. */
#include "fz.h"

/* Set by whatever brought the iteration back: a landing pad, the failsafe callback. */
volatile uint64_t fz_landed;
enum { LANDED_NONE, LANDED_KERNEL, LANDED_USER, LANDED_FAILSAFE };

/* clang-format off */
/* Resume fz_ctx with rax = code, flags clean (the iret may have set DF, TF, AC). */
#define FZ_RESUME(code)                                                                            \
    "cld\n\tpushq $0x202\n\tpopfq\n\t"                                                           \
    "movq $" #code ", fz_landed(%rip)\n\t"                                                        \
    "leaq fz_ctx(%rip), %rdi\n\t"                                                                 \
    "movq 0(%rdi), %rbx\n\tmovq 8(%rdi), %rbp\n\tmovq 16(%rdi), %r12\n\t"                         \
    "movq 24(%rdi), %r13\n\tmovq 32(%rdi), %r14\n\tmovq 40(%rdi), %r15\n\t"                       \
    "movq 48(%rdi), %rsp\n\tmovl $" #code ", %eax\n\tjmp *56(%rdi)\n"

/* The failsafe callback: the iret's frame was refused (bad selectors). */
__asm__(".pushsection .text.fz_iret,\"ax\",@progbits\n"
        ".globl fz_failsafe_entry\nfz_failsafe_entry:\n\t"
        FZ_RESUME(3)
        /* Where a kernel-mode iret lands. */
        ".globl fz_land_kernel\nfz_land_kernel:\n\t"
        FZ_RESUME(1)
        /* Where a user-mode iret lands: a #UD from user mode, which fz's trap hook resumes. */
        ".globl fz_land_user\nfz_land_user:\n\t"
        "movq $2, fz_landed(%rip)\n\tud2\n"
        /* void fz_iret_jump(const uint64_t f[9]): rax r11 rcx flags rip cs rflags rsp ss. */
        ".globl fz_iret_jump\nfz_iret_jump:\n\t"
        "pushq 64(%rdi)\n\tpushq 56(%rdi)\n\tpushq 48(%rdi)\n\tpushq 40(%rdi)\n\t"
        "pushq 32(%rdi)\n\tpushq 24(%rdi)\n\t"
        "movq 16(%rdi), %rcx\n\tmovq 8(%rdi), %r11\n\tmovq 0(%rdi), %rax\n\t"
        "jmp hypercall_page + 23 * 32\n"
        ".popsection");
/* clang-format on */

void fz_land_kernel(void);
void fz_land_user(void);
__attribute__((noreturn)) void fz_iret_jump(const uint64_t f[9]);

/* A non-canonical address: just past the lower half, or bits 63 and 47 disagreeing. */
static uint64_t fz_noncanonical(void)
{
    if (fz_chance(512))
        return 0x0000800000000000ULL + fz_below(64);
    return (fz_num() | (1ULL << 63)) & ~(1ULL << 47);
}

static uint64_t landing(uint64_t *cs)
{
    switch (fz_below(11)) {
    case 0 ... 5:
        *cs = fz_chance(960) ? PV_FLAT_KERNEL_CS & ~3ULL : fz_selector();
        return (uint64_t)(uintptr_t)fz_land_kernel;
    case 6 ... 7:
        *cs = fz_chance(900) ? PV_FLAT_USER_CS : fz_chance(512) ? PV_FLAT_RING3_CS32 : fz_selector();
        return (uint64_t)(uintptr_t)fz_land_user;
    case 8 ... 9:
        *cs = fz_chance(768) ? PV_FLAT_KERNEL_CS & ~3ULL : fz_selector();
        return fz_code_va();
    default: /* #GP(0) at that rip through the trap table, kernel or user mode (as Xen) */
        *cs = fz_chance(512) ? PV_FLAT_KERNEL_CS & ~3ULL : PV_FLAT_USER_CS;
        return fz_noncanonical();
    }
}

static uint64_t iret_rflags(void)
{
    static const uint64_t bits[] = {0x1,    0x4,     0x10,    0x40,    0x80,    0x100 /* TF */,
                                    0x200,  0x400,   0x800,   0x3000,  0x4000,  0x10000,
                                    0x20000 /* VM */, 0x40000 /* AC */, 0x80000, 0x100000,
                                    0x200000};
    uint64_t f = 0x202;

    for (unsigned n = (unsigned)fz_below(3); n; n--)
        f |= bits[fz_below(sizeof(bits) / sizeof(bits[0]))];
    return fz_chance(32) ? fz_num() : f;
}

void fz_do_iret(void)
{
    uint64_t f[9], cs;

    f[4] = landing(&cs);
    f[5] = cs;
    f[0] = fz_num();
    f[1] = fz_num();
    f[2] = fz_num();
    f[3] = fz_chance(768) ? 0 : fz_chance(768) ? PV_VGCF_in_syscall : fz_num();
    f[6] = iret_rflags();
    /* A stack that can take a bounce frame, unless at the risk rate. */
    f[7] = fz_take_risk() ? fz_ptr(64) : FZ_SLOT(FZ_STACK) + 4096 - 64 - fz_below(8) * 8;
    /* User mode may run on a non-canonical stack: it is resumed as asked, and the user pad
     * never touches it (its #UD enters the kernel on the stack_switch stack). */
    if (f[4] == (uint64_t)(uintptr_t)fz_land_user && fz_chance(128))
        f[7] = fz_noncanonical();
    f[8] = fz_chance(900) ? PV_FLAT_KERNEL_SS : fz_selector();
    fz_landed = LANDED_NONE;
    fz_template = FZ_TEMPLATE_IRET;
    fz_stats.irets++;
    fz_trace("FZC i=%lu iret rax %#lx flags %#lx rip %#lx cs %#lx rflags %#lx rsp %#lx ss %#lx\n",
             fz_iter, f[0], f[3], f[4], f[5], f[6], f[7], f[8]);
    fz_iret_jump(f);
}

/* What became of an iret, for the record: 250 landed in kernel mode, 251 in user mode (the pad's
 * #UD came back), 252 the failsafe callback, else the vector of the trap that ended it. */
unsigned fz_iret_result(unsigned trap_vector)
{
    unsigned landed = (unsigned)fz_landed;

    fz_landed = LANDED_NONE;
    if (landed == LANDED_FAILSAFE)
        fz_stats.failsafes++;
    if (landed == LANDED_KERNEL || landed == LANDED_FAILSAFE)
        return landed == LANDED_KERNEL ? 250 : 252;
    return landed == LANDED_USER && trap_vector == GK_VEC_UD ? 251 : trap_vector;
}
