/* Unit tests of the scheduler's wake-up and idle paths (hypervisor/common/sched.c) on two
 * simulated CPUs. percpu() reads %gs:0, so each simulated CPU is a struct percpu that %gs points
 * at (arch_prctl) while the test runs "on" it. The halt is faked as the hardware behaves: it ends
 * at once if a resched IPI is pending for the CPU, otherwise at the next tick; a halt that
 * starts while a vCPU the CPU could run waits, with no IPI on its way, is a lost wake-up (the
 * vCPU waits up to a tick, 10 ms). Every call the idle path makes out of sched.c (the clock, the
 * polls of CPU 0, the IPI service, a step of polling, the halt) is a point where the test can
 * make another CPU wake a vCPU; the polls, polling steps and halts (interrupts on) are points
 * where this CPU itself can: the cases try each point in turn. */
#include <asm/prctl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "conring.h"
#include "domain.h"
#include "paging.h"
#include "percpu.h"
#include "sched.h"
#include "pv-abi/shared_info.h"
#include "testhook.h"
#include "time.h"
#include "vcpu.h"

#define NCPU 2

static struct percpu pcs[NCPU];
static struct domain doms[2];
static struct vcpu vcpus[2]; /* A: domain 0's, B: domain 1's */
static struct pv_vcpu_info infos[2];
#define A (&vcpus[0])
#define B (&vcpus[1])

static struct {
    uint64_t now;
    unsigned calls, inject_at, waker, ipis[NCPU], halts, max_halts, lost, polls;
    bool injected, target_polled; /* the wake-up came while CPU 0 polled */
    bool resched_only;            /* the injection is a resched IPI's handler, no vCPU woken */
    jmp_buf out;
} f;

static void on_cpu(unsigned c)
{
    assert_int_equal(syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)&pcs[c]), 0);
}

static void world_reset(void)
{
    memset(&f, 0, sizeof(f));
    f.now = 1000000;
    f.max_halts = 50;
    memset(pcs, 0, sizeof(pcs));
    for (unsigned c = 0; c < NCPU; c++) {
        pcs[c].self = &pcs[c];
        pcs[c].cpu_id = c;
        sched_init_cpu(c);
    }
    for (unsigned i = 0; i < 2; i++) {
        memset(&doms[i], 0, sizeof(doms[i]));
        memset(&vcpus[i], 0, sizeof(vcpus[i]));
        doms[i].domid = (uint16_t)i;
        doms[i].weight = SCHED_DEFAULT_WEIGHT;
        doms[i].nr_vcpus = 1;
        doms[i].vcpu[0] = &vcpus[i];
        vcpus[i].domain = &doms[i];
        vcpus[i].vcpu_info = &infos[i];
        vcpus[i].hard_affinity = ~0UL;
        vcpus[i].run_state = VCPU_BLOCKED;
    }
}

/* v into the run queue of CPU cpu (sched_add_vcpu takes the least loaded allowed one). */
static void add_on(struct vcpu *v, unsigned cpu)
{
    v->hard_affinity = 1UL << cpu;
    sched_add_vcpu(v);
    v->hard_affinity = ~0UL;
    assert_int_equal(v->processor, cpu);
}

/* CPU cpu leaves the hypervisor towards a guest: it picks what to run (and idles until it can). */
static struct vcpu *exit_on(unsigned cpu)
{
    struct cpu_regs r = {.cs = 3, .entry_vector = 14};

    on_cpu(cpu);
    hv_exit_prepare(&r);
    return pcs[cpu].current;
}

static bool waits_for(unsigned cpu)
{
    for (unsigned i = 0; i < 2; i++)
        if (vcpus[i].run_state == VCPU_RUNNABLE && !vcpus[i].running &&
            (vcpus[i].hard_affinity >> cpu & 1))
            return true;
    return false;
}

/* A call out of sched.c: at the chosen one, the waker CPU makes B runnable (true then). */
static bool callout(void)
{
    if (++f.calls > 1000000)
        fail_msg("the idle loop spins without halting");
    if (f.calls != f.inject_at)
        return false;
    unsigned me = percpu()->cpu_id;

    if (f.resched_only) {
        percpu()->need_resched = true;
        return f.injected = true;
    }
    f.target_polled = pcs[0].polling;
    on_cpu(f.waker);
    sched_wake(B);
    on_cpu(me);
    f.injected = true;
    return true;
}

