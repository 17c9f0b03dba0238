/* dom0-tools/libhv/migrate_tcp.c - live migration's socket transport (migrate.h): the target
 * listens and says where, with a one-time secret, on the ssh channel; the source connects and
 * proves the secret; the stream then goes over the socket, unencrypted, as QEMU's tcp:. The
 * records, the checks and every failure path are the ssh transport's (migrate.c). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "migrate.h"
#include "stream.h"

#define PROOF_S 10 /* a connection's time to prove the secret (a stranger's stall ends) */
#define PROOF_TEXT "10 s"
#define ANSWER_OK "ok\n"
#define ANSWER_WRONG "wrong secret\n"

/* ---- pure ---- */

static bool all_hex(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[len] == '\0';
}

int hv_mig_parse_listen(const char *line, struct hv_mig_listen *l)
{
    size_t plen = strlen(HV_MIG_LISTEN);
    char port[8];
    unsigned long p;
    int end = -1;

    memset(l, 0, sizeof(*l));
    if (strncmp(line, HV_MIG_LISTEN, plen) ||
        sscanf(line + plen, " port %5[0-9] secret %64[0-9a-f] address %63[^ \n]%n", port,
               l->secret, l->addr, &end) != 3 || end < 0)
        return -EPROTO;
    p = strtoul(port, NULL, 10);
    if (p < 1 || p > 65535 || !all_hex(l->secret, HV_MIG_SECRET_HEX) ||
        strcmp(line + plen + end, line[plen + end] ? "\n" : ""))
        return -EPROTO;
    l->port = (unsigned)p;
    return 0;
}

bool hv_mig_proof_ok(const char *secret, const void *proof, size_t len)
{
    const uint8_t *p = proof;
    uint8_t diff = 0;
    size_t i;

    if (strlen(secret) != HV_MIG_SECRET_HEX || len != HV_MIG_PROOF_LEN)
        return false;
    for (i = 0; i < HV_MIG_SECRET_HEX; i++)
        diff |= (uint8_t)(p[i] ^ (uint8_t)secret[i]);
    return !diff && p[HV_MIG_SECRET_HEX] == '\n';
}

/* ---- both sides ---- */

/* As migrate.c's writes (SIGPIPE ignored by both sides: a closed peer is EPIPE). */
static int send_all(struct hv_ops *o, int fd, const char *buf, size_t len, const char *what)
{
    struct hv_stream s;

    hv_stream_init(&s, fd, what, &o->err);
    return hv_stream_write(&s, buf, len);
}

/* One line (its newline dropped) within timeout_s. */
static int read_line(struct hv_ops *o, int fd, char *line, size_t size, unsigned timeout_s,
                     const char *what)
{
    size_t n = 0;
    int rc;

    for (;;) {
        if ((rc = hv_mig_read(o, fd, line + n, 1, timeout_s, what)))
            return rc;
        if (line[n] == '\n')
            break;
        if (++n == size - 1)
            return hv_err_set(&o->err, -EPROTO, "%s: a line longer than %zu bytes", what, n);
    }
    line[n] = '\0';
    return 0;
}

static void nodelay(int fd)
{
    int one = 1;

    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* ---- the source ---- */

/* connect() on a non-blocking socket, within timeout_s: 0 or an errno. */
static int connect_within(int fd, const struct addrinfo *ai, unsigned timeout_s)
{
    struct pollfd p = {fd, POLLOUT, 0};
    socklen_t len = sizeof(int);
    int e = 0, n;

    if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
        return 0;
    if (errno != EINPROGRESS)
        return errno;
    while ((n = poll(&p, 1, (int)timeout_s * 1000)) < 0 && errno == EINTR)
        ;
    if (n <= 0)
        return n ? errno : ETIMEDOUT;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len))
        return errno;
    return e;
}

