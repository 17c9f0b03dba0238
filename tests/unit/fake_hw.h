/* Host stand-ins for the emulator's hardware (hw_access.h) and for the core hooks it calls,
 * with state the tests set up and inspect. */
#ifndef TEST_FAKE_HW_H
#define TEST_FAKE_HW_H
#include <stdint.h>

#include "domain.h"

#define FAKE_MEM_BASE 0x400000ULL /* guest memory: FAKE_MEM_PAGES pages from here */
#define FAKE_MEM_PAGES 4
#define FAKE_MAX_CPUID 40
#define FAKE_MAX_MSRS 16
#define FAKE_MAX_PORT_LOG 64

struct fake_port_access {
    uint16_t port;
    unsigned size;
    uint32_t val;
    int out;
};

struct fake_hw {
    /* Host CPUID: leaf/subleaf -> registers; missing leaves read as zero. */
    struct {
        uint32_t leaf, sub, r[4];
    } cpuid[FAKE_MAX_CPUID];
    unsigned nr_cpuid;
    /* Host MSRs: reads of a missing one fail the test (it would #GP on hardware). */
    struct {
        uint32_t idx;
        uint64_t val;
    } msr[FAKE_MAX_MSRS];
    unsigned nr_msr;
    uint64_t cr0, cr4, tsc;
    uint64_t dr[8];
    unsigned dr_writes;
    uint32_t port_in_val;
    /* PCI configuration space of function cfg_bdf (cfg non-NULL): 0xcfc-0xcff reads through the
     * last dword written to 0xcf8 (cf8) come from cfg[], others from port_in_val. */
    uint32_t cf8;
    const uint8_t *cfg;
    unsigned cfg_bdf;
    const void *mcfg; /* the ACPI MCFG table acpi_table returns, or NULL */
    struct fake_port_access ports[FAKE_MAX_PORT_LOG];
    unsigned nr_ports;
    /* Guest memory. */
    uint8_t mem[FAKE_MEM_PAGES * 4096];
    int mapped[FAKE_MEM_PAGES], writable[FAKE_MEM_PAGES];
    /* Core hooks. */
    struct vcpu *current;
    int segbase_rc, segbase_calls;
    unsigned segbase_which;
    uint64_t segbase_base;
    int hcpage_rc, hcpage_calls;
    uint64_t hcpage_mfn;
    int baseptr_rc, baseptr_calls, ldt_flushes;
    uint64_t baseptr_mfn;
    int fpu_calls;
    uint32_t tsc_khz, mul_frac;
    int8_t shift;
};

extern struct fake_hw fake;

/* Everything back to a plain Intel host with nothing mapped and no hook calls. */
void fake_reset(void);
void fake_set_cpuid(uint32_t leaf, uint32_t sub, uint32_t a, uint32_t b, uint32_t c, uint32_t d);
void fake_set_msr(uint32_t idx, uint64_t val);
uint64_t fake_get_msr(uint32_t idx);
/* Map page i of the fake guest memory (readable; writable if asked). */
void fake_map(unsigned page, int writable);
/* Put bytes into guest memory at gva (inside the fake range, mapped or not). */
void fake_poke(uint64_t gva, const void *bytes, unsigned len);
void fake_peek(uint64_t gva, void *bytes, unsigned len);

#endif
