/* dom0-tools/consoled/server.c - the Unix socket of `hvctl console`: requests, attached clients,
 * their output queues (protocol: dom0-tools/libhv/console_client.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvconsoled.h"
#include "proto.h"

int server_open(const char *path)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(a.sun_path))
        return -ENAMETOOLONG;
    strcpy(a.sun_path, path);
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || chmod(path, 0600) || listen(fd, 16)) {
        int err = errno;

        close(fd);
        return -err;
    }
    return fd;
}

void server_accept(struct hvc *h)
{
    int fd = accept4(h->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    struct client *c;
    unsigned n = 0;

    if (fd < 0)
        return;
    for (c = h->clients; c; c = c->next)
        n++;
    if (n >= HVC_CLIENTS_MAX) { /* root's clients only, but a bound all the same */
        close(fd);
        return;
    }
    if (!(c = calloc(1, sizeof(*c))) || cbuf_init(&c->out, HVC_CLIENT_OUT)) {
        free(c);
        close(fd);
        return;
    }
    c->fd = fd;
    c->next = h->clients;
    h->clients = c;
}

void client_send(struct client *c, const char *p, size_t n)
{
    cbuf_push(&c->out, p, n);
}

static void answer(struct client *c, bool close_after, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void answer(struct client *c, bool close_after, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    client_send(c, line, n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
    c->closing = c->closing || close_after;
}

static const char *state_name(const struct cdom *d)
{
    return d->state == CDOM_GONE ? "gone" : d->state == CDOM_WAITING ? "waiting" :
           d->client ? "attached" : "serving";
}

static void do_list(struct hvc *h, struct client *c)
{
    for (struct cdom *d = h->doms; d; d = d->next)
        answer(c, false, "%u %s %s %s\n", d->domid, d->name[0] ? d->name : "-", state_name(d),
               d->log_path[0] ? d->log_path : "-");
    answer(c, true, ".\n");
}

static void do_attach(struct hvc *h, struct client *c, const struct proto_req *r)
{
    struct cdom *d = cdom_find(h, r->domid);

    if (r->domid == 0)
        return answer(c, true, "error domain 0's console is the hypervisor's (hvc0 in dom0), "
                               "not served by hvconsoled\n");
    if (!d)
        return answer(c, true, "error no console for domain %u: no such domain, or it has no "
                               "console/ nodes in xenstore\n", r->domid);
    if (d->state == CDOM_GONE)
        return answer(c, true, "error domain %u (%s) is gone (%s): its console is closed; its "
                               "log is %s\n", d->domid, d->name, d->why, d->log_path);
    if (d->state == CDOM_WAITING)
        return answer(c, true, "error the console of domain %u is not served: %s\n", d->domid,
                      d->why[0] ? d->why : "its console/ nodes are incomplete");
    if (d->client)
        return answer(c, true, "error the console of domain %u (%s) is already attached "
                               "elsewhere\n", d->domid, d->name);
    answer(c, false, "ok %s\n", d->name);
    if (r->replay)
        cbuf_copy(&c->out, &d->history);
    d->client = c;
    c->dom = d;
}

/* The request line, once complete. */
static void request(struct hvc *h, struct client *c)
{
    struct proto_req r;
    const char *why;

    if (proto_parse(c->line, &r, &why))
        return answer(c, true, "error %s\n", why);
    if (r.kind == PROTO_LIST)
        return do_list(h, c);
    do_attach(h, c, &r);
}

static void attached_input(struct hvc *h, struct client *c)
{
    char buf[HVC_INPUT];
    size_t room = c->dom->input.cap - c->dom->input.len;
    ssize_t n = read(c->fd, buf, room < sizeof(buf) ? room : sizeof(buf));

    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        client_close(h, c);
        return;
    }
    if (n > 0) {
        cbuf_push(&c->dom->input, buf, (size_t)n);
        cdom_service(h, c->dom);
    }
}

void client_input(struct hvc *h, struct client *c)
{
    ssize_t n;

    if (c->dom)
        return attached_input(h, c);
    n = read(c->fd, c->line + c->len, sizeof(c->line) - 1 - c->len);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        client_close(h, c);
        return;
    }
    if (n < 0 || c->closing)
        return;
    c->len += (size_t)n;
    c->line[c->len] = '\0';
    char *nl = strchr(c->line, '\n');
    if (nl) {
        *nl = '\0';
        request(h, c); /* bytes after the line are the first input: dropped, as said */
    } else if (c->len == sizeof(c->line) - 1) {
        answer(c, true, "error request line too long\n");
    }
}

void client_flush(struct hvc *h, struct client *c)
{
    const char *p;
    size_t n;

    while ((n = cbuf_peek(&c->out, &p)) > 0) {
        ssize_t w = write(c->fd, p, n);

        if (w <= 0) {
            if (w < 0 && (errno == EAGAIN || errno == EINTR))
                return;
            client_close(h, c);
            return;
        }
        cbuf_pop(&c->out, (size_t)w);
    }
    if (c->closing)
        client_close(h, c);
}

void client_close(struct hvc *h, struct client *c)
{
    for (struct client **pp = &h->clients; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    if (c->dom)
        c->dom->client = NULL;
    close(c->fd);
    cbuf_free(&c->out);
    free(c);
}
