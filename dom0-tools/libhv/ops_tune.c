/* The toolstack's operations that tune a running domain: vCPUs, memory target, credit
 * scheduler parameters, and its uptime. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "ops.h"

static int priv_err(struct hv_ops *o, int rc)
{
    return hv_err_set(&o->err, rc, "%s", hv_priv_error(o->priv));
}

int hv_ops_vcpu_set(struct hv_ops *o, uint32_t domid, unsigned online)
{
    struct hv_dom_summary s;
    int rc = hv_ops_summary(o, domid, &s);

    if (rc)
        return rc;
    if (online < 1 || online > s.max_vcpus)
        return hv_err_set(&o->err, -EINVAL, "domain '%s' has 1 to %u vCPUs, not %u", s.name,
                          s.max_vcpus, online);
    return hv_xsl_vcpus(o->xs, domid, online, s.max_vcpus, &o->err);
}

int hv_ops_mem_set(struct hv_ops *o, uint32_t domid, uint64_t kib)
{
    struct hv_dom_summary s;
    char smax[32];
    int rc = hv_ops_summary(o, domid, &s);

    if (rc)
        return rc;
    if (kib < 1024)
        return hv_err_set(&o->err, -EINVAL, "a memory target below 1 MiB is not useful");
    if (domid == 0) {
        snprintf(smax, sizeof(smax), "%llu", (unsigned long long)kib);
        if (!xs_write(o->xs, XBT_NULL, "/local/domain/0/memory/target", smax, strlen(smax)))
            return hv_err_set(&o->err, -errno, "xenstore: writing dom0's memory/target: %s",
                              strerror(errno));
        return 0;
    }
    if ((rc = hv_xsl_read(o->xs, domid, "memory/static-max", smax, sizeof(smax))))
        return hv_err_set(&o->err, rc, "domain '%s' has no memory/static-max", s.name);
    if (kib > strtoull(smax, NULL, 10))
        return hv_err_set(&o->err, -EINVAL, "%llu MiB is above the maximum of domain '%s' "
                          "(maxmem %llu MiB)", (unsigned long long)kib / 1024, s.name,
                          strtoull(smax, NULL, 10) / 1024);
    if ((rc = hv_domain_max_mem(o->priv, domid, kib + 1024)))
        return priv_err(o, rc);
    return hv_xsl_mem_target(o->xs, domid, kib, &o->err);
}

int hv_ops_sched_get(struct hv_ops *o, uint32_t domid, struct hv_sched_credit *sc)
{
    int rc = hv_sched_credit_get(o->priv, domid, sc);

    return rc ? priv_err(o, rc) : 0;
}

int hv_ops_sched_set(struct hv_ops *o, uint32_t domid, unsigned weight, int cap)
{
    struct hv_dom_summary s;
    struct hv_sched_credit sc;
    int rc = hv_ops_summary(o, domid, &s);

    if (rc || (rc = hv_ops_sched_get(o, domid, &sc)))
        return rc;
    if (weight > 65535)
        return hv_err_set(&o->err, -EINVAL, "weight %u is not 1 to 65535", weight);
    if (cap > (int)(100 * s.max_vcpus))
        return hv_err_set(&o->err, -EINVAL, "cap %d is above 100 x %u vCPUs of domain '%s'",
                          cap, s.max_vcpus, s.name);
    if (weight)
        sc.weight = weight;
    if (cap >= 0)
        sc.cap = (uint32_t)cap;
    rc = hv_sched_credit_set(o->priv, domid, &sc);
    return rc ? priv_err(o, rc) : 0;
}

int hv_ops_uptime(struct hv_ops *o, uint32_t domid, double *seconds)
{
    struct timeval tv;
    double start;
    FILE *f;
    int rc;

    if (domid == 0) {
        f = fopen("/proc/uptime", "r");
        rc = f && fscanf(f, "%lf", seconds) == 1 ? 0 : -EIO;
        if (f)
            fclose(f);
        return rc ? hv_err_set(&o->err, rc, "cannot read /proc/uptime") : 0;
    }
    if ((rc = hv_xsl_start_time(o->xs, domid, &start)))
        return hv_err_set(&o->err, rc, "domain %u has no start_time in xenstore", domid);
    gettimeofday(&tv, NULL);
    *seconds = tv.tv_sec + tv.tv_usec / 1e6 - start;
    return 0;
}
