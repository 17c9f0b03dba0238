/* Unit tests of the writable-page-table emulation (hypervisor/arch/x86/ptwr.c) and the decoder
 * pieces it shares with the privileged-instruction emulator (emulate.c). The guest's kernel page
 * tables and the L1 table it writes live in fake machine frames; mm_mod_entry, the frame table
 * and bounce_trap are faked here, instruction bytes come from fake_hw.c's guest memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "x86/bounce.h"
#include "x86/emulate_insn.h"
#include "pv-abi/errno.h"
#include "fake_hw.h"
#include "frame.h"
#include "mm.h"
#include "paging.h"
#include "x86/ptwr.h"
#include "x86/pci.h"
#include "arch.h"
#include "pv-abi/physdev_op.h"
#include "pv-abi/vm_assist.h"
#include "x86/cpu.h"

#define RIP0 (FAKE_MEM_BASE + 0x100)
#define UNMAPPED (FAKE_MEM_BASE + 3 * 4096) /* fake_hw.c page 3: never mapped */
#define KERNEL_CS 0xe033
#define EC_WRITE 0x7 /* P | W | U: a ring-3 write to a present page */

/* Fake machine frames. */
#define MFN0 0x100
#define NFRAMES 12
#define MFN_L4 (MFN0 + 0)
#define MFN_L3 (MFN0 + 1) /* under PT_VA */
#define MFN_L2 (MFN0 + 2)
#define MFN_L1 (MFN0 + 3)     /* the table that maps PT_VA and LOW_VA */
#define MFN_TARGET (MFN0 + 4) /* an L1 table of the guest, mapped read-only at PT_VA */
#define MFN_PLAIN (MFN0 + 5)  /* a writable-type frame */
#define MFN_L2TYPE (MFN0 + 6) /* an L2 table */
#define MFN_FOREIGN (MFN0 + 7)
#define MFN_L3_LOW (MFN0 + 8) /* under LOW_VA */
#define MFN_L2_LOW (MFN0 + 9)
#define MFN_L2_PSE (MFN0 + 10) /* an L2 whose slot 0 is a superpage */

/* Guest linear addresses, and the page each one maps through MFN_L1. */
#define PT_VA 0xffff888000200000ULL  /* MFN_TARGET, read-only */
#define PLAIN_VA (PT_VA + 0x1000)    /* MFN_PLAIN, read-only */
#define L2TYPE_VA (PT_VA + 0x2000)   /* MFN_L2TYPE, read-only */
#define FOREIGN_VA (PT_VA + 0x3000)  /* MFN_FOREIGN, read-only */
#define RW_VA (PT_VA + 0x4000)       /* MFN_TARGET, writable (cannot fault for a write) */
#define ABSENT_VA (PT_VA + 0x5000)   /* not present */
#define LOW_VA 0x600000ULL           /* MFN_TARGET read-only, near the code for RIP-relative */
#define PSE_VA 0xffff888040000000ULL /* under a superpage L3 entry */
#define NO_L3_VA 0x7f0000000000ULL   /* L4 slot not present */

#define PTE_FLAGS_TABLE (PTE_P | PTE_RW | PTE_US | PTE_A)
#define PTE_FLAGS_RO (PTE_P | PTE_US | PTE_A)

static uint64_t frames[NFRAMES][512];
/* The frame table the core's frame_info (frame.h) reads: the frames below MFN0 are never used. */
static struct page_info pinfo_table[MFN0 + NFRAMES];
struct page_info *frame_tab = pinfo_table;
uint64_t frame_nr = MFN0 + NFRAMES;
#define pinfo (pinfo_table + MFN0)
static struct domain dom;
static struct vcpu vc;
static struct cpu_regs regs;

static struct {
    int rc;
    unsigned calls;
    struct domain *d;
    uint64_t maddr, val;
    bool preserve_ad;
} mm;

static struct {
    unsigned calls, vector;
    bool has_ec;
} bounce;

/* ---- fakes of the core ---- */

void *mm_frame_ptr(uint64_t mfn)
{
    if (mfn < MFN0 || mfn >= MFN0 + NFRAMES)
        fail_msg("mm_frame_ptr(%#lx): not a frame the walk may touch", (unsigned long)mfn);
    return frames[mfn - MFN0];
}

bool frame_owned_by(const struct domain *d, uint64_t mfn)
{
    const struct page_info *pg = frame_info(mfn);

    return pg && pg->owner == d->domid;
}

/* Records the update; writes it unless told to refuse. */
int mm_mod_entry(struct domain *d, uint64_t pte_maddr, uint64_t val, bool preserve_ad)
{
    mm.calls++;
    mm.d = d;
    mm.maddr = pte_maddr;
    mm.val = val;
    mm.preserve_ad = preserve_ad;
    if (mm.rc)
        return mm.rc;
    *((uint64_t *)mm_frame_ptr(pte_maddr >> PAGE_SHIFT) + (pte_maddr & 0xfff) / 8) = val;
    return 0;
}

void bounce_trap(struct vcpu *v, struct cpu_regs *r, unsigned vector, bool has_ec, uint32_t ec)
{
    (void)v;
    (void)r;
    (void)ec;
    bounce.calls++;
    bounce.vector = vector;
    bounce.has_ec = has_ec;
}

/* ---- set-up ---- */

static uint64_t table_entry(uint64_t mfn, uint64_t flags)
{
    return (mfn << PAGE_SHIFT) | flags;
}

static void set_entry(uint64_t table, uint64_t va, unsigned level, uint64_t e)
{
    frames[table - MFN0][pt_index(va, level)] = e;
}

static void set_type(uint64_t mfn, uint32_t type, uint16_t owner)
{
    pinfo[mfn - MFN0].type_info = type | PGT_validated | 1;
    pinfo[mfn - MFN0].owner = owner;
}

/* The entry the target table starts with in slot i. */
static uint64_t initial_entry(unsigned i)
{
    return 0x8000000000000000ULL | ((0x5000ULL + i) << PAGE_SHIFT) | PTE_FLAGS_RO;
}

static uint64_t target(unsigned i)
{
    return frames[MFN_TARGET - MFN0][i];
}

