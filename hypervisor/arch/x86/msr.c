/* The PV guest's MSRs: one table row per MSR or range, saying who may touch it and how. */
#include "x86/msr.h"
#include "pv-abi/arch_x86.h"
#include "x86/cpu.h"
#include "x86/cpuid.h"
#include "x86/hw_access.h"
#include "x86/segbase.h"

#define MSR_TSC 0x10u
#define MSR_APIC_BASE 0x1bu
#define MSR_FEATURE_CONTROL 0x3au
#define MSR_PRED_CMD 0x49u
#define MSR_UCODE_REV 0x8bu
#define MSR_MCG_CAP 0x179u
#define MSR_DEBUGCTL 0x1d9u
#define MSR_MISC_ENABLE 0x1a0u
#define MSR_PAT 0x277u
#define MSR_MC0_CTL 0x400u

#define APIC_BASE_DEFAULT 0xfee00000ULL
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_ENABLE (1ULL << 11)
#define FEATURE_CONTROL_LOCK 1ULL
#define PLATFORM_INFO_CPUID_FAULTING (1ULL << 31)
#define MISC_FEATURES_CPUID_FAULTING 1ULL
#define PRED_CMD_IBPB 1ULL
/* MISC_ENABLE as Xen shows it: no perfmon, MONITOR, BTS, PEBS or xTPR. */
#define MISC_ENABLE_HIDE ((1ULL << 7) | (1ULL << 18))
#define MISC_ENABLE_SHOW ((1ULL << 11) | (1ULL << 12) | (1ULL << 23))
/* EFER bits shown: SCE LME LMA NXE LMSLE FFXSE TCE (not SVME, AIBRSE or unknown ones). */
#define EFER_SHOWN 0x0000ed01ULL
/* Xen's PAT (WB, WT, UC-, UC, WC, WP, UC, UC): the ABI PV guests build page tables against. */
#define XEN_PAT 0x0000050100070406ULL
/* Two machine-check banks, as Xen emulates; Intel adds MCG_TES_P and MCG_SER_P. */
#define MC_BANKS 2
#define MCG_CAP_INTEL ((1ULL << 11) | (1ULL << 24))
#define DE_CFG_LFENCE_SERIALISE (1ULL << 1)

enum { V_INTEL = 1, V_AMD = 2, V_OTHER = 4, V_ANY = 7 };

typedef int msr_read_fn(struct vcpu *v, uint32_t idx, uint64_t *val);
typedef int msr_write_fn(struct vcpu *v, uint32_t idx, uint64_t val);

/* How a rule reads: RD(fn), RD_CONST(value) or RD_GP; a NULL write raises #GP. */
struct msr_rule {
    uint32_t first, last;
    uint8_t vendors;
    msr_read_fn *read; /* NULL: the constant `value` */
    uint64_t value;
    msr_write_fn *write;
};
#define RD(fn) fn, 0
#define RD_CONST(v) NULL, v
#define RD_ZERO RD_CONST(0)
#define RD_GP rd_gp, 0

static int rd_gp(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    return -1;
}

static int wr_ignore(struct vcpu *v, uint32_t idx, uint64_t val)
{
    return 0;
}

static int rd_tsc(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    *val = arch_rdtsc();
    return 0;
}

/* DEBUGCTL (no LBR, BTF or BTS for PV guests): reads 0, only 0 may be written (Xen >= 4.18;
 * 4.17 faulted the read, which broke guests that save and restore it). */
static int wr_debugctl(struct vcpu *v, uint32_t idx, uint64_t val)
{
    return val ? -1 : 0;
}

/* Linux PV reads APIC_BASE: enabled, at the default address, BSP on vCPU 0. */
static int rd_apic_base(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    *val = APIC_BASE_DEFAULT | APIC_BASE_ENABLE | (v->id == 0 ? APIC_BASE_BSP : 0);
    return 0;
}

static int wr_pred_cmd(struct vcpu *v, uint32_t idx, uint64_t val)
{
    if (!cpuid_guest_has(CPUID_F_IBPB) || (val & ~PRED_CMD_IBPB))
        return -1;
    if (val)
        hw_wrmsr(idx, val);
    return 0;
}

static int rd_hw(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    *val = hw_rdmsr(idx);
    return 0;
}

/* Intel documents writing 0 before reading the microcode revision. */
static int wr_ucode_rev(struct vcpu *v, uint32_t idx, uint64_t val)
{
    return cpuid_vendor() == CPU_VENDOR_INTEL && val == 0 ? 0 : -1;
}

static int rd_platform_info(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    *val = cpuid_faulting_enabled() ? PLATFORM_INFO_CPUID_FAULTING : 0;
    return 0;
}

static int rd_misc_features(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    *val = v->cpuid_faulting ? MISC_FEATURES_CPUID_FAULTING : 0;
    return 0;
}

static int wr_misc_features(struct vcpu *v, uint32_t idx, uint64_t val)
{
    uint64_t allowed = cpuid_faulting_enabled() ? MISC_FEATURES_CPUID_FAULTING : 0;

    if (val & ~allowed)
        return -1;
    v->cpuid_faulting = (val & MISC_FEATURES_CPUID_FAULTING) != 0;
    return 0;
}

