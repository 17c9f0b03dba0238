/*
 * dom0-tools/libxenstore/api.c - the requests of the libxenstore API, each one message to
 * xenstored and its reply turned into what Xen's library returns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

static bool ok(char *reply)
{
    free(reply);
    return reply != NULL;
}

/* len bytes of NUL-separated strings as an array of pointers, in one allocation. */
static char **split_strings(char *buf, unsigned int len, unsigned int *num)
{
    unsigned int n = xs_count_strings(buf, len), i;
    char **ret = malloc(n * sizeof(char *) + len + 1);
    char *p;

    if (!ret) {
        free(buf);
        errno = ENOMEM;
        return NULL;
    }
    p = (char *)(ret + n);
    memcpy(p, buf, len);
    p[len] = 0;
    free(buf);
    for (i = 0; i < n; i++, p += strlen(p) + 1)
        ret[i] = p;
    *num = n;
    return ret;
}

/* DIRECTORY_PART until the whole list is in, restarting if the node changes meanwhile. */
static char **directory_part(struct xs_handle *h, xs_transaction_t t, const char *path,
                             unsigned int *num)
{
    char off_str[16], gen[32] = "", *list = NULL, *part, *grown;
    unsigned int off = 0, len, partlen;
    struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {off_str, 0}};

    for (;;) {
        iov[1].iov_len = (size_t)snprintf(off_str, sizeof(off_str), "%u", off) + 1;
        part = xs_talk(h, t, PV_XS_DIRECTORY_PART, iov, 2, &len);
        if (!part) {
            free(list);
            if (errno == ENOSYS)
                errno = E2BIG;
            return NULL;
        }
        if (off && strcmp(gen, part)) { /* changed under us: start again */
            free(part);
            free(list);
            list = NULL;
            off = 0;
            continue;
        }
        snprintf(gen, sizeof(gen), "%s", part);
        partlen = len - (unsigned int)strlen(part) - 1;
        grown = realloc(list, off + partlen + 1);
        if (!grown) {
            free(part);
            free(list);
            errno = ENOMEM;
            return NULL;
        }
        list = grown;
        memcpy(list + off, part + strlen(part) + 1, partlen);
        free(part);
        off += partlen;
        if (off <= 1 || list[off - 2] == 0) /* the last part ends with an extra NUL */
            break;
    }
    return split_strings(list, off > 1 ? off - 1 : 0, num);
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *num)
{
    unsigned int len;
    char *reply = xs_talk1(h, t, PV_XS_DIRECTORY, path, &len);

    if (reply)
        return split_strings(reply, len, num);
    return errno == E2BIG ? directory_part(h, t, path, num) : NULL;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
    return xs_talk1(h, t, PV_XS_READ, path, len);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data,
              unsigned int len)
{
    struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {(void *)data, len}};

    return ok(xs_talk(h, t, PV_XS_WRITE, iov, 2, NULL));
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return ok(xs_talk1(h, t, PV_XS_MKDIR, path, NULL));
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return ok(xs_talk1(h, t, PV_XS_RM, path, NULL));
}

bool xs_restrict(struct xs_handle *h, unsigned domid)
{
    (void)h;
    (void)domid;
    return false;
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                                          unsigned int *num)
{
    unsigned int len, n;
    char *reply = xs_talk1(h, t, PV_XS_GET_PERMS, path, &len);
    struct xs_permissions *perms;

    if (!reply)
        return NULL;
    n = xs_count_strings(reply, len);
    perms = malloc((n ? n : 1) * sizeof(*perms));
    if (!perms || !xs_strings_to_perms(perms, n, reply)) {
        int saved = perms ? errno : ENOMEM;
        free(perms);
        free(reply);
        errno = saved;
        return NULL;
    }
    free(reply);
    *num = n;
    return perms;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                        struct xs_permissions *perms, unsigned int num_perms)
{
    static const char letters[] = "nrwb"; /* indexed by READ | WRITE */
    char *buf = malloc((size_t)num_perms * 12 + 1);
    struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {buf, 0}};
    unsigned int i;
    bool res;

    if (!buf) {
        errno = ENOMEM;
        return false;
    }
    for (i = 0; i < num_perms; i++)
        iov[1].iov_len += (size_t)snprintf(buf + iov[1].iov_len, 13, "%c%u",
                                           letters[perms[i].perms & 3], perms[i].id) +
                          1;
    res = ok(xs_talk(h, t, PV_XS_SET_PERMS, iov, 2, NULL));
    free(buf);
    return res;
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {(void *)token, strlen(token) + 1}};

    if (!xs_start_reader(h))
        return false;
    return ok(xs_talk(h, XBT_NULL, PV_XS_WATCH, iov, 2, NULL));
}

