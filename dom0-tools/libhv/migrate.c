/* dom0-tools/libhv/migrate.c - live migration's two sides (migrate.h): the source's pre-copy
 * rounds under log-dirty mode, its stop-and-copy and xl's handshake; the target's restore into
 * a paused NAME--incoming guarded until the go. Nothing is lost: until the target says it runs
 * the domain, the source keeps it and resumes it on any failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "migrate.h"
#include "save_dom.h"

/* ---- the connection ---- */

/* The target's silence ends the migration: SIGALRM kills the process behind the connection
 * and shuts its socket down, so the write or read in progress fails. So does the operator's
 * Ctrl-C (or a TERM, a hang-up): the failure path then resumes the domain here, as for any other
 * failure. */
static volatile pid_t watched;
static volatile int watched_sock = -1;
static volatile sig_atomic_t timed_out, stopped_by;

static void on_alarm(int sig)
{
    if (sig == SIGALRM)
        timed_out = 1;
    else
        stopped_by = sig;
    if (watched > 0)
        kill(watched, SIGKILL);
    if (watched_sock >= 0)
        shutdown(watched_sock, SHUT_RDWR);
}

static void watchdog(unsigned seconds)
{
    alarm(seconds);
}

int hv_migrate_connect(struct hv_ops *o, const char *sshcmd, const char *host, bool verbose,
                       int tcp_port, unsigned timeout_s, struct hv_mig_conn *c)
{
    const char *at = strrchr(host, '@');
    int to[2], from[2], rc;
    char listen[32] = "";
    char *rune;
    pid_t pid;

    if (tcp_port >= 0)
        snprintf(listen, sizeof(listen), " --listen %d", tcp_port);
    if (*sshcmd ? asprintf(&rune, "exec %s %s hvctl migrate-receive%s%s", sshcmd, host,
                           verbose ? " -v" : "", listen) < 0
                : asprintf(&rune, "exec %s", host) < 0)
        return hv_err_set(&o->err, -ENOMEM, "out of memory");
    if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC)) {
        free(rune);
        return hv_err_set(&o->err, -errno, "pipe: %s", strerror(errno));
    }
    if ((pid = fork()) < 0) {
        int e = errno;

        free(rune);
        close(to[0]), close(to[1]), close(from[0]), close(from[1]);
        return hv_err_set(&o->err, -e, "fork: %s", strerror(e));
    }
    if (!pid) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        execl("/bin/sh", "sh", "-c", rune, (char *)NULL);
        _exit(127);
    }
    free(rune);
    close(to[0]);
    close(from[1]);
    *c = (struct hv_mig_conn){from[0], to[1], pid, -1, -1, -1};
    signal(SIGPIPE, SIG_IGN); /* a dead target: EPIPE, a message, the domain resumed */
    signal(SIGALRM, on_alarm);
    signal(SIGINT, on_alarm);
    signal(SIGTERM, on_alarm);
    signal(SIGHUP, on_alarm);
    watched = pid;
    if (tcp_port < 0)
        return 0;
    /* the socket's address when the target does not know it: HOST, as ssh reaches it */
    alarm(timeout_s);
    rc = hv_mig_tcp_dial(o, !*sshcmd ? "localhost" : at ? at + 1 : host, timeout_s, c);
    alarm(0);
    if (rc) {
        struct hv_err cause = o->err;

        hv_migrate_disconnect(c);
        o->err = cause;
        return rc;
    }
    watched_sock = c->sock;
    return 0;
}

void hv_migrate_disconnect(struct hv_mig_conn *c)
{
    unsigned i;

    alarm(0);
    watched_sock = -1;
    if (c->out >= 0)
        close(c->out);
    if (c->in >= 0 && c->in != c->out)
        close(c->in);
    if (c->ctl_out >= 0)
        close(c->ctl_out);
    if (c->ctl_in >= 0)
        close(c->ctl_in);
    c->in = c->out = c->sock = c->ctl_in = c->ctl_out = -1;
    /* ssh ends at the connection's EOF, within 5 s; a command that does not is killed */
    for (i = 0; c->child > 0 && i < 50 && !waitpid(c->child, NULL, WNOHANG); i++)
        usleep(100000);
    if (c->child > 0 && i == 50) {
        kill(c->child, SIGKILL);
        waitpid(c->child, NULL, 0);
    }
    c->child = 0;
    watched = 0;
}