static void build_tables(void)
{
    memset(frames, 0, sizeof(frames));
    memset(pinfo_table, 0, sizeof(pinfo_table));
    set_entry(MFN_L4, PT_VA, 4, table_entry(MFN_L3, PTE_FLAGS_TABLE));
    set_entry(MFN_L3, PT_VA, 3, table_entry(MFN_L2, PTE_FLAGS_TABLE));
    set_entry(MFN_L2, PT_VA, 2, table_entry(MFN_L1, PTE_FLAGS_TABLE));
    set_entry(MFN_L1, PT_VA, 1, table_entry(MFN_TARGET, PTE_FLAGS_RO));
    set_entry(MFN_L1, PLAIN_VA, 1, table_entry(MFN_PLAIN, PTE_FLAGS_RO));
    set_entry(MFN_L1, L2TYPE_VA, 1, table_entry(MFN_L2TYPE, PTE_FLAGS_RO));
    set_entry(MFN_L1, FOREIGN_VA, 1, table_entry(MFN_FOREIGN, PTE_FLAGS_RO));
    set_entry(MFN_L1, RW_VA, 1, table_entry(MFN_TARGET, PTE_FLAGS_RO | PTE_RW));
    set_entry(MFN_L4, LOW_VA, 4, table_entry(MFN_L3_LOW, PTE_FLAGS_TABLE));
    set_entry(MFN_L3_LOW, LOW_VA, 3, table_entry(MFN_L2_LOW, PTE_FLAGS_TABLE));
    set_entry(MFN_L2_LOW, LOW_VA, 2, table_entry(MFN_L1, PTE_FLAGS_TABLE));
    set_entry(MFN_L3, PSE_VA, 3, table_entry(MFN_L2_PSE, PTE_FLAGS_TABLE));
    set_entry(MFN_L2_PSE, PSE_VA, 2, table_entry(MFN_TARGET, PTE_FLAGS_RO | PTE_PSE));
    for (unsigned i = 0; i < 512; i++)
        frames[MFN_TARGET - MFN0][i] = initial_entry(i);
    set_type(MFN_L4, PGT_l4, 1);
    set_type(MFN_L3, PGT_l3, 1);
    set_type(MFN_L2, PGT_l2, 1);
    set_type(MFN_L1, PGT_l1, 1);
    set_type(MFN_TARGET, PGT_l1, 1);
    set_type(MFN_PLAIN, PGT_writable, 1);
    set_type(MFN_L2TYPE, PGT_l2, 1);
    set_type(MFN_FOREIGN, PGT_l1, 2);
    set_type(MFN_L3_LOW, PGT_l3, 1);
    set_type(MFN_L2_LOW, PGT_l2, 1);
    set_type(MFN_L2_PSE, PGT_l2, 1);
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    for (unsigned i = 0; i < 3; i++)
        fake_map(i, 1);
    fake_set_msr(MSR_FS_BASE, 0x100000);
    fake_set_msr(MSR_SHADOW_GS_BASE, 0xffff888000000000ULL);
    build_tables();
    memset(&mm, 0, sizeof(mm));
    memset(&bounce, 0, sizeof(bounce));
    memset(&dom, 0, sizeof(dom));
    memset(&vc, 0, sizeof(vc));
    dom.domid = 1;
    dom.vm_assist = 1ULL << PV_VMASST_TYPE_writable_pagetables;
    vc.domain = &dom;
    vc.kernel_mode = true;
    vc.kernel_l4_mfn = MFN_L4;
    fake.current = &vc;
    /* Distinct values in every register, none of them an address used here. */
    for (unsigned i = 0; i < 16; i++)
        *emul_gpr(&regs, i) = 0x0101010101010101ULL * (i + 1) ^ 0x8000000000000000ULL;
    regs.cs = KERNEL_CS;
    regs.rflags = X86_EFLAGS_IF | 0x2;
    regs.rip = RIP0;
    return 0;
}

static bool run_ec(const void *code, unsigned len, uint64_t cr2, uint32_t ec)
{
    fake_poke(RIP0, code, len);
    regs.rip = RIP0;
    return ptwr_emulate(&vc, &regs, cr2, ec);
}

static bool run(const void *code, unsigned len, uint64_t cr2)
{
    return run_ec(code, len, cr2, EC_WRITE);
}

#define C(s) s, sizeof(s) - 1

/* Expect a write of `val` to slot `slot` of the target table and rip past len bytes. */
static void expect_write(unsigned slot, uint64_t val, unsigned len)
{
    assert_int_equal(mm.calls, 1);
    assert_ptr_equal(mm.d, &dom);
    assert_int_equal(mm.maddr, (MFN_TARGET << PAGE_SHIFT) + 8 * slot);
    assert_int_equal(mm.val, val);
    assert_false(mm.preserve_ad);
    assert_int_equal(target(slot), val);
    assert_int_equal(regs.rip, RIP0 + len);
}

/* ---- the host CPU as the reference for arithmetic flags ---- */

#define ARITH_FLAGS 0x8d5UL /* OF SF ZF AF PF CF */
enum host_op { CMP, OR, AND, XOR };

#define HOST_OP(insn, m, cons)                                                                     \
    __asm__(insn " %" m "3, %" m "2\n\tlahf\n\tseto %1"                                            \
            : "=&a"(ax), "=&q"(of), "+" cons(a)                                                    \
            : cons(b)                                                                              \
            : "cc")
#define HOST_SIZES(insn)                                                                           \
    switch (size) {                                                                                \
    case 1:                                                                                        \
        HOST_OP(insn, "b", "q");                                                                   \
        break;                                                                                     \
    case 2:                                                                                        \
        HOST_OP(insn, "w", "r");                                                                   \
        break;                                                                                     \
    case 4:                                                                                        \
        HOST_OP(insn, "k", "r");                                                                   \
        break;                                                                                     \
    default:                                                                                       \
        HOST_OP(insn, "q", "r");                                                                   \
    }

/* OF SF ZF AF PF CF after `op` on operands of `size` bytes, run by the host CPU. */
static uint64_t host_flags(enum host_op op, uint64_t a, uint64_t b, unsigned size)
{
    uint16_t ax = 0;
    uint8_t of = 0;

    if (op == CMP) {
        HOST_SIZES("cmp")
    } else if (op == OR) {
        HOST_SIZES("or")
    } else if (op == AND) {
        HOST_SIZES("and")
    } else {
        HOST_SIZES("xor")
    }
    return ((ax >> 8) & 0xd5) | (of ? 0x800 : 0);
}

/* ---- the encoder the register matrices use (checked against the assembler below) ---- */

/* REX (if rex != 0 or a register needs it), opcode, ModRM for (%base) with reg, and the SIB or
 * disp8 that rsp/r12 and rbp/r13 as a base require. */
