/*
 * dom0-tools/xenstored/linux/main.c - xenstored as a Linux program: options, the socket,
 * daemonising, signals. The database lives in memory for the life of the process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "linux.h"
#include "xendev.h"

static volatile int stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: xenstored [options]\n"
        "  -s, --socket PATH       listen on PATH (default $XENSTORED_PATH, else\n"
        "                          $XENSTORED_RUNDIR/socket, else /var/run/xenstored/socket)\n"
        "  -N, --foreground        stay attached to the terminal, log to stderr\n"
        "  -F, --pid-file FILE     write the process id to FILE\n"
        "  -T, --trace             log every request and reply\n"
        "  -D, --no-domain-init    do not serve dom0's kernel over its store ring\n"
        "  -E, --entry-nb N        nodes a domain may own (1000)\n"
        "  -W, --watch-nb N        watches per domain connection (128)\n"
        "  -t, --transaction N     open transactions per domain connection (10)\n"
        "  -S, --entry-size N      bytes per node: value, child names, 8 per permission (2048)\n"
        "  -A, --perm-nb N         permission entries per node (5)\n"
        "  -M, --path-max N        path length below /local/domain/<id>/ (2048)\n"
        "  -h, --help              this text\n"
        "Quotas bind domains only; dom0's tools (every socket client) are exempt.\n");
}

static const struct option options[] = {
    {"socket", 1, NULL, 's'},   {"foreground", 0, NULL, 'N'},  {"no-fork", 0, NULL, 'N'},
    {"pid-file", 1, NULL, 'F'}, {"trace", 0, NULL, 'T'},       {"entry-nb", 1, NULL, 'E'},
    {"watch-nb", 1, NULL, 'W'}, {"transaction", 1, NULL, 't'}, {"entry-size", 1, NULL, 'S'},
    {"perm-nb", 1, NULL, 'A'},  {"path-max", 1, NULL, 'M'},    {"help", 0, NULL, 'h'},
    {"no-domain-init", 0, NULL, 'D'}, {NULL, 0, NULL, 0},
};

struct config {
    const char *socket;
    const char *pid_file;
    int foreground;
    int trace;
    int no_dom0;
    struct xsd_quota quota;
};

static unsigned int number(const char *opt, const char *arg)
{
    char *end;
    unsigned long v = strtoul(arg, &end, 10);

    if (!*arg || *end || !v || v > 0x7fffffff) {
        fprintf(stderr, "xenstored: bad value for --%s: %s\n", opt, arg);
        exit(2);
    }
    return (unsigned int)v;
}

static const char *default_socket(void)
{
    static char path[4096];
    const char *env = getenv("XENSTORED_PATH"), *rundir = getenv("XENSTORED_RUNDIR");

    if (env)
        return env;
    snprintf(path, sizeof(path), "%s/socket", rundir ? rundir : "/var/run/xenstored");
    return path;
}

static void parse_options(int argc, char **argv, struct config *cfg)
{
    int opt;

    xsd_quota_defaults(&cfg->quota);
    while ((opt = getopt_long(argc, argv, "s:NF:TDE:W:t:S:A:M:h", options, NULL)) != -1) {
        switch (opt) {
        case 's':
            cfg->socket = optarg;
            break;
        case 'N':
            cfg->foreground = 1;
            break;
        case 'F':
            cfg->pid_file = optarg;
            break;
        case 'T':
            cfg->trace = 1;
            break;
        case 'D':
            cfg->no_dom0 = 1;
            break;
        case 'E':
            cfg->quota.entries = number("entry-nb", optarg);
            break;
        case 'W':
            cfg->quota.watches = number("watch-nb", optarg);
            break;
        case 't':
            cfg->quota.transactions = number("transaction", optarg);
            break;
        case 'S':
            cfg->quota.node_size = number("entry-size", optarg);
            break;
        case 'A':
            cfg->quota.perms = number("perm-nb", optarg);
            break;
        case 'M':
            cfg->quota.path_len = number("path-max", optarg);
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            exit(2);
        }
    }
    if (optind != argc) {
        usage(stderr);
        exit(2);
    }
    if (!cfg->socket)
        cfg->socket = default_socket();
}

/* The directory the socket lives in, created if it is missing (one level). */
static void make_socket_dir(const char *socket)
{
    char dir[4096];
    char *slash;

    snprintf(dir, sizeof(dir), "%s", socket);
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        if (mkdir(dir, 0755) && errno != EEXIST)
            fprintf(stderr, "xenstored: cannot create %s: %s\n", dir, strerror(errno));
    }
}

static void signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};

    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void write_pid(const char *file)
{
    FILE *f = fopen(file, "w");

    if (!f) {
        fprintf(stderr, "xenstored: cannot write %s: %s\n", file, strerror(errno));
        return;
    }
    fprintf(f, "%ld\n", (long)getpid());
    fclose(f);
}

/* dom0's kernel fills its pool of pages for grant mappings at the first one (Linux's
 * unpopulated-alloc: a 128 MiB region's page structures and p2m entries, 100-200 ms under TCG):
 * paid here, at boot, not by the first domain introduced (a migration's target paid it inside
 * the guest's downtime). Its time on stderr (the boot's console). */
static void warm_grant_pool(void)
{
    struct timespec t0, t1;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = xendev_gntdev_warm();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc && rc != -ENOENT) /* no /dev/xen/gntdev: no hypervisor, no grants */
        fprintf(stderr, "xenstored: gntdev: the kernel's grant page pool not filled: %s\n",
                strerror(-rc));
    else if (!rc)
        fprintf(stderr, "xenstored: the kernel's grant page pool filled in %.1f ms\n",
                (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
}

int main(int argc, char **argv)
{
    struct config cfg = {0};
    struct xsd_daemon *d;
    int fd, ring_fd, rc;

    parse_options(argc, argv, &cfg);
    make_socket_dir(cfg.socket);
    fd = linux_listen(cfg.socket);
    if (fd < 0)
        return 1;
    d = xsd_daemon_new(&cfg.quota);
    if (!d) {
        fprintf(stderr, "xenstored: out of memory\n");
        return 1;
    }
    xsd_daemon_trace(d, cfg.trace);
    if (!cfg.no_dom0)
        warm_grant_pool();
    if (!cfg.foreground) {
        if (daemon(0, 0)) {
            perror("xenstored: daemon");
            return 1;
        }
        linux_log_to_syslog();
    }
    if (cfg.pid_file)
        write_pid(cfg.pid_file);
    signals();
    /* After daemon(): gntdev and privcmd mappings are not inherited across fork. */
    ring_fd = linux_rings_init(d, !cfg.no_dom0);
    rc = linux_serve(d, fd, ring_fd, &stop);
    linux_rings_close(d);
    close(fd);
    unlink(cfg.socket);
    if (cfg.pid_file)
        unlink(cfg.pid_file);
    xsd_daemon_free(d);
    return rc ? 1 : 0;
}
