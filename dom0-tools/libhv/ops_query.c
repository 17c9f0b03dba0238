/* The toolstack's operations that read or tune domains and the host (list, info, dmesg, vCPUs,
 * memory target, scheduler, uptime), in xl's formats. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>

#include "ops.h"
#include "pv-abi/hypercall.h"
#include "pv-abi/sched_op.h"
#include "pv-abi/xen_version.h"

#define OPS_MAX_DOMAINS 1024

static int priv_err(struct hv_ops *o, int rc)
{
    return hv_err_set(&o->err, rc, "%s", hv_priv_error(o->priv));
}

static void summarise(struct hv_ops *o, const struct hv_dominfo *i, struct hv_dom_summary *s)
{
    memset(s, 0, sizeof(*s));
    s->domid = i->domid;
    if (hv_ops_name(o, i->domid, s->name, sizeof(s->name)))
        snprintf(s->name, sizeof(s->name), "(null)");
    s->mem_kib = (i->tot_pages + i->outstanding_pages) * 4;
    s->max_kib = i->max_pages * 4;
    s->vcpus = i->nr_online_vcpus;
    s->max_vcpus = i->max_vcpu_id + 1;
    s->shutdown = i->shutdown;
    s->shutdown_reason = i->shutdown_reason;
    snprintf(s->state, sizeof(s->state), "%c%c%c%c%c%c", i->running ? 'r' : '-',
             i->blocked ? 'b' : '-', i->paused ? 'p' : '-', i->shutdown ? 's' : '-',
             i->shutdown && i->shutdown_reason == PV_SHUTDOWN_crash ? 'c' : '-',
             i->dying ? 'd' : '-');
    s->cpu_s = i->cpu_time / 1e9;
    memcpy(s->uuid, i->handle, 16);
}

int hv_ops_summary(struct hv_ops *o, uint32_t domid, struct hv_dom_summary *s)
{
    struct hv_dominfo info;
    int rc = hv_domain_getinfo(o->priv, domid, &info);

    if (rc == -ESRCH)
        return hv_err_set(&o->err, rc, "no domain with id %u", domid);
    if (rc)
        return priv_err(o, rc);
    summarise(o, &info, s);
    return 0;
}

int hv_ops_list(struct hv_ops *o, struct hv_dom_summary **out)
{
    struct hv_dominfo *info = calloc(OPS_MAX_DOMAINS, sizeof(*info));
    struct hv_dom_summary *s = NULL;
    int n, i;

    *out = NULL;
    if (!info)
        return hv_err_set(&o->err, -ENOMEM, "out of memory");
    n = hv_domain_list(o->priv, 0, info, OPS_MAX_DOMAINS);
    if (n < 0) {
        free(info);
        return priv_err(o, n);
    }
    s = calloc(n ? n : 1, sizeof(*s));
    for (i = 0; s && i < n; i++)
        summarise(o, &info[i], &s[i]);
    free(info);
    if (!s)
        return hv_err_set(&o->err, -ENOMEM, "out of memory");
    *out = s;
    return n;
}

static const char *sched_name(uint32_t id)
{
    static const char *const names[] = {"credit", "credit2", "arinc653", "rtds", "null"};

    return id >= 5 && id <= 9 ? names[id - 5] : "unknown";
}

/* A xen_version string sub-op into buf (len bytes at most). */
static void version_string(struct hv_ops *o, unsigned cmd, size_t size, char *buf, size_t len)
{
    char *b = hv_buf_alloc(o->priv, size);

    snprintf(buf, len, "?");
    if (b && hv_hypercall(o->priv, "xen_version", PV_HYPERCALL_xen_version, cmd,
                          (uint64_t)(uintptr_t)b, 0, 0, 0) >= 0)
        snprintf(buf, len, "%.*s", (int)size, b);
    if (b)
        hv_buf_free(o->priv, b, size);
}

static void info_xen(struct hv_ops *o, FILE *f)
{
    long v = hv_hypercall(o->priv, "xen_version", PV_HYPERCALL_xen_version, PV_XENVER_version, 0,
                          0, 0, 0);
    char extra[32], caps[1100], cmdline[1100];
    uint32_t sched = 0;

    version_string(o, PV_XENVER_extraversion, PV_EXTRAVERSION_LEN, extra, sizeof(extra));
    version_string(o, PV_XENVER_capabilities, PV_CAPABILITIES_INFO_LEN, caps, sizeof(caps));
    version_string(o, PV_XENVER_commandline, PV_COMMANDLINE_LEN, cmdline, sizeof(cmdline));
    if (v < 0)
        v = 0;
    fprintf(f, "%-23s: %ld\n%-23s: %ld\n%-23s: %s\n%-23s: %ld.%ld%s\n%-23s: %s\n", "xen_major",
            v >> 16, "xen_minor", v & 0xffff, "xen_extra", extra, "xen_version", v >> 16,
            v & 0xffff, extra, "xen_caps", caps);
    fprintf(f, "%-23s: %s\n%-23s: 4096\n%-23s: %s\n",
            "xen_scheduler", hv_sched_id(o->priv, &sched) ? "unknown" : sched_name(sched),
            "xen_pagesize", "xen_commandline", cmdline);
}

