/* Unit tests of what domain_pause and the reaper promise against a CPU choosing what to run
 * (hypervisor/common/domain.c over sched.c, both real): once domain_pause returns, no CPU has a
 * vCPU of the domain loaded or about to load it; the reaper frees no domain whose vCPU a CPU is
 * about to enter.
 *
 * The window is inside pick_next's locked region: after it found the vCPU eligible, before it
 * marks it running. The test stops CPU 0 (the main thread) exactly there, without a seam in the
 * product: the vCPU's page (one frame, as in the hypervisor) is write-protected, so the store
 * of `running` faults. The SIGSEGV handler lets CPU 1 (a second thread with its own %gs) pause
 * the domain, or end and reap it, and waits until CPU 1 has finished or spins on a lock (CPU 0
 * holds its run queue's); then the store goes through. Other stores to that page on the way (a
 * steal moving the vCPU) are single-stepped with the trap flag, the page open, and protected
 * again after. Frames are host pages (mfn_to_virt's arithmetic wraps onto them); the clock,
 * IPIs, the halt and the context switch are faked. */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <cmocka.h>

#include "arch.h"
#include "console.h"
#include "conring.h"
#include "domain.h"
#include "evtchn.h"
#include "frame.h"
#include "grant_table.h"
#include "ioport.h"
#include "logdirty.h"
#include "mm.h"
#include "paging.h"
#include "percpu.h"
#include "pirq.h"
#include "pv-abi/sched_op.h"
#include "sched.h"
#include "spinlock.h"
#include "testhook.h"
#include "time.h"
#include "vcpu.h"

/* <pthread.h> would include <sched.h> and <time.h>, which -Ihypervisor/include shadows; the two
 * calls used are declared here (pthread_t comes with <signal.h>). */
int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int pthread_join(pthread_t t, void **ret);

#define NCPU 2
#define TF (1UL << 8)
#define WAIT_ROUNDS 100000 /* of usleep(20): a few seconds before a wait counts as a hang */

static struct percpu pcs[NCPU];
static __thread bool is_cpu1; /* this thread is CPU 1 (the one that pauses, or reaps) */
static uint64_t clock_ns = 1000000;
static uint64_t freed[64];
static unsigned nr_freed;

static struct {
    struct vcpu *target; /* whose `running` store is the window */
    char *page;          /* its page, write-protected while armed */
    void (*job)(struct domain *d);
    struct domain *d;
    bool go, fired, cpu1_done, cpu1_spun, cpu1_waited, checked, timed_out;
    bool done_at_load;   /* CPU 1's job had returned when CPU 0 loaded the target */
    bool reaped_at_load; /* ... and the target's page had been freed */
    unsigned steps, halts, ipis[NCPU];
    jmp_buf out;
} w;

static bool get(const bool *b)
{
    return __atomic_load_n(b, __ATOMIC_ACQUIRE);
}

static void set(bool *b)
{
    __atomic_store_n(b, true, __ATOMIC_RELEASE);
}

static void set_gs(unsigned c)
{
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)&pcs[c]))
        abort();
}

static bool frame_freed(uint64_t mfn)
{
    for (unsigned i = 0; i < nr_freed; i++)
        if (freed[i] == mfn)
            return true;
    return false;
}

/* Wait (in steps of usleep) until *a or *b is set; false after WAIT_ROUNDS. */
static bool wait_either(const bool *a, const bool *b)
{
    for (unsigned n = 0; n < WAIT_ROUNDS; n++) {
        if (get(a) || get(b))
            return true;
        usleep(20);
    }
    return false;
}

/* ---- The seam: CPU 0 stopped at its store of target->running ---- */

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    char *a = si->si_addr;

    if (!w.page || a < w.page || a >= w.page + PAGE_SIZE || is_cpu1) {
        signal(SIGSEGV, SIG_DFL); /* a real fault: taken again, and fatal, on return */
        return;
    }
    mprotect(w.page, PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (a != (char *)&w.target->running) { /* another store on the way: step over it */
        uc->uc_mcontext.gregs[REG_EFL] |= TF;
        w.steps++;
        return;
    }
    w.page = NULL; /* disarmed: one window per case */
    w.fired = true;
    set(&w.go); /* CPU 1 runs its job now, while CPU 0 holds its run queue's lock */
    if (!wait_either(&w.cpu1_done, &w.cpu1_spun))
        w.timed_out = true;
}

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;

    uc->uc_mcontext.gregs[REG_EFL] &= ~TF;
    if (w.page)
        mprotect(w.page, PAGE_SIZE, PROT_READ);
}

