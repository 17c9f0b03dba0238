/*
 * tests/xenstore/api_client.c - exercises the libxenstore API against a running xenstored
 * ($XENSTORED_PATH). Built twice: against Debian's <xenstore.h> and against ours; run with
 * either library (LD_LIBRARY_PATH). Prints one line per failed check and a summary; exits 1 on
 * any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

static int checks, failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL %s:%d: %s (errno %d %s)\n", __FILE__, __LINE__, #cond, errno,             \
                   strerror(errno));                                                               \
        }                                                                                          \
    } while (0)

static char base[64];

static char *P(const char *rel)
{
    static char buf[4][256];
    static int i;

    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s%s", base, rel);
    return buf[i];
}

static bool read_is(struct xs_handle *h, xs_transaction_t t, const char *path, const char *want)
{
    unsigned int len;
    char *v = xs_read(h, t, path, &len);
    bool ok = v && len == strlen(want) && !memcmp(v, want, len) && v[len] == 0;

    free(v);
    return ok;
}

static void test_basic(struct xs_handle *h)
{
    unsigned int n;
    char **dir;
    struct xs_permissions *perms, set[2] = {{0, XS_PERM_NONE}, {5, XS_PERM_READ}};

    CHECK(xs_write(h, XBT_NULL, P("/a/b"), "hello", 5));
    CHECK(read_is(h, XBT_NULL, P("/a/b"), "hello"));
    CHECK(xs_mkdir(h, XBT_NULL, P("/a/c")));
    dir = xs_directory(h, XBT_NULL, P("/a"), &n);
    CHECK(dir && n == 2 && !strcmp(dir[0], "b") && !strcmp(dir[1], "c"));
    free(dir);
    CHECK(xs_read(h, XBT_NULL, P("/a/nope"), &n) == NULL && errno == ENOENT);
    CHECK(!xs_write(h, XBT_NULL, "/bad path", "x", 1) && errno == EINVAL);
    CHECK(xs_set_permissions(h, XBT_NULL, P("/a/b"), set, 2));
    perms = xs_get_permissions(h, XBT_NULL, P("/a/b"), &n);
    CHECK(perms && n == 2 && perms[0].id == 0 && perms[0].perms == XS_PERM_NONE &&
          perms[1].id == 5 && perms[1].perms == XS_PERM_READ);
    free(perms);
    CHECK(xs_rm(h, XBT_NULL, P("/a")));
    CHECK(xs_read(h, XBT_NULL, P("/a/b"), &n) == NULL && errno == ENOENT);
    CHECK(xs_rm(h, XBT_NULL, P("/a")));                         /* absent, parent there */
    CHECK(!xs_rm(h, XBT_NULL, P("/a/b/c")) && errno == ENOENT); /* parent absent too */
}

static void test_big_directory(struct xs_handle *h)
{
    char path[128];
    unsigned int n, i;
    char **dir;
    bool ok = true;

    for (i = 0; i < 400; i++) {
        snprintf(path, sizeof(path), "%s/big/entry-with-a-long-name-%03u", base, i);
        ok &= xs_write(h, XBT_NULL, path, "", 0);
    }
    CHECK(ok);
    dir = xs_directory(h, XBT_NULL, P("/big"), &n); /* E2BIG, then DIRECTORY_PART */
    CHECK(dir && n == 400);
    for (i = 0; dir && i < n; i++) {
        snprintf(path, sizeof(path), "entry-with-a-long-name-%03u", i);
        ok &= !strcmp(dir[i], path);
    }
    CHECK(ok);
    free(dir);
    CHECK(xs_rm(h, XBT_NULL, P("/big")));
}

static void test_transactions(struct xs_handle *h, struct xs_handle *other)
{
    xs_transaction_t t;

    CHECK(xs_write(h, XBT_NULL, P("/t"), "0", 1));
    t = xs_transaction_start(h);
    CHECK(t != XBT_NULL);
    CHECK(read_is(h, t, P("/t"), "0"));
    CHECK(xs_write(h, t, P("/t"), "1", 1));
    CHECK(read_is(other, XBT_NULL, P("/t"), "0"));
    CHECK(xs_transaction_end(h, t, false));
    CHECK(read_is(other, XBT_NULL, P("/t"), "1"));
    t = xs_transaction_start(h);
    CHECK(read_is(h, t, P("/t"), "1"));
    CHECK(xs_write(other, XBT_NULL, P("/t"), "2", 1));
    CHECK(xs_write(h, t, P("/t"), "3", 1));
    CHECK(!xs_transaction_end(h, t, false) && errno == EAGAIN);
    CHECK(read_is(h, XBT_NULL, P("/t"), "2"));
    t = xs_transaction_start(h);
    CHECK(xs_write(h, t, P("/t"), "4", 1));
    CHECK(xs_transaction_end(h, t, true));
    CHECK(read_is(h, XBT_NULL, P("/t"), "2"));
    CHECK(!xs_transaction_end(h, 4242, false) && errno == ENOENT);
}

