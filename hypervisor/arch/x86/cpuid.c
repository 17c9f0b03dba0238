/* The CPUID policy of PV guests: the host's leaves masked the way Xen masks them for PV, the Xen
 * hypervisor leaves at 0x40000000, and hardware CPUID faulting. */
#include "x86/cpuid.h"
#include "x86/hw_access.h"
#include "lib.h"
#include "x86/cpu.h"

#define BIT(n) (1u << (n))
#define ALL 0xffffffffu
#define MAX_ENTRIES 32
#define MAX_CACHE_SUBLEAVES 8
#define XEN_LEAF_BASE 0x40000000u
#define XEN_LEAF_LIMIT 5                    /* Xen's XEN_CPUID_MAX_NUM_LEAVES */
#define XEN_VERSION_LEAF ((4u << 16) | 17u) /* we report Xen 4.17 */
#define MSR_PLATFORM_INFO_CPUID_FAULTING (1ULL << 31)

/*
 * Feature bits a PV guest may see (Xen's 'A' features), less what this hypervisor cannot back:
 * it context-switches only FXSAVE state (no XSAVE, AVX, FMA, F16C, XOP, FMA4, AVX-512, VAES),
 * has no SYSENTER callback (SEP), no x2APIC, no per-vCPU MSR_SPEC_CTRL (IBRS, STIBP, SSBD,
 * PSFD), no AMD DR address masks (DBEXT), offers no TSX (RTM, HLE: their DR6/DR7 bits keep
 * their legacy values), and keeps FSGSBASE, PCID, PKU, MONITOR, VMX/SVM, DS, ACPI and thermal
 * control to itself.
 */
/* leaf 1 edx: FPU DE TSC MSR PAE MCE CX8 APIC MCA CMOV PAT CLFLUSH MMX FXSR SSE SSE2 SS HTT */
#define L1_EDX                                                                                     \
    (BIT(0) | BIT(2) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(9) | BIT(14) | BIT(15) |   \
     BIT(16) | BIT(19) | BIT(23) | BIT(24) | BIT(25) | BIT(26) | BIT(27) | BIT(28))
/* leaf 1 ecx: SSE3 PCLMULQDQ SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT AESNI RDRAND */
#define L1_ECX                                                                                     \
    (BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(19) | BIT(20) | BIT(22) | BIT(23) | BIT(25) | BIT(30))
#define L1_ECX_HYPERVISOR BIT(31)
/* leaf 7.0 ebx: BMI1 FDP_EXCP_ONLY BMI2 NO_FPU_SEL RDSEED ADX CLFLUSHOPT CLWB SHA. Not ERMS (bit
 * 9), which Xen offers: with it Linux copies and clears with rep movsb/stosb (memcpy, copy_user,
 * clear_page), and the emulator this runs on does those a byte at a time, ten times slower than
 * the rep movsq/stosq Linux uses without it (a 4 KiB copy: 34 us against 3 us under QEMU 7.2's
 * TCG, docs/benchmarks.md "Guests' disks"). On hardware with fast byte strings it costs little. */
#define L7_EBX                                                                                     \
    (BIT(3) | BIT(6) | BIT(8) | BIT(13) | BIT(18) | BIT(19) | BIT(23) | BIT(24) | BIT(29))
/* leaf 7.0 ecx: PREFETCHWT1 GFNI RDPID CLDEMOTE */
#define L7_ECX (BIT(0) | BIT(8) | BIT(22) | BIT(25))
/* leaf 7.0 edx: MD_CLEAR */
#define L7_EDX BIT(10)
#define L7_EDX_IBRSB BIT(26)
/* 0x80000001 edx: SYSCALL NX MMXEXT FFXSR RDTSCP LM 3DNOWEXT 3DNOW */
#define E1_EDX (BIT(11) | BIT(20) | BIT(22) | BIT(25) | BIT(27) | BIT(29) | BIT(30) | BIT(31))
/* 0x80000001 ecx: LAHF_LM CMP_LEGACY ABM SSE4A MISALIGNSSE 3DNOWPREFETCH TBM */
#define E1_ECX (BIT(0) | BIT(1) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(21))
/* AMD repeats these leaf 1 edx bits in 0x80000001 edx (Xen's CPUID_COMMON_1D_FEATURES). */
#define COMMON_1D 0x0183f3ffu
/* 0x80000008 ebx: CLZERO RSTR_FP_ERR_PTRS IBPB SSB_NO BTC_NO IBPB_RET */
#define E8_EBX (BIT(0) | BIT(2) | BIT(12) | BIT(26) | BIT(29) | BIT(30))
#define E8_EBX_IBPB BIT(12)
/* 0x80000021 eax: LFENCE_DISPATCH */
#define E21_EAX BIT(2)

