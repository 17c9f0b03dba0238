/* Unit tests of domctl's vCPU/scheduler/time commands and sysctl's host commands
 * (hypervisor/hypercalls/domctl_vcpu.c, sysctl_host.c) and the console log ring
 * (common/conlog.c): the caller's CPU bitmaps as Xen reads and writes them (nr_bits cut-offs,
 * zero fill, faults, the rollback of a hard map when the soft one fails), the credit scheduler's
 * "leave it" values, TSC info rules, and readconsole over a wrapped ring (incremental indices,
 * short buffers, clear). The scheduler, time, domains and guest memory are faked here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "console.h"
#include "domain.h"
#include "frame.h"
#include "guest_access.h"
#include "pv-abi/errno.h"
#include "sched.h"
#include "time.h"
#include "vcpu.h"

#include "hypervisor/hypercalls/domctl_ops.h"

#define GVA 0x10000ULL

static uint8_t guest_mem[65536];
static struct domain dom, caller_dom;
static struct vcpu v0, caller;
static unsigned nr_cpus = 2, pauses, unpauses;
static uint64_t hard_set;
static bool copyback; /* domctl_copyback() was called */

int guest_copy_from(void *dst, guest_handle src, size_t len)
{
    if (src.gva < GVA || src.gva + len > GVA + sizeof(guest_mem))
        return -PV_EFAULT;
    memcpy(dst, guest_mem + (src.gva - GVA), len);
    return 0;
}

int guest_copy_to(guest_handle dst, const void *src, size_t len)
{
    if (dst.gva < GVA || dst.gva + len > GVA + sizeof(guest_mem))
        return -PV_EFAULT;
    memcpy(guest_mem + (dst.gva - GVA), src, len);
    return 0;
}

unsigned arch_nr_cpus(void) { return nr_cpus; }
uint64_t arch_rdtsc(void) { return 3000000000ULL; }
void arch_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    out[0] = leaf == 0 ? 0xd : leaf == 0x80000000 ? 0x80000008 : leaf;
    out[1] = sub, out[2] = 0x1c, out[3] = 0x1d;
}
uint64_t time_tsc_khz(void) { return 1000000; } /* 1 GHz: ticks are ns */
void time_scale_for(uint64_t tps, struct time_scale *s) { s->mul_frac = (uint32_t)(tps / 1000000000); s->shift = 0; }
uint64_t time_scale_delta(uint64_t delta, const struct time_scale *s) { return delta * s->mul_frac; }
void time_publish_wallclock(struct domain *d) { (void)d; }
void vcpu_runstate_get(const struct vcpu *v, struct pv_vcpu_runstate_info *rs, bool to_now)
{
    (void)v, (void)to_now;
    memset(rs, 0, sizeof(*rs));
    rs->time[PV_RUNSTATE_running] = 4242;
}
void sched_set_hard_affinity(struct vcpu *v, uint64_t cpus) { v->hard_affinity = hard_set = cpus; }
void sched_set_credit(struct domain *d, unsigned weight, unsigned cap) { d->weight = weight, d->cap = cap; }
uint64_t sched_idle_ns(unsigned cpu) { return 1000 + cpu; }
void domain_pause(struct domain *d) { (void)d, pauses++; }
void domain_unpause(struct domain *d) { (void)d, unpauses++; }
uint64_t frame_nr = 4096;
void domctl_copyback(void) { copyback = true; }
uint64_t frame_free_count(void) { return 1000; }

static void reset(void)
{
    memset(&dom, 0, sizeof(dom));
    memset(&v0, 0, sizeof(v0));
    memset(guest_mem, 0xaa, sizeof(guest_mem));
    dom.nr_vcpus = 1;
    dom.vcpu[0] = &v0;
    dom.weight = 256;
    v0.domain = &dom;
    v0.hard_affinity = v0.soft_affinity = ~0UL;
    caller = (struct vcpu){.domain = &caller_dom};
    caller_dom.privileged = true;
    nr_cpus = 2;
    pauses = unpauses = 0;
}

