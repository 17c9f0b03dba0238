/* Unit tests of the privileged-instruction emulator, the PV CPUID and MSR policies, the guest
 * debug and control registers (hypervisor/arch/x86/{emulate*,cpuid,msr,debugreg,ctrlreg}.c),
 * run against the fake hardware and hooks of fake_hw.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "pv-abi/arch_x86.h"
#include "x86/cpuid.h"
#include "x86/ctrlreg.h"
#include "x86/debugreg.h"
#include "x86/emulate.h"
#include "pv-abi/errno.h"
#include "fake_hw.h"
#include "hypercall_table.h"
#include "x86/msr.h"
#include "pv-abi/vm_assist.h"
#include "x86/cpu.h"

#define RIP0 (FAKE_MEM_BASE + 0x100)
#define PAGE2 (FAKE_MEM_BASE + 2 * 4096) /* last mapped page; page 3 is not mapped */
#define UNMAPPED (FAKE_MEM_BASE + 3 * 4096)
#define DATA (FAKE_MEM_BASE + 4096) /* page 1: data for INS/OUTS */
#define HOST_EFER 0xd01ULL
#define KERNEL_CS 0xe033
#define COMPAT_CS 0xe023

static struct domain dom;
static struct vcpu vc;
static struct cpu_regs regs;
static struct emul_fault flt;

/* An Intel host (Cascade Lake-like) with many features a PV guest must not see. */
static void intel_host(void)
{
    fake_set_cpuid(0, 0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69);
    fake_set_cpuid(1, 0, 0x00050657, 0x12100800, 0x7ffefbff, 0xbfebfbff);
    fake_set_cpuid(2, 0, 0x00feff01, 0xf0, 0, 0);
    fake_set_cpuid(4, 0, 0x1c004121, 0x01c0003f, 0x3f, 0);
    fake_set_cpuid(4, 1, 0x1c004122, 0x01c0003f, 0x3f, 0);
    fake_set_cpuid(4, 2, 0x1c004143, 0x03c0003f, 0x3ff, 0);
    fake_set_cpuid(4, 3, 0x1c03c163, 0x0280003f, 0xdfff, 0x4);
    fake_set_cpuid(5, 0, 0x40, 0x40, 3, 0x2020);
    fake_set_cpuid(6, 0, 0x77, 2, 9, 0);
    fake_set_cpuid(7, 0, 0, 0xd39ffffb, 0x00000818, 0xbc000400);
    fake_set_cpuid(0xb, 0, 1, 2, 0x100, 0x12);
    fake_set_cpuid(0xd, 0, 0x2ff, 0xa88, 0xa88, 0);
    fake_set_cpuid(0x80000000, 0, 0x80000008, 0, 0, 0);
    fake_set_cpuid(0x80000001, 0, 0, 0, 0x00000121, 0x2c100800);
    fake_set_cpuid(0x80000002, 0, 0x65746e49, 0x2952286c, 0x6f655820, 0x2952286e);
    fake_set_cpuid(0x80000006, 0, 0, 0, 0x01006040, 0);
    fake_set_cpuid(0x80000007, 0, 0, 0, 0, 0x100);
    fake_set_cpuid(0x80000008, 0, 0x0000302e, 0, 0, 0);
}

