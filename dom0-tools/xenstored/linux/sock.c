/*
 * dom0-tools/xenstored/linux/sock.c - the Unix socket transport: one connection per client,
 * all of them dom0's tools (privileged), served from one poll loop that never blocks on a
 * client. A client that sends an oversized message is disconnected; one that stops reading
 * stops being read (its queued replies bound the memory it holds).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../xsd_plat.h"
#include "linux.h"

#define READS_PER_TURN 64 /* fairness: then the other clients get a turn */

struct client {
    struct client *next;
    int fd;
    struct xsd_conn *conn;
};

static struct client *clients;

static void client_close(struct xsd_daemon *d, struct client *cl)
{
    struct client **pp;

    (void)d;
    for (pp = &clients; *pp != cl; pp = &(*pp)->next)
        ;
    *pp = cl->next;
    xsd_conn_free(cl->conn);
    close(cl->fd);
    free(cl);
}

static void client_accept(struct xsd_daemon *d, int listen_fd)
{
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    struct client *cl;

    if (fd < 0)
        return;
    cl = calloc(1, sizeof(*cl));
    if (cl)
        cl->conn = xsd_conn_new(d, 0, true, NULL, cl);
    if (!cl || !cl->conn) {
        xsd_plat_log("no memory for a new client");
        free(cl);
        close(fd);
        return;
    }
    cl->fd = fd;
    cl->next = clients;
    clients = cl;
}

/* Reads what the client sent; false when the client must go (EOF, error, violation). */
static bool client_read(struct client *cl, short revents)
{
    void *buf;
    size_t want;
    ssize_t n;
    int turn;

    for (turn = 0; turn < READS_PER_TURN; turn++) {
        want = xsd_conn_in_space(cl->conn, &buf);
        if (!want)
            return !(revents & (POLLHUP | POLLERR)); /* gone while we were not reading */
        n = read(cl->fd, buf, want);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR;
        if (n == 0)
            return false;
        if (xsd_conn_received(cl->conn, (size_t)n))
            return false;
    }
    return true;
}

/* Sends queued output until the socket is full; false on a write error. */
static bool client_write(struct client *cl)
{
    const void *buf;
    size_t len;
    ssize_t n;

    while ((len = xsd_conn_out_peek(cl->conn, &buf))) {
        n = send(cl->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR;
        xsd_conn_out_done(cl->conn, (size_t)n);
    }
    return true;
}

static size_t fill_pollfds(struct pollfd *pfd, int listen_fd)
{
    struct client *cl;
    const void *out;
    void *in;
    size_t n = 1;

    pfd[0].fd = listen_fd;
    pfd[0].events = POLLIN;
    for (cl = clients; cl; cl = cl->next, n++) {
        pfd[n].fd = cl->fd;
        pfd[n].events = 0;
        if (xsd_conn_in_space(cl->conn, &in))
            pfd[n].events |= POLLIN;
        if (xsd_conn_out_peek(cl->conn, &out))
            pfd[n].events |= POLLOUT;
    }
    return n;
}

/* One round: poll, read what came (sockets, then rings), then write everything queued (watch
 * events included) to the sockets and the rings. */
static int serve_once(struct xsd_daemon *d, int listen_fd, int ring_fd)
{
    struct client *cl, *next;
    struct pollfd *pfd;
    size_t n = 2, i;

    for (cl = clients; cl; cl = cl->next)
        n++;
    pfd = calloc(n, sizeof(*pfd));
    if (!pfd)
        return -1;
    n = fill_pollfds(pfd, listen_fd);
    pfd[n].fd = ring_fd; /* negative: ignored by poll */
    pfd[n].events = POLLIN;
    if (poll(pfd, n + 1, -1) < 0) {
        free(pfd);
        return errno == EINTR ? 0 : -1;
    }
    for (cl = clients, i = 1; cl; cl = next, i++) {
        next = cl->next;
        if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) && !client_read(cl, pfd[i].revents))
            client_close(d, cl);
    }
    if (pfd[0].revents & POLLIN)
        client_accept(d, listen_fd);
    if (pfd[n].revents & POLLIN)
        linux_rings_event();
    free(pfd);
    linux_rings_flush();
    for (cl = clients; cl; cl = next) {
        next = cl->next;
        if (!client_write(cl) || xsd_conn_dead(cl->conn))
            client_close(d, cl);
    }
    return 0;
}

int linux_serve(struct xsd_daemon *d, int listen_fd, int ring_fd, volatile int *stop)
{
    while (!*stop)
        if (serve_once(d, listen_fd, ring_fd)) {
            perror("xenstored: poll");
            return -1;
        }
    while (clients)
        client_close(d, clients);
    return 0;
}

/* Is somebody serving path already? */
static bool socket_in_use(const struct sockaddr_un *addr)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool used = fd >= 0 && connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;

    if (fd >= 0)
        close(fd);
    return used;
}

int linux_listen(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "xenstored: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    if (socket_in_use(&addr)) {
        fprintf(stderr, "xenstored: %s is served by another xenstored\n", path);
        return -1;
    }
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || chmod(path, 0600) ||
        listen(fd, 64)) {
        fprintf(stderr, "xenstored: cannot listen on %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}
