/* Unit tests of system time and the wallclock (hypervisor/common/time.c): Xen's TSC scale over
 * 1 MHz .. 10 GHz with its conversion error, exact stamps on the grid, the guest's formula
 * against time_now_ns(), the vcpu_time_info and wallclock seqlocks (a concurrent reader never
 * sees a torn record), the CMOS RTC decoding and the date -> epoch conversion. The hardware
 * (TSC, PIT, CMOS, CPUID) is faked here. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "console.h"
#include "domain.h"
#include "x86/hw_access.h"
#include "pv-abi/shared_info.h"
#include "time.h"

/* ---- Fake hardware ---- */

static uint64_t fake_tsc, fake_tsc_step; /* arch_rdtsc returns fake_tsc, then adds the step */
static uint8_t cmos[128];
static unsigned cmos_index, cmos_uip_reads; /* status A shows UIP for this many reads */
static unsigned cmos_reads_before_change;   /* then the clock ticks (cmos_next replaces it) */
static uint8_t cmos_next[128];
static bool cpu_invariant_tsc;
static uint32_t cpu_max_ext = 0x80000008;

uint64_t arch_rdtsc(void)
{
    return __atomic_fetch_add(&fake_tsc, fake_tsc_step, __ATOMIC_SEQ_CST);
}

/* The calibration's reference clocks, both derived from the TSC at fake_khz: the ACPI PM timer
 * at FAKE_PMTMR (3579545 Hz, starting at pm_start, pm_high in the bits above its 24) and PIT
 * channel 2 (1193182 Hz, mode 2 from 65536 since its count was written, read through its latch
 * command). Each read of one is a step of time; before it, a stall of stall_ns (a loaded host
 * descheduling the emulator between the TSC read before the reading and the reading) on every
 * stall_every-th read, or with stall_dense on every read but those. */
#define FAKE_PMTMR 0x608
static uint64_t fake_khz, fake_base, pit_start;
static uint32_t pm_start, pm_high;
static unsigned stall_every, ref_reads;
static bool stall_dense;
static uint64_t stall_ns;
static uint16_t pit_latch;
static unsigned pit_byte;

static uint64_t ref_ticks(uint64_t since, uint64_t hz)
{
    return (uint64_t)((unsigned __int128)(fake_tsc - since) * hz / (fake_khz * 1000));
}

static void ref_stall(void)
{
    if (stall_every && !(++ref_reads % stall_every) != stall_dense)
        fake_tsc += stall_ns * fake_khz / 1000000;
}

uint32_t arch_port_in(uint16_t port, unsigned size)
{
    uint32_t v;

    (void)size;
    if (port == FAKE_PMTMR) {
        ref_stall();
        v = ((uint32_t)ref_ticks(fake_base, 3579545) + pm_start) & 0xffffff;
        fake_tsc += fake_tsc_step;
        return v | pm_high;
    }
    if (port == 0x42)
        return (uint8_t)(pit_latch >> (8 * (pit_byte++ & 1)));
    if (port != 0x71)
        return 0xff;
    if (cmos_index == 0x0a)
        return cmos_uip_reads ? (cmos_uip_reads--, 0x80) : 0x26;
    if (cmos_reads_before_change && !--cmos_reads_before_change)
        memcpy(cmos, cmos_next, sizeof(cmos));
    return cmos[cmos_index];
}

void arch_port_out(uint16_t port, unsigned size, uint32_t val)
{
    (void)size;
    if (port == 0x70)
        cmos_index = val & 0x7f;
    if (port == 0x42 && (pit_byte++ & 1)) /* the count's high byte: counting starts */
        pit_start = fake_tsc;
    if (port == 0x43 && val == 0xb4)
        pit_byte = 0;
    if (port == 0x43 && val == 0x80) { /* latch channel 2 */
        ref_stall();
        pit_latch = (uint16_t)(0x10000 - ref_ticks(pit_start, 1193182) % 0x10000);
        pit_byte = 0;
        fake_tsc += fake_tsc_step;
    }
}

