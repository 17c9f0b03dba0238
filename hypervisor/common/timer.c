/* Per-CPU timer queues on the local APIC's one-shot timer, and the scheduler slice (timer.h). */
#include "timer.h"
#include "arch.h"
#include "percpu.h"
#include "sched.h"
#include "smp.h"
#include "spinlock.h"
#include "time.h"

/* The APIC timer's rate is measured once at boot, and an emulator's stalls can make that
 * measurement tens of percent off. Each CPU therefore corrects it against the TSC as it goes:
 * an interrupt after a long wait shows how long the APIC really took for what it was asked,
 * and the requests that follow are scaled by the (smoothed) ratio. A timer interrupt that comes
 * early only costs another one; the correction keeps them from coming late. */
#define CORR_ONE 65536u            /* apic_corr fixed point: 1.0 */
#define CORR_MIN_SAMPLE_NS 2000000 /* waits shorter than this say too little */
#define WAIT_MAX_NS 10000000000UL  /* longer waits take several interrupts (as the APIC's range) */

struct timer_queue {
    spinlock_t lock;
    struct timer *head;    /* [lock] sorted by deadline */
    struct timer *running; /* [lock] the timer whose function runs now */
    uint64_t programmed;   /* [this CPU] deadline the APIC was last set for */
    uint64_t prog_at;      /* [this CPU] when it was set */
    uint64_t prog_req;     /* [this CPU] the wait it was asked for (corrected ns) */
    uint32_t apic_corr;    /* [this CPU] ns to ask the APIC for per ns wanted, x CORR_ONE */
    struct timer slice;    /* the scheduler slice: one every SCHED_SLICE_NS */
    bool slice_ended;      /* [this CPU] set by the slice, taken by timer_run_expired */
    bool ready;            /* [this CPU] slice armed */
};

static struct timer_queue queues[MAX_CPUS];

static struct timer_queue *my_queue(void)
{
    return &queues[percpu()->cpu_id];
}

static void enqueue(struct timer_queue *q, struct timer *t)
{
    struct timer **p = &q->head;

    while (*p && (*p)->deadline <= t->deadline)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->queued = true;
}

