/* System time from the TSC (calibrated against the ACPI PM timer or PIT channel 2), its
 * publication to vCPUs as Xen's vcpu_time_info, and the wallclock read from the CMOS RTC
 * (time.h). */
#include "time.h"
#include "console.h"
#include "domain.h"
#include "arch.h"
#include "lib.h"
#include "pv-abi/shared_info.h"

#define PIT_HZ 1193182
#define PMTMR_HZ 3579545
#define NS_PER_SEC 1000000000UL
#define CPUID_INVARIANT_TSC (1u << 8) /* leaf 0x80000007 EDX */
#define RTC_UIP 0x80                  /* status A: update in progress */
#define RTC_BINARY 0x04               /* status B: binary, not BCD */
#define RTC_24H 0x02                  /* status B: 24-hour clock */

static uint64_t tsc_khz, tsc_boot;
static struct time_scale scale;
static unsigned grid_bits;  /* stamps are tsc_boot + multiples of 2^grid_bits */
static bool tsc_invariant;  /* the TSC_STABLE flag guests see */
static uint64_t wc_boot_ns; /* time of day (ns since the epoch) at system time 0 */

static uint16_t pmtmr_port; /* [boot] the ACPI PM timer's, 0: PIT channel 2 */

/* The calibration's reference clock as an up-counter: the PM timer (24 bits) or PIT channel 2
 * (16, counting down in mode 2 from 65536: its count latched and complemented). */
static uint32_t ref_read(void)
{
    uint32_t lo;

    if (pmtmr_port)
        return arch_port_in(pmtmr_port, 4);
    arch_port_out(0x43, 1, 0x80);
    lo = arch_port_in(0x42, 1); /* low byte first */
    return ~(lo | arch_port_in(0x42, 1) << 8);
}

uint32_t time_tight(uint32_t (*read)(void), uint64_t *tsc)
{
    uint64_t gap = ~0ULL;
    uint32_t count = 0;

    for (unsigned n = 0; n < 64; n++) {
        uint64_t t0 = arch_rdtsc(), t1;
        uint32_t v = read();

        t1 = arch_rdtsc();
        if (t1 - t0 < gap) {
            gap = t1 - t0;
            *tsc = t0 + gap / 2;
            count = v;
        }
    }
    return count;
}

/* TSC ticks per ms over 50 ms of the PM timer (25 of the PIT, under its 55 ms wrap), each end
 * a tight reading: a stall of the emulator or of its host (a loaded machine) cannot stretch
 * the interval as it did the end of a polled one. */
static uint64_t calibrate(void)
{
    uint64_t hz = pmtmr_port ? PMTMR_HZ : PIT_HZ, t0 = 0, t1 = 0;
    uint32_t mask = pmtmr_port ? 0xffffff : 0xffff, c0, c1;

    arch_port_out(0x61, 1, (arch_port_in(0x61, 1) & ~0x02u) | 0x01); /* PIT: gate on, speaker off */
    arch_port_out(0x43, 1, 0xb4); /* channel 2, lo/hi, mode 2 (rate), from 65536 */
    arch_port_out(0x42, 1, 0);
    arch_port_out(0x42, 1, 0);
    c0 = time_tight(ref_read, &t0);
    while (((ref_read() - c0) & mask) < hz / (pmtmr_port ? 20 : 40))
        ;
    c1 = time_tight(ref_read, &t1);
    return (t1 - t0) * hz / ((uint64_t)((c1 - c0) & mask) * 1000);
}

void time_scale_for(uint64_t tps, struct time_scale *s)
{
    int shift = 0;

    /* Bring the rate into (1e9, 2e9] ticks per second, so that mul_frac < 2^32. */
    while (tps > 2 * NS_PER_SEC) {
        tps >>= 1;
        shift--;
    }
    while (tps <= NS_PER_SEC) {
        tps <<= 1;
        shift++;
    }
    s->mul_frac = (uint32_t)((NS_PER_SEC << 32) / tps);
    s->shift = (int8_t)shift;
}

