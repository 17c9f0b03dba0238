/* Minimal ACPI reading: RSDP -> RSDT/XSDT -> MADT (processors, IO-APICs) and HPET. Firmware tables
 * live in RAM or ROM below 4 GiB; they are read through the direct map (which covers all RAM)
 * or, above it, not at all. */
#include "x86/acpi.h"
#include "lib.h"
#include "paging.h"

struct sdt_header {
    char sig[4];
    uint32_t length;
    uint8_t rev, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
} PACKED;

static const void *phys(uint64_t pa)
{
    return (const void *)(DIRECTMAP_START + pa);
}

static bool sum_ok(const void *p, size_t len)
{
    uint8_t s = 0;

    for (size_t i = 0; i < len; i++)
        s += ((const uint8_t *)p)[i];
    return s == 0;
}

/* The RSDP is on a 16-byte boundary in the EBDA's first KiB or in 0xe0000-0xfffff. */
static const uint8_t *find_rsdp(void)
{
    uint64_t ebda = (uint64_t)*(const uint16_t *)phys(0x40e) << 4;
    uint64_t ranges[2][2] = {{ebda, ebda + 1024}, {0xe0000, 0x100000}};

    for (int r = 0; r < 2; r++)
        for (uint64_t a = ranges[r][0]; a + 20 <= ranges[r][1]; a += 16)
            if (!memcmp(phys(a), "RSD PTR ", 8) && sum_ok(phys(a), 20))
                return phys(a);
    return NULL;
}

static const struct sdt_header *find_table(const uint8_t *rsdp, const char *sig)
{
    bool x = rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24);
    const struct sdt_header *root = phys(x ? *(const uint64_t *)(rsdp + 24) : *(const uint32_t *)(rsdp + 16));
    unsigned n = (root->length - sizeof(*root)) / (x ? 8 : 4);

    for (unsigned i = 0; i < n; i++) {
        const uint8_t *e = (const uint8_t *)(root + 1) + i * (x ? 8 : 4);
        uint64_t pa = x ? *(const uint64_t *)e : *(const uint32_t *)e;
        const struct sdt_header *t = phys(pa);

        if (!memcmp(t->sig, sig, 4) && sum_ok(t, t->length))
            return t;
    }
    return NULL;
}

const void *acpi_table(const char *sig)
{
    const uint8_t *rsdp = find_rsdp();

    return rsdp ? find_table(rsdp, sig) : NULL;
}

uint16_t acpi_pm_timer_port(void)
{
    const uint8_t *f = acpi_table("FACP"); /* PM_TMR_BLK: 32 bits at 76, PM_TMR_LEN at 91 */
    bool ok = f && *(const uint32_t *)(f + 4) >= 92 && f[91] == 4 && !f[78] && !f[79];

    return ok ? *(const uint16_t *)(f + 76) : 0;
}

const uint8_t *acpi_madt_entries(const uint8_t **end)
{
    const struct sdt_header *madt = acpi_table("APIC");

    if (!madt)
        return NULL;
    *end = (const uint8_t *)madt + madt->length;
    return (const uint8_t *)madt + sizeof(*madt) + 8; /* after the local APIC address and flags */
}

unsigned acpi_cpus(uint32_t *apic_ids, unsigned max)
{
    const uint8_t *end, *p = acpi_madt_entries(&end);
    unsigned n = 0;

    for (; p && p + 2 <= end && p[1] >= 2; p += p[1])
        if (p[0] == 0 && (p[4] & 1) && n < max) /* processor local APIC, enabled */
            apic_ids[n++] = p[3];
    return n;
}
