/*
 * dom0-tools/libxenstore/handle.c - a connection to xenstored: opening it, sending requests
 * and matching their replies, and the reader thread that, once the program watches something,
 * receives everything and sorts watch events from replies.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xs_internal.h"

static int connect_socket(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd, saved;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        errno = EINVAL;
        return -1;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
        return fd;
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* A socket (the daemon's) or a device (/dev/xen/xenbus in a guest). */
static int open_path(const char *path, bool *is_socket)
{
    struct stat st;

    if (!path || stat(path, &st))
        return -1;
    *is_socket = S_ISSOCK(st.st_mode);
    if (*is_socket)
        return connect_socket(path);
    return open(path, O_RDWR | O_CLOEXEC);
}

static const char *device_path(void)
{
    const char *env = getenv("XENSTORED_PATH");

    if (env)
        return env;
    return access("/dev/xen/xenbus", F_OK) == 0 ? "/dev/xen/xenbus" : "/proc/xen/xenbus";
}

struct xs_handle *xs_open(unsigned long flags)
{
    struct xs_handle *h = calloc(1, sizeof(*h));
    int saved = errno;

    if (!h)
        return NULL;
    h->fd = open_path(xs_daemon_socket(), &h->is_socket);
    if (h->fd < 0)
        h->fd = open_path(device_path(), &h->is_socket);
    if (h->fd < 0) {
        saved = errno;
        free(h);
        errno = saved;
        return NULL;
    }
    h->watch_pipe[0] = h->watch_pipe[1] = -1;
    h->unwatch_filter = (flags & XS_UNWATCH_FILTER) != 0;
    pthread_mutex_init(&h->request_lock, NULL);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->reply_cond, NULL);
    pthread_cond_init(&h->watch_cond, NULL);
    errno = saved;
    return h;
}

struct xs_handle *xs_daemon_open(void)
{
    return xs_open(0);
}

struct xs_handle *xs_domain_open(void)
{
    return xs_open(0);
}

struct xs_handle *xs_daemon_open_readonly(void)
{
    return xs_open(0);
}

void xs_msg_free(struct xs_msg *m)
{
    if (m) {
        free(m->body);
        free(m);
    }
}

static void free_handle(struct xs_handle *h)
{
    struct xs_msg *m;

    while ((m = h->watch_head)) {
        h->watch_head = m->next;
        xs_msg_free(m);
    }
    xs_msg_free(h->reply);
    if (h->watch_pipe[0] >= 0) {
        close(h->watch_pipe[0]);
        close(h->watch_pipe[1]);
    }
    if (h->fd >= 0)
        close(h->fd);
    pthread_mutex_destroy(&h->request_lock);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->reply_cond);
    pthread_cond_destroy(&h->watch_cond);
    free(h);
}

void xs_daemon_close(struct xs_handle *h)
{
    int saved = errno;

    if (h->reader_running) {
        pthread_cancel(h->reader);
        pthread_join(h->reader, NULL);
    }
    free_handle(h);
    errno = saved;
}

void xs_close(struct xs_handle *xsh)
{
    if (xsh)
        xs_daemon_close(xsh);
}

void xs_daemon_destroy_postfork(struct xs_handle *h)
{
    free_handle(h); /* the reader thread does not exist in the child */
}

/* ---- receiving ---- */

static bool read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    ssize_t n;

    while (len) {
        n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EBADF; /* the daemon went away */
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* One whole message into h->rhdr/h->rbuf; the reader thread may be cancelled in here. */
static bool read_raw(struct xs_handle *h)
{
    if (!read_all(h->fd, &h->rhdr, sizeof(h->rhdr)))
        return false;
    if (h->rhdr.len > PV_XENSTORE_PAYLOAD_MAX) {
        errno = EBADF;
        return false;
    }
    if (!read_all(h->fd, h->rbuf, h->rhdr.len))
        return false;
    h->rbuf[h->rhdr.len] = 0;
    return true;
}

static struct xs_msg *copy_raw(struct xs_handle *h)
{
    struct xs_msg *m = calloc(1, sizeof(*m));

    if (!m)
        return NULL;
    m->hdr = h->rhdr;
    m->body = malloc(h->rhdr.len + 1);
    if (!m->body) {
        free(m);
        return NULL;
    }
    memcpy(m->body, h->rbuf, h->rhdr.len + 1);
    return m;
}

/* Queues a watch event; the watch pipe turns readable with the first one. Lock held. */
static void queue_event(struct xs_handle *h, struct xs_msg *m)
{
    char c = 0;

    if (!h->watch_head && h->watch_pipe[1] >= 0)
        while (write(h->watch_pipe[1], &c, 1) != 1 && errno == EINTR)
            ;
    if (h->watch_tail)
        h->watch_tail->next = m;
    else
        h->watch_head = m;
    h->watch_tail = m;
    pthread_cond_broadcast(&h->watch_cond);
}

/* Reads one message and files it (event queue or reply slot); false on a broken connection. */
bool xs_receive_one(struct xs_handle *h)
{
    struct xs_msg *m;
    int old;

    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
    if (!read_raw(h)) {
        pthread_setcancelstate(old, NULL);
        return false;
    }
    pthread_setcancelstate(old, NULL);
    m = copy_raw(h);
    if (!m)
        return false;
    pthread_mutex_lock(&h->lock);
    if (m->hdr.type == PV_XS_WATCH_EVENT) {
        queue_event(h, m);
    } else {
        xs_msg_free(h->reply); /* a reply nobody asked for: keep the newest */
        h->reply = m;
        pthread_cond_broadcast(&h->reply_cond);
    }
    pthread_mutex_unlock(&h->lock);
    return true;
}

static void *reader_main(void *arg)
{
    struct xs_handle *h = arg;
    int old;

    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    while (xs_receive_one(h))
        ;
    pthread_mutex_lock(&h->lock);
    h->broken = true;
    pthread_cond_broadcast(&h->reply_cond);
    pthread_cond_broadcast(&h->watch_cond);
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

bool xs_start_reader(struct xs_handle *h)
{
    sigset_t all, old;
    pthread_attr_t attr;
    int rc;

    pthread_mutex_lock(&h->request_lock);
    if (h->reader_running || h->broken) {
        pthread_mutex_unlock(&h->request_lock);
        return h->reader_running;
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    rc = pthread_create(&h->reader, &attr, reader_main, h);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!rc)
        h->reader_running = true;
    pthread_mutex_unlock(&h->request_lock);
    if (rc)
        errno = rc;
    return !rc;
}
