/* guest-kit: system time from vcpu_time_info, the single-shot timer, and sleeping. */
#include "internal.h"

static uint32_t timer_ports[GK_MAX_CPUS];
static bool no_singleshot; /* vcpu_op answered -ENOSYS: use set_timer_op */
/* Added to the hypervisor's system time: after a resume in a new domain (another host's
 * clock, which may be behind) the guest's time goes on from where it stopped. */
static int64_t offset;

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/* docs/porting/events.md §5: system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32, read while
 * version is even and unchanged (the hypervisor makes it odd while it updates the fields). */
static uint64_t system_now(void)
{
    const volatile struct pv_vcpu_time_info *t = &gk_vcpu_info()->time;

    for (;;) {
        uint32_t ver = t->version;
        uint64_t stamp, sys, d;
        uint32_t mul;
        int8_t shift;

        __asm__ volatile("" ::: "memory");
        stamp = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        d = rdtsc() - stamp;
        __asm__ volatile("" ::: "memory");
        if ((ver & 1) || ver != t->version)
            continue;
        d = shift >= 0 ? d << shift : d >> -shift;
        return sys + (uint64_t)(((unsigned __int128)d * mul) >> 32);
    }
}

uint64_t gk_time_now(void)
{
    return system_now() + (uint64_t)offset;
}

uint64_t gk_time_wallclock(void)
{
    const volatile struct pv_shared_info *s = gk_shared_info();

    for (;;) {
        uint32_t ver = s->wc_version;
        uint64_t sec, nsec;

        __asm__ volatile("" ::: "memory");
        sec = (uint64_t)s->wc_sec_hi << 32 | s->wc_sec;
        nsec = s->wc_nsec;
        __asm__ volatile("" ::: "memory");
        if (!(ver & 1) && ver == s->wc_version)
            return sec * 1000000000ULL + nsec + system_now();
    }
}

void gk_time_continue_from(uint64_t then)
{
    offset = (int64_t)(then - system_now());
}

uint32_t gk_timer_port(void)
{
    unsigned int cpu = gk_smp_cpu();
    uint32_t port;

    if (timer_ports[cpu])
        return timer_ports[cpu];
    if (gk_evtchn_bind_virq(PV_VIRQ_TIMER, cpu, &port) != 0)
        return 0;
    /* Every vCPU starts with a 10 ms periodic timer; sleeping wants only the deadlines. */
    gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_stop_periodic_timer, cpu, 0, 0, 0);
    timer_ports[cpu] = port;
    return port;
}

void gk_time_reset(void)
{
    memset(timer_ports, 0, sizeof(timer_ports));
}

long gk_timer_set(uint64_t deadline)
{
    struct pv_vcpu_set_singleshot_timer st = {0};
    unsigned int cpu = gk_smp_cpu();
    long rc;

    /* in the hypervisor's clock; one before its zero is due now (1 ns) */
    if (deadline) {
        int64_t d = (int64_t)deadline - offset; /* both far below 2^63 ns */

        deadline = d > 0 ? (uint64_t)d : 1;
    }
    st.timeout_abs_ns = deadline;
    if (!no_singleshot) {
        rc = deadline ? gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_set_singleshot_timer, cpu,
                                     &st, 0, 0)
                      : gk_hypercall(PV_HYPERCALL_vcpu_op, PV_VCPUOP_stop_singleshot_timer, cpu,
                                     0, 0, 0);
        if (rc != -PV_ENOSYS)
            return rc;
        no_singleshot = true;
    }
    return gk_hypercall_set_timer_op(deadline);
}

bool gk_wait_event2_until(uint32_t port, uint32_t seen, uint32_t port2, uint32_t seen2,
                          uint64_t deadline)
{
    bool was_masked = gk_events_masked(), came;
    uint32_t tport = gk_timer_port();

    for (;;) {
        gk_events_mask(); /* an event from here on stays pending and ends the block at once */
        came = (port && port < GK_MAX_PORTS && gk_event_counts[port] != seen) ||
               (port2 && port2 < GK_MAX_PORTS && gk_event_counts[port2] != seen2);
        if (came || (deadline && gk_time_now() >= deadline))
            break;
        if (deadline && tport)
            gk_timer_set(deadline);
        gk_hypercall_sched_op(PV_SCHEDOP_block, NULL); /* unmasks: the upcall runs on return */
    }
    if (!was_masked)
        gk_events_unmask();
    return came;
}

bool gk_wait_event_until(uint32_t port, uint32_t seen, uint64_t deadline)
{
    return gk_wait_event2_until(port, seen, 0, 0, deadline);
}

long gk_sleep_until(uint64_t deadline)
{
    if (!gk_timer_port())
        return -PV_ENOSYS;
    gk_wait_event_until(0, 0, deadline);
    return 0;
}

long gk_sleep_ns(uint64_t ns)
{
    return gk_sleep_until(gk_time_now() + ns);
}
