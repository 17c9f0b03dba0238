/* tests/fuzz: instructions. In guest kernel mode, one privileged or exception-raising
 * instruction from a template (random prefixes, operands and registers) runs on the scratch
 * code page; register values that point into the fuzzer's own image are replaced, so that a
 * stray store cannot hit it. In guest user mode, random bytes (after a prologue loading random
 * registers and flags) run in a task with an address space of its own; a run that is still
 * going after USER_NS is stopped by unmapping its code from the timer handler. */
#include "fz.h"

#define USER_CODE_VA 0x400000ULL
#define USER_STACK_VA 0x401000ULL
#define USER_NS 3000000ULL /* 3 ms */
#define CODE_MAX 256

bool fz_in_task;
static struct gk_task task;
static bool task_ok, task_killed;
static uint64_t user_deadline;

/* void fz_exec_kernel(const uint64_t regs[16], uint64_t code): load rax..r15 (not rsp) from
 * regs, call code, return. Traps in code resume fz_ctx instead. */
void fz_exec_kernel(const uint64_t regs[16], uint64_t code);
extern uint64_t fz_exec_target;
/* clang-format off */
__asm__(".pushsection .text.fz_exec,\"ax\",@progbits\n"
        ".globl fz_exec_kernel\nfz_exec_kernel:\n\t"
        "pushq %rbx\n\tpushq %rbp\n\tpushq %r12\n\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n\t"
        "movq %rsi, fz_exec_target(%rip)\n\t"
        "subq $512, %rsp\n\t"
        "movq 0(%rdi), %rax\n\tmovq 8(%rdi), %rcx\n\tmovq 16(%rdi), %rdx\n\t"
        "movq 24(%rdi), %rbx\n\tmovq 40(%rdi), %rbp\n\tmovq 48(%rdi), %rsi\n\t"
        "movq 64(%rdi), %r8\n\tmovq 72(%rdi), %r9\n\tmovq 80(%rdi), %r10\n\t"
        "movq 88(%rdi), %r11\n\tmovq 96(%rdi), %r12\n\tmovq 104(%rdi), %r13\n\t"
        "movq 112(%rdi), %r14\n\tmovq 120(%rdi), %r15\n\tmovq 56(%rdi), %rdi\n\t"
        "call *fz_exec_target(%rip)\n\t"
        "cld\n\t"
        "addq $512, %rsp\n\t"
        "popq %r15\n\tpopq %r14\n\tpopq %r13\n\tpopq %r12\n\tpopq %rbp\n\tpopq %rbx\n\tret\n"
        ".popsection");
/* clang-format on */
uint64_t fz_exec_target; /* the code fz_exec_kernel calls */

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

/* A register value for kernel mode: pools, but never an address of the fuzzer's own image. */
static uint64_t kernel_reg(void)
{
    uint64_t v = fz_chance(512) ? fz_ptr(64) : fz_num();

    if (v >= GK_VIRT_BASE)
        v = FZ_SLOT(FZ_ARENA_FIRST + fz_below(FZ_NR_ARENA)) + fz_below(4096);
    return v;
}

/* A pointer a string or memory-operand instruction may read or write through. */
static uint64_t mem_reg(void)
{
    switch (fz_below(6)) {
    case 0:
        return FZ_SLOT(FZ_RO_FIRST) + fz_below(4096);
    case 1:
        return FZ_SLOT(FZ_EDGE + 1) - fz_below(64);
    case 2:
        return FZ_SLOT(FZ_HOLE_FIRST);
    default:
        return FZ_SLOT(FZ_ARENA_FIRST + fz_below(FZ_NR_ARENA)) + fz_below(4096);
    }
}

static uint16_t port(void)
{
    static const uint16_t ports[] = {0x20,  0x21,  0x40,  0x43,  0x60,  0x64,  0x70,  0x71,
                                     0x80,  0x8f,  0xf4,  0x3f8, 0x3fd, 0xcf8, 0xcfc, 0x510,
                                     0x402, 0x1f0, 0xffff, 0x0};

    return fz_chance(900) ? ports[fz_below(sizeof(ports) / sizeof(ports[0]))] : (uint16_t)fz_rand();
}

static uint32_t msr(void)
{
    static const uint32_t msrs[] = {0xc0000080, 0xc0000081, 0xc0000082, 0xc0000084, 0xc0000100,
                                    0xc0000101, 0xc0000102, 0xc0000103, 0x10,       0x1b,
                                    0x1a0,      0x8b,       0xce,       0x140,      0x174,
                                    0x175,      0x176,      0x1d9,      0x277,      0x2ff,
                                    0x48,       0x49,       0x40000000, 0x40000200, 0x6e0,
                                    0x3a,       0xe1,       0x830,      0xc0010000, 0x0};

    return fz_chance(900) ? msrs[fz_below(sizeof(msrs) / sizeof(msrs[0]))] : fz_num32();
}

