/*
 * tests/boot: helpers shared by the boot-test guests (linked into each of them with bt.c):
 * catching a trap with its whole bounce frame, checking that frame against Xen's rules
 * (docs/porting.md §4), small hypercall and instruction wrappers, and the addresses the
 * bad-pointer checks use.
 */
#ifndef BT_H
#define BT_H

#include "gk/test.h"

/* Stringify after macro expansion, for asm templates. */
#define BT_STR_(x) #x
#define BT_STR(x) BT_STR_(x)

/* For data only assembler text (BT_TRIGGER bodies) refers to. */
#define BT_ASM_USED __attribute__((used))

#define BT_RFLAGS_TF 0x100ULL
#define BT_RFLAGS_IF 0x200ULL
#define BT_RFLAGS_IOPL 0x3000ULL
#define BT_RFLAGS_RF 0x10000ULL
#define BT_RFLAGS_AC 0x40000ULL
#define BT_CR0_TS 0x8ULL

/* What a bounce frame holds for an interrupted guest kernel: CS with RPL cleared (the guest
 * kernel tells kernel from user context by it), SS as it was (Xen only rewrites CS). */
#define BT_FRAME_KERNEL_CS (PV_FLAT_KERNEL_CS & ~3ULL) /* 0xe030 */
#define BT_FRAME_USER_CS PV_FLAT_USER_CS               /* 0xe033 */
#define BT_FRAME_SS PV_FLAT_KERNEL_SS                  /* 0xe02b, kernel and user alike */

/* Values the trigger functions load into rcx and r11: the bounce frame must hand them back. */
#define BT_MAGIC_RCX 0x5c5c5c5c
#define BT_MAGIC_R11 0x1b1b1b1b

/* The state a trigger function recorded right before its trapping instruction. */
extern volatile uint64_t bt_pre_rsp, bt_pre_rflags, bt_pre_rcx, bt_pre_r11;
/* An argument trigger functions may read (movq bt_arg(%rip), ...). */
extern volatile uint64_t bt_arg;

/*
 * Define `void name(void)`, a function that loads BT_MAGIC_RCX/R11, runs `setup`, records
 * rcx, r11, rflags and rsp, executes `insn` (which starts at label name_insn and ends at
 * name_end), then runs `after` and returns. Each part is assembler text (AT&T); setup and
 * after may use rax, rdx, rsi, rdi, r8-r10 freely and must keep the stack balanced around
 * the recorded rsp.
 */
/* clang-format off */
#define BT_TRIGGER(name, setup, insn, after)                                                      \
    void name(void);                                                                              \
    extern const char name##_insn[], name##_end[];                                                \
    __asm__(".pushsection .text.bt_trigger,\"ax\",@progbits\n"                                   \
            ".globl " #name "\n.type " #name ",@function\n" #name ":\n\t"                         \
            "movq $" BT_STR(BT_MAGIC_RCX) ", %rcx\n\t"                                            \
            "movq $" BT_STR(BT_MAGIC_R11) ", %r11\n\t" setup "\n\t"                               \
            "movq %rcx, bt_pre_rcx(%rip)\n\t"                                                     \
            "movq %r11, bt_pre_r11(%rip)\n\t"                                                     \
            "pushfq\n\tpopq bt_pre_rflags(%rip)\n\t"                                              \
            "movq %rsp, bt_pre_rsp(%rip)\n"                                                       \
            ".globl " #name "_insn\n" #name "_insn:\n\t" insn "\n"                                \
            ".globl " #name "_end\n" #name "_end:\n\t" after "\n\tret\n"                          \
            ".popsection")
/* clang-format on */

/*
 * Run fn. If it traps into one of the kit's trap stubs (an exception, a software interrupt,
 * a fault in user mode entered from fn), copy the whole entry frame to *frame, resume here in
 * kernel mode and return true; return false if fn returned normally. *frame_addr (if not
 * NULL) receives the address of the bounce frame's RIP slot on the stack the hypervisor chose.
 */
bool bt_trap(void (*fn)(void), struct gk_regs *frame, uint64_t *frame_addr);