/* ---- Fakes ---- */

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
        f.ipis[cpu]++;
}

void arch_idle_halt(bool poll)
{
    struct percpu *pc = percpu();

    if (poll) { /* one step of polling: an interrupt here may wake something (callout) */
        assert_true(pc->polling && pc->idle);
        f.polls++;
        callout();
        return;
    }
    assert_false(pc->polling);
    if (callout() && f.waker == pc->cpu_id)
        return; /* the wake-up came from an interrupt here: that interrupt ended the halt */
    if (pc->resched_sent) { /* the IPI ends the halt, its handler runs */
        pc->resched_sent = false;
        pc->need_resched = true;
        return;
    }
    if (waits_for(pc->cpu_id))
        f.lost++;
    if (++f.halts >= f.max_halts)
        longjmp(f.out, 1);
}

/* Interrupts are off here: a wake-up by this CPU itself cannot come (another CPU's can). */
static void callout_remote(void)
{
    if (f.waker != percpu()->cpu_id)
        callout();
}

void arch_ipi_serve(void)
{
    callout_remote();
}

uint64_t time_now_ns(void)
{
    callout_remote();
    return f.now += 1000;
}

void testhook_poll(void)
{
    callout();
}

bool testhook_due(uint64_t now)
{
    return false;
}

void conring_poll_input(void)
{
    callout();
}

void domains_reap_ended(void)
{
    callout();
}

void domains_check_all_ended(void)
{
    callout();
}

void conring_drain_all(void) {}
void vcpu_runstate_change(struct vcpu *v, int state, uint64_t now) {}
void vcpu_switch_out(struct vcpu *prev) {}
void vcpu_switch_in(struct vcpu *next, uint64_t now) {}
void arch_context_save(struct vcpu *prev, struct cpu_regs *r) {}
void arch_context_load(struct vcpu *next, struct cpu_regs *r) {}
void arch_bounce_nmi_if_pending(struct vcpu *v, struct cpu_regs *r) {}
void arch_bounce_events_if_pending(struct vcpu *v, struct cpu_regs *r) {}
bool arch_bounce_fix_frame(struct vcpu *v, struct cpu_regs *r)
{
    return true;
}
void domain_crash(struct domain *d, const char *why)
{
    fail_msg("domain_crash: %s", why);
}
void arch_exit_to_guest(void)
{
    abort();
}
char arch_exit_iret_insn[1];

/* ---- Cases ---- */

/* CPU 0 has nothing to run and goes idle; B, queued on CPU 0, is woken at each point of that
 * path in turn by `waker`: CPU 1, or CPU 0 itself (an interrupt, or its polls). CPU 0 must run B
 * without a halt that waits for a tick. */
static void idle_race(unsigned waker, bool cpu1_busy)
{
    volatile unsigned points = 0, polled = 0, polls = 0, kmax = cpu1_busy ? 400 : 40;

    for (volatile unsigned k = 1; k <= kmax; k++) { /* (without polling the path is shorter) */
        world_reset();
        pcs[1].current = cpu1_busy ? A : NULL; /* CPU 1 runs a vCPU (CPU 0 may poll) or idles */
        f.waker = waker;
        f.inject_at = k;
        add_on(B, 0);
        if (setjmp(f.out))
            fail_msg("wake-up at call %u: CPU 0 never ran B", k);
        assert_ptr_equal(exit_on(0), B);
        assert_true(f.injected);
        if (f.lost)
            fail_msg("wake-up at call %u of the idle path (waker CPU %u): CPU 0 halted until its "
                     "next tick with B runnable and no IPI", k, waker);
        assert_int_equal(B->processor, 0);
        assert_false(pcs[0].idle || pcs[0].polling);
        points += !f.halts; /* woken before any halt */
        polls += f.polls;
        if (f.target_polled && waker != 0) {
            assert_int_equal(f.ipis[0], 0); /* the polling CPU saw the flag: no IPI */
            polled++;
        }
    }
    assert_true(points > 3);  /* the sweep did cover the path before the first halt, */
    assert_true(polled > 10 || waker == 0 || !cpu1_busy); /* the polling, */
    assert_true(f.halts > 0 || points < kmax);             /* and halts; */
    assert_true(cpu1_busy ? polls > 0 : polls == 0); /* no polling while no other CPU is busy */
}

