/*
 * Boot test "privileged": privileged instructions in the ring-3 guest kernel (docs/porting.md
 * §9, Xen's xen/arch/x86/pv/emul-priv-op.c). Those Xen does not emulate, and emulated ones
 * it refuses, reach the guest as #GP(0) at the instruction; the emulated ones work: CPUID
 * (with Xen's leaves, plain and with the forced-emulation prefix), RDMSR/WRMSR of known MSRs,
 * MOV from CR0/CR2/CR3/CR4 and to CR2/CR3/TS, CLTS, MOV to and from DR0-DR7, port I/O and
 * CLI/STI once the virtual IOPL allows (a domU's ports read as all ones and ignore writes),
 * RDTSC/RDTSCP. Also: the bounce frame's IOPL shows the virtual IOPL only with
 * VMASST_TYPE_architectural_iopl, which also makes the kernel's virtual CPL 0.
 */
#include "bt.h"

#define XEN_VERSION_417 0x40011
#define CR0_PE 0x1ULL
#define CR0_WP 0x10000ULL
#define CR0_AM 0x40000ULL
#define CR0_PG 0x80000000ULL
#define CR4_PAE 0x20ULL
#define CR4_OSFXSR 0x200ULL
#define CR4_OSXMMEXCPT 0x400ULL
#define CR4_VMXE 0x2000ULL
#define MSR_UNKNOWN 0xc0000999
#define MSR_TSC_AUX 0xc0000103
#define MSR_PLATFORM_INFO 0xce
#define MSR_DEBUGCTL 0x1d9
#define PLATFORM_INFO_CPUID_FAULTING (1ULL << 31)
#define DEBUG_EXIT_PORT 0xf4 /* QEMU's isa-debug-exit: a domU write must not reach it */
#define COM1 0x3f8

static BT_ASM_USED uint8_t descriptor[16];
static BT_ASM_USED uint8_t io_buf[16];

/* clang-format off */
BT_TRIGGER(trig_hlt, "", "hlt", "");
BT_TRIGGER(trig_lgdt, "", "lgdt descriptor(%rip)", "");
BT_TRIGGER(trig_lidt, "", "lidt descriptor(%rip)", "");
BT_TRIGGER(trig_lldt, "xorl %eax, %eax", "lldt %ax", "");
BT_TRIGGER(trig_ltr, "movl $0xe040, %eax", "ltr %ax", "");
BT_TRIGGER(trig_invlpg, "", "invlpg descriptor(%rip)", "");
BT_TRIGGER(trig_swapgs, "", "swapgs", "");
BT_TRIGGER(trig_rdmsr_unknown, "movl $" BT_STR(MSR_UNKNOWN) ", %ecx", "rdmsr", "");
BT_TRIGGER(trig_wrmsr_unknown, "movl $" BT_STR(MSR_UNKNOWN) ", %ecx; xorl %eax, %eax; xorl %edx, %edx",
           "wrmsr", "");
BT_TRIGGER(trig_wrmsr_debugctl, "movl $" BT_STR(MSR_DEBUGCTL) ", %ecx; movq bt_arg(%rip), %rax; "
           "movq %rax, %rdx; shrq $32, %rdx", "wrmsr", "");
BT_TRIGGER(trig_mov_cr0, "movq bt_arg(%rip), %rax", "movq %rax, %cr0", "");
BT_TRIGGER(trig_mov_cr3, "movq bt_arg(%rip), %rax", "movq %rax, %cr3", "");
BT_TRIGGER(trig_mov_dr0, "movq bt_arg(%rip), %rax", "movq %rax, %dr0", "");
BT_TRIGGER(trig_inb, "", "inb $0x80, %al", "");
BT_TRIGGER(trig_outb, "", "outb %al, $0x80", "");
BT_TRIGGER(trig_inw_dx, "movl $0x80, %edx", "inw %dx, %ax", "");
BT_TRIGGER(trig_insb, "movl $0x80, %edx; leaq io_buf(%rip), %rdi", "insb", "");
BT_TRIGGER(trig_cli, "", "cli", "");
BT_TRIGGER(trig_sti, "", "sti", "");
BT_TRIGGER(trig_ud2, "", "ud2", "");
BT_TRIGGER(trig_wbinvd, "", "wbinvd", "");
BT_TRIGGER(trig_fnop, "", "fnop", "");
/* clang-format on */

static void expect_gp(const char *what, void (*fn)(void), const void *rip)
{
    struct bt_expect e = {.what = what, .vector = GK_VEC_GP, .rip = rip};
    struct gk_regs f;

    bt_expect_trap(&e, fn, &f);
}

static void expect_no_trap(const char *what, void (*fn)(void))
{
    struct gk_regs f;

    if (bt_trap(fn, &f, NULL))
        GK_FAIL("%s: unexpected vector %lu (error %#lx)", what, f.vector, f.error_code);
}

