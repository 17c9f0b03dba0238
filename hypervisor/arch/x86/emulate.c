/* Decoder and dispatch of the privileged instructions PV guests execute (#GP and #UD paths),
 * and the software-interrupt decoder. Handlers live in emulate_sys.c and emulate_io.c. */
#include "x86/emulate.h"
#include "pv-abi/arch_x86.h"
#include "x86/debugreg.h"
#include "x86/emulate_insn.h"
#include "guest_access.h"
#include "x86/hw_access.h"
#include "lib.h"
#include "pv-abi/vm_assist.h"
#include "x86/cpu.h"

#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)

/* Read instruction bytes up to index need - 1, a page at a time, never more than 15. */
static bool fetch_upto(struct insn_fetch *f, unsigned need)
{
    while (f->avail < need) {
        uint64_t at = f->rip + f->avail;
        unsigned chunk = MIN(INSN_MAX_LEN - f->avail, PAGE_SIZE - (at & (PAGE_SIZE - 1)));

        if (guest_copy_from(f->bytes + f->avail, guest_handle_of(at), chunk)) {
            f->bad = at;
            return false;
        }
        f->avail += chunk;
    }
    return true;
}

enum emul_rc emul_raise(struct insn *in, uint8_t vector, bool has_ec, uint32_t ec, uint64_t cr2)
{
    *in->fault = (struct emul_fault){vector, has_ec, ec, cr2};
    return EMUL_FAULT;
}

/* Like Xen, the error code says write or read and the guest's mode, not present or fetch. */
enum emul_rc emul_raise_pf(struct insn *in, uint64_t bad, bool write)
{
    uint32_t ec = (write ? PF_WRITE : 0) | (in->user ? PF_USER : 0);

    return emul_raise(in, X86_EXC_PF, true, ec, bad);
}

enum emul_rc emul_next_byte(struct insn *in, uint8_t *b)
{
    if (in->len >= INSN_MAX_LEN)
        return EMUL_NOT_HANDLED; /* hardware raised #GP for the length already */
    if (!fetch_upto(&in->f, in->len + 1))
        return emul_raise_pf(in, in->f.bad, false);
    *b = in->f.bytes[in->len++];
    return EMUL_OK;
}

uint64_t *emul_gpr(struct cpu_regs *r, unsigned n)
{
    uint64_t *const map[16] = {&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
                               &r->rsi, &r->rdi, &r->r8,  &r->r9,  &r->r10, &r->r11,
                               &r->r12, &r->r13, &r->r14, &r->r15};

    return map[n & 15];
}

/* Xen's iopl_ok: guest kernel code runs at virtual CPL 1 (0 with architectural IOPL). */
bool emul_iopl_ok(const struct insn *in)
{
    bool arch_iopl = (in->v->domain->vm_assist >> PV_VMASST_TYPE_architectural_iopl) & 1;
    unsigned cpl = in->user ? 3 : arch_iopl ? 0 : 1;

    return cpl <= in->v->iopl;
}

static void insn_init(struct insn *in, struct vcpu *v, struct cpu_regs *regs, struct emul_fault *f)
{
    /* The flat 32-bit user code segment runs in compatibility mode; all others are 64-bit. */
    *in = (struct insn){.v = v, .regs = regs, .fault = f, .f.rip = regs->rip,
                        .user = v && !v->kernel_mode,
                        .mode64 = (regs->cs & 0xffff) != PV_FLAT_RING3_CS32, .seg = SEG_DEFAULT};
    *f = (struct emul_fault){0};
}

/* Record one legacy prefix; false if b is not one. */
static bool take_legacy_prefix(struct insn *in, uint8_t b)
{
    switch (b) {
    case 0x66:
        in->opsize16 = true;
        return true;
    case 0x67:
        in->addrsize = true;
        return true;
    case 0xf0:
        in->lock = true;
        return true;
    case 0xf2 ... 0xf3:
        in->rep = true;
        return true;
    case 0x26:
    case 0x2e:
    case 0x36:
    case 0x3e:
        in->seg = (enum insn_seg)((b >> 3) & 3); /* ES, CS, SS, DS */
        return true;
    case 0x64 ... 0x65:
        in->seg = b == 0x64 ? SEG_FS : SEG_GS;
        return true;
    }
    return false;
}

/* Prefixes, then the opcode (0F xx or one byte). A REX prefix counts only right before it. */
static enum emul_rc decode_opcode(struct insn *in)
{
    enum emul_rc rc;
    uint8_t b;

