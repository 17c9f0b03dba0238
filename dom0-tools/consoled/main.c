/* dom0-tools/consoled/main.c - hvconsoled, dom0's console daemon (our xenconsoled): options, the
 * poll loop over xenstore, the event channels and the socket; `--list`/`--attach` are clients. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xenstore.h"
#include "dom0-tools/libhv/console_client.h"
#include "hvconsoled.h"

static volatile sig_atomic_t stop, hup;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        hup = 1;
    else
        stop = 1;
}

void hvc_log(const char *fmt, ...)
{
    char stamp[32];
    time_t t = time(NULL);
    va_list ap;

    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", gmtime(&t));
    fprintf(stderr, "%s hvconsoled: ", stamp);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: hvconsoled [-N] [--pid-file FILE] [--log-dir DIR] [--socket PATH]\n"
               "                  [--log-max BYTES]\n"
               "       hvconsoled --list | --attach DOMID [--socket PATH]\n"
               "Serves every domain's console ring (xenstore /local/domain/ID/console), logs it to\n"
               "DIR/NAME.log (default /var/log/hv/console) and lets `hvctl console` attach.\n"
               "  -N, --foreground   stay in the foreground (messages on stderr; else they go to\n"
               "                     DIR/../consoled.log)\n");
}

struct opts {
    bool foreground;
    const char *pid_file, *log_dir, *sock, *attach;
    bool list;
    off_t log_max;
};

static void parse(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        {"foreground", 0, NULL, 'N'}, {"pid-file", 1, NULL, 'F'}, {"log-dir", 1, NULL, 'L'},
        {"socket", 1, NULL, 's'},     {"log-max", 1, NULL, 'M'},  {"list", 0, NULL, 'l'},
        {"attach", 1, NULL, 'a'},     {"help", 0, NULL, 'h'},     {NULL, 0, NULL, 0}};
    int c;

    *o = (struct opts){.log_dir = "/var/log/hv/console", .sock = HV_CONSOLE_SOCKET,
                       .log_max = 16 << 20};
    while ((c = getopt_long(argc, argv, "NF:L:s:M:la:h", lo, NULL)) != -1) {
        switch (c) {
        case 'N': o->foreground = true; break;
        case 'F': o->pid_file = optarg; break;
        case 'L': o->log_dir = optarg; break;
        case 's': o->sock = optarg; break;
        case 'M': o->log_max = strtoll(optarg, NULL, 0); break;
        case 'l': o->list = true; break;
        case 'a': o->attach = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); exit(2);
        }
    }
    if (optind != argc || o->log_max < 4096) {
        usage(stderr);
        exit(2);
    }
}

/* The client modes (for tests and scripts; operators use hvctl console). */
static int client(const struct opts *o)
{
    char out[16384], msg[256];
    int rc;

    if (o->list) {
        rc = hv_console_request(o->sock, "list", out, sizeof(out), msg, sizeof(msg));
        if (rc == 0)
            fputs(out, stdout);
    } else {
        rc = hv_console_attach(o->sock, (unsigned)strtoul(o->attach, NULL, 10), HV_CONSOLE_REPLAY,
                               0, 1, msg, sizeof(msg));
    }
    if (rc < 0 || rc == 1)
        fprintf(stderr, "hvconsoled: %s\n", msg);
    return rc < 0 ? 1 : 0;
}