static void check_refused(void)
{
    uint64_t cr0 = bt_read_cr0();

    expect_gp("hlt", trig_hlt, trig_hlt_insn);
    expect_gp("lgdt", trig_lgdt, trig_lgdt_insn);
    expect_gp("lidt", trig_lidt, trig_lidt_insn);
    expect_gp("lldt", trig_lldt, trig_lldt_insn);
    expect_gp("ltr", trig_ltr, trig_ltr_insn);
    expect_gp("invlpg", trig_invlpg, trig_invlpg_insn);
    expect_gp("swapgs", trig_swapgs, trig_swapgs_insn);
    expect_gp("rdmsr of an unknown MSR", trig_rdmsr_unknown, trig_rdmsr_unknown_insn);
    expect_gp("wrmsr of an unknown MSR", trig_wrmsr_unknown, trig_wrmsr_unknown_insn);
    /* Only TS may change through MOV to CR0. */
    bt_arg = cr0 ^ CR0_AM;
    expect_gp("mov to cr0 flipping AM", trig_mov_cr0, trig_mov_cr0_insn);
    bt_arg = cr0 & ~CR0_WP;
    expect_gp("mov to cr0 clearing WP", trig_mov_cr0, trig_mov_cr0_insn);
    /* A frame that is not a validated L4 cannot become the page-table root. */
    bt_arg = gk_virt_to_mfn(descriptor) << 12;
    expect_gp("mov to cr3 of a data page", trig_mov_cr3, trig_mov_cr3_insn);
    bt_arg = PV_HYPERVISOR_VIRT_START;
    expect_gp("mov to dr0 of a hypervisor address", trig_mov_dr0, trig_mov_dr0_insn);
    expect_no_trap("wbinvd (ignored)", trig_wbinvd);
    GK_EXPECT_EQ(bt_read_cr0(), cr0);
}

static void check_io_refused(void)
{
    GK_EXPECT_EQ(bt_set_iopl(0), 0);
    expect_gp("inb with IOPL 0", trig_inb, trig_inb_insn);
    expect_gp("outb with IOPL 0", trig_outb, trig_outb_insn);
    expect_gp("inw (dx) with IOPL 0", trig_inw_dx, trig_inw_dx_insn);
    expect_gp("insb with IOPL 0", trig_insb, trig_insb_insn);
    expect_gp("cli with IOPL 0", trig_cli, trig_cli_insn);
    expect_gp("sti with IOPL 0", trig_sti, trig_sti_insn);
}

static bool vendor_is(const uint32_t r[4], const char *sig)
{
    return memcmp(&r[1], sig, 4) == 0 && memcmp(&r[2], sig + 4, 4) == 0 &&
           memcmp(&r[3], sig + 8, 4) == 0;
}

/* Xen's leaves at 0x40000000: signature, version, hypercall pages. */
static void check_xen_leaves(const char *how, void (*cpuid)(uint32_t, uint32_t, uint32_t *))
{
    uint32_t r[4];
    char what[48];

    lib_snprintf(what, sizeof(what), "%s cpuid 0x40000000", how);
    cpuid(0x40000000, 0, r);
    if (!vendor_is(r, "XenVMMXenVMM"))
        GK_FAIL("%s: signature %.4s%.4s%.4s", what, (const char *)&r[1], (const char *)&r[2],
                (const char *)&r[3]);
    GK_EXPECT(r[0] >= 0x40000002 && r[0] < 0x40000100);
    cpuid(0x40000001, 0, r);
    BT_EQ(how, r[0], XEN_VERSION_417);
    cpuid(0x40000002, 0, r);
    BT_EQ(how, r[0], 1);          /* one hypercall page */
    BT_EQ(how, r[1], 0x40000000); /* its MSR */
    cpuid(1, 0, r);
    BT_EQ(how, r[2] >> 31, 1); /* "running under a hypervisor" */
}

/* Plain CPUID reaches the hypervisor only through CPUID faulting, which Xen turns on for PV
 * domUs wherever the CPU has it, and then advertises in MSR_PLATFORM_INFO bit 31. */
static void check_cpuid(void)
{
    uint32_t r[4];

    check_xen_leaves("forced", bt_cpuid_forced);
    bt_cpuid_forced(0, 0, r);
    GK_EXPECT_GE(r[0], 1);
    GK_EXPECT(r[1] != 0);
    if (bt_rdmsr(MSR_PLATFORM_INFO) & PLATFORM_INFO_CPUID_FAULTING) {
        check_xen_leaves("plain", bt_cpuid);
    } else {
        gk_test_log("no CPUID faulting on this %.4s%.4s%.4s CPU: plain CPUID runs natively, "
                    "not checked",
                    (const char *)&r[1], (const char *)&r[3], (const char *)&r[2]);
    }
}