static long affinity(uint32_t cmd, uint32_t flags, uint32_t nr_hard, uint32_t nr_soft,
                     uint8_t hard, uint8_t soft)
{
    struct pv_domctl op = {0};
    struct pv_domctl_vcpuaffinity a = {
        .flags = flags,
        .cpumap_hard = {.bitmap = GVA, .nr_bits = nr_hard},
        .cpumap_soft = {.bitmap = GVA + 64, .nr_bits = nr_soft},
    };
    long rc;

    guest_mem[0] = hard;
    guest_mem[64] = soft;
    memcpy(op.u.pad, &a, sizeof(a));
    op.cmd = cmd;
    copyback = false;
    rc = domctl_vcpuaffinity(&caller, &dom, &op);
    assert_false(copyback);
    return rc;
}

static void test_bitmaps(void **state)
{
    (void)state;
    reset();
    /* get: the CPUs' bytes, then zeros up to nr_bits, nothing further */
    assert_int_equal(affinity(PV_DOMCTL_getvcpuaffinity, PV_VCPUAFFINITY_HARD, 24, 8, 0, 0x55), 0);
    assert_int_equal(guest_mem[0], 3);
    assert_int_equal(guest_mem[1], 0);
    assert_int_equal(guest_mem[2], 0);
    assert_int_equal(guest_mem[3], 0xaa);
    assert_int_equal(guest_mem[64], 0x55); /* soft not asked */
    /* nr_bits 0: nothing read (no CPU: -EINVAL), nothing written */
    assert_int_equal(affinity(PV_DOMCTL_setvcpuaffinity, PV_VCPUAFFINITY_HARD, 0, 0, 3, 0), -PV_EINVAL);
    /* bits past nr_bits in the last byte are dropped */
    assert_int_equal(affinity(PV_DOMCTL_setvcpuaffinity, PV_VCPUAFFINITY_HARD, 1, 0, 0xfe, 0), -PV_EINVAL);
    assert_int_equal(affinity(PV_DOMCTL_setvcpuaffinity, PV_VCPUAFFINITY_HARD, 2, 0, 0xfe, 0), 0);
    assert_int_equal(hard_set, 2);
    assert_int_equal(guest_mem[0], 2);
    /* offline CPUs are kept in the map but not returned; none online: -EINVAL */
    assert_int_equal(affinity(PV_DOMCTL_setvcpuaffinity, PV_VCPUAFFINITY_HARD, 8, 0, 0x0c, 0), -PV_EINVAL);
    assert_int_equal(affinity(PV_DOMCTL_setvcpuaffinity, PV_VCPUAFFINITY_HARD, 8, 0, 0x0d, 0), 0);
    assert_int_equal(hard_set, 1);
    assert_int_equal(guest_mem[0], 1);
    /* nr_bits so large that its byte count wraps (as Xen's unsigned arithmetic): no bytes */
    assert_int_equal(affinity(PV_DOMCTL_setvcpuaffinity, PV_VCPUAFFINITY_HARD, 0xfffffffa, 0, 3, 0),
                     -PV_EINVAL);
    /* soft: kept whole, returned as soft & hard & online */
    assert_int_equal(affinity(PV_DOMCTL_setvcpuaffinity, PV_VCPUAFFINITY_SOFT, 0, 16, 0, 0xf3), 0);
    assert_int_equal(v0.soft_affinity, 3);
    assert_int_equal(guest_mem[64], 1);
    assert_int_equal(guest_mem[65], 0);
    /* flags */
    assert_int_equal(affinity(PV_DOMCTL_setvcpuaffinity, 0, 8, 8, 1, 1), -PV_EINVAL);
    assert_int_equal(affinity(PV_DOMCTL_getvcpuaffinity, PV_VCPUAFFINITY_FORCE, 8, 8, 1, 1), -PV_EINVAL);
}

