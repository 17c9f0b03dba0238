/* dom0-tools/libhv/migrate.h - live migration (xl migrate / xl migrate-receive): pre-copy
 * rounds over a pair of descriptors (ssh's stdin and stdout, or a socket), Xen's stream on them, xl's
 * handshake around it, and the convergence control that decides when to stop the guest. */
#ifndef HV_MIGRATE_H
#define HV_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ops.h"

/* xl's messages (tools/xl/xl_migrate.c's strings: the banner without its NUL, the others with). */
#define HV_MIG_BANNER "xl migration receiver ready, send binary domain data.\n"
#define HV_MIG_READY "domain received, ready to unpause"
#define HV_MIG_GO "domain is yours, you are cleared to unpause"
#define HV_MIG_REPORT "my copy unpause results are as follows"
#define HV_MIG_INCOMING "--incoming"       /* the target's name for it until the go, if taken */
#define HV_MIG_AWAY "--migratedaway"       /* the source's, from the go until the report */

struct hv_migrate_opts {
    unsigned downtime_ms;  /* stop-and-copy once the last round is estimated to fit (30) */
    unsigned bandwidth_mb; /* send at most this many MiB/s (0: as fast as the link) */
    unsigned max_rounds;   /* live rounds at most (then stop-and-copy, or abort_on_max) */
    bool abort_on_max;     /* at max_rounds: abort, the guest runs on here */
    bool auto_converge;    /* throttle the guest's vCPUs when it dirties faster than we send */
    bool page_sums;        /* HV_REC_HV_PAGE_SUMS: every page checksummed end to end */
    unsigned timeout_s;    /* the target's silence that ends the migration (120) */
};
#define HV_MIGRATE_OPTS_DEFAULT {30, 0, 30, false, true, true, 120}

/* ---- the round logic (migrate_plan.c, pure) ---- */

enum hv_mig_next { HV_MIG_ROUND, HV_MIG_STOP_AND_COPY, HV_MIG_ABORT };

struct hv_mig_plan {
    struct hv_migrate_opts opts;
    unsigned round;      /* rounds sent so far */
    unsigned throttle;   /* % of the time the guest is held paused (auto-converge), 0..99 */
    double rate;         /* bytes/s of the fastest round so far (0: none sent anything yet) */
    double est_ms;       /* the estimated downtime of stopping now */
    unsigned hot_rounds; /* successive rounds in which dirtying outpaced half the send rate */
    double best_ms;      /* the best estimate of the rounds so far */
    unsigned stalled;    /* successive rounds whose estimate was not 10 % below the best */
    const char *why;     /* why it stopped or aborted */
};

void hv_mig_plan_init(struct hv_mig_plan *p, const struct hv_migrate_opts *o);
/* After a round that sent `sent` pages in secs seconds, with `dirty` pages dirtied since it
 * began: another round, stop-and-copy, or abort. By the estimated downtime (the dirty pages at
 * the fastest rate seen): stop-and-copy once it fits the limit. Auto-converge throttles a
 * guest whose estimate is over ten times the limit (dirtying more than half of what was sent
 * two rounds running: 20 %, 10 % more a round; no progress, two rounds not 10 % below the
 * best: doubled, to 99 %), and once throttled, whatever the estimate. Without progress and
 * unthrottled (or without auto-converge), or at 99 %: stop-and-copy, more rounds would only
 * add time. At max_rounds: stop-and-copy, or abort. Updates rate, est_ms, throttle and why. */
enum hv_mig_next hv_mig_plan_next(struct hv_mig_plan *p, uint64_t sent, double secs,
                                  uint64_t dirty);
/* The bandwidth limit: seconds to wait before sending more, having sent bytes in elapsed s. */
double hv_mig_pace(uint64_t bytes, double elapsed, unsigned limit_mb);
/* Auto-converge's next hold (ms, at most max_ms; 0 under 1 ms): what brings the time the guest
 * was held up to throttle % of the time since the throttle was set, having let it run
 * let_run_ms and held it held_ms. */
unsigned hv_mig_hold_ms(unsigned throttle, double let_run_ms, double held_ms, unsigned max_ms);

/* ---- the two sides ---- */

/* One round, as the front end shows it. */
struct hv_mig_round {
    unsigned round;
    bool final;             /* the stop-and-copy round (guest suspended) */
    uint64_t sent, dirtied; /* pages sent; pages dirtied while they were */
    double secs, rate_mb;   /* its duration; MiB/s */
    double est_ms;          /* estimated downtime of stopping after it */
    unsigned throttle;      /* auto-converge's % */
};

struct hv_mig_show {
    void (*round)(void *arg, const struct hv_mig_round *r);
    void (*progress)(void *arg, unsigned round, uint64_t done, uint64_t total);
    void (*note)(void *arg, const char *line); /* "suspending", "the target has it" ... */
    void *arg;
};

struct hv_mig_result {
    unsigned rounds;
    uint64_t pages, bytes;
    double downtime_ms, total_s;
    bool kept_suspended; /* the target may run it: the source's copy is kept, suspended */
    uint64_t held;       /* dirtied pages not sent again: the target held them unchanged */
    uint64_t last_sent, last_held; /* the last round's */
    struct hv_mig_parts { /* the downtime's parts (ms), in order; they add up to it */
        double suspend;   /* the request until the guest had suspended */
        double last;      /* the last round's pages: CLEAN, read, sent */
        double state;     /* TSC, shared_info, vCPUs, the stream's END */
        double ready;     /* until the target's "domain received": its restore and the wire */
        double commit;    /* the go until the target's report: its unpause and the wire */
    } parts;
    struct hv_suspend_how suspend_how; /* through the guest's event channel or xenstore */
};