static unsigned encode(uint8_t *b, uint8_t rex, const char *op, unsigned oplen, unsigned reg,
                       unsigned base)
{
    unsigned n = 0;

    if (rex || reg >= 8 || base >= 8)
        b[n++] = 0x40 | rex | (reg & 8 ? 4 : 0) | (base & 8 ? 1 : 0);
    memcpy(b + n, op, oplen);
    n += oplen;
    if ((base & 7) == 5) {
        b[n++] = 0x40 | (reg & 7) << 3 | 5;
        b[n++] = 0;
    } else {
        b[n++] = (reg & 7) << 3 | (base & 7);
        if ((base & 7) == 4)
            b[n++] = 0x24;
    }
    return n;
}

/* Bytes from GNU as for the same instructions. */
static void test_encoder(void **state)
{
    static const struct {
        unsigned reg, base;
        const char *bytes;
        unsigned len;
    } gas[] = {
        {6, 7, C("\x48\x89\x37")},                                     /* mov %rsi,(%rdi) */
        {9, 15, C("\x4d\x89\x0f")},                                    /* mov %r9,(%r15) */
        {0, 4, C("\x48\x89\x04\x24")},                                 /* mov %rax,(%rsp) */
        {0, 12, C("\x49\x89\x04\x24")}, {0, 5, C("\x48\x89\x45\x00")}, /* mov %rax,0x0(%rbp) */
        {0, 13, C("\x49\x89\x45\x00")},
    };
    uint8_t b[16];

    (void)state;
    for (unsigned i = 0; i < sizeof(gas) / sizeof(gas[0]); i++) {
        assert_int_equal(encode(b, 8, "\x89", 1, gas[i].reg, gas[i].base), gas[i].len);
        assert_memory_equal(b, gas[i].bytes, gas[i].len);
    }
}

/* ---- accepted forms ---- */

/* MOV r/m64, r64 for every source and every base register. */
static void test_mov64_every_register(void **state)
{
    uint8_t code[16];

    for (unsigned src = 0; src < 16; src++) {
        for (unsigned base = 0; base < 16; base++) {
            unsigned slot = 1 + src * 16 + base, len = encode(code, 8, "\x89", 1, src, base);
            struct cpu_regs before;
            uint64_t val;

            setup(state);
            *emul_gpr(&regs, base) = PT_VA + 8 * slot;
            val = *emul_gpr(&regs, src);
            before = regs;
            assert_true(run(code, len, PT_VA + 8 * slot));
            expect_write(slot, val, len);
            before.rip = regs.rip;
            assert_memory_equal(&before, &regs, sizeof(regs));
        }
    }
}

/* 32-, 16- and 8-bit stores are merged with the rest of the entry, as Xen does. */
static void test_narrow_mov(void **state)
{
    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rsi = 0x1111111122334467ULL;
    assert_true(run(C("\x89\x37"), PT_VA + 8)); /* mov %esi,(%rdi) */
    expect_write(1, (initial_entry(1) & ~0xffffffffULL) | 0x22334467, 2);

    setup(state);
    regs.r15 = PT_VA + 16;
    regs.r9 = 0xffffffff00000123ULL;
    assert_true(run(C("\x45\x89\x4f\x04"), PT_VA + 20)); /* mov %r9d,0x4(%r15) */
    expect_write(2, 0x0000012300000000ULL | (uint32_t)initial_entry(2), 4);

    setup(state);
    regs.rdi = PT_VA + 24;
    regs.rsi = 0xabcd;
    assert_true(run(C("\x66\x89\x37"), PT_VA + 24)); /* mov %si,(%rdi) */
    expect_write(3, (initial_entry(3) & ~0xffffULL) | 0xabcd, 3);

    setup(state);
    regs.rdi = PT_VA + 32;
    regs.rsi = 0x65;
    assert_true(run(C("\x40\x88\x37"), PT_VA + 32)); /* mov %sil,(%rdi) */
    expect_write(4, (initial_entry(4) & ~0xffULL) | 0x65, 3);

    setup(state);
    regs.rdi = PT_VA + 40;
    regs.rdx = 0x7f00;
    assert_true(run(C("\x88\x77\x01"), PT_VA + 41)); /* mov %dh,0x1(%rdi) */
    expect_write(5, (initial_entry(5) & ~0xff00ULL) | 0x7f00, 3);
}

/* Byte registers: without REX 4-7 are AH, CH, DH, BH; with any REX, SPL..DIL and r8b-r15b. */
static void test_byte_registers(void **state)
{
    uint8_t code[16];

    for (unsigned rex = 0; rex < 2; rex++) {
        for (unsigned src = 0; src < (rex ? 16u : 8u); src++) {
            unsigned base = src == 3 ? 6 : 3;
            unsigned len = encode(code, rex ? 0x40 : 0, "\x88", 1, src, base);
            bool high = !rex && src >= 4;
            uint64_t val;

            setup(state);
            *emul_gpr(&regs, base) = PT_VA + 8 * 7;
            val = (*emul_gpr(&regs, high ? src - 4 : src) >> (high ? 8 : 0)) & 0xff;
            assert_true(run(code, len, PT_VA + 8 * 7));
            expect_write(7, (initial_entry(7) & ~0xffULL) | val, len);
        }
    }
}

static void test_mov_immediate(void **state)
{
    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\x48\xc7\x07\xff\xff\xff\xff"), PT_VA + 8)); /* movq $-1 */
    expect_write(1, ~0ULL, 7);

    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\x48\xc7\x07\x67\x45\x23\x01"), PT_VA + 8));
    expect_write(1, 0x1234567, 7);

    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\xc7\x47\x04\x01\x00\x00\x80"), PT_VA + 12)); /* movl $0x80000001,4() */
    expect_write(1, 0x8000000100000000ULL | (uint32_t)initial_entry(1), 7);

    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\x66\xc7\x47\x02\x01\x80"), PT_VA + 10)); /* movw $0x8001,2() */
    expect_write(1, (initial_entry(1) & ~0xffff0000ULL) | 0x80010000, 6);

    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\xc6\x07\x67"), PT_VA + 8)); /* movb $0x67 */
    expect_write(1, (initial_entry(1) & ~0xffULL) | 0x67, 3);
}

/* Addressing: RIP-relative (counted from the end, after the immediate), SIB with index and
 * scale, REX.X/REX.B, negative displacement, 32-bit addressing, FS and GS bases. */