static void test_affinity_rollback(void **state)
{
    struct pv_domctl op = {0};
    struct pv_domctl_vcpuaffinity a = {
        .flags = PV_VCPUAFFINITY_HARD | PV_VCPUAFFINITY_SOFT,
        .cpumap_hard = {.bitmap = GVA, .nr_bits = 8},
        .cpumap_soft = {.bitmap = 0x4000000, .nr_bits = 8}, /* unreadable */
    };

    (void)state;
    reset();
    v0.hard_affinity = 1;
    guest_mem[0] = 2;
    memcpy(op.u.pad, &a, sizeof(a));
    op.cmd = PV_DOMCTL_setvcpuaffinity;
    assert_int_equal(domctl_vcpuaffinity(&caller, &dom, &op), -PV_EFAULT);
    assert_int_equal(v0.hard_affinity, 1); /* as Xen: the hard map set first is undone */
    a.vcpu = 1;
    memcpy(op.u.pad, &a, sizeof(a));
    assert_int_equal(domctl_vcpuaffinity(&caller, &dom, &op), -PV_EINVAL);
    dom.nr_vcpus = 2; /* a vCPU slot without a vCPU */
    op.cmd = PV_DOMCTL_getvcpuaffinity;
    assert_int_equal(domctl_vcpuaffinity(&caller, &dom, &op), -PV_ESRCH);
}

static long sched(uint32_t id, uint32_t cmd, uint16_t weight, uint16_t cap,
                  struct pv_domctl_scheduler_op *s)
{
    struct pv_domctl op = {0};
    long rc;

    *s = (struct pv_domctl_scheduler_op){.sched_id = id, .cmd = cmd};
    s->u.credit.weight = weight;
    s->u.credit.cap = cap;
    memcpy(op.u.pad, s, sizeof(*s));
    copyback = false;
    rc = domctl_scheduler_op(&caller, &dom, &op);
    assert_true(copyback); /* always, as Xen */
    memcpy(s, op.u.pad, sizeof(*s));
    return rc;
}

static void test_scheduler_op(void **state)
{
    struct pv_domctl_scheduler_op s;

    (void)state;
    reset();
    assert_int_equal(sched(PV_SCHEDULER_CREDIT, PV_DOMCTL_SCHEDOP_putinfo, 0, 0xffff, &s), 0);
    assert_int_equal(dom.weight, 256);
    assert_int_equal(dom.cap, 0);
    assert_int_equal(sched(PV_SCHEDULER_CREDIT, PV_DOMCTL_SCHEDOP_putinfo, 65535, 800, &s), 0);
    assert_int_equal(dom.weight, 65535);
    assert_int_equal(dom.cap, 800);
    assert_int_equal(sched(PV_SCHEDULER_CREDIT, PV_DOMCTL_SCHEDOP_putinfo, 0, 0, &s), 0);
    assert_int_equal(dom.weight, 65535);
    assert_int_equal(dom.cap, 0);
    assert_int_equal(sched(PV_SCHEDULER_CREDIT, PV_DOMCTL_SCHEDOP_getinfo, 1, 1, &s), 0);
    assert_int_equal(s.u.credit.weight, 65535);
    assert_int_equal(s.u.credit.cap, 0);
    assert_int_equal(sched(PV_SCHEDULER_CREDIT2, PV_DOMCTL_SCHEDOP_putinfo, 9, 9, &s), -PV_EINVAL);
    assert_int_equal(sched(PV_SCHEDULER_CREDIT, 99, 9, 9, &s), -PV_EINVAL);
    assert_int_equal(dom.weight, 65535);
}

static long tsc(uint32_t cmd, struct vcpu *cur, uint32_t mode, uint32_t khz, uint32_t inc,
                struct pv_domctl_tsc_info *t)
{
    struct pv_domctl op = {.cmd = cmd};
    long rc;

