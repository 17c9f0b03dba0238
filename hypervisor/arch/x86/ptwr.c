/* Writable page tables: emulation of a guest kernel's direct write to one of its L1 tables
 * (Xen's pv_ro_page_fault and ptwr_emulated_update, xen/arch/x86/pv/ro-page-fault.c).
 *
 * Accepted: the instructions a kernel uses on an entry, with a memory destination: MOV (88, 89,
 * C6 /0, C7 /0), XCHG (86, 87), CMPXCHG (0F B0, 0F B1), CMPXCHG8B (0F C7 /1), and the
 * read-modify-write forms of Linux's bit operations: OR, AND, XOR (08, 09, 20, 21, 30, 31,
 * 80/81/83 /1 /4 /6) and BTS, BTR, BTC (0F AB, 0F B3, 0F BB, 0F BA /5 /6 /7). LOCK is allowed
 * where the architecture allows it. Xen's rules: the access is 1, 2, 4 or 8 bytes, naturally
 * aligned, in the page of %cr2 (so CMPXCHG16B is refused); a narrower write is merged with the
 * rest of its entry and the whole entry is validated.
 *
 * Atomicity: one CPU runs guests, so nothing changes the entry between the read here and
 * mm_mod_entry (Xen uses a locked cmpxchg for the same purpose). */
#include "x86/ptwr.h"
#include "x86/bounce.h"
#include "x86/emulate_insn.h"
#include "x86/pci.h"
#include "frame.h"
#include "mm.h"
#include "paging.h"
#include "pv-abi/vm_assist.h"

/* #PF error code bits. */
#define PFEC_PRESENT (1u << 0)
#define PFEC_WRITE (1u << 1)
#define PFEC_RSVD (1u << 3)
#define PFEC_FETCH (1u << 4)

/* Arithmetic flags. */
#define FL_CF (1UL << 0)
#define FL_PF (1UL << 2)
#define FL_AF (1UL << 4)
#define FL_ZF (1UL << 6)
#define FL_SF (1UL << 7)
#define FL_OF (1UL << 11)
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

enum ptwr_kind { K_NONE, K_MOV, K_XCHG, K_CMPXCHG, K_CX8, K_OR, K_AND, K_XOR, K_BTS, K_BTR, K_BTC };

/* Where the value comes from: the ModRM.reg register, an 8-bit or a 16/32-bit immediate. */
enum ptwr_src { SRC_NONE, SRC_REG, SRC_IMM8, SRC_IMMZ };

/* One accepted opcode. For a group opcode, `group` gives the operation for each ModRM.reg. */
struct ptwr_form {
    bool twobyte;
    uint8_t op;
    bool byte; /* 8-bit operand, else 16, 32 or 64 bits by prefixes */
    uint8_t src;
    uint8_t kind;
    const uint8_t *group;
};

static const uint8_t grp_alu[8] = {[1] = K_OR, [4] = K_AND, [6] = K_XOR}; /* 80, 81, 83 */
static const uint8_t grp_mov[8] = {[0] = K_MOV};                          /* C6, C7 */
static const uint8_t grp_bt[8] = {[5] = K_BTS, [6] = K_BTR, [7] = K_BTC}; /* 0F BA */
static const uint8_t grp_cx8[8] = {[1] = K_CX8};                          /* 0F C7 */

static const struct ptwr_form forms[] = {
    {false, 0x08, true, SRC_REG, K_OR, NULL},
    {false, 0x09, false, SRC_REG, K_OR, NULL},
    {false, 0x20, true, SRC_REG, K_AND, NULL},
    {false, 0x21, false, SRC_REG, K_AND, NULL},
    {false, 0x30, true, SRC_REG, K_XOR, NULL},
    {false, 0x31, false, SRC_REG, K_XOR, NULL},
    {false, 0x80, true, SRC_IMM8, K_NONE, grp_alu},
    {false, 0x81, false, SRC_IMMZ, K_NONE, grp_alu},
    {false, 0x83, false, SRC_IMM8, K_NONE, grp_alu},
    {false, 0x86, true, SRC_REG, K_XCHG, NULL},
    {false, 0x87, false, SRC_REG, K_XCHG, NULL},
    {false, 0x88, true, SRC_REG, K_MOV, NULL},
    {false, 0x89, false, SRC_REG, K_MOV, NULL},
    {false, 0xc6, true, SRC_IMM8, K_NONE, grp_mov},
    {false, 0xc7, false, SRC_IMMZ, K_NONE, grp_mov},
    {true, 0xab, false, SRC_REG, K_BTS, NULL},
    {true, 0xb0, true, SRC_REG, K_CMPXCHG, NULL},
    {true, 0xb1, false, SRC_REG, K_CMPXCHG, NULL},
    {true, 0xb3, false, SRC_REG, K_BTR, NULL},
    {true, 0xba, false, SRC_IMM8, K_NONE, grp_bt},
    {true, 0xbb, false, SRC_REG, K_BTC, NULL},
    {true, 0xc7, false, SRC_NONE, K_NONE, grp_cx8},
};