static void test_addressing(void **state)
{
    /* movq $5,disp32(%rip): the instruction is 11 bytes long. */
    uint8_t riprel[] = {0x48, 0xc7, 0x05, 0, 0, 0, 0, 5, 0, 0, 0};
    int32_t disp = (int32_t)(LOW_VA + 0x30 - (RIP0 + sizeof(riprel)));

    setup(state);
    memcpy(riprel + 3, &disp, 4);
    assert_true(run(riprel, sizeof(riprel), LOW_VA + 0x30));
    expect_write(6, 5, sizeof(riprel));

    setup(state);
    regs.rax = PT_VA - 0x10;
    regs.rcx = 3;
    assert_true(run(C("\x48\x89\x74\xc8\x10"), PT_VA + 24)); /* mov %rsi,0x10(%rax,%rcx,8) */
    expect_write(3, regs.rsi, 5);

    setup(state);
    regs.r13 = PT_VA;
    regs.r12 = 10;
    assert_true(run(C("\x4b\x89\x74\xa5\x00"), PT_VA + 40)); /* mov %rsi,(%r13,%r12,4) */
    expect_write(5, regs.rsi, 5);

    setup(state);
    regs.rdi = PT_VA + 16;
    assert_true(run(C("\x48\x89\x77\xf8"), PT_VA + 8)); /* mov %rsi,-0x8(%rdi) */
    expect_write(1, regs.rsi, 4);

    setup(state);
    regs.rdi = 0xdeadbeef00000000ULL | (LOW_VA + 0x38);
    assert_true(run(C("\x67\x48\x89\x37"), LOW_VA + 0x38)); /* mov %rsi,(%edi) */
    expect_write(7, regs.rsi, 4);

    setup(state);
    regs.rdi = 0x200000 + 0x40;
    assert_true(run(C("\x65\x48\x89\x37"), PT_VA + 0x40)); /* mov %rsi,%gs:(%rdi) */
    expect_write(8, regs.rsi, 4);

    setup(state);
    regs.rdi = LOW_VA + 0x48 - 0x100000;
    assert_true(run(C("\x64\x48\x89\x37"), LOW_VA + 0x48)); /* mov %rsi,%fs:(%rdi) */
    expect_write(9, regs.rsi, 4);

    /* Legacy prefixes that change nothing here: DS override, XRELEASE. */
    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\x3e\xf3\x48\x89\x37"), PT_VA + 8));
    expect_write(1, regs.rsi, 5);
}

/* XCHG with every register: the register receives the old entry. */
static void test_xchg_every_register(void **state)
{
    uint8_t code[16];

    for (unsigned size = 4; size <= 8; size += 4) {
        for (unsigned reg = 0; reg < 16; reg++) {
            unsigned base = reg == 7 ? 3 : 7;
            unsigned len = encode(code, size == 8 ? 8 : 0, "\x87", 1, reg, base);
            uint64_t val;

            setup(state);
            *emul_gpr(&regs, base) = PT_VA + 8 * (reg + 1);
            val = *emul_gpr(&regs, reg);
            assert_true(run(code, len, PT_VA + 8 * (reg + 1)));
            if (size == 8) {
                expect_write(reg + 1, val, len);
                assert_int_equal(*emul_gpr(&regs, reg), initial_entry(reg + 1));
            } else {
                expect_write(reg + 1, (initial_entry(reg + 1) & ~0xffffffffULL) | (uint32_t)val,
                             len);
                assert_int_equal(*emul_gpr(&regs, reg), (uint32_t)initial_entry(reg + 1));
            }
        }
    }
    /* xchg %ah,(%rdi): the high byte register. */
    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rax = 0x1234;
    assert_true(run(C("\x86\x27"), PT_VA + 8));
    expect_write(1, (initial_entry(1) & ~0xffULL) | 0x12, 2);
    assert_int_equal(regs.rax, ((initial_entry(1) & 0xff) << 8) | 0x34);
}

static void test_cmpxchg(void **state)
{
    /* Success: ZF set, the source stored, rax unchanged. */
    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rax = initial_entry(1);
    regs.rsi = 0x1234567025ULL;
    assert_true(run(C("\xf0\x48\x0f\xb1\x37"), PT_VA + 8)); /* lock cmpxchg %rsi,(%rdi) */
    expect_write(1, 0x1234567025ULL, 5);
    assert_int_equal(regs.rax, initial_entry(1));
    assert_int_equal(regs.rflags & ARITH_FLAGS, 0x44); /* ZF PF */

    /* Failure: nothing written, rax gets the entry, flags of rax - entry. */
    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rax = 5;
    assert_true(run(C("\xf0\x48\x0f\xb1\x37"), PT_VA + 8));
    assert_int_equal(mm.calls, 0);
    assert_int_equal(target(1), initial_entry(1));
    assert_int_equal(regs.rax, initial_entry(1));
    assert_int_equal(regs.rip, RIP0 + 5);
    assert_int_equal(regs.rflags & ARITH_FLAGS, host_flags(CMP, 5, initial_entry(1), 8));

    /* Without LOCK, and with r8-r15. */
    setup(state);
    regs.r14 = PT_VA + 16;
    regs.rax = initial_entry(2);
    assert_true(run(C("\xf0\x4d\x0f\xb1\x1e"), PT_VA + 16)); /* lock cmpxchg %r11,(%r14) */
    expect_write(2, regs.r11, 5);
    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rax = initial_entry(1);
    assert_true(run(C("\x48\x0f\xb1\x37"), PT_VA + 8));
    expect_write(1, regs.rsi, 4);

    /* 32-bit upper half: success leaves rax, failure loads eax and clears the upper half. */
    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rax = 0xffffffff00000000ULL | (initial_entry(1) >> 32);
    regs.rsi = 0x80000001;
    assert_true(run(C("\xf0\x0f\xb1\x77\x04"), PT_VA + 12));
    expect_write(1, 0x8000000100000000ULL | (uint32_t)initial_entry(1), 5);
    assert_int_equal(regs.rax, 0xffffffff00000000ULL | (initial_entry(1) >> 32));
    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rax = 0xffffffff00000000ULL;
    assert_true(run(C("\xf0\x0f\xb1\x77\x04"), PT_VA + 12));
    assert_int_equal(mm.calls, 0);
    assert_int_equal(regs.rax, initial_entry(1) >> 32);
}

/* CMPXCHG (both outcomes), OR, AND and XOR of every size on random values: the flags match the
 * host CPU's (AF aside for the logic operations, where it is undefined). */