    *t = (struct pv_domctl_tsc_info){.tsc_mode = mode, .gtsc_khz = khz, .incarnation = inc};
    memcpy(op.u.pad, t, sizeof(*t));
    copyback = false;
    rc = domctl_tscinfo(cur, &dom, &op);
    assert_true(copyback == (cmd == PV_DOMCTL_gettscinfo && !rc)); /* what get read goes back */
    memcpy(t, op.u.pad, sizeof(*t));
    return rc;
}

static void test_tscinfo(void **state)
{
    struct pv_domctl_tsc_info t;
    struct vcpu self = {.domain = &dom};

    (void)state;
    reset();
    assert_int_equal(tsc(PV_DOMCTL_gettscinfo, &self, 0, 0, 0, &t), -PV_EINVAL);
    assert_int_equal(tsc(PV_DOMCTL_settscinfo, &self, 0, 0, 0, &t), -PV_EINVAL);
    assert_int_equal(pauses, 0);
    assert_int_equal(tsc(PV_DOMCTL_gettscinfo, &caller, 5, 5, 5, &t), 0);
    assert_int_equal(t.tsc_mode, 0);
    assert_int_equal(t.gtsc_khz, 1000000);
    assert_int_equal(t.incarnation, 1);
    assert_int_equal(t.elapsed_nsec, 3000000000ULL);
    assert_int_equal(tsc(PV_DOMCTL_settscinfo, &caller, 2, 0, 0xffffffff, &t), 0);
    assert_int_equal(tsc(PV_DOMCTL_gettscinfo, &caller, 0, 0, 0, &t), 0);
    assert_int_equal(t.incarnation, 0); /* wraps, as Xen's */
    assert_int_equal(t.elapsed_nsec, 0);
    assert_int_equal(t.gtsc_khz, 0);
    assert_int_equal(tsc(PV_DOMCTL_settscinfo, &caller, 1, 0, 0, &t), -PV_EOPNOTSUPP);
    assert_int_equal(tsc(PV_DOMCTL_settscinfo, &caller, 0, 999, 0, &t), -PV_EOPNOTSUPP);
    assert_int_equal(tsc(PV_DOMCTL_settscinfo, &caller, 3, 0, 0, &t), -PV_EINVAL);
    assert_int_equal(dom.tsc_mode, 2); /* refusals change nothing */
    assert_int_equal(pauses, unpauses);
    dom.privileged = true; /* the hardware domain keeps its TSC: accepted, not recorded */
    assert_int_equal(tsc(PV_DOMCTL_settscinfo, &caller, 7, 0, 0, &t), 0);
    assert_int_equal(dom.tsc_mode, 2);
}

static long readcon(bool clear, bool incr, uint32_t index, uint32_t count,
                    struct pv_sysctl_readconsole *r)
{
    struct pv_sysctl op = {0};
    long rc;

    *r = (struct pv_sysctl_readconsole){
        .clear = clear, .incremental = incr, .index = index, .buffer = GVA, .count = count};
    memcpy(op.u.pad, r, sizeof(*r));
    memset(guest_mem, 0, sizeof(guest_mem));
    rc = sysctl_readconsole(&caller, &op);
    memcpy(r, op.u.pad, sizeof(*r));
    return rc;
}

static void fill_log(unsigned n, char first)
{
    for (unsigned i = 0; i < n; i++) {
        char c = (char)(first + i % 26);

        console_log_append(&c, 1);
    }
}