enum { V_INTEL = 1, V_AMD = 2, V_ANY = 3 };

/* How one guest leaf derives from the host's: which host bits of each register pass. */
struct leaf_rule {
    uint32_t leaf;
    uint8_t vendors;
    uint32_t keep[4];
};

/* Leaves not listed read as zero (MONITOR, power, PMU, topology, XSAVE, SVM, ...). */
static const struct leaf_rule rules[] = {
    {0x00000000, V_ANY, {ALL, ALL, ALL, ALL}},
    {0x00000001, V_ANY, {0x0fff0fff, 0x00ffffff, L1_ECX, L1_EDX}}, /* APIC ID 0, as Xen PV */
    {0x00000002, V_INTEL, {ALL, ALL, ALL, ALL}},
    {0x00000004, V_INTEL, {0xffffc3ff, ALL, ALL, 0x7}},
    {0x00000007, V_ANY, {0, L7_EBX, L7_ECX, L7_EDX}}, /* subleaf 0 only */
    {0x80000000, V_INTEL, {ALL, 0, 0, 0}},
    {0x80000000, V_AMD, {ALL, ALL, ALL, ALL}},
    {0x80000001, V_INTEL, {0, 0, E1_ECX, E1_EDX & ~COMMON_1D}},
    {0x80000001, V_AMD, {ALL, 0xff00ffff, E1_ECX, E1_EDX & ~COMMON_1D}},
    {0x80000002, V_ANY, {ALL, ALL, ALL, ALL}},
    {0x80000003, V_ANY, {ALL, ALL, ALL, ALL}},
    {0x80000004, V_ANY, {ALL, ALL, ALL, ALL}},
    {0x80000005, V_AMD, {ALL, ALL, ALL, ALL}},
    {0x80000006, V_INTEL, {0, 0, ALL, 0}},
    {0x80000006, V_AMD, {ALL, ALL, ALL, ALL}},
    {0x80000008, V_INTEL, {0xffff, E8_EBX, 0, 0}},
    {0x80000008, V_AMD, {0xffff, E8_EBX, 0x0003f0ff, 0}},
    {0x80000021, V_AMD, {E21_EAX, 0, 0, 0}},
};

struct cpuid_entry {
    uint32_t leaf, sub;
    uint32_t r[4];
};

static struct cpuid_entry policy[MAX_ENTRIES];
static unsigned policy_nr;
static bool policy_ready;
static enum cpu_vendor host_vendor;
static uint32_t host_ext_max;
static bool faulting_on;

static enum cpu_vendor vendor_of(const uint32_t leaf0[4])
{
    if (leaf0[1] == 0x756e6547 && leaf0[3] == 0x49656e69 && leaf0[2] == 0x6c65746e)
        return CPU_VENDOR_INTEL; /* GenuineIntel */
    if (leaf0[1] == 0x68747541 && leaf0[3] == 0x69746e65 && leaf0[2] == 0x444d4163)
        return CPU_VENDOR_AMD; /* AuthenticAMD */
    if (leaf0[1] == 0x6f677948 && leaf0[3] == 0x6e65476e && leaf0[2] == 0x656e6975)
        return CPU_VENDOR_AMD; /* HygonGenuine: an AMD design */
    return CPU_VENDOR_OTHER;
}

static struct cpuid_entry *find(uint32_t leaf, uint32_t sub)
{
    if (leaf != 4 && leaf != 7) /* the leaves with subleaves */
        sub = 0;
    for (unsigned i = 0; i < policy_nr; i++)
        if (policy[i].leaf == leaf && policy[i].sub == sub)
            return &policy[i];
    return NULL;
}