static void test_flags_against_host(void **state)
{
    static const struct {
        enum host_op op;
        const char *code[4]; /* byte (REX for %sil), word, dword, qword forms with (%rdi) */
    } ops[] = {
        {CMP,
         {"\xf0\x0f\xb0\x37", "\x66\xf0\x0f\xb1\x37", "\xf0\x0f\xb1\x37", "\xf0\x48\x0f\xb1\x37"}},
        {OR, {"\x40\x08\x37", "\x66\x09\x37", "\x09\x37", "\x48\x09\x37"}},
        {AND, {"\x40\x20\x37", "\x66\x21\x37", "\x21\x37", "\x48\x21\x37"}},
        {XOR, {"\x40\x30\x37", "\x66\x31\x37", "\x31\x37", "\x48\x31\x37"}},
    };
    uint64_t seed = 12345;

    for (unsigned n = 0; n < 4000; n++) {
        unsigned k = n % 4, op = (n / 4) % 4, size = 1u << k;
        const char *code = ops[op].code[k];
        uint64_t m = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1, a, b, mask;

        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        a = seed ^ (seed >> 29);
        b = (n & 32) ? a ^ (1ULL << (seed % (8 * size))) : (n & 64) ? a : seed * 31;
        setup(state);
        regs.rdi = PT_VA + 8;
        frames[MFN_TARGET - MFN0][1] = b;
        if (ops[op].op == CMP)
            regs.rax = a;
        else
            regs.rsi = a;
        assert_true(run(code, (unsigned)strlen(code), PT_VA + 8));
        mask = ops[op].op == CMP ? ARITH_FLAGS : ARITH_FLAGS & ~0x10UL;
        if ((regs.rflags & mask) != (host_flags(ops[op].op, ops[op].op == CMP ? a & m : b & m,
                                                ops[op].op == CMP ? b & m : a & m, size) &
                                     mask))
            fail_msg("op %u size %u a %#lx b %#lx: flags %#lx", op, size, (unsigned long)a,
                     (unsigned long)b, (unsigned long)regs.rflags);
    }
}

/* CMPXCHG with each source register, accumulator matching. */
static void test_cmpxchg_every_register(void **state)
{
    uint8_t code[16];

    for (unsigned reg = 1; reg < 16; reg++) {
        unsigned base = reg == 7 ? 3 : 7, len = encode(code, 8, "\x0f\xb1", 2, reg, base);
        uint64_t val;

        setup(state);
        *emul_gpr(&regs, base) = PT_VA + 8 * reg;
        regs.rax = initial_entry(reg);
        val = *emul_gpr(&regs, reg);
        assert_true(run(code, len, PT_VA + 8 * reg));
        expect_write(reg, val, len);
        assert_true(regs.rflags & 0x40);
    }
}

static void test_cmpxchg8b(void **state)
{
    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rax = 0xffffffff00000000ULL | (uint32_t)initial_entry(1);
    regs.rdx = 0xffffffff00000000ULL | initial_entry(1) >> 32;
    regs.rbx = 0xaaaaaaaa00000067ULL;
    regs.rcx = 0xbbbbbbbb00000012ULL;
    assert_true(run(C("\xf0\x0f\xc7\x0f"), PT_VA + 8));
    expect_write(1, 0x0000001200000067ULL, 4);
    assert_true(regs.rflags & 0x40);

    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rax = regs.rdx = 0xffffffffffffffffULL;
    regs.rflags |= 0x41; /* ZF and CF: only ZF changes */
    assert_true(run(C("\xf0\x0f\xc7\x0f"), PT_VA + 8));
    assert_int_equal(mm.calls, 0);
    assert_int_equal(regs.rax, (uint32_t)initial_entry(1));
    assert_int_equal(regs.rdx, initial_entry(1) >> 32);
    assert_int_equal(regs.rflags & 0x41, 0x1);
}

/* The bit operations Linux uses on entries (test_and_clear_bit, clear_bit, set_bit). */
static void test_bit_operations(void **state)
{
    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\xf0\x48\x0f\xba\x37\x05"), PT_VA + 8)); /* lock btrq $5 (accessed) */
    expect_write(1, initial_entry(1) & ~PTE_A, 6);
    assert_true(regs.rflags & X86_EFLAGS_CF);

    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\xf0\x80\x27\xfd"), PT_VA + 8)); /* lock andb $0xfd: clear RW */
    expect_write(1, initial_entry(1) & ~PTE_RW, 4);

    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rflags |= X86_EFLAGS_CF;
    assert_true(run(C("\xf0\x48\x83\x0f\x40"), PT_VA + 8)); /* lock orq $0x40 */
    expect_write(1, initial_entry(1) | PTE_D, 5);
    assert_false(regs.rflags & X86_EFLAGS_CF);
    assert_true(regs.rflags & 0x80); /* SF: bit 63 set */

    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\xf0\x81\x27\x00\xf0\xff\xff"), PT_VA + 8)); /* lock andl $0xfffff000 */
    expect_write(1, initial_entry(1) & ~0xfffULL, 7);

    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\xf0\x83\x4f\x04\x01"), PT_VA + 12)); /* lock orl $1,4() */
    expect_write(1, initial_entry(1) | (1ULL << 32), 5);

    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\x66\x83\x27\xef"), PT_VA + 8)); /* andw $0xffef */
    expect_write(1, initial_entry(1) & ~0x10ULL, 4);

    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rsi = 0x40;
    assert_true(run(C("\xf0\x40\x08\x77\x01"), PT_VA + 9)); /* lock or %sil,1() */
    expect_write(1, initial_entry(1) | 0x4000, 5);

    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rsi = initial_entry(1);
    assert_true(run(C("\x48\x31\x37"), PT_VA + 8)); /* xor %rsi,(%rdi): zero */
    expect_write(1, 0, 3);
    assert_true(regs.rflags & 0x40);

    setup(state);
    regs.rdi = PT_VA + 8;
    assert_true(run(C("\xf0\x48\x0f\xba\x2f\x3f"), PT_VA + 8)); /* lock btsq $63 (NX) */
    expect_write(1, initial_entry(1), 6);
    assert_true(regs.rflags & X86_EFLAGS_CF);
}

/* BTS/BTR/BTC with a register offset address the bit string: other entries, either side. */
static void test_bit_string(void **state)
{
    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rax = 64 + 1;
    assert_true(run(C("\xf0\x48\x0f\xab\x07"), PT_VA + 16)); /* lock bts %rax: entry 2, bit 1 */
    expect_write(2, initial_entry(2) | PTE_RW, 5);
    assert_false(regs.rflags & X86_EFLAGS_CF);

    setup(state);
    regs.rdi = PT_VA + 16;
    regs.rax = (uint64_t)-64 + 2;                           /* entry 1, bit 2 */
    assert_true(run(C("\xf0\x48\x0f\xbb\x07"), PT_VA + 8)); /* lock btc %rax */
    expect_write(1, initial_entry(1) ^ PTE_US, 5);
    assert_true(regs.rflags & X86_EFLAGS_CF);

    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rax = 0xffffffff00000000ULL | 37; /* 32-bit offset 37: the dword at +4, bit 5 */
    assert_true(run(C("\xf0\x0f\xb3\x07"), PT_VA + 12)); /* lock btr %eax */
    expect_write(1, initial_entry(1), 4);                /* bit 37 was clear */
    assert_false(regs.rflags & X86_EFLAGS_CF);
}