/* The connection to the target: the stream's descriptors and the process behind them (killed
 * when the target is silent for timeout_s: the write or read in progress then fails). Over ssh
 * the stream is on ssh's stdout and stdin; over the socket transport (tcp) on the socket, the ssh
 * channel kept open beside it (ctl_in, ctl_out) and the socket shut down with it. */
struct hv_mig_conn {
    int in, out;
    pid_t child;          /* 0: none */
    int sock;             /* the socket (in == out == sock); -1: ssh carries the stream */
    int ctl_in, ctl_out;  /* ssh's stdout and stdin beside the socket; -1: none */
};
#define HV_MIG_CONN_NONE {-1, -1, 0, -1, -1, -1}

/* "exec SSH HOST hvctl migrate-receive" (with -v: its own timings on stderr; sshcmd "": HOST
 * itself is the command, as xl's -s ''), started with its stdin and stdout on c. tcp_port >= 0:
 * the socket transport, "migrate-receive --listen PORT" (0: a port the target picks), then the
 * connection to it (hv_mig_tcp_dial) within timeout_s. */
int hv_migrate_connect(struct hv_ops *o, const char *sshcmd, const char *host, bool verbose,
                       int tcp_port, unsigned timeout_s, struct hv_mig_conn *c);
/* Waits for the child, closes the descriptors. */
void hv_migrate_disconnect(struct hv_mig_conn *c);
/* Reads exactly len bytes from fd within timeout_s (0: no limit); 0, or -errno with a message
 * naming what was awaited. */
int hv_mig_read(struct hv_ops *o, int fd, void *buf, size_t len, unsigned timeout_s,
                const char *what);

/* ---- the socket transport (migrate_tcp.c) ----
 * The target listens on every address and says where on the ssh channel, in one line:
 * HV_MIG_LISTEN " port P secret S address A\n" (S: HV_MIG_SECRET_HEX hex digits from
 * /dev/urandom, new for each migration; A: the address the ssh connection reached, from
 * SSH_CONNECTION, or "-"). The source connects and first sends S and a newline; the target
 * answers "ok\n" and the stream begins (xl's banner), or "wrong secret\n" and closes. It accepts
 * one connection: the first that proves S. Nothing is encrypted (as QEMU's tcp: migration). */
#define HV_MIG_LISTEN "hvctl migration receiver listening:"
#define HV_MIG_SECRET_HEX 64
#define HV_MIG_PROOF_LEN (HV_MIG_SECRET_HEX + 1)

struct hv_mig_listen {
    unsigned port;
    char secret[HV_MIG_SECRET_HEX + 1];
    char addr[64]; /* "-": not known */
};

/* The listening line (its newline optional): 0, or -EPROTO for anything else (pure). */
int hv_mig_parse_listen(const char *line, struct hv_mig_listen *l);
/* Whether proof (len bytes) is secret and a newline: compared in a time that does not depend
 * on where they differ; a secret not HV_MIG_SECRET_HEX long proves nothing (pure). */
bool hv_mig_proof_ok(const char *secret, const void *proof, size_t len);
/* The source: the listening line from c->in (ssh's stdout), a connection to its address (or,
 * unknown, to host) proving the secret, TCP_NODELAY; on success c's stream is the socket. */
int hv_mig_tcp_dial(struct hv_ops *o, const char *host, unsigned timeout_s,
                    struct hv_mig_conn *c);
/* The target: listens on port (0: one the system picks), says so on ctl_out, and returns in
 * *fd the first connection proving the secret (TCP_NODELAY); one that does not is told so and
 * closed, with a message on stderr. It gives up after timeout_s, or when ctl_in ends (the
 * source's ssh gone). */
int hv_migrate_listen(struct hv_ops *o, unsigned port, int ctl_in, int ctl_out,
                      unsigned timeout_s, int *fd);

/*
 * The source: the domain's pages in live rounds, then suspended, the last round and its vCPUs;
 * the target's "ready"; the go; its report. Until the report says the target runs it, a failure
 * resumes the domain here (message in o->err: what failed and that the domain runs on). A
 * missing report after the go keeps it here suspended as NAME--migratedaway (res->kept_suspended)
 * since the target may run it. On success the domain is destroyed here.
 */
int hv_migrate_send(struct hv_ops *o, uint32_t domid, struct hv_mig_conn *c,
                    const struct hv_migrate_opts *opts, const struct hv_mig_show *show,
                    struct hv_mig_result *res);

/*
 * The target, on in/out (stdin/stdout, or both the socket): the banner, the stream into a new paused domain (named
 * NAME--incoming if NAME is taken here: the source is on this host), "ready", the go, its name
 * NAME, unpause, the report. A guardian process destroys
 * the new domain if this one dies before the go (killed, the connection gone): nothing is left.
 * *cfg and *domid out (for the monitor). verbose: the target's part of the downtime on stderr.
 */
int hv_migrate_receive(struct hv_ops *o, int in, int out, bool verbose, struct hv_cfg *cfg,
                       uint32_t *domid);

#endif /* HV_MIGRATE_H */
