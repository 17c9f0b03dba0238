/*
 * Boot test "tuning": domctl's vCPU, scheduler and time commands and sysctl's host commands
 * (hypercalls/domctl_vcpu.c, sysctl_host.c), with Xen 4.17's results and errors.
 *   rule=dom0 (the initial domain, on a 2-CPU machine, beside peer=N, a running domU):
 *     getvcpuinfo of itself and the peer; vCPU affinity set and read back, the effective maps
 *     returned, every refusal, and the scheduler honouring it (the peer's and its own vCPU move
 *     to the one CPU allowed); the credit scheduler's weight and cap; the wallclock offset seen
 *     in its own shared_info; TSC info of the peer round trip, refused for itself; physinfo,
 *     sched_id, cputopoinfo, getcpuinfo; readconsole: whole, incremental, short, clear.
 *   rule=domu (an unprivileged domain, self=N peer=M): every one of them -EPERM.
 *   rule=sched (the initial domain beside two sched_weight guests on one CPU): the weights and
 *     caps it sets through scheduler_op are the ones the scheduler applies.
 */
#include "bt.h"
#include "bt_mmu.h"
#include "gk/kit.h"
#include "pv-abi/elfnote.h"
#include "pv-abi/xen_version.h"

/* The kit's notes say nothing of dom0: this guest adds that it may be the initial domain. */
__asm__(".pushsection .note.Xen,\"a\",@note\n.balign 4\n"
        ".long 4, 4, " BT_STR(PV_ELFNOTE_SUPPORTED_FEATURES) "\n.asciz \"Xen\"\n"
        ".long 1 << " BT_STR(PV_XENFEAT_dom0) "\n.popsection");

#define NOBODY 1000
#define NCPUS 2 /* the case runs QEMU with --smp 2 */

static struct pv_domctl dop __attribute__((aligned(16)));
static struct pv_sysctl sop __attribute__((aligned(16)));
static uint64_t self_id, peer_id;
static uint8_t bits_hard[16], bits_soft[16];
static char logbuf[16384 + 1]; /* the hypervisor keeps 16 KiB */

static long domctl(uint32_t cmd, uint64_t domain, const void *arg, size_t len)
{
    long rc;

    memset(&dop, 0, sizeof(dop));
    dop.cmd = cmd;
    dop.interface_version = PV_DOMCTL_INTERFACE_VERSION;
    dop.domain = (uint16_t)domain;
    memcpy(dop.u.pad, arg, len);
    rc = gk_hypercall_nr(PV_HYPERCALL_domctl, (uint64_t)(uintptr_t)&dop, 0, 0, 0, 0);
    memcpy((void *)arg, dop.u.pad, len);
    return rc;
}

static long sysctl(uint32_t cmd, const void *arg, size_t len)
{
    long rc;

    memset(&sop, 0, sizeof(sop));
    sop.cmd = cmd;
    sop.interface_version = PV_SYSCTL_INTERFACE_VERSION;
    memcpy(sop.u.pad, arg, len);
    rc = gk_hypercall_nr(PV_HYPERCALL_sysctl, (uint64_t)(uintptr_t)&sop, 0, 0, 0, 0);
    memcpy((void *)arg, sop.u.pad, len);
    return rc;
}

static long vcpuinfo(uint64_t dom, uint32_t vcpu, struct pv_domctl_getvcpuinfo *i)
{
    memset(i, 0xee, sizeof(*i));
    i->vcpu = vcpu;
    return domctl(PV_DOMCTL_getvcpuinfo, dom, i, sizeof(*i));
}

