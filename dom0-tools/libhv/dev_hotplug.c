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

/* The child: environment, descriptors, exec. Never returns. */
static void child(const char *path, const char *action, const char *kind, uint32_t domid,
                  uint32_t devid, const char *be, const char *fe, const struct hv_dev_kv *env,
                  unsigned n_env, int out)
{
    char num[16];
    unsigned i;
    int nul = open("/dev/null", O_RDONLY);

    setpgid(0, 0);
    dup2(nul, 0);
    dup2(out, 1);
    dup2(out, 2);
    setenv("XENBUS_PATH", be, 1);
    setenv("XENBUS_TYPE", kind, 1);
    setenv("XENBUS_BASE_PATH", "backend", 1);
    setenv("HV_FRONTEND_PATH", fe, 1);
    snprintf(num, sizeof(num), "%u", domid);
    setenv("HV_DOMID", num, 1);
    snprintf(num, sizeof(num), "%u", devid);
    setenv("HV_DEVID", num, 1);
    for (i = 0; i < n_env; i++)
        setenv(env[i].key, env[i].value, 1);
    execl(path, path, action, (char *)NULL);
    fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
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

int dev_hotplug(const char *kind, uint32_t domid, uint32_t devid, const char *script, bool add,
                const char *be, const char *fe, const struct hv_dev_kv *env, unsigned n_env,
                unsigned timeout_s, struct hv_err *err)
{
    bool vif = !strcmp(kind, "vif");
    const char *action = add ? (vif ? "online" : "add") : (vif ? "offline" : "remove");
    char path[256], out[600];
    int fds[2], status = 0;
    bool done;
    pid_t pid;

    script_path(script, path, sizeof(path));
    if (pipe2(fds, O_CLOEXEC))
        return hv_err_set(err, -errno, "hotplug: pipe: %s", strerror(errno));
    if ((pid = fork()) < 0) {
        close(fds[0]);
        close(fds[1]);
        return hv_err_set(err, -errno, "hotplug: fork: %s", strerror(errno));
    }
    if (pid == 0)
        child(path, action, kind, domid, devid, be, fe, env, n_env, fds[1]);
    close(fds[1]);
    done = collect(fds[0], out, sizeof(out), dev_now() + timeout_s);
    close(fds[0]);
    if (!done)
        kill(-pid, SIGKILL); /* the script's process group: it and what it started */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    one_line(out);
    if (!done)
        return hv_err_set(err, -ETIMEDOUT, "hotplug: %s %s for %s %u of domain %u: no answer "
                          "after %u s%s%s", path, action, kind, devid, domid, timeout_s,
                          *out ? ": " : "", out);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    return hv_err_set(err, -EIO, "hotplug: %s %s for %s %u of domain %u failed (%s %d)%s%s",
                      path, action, kind, devid, domid,
                      WIFEXITED(status) ? "status" : "signal",
                      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                      *out ? ": " : "", out);
}