/* ---- templates ---- */

struct code {
    uint8_t b[CODE_MAX];
    unsigned n;
};

static void emit(struct code *c, const char *bytes, unsigned len)
{
    for (unsigned i = 0; i < len && c->n < CODE_MAX - 16; i++)
        c->b[c->n++] = (uint8_t)bytes[i];
}
#define EMIT(c, s) emit(c, s, sizeof(s) - 1)

static void emit1(struct code *c, uint8_t b)
{
    emit(c, (const char *)&b, 1);
}

static void prefixes(struct code *c)
{
    static const uint8_t px[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x26, 0x64, 0x65, 0x3e, 0x36};

    for (unsigned n = fz_chance(128) ? (unsigned)fz_range(1, 3) : 0; n; n--)
        emit1(c, px[fz_below(sizeof(px))]);
    if (fz_chance(128))
        emit1(c, (uint8_t)(0x40 | fz_below(16)));
}

/* A general register other than rsp: instructions must not take the stack away. */
static uint8_t gpr(void)
{
    uint8_t g = (uint8_t)fz_below(7);

    return g >= RSP ? g + 1 : g;
}

/* LOCK BT/BTS/BTR/BTC with a register operand (#UD on hardware) aborts QEMU 7.2's TCG
 * itself ("tcg/tcg.c:3243: tcg fatal error", seeds 125 and 75): the whole emulated machine
 * goes, which no hypervisor can prevent. Any LOCK up to 5 bytes before such an opcode becomes
 * a NOP. */
static void tcg_safe(struct code *c)
{
    for (unsigned i = 0; i + 1 < c->n; i++) {
        uint8_t op = c->b[i + 1];

        if (c->b[i] != 0x0f || !(op == 0xa3 || op == 0xab || op == 0xb3 || op == 0xbb || op == 0xba))
            continue;
        for (unsigned j = i > 5 ? i - 5 : 0; j < i; j++)
            if (c->b[j] == 0xf0)
                c->b[j] = 0x90;
    }
}

/* Two-byte opcodes (0f xx) that take no ModRM byte (the jumps 0f 80-8f are never drawn). */
static bool no_modrm(uint8_t op)
{
    return (op >= 0x05 && op <= 0x09) || op == 0x0b || op == 0x0e || (op >= 0x30 && op <= 0x37) ||
           op == 0x77 || op == 0xa0 || op == 0xa1 || op == 0xa2 || op == 0xa8 || op == 0xa9 ||
           op == 0xaa || (op >= 0xc8 && op <= 0xcf);
}