static int dial(struct hv_ops *o, const char *addr, unsigned port, unsigned timeout_s, int *out)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
    char serv[8];
    int fd = -1, e;

    snprintf(serv, sizeof(serv), "%u", port);
    if ((e = getaddrinfo(addr, serv, &hints, &res)))
        return hv_err_set(&o->err, -EHOSTUNREACH, "the target's address %s: %s", addr,
                          gai_strerror(e));
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0) {
            e = errno;
        } else if ((e = connect_within(fd, ai, timeout_s))) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        return hv_err_set(&o->err, -e, "connecting to %s port %u: %s", addr, port, strerror(e));
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    nodelay(fd);
    *out = fd;
    return 0;
}

int hv_mig_tcp_dial(struct hv_ops *o, const char *host, unsigned timeout_s,
                    struct hv_mig_conn *c)
{
    const char *fault = getenv("HV_MIGRATE_TEST_FAULT");
    char line[256], proof[HV_MIG_PROOF_LEN];
    struct hv_mig_listen l;
    int fd = -1, rc;

    if ((rc = read_line(o, c->in, line, sizeof(line), timeout_s, "listening line")))
        return rc;
    if (hv_mig_parse_listen(line, &l))
        return hv_err_set(&o->err, -EPROTO, "the target did not say where it listens (it said "
                          "\"%.60s\"): does its hvctl know migrate-receive --listen?", line);
    if ((rc = dial(o, strcmp(l.addr, "-") ? l.addr : host, l.port, timeout_s, &fd)))
        return rc;
    memcpy(proof, l.secret, HV_MIG_SECRET_HEX);
    proof[HV_MIG_SECRET_HEX] = '\n';
    if (fault && !strcmp(fault, "secret")) { /* the tests': a stranger's guess */
        fprintf(stderr, "migration: test fault: a wrong secret\n");
        proof[0] = proof[0] == '0' ? '1' : '0';
    }
    if ((rc = send_all(o, fd, proof, sizeof(proof), "the secret")) ||
        (rc = read_line(o, fd, line, sizeof(line), timeout_s, "answer to the secret")))
        goto fail;
    if (strcmp(line, "ok")) {
        rc = hv_err_set(&o->err, -EACCES, "the target refused the connection: %.60s", line);
        goto fail;
    }
    c->ctl_in = c->in;
    c->ctl_out = c->out;
    c->in = c->out = c->sock = fd;
    return 0;
fail:
    close(fd);
    return rc;
}

/* ---- the target ---- */

static int new_secret(struct hv_ops *o, char secret[HV_MIG_SECRET_HEX + 1])
{
    uint8_t raw[HV_MIG_SECRET_HEX / 2];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, raw, sizeof(raw));
    size_t i;

    if (fd >= 0)
        close(fd);
    if (n != (ssize_t)sizeof(raw))
        return hv_err_set(&o->err, -EIO, "/dev/urandom: %s", n < 0 ? strerror(errno) : "short");
    for (i = 0; i < sizeof(raw); i++)
        snprintf(secret + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

/* A socket listening on port on every address (IPv6 and IPv4 where dom0 has IPv6); *bound the
 * port it has. */
static int listen_any(struct hv_ops *o, unsigned port, int *lfd, unsigned *bound)
{
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int one = 1, zero = 0, fd;

    a6.sin6_addr = in6addr_any;
    a4.sin_addr.s_addr = htonl(INADDR_ANY);
    fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) ||
                    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
                    bind(fd, (struct sockaddr *)&a6, sizeof(a6)))) {
        close(fd);
        fd = -1;
    }
    if (fd < 0 && ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
                   setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
                   bind(fd, (struct sockaddr *)&a4, sizeof(a4))))
        goto fail;
    if (listen(fd, 4) || getsockname(fd, (struct sockaddr *)&ss, &len))
        goto fail;
    *bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                            : ((struct sockaddr_in *)&ss)->sin_port);
    *lfd = fd;
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    return hv_err_set(&o->err, -errno, "listening on port %u: %s", port, strerror(errno));
}

