/* dom0-tools/libhv/priv_dom.c - typed domctl calls of a domain's lifecycle (create, destroy,
 * pause, info, limits, vCPU context, hypercall page, I/O permissions) and the sysctl domain
 * list. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "priv_internal.h"
#include "pv-abi/physdev_op.h"

static int domctl(struct hv_priv *p, struct pv_domctl *d, const char *name)
{
    char what[64];

    snprintf(what, sizeof(what), "domctl %s of domain %u", name, d->domain);
    return priv_domctl(p, d, what);
}

static int simple(struct hv_priv *p, uint32_t domid, unsigned cmd, const char *name)
{
    struct pv_domctl d = {.cmd = cmd, .domain = (pv_domid_t)domid};

    return domctl(p, &d, name);
}

int hv_domain_create(struct hv_priv *p, const struct hv_domain_config *c, uint32_t *domid)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_createdomain, .domain = (pv_domid_t)*domid};
    struct pv_domctl_createdomain *cd = &d.u.createdomain;
    int rc;

    cd->ssidref = c->ssidref;
    memcpy(cd->handle, c->handle, sizeof(cd->handle));
    cd->flags = c->flags;
    cd->max_vcpus = c->max_vcpus;
    cd->max_evtchn_port = c->max_evtchn_port;
    cd->max_grant_frames = c->max_grant_frames;
    cd->max_maptrack_frames = c->max_maptrack_frames;
    cd->grant_opts = c->grant_opts;
    rc = priv_domctl(p, &d, "domctl createdomain");
    if (!rc)
        *domid = d.domain;
    return rc;
}

int hv_domain_destroy(struct hv_priv *p, uint32_t domid)
{
    return simple(p, domid, PV_DOMCTL_destroydomain, "destroydomain");
}

int hv_domain_pause(struct hv_priv *p, uint32_t domid)
{
    return simple(p, domid, PV_DOMCTL_pausedomain, "pausedomain");
}

int hv_domain_unpause(struct hv_priv *p, uint32_t domid)
{
    return simple(p, domid, PV_DOMCTL_unpausedomain, "unpausedomain");
}

static void decode_info(const struct pv_domctl_getdomaininfo *g, struct hv_dominfo *i)
{
    memset(i, 0, sizeof(*i));
    i->domid = g->domain;
    i->flags = g->flags;
    i->dying = g->flags & HV_DOMINF_DYING;
    i->shutdown = g->flags & HV_DOMINF_SHUTDOWN;
    i->paused = g->flags & HV_DOMINF_PAUSED;
    i->blocked = g->flags & HV_DOMINF_BLOCKED;
    i->running = g->flags & HV_DOMINF_RUNNING;
    i->hvm = g->flags & HV_DOMINF_HVM;
    i->shutdown_reason = (g->flags >> HV_DOMINF_SHUTDOWN_SHIFT) & HV_DOMINF_SHUTDOWN_MASK;
    i->tot_pages = g->tot_pages;
    i->max_pages = g->max_pages;
    i->outstanding_pages = g->outstanding_pages;
    i->shr_pages = g->shr_pages;
    i->paged_pages = g->paged_pages;
    i->shared_info_frame = g->shared_info_frame;
    i->cpu_time = g->cpu_time;
    i->nr_online_vcpus = g->nr_online_vcpus;
    i->max_vcpu_id = g->max_vcpu_id;
    i->ssidref = g->ssidref;
    i->cpupool = g->cpupool;
    memcpy(i->handle, g->handle, sizeof(i->handle));
}

int hv_domain_getinfo(struct hv_priv *p, uint32_t domid, struct hv_dominfo *info)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_getdomaininfo, .domain = (pv_domid_t)domid};
    int rc = domctl(p, &d, "getdomaininfo");

    if (rc)
        return rc;
    if (d.u.getdomaininfo.domain != domid) /* Xen answers with the next domain up */
        return priv_fail(p, -ESRCH, "domctl getdomaininfo of domain %u", domid);
    decode_info(&d.u.getdomaininfo, info);
    return 0;
}

int hv_domain_list(struct hv_priv *p, uint32_t first, struct hv_dominfo *out, unsigned max)
{
    size_t bytes = (size_t)max * sizeof(struct pv_domctl_getdomaininfo);
    struct pv_domctl_getdomaininfo *buf = hv_buf_alloc(p, bytes);
    struct pv_sysctl s = {.cmd = PV_SYSCTL_getdomaininfolist};
    int rc;

    if (!buf)
        return -ENOMEM;
    s.u.getdomaininfolist.first_domain = (pv_domid_t)first;
    s.u.getdomaininfolist.max_domains = max;
    s.u.getdomaininfolist.buffer = (uint64_t)(uintptr_t)buf;
    rc = priv_sysctl(p, &s, "sysctl getdomaininfolist");
    if (!rc) {
        rc = (int)(s.u.getdomaininfolist.num_domains < max ? s.u.getdomaininfolist.num_domains
                                                             : max);
        for (int i = 0; i < rc; i++)
            decode_info(&buf[i], &out[i]);
    }
    hv_buf_free(p, buf, bytes);
    return rc;
}

