/* Time: system time (nanoseconds since boot, from the TSC calibrated against the PIT), Xen's
 * vcpu_time_info for guests to compute the same clock, and the wallclock from the CMOS RTC.
 *
 * System time is one linear function of the TSC for the whole machine (the TSCs of all CPUs
 * are taken to be synchronised): F(tsc) = scale(tsc - tsc_boot) with Xen's scale (below). A
 * vCPU's vcpu_time_info holds a stamp (tsc_timestamp, system_time = F(tsc_timestamp)) on which
 * the guest's formula system_time + scale(tsc - tsc_timestamp) equals F(tsc) exactly: stamps
 * are only taken on a grid of TSC values where the split loses no rounding. The guest's clock
 * is therefore time_now_ns() itself, monotonic across vCPUs and updates. Stamps are published
 * when a vCPU is switched in and moved on (at most a few seconds apart) while it runs. */
#ifndef HV_TIME_H
#define HV_TIME_H
#include "types.h"

struct domain;
struct vcpu;

/* Xen's TSC-to-ns scale: ns = ((ticks << shift) * mul_frac) >> 32 (negative shift: right). */
struct time_scale {
    uint32_t mul_frac;
    int8_t shift;
};

/* A counter's reading, *tsc the TSC then: of 64 readings, the one the TSC reads around it
 * bracket most tightly (*tsc: their midpoint). A stall of the emulator or of its host widens
 * a bracket; the tightest is within a few hundred TSC ticks of its reading. */
uint32_t time_tight(uint32_t (*read)(void), uint64_t *tsc);

/* Boot: calibrate the TSC (against the ACPI PM timer at port pmtmr, 0: the PIT), read the RTC,
 * check for an invariant TSC. */
void time_init(uint16_t pmtmr);
uint64_t time_tsc_khz(void);
/* Nanoseconds since boot. */
uint64_t time_now_ns(void);
/* The scale as the CPUID leaves show it (see struct time_scale). */
void time_tsc_params(uint32_t *tsc_khz, uint32_t *mul_frac, int8_t *shift);

/* The scale for a TSC of ticks_per_sec, as Xen computes it (mul_frac in [2^31, 2^32)). */
void time_scale_for(uint64_t ticks_per_sec, struct time_scale *s);
/* The guest's conversion of a TSC delta to ns (128-bit product, as Linux and Mini-OS do). */
uint64_t time_scale_delta(uint64_t delta, const struct time_scale *s);
/* log2 of the grid spacing, in TSC ticks, on which stamps split exactly (at most 2^32 ns). */
unsigned time_stamp_grid_bits(const struct time_scale *s);

/* Write v's vcpu_info.time (version odd while the fields change, as Xen). */
void time_publish(struct vcpu *v);
/* The same if the stamp published for v (the vCPU running here; NULL: none) is not the
 * latest grid point (called every scheduler slice). */
void time_refresh(struct vcpu *v);
/* Write d's shared_info wallclock (wc_sec/wc_nsec/wc_sec_hi: the time of day at system time
 * 0, plus d's time_offset seconds; wc_version odd while it changes). */
void time_publish_wallclock(struct domain *d);
/* platform_op settime: the time of day is secs.nsecs at system time system_time (domains see it
 * at their next time_publish_wallclock). */
void time_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t system_time);

/* Raw CMOS RTC registers: seconds, minutes, hours, day of month, month, year, status B. */
struct time_rtc {
    uint8_t sec, min, hour, day, mon, year, status_b;
};
/* Seconds since the epoch for an RTC reading (BCD or binary per status B bit 2, 12-hour with
 * bit 7 = PM unless status B bit 1; years 70-99 are 19xx, 00-69 20xx, as Xen); false if a
 * field is out of range. */
bool time_rtc_to_epoch(const struct time_rtc *r, uint64_t *secs);
/* Seconds since 1970-01-01 00:00:00 UTC of a date (year >= 1970, month 1-12, day 1-31). */
uint64_t time_mktime(unsigned year, unsigned mon, unsigned day, unsigned hour, unsigned min,
                     unsigned sec);

#endif