static void check_getvcpuinfo(void)
{
    struct pv_domctl_getvcpuinfo i;
    uint64_t t0, t1, w0;

    w0 = gk_time_now(); /* before the first reading: the CPU time between the two is less */
    GK_EXPECT_EQ(vcpuinfo(self_id, 0, &i), 0);
    GK_EXPECT_EQ(i.online, 1);
    GK_EXPECT_EQ(i.blocked, 0);
    GK_EXPECT_EQ(i.running, 1); /* itself, asking */
    GK_EXPECT_LT(i.cpu, NCPUS);
    t0 = i.cpu_time;
    while (gk_time_now() < w0 + 20 * GK_NS_PER_MS) /* it runs, maybe sharing its CPU */
        ;
    GK_EXPECT_EQ(vcpuinfo(self_id, 0, &i), 0);
    t1 = i.cpu_time;
    GK_EXPECT_GT(t1 - t0, 0);
    GK_EXPECT_LE(t1 - t0, gk_time_now() - w0);
    GK_EXPECT_EQ(vcpuinfo(peer_id, 0, &i), 0);
    GK_EXPECT_EQ(i.online, 1);
    GK_EXPECT_GT(i.cpu_time, 0);
    GK_EXPECT_LT(i.cpu, NCPUS);
    GK_EXPECT_EQ(vcpuinfo(peer_id, 1, &i), -PV_EINVAL); /* the peer has one vCPU */
    GK_EXPECT_EQ(vcpuinfo(peer_id, 0xffffffff, &i), -PV_EINVAL);
    GK_EXPECT_EQ(vcpuinfo(NOBODY, 0, &i), -PV_ESRCH);
}

static long affinity(uint32_t cmd, uint64_t dom, uint32_t flags, uint32_t nr_bits, uint8_t hard,
                     uint8_t soft, struct pv_domctl_vcpuaffinity *a)
{
    memset(bits_hard, 0xaa, sizeof(bits_hard));
    memset(bits_soft, 0xaa, sizeof(bits_soft));
    bits_hard[0] = hard;
    bits_soft[0] = soft;
    *a = (struct pv_domctl_vcpuaffinity){
        .vcpu = 0,
        .flags = flags,
        .cpumap_hard = {.bitmap = PV_GUEST_PTR(bits_hard), .nr_bits = nr_bits},
        .cpumap_soft = {.bitmap = PV_GUEST_PTR(bits_soft), .nr_bits = nr_bits},
    };
    return domctl(cmd, dom, a, sizeof(*a));
}

/* Wait (up to 1 s) until vCPU 0 of dom is queued on cpu, then see it stay there for 200 ms
 * of sleeping and waking (an idle CPU would otherwise take it now and then). */
static bool lands_on(uint64_t dom, uint32_t cpu)
{
    struct pv_domctl_getvcpuinfo i;
    uint64_t end = gk_time_now() + GK_NS_PER_MS * 1000;

    while (vcpuinfo(dom, 0, &i) != 0 || i.cpu != cpu) {
        if (gk_time_now() > end)
            return false;
        gk_sleep_ns(GK_NS_PER_MS);
    }
    for (unsigned n = 0; n < 200; n++) {
        if (vcpuinfo(dom, 0, &i) != 0 || i.cpu != cpu) {
            gk_test_log("vCPU 0 of domain %lu left CPU %u for CPU %u", dom, cpu, i.cpu);
            return false;
        }
        gk_sleep_ns(GK_NS_PER_MS);
    }
    return true;
}

static void check_affinity_errors(void)
{
    struct pv_domctl_vcpuaffinity a;
    const uint32_t set = PV_DOMCTL_setvcpuaffinity, hard = PV_VCPUAFFINITY_HARD;

    GK_EXPECT_EQ(affinity(set, peer_id, 0, 8, 1, 1, &a), -PV_EINVAL);             /* no map */
    GK_EXPECT_EQ(affinity(set, peer_id, PV_VCPUAFFINITY_FORCE, 8, 1, 1, &a), -PV_EINVAL);
    GK_EXPECT_EQ(affinity(set, peer_id, hard, 8, 0, 0, &a), -PV_EINVAL);          /* no CPU */
    GK_EXPECT_EQ(affinity(set, peer_id, hard, 8, 0xfc, 0, &a), -PV_EINVAL);       /* offline */
    GK_EXPECT_EQ(affinity(set, peer_id, hard, 1, 0xfe, 0, &a), -PV_EINVAL);       /* cut off */
    GK_EXPECT_EQ(affinity(set, peer_id, hard, 0, 0xff, 0, &a), -PV_EINVAL);       /* no bits */
    a.vcpu = 1;
    GK_EXPECT_EQ(domctl(set, peer_id, &a, sizeof(a)), -PV_EINVAL);
    GK_EXPECT_EQ(affinity(set, NOBODY, hard, 8, 1, 0, &a), -PV_ESRCH);
    affinity(set, peer_id, hard, 8, 1, 0, &a);
    a.cpumap_hard.bitmap = 0x0000800000000000ULL;
    GK_EXPECT_EQ(domctl(set, peer_id, &a, sizeof(a)), -PV_EFAULT);
    a.flags = hard;
    GK_EXPECT_EQ(domctl(PV_DOMCTL_getvcpuaffinity, peer_id, &a, sizeof(a)), -PV_EFAULT);
}