static void add_leaf(const struct leaf_rule *rule, uint32_t sub, const uint32_t host[4])
{
    struct cpuid_entry *e;

    if (policy_nr == MAX_ENTRIES)
        return;
    e = &policy[policy_nr++];
    e->leaf = rule->leaf;
    e->sub = sub;
    for (unsigned i = 0; i < 4; i++)
        e->r[i] = host[i] & rule->keep[i];
}

/* Leaf 4 lists caches until a subleaf of type 0; every other rule is one subleaf. */
static void apply_rule(const struct leaf_rule *rule)
{
    uint32_t host[4];

    for (uint32_t sub = 0; sub < MAX_CACHE_SUBLEAVES; sub++) {
        arch_cpuid(rule->leaf, sub, host);
        if (rule->leaf == 4 && (host[0] & 0x1f) == 0)
            return;
        add_leaf(rule, sub, host);
        if (rule->leaf != 4)
            return;
    }
}

/* Xen's shrinking of max leaves: the highest leaf of the range with any content. */
static uint32_t highest_leaf(uint32_t base)
{
    uint32_t max = base;

    for (unsigned i = 0; i < policy_nr; i++) {
        const uint32_t *r = policy[i].r;
        uint32_t leaf = policy[i].leaf;

        if (leaf > max && (leaf & 0xffff0000u) == base && (r[0] | r[1] | r[2] | r[3]))
            max = leaf;
    }
    return max;
}

/* Cross-leaf fixups: the hypervisor bit, AMD's duplicated leaf 1 bits, IBPB, max leaves. */
static void fixup_policy(uint32_t host_7d)
{
    struct cpuid_entry *l1 = find(1, 0), *e1 = find(0x80000001, 0), *e8 = find(0x80000008, 0);
    struct cpuid_entry *l0 = find(0, 0), *e0 = find(0x80000000, 0);

    if (l1)
        l1->r[2] |= L1_ECX_HYPERVISOR;
    if (l1 && e1 && host_vendor == CPU_VENDOR_AMD)
        e1->r[3] |= l1->r[3] & COMMON_1D;
    if (e8 && (host_7d & L7_EDX_IBRSB))
        e8->r[1] |= E8_EBX_IBPB; /* Xen offers IBPB on its own wherever the host has IBRS */
    if (l0)
        l0->r[0] = highest_leaf(0);
    if (e0)
        e0->r[0] = highest_leaf(0x80000000u);
}

void cpuid_policy_init(void)
{
    uint32_t leaf0[4], ext0[4], leaf7[4] = {0};
    uint8_t vendors;

    arch_cpuid(0, 0, leaf0);
    arch_cpuid(0x80000000u, 0, ext0);
    host_vendor = vendor_of(leaf0);
    vendors = host_vendor == CPU_VENDOR_AMD ? V_AMD : V_INTEL; /* others: the Intel layout */
    host_ext_max = ext0[0];
    faulting_on = false; /* cpuid_faulting_enable() comes after */
    if (leaf0[0] >= 7)
        arch_cpuid(7, 0, leaf7);
    policy_nr = 0;
    for (unsigned i = 0; i < ARRAY_SIZE(rules); i++) {
        const struct leaf_rule *rule = &rules[i];
        uint32_t host_max = rule->leaf >= 0x80000000u ? ext0[0] : leaf0[0];

        if ((rule->vendors & vendors) && rule->leaf <= host_max)
            apply_rule(rule);
    }
    fixup_policy(leaf7[3]);
    policy_ready = true;
}

static void ensure_policy(void)
{
    if (!policy_ready)
        cpuid_policy_init();
}

enum cpu_vendor cpuid_vendor(void)
{
    ensure_policy();
    return host_vendor;
}

/* Leaves in range and not in the table read as zero, as Xen does (the AMD model). */
static void policy_leaf(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    uint32_t base = leaf & 0xffff0000u;
    const struct cpuid_entry *max = find(base, 0), *e = find(leaf, sub);

    memset(out, 0, 4 * sizeof(uint32_t));
    if ((base != 0 && base != 0x80000000u) || !max || leaf > max->r[0] || !e)
        return;
    memcpy(out, e->r, 4 * sizeof(uint32_t));
}

