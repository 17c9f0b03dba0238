/* dom0-tools/tools/hv-build-test.c - build and run one domain with libhv's builder, without a
 * toolstack: create, build, unpause, print its console ring (a foreign map of the page) until an
 * expected line or a timeout, then destroy it. A test and debugging tool for dom0's shell. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dom0-tools/libhv/build.h"
#include "pv-abi/console_io.h"

struct opts {
    struct hv_build_req req;
    const char *expect;
    unsigned wait_s;
    int keep, xenstore;
};

static void usage(void)
{
    fprintf(stderr, "usage: hv-build-test [--mem MiB] [--vcpus N] [--ramdisk FILE] "
                    "[--cmdline S] [--expect TEXT] [--wait S] [--keep] [--xenstore] KERNEL\n"
                    "  --xenstore: introduce the domain to xenstored (xs-domain) before it runs\n"
                    "  exit 0: built (and TEXT seen on its console if asked), 1: failed\n");
    exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
    o->req.memory_mib = 32;
    o->req.vcpus = 1;
    o->wait_s = 20;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "--keep"))
            o->keep = 1;
        else if (!strcmp(a, "--xenstore"))
            o->xenstore = 1;
        else if (!v && a[0] == '-')
            usage();
        else if (!strcmp(a, "--mem") && ++i)
            o->req.memory_mib = strtoull(v, NULL, 0);
        else if (!strcmp(a, "--vcpus") && ++i)
            o->req.vcpus = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--ramdisk") && ++i)
            o->req.ramdisk = v;
        else if (!strcmp(a, "--cmdline") && ++i)
            o->req.cmdline = v;
        else if (!strcmp(a, "--expect") && ++i)
            o->expect = v;
        else if (!strcmp(a, "--wait") && ++i)
            o->wait_s = (unsigned)strtoul(v, NULL, 0);
        else if (a[0] == '-' || o->req.kernel)
            usage();
        else
            o->req.kernel = a;
    }
    if (!o->req.kernel)
        usage();
}

/* Drain the console ring into stdout and into seen[] (for --expect). */
static void drain(struct pv_xencons_interface *c, char *seen, size_t *n, size_t cap)
{
    uint32_t cons = c->out_cons, prod = __atomic_load_n(&c->out_prod, __ATOMIC_ACQUIRE);

    if (prod - cons > sizeof(c->out))
        cons = prod - sizeof(c->out);
    for (; cons != prod; cons++) {
        char ch = c->out[cons % sizeof(c->out)];

        putchar(ch);
        if (*n + 1 < cap)
            seen[(*n)++] = ch;
    }
    seen[*n] = '\0';
    __atomic_store_n(&c->out_cons, cons, __ATOMIC_RELEASE);
    fflush(stdout);
}

/* What the domain is doing, for a run that did not show what was expected. */
static void diagnose(struct hv_priv *p, uint32_t domid)
{
    static struct pv_vcpu_guest_context c;
    struct hv_dominfo di;

    if (hv_domain_getinfo(p, domid, &di) == 0)
        fprintf(stderr, "domain %u: flags %#x (shutdown reason %u), %lu pages, cpu time %lu ns\n",
                domid, di.flags, di.shutdown_reason, (unsigned long)di.tot_pages,
                (unsigned long)di.cpu_time);
    if (hv_domain_pause(p, domid) == 0 && hv_vcpu_getcontext(p, domid, 0, &c) == 0)
        fprintf(stderr, "vCPU 0: rip %#lx rsp %#lx cr2 %#lx cr3 %#lx flags %#lx\n",
                (unsigned long)c.user_regs.rip, (unsigned long)c.user_regs.rsp,
                (unsigned long)c.ctrlreg[2], (unsigned long)c.ctrlreg[3], (unsigned long)c.flags);
    else
        fprintf(stderr, "%s\n", hv_priv_error(p));
}