static void check_affinity(void)
{
    struct pv_domctl_vcpuaffinity a;
    const uint32_t set = PV_DOMCTL_setvcpuaffinity, get = PV_DOMCTL_getvcpuaffinity;
    const uint32_t hard = PV_VCPUAFFINITY_HARD, soft = PV_VCPUAFFINITY_SOFT;

    /* The default: every CPU; bytes past the CPUs up to nr_bits zeroed, the rest untouched. */
    GK_EXPECT_EQ(affinity(get, peer_id, hard | soft, 32, 0, 0, &a), 0);
    GK_EXPECT_EQ(bits_hard[0], 3);
    GK_EXPECT_EQ(bits_hard[3], 0);
    GK_EXPECT_EQ(bits_hard[4], 0xaa);
    GK_EXPECT_EQ(bits_soft[0], 3);
    check_affinity_errors();
    /* Hard to CPU 1 (0xfe: the offline CPUs are dropped from the map returned). */
    GK_EXPECT_EQ(affinity(set, peer_id, hard, 8, 0xfe, 0, &a), 0);
    GK_EXPECT_EQ(bits_hard[0], 2);
    GK_EXPECT(lands_on(peer_id, 1));
    GK_EXPECT_EQ(affinity(set, peer_id, hard, 8, 1, 0, &a), 0);
    GK_EXPECT(lands_on(peer_id, 0));
    /* Soft: kept as given, returned as soft & hard & online. */
    GK_EXPECT_EQ(affinity(set, peer_id, soft, 8, 0xf2, 0xf2, &a), 0);
    GK_EXPECT_EQ(bits_soft[0], 0);
    GK_EXPECT_EQ(affinity(get, peer_id, hard | soft, 8, 0, 0, &a), 0);
    GK_EXPECT_EQ(bits_hard[0], 1);
    GK_EXPECT_EQ(bits_soft[0], 0xf2 & 3);
    GK_EXPECT_EQ(affinity(set, peer_id, hard | soft, 16, 3, 3, &a), 0);
    GK_EXPECT_EQ(bits_hard[1], 0);
    /* Its own vCPU moves to CPU 1, then back to CPU 0. */
    GK_EXPECT_EQ(affinity(set, self_id, hard, 8, 2, 0, &a), 0);
    GK_EXPECT(lands_on(self_id, 1));
    GK_EXPECT_EQ(affinity(set, self_id, hard, 8, 1, 0, &a), 0);
    GK_EXPECT(lands_on(self_id, 0));
    GK_EXPECT_EQ(affinity(set, self_id, hard, 8, 3, 0, &a), 0);
}

static long sched(uint64_t dom, uint32_t id, uint32_t cmd, uint16_t weight, uint16_t cap,
                  struct pv_domctl_scheduler_op *s)
{
    *s = (struct pv_domctl_scheduler_op){.sched_id = id, .cmd = cmd};
    s->u.credit.weight = weight;
    s->u.credit.cap = cap;
    return domctl(PV_DOMCTL_scheduler_op, dom, s, sizeof(*s));
}