static void mkdirs(const char *path)
{
    char p[256];

    snprintf(p, sizeof(p), "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0750);
}

/* Messages to DIR/../consoled.log once in the background. */
static void daemonise(const struct opts *o)
{
    char path[300];
    FILE *f;

    snprintf(path, sizeof(path), "%s/../consoled.log", o->log_dir);
    if (daemon(0, 0)) {
        perror("hvconsoled: daemon");
        exit(1);
    }
    if (!freopen(path, "a", stderr))
        exit(1);
    if (o->pid_file && (f = fopen(o->pid_file, "w"))) {
        fprintf(f, "%ld\n", (long)getpid());
        fclose(f);
    }
}

static struct xs_handle *open_store(void)
{
    struct xs_handle *xs;

    for (int i = 0; i < 30; i++) { /* xenstored may still be starting */
        if ((xs = xs_open(0)))
            return xs;
        sleep(1);
    }
    return NULL;
}

static short client_events(const struct client *c)
{
    short ev = c->out.len ? POLLOUT : 0;

    if (c->dom ? c->dom->input.len < c->dom->input.cap : !c->closing)
        ev |= POLLIN;
    return ev;
}

static void watches(struct hvc *h)
{
    char **w;

    while ((w = xs_check_watch(h->xs))) {
        if (scan_wanted(w[XS_WATCH_PATH], w[XS_WATCH_TOKEN]))
            h->rescan = true;
        free(w);
    }
}

static void events(struct hvc *h)
{
    uint32_t ports[64];
    size_t n = xdev_evtchn_pending(h->evtchn_fd, ports, 64);

    for (size_t i = 0; i < n; i++)
        cdom_event(h, ports[i]);
}

/* One round: wait for anything, handle it, write what clients are owed. */
static int round_once(struct hvc *h, struct pollfd *p, struct client **who, struct cdom **tty)
{
    size_t n = 3, first_tty;

    p[0] = (struct pollfd){.fd = xs_fileno(h->xs), .events = POLLIN};
    p[1] = (struct pollfd){.fd = h->evtchn_fd, .events = POLLIN};
    p[2] = (struct pollfd){.fd = h->listen_fd, .events = POLLIN};
    for (struct client *c = h->clients; c && n < 3 + HVC_CLIENTS_MAX; c = c->next, n++) {
        p[n] = (struct pollfd){.fd = c->fd, .events = client_events(c)};
        who[n] = c;
    }
    first_tty = n;
    for (struct cdom *d = h->doms; d && n < first_tty + HVC_PTYS_MAX; d = d->next)
        if (d->state == CDOM_SERVING && d->pty_master >= 0 && d->input.len < d->input.cap) {
            p[n] = (struct pollfd){.fd = d->pty_master, .events = POLLIN};
            tty[n++ - first_tty] = d;
        }
    if (poll(p, n, -1) < 0)
        return errno == EINTR ? 0 : -errno;
    if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
        return -EPIPE;
    if (p[0].revents)
        watches(h);
    if (p[1].revents)
        events(h);
    for (size_t i = 3; i < first_tty; i++)
        if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
            client_input(h, who[i]);
    for (size_t i = first_tty; i < n; i++)
        if (p[i].revents & POLLIN && tty[i - first_tty]->state == CDOM_SERVING)
            cpty_input(h, tty[i - first_tty]);
    if (p[2].revents)
        server_accept(h);
    for (struct client *c = h->clients, *next; c; c = next) {
        next = c->next;
        if (c->out.len || c->closing)
            client_flush(h, c);
    }
    return 0;
}

static int serve(struct hvc *h)
{
    static struct pollfd p[3 + HVC_CLIENTS_MAX + HVC_PTYS_MAX];
    static struct client *who[3 + HVC_CLIENTS_MAX];
    static struct cdom *tty[HVC_PTYS_MAX];
    int rc = 0;

    h->rescan = true;
    while (!stop && rc == 0) {
        if (hup) {
            hup = 0;
            h->rescan = true;
        }
        if (h->rescan) {
            h->rescan = false;
            scan_domains(h);
        }
        rc = round_once(h, p, who, tty);
    }
    for (struct cdom *d = h->doms; d; d = d->next)
        if (d->state != CDOM_GONE)
            cdom_end(h, d, "hvconsoled stopped");
    return rc;
}

int main(int argc, char **argv)
{
    struct hvc h = {.evtchn_fd = -1, .listen_fd = -1};
    struct opts o;
    int rc;

    parse(argc, argv, &o);
    if (o.list || o.attach)
        return client(&o);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    h.log_dir = o.log_dir;
    h.log_max = o.log_max;
    mkdirs(o.log_dir);
    /* What can fail is tried before going to the background (rc.boot sees the status); the
     * xenstore handle is opened after it, as its reader thread would not survive the fork. */
    if ((h.evtchn_fd = xdev_evtchn_open()) < 0) {
        hvc_log("cannot open /dev/xen/evtchn: %s", strerror(-h.evtchn_fd));
        return 1;
    }
    if (!(h.xs = open_store())) {
        hvc_log("cannot talk to xenstored: %s", strerror(errno));
        return 1;
    }
    mkdir("/run/hv", 0755);
    if ((h.listen_fd = server_open(o.sock)) < 0) {
        hvc_log("cannot listen on %s: %s", o.sock, strerror(-h.listen_fd));
        return 1;
    }
    if (!o.foreground) {
        xs_close(h.xs);
        daemonise(&o);
        h.xs = open_store();
    }
    if (!h.xs || scan_watch(&h)) {
        hvc_log("cannot watch xenstore: %s", strerror(errno));
        return 1;
    }
    hvc_log("serving consoles; logs in %s, clients on %s", o.log_dir, o.sock);
    rc = serve(&h);
    if (rc)
        hvc_log("stopping: %s", strerror(-rc));
    unlink(o.sock);
    if (o.pid_file)
        unlink(o.pid_file);
    xs_close(h.xs);
    return rc ? 1 : 0;
}