int hv_ops_info(struct hv_ops *o, FILE *f)
{
    struct hv_physinfo pi;
    struct utsname u;
    unsigned i;
    int rc = hv_physinfo(o->priv, &pi);

    if (rc)
        return priv_err(o, rc);
    uname(&u);
    fprintf(f, "%-23s: %s\n%-23s: %s\n%-23s: %s\n%-23s: %s\n", "host", u.nodename, "release",
            u.release, "version", u.version, "machine", u.machine);
    fprintf(f, "%-23s: %u\n%-23s: %u\n%-23s: %u\n%-23s: %u\n%-23s: %u\n%-23s: %u\n", "nr_cpus",
            pi.nr_cpus, "max_cpu_id", pi.max_cpu_id, "nr_nodes", pi.nr_nodes,
            "cores_per_socket", pi.cores_per_socket, "threads_per_core", pi.threads_per_core,
            "cpu_mhz", pi.cpu_khz / 1000);
    fprintf(f, "%-23s: ", "hw_caps");
    for (i = 0; i < 8; i++)
        fprintf(f, "%08x%s", pi.hw_cap[i], i < 7 ? ":" : "\n");
    fprintf(f, "%-23s: %s\n", "virt_caps", "pv");
    fprintf(f, "%-23s: %llu\n%-23s: %llu\n", "total_memory",
            (unsigned long long)(pi.total_pages / 256), "free_memory",
            (unsigned long long)(pi.free_pages / 256));
    info_xen(o, f);
    return 0;
}

int hv_ops_dmesg(struct hv_ops *o, bool clear, FILE *f)
{
    char *buf = malloc(16384);
    uint32_t index = 0, len;
    int rc = 0;

    if (!buf)
        return hv_err_set(&o->err, -ENOMEM, "out of memory");
    do {
        len = 16384;
        rc = hv_readconsole(o->priv, buf, &len, &index, true, clear);
        if (!rc)
            fwrite(buf, 1, len, f);
    } while (!rc && len);
    free(buf);
    return rc ? priv_err(o, rc) : 0;
}

/* A CPU map as xl prints it: "all", "none", or ranges ("0-1,3") over CPUs 0..ncpus-1. */
static void cpumap(uint64_t map, unsigned ncpus, FILE *f)
{
    uint64_t all = ncpus >= 64 ? ~0ULL : (1ULL << ncpus) - 1;
    const char *sep = "";
    unsigned c, end;

    map &= all;
    if (map == all || !map) {
        fputs(map ? "all" : "none", f);
        return;
    }
    for (c = 0; c < ncpus; c = end + 1) {
        for (; c < ncpus && !(map >> c & 1); c++)
            ;
        if (c >= ncpus)
            break;
        for (end = c; end + 1 < ncpus && (map >> (end + 1) & 1); end++)
            ;
        fprintf(f, end > c ? "%s%u-%u" : "%s%u", sep, c, end);
        sep = ",";
    }
}

static int vcpu_lines(struct hv_ops *o, const struct hv_dom_summary *s, unsigned ncpus, FILE *f)
{
    struct hv_vcpuinfo vi;
    uint64_t hard, soft;
    unsigned v;
    int rc;

    for (v = 0; v < s->max_vcpus; v++) {
        if ((rc = hv_vcpu_getinfo(o->priv, s->domid, v, &vi)))
            return rc == -ESRCH ? 0 : priv_err(o, rc);
        if ((rc = hv_vcpu_getaffinity(o->priv, s->domid, v, &hard, &soft)))
            return rc == -ESRCH ? 0 : priv_err(o, rc);
        fprintf(f, "%-32s %5u %5u", s->name, s->domid, v);
        if (vi.online)
            fprintf(f, " %5u", vi.cpu);
        else
            fprintf(f, " %5c", '-');
        fprintf(f, "   %c%c%c  %9.1f  ", vi.running ? 'r' : '-', vi.blocked ? 'b' : '-',
                vi.online ? '-' : 'p', vi.cpu_time / 1e9);
        cpumap(hard, ncpus, f);
        fputs(" / ", f);
        cpumap(soft, ncpus, f);
        fputc('\n', f);
    }
    return 0;
}

int hv_ops_vcpu_list(struct hv_ops *o, const uint32_t *domids, unsigned n, FILE *f)
{
    struct hv_dom_summary *all = NULL, one;
    struct hv_physinfo pi;
    int count = 0, i, rc = 0;

    if (hv_physinfo(o->priv, &pi))
        pi.nr_cpus = 64;
    fprintf(f, "%-32s %5s %5s %5s %5s %9s  %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
            "Affinity (Hard / Soft)");
    if (!n && (count = hv_ops_list(o, &all)) < 0)
        return count;
    for (i = 0; !rc && i < (n ? (int)n : count); i++) {
        if (n && (rc = hv_ops_summary(o, domids[i], &one)))
            break;
        rc = vcpu_lines(o, n ? &one : &all[i], pi.nr_cpus, f);
    }
    free(all);
    return rc;
}
