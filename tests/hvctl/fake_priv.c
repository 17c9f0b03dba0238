/* A stand-in for the hypervisor behind priv.h and build.h (see fake_priv.h). Domain 0 always
 * exists; ids are allocated from 1 as Xen does. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0-tools/libhv/build.h"
#include "fake_priv.h"
#include "pv-abi/sched_op.h"

struct fake_dom fake_doms[FAKE_MAX];
const char *fake_fail;
int fake_fail_rc = -EINVAL;
int fake_new_shutdown = -1;
unsigned fake_creates, fake_destroys;

struct hv_priv {
    struct hv_err err;
};

void fake_reset(void)
{
    memset(fake_doms, 0, sizeof(fake_doms));
    fake_doms[0].exists = true;
    fake_doms[0].max_vcpus = 1;
    fake_fail = NULL;
    fake_fail_rc = -EINVAL;
    fake_new_shutdown = -1;
    fake_creates = fake_destroys = 0;
}

/* Programs linked with the stand-in (hvctl-fake) start with dom0 alone. */
__attribute__((constructor)) static void fake_init(void)
{
    fake_reset();
}

unsigned fake_count(void)
{
    unsigned i, n = 0;

    for (i = 1; i < FAKE_MAX; i++)
        n += fake_doms[i].exists;
    return n;
}