static void check_scheduler_op(void)
{
    struct pv_domctl_scheduler_op s;
    const uint32_t credit = PV_SCHEDULER_CREDIT;

    GK_EXPECT_EQ(sched(peer_id, credit, PV_DOMCTL_SCHEDOP_getinfo, 9, 9, &s), 0);
    GK_EXPECT_EQ(s.u.credit.weight, 256);
    GK_EXPECT_EQ(s.u.credit.cap, 0);
    GK_EXPECT_EQ(sched(peer_id, credit, PV_DOMCTL_SCHEDOP_putinfo, 512, 50, &s), 0);
    GK_EXPECT_EQ(sched(peer_id, credit, PV_DOMCTL_SCHEDOP_putinfo, 0, 0xffff, &s), 0);
    GK_EXPECT_EQ(sched(peer_id, credit, PV_DOMCTL_SCHEDOP_getinfo, 0, 0, &s), 0);
    GK_EXPECT_EQ(s.u.credit.weight, 512);
    GK_EXPECT_EQ(s.u.credit.cap, 50);
    GK_EXPECT_EQ(sched(peer_id, PV_SCHEDULER_CREDIT2, PV_DOMCTL_SCHEDOP_getinfo, 0, 0, &s),
                 -PV_EINVAL);
    GK_EXPECT_EQ(sched(peer_id, credit, PV_DOMCTL_SCHEDOP_putvcpuinfo, 0, 0, &s), -PV_EINVAL);
    GK_EXPECT_EQ(sched(peer_id, credit, PV_DOMCTL_SCHEDOP_getvcpuinfo, 0, 0, &s), -PV_EINVAL);
    GK_EXPECT_EQ(sched(peer_id, credit, 4, 0, 0, &s), -PV_EINVAL);
    GK_EXPECT_EQ(sched(NOBODY, credit, PV_DOMCTL_SCHEDOP_getinfo, 0, 0, &s), -PV_ESRCH);
    GK_EXPECT_EQ(sched(peer_id, credit, PV_DOMCTL_SCHEDOP_putinfo, 256, 0, &s), 0);
    GK_EXPECT_EQ(sched(peer_id, credit, PV_DOMCTL_SCHEDOP_getinfo, 0, 0, &s), 0);
    GK_EXPECT_EQ(s.u.credit.weight, 256);
    GK_EXPECT_EQ(s.u.credit.cap, 0);
}

static uint64_t wc_sec(void)
{
    volatile struct pv_shared_info *s = gk_shared_info();

    return s->wc_sec | (uint64_t)s->wc_sec_hi << 32;
}

static void check_timeoffset(void)
{
    struct pv_domctl_settimeoffset t = {.time_offset_seconds = 3600};
    uint64_t base = wc_sec();

    GK_EXPECT_EQ(domctl(PV_DOMCTL_settimeoffset, self_id, &t, sizeof(t)), 0);
    GK_EXPECT_EQ(wc_sec(), base + 3600);
    t.time_offset_seconds = -7200;
    GK_EXPECT_EQ(domctl(PV_DOMCTL_settimeoffset, self_id, &t, sizeof(t)), 0);
    GK_EXPECT_EQ(wc_sec(), base - 7200);
    t.time_offset_seconds = 0;
    GK_EXPECT_EQ(domctl(PV_DOMCTL_settimeoffset, self_id, &t, sizeof(t)), 0);
    GK_EXPECT_EQ(wc_sec(), base);
    GK_EXPECT_EQ(domctl(PV_DOMCTL_settimeoffset, peer_id, &t, sizeof(t)), 0);
    GK_EXPECT_EQ(domctl(PV_DOMCTL_settimeoffset, NOBODY, &t, sizeof(t)), -PV_ESRCH);
}

static long tsc(uint32_t cmd, uint64_t dom, uint32_t mode, uint32_t khz, uint32_t inc,
                struct pv_domctl_tsc_info *t)
{
    *t = (struct pv_domctl_tsc_info){.tsc_mode = mode, .gtsc_khz = khz, .incarnation = inc};
    return domctl(cmd, dom, t, sizeof(*t));
}

