/* The device layer's hotplug step: a device kind's script run as libxl runs it (dev.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dev_internal.h"

const char *dev_module_of(const char *kind)
{
    if (!strcmp(kind, "vbd"))
        return "xen-blkback";
    if (!strcmp(kind, "vif"))
        return "xen-netback";
    return kind;
}

static void script_path(const char *script, char *out, size_t len)
{
    const char *dir = getenv("HV_HOTPLUG_DIR");

    if (strchr(script, '/'))
        snprintf(out, len, "%s", script);
    else
        snprintf(out, len, "%s/%s", dir && *dir ? dir : HV_HOTPLUG_DIR, script);
}

const char *dev_action(const char *kind, bool add)
{
    bool vif = !strcmp(kind, "vif");

    return add ? (vif ? "online" : "add") : (vif ? "offline" : "remove");
}

/* What the child sets before exec. */
struct run_env {
    const char *kind, *be, *fe;
    uint32_t domid, devid;
    const struct hv_dev_kv *env;
    unsigned n_env;
};

static void set_env(const struct run_env *e)
{
    char num[16];
    unsigned i;

    if (!e)
        return;
    setenv("XENBUS_PATH", e->be, 1);
    setenv("XENBUS_TYPE", e->kind, 1);
    setenv("XENBUS_BASE_PATH", "backend", 1);
    setenv("HV_FRONTEND_PATH", e->fe, 1);
    snprintf(num, sizeof(num), "%u", e->domid);
    setenv("HV_DOMID", num, 1);
    snprintf(num, sizeof(num), "%u", e->devid);
    setenv("HV_DEVID", num, 1);
    for (i = 0; i < e->n_env; i++)
        setenv(e->env[i].key, e->env[i].value, 1);
}

/* The child: environment, descriptors, exec. Never returns. */
static void child(char *const argv[], const struct run_env *e, int out)
{
    int nul = open("/dev/null", O_RDONLY);

    setpgid(0, 0);
    dup2(nul, 0);
    dup2(out, 1);
    dup2(out, 2);
    set_env(e);
    execv(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}
/* Collects the child's output (the last bytes that fit) until EOF or the deadline. */
static bool collect(int fd, char *buf, size_t len, double end)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    size_t used = 0;
    char chunk[512];
    ssize_t n;

    buf[0] = 0;
    for (;;) {
        double left = end - dev_now();
        if (left <= 0)
            return false;
        if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
            continue;
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return true;
        if (used + (size_t)n >= len) { /* keep the tail: the reason is at the end */
            size_t drop = used + (size_t)n - (len - 1);
            drop = drop > used ? used : drop;
            memmove(buf, buf + drop, used - drop);
            used -= drop;
        }
        n = (ssize_t)((size_t)n > len - 1 - used ? len - 1 - used : (size_t)n);
        memcpy(buf + used, chunk, (size_t)n);
        used += (size_t)n;
        buf[used] = 0;
    }
}

/* The output as one line: newlines become "; ", trailing blanks go. */
static void one_line(char *s)
{
    size_t n = strlen(s);
    char *p;

    while (n && strchr(" \t\r\n", s[n - 1]))
        s[--n] = 0;
    while ((p = strchr(s, '\n')))
        *p = ';';
    for (p = s; *p; p++)
        if (*p == '\r' || *p == '\t')
            *p = ' ';
}

/* Runs argv in env e; 0, or -EIO/-ETIMEDOUT with "WHAT failed (status N): OUTPUT" in err. */
static int run(char *const argv[], const struct run_env *e, const char *what, unsigned timeout_s,
               struct hv_err *err)
{
    char out[600];
    int fds[2], status = 0;
    bool done;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC))
        return hv_err_set(err, -errno, "%s: pipe: %s", what, strerror(errno));
    if ((pid = fork()) < 0) {
        close(fds[0]);
        close(fds[1]);
        return hv_err_set(err, -errno, "%s: fork: %s", what, strerror(errno));
    }
    if (pid == 0)
        child(argv, e, fds[1]);
    close(fds[1]);
    done = collect(fds[0], out, sizeof(out), dev_now() + timeout_s);
    close(fds[0]);
    if (!done)
        kill(-pid, SIGKILL); /* the child's process group: it and what it started */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    one_line(out);
    if (!done)
        return hv_err_set(err, -ETIMEDOUT, "%s: no answer after %u s%s%s", what, timeout_s,
                          *out ? ": " : "", out);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    return hv_err_set(err, -EIO, "%s failed (%s %d)%s%s", what,
                      WIFEXITED(status) ? "status" : "signal",
                      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                      *out ? ": " : "", out);
}

int hv_dev_run(char *const argv[], const char *what, unsigned timeout_s, struct hv_err *err)
{
    return run(argv, NULL, what ? what : argv[0], timeout_s, err);
}

int dev_hotplug(const char *kind, uint32_t domid, uint32_t devid, const char *script,
                const char *action, const char *be, const char *fe,
                const struct hv_dev_kv *env, unsigned n_env, unsigned timeout_s,
                struct hv_err *err)
{
    struct run_env e = {kind, be, fe, domid, devid, env, n_env};
    char path[256], what[400];
    char *argv[3];

    script_path(script, path, sizeof(path));
    argv[0] = path;
    argv[1] = (char *)action;
    argv[2] = NULL;
    snprintf(what, sizeof(what), "hotplug: %s %s for %s %u of domain %u", path, action, kind,
             devid, domid);
    return run(argv, &e, what, timeout_s, err);
}