/* A decoded write. */
struct ptwr_insn {
    struct insn in;
    struct emul_fault fault;
    enum ptwr_kind kind;
    unsigned size; /* bytes written: 1, 2, 4 or 8 */
    uint64_t la;   /* linear address written */
    uint64_t src;  /* register or (sign-extended) immediate operand */
    unsigned reg;  /* ModRM.reg with REX.R: the register operand */
};

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* Register n as an operand of `size` bytes; without REX, byte registers 4-7 are AH-BH. */
static uint64_t *reg_ref(struct cpu_regs *r, const struct insn *in, unsigned n, unsigned size,
                         unsigned *shift)
{
    bool high = size == 1 && !in->rex && n >= 4;

    *shift = high ? 8 : 0;
    return emul_gpr(r, high ? n - 4 : n);
}

static uint64_t reg_get(struct cpu_regs *r, const struct insn *in, unsigned n, unsigned size)
{
    unsigned shift;
    uint64_t *g = reg_ref(r, in, n, size, &shift);

    return (*g >> shift) & size_mask(size);
}

/* As hardware: a 32-bit write zero-extends, 8- and 16-bit writes keep the other bits. */
static void reg_set(struct cpu_regs *r, const struct insn *in, unsigned n, unsigned size,
                    uint64_t val)
{
    unsigned shift;
    uint64_t *g = reg_ref(r, in, n, size, &shift), m = size_mask(size) << shift;

    *g = size == 4 ? (uint32_t)val : (*g & ~m) | ((val << shift) & m);
}

static const struct ptwr_form *find_form(const struct insn *in)
{
    for (unsigned i = 0; i < ARRAY_SIZE(forms); i++)
        if (forms[i].twobyte == in->twobyte && forms[i].op == in->op)
            return &forms[i];
    return NULL;
}

/* BTS/BTR/BTC with a register bit offset address a bit string: the signed offset selects the
 * operand-sized word, possibly before or after the one at the operand's address. */
static void bit_string_address(struct ptwr_insn *p)
{
    unsigned log2_bits = p->size == 2 ? 4 : p->size == 4 ? 5 : 6;
    int64_t off = (int64_t)(p->src << (64 - 8 * p->size)) >> (64 - 8 * p->size);

    p->la += (uint64_t)((off >> log2_bits) * (int64_t)p->size);
    if (!p->in.mode64)
        p->la = (uint32_t)p->la;
}

/* Decode the instruction at rip; false if it is not one this emulation accepts. */
static bool decode(struct vcpu *v, struct cpu_regs *r, struct ptwr_insn *p)
{
    const struct ptwr_form *fm;
    unsigned ilen;

    if (emul_decode_start(&p->in, v, r, &p->fault) != EMUL_OK || !(fm = find_form(&p->in)))
        return false;
    p->size = fm->byte ? 1 : (p->in.rex & REX_W) ? 8 : p->in.opsize16 ? 2 : 4;
    ilen = fm->src == SRC_IMM8 ? 1 : fm->src == SRC_IMMZ ? MIN(p->size, 4) : 0;
    if (emul_decode_mem(&p->in, ilen, &p->la) != EMUL_OK)
        return false;
    p->reg = ((p->in.modrm >> 3) & 7) | (p->in.rex & REX_R ? 8 : 0);
    p->kind = fm->group ? fm->group[(p->in.modrm >> 3) & 7] : fm->kind;
    if (p->kind == K_NONE || (p->kind == K_MOV && p->in.lock))
        return false; /* LOCK MOV is #UD */
    if (p->kind == K_CX8) {
        if (p->in.rex & REX_W)
            return false; /* CMPXCHG16B: wider than an entry */
        p->size = 8;
    }
    if (fm->src != SRC_REG)
        return emul_next_imm(&p->in, ilen, &p->src) == EMUL_OK;
    p->src = reg_get(r, &p->in, p->reg, p->size);
    if (p->kind == K_BTS || p->kind == K_BTR || p->kind == K_BTC)
        bit_string_address(p);
    return true;
}