uint64_t time_scale_delta(uint64_t delta, const struct time_scale *s)
{
    delta = s->shift >= 0 ? delta << s->shift : delta >> -s->shift;
    return (uint64_t)(((unsigned __int128)delta * s->mul_frac) >> 32);
}

/* F(tsc0 + a + b) = F(tsc0 + a) + scale(b) exactly when the shifted a times mul_frac is a
 * multiple of 2^32 (and, shifting right, a loses no bits): a multiple of 2^grid. The spacing
 * is (mul_frac without its trailing zeros) ns, below 2^32 ns. */
unsigned time_stamp_grid_bits(const struct time_scale *s)
{
    unsigned frac = s->mul_frac ? 32 - (unsigned)__builtin_ctz(s->mul_frac) : 0;

    return s->shift < 0 ? (unsigned)-s->shift + frac
                        : frac > (unsigned)s->shift ? frac - (unsigned)s->shift : 0;
}

uint64_t time_now_ns(void)
{
    return time_scale_delta(arch_rdtsc() - tsc_boot, &scale);
}

uint64_t time_tsc_khz(void)
{
    return tsc_khz;
}

void time_tsc_params(uint32_t *khz, uint32_t *mul_frac, int8_t *shift)
{
    *khz = (uint32_t)tsc_khz;
    *mul_frac = scale.mul_frac;
    *shift = scale.shift;
}

/* The latest grid point at or before tsc. */
static uint64_t stamp_tsc(uint64_t tsc)
{
    return tsc_boot + ((tsc - tsc_boot) & ~((1ULL << grid_bits) - 1));
}

void time_publish(struct vcpu *v)
{
    struct pv_vcpu_time_info *u = &v->vcpu_info->time;
    uint64_t stamp = stamp_tsc(arch_rdtsc());
    uint32_t ver = (u->version + 1) | 1; /* Xen's seqlock: odd while the record changes */

    __atomic_store_n(&u->version, ver, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE); /* the odd version first */
    u->tsc_timestamp = stamp;
    u->system_time = time_scale_delta(stamp - tsc_boot, &scale);
    u->tsc_to_system_mul = scale.mul_frac;
    u->tsc_shift = scale.shift;
    u->flags = tsc_invariant ? PV_PVCLOCK_TSC_STABLE_BIT : 0;
    u->pad0 = u->pad1[0] = u->pad1[1] = 0;
    __atomic_thread_fence(__ATOMIC_RELEASE); /* every field before the even version */
    __atomic_store_n(&u->version, ver + 1, __ATOMIC_RELAXED);
}

void time_refresh(struct vcpu *v)
{
    if (v && (v->vcpu_info->time.tsc_timestamp != stamp_tsc(arch_rdtsc()) ||
              (v->vcpu_info->time.version & 1)))
        time_publish(v);
}

void time_publish_wallclock(struct domain *d)
{
    struct pv_shared_info *s = d->shared_info;
    uint64_t sec = wc_boot_ns / NS_PER_SEC + (uint64_t)d->time_offset; /* as Xen: wraps */
    uint32_t ver = (s->wc_version + 1) | 1;

    __atomic_store_n(&s->wc_version, ver, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    s->wc_sec = (uint32_t)sec;
    s->wc_nsec = (uint32_t)(wc_boot_ns % NS_PER_SEC);
    s->wc_sec_hi = (uint32_t)(sec >> 32);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&s->wc_version, ver + 1, __ATOMIC_RELAXED);
}

void time_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t system_time)
{
    wc_boot_ns = secs * NS_PER_SEC + nsecs - system_time;
}

static unsigned month_days(unsigned year, unsigned mon)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return days[mon - 1] + (mon == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0));
}

/* Leap years in [1, y]. */
static uint64_t leaps_through(unsigned y)
{
    return y / 4 - y / 100 + y / 400;
}