/* Fill regs and code for template t. Returns the template's id for the record. */
static unsigned build(unsigned t, struct code *c, uint64_t *r)
{
    uint8_t modrm_reg = (uint8_t)(0xc0 | (fz_below(8) << 3) | gpr()); /* reg: cr/dr number */

    switch (t) {
    case 0:
        r[RAX] = fz_chance(768) ? (uint64_t[]){0, 1, 7, 0xd, 0x40000000, 0x40000001, 0x40000002,
                                               0x40000003, 0x40000004, 0x40000100, 0x80000000,
                                               0x80000001, 0x80000008}[fz_below(13)]
                                : fz_num();
        if (fz_chance(512)) {
            c->n = 0; /* the forced-emulation prefix must come first */
            EMIT(c, "\x0f\x0b\x78\x65\x6e");
        }
        EMIT(c, "\x0f\xa2");
        return c->b[0] == 0x0f && c->b[1] == 0x0b ? 42 : 0;
    case 1:
        EMIT(c, "\x0f\x31"); /* rdtsc */
        return 1;
    case 2:
        EMIT(c, "\x0f\x01\xf9"); /* rdtscp */
        return 2;
    case 3:
        EMIT(c, "\x0f\x33"); /* rdpmc */
        return 3;
    case 4:
        r[RCX] = msr();
        EMIT(c, "\x0f\x32"); /* rdmsr */
        return 4;
    case 5:
        r[RCX] = msr();
        if (r[RCX] == 0x40000000 || r[RCX] == 0x40000200) /* the hypercall page MSR */
            r[RAX] = (fz_mfn_dest() << 12) | fz_below(2), r[RDX] = 0;
        fz_dirty |= FZ_DIRTY_SEGBASE | FZ_DIRTY_DEBUG;
        EMIT(c, "\x0f\x30"); /* wrmsr */
        return 5;
    case 6: /* mov from %crN */
        EMIT(c, "\x0f\x20");
        if (fz_chance(128))
            c->b[c->n - 2] = 0x44, c->b[c->n - 1] = 0x0f, emit1(c, 0x20); /* REX.R: cr8-15 */
        emit1(c, modrm_reg);
        return 6;
    case 7: { /* mov to %crN: cr0 with bits flipped, cr3 to tables, cr4 */
        static const uint8_t crs[] = {0, 0, 2, 3, 3, 4, 4, 1, 5, 8};
        uint8_t cr = crs[fz_below(sizeof(crs))];

        r[RAX] = cr == 0 ? 0x80050033ULL ^ (1ULL << fz_below(32))
                 : cr == 3 ? (fz_chance(512) ? fz.l4_mfn : fz_mfn()) << 12
                           : fz_num();
        if (cr == 3 && r[RAX] >> 12 != fz.l4_mfn && !fz_take_risk())
            r[RAX] = (fz.toy_mfn[1] << 12); /* a writable frame: never an L4 */
        fz_dirty |= FZ_DIRTY_FPU | FZ_DIRTY_CR4;
        EMIT(c, "\x0f\x22");
        emit1(c, (uint8_t)(0xc0 | ((cr & 7) << 3) | RAX));
        return 7;
    }
    case 8: /* mov from %drN */
        EMIT(c, "\x0f\x21");
        emit1(c, modrm_reg);
        return 8;
    case 9: /* mov to %drN */
        r[RAX] = fz_chance(512) ? fz_code_va() : fz_num();
        fz_dirty |= FZ_DIRTY_DEBUG;
        EMIT(c, "\x0f\x23");
        emit1(c, (uint8_t)(0xc0 | (fz_below(8) << 3) | RAX));
        return 9;
    case 10:
        fz_dirty |= FZ_DIRTY_FPU;
        EMIT(c, "\x0f\x06"); /* clts */
        return 10;
    case 11:
        emit(c, fz_chance(512) ? "\x0f\x09" : "\x0f\x08", 2); /* wbinvd, invd */
        return 11;
    case 12:
        EMIT(c, "\xf4"); /* hlt */
        return 12;
    case 13: { /* descriptor-table instructions through a scratch buffer */
        uint8_t reg = (uint8_t)fz_below(8);

        EMIT(c, "\x0f\x01");
        emit1(c, (uint8_t)((reg << 3) | RSI)); /* [rsi]: sgdt sidt lgdt lidt smsw - lmsw invlpg */
        return 13 + reg;
    }
    case 14: /* sldt str lldt ltr verr verw with a selector in ax */
        r[RAX] = fz_selector();
        EMIT(c, "\x0f\x00");
        emit1(c, (uint8_t)(0xc0 | (fz_below(6) << 3) | RAX));
        return 21;
    case 15:
        emit(c, (const char *[]){"\x0f\x01\xf8", "\x48\x0f\x07", "\x0f\x35", "\x0f\x34"}[fz_below(4)],
             3); /* swapgs sysretq sysexit(+nop) sysenter(+nop) */
        return 22;
    case 16: /* in/out, immediate port and dx */
        r[RDX] = port();
        r[RAX] = fz_num();
        if (fz_chance(512))
            EMIT(c, "\x66");
        emit1(c, (uint8_t)(0xe4 + fz_below(4) + (fz_chance(512) ? 8 : 0)));
        if (c->b[c->n - 1] < 0xe8)
            emit1(c, (uint8_t)port());
        return 23;
    case 17: /* ins/outs, with rep and a count */
        r[RDX] = port();
        r[RCX] = fz_chance(900) ? fz_below(17) : fz_num();
        r[RSI] = mem_reg();
        r[RDI] = mem_reg();
        if (fz_chance(512))
            EMIT(c, "\xf3");
        if (fz_chance(256))
            EMIT(c, "\x66");
        emit1(c, (uint8_t)(0x6c + fz_below(4)));
        return 24;
    case 18:
        emit1(c, fz_chance(512) ? 0xfa : 0xfb); /* cli, sti */
        return 25;
    case 19: { /* popf with TF, AC, DF, IOPL or IF, then an instruction to trap on */
        uint32_t flags = 0x2 | (uint32_t)(fz_rand() & 0x247fd5);

        EMIT(c, "\x68");
        emit(c, (const char *)&flags, 4);
        EMIT(c, "\x9d\x90\x9c\x48\x83\x24\x24\x00\x9d"); /* popf; nop; pushf; andq $0,(%rsp); popf */
        return 26;
    }
    case 20: /* int N, int3, into, int1, ud2, divide by zero, bound */
        switch (fz_below(7)) {
        case 0:
            EMIT(c, "\xcd");
            emit1(c, (uint8_t)fz_rand());
            return 27;
        case 1:
            EMIT(c, "\xcc");
            return 28;
        case 2:
            EMIT(c, "\xce");
            return 29;
        case 3:
            EMIT(c, "\xf1");
            return 30;
        case 4:
            EMIT(c, "\x0f\x0b");
            return 31;
        case 5:
            r[RCX] = 0;
            EMIT(c, "\x48\xf7\xf1");
            return 32;
        default:
            EMIT(c, "\x62\x06");
            return 33;
        }
    case 21: /* mov to a segment register, then lar/lsl */
        r[RAX] = fz_selector();
        fz_dirty |= FZ_DIRTY_SEGBASE;
        EMIT(c, "\x8e");
        emit1(c, (uint8_t)(0xc0 | ((uint8_t[]){0, 3, 4, 5, 2, 1}[fz_below(6)] << 3) | RAX));
        emit(c, fz_chance(512) ? "\x0f\x02\xc8" : "\x0f\x03\xc8", 3);
        return 34;
    case 22: /* x87 and SSE with CR0.TS as the fuzzer left it */
        emit(c, (const char *[]){"\xdb\xe3", "\xd9\xe8", "\x9b\x90", "\x0f\x57"}[fz_below(4)], 2);
        if (c->b[c->n - 2] == 0x0f)
            emit1(c, modrm_reg);
        return 35;
    case 23: /* ldmxcsr from a buffer of random bits, then a divide */
        r[RSI] = mem_reg();
        EMIT(c, "\x0f\xae\x16\x0f\x5e\xc1"); /* ldmxcsr (%rsi); divps %xmm1, %xmm0 */
        return 36;
    case 24:
        r[RCX] = fz_below(4);
        r[RAX] = fz_num();
        r[RDX] = fz_num();
        emit(c, fz_chance(512) ? "\x0f\x01\xd1" : "\x0f\x01\xd0", 3); /* xsetbv, xgetbv */
        return 37;
    case 25: /* a load through a non-canonical, hypervisor or unmapped address */
        r[RSI] = fz_chance(512) ? 0x8000000000000000ULL >> fz_below(16) : fz_ptr(8);
        if (r[RSI] >= GK_VIRT_BASE)
            r[RSI] = PV_HYPERVISOR_VIRT_START + (fz_rand() & 0xfffffffff8ULL);
        EMIT(c, "\x48\x8b\x06");
        return 38;
    case 26: /* far jmp/call through a pointer of random selector and offset */
        r[RSI] = FZ_SLOT(FZ_ARENA_FIRST);
        *(volatile uint64_t *)r[RSI] = FZ_SLOT(FZ_HOLE_FIRST);
        *(volatile uint16_t *)(r[RSI] + 8) = fz_selector();
        emit(c, fz_chance(512) ? "\x48\xff\x2e" : "\x48\xff\x1e", 3);
        return 39;
    case 27:
        EMIT(c, "\xf0\x90"); /* lock nop: #UD */
        return 40;
    default: { /* a two-byte opcode on registers other than rsp (never a jump, 0f 80-8f, nor
                * a hypercall or system return: 0f 05, 07, 34, 35) */
        uint8_t op = (uint8_t)fz_rand();

        if ((op >= 0x80 && op <= 0x8f) || op == 0x05 || op == 0x07 || op == 0x34 || op == 0x35)
            op = 0x0b;
        emit1(c, 0x0f);
        emit1(c, op);
        /* Opcodes without a ModRM byte would run it as the next instruction: 0xeb there is a
         * jump back into the page, a loop in kernel mode nothing stops (seed 122). */
        if (!no_modrm(op))
            emit1(c, (uint8_t)(0xc0 | (gpr() << 3) | gpr()));
        return 41;
    }
    }
}

