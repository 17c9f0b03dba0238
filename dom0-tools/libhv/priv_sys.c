/* dom0-tools/libhv/priv_sys.c - typed calls on vCPUs (getvcpuinfo), the scheduler's weight and
 * cap (scheduler_op), and the host (sysctl physinfo, sched_id, readconsole). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "priv_internal.h"

int hv_vcpu_getinfo(struct hv_priv *p, uint32_t domid, unsigned vcpu, struct hv_vcpuinfo *vi)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_getvcpuinfo, .domain = (pv_domid_t)domid};
    char what[64];
    int rc;

    d.u.getvcpuinfo.vcpu = vcpu;
    snprintf(what, sizeof(what), "domctl getvcpuinfo of domain %u vCPU %u", domid, vcpu);
    rc = priv_domctl(p, &d, what);
    if (rc)
        return rc;
    vi->online = d.u.getvcpuinfo.online;
    vi->blocked = d.u.getvcpuinfo.blocked;
    vi->running = d.u.getvcpuinfo.running;
    vi->cpu_time = d.u.getvcpuinfo.cpu_time;
    vi->cpu = d.u.getvcpuinfo.cpu;
    return 0;
}

int hv_vcpu_getaffinity(struct hv_priv *p, uint32_t domid, unsigned vcpu, uint64_t *hard,
                        uint64_t *soft)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_getvcpuaffinity, .domain = (pv_domid_t)domid};
    struct pv_domctl_vcpuaffinity *a = &d.u.vcpuaffinity;
    uint64_t *maps = hv_buf_alloc(p, 2 * sizeof(uint64_t));
    char what[64];
    int rc;

    if (!maps)
        return -ENOMEM;
    maps[0] = maps[1] = 0;
    a->vcpu = vcpu;
    a->flags = PV_VCPUAFFINITY_HARD | PV_VCPUAFFINITY_SOFT;
    a->cpumap_hard.bitmap = (uint64_t)(uintptr_t)&maps[0];
    a->cpumap_hard.nr_bits = 64;
    a->cpumap_soft.bitmap = (uint64_t)(uintptr_t)&maps[1];
    a->cpumap_soft.nr_bits = 64;
    snprintf(what, sizeof(what), "domctl getvcpuaffinity of domain %u vCPU %u", domid, vcpu);
    rc = priv_domctl(p, &d, what);
    if (!rc) {
        *hard = maps[0];
        *soft = maps[1];
    }
    hv_buf_free(p, maps, 2 * sizeof(uint64_t));
    return rc;
}

int hv_sched_id(struct hv_priv *p, uint32_t *sched_id)
{
    struct pv_sysctl s = {.cmd = PV_SYSCTL_sched_id};
    int rc = priv_sysctl(p, &s, "sysctl sched_id");

    if (!rc)
        *sched_id = s.u.sched_id.sched_id;
    return rc;
}

/* scheduler_op for the running scheduler: credit, or credit2 (whose weight and cap have the same
 * layout); others refused. */
static int sched_op(struct hv_priv *p, uint32_t domid, unsigned cmd, struct hv_sched_credit *sc)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_scheduler_op, .domain = (pv_domid_t)domid};
    uint32_t id;
    char what[80];
    int rc = hv_sched_id(p, &id);

    if (rc)
        return rc;
    if (id != PV_SCHEDULER_CREDIT && id != PV_SCHEDULER_CREDIT2)
        return priv_fail(p, -EOPNOTSUPP, "scheduler %u has no weight and cap", id);
    d.u.scheduler_op.sched_id = id;
    d.u.scheduler_op.cmd = cmd;
    d.u.scheduler_op.u.credit.weight = (uint16_t)sc->weight;
    d.u.scheduler_op.u.credit.cap = (uint16_t)sc->cap;
    snprintf(what, sizeof(what), "domctl scheduler_op %s of domain %u",
             cmd == PV_DOMCTL_SCHEDOP_getinfo ? "getinfo" : "putinfo", domid);
    rc = priv_domctl(p, &d, what);
    if (!rc && cmd == PV_DOMCTL_SCHEDOP_getinfo) {
        sc->weight = d.u.scheduler_op.u.credit.weight;
        sc->cap = d.u.scheduler_op.u.credit.cap;
    }
    return rc;
}

int hv_sched_credit_get(struct hv_priv *p, uint32_t domid, struct hv_sched_credit *sc)
{
    memset(sc, 0, sizeof(*sc));
    return sched_op(p, domid, PV_DOMCTL_SCHEDOP_getinfo, sc);
}

int hv_sched_credit_set(struct hv_priv *p, uint32_t domid, const struct hv_sched_credit *sc)
{
    struct hv_sched_credit v = *sc;

    if (v.weight > 65535 || v.cap > 65535)
        return priv_fail(p, -EINVAL, "weight %u or cap %u out of range", v.weight, v.cap);
    return sched_op(p, domid, PV_DOMCTL_SCHEDOP_putinfo, &v);
}

int hv_physinfo(struct hv_priv *p, struct hv_physinfo *pi)
{
    struct pv_sysctl s = {.cmd = PV_SYSCTL_physinfo};
    const struct pv_sysctl_physinfo *r = &s.u.physinfo;
    int rc = priv_sysctl(p, &s, "sysctl physinfo");

    if (rc)
        return rc;
    memset(pi, 0, sizeof(*pi));
    pi->threads_per_core = r->threads_per_core;
    pi->cores_per_socket = r->cores_per_socket;
    pi->nr_cpus = r->nr_cpus;
    pi->max_cpu_id = r->max_cpu_id;
    pi->nr_nodes = r->nr_nodes;
    pi->max_node_id = r->max_node_id;
    pi->cpu_khz = r->cpu_khz;
    pi->capabilities = r->capabilities;
    pi->total_pages = r->total_pages;
    pi->free_pages = r->free_pages;
    pi->scrub_pages = r->scrub_pages;
    pi->outstanding_pages = r->outstanding_pages;
    pi->max_mfn = r->max_mfn;
    memcpy(pi->hw_cap, r->hw_cap, sizeof(pi->hw_cap));
    return 0;
}

int hv_readconsole(struct hv_priv *p, char *buf, uint32_t *len, uint32_t *index, bool incremental,
                   bool clear)
{
    uint32_t room = *len;
    char *b = hv_buf_alloc(p, room);
    struct pv_sysctl s = {.cmd = PV_SYSCTL_readconsole};
    int rc;

    if (!b)
        return -ENOMEM;
    s.u.readconsole.clear = clear;
    s.u.readconsole.incremental = incremental;
    s.u.readconsole.index = incremental ? *index : 0;
    s.u.readconsole.buffer = (uint64_t)(uintptr_t)b;
    s.u.readconsole.count = room;
    rc = priv_sysctl(p, &s, "sysctl readconsole");
    if (!rc) {
        *len = s.u.readconsole.count < room ? s.u.readconsole.count : room;
        memcpy(buf, b, *len);
        *index = s.u.readconsole.index;
    }
    hv_buf_free(p, b, room);
    return rc;
}
