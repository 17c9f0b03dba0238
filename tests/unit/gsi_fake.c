/* Host stand-in for the arch_gsi_* hooks (gsi_fake.h). */
#include <string.h>

#include "arch.h"
#include "gsi_fake.h"

struct gsif_state gsif;

void gsif_reset(void)
{
    memset(&gsif, 0, sizeof(gsif));
    for (unsigned g = 0; g < GSIF_NR; g++) {
        gsif.masked[g] = true;
        gsif.programmed[g] = g < 16;
    }
    gsif.level[9] = true;
    gsif.ready = true;
}

unsigned arch_gsi_count(void)
{
    return GSIF_NR;
}

bool arch_gsi_reserved(unsigned gsi)
{
    return gsi == 0 || gsi == 2 || gsi >= GSIF_NR;
}

bool arch_gsi_setup(unsigned gsi, bool level, bool active_low)
{
    (void)active_low;
    if (gsif.programmed[gsi])
        return false;
    gsif.programmed[gsi] = true;
    gsif.level[gsi] = level;
    return true;
}

bool arch_gsi_is_level(unsigned gsi)
{
    return gsif.level[gsi];
}

void arch_gsi_mask(unsigned gsi, bool masked)
{
    gsif.masked[gsi] = masked;
    gsif.unmasks[gsi] += !masked;
}

bool arch_ioapic_read(uint64_t physbase, unsigned reg, uint32_t *val)
{
    if (physbase != GSIF_IOAPIC)
        return false;
    *val = reg == 1 ? 0x170020 : 0;
    return true;
}