static void amd_host(void)
{
    fake_reset();
    fake_set_cpuid(0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
    fake_set_cpuid(1, 0, 0x00a50f00, 0x00100800, 0x7ed8320b, 0x178bfbff);
    fake_set_cpuid(7, 0, 0, 0x219c97a9, 0x0040069c, 0x10);
    fake_set_cpuid(0x80000000, 0, 0x80000021, 0x68747541, 0x444d4163, 0x69746e65);
    fake_set_cpuid(0x80000001, 0, 0x00a50f00, 0x20000000, 0x75c237ff, 0x2fd3fbff);
    fake_set_cpuid(0x80000008, 0, 0x3030, 0x111ef257, 0x0000500f, 0);
    fake_set_cpuid(0x80000021, 0, 0x62fcf, 0, 0, 0);
    fake_set_msr(MSR_EFER, HOST_EFER);
    cpuid_policy_init();
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    intel_host();
    fake_set_msr(MSR_EFER, HOST_EFER | (1ULL << 12)); /* SVME must not show */
    fake_set_msr(0x1a0, 0x850089);                    /* MISC_ENABLE */
    fake_set_msr(MSR_FS_BASE, 0x7f0000001000ULL);
    fake_set_msr(MSR_SHADOW_GS_BASE, 0xffffffff81000000ULL);
    fake_set_msr(MSR_PLATFORM_INFO, 1ULL << 31);
    fake_set_msr(MSR_MISC_FEATURES_ENABLES, 0);
    cpuid_policy_init();
    for (unsigned i = 0; i < 3; i++)
        fake_map(i, 1);
    memset(&dom, 0, sizeof(dom));
    memset(&vc, 0, sizeof(vc));
    memset(&regs, 0, sizeof(regs));
    vc.domain = &dom;
    vc.kernel_mode = true;
    vc.iopl = 1;
    vc.kernel_l4_mfn = 0x1234;
    fake.current = &vc;
    regs.cs = KERNEL_CS;
    regs.rflags = X86_EFLAGS_IF;
    regs.rip = RIP0;
    regs.rcx = MSR_EFER;
    regs.rdi = regs.rsi = DATA;
    return 0;
}

static enum emul_rc run_at(uint64_t rip, const void *code, unsigned len)
{
    fake_poke(rip, code, len);
    regs.rip = rip;
    return emul_priv_op(&vc, &regs, &flt);
}

static enum emul_rc run(const void *code, unsigned len)
{
    return run_at(RIP0, code, len);
}

#define RUN(s) run(s, sizeof(s) - 1)

static void expect_fault(enum emul_rc rc, uint8_t vector, uint32_t ec)
{
    assert_int_equal(rc, EMUL_FAULT);
    assert_int_equal(flt.vector, vector);
    assert_int_equal(flt.ec, ec);
}

/* ---- decoding: every emulated form, its length, and who may run it ---- */

enum who { K, U };

struct decode_case {
    const char *name;
    const char *code;
    unsigned len;
    enum who who;
    unsigned iopl;
    enum emul_rc rc;
    unsigned advance; /* for EMUL_OK */
    uint8_t vector;   /* for EMUL_FAULT */
};

#define C(s) s, sizeof(s) - 1
static const struct decode_case decode_cases[] = {
    {"cpuid", C("\x0f\xa2"), K, 1, EMUL_OK, 2, 0},
    {"cpuid data16", C("\x66\x0f\xa2"), K, 1, EMUL_OK, 3, 0},
    {"cpuid rex.w", C("\x48\x0f\xa2"), K, 1, EMUL_OK, 3, 0},
    {"cpuid rex then legacy", C("\x48\x66\x0f\xa2"), K, 1, EMUL_OK, 4, 0},
    {"cpuid segment prefixes", C("\x2e\x3e\x26\x36\x64\x65\x0f\xa2"), K, 1, EMUL_OK, 8, 0},
    {"cpuid from user", C("\x0f\xa2"), U, 0, EMUL_OK, 2, 0},
    {"cpuid lock", C("\xf0\x0f\xa2"), K, 1, EMUL_FAULT, 0, X86_EXC_UD},
    {"14 prefixes", C("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x0f\xa2"), K, 1,
     EMUL_OK, 15, 0},
    {"16 bytes", C("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x0f\xa2"), K, 1,
     EMUL_NOT_HANDLED, 0, 0},
    {"rdtsc", C("\x0f\x31"), K, 1, EMUL_OK, 2, 0},
    {"rdtsc user", C("\x0f\x31"), U, 0, EMUL_OK, 2, 0},
    {"rdtscp", C("\x0f\x01\xf9"), K, 1, EMUL_OK, 3, 0},
    {"rdmsr", C("\x0f\x32"), K, 1, EMUL_OK, 2, 0},
    {"rdmsr user", C("\x0f\x32"), U, 3, EMUL_NOT_HANDLED, 0, 0},
    {"wrmsr user", C("\x0f\x30"), U, 3, EMUL_NOT_HANDLED, 0, 0},
    {"mov rax,cr0", C("\x0f\x20\xc0"), K, 1, EMUL_OK, 3, 0},
    {"mov r8,cr3", C("\x41\x0f\x20\xd8"), K, 1, EMUL_OK, 4, 0},
    {"mov rax,cr4 (mod ignored)", C("\x0f\x20\x20"), K, 1, EMUL_OK, 3, 0},
    {"mov rax,cr8", C("\x44\x0f\x20\xc0"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"mov rax,cr1", C("\x0f\x20\xc8"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"mov cr from user", C("\x0f\x20\xc0"), U, 3, EMUL_NOT_HANDLED, 0, 0},
    {"lock mov cr0 (no cr8_legacy)", C("\xf0\x0f\x20\xc0"), K, 1, EMUL_FAULT, 0, X86_EXC_UD},
    {"mov rax,dr7", C("\x0f\x21\xf8"), K, 1, EMUL_OK, 3, 0},
    {"mov dr0,r15", C("\x41\x0f\x23\xc7"), K, 1, EMUL_OK, 4, 0},
    {"mov rax,dr8", C("\x44\x0f\x21\xc0"), K, 1, EMUL_FAULT, 0, X86_EXC_UD},
    {"mov dr from user", C("\x0f\x21\xf8"), U, 3, EMUL_NOT_HANDLED, 0, 0},
    {"clts", C("\x0f\x06"), K, 1, EMUL_OK, 2, 0},
    {"clts user", C("\x0f\x06"), U, 3, EMUL_NOT_HANDLED, 0, 0},
    {"wbinvd", C("\x0f\x09"), K, 1, EMUL_OK, 2, 0},
    {"wbnoinvd", C("\xf3\x0f\x09"), K, 1, EMUL_OK, 3, 0},
    {"invd", C("\x0f\x08"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"hlt", C("\xf4"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"lgdt", C("\x0f\x01\x10"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"lidt", C("\x0f\x01\x18"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"invlpg", C("\x0f\x01\x38"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"swapgs", C("\x0f\x01\xf8"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"lmsw", C("\x0f\x01\xf0"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"smsw", C("\x0f\x01\xe0"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"mov ds", C("\x8e\xd8"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"ltr", C("\x0f\x00\xd8"), K, 1, EMUL_NOT_HANDLED, 0, 0},
    {"xsetbv", C("\x0f\x01\xd1"), K, 1, EMUL_FAULT, 0, X86_EXC_UD},
    {"xsetbv user", C("\x0f\x01\xd1"), U, 0, EMUL_FAULT, 0, X86_EXC_UD},
    {"in al,imm8", C("\xe4\x60"), K, 1, EMUL_OK, 2, 0},
    {"in kernel iopl 0", C("\xe4\x60"), K, 0, EMUL_NOT_HANDLED, 0, 0},
    {"in user iopl 1", C("\xe4\x60"), U, 1, EMUL_NOT_HANDLED, 0, 0},
    {"in user iopl 3", C("\xe4\x60"), U, 3, EMUL_OK, 2, 0},
    {"in eax,imm8", C("\xe5\x60"), K, 1, EMUL_OK, 2, 0},
    {"in ax,dx", C("\x66\xed"), K, 1, EMUL_OK, 2, 0},
    {"out imm8,al", C("\xe6\x80"), K, 1, EMUL_OK, 2, 0},
    {"out imm8,ax", C("\x66\xe7\x70"), K, 1, EMUL_OK, 3, 0},
    {"out dx,eax rex.w", C("\x48\xef"), K, 1, EMUL_OK, 2, 0},
    {"out dx,al", C("\xee"), K, 1, EMUL_OK, 1, 0},
    {"lock out", C("\xf0\xee"), K, 1, EMUL_FAULT, 0, X86_EXC_UD},
    {"insb", C("\x6c"), K, 1, EMUL_OK, 1, 0},
    {"insd", C("\x6d"), K, 1, EMUL_OK, 1, 0},
    {"outsw", C("\x66\x6f"), K, 1, EMUL_OK, 2, 0},
    {"outsb user iopl 1", C("\x6e"), U, 1, EMUL_NOT_HANDLED, 0, 0},
    {"cli", C("\xfa"), K, 1, EMUL_OK, 1, 0},
    {"sti", C("\xfb"), K, 1, EMUL_OK, 1, 0},
    {"cli iopl 0", C("\xfa"), K, 0, EMUL_NOT_HANDLED, 0, 0},
    {"sti user iopl 1", C("\xfb"), U, 1, EMUL_NOT_HANDLED, 0, 0},
    {"sti user iopl 3", C("\xfb"), U, 3, EMUL_OK, 1, 0},
};

static void test_decode_table(void **state)
{
    for (unsigned i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
        const struct decode_case *c = &decode_cases[i];
        enum emul_rc rc;

        setup(state);
        vc.kernel_mode = c->who == K;
        vc.iopl = c->iopl;
        rc = run(c->code, c->len);
        if (rc != c->rc)
            fail_msg("%s: rc %d, expected %d", c->name, rc, c->rc);
        if (rc == EMUL_OK && regs.rip != RIP0 + c->advance)
            fail_msg("%s: rip advanced by %lu", c->name, (unsigned long)(regs.rip - RIP0));
        if (rc != EMUL_OK && regs.rip != RIP0)
            fail_msg("%s: rip moved on failure", c->name);
        if (rc == EMUL_FAULT && flt.vector != c->vector)
            fail_msg("%s: vector %u", c->name, flt.vector);
    }
}

/* An instruction cut by the end of the mapped memory faults with #PF on the next page. */
static void test_truncated_at_page_end(void **state)
{
    static const struct {
        const char *code;
        unsigned len;
    } cut[] = {{C("\x0f")}, {C("\xe4")}, {C("\x0f\x20")},
               {C("\x66")}, {C("\x48")}, {C("\x0f\x01")}};

    for (unsigned i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
        setup(state);
        expect_fault(run_at(UNMAPPED - cut[i].len, cut[i].code, cut[i].len), X86_EXC_PF, 0);
        assert_int_equal(flt.cr2, UNMAPPED);
        assert_int_equal(regs.rip, UNMAPPED - cut[i].len);
    }
    /* From user mode the error code carries U; a complete instruction at the edge is fine. */
    setup(state);
    vc.kernel_mode = false;
    expect_fault(run_at(UNMAPPED - 1, "\x0f", 1), X86_EXC_PF, 4);
    setup(state);
    assert_int_equal(run_at(UNMAPPED - 2, "\x0f\xa2", 2), EMUL_OK);
    assert_int_equal(regs.rip, UNMAPPED);
    /* rip itself unreadable. */
    setup(state);
    regs.rip = UNMAPPED + 16;
    expect_fault(emul_priv_op(&vc, &regs, &flt), X86_EXC_PF, 0);
    assert_int_equal(flt.cr2, UNMAPPED + 16);
}

static void test_single_step_and_rf(void **state)
{
    setup(state);
    regs.rflags |= X86_EFLAGS_TF | X86_EFLAGS_RF;
    expect_fault(RUN("\x0f\xa2"), X86_EXC_DB, 0);
    assert_false(flt.has_ec);
    assert_int_equal(regs.rip, RIP0 + 2); /* a trap: after the instruction */
    assert_false(regs.rflags & X86_EFLAGS_RF);
    assert_true(vc.debugreg[6] & DR6_BS);

    setup(state);
    regs.rflags |= X86_EFLAGS_RF;
    assert_int_equal(RUN("\xfa"), EMUL_OK);
    assert_false(regs.rflags & X86_EFLAGS_RF);
}

/* In compatibility mode 40-4F are not REX prefixes, and the default address size is 32. */
static void test_compat_mode(void **state)
{
    setup(state);
    regs.cs = COMPAT_CS;
    vc.kernel_mode = false;
    vc.iopl = 3;
    assert_int_equal(RUN("\x48\x0f\xa2"), EMUL_NOT_HANDLED);
    setup(state);
    regs.cs = COMPAT_CS;
    vc.kernel_mode = false;
    vc.iopl = 3;
    regs.rdi = 0xdead00000000ULL | DATA;
    assert_int_equal(RUN("\x6c"), EMUL_OK);
    assert_int_equal(regs.rdi, DATA + 1);
}

/* ---- CPUID, TSC ---- */

static void test_cpuid_emulation(void **state)
{
    setup(state);
    regs.rax = 0xffffffff00000001ULL;
    regs.rcx = 0xffffffff00000000ULL;
    assert_int_equal(RUN("\x0f\xa2"), EMUL_OK);
    assert_int_equal(regs.rax, 0x00050657);
    assert_int_equal(regs.rbx >> 24, 0);                             /* APIC ID hidden, as Xen PV */
    assert_int_equal((regs.rbx >> 8) & 0xff, 8);                     /* CLFLUSH size kept */
    assert_true(regs.rcx & (1u << 31));                              /* hypervisor */
    assert_false(regs.rcx & ((1u << 26) | (1u << 27) | (1u << 28))); /* XSAVE OSXSAVE AVX */
    assert_false(regs.rcx & ((1u << 5) | (1u << 3) | (1u << 21) | (1u << 24) | (1u << 17)));
    assert_true(regs.rcx & ((1u << 1) | (1u << 20))); /* PCLMULQDQ SSE4.2 */
    assert_false(regs.rdx & ((1u << 22) | (1u << 21) | (1u << 29) | (1u << 11)));
    assert_true(regs.rdx & ((1u << 25) | (1u << 26))); /* SSE SSE2 */

    /* Faulting enabled by the guest: user CPUID gets the #GP, kernel CPUID still works. */
    setup(state);
    vc.cpuid_faulting = true;
    vc.kernel_mode = false;
    assert_int_equal(RUN("\x0f\xa2"), EMUL_NOT_HANDLED);
    vc.kernel_mode = true;
    assert_int_equal(RUN("\x0f\xa2"), EMUL_OK);
}

static void test_rdtsc(void **state)
{
    setup(state);
    regs.rax = regs.rdx = ~0ULL;
    assert_int_equal(RUN("\x0f\x31"), EMUL_OK);
    assert_int_equal(regs.rax, (uint32_t)fake.tsc);
    assert_int_equal(regs.rdx, fake.tsc >> 32);

    setup(state);
    vc.guest_tsd = true;
    vc.kernel_mode = false;
    assert_int_equal(RUN("\x0f\x31"), EMUL_NOT_HANDLED);
    assert_int_equal(RUN("\x0f\x01\xf9"), EMUL_NOT_HANDLED);
    vc.kernel_mode = true;
    vc.tsc_aux = 7;
    assert_int_equal(RUN("\x0f\x01\xf9"), EMUL_OK);
    assert_int_equal(regs.rcx, 7);

    /* Without RDTSCP in the policy, RDTSCP is #UD. */
    setup(state);
    fake_set_cpuid(0x80000001, 0, 0, 0, 0, 0);
    cpuid_policy_init();
    expect_fault(RUN("\x0f\x01\xf9"), X86_EXC_UD, 0);
}

/* ---- RDMSR / WRMSR ---- */

static void test_msr_instructions(void **state)
{
    setup(state);
    assert_int_equal(RUN("\x0f\x32"), EMUL_OK);
    assert_int_equal(regs.rax, HOST_EFER);
    assert_int_equal(regs.rdx, 0);

    setup(state);
    regs.rax = HOST_EFER;
    regs.rdx = 0xffffffff00000000ULL; /* upper halves are ignored */
    assert_int_equal(RUN("\x0f\x30"), EMUL_OK);
    setup(state);
    regs.rax = HOST_EFER & ~EFER_SCE;
    expect_fault(RUN("\x0f\x30"), X86_EXC_GP, 0);

    setup(state);
    regs.rcx = 0x12345;
    expect_fault(RUN("\x0f\x32"), X86_EXC_GP, 0);
    assert_true(flt.has_ec);
    assert_int_equal(regs.rip, RIP0);
}

struct msr_case {
    uint32_t idx;
    int rc;
    uint64_t val;
};

static void test_msr_reads(void **state)
{
    static const struct msr_case cases[] = {
        {MSR_EFER, 0, HOST_EFER},
        {MSR_FS_BASE, 0, 0x7f0000001000ULL},
        {MSR_GS_BASE, 0, 0xffffffff81000000ULL},
        {MSR_SHADOW_GS_BASE, 0, 0x7f0000002000ULL},
        {0x10, 0, 0x123456789abcULL},      /* TSC */
        {0x1b, 0, 0xfee00900ULL},          /* APIC_BASE on vCPU 0 */
        {0x277, 0, 0x0000050100070406ULL}, /* Xen's PAT */
        {MSR_PLATFORM_INFO, 0, 0},         /* faulting not enabled */
        {MSR_MISC_FEATURES_ENABLES, 0, 0},
        {0x1a0, 0, 0x811809},                        /* MISC_ENABLE, as Xen shows it */
        {0x179, 0, (1ULL << 11) | (1ULL << 24) | 2}, /* MCG_CAP */
        {0x17a, 0, 0},
        {0x400, 0, ~0ULL}, /* MC0_CTL */
        {0x401, 0, 0},
        {0x404, 0, ~0ULL},
        {0x408, 0, 0}, /* bank 2: not there, reads 0 */
        {0x3a, 0, 1},  /* FEATURE_CONTROL locked */
        {MSR_HYPERCALL_PAGE, 0, 0},
        {MSR_TSC_AUX, 0, 5},
        {0x1d9, 0, 0},  /* DEBUGCTL: reads 0 */
        {0x48, -1, 0},  /* SPEC_CTRL: hidden */
        {0x49, -1, 0},  /* PRED_CMD: write-only */
        {0x10a, -1, 0}, /* ARCH_CAPABILITIES */
        {MSR_STAR, -1, 0},
        {MSR_LSTAR, -1, 0},
        {0x174, -1, 0},      /* SYSENTER_CS */
        {0xc0010015, -1, 0}, /* AMD HWCR on Intel */
        {0x40000001, -1, 0},
        {0x12345, -1, 0},
    };
    uint64_t apic;

    setup(state);
    vc.gs_base_user = 0x7f0000002000ULL;
    vc.tsc_aux = 5;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t val = 0;
        int rc = msr_guest_read(&vc, cases[i].idx, &val);

        if (rc != cases[i].rc || (rc == 0 && val != cases[i].val))
            fail_msg("msr %#x: rc %d val %#llx", cases[i].idx, rc, (unsigned long long)val);
    }
    vc.id = 1;
    assert_int_equal(msr_guest_read(&vc, 0x1b, &apic), 0);
    assert_int_equal(apic, 0xfee00800ULL);
}

static void test_msr_writes(void **state)
{
    uint64_t val;

    setup(state);
    /* Segment bases go through the core, canonical only. */
    assert_int_equal(msr_guest_write(&vc, MSR_FS_BASE, 0x800000000000ULL), -1);
    assert_int_equal(fake.segbase_calls, 0);
    assert_int_equal(msr_guest_write(&vc, MSR_FS_BASE, 0x1000), 0);
    assert_int_equal(fake.segbase_which, PV_SEGBASE_FS);
    assert_int_equal(msr_guest_write(&vc, MSR_GS_BASE, 0xffff888000000000ULL), 0);
    assert_int_equal(fake.segbase_which, PV_SEGBASE_GS_KERNEL);
    assert_int_equal(msr_guest_write(&vc, MSR_SHADOW_GS_BASE, 0x2000), 0);
    assert_int_equal(fake.segbase_which, PV_SEGBASE_GS_USER);
    fake.segbase_rc = -PV_EINVAL;
    assert_int_equal(msr_guest_write(&vc, MSR_FS_BASE, 0x1000), -1);

    /* Hypercall page: frame number in bits 12+, page index 0 only. */
    assert_int_equal(msr_guest_write(&vc, MSR_HYPERCALL_PAGE, 0x5000 | 1), -1);
    assert_int_equal(fake.hcpage_calls, 0);
    assert_int_equal(msr_guest_write(&vc, MSR_HYPERCALL_PAGE, 0x5000), 0);
    assert_int_equal(fake.hcpage_mfn, 5);
    fake.hcpage_rc = -PV_EINVAL;
    assert_int_equal(msr_guest_write(&vc, MSR_HYPERCALL_PAGE, 0x6000), -1);

    /* TSC_AUX: 32 bits, also loaded into hardware. */
    assert_int_equal(msr_guest_write(&vc, MSR_TSC_AUX, 1ULL << 32), -1);
    assert_int_equal(msr_guest_write(&vc, MSR_TSC_AUX, 9), 0);
    assert_int_equal(vc.tsc_aux, 9);
    assert_int_equal(fake_get_msr(MSR_TSC_AUX), 9);
    vc.tsc_aux = 11;
    msr_load(&vc);
    assert_int_equal(fake_get_msr(MSR_TSC_AUX), 11);

    /* Read-only and faulting writes; ignored ones. */
    assert_int_equal(msr_guest_write(&vc, 0x10, 0), -1);
    assert_int_equal(msr_guest_write(&vc, 0x1b, 0xfee00900ULL), -1);
    assert_int_equal(msr_guest_write(&vc, 0x277, 0x0000050100070406ULL), -1);
    assert_int_equal(msr_guest_write(&vc, MSR_PLATFORM_INFO, 0), -1);
    assert_int_equal(msr_guest_write(&vc, 0x179, 2), -1);
    assert_int_equal(msr_guest_write(&vc, 0x17a, 0), 0);
    assert_int_equal(msr_guest_write(&vc, 0x400, 0), 0);
    assert_int_equal(msr_guest_write(&vc, 0x402, ~0ULL), -1);
    assert_int_equal(msr_guest_write(&vc, 0x40a, ~0ULL), 0); /* bank 2 */
    assert_int_equal(msr_guest_write(&vc, 0x1a0, 0), 0);
    assert_int_equal(msr_guest_write(&vc, 0x8b, 0), 0);
    assert_int_equal(msr_guest_write(&vc, 0x8b, 1), -1);
    assert_int_equal(msr_guest_write(&vc, 0x12345, 0), -1);
    /* DEBUGCTL: 0 only (LBR, BTF and the rest #GP). */
    assert_int_equal(msr_guest_write(&vc, 0x1d9, 0), 0);
    assert_int_equal(msr_guest_write(&vc, 0x1d9, 1), -1);
    assert_int_equal(msr_guest_write(&vc, 0x1d9, 2), -1);
    assert_int_equal(msr_guest_write(&vc, 0x1d9, 1ULL << 63), -1);

    /* IBPB is offered (the host has IBRS): PRED_CMD bit 0 reaches hardware. */
    assert_int_equal(msr_guest_write(&vc, 0x49, 2), -1);
    assert_int_equal(msr_guest_write(&vc, 0x49, 1), 0);
    assert_int_equal(fake_get_msr(0x49), 1);
    assert_int_equal(msr_guest_write(&vc, 0x48, 0), -1);

    /* CPUID faulting for the guest only once the hypervisor has it on. */
    assert_int_equal(msr_guest_write(&vc, MSR_MISC_FEATURES_ENABLES, 1), -1);
    assert_true(cpuid_faulting_available());
    cpuid_faulting_enable();
    assert_int_equal(fake_get_msr(MSR_MISC_FEATURES_ENABLES), 1);
    assert_int_equal(msr_guest_read(&vc, MSR_PLATFORM_INFO, &val), 0);
    assert_int_equal(val, 1ULL << 31);
    assert_int_equal(msr_guest_write(&vc, MSR_MISC_FEATURES_ENABLES, 3), -1);
    assert_int_equal(msr_guest_write(&vc, MSR_MISC_FEATURES_ENABLES, 1), 0);
    assert_true(vc.cpuid_faulting);
    assert_int_equal(msr_guest_read(&vc, MSR_MISC_FEATURES_ENABLES, &val), 0);
    assert_int_equal(val, 1);
    assert_int_equal(msr_guest_write(&vc, MSR_MISC_FEATURES_ENABLES, 0), 0);
    assert_false(vc.cpuid_faulting);
}

static void test_msr_amd(void **state)
{
    uint64_t val;

    setup(state);
    amd_host();
    assert_int_equal(msr_guest_read(&vc, 0xc0011029, &val), 0);
    assert_int_equal(val, 2);
    assert_int_equal(msr_guest_read(&vc, 0xc0010015, &val), 0);
    assert_int_equal(msr_guest_write(&vc, 0xc0010015, 0x10), 0);
    assert_int_equal(msr_guest_read(&vc, 0x179, &val), 0);
    assert_int_equal(val, 2);
    assert_int_equal(msr_guest_read(&vc, 0x1a0, &val), -1); /* MISC_ENABLE is Intel's */
    assert_int_equal(msr_guest_read(&vc, 0x3a, &val), -1);
    assert_int_equal(msr_guest_write(&vc, 0x8b, 0), -1);
    assert_false(cpuid_faulting_available()); /* and it must not touch the MSR */
}

/* ---- control registers ---- */

static void test_mov_cr(void **state)
{
    setup(state);
    vc.guest_ts = true;
    assert_int_equal(RUN("\x0f\x20\xc0"), EMUL_OK);
    assert_int_equal(regs.rax, fake.cr0 | X86_CR0_TS);

    setup(state);
    regs.rax = fake.cr0 | X86_CR0_TS;
    assert_int_equal(RUN("\x0f\x22\xc0"), EMUL_OK); /* only TS changes */
    assert_true(vc.guest_ts);
    assert_int_equal(fake.fpu_calls, 1);
    assert_int_equal(RUN("\x0f\x06"), EMUL_OK); /* clts */
    assert_false(vc.guest_ts);
    regs.rax = fake.cr0 & ~X86_CR0_WP;
    assert_int_equal(RUN("\x0f\x22\xc0"), EMUL_NOT_HANDLED);
    assert_int_equal(fake.fpu_calls, 2);

    setup(state);
    regs.r11 = 0xdeadbeef;
    assert_int_equal(RUN("\x41\x0f\x22\xd3"), EMUL_OK); /* mov cr2, r11 */
    assert_int_equal(vc.guest_cr2, 0xdeadbeef);
    assert_int_equal(RUN("\x0f\x20\xd1"), EMUL_OK); /* mov rcx, cr2 */
    assert_int_equal(regs.rcx, 0xdeadbeef);

    setup(state);
    assert_int_equal(RUN("\x0f\x20\xda"), EMUL_OK); /* mov rdx, cr3 */
    assert_int_equal(regs.rdx, 0x1234000ULL);
    regs.rbx = 0x5678000 | 0x18; /* PWT/PCD bits are not part of the frame */
    assert_int_equal(RUN("\x0f\x22\xdb"), EMUL_OK);
    assert_int_equal(fake.baseptr_mfn, 0x5678);
    assert_int_equal(fake.ldt_flushes, 1); /* a new root drops the LDT pages taken (Xen) */
    fake.baseptr_rc = -PV_EINVAL;
    assert_int_equal(RUN("\x0f\x22\xdb"), EMUL_NOT_HANDLED);
    assert_int_equal(fake.ldt_flushes, 1);
    fake.baseptr_rc = -PV_ERESTART;
    regs.rflags |= X86_EFLAGS_TF;
    assert_int_equal(RUN("\x0f\x22\xdb"), EMUL_OK); /* retried: rip stays, no #DB */
    assert_int_equal(regs.rip, RIP0);
}

static void test_cr4(void **state)
{
    uint64_t cr4;

    setup(state);
    assert_int_equal(ctrlreg_read(&vc, 4, &cr4), 0);
    assert_int_equal(cr4, X86_CR4_PAE | (1UL << 6) | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    regs.rax = cr4 | X86_CR4_TSD | X86_CR4_DE | X86_CR4_FSGSBASE | X86_CR4_OSXSAVE | X86_CR4_SMEP |
               X86_CR4_PGE;
    assert_int_equal(RUN("\x0f\x22\xe0"), EMUL_OK); /* never refused */
    assert_true(vc.guest_tsd);
    assert_true(debugreg_cr4_de(&vc));
    assert_true(fake.cr4 & X86_CR4_TSD); /* hardware follows for the running vCPU */
    assert_int_equal(RUN("\x0f\x20\xe3"), EMUL_OK);
    assert_int_equal(regs.rbx, cr4 | X86_CR4_TSD | X86_CR4_DE);
    assert_int_equal(ctrlreg_write(&vc, 4, 0), 0);
    assert_false(fake.cr4 & X86_CR4_TSD);
    vc.guest_tsd = true;
    ctrlreg_load(&vc); /* switching in a vCPU with TSD set */
    assert_true(fake.cr4 & X86_CR4_TSD);
    assert_int_equal(ctrlreg_write(&vc, 8, 0), -PV_EINVAL);
    assert_int_equal(ctrlreg_read(&vc, 5, &cr4), -PV_EINVAL);
}

/* ---- debug registers ---- */

static void test_debugreg_rules(void **state)
{
    uint64_t val;

    setup(state);
    fake.current = NULL; /* a vCPU that is not running: nothing reaches hardware */
    assert_int_equal(debugreg_get(&vc, 6, &val), 0);
    assert_int_equal(val, 0xffff0ff0);
    assert_int_equal(debugreg_get(&vc, 7, &val), 0);
    assert_int_equal(val, 0x400);
    assert_int_equal(debugreg_set(&vc, 0, 0x00007fffffffffffULL), 0);
    assert_int_equal(debugreg_set(&vc, 1, 0xffff880000000000ULL), 0);
    assert_int_equal(debugreg_set(&vc, 2, 0xffff800000000000ULL), -PV_EPERM);
    assert_int_equal(debugreg_set(&vc, 2, 0xffff87ffffffffffULL), -PV_EPERM);
    assert_int_equal(debugreg_set(&vc, 3, 0x0000800000000000ULL), -PV_EPERM);
    assert_int_equal(debugreg_set(&vc, 6, 1ULL << 32), -PV_EINVAL);
    assert_int_equal(debugreg_set(&vc, 6, 0x4001), 0);
    assert_int_equal(debugreg_get(&vc, 6, &val), 0);
    assert_int_equal(val, 0xffff4ff1);
    assert_int_equal(debugreg_set(&vc, 7, 1ULL << 32), -PV_EINVAL);
    assert_int_equal(debugreg_set(&vc, 7, 0x2001), -PV_EPERM);     /* GD */
    assert_int_equal(debugreg_set(&vc, 7, 0x00020001), -PV_EPERM); /* I/O bp, no CR4.DE */
    assert_int_equal(debugreg_set(&vc, 7, 0x0002000c), -PV_EPERM);
    assert_int_equal(debugreg_set(&vc, 7, 0x00020000), 0); /* not enabled: accepted */
    assert_int_equal(debugreg_set(&vc, 7, 0x000d0001 | 0xd800), 0);
    assert_int_equal(debugreg_get(&vc, 7, &val), 0);
    assert_int_equal(val, 0x000d0401); /* reserved bits forced, RTM bit hidden */
    /* DR4/DR5 alias DR6/DR7 until CR4.DE, then #UD; 8 and up never exist. */
    assert_int_equal(debugreg_get(&vc, 5, &val), 0);
    assert_int_equal(val, 0x000d0401);
    assert_int_equal(debugreg_set(&vc, 4, 0), 0);
    assert_int_equal(debugreg_set(&vc, 8, 0), -PV_ENODEV);
    assert_int_equal(debugreg_get(&vc, 8, &val), -PV_ENODEV);
    debugreg_set_cr4_de(&vc, true);
    assert_int_equal(debugreg_set(&vc, 4, 0), -PV_ENODEV);
    assert_int_equal(debugreg_get(&vc, 5, &val), -PV_ENODEV);
    assert_int_equal(debugreg_set(&vc, 7, 0x00020001), 0);
    assert_int_equal(debugreg_get(&vc, 7, &val), 0);
    assert_int_equal(val, 0x00020401);
    assert_int_equal(vc.debugreg[7] & 0xff, 0); /* the I/O breakpoint stays out of hardware */
    assert_int_equal(fake.dr_writes, 0);
}

static void test_debugreg_hardware_and_hypercalls(void **state)
{
    setup(state);
    assert_int_equal(hc_set_debugreg(&vc, 0, 0x401000), 0);
    assert_int_equal(fake.dr[0], 0x401000);
    fake.dr_writes = 0;
    /* L0: turning DR7 on loads DR0-3 and DR6 too */
    assert_int_equal(hc_set_debugreg(&vc, 7, 0x1), 0);
    assert_int_equal(fake.dr_writes, 6);
    assert_int_equal(fake.dr[7], 0x401);
    assert_int_equal(hc_get_debugreg(&vc, 0), 0x401000);
    assert_int_equal(hc_get_debugreg(&vc, 9), -PV_ENODEV);
    assert_int_equal(hc_set_debugreg(&vc, (int)0xffffffff, 0x1), -PV_ENODEV);
    assert_int_equal(hc_get_debugreg(&vc, 6), 0xffff0ff0);

    /* Switching in: everything when active, otherwise DR7 off. */
    memset(fake.dr, 0xaa, sizeof(fake.dr));
    debugreg_load(&vc);
    assert_int_equal(fake.dr[0], 0x401000);
    assert_int_equal(fake.dr[7], 0x401);
    vc.debugreg[7] = 0x400;
    debugreg_load(&vc);
    assert_int_equal(fake.dr[7], 0);

    /* MOV to/from DRn use the same rules. */
    setup(state);
    regs.rax = 0xffff800000001000ULL;
    expect_fault(RUN("\x0f\x23\xc0"), X86_EXC_GP, 0);
    regs.r15 = 0x402000;
    assert_int_equal(RUN("\x41\x0f\x23\xc7"), EMUL_OK);
    assert_int_equal(vc.debugreg[0], 0x402000);
    assert_int_equal(RUN("\x0f\x21\xc3"), EMUL_OK); /* mov rbx, dr0 */
    assert_int_equal(regs.rbx, 0x402000);
    debugreg_set_cr4_de(&vc, true);
    expect_fault(RUN("\x0f\x21\xe0"), X86_EXC_UD, 0); /* dr4 */
}

/* An enabled I/O breakpoint raises #DB after the access, rip past the instruction. */
static void test_io_breakpoint(void **state)
{
    setup(state);
    debugreg_set_cr4_de(&vc, true);
    assert_int_equal(debugreg_set(&vc, 1, 0x60), 0);
    assert_int_equal(debugreg_set(&vc, 7, 0x00200004), 0); /* L1, I/O, 1 byte */
    assert_int_equal(RUN("\xe4\x61"), EMUL_OK);            /* another port */
    expect_fault(RUN("\xe4\x60"), X86_EXC_DB, 0);
    assert_int_equal(regs.rip, RIP0 + 2);
    assert_int_equal(vc.debugreg[6] & 0xf, 2);
    /* A 2-byte access covering the port hits too; without CR4.DE nothing matches. */
    expect_fault(RUN("\x66\xe5\x5f"), X86_EXC_DB, 0);
    debugreg_set_cr4_de(&vc, false);
    assert_int_equal(RUN("\xe4\x60"), EMUL_OK);
}

/* ---- port I/O ---- */

static void test_port_io(void **state)
{
    setup(state);
    regs.rax = 0x1122334455667788ULL;
    assert_int_equal(RUN("\xe4\x60"), EMUL_OK); /* no permission: all ones */
    assert_int_equal(regs.rax, 0x11223344556677ffULL);
    assert_int_equal(RUN("\x66\xe5\x60"), EMUL_OK);
    assert_int_equal(regs.rax, 0x112233445566ffffULL);
    assert_int_equal(RUN("\xe5\x60"), EMUL_OK);
    assert_int_equal(regs.rax, 0xffffffffULL); /* 32-bit write zero-extends */
    assert_int_equal(RUN("\xe6\x80"), EMUL_OK);
    assert_int_equal(fake.nr_ports, 0); /* nothing reached hardware */

    /* A domain with the ports: real accesses, port from dx or imm8, sizes. */
    setup(state);
    dom.privileged = true;
    fake.port_in_val = 0xabcd1234;
    regs.rdx = 0x10084;
    regs.rax = 0x55aa;
    assert_int_equal(RUN("\x66\xef"), EMUL_OK);
    assert_int_equal(fake.ports[0].port, 0x84);
    assert_int_equal(fake.ports[0].size, 2);
    assert_int_equal(fake.ports[0].val, 0x55aa);
    assert_true(fake.ports[0].out);
    assert_int_equal(RUN("\xe5\x88"), EMUL_OK);
    assert_int_equal(regs.rax, 0xabcd1234);
    assert_int_equal(fake.ports[1].size, 4);
    assert_int_equal(RUN("\xe5\x8e"), EMUL_OK); /* 0x8e-0x91 is not all allowed */
    assert_int_equal(regs.rax, 0xffffffff);
    assert_int_equal(fake.nr_ports, 2);

    /* Architectural IOPL: the guest kernel counts as CPL 0. */
    setup(state);
    vc.iopl = 0;
    dom.vm_assist = 1ULL << PV_VMASST_TYPE_architectural_iopl;
    assert_int_equal(RUN("\xe4\x60"), EMUL_OK);
}

/* PCI configuration and the CMOS RTC are never passed through (arch/x86/pci.c): the 0xcf8
 * and 0x70 latches are per domain, 0xcfc and 0x71 reach the hardware through them for the
 * privileged domain (0x71: a domain holding 0x70-0x71) only. */
static void test_mediated_ports(void **state)
{
    setup(state);
    regs.rdx = 0xcf8;
    regs.rax = 0x80000804;
    assert_int_equal(RUN("\xef"), EMUL_OK); /* out %eax, (%dx): latched */
    regs.rax = 0;
    assert_int_equal(RUN("\xed"), EMUL_OK);
    assert_int_equal(regs.rax, 0x80000804);
    regs.rdx = 0xcfc;
    assert_int_equal(RUN("\xed"), EMUL_OK); /* a domU: all ones */
    assert_int_equal(regs.rax, 0xffffffff);
    regs.rax = 0x8c;
    assert_int_equal(RUN("\xe6\x70"), EMUL_OK);
    assert_int_equal(RUN("\xe4\x70"), EMUL_OK);
    assert_int_equal(regs.rax & 0xff, 0x8c);
    assert_int_equal(RUN("\xe4\x71"), EMUL_OK); /* no RTC ports */
    assert_int_equal(regs.rax & 0xff, 0xff);
    assert_int_equal(fake.nr_ports, 0);

    /* The privileged domain: CFC through its latch, 0x71 with the index's low 7 bits. */
    dom.privileged = true;
    assert_int_equal(rangeset_add(&dom.ioport_caps, 0x70, 0x71), 0);
    fake.port_in_val = 0x12345678;
    regs.rdx = 0xcfe;
    assert_int_equal(RUN("\x66\xed"), EMUL_OK); /* in (%dx), %ax */
    assert_int_equal(regs.rax & 0xffff, 0x5678);
    assert_int_equal(fake.nr_ports, 2);
    assert_true(fake.ports[0].out && fake.ports[0].port == 0xcf8 && fake.ports[0].val == 0x80000804);
    assert_true(!fake.ports[1].out && fake.ports[1].port == 0xcfe && fake.ports[1].size == 2);
    assert_int_equal(RUN("\xed"), EMUL_OK); /* a dword from 0xcfe crosses the dword */
    assert_int_equal(regs.rax, 0xffffffff);
    assert_int_equal(fake.nr_ports, 2);
    assert_int_equal(RUN("\xe4\x71"), EMUL_OK);
    assert_int_equal(regs.rax & 0xff, 0x78);
    assert_true(fake.ports[2].out && fake.ports[2].port == 0x70 && fake.ports[2].val == 0x0c);
    regs.rax = 0x0000;
    assert_int_equal(RUN("\x66\xe5\x70"), EMUL_OK); /* a word over 0x70-0x71: refused */
    assert_int_equal(regs.rax & 0xffff, 0xffff);
    assert_int_equal(fake.nr_ports, 4);
    rangeset_clear(&dom.ioport_caps);
}

static void test_string_io(void **state)
{
    uint8_t buf[8];

    setup(state);
    regs.rcx = 3;
    assert_int_equal(RUN("\xf3\x6c"), EMUL_OK); /* rep insb */
    assert_int_equal(regs.rcx, 0);
    assert_int_equal(regs.rdi, DATA + 3);
    assert_int_equal(regs.rip, RIP0 + 2);
    fake_peek(DATA, buf, 4);
    assert_memory_equal(buf, "\xff\xff\xff\x00", 4);

    setup(state);
    regs.rflags |= X86_EFLAGS_DF;
    regs.rcx = 2;
    assert_int_equal(RUN("\xf2\x66\x6d"), EMUL_OK); /* repne works as rep; insw, backwards */
    assert_int_equal(regs.rdi, DATA - 4);

    /* OUTS from memory to a real port, FS-relative. */
    setup(state);
    dom.privileged = true;
    fake_set_msr(MSR_FS_BASE, DATA);
    fake_poke(DATA + 0x10, "\x11\x22\x33\x44", 4);
    regs.rsi = 0x10;
    regs.rdx = 0x80;
    assert_int_equal(RUN("\x64\x6f"), EMUL_OK);
    assert_int_equal(fake.ports[0].val, 0x44332211);
    assert_int_equal(regs.rsi, 0x14);

    /* 32-bit addressing: only the low halves of rdi and rcx count and are written. */
    setup(state);
    regs.rdi = 0xffffffff00000000ULL | DATA;
    regs.rcx = 0xffffffff00000001ULL;
    assert_int_equal(RUN("\x67\xf3\x6c"), EMUL_OK);
    assert_int_equal(regs.rdi, DATA + 1);
    assert_int_equal(regs.rcx, 0);

    /* rep with rcx 0 does nothing but still completes. */
    setup(state);
    regs.rcx = 0;
    assert_int_equal(RUN("\xf3\x6c"), EMUL_OK);
    assert_int_equal(regs.rdi, DATA);
    assert_int_equal(regs.rip, RIP0 + 2);
}

static void test_string_io_faults(void **state)
{
    /* Write fault: #PF with W (and U from user mode); registers as after the last element. */
    setup(state);
    regs.rdi = UNMAPPED - 2;
    regs.rcx = 5;
    expect_fault(RUN("\xf3\x6c"), X86_EXC_PF, 2);
    assert_int_equal(flt.cr2, UNMAPPED);
    assert_int_equal(regs.rcx, 3);
    assert_int_equal(regs.rdi, UNMAPPED);
    assert_int_equal(regs.rip, RIP0);

    /* An element straddling into the unmapped page faults at that page. */
    setup(state);
    vc.kernel_mode = false;
    vc.iopl = 3;
    regs.rsi = UNMAPPED - 2;
    expect_fault(RUN("\x6f"), X86_EXC_PF, 4);
    assert_int_equal(flt.cr2, UNMAPPED);

    /* Read-only page for INS. */
    setup(state);
    fake_map(1, 0);
    expect_fault(RUN("\x6c"), X86_EXC_PF, 2);
    assert_int_equal(flt.cr2, DATA);

    /* Non-canonical or hypervisor addresses: #GP(0), through SS: #SS(0). */
    setup(state);
    regs.rdi = 0x0000800000000000ULL;
    expect_fault(RUN("\x6c"), X86_EXC_GP, 0);
    setup(state);
    regs.rsi = 0xffff800000000000ULL;
    expect_fault(RUN("\x6e"), X86_EXC_GP, 0);
    setup(state);
    regs.rsi = 0x00007ffffffffffeULL;
    expect_fault(RUN("\x36\x6f"), X86_EXC_SS, 0);
}

static void test_string_io_batches(void **state)
{
    setup(state);
    regs.rcx = 1000;
    assert_int_equal(RUN("\xf3\x6c"), EMUL_OK);
    assert_int_equal(regs.rip, RIP0); /* not finished: the guest runs it again */
    assert_int_equal(regs.rcx, 1000 - 256);
    assert_int_equal(regs.rdi, DATA + 256);
    for (int i = 0; i < 3; i++)
        assert_int_equal(emul_priv_op(&vc, &regs, &flt), EMUL_OK);
    assert_int_equal(regs.rcx, 0);
    assert_int_equal(regs.rip, RIP0 + 2);

    /* Single-stepping: one element per #DB. */
    setup(state);
    regs.rcx = 2;
    regs.rflags |= X86_EFLAGS_TF;
    expect_fault(RUN("\xf3\x6c"), X86_EXC_DB, 0);
    assert_int_equal(regs.rcx, 1);
    assert_int_equal(regs.rip, RIP0);
    expect_fault(emul_priv_op(&vc, &regs, &flt), X86_EXC_DB, 0);
    assert_int_equal(regs.rcx, 0);
    assert_int_equal(regs.rip, RIP0 + 2);
}

/* ---- #UD: forced emulation ---- */

static enum emul_rc run_ud(uint64_t rip, const void *code, unsigned len)
{
    fake_poke(rip, code, len);
    regs.rip = rip;
    return emul_invalid_op(&vc, &regs, &flt);
}

static void test_forced_emulation(void **state)
{
    static const char forced[] = "\x0f\x0b"
                                 "xen"
                                 "\x0f\xa2";

    setup(state);
    regs.rax = 0x40000000;
    assert_int_equal(run_ud(RIP0, forced, 7), EMUL_OK);
    assert_int_equal(regs.rip, RIP0 + 7);
    assert_int_equal(regs.rbx, 0x566e6558);
    assert_int_equal(regs.rcx, 0x65584d4d);
    assert_int_equal(regs.rdx, 0x4d4d566e);
    assert_int_equal(regs.rax, 0x40000005);

    setup(state);
    assert_int_equal(run_ud(RIP0,
                            "\x0f\x0b"
                            "xen\x90",
                            6),
                     EMUL_NOT_HANDLED);
    assert_int_equal(run_ud(RIP0,
                            "\x0f\x0b"
                            "XEN\x0f\xa2",
                            7),
                     EMUL_NOT_HANDLED);
    assert_int_equal(run_ud(RIP0, "\x0f\xff", 2), EMUL_NOT_HANDLED);
    assert_int_equal(run_ud(UNMAPPED - 1, "\x90", 1), EMUL_NOT_HANDLED);
    assert_int_equal(regs.rip, UNMAPPED - 1);
    /* Bytes matching so far but cut by the page end: #PF at the next page, as Xen. */
    expect_fault(run_ud(UNMAPPED - 4, "\x0f\x0bxe", 4), X86_EXC_PF, 0);
    assert_int_equal(flt.cr2, UNMAPPED);

    /* Guest CPUID faulting: user mode gets #GP(0) at the CPUID. */
    setup(state);
    vc.kernel_mode = false;
    vc.cpuid_faulting = true;
    expect_fault(run_ud(RIP0, forced, 7), X86_EXC_GP, 0);
    assert_true(flt.has_ec);
    assert_int_equal(regs.rip, RIP0 + 5);

    setup(state);
    regs.rflags |= X86_EFLAGS_TF;
    expect_fault(run_ud(RIP0, forced, 7), X86_EXC_DB, 0);
    assert_int_equal(regs.rip, RIP0 + 7);
}

/* ---- software interrupts ---- */

static void test_soft_int(void **state)
{
    static const struct {
        const char *code;
        unsigned len;
        int vector;
        unsigned ilen;
    } cases[] = {
        {C("\xcd\x80"), 0x80, 2}, {C("\xcd\x00"), 0, 2},        {C("\xcc"), 3, 1},
        {C("\xce"), 4, 1},        {C("\x66\xcd\x21"), 0x21, 3}, {C("\x48\xcd\x21"), 0x21, 3},
        {C("\x0f\x0b"), -1, 0},   {C("\x90"), -1, 0},           {C("\xf1"), -1, 0},
    };
    unsigned len;

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        setup(state);
        fake_poke(RIP0, cases[i].code, cases[i].len);
        len = 99;
        assert_int_equal(emul_soft_int(&regs, &len), cases[i].vector);
        if (cases[i].vector >= 0)
            assert_int_equal(len, cases[i].ilen);
    }
    setup(state);
    fake_poke(UNMAPPED - 1, "\xcd", 1);
    regs.rip = UNMAPPED - 1;
    assert_int_equal(emul_soft_int(&regs, &len), -1);
    regs.rip = UNMAPPED;
    assert_int_equal(emul_soft_int(&regs, &len), -1);
}

/* ---- the CPUID policy ---- */

static void guest_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    cpuid_guest(&vc, leaf, sub, out);
}

static void test_cpuid_policy(void **state)
{
    uint32_t r[4];

    setup(state);
    guest_cpuid(0, 0, r);
    assert_int_equal(r[0], 7); /* shrunk to the last non-empty leaf */
    assert_int_equal(r[1], 0x756e6547);
    guest_cpuid(4, 3, r);
    assert_int_equal(r[0], 0x1c03c163 & 0xffffc3ff);
    guest_cpuid(4, 4, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    guest_cpuid(5, 0, r); /* MONITOR leaf */
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    guest_cpuid(7, 0, r);
    assert_int_equal(r[0], 0);
    assert_false(r[1] & ((1u << 0) | (1u << 5) | (1u << 16) | (1u << 10) | (1u << 7)));
    assert_true(r[1] & ((1u << 3) | (1u << 8)));  /* BMI1 BMI2 */
    assert_false(r[1] & (1u << 9)); /* ERMS: guests' byte-string copies crawl under TCG */
    assert_false(r[2] & ((1u << 3) | (1u << 4))); /* PKU OSPKE */
    assert_int_equal(r[3], 1u << 10);             /* MD_CLEAR only: no IBRS/STIBP/SSBD */
    guest_cpuid(7, 1, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    guest_cpuid(0xb, 0, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    guest_cpuid(0xd, 0, r); /* no XSAVE */
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    guest_cpuid(0x16, 0, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    guest_cpuid(0x80000000, 0, r);
    assert_int_equal(r[0], 0x80000008);
    assert_int_equal(r[1] | r[2] | r[3], 0);
    guest_cpuid(0x80000001, 0, r);
    assert_int_equal(r[3], 0x28100800); /* SYSCALL NX RDTSCP LM, no PAGE1GB */
    guest_cpuid(0x80000007, 0, r);
    assert_int_equal(r[3], 0);
    guest_cpuid(0x80000008, 0, r);
    assert_int_equal(r[0], 0x302e);
    assert_int_equal(r[1], 1u << 12); /* IBPB, offered because the host has IBRS */
    guest_cpuid(0x80000009, 0, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    assert_true(cpuid_guest_has(CPUID_F_RDTSCP));
    guest_cpuid(7, 0, r);
    assert_false(r[1] & ((1u << 4) | (1u << 11))); /* HLE RTM */
}

static void test_cpuid_xen_leaves(void **state)
{
    uint32_t r[4];

    setup(state);
    guest_cpuid(0x40000000, 0, r);
    assert_int_equal(r[0], 0x40000005);
    assert_memory_equal(&r[1], "XenVMMXenVMM", 12);
    guest_cpuid(0x40000001, 0, r);
    assert_int_equal(r[0], 0x00040011);
    guest_cpuid(0x40000002, 0, r);
    assert_int_equal(r[0], 1);
    assert_int_equal(r[1], 0x40000000);
    assert_int_equal(r[2], 1);
    guest_cpuid(0x40000003, 0, r);
    assert_int_equal(r[0], (1u << 1) | (1u << 2)); /* invariant TSC, RDTSCP */
    assert_int_equal(r[1], 0);
    assert_int_equal(r[2], 2500000);
    guest_cpuid(0x40000003, 1, r);
    assert_int_equal(r[2], 0xcccccccc);
    assert_int_equal(r[3], 0xffffffff);
    guest_cpuid(0x40000003, 2, r);
    assert_int_equal(r[0], 2500000);
    guest_cpuid(0x40000004, 0, r); /* HVM only */
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    guest_cpuid(0x40000005, 0, r);
    assert_int_equal(r[1], 0x2e);
    guest_cpuid(0x40000006, 0, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    guest_cpuid(0x40000100, 0, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
}

static void test_cpuid_amd(void **state)
{
    uint32_t r[4], l1[4];

    setup(state);
    amd_host();
    guest_cpuid(1, 0, l1);
    guest_cpuid(0x80000001, 0, r);
    assert_int_equal(r[0], 0x00a50f00);
    /* The leaf 1 bits AMD repeats are the guest's leaf 1 bits, no more. */
    assert_int_equal(r[3] & 0x0183f3ff, l1[3] & 0x0183f3ff);
    assert_false(r[3] & (1u << 26));                                         /* PAGE1GB */
    assert_false(r[2] & ((1u << 2) | (1u << 11) | (1u << 16) | (1u << 26))); /* SVM XOP FMA4 */
    guest_cpuid(0x80000000, 0, r);
    assert_int_equal(r[0], 0x80000021);
    assert_int_equal(r[1], 0x68747541);
    guest_cpuid(0x80000021, 0, r);
    assert_int_equal(r[0], 1u << 2);
    guest_cpuid(0x80000008, 0, r);
    assert_int_equal(r[1], 0x111ef257 & ((1u << 0) | (1u << 2) | (1u << 12) | (1u << 26)));
    assert_int_equal(r[2], 0x0000500f & 0x0003f0ff);
    guest_cpuid(2, 0, r); /* Intel-only cache descriptors */
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
}

/* Random bytes from random places (some near the unmapped page) never crash or overrun; the
 * result is one of the three outcomes with rip left or advanced by at most 15. */
static void test_random_bytes(void **state)
{
    static const uint8_t interesting[] = {0x0f, 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x48, 0x41, 0x44,
                                          0x64, 0x65, 0x36, 0xe4, 0xec, 0x6c, 0x6f, 0x20, 0x22,
                                          0x21, 0x23, 0x01, 0xa2, 0x30, 0x32, 0xcd, 0xfa};
    uint64_t seed = 0x9e3779b97f4a7c15ULL;

    for (unsigned i = 0; i < 20000; i++) {
        uint8_t code[16];
        uint64_t rip;
        unsigned len;
        enum emul_rc rc;

        setup(state);
        for (unsigned j = 0; j < sizeof(code); j++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            code[j] = (seed >> 60) & 1 ? interesting[(seed >> 32) % sizeof(interesting)]
                                       : (uint8_t)(seed >> 24);
        }
        vc.kernel_mode = (seed >> 20) & 1;
        vc.iopl = (seed >> 21) & 3;
        regs.rflags |= (seed >> 23) & 1 ? X86_EFLAGS_TF : 0;
        regs.rcx = (seed >> 24) & 7;
        len = 1 + (unsigned)((seed >> 8) % sizeof(code));
        rip = (seed >> 30) & 1 ? UNMAPPED - len : RIP0;
        rc = run_at(rip, code, len);
        assert_true(rc == EMUL_OK || rc == EMUL_FAULT || rc == EMUL_NOT_HANDLED);
        assert_true(regs.rip >= rip && regs.rip <= rip + 15);
        if (rc == EMUL_FAULT)
            assert_true(flt.vector < 32);
        regs.rip = rip;
        rc = emul_invalid_op(&vc, &regs, &flt);
        assert_true(regs.rip >= rip && regs.rip <= rip + 15);
        assert_true(emul_soft_int(&regs, &len) < 256);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_decode_table, setup),
        cmocka_unit_test_setup(test_truncated_at_page_end, setup),
        cmocka_unit_test_setup(test_single_step_and_rf, setup),
        cmocka_unit_test_setup(test_compat_mode, setup),
        cmocka_unit_test_setup(test_cpuid_emulation, setup),
        cmocka_unit_test_setup(test_rdtsc, setup),
        cmocka_unit_test_setup(test_msr_instructions, setup),
        cmocka_unit_test_setup(test_msr_reads, setup),
        cmocka_unit_test_setup(test_msr_writes, setup),
        cmocka_unit_test_setup(test_msr_amd, setup),
        cmocka_unit_test_setup(test_mov_cr, setup),
        cmocka_unit_test_setup(test_cr4, setup),
        cmocka_unit_test_setup(test_debugreg_rules, setup),
        cmocka_unit_test_setup(test_debugreg_hardware_and_hypercalls, setup),
        cmocka_unit_test_setup(test_io_breakpoint, setup),
        cmocka_unit_test_setup(test_port_io, setup),
        cmocka_unit_test_setup(test_mediated_ports, setup),
        cmocka_unit_test_setup(test_string_io, setup),
        cmocka_unit_test_setup(test_string_io_faults, setup),
        cmocka_unit_test_setup(test_string_io_batches, setup),
        cmocka_unit_test_setup(test_forced_emulation, setup),
        cmocka_unit_test_setup(test_soft_int, setup),
        cmocka_unit_test_setup(test_cpuid_policy, setup),
        cmocka_unit_test_setup(test_cpuid_xen_leaves, setup),
        cmocka_unit_test_setup(test_cpuid_amd, setup),
        cmocka_unit_test_setup(test_random_bytes, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