static void check_control_registers(void)
{
    uint64_t cr0 = bt_read_cr0(), cr3 = bt_read_cr3(), cr4 = bt_read_cr4();

    GK_EXPECT_EQ(cr0 & (CR0_PE | CR0_PG), CR0_PE | CR0_PG);
    GK_EXPECT_EQ(cr3 >> 12, bt_l4_mfn());
    GK_EXPECT_EQ(cr4 & (CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT),
                 CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT);
    GK_EXPECT_EQ(cr4 & CR4_VMXE, 0);
    /* CR2 is the guest's to write. */
    __asm__ volatile("movq %0, %%cr2" ::"r"(0x12345000ULL));
    GK_EXPECT_EQ(bt_read_cr2(), 0x12345000);
    /* Reloading CR3 with the same root is a flush, nothing else. */
    bt_arg = cr3;
    expect_no_trap("mov to cr3 of the same root", trig_mov_cr3);
    GK_EXPECT_EQ(bt_read_cr3(), cr3);
    /* TS through MOV to CR0, CLTS and the FPU. */
    bt_arg = cr0 | BT_CR0_TS;
    expect_no_trap("mov to cr0 setting TS", trig_mov_cr0);
    GK_EXPECT_EQ(bt_read_cr0() & BT_CR0_TS, BT_CR0_TS);
    __asm__ volatile("clts");
    GK_EXPECT_EQ(bt_read_cr0() & BT_CR0_TS, 0);
    expect_no_trap("fnop after clts", trig_fnop);
}

static uint64_t read_dr(int n)
{
    uint64_t v = 0;

    switch (n) {
    case 0:
        __asm__ volatile("movq %%dr0, %0" : "=r"(v));
        break;
    case 1:
        __asm__ volatile("movq %%dr1, %0" : "=r"(v));
        break;
    case 2:
        __asm__ volatile("movq %%dr2, %0" : "=r"(v));
        break;
    case 3:
        __asm__ volatile("movq %%dr3, %0" : "=r"(v));
        break;
    case 6:
        __asm__ volatile("movq %%dr6, %0" : "=r"(v));
        break;
    case 7:
        __asm__ volatile("movq %%dr7, %0" : "=r"(v));
        break;
    }
    return v;
}

static void write_dr(int n, uint64_t v)
{
    switch (n) {
    case 0:
        __asm__ volatile("movq %0, %%dr0" ::"r"(v));
        break;
    case 1:
        __asm__ volatile("movq %0, %%dr1" ::"r"(v));
        break;
    case 2:
        __asm__ volatile("movq %0, %%dr2" ::"r"(v));
        break;
    case 3:
        __asm__ volatile("movq %0, %%dr3" ::"r"(v));
        break;
    case 6:
        __asm__ volatile("movq %0, %%dr6" ::"r"(v));
        break;
    case 7:
        __asm__ volatile("movq %0, %%dr7" ::"r"(v));
        break;
    }
}

static void check_debug_registers(void)
{
    for (int n = 0; n < 4; n++) {
        uint64_t va = (uint64_t)(uintptr_t)&io_buf[4 * n];

        write_dr(n, va);
        GK_EXPECT_EQ(read_dr(n), va);
        GK_EXPECT_EQ((uint64_t)bt_get_debugreg(n), va);
    }
    write_dr(6, 0);
    GK_EXPECT_EQ(read_dr(6), 0xffff0ff0);
    write_dr(7, 0x1); /* L0, execute, on io_buf: never executed */
    GK_EXPECT_EQ(read_dr(7), 0x401);
    GK_EXPECT_EQ((uint64_t)bt_get_debugreg(7), 0x401);
    write_dr(7, 0);
    GK_EXPECT_EQ(read_dr(7), 0x400);
}

static uint64_t port_in(uint64_t rax, int size)
{
    switch (size) {
    case 1:
        __asm__ volatile("inb $0x80, %%al" : "+a"(rax));
        break;
    case 2:
        __asm__ volatile("inw $0x80, %%ax" : "+a"(rax));
        break;
    default:
        __asm__ volatile("inl $0x80, %%eax" : "+a"(rax));
        break;
    }
    return rax;
}

/* With IOPL 1 the guest kernel's port accesses are emulated: a domU has no ports, so reads
 * give all ones and writes go nowhere (not to QEMU's exit device, not to the UART). */