static void check_tscinfo(uint32_t cpu_khz)
{
    struct pv_domctl_tsc_info t;
    const uint32_t get = PV_DOMCTL_gettscinfo, set = PV_DOMCTL_settscinfo;

    GK_EXPECT_EQ(tsc(get, self_id, 0, 0, 0, &t), -PV_EINVAL);
    GK_EXPECT_EQ(tsc(set, self_id, 0, 0, 0, &t), -PV_EINVAL);
    GK_EXPECT_EQ(tsc(get, peer_id, 9, 9, 9, &t), 0);
    GK_EXPECT_EQ(t.tsc_mode, PV_TSC_MODE_DEFAULT);
    GK_EXPECT_EQ(t.incarnation, 1); /* as Xen: a new domain's TSC is set up once */
    GK_EXPECT_EQ(t.gtsc_khz, cpu_khz);
    GK_EXPECT_GT(t.elapsed_nsec, 0);
    GK_EXPECT_EQ(tsc(set, peer_id, PV_TSC_MODE_NEVER_EMULATE, 0, 7, &t), 0);
    GK_EXPECT_EQ(tsc(get, peer_id, 0, 0, 0, &t), 0);
    GK_EXPECT_EQ(t.tsc_mode, PV_TSC_MODE_NEVER_EMULATE);
    GK_EXPECT_EQ(t.incarnation, 8);
    GK_EXPECT_EQ(t.gtsc_khz, 0);
    GK_EXPECT_EQ(t.elapsed_nsec, 0);
    GK_EXPECT_EQ(tsc(set, peer_id, PV_TSC_MODE_ALWAYS_EMULATE, 0, 0, &t), -PV_EOPNOTSUPP);
    GK_EXPECT_EQ(tsc(set, peer_id, PV_TSC_MODE_DEFAULT, cpu_khz + 1, 0, &t), -PV_EOPNOTSUPP);
    GK_EXPECT_EQ(tsc(set, peer_id, 3, 0, 0, &t), -PV_EINVAL); /* PVRDTSCP: gone in 4.17 */
    GK_EXPECT_EQ(tsc(set, peer_id, PV_TSC_MODE_DEFAULT, cpu_khz, 0, &t), 0);
    GK_EXPECT_EQ(tsc(get, peer_id, 0, 0, 0, &t), 0);
    GK_EXPECT_EQ(t.tsc_mode, PV_TSC_MODE_DEFAULT);
    GK_EXPECT_EQ(t.incarnation, 1);
    GK_EXPECT_EQ(tsc(get, NOBODY, 0, 0, 0, &t), -PV_ESRCH);
}

static uint32_t check_physinfo(void)
{
    struct pv_sysctl_physinfo pi;
    struct pv_sysctl_sched_id id = {.sched_id = 77};

    memset(&pi, 0xee, sizeof(pi));
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_physinfo, &pi, sizeof(pi)), 0);
    GK_EXPECT_EQ(pi.nr_cpus, NCPUS);
    GK_EXPECT_EQ(pi.max_cpu_id, NCPUS - 1);
    GK_EXPECT_EQ(pi.threads_per_core * pi.cores_per_socket, NCPUS);
    GK_EXPECT_EQ(pi.nr_nodes, 1);
    GK_EXPECT_GT(pi.cpu_khz, 100000);
    GK_EXPECT_EQ(pi.capabilities,
                 PV_SYSCTL_PHYSCAP_pv | PV_SYSCTL_PHYSCAP_gnttab_v1 | PV_SYSCTL_PHYSCAP_gnttab_v2);
    GK_EXPECT_EQ(pi.pad, 0);
    GK_EXPECT_GT(pi.free_pages, 0);
    GK_EXPECT_LT(pi.free_pages, pi.total_pages);
    GK_EXPECT_EQ(pi.max_mfn, pi.total_pages - 1);
    GK_EXPECT_EQ(pi.hw_cap[0] & 1, 1); /* FPU */
    GK_EXPECT_NE(pi.hw_cap[2] & (1U << 29), 0); /* long mode */
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_sched_id, &id, sizeof(id)), 0);
    GK_EXPECT_EQ(id.sched_id, PV_SCHEDULER_CREDIT);
    return pi.cpu_khz;
}

static void check_cpus(void)
{
    static struct pv_sysctl_cputopo topo[4];
    static struct pv_sysctl_cpuinfo idle[4];
    struct pv_sysctl_cputopoinfo ti = {.num_cpus = 77};
    struct pv_sysctl_getcpuinfo ci = {.max_cpus = 4, .info = PV_GUEST_PTR(idle)};

    GK_EXPECT_EQ(sysctl(PV_SYSCTL_cputopoinfo, &ti, sizeof(ti)), 0); /* no array: count */
    GK_EXPECT_EQ(ti.num_cpus, NCPUS);
    memset(topo, 0xff, sizeof(topo));
    ti = (struct pv_sysctl_cputopoinfo){.num_cpus = 1, .cputopo = PV_GUEST_PTR(topo)};
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_cputopoinfo, &ti, sizeof(ti)), 0);
    GK_EXPECT_EQ(ti.num_cpus, 1);
    GK_EXPECT_EQ(topo[1].core, PV_INVALID_CORE_ID); /* untouched */
    ti.num_cpus = 4;
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_cputopoinfo, &ti, sizeof(ti)), 0);
    GK_EXPECT_EQ(ti.num_cpus, NCPUS);
    GK_EXPECT_EQ(topo[1].core, 1);
    GK_EXPECT_EQ(topo[1].socket, 0);
    GK_EXPECT_EQ(topo[1].node, 0);
    GK_EXPECT_EQ(topo[2].core, PV_INVALID_CORE_ID);
    ti.cputopo = 0x0000800000000000ULL;
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_cputopoinfo, &ti, sizeof(ti)), -PV_EFAULT);
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_getcpuinfo, &ci, sizeof(ci)), 0);
    GK_EXPECT_EQ(ci.nr_cpus, NCPUS);
    GK_EXPECT_GT(idle[0].idletime + idle[1].idletime, 0);
    ci.info = 0x0000800000000000ULL;
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_getcpuinfo, &ci, sizeof(ci)), -PV_EFAULT);
    ci.max_cpus = 0;
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_getcpuinfo, &ci, sizeof(ci)), 0);
    GK_EXPECT_EQ(ci.nr_cpus, 0);
}