static void test_idle_race_remote_waker(void **state)
{
    idle_race(1, true);
}

static void test_idle_race_local_waker(void **state)
{
    idle_race(0, true);
}

/* With no vCPU running anywhere else, a wake-up can only come from an interrupt: the idle CPU
 * halts at once (no polling burns a host thread under emulation), and still loses no wake-up. */
static void test_idle_race_no_busy_cpu(void **state)
{
    idle_race(1, false);
    idle_race(0, false);
}

/* A resched IPI taken by an idle CPU whose vCPU another CPU took first: it looks, finds
 * nothing, and halts again (it does not spin on the flag). */
static void test_idle_resched_without_work_halts(void **state)
{
    world_reset();
    f.waker = 0;
    f.resched_only = true;
    f.max_halts = 3;
    add_on(B, 0);
    f.inject_at = 12; /* in the first halt */
    if (!setjmp(f.out))
        exit_on(0);
    assert_true(f.injected);
    assert_int_equal(f.halts, 3);
    assert_int_equal(f.lost, 0);
}

/* A runs on CPU 0; B, queued on CPU 0 with far more CPU time than A (it does not preempt A), is
 * woken there while CPU 1 idles: CPU 1 gets an IPI, takes B from CPU 0's queue and runs it. */
static void test_woken_behind_busy_cpu_goes_to_idle_cpu(void **state)
{
    world_reset();
    add_on(A, 0);
    A->run_state = VCPU_RUNNABLE;
    assert_ptr_equal(exit_on(0), A);
    add_on(B, 0);
    B->vruntime = 1000000000000ULL;
    f.waker = 0;
    f.inject_at = f.calls + 3; /* CPU 1 is halted by then */
    if (setjmp(f.out))
        fail_msg("CPU 1 never ran B");
    assert_ptr_equal(exit_on(1), B);
    assert_true(f.injected);
    assert_int_equal(f.lost, 0);
    assert_int_equal(f.ipis[1], 1);
    assert_int_equal(B->processor, 1);
    assert_ptr_equal(pcs[0].current, A);
    assert_true(A->running && B->running);
}

/* The same with B allowed only on CPU 0: CPU 1 is not disturbed, B waits for CPU 0. */
static void test_not_offered_outside_affinity(void **state)
{
    world_reset();
    add_on(A, 0);
    A->run_state = VCPU_RUNNABLE;
    assert_ptr_equal(exit_on(0), A);
    add_on(B, 0);
    B->hard_affinity = 1;
    B->vruntime = 1000000000000ULL;
    f.waker = 0;
    f.inject_at = f.calls + 3;
    f.max_halts = 5;
    if (!setjmp(f.out))
        exit_on(1);
    assert_true(f.injected);
    assert_int_equal(f.ipis[1], 0);
    assert_int_equal(f.lost, 0);
    assert_int_equal(B->processor, 0);
    assert_false(B->running);
    assert_int_equal(B->run_state, VCPU_RUNNABLE);
}

/* B woken with less CPU time than A preempts A on CPU 0 (its own CPU) instead. */
static void test_preempting_wake_stays(void **state)
{
    world_reset();
    add_on(A, 0);
    A->run_state = VCPU_RUNNABLE;
    A->vruntime = 1000000000000ULL;
    assert_ptr_equal(exit_on(0), A);
    add_on(B, 0);
    on_cpu(1);
    sched_wake(B);
    assert_int_equal(f.ipis[0], 1);
    assert_int_equal(f.ipis[1], 0);
    pcs[0].resched_sent = false; /* CPU 0 takes the IPI */
    pcs[0].need_resched = true;
    assert_ptr_equal(exit_on(0), B);
    assert_false(A->running);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_race_remote_waker),
        cmocka_unit_test(test_idle_race_local_waker),
        cmocka_unit_test(test_idle_race_no_busy_cpu),
        cmocka_unit_test(test_idle_resched_without_work_halts),
        cmocka_unit_test(test_woken_behind_busy_cpu_goes_to_idle_cpu),
        cmocka_unit_test(test_not_offered_outside_affinity),
        cmocka_unit_test(test_preempting_wake_stays),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
