/* Host fakes for hw_access.h and the core hooks the emulator calls (see fake_hw.h). */
#include <stdlib.h>
#include <string.h>

#include "pv-abi/errno.h"
#include "fake_hw.h"
#include "x86/fpu.h"
#include "guest_access.h"
#include "x86/hw_access.h"
#include "x86/msr.h"
#include "ioport.h"
#include "mm_baseptr.h"
#include "x86/acpi.h"
#include "x86/apic.h"
#include "x86/pci.h"
#include "console.h"
#include "paging.h"
#include "smp.h"
#include "x86/segbase.h"
#include "x86/desc_tables.h"

/* Declared by cpuid.h; provided by the core's time code in the hypervisor. */
void time_tsc_params(uint32_t *tsc_khz, uint32_t *mul_frac, int8_t *shift);

struct fake_hw fake;

void fake_reset(void)
{
    memset(&fake, 0, sizeof(fake));
    fake.cr0 = 0x80050033; /* PG WP NE ET MP PE */
    fake.cr4 = 0x6f0;      /* PAE MCE PGE OSFXSR OSXMMEXCPT (and TSD clear) */
    fake.tsc = 0x123456789abcULL;
    fake.tsc_khz = 2500000;
    fake.mul_frac = 0xcccccccc;
    fake.shift = -1;
}

void fake_set_cpuid(uint32_t leaf, uint32_t sub, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    for (unsigned i = 0; i < fake.nr_cpuid; i++) {
        if (fake.cpuid[i].leaf == leaf && fake.cpuid[i].sub == sub) {
            fake.cpuid[i] = (typeof(fake.cpuid[0])){leaf, sub, {a, b, c, d}};
            return;
        }
    }
    if (fake.nr_cpuid == FAKE_MAX_CPUID)
        abort();
    fake.cpuid[fake.nr_cpuid++] = (typeof(fake.cpuid[0])){leaf, sub, {a, b, c, d}};
}

void fake_set_msr(uint32_t idx, uint64_t val)
{
    for (unsigned i = 0; i < fake.nr_msr; i++) {
        if (fake.msr[i].idx == idx) {
            fake.msr[i].val = val;
            return;
        }
    }
    if (fake.nr_msr == FAKE_MAX_MSRS)
        abort();
    fake.msr[fake.nr_msr].idx = idx;
    fake.msr[fake.nr_msr++].val = val;
}

uint64_t fake_get_msr(uint32_t idx)
{
    for (unsigned i = 0; i < fake.nr_msr; i++)
        if (fake.msr[i].idx == idx)
            return fake.msr[i].val;
    abort(); /* the hypervisor read an MSR the host does not have: a #GP in ring 0 */
}

void fake_map(unsigned page, int writable)
{
    fake.mapped[page] = 1;
    fake.writable[page] = writable;
}

void fake_poke(uint64_t gva, const void *bytes, unsigned len)
{
    memcpy(fake.mem + (gva - FAKE_MEM_BASE), bytes, len);
}

void fake_peek(uint64_t gva, void *bytes, unsigned len)
{
    memcpy(bytes, fake.mem + (gva - FAKE_MEM_BASE), len);
}

/* hw_access.h */

uint64_t hw_rdmsr(uint32_t msr)
{
    return fake_get_msr(msr);
}

void hw_wrmsr(uint32_t msr, uint64_t val)
{
    fake_set_msr(msr, val);
}

void arch_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    memset(out, 0, 4 * sizeof(uint32_t));
    for (unsigned i = 0; i < fake.nr_cpuid; i++)
        if (fake.cpuid[i].leaf == leaf && fake.cpuid[i].sub == sub)
            memcpy(out, fake.cpuid[i].r, 4 * sizeof(uint32_t));
}

uint64_t hw_read_cr0(void)
{
    return fake.cr0;
}

uint64_t hw_read_cr4(void)
{
    return fake.cr4;
}

void hw_write_cr4(uint64_t val)
{
    fake.cr4 = val;
}

uint64_t arch_rdtsc(void)
{
    return fake.tsc;
}

