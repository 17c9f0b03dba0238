/* tests/hvctl's xenstored harness (xsd_harness.h). */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "xsd_harness.h"

static pid_t daemon_pid;
static char dir[] = "/tmp/hvctl-xsd.XXXXXX";
struct xs_handle *xs;

/* build/tests/hvctl/TEST -> build/bin/xenstored */
static void daemon_path(char *out, size_t len)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

    assert_true(n > 0);
    self[n] = 0;
    *strrchr(self, '/') = 0;
    snprintf(out, len, "%s/../../bin/xenstored", self);
}

int xsd_start(void **state)
{
    char prog[PATH_MAX + 32], sock[64];
    struct stat st;
    int i;

    (void)state;
    daemon_path(prog, sizeof(prog));
    assert_non_null(mkdtemp(dir));
    snprintf(sock, sizeof(sock), "%s/socket", dir);
    setenv("XENSTORED_PATH", sock, 1);
    daemon_pid = fork();
    if (daemon_pid == 0) {
        execl(prog, prog, "--socket", sock, "--foreground", (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 100 && stat(sock, &st); i++)
        usleep(50000);
    xs = xs_open(0);
    if (!xs)
        fprintf(stderr, "no xenstored at %s (from %s)\n", sock, prog);
    return xs ? 0 : -1;
}

int xsd_stop(void **state)
{
    char sock[64];

    (void)state;
    xs_close(xs);
    kill(daemon_pid, SIGTERM);
    waitpid(daemon_pid, NULL, 0);
    snprintf(sock, sizeof(sock), "%s/socket", dir);
    unlink(sock);
    rmdir(dir);
    return 0;
}

/* Every node below path as "path=value perms\n", depth first, into a growing string. */
static void dump(const char *path, char **out, size_t *len)
{
    unsigned n = 0, np = 0, i, vlen;
    char **kids = xs_directory(xs, XBT_NULL, path, &n);
    char *v = xs_read(xs, XBT_NULL, path, &vlen), perms[256] = "", child[512];
    struct xs_permissions *p = xs_get_permissions(xs, XBT_NULL, path, &np);
    FILE *f;

    for (i = 0; p && i < np; i++)
        snprintf(perms + strlen(perms), sizeof(perms) - strlen(perms), "%c%u",
                 "nrwb"[p[i].perms & 3], p[i].id);
    f = open_memstream(out, len);
    fprintf(f, "%s=%s %s\n", path, v ? v : "?", perms);
    fclose(f);
    free(v);
    free(p);
    for (i = 0; kids && i < n; i++) {
        char *sub = NULL;
        size_t sublen = 0;
        char *joined;

        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", kids[i]);
        dump(child, &sub, &sublen);
        assert_true(asprintf(&joined, "%s%s", *out, sub) > 0);
        free(*out);
        free(sub);
        *out = joined;
    }
    free(kids);
}

char *xsd_snapshot(void)
{
    char *s = NULL;
    size_t len = 0;

    dump("/", &s, &len);
    return s;
}