static char **event_strings(struct xs_msg *m, unsigned int *num)
{
    char *body = m->body;
    unsigned int len = m->hdr.len;

    free(m);
    return split_strings(body, len, num);
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
    struct xs_msg *m;

    if (!xs_start_reader(h))
        return NULL;
    m = xs_take_event(h, true);
    return m ? event_strings(m, num) : NULL;
}

char **xs_check_watch(struct xs_handle *h)
{
    unsigned int num;
    struct xs_msg *m = xs_take_event(h, false);

    return m ? event_strings(m, &num) : NULL;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {(void *)token, strlen(token) + 1}};
    bool res = ok(xs_talk(h, XBT_NULL, PV_XS_UNWATCH, iov, 2, NULL));

    if (h->unwatch_filter)
        xs_drop_events(h, path, token);
    return res;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    char *reply = xs_talk1(h, XBT_NULL, PV_XS_TRANSACTION_START, "", NULL);
    xs_transaction_t id;

    if (!reply)
        return XBT_NULL;
    id = (xs_transaction_t)strtoul(reply, NULL, 0);
    free(reply);
    return id;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    return ok(xs_talk1(h, t, PV_XS_TRANSACTION_END, abort ? "F" : "T", NULL));
}

/* A request whose arguments are numbers. */
static char *talk_numbers(struct xs_handle *h, uint32_t type, unsigned int n,
                          const unsigned long *v)
{
    char buf[4][24];
    struct iovec iov[4];
    unsigned int i;

    for (i = 0; i < n; i++) {
        iov[i].iov_base = buf[i];
        iov[i].iov_len = (size_t)snprintf(buf[i], sizeof(buf[i]), "%lu", v[i]) + 1;
    }
    return xs_talk(h, XBT_NULL, type, iov, n, NULL);
}

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid, unsigned long mfn,
                         unsigned int eventchn)
{
    unsigned long v[3] = {domid, mfn, eventchn};

    return ok(talk_numbers(h, PV_XS_INTRODUCE, 3, v));
}

bool xs_set_target(struct xs_handle *h, unsigned int domid, unsigned int target)
{
    unsigned long v[2] = {domid, target};

    return ok(talk_numbers(h, PV_XS_SET_TARGET, 2, v));
}

bool xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
    unsigned long v = domid;

    return ok(talk_numbers(h, PV_XS_RESUME, 1, &v));
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
    unsigned long v = domid;

    return ok(talk_numbers(h, PV_XS_RELEASE, 1, &v));
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    unsigned long v = domid;

    return talk_numbers(h, PV_XS_GET_DOMAIN_PATH, 1, &v);
}

bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
    unsigned long v = domid;
    char *reply = talk_numbers(h, PV_XS_IS_DOMAIN_INTRODUCED, 1, &v);
    bool res = reply && strcmp(reply, "F") != 0;

    free(reply);
    return res;
}

char *xs_control_command(struct xs_handle *h, const char *cmd, void *data, unsigned int len)
{
    struct iovec iov[2] = {{(void *)cmd, strlen(cmd) + 1}, {data, len}};

    return xs_talk(h, XBT_NULL, PV_XS_CONTROL, iov, 2, NULL);
}

char *xs_debug_command(struct xs_handle *h, const char *cmd, void *data, unsigned int len)
{
    return xs_control_command(h, cmd, data, len);
}

int xs_suspend_evtchn_port(int domid)
{
    char path[64], *value;
    struct xs_handle *h = xs_open(0);
    int port = -1;
    unsigned int len;

    if (!h)
        return -1;
    snprintf(path, sizeof(path), "/local/domain/%d/device/suspend/event-channel", domid);
    value = xs_read(h, XBT_NULL, path, &len);
    xs_close(h);
    if (value && len)
        port = atoi(value);
    free(value);
    return port;
}
