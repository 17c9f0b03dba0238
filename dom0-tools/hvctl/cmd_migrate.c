/* hvctl's live migration verbs: migrate (xl migrate's -s, plus the convergence options and the
 * socket transport) and migrate-receive (what the source runs on the target over ssh). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dom0-tools/libhv/migrate.h"
#include "dom0-tools/libhv/monitor.h"
#include "hvctl.h"

struct view {
    bool tty, bar; /* stderr is a terminal; a progress bar is on its last line */
    double last;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void clear_bar(struct view *v)
{
    if (v->bar)
        fprintf(stderr, "\r%72s\r", "");
    v->bar = false;
}

/* On a terminal: a bar for the round in progress, redrawn at most 5 times a second. */
static void show_progress(void *arg, unsigned round, uint64_t done, uint64_t total)
{
    struct view *v = arg;
    double t = now_s();
    char bar[31];
    unsigned fill = total ? (unsigned)(done * 30 / total) : 30;

    if (!v->tty || (done < total && t - v->last < 0.2))
        return;
    v->last = t;
    memset(bar, '#', fill);
    memset(bar + fill, '-', 30 - fill);
    bar[30] = '\0';
    fprintf(stderr, "\rround %-3u [%s] %llu/%llu pages", round, bar, (unsigned long long)done,
            (unsigned long long)total);
    v->bar = true;
}

static void show_round(void *arg, const struct hv_mig_round *r)
{
    struct view *v = arg;

    clear_bar(v);
    if (r->round == 1)
        fprintf(stderr, "migration: %5s %9s %9s %8s %13s %8s\n", "round", "sent", "dirtied",
                "MiB/s", "est.downtime", "throttle");
    if (r->final)
        fprintf(stderr, "migration: %5s %9llu %9s %8.1f %13s %7u%%\n", "last",
                (unsigned long long)r->sent, "-", r->rate_mb, "-", r->throttle);
    else
        fprintf(stderr, "migration: %5u %9llu %9llu %8.1f %10.1f ms %7u%%\n", r->round,
                (unsigned long long)r->sent, (unsigned long long)r->dirtied, r->rate_mb,
                r->est_ms, r->throttle);
}

static void show_note(void *arg, const char *line)
{
    clear_bar(arg);
    fprintf(stderr, "migration: %s\n", line);
}

/* A whole number within [min, max] for option name, or -1 with a message. */
static long number(const char *name, const char *arg, long min, long max)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (!*arg || *end || v < min || v > max) {
        hvctl_fail("%s %s: a whole number from %ld to %ld", name, arg, min, max);
        return -1;
    }
    return v;
}