static void *cpu1_main(void *arg)
{
    set_gs(1);
    is_cpu1 = true;
    while (!get(&w.go))
        usleep(20);
    if (w.job)
        w.job(w.d);
    set(&w.cpu1_done);
    return NULL;
}

/* ---- Fakes: what sched.c and domain.c call ---- */

unsigned arch_nr_cpus(void)
{
    return NCPU;
}

struct percpu *arch_percpu_of(unsigned cpu)
{
    return &pcs[cpu];
}

void arch_ipi_resched(unsigned cpu)
{
    if (!__atomic_exchange_n(&pcs[cpu].resched_sent, true, __ATOMIC_ACQ_REL))
        __atomic_add_fetch(&w.ipis[cpu], 1, __ATOMIC_RELAXED);
}

/* CPU 0 idles once the vCPU has left it: a few halts end the case. */
void arch_idle_halt(bool poll)
{
    struct percpu *pc = percpu();

    if (pc->resched_sent) { /* the IPI ends the halt, its handler runs */
        pc->resched_sent = false;
        pc->need_resched = true;
        return;
    }
    if (++w.halts >= 3)
        longjmp(w.out, 1);
}

/* domain_pause's wait loop on CPU 1 serves IPIs: the mark that it is waiting. */
void arch_ipi_serve(void)
{
    if (is_cpu1) {
        set(&w.cpu1_waited);
        usleep(10);
    }
}

/* Called while a lock is contended: CPU 1 waits for one CPU 0 holds. */
void spin_wait_hook(void)
{
    if (is_cpu1) {
        set(&w.cpu1_spun);
        usleep(5);
    }
}

uint64_t time_now_ns(void)
{
    return __atomic_add_fetch(&clock_ns, 1000, __ATOMIC_RELAXED);
}

/* CPU 0 enters a vCPU: for the target, once CPU 1 has finished its job or waits in it (then
 * its kick, if any, was sent), note whether the job had returned and the vCPU's page was freed. */
void arch_context_load(struct vcpu *next, struct cpu_regs *r)
{
    if (next != w.target || !w.fired || w.checked)
        return;
    w.checked = true;
    if (!wait_either(&w.cpu1_done, &w.cpu1_waited))
        w.timed_out = true;
    w.done_at_load = get(&w.cpu1_done);
    w.reaped_at_load = frame_freed(virt_to_mfn(next));
}

/* Frames are host pages; freed ones stay mapped (a use after the reap is seen, not a crash). */
uint64_t frame_alloc(void)
{
    void *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    assert_true(p != MAP_FAILED);
    return virt_to_mfn(p);
}

void frame_free(uint64_t mfn)
{
    if (nr_freed < sizeof(freed) / sizeof(freed[0]))
        freed[nr_freed++] = mfn;
}

