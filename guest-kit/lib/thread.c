/* guest-kit: cooperative threads on vCPU 0. A thread runs until it yields, sleeps, waits or
 * returns; the scheduler then picks the next runnable thread round-robin, and when none is
 * runnable blocks the vCPU (SCHEDOP_block) until the nearest deadline or an event. */
#include "internal.h"

enum state { FREE, READY, SLEEPING, WAITING, JOINING, DONE };

struct gk_thread {
    enum state state;
    uint64_t rsp;          /* saved stack pointer while switched out */
    uint64_t deadline;     /* SLEEPING, WAITING (0: none) */
    uint32_t port, seen;   /* WAITING: the port and its event count at the start */
    bool event_came;       /* WAITING: the result */
    struct gk_thread *target; /* JOINING */
    void (*fn)(void *arg);
    void *arg;
    uint8_t *stack;
};

static struct gk_thread threads[GK_MAX_THREADS] = {[0] = {.state = READY}};
static uint8_t stacks[GK_MAX_THREADS][GK_THREAD_STACK] __attribute__((aligned(16)));
static struct gk_thread *current = &threads[0];
static uint64_t switches;

/* Save the callee-saved registers on the old stack, store rsp in *old, load new, restore. */
void gk_thread_switch_stacks(uint64_t *old, uint64_t new_rsp);
__asm__(".pushsection .text\n"
        ".globl gk_thread_switch_stacks\n"
        "gk_thread_switch_stacks:\n\t"
        "pushq %rbp\n\tpushq %rbx\n\tpushq %r12\n\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n\t"
        "movq %rsp, (%rdi)\n\t"
        "movq %rsi, %rsp\n\t"
        "popq %r15\n\tpopq %r14\n\tpopq %r13\n\tpopq %r12\n\tpopq %rbx\n\tpopq %rbp\n\t"
        "ret\n"
        ".popsection");

static bool runnable(struct gk_thread *t, uint64_t now)
{
    switch (t->state) {
    case READY:
        return true;
    case SLEEPING:
        return now >= t->deadline;
    case WAITING:
        if (t->port < GK_MAX_PORTS && gk_event_counts[t->port] != t->seen) {
            t->event_came = true;
            return true;
        }
        return t->deadline && now >= t->deadline;
    case JOINING:
        return t->target->state == DONE;
    default:
        return false;
    }
}

/* Switch to the next runnable thread (possibly the current one again), blocking the vCPU
 * while there is none. */
static void schedule(void)
{
    unsigned int me = (unsigned int)(current - threads);
    bool was_masked = gk_events_masked();
    struct gk_thread *next = NULL, *prev = current;

    for (;;) {
        uint64_t now = gk_time_now(), nearest = 0;

        gk_events_mask(); /* from here an event ends the block below at once */
        for (unsigned int i = 1; i <= GK_MAX_THREADS && !next; i++) {
            struct gk_thread *t = &threads[(me + i) % GK_MAX_THREADS];

            if (runnable(t, now))
                next = t;
            else if ((t->state == SLEEPING || t->state == WAITING) && t->deadline &&
                     (!nearest || t->deadline < nearest))
                nearest = t->deadline;
        }
        if (next)
            break;
        if (nearest)
            gk_timer_set(nearest);
        gk_hypercall_sched_op(PV_SCHEDOP_block, NULL); /* unmasks; the upcall counts events */
    }
    if (next->state != DONE)
        next->state = READY;
    if (next != prev) {
        switches++;
        current = next;
        gk_thread_switch_stacks(&prev->rsp, next->rsp);
    }
    if (!was_masked)
        gk_events_unmask();
}

__attribute__((noreturn)) static void thread_start(void)
{
    current->fn(current->arg);
    current->state = DONE;
    schedule();
    gk_panic("guest-kit: a finished thread was scheduled");
}

struct gk_thread *gk_thread_create(void (*fn)(void *arg), void *arg)
{
    for (unsigned int i = 1; i < GK_MAX_THREADS; i++) {
        struct gk_thread *t = &threads[i];
        uint64_t *sp;

        if (t->state != FREE)
            continue;
        gk_timer_port(); /* sleeping needs the timer VIRQ */
        *t = (struct gk_thread){.state = READY, .fn = fn, .arg = arg, .stack = stacks[i]};
        sp = (uint64_t *)(void *)(t->stack + GK_THREAD_STACK);
        *--sp = 0;                                /* alignment: rsp+8 is 16-aligned at entry */
        *--sp = (uint64_t)(uintptr_t)thread_start; /* gk_thread_switch_stacks returns here */
        for (unsigned int r = 0; r < 6; r++)
            *--sp = 0; /* rbp rbx r12 r13 r14 r15 */
        t->rsp = (uint64_t)(uintptr_t)sp;
        return t;
    }
    return NULL;
}

struct gk_thread *gk_thread_self(void)
{
    return current;
}

void gk_thread_yield(void)
{
    schedule();
}

void gk_thread_sleep_ns(uint64_t ns)
{
    gk_timer_port();
    current->deadline = gk_time_now() + ns;
    current->state = SLEEPING;
    schedule();
}

bool gk_thread_wait_event(uint32_t port, uint64_t timeout_ns)
{
    gk_timer_port();
    current->port = port;
    current->seen = port < GK_MAX_PORTS ? gk_event_counts[port] : 0;
    current->event_came = false;
    current->deadline = timeout_ns ? gk_time_now() + timeout_ns : 0;
    current->state = WAITING;
    schedule();
    return current->event_came;
}

void gk_thread_join(struct gk_thread *t)
{
    if (t == current || t->state == FREE)
        return;
    if (t->state != DONE) {
        current->target = t;
        current->state = JOINING;
        schedule();
    }
    t->state = FREE;
}

uint64_t gk_thread_switches(void)
{
    return switches;
}