static void check_io_allowed(void)
{
    const uint64_t fill = 0x1122334455667788ULL;
    uint64_t rdi;
    unsigned long cnt = 4;

    GK_EXPECT_EQ(bt_set_iopl(1), 0);
    GK_EXPECT_EQ(port_in(fill, 1), 0x11223344556677ffULL);
    GK_EXPECT_EQ(port_in(fill, 2), 0x112233445566ffffULL);
    GK_EXPECT_EQ(port_in(fill, 4), 0xffffffffULL); /* a 32-bit result zero-extends */
    __asm__ volatile("outb %%al, %%dx" ::"a"(0x01), "d"(DEBUG_EXIT_PORT));
    __asm__ volatile("outl %%eax, %%dx" ::"a"(0), "d"(DEBUG_EXIT_PORT));
    for (const char *p = "Z9Z9Z\n"; *p; p++)
        __asm__ volatile("outb %%al, %%dx" ::"a"(*p), "d"(COM1));
    memset(io_buf, 0, sizeof(io_buf));
    rdi = (uint64_t)(uintptr_t)io_buf;
    __asm__ volatile("rep insb" : "+D"(rdi), "+c"(cnt) : "d"(0x80) : "memory");
    GK_EXPECT_EQ(cnt, 0);
    GK_EXPECT_EQ(rdi, (uint64_t)(uintptr_t)io_buf + 4);
    GK_EXPECT_EQ(io_buf[0] & io_buf[1] & io_buf[2] & io_buf[3], 0xff);
    GK_EXPECT_EQ(io_buf[4], 0);
    expect_no_trap("cli with IOPL 1", trig_cli);
    expect_no_trap("sti with IOPL 1", trig_sti);
    GK_EXPECT_EQ(bt_set_iopl(0), 0);
}

/* Without architectural IOPL the frame's IOPL is 0 whatever the virtual IOPL; with it, the
 * frame shows the virtual IOPL, the iret hypercall sets it from rflags, and the kernel runs at
 * virtual CPL 0 (port access with IOPL 0). */
static void check_architectural_iopl(void)
{
    struct bt_expect ud = {.what = "#UD with IOPL 1", .vector = GK_VEC_UD, .rip = trig_ud2_insn};
    struct gk_regs f;

    GK_EXPECT_EQ(bt_set_iopl(1), 0);
    bt_expect_trap(&ud, trig_ud2, &f);
    GK_EXPECT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_enable, PV_VMASST_TYPE_architectural_iopl),
                 0);
    GK_EXPECT_EQ(bt_set_iopl(1), 0);
    bt_frame_iopl = 0x1000;
    ud.what = "#UD with architectural IOPL 1";
    bt_expect_trap(&ud, trig_ud2, &f);
    /* That trap's return (an iret with IOPL 0 in rflags) lowered the virtual IOPL to 0. */
    bt_frame_iopl = 0;
    ud.what = "#UD after an iret with IOPL 0";
    bt_expect_trap(&ud, trig_ud2, &f);
    expect_no_trap("inb at virtual CPL 0, IOPL 0", trig_inb);
    GK_EXPECT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_disable, PV_VMASST_TYPE_architectural_iopl),
                 0);
    GK_EXPECT_EQ(bt_set_iopl(0), 0);
    expect_gp("inb with IOPL 0 again", trig_inb, trig_inb_insn);
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void check_tsc(void)
{
    uint64_t a = rdtsc(), b = rdtsc();
    uint32_t r[4], lo, hi, aux;

    GK_EXPECT_GT(b, a);
    bt_cpuid_forced(0x80000001, 0, r);
    if (!(r[3] & (1u << 27))) {
        gk_test_log("RDTSCP not offered to the guest: skipped");
        return;
    }
    bt_wrmsr(MSR_TSC_AUX, 0x1234);
    GK_EXPECT_EQ(bt_rdmsr(MSR_TSC_AUX), 0x1234);
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    GK_EXPECT_GT(((uint64_t)hi << 32) | lo, b);
    GK_EXPECT_EQ(aux, 0x1234);
}

/* DEBUGCTL: reads 0 (Xen >= 4.18; 4.17 faulted), writing 0 succeeds, any other value #GP(0). */
static void check_debugctl(void)
{
    static const uint64_t refused[] = {1, 2, 1ULL << 8, 1ULL << 63};

    GK_EXPECT_EQ(bt_rdmsr(MSR_DEBUGCTL), 0);
    bt_arg = 0;
    expect_no_trap("wrmsr DEBUGCTL 0", trig_wrmsr_debugctl);
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        bt_arg = refused[i];
        expect_gp("wrmsr DEBUGCTL non-zero", trig_wrmsr_debugctl, trig_wrmsr_debugctl_insn);
    }
    GK_EXPECT_EQ(bt_rdmsr(MSR_DEBUGCTL), 0);
}

GK_TEST(privileged)
{
    check_refused();
    check_io_refused();
    check_cpuid();
    check_control_registers();
    check_debug_registers();
    check_io_allowed();
    check_architectural_iopl();
    check_tsc();
    check_debugctl();
}