static long readcon(bool clear, bool incremental, uint32_t index, uint32_t count,
                    struct pv_sysctl_readconsole *r)
{
    memset(logbuf, 0, sizeof(logbuf));
    *r = (struct pv_sysctl_readconsole){.clear = clear, .incremental = incremental,
                                        .index = index, .buffer = PV_GUEST_PTR(logbuf),
                                        .count = count};
    return sysctl(PV_SYSCTL_readconsole, r, sizeof(*r));
}

static bool has(const char *needle, uint32_t len)
{
    size_t n = lib_strlen(needle);

    for (uint32_t i = 0; i + n <= len; i++)
        if (!memcmp(logbuf + i, needle, n))
            return true;
    return false;
}

static void check_readconsole(void)
{
    struct pv_sysctl_readconsole r;
    uint32_t mark;

    gk_printf("tuning: first marker\n");
    GK_EXPECT_EQ(readcon(false, false, 0, sizeof(logbuf) - 1, &r), 0);
    GK_EXPECT_GT(r.count, 0);
    GK_EXPECT(has("(d0) tuning: first marker", r.count));
    mark = r.index;
    GK_EXPECT_EQ(readcon(false, false, 0, 10, &r), 0); /* a short buffer */
    GK_EXPECT_EQ(r.count, 10);
    gk_printf("tuning: second marker\n");
    GK_EXPECT_EQ(readcon(false, true, mark, sizeof(logbuf) - 1, &r), 0); /* only what is new */
    GK_EXPECT(has("(d0) tuning: second marker", r.count));
    GK_EXPECT(!has("first marker", r.count));
    GK_EXPECT_EQ(readcon(true, false, 0, sizeof(logbuf) - 1, &r), 0); /* read all, clear */
    mark = r.index;
    GK_EXPECT_EQ(readcon(false, false, 0, sizeof(logbuf) - 1, &r), 0);
    GK_EXPECT(!has("second marker", r.count)); /* cleared */
    GK_EXPECT_EQ(readcon(false, true, mark - 100, sizeof(logbuf) - 1, &r), 0);
    GK_EXPECT(!has("second marker", r.count)); /* an index before the oldest is ignored */
    GK_EXPECT_EQ(readcon(false, false, 0, 0, &r), 0);
    GK_EXPECT_EQ(r.count, 0);
    gk_printf("tuning: third marker\n");
    r.buffer = 0x0000800000000000ULL;
    r.count = 100;
    GK_EXPECT_EQ(sysctl(PV_SYSCTL_readconsole, &r, sizeof(r)), -PV_EFAULT);
}

static bool peer_up(void)
{
    struct pv_domctl_getvcpuinfo i;

    for (uint64_t end = gk_time_now() + 5000 * GK_NS_PER_MS; gk_time_now() < end;) {
        if (vcpuinfo(peer_id, 0, &i) == 0 && i.online && i.cpu_time)
            return true;
        gk_sleep_ns(GK_NS_PER_MS);
    }
    return false;
}

static void rule_dom0(void)
{
    uint32_t khz;

    GK_ASSERT(bt_cmdline_uint("peer", &peer_id));
    self_id = 0;
    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    GK_ASSERT(peer_up()); /* the boot-time domains after dom0 are built while it runs */
    check_getvcpuinfo();
    check_affinity();
    check_scheduler_op();
    check_timeoffset();
    khz = check_physinfo();
    check_tscinfo(khz);
    check_cpus();
    check_readconsole();
}

