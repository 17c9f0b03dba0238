/* Per-CPU software timers driven by the local APIC's one-shot timer. The scheduler's slice is
 * one of them; vCPU timers (VIRQ_TIMER) and poll timeouts are the others. */
#ifndef HV_TIMER_H
#define HV_TIMER_H
#include "types.h"

/* Run the expired timers of this CPU; true if the scheduler's slice ended. */
bool timer_run_expired(void);
/* Nanoseconds until this CPU's next deadline (at most a slice). */
uint64_t timer_next_wait(void);

#endif