#define NR_TEMPLATES 29

void fz_do_kernel_insn(void)
{
    struct code c = {.n = 0};
    uint64_t r[16];
    uint8_t *page = (uint8_t *)FZ_SLOT(FZ_CODE);

    for (unsigned i = 0; i < 16; i++)
        r[i] = kernel_reg();
    r[RSI] = mem_reg();
    r[RDI] = mem_reg();
    prefixes(&c);
    fz_template = build((unsigned)fz_below(NR_TEMPLATES), &c, r);
    tcg_safe(&c);
    EMIT(&c, "\x90\xc3"); /* nop; ret */
    memcpy(page, c.b, c.n);
    fz_stats.insns++;
    fz_trace("FZC i=%lu insn %u bytes %02x %02x %02x %02x %02x %02x rax %#lx rcx %#lx rdx %#lx\n",
             fz_iter, fz_template, c.b[0], c.b[1], c.b[2], c.b[3], c.b[4], c.b[5], r[RAX], r[RCX],
             r[RDX]);
    fz_exec_kernel(r, (uint64_t)(uintptr_t)page);
}

/* ---- user mode ---- */

void fz_insn_init(void)
{
    task_ok = gk_task_create(&task) == 0 &&
              gk_task_map(&task, USER_CODE_VA, NULL, GK_PAGE_USER_RX) == 0 &&
              gk_task_map(&task, USER_STACK_VA, NULL, GK_PAGE_USER_RW | gk_pte_nx()) == 0;
    fz_grant_init();
}