static void dequeue(struct timer_queue *q, struct timer *t)
{
    for (struct timer **p = &q->head; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    t->next = NULL;
    t->queued = false;
}

/* Lock the queue that holds (or last held) t: t->cpu only changes under that queue's lock. */
static struct timer_queue *lock_timer(struct timer *t)
{
    for (;;) {
        unsigned cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        struct timer_queue *q = &queues[cpu];

        spin_lock(&q->lock);
        if (t->cpu == cpu)
            return q;
        spin_unlock(&q->lock);
    }
}

/* Lock t's queue and mine (lower CPU first); returns t's. */
static struct timer_queue *lock_timer_and(struct timer *t, struct timer_queue *mine)
{
    for (;;) {
        unsigned cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        struct timer_queue *q = &queues[cpu];

        if (q != mine)
            spin_lock(q < mine ? &q->lock : &mine->lock);
        spin_lock(q < mine ? &mine->lock : &q->lock);
        if (t->cpu == cpu)
            return q;
        if (q != mine)
            spin_unlock(&q->lock);
        spin_unlock(&mine->lock);
    }
}

/* The (corrected) wait to ask the APIC for to reach deadline, recorded for the correction. */
static uint64_t apic_request(struct timer_queue *q, uint64_t deadline)
{
    uint64_t now = time_now_ns(), wait = deadline > now ? MIN(deadline - now, WAIT_MAX_NS) : 0;

    if (!q->apic_corr)
        q->apic_corr = CORR_ONE;
    q->programmed = deadline;
    q->prog_at = now;
    q->prog_req = wait * q->apic_corr / CORR_ONE; /* < 2^34 * 2^19: no overflow */
    return q->prog_req;
}

/* A timer interrupt: fold the APIC's observed speed into the correction. A sample far from the
 * current value is an interrupt raised before the last reprogramming, and ignored. */
static void apic_observe(struct timer_queue *q, uint64_t now)
{
    uint64_t took = now - q->prog_at, sample;

    if (q->prog_req < CORR_MIN_SAMPLE_NS || now <= q->prog_at)
        return;
    sample = q->prog_req * CORR_ONE / took;
    if (sample < q->apic_corr / 4 || sample > (uint64_t)q->apic_corr * 4)
        return;
    q->apic_corr = (uint32_t)MIN(MAX((3 * (uint64_t)q->apic_corr + sample) / 4, CORR_ONE / 8),
                                 (uint64_t)CORR_ONE * 8);
    q->prog_req = 0; /* one sample per programming */
}

static void program(struct timer_queue *q, uint64_t deadline)
{
    arch_timer_oneshot(apic_request(q, deadline));
}

void timer_init(struct timer *t, timer_fn *fn, void *data)
{
    *t = (struct timer){.fn = fn, .data = data};
}

void timer_set(struct timer *t, uint64_t deadline)
{
    struct timer_queue *mine = my_queue(), *q = lock_timer_and(t, mine);

    if (!t->killed) {
        if (t->queued)
            dequeue(q, t);
        __atomic_store_n(&t->cpu, percpu()->cpu_id, __ATOMIC_RELEASE);
        t->deadline = deadline;
        enqueue(mine, t);
        if (mine->head == t && (!mine->programmed || deadline < mine->programmed))
            program(mine, deadline); /* earlier than what the APIC waits for */
    }
    if (q != mine)
        spin_unlock(&q->lock);
    spin_unlock(&mine->lock);
}

void timer_stop(struct timer *t)
{
    struct timer_queue *q = lock_timer(t);

    if (t->queued)
        dequeue(q, t);
    spin_unlock(&q->lock);
}

void timer_kill(struct timer *t)
{
    struct timer_queue *q = lock_timer(t);

    t->killed = true;
    if (t->queued)
        dequeue(q, t);
    spin_unlock(&q->lock);
    while (__atomic_load_n(&q->running, __ATOMIC_ACQUIRE) == t) {
        arch_ipi_serve();
        cpu_relax();
    }
}

bool timer_is_active(const struct timer *t)
{
    return __atomic_load_n(&t->queued, __ATOMIC_RELAXED);
}

/* The slice: tell the scheduler, and keep the running vCPU's time stamp current. */
static void slice_fn(struct timer *t)
{
    struct timer_queue *q = t->data;

    q->slice_ended = true;
    time_refresh(percpu()->current);
    timer_set(t, time_now_ns() + SCHED_SLICE_NS);
}

static struct timer_queue *ready_queue(void)
{
    struct timer_queue *q = my_queue();

    if (!q->ready) {
        q->ready = true;
        timer_init(&q->slice, slice_fn, q);
        timer_set(&q->slice, time_now_ns() + SCHED_SLICE_NS);
    }
    return q;
}

bool timer_run_expired(void)
{
    struct timer_queue *q = ready_queue();
    bool ended;

    apic_observe(q, time_now_ns());
    spin_lock(&q->lock);
    while (q->head && q->head->deadline <= time_now_ns()) {
        struct timer *t = q->head;

        dequeue(q, t);
        q->running = t;
        spin_unlock(&q->lock);
        t->fn(t);
        spin_lock(&q->lock);
        __atomic_store_n(&q->running, NULL, __ATOMIC_RELEASE);
    }
    ended = q->slice_ended;
    q->slice_ended = false;
    spin_unlock(&q->lock);
    return ended;
}

uint64_t timer_next_wait(void)
{
    struct timer_queue *q = ready_queue();
    uint64_t deadline;

    spin_lock(&q->lock);
    deadline = q->head ? q->head->deadline : time_now_ns() + SCHED_SLICE_NS;
    spin_unlock(&q->lock);
    return apic_request(q, deadline);
}
