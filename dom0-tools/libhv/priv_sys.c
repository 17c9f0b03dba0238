/* dom0-tools/libhv/priv_sys.c - typed calls on vCPUs, the scheduler and the host (INTERIM: waiting
 * for helper C's pv-abi layouts; every call answers -ENOSYS until then). */
#include <errno.h>

#include "priv_internal.h"

static int pending(struct hv_priv *p, const char *what)
{
    return priv_fail(p, -ENOSYS, "%s (libhv: not implemented yet)", what);
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
