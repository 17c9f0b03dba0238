/* The emulator's decoded instruction, shared by the decoder (emulate.c), the instruction
 * handlers (emulate_sys.c: CPUID, TSC, MSR, CR, DR; emulate_io.c: port I/O, CLI/STI) and the
 * page-table write emulation (ptwr.c). */
#ifndef HV_EMULATE_INSN_H
#define HV_EMULATE_INSN_H
#include "emulate.h"

#define INSN_MAX_LEN 15

enum insn_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_DEFAULT };

/* Instruction bytes at rip, read from guest memory on demand (never past what is decoded). */
struct insn_fetch {
    uint64_t rip;
    uint8_t bytes[INSN_MAX_LEN];
    unsigned avail; /* bytes[0..avail) are valid */
    uint64_t bad;   /* after a failed fetch: first address that could not be read */
};

struct insn {
    struct vcpu *v;
    struct cpu_regs *regs;
    struct emul_fault *fault;
    struct insn_fetch f;
    unsigned len; /* bytes consumed so far */
    bool user;    /* guest user mode (else guest kernel mode) */
    bool mode64;  /* 64-bit code segment (else 32-bit compatibility mode) */
    /* Prefixes. */
    bool opsize16, addrsize, lock, rep;
    uint8_t rex;
    enum insn_seg seg;
    /* Opcode: 0F-escaped or one byte, and the ModRM byte for the 0F opcodes that have one. */
    bool twobyte;
    uint8_t op, modrm;
    /* Outcome besides the registers. */
    bool stay;         /* rip stays on the instruction (REP not finished, or a retry) */
    bool no_progress;  /* nothing was done: no single-step trap either */
    unsigned dbg_hits; /* DR6 B0-B3 bits of I/O breakpoints hit */
};

#define REX_B 0x1
#define REX_X 0x2
#define REX_R 0x4
#define REX_W 0x8

/* Next instruction byte: EMUL_OK, EMUL_FAULT (#PF: it cannot be read) or EMUL_NOT_HANDLED
 * (the instruction would be longer than 15 bytes). */
enum emul_rc emul_next_byte(struct insn *in, uint8_t *b);
/* General-purpose register 0-15 (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8-r15). */
uint64_t *emul_gpr(struct cpu_regs *r, unsigned n);
/* Describe a fault for the caller to deliver; returns EMUL_FAULT. */
enum emul_rc emul_raise(struct insn *in, uint8_t vector, bool has_ec, uint32_t ec, uint64_t cr2);
/* #PF for a guest memory access that failed at address `bad`, with the guest-mode U bit. */
enum emul_rc emul_raise_pf(struct insn *in, uint64_t bad, bool write);
/* Start decoding the instruction at regs->rip: the prefixes and the opcode, for decoders other
 * than emul_priv_op (ptwr.c). EMUL_FAULT (#PF) if its bytes cannot be read. */
enum emul_rc emul_decode_start(struct insn *in, struct vcpu *v, struct cpu_regs *regs,
                               struct emul_fault *f);
/* The next `size` bytes (0, 1, 2 or 4) as a little-endian immediate, sign-extended to 64 bits. */
enum emul_rc emul_next_imm(struct insn *in, unsigned size, uint64_t *val);
/* A memory operand: ModRM (into in->modrm), SIB and displacement; *la is its linear address
 * (FS/GS base added, 32-bit wrap in compat mode or with 67h). imm_len immediate bytes follow it,
 * for RIP-relative addressing. EMUL_NOT_HANDLED for a register operand (mod 3) or 16-bit
 * addressing (67h in compat mode). */
enum emul_rc emul_decode_mem(struct insn *in, unsigned imm_len, uint64_t *la);
/* Retire the instruction: advance rip (unless it must run again), clear RF, and raise the
 * #DB a single step or an I/O breakpoint calls for, with rip already past the instruction. */
enum emul_rc emul_retire(struct insn *in);
/* The guest's view of its I/O privilege (Xen iopl_ok). */
bool emul_iopl_ok(const struct insn *in);

/* Handlers: the opcode is decoded, the prefixes are legal for it. */
enum emul_rc emul_op_cpuid(struct insn *in);
enum emul_rc emul_op_rdtsc(struct insn *in);
enum emul_rc emul_op_group7(struct insn *in); /* 0F 01: XSETBV, RDTSCP */
enum emul_rc emul_op_msr(struct insn *in);    /* 0F 30 WRMSR, 0F 32 RDMSR */
enum emul_rc emul_op_mov_cr_dr(struct insn *in);
enum emul_rc emul_op_clts(struct insn *in);
enum emul_rc emul_op_wbinvd(struct insn *in);
enum emul_rc emul_op_in_out(struct insn *in);
enum emul_rc emul_op_ins_outs(struct insn *in);
enum emul_rc emul_op_cli_sti(struct insn *in);

#endif