/* ---- refusals: false, nothing written, registers untouched ---- */

struct refusal {
    const char *name;
    const char *code;
    unsigned len;
    uint64_t rdi, cr2;
    uint32_t ec;
};

static const struct refusal refusals[] = {
    {"misaligned qword", C("\x48\x89\x37"), PT_VA + 4, PT_VA + 4, EC_WRITE},
    {"qword across entries", C("\x48\x89\x37"), PT_VA + 12, PT_VA + 12, EC_WRITE},
    {"misaligned dword", C("\x89\x37"), PT_VA + 2, PT_VA + 2, EC_WRITE},
    {"misaligned word", C("\x66\x89\x37"), PT_VA + 1, PT_VA + 1, EC_WRITE},
    {"cmpxchg16b", C("\xf0\x48\x0f\xc7\x0f"), PT_VA + 16, PT_VA + 16, EC_WRITE},
    {"add", C("\x48\x01\x37"), PT_VA, PT_VA, EC_WRITE},
    {"add imm (grp1 /0)", C("\x48\x83\x07\x01"), PT_VA, PT_VA, EC_WRITE},
    {"movnti", C("\x48\x0f\xc3\x37"), PT_VA, PT_VA, EC_WRITE},
    {"stosq", C("\x48\xab"), PT_VA, PT_VA, EC_WRITE},
    {"inc", C("\x48\xff\x07"), PT_VA, PT_VA, EC_WRITE},
    {"movq xmm", C("\x66\x0f\xd6\x07"), PT_VA, PT_VA, EC_WRITE},
    {"lock mov", C("\xf0\x48\x89\x37"), PT_VA, PT_VA, EC_WRITE},
    {"mov to register", C("\x48\x89\xf7"), PT_VA, PT_VA, EC_WRITE},
    {"c7 /1", C("\x48\xc7\x0f\x00\x00\x00\x00"), PT_VA, PT_VA, EC_WRITE},
    {"0f c7 /6 mem", C("\x0f\xc7\x37"), PT_VA, PT_VA, EC_WRITE},
    {"bt (no write)", C("\x48\x0f\xba\x27\x05"), PT_VA, PT_VA, EC_WRITE},
    {"16 bytes", C("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x48\x89\x37"), PT_VA,
     PT_VA, EC_WRITE},
    {"address in another page", C("\x48\x89\x37"), PT_VA + 0x1008, PT_VA + 8, EC_WRITE},
    {"not present fault", C("\x48\x89\x37"), PT_VA, PT_VA, 0x6},
    {"read fault", C("\x48\x89\x37"), PT_VA, PT_VA, 0x5},
    {"reserved bit", C("\x48\x89\x37"), PT_VA, PT_VA, EC_WRITE | 0x8},
    {"instruction fetch", C("\x48\x89\x37"), PT_VA, PT_VA, EC_WRITE | 0x10},
    {"writable mapping", C("\x48\x89\x37"), RW_VA, RW_VA, EC_WRITE},
    {"plain page", C("\x48\x89\x37"), PLAIN_VA, PLAIN_VA, EC_WRITE},
    {"L2 table", C("\x48\x89\x37"), L2TYPE_VA, L2TYPE_VA, EC_WRITE},
    {"another domain's table", C("\x48\x89\x37"), FOREIGN_VA, FOREIGN_VA, EC_WRITE},
    {"entry not present", C("\x48\x89\x37"), ABSENT_VA, ABSENT_VA, EC_WRITE},
    {"no L3", C("\x48\x89\x37"), NO_L3_VA, NO_L3_VA, EC_WRITE},
    {"superpage", C("\x48\x89\x37"), PSE_VA, PSE_VA, EC_WRITE},
    {"hypervisor range", C("\x48\x89\x37"), DIRECTMAP_START, DIRECTMAP_START, EC_WRITE},
};

static void expect_untouched(const struct cpu_regs *before, const char *name)
{
    if (mm.calls)
        fail_msg("%s: mm_mod_entry called", name);
    if (memcmp(before, &regs, sizeof(regs)))
        fail_msg("%s: registers changed", name);
    for (unsigned i = 0; i < 512; i++)
        if (target(i) != initial_entry(i))
            fail_msg("%s: entry %u changed", name, i);
    if (bounce.calls)
        fail_msg("%s: bounced", name);
}

static void test_refusals(void **state)
{
    for (unsigned i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        const struct refusal *c = &refusals[i];
        struct cpu_regs before;

        setup(state);
        regs.rdi = c->rdi;
        regs.rax = initial_entry(2); /* a matching accumulator for the cmpxchg cases */
        regs.rdx = initial_entry(2) >> 32;
        fake_poke(RIP0, c->code, c->len);
        before = regs;
        if (ptwr_emulate(&vc, &regs, c->cr2, c->ec))
            fail_msg("%s: accepted", c->name);
        expect_untouched(&before, c->name);
    }
}

/* The domain's and the vCPU's state, and the frame's use, as Xen checks them. */
static void test_refusals_by_state(void **state)
{
    struct cpu_regs before;

    for (unsigned i = 0; i < 5; i++) {
        setup(state);
        regs.rdi = PT_VA;
        before = regs;
        if (i == 0)
            dom.vm_assist = 0;
        if (i == 1)
            vc.kernel_mode = false;
        if (i == 2)
            pinfo[MFN_TARGET - MFN0].type_info &= ~PGT_count_mask;
        if (i == 3)
            pinfo[MFN_TARGET - MFN0].type_info &= ~PGT_validated;
        if (i == 4)
            vc.kernel_l4_mfn = MFN0 + NFRAMES; /* a root outside the frame table */
        fake_poke(RIP0, "\x48\x89\x37", 3);
        assert_false(ptwr_emulate(&vc, &regs, PT_VA, EC_WRITE));
        expect_untouched(&before, "state");
    }
    /* The instruction cannot be read. */
    setup(state);
    regs.rdi = PT_VA;
    regs.rip = UNMAPPED + 8;
    before = regs;
    assert_false(ptwr_emulate(&vc, &regs, PT_VA, EC_WRITE));
    expect_untouched(&before, "unreadable rip");
    /* Cut by the end of readable memory. */
    setup(state);
    regs.rdi = PT_VA;
    fake_poke(UNMAPPED - 2, "\x48\x89", 2);
    regs.rip = UNMAPPED - 2;
    before = regs;
    assert_false(ptwr_emulate(&vc, &regs, PT_VA, EC_WRITE));
    expect_untouched(&before, "cut instruction");
}