int cmd_migrate(int argc, char **argv)
{
    static const struct option longs[] = {
        {"downtime", required_argument, NULL, 'd'},  {"bandwidth", required_argument, NULL, 'b'},
        {"max-rounds", required_argument, NULL, 'm'}, {"abort-on-max", no_argument, NULL, 'a'},
        {"no-auto-converge", no_argument, NULL, 'A'}, {"no-checksums", no_argument, NULL, 'K'},
        {"timeout", required_argument, NULL, 't'},   {"verbose", no_argument, NULL, 'v'},
        {"tcp", required_argument, NULL, 'T'},       {NULL, 0, NULL, 0}};
    struct hv_migrate_opts opts = HV_MIGRATE_OPTS_DEFAULT;
    struct view v = {isatty(2), false, 0};
    struct hv_mig_show show = {show_round, show_progress, show_note, &v};
    struct hv_mig_conn conn = HV_MIG_CONN_NONE;
    struct hv_mig_result res;
    const char *ssh = "ssh";
    struct hv_ops ops;
    bool verbose = false;
    uint32_t domid;
    long n, tcp = -1;
    int c, rc;

    while ((c = getopt_long(argc, argv, "s:v", longs, NULL)) != -1) {
        switch (c) {
        case 's':
            ssh = optarg;
            break;
        case 'v':
            verbose = true;
            break;
        case 'd':
            if ((n = number("--downtime", optarg, 1, 600000)) < 0)
                return HVCTL_USAGE;
            opts.downtime_ms = (unsigned)n;
            break;
        case 'b':
            if ((n = number("--bandwidth", optarg, 1, 100000)) < 0)
                return HVCTL_USAGE;
            opts.bandwidth_mb = (unsigned)n;
            break;
        case 'm':
            if ((n = number("--max-rounds", optarg, 1, 1000)) < 0)
                return HVCTL_USAGE;
            opts.max_rounds = (unsigned)n;
            break;
        case 't':
            if ((n = number("--timeout", optarg, 1, 86400)) < 0)
                return HVCTL_USAGE;
            opts.timeout_s = (unsigned)n;
            break;
        case 'T':
            if ((tcp = number("--tcp", optarg, 0, 65535)) < 0)
                return HVCTL_USAGE;
            break;
        case 'a':
            opts.abort_on_max = true;
            break;
        case 'A':
            opts.auto_converge = false;
            break;
        case 'K':
            opts.page_sums = false;
            break;
        default:
            return hvctl_usage("migrate");
        }
    }
    if (argc - optind != 2)
        return hvctl_usage("migrate");
    if ((rc = hvctl_open(&ops)))
        return rc;
    if ((rc = hvctl_domain(&ops, argv[optind], &domid)))
        goto out;
    if (hv_migrate_connect(&ops, ssh, argv[optind + 1], verbose, (int)tcp, opts.timeout_s,
                           &conn)) {
        rc = hvctl_fail("cannot migrate domain %u: %s", domid, ops.err.msg);
        goto out;
    }
    fprintf(stderr, "migration: domain %u to %s (downtime limit %u ms, %s, at most %u rounds%s)%s\n",
            domid, argv[optind + 1], opts.downtime_ms, opts.bandwidth_mb ? "a bandwidth limit"
            : "no bandwidth limit", opts.max_rounds, opts.abort_on_max ? ", then abort" : "",
            conn.sock >= 0 ? " over a plain TCP connection (unencrypted)" : "");
    if (hv_migrate_send(&ops, domid, &conn, &opts, &show, &res)) {
        clear_bar(&v);
        rc = hvctl_fail("migration of domain %u failed: %s", domid, ops.err.msg);
    } else {
        fprintf(stderr, "migration: done in %.2f s, %u rounds, %llu pages (%.1f MiB sent); "
                "downtime %.1f ms (suspended here -> running there)\n", res.total_s, res.rounds,
                (unsigned long long)res.pages, res.bytes / 1048576.0, res.downtime_ms);
        if (verbose)
            fprintf(stderr, "migration: downtime: suspend %.1f ms, last round %.1f ms, vCPUs "
                    "and END %.1f ms, END -> \"domain received\" %.1f ms, go -> report %.1f ms "
                    "(the last round %llu pages; dirtied but unchanged, not sent: %llu in it, "
                    "%llu in all)\n", res.parts.suspend, res.parts.last, res.parts.state,
                    res.parts.ready, res.parts.commit, (unsigned long long)res.last_sent,
                    (unsigned long long)res.last_held, (unsigned long long)res.held);
        if (verbose && res.suspend_how.evtchn)
            fprintf(stderr, "migration: suspended through its event channel (port %u)\n",
                    res.suspend_how.port);
        else if (verbose)
            fprintf(stderr, "migration: suspended through control/shutdown%s%s\n",
                    res.suspend_how.why[0] ? ": " : " (no suspend event channel offered)",
                    res.suspend_how.why);
    }
    hv_migrate_disconnect(&conn);
out:
    hv_ops_close(&ops);
    return rc;
}

int cmd_migrate_receive(int argc, char **argv)
{
    static const struct option longs[] = {{"listen", required_argument, NULL, 'l'},
                                          {NULL, 0, NULL, 0}};
    bool no_monitor = false, verbose = false;
    int c, rc, fd = -1;
    struct hv_ops ops;
    struct hv_cfg cfg;
    uint32_t domid;
    long listen = -1;

    while ((c = getopt_long(argc, argv, "evl:", longs, NULL)) != -1) {
        if (c == 'l' && (listen = number("--listen", optarg, 0, 65535)) < 0)
            return HVCTL_USAGE;
        if (c != 'e' && c != 'v' && c != 'l')
            return hvctl_usage("migrate-receive");
        no_monitor |= c == 'e';
        verbose |= c == 'v';
    }
    if (argc != optind)
        return hvctl_usage("migrate-receive");
    if ((rc = hvctl_open(&ops)))
        return rc;
    /* the socket transport: the stream on the first connection that proves the secret */
    if (listen >= 0 && hv_migrate_listen(&ops, (unsigned)listen, 0, 1, 120, &fd)) {
        rc = hvctl_fail("migration target: %s", ops.err.msg);
        goto out;
    }
    rc = hv_migrate_receive(&ops, fd >= 0 ? fd : 0, fd >= 0 ? fd : 1, verbose, &cfg, &domid);
    if (fd >= 0)
        close(fd); /* before the monitor: the source's EOF is not the monitor's to hold */
    if (rc) {
        rc = hvctl_fail("migration target: %s", ops.err.msg);
        goto out;
    }
    fprintf(stderr, "migration target: domain %s runs here (id=%u)\n", cfg.name, domid);
    if (!no_monitor && hv_monitor_spawn(&ops, &cfg, domid) < 0)
        hvctl_fail("warning: %s: domain %u runs unmonitored", ops.err.msg, domid);
    hv_cfg_free(&cfg);
out:
    hv_ops_close(&ops);
    return rc;
}