    for (;;) {
        if ((rc = emul_next_byte(in, &b)) != EMUL_OK)
            return rc;
        if (in->mode64 && (b & 0xf0) == 0x40) {
            in->rex = b;
            continue;
        }
        if (!take_legacy_prefix(in, b))
            break;
        in->rex = 0;
    }
    if (b != 0x0f) {
        in->op = b;
        return EMUL_OK;
    }
    in->twobyte = true;
    return emul_next_byte(in, &in->op);
}

enum emul_rc emul_decode_start(struct insn *in, struct vcpu *v, struct cpu_regs *regs,
                               struct emul_fault *f)
{
    insn_init(in, v, regs, f);
    return decode_opcode(in);
}

enum emul_rc emul_next_imm(struct insn *in, unsigned size, uint64_t *val)
{
    uint64_t u = 0;
    enum emul_rc rc;
    uint8_t b;

    for (unsigned i = 0; i < size; i++) {
        if ((rc = emul_next_byte(in, &b)) != EMUL_OK)
            return rc;
        u |= (uint64_t)b << (8 * i);
    }
    if (size && size < 8 && (u >> (8 * size - 1)))
        u |= ~0ULL << (8 * size);
    *val = u;
    return EMUL_OK;
}

/* Address size of a memory operand: 64 (32 with 67h) in 64-bit code, 32 (16) in compat mode. */
static unsigned mem_addr_bits(const struct insn *in)
{
    if (in->mode64)
        return in->addrsize ? 32 : 64;
    return in->addrsize ? 16 : 32;
}

/* Base plus scaled index of a SIB byte. With mod 0 and base 101b there is no base register but
 * a 32-bit displacement (*disp32 set). Index 100b without REX.X means no index. */
static uint64_t sib_address(const struct insn *in, uint8_t sib, unsigned mod, bool *disp32)
{
    unsigned index = ((sib >> 3) & 7) | (in->rex & REX_X ? 8 : 0);
    unsigned base = (sib & 7) | (in->rex & REX_B ? 8 : 0);
    uint64_t a = index == 4 ? 0 : *emul_gpr(in->regs, index) << (sib >> 6);

    *disp32 = mod == 0 && (base & 7) == 5;
    return *disp32 ? a : a + *emul_gpr(in->regs, base);
}

/* Only FS and GS have a base; the guest's active GS base sits in SHADOW_GS_BASE while the
 * hypervisor runs. */
static uint64_t mem_seg_base(const struct insn *in)
{
    if (in->seg != SEG_FS && in->seg != SEG_GS)
        return 0;
    return hw_rdmsr(in->seg == SEG_FS ? MSR_FS_BASE : MSR_SHADOW_GS_BASE);
}

enum emul_rc emul_decode_mem(struct insn *in, unsigned imm_len, uint64_t *la)
{
    unsigned mod, rm, bits = mem_addr_bits(in);
    bool disp32 = false, rip_rel = false;
    uint64_t ea = 0, disp = 0;
    enum emul_rc rc;
    uint8_t sib;

    if ((rc = emul_next_byte(in, &in->modrm)) != EMUL_OK)
        return rc;
    mod = in->modrm >> 6;
    rm = in->modrm & 7;
    if (mod == 3 || bits == 16)
        return EMUL_NOT_HANDLED;
    if (rm == 4) {
        if ((rc = emul_next_byte(in, &sib)) != EMUL_OK)
            return rc;
        ea = sib_address(in, sib, mod, &disp32);
    } else if (mod == 0 && rm == 5) {
        disp32 = true;
        rip_rel = in->mode64; /* compat mode: an absolute disp32 */
    } else {
        ea = *emul_gpr(in->regs, rm | (in->rex & REX_B ? 8 : 0));
    }
    if ((rc = emul_next_imm(in, mod == 1 ? 1 : mod == 2 || disp32 ? 4 : 0, &disp)) != EMUL_OK)
        return rc;
    if (rip_rel)
        ea = in->f.rip + in->len + imm_len;
    ea += disp;
    if (bits == 32)
        ea = (uint32_t)ea;
    ea += mem_seg_base(in);
    *la = in->mode64 ? ea : (uint32_t)ea;
    return EMUL_OK;
}

struct op_entry {
    bool twobyte;
    uint8_t first, last;
    bool kernel_only; /* guest user mode gets the original #GP */
    enum emul_rc (*handler)(struct insn *in);
};

