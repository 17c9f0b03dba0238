/* Time: the TSC calibrated against the PIT at boot, and the TSC-to-nanoseconds scale. */
#ifndef HV_TIME_H
#define HV_TIME_H
#include "types.h"

void time_init(void);
uint64_t time_tsc_khz(void);
/* Nanoseconds since boot. */
uint64_t time_now_ns(void);
/* The scale Xen publishes in vcpu_time_info: ns = ((tsc_delta << shift) * mul_frac) >> 32
 * (shift may be negative: a right shift). */
void time_tsc_params(uint32_t *tsc_khz, uint32_t *mul_frac, int8_t *shift);

#endif