uint32_t arch_port_in(uint16_t port, unsigned size)
{
    struct fake_port_access a = {port, size, fake.port_in_val, 0};

    uint32_t v = 0;

    if (fake.cfg && port >= 0xcfc && port + size <= 0xd00 && (fake.cf8 >> 31) &&
        ((fake.cf8 >> 8) & 0xffff) == fake.cfg_bdf)
        memcpy(&v, fake.cfg + (fake.cf8 & 0xfc) + (port & 3), size);
    else
        v = fake.port_in_val;
    a.val = v;
    if (fake.nr_ports < FAKE_MAX_PORT_LOG)
        fake.ports[fake.nr_ports++] = a;
    return v;
}

void arch_port_out(uint16_t port, unsigned size, uint32_t val)
{
    struct fake_port_access a = {port, size, val, 1};

    if (port == 0xcf8 && size == 4)
        fake.cf8 = val;
    if (fake.nr_ports < FAKE_MAX_PORT_LOG)
        fake.ports[fake.nr_ports++] = a;
}

void hw_write_dr(unsigned reg, uint64_t val)
{
    fake.dr[reg & 7] = val;
    fake.dr_writes++;
}

/* guest_access.h: a flat window of FAKE_MEM_PAGES pages; everything else faults. */

static int fake_copy(uint64_t gva, void *buf, size_t len, int write)
{
    for (size_t i = 0; i < len; i++) {
        uint64_t a = gva + i, page = (a - FAKE_MEM_BASE) / 4096;

        if (a < FAKE_MEM_BASE || page >= FAKE_MEM_PAGES || !fake.mapped[page])
            return -PV_EFAULT;
        if (write && !fake.writable[page])
            return -PV_EFAULT;
    }
    if (write)
        memcpy(fake.mem + (gva - FAKE_MEM_BASE), buf, len);
    else
        memcpy(buf, fake.mem + (gva - FAKE_MEM_BASE), len);
    return 0;
}

int guest_copy_from(void *dst, guest_handle src, size_t len)
{
    return fake_copy(src.gva, dst, len, 0);
}

int guest_copy_to(guest_handle dst, const void *src, size_t len)
{
    return fake_copy(dst.gva, (void *)src, len, 1);
}

/* Core hooks. */

struct vcpu *current_vcpu(void)
{
    return fake.current;
}

int segbase_set(struct vcpu *v, unsigned which, uint64_t base)
{
    (void)v;
    fake.segbase_calls++;
    fake.segbase_which = which;
    fake.segbase_base = base;
    return fake.segbase_rc;
}

int hypercall_page_write(struct domain *d, uint64_t mfn)
{
    (void)d;
    fake.hcpage_calls++;
    fake.hcpage_mfn = mfn;
    return fake.hcpage_rc;
}

void vcpu_fpu_taskswitch(struct vcpu *v, bool set)
{
    fake.fpu_calls++;
    v->guest_ts = set;
}

int mm_new_baseptr(struct vcpu *v, uint64_t mfn)
{
    fake.baseptr_calls++;
    fake.baseptr_mfn = mfn;
    if (!fake.baseptr_rc)
        v->kernel_l4_mfn = mfn;
    return fake.baseptr_rc;
}

void time_tsc_params(uint32_t *tsc_khz, uint32_t *mul_frac, int8_t *shift)
{
    *tsc_khz = fake.tsc_khz;
    *mul_frac = fake.mul_frac;
    *shift = fake.shift;
}

/* The privileged domain may use ports 0x80-0x8f, to exercise the pass-through path. */
bool domain_ioport_allowed(struct domain *d, unsigned port, unsigned size)
{
    return d->privileged && port >= 0x80 && port + size <= 0x90;
}

void desc_ldt_flush(struct vcpu *v)
{
    (void)v;
    fake.ldt_flushes++;
}

/* pci.c's neighbours: ACPI has only the MCFG a test gives; MSI-X entries and extended
 * configuration space (the hypervisor's own mapping) are not written in these tests. */
const void *acpi_table(const char *sig)
{
    return strcmp(sig, "MCFG") ? NULL : fake.mcfg;
}

void printk(const char *fmt, ...)
{
    (void)fmt;
}

void paging_map_hv(uint64_t va, uint64_t mfn, uint64_t flags)
{
}

uint32_t apic_id(void)
{
    return 0;
}

uint32_t smp_apic_id(unsigned cpu)
{
    return cpu;
}