int hv_err_set(struct hv_err *err, int rc, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* The failure asked for, with a message naming the call. */
static int check(struct hv_priv *p, const char *what, uint32_t domid)
{
    if (domid >= FAKE_MAX || !fake_doms[domid].exists)
        return hv_err_set(&p->err, -ESRCH, "fake %s of domain %u: No such process", what, domid);
    if (fake_fail && !strcmp(fake_fail, what))
        return hv_err_set(&p->err, fake_fail_rc, "fake %s failed", what);
    return 0;
}

int hv_priv_open(struct hv_priv **out, struct hv_err *err)
{
    (void)err;
    *out = calloc(1, sizeof(**out));
    return 0;
}

void hv_priv_close(struct hv_priv *p) { free(p); }
const char *hv_priv_error(const struct hv_priv *p) { return p->err.msg; }
void *hv_buf_alloc(struct hv_priv *p, size_t bytes) { (void)p; return calloc(1, bytes); }
void hv_buf_free(struct hv_priv *p, void *buf, size_t bytes) { (void)p, (void)bytes; free(buf); }

long hv_hypercall(struct hv_priv *p, const char *what, unsigned op, uint64_t a0, uint64_t a1,
                  uint64_t a2, uint64_t a3, uint64_t a4)
{
    (void)what, (void)op, (void)a0, (void)a1, (void)a2, (void)a3, (void)a4;
    return hv_err_set(&p->err, -ENOSYS, "fake hypercall");
}

int hv_domain_create(struct hv_priv *p, const struct hv_domain_config *c, uint32_t *domid)
{
    uint32_t i;

    if (fake_fail && !strcmp(fake_fail, "create"))
        return hv_err_set(&p->err, fake_fail_rc, "fake create failed");
    for (i = 1; i < FAKE_MAX && fake_doms[i].exists; i++)
        ;
    if (i == FAKE_MAX)
        return hv_err_set(&p->err, -ENOSPC, "fake: no domain ids left");
    memset(&fake_doms[i], 0, sizeof(fake_doms[i]));
    fake_doms[i].exists = true;
    fake_doms[i].pauses = 1;
    fake_doms[i].max_vcpus = c->max_vcpus;
    fake_doms[i].weight = 256;
    memcpy(fake_doms[i].handle, c->handle, 16);
    if (fake_new_shutdown >= 0)
        fake_doms[i].shutdown = true, fake_doms[i].reason = (unsigned)fake_new_shutdown;
    fake_creates++;
    *domid = i;
    return 0;
}

int hv_domain_destroy(struct hv_priv *p, uint32_t domid)
{
    int rc = check(p, "destroy", domid);

    if (!rc) {
        fake_doms[domid].exists = false;
        fake_destroys++;
    }
    return rc;
}

int hv_domain_pause(struct hv_priv *p, uint32_t domid)
{
    int rc = check(p, "pause", domid);

    fake_doms[domid % FAKE_MAX].pauses += !rc;
    return rc;
}

int hv_domain_unpause(struct hv_priv *p, uint32_t domid)
{
    int rc = check(p, "unpause", domid);

    if (!rc && !fake_doms[domid].pauses)
        return hv_err_set(&p->err, -EINVAL, "fake unpause: not paused");
    fake_doms[domid % FAKE_MAX].pauses -= !rc;
    return rc;
}

static void fill_info(uint32_t id, struct hv_dominfo *info)
{
    const struct fake_dom *d = &fake_doms[id];

    memset(info, 0, sizeof(*info));
    info->domid = id;
    info->shutdown = d->shutdown;
    info->shutdown_reason = d->reason;
    info->paused = d->pauses > 0;
    info->running = !d->pauses && !d->shutdown;
    info->tot_pages = d->pages;
    info->max_pages = d->max_kib / 4;
    info->nr_online_vcpus = d->max_vcpus;
    info->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 : 0;
    info->cpu_time = 1500000000ULL * id;
    memcpy(info->handle, d->handle, 16);
}

int hv_domain_getinfo(struct hv_priv *p, uint32_t domid, struct hv_dominfo *info)
{
    int rc = check(p, "getinfo", domid);

    if (!rc)
        fill_info(domid, info);
    return rc;
}

int hv_domain_list(struct hv_priv *p, uint32_t first, struct hv_dominfo *out, unsigned max)
{
    unsigned n = 0;
    uint32_t i;

    if (fake_fail && !strcmp(fake_fail, "list"))
        return hv_err_set(&p->err, fake_fail_rc, "fake list failed");
    for (i = first; i < FAKE_MAX && n < max; i++)
        if (fake_doms[i].exists)
            fill_info(i, &out[n++]);
    return (int)n;
}

int hv_domain_max_vcpus(struct hv_priv *p, uint32_t domid, unsigned max_vcpus)
{
    int rc = check(p, "max_vcpus", domid);

    if (!rc && max_vcpus != fake_doms[domid].max_vcpus)
        return hv_err_set(&p->err, -EINVAL, "fake max_vcpus: differs from createdomain's");
    return rc;
}

int hv_domain_max_mem(struct hv_priv *p, uint32_t domid, uint64_t max_kib)
{
    int rc = check(p, "max_mem", domid);

    if (!rc)
        fake_doms[domid].max_kib = max_kib;
    return rc;
}

int hv_domain_ioport_permission(struct hv_priv *p, uint32_t domid, uint32_t first, uint32_t nr,
                                bool allow)
{
    int rc = check(p, "ioport_permission", domid);

    if (!rc && !(allow && nr >= 1 && first + nr <= 0x10000))
        return hv_err_set(&p->err, -EINVAL, "fake ioport_permission: bad range");
    fake_doms[domid].ioports += !rc;
    return rc;
}

int hv_domain_iomem_permission(struct hv_priv *p, uint32_t domid, uint64_t first, uint64_t nr,
                               bool allow)
{
    int rc = check(p, "iomem_permission", domid);

    if (!rc && !(allow && nr >= 1 && first + nr - 1 >= first))
        return hv_err_set(&p->err, -EINVAL, "fake iomem_permission: bad range");
    fake_doms[domid].iomem += !rc;
    return rc;
}

int hv_physdev_map_pirq(struct hv_priv *p, uint32_t domid, uint32_t gsi)
{
    int rc = check(p, "map_pirq", domid);

    if (!rc && gsi >= 256)
        return hv_err_set(&p->err, -EINVAL, "fake map_pirq: bad GSI");
    fake_doms[domid].pirqs += !rc;
    return rc;
}

int hv_domain_irq_permission(struct hv_priv *p, uint32_t domid, uint32_t pirq, bool allow)
{
    int rc = check(p, "irq_permission", domid);

    /* libxl's order: the GSI is the domain's pirq before it is granted */
    if (!rc && !(allow && pirq < 256 && fake_doms[domid].pirqs > fake_doms[domid].irqs))
        return hv_err_set(&p->err, -EINVAL, "fake irq_permission: not mapped first");
    fake_doms[domid].irqs += !rc;
    return rc;
}

int hv_sched_credit_get(struct hv_priv *p, uint32_t domid, struct hv_sched_credit *sc)
{
    int rc = check(p, "sched_get", domid);

    if (!rc)
        sc->weight = fake_doms[domid].weight, sc->cap = fake_doms[domid].cap;
    return rc;
}

int hv_sched_credit_set(struct hv_priv *p, uint32_t domid, const struct hv_sched_credit *sc)
{
    int rc = check(p, "sched_set", domid);

    if (!rc)
        fake_doms[domid].weight = sc->weight, fake_doms[domid].cap = sc->cap;
    return rc;
}

int hv_build(struct hv_priv *p, uint32_t domid, const struct hv_build_req *req,
             struct hv_build_result *res, struct hv_err *err)
{
    int rc = check(p, "build", domid);

    if (rc)
        return hv_err_set(err, rc, "%s", p->err.msg);
    fake_doms[domid].built = true;
    fake_doms[domid].pages = req->memory_mib * 256;
    res->store_mfn = 0x1000 + domid;
    res->console_mfn = 0x2000 + domid;
    res->store_port = 1;
    res->console_port = 2;
    return 0;
}

int hv_vcpu_getinfo(struct hv_priv *p, uint32_t domid, unsigned vcpu, struct hv_vcpuinfo *vi)
{
    int rc = check(p, "vcpuinfo", domid);

    memset(vi, 0, sizeof(*vi));
    vi->online = !rc && vcpu < fake_doms[domid].max_vcpus;
    return rc;
}

int hv_vcpu_getaffinity(struct hv_priv *p, uint32_t domid, unsigned vcpu, uint64_t *hard,
                        uint64_t *soft)
{
    int rc = check(p, "vcpuaffinity", domid);

    (void)vcpu;
    *hard = 0x2; /* pinned to CPU 1 of 2 */
    *soft = 0x3;
    return rc;
}

int hv_physinfo(struct hv_priv *p, struct hv_physinfo *pi)
{
    (void)p;
    memset(pi, 0, sizeof(*pi));
    pi->nr_cpus = 2;
    pi->total_pages = 262144;
    pi->free_pages = 131072;
    return 0;
}

int hv_sched_id(struct hv_priv *p, uint32_t *sched_id)
{
    (void)p;
    *sched_id = 5;
    return 0;
}

int hv_readconsole(struct hv_priv *p, char *buf, uint32_t *len, uint32_t *index,
                   bool incremental, bool clear)
{
    static const char log[] = "(XEN) fake log\n";

    (void)p, (void)incremental, (void)clear;
    *len = *index ? 0 : sizeof(log) - 1;
    memcpy(buf, log, *len);
    *index += *len;
    return 0;
}

/* Save and restore reach no further than their first call on a domain's memory or vCPUs: the
 * stand-in has neither. Each fails with a message naming the call. */
static int no_memory(struct hv_priv *p, const char *what, uint32_t domid)
{
    int rc = check(p, what, domid);

    return rc ? rc : hv_err_set(&p->err, -ENOSYS, "fake %s of domain %u: not in the stand-in",
                                what, domid);
}

int hv_pageframe_types(struct hv_priv *p, uint32_t domid, uint64_t *frames, unsigned n)
{
    (void)frames, (void)n;
    return no_memory(p, "getpageframeinfo3", domid);
}

int hv_tsc_info_get(struct hv_priv *p, uint32_t domid, struct pv_domctl_tsc_info *t)
{
    (void)t;
    return no_memory(p, "gettscinfo", domid);
}

int hv_tsc_info_set(struct hv_priv *p, uint32_t domid, const struct pv_domctl_tsc_info *t)
{
    (void)t;
    return no_memory(p, "settscinfo", domid);
}

int hv_domain_resume(struct hv_priv *p, uint32_t domid)
{
    return no_memory(p, "resumedomain", domid);
}

int hv_logdirty_op(struct hv_priv *p, uint32_t domid, unsigned op, uint8_t *bitmap,
                   uint64_t *pages, uint32_t *dirty)
{
    (void)op, (void)bitmap, (void)pages, (void)dirty;
    return no_memory(p, "shadow_op", domid);
}

int hv_vcpu_getcontext(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                       struct pv_vcpu_guest_context *ctx)
{
    (void)vcpu, (void)ctx;
    return no_memory(p, "getvcpucontext", domid);
}

int hv_vcpu_setcontext(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                       const struct pv_vcpu_guest_context *ctx)
{
    (void)vcpu, (void)ctx;
    return no_memory(p, "setvcpucontext", domid);
}

long hv_populate_physmap(struct hv_priv *p, uint32_t domid, uint64_t nr, unsigned order,
                         uint64_t *frames)
{
    (void)nr, (void)order, (void)frames;
    return no_memory(p, "populate_physmap", domid);
}

int hv_pin_tables(struct hv_priv *p, uint32_t domid, const unsigned *levels,
                  const uint64_t *mfns, unsigned n, unsigned *done)
{
    (void)levels, (void)mfns, (void)n;
    *done = 0;
    return no_memory(p, "pin", domid);
}

int hv_pin_table(struct hv_priv *p, uint32_t domid, unsigned level, uint64_t mfn)
{
    (void)level, (void)mfn;
    return no_memory(p, "pin", domid);
}

int hv_evtchn_alloc_unbound(struct hv_priv *p, uint32_t domid, uint32_t remote, uint32_t *port)
{
    (void)remote, (void)port;
    return no_memory(p, "alloc_unbound", domid);
}

int hv_evtchn_notify_remote(struct hv_priv *p, uint32_t domid, uint32_t port)
{
    int rc = check(p, "notify", domid);
    struct fake_dom *d = &fake_doms[domid];

    if (rc)
        return rc;
    if (port != d->suspend_port || !port) /* the hypervisor's refusal of a port not ours */
        return hv_err_set(&p->err, -EINVAL, "binding domain %u's port %u: Invalid argument",
                          domid, port);
    d->notifies++;
    if (d->suspend_on_notify)
        d->shutdown = true, d->reason = PV_SHUTDOWN_suspend;
    return 0;
}

int hv_build_seed_grants(struct hv_priv *p, uint32_t domid, uint32_t console_domid,
                         uint64_t console_mfn, uint32_t store_domid, uint64_t store_mfn)
{
    (void)console_domid, (void)console_mfn, (void)store_domid, (void)store_mfn;
    return no_memory(p, "grant seeding", domid);
}

struct pv_grant_entry_v1 *hv_build_grant_map(struct hv_priv *p, uint32_t domid)
{
    no_memory(p, "grant table mapping", domid);
    return NULL;
}

void hv_build_grant_seed(struct pv_grant_entry_v1 *g, uint32_t console_domid,
                         uint64_t console_mfn, uint32_t store_domid, uint64_t store_mfn)
{
    (void)g, (void)console_domid, (void)console_mfn, (void)store_domid, (void)store_mfn;
}

void *hv_map_foreign(struct hv_priv *p, uint32_t domid, int prot, const uint64_t *mfns, unsigned n,
                     int *errs)
{
    (void)prot, (void)mfns, (void)n, (void)errs;
    no_memory(p, "foreign mapping", domid);
    return NULL;
}

void hv_unmap(void *addr, unsigned n)
{
    (void)addr, (void)n;
}

int hv_vcpu_ext_get(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                    struct pv_domctl_ext_vcpucontext *e)
{
    (void)vcpu, (void)e;
    return no_memory(p, "get_ext_vcpucontext", domid);
}

int hv_vcpu_ext_set(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                    const struct pv_domctl_ext_vcpucontext *e)
{
    (void)vcpu, (void)e;
    return no_memory(p, "set_ext_vcpucontext", domid);
}

int hv_vcpu_xsave(struct hv_priv *p, uint32_t domid, unsigned vcpu, uint8_t *buf, size_t *len,
                  bool set)
{
    (void)vcpu, (void)buf, (void)len, (void)set;
    return no_memory(p, "vcpuextstate", domid);
}

int hv_vcpu_msrs(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                 struct pv_domctl_vcpu_msr *msrs, unsigned *n, bool set)
{
    (void)vcpu, (void)msrs, (void)n, (void)set;
    return no_memory(p, "vcpu_msrs", domid);
}