/* The address the source's ssh reached (SSH_CONNECTION's third word), or "-". */
static void ssh_address(char *addr, size_t size)
{
    const char *env = getenv("SSH_CONNECTION");
    char a[64];

    snprintf(addr, size, "-");
    if (env && sscanf(env, "%*s %*s %63s", a) == 1 && strspn(a, "0123456789abcdefABCDEF.:") ==
        strlen(a))
        snprintf(addr, size, "%s", a);
}

/* A connection's proof: read within PROOF_S and checked; answered either way. */
static bool proven(struct hv_ops *o, int fd, const char *secret, const struct sockaddr *peer)
{
    char proof[HV_MIG_PROOF_LEN], who[INET6_ADDRSTRLEN] = "?";
    const void *ip = peer->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)peer)->sin6_addr
                                                 : (const void *)&((const struct sockaddr_in *)peer)->sin_addr;
    const char *why = "it sent a wrong secret";
    int rc;

    inet_ntop(peer->sa_family, ip, who, sizeof(who));
    if ((rc = hv_mig_read(o, fd, proof, sizeof(proof), PROOF_S, "a secret")))
        why = rc == -ETIMEDOUT ? "it sent no secret within " PROOF_TEXT
                               : "it sent no secret before it closed";
    else if (hv_mig_proof_ok(secret, proof, sizeof(proof)))
        return !send_all(o, fd, ANSWER_OK, strlen(ANSWER_OK), "the answer");
    fprintf(stderr, "migration target: refused a connection from %s: %s\n",
            strncmp(who, "::ffff:", 7) || !strchr(who, '.') ? who : who + 7, why);
    send_all(o, fd, ANSWER_WRONG, strlen(ANSWER_WRONG), "the answer");
    return false;
}

int hv_migrate_listen(struct hv_ops *o, unsigned port, int ctl_in, int ctl_out,
                      unsigned timeout_s, int *fd)
{
    char secret[HV_MIG_SECRET_HEX + 1], addr[64], line[256];
    double end = hv_now() + timeout_s;
    unsigned bound = 0;
    int lfd = -1, rc;
    ssize_t n;

    signal(SIGPIPE, SIG_IGN); /* a stranger gone before its answer: EPIPE */
    if ((rc = new_secret(o, secret)) || (rc = listen_any(o, port, &lfd, &bound)))
        return rc;
    ssh_address(addr, sizeof(addr));
    snprintf(line, sizeof(line), "%s port %u secret %s address %s\n", HV_MIG_LISTEN, bound,
             secret, addr);
    n = write(ctl_out, line, strlen(line));
    rc = n == (ssize_t)strlen(line) ? 0 : hv_err_set(&o->err, -EPIPE, "saying where it listens: %s",
                                                     n < 0 ? strerror(errno) : "short write");
    while (!rc) {
        struct pollfd p[2] = {{lfd, POLLIN, 0}, {ctl_in, POLLIN, 0}};
        struct sockaddr_storage peer;
        socklen_t len = sizeof(peer);
        int left = (int)((end - hv_now()) * 1000), c;
        char b;

        if (left <= 0)
            rc = hv_err_set(&o->err, -ETIMEDOUT, "no connection with the secret on port %u "
                            "within %u s", bound, timeout_s);
        else if (poll(p, 2, left) < 0 && errno != EINTR)
            rc = hv_err_set(&o->err, -errno, "waiting for the source: %s", strerror(errno));
        else if (p[1].revents && read(ctl_in, &b, 1) <= 0)
            rc = hv_err_set(&o->err, -EPIPE, "the source went away before it connected");
        else if ((p[0].revents & POLLIN) &&
                 (c = accept4(lfd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC)) >= 0) {
            if (proven(o, c, secret, (struct sockaddr *)&peer)) {
                nodelay(c);
                *fd = c;
                break;
            }
            close(c);
        }
    }
    close(lfd);
    return rc;
}