/* Xen's emul-priv-op `validate` list. Everything else (HLT, LGDT, INVLPG, SWAPGS, INVD, ...)
 * is reflected to the guest as the #GP it raised. */
static const struct op_entry ops[] = {
    {false, 0x6c, 0x6f, false, emul_op_ins_outs}, {false, 0xe4, 0xe7, false, emul_op_in_out},
    {false, 0xec, 0xef, false, emul_op_in_out},   {false, 0xfa, 0xfb, false, emul_op_cli_sti},
    {true, 0x01, 0x01, false, emul_op_group7},    {true, 0x06, 0x06, true, emul_op_clts},
    {true, 0x09, 0x09, true, emul_op_wbinvd},     {true, 0x20, 0x23, true, emul_op_mov_cr_dr},
    {true, 0x30, 0x30, true, emul_op_msr},        {true, 0x31, 0x31, false, emul_op_rdtsc},
    {true, 0x32, 0x32, true, emul_op_msr},        {true, 0xa2, 0xa2, false, emul_op_cpuid},
};

static const struct op_entry *find_op(const struct insn *in)
{
    for (unsigned i = 0; i < ARRAY_SIZE(ops); i++)
        if (ops[i].twobyte == in->twobyte && in->op >= ops[i].first && in->op <= ops[i].last)
            return &ops[i];
    return NULL;
}

enum emul_rc emul_retire(struct insn *in)
{
    struct cpu_regs *r = in->regs;
    uint32_t hits = in->dbg_hits;

    if (in->no_progress)
        return EMUL_OK;
    if (!in->stay)
        r->rip = in->mode64 ? r->rip + in->len : (uint32_t)(r->rip + in->len);
    r->rflags &= ~X86_EFLAGS_RF;
    if (r->rflags & X86_EFLAGS_TF)
        hits |= DR6_BS;
    if (!hits)
        return EMUL_OK;
    debugreg_merge_dr6(in->v, hits);
    return emul_raise(in, X86_EXC_DB, false, 0, 0);
}

enum emul_rc emul_priv_op(struct vcpu *v, struct cpu_regs *regs, struct emul_fault *f)
{
    const struct op_entry *op;
    struct insn in;
    enum emul_rc rc;

    insn_init(&in, v, regs, f);
    if ((rc = decode_opcode(&in)) != EMUL_OK)
        return rc;
    if (!(op = find_op(&in)))
        return EMUL_NOT_HANDLED;
    if (in.lock)
        return emul_raise(&in, X86_EXC_UD, false, 0, 0);
    if (op->kernel_only && in.user)
        return EMUL_NOT_HANDLED;
    if ((rc = op->handler(&in)) != EMUL_OK)
        return rc;
    return emul_retire(&in);
}

/* Xen's forced emulation: `ud2; .ascii "xen"; cpuid` runs the guest's CPUID. As in Xen, bytes
 * that match the signature so far but cannot all be read raise #PF. */
enum emul_rc emul_invalid_op(struct vcpu *v, struct cpu_regs *regs, struct emul_fault *f)
{
    static const uint8_t forced_cpuid[] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2};
    struct insn in;
    enum emul_rc rc;
    uint8_t b;

    insn_init(&in, v, regs, f);
    for (unsigned i = 0; i < sizeof(forced_cpuid); i++) {
        if ((rc = emul_next_byte(&in, &b)) != EMUL_OK)
            return rc;
        if (b != forced_cpuid[i])
            return EMUL_NOT_HANDLED;
    }
    if (in.user && v->cpuid_faulting) {
        regs->rip = in.mode64 ? regs->rip + 5 : (uint32_t)(regs->rip + 5); /* at the CPUID */
        return emul_raise(&in, X86_EXC_GP, true, 0, 0);
    }
    if ((rc = emul_op_cpuid(&in)) != EMUL_OK)
        return rc;
    return emul_retire(&in);
}

int emul_soft_int(const struct cpu_regs *regs, unsigned *len)
{
    struct cpu_regs copy = *regs;
    struct emul_fault f;
    struct insn in;
    uint8_t imm;

    insn_init(&in, NULL, &copy, &f);
    if (decode_opcode(&in) != EMUL_OK || in.twobyte)
        return -1;
    if (in.op == 0xcc || in.op == 0xce) {
        *len = in.len;
        return in.op == 0xcc ? X86_EXC_BP : X86_EXC_OF;
    }
    if (in.op != 0xcd || emul_next_byte(&in, &imm) != EMUL_OK)
        return -1;
    *len = in.len;
    return imm;
}