/* ev: what xs_read_watch or xs_check_watch returned; n: where the count went (or NULL). */
static bool event_is(char **ev, const unsigned int *n, const char *path, const char *token)
{
    bool ok = ev && (!n || *n >= 2) && !strcmp(ev[XS_WATCH_PATH], path) &&
              !strcmp(ev[XS_WATCH_TOKEN], token);

    if (!ok && ev)
        printf("  event %s %s, wanted %s %s\n", ev[0], ev[1], path, token);
    free(ev);
    return ok;
}

static bool poll_readable(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};

    return poll(&p, 1, ms) == 1;
}

static void *writer(void *arg)
{
    struct xs_handle *w = xs_open(0);

    usleep(100000);
    xs_write(w, XBT_NULL, (const char *)arg, "late", 4);
    xs_close(w);
    return NULL;
}

static void test_watches(struct xs_handle *h, struct xs_handle *other)
{
    unsigned int n;
    int fd;
    pthread_t thr;

    CHECK(xs_watch(h, P("/w"), "tok"));
    CHECK(event_is(xs_read_watch(h, &n), &n, P("/w"), "tok")); /* fires once at once */
    fd = xs_fileno(h);
    CHECK(fd >= 0);
    CHECK(xs_check_watch(h) == NULL && errno == EAGAIN);
    CHECK(xs_write(other, XBT_NULL, P("/w/x/y"), "1", 1));
    CHECK(poll_readable(fd, 5000));
    CHECK(event_is(xs_check_watch(h), NULL, P("/w/x/y"), "tok"));
    CHECK(!poll_readable(fd, 0));
    CHECK(xs_rm(other, XBT_NULL, P("/w")));
    CHECK(event_is(xs_read_watch(h, &n), &n, P("/w"), "tok"));
    /* Blocking read while another thread makes the change; requests still work meanwhile. */
    pthread_create(&thr, NULL, writer, P("/w/late"));
    CHECK(read_is(h, XBT_NULL, "/tool/xenstored", ""));
    CHECK(event_is(xs_read_watch(h, &n), &n, P("/w/late"), "tok"));
    pthread_join(thr, NULL);
    CHECK(xs_unwatch(h, P("/w"), "tok"));
    CHECK(!xs_unwatch(h, P("/w"), "tok") && errno == ENOENT);
    CHECK(xs_write(other, XBT_NULL, P("/w/after"), "1", 1));
    CHECK(!poll_readable(fd, 200));
    CHECK(!xs_watch(h, "bad//path", "t") && errno == EINVAL);
}

static void test_unwatch_filter(void)
{
    struct xs_handle *h = xs_open(XS_UNWATCH_FILTER);
    unsigned int n;

    CHECK(h && xs_watch(h, P("/f"), "a"));
    CHECK(h && xs_watch(h, P("/g"), "b"));
    CHECK(h && xs_write(h, XBT_NULL, P("/f/1"), "", 0));
    usleep(100000);
    CHECK(h && xs_unwatch(h, P("/f"), "a")); /* its queued events go with it */
    CHECK(h && event_is(xs_read_watch(h, &n), &n, P("/g"), "b"));
    CHECK(h && xs_check_watch(h) == NULL);
    xs_close(h);
}

