/* Per-CPU timer deadlines. Today: the scheduler slice; vCPU timers join with the time work. */
#include "timer.h"
#include "percpu.h"
#include "sched.h"
#include "smp.h"
#include "time.h"

static uint64_t slice_end[MAX_CPUS];

bool timer_run_expired(void)
{
    unsigned cpu = percpu()->cpu_id;
    uint64_t now = time_now_ns();

    if (now < slice_end[cpu])
        return false;
    slice_end[cpu] = now + SCHED_SLICE_NS;
    return true;
}

uint64_t timer_next_wait(void)
{
    unsigned cpu = percpu()->cpu_id;
    uint64_t now = time_now_ns();

    if (!slice_end[cpu])
        slice_end[cpu] = now + SCHED_SLICE_NS;
    return slice_end[cpu] > now ? slice_end[cpu] - now : 1000;
}