/* Runs last: the log ring is the real one (it only grows). */
static void test_readconsole(void **state)
{
    struct pv_sysctl_readconsole r;
    uint32_t c, p;

    (void)state;
    fill_log(100, 'a');
    assert_int_equal(readcon(false, false, 0, 1000, &r), 0);
    assert_int_equal(r.count, 100);
    assert_int_equal(r.index, 100);
    assert_memory_equal(guest_mem, "abcdefghijklmnopqrstuvwxyzabcd", 30);
    assert_int_equal(readcon(false, true, 98, 1000, &r), 0); /* incremental: from 98 */
    assert_int_equal(r.count, 2);
    assert_memory_equal(guest_mem, "uv", 2);
    assert_int_equal(readcon(false, true, 101, 1000, &r), 0); /* past the end: ignored */
    assert_int_equal(r.count, 100);
    fill_log(CONSOLE_LOG_SIZE, 'A'); /* wraps: the first 100 bytes are gone */
    console_log_indices(&c, &p);
    assert_int_equal(p - c, CONSOLE_LOG_SIZE);
    assert_int_equal(readcon(false, true, 50, 40000, &r), 0); /* fell out: from the oldest */
    assert_int_equal(r.count, CONSOLE_LOG_SIZE);
    assert_int_equal(r.index, p);
    assert_int_equal(guest_mem[0], 'A'); /* the 100 old bytes were overwritten first */
    assert_int_equal(readcon(false, false, 0, 7, &r), 0); /* short: stops, index says where */
    assert_int_equal(r.count, 7);
    assert_int_equal(r.index, c + 7);
    assert_int_equal(readcon(true, true, p - 10, 4, &r), 0); /* clear after a partial read */
    console_log_indices(&c, &p);
    assert_int_equal(c, p - 6);
    assert_int_equal(readcon(true, false, 0, 0, &r), 0); /* nothing read, nothing cleared */
    console_log_indices(&c, &p);
    assert_int_equal(c, p - 6);
    r = (struct pv_sysctl_readconsole){.buffer = 0x4000000, .count = 10};
    {
        struct pv_sysctl op = {0};

        memcpy(op.u.pad, &r, sizeof(r));
        assert_int_equal(sysctl_readconsole(&caller, &op), -PV_EFAULT);
    }
}

static void test_host(void **state)
{
    struct pv_sysctl op = {0};
    struct pv_sysctl_cputopoinfo ti = {.num_cpus = 1, .cputopo = GVA};
    struct pv_sysctl_getcpuinfo ci = {.max_cpus = 8, .info = GVA};
    struct pv_sysctl_physinfo pi;

    (void)state;
    reset();
    nr_cpus = 3;
    memcpy(op.u.pad, &ti, sizeof(ti));
    assert_int_equal(sysctl_cputopoinfo(&caller, &op), 0);
    memcpy(&ti, op.u.pad, sizeof(ti));
    assert_int_equal(ti.num_cpus, 1);
    assert_int_equal(guest_mem[12], 0xaa); /* one entry of 12 bytes */
    memcpy(op.u.pad, &ci, sizeof(ci));
    assert_int_equal(sysctl_getcpuinfo(&caller, &op), 0);
    memcpy(&ci, op.u.pad, sizeof(ci));
    assert_int_equal(ci.nr_cpus, 3);
    assert_int_equal(guest_mem[16], 1002 & 0xff);
    assert_int_equal(guest_mem[24], 0xaa);
    assert_int_equal(sysctl_physinfo(&caller, &op), 0);
    memcpy(&pi, op.u.pad, sizeof(pi));
    assert_int_equal(pi.nr_cpus, 3);
    assert_int_equal(pi.max_cpu_id, 2);
    assert_int_equal(pi.hw_cap[0], 0x1d);         /* leaf 1 edx */
    assert_int_equal(pi.hw_cap[4], 0xd);          /* leaf 0xd sub 1 eax: within the max leaf */
    assert_int_equal(pi.hw_cap[7], 0x1d);         /* leaf 0x80000007 edx */
    assert_int_equal(pi.free_pages, 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bitmaps),     cmocka_unit_test(test_affinity_rollback),
        cmocka_unit_test(test_scheduler_op), cmocka_unit_test(test_tscinfo),
        cmocka_unit_test(test_host),         cmocka_unit_test(test_readconsole),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