void arch_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    (void)sub;
    memset(out, 0, 4 * sizeof(out[0]));
    if (leaf == 0x80000000)
        out[0] = cpu_max_ext;
    if (leaf == 0x80000007 && leaf <= cpu_max_ext)
        out[3] = cpu_invariant_tsc ? 1u << 8 : 0;
}

static char last_printk[256];

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_printk, sizeof(last_printk), fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    (void)fmt;
    fail_msg("panic");
    abort();
}

/* A 2024-02-29 12:34:56 reading in BCD, 24-hour clock. */
static void cmos_set(uint8_t *c, uint8_t sec, uint8_t min, uint8_t hour, uint8_t day, uint8_t mon,
                     uint8_t year, uint8_t status_b)
{
    memset(c, 0, 128);
    c[0] = sec, c[2] = min, c[4] = hour, c[7] = day, c[8] = mon, c[9] = year, c[0x0b] = status_b;
}

/* Boot time.c on a TSC of khz kHz against the PM timer (pmtmr FAKE_PMTMR) or the PIT (0), each
 * TSC and reference read a step of 1 us (one TSC tick below 1 MHz). The boot stamp is the
 * TSC read after the calibration (boot_tsc), "now" at the RTC the next. */
#define CAL_STEP(khz) ((khz) / 1000 ? (khz) / 1000 : 1)
static uint64_t boot_tsc;

static void boot_on(uint64_t khz, uint64_t tsc0, uint16_t pmtmr)
{
    fake_tsc = fake_base = tsc0;
    fake_khz = khz;
    fake_tsc_step = CAL_STEP(khz);
    ref_reads = 0;
    time_init(pmtmr);
    boot_tsc = fake_tsc - 2 * fake_tsc_step;
    fake_tsc_step = 0;
}

static void boot_at(uint64_t khz, uint64_t tsc0)
{
    stall_every = 0;
    pm_start = pm_high = 0;
    boot_on(khz, tsc0, FAKE_PMTMR);
}

/* ---- The guest's side, written as a guest would ---- */

