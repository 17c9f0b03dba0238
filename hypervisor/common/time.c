/* TSC calibration against PIT channel 2 and conversion of TSC ticks to nanoseconds. */
#include "time.h"
#include "console.h"
#include "x86/cpu.h"

#define PIT_HZ 1193182
#define CAL_MS 20

static uint64_t tsc_khz, tsc_boot;
static uint32_t scale_mul;
static int8_t scale_shift;

/* Count TSC ticks over CAL_MS milliseconds of PIT channel 2 (gate via port 0x61). */
static uint64_t calibrate(void)
{
    unsigned count = PIT_HZ * CAL_MS / 1000;
    uint64_t t0, t1;

    outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01)); /* gate on, speaker off */
    outb(0x43, 0xb0);                                    /* channel 2, lo/hi, mode 0 */
    outb(0x42, (uint8_t)count);
    outb(0x42, (uint8_t)(count >> 8));
    t0 = rdtsc();
    while (!(inb(0x61) & 0x20))
        cpu_relax();
    t1 = rdtsc();
    return (t1 - t0) / CAL_MS;
}

/* Find shift and mul with ns = ((ticks << shift) * mul) >> 32, mul < 2^32, as in Xen. */
static void compute_scale(uint64_t khz)
{
    uint64_t tps = khz * 1000, ns = 1000000000ULL;
    int shift = 0;

    while (tps > 2 * ns) {
        tps >>= 1;
        shift--;
    }
    while (tps <= ns) {
        tps <<= 1;
        shift++;
    }
    scale_mul = (uint32_t)((ns << 32) / tps);
    scale_shift = (int8_t)shift;
}

void time_init(void)
{
    tsc_khz = calibrate();
    if (!tsc_khz)
        panic("TSC calibration failed");
    compute_scale(tsc_khz);
    tsc_boot = rdtsc();
    printk("(hv) TSC runs at %lu kHz\n", tsc_khz);
}

uint64_t time_tsc_khz(void)
{
    return tsc_khz;
}

uint64_t time_now_ns(void)
{
    uint64_t d = rdtsc() - tsc_boot;

    d = scale_shift >= 0 ? d << scale_shift : d >> -scale_shift;
    return (uint64_t)(((unsigned __int128)d * scale_mul) >> 32);
}

void time_tsc_params(uint32_t *khz, uint32_t *mul_frac, int8_t *shift)
{
    *khz = (uint32_t)tsc_khz;
    *mul_frac = scale_mul;
    *shift = scale_shift;
}
