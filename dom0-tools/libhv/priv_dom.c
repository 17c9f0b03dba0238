/* dom0-tools/libhv/priv_dom.c - typed domctl and sysctl calls (INTERIM: waiting for the pv-abi
 * layouts of helpers A and C; every call answers -ENOSYS until then). */
#include <errno.h>

#include "priv_internal.h"

static int pending(struct hv_priv *p, const char *what)
{
    return priv_fail(p, -ENOSYS, "%s (libhv: not implemented yet)", what);
}

int hv_domain_create(struct hv_priv *p, const struct hv_domain_config *c, uint32_t *domid)
{
    (void)c, (void)domid;
    return pending(p, "domctl createdomain");
}

int hv_domain_destroy(struct hv_priv *p, uint32_t domid)
{
    (void)domid;
    return pending(p, "domctl destroydomain");
}

int hv_domain_pause(struct hv_priv *p, uint32_t domid)
{
    (void)domid;
    return pending(p, "domctl pausedomain");
}

int hv_domain_unpause(struct hv_priv *p, uint32_t domid)
{
    (void)domid;
    return pending(p, "domctl unpausedomain");
}

int hv_domain_getinfo(struct hv_priv *p, uint32_t domid, struct hv_dominfo *info)
{
    (void)domid, (void)info;
    return pending(p, "domctl getdomaininfo");
}

int hv_domain_list(struct hv_priv *p, uint32_t first, struct hv_dominfo *out, unsigned max)
{
    (void)first, (void)out, (void)max;
    return pending(p, "sysctl getdomaininfolist");
}

int hv_domain_max_vcpus(struct hv_priv *p, uint32_t domid, unsigned max_vcpus)
{
    (void)domid, (void)max_vcpus;
    return pending(p, "domctl max_vcpus");
}

int hv_domain_max_mem(struct hv_priv *p, uint32_t domid, uint64_t max_kib)
{
    (void)domid, (void)max_kib;
    return pending(p, "domctl max_mem");
}

int hv_domain_set_handle(struct hv_priv *p, uint32_t domid, const uint8_t handle[16])
{
    (void)domid, (void)handle;
    return pending(p, "domctl setdomainhandle");
}

int hv_domain_hypercall_init(struct hv_priv *p, uint32_t domid, uint64_t gmfn)
{
    (void)domid, (void)gmfn;
    return pending(p, "domctl hypercall_init");
}

int hv_vcpu_setcontext(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                       const struct pv_vcpu_guest_context *ctx)
{
    (void)domid, (void)vcpu, (void)ctx;
    return pending(p, "domctl setvcpucontext");
}

int hv_vcpu_getcontext(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                       struct pv_vcpu_guest_context *ctx)
{
    (void)domid, (void)vcpu, (void)ctx;
    return pending(p, "domctl getvcpucontext");
}

int hv_vcpu_getinfo(struct hv_priv *p, uint32_t domid, unsigned vcpu, struct hv_vcpuinfo *vi)
{
    (void)domid, (void)vcpu, (void)vi;
    return pending(p, "domctl getvcpuinfo");
}

int hv_sched_credit_get(struct hv_priv *p, uint32_t domid, struct hv_sched_credit *sc)
{
    (void)domid, (void)sc;
    return pending(p, "domctl scheduler_op getinfo");
}

int hv_sched_credit_set(struct hv_priv *p, uint32_t domid, const struct hv_sched_credit *sc)
{
    (void)domid, (void)sc;
    return pending(p, "domctl scheduler_op putinfo");
}

int hv_physinfo(struct hv_priv *p, struct hv_physinfo *pi)
{
    (void)pi;
    return pending(p, "sysctl physinfo");
}

int hv_sched_id(struct hv_priv *p, uint32_t *sched_id)
{
    (void)sched_id;
    return pending(p, "sysctl sched_id");
}

int hv_readconsole(struct hv_priv *p, char *buf, uint32_t *len, uint32_t *index, bool incremental,
                   bool clear)
{
    (void)buf, (void)len, (void)index, (void)incremental, (void)clear;
    return pending(p, "sysctl readconsole");
}