static int watch_console(struct hv_priv *p, uint32_t domid, uint64_t mfn, const struct opts *o)
{
    static char seen[1 << 20];
    struct pv_xencons_interface *c = hv_map_foreign(p, domid, PROT_READ | PROT_WRITE, &mfn, 1,
                                                    NULL);
    time_t end = time(NULL) + o->wait_s;
    size_t n = 0;

    if (!c) {
        fprintf(stderr, "hv-build-test: %s\n", hv_priv_error(p));
        return 1;
    }
    printf("--- console of domain %u ---\n", domid);
    while (time(NULL) < end && !(o->expect && strstr(seen, o->expect))) {
        drain(c, seen, &n, sizeof(seen));
        usleep(50000);
    }
    drain(c, seen, &n, sizeof(seen));
    hv_unmap(c, 1);
    printf("\n--- end of console ---\n");
    if (o->expect && !strstr(seen, o->expect)) {
        diagnose(p, domid);
        fprintf(stderr, "hv-build-test: '%s' not seen on the console in %u s\n", o->expect,
                o->wait_s);
        return 1;
    }
    return 0;
}

/* The store ring to our xenstored, as a toolstack's INTRODUCE (xs-domain, dom0-tools/tools). */
static int introduce(uint32_t domid, const struct hv_build_result *res)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "xs-domain introduce %u %#lx %u", domid,
             (unsigned long)res->store_mfn, res->store_port);
    if (system(cmd) != 0) {
        fprintf(stderr, "hv-build-test: '%s' failed\n", cmd);
        return 1;
    }
    return 0;
}

static int run(struct hv_priv *p, const struct opts *o, uint32_t *domid)
{
    struct hv_domain_config cfg = {.max_vcpus = o->req.vcpus, .max_evtchn_port = 1023,
                                   .max_grant_frames = -1, .max_maptrack_frames = -1,
                                   .grant_opts = 1};
    struct hv_build_result res;
    struct hv_err err;
    int rc;

    *domid = 0;
    if ((rc = hv_domain_create(p, &cfg, domid)) ||
        (rc = hv_domain_max_vcpus(p, *domid, o->req.vcpus)) ||
        (rc = hv_domain_max_mem(p, *domid, (o->req.memory_mib + 1) << 10))) {
        fprintf(stderr, "hv-build-test: %s\n", hv_priv_error(p));
        return 1;
    }
    if (hv_build(p, *domid, &o->req, &res, &err)) {
        fprintf(stderr, "hv-build-test: %s\n", err.msg);
        return 1;
    }
    printf("built domain %u: %lu pages, entry %#lx, guest \"%s\"%s, store mfn %#lx port %u, "
           "console mfn %#lx port %u\n", *domid, (unsigned long)res.nr_pages,
           (unsigned long)res.entry, res.guest_os, res.bzimage ? " (bzImage)" : "",
           (unsigned long)res.store_mfn, res.store_port, (unsigned long)res.console_mfn,
           res.console_port);
    if (o->xenstore && introduce(*domid, &res))
        return 1;
    if (hv_domain_unpause(p, *domid)) {
        fprintf(stderr, "hv-build-test: %s\n", hv_priv_error(p));
        return 1;
    }
    return watch_console(p, *domid, res.console_mfn, o);
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    struct hv_priv *p;
    struct hv_err err;
    uint32_t domid;
    int rc;

    parse(argc, argv, &o);
    if (hv_priv_open(&p, &err)) {
        fprintf(stderr, "hv-build-test: %s\n", err.msg);
        return 1;
    }
    rc = run(p, &o, &domid);
    if (domid && o.xenstore && !o.keep) {
        char cmd[64];

        snprintf(cmd, sizeof(cmd), "xs-domain release %u", domid);
        if (system(cmd) != 0)
            fprintf(stderr, "hv-build-test: '%s' failed\n", cmd);
    }
    if (domid && !o.keep && hv_domain_destroy(p, domid)) {
        fprintf(stderr, "hv-build-test: %s\n", hv_priv_error(p));
        rc = 1;
    }
    hv_priv_close(p);
    return rc;
}
