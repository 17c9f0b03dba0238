/*
 * dom0-tools/libxenstore/talk.c - one request and its reply, and the watch event queue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xs_internal.h"

/* The daemon sends errno names; unknown names read as EINVAL, as in Xen's library. */
static int errno_from_name(const char *name)
{
    static const struct {
        const char *name;
        int err;
    } names[] = {
        {"EINVAL", EINVAL},       {"EACCES", EACCES},   {"EEXIST", EEXIST}, {"EISDIR", EISDIR},
        {"ENOENT", ENOENT},       {"ENOMEM", ENOMEM},   {"ENOSPC", ENOSPC}, {"EIO", EIO},
        {"ENOTEMPTY", ENOTEMPTY}, {"ENOSYS", ENOSYS},   {"EROFS", EROFS},   {"EBUSY", EBUSY},
        {"EAGAIN", EAGAIN},       {"EISCONN", EISCONN}, {"E2BIG", E2BIG},   {"EPERM", EPERM},
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(name, names[i].name))
            return names[i].err;
    return EINVAL;
}

/* Writes the header and payload pieces completely; false with errno. */
static bool send_all(struct xs_handle *h, struct iovec *iov, unsigned int n)
{
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = n};
    ssize_t done;

    while (mh.msg_iovlen) {
        done = h->is_socket ? sendmsg(h->fd, &mh, MSG_NOSIGNAL)
                            : writev(h->fd, mh.msg_iov, (int)mh.msg_iovlen);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return false;
        while (mh.msg_iovlen && (size_t)done >= mh.msg_iov->iov_len) {
            done -= (ssize_t)mh.msg_iov->iov_len;
            mh.msg_iov++;
            mh.msg_iovlen--;
        }
        if (mh.msg_iovlen) {
            mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + done;
            mh.msg_iov->iov_len -= (size_t)done;
        }
    }
    return true;
}

/* The reply to the request just sent (request_lock held). */
static struct xs_msg *wait_reply(struct xs_handle *h)
{
    struct xs_msg *m;

    if (!h->reader_running) {
        while (!h->reply)
            if (!xs_receive_one(h)) {
                h->broken = true;
                return NULL;
            }
    }
    pthread_mutex_lock(&h->lock);
    while (!h->reply && !h->broken)
        pthread_cond_wait(&h->reply_cond, &h->lock);
    m = h->reply;
    h->reply = NULL;
    pthread_mutex_unlock(&h->lock);
    if (!m)
        errno = EBADF;
    return m;
}

static struct xs_msg *exchange(struct xs_handle *h, struct pv_xsd_sockmsg *hdr,
                               const struct iovec *args, unsigned int n)
{
    struct iovec iov[8];
    struct xs_msg *m = NULL;
    unsigned int i;

    iov[0].iov_base = hdr;
    iov[0].iov_len = sizeof(*hdr);
    for (i = 0; i < n; i++)
        iov[i + 1] = args[i];
    pthread_mutex_lock(&h->request_lock);
    hdr->req_id = ++h->next_req_id;
    if (h->broken)
        errno = EBADF;
    else if (!send_all(h, iov, n + 1))
        h->broken = true;
    else
        m = wait_reply(h);
    pthread_mutex_unlock(&h->request_lock);
    return m;
}

char *xs_talk(struct xs_handle *h, xs_transaction_t t, uint32_t type, const struct iovec *iov,
              unsigned int n, unsigned int *len)
{
    struct pv_xsd_sockmsg hdr = {.type = type, .tx_id = t};
    struct xs_msg *m;
    char *body;
    int saved = errno;
    unsigned int i;

    for (i = 0; i < n; i++) {
        if (iov[i].iov_len > PV_XENSTORE_PAYLOAD_MAX - hdr.len) {
            errno = E2BIG;
            return NULL;
        }
        hdr.len += (uint32_t)iov[i].iov_len;
    }
    if (n > 7) {
        errno = E2BIG;
        return NULL;
    }
    m = exchange(h, &hdr, iov, n);
    if (!m)
        return NULL;
    if (m->hdr.type == PV_XS_ERROR) {
        saved = errno_from_name(m->body);
        xs_msg_free(m);
        errno = saved;
        return NULL;
    }
    if (m->hdr.type != type || m->hdr.req_id != hdr.req_id) {
        xs_msg_free(m);
        h->broken = true;
        errno = EBADF;
        return NULL;
    }
    if (len)
        *len = m->hdr.len;
    body = m->body;
    free(m);
    /* As Xen's library: a reply read by the calling thread leaves errno 0 (callers such as
     * Xen's test-xenstore rely on it); with the reader thread, errno is left alone. */
    errno = h->reader_running ? saved : 0;
    return body;
}

char *xs_talk1(struct xs_handle *h, xs_transaction_t t, uint32_t type, const char *arg,
               unsigned int *len)
{
    struct iovec iov = {(void *)arg, strlen(arg) + 1};

    return xs_talk(h, t, type, &iov, 1, len);
}

/* Reads the watch pipe's byte once the queue is empty. Lock held. */
static void drain_pipe(struct xs_handle *h)
{
    char c;

    if (!h->watch_head && h->watch_pipe[0] >= 0)
        while (read(h->watch_pipe[0], &c, 1) != 1 && errno == EINTR)
            ;
}

struct xs_msg *xs_take_event(struct xs_handle *h, bool block)
{
    struct xs_msg *m;

    pthread_mutex_lock(&h->lock);
    while (block && !h->watch_head && !h->broken)
        pthread_cond_wait(&h->watch_cond, &h->lock);
    m = h->watch_head;
    if (m) {
        h->watch_head = m->next;
        if (!h->watch_head)
            h->watch_tail = NULL;
        drain_pipe(h);
    }
    pthread_mutex_unlock(&h->lock);
    if (!m)
        errno = block ? EBADF : EAGAIN;
    return m;
}

void xs_drop_events(struct xs_handle *h, const char *path, const char *token)
{
    struct xs_msg **pp, *m;
    const char *epath, *etoken;

    pthread_mutex_lock(&h->lock);
    for (pp = &h->watch_head; (m = *pp);) {
        epath = m->body;
        etoken = epath + strlen(epath) + 1;
        if (xs_count_strings(m->body, m->hdr.len) >= 2 && !strcmp(etoken, token) &&
            xs_path_is_subpath(path, epath)) {
            *pp = m->next;
            xs_msg_free(m);
        } else {
            pp = &m->next;
        }
    }
    h->watch_tail = NULL;
    for (m = h->watch_head; m; m = m->next)
        h->watch_tail = m;
    drain_pipe(h);
    pthread_mutex_unlock(&h->lock);
}

int xs_fileno(struct xs_handle *h)
{
    char c = 0;

    pthread_mutex_lock(&h->lock);
    if (h->watch_pipe[0] < 0 && pipe2(h->watch_pipe, O_CLOEXEC) == 0 && h->watch_head)
        while (write(h->watch_pipe[1], &c, 1) != 1 && errno == EINTR)
            ;
    pthread_mutex_unlock(&h->lock);
    return h->watch_pipe[0];
}