/* What a trap must look like. */
struct bt_expect {
    const char *what;    /* names the case in failure messages */
    unsigned vector;     /* IDT vector */
    uint64_t error_code; /* 0 for vectors without one */
    const void *rip;     /* rip in the frame: the instruction (faults) or the next one (traps) */
    uint64_t rflags_set; /* rflags bits set by the trigger after it recorded bt_pre_rflags */
};

/*
 * Run trigger fn (a BT_TRIGGER function executed in guest kernel mode) expecting the trap
 * described by e, and check the whole frame: vector, error code, rip, cs (RPL 0 and the saved
 * upcall mask in bits 32-39), rflags (the recorded ones with IF standing for the virtual
 * event mask and IOPL as bt_frame_iopl), rsp, ss, rcx, r11, and the frame's position (16-byte
 * aligned, just below the interrupted rsp). Records failures; returns true if all matched.
 */
bool bt_expect_trap(const struct bt_expect *e, void (*fn)(void), struct gk_regs *frame);

/* IOPL bits the bounce frame should show: 0 unless VMASST_TYPE_architectural_iopl is on. */
extern uint64_t bt_frame_iopl;

/* Compare one value and report "what: field = got, expected want" on mismatch. */
bool bt_eq_at(const char *file, int line, const char *what, const char *field, uint64_t got,
              uint64_t want);
#define BT_EQ(what, got, want)                                                                     \
    bt_eq_at(__FILE__, __LINE__, what, #got, (uint64_t)(got), (uint64_t)(want))

/* The virtual event mask (vcpu_info.evtchn_upcall_mask): read from shared_info when it is
 * mapped, else 1 (the start-of-day value, which the kit never clears without shared_info). */
unsigned bt_upcall_mask(void);
/* Virtual rflags for resuming kernel code: IF set iff events are unmasked. */
uint64_t bt_kernel_rflags(void);

/* Emulated privileged reads (MOV from CR/DR, RDMSR); a #GP on the way is a test failure. */
uint64_t bt_read_cr0(void);
uint64_t bt_read_cr2(void);
uint64_t bt_read_cr3(void);
uint64_t bt_read_cr4(void);
uint64_t bt_rdmsr(uint32_t msr);
void bt_wrmsr(uint32_t msr, uint64_t val);

/* Hypercall wrappers the kit does not have. */
long bt_fpu_taskswitch(int set);
long bt_set_debugreg(int reg, uint64_t value);
long bt_get_debugreg(int reg);
long bt_set_iopl(unsigned int iopl);

/* Forced-emulation CPUID (ud2; "xen"; cpuid): the hypervisor's view of the leaf. */
void bt_cpuid_forced(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
/* Plain CPUID. */
void bt_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/* The machine frame of the bootstrap L4 (start_info.pt_base through the p2m). */
uint64_t bt_l4_mfn(void);

/* True if reading va in kernel mode page-faults (the address is not mapped). */
bool bt_is_unmapped(uint64_t va);
/* Reads *p into *val (or writes *val to *p if `write`) with a trap caught: true if it faulted
 * with a #PF (false if it did not fault, or faulted otherwise). */
bool bt_access_faults(volatile uint64_t *p, volatile uint64_t *val, bool write);

/* The first virtual address past the start-of-day mapping (a 4 MiB boundary). */
uint64_t bt_mapping_end(void);

/* Read "key=N" (decimal, or hex with 0x) from the domain command line. */
bool bt_cmdline_uint(const char *key, uint64_t *out);

/* A command handshake with a second vCPU that spins between commands (so that its CPU keeps its
 * TLB): bt_helper_ask posts cmd and waits until the helper has taken it and called
 * bt_helper_answer, which clears the command and counts it done. */
/* One domctl: op's command, version and domain set, the rest as the caller filled it; and a new
 * PV domain with one vCPU and Xen's defaults made with it (its id). */
struct pv_domctl;
long bt_domctl(struct pv_domctl *op, uint32_t cmd, unsigned domain);
unsigned bt_domain_create(struct pv_domctl *op);

extern volatile uint32_t bt_helper_cmd;
void bt_helper_ask(uint32_t cmd);
void bt_helper_answer(void);

/* Try to map shared_info (update_va_mapping); log once if that is not possible. */
bool bt_map_shared_info(void);

#endif /* BT_H */