int hv_domain_max_vcpus(struct hv_priv *p, uint32_t domid, unsigned max_vcpus)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_max_vcpus, .domain = (pv_domid_t)domid};

    d.u.max_vcpus.max = max_vcpus;
    return domctl(p, &d, "max_vcpus");
}

int hv_domain_max_mem(struct hv_priv *p, uint32_t domid, uint64_t max_kib)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_max_mem, .domain = (pv_domid_t)domid};

    d.u.max_mem.max_memkb = max_kib;
    return domctl(p, &d, "max_mem");
}

int hv_domain_set_handle(struct hv_priv *p, uint32_t domid, const uint8_t handle[16])
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_setdomainhandle, .domain = (pv_domid_t)domid};

    memcpy(d.u.setdomainhandle.handle, handle, sizeof(d.u.setdomainhandle.handle));
    return domctl(p, &d, "setdomainhandle");
}

int hv_domain_hypercall_init(struct hv_priv *p, uint32_t domid, uint64_t gmfn)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_hypercall_init, .domain = (pv_domid_t)domid};

    d.u.hypercall_init.gmfn = gmfn;
    return domctl(p, &d, "hypercall_init");
}

/* set/getvcpucontext: the context travels in a locked buffer. */
static int vcpucontext(struct hv_priv *p, uint32_t domid, unsigned cmd, unsigned vcpu,
                       struct pv_vcpu_guest_context *ctx, bool set)
{
    struct pv_vcpu_guest_context *b = hv_buf_alloc(p, sizeof(*b));
    struct pv_domctl d = {.cmd = cmd, .domain = (pv_domid_t)domid};
    char what[64];
    int rc;

    if (!b)
        return -ENOMEM;
    if (set)
        memcpy(b, ctx, sizeof(*b));
    d.u.vcpucontext.vcpu = vcpu;
    d.u.vcpucontext.ctxt = (uint64_t)(uintptr_t)b;
    snprintf(what, sizeof(what), "domctl %s of domain %u vCPU %u",
             set ? "setvcpucontext" : "getvcpucontext", domid, vcpu);
    rc = priv_domctl(p, &d, what);
    if (!rc && !set)
        memcpy(ctx, b, sizeof(*b));
    hv_buf_free(p, b, sizeof(*b));
    return rc;
}

int hv_vcpu_setcontext(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                       const struct pv_vcpu_guest_context *ctx)
{
    return vcpucontext(p, domid, PV_DOMCTL_setvcpucontext, vcpu,
                       (struct pv_vcpu_guest_context *)ctx, true);
}

int hv_vcpu_getcontext(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                       struct pv_vcpu_guest_context *ctx)
{
    return vcpucontext(p, domid, PV_DOMCTL_getvcpucontext, vcpu, ctx, false);
}

int hv_domain_ioport_permission(struct hv_priv *p, uint32_t domid, uint32_t first, uint32_t nr,
                                bool allow)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_ioport_permission, .domain = (pv_domid_t)domid};
    char what[96];

    d.u.ioport_permission = (struct pv_domctl_ioport_permission){first, nr, allow};
    snprintf(what, sizeof(what), "domctl ioport_permission of domain %u (ports %x-%x)", domid,
             first, first + nr - 1);
    return priv_domctl(p, &d, what);
}

int hv_domain_iomem_permission(struct hv_priv *p, uint32_t domid, uint64_t first, uint64_t nr,
                               bool allow)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_iomem_permission, .domain = (pv_domid_t)domid};
    char what[112];

    d.u.iomem_permission = (struct pv_domctl_iomem_permission){first, nr, allow};
    snprintf(what, sizeof(what), "domctl iomem_permission of domain %u (frames %llx-%llx)",
             domid, (unsigned long long)first, (unsigned long long)(first + nr - 1));
    return priv_domctl(p, &d, what);
}

int hv_domain_irq_permission(struct hv_priv *p, uint32_t domid, uint32_t pirq, bool allow)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_irq_permission, .domain = (pv_domid_t)domid};
    char what[80];

    d.u.irq_permission = (struct pv_domctl_irq_permission){.pirq = pirq, .allow_access = allow};
    snprintf(what, sizeof(what), "domctl irq_permission of domain %u (irq %u)", domid, pirq);
    return priv_domctl(p, &d, what);
}

int hv_physdev_map_pirq(struct hv_priv *p, uint32_t domid, uint32_t gsi)
{
    struct pv_physdev_map_pirq *m = priv_page(p);
    char what[64];
    long rc;

    if (!m)
        return -ENOMEM;
    *m = (struct pv_physdev_map_pirq){.domid = (uint16_t)domid, .type = PV_MAP_PIRQ_TYPE_GSI,
                                      .index = (int32_t)gsi, .pirq = (int32_t)gsi};
    snprintf(what, sizeof(what), "physdev map_pirq of GSI %u for domain %u", gsi, domid);
    rc = hv_hypercall(p, what, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_map_pirq,
                      (uint64_t)(uintptr_t)m, 0, 0, 0);
    return rc < 0 ? (int)rc : 0;
}
