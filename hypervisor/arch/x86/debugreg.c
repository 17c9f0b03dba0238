/* Guest DR0-DR7: validation as Xen's set_debugreg, hardware loading, emulated I/O breakpoints. */
#include "x86/debugreg.h"
#include "pv-abi/errno.h"
#include "x86/hw_access.h"
#include "guest_access.h"

#define DR7_ACTIVE 0xffu      /* L0-L3 / G0-G3 enable bits */
#define DR7_GD (1u << 13)     /* general detect: never for guests */
#define DR7_ZEROS 0x0000d800u /* forced to 0: reserved, and RTM (bit 11: no TSX for guests) */
#define DR7_ONES 0x00000400u  /* reserved bit forced to 1 */
#define DR7_TYPE_IO 2u        /* R/W field 10b: I/O breakpoint (needs CR4.DE) */
#define DR6_ONES 0xffff0ff0u  /* read as 1: reserved, RTM and bus-lock (guests have neither) */
#define DR6_ZEROS 0x00001000u /* reserved bit that reads as 0 */
#define DR6_HITS 0xfu         /* B0-B3 */

static bool is_current(const struct vcpu *v)
{
    return v == current_vcpu();
}

/* Reserved bits read as the hardware has them; so a zeroed register reads as its reset value. */
static uint32_t dr6_adjust(uint32_t dr6)
{
    return (dr6 | DR6_ONES) & ~DR6_ZEROS;
}

static uint32_t dr7_adjust(uint32_t dr7)
{
    return (dr7 & ~DR7_ZEROS) | DR7_ONES;
}

/* DR0-DR3 may point anywhere canonical outside the hypervisor's range (Xen's __addr_ok). */
static long set_addr(struct vcpu *v, unsigned reg, uint64_t value)
{
    if (!guest_range_ok(value, 1))
        return -PV_EPERM;
    v->debugreg[reg] = value;
    if (is_current(v))
        hw_write_dr(reg, value);
    return 0;
}

static long set_dr6(struct vcpu *v, uint64_t value)
{
    if (value != (uint32_t)value)
        return -PV_EINVAL;
    v->debugreg[6] = dr6_adjust((uint32_t)value);
    if (is_current(v))
        hw_write_dr(6, v->debugreg[6]);
    return 0;
}

/* Enable bits of the breakpoints of type I/O, or -PV_EPERM if I/O breakpoints are not allowed. */
static long dr7_io_enables(const struct vcpu *v, uint32_t dr7)
{
    uint32_t io = 0;

    for (unsigned i = 0; i < 4; i++) {
        if (((dr7 >> (16 + 4 * i)) & 3) != DR7_TYPE_IO)
            continue;
        if (!debugreg_cr4_de(v))
            return -PV_EPERM;
        io |= dr7 & (3u << (2 * i));
    }
    return io;
}

static long set_dr7(struct vcpu *v, uint64_t value)
{
    uint32_t dr7, old = (uint32_t)v->debugreg[7];
    long io = 0;

    if (value != (uint32_t)value)
        return -PV_EINVAL;
    dr7 = dr7_adjust((uint32_t)value);
    if (dr7 & DR7_GD)
        return -PV_EPERM;
    if (dr7 & DR7_ACTIVE)
        io = dr7_io_enables(v, dr7);
    if (io < 0)
        return io;
    v->debugreg[DEBUGREG_SLOT_DR7_IO] = (uint64_t)io;
    v->debugreg[7] = dr7 & ~(uint32_t)io;
    if (is_current(v) && (v->debugreg[7] & DR7_ACTIVE) && !(old & DR7_ACTIVE))
        debugreg_load(v); /* DR0-3 and DR6 were not loaded while DR7 was off */
    else if (is_current(v))
        hw_write_dr(7, v->debugreg[7]);
    return 0;
}

long debugreg_set(struct vcpu *v, unsigned reg, uint64_t value)
{
    if ((reg == 4 || reg == 5) && debugreg_cr4_de(v))
        return -PV_ENODEV;
    switch (reg) {
    case 0 ... 3:
        return set_addr(v, reg, value);
    case 4:
    case 6:
        return set_dr6(v, value);
    case 5:
    case 7:
        return set_dr7(v, value);
    }
    return -PV_ENODEV;
}

long debugreg_get(struct vcpu *v, unsigned reg, uint64_t *value)
{
    if (reg > 7 || ((reg == 4 || reg == 5) && debugreg_cr4_de(v)))
        return -PV_ENODEV;
    *value = reg < 4 ? v->debugreg[reg]
             : reg == 4 || reg == 6
                 ? dr6_adjust((uint32_t)v->debugreg[6])
                 : dr7_adjust((uint32_t)v->debugreg[7]) | v->debugreg[DEBUGREG_SLOT_DR7_IO];
    return 0;
}

void debugreg_load(struct vcpu *v)
{
    if (!(v->debugreg[7] & DR7_ACTIVE)) {
        hw_write_dr(7, 0);
        return;
    }
    for (unsigned i = 0; i < 4; i++)
        hw_write_dr(i, v->debugreg[i]);
    hw_write_dr(6, dr6_adjust((uint32_t)v->debugreg[6]));
    hw_write_dr(7, v->debugreg[7]);
}

void debugreg_merge_dr6(struct vcpu *v, uint32_t hits)
{
    uint32_t positive = dr6_adjust((uint32_t)v->debugreg[6]) ^ DR6_ONES;

    positive = (positive & ~DR6_HITS) | hits;
    v->debugreg[6] = dr6_adjust(positive ^ DR6_ONES);
}

/* Breakpoint length from the DR7 LEN field: 00b 1, 01b 2, 11b 4, 10b 8 bytes. */
static unsigned bp_width(uint32_t dr7, unsigned i)
{
    static const unsigned width[4] = {1, 2, 8, 4};

    return width[(dr7 >> (18 + 4 * i)) & 3];
}

unsigned debugreg_io_match(const struct vcpu *v, unsigned port, unsigned len)
{
    uint32_t io = (uint32_t)v->debugreg[DEBUGREG_SLOT_DR7_IO];
    unsigned hits = 0;

    if (!io || !debugreg_cr4_de(v))
        return 0;
    for (unsigned i = 0; i < 4; i++) {
        unsigned width = bp_width((uint32_t)v->debugreg[7], i);
        uint64_t start = v->debugreg[i] & ~(uint64_t)(width - 1);

        if ((io & (3u << (2 * i))) && start < port + len && start + width > port)
            hits |= 1u << i;
    }
    return hits;
}

bool debugreg_cr4_de(const struct vcpu *v)
{
    return v->debugreg[DEBUGREG_SLOT_CR4_DE] != 0;
}

void debugreg_set_cr4_de(struct vcpu *v, bool on)
{
    v->debugreg[DEBUGREG_SLOT_CR4_DE] = on;
}