/* The PV MMU refuses the new entry: the emulation fails and changes nothing. */
static void test_refused_entry(void **state)
{
    static const struct {
        const char *code;
        unsigned len;
    } forms[] = {
        {C("\x48\x89\x37")},             /* mov */
        {C("\x89\x77\x04")},             /* mov dword, upper half */
        {C("\x48\x87\x37")},             /* xchg */
        {C("\xf0\x48\x0f\xb1\x37")},     /* cmpxchg that would succeed */
        {C("\xf0\x0f\xc7\x0f")},         /* cmpxchg8b that would succeed */
        {C("\xf0\x48\x0f\xba\x37\x05")}, /* btr */
        {C("\xf0\x48\x83\x0f\x40")},     /* or */
    };

    for (unsigned i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        struct cpu_regs before;

        setup(state);
        mm.rc = -PV_EINVAL;
        regs.rdi = PT_VA + 8;
        regs.rax = initial_entry(1);
        regs.rdx = initial_entry(1) >> 32;
        regs.rflags |= X86_EFLAGS_TF;
        before = regs;
        assert_false(run(forms[i].code, forms[i].len, PT_VA + (i == 1 ? 12 : 8)));
        assert_int_equal(mm.calls, 1);
        mm.calls = 0;
        expect_untouched(&before, "refused entry");
    }
}

/* A single-stepping guest gets its #DB after the emulated instruction; RF is cleared. */
static void test_single_step(void **state)
{
    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rflags |= X86_EFLAGS_TF | X86_EFLAGS_RF;
    assert_true(run(C("\x48\x89\x37"), PT_VA + 8));
    expect_write(1, regs.rsi, 3);
    assert_int_equal(bounce.calls, 1);
    assert_int_equal(bounce.vector, X86_EXC_DB);
    assert_false(bounce.has_ec);
    assert_false(regs.rflags & X86_EFLAGS_RF);

    setup(state);
    regs.rdi = PT_VA + 8;
    regs.rflags |= X86_EFLAGS_RF;
    assert_true(run(C("\x48\x89\x37"), PT_VA + 8));
    assert_int_equal(bounce.calls, 0);
    assert_false(regs.rflags & X86_EFLAGS_RF);
}

/* ---- MMCONFIG: the privileged domain's stores to an ECAM frame (arch/x86/pci.c) ---- */

#define ECAM_MFN (0xb0000ULL + 8)      /* 00:01.0 in the window at 0xb0000000 (buses 0-255) */
#define ECAM_VA (PT_VA + 0x6000)       /* it, read-only */
#define NOT_ECAM_VA (PT_VA + 0x7000)   /* the frame after the window, read-only */

/* An ACPI MCFG with one window: base 0xb0000000, segment 0, buses 0-255. */
static const uint8_t mcfg_table[60] = {'M', 'C', 'F', 'G', 60, [47] = 0xb0, [55] = 0xff};
/* 00:01.0: a capability list with MSI (64-bit, no per-vector masking) at 0x40. */
static const uint8_t cfg8[256] = {[6] = 0x10, [0x34] = 0x40, [0x40] = 0x05, [0x42] = 0x80};

static int mmcfg_rep(uint64_t address, unsigned seg, unsigned first, unsigned last, unsigned flags)
{
    struct pv_physdev_pci_mmcfg_reserved r = {address, (uint16_t)seg, (uint8_t)first,
                                              (uint8_t)last, flags};

    return arch_pci_mmcfg_reserved(&r);
}

/* A privileged domain (or not) without the writable-page-table assist, the window reserved. */
static void mmcfg_setup(void **state, bool privileged)
{
    static bool booted;

    setup(state);
    fake.mcfg = mcfg_table;
    fake.cfg = cfg8;
    fake.cfg_bdf = 8;
    if (!booted)
        pci_init();
    booted = true;
    assert_int_equal(mmcfg_rep(0xb0000000, 0, 0, 255, 1), 0);
    dom.privileged = privileged;
    dom.vm_assist = 0;
    set_entry(MFN_L1, ECAM_VA, 1, table_entry(ECAM_MFN, PTE_FLAGS_RO));
    set_entry(MFN_L1, NOT_ECAM_VA, 1, table_entry(0xc0000, PTE_FLAGS_RO));
    fake.nr_ports = 0;
}

/* Run a store to register reg of the ECAM page (rdi) of value rax. */
static bool run_ecam(const void *code, unsigned len, unsigned reg, uint64_t rax)
{
    regs.rdi = ECAM_VA + reg;
    regs.rax = rax;
    return run(code, len, ECAM_VA + reg);
}

/* The configuration writes that reached 0xcfc-0xcff since the set-up: how many, the last. */
static unsigned cfg_writes(struct fake_port_access *last)
{
    unsigned n = 0;

    for (unsigned i = 0; i < fake.nr_ports; i++)
        if (fake.ports[i].out && fake.ports[i].port >= 0xcfc && fake.ports[i].port <= 0xcff)
            n++, *last = fake.ports[i];
    return n;
}

/* MOVs of 4, 2 and 1 bytes become the same configuration cycles as through 0xcf8/0xcfc, rip
 * past them, with or without the assist. */
static void test_mmcfg_stores(void **state)
{
    struct fake_port_access w;

    mmcfg_setup(state, true);
    assert_true(run_ecam(C("\x89\x07"), 0x04, 0x12345678)); /* mov %eax,(%rdi) */
    assert_int_equal(regs.rip, RIP0 + 2);
    assert_int_equal(cfg_writes(&w), 1);
    assert_int_equal(fake.cf8, 0x80000804);
    assert_true(w.port == 0xcfc && w.size == 4 && w.val == 0x12345678);
    assert_int_equal(bounce.calls, 0);
    mmcfg_setup(state, true);
    assert_true(run_ecam(C("\x66\x89\x07"), 0x06, 0xabcd)); /* mov %ax,(%rdi) */
    assert_int_equal(cfg_writes(&w), 1);
    assert_true(w.port == 0xcfe && w.size == 2 && w.val == 0xabcd);
    assert_int_equal(regs.rip, RIP0 + 3);
    mmcfg_setup(state, true);
    assert_true(run_ecam(C("\xc6\x07\x5a"), 0x0d, 0)); /* movb $0x5a,(%rdi) */
    assert_int_equal(cfg_writes(&w), 1);
    assert_true(w.port == 0xcfd && w.size == 1 && w.val == 0x5a);
    assert_int_equal(fake.cf8, 0x8000080c);
}

