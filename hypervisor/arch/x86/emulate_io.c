/* Emulated port I/O (IN, OUT, INS, OUTS) and CLI/STI, allowed by the guest's virtual IOPL. */
#include "x86/debugreg.h"
#include "x86/emulate_insn.h"
#include "guest_access.h"
#include "x86/hw_access.h"
#include "ioport.h"
#include "x86/cpu.h"
#include "x86/pci.h"

#define REP_BATCH 256 /* REP iterations per trap; the guest re-executes for the rest */

static unsigned io_size(const struct insn *in)
{
    if (!(in->op & 1))
        return 1;
    return in->opsize16 ? 2 : 4;
}

/* Ports the domain may not reach read as all ones and ignore writes; PCI configuration and the
 * CMOS RTC are emulated (x86/pci.h). */
static uint32_t port_read(struct domain *d, uint16_t port, unsigned size)
{
    uint32_t v;

    if (pci_port_io(d, port, size, false, &v))
        return v;
    if (domain_ioport_allowed(d, port, size))
        return arch_port_in(port, size);
    return size == 4 ? ~0u : (1u << (8 * size)) - 1;
}

static void port_write(struct domain *d, uint16_t port, unsigned size, uint32_t val)
{
    if (!pci_port_io(d, port, size, true, &val) && domain_ioport_allowed(d, port, size))
        arch_port_out(port, size, val);
}

/* IN writes al or ax (the rest of rax stays) or eax (zero-extended into rax). */
static void set_accumulator(struct cpu_regs *r, unsigned size, uint32_t val)
{
    uint64_t mask = size == 2 ? 0xffff : 0xff;

    if (size == 4)
        r->rax = val;
    else
        r->rax = (r->rax & ~mask) | (val & mask);
}

/* E4-E7: IN/OUT with an imm8 port; EC-EF: port in dx. Even opcodes move a byte. */
enum emul_rc emul_op_in_out(struct insn *in)
{
    struct domain *d = in->v->domain;
    unsigned size = io_size(in);
    enum emul_rc rc;
    uint8_t imm = 0;
    uint16_t port;

    if (!(in->op & 8) && (rc = emul_next_byte(in, &imm)) != EMUL_OK)
        return rc;
    port = (in->op & 8) ? (uint16_t)in->regs->rdx : imm;
    if (!emul_iopl_ok(in))
        return EMUL_NOT_HANDLED;
    if (in->op & 2)
        port_write(d, port, size, (uint32_t)in->regs->rax);
    else
        set_accumulator(in->regs, size, port_read(d, port, size));
    in->dbg_hits = debugreg_io_match(in->v, port, size);
    return EMUL_OK;
}

/* INS/OUTS address size: 64 (32 with 67h) in 64-bit code, 32 (16 with 67h) in compat mode. */
static unsigned addr_bits(const struct insn *in)
{
    if (in->mode64)
        return in->addrsize ? 32 : 64;
    return in->addrsize ? 16 : 32;
}

static uint64_t addr_mask(unsigned bits)
{
    return bits == 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* Update rsi, rdi or rcx as an instruction of that address size does. */
static void set_addr_reg(uint64_t *reg, uint64_t val, unsigned bits)
{
    if (bits == 16)
        *reg = (*reg & ~0xffffULL) | (val & 0xffff);
    else
        *reg = val & addr_mask(bits); /* a 32-bit write zero-extends */
}

/* Only FS and GS have a base (flat segments otherwise); INS always writes through ES. The
 * guest's active GS base sits in SHADOW_GS_BASE while the hypervisor runs. */
static uint64_t seg_base(const struct insn *in, bool is_ins)
{
    if (is_ins || (in->seg != SEG_FS && in->seg != SEG_GS))
        return 0;
    return hw_rdmsr(in->seg == SEG_FS ? MSR_FS_BASE : MSR_SHADOW_GS_BASE);
}

/* Both ends guest addresses, as Xen's __addr_ok; an element wrapping past 2^64 is left to the
 * copy, which faults as the hardware would. */
static bool addr_ok(uint64_t la, unsigned size)
{
    return guest_range_ok(la, 1) && guest_range_ok(la + size - 1, 1);
}

/* Copy one element page by page; on failure *bad is the first address not accessible. */
static bool copy_elem(bool to_guest, uint64_t la, uint32_t *data, unsigned size, uint64_t *bad)
{
    uint8_t *p = (uint8_t *)data;
    unsigned chunk = MIN(size, PAGE_SIZE - (la & (PAGE_SIZE - 1)));

    for (unsigned done = 0; done < size; done += chunk, chunk = size - done) {
        guest_handle at = guest_handle_of(la + done);
        int rc =
            to_guest ? guest_copy_to(at, p + done, chunk) : guest_copy_from(p + done, at, chunk);

        if (rc) {
            *bad = la + done;
            return false;
        }
    }
    return true;
}

/* One INS or OUTS element, then rdi/rsi step by the size, down when DF is set. */
static enum emul_rc string_step(struct insn *in, bool is_ins, uint16_t port, unsigned size)
{
    struct cpu_regs *r = in->regs;
    unsigned bits = addr_bits(in);
    uint64_t *areg = is_ins ? &r->rdi : &r->rsi;
    uint64_t la = seg_base(in, is_ins) + (*areg & addr_mask(bits)), bad;
    uint32_t data = 0;

    if (!in->mode64)
        la = (uint32_t)la;
    if (!addr_ok(la, size))
        return emul_raise(in, !is_ins && in->seg == SEG_SS ? X86_EXC_SS : X86_EXC_GP, true, 0, 0);
    if (is_ins) {
        data = port_read(in->v->domain, port, size);
        if (!copy_elem(true, la, &data, size, &bad))
            return emul_raise_pf(in, bad, true);
    } else {
        if (!copy_elem(false, la, &data, size, &bad))
            return emul_raise_pf(in, bad, false);
        port_write(in->v->domain, port, size, data);
    }
    in->dbg_hits = debugreg_io_match(in->v, port, size);
    set_addr_reg(areg, (r->rflags & X86_EFLAGS_DF) ? *areg - size : *areg + size, bits);
    return EMUL_OK;
}

/* 6C/6D INS, 6E/6F OUTS, port in dx. With REP (F2 or F3), rcx counts down; a batch ends early
 * on a breakpoint hit or after one element when single-stepping, and rip stays until rcx is
 * 0. A fault leaves the registers as after the last element done, as hardware does. */
enum emul_rc emul_op_ins_outs(struct insn *in)
{
    struct cpu_regs *r = in->regs;
    bool is_ins = in->op < 0x6e;
    unsigned bits = addr_bits(in), limit = (r->rflags & X86_EFLAGS_TF) ? 1 : REP_BATCH;
    uint64_t count = in->rep ? r->rcx & addr_mask(bits) : 1;
    enum emul_rc rc;

    if (!emul_iopl_ok(in))
        return EMUL_NOT_HANDLED;
    for (unsigned n = 0; count && n < limit && !in->dbg_hits; n++) {
        if ((rc = string_step(in, is_ins, (uint16_t)r->rdx, io_size(in))) != EMUL_OK)
            return rc;
        count--;
        if (in->rep)
            set_addr_reg(&r->rcx, count, bits);
    }
    in->stay = count != 0;
    return EMUL_OK;
}

/* With the IOPL to do so, CLI and STI do nothing: like Xen, they do not touch the event mask,
 * which the guest could not restore with POPF. */
enum emul_rc emul_op_cli_sti(struct insn *in)
{
    return emul_iopl_ok(in) ? EMUL_OK : EMUL_NOT_HANDLED;
}
