/* hvctl's verbs that tune domains or name them: vcpu-set, mem-set, sched-credit, domid,
 * domname, uptime. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

/* A whole unsigned number, or -1. */
static long long number(const char *s)
{
    char *end;
    long long v;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    return *end || errno ? -1 : v;
}

/* xl's memory sizes: KiB unless suffixed b, k, m, g or t. -1 if malformed. */
static long long mem_kib(const char *s)
{
    char *end;
    unsigned long long v;
    int shift;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    switch (tolower((unsigned char)*end)) {
    case 0: case 'k': shift = 0; break;
    case 'm': shift = 10; break;
    case 'g': shift = 20; break;
    case 't': shift = 30; break;
    case 'b': return errno || end[1] ? -1 : (long long)(v >> 10);
    default: return -1;
    }
    if (errno || (*end && end[1]) || v > (1ULL << 40) >> shift)
        return -1;
    return (long long)(v << shift);
}

/* DOMAIN VALUE verbs. */
static int domain_value(int argc, char **argv, const char *verb, struct hv_ops *o,
                        uint32_t *domid)
{
    int rc;

    if (argc != 3)
        return hvctl_usage(verb);
    if ((rc = hvctl_open(o)))
        return rc;
    if ((rc = hvctl_domain(o, argv[1], domid)))
        hv_ops_close(o);
    return rc;
}

int cmd_vcpu_set(int argc, char **argv)
{
    struct hv_ops o;
    uint32_t domid;
    long long n;
    int rc = domain_value(argc, argv, "vcpu-set", &o, &domid);

    if (rc)
        return rc;
    n = number(argv[2]);
    if (n < 1 || n > 4096)
        rc = hvctl_fail("vcpu-set: '%s' is not a number of vCPUs", argv[2]);
    else if (hv_ops_vcpu_set(&o, domid, (unsigned)n))
        rc = hvctl_fail("vcpu-set %s: %s", argv[1], o.err.msg);
    hv_ops_close(&o);
    return rc;
}

int cmd_mem_set(int argc, char **argv)
{
    struct hv_ops o;
    uint32_t domid;
    long long kib;
    int rc = domain_value(argc, argv, "mem-set", &o, &domid);

    if (rc)
        return rc;
    kib = mem_kib(argv[2]);
    if (kib < 0)
        rc = hvctl_fail("mem-set: '%s' is not a memory size (KiB, or 512m, 1g, ...)", argv[2]);
    else if (hv_ops_mem_set(&o, domid, (uint64_t)kib))
        rc = hvctl_fail("mem-set %s: %s", argv[1], o.err.msg);
    hv_ops_close(&o);
    return rc;
}

static int sched_line(struct hv_ops *o, uint32_t domid)
{
    struct hv_sched_credit sc;
    char name[80];

    if (hv_ops_sched_get(o, domid, &sc))
        return hvctl_fail("sched-credit: %s", o->err.msg);
    if (hv_ops_name(o, domid, name, sizeof(name)))
        snprintf(name, sizeof(name), "(null)");
    printf("%-33s %4u %6u %4u\n", name, domid, sc.weight, sc.cap);
    return HVCTL_OK;
}

static int sched_args(int argc, char **argv, const char **dom, long long *w, long long *cap)
{
    int c;

    while ((c = hvctl_getopt(argc, argv, "d:w:c:", "sched-credit")) != -1) {
        if (c == 'd')
            *dom = optarg;
        else if (c == 'w' && (*w = number(optarg)) < 1)
            return hvctl_fail("sched-credit: weight '%s' is not 1 to 65535", optarg);
        else if (c == 'c' && (*cap = number(optarg)) < 0)
            return hvctl_fail("sched-credit: cap '%s' is not a percentage", optarg);
        else if (c == '?')
            return HVCTL_USAGE;
    }
    if (optind != argc || ((*w > 0 || *cap >= 0) && !*dom))
        return hvctl_usage("sched-credit");
    return HVCTL_OK;
}

int cmd_sched_credit(int argc, char **argv)
{
    struct hv_dom_summary *all = NULL;
    const char *dom = NULL;
    long long w = 0, cap = -1;
    struct hv_ops o;
    uint32_t domid;
    int rc = sched_args(argc, argv, &dom, &w, &cap), n, i;

    if (rc || (rc = hvctl_open(&o)))
        return rc;
    if (dom && !(rc = hvctl_domain(&o, dom, &domid))) {
        if (w > 0 || cap >= 0) {
            if (w > 65535 || cap > 1000000 ||
                hv_ops_sched_set(&o, domid, (unsigned)w, (int)cap))
                rc = hvctl_fail("sched-credit %s: %s", dom,
                                w > 65535 ? "weight is 1 to 65535" : o.err.msg);
        } else {
            printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
            rc = sched_line(&o, domid);
        }
    } else if (!dom) {
        n = hv_ops_list(&o, &all);
        rc = n < 0 ? hvctl_fail("sched-credit: %s", o.err.msg) : HVCTL_OK;
        if (n >= 0)
            printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
        for (i = 0; i < n && !rc; i++)
            rc = sched_line(&o, all[i].domid);
        free(all);
    }
    hv_ops_close(&o);
    return rc;
}

int cmd_domid(int argc, char **argv)
{
    struct hv_ops o;
    uint32_t domid;
    int rc;

    if (argc != 2)
        return hvctl_usage("domid");
    if ((rc = hvctl_open(&o)))
        return rc;
    if (!(rc = hvctl_domain(&o, argv[1], &domid)))
        printf("%u\n", domid);
    hv_ops_close(&o);
    return rc;
}

int cmd_domname(int argc, char **argv)
{
    struct hv_ops o;
    char name[80];
    uint32_t domid;
    int rc;

    if (argc != 2 || number(argv[1]) < 0)
        return hvctl_usage("domname");
    if ((rc = hvctl_open(&o)))
        return rc;
    if (!(rc = hvctl_domain(&o, argv[1], &domid))) {
        if (hv_ops_name(&o, domid, name, sizeof(name)))
            rc = hvctl_fail("domain %u has no name in xenstore", domid);
        else
            printf("%s\n", name);
    }
    hv_ops_close(&o);
    return rc;
}

static void print_uptime(const char *name, uint32_t domid, double s)
{
    unsigned long t = (unsigned long)s, days = t / 86400;

    printf("%-33s %4u ", name, domid);
    if (days)
        printf("%lu day%s, ", days, days == 1 ? "" : "s");
    printf("%2lu:%02lu:%02lu\n", t % 86400 / 3600, t % 3600 / 60, t % 60);
}

int cmd_uptime(int argc, char **argv)
{
    struct hv_dom_summary *all = NULL;
    struct hv_ops o;
    uint32_t domid;
    double s;
    int rc, n, i;

    if ((rc = hvctl_open(&o)))
        return rc;
    printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
    n = argc > 1 ? argc - 1 : hv_ops_list(&o, &all);
    if (n < 0)
        rc = hvctl_fail("uptime: %s", o.err.msg);
    for (i = 0; i < n && !rc; i++) {
        char name[80];

        if (argc > 1 && (rc = hvctl_domain(&o, argv[i + 1], &domid)))
            break;
        domid = argc > 1 ? domid : all[i].domid;
        if (hv_ops_uptime(&o, domid, &s))
            rc = hvctl_fail("uptime: %s", o.err.msg);
        else if (!hv_ops_name(&o, domid, name, sizeof(name)))
            print_uptime(name, domid, s);
        else
            print_uptime("(null)", domid, s);
    }
    free(all);
    hv_ops_close(&o);
    return rc;
}