static int rd_mcg_cap(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    *val = MC_BANKS | (cpuid_vendor() == CPU_VENDOR_INTEL ? MCG_CAP_INTEL : 0);
    return 0;
}

/* Banks 0-1 of 4 MSRs each (CTL, STATUS, ADDR, MISC); no error is ever injected, so only CTL
 * reads non-zero (all ones). Banks past the second read as zero and ignore writes. */
static int rd_mc_bank(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    unsigned bank = (idx - MSR_MC0_CTL) / 4;

    *val = (bank < MC_BANKS && (idx & 3) == 0) ? ~0ULL : 0;
    return 0;
}

static int wr_mc_bank(struct vcpu *v, uint32_t idx, uint64_t val)
{
    unsigned bank = (idx - MSR_MC0_CTL) / 4;

    if (bank < MC_BANKS && (idx & 3) >= 2 && val == ~0ULL)
        return -1; /* all ones in ADDR or MISC faults, as on hardware */
    return 0;
}

static int rd_misc_enable(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    *val = (hw_rdmsr(MSR_MISC_ENABLE) & ~MISC_ENABLE_HIDE) | MISC_ENABLE_SHOW;
    return 0;
}

static uint64_t guest_efer(void)
{
    return hw_rdmsr(MSR_EFER) & EFER_SHOWN;
}

static int rd_efer(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    *val = guest_efer();
    return 0;
}

/* Linux writes back the value it read; any change faults. */
static int wr_efer(struct vcpu *v, uint32_t idx, uint64_t val)
{
    return val == guest_efer() ? 0 : -1;
}

/* The guest's active GS base sits in hardware SHADOW_GS_BASE while the hypervisor runs (its
 * entry did swapgs); the inactive (user) one is v->gs_base_user. */
static int rd_segbase(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    *val = idx == MSR_FS_BASE   ? hw_rdmsr(MSR_FS_BASE)
           : idx == MSR_GS_BASE ? hw_rdmsr(MSR_SHADOW_GS_BASE)
                                : v->gs_base_user;
    return 0;
}

/* Run from guest kernel mode: GS_BASE is the kernel's base, SHADOW_GS_BASE the user's. */
static int wr_segbase(struct vcpu *v, uint32_t idx, uint64_t val)
{
    unsigned which = idx == MSR_GS_BASE          ? PV_SEGBASE_GS_KERNEL
                     : idx == MSR_SHADOW_GS_BASE ? PV_SEGBASE_GS_USER
                                                 : PV_SEGBASE_FS;

    if (!is_canonical(val))
        return -1;
    return segbase_set(v, which, val) ? -1 : 0;
}

bool msr_has_tsc_aux(void)
{
    return cpuid_guest_has(CPUID_F_RDTSCP) || cpuid_guest_has(CPUID_F_RDPID);
}

static int rd_tsc_aux(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    if (!msr_has_tsc_aux())
        return -1;
    *val = v->tsc_aux;
    return 0;
}

/* The hardware TSC_AUX holds the running vCPU's value, for native RDTSCP and RDPID. */
static int wr_tsc_aux(struct vcpu *v, uint32_t idx, uint64_t val)
{
    if (!msr_has_tsc_aux() || val != (uint32_t)val)
        return -1;
    v->tsc_aux = val;
    hw_wrmsr(idx, val);
    return 0;
}

void msr_load(struct vcpu *v)
{
    if (msr_has_tsc_aux())
        hw_wrmsr(MSR_TSC_AUX, (uint32_t)v->tsc_aux);
}

/* Write (mfn << 12) | page index; only index 0 exists. Reads as zero. */
static int wr_hypercall_page(struct vcpu *v, uint32_t idx, uint64_t val)
{
    if (val & (PAGE_SIZE - 1))
        return -1;
    return hypercall_page_write(v->domain, val >> PAGE_SHIFT) ? -1 : 0;
}

/* Everything not listed raises #GP, as do SPEC_CTRL, ARCH_CAPABILITIES, FLUSH_CMD, XSS, the
 * x2APIC range, SYSCALL/SYSENTER MSRs and the AMD DR masks, whose features are hidden. */
