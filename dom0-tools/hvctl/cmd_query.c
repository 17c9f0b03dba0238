/* hvctl's verbs that show domains and the host: list, info, dmesg, vcpu-list
 * (xl's output formats); cmd_tune.c has the ones that change settings. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

/* The domains named in argv[first..argc), or all when none is named. */
static int pick(struct hv_ops *o, int argc, char **argv, int first, struct hv_dom_summary **out)
{
    int n = argc - first, i, rc;
    uint32_t domid;

    if (n <= 0) {
        n = hv_ops_list(o, out);
        return n < 0 ? hvctl_fail("%s", o->err.msg), -1 : n;
    }
    *out = calloc(n, sizeof(**out));
    for (i = 0; *out && i < n; i++) {
        if ((rc = hvctl_domain(o, argv[first + i], &domid)) ||
            hv_ops_summary(o, domid, &(*out)[i])) {
            if (!rc)
                hvctl_fail("%s", o->err.msg);
            free(*out);
            *out = NULL;
            return -1;
        }
    }
    return *out ? n : (hvctl_fail("out of memory"), -1);
}

int cmd_list(int argc, char **argv)
{
    struct hv_dom_summary *s = NULL;
    struct hv_ops o;
    bool longform = false;
    int c, n, i, rc;

    while ((c = hvctl_getopt(argc, argv, "l", "list")) != -1) {
        if (c == '?')
            return HVCTL_USAGE;
        longform = true;
    }
    if ((rc = hvctl_open(&o)))
        return rc;
    n = pick(&o, argc, argv, optind, &s);
    if (n >= 0 && longform)
        hv_ops_list_long(&o, s, n, stdout);
    if (n >= 0 && !longform)
        printf("%-40s %5s %5s %5s     %s %8s\n", "Name", "ID", "Mem", "VCPUs", "State",
               "Time(s)");
    for (i = 0; !longform && i < n; i++)
        printf("%-40s %5u %5llu %5u     %s  %8.1f\n", s[i].name, s[i].domid,
               (unsigned long long)s[i].mem_kib / 1024, s[i].vcpus, s[i].state, s[i].cpu_s);
    free(s);
    hv_ops_close(&o);
    return n < 0 ? HVCTL_FAIL : HVCTL_OK;
}

/* Verbs of the form `verb` with no argument, printing through an hv_ops function. */
static int host_verb(int argc, const char *verb, int (*fn)(struct hv_ops *, FILE *))
{
    struct hv_ops o;
    int rc;

    if (argc != 1)
        return hvctl_usage(verb);
    if ((rc = hvctl_open(&o)))
        return rc;
    if (fn(&o, stdout))
        rc = hvctl_fail("%s: %s", verb, o.err.msg);
    hv_ops_close(&o);
    return rc;
}

int cmd_info(int argc, char **argv)
{
    (void)argv;
    return host_verb(argc, "info", hv_ops_info);
}

static int dmesg_clear(struct hv_ops *o, FILE *f)
{
    return hv_ops_dmesg(o, true, f);
}

static int dmesg_keep(struct hv_ops *o, FILE *f)
{
    return hv_ops_dmesg(o, false, f);
}

int cmd_dmesg(int argc, char **argv)
{
    bool clear = false;
    int c;

    while ((c = hvctl_getopt(argc, argv, "c", "dmesg")) != -1) {
        if (c == '?')
            return HVCTL_USAGE;
        clear = true;
    }
    return host_verb(argc - optind + 1, "dmesg", clear ? dmesg_clear : dmesg_keep);
}

int cmd_vcpu_list(int argc, char **argv)
{
    struct hv_dom_summary *s = NULL;
    struct hv_ops o;
    uint32_t *ids;
    int n, i, rc;

    if ((rc = hvctl_open(&o)))
        return rc;
    n = argc > 1 ? pick(&o, argc, argv, 1, &s) : 0;
    ids = calloc(n + 1, sizeof(*ids));
    for (i = 0; ids && i < n; i++)
        ids[i] = s[i].domid;
    if (n >= 0 && ids && hv_ops_vcpu_list(&o, ids, (unsigned)n, stdout))
        rc = hvctl_fail("vcpu-list: %s", o.err.msg);
    rc = n < 0 || !ids ? HVCTL_FAIL : rc;
    free(ids);
    free(s);
    hv_ops_close(&o);
    return rc;
}