static void test_domains_and_permissions(struct xs_handle *h)
{
    struct xs_handle *d7 = xs_open(0), *watcher = xs_open(0);
    struct xs_permissions own[1] = {{7, XS_PERM_NONE}};
    unsigned int n;
    char *s, path[64];

    CHECK(watcher && xs_watch(watcher, "@introduceDomain", "in"));
    CHECK(watcher && xs_watch(watcher, "@releaseDomain", "out"));
    CHECK(event_is(xs_read_watch(watcher, &n), &n, "@introduceDomain", "in"));
    CHECK(event_is(xs_read_watch(watcher, &n), &n, "@releaseDomain", "out"));
    CHECK(!xs_is_domain_introduced(h, 7));
    CHECK(xs_introduce_domain(h, 7, 4242, 3));
    CHECK(event_is(xs_read_watch(watcher, &n), &n, "@introduceDomain", "in"));
    CHECK(xs_is_domain_introduced(h, 7));
    CHECK(xs_resume_domain(h, 7));
    CHECK(!xs_set_target(h, 7, 99) && errno == ENOENT);
    s = xs_get_domain_path(h, 7);
    CHECK(s && !strcmp(s, "/local/domain/7"));
    free(s);
    CHECK(xs_mkdir(h, XBT_NULL, "/local/domain/7"));
    CHECK(xs_set_permissions(h, XBT_NULL, "/local/domain/7", own, 1));
    CHECK(xs_write(h, XBT_NULL, "/local/domain/7/device/suspend/event-channel", "12", 2));
    CHECK(xs_suspend_evtchn_port(7) == 12);
    CHECK(xs_suspend_evtchn_port(8) == -1);
    /* This implementation's way to speak as a domain from a socket: CONTROL as-domain. */
    s = xs_control_command(d7, "as-domain", "7", 2);
    CHECK(s && !strcmp(s, "OK"));
    free(s);
    CHECK(read_is(d7, XBT_NULL, "device/suspend/event-channel", "12"));
    CHECK(!xs_read(d7, XBT_NULL, "/tool/xenstored", &n) && errno == EACCES);
    CHECK(!xs_write(d7, XBT_NULL, "/local/domain/0/x", "1", 1) && errno == EACCES);
    CHECK(!xs_introduce_domain(d7, 8, 1, 1) && errno == EACCES);
    CHECK(!xs_set_permissions(d7, XBT_NULL, "device", (struct xs_permissions[]){{0, 3}}, 1) &&
          errno == EPERM);
    snprintf(path, sizeof(path), "data");
    CHECK(xs_write(d7, XBT_NULL, path, "mine", 4));
    CHECK(xs_release_domain(h, 7));
    CHECK(event_is(xs_read_watch(watcher, &n), &n, "@releaseDomain", "out"));
    CHECK(!xs_is_domain_introduced(h, 7));
    CHECK(!xs_read(d7, XBT_NULL, "data", &n)); /* its connection is gone */
    CHECK(!xs_release_domain(h, 7) && errno == ENOENT);
    CHECK(xs_rm(h, XBT_NULL, "/local/domain/7"));
    xs_close(d7);
    xs_close(watcher);
}

static void test_helpers(void)
{
    struct xs_permissions p[3];

    CHECK(xs_strings_to_perms(p, 3, "r1\0w2\0b3\0"));
    CHECK(p[0].perms == XS_PERM_READ && p[1].perms == XS_PERM_WRITE &&
          p[2].perms == (XS_PERM_READ | XS_PERM_WRITE) && p[2].id == 3);
    CHECK(!xs_strings_to_perms(p, 1, "x1\0") && errno == EINVAL);
    CHECK(xs_path_is_subpath("/a", "/a/b") && xs_path_is_subpath("/a", "/a"));
    CHECK(!xs_path_is_subpath("/a", "/ab") && !xs_path_is_subpath("/a/b", "/a"));
    CHECK(!strcmp(xs_daemon_socket(), getenv("XENSTORED_PATH")));
    CHECK(xs_daemon_rundir() != NULL && xs_daemon_socket_ro() != NULL);
    CHECK(!xs_restrict(NULL, 1));
}

int main(int argc, char **argv)
{
    struct xs_handle *h = xs_open(0), *other = xs_daemon_open();
    char *s;

    if (!h || !other) {
        printf("FAIL cannot connect to xenstored at %s\n", getenv("XENSTORED_PATH"));
        return 1;
    }
    snprintf(base, sizeof(base), "/api-%d", (int)getpid());
    if (argc > 1 && !strcmp(argv[1], "check")) { /* only: is the daemon's store consistent? */
        s = xs_control_command(h, "check", NULL, 0);
        CHECK(s && !strcmp(s, "OK"));
        free(s);
    } else {
        test_basic(h);
        test_big_directory(h);
        test_transactions(h, other);
        test_watches(h, other);
        test_unwatch_filter();
        test_domains_and_permissions(h);
        test_helpers();
        CHECK(xs_rm(h, XBT_NULL, base));
    }
    xs_close(h);
    xs_daemon_close(other);
    printf("api: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