static void set_code_mapping(bool present)
{
    struct pv_mmu_update u = {.ptr = gk_pte_maddr(&task.space, USER_CODE_VA),
                              .val = present ? gk_pte(gk_virt_to_mfn(task.pages[0]),
                                                      GK_PAGE_USER_RX)
                                             : 0};

    gk_hypercall_mmu_update(&u, 1, NULL, PV_DOMID_SELF);
}

void fz_user_watchdog(void)
{
    if (fz_in_task && !task_killed && fz_now() > user_deadline) {
        task_killed = true;
        set_code_mapping(false);
    }
}

/* mov $imm64, %reg for every register but rsp, then flags, then the body. */
static void user_prologue(struct code *c)
{
    for (uint8_t reg = 0; reg < 16; reg++) {
        uint64_t v = fz_chance(512) ? USER_STACK_VA + fz_below(4096) : fz_num();

        if (reg == RSP)
            continue;
        emit1(c, reg < 8 ? 0x48 : 0x49);
        emit1(c, (uint8_t)(0xb8 + (reg & 7)));
        emit(c, (const char *)&v, 8);
    }
    if (fz_chance(256)) {
        uint32_t flags = 0x202 | (uint32_t)(fz_rand() & 0x40dd5);

        EMIT(c, "\x68");
        emit(c, (const char *)&flags, 4);
        EMIT(c, "\x9d");
    }
}

void fz_do_user_code(void)
{
    uint8_t *page = task.pages[0];
    struct code pro = {.n = 0}, body = {.n = 0};
    uint64_t r[16], rc;
    unsigned id = 99;

    if (!task_ok)
        return;
    user_prologue(&pro);
    if (fz_chance(512)) {
        unsigned n = (unsigned)fz_range(1, 48);

        for (unsigned i = 0; i < n; i++)
            emit1(&body, (uint8_t)fz_rand());
    } else {
        prefixes(&body);
        id = 100 + build((unsigned)fz_below(NR_TEMPLATES), &body, r);
    }
    memset(page, 0xcc, 4096);
    memcpy(page, pro.b, pro.n);
    tcg_safe(&body);
    memcpy(page + pro.n, body.b, body.n);
    memcpy(page + pro.n + body.n, "\x31\xc0\x0f\x05", 4); /* exit: rax = 0, syscall */
    fz_stats.user_runs++;
    if (fz_tracing) { /* the whole body, to replay it outside the fuzzer */
        char hex[2 * sizeof(body.b) + 1];

        for (unsigned i = 0; i < body.n; i++) {
            hex[2 * i] = "0123456789abcdef"[body.b[i] >> 4];
            hex[2 * i + 1] = "0123456789abcdef"[body.b[i] & 15];
        }
        hex[2 * body.n] = 0;
        fz_trace("FZC i=%lu user %u code %s\n", fz_iter, id, hex);
    }
    task_killed = false;
    fz_restore_timer(); /* the escape from a looping body needs the tick: a mutated argument may
                         * have closed its port unnoticed (seed 2, iteration 90934) */
    user_deadline = fz_now() + USER_NS;
    gk_hypercall_set_timer_op(user_deadline + 1000000); /* a tick even if the periodic one stops */
    fz_in_task = true;
    rc = (uint64_t)gk_task_run(&task, USER_CODE_VA, USER_STACK_VA + 4096 - 64);
    fz_in_task = false;
    if (task_killed)
        set_code_mapping(true);
    fz_record_insn(id, task_killed ? 253 : task.faulted ? (unsigned)task.fault.vector : FZ_VEC_NONE);
    (void)rc;
}