/* The filter of 0xcfc applies: the MSI address is dropped, the control word loses its enable
 * bit (no vector mapped); the instruction still completes. */
static void test_mmcfg_filter(void **state)
{
    struct fake_port_access w;
    uint32_t v;

    mmcfg_setup(state, true);
    assert_true(run_ecam(C("\x89\x07"), 0x44, 0xfee01000)); /* the MSI address */
    assert_int_equal(regs.rip, RIP0 + 2);
    assert_int_equal(cfg_writes(&w), 0);
    mmcfg_setup(state, true);
    assert_true(run_ecam(C("\x66\x89\x07"), 0x42, 0x81)); /* MSI control, enable set */
    assert_int_equal(cfg_writes(&w), 1);
    assert_true(w.port == 0xcfe && w.size == 2 && w.val == 0x80);
    /* the same address write through the ports: the same refusal */
    mmcfg_setup(state, true);
    v = 0x80000844;
    assert_true(pci_port_io(&dom, 0xcf8, 4, true, &v));
    v = 0xfee01000;
    assert_true(pci_port_io(&dom, 0xcfc, 4, true, &v));
    assert_int_equal(cfg_writes(&w), 0);
}

/* Refused (the caller delivers the #PF): an unprivileged domain, a frame outside the window,
 * a read-modify-write, an 8-byte store. A window reported not reserved drops stores. */
static void test_mmcfg_refusals(void **state)
{
    struct fake_port_access w;

    mmcfg_setup(state, false);
    dom.vm_assist = 1ULL << PV_VMASST_TYPE_writable_pagetables;
    assert_false(run_ecam(C("\x89\x07"), 0x04, 1));
    mmcfg_setup(state, true);
    regs.rdi = NOT_ECAM_VA + 4;
    assert_false(run(C("\x89\x07"), NOT_ECAM_VA + 4));
    assert_false(run_ecam(C("\x09\x07"), 0x04, 1));     /* or %eax,(%rdi) */
    assert_false(run_ecam(C("\x48\x89\x07"), 0x08, 1)); /* mov %rax,(%rdi) */
    assert_int_equal(regs.rip, RIP0);
    assert_int_equal(cfg_writes(&w), 0);
    assert_int_equal(mmcfg_rep(0xb0000000, 0, 0, 255, 0), 0);
    assert_true(run_ecam(C("\x89\x07"), 0x04, 1));
    assert_int_equal(cfg_writes(&w), 0);
    assert_int_equal(mmcfg_rep(0xb0000000, 0, 0, 255, 2), -PV_EINVAL);
    assert_int_equal(mmcfg_rep(0xb0000000, 1, 0, 255, 1), -PV_ENODEV);
    assert_int_equal(mmcfg_rep(0xb0000000, 0, 0, 127, 1), -PV_ENODEV);
    assert_int_equal(mmcfg_rep(0xb0100000, 0, 0, 255, 1), -PV_EIO);
    assert_true(arch_mmio_ro(0xb0000) && arch_mmio_ro(0xbffff) && arch_mmio_ro(ECAM_MFN));
    assert_false(arch_mmio_ro(0xaffff) || arch_mmio_ro(0xc0000));
}

/* Random instruction bytes and registers: never a crash or an out-of-bounds access (ASan), and
 * an accepted write always lands on an aligned entry of the target table. */
static void test_random_bytes(void **state)
{
    static const uint8_t interesting[] = {0x48, 0x4c, 0x49, 0x66, 0x67, 0xf0, 0x0f, 0x89, 0x87,
                                          0xc7, 0xb1, 0xba, 0xc6, 0x88, 0x83, 0x81, 0x37, 0x07,
                                          0x04, 0x24, 0x45, 0x05, 0x65, 0x64, 0xab, 0xb3};
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    unsigned accepted = 0;

    for (unsigned n = 0; n < 30000; n++) {
        uint8_t code[16];
        uint64_t cr2;

        setup(state);
        for (unsigned j = 0; j < sizeof(code); j++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            code[j] = (seed >> 60) & 1 ? interesting[(seed >> 32) % sizeof(interesting)]
                                       : (uint8_t)(seed >> 24);
        }
        cr2 = PT_VA + ((seed >> 8) & 0xfff);
        for (unsigned i = 0; i < 16; i++)
            if ((seed >> (20 + i)) & 1)
                *emul_gpr(&regs, i) = cr2 - ((seed >> 40) & 0x1f);
        regs.rflags |= (seed >> 50) & 1 ? X86_EFLAGS_TF : 0;
        if (run(code, sizeof(code), cr2)) {
            accepted++;
            assert_true(regs.rip > RIP0 && regs.rip <= RIP0 + 15);
            assert_true(mm.calls <= 1);
            if (mm.calls)
                assert_int_equal(mm.maddr & ~0xff8ULL, MFN_TARGET << PAGE_SHIFT);
        } else {
            assert_int_equal(regs.rip, RIP0);
        }
    }
    assert_true(accepted > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_encoder, setup),
        cmocka_unit_test_setup(test_mov64_every_register, setup),
        cmocka_unit_test_setup(test_narrow_mov, setup),
        cmocka_unit_test_setup(test_byte_registers, setup),
        cmocka_unit_test_setup(test_mov_immediate, setup),
        cmocka_unit_test_setup(test_addressing, setup),
        cmocka_unit_test_setup(test_xchg_every_register, setup),
        cmocka_unit_test_setup(test_cmpxchg, setup),
        cmocka_unit_test_setup(test_cmpxchg_every_register, setup),
        cmocka_unit_test_setup(test_flags_against_host, setup),
        cmocka_unit_test_setup(test_cmpxchg8b, setup),
        cmocka_unit_test_setup(test_bit_operations, setup),
        cmocka_unit_test_setup(test_bit_string, setup),
        cmocka_unit_test_setup(test_refusals, setup),
        cmocka_unit_test_setup(test_refusals_by_state, setup),
        cmocka_unit_test_setup(test_refused_entry, setup),
        cmocka_unit_test_setup(test_single_step, setup),
        cmocka_unit_test_setup(test_random_bytes, setup),
        cmocka_unit_test(test_mmcfg_stores),
        cmocka_unit_test(test_mmcfg_filter),
        cmocka_unit_test(test_mmcfg_refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