/* Xen's ptwr_emulated_update: naturally aligned, at most 8 bytes, within the page of %cr2. */
static bool access_ok(const struct ptwr_insn *p, uint64_t cr2)
{
    return p->size <= 8 && !(p->la & (p->size - 1)) && !((p->la ^ cr2) & PAGE_MASK);
}

/* ZF, SF and PF of a result. */
static uint64_t result_flags(uint64_t res, unsigned size)
{
    uint64_t f = 0;
    uint8_t parity = (uint8_t)res;

    res &= size_mask(size);
    parity ^= parity >> 4;
    parity ^= parity >> 2;
    parity ^= parity >> 1;
    if (!res)
        f |= FL_ZF;
    if (res >> (8 * size - 1))
        f |= FL_SF;
    if (!(parity & 1))
        f |= FL_PF;
    return f;
}

/* The flags of CMP a, b (a - b), operands already truncated to size. */
static uint64_t sub_flags(uint64_t a, uint64_t b, unsigned size)
{
    uint64_t res = (a - b) & size_mask(size), f = result_flags(res, size);

    if (a < b)
        f |= FL_CF;
    if ((((a ^ b) & (a ^ res)) >> (8 * size - 1)) & 1)
        f |= FL_OF;
    if ((a ^ b ^ res) & 0x10)
        f |= FL_AF;
    return f;
}

static void set_flags(struct cpu_regs *r, uint64_t mask, uint64_t val)
{
    r->rflags = (r->rflags & ~mask) | val;
}

/* CMPXCHG: compare with the accumulator; on a mismatch it receives the current value. */
static bool do_cmpxchg(const struct ptwr_insn *p, uint64_t old, struct cpu_regs *nr, uint64_t *val)
{
    uint64_t acc = reg_get(nr, &p->in, 0, p->size);

    set_flags(nr, FL_ARITH, sub_flags(acc, old, p->size));
    if (acc != old) {
        reg_set(nr, &p->in, 0, p->size, old);
        return false;
    }
    *val = p->src;
    return true;
}

/* CMPXCHG8B: compare with edx:eax, store ecx:ebx; on a mismatch edx:eax receive the entry. */
static bool do_cmpxchg8b(uint64_t old, struct cpu_regs *nr, uint64_t *val)
{
    if (old != ((uint32_t)nr->rax | nr->rdx << 32)) {
        nr->rax = (uint32_t)old;
        nr->rdx = old >> 32;
        set_flags(nr, FL_ZF, 0);
        return false;
    }
    set_flags(nr, FL_ZF, FL_ZF);
    *val = (uint32_t)nr->rbx | nr->rcx << 32;
    return true;
}

/* BTS/BTR/BTC: CF takes the old bit; the other flags are left as they were. */
static bool do_bit_op(const struct ptwr_insn *p, uint64_t old, struct cpu_regs *nr, uint64_t *val)
{
    uint64_t bit = 1ULL << (p->src & (8 * p->size - 1));

    set_flags(nr, FL_CF, (old & bit) ? FL_CF : 0);
    *val = p->kind == K_BTS ? old | bit : p->kind == K_BTR ? old & ~bit : old ^ bit;
    return true;
}

/* OR/AND/XOR: CF, OF (and AF, undefined) cleared, ZF, SF, PF from the result. */
static bool do_logic(const struct ptwr_insn *p, uint64_t old, struct cpu_regs *nr, uint64_t *val)
{
    *val = p->kind == K_OR ? old | p->src : p->kind == K_AND ? old & p->src : old ^ p->src;
    set_flags(nr, FL_ARITH, result_flags(*val, p->size));
    return true;
}

/* Run the instruction on `old`, the size-byte field it addresses: registers and flags go to
 * *nr, the field's new value to *val. False if memory is not written (a failed compare). */