uint64_t time_mktime(unsigned year, unsigned mon, unsigned day, unsigned hour, unsigned min,
                     unsigned sec)
{
    uint64_t days = 365ULL * (year - 1970) + leaps_through(year - 1) - leaps_through(1969);

    for (unsigned m = 1; m < mon; m++)
        days += month_days(year, m);
    days += day - 1;
    return ((days * 24 + hour) * 60 + min) * 60 + sec;
}

/* One RTC field: BCD unless the clock runs in binary; false for a digit above 9. */
static bool rtc_field(uint8_t raw, bool binary, unsigned *out)
{
    *out = binary ? raw : (raw >> 4) * 10u + (raw & 0xf);
    return binary || ((raw >> 4) <= 9 && (raw & 0xf) <= 9);
}

bool time_rtc_to_epoch(const struct time_rtc *r, uint64_t *secs)
{
    bool bin = r->status_b & RTC_BINARY, pm = !(r->status_b & RTC_24H) && (r->hour & 0x80);
    unsigned sec, min, hour, day, mon, year;

    if (!rtc_field(r->sec, bin, &sec) || !rtc_field(r->min, bin, &min) ||
        !rtc_field(r->hour & (r->status_b & RTC_24H ? 0xff : 0x7f), bin, &hour) ||
        !rtc_field(r->day, bin, &day) || !rtc_field(r->mon, bin, &mon) ||
        !rtc_field(r->year, bin, &year) || year > 99)
        return false;
    if (!(r->status_b & RTC_24H) && (hour < 1 || hour > 12))
        return false;
    hour = r->status_b & RTC_24H ? hour : hour % 12 + (pm ? 12 : 0);
    year += year < 70 ? 2000 : 1900;
    if (sec > 59 || min > 59 || hour > 23 || mon < 1 || mon > 12 || day < 1 ||
        day > month_days(year, mon))
        return false;
    *secs = time_mktime(year, mon, day, hour, min, sec);
    return true;
}

static uint8_t cmos_read(uint8_t reg)
{
    arch_port_out(0x70, 1, reg);
    return (uint8_t)arch_port_in(0x71, 1);
}

/* Registers read outside an update (the update-in-progress flag lasts under 2 ms). */
static void rtc_sample(struct time_rtc *r)
{
    for (unsigned i = 0; i < 1000000 && (cmos_read(0x0a) & RTC_UIP); i++)
        ;
    *r = (struct time_rtc){cmos_read(0), cmos_read(2), cmos_read(4),   cmos_read(7),
                           cmos_read(8), cmos_read(9), cmos_read(0x0b)};
}

/* The RTC's time in seconds since the epoch: two equal readings in a row. */
static bool rtc_read(uint64_t *secs)
{
    struct time_rtc a, b;

    rtc_sample(&b);
    for (unsigned i = 0; i < 8; i++) {
        a = b;
        rtc_sample(&b);
        if (!memcmp(&a, &b, sizeof(a)))
            return time_rtc_to_epoch(&b, secs);
    }
    return false;
}

void time_init(uint16_t pmtmr)
{
    uint64_t rtc, now;
    uint32_t r[4];

    pmtmr_port = pmtmr;
    tsc_khz = calibrate();
    if (!tsc_khz)
        panic("TSC calibration failed");
    time_scale_for(tsc_khz * 1000, &scale);
    grid_bits = time_stamp_grid_bits(&scale);
    tsc_boot = arch_rdtsc();
    arch_cpuid(0x80000000, 0, r);
    r[3] = 0; /* no leaf 0x80000007: not invariant */
    if (r[0] >= 0x80000007)
        arch_cpuid(0x80000007, 0, r);
    tsc_invariant = r[3] & CPUID_INVARIANT_TSC;
    now = time_now_ns();
    wc_boot_ns = rtc_read(&rtc) && rtc * NS_PER_SEC > now ? rtc * NS_PER_SEC - now : 0;
    printk("(hv) TSC runs at %lu kHz (%s), wallclock %lu s since the epoch%s\n", tsc_khz,
           tsc_invariant ? "invariant" : "not invariant", wc_boot_ns / NS_PER_SEC,
           wc_boot_ns ? "" : " (RTC unreadable)");
}
