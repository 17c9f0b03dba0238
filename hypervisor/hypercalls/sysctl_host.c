/* sysctl's host commands, as Xen 4.17's common/sysctl.c and drivers/char/console.c answer them:
 * the hypervisor's log ring (xl dmesg), the machine (xl info), the scheduler, each CPU's idle
 * time and topology. The hypervisor does not read the CPU topology: every CPU is reported as
 * one core of one socket, in NUMA node 0. */
#include "console.h"
#include "domctl_ops.h"
#include "frame.h"
#include "guest_access.h"
#include "lib.h"
#include "pv-abi/errno.h"
#include "sched.h"
#include "time.h"

/* Xen's read_console_ring: from the oldest byte kept (or `index` if it still is in the ring),
 * as much as fits; clear forgets what was read. */
long sysctl_readconsole(struct vcpu *v, struct pv_sysctl *op)
{
    struct pv_sysctl_readconsole *a = &op->u.readconsole;
    uint32_t c, p, sofar = 0;

    console_log_indices(&c, &p);
    if (a->incremental && (c <= p ? c < a->index && a->index <= p : c < a->index || a->index <= p))
        c = a->index;
    while (c != p && sofar < a->count) {
        uint32_t idx = c % CONSOLE_LOG_SIZE, len = p - c;

        if (idx + len > CONSOLE_LOG_SIZE)
            len = CONSOLE_LOG_SIZE - idx;
        if (sofar + len > a->count)
            len = a->count - sofar;
        if (guest_copy_to(guest_handle_of(a->buffer + sofar), console_log_at(c), len))
            return -PV_EFAULT;
        sofar += len;
        c += len;
    }
    if (a->clear)
        console_log_clear(c);
    a->count = sofar;
    a->index = c;
    return 0;
}

/* The CPU's feature words in Xen's featureset order (1d, 1c, e1d, e1c, Da1, 7b0, 7c0, e7d). */
static void hw_caps(uint32_t cap[8])
{
    static const struct {
        uint32_t leaf, sub;
        uint8_t reg; /* eax 0, ebx 1, ecx 2, edx 3 */
    } words[8] = {{1, 0, 3},          {1, 0, 2},   {0x80000001, 0, 3}, {0x80000001, 0, 2},
                  {0xd, 1, 0},        {7, 0, 1},   {7, 0, 2},          {0x80000007, 0, 3}};
    uint32_t r[4], max, max_ext;

    arch_cpuid(0, 0, r);
    max = r[0];
    arch_cpuid(0x80000000, 0, r);
    max_ext = r[0];
    for (unsigned i = 0; i < 8; i++) {
        uint32_t leaf = words[i].leaf;

        cap[i] = 0;
        if (leaf <= max || (leaf >= 0x80000000 && leaf <= max_ext)) {
            arch_cpuid(leaf, words[i].sub, r);
            cap[i] = r[words[i].reg];
        }
    }
}

long sysctl_physinfo(struct vcpu *v, struct pv_sysctl *op)
{
    struct pv_sysctl_physinfo *pi = &op->u.physinfo;

    memset(pi, 0, sizeof(*pi));
    pi->threads_per_core = 1;
    pi->cores_per_socket = arch_nr_cpus();
    pi->nr_cpus = arch_nr_cpus();
    pi->max_cpu_id = arch_nr_cpus() - 1;
    pi->nr_nodes = 1;
    pi->cpu_khz = (uint32_t)time_tsc_khz();
    pi->capabilities =
        PV_SYSCTL_PHYSCAP_pv | PV_SYSCTL_PHYSCAP_gnttab_v1 | PV_SYSCTL_PHYSCAP_gnttab_v2;
    pi->total_pages = frame_nr;
    pi->free_pages = frame_free_count();
    pi->max_mfn = frame_nr - 1;
    hw_caps(pi->hw_cap);
    return 0;
}

long sysctl_sched_id(struct vcpu *v, struct pv_sysctl *op)
{
    op->u.sched_id.sched_id = PV_SCHEDULER_CREDIT;
    return 0;
}

/* Idle time of the first max_cpus CPUs; nothing goes back if one cannot be written. */
long sysctl_getcpuinfo(struct vcpu *v, struct pv_sysctl *op)
{
    struct pv_sysctl_getcpuinfo *a = &op->u.getcpuinfo;
    uint32_t i, n = a->max_cpus < arch_nr_cpus() ? a->max_cpus : arch_nr_cpus();

    for (i = 0; i < n; i++) {
        struct pv_sysctl_cpuinfo info = {.idletime = sched_idle_ns(i)};

        if (guest_copy_to(guest_handle_of(a->info + i * sizeof(info)), &info, sizeof(info)))
            return -PV_EFAULT;
    }
    a->nr_cpus = i;
    return 0;
}

/* As Xen: with no array, num_cpus becomes the number of CPUs; with one, as many entries as
 * both sides have are written and num_cpus says how many. */
long sysctl_cputopoinfo(struct vcpu *v, struct pv_sysctl *op)
{
    struct pv_sysctl_cputopoinfo *a = &op->u.cputopoinfo;
    uint32_t i = arch_nr_cpus();

    if (a->cputopo) {
        uint32_t n = i < a->num_cpus ? i : a->num_cpus;

        for (i = 0; i < n; i++) {
            struct pv_sysctl_cputopo t = {.core = i, .socket = 0, .node = 0};

            if (guest_copy_to(guest_handle_of(a->cputopo + i * sizeof(t)), &t, sizeof(t)))
                return -PV_EFAULT;
        }
    }
    a->num_cpus = i;
    return 0;
}