static bool execute(const struct ptwr_insn *p, uint64_t old, struct cpu_regs *nr, uint64_t *val)
{
    switch (p->kind) {
    case K_MOV:
        *val = p->src;
        return true;
    case K_XCHG:
        reg_set(nr, &p->in, p->reg, p->size, old);
        *val = p->src;
        return true;
    case K_CMPXCHG:
        return do_cmpxchg(p, old, nr, val);
    case K_CX8:
        return do_cmpxchg8b(old, nr, val);
    case K_OR:
    case K_AND:
    case K_XOR:
        return do_logic(p, old, nr, val);
    default:
        return do_bit_op(p, old, nr, val);
    }
}

/* Xen's fixup_page_fault: the guest kernel wrote (not a fetch, no reserved bit) to a present
 * page (then an L1 table with writable page tables, or the hardware domain's mmio_ro). */
static bool fault_qualifies(const struct vcpu *v, uint32_t ec)
{
    uint32_t which = PFEC_PRESENT | PFEC_WRITE | PFEC_RSVD | PFEC_FETCH;

    return v->kernel_mode && (ec & which) == (PFEC_PRESENT | PFEC_WRITE);
}

/* The frame that v's kernel page tables (loaded: v is in kernel mode) map at la with a present,
 * read-only L1 entry, or FRAME_NONE (Xen's guest_get_eff_kern_l1e). As Xen reads that entry
 * through its linear page-table mapping, the upper levels need only be present (and not
 * superpages); their permissions do not matter. */
static uint64_t ro_mapped_frame(const struct vcpu *v, uint64_t la)
{
    const uint64_t *l1e = mm_walk_l1e(v->kernel_l4_mfn, la, NULL, NULL);

    if (!l1e || !(*l1e & PTE_P) || (*l1e & PTE_RW))
        return FRAME_NONE;
    return (*l1e & PTE_ADDR) >> PAGE_SHIFT;
}

static bool retire(struct vcpu *v, struct cpu_regs *r, struct ptwr_insn *p)
{
    if (emul_retire(&p->in) == EMUL_FAULT)
        bounce_trap(v, r, p->fault.vector, p->fault.has_ec, p->fault.ec);
    return true;
}

/* Validate and write the entry the instruction changes in L1 table `mfn`, then commit the
 * registers and retire the instruction. Nothing changes if the PV MMU refuses the entry. */
static bool apply(struct vcpu *v, struct cpu_regs *r, struct ptwr_insn *p, uint64_t mfn)
{
    unsigned shift = (p->la & 7) * 8;
    uint64_t maddr = (mfn << PAGE_SHIFT) | (p->la & (PAGE_SIZE - 8));
    uint64_t entry = ((const uint64_t *)mm_frame_ptr(mfn))[(p->la & (PAGE_SIZE - 1)) >> 3];
    uint64_t m = size_mask(p->size) << shift, field;
    struct cpu_regs nr = *r;

    p->src &= size_mask(p->size);
    if (execute(p, (entry & m) >> shift, &nr, &field) &&
        mm_mod_entry(v->domain, maddr, (entry & ~m) | ((field << shift) & m), false))
        return false;
    *r = nr;
    return retire(v, r, p);
}

bool ptwr_emulate(struct vcpu *v, struct cpu_regs *r, uint64_t cr2, uint32_t error_code)
{
    struct ptwr_insn p;
    uint64_t mfn;

    if (!fault_qualifies(v, error_code) || (mfn = ro_mapped_frame(v, cr2)) == FRAME_NONE)
        return false;
    if (((v->domain->vm_assist >> PV_VMASST_TYPE_writable_pagetables) & 1) &&
        mm_is_l1_table(v->domain, mfn))
        return decode(v, r, &p) && access_ok(&p, cr2) && apply(v, r, &p, mfn);
    /* Xen's mmcfg_intercept_write: the hardware domain's plain store of at most 4 bytes at
     * %cr2 to an ECAM frame (no read: Xen's emulation has none); nothing else is decoded */
    return v->domain->privileged && arch_mmio_ro(mfn) && decode(v, r, &p) && access_ok(&p, cr2) &&
           p.kind == K_MOV && p.size <= 4 && p.la == cr2 &&
           pci_mmcfg_write(mfn, cr2 & (PAGE_SIZE - 1), p.size, (uint32_t)p.src) && retire(v, r, &p);
}