void arch_power_off(enum power_exit code)
{
    fail_msg("power off (%d): every domain ended", code);
    abort();
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

void printk(const char *fmt, ...) {}
void testhook_poll(void) {}
bool testhook_due(uint64_t now)
{
    return false;
}
bool testhook_pending(void)
{
    return false;
}
void conring_poll_input(void) {}
void conring_drain_all(void) {}
void vcpu_runstate_change(struct vcpu *v, int state, uint64_t now)
{
    v->runstate.state = state; /* (the state is what the cases look at) */
}
void vcpu_switch_out(struct vcpu *prev) {}
void vcpu_switch_in(struct vcpu *next, uint64_t now) {}
void arch_context_save(struct vcpu *prev, struct cpu_regs *r) {}
void arch_bounce_nmi_if_pending(struct vcpu *v, struct cpu_regs *r) {}
void arch_bounce_events_if_pending(struct vcpu *v, struct cpu_regs *r) {}
bool arch_bounce_fix_frame(struct vcpu *v, struct cpu_regs *r)
{
    return true;
}
void arch_exit_to_guest(void)
{
    abort();
}
char arch_exit_iret_insn[1];
void arch_desc_release(struct vcpu *v) {}
void arch_fpu_init_vcpu(struct vcpu *v) {}
void vcpu_init(struct vcpu *v, uint64_t now) {}
void vcpu_domain_teardown(struct domain *d) {}
void evtchn_init(struct domain *d) {}
void evtchn_destroy(struct domain *d) {}
int evtchn_send_virq(struct vcpu *v, unsigned virq)
{
    return 0;
}
int gnttab_init(struct domain *d)
{
    return 0;
}
void gnttab_destroy(struct domain *d) {}
void gnttab_release_mappings(struct domain *d) {}
void iocaps_destroy(struct domain *d) {}
void logdirty_disable(struct domain *d) {}
void pirq_domain_destroy(struct domain *d) {}
void mm_domain_teardown(struct domain *d) {}
void mm_share_frame(struct domain *d, uint64_t mfn) {}
bool mm_unshare_frame(struct domain *d, uint64_t mfn)
{
    return false;
}
void frame_release_all(struct domain *d) {}
uint64_t frame_free_count(void)
{
    return 0;
}
uint64_t frame_nr;
bool frame_owned_by(const struct domain *d, uint64_t mfn)
{
    return false;
}
uint64_t paging_tables_allocated(void)
{
    return 0;
}
void time_publish_wallclock(struct domain *d) {}

/* ---- Cases ---- */

static void world_reset(void)
{
    memset(&w, 0, sizeof(w));
    memset(pcs, 0, sizeof(pcs));
    for (unsigned c = 0; c < NCPU; c++) {
        pcs[c].self = &pcs[c];
        pcs[c].cpu_id = c;
        sched_init_cpu(c); /* (the vCPUs of earlier cases leave the queues) */
    }
}

/* A one-vCPU domain whose vCPU is runnable in the run queue of CPU cpu only. */
static struct domain *new_domain(unsigned domid, unsigned cpu)
{
    struct domain *d = domain_create(domid, "race", 1);
    struct vcpu *v;

    assert_non_null(d);
    v = d->vcpu[0];
    assert_int_equal((uintptr_t)v % PAGE_SIZE, 0);
    for (unsigned c = 0; c < NCPU; c++)
        sched_init_cpu(c);
    v->hard_affinity = 1UL << cpu;
    sched_add_vcpu(v);
    v->hard_affinity = ~0UL;
    assert_int_equal(v->processor, cpu);
    v->run_state = VCPU_RUNNABLE;
    return d;
}

/* CPU 0, with nothing loaded, picks what to run; at its store of v->running, CPU 1 runs job(d).
 * Returns once CPU 0 has idled (v gone from it) and CPU 1 has finished. */
static void run_window(struct domain *d, void (*job)(struct domain *d))
{
    struct cpu_regs r = {.cs = 3, .entry_vector = 14};
    struct sigaction sa = {.sa_flags = SA_SIGINFO | SA_NODEFER};
    pthread_t t;

    sa.sa_sigaction = on_segv; /* (cmocka installs its own handler before each case) */
    assert_int_equal(sigaction(SIGSEGV, &sa, NULL), 0);
    sa.sa_sigaction = on_trap;
    assert_int_equal(sigaction(SIGTRAP, &sa, NULL), 0);
    w.d = d;
    w.job = job;
    w.target = d->vcpu[0];
    w.page = (char *)w.target;
    assert_int_equal(pthread_create(&t, NULL, cpu1_main, NULL), 0);
    set_gs(0);
    assert_int_equal(mprotect(w.page, PAGE_SIZE, PROT_READ), 0);
    if (!setjmp(w.out))
        hv_exit_prepare(&r);
    if (w.page) { /* never reached the window: open the page, let CPU 1 go with nothing to do */
        mprotect(w.page, PAGE_SIZE, PROT_READ | PROT_WRITE);
        w.page = NULL;
        w.job = NULL;
        set(&w.go);
    }
    if (!wait_either(&w.cpu1_done, &w.cpu1_done))
        fail_msg("CPU 1 never finished its job (CPU 0 idles with the vCPU gone)");
    assert_int_equal(pthread_join(t, NULL), 0);
    set_gs(1);
    assert_true(w.fired);
    assert_false(w.timed_out);
    assert_true(w.checked); /* CPU 0 did load the vCPU it had picked */
}

static void pause_job(struct domain *d)
{
    domain_pause(d);
}

static void check_paused(struct domain *d)
{
    struct vcpu *v = d->vcpu[0];

    if (w.done_at_load)
        fail_msg("domain_pause returned while CPU 0, having found the vCPU eligible, was about "
                 "to mark it running: CPU 0 loaded it after the pause");
    /* The kick came after the pick had marked the vCPU running: CPU 0 got the IPI (without it
     * the vCPU would run on until CPU 0's next tick while domain_pause waits). */
    assert_int_equal(w.ipis[0], 1);
    assert_false(v->running);
    assert_null(pcs[0].current);
    assert_int_equal(d->paused, 1);
    assert_int_equal(v->processor, 0);
    assert_true(v->queued);
    domain_unpause(d); /* (on CPU 1) */
    assert_int_equal(d->paused, 0);
}

/* CPU 0 picks the vCPU from its own queue while CPU 1 pauses its domain. */
static void test_pause_during_pick(void **state)
{
    struct domain *d;

    world_reset();
    d = new_domain(1, 0);
    run_window(d, pause_job);
    assert_int_equal(w.steps, 0); /* nothing else was stored in the vCPU's page */
    check_paused(d);
}

/* The same with the vCPU queued on CPU 1: idle CPU 0 steals it (moves it to its queue) and
 * marks it running under its own lock after a second look (pick_next's re-check). */
static void test_pause_during_steal(void **state)
{
    struct domain *d;

    world_reset();
    d = new_domain(2, 1);
    run_window(d, pause_job);
    assert_true(w.steps > 0); /* the steal's stores (queued, processor) went through the seam */
    check_paused(d);
}

/* With no dom0 the hypervisor reaps an ended domain once none of its vCPUs runs. */
static void end_and_reap_job(struct domain *d)
{
    domain_shutdown(d, PV_SHUTDOWN_poweroff);
    domains_reap_ended();
}

/* CPU 1 ends the domain and runs the reaper while CPU 0 is marking its vCPU running. */
static void test_reap_during_pick(void **state)
{
    struct domain *d;
    struct vcpu *v;

    world_reset();
    d = new_domain(3, 0);
    v = d->vcpu[0];
    run_window(d, end_and_reap_job);
    if (w.reaped_at_load)
        fail_msg("the reaper freed the domain while CPU 0 was entering its vCPU");
    /* Reaped after all, by CPU 0's idle loop once the vCPU had left. */
    assert_int_equal(d->state, DOM_DEAD);
    assert_true(frame_freed(virt_to_mfn(v)));
    assert_false(v->running);
    assert_null(pcs[0].current);
}

/* Run states across a pause, as Xen's (vcpu_sleep_nosync, vcpu_wake): a vCPU waiting for a CPU
 * is offline while its domain is paused and runnable again at the unpause; a blocked one stays
 * blocked, and its wake-up while paused (its timer, an event) makes it offline, not runnable.
 * Auto-converge holds a guest paused most of the time: it is never shown waiting for a CPU. */
static void test_pause_runstates(void **state)
{
    struct domain *d;
    struct vcpu *v;

    world_reset();
    set_gs(1); /* CPU 1 pauses; the vCPU waits in CPU 0's queue */
    d = new_domain(5, 0);
    v = d->vcpu[0];
    v->runstate.state = PV_RUNSTATE_runnable;
    domain_pause(d);
    assert_int_equal(v->runstate.state, PV_RUNSTATE_offline);
    domain_unpause(d);
    assert_int_equal(v->runstate.state, PV_RUNSTATE_runnable);
    v->run_state = VCPU_BLOCKED;
    v->runstate.state = PV_RUNSTATE_blocked;
    domain_pause(d);
    assert_int_equal(v->runstate.state, PV_RUNSTATE_blocked);
    sched_wake(v);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    assert_int_equal(v->runstate.state, PV_RUNSTATE_offline);
    domain_pause(d); /* (nested: still paused after one unpause) */
    domain_unpause(d);
    assert_int_equal(v->runstate.state, PV_RUNSTATE_offline);
    domain_unpause(d);
    assert_int_equal(v->runstate.state, PV_RUNSTATE_runnable);
    assert_false(v->running);
}

/* A domain with an offline vCPU that never ends: the machine does not power off meanwhile. */
static int group_setup(void **state)
{
    set_gs(1);
    world_reset();
    return domain_create(9, "keeper", 1) ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pause_during_pick),
        cmocka_unit_test(test_pause_during_steal),
        cmocka_unit_test(test_reap_during_pick),
        cmocka_unit_test(test_pause_runstates),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