bool cpuid_guest_has(uint32_t leaf, uint32_t sub, unsigned reg, unsigned bit)
{
    uint32_t r[4];

    ensure_policy();
    policy_leaf(leaf, sub, r);
    return (r[reg & 3] >> bit) & 1;
}

/* Leaf 0x40000003: TSC information (sub 0: flags, mode, kHz; 1: scale; 2: host kHz). */
static void xen_time_leaf(uint32_t sub, uint32_t out[4])
{
    uint32_t khz, mul, host_ext7[4] = {0};
    int8_t shift;

    time_tsc_params(&khz, &mul, &shift);
    if (sub == 0) {
        if (host_ext_max >= 0x80000007u && host_ext_max < 0x80010000u)
            arch_cpuid(0x80000007u, 0, host_ext7);
        out[0] = (((host_ext7[3] >> 8) & 1) << 1) |                /* host TSC invariant: safe */
                 ((uint32_t)cpuid_guest_has(CPUID_F_RDTSCP) << 2); /* bit 0 vtsc: never */
        out[2] = khz; /* ebx tsc_mode 0 (default), edx incarnation 0 */
    } else if (sub == 1) {
        out[2] = mul; /* eax/ebx: offset 0, the guest reads the raw TSC */
        out[3] = (uint32_t)(int32_t)shift;
    } else if (sub == 2) {
        out[0] = khz;
    }
}

/* The Xen leaves of a PV guest: signature, version, hypercall page, time, PV parameters. */
static void xen_leaves(uint32_t idx, uint32_t sub, uint32_t out[4])
{
    uint32_t phys[4] = {0};

    switch (idx) {
    case 0:
        out[0] = XEN_LEAF_BASE + XEN_LEAF_LIMIT;
        out[1] = 0x566e6558; /* "XenV" */
        out[2] = 0x65584d4d; /* "MMXe" */
        out[3] = 0x4d4d566e; /* "nVMM" */
        break;
    case 1:
        out[0] = XEN_VERSION_LEAF;
        break;
    case 2:
        out[0] = 1;             /* one hypercall page */
        out[1] = XEN_LEAF_BASE; /* written through MSR 0x40000000 */
        out[2] = 1;             /* XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD */
        break;
    case 3:
        xen_time_leaf(sub, out);
        break;
    case 5: /* PV parameters: machine address width */
        if (sub == 0 && host_ext_max >= 0x80000008u && host_ext_max < 0x80010000u)
            arch_cpuid(0x80000008u, 0, phys);
        out[1] = phys[0] & 0xff;
        break;
    } /* leaf 4 is for HVM guests only: zero */
}

/* v is unused: the policy is the same for every PV vCPU. */
void cpuid_guest(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    ensure_policy();
    if (leaf >= XEN_LEAF_BASE && leaf < XEN_LEAF_BASE + 0x200) {
        memset(out, 0, 4 * sizeof(uint32_t));
        if (leaf - XEN_LEAF_BASE <= XEN_LEAF_LIMIT)
            xen_leaves(leaf - XEN_LEAF_BASE, sub, out);
        return;
    }
    policy_leaf(leaf, sub, out);
}

bool cpuid_faulting_available(void)
{
    uint32_t r[4];
    unsigned family, model;

    if (cpuid_vendor() != CPU_VENDOR_INTEL)
        return false;
    arch_cpuid(1, 0, r);
    family = (r[0] >> 8) & 0xf;
    model = ((r[0] >> 4) & 0xf) | (((r[0] >> 16) & 0xf) << 4);
    if (family != 6 || model < 0x1a)
        return false; /* no MSR_PLATFORM_INFO before Nehalem: reading it would #GP */
    return (hw_rdmsr(MSR_PLATFORM_INFO) & MSR_PLATFORM_INFO_CPUID_FAULTING) != 0;
}

void cpuid_faulting_enable(void)
{
    if (!cpuid_faulting_available())
        return;
    hw_wrmsr(MSR_MISC_FEATURES_ENABLES, hw_rdmsr(MSR_MISC_FEATURES_ENABLES) | 1);
    faulting_on = true;
}

bool cpuid_faulting_enabled(void)
{
    return faulting_on;
}