/* Unprivileged: each command refused, whatever its argument, on itself and on a peer. */
static void rule_domu(void)
{
    static const uint32_t dcmds[] = {
        PV_DOMCTL_setvcpuaffinity, PV_DOMCTL_getvcpuinfo,     PV_DOMCTL_scheduler_op,
        PV_DOMCTL_settimeoffset,   PV_DOMCTL_getvcpuaffinity, PV_DOMCTL_gettscinfo,
        PV_DOMCTL_settscinfo};
    static const uint32_t scmds[] = {PV_SYSCTL_readconsole, PV_SYSCTL_physinfo,
                                     PV_SYSCTL_sched_id, PV_SYSCTL_getcpuinfo,
                                     PV_SYSCTL_cputopoinfo};
    struct pv_domctl_scheduler_op s = {.sched_id = PV_SCHEDULER_CREDIT,
                                       .cmd = PV_DOMCTL_SCHEDOP_getinfo};
    struct pv_sysctl_readconsole r = {.buffer = PV_GUEST_PTR(logbuf), .count = 64};

    GK_ASSERT(bt_cmdline_uint("self", &self_id));
    GK_ASSERT(bt_cmdline_uint("peer", &peer_id));
    for (unsigned i = 0; i < sizeof(dcmds) / sizeof(dcmds[0]); i++) {
        GK_EXPECT_EQ(domctl(dcmds[i], self_id, &s, sizeof(s)), -PV_EPERM);
        GK_EXPECT_EQ(domctl(dcmds[i], peer_id, &s, sizeof(s)), -PV_EPERM);
        GK_EXPECT_EQ(domctl(dcmds[i], 0, &s, sizeof(s)), -PV_EPERM);
    }
    for (unsigned i = 0; i < sizeof(scmds) / sizeof(scmds[0]); i++)
        GK_EXPECT_EQ(sysctl(scmds[i], &r, sizeof(r)), -PV_EPERM);
    GK_EXPECT_EQ(logbuf[0], 0);
}

/* Domain d has shut down (its test printed its verdict), or is gone. */
static bool shut_down(uint64_t d)
{
    struct pv_domctl_getdomaininfo g = {0};

    return domctl(PV_DOMCTL_getdomaininfo, d, &g, sizeof(g)) || g.domain != d ||
           (g.flags & PV_DOMINF_shutdown);
}

/* dom0 gives domains 1 and 2 (sched_weight guests spinning from 4 s to 10 s on the one CPU)
 * the weight and cap of its command line (w1= c1= w2= c2=) through scheduler_op before they
 * start, then sleeps until both have shut down: their shares show the scheduler applies them. */
static void rule_sched(void)
{
    struct pv_domctl_scheduler_op s;
    struct pv_domctl_getvcpuinfo i;
    uint64_t w[3] = {0}, c[3] = {0};

    GK_ASSERT_EQ(gk_shared_info_map(), 0);
    bt_cmdline_uint("w1", &w[1]);
    bt_cmdline_uint("c1", &c[1]);
    bt_cmdline_uint("w2", &w[2]);
    bt_cmdline_uint("c2", &c[2]);
    for (uint64_t d = 1; d <= 2; d++) {
        while (vcpuinfo(d, 0, &i) != 0 || !i.online)
            gk_sleep_ns(GK_NS_PER_MS);
        GK_EXPECT_EQ(sched(d, PV_SCHEDULER_CREDIT, PV_DOMCTL_SCHEDOP_putinfo, (uint16_t)w[d],
                           (uint16_t)c[d], &s), 0);
        GK_EXPECT_EQ(sched(d, PV_SCHEDULER_CREDIT, PV_DOMCTL_SCHEDOP_getinfo, 0, 0, &s), 0);
        GK_EXPECT_EQ(s.u.credit.weight, w[d] ? w[d] : 256);
        GK_EXPECT_EQ(s.u.credit.cap, c[d]);
    }
    GK_EXPECT_LT(gk_time_now(), 3900 * GK_NS_PER_MS); /* before their window opens */
    while (!shut_down(1) || !shut_down(2))
        gk_sleep_ns(100 * GK_NS_PER_MS);
}

static const struct bt_rule rules[] = {
    {"dom0", rule_dom0}, {"domu", rule_domu}, {"sched", rule_sched}};

void gk_main(void)
{
    bt_run_rule("tuning_", rules, sizeof(rules) / sizeof(rules[0]));
}
