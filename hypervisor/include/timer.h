/* Per-CPU software timers driven by the local APIC's one-shot timer. Each CPU keeps its timers
 * in a queue sorted by deadline and programs its APIC for the earliest one; the scheduler's
 * slice is one of them, vCPU timers (VIRQ_TIMER) and SCHEDOP_poll timeouts are the others.
 *
 * A timer is armed on the CPU that calls timer_set (moving it there from another CPU's queue if
 * need be) and its function runs on that CPU, from the timer interrupt, with no lock held and
 * the timer already off the queue (the function may re-arm it). A vCPU timer therefore stays
 * on the CPU that last armed it even if the vCPU migrates: its function reaches the vCPU
 * through sched_wake/sched_kick, which interrupt the vCPU's current CPU when needed.
 * Deadlines are system time (time_now_ns()); a timer never fires before its deadline, and one
 * whose deadline has passed fires at the next timer interrupt (programmed at once).
 * Locking: each queue has a lock, taken innermost (nothing else is locked under it). */
#ifndef HV_TIMER_H
#define HV_TIMER_H
#include "types.h"

struct timer;
typedef void timer_fn(struct timer *t);

struct timer {
    uint64_t deadline;  /* [queue] when it fires, while queued */
    struct timer *next; /* [queue] next in the queue of `cpu` */
    timer_fn *fn;       /* [init] */
    void *data;         /* [init] for fn */
    unsigned cpu;       /* [queue] CPU whose queue holds it, or last held it */
    bool queued;        /* [queue] */
    bool killed;        /* timer_kill ran: never armed again */
};

/* Prepare t (not queued) to call fn. The function's address must be taken in the file that
 * defines it (the -fpie image relocates it through data). */
void timer_init(struct timer *t, timer_fn *fn, void *data);
/* (Re)arm t to fire at deadline on this CPU. */
void timer_set(struct timer *t, uint64_t deadline);
/* Disarm t if it is queued (a function already running is not waited for). */
void timer_stop(struct timer *t);
/* Disarm t for good and wait until its function is not running on any CPU (teardown). The
 * caller must hold no lock the function takes. */
void timer_kill(struct timer *t);
bool timer_is_active(const struct timer *t);

/* The timer interrupt: run the expired timers of this CPU; true if the scheduler's slice ended. */
bool timer_run_expired(void);
/* What to program this CPU's APIC timer with (arch_timer_oneshot) to reach its earliest deadline
 * (at most a slice away): the wait in ns, corrected for the APIC's measured speed. */
uint64_t timer_next_wait(void);

#endif
