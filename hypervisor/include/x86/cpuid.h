/* What CPUID shows a PV guest (Xen's PV policy, Xen 4.17 hypervisor leaves) and the hardware
 * CPUID faulting the hypervisor uses to intercept CPUID executed by guests. */
#ifndef HV_CPUID_H
#define HV_CPUID_H
#include "domain.h"

enum cpu_vendor { CPU_VENDOR_OTHER, CPU_VENDOR_INTEL, CPU_VENDOR_AMD };

/* Feature bits as (leaf, subleaf, register 0-3 = eax..edx, bit) for cpuid_guest_has(). */
#define CPUID_F_DE 0x00000001u, 0, 3, 2
#define CPUID_F_RDPID 0x00000007u, 0, 2, 22
#define CPUID_F_RDTSCP 0x80000001u, 0, 3, 27
#define CPUID_F_IBPB 0x80000008u, 0, 1, 12

/* Compute the PV policy from the host CPUID. The core may call it once at boot, before
 * cpuid_faulting_enable() and the first guest; cpuid_guest() calls it if nobody did. Calling it
 * again recomputes everything and forgets cpuid_faulting_enable() (unit tests). */
void cpuid_policy_init(void);
/* The guest's view of CPUID leaf/subleaf: out = {eax, ebx, ecx, edx}. */
void cpuid_guest(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t out[4]);
/* Is this feature bit set in the PV policy? (Use the CPUID_F_* spellings.) */
bool cpuid_guest_has(uint32_t leaf, uint32_t sub, unsigned reg, unsigned bit);
/* The host CPU vendor. */
enum cpu_vendor cpuid_vendor(void);

/* Hardware CPUID faulting (MSR_PLATFORM_INFO bit 31, Intel family 6 from Nehalem on): when
 * enabled, CPUID at CPL > 0 raises #GP, so guests' CPUID reaches emul_priv_op. Available only
 * where the MSR surely exists, because the hypervisor has no safe rdmsr. Enabling is per CPU:
 * the core calls cpuid_faulting_enable() on every CPU at boot (a no-op where unavailable). Only
 * then do guests see the faulting feature in their MSR_PLATFORM_INFO. */
bool cpuid_faulting_available(void);
void cpuid_faulting_enable(void);
bool cpuid_faulting_enabled(void);

/* Provided by the time code (core): the TSC frequency and the TSC-to-nanoseconds scale it
 * publishes in vcpu_time_info (tsc_to_system_mul, tsc_shift). For CPUID leaf 0x40000003. */
void time_tsc_params(uint32_t *tsc_khz, uint32_t *mul_frac, int8_t *shift);

#endif
