/*
 * tests/xenstore/hostile.c - hostile clients against a running xenstored ($XENSTORED_PATH),
 * over raw sockets: truncated headers, oversized lengths, unknown types, missing terminators,
 * bad transaction ids, forbidden characters, disconnects mid-message, a client that never
 * reads its watch events and one that never reads its replies. After each, a well-behaved
 * client must still be served promptly and correctly. Exits 1 on any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct hdr {
    uint32_t type, req_id, tx_id, len;
};

enum {
    READ = 2,
    WATCH = 4,
    TXN_START = 6,
    WRITE = 11,
    RM = 13,
    EVENT = 15,
    ERROR = 16,
    CONTROL = 0
};

static int checks, failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                 \
        }                                                                                          \
    } while (0)

static int connect_daemon(void)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", getenv("XENSTORED_PATH"));
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
        perror("hostile: connect");
        exit(2);
    }
    return fd;
}

static void send_raw(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    ssize_t n;

    while (len) {
        n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

static void send_msg(int fd, uint32_t type, uint32_t tx, const void *payload, uint32_t len)
{
    struct hdr h = {type, 77, tx, len};

    send_raw(fd, &h, sizeof(h));
    send_raw(fd, payload, len);
}

/* Reads exactly len bytes within ms; false on timeout, EOF or error. */
static bool recv_all(int fd, void *buf, size_t len, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    char *q = buf;
    ssize_t n;

    while (len) {
        if (poll(&p, 1, ms) != 1)
            return false;
        n = read(fd, q, len);
        if (n <= 0)
            return false;
        q += n;
        len -= (size_t)n;
    }
    return true;
}

static bool recv_msg(int fd, struct hdr *h, char *body, int ms)
{
    if (!recv_all(fd, h, sizeof(*h), ms) || h->len > 4096)
        return false;
    if (!recv_all(fd, body, h->len, ms))
        return false;
    body[h->len] = 0;
    return true;
}

/* The next reply that is not a watch event. */
static bool reply(int fd, struct hdr *h, char *body)
{
    do
        if (!recv_msg(fd, h, body, 5000))
            return false;
    while (h->type == EVENT);
    return true;
}

static bool request(int fd, uint32_t type, uint32_t tx, const void *p, uint32_t len,
                    uint32_t want_type, const char *want)
{
    struct hdr h;
    char body[4200];

    send_msg(fd, type, tx, p, len);
    if (!reply(fd, &h, body))
        return false;
    if (h.type != want_type || strcmp(body, want)) {
        printf("  reply %u \"%s\", wanted %u \"%s\"\n", h.type, body, want_type, want);
        return false;
    }
    return true;
}

/* Is the connection closed by the daemon (EOF) within ms? */
static bool closed_by_daemon(int fd, int ms)
{
    char c;
    struct pollfd p = {fd, POLLIN, 0};

    return poll(&p, 1, ms) == 1 && read(fd, &c, 1) == 0;
}

/* A well-behaved client: a write and a read back, answered promptly. */
static bool daemon_serves(int good, const char *tag)
{
    char buf[128];
    int n = snprintf(buf, sizeof(buf), "/hostile/good/%s", tag) + 1;

    memcpy(buf + n, tag, strlen(tag));
    return request(good, WRITE, 0, buf, (uint32_t)(n + strlen(tag)), WRITE, "OK") &&
           request(good, READ, 0, buf, (uint32_t)n, READ, tag);
}

static void test_protocol_errors(int good)
{
    int fd = connect_daemon();
    struct hdr h = {WRITE, 1, 0, 4097};

    CHECK(request(fd, 99, 0, "/x", 3, ERROR, "ENOSYS"));
    CHECK(request(fd, 20, 0, "/x", 3, ERROR, "ENOSYS"));
    CHECK(request(fd, EVENT, 0, "/x\0t", 5, ERROR, "ENOSYS"));
    CHECK(request(fd, READ, 0, "/tool", 5, ERROR, "EINVAL"));     /* no terminator */
    CHECK(request(fd, READ, 12345, "/tool", 6, ERROR, "ENOENT")); /* no such transaction */
    CHECK(request(fd, WRITE, 0, "/a b\0x", 6, ERROR, "EINVAL"));  /* forbidden character */
    CHECK(request(fd, WRITE, 0, "/a/\0x", 5, ERROR, "EINVAL"));   /* trailing slash */
    CHECK(request(fd, WRITE, 0, "/a//b\0x", 7, ERROR, "EINVAL")); /* doubled slash */
    CHECK(request(fd, WRITE, 0, "/\xff\0x", 4, ERROR, "EINVAL")); /* not ASCII */
    CHECK(request(fd, READ, 0, "", 0, ERROR, "EINVAL"));
    CHECK(daemon_serves(good, "after-errors"));
    /* A length over the limit: the daemon hangs up. */
    send_raw(fd, &h, sizeof(h));
    CHECK(closed_by_daemon(fd, 5000));
    close(fd);
    CHECK(daemon_serves(good, "after-oversize"));
}

