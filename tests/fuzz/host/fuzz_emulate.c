/* tests/fuzz/host: the privileged-instruction emulator and the policies behind it (CPUID, MSRs,
 * control and debug registers, port I/O; hypervisor/arch/x86/emulate*.c and friends) on the fake
 * hardware of tests/unit/fake_hw.c. The input is a vCPU state (mode, IOPL, privilege, CR4 bits,
 * registers) and instruction bytes placed anywhere in three mapped pages, possibly running into
 * the unmapped fourth. The emulator must never read outside the instruction's bytes it fetched,
 * read a host MSR the host does not have (fake_hw aborts: on hardware, a #GP in ring 0), or
 * report a success that moved rip backwards or beyond one instruction. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "x86/emulate_insn.h"
#include "x86/cpuid.h"
#include "fake_hw.h"
#include "fuzz_input.h"
#include "x86/msr.h"
#include "x86/cpu.h"

static struct domain dom;
static struct vcpu vc;

static void intel_host(void)
{
    fake_set_cpuid(0, 0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69);
    fake_set_cpuid(1, 0, 0x00050657, 0x12100800, 0x7ffefbff, 0xbfebfbff);
    fake_set_cpuid(7, 0, 0, 0xd39ffffb, 0x00000818, 0xbc000400);
    fake_set_cpuid(0xd, 0, 0x2ff, 0xa88, 0xa88, 0);
    fake_set_cpuid(0x80000000, 0, 0x80000008, 0, 0, 0);
    fake_set_cpuid(0x80000001, 0, 0, 0, 0x00000121, 0x2c100800);
    fake_set_cpuid(0x80000007, 0, 0, 0, 0, 0x100);
    fake_set_cpuid(0x80000008, 0, 0x0000302e, 0, 0, 0);
    fake_set_msr(MSR_PLATFORM_INFO, 1ULL << 31);
}

static void amd_host(void)
{
    fake_set_cpuid(0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
    fake_set_cpuid(1, 0, 0x00a50f00, 0x00100800, 0x7ed8320b, 0x178bfbff);
    fake_set_cpuid(7, 0, 0, 0x219c97a9, 0x0040069c, 0x10);
    fake_set_cpuid(0x80000000, 0, 0x80000021, 0x68747541, 0x444d4163, 0x69746e65);
    fake_set_cpuid(0x80000001, 0, 0x00a50f00, 0x20000000, 0x75c237ff, 0x2fd3fbff);
    fake_set_cpuid(0x80000008, 0, 0x3030, 0x111ef257, 0x0000500f, 0);
}

/* The host: a vendor, the MSRs the emulator's policies read from hardware, guest memory. */
static void host(uint8_t how)
{
    fake_reset();
    if (how & 1)
        amd_host();
    else
        intel_host();
    fake_set_msr(MSR_EFER, 0xd01);
    fake_set_msr(0x1a0, 0x850089); /* MISC_ENABLE */
    fake_set_msr(0x8b, 0x100000000ULL); /* UCODE_REV */
    fake_set_msr(MSR_FS_BASE, 0);
    fake_set_msr(MSR_SHADOW_GS_BASE, 0);
    fake_set_msr(MSR_TSC_AUX, 0);
    fake_set_msr(MSR_MISC_FEATURES_ENABLES, 0);
    cpuid_policy_init();
    for (unsigned i = 0; i < 3; i++)
        fake_map(i, !(how & (2 << i)));
}

static void vcpu(struct fzin *in, struct cpu_regs *r)
{
    uint8_t mode = fzin_u8(in);

    memset(&dom, 0, sizeof(dom));
    memset(&vc, 0, sizeof(vc));
    vc.domain = &dom;
    dom.privileged = mode & 1;
    vc.kernel_mode = !(mode & 2);
    vc.iopl = (mode >> 2) & 3;
    vc.guest_tsd = mode & 0x10;
    vc.guest_ts = mode & 0x20;
    vc.kernel_l4_mfn = 0x1234;
    dom.vm_assist = fzin_u8(in);
    fake.current = &vc;
    memset(r, 0, sizeof(*r));
    for (unsigned i = 0; i < 16; i++)
        *emul_gpr(r, i) = fzin_num(in);
    r->cs = mode & 0x40 ? 0xe023 : mode & 0x80 ? fzin_u16(in) : 0xe033;
    r->rflags = (fzin_u32(in) & 0x2f7fd7) | 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fzin in = {data, size};
    struct emul_fault f = {0};
    struct cpu_regs r;
    uint8_t how = fzin_u8(&in), entry = fzin_u8(&in);
    uint64_t rip, before;
    uint8_t code[16];
    enum emul_rc rc;
    unsigned len;

    host(how);
    vcpu(&in, &r);
    /* Anywhere in the three mapped pages; near the end, the bytes run into the unmapped one. */
    rip = FAKE_MEM_BASE + fzin_u16(&in) % (3 * 4096);
    fzin_take(&in, code, sizeof(code));
    fake_poke(rip, code, sizeof(code)); /* the fourth page exists, unmapped */
    r.rip = before = rip;
    switch (entry % 3) {
    case 0:
        rc = emul_priv_op(&vc, &r, &f);
        break;
    case 1:
        rc = emul_invalid_op(&vc, &r, &f);
        break;
    default:
        len = 0;
        if (emul_soft_int(&r, &len) >= 0)
            assert(len >= 1 && len <= 15); /* prefixes count */
        return 0;
    }
    assert(rc == EMUL_OK || rc == EMUL_FAULT || rc == EMUL_NOT_HANDLED);
    if (rc == EMUL_OK)
        assert(r.rip - before <= 15 + 5); /* one instruction (ud2 "xen" cpuid: 5 + 2) */
    if (rc == EMUL_FAULT)
        assert(f.vector < 32);
    return 0;
}