static uint64_t guest_now(const struct pv_vcpu_time_info *t, uint64_t tsc)
{
    uint64_t d = tsc - t->tsc_timestamp;

    d = t->tsc_shift >= 0 ? d << t->tsc_shift : d >> -t->tsc_shift;
    return t->system_time + (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
}

static const uint64_t test_hz[] = {
    1000000ULL,    1193182ULL,    3579545ULL,    14318180ULL,   25000000ULL,   100000000ULL,
    499999999ULL,  500000000ULL,  999999999ULL,  1000000000ULL, 1000000001ULL, 1500000000ULL,
    1999999999ULL, 2000000000ULL, 2000000001ULL, 2147483648ULL, 2970050000ULL, 3000000000ULL,
    3600000000ULL, 4000000001ULL, 5200000000ULL, 8000000000ULL, 9999999999ULL, 10000000000ULL};

static uint64_t rnd64(void)
{
    return ((uint64_t)rand() << 62) ^ ((uint64_t)rand() << 31) ^ (uint64_t)rand();
}

/* ---- Scale ---- */

static void test_scale_range_and_error(void **state)
{
    (void)state;
    for (unsigned i = 0; i < ARRAY_SIZE(test_hz); i++) {
        uint64_t hz = test_hz[i];
        struct time_scale s;

        time_scale_for(hz, &s);
        assert_true(s.mul_frac >= 1u << 31);
        assert_true(s.shift >= -4 && s.shift <= 10);
        /* 1 tick .. 1 hour, and random deltas up to ~12 days. */
        for (unsigned n = 0; n < 2000; n++) {
            uint64_t d = n < 40 ? (1ULL << n) : n == 40 ? hz * 3600 : rnd64() % (hz * 1000000);
            long double exact = (long double)d * 1e9L / (long double)hz;
            long double got = (long double)time_scale_delta(d, &s);
            long double err = got > exact ? got - exact : exact - got;

            /* 2^-31 from mul_frac, 1e-9 from halving the rate, 2 ns of truncation. */
            if (err > exact * 1.5e-9L + 2)
                fail_msg("%lu Hz, %lu ticks: %.1Lf ns, expected %.1Lf", hz, d, got, exact);
        }
    }
}

static void test_scale_is_xens(void **state)
{
    struct time_scale s;

    (void)state;
    time_scale_for(1000000000ULL, &s); /* 1 GHz: doubled once to 2e9, 0.5 ns per tick */
    assert_int_equal(s.shift, 1);
    assert_int_equal(s.mul_frac, 1u << 31);
    time_scale_for(2000000000ULL, &s); /* exactly 2e9: no shift */
    assert_int_equal(s.shift, 0);
    assert_int_equal(s.mul_frac, 1u << 31);
    time_scale_for(4000000000ULL, &s);
    assert_int_equal(s.shift, -1);
    assert_int_equal(s.mul_frac, 1u << 31);
    time_scale_for(1000000ULL, &s); /* 1 MHz: 1e6 << 10 = 1.024e9 */
    assert_int_equal(s.shift, 10);
    assert_int_equal(s.mul_frac, (uint32_t)((1000000000ULL << 32) / 1024000000ULL));
}

/* ---- Exact stamps ---- */

static void test_grid_splits_exactly(void **state)
{
    (void)state;
    for (unsigned i = 0; i < ARRAY_SIZE(test_hz); i++) {
        struct time_scale s;
        unsigned g;

        time_scale_for(test_hz[i], &s);
        g = time_stamp_grid_bits(&s);
        assert_true(g < 48);
        assert_true(time_scale_delta(1ULL << g, &s) <= 1ULL << 32); /* spacing <= 4.3 s */
        for (unsigned n = 0; n < 3000; n++) {
            uint64_t stamp = (rnd64() % (1ULL << 20)) << g; /* since boot */
            uint64_t x = stamp + rnd64() % (test_hz[i] * 100);

            assert_int_equal(time_scale_delta(stamp, &s) + time_scale_delta(x - stamp, &s),
                             time_scale_delta(x, &s));
        }
    }
}

static void test_guest_formula_is_time_now(void **state)
{
    static struct pv_vcpu_info vi;
    struct vcpu v = {.vcpu_info = &vi};

    (void)state;
    for (unsigned i = 0; i < ARRAY_SIZE(test_hz); i++) {
        uint64_t khz = test_hz[i] / 1000, tsc0 = rnd64() >> 4, last = 0;

        boot_at(khz, tsc0);
        for (unsigned n = 0; n < 500; n++) {
            uint64_t x;

            fake_tsc += rnd64() % (khz * 3000); /* up to 3 s later */
            time_publish(&v);
            assert_true(vi.time.tsc_timestamp <= fake_tsc);
            assert_true(fake_tsc - vi.time.tsc_timestamp < khz * 1000 * 5); /* < 5 s of ticks */
            x = fake_tsc + rnd64() % (khz * 10000); /* read up to 10 s later */
            fake_tsc = x;
            assert_int_equal(guest_now(&vi.time, x), time_now_ns());
            assert_true(guest_now(&vi.time, x) >= last); /* monotonic across republishing */
            last = guest_now(&vi.time, x);
        }
    }
}

static void test_refresh_moves_the_stamp(void **state)
{
    static struct pv_vcpu_info vi;
    struct vcpu v = {.vcpu_info = &vi};
    uint32_t ver;

    (void)state;
    boot_at(3000000, 1000);
    time_publish(&v);
    ver = vi.time.version;
    time_refresh(&v); /* same grid point: nothing written */
    assert_int_equal(vi.time.version, ver);
    fake_tsc += 3000000ULL * 1000 * 6; /* 6 s: past the next grid point */
    time_refresh(&v);
    assert_int_equal(vi.time.version, ver + 2);
    time_refresh(NULL);
}

static void test_stable_flag_follows_cpuid(void **state)
{
    static struct pv_vcpu_info vi;
    struct vcpu v = {.vcpu_info = &vi};

    (void)state;
    cpu_invariant_tsc = true;
    boot_at(2500000, 0);
    time_publish(&v);
    assert_int_equal(vi.time.flags, PV_PVCLOCK_TSC_STABLE_BIT);
    cpu_max_ext = 0x80000006; /* no power-management leaf at all */
    boot_at(2500000, 0);
    time_publish(&v);
    assert_int_equal(vi.time.flags, 0);
    cpu_max_ext = 0x80000008;
    cpu_invariant_tsc = false;
    boot_at(2500000, 0);
    time_publish(&v);
    assert_int_equal(vi.time.flags, 0);
}

/* The calibrated rate is within ppm parts per million of khz (and a kHz: a 1 MHz TSC ticks
 * once a step), and the scale published to guests is the one of that rate. */
static void assert_rate(uint64_t khz, uint64_t ppm)
{
    static struct pv_vcpu_info vi;
    struct vcpu v = {.vcpu_info = &vi};
    struct time_scale want;
    uint64_t got = time_tsc_khz(), err = got > khz ? got - khz : khz - got;

    if (err > khz * ppm / 1000000 + 1)
        fail_msg("TSC of %lu kHz calibrated at %lu kHz", (unsigned long)khz, (unsigned long)got);
    time_publish(&v);
    time_scale_for(got * 1000, &want);
    assert_int_equal(vi.time.tsc_to_system_mul, want.mul_frac);
}

/* Against the PM timer (50 ms of it: one count at each end is 6 ppm), across its 24-bit wrap
 * and with the bits a 32-bit timer has above them; against the PIT (25 ms: 34 ppm). */
static void test_calibration_against_pm_timer_and_pit(void **state)
{
    (void)state;
    for (unsigned i = 0; i < ARRAY_SIZE(test_hz); i++) {
        uint64_t khz = test_hz[i] / 1000;

        pm_start = 0xfff000;
        pm_high = 0xab000000;
        boot_on(khz, rnd64() >> 4, FAKE_PMTMR);
        assert_rate(khz, 12);
        pm_start = pm_high = 0;
        boot_on(khz, rnd64() >> 4, 0);
        assert_rate(khz, 70);
    }
}

/* A loaded host stalls the emulator: here 100 us before every reference reading but each 8th
 * (taking any other reading than the tightest, the stall inside its bracket skews the rate),
 * then 300 ms before every 8th (the PM timer: seconds between the two ends) or 2 ms (the PIT,
 * whose count wraps every 55 ms). The calibration keeps the tightly bracketed readings, so the
 * rate stays right. (Polling the PIT's output for the end of its interval instead, the rate
 * came out up to 38 times too high under a load of 20: the hosts' system times drifted apart
 * by tens of seconds, and a guest migrated between them saw its clock jump.) */
static void test_calibration_ignores_stalls(void **state)
{
    (void)state;
    stall_every = 8;
    for (unsigned i = 0; i < ARRAY_SIZE(test_hz); i++) {
        uint64_t khz = test_hz[i] / 1000;

        stall_dense = true;
        stall_ns = 100000;
        boot_on(khz, 1000, FAKE_PMTMR);
        assert_rate(khz, 12);
        boot_on(khz, 1000, 0);
        assert_rate(khz, 70);
        stall_dense = false;
        stall_ns = 300000000;
        boot_on(khz, 1000, FAKE_PMTMR);
        assert_rate(khz, 12);
        stall_ns = 2000000;
        boot_on(khz, 1000, 0);
        assert_rate(khz, 70);
    }
    stall_every = 0;
}

/* ---- Version protocol ---- */

static void test_versions_even_after_update(void **state)
{
    static struct pv_vcpu_info vi;
    struct vcpu v = {.vcpu_info = &vi};

    (void)state;
    boot_at(1000000, 0);
    vi.time.version = 6;
    time_publish(&v);
    assert_int_equal(vi.time.version, 8);
    vi.time.version = 7; /* a guest scribbled on it: the next update still ends even */
    time_publish(&v);
    assert_int_equal(vi.time.version, 10);
    vi.time.version = 0xffffffffu;
    time_publish(&v);
    assert_int_equal(vi.time.version & 1, 0);
}

static struct pv_vcpu_info race_vi;
static bool race_stop;
static uint64_t race_boot;

static unsigned race_published;

/* Publishes new stamps until the reader has seen enough. */
static void *publisher(void *arg)
{
    struct vcpu v = {.vcpu_info = &race_vi};

    (void)arg;
    while (!__atomic_load_n(&race_stop, __ATOMIC_ACQUIRE)) {
        __atomic_fetch_add(&fake_tsc, 1ULL << 36, __ATOMIC_SEQ_CST); /* a new grid point */
        time_publish(&v);
        __atomic_fetch_add(&race_published, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

/* A reader following the ABI's seqlock never sees a stamp whose fields do not belong together. */
static void test_seqlock_reader_never_torn(void **state)
{
    struct time_scale s;
    pthread_t th;
    unsigned reads = 0, odd = 0;

    (void)state;
    boot_at(2000000, 12345);
    race_boot = boot_tsc;
    time_scale_for(time_tsc_khz() * 1000, &s);
    race_stop = false;
    race_published = 0;
    assert_int_equal(pthread_create(&th, NULL, publisher, NULL), 0);
    for (unsigned pub; (pub = __atomic_load_n(&race_published, __ATOMIC_ACQUIRE)) < 50000 ||
                       (reads < 50000 && pub < 50000000);) {
        uint32_t v1 = __atomic_load_n(&race_vi.time.version, __ATOMIC_ACQUIRE), v2;
        struct pv_vcpu_time_info t;

        if (v1 & 1) {
            odd++;
            continue;
        }
        memcpy(&t, (const void *)&race_vi.time, sizeof(t));
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        v2 = __atomic_load_n(&race_vi.time.version, __ATOMIC_RELAXED);
        if (v1 != v2 || !t.tsc_timestamp)
            continue;
        reads++;
        assert_int_equal(t.system_time, time_scale_delta(t.tsc_timestamp - race_boot, &s));
        assert_int_equal(t.tsc_to_system_mul, s.mul_frac);
    }
    __atomic_store_n(&race_stop, true, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    assert_true(reads > 0);
    print_message("seqlock: %u consistent reads during %u updates, %u odd versions seen\n", reads,
                  race_published, odd);
}

/* ---- Wallclock ---- */

static void test_wallclock_at_system_time_zero(void **state)
{
    static struct domain d;
    static struct pv_shared_info si;
    uint64_t sec, ns;
    int64_t diff;

    (void)state;
    d.shared_info = &si;
    si.wc_version = 4;
    cmos_set(cmos, 0x56, 0x34, 0x12, 0x29, 0x02, 0x24, 0x02); /* 2024-02-29 12:34:56 */
    cmos_uip_reads = 3;
    boot_at(3000000, 5000); /* the RTC is read one step (1 us of TSC) after the boot stamp */
    time_publish_wallclock(&d);
    assert_int_equal(si.wc_version, 6);
    sec = ((uint64_t)si.wc_sec_hi << 32) | si.wc_sec;
    ns = sec * 1000000000ULL + si.wc_nsec;
    assert_true(si.wc_nsec < 1000000000u);
    /* wallclock + system time at the reading = the RTC's time */
    diff = (int64_t)(ns + 1000ULL - 1709210096ULL * 1000000000ULL);
    assert_true(diff >= -2 && diff <= 2); /* the TSC -> ns rounding of that 1 us */
    assert_non_null(strstr(last_printk, "1709210095"));
}

static void test_wallclock_waits_for_a_stable_reading(void **state)
{
    static struct domain d;
    static struct pv_shared_info si;

    (void)state;
    d.shared_info = &si;
    cmos_set(cmos, 0x59, 0x59, 0x23, 0x31, 0x12, 0x99, 0x02);      /* 1999-12-31 23:59:59 */
    cmos_set(cmos_next, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x02); /* ticks to 2000-01-01 */
    cmos_reads_before_change = 5; /* in the middle of the first sample */
    boot_at(1000000, 0);
    time_publish_wallclock(&d);
    assert_int_equal(si.wc_sec, 946684799u); /* the reading after the tick, 1 us earlier */
    cmos_set(cmos, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff); /* no RTC */
    boot_at(1000000, 0);
    time_publish_wallclock(&d);
    assert_int_equal(si.wc_sec, 0);
    assert_non_null(strstr(last_printk, "unreadable"));
}

/* ---- RTC decoding and dates ---- */

static bool decode(uint8_t sec, uint8_t min, uint8_t hour, uint8_t day, uint8_t mon, uint8_t year,
                   uint8_t b, uint64_t *out)
{
    struct time_rtc r = {sec, min, hour, day, mon, year, b};

    return time_rtc_to_epoch(&r, out);
}

static void test_rtc_formats(void **state)
{
    uint64_t s;

    (void)state;
    assert_true(decode(0x56, 0x34, 0x12, 0x29, 0x02, 0x24, 0x02, &s)); /* BCD, 24 h */
    assert_int_equal(s, 1709210096);
    assert_true(decode(56, 34, 12, 29, 2, 24, 0x06, &s)); /* binary, 24 h */
    assert_int_equal(s, 1709210096);
    assert_true(decode(0x56, 0x34, 0x12 | 0x80, 0x29, 0x02, 0x24, 0x00, &s)); /* 12 PM */
    assert_int_equal(s, 1709210096);
    assert_true(decode(0x56, 0x34, 0x12, 0x29, 0x02, 0x24, 0x00, &s)); /* 12 AM = 00 h */
    assert_int_equal(s, 1709210096 - 12 * 3600);
    assert_true(decode(0, 0, 0x01 | 0x80, 0x01, 0x01, 0x70, 0x00, &s)); /* 1 PM */
    assert_int_equal(s, 13 * 3600);
    assert_true(decode(0, 0, 11 | 0x80, 1, 1, 70, 0x04, &s)); /* binary 12 h, 11 PM */
    assert_int_equal(s, 23 * 3600);
}

static void test_rtc_century_and_leaps(void **state)
{
    uint64_t s;

    (void)state;
    assert_true(decode(0, 0, 0, 0x01, 0x01, 0x70, 0x02, &s)); /* 70 -> 1970 */
    assert_int_equal(s, 0);
    assert_true(decode(0x59, 0x59, 0x23, 0x31, 0x12, 0x99, 0x02, &s)); /* 99 -> 1999 */
    assert_int_equal(s, 946684799);
    assert_true(decode(0, 0, 0, 0x01, 0x01, 0x00, 0x02, &s)); /* 00 -> 2000 */
    assert_int_equal(s, 946684800);
    assert_true(decode(0, 0, 0, 0x29, 0x02, 0x00, 0x02, &s)); /* 2000 is a leap year */
    assert_int_equal(s, 951782400);
    assert_true(decode(0x59, 0x59, 0x23, 0x31, 0x12, 0x69, 0x02, &s)); /* 69 -> 2069 */
    assert_int_equal(s, 3155759999ULL);
    assert_false(decode(0, 0, 0, 0x29, 0x02, 0x23, 0x02, &s)); /* 2023-02-29 */
    assert_false(decode(0, 0, 0, 0x31, 0x04, 0x24, 0x02, &s)); /* April 31 */
    assert_int_equal(time_mktime(2100, 3, 1, 0, 0, 0) - time_mktime(2100, 2, 28, 0, 0, 0), 86400);
    assert_int_equal(time_mktime(2400, 3, 1, 0, 0, 0) - time_mktime(2400, 2, 28, 0, 0, 0),
                     2 * 86400);
}

static void test_rtc_refuses_garbage(void **state)
{
    uint64_t s = 77;

    (void)state;
    assert_false(decode(0x5a, 0, 0, 1, 1, 0x24, 0x02, &s));             /* BCD digit above 9 */
    assert_false(decode(0x60, 0, 0, 1, 1, 0x24, 0x02, &s));             /* 60 s */
    assert_false(decode(0, 0x60, 0, 1, 1, 0x24, 0x02, &s));             /* 60 min */
    assert_false(decode(0, 0, 0x24, 1, 1, 0x24, 0x02, &s));             /* 24 h */
    assert_false(decode(0, 0, 0x13, 1, 1, 0x24, 0x00, &s));             /* 13 on a 12-hour clock */
    assert_false(decode(0, 0, 0x00, 1, 1, 0x24, 0x00, &s));             /* 0 on a 12-hour clock */
    assert_false(decode(0, 0, 0, 0x00, 1, 0x24, 0x02, &s));             /* day 0 */
    assert_false(decode(0, 0, 0, 1, 0x13, 0x24, 0x02, &s));             /* month 13 */
    assert_false(decode(0, 0, 0, 1, 0x00, 0x24, 0x02, &s));             /* month 0 */
    assert_false(decode(0, 0, 0, 1, 1, 100, 0x06, &s));                 /* binary year 100 */
    assert_false(decode(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, &s)); /* no RTC */
    assert_int_equal(s, 77);
}

/* Every day from 1970 to 2399, counted one by one with the Gregorian rules, and a random time
 * of day on each. */
static void test_mktime_counts_every_day(void **state)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    uint64_t day_index = 0;

    (void)state;
    for (unsigned year = 1970; year < 2400; year++) {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

        for (unsigned mon = 1; mon <= 12; mon++)
            for (unsigned day = 1; day <= mdays[mon - 1] + (mon == 2 && leap); day++) {
                unsigned h = (unsigned)rand() % 24, m = (unsigned)rand() % 60;
                unsigned sec = (unsigned)rand() % 60;

                assert_int_equal(time_mktime(year, mon, day, h, m, sec),
                                 day_index * 86400 + h * 3600 + m * 60 + sec);
                day_index++;
            }
    }
    assert_int_equal(day_index, 157054); /* 430 years, 104 of them leap */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale_range_and_error),
        cmocka_unit_test(test_scale_is_xens),
        cmocka_unit_test(test_grid_splits_exactly),
        cmocka_unit_test(test_guest_formula_is_time_now),
        cmocka_unit_test(test_refresh_moves_the_stamp),
        cmocka_unit_test(test_stable_flag_follows_cpuid),
        cmocka_unit_test(test_calibration_against_pm_timer_and_pit),
        cmocka_unit_test(test_calibration_ignores_stalls),
        cmocka_unit_test(test_versions_even_after_update),
        cmocka_unit_test(test_seqlock_reader_never_torn),
        cmocka_unit_test(test_wallclock_at_system_time_zero),
        cmocka_unit_test(test_wallclock_waits_for_a_stable_reading),
        cmocka_unit_test(test_rtc_formats),
        cmocka_unit_test(test_rtc_century_and_leaps),
        cmocka_unit_test(test_rtc_refuses_garbage),
        cmocka_unit_test(test_mktime_counts_every_day),
    };

    srand(20260101);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