int hv_mig_read(struct hv_ops *o, int fd, void *buf, size_t len, unsigned timeout_s,
                const char *what)
{
    double end = hv_now() + timeout_s;
    uint8_t *p = buf;

    while (len) {
        struct pollfd pfd = {fd, POLLIN, 0};
        int left = timeout_s ? (int)((end - hv_now()) * 1000) : -1;
        ssize_t n;

        if (timeout_s && left <= 0)
            return hv_err_set(&o->err, -ETIMEDOUT, "%s did not come within %u s", what,
                              timeout_s);
        if (poll(&pfd, 1, left) < 0) {
            if (errno == EINTR)
                continue;
            return hv_err_set(&o->err, -errno, "waiting for %s: %s", what, strerror(errno));
        }
        if (!pfd.revents)
            continue;
        n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return hv_err_set(&o->err, n ? -errno : -EPIPE, "the connection %s before %s",
                              n ? strerror(errno) : "closed", what);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One of xl's fixed messages: exactly as expected, or an error naming it. */
static int expect(struct hv_ops *o, int fd, const char *msg, size_t len, unsigned timeout_s,
                  const char *what)
{
    char got[128];
    int rc;

    if ((rc = hv_mig_read(o, fd, got, len, timeout_s, what)))
        return rc;
    if (memcmp(got, msg, len))
        return hv_err_set(&o->err, -EPROTO, "the other side sent something else than %s", what);
    return 0;
}

static int write_all(struct hv_ops *o, int fd, const void *buf, size_t len, const char *what)
{
    struct hv_stream s;

    hv_stream_init(&s, fd, what, &o->err);
    return hv_stream_write(&s, buf, len);
}

/* /local/domain/N/name and its /vm/UUID/name, as xl rename. */
static int set_name(struct hv_ops *o, uint32_t domid, const char *name)
{
    char path[96], vm[128], *v;
    unsigned len;
    int ok;

    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    ok = xs_write(o->xs, XBT_NULL, path, name, strlen(name));
    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    if (ok && (v = xs_read(o->xs, XBT_NULL, path, &len))) {
        snprintf(vm, sizeof(vm), "%s/name", v);
        free(v);
        xs_write(o->xs, XBT_NULL, vm, name, strlen(name));
    }
    return ok ? 0 : hv_err_set(&o->err, -errno, "xenstore: naming domain %u %s: %s", domid, name,
                               strerror(errno));
}

/* ---- the source ---- */

#define STREAM_BUFFER (128u << 10) /* the stream's records gathered into writes of this much */

struct src {
    struct hv_ops *o;
    uint32_t domid;
    char name[80];
    struct hv_mig_conn *c;
    const struct hv_mig_show *show;
    struct hv_mig_plan plan;
    struct hv_stream s;
    struct hv_save sv;
    struct hv_save_ctx ctx;
    struct hv_save_dom dom;
    struct hv_pfnmap map;
    uint64_t *p2m, *leaves, *leaf_pfns, *dirty, nr;
    unsigned n_leaves, round;
    uint8_t *bitmap, *deferred; /* CLEAN's; the live rounds' deferred page tables */
    uint64_t *held;     /* what the target holds of each pfn (struct hv_save's held) */
    int thr_fd;         /* auto-converge's throttler: its pipe (-1: none) and process */
    pid_t thr_pid;
    unsigned thr_now;   /* the throttle it was told */
    bool logdirty;      /* log-dirty mode is on */
    double t0;
    double round_t0;      /* the bandwidth limit's: when this round began, */
    uint64_t round_bytes; /* and the stream's bytes then (a slow round banks no credit) */
    const char *fault;  /* HV_MIGRATE_TEST_FAULT: where the tests cut the connection */
};

/* The tests' fault injection: the connection cut at a named point (its process killed, or
 * its socket shut down). */
static void fault_point(struct src *m, const char *at)
{
    if (m->fault && !strcmp(m->fault, at) && m->c->child > 0) {
        fprintf(stderr, "migration: test fault: the connection is cut at %s\n", at);
        if (m->c->sock >= 0)
            shutdown(m->c->sock, SHUT_RDWR);
        else
            kill(m->c->child, SIGKILL);
    }
}

/* Auto-converge: a process that holds the guest paused for throttle % of its time (QEMU's CPU
 * throttle takes a share of every time slice), told each new throttle (a byte) through a pipe.
 * It lets the guest run (100 - throttle) % of THROTTLE_PERIOD_MS, then holds it by a ledger:
 * what it was let run and held since the throttle was set, measured, not what was asked. Under
 * TCG this process wakes milliseconds late, so a fixed duty cycle held a guest asked 99 % only
 * 73 % of the time (and its runstate showed it let run a third of it); the ledger's holds grow
 * to make up for the late wake-ups. The pipe's end, however this process ends, unpauses the
 * guest (a hold is a poll of the pipe) and ends it: the guest is never left held. */
#define THROTTLE_PERIOD_MS 50
#define THROTTLE_HOLD_MAX_MS 1000 /* QEMU's longest sleep (99 % of 10 ms slices) */

static void throttler(uint32_t domid, int fd)
{
    unsigned throttle = 0, hold;
    double let_run = 0, held = 0, t = hv_now(), t1 = 0; /* the ledger (s), since t */
    struct hv_priv *priv;
    struct hv_err err;
    uint8_t b;
    int rc;

    signal(SIGINT, SIG_IGN); /* the operator's Ctrl-C is the migration's: it closes the pipe */
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    if (hv_priv_open(&priv, &err)) /* its own: the source's hypercall buffers are not forked */
        _exit(1);
    for (;;) {
        struct pollfd pfd = {fd, POLLIN, 0};
        int wait = throttle ? (int)(THROTTLE_PERIOD_MS * (100 - throttle) / 100) + 1 : -1;

        hold = hv_mig_hold_ms(throttle, (let_run + hv_now() - t) * 1000, held * 1000,
                              THROTTLE_HOLD_MAX_MS);
        if (hold && !hv_domain_pause(priv, domid)) { /* held from its return */
            let_run += (t1 = hv_now()) - t;
            wait = (int)hold;
        } else {
            hold = 0;
        }
        rc = poll(&pfd, 1, wait);
        if (hold) { /* let run from before the unpause */
            held += (t = hv_now()) - t1;
            hv_domain_unpause(priv, domid);
        }
        if (rc < 0 && errno != EINTR)
            _exit(1);
        if (!pfd.revents)
            continue;
        if (read(fd, &b, 1) != 1)
            _exit(0);
        throttle = b;
        let_run = held = 0;
        t = hv_now();
    }
}

static void throttle_set(struct src *m, unsigned throttle)
{
    uint8_t b = (uint8_t)throttle;
    int p[2];

    if (throttle == m->thr_now)
        return;
    if (m->thr_fd < 0) {
        if (pipe2(p, O_CLOEXEC))
            return; /* the guest keeps its pace: nothing lost */
        if ((m->thr_pid = fork()) < 0) {
            close(p[0]), close(p[1]);
            return;
        }
        if (!m->thr_pid) {
            close(p[1]);
            close(m->c->in); /* the connection's ends are the source's alone */
            close(m->c->out);
            throttler(m->domid, p[0]);
        }
        close(p[0]);
        m->thr_fd = p[1];
    }
    if (write(m->thr_fd, &b, 1) == 1)
        m->thr_now = throttle;
}

/* The throttler ended and waited for: the guest is not held any more. */
static void throttle_end(struct src *m)
{
    if (m->thr_fd < 0)
        return;
    close(m->thr_fd);
    waitpid(m->thr_pid, NULL, 0);
    m->thr_fd = -1;
    m->thr_now = 0;
}

/* After each batch: the watchdog re-armed, the bandwidth limit, the progress bar. */
static void after_batch(void *arg, uint64_t done, uint64_t total)
{
    struct src *m = arg;
    double wait = hv_mig_pace(m->s.bytes - m->round_bytes, hv_now() - m->round_t0,
                              m->plan.opts.bandwidth_mb);

    watchdog(m->plan.opts.timeout_s);
    if (wait > 0) {
        struct timespec ts = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};

        while (nanosleep(&ts, &ts) && errno == EINTR)
            ;
    }
    if (m->show && m->show->progress)
        m->show->progress(m->show->arg, m->round, done, total);
}

static int prepare(struct src *m)
{
    struct hv_dominfo info;
    unsigned i;
    int rc;

    if ((rc = hv_domain_getinfo(m->o->priv, m->domid, &info)))
        return hv_err_set(&m->o->err, rc, "%s", hv_priv_error(m->o->priv));
    m->ctx = (struct hv_save_ctx){m->o->priv, m->domid, info.shared_info_frame, {0}};
    m->dom = hv_save_dom_priv;
    m->dom.ctx = &m->ctx;
    if ((rc = hv_save_guest_p2m(&m->ctx, info.max_pages, &m->p2m, &m->nr, &m->leaves,
                                &m->n_leaves, &m->o->err)) ||
        (rc = hv_pfnmap_init(&m->map, m->p2m, m->nr, &m->o->err)))
        return rc;
    m->leaf_pfns = calloc(m->n_leaves, sizeof(*m->leaf_pfns));
    m->dirty = malloc(m->nr * sizeof(*m->dirty));
    m->bitmap = malloc((m->nr + 7) / 8 + 8);
    m->deferred = calloc((m->nr + 7) / 8 + 8, 1);
    m->held = calloc(m->nr, sizeof(*m->held));
    if (!m->leaf_pfns || !m->dirty || !m->bitmap || !m->deferred || !m->held)
        return hv_err_set(&m->o->err, -ENOMEM, "out of memory for a domain of %llu pages",
                          (unsigned long long)m->nr);
    for (i = 0; i < m->n_leaves; i++)
        if (hv_pfnmap_pfn(&m->map, m->leaves[i], &m->leaf_pfns[i]))
            return hv_err_set(&m->o->err, -EINVAL, "domain %u's p2m frame %u is not in its p2m",
                              m->domid, i);
    if ((rc = hv_save_init(&m->sv, &m->s, &m->dom, &m->map, info.max_vcpu_id + 1, &m->o->err)))
        return rc;
    m->sv.page_sums = m->plan.opts.page_sums;
    m->sv.deferred = m->deferred;
    m->sv.held = m->held;
    m->sv.progress = after_batch;
    m->sv.progress_arg = m;
    return 0;
}

/* CLEAN: the pfns dirtied since the last one (and with_deferred, the page tables deferred by
 * the live rounds), into m->dirty; their count. */
static int clean(struct src *m, uint64_t *n, bool with_deferred)
{
    uint64_t pages = m->nr, pfn;
    int rc;

    memset(m->bitmap, 0, (m->nr + 7) / 8);
    if ((rc = hv_logdirty_op(m->o->priv, m->domid, PV_DOMCTL_SHADOW_OP_CLEAN, m->bitmap, &pages,
                             NULL)))
        return hv_err_set(&m->o->err, rc, "%s", hv_priv_error(m->o->priv));
    for (pfn = 0; with_deferred && pfn < (m->nr + 7) / 8; pfn++)
        m->bitmap[pfn] |= m->deferred[pfn];
    *n = 0;
    for (pfn = 0; pfn < pages && pfn < m->nr; pfn++)
        if (m->bitmap[pfn / 8] & (1u << (pfn % 8)))
            m->dirty[(*n)++] = pfn;
    return 0;
}

/* A round as shown: its throttle is the one that held the guest back while it ran. */
static void show_round(struct src *m, bool final, uint64_t sent, uint64_t dirtied, double secs,
                       unsigned throttle)
{
    struct hv_mig_round r = {m->round, final, sent, dirtied, secs,
                             secs > 0 ? sent * 4096.0 / 1048576 / secs : 0, m->plan.est_ms,
                             throttle};

    if (m->show && m->show->round)
        m->show->round(m->show->arg, &r);
}

static void note(struct src *m, const char *line)
{
    if (m->show && m->show->note)
        m->show->note(m->show->arg, line);
}

/* The live rounds: every page, then what was dirtied meanwhile, until the plan says stop.
 * 1: stop-and-copy; -errno: failed or aborted (message set). */
static int live_rounds(struct src *m)
{
    uint64_t n = m->nr, dirty, i;
    int rc;

    for (;;) {
        double t = hv_now();
        uint64_t before = m->sv.pages_sent;
        unsigned throttle = m->thr_now;
        enum hv_mig_next next;
        char which[16];

        m->round++;
        m->round_t0 = t;
        m->round_bytes = m->s.bytes;
        snprintf(which, sizeof(which), "round%u", m->round);
        fault_point(m, which);
        if (m->round == 1) {
            for (i = 0; i < m->nr; i++)
                m->dirty[i] = i;
        }
        m->sv.zero_alloc = m->round == 1; /* every frame on the target is fresh (zero) then */
        if ((rc = hv_save_pages(&m->sv, m->dirty, n)) || (rc = hv_stream_flush(&m->s)))
            return rc;
        m->sv.zero_alloc = false;
        if ((rc = clean(m, &dirty, false)))
            return rc;
        next = hv_mig_plan_next(&m->plan, m->sv.pages_sent - before, hv_now() - t, dirty);
        show_round(m, false, m->sv.pages_sent - before, dirty, hv_now() - t, throttle);
        if (next == HV_MIG_STOP_AND_COPY) {
            char line[96];

            /* what this CLEAN found is owed to the last round (the estimate counted it): the
             * last round's CLEAN reports only what was written after this one */
            for (i = 0; i < dirty; i++)
                m->deferred[m->dirty[i] / 8] |= (uint8_t)(1u << (m->dirty[i] % 8));
            snprintf(line, sizeof(line), "stop-and-copy: %s", m->plan.why);
            note(m, line);
            return 1;
        }
        if (next == HV_MIG_ABORT)
            return hv_err_set(&m->o->err, -ETIMEDOUT, "%llu pages still dirty after %u rounds "
                              "(estimated downtime %.0f ms, the limit %u ms); --abort-on-max",
                              (unsigned long long)dirty, m->round, m->plan.est_ms,
                              m->plan.opts.downtime_ms);
        throttle_set(m, m->plan.throttle);
        n = dirty;
    }
}

/* The last round's records: the source reads the next while ssh carries one, the target takes
 * one in while the next comes (a record of 1,024 pages is read whole before it is written). */
#define LAST_ROUND_BATCH 128

/* Suspended: the last dirty pages, the vCPUs, the stream's ends. */
static int final_round(struct src *m, struct hv_mig_result *res)
{
    double t = hv_now(), sent_at;
    uint64_t dirty, before = m->sv.pages_sent, held = m->sv.pages_held;
    int rc;

    m->round++;
    m->round_t0 = t;
    m->round_bytes = m->s.bytes;
    m->plan.throttle = 0;
    m->sv.deferred = NULL; /* suspended: every table must canonicalise now */
    m->sv.batch = LAST_ROUND_BATCH;
    if ((rc = clean(m, &dirty, true)) || (dirty && (rc = hv_save_pages(&m->sv, m->dirty, dirty))))
        return rc;
    sent_at = hv_now();
    if ((rc = hv_save_end(&m->sv)) ||
        (rc = hv_stream_put_record(&m->s, HV_LXL_END, NULL, 0, NULL, 0)) ||
        (rc = hv_stream_flush(&m->s)))
        return rc;
    res->parts.last = (sent_at - t) * 1000;
    res->parts.state = (hv_now() - sent_at) * 1000;
    res->last_sent = m->sv.pages_sent - before;
    res->last_held = m->sv.pages_held - held;
    m->plan.est_ms = 0;
    show_round(m, true, m->sv.pages_sent - before, dirty, hv_now() - t, 0);
    return 0;
}

static void logdirty_off(struct src *m)
{
    if (m->logdirty && !hv_logdirty_op(m->o->priv, m->domid, PV_DOMCTL_SHADOW_OP_OFF, NULL, NULL,
                                       NULL))
        m->logdirty = false;
}

static void free_src(struct src *m)
{
    hv_stream_free(&m->s);
    hv_save_free(&m->sv);
    hv_pfnmap_free(&m->map);
    free(m->p2m);
    free(m->leaves);
    free(m->leaf_pfns);
    free(m->dirty);
    free(m->bitmap);
    free(m->deferred);
    free(m->held);
}

/* After the go: the target's report, then the source's copy destroyed (or kept suspended). */
static int finish(struct src *m, struct hv_mig_result *res, double paused_at, const char *away)
{
    double go_at;
    char report[sizeof(HV_MIG_REPORT)];
    uint8_t status;
    int rc;

    fault_point(m, "go");
    watchdog(0);
    go_at = hv_now();
    if ((rc = write_all(m->o, m->c->out, HV_MIG_GO, sizeof(HV_MIG_GO), "connection")) ||
        (rc = hv_mig_read(m->o, m->c->in, report, sizeof(report), m->plan.opts.timeout_s,
                          "the target's report")) ||
        (rc = memcmp(report, HV_MIG_REPORT, sizeof(report)) ? -EPROTO : 0) ||
        (rc = hv_mig_read(m->o, m->c->in, &status, 1, m->plan.opts.timeout_s,
                          "the target's status"))) {
        res->kept_suspended = true;
        return hv_err_set(&m->o->err, rc, "%s after the go: the target may be running the "
                          "domain; this copy is kept suspended as %s (domain %u): check the "
                          "target, then destroy one of them", m->o->err.msg, away, m->domid);
    }
    res->downtime_ms = (hv_now() - paused_at) * 1000;
    res->parts.commit = (hv_now() - go_at) * 1000;
    if (status) {
        return hv_err_set(&m->o->err, -EIO, "the target could not start the domain (status "
                          "%u, see its messages above)", status);
    }
    note(m, "the target runs the domain; destroying it here"); /* a shared /vm stays theirs */
    if (hv_ops_destroy(m->o, m->domid))
        note(m, m->o->err.msg);
    return 0;
}

int hv_migrate_send(struct hv_ops *o, uint32_t domid, struct hv_mig_conn *c,
                    const struct hv_migrate_opts *opts, const struct hv_mig_show *show,
                    struct hv_mig_result *res)
{
    struct src *m = calloc(1, sizeof(*m));
    struct hv_dominfo info;
    struct hv_err cause;
    bool suspended = false, renamed = false;
    double paused_at = 0, sent_at;
    char away[96];
    char *cfg = NULL;
    size_t cfg_len;
    int rc;

    memset(res, 0, sizeof(*res));
    if (!m)
        return hv_err_set(&o->err, -ENOMEM, "out of memory");
    *m = (struct src){.o = o, .domid = domid, .c = c, .show = show, .t0 = hv_now(),
                      .thr_fd = -1, .fault = getenv("HV_MIGRATE_TEST_FAULT")};
    hv_mig_plan_init(&m->plan, opts);
    hv_stream_init(&m->s, c->out, "the connection", &o->err);
    if ((rc = hv_stream_buffer(&m->s, STREAM_BUFFER)))
        goto out;
    if (domid == 0) {
        rc = hv_err_set(&o->err, -EINVAL, "domain 0 cannot be migrated");
        goto out;
    }
    if ((rc = hv_domain_getinfo(o->priv, domid, &info))) {
        rc = hv_err_set(&o->err, rc, "%s", hv_priv_error(o->priv));
        goto out;
    }
    if (info.shutdown) {
        rc = hv_err_set(&o->err, -EINVAL, "domain %u has shut down (%s)", domid,
                        hv_ops_reason_name((int)info.shutdown_reason));
        goto out;
    }
    if ((rc = hv_ops_name(o, domid, m->name, sizeof(m->name))) ||
        (rc = hv_ops_save_config(o, domid, &cfg, &cfg_len)) || (rc = prepare(m)))
        goto out;
    watchdog(opts->timeout_s);
    if ((rc = expect(o, c->in, HV_MIG_BANNER, strlen(HV_MIG_BANNER), opts->timeout_s,
                     "the target's banner")))
        goto out;
    if ((rc = hv_logdirty_op(o->priv, domid, PV_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, NULL, NULL,
                             NULL))) {
        rc = hv_err_set(&o->err, rc, "%s", hv_priv_error(o->priv));
        goto out;
    }
    m->logdirty = true;
    {
        uint64_t ignored;

        if ((rc = clean(m, &ignored, false)) ||
            (rc = hv_stream_put_xl_header(&m->s, cfg, cfg_len, false)) ||
            (rc = hv_stream_put_libxl_header(&m->s)) ||
            (rc = hv_stream_put_record(&m->s, HV_LXL_LIBXC_CONTEXT, NULL, 0, NULL, 0)) ||
            (rc = hv_save_begin(&m->sv, m->leaf_pfns, m->n_leaves)))
            goto out;
    }
    rc = live_rounds(m);
    throttle_end(m);
    if (rc < 0)
        goto out;
    note(m, "suspending the domain for the last round");
    paused_at = hv_now();
    if ((rc = hv_ops_suspend(o, domid, &res->suspend_how)))
        goto out;
    suspended = true;
    res->parts.suspend = (hv_now() - paused_at) * 1000;
    fault_point(m, "final");
    if ((rc = final_round(m, res)))
        goto out;
    sent_at = hv_now();
    logdirty_off(m);
    /* xl's name for a copy the target may run, taken while the target restores */
    snprintf(away, sizeof(away), "%s%s", m->name, HV_MIG_AWAY);
    if ((rc = set_name(o, domid, away)))
        goto out;
    renamed = true;
    if ((rc = expect(o, c->in, HV_MIG_READY, sizeof(HV_MIG_READY), opts->timeout_s,
                     "the target's \"domain received\"")))
        goto out;
    res->parts.ready = (hv_now() - sent_at) * 1000;
    rc = finish(m, res, paused_at, away);
out:
    watchdog(0);
    throttle_end(m);
    logdirty_off(m);
    cause = o->err;
    if (timed_out && rc)
        hv_err_set(&o->err, rc, "%s (the target was silent for %u s)", cause.msg,
                   opts->timeout_s);
    else if (stopped_by && rc)
        hv_err_set(&o->err, rc, "%s (stopped by signal %d)", cause.msg, (int)stopped_by);
    if (rc && !res->kept_suspended) {
        cause = o->err;
        if (renamed)
            set_name(o, domid, m->name);
        if (suspended && hv_ops_resume(o, domid))
            hv_err_set(&o->err, rc, "%s; and domain %u could not be resumed: %s", cause.msg,
                       domid, o->err.msg);
        else
            hv_err_set(&o->err, rc, "%s; domain %u runs on here%s", cause.msg, domid,
                       suspended ? " (resumed)" : "");
    }
    res->rounds = m->round;
    res->pages = m->sv.pages_sent;
    res->held = m->sv.pages_held;
    res->bytes = m->s.bytes;
    res->total_s = hv_now() - m->t0;
    free_src(m);
    free(m);
    free(cfg);
    return rc;
}

/* ---- the target ---- */

/* The guardian: a process that outlives this one and destroys the incoming domain unless it was
 * told the domain is committed (or gone). It hears the domain's id, 'C' for committed. */
struct guard {
    int fd;
    pid_t pid;
};

static void guardian(int fd)
{
    uint32_t domid = 0;
    bool have = false;
    uint8_t b[5];
    struct hv_ops o;

    for (;;) {
        ssize_t n = read(fd, b, 1);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (b[0] == 'C') {
            have = false;
        } else if (b[0] == 'D' && read(fd, b + 1, 4) == 4) {
            memcpy(&domid, b + 1, 4);
            have = true;
        }
    }
    if (!have || hv_ops_open(&o))
        _exit(0);
    fprintf(stderr, "migration target: the receiver ended before the go: destroying the "
            "incoming domain %u\n", domid);
    if (hv_ops_destroy(&o, domid))
        fprintf(stderr, "migration target: destroying domain %u: %s\n", domid, o.err.msg);
    hv_ops_close(&o);
    _exit(0);
}

static void guard_tell(struct guard *g, char what, uint32_t domid)
{
    uint8_t b[5] = {(uint8_t)what};

    memcpy(b + 1, &domid, 4);
    if (g->fd >= 0 && write(g->fd, b, what == 'D' ? 5 : 1) < 0)
        fprintf(stderr, "migration target: guardian: %s\n", strerror(errno));
}

/* What the restore's hooks need: the guardian, the connection, whether "received" went. */
struct tgt {
    struct guard g;
    struct hv_ops *o;
    int out;
    bool ready;        /* "domain received" sent (or tried: ready_rc) */
    int ready_rc;
    struct hv_err ready_err;
    double ready_at;
};

static void on_created(void *arg, uint32_t domid)
{
    struct tgt *t = arg;

    guard_tell(&t->g, 'D', domid);
}

/* The stream's END: every page is in and checked, so "domain received" goes now and the
 * source's go crosses the restore's last steps (up to the introduction). Should one of them
 * fail, the report after the go says so (status 1) and the source resumes its copy. */
static void on_received(void *arg)
{
    struct tgt *t = arg;
    struct hv_err keep = t->o->err;

    t->ready = true;
    t->ready_rc = write_all(t->o, t->out, HV_MIG_READY, sizeof(HV_MIG_READY), "the connection");
    t->ready_err = t->o->err;
    t->o->err = keep;
    t->ready_at = hv_now();
}

/* in, out: the connection, which the guardian closes (its end must be the source's EOF). */
static int guard_start(struct hv_ops *o, struct guard *g, int in, int out)
{
    int p[2];

    if (pipe2(p, O_CLOEXEC))
        return hv_err_set(&o->err, -errno, "pipe: %s", strerror(errno));
    if ((g->pid = fork()) < 0) {
        close(p[0]), close(p[1]);
        return hv_err_set(&o->err, -errno, "fork: %s", strerror(errno));
    }
    if (!g->pid) {
        int null = open("/dev/null", O_RDWR);

        close(p[1]);
        if (in > 2)
            close(in);
        if (out > 2 && out != in)
            close(out);
        dup2(null, 0); /* nor is the ssh channel, on 0 and 1 over either transport */
        dup2(null, 1);
        setsid();      /* a hang-up of the receiver's session spares it */
        guardian(p[0]);
    }
    close(p[0]);
    g->fd = p[1];
    return 0;
}

static void guard_end(struct guard *g)
{
    close(g->fd);
    g->fd = -1;
    waitpid(g->pid, NULL, 0);
}

/* xl's report and its status byte, in one write (one packet: the source waits for both). */
static int report(struct hv_ops *o, int out, uint8_t status)
{
    uint8_t msg[sizeof(HV_MIG_REPORT) + 1];

    memcpy(msg, HV_MIG_REPORT, sizeof(HV_MIG_REPORT));
    msg[sizeof(HV_MIG_REPORT)] = status;
    return write_all(o, out, msg, sizeof(msg), "the connection");
}

/* The target's part of the downtime, from the stream's END to the report; then the rings'
 * nodes, written once the domain runs. */
static void show_times(const struct hv_restore_times *t, double ready_at, double go_at,
                       double running_at, double rings_done_at)
{
    fprintf(stderr, "migration target: END -> \"domain received\" sent %.1f ms; the last steps "
            "%.1f ms (p2m, start_info, pinning %u tables, shared_info, vCPUs %.1f [p2m %.1f, "
            "start_info %.1f, pinning %.1f] [vCPU contexts %.1f, grant seeding %.1f, memory "
            "freed %.1f]; "
            "introduction %.1f); the go at END + %.1f ms -> "
            "running %.1f ms; the rings' nodes after the report %.1f ms\n",
            (ready_at - t->end_at) * 1000, (t->done_at - t->end_at) * 1000, t->pinned,
            (t->state_at - t->end_at) * 1000, t->p2m_ms, t->si_ms, t->pin_ms, t->vcpu_ms,
            t->grants_ms, t->tail_ms,
            (t->rings_at - t->state_at) * 1000, (go_at - t->end_at) * 1000,
            (running_at - go_at) * 1000, (rings_done_at - running_at) * 1000);
}

int hv_migrate_receive(struct hv_ops *o, int in, int out, bool verbose, struct hv_cfg *cfg,
                       uint32_t *domid)
{
    struct hv_restore_times times;
    struct hv_restore_later later = {.memory = NULL};
    struct tgt t = {{-1, 0}, o, out, false, 0, {""}, 0};
    struct hv_restore_how how = {true, HV_MIG_INCOMING, on_created, &t, &times, on_received,
                                 &later};
    double go_at, running_at;
    const char *fault;
    struct hv_err cause;
    uint8_t status = 1;
    bool renamed;
    uint32_t other;
    size_t n;
    int rc;

    signal(SIGPIPE, SIG_IGN);
    if ((rc = guard_start(o, &t.g, in, out)))
        return rc;
    if (!(rc = write_all(o, out, HV_MIG_BANNER, strlen(HV_MIG_BANNER), "the connection")) &&
        !(rc = hv_ops_restore_fd(o, in, "the migration stream", &how, cfg, domid)) &&
        (fault = getenv("HV_MIGRATE_TEST_FAULT")) && !strcmp(fault, "received")) {
        /* the tests' fault: the restore's last steps failing after "domain received" */
        hv_ops_destroy(o, *domid);
        hv_cfg_free(cfg);
        rc = hv_err_set(&o->err, -EIO, "test fault: the restore fails after \"received\"");
    }
    if (rc) {
        hv_restore_release(later.memory);
        guard_tell(&t.g, 'C', 0); /* a failed restore destroyed its domain itself */
        guard_end(&t.g);
        cause = o->err;
        /* after "received": the source's go, then the failure in the report */
        if (t.ready && !t.ready_rc && !expect(o, in, HV_MIG_GO, sizeof(HV_MIG_GO), 0, "the go"))
            report(o, out, status);
        o->err = cause;
        return rc;
    }
    n = strlen(cfg->name);
    renamed = n > strlen(HV_MIG_INCOMING) &&
              !strcmp(cfg->name + n - strlen(HV_MIG_INCOMING), HV_MIG_INCOMING);
    if (renamed)
        cfg->name[n - strlen(HV_MIG_INCOMING)] = '\0';
    if (!t.ready)
        on_received(&t);
    if ((rc = t.ready_rc)) {
        o->err = t.ready_err;
        goto fail;
    }
    if ((rc = expect(o, in, HV_MIG_GO, sizeof(HV_MIG_GO), 0, "the source's go")))
        goto fail;
    go_at = hv_now();
    if (renamed && !hv_ops_find(o, cfg->name, &other)) {
        rc = hv_err_set(&o->err, -EEXIST, "domain '%s' already exists here (id %u): the "
                        "incoming one is not started", cfg->name, other);
        goto fail;
    }
    if (renamed && (rc = set_name(o, *domid, cfg->name)))
        goto fail;
    guard_tell(&t.g, 'C', 0);
    if ((rc = hv_ops_unpause(o, *domid)))
        goto fail;
    status = 0;
    running_at = hv_now();
    if (report(o, out, status)) /* the source hears nothing, keeps its copy suspended: this runs */
        fprintf(stderr, "migration target: %s (the domain runs here)\n", o->err.msg);
    hv_restore_release(later.memory);
    later.memory = NULL;
    /* hvconsoled connects once they are written; the guest has its rings from start_info */
    if (hv_ops_dom_rings(o, cfg, *domid, later.uuid, &later.res))
        fprintf(stderr, "migration target: %s (the domain runs here, its console not logged)\n",
                o->err.msg);
    if (verbose)
        show_times(&times, t.ready_at, go_at, running_at, hv_now());
    guard_end(&t.g);
    return 0;
fail:
    cause = o->err;
    hv_restore_release(later.memory);
    hv_ops_destroy(o, *domid);
    guard_tell(&t.g, 'C', 0);
    guard_end(&t.g);
    o->err = cause;
    report(o, out, status);
    o->err = cause;
    hv_cfg_free(cfg);
    return rc;
}