static const struct msr_rule rules[] = {
    {MSR_TSC, MSR_TSC, V_ANY, RD(rd_tsc), NULL},
    {MSR_APIC_BASE, MSR_APIC_BASE, V_ANY, RD(rd_apic_base), NULL},
    {MSR_FEATURE_CONTROL, MSR_FEATURE_CONTROL, V_INTEL, RD_CONST(FEATURE_CONTROL_LOCK), NULL},
    {MSR_PRED_CMD, MSR_PRED_CMD, V_ANY, RD_GP, wr_pred_cmd},
    {MSR_UCODE_REV, MSR_UCODE_REV, V_INTEL | V_AMD, RD(rd_hw), wr_ucode_rev},
    {0xc1, 0xc8, V_INTEL, RD_ZERO, wr_ignore}, /* perf counters: no vPMU */
    {MSR_PLATFORM_INFO, MSR_PLATFORM_INFO, V_ANY, RD(rd_platform_info), NULL},
    {0xe7, 0xe8, V_ANY, RD_GP, wr_ignore}, /* MPERF, APERF */
    {MSR_MISC_FEATURES_ENABLES, MSR_MISC_FEATURES_ENABLES, V_ANY, RD(rd_misc_features),
     wr_misc_features},
    {MSR_MCG_CAP, MSR_MCG_CAP, V_ANY, RD(rd_mcg_cap), NULL},
    {0x17a, 0x17b, V_ANY, RD_ZERO, wr_ignore},   /* MCG_STATUS, MCG_CTL */
    {0x186, 0x189, V_INTEL, RD_ZERO, wr_ignore}, /* perf event selects */
    {0x198, 0x198, V_INTEL, RD_ZERO, NULL},      /* PERF_STATUS */
    {0x199, 0x199, V_INTEL, RD_ZERO, wr_ignore}, /* PERF_CTL */
    {0x19a, 0x19a, V_INTEL, RD_GP, wr_ignore},   /* THERM_CONTROL */
    {0x19c, 0x19c, V_INTEL, RD_ZERO, NULL},      /* THERM_STATUS */
    {MSR_MISC_ENABLE, MSR_MISC_ENABLE, V_INTEL, RD(rd_misc_enable),
     wr_ignore},                               /* writes: Xen drops them */
    {0x1b0, 0x1b0, V_INTEL, RD_GP, wr_ignore}, /* ENERGY_PERF_BIAS */
    {MSR_DEBUGCTL, MSR_DEBUGCTL, V_ANY, RD_ZERO, wr_debugctl},
    {MSR_PAT, MSR_PAT, V_ANY, RD_CONST(XEN_PAT), NULL},
    {0x280, 0x29f, V_ANY, RD_ZERO, wr_ignore},   /* MCi_CTL2 */
    {0x309, 0x30b, V_INTEL, RD_ZERO, wr_ignore}, /* fixed counters */
    {0x345, 0x345, V_ANY, RD_ZERO, NULL},        /* PERF_CAPABILITIES: none */
    {0x38d, 0x390, V_INTEL, RD_ZERO, wr_ignore}, /* fixed/global counter control */
    {MSR_MC0_CTL, 0x47f, V_ANY, RD(rd_mc_bank), wr_mc_bank},
    {MSR_HYPERCALL_PAGE, MSR_HYPERCALL_PAGE, V_ANY, RD_ZERO, wr_hypercall_page},
    {MSR_EFER, MSR_EFER, V_ANY, RD(rd_efer), wr_efer},
    {MSR_FS_BASE, MSR_SHADOW_GS_BASE, V_ANY, RD(rd_segbase), wr_segbase},
    {MSR_TSC_AUX, MSR_TSC_AUX, V_ANY, RD(rd_tsc_aux), wr_tsc_aux},
    {0xc0010000, 0xc0010007, V_AMD, RD_ZERO, wr_ignore}, /* K7 perf counters */
    {0xc0010015, 0xc0010015, V_AMD, RD_ZERO, wr_ignore}, /* HWCR */
    {0xc001001f, 0xc001001f, V_AMD, RD_ZERO, wr_ignore}, /* NB_CFG */
    {0xc0010041, 0xc0010042, V_AMD, RD_ZERO, wr_ignore}, /* FID/VID control and status */
    {0xc0010058, 0xc0010058, V_AMD, RD_ZERO, wr_ignore}, /* MMIO_CONF_BASE */
    {0xc0010061, 0xc001006b, V_AMD, RD_ZERO, wr_ignore}, /* P-state limit/control/status */
    {0xc0010200, 0xc001020b, V_AMD, RD_ZERO, wr_ignore}, /* Fam15h perf counters */
    {0xc0011029, 0xc0011029, V_AMD, RD_CONST(DE_CFG_LFENCE_SERIALISE), wr_ignore}, /* DE_CFG */
};

static const struct msr_rule *find_rule(uint32_t idx)
{
    enum cpu_vendor vendor = cpuid_vendor();
    uint8_t mine = vendor == CPU_VENDOR_AMD     ? V_AMD
                   : vendor == CPU_VENDOR_INTEL ? V_INTEL
                                                : V_OTHER;

    for (unsigned i = 0; i < ARRAY_SIZE(rules); i++)
        if (idx >= rules[i].first && idx <= rules[i].last)
            return (rules[i].vendors & mine) ? &rules[i] : NULL;
    return NULL;
}

int msr_guest_read(struct vcpu *v, uint32_t idx, uint64_t *val)
{
    const struct msr_rule *rule = find_rule(idx);

    if (!rule)
        return -1;
    *val = rule->value;
    return rule->read ? rule->read(v, idx, val) : 0;
}

int msr_guest_write(struct vcpu *v, uint32_t idx, uint64_t val)
{
    const struct msr_rule *rule = find_rule(idx);

    return !rule || !rule->write ? -1 : rule->write(v, idx, val);
}