static void test_disconnects(int good)
{
    struct hdr h = {WRITE, 1, 0, 100};
    int fd;

    fd = connect_daemon(); /* half a header */
    send_raw(fd, &h, 7);
    close(fd);
    fd = connect_daemon(); /* a header and half the payload */
    send_raw(fd, &h, sizeof(h));
    send_raw(fd, "/hostile/half\0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 50);
    close(fd);
    fd = connect_daemon(); /* a transaction and a watch left open */
    send_msg(fd, TXN_START, 0, "", 1);
    send_msg(fd, WATCH, 0, "/hostile\0gone", 14);
    close(fd);
    CHECK(daemon_serves(good, "after-disconnects"));
    CHECK(request(good, READ, 0, "/hostile/half", 14, ERROR, "ENOENT")); /* nothing half-done */
}

static void test_event_flood(int good)
{
    int lazy = connect_daemon(), writer = connect_daemon(), i;
    char buf[128];
    struct timespec t0, t1;
    int n;

    CHECK(request(lazy, WATCH, 0, "/hostile/flood\0lazy", 20, WATCH, "OK"));
    /* The lazy client never reads again; thousands of distinct events pile up for it. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < 5000; i++) {
        n = snprintf(buf, sizeof(buf), "/hostile/flood/node-with-some-length-%d", i) + 1;
        if (!request(writer, WRITE, 0, buf, (uint32_t)n, WRITE, "OK"))
            break;
        if (i % 1000 == 0)
            CHECK(daemon_serves(good, "during-flood"));
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(i == 5000);
    CHECK(t1.tv_sec - t0.tv_sec < 20);
    CHECK(daemon_serves(good, "after-flood"));
    close(lazy);
    CHECK(request(writer, RM, 0, "/hostile/flood", 15, RM, "OK"));
    close(writer);
}

static void test_reply_flood(int good)
{
    int fd = connect_daemon(), sent = 0, got = 0;
    struct hdr h = {READ, 0, 0, 16};
    char msg[sizeof(h) + 16], body[4200];
    size_t rest = 0; /* bytes of a partly sent request still to go */
    ssize_t n;

    /* Requests sent and replies never read: the daemon stops reading from this client (its
     * socket fills up) but answers everything once the client reads. */
    fcntl(fd, F_SETFL, O_NONBLOCK);
    for (;;) {
        h.req_id = (uint32_t)sent;
        memcpy(msg, &h, sizeof(h));
        memcpy(msg + sizeof(h), "/tool/xenstored", 16);
        n = send(fd, msg, sizeof(msg), MSG_NOSIGNAL);
        if (n > 0)
            sent++;
        if (n != (ssize_t)sizeof(msg)) {
            rest = n > 0 ? sizeof(msg) - (size_t)n : 0;
            break;
        }
        if (sent >= 10000000)
            break;
    }
    CHECK(sent > 100 && sent < 10000000);
    CHECK(daemon_serves(good, "while-replies-pile-up"));
    while (got < sent) {
        if (rest) { /* the daemon reads again as replies drain */
            n = send(fd, msg + sizeof(msg) - rest, rest, MSG_NOSIGNAL);
            rest -= n > 0 ? (size_t)n : 0;
        }
        if (!recv_msg(fd, &h, body, 5000) || h.type != READ || h.req_id != (uint32_t)got ||
            h.len != 0)
            break;
        got++;
    }
    CHECK(got == sent);
    close(fd);
}

static void test_garbage(int good)
{
    unsigned int seed = 99;
    unsigned char buf[512];
    struct hdr *h = (struct hdr *)buf;
    int round, fd;
    size_t i;

    for (round = 0; round < 200; round++) {
        fd = connect_daemon();
        for (i = 0; i < sizeof(buf); i++)
            buf[i] = (unsigned char)(rand_r(&seed) >> 5);
        h->len %= sizeof(buf) - sizeof(*h);
        h->type %= 32;
        if (h->type == CONTROL)
            h->type = READ; /* not the daemon's own commands: no as-domain games */
        send_raw(fd, buf, sizeof(*h) + h->len);
        close(fd);
    }
    CHECK(daemon_serves(good, "after-garbage"));
}

int main(void)
{
    int good = connect_daemon();

    test_protocol_errors(good);
    test_disconnects(good);
    test_event_flood(good);
    test_reply_flood(good);
    test_garbage(good);
    CHECK(request(good, CONTROL, 0, "check", 6, CONTROL, "OK"));
    CHECK(request(good, READ, 0, "/hostile/good/after-errors", 27, READ, "after-errors"));
    CHECK(request(good, RM, 0, "/hostile", 9, RM, "OK"));
    close(good);
    printf("hostile: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
