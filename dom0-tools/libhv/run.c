/* hv_run: fork and exec one of dom0's tools, its output captured (run.h). */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

#define RUN_MAX_ARGS 64

/* In the child: stdin from in_fd (or /dev/null), stdout and stderr into out_fd, then exec. */
static void child(const char *const argv[], int in_fd, int out_fd)
{
    const char *path = getenv("PATH");
    char full[2048];

    snprintf(full, sizeof(full), "%s%s/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin",
             path ? path : "", path && *path ? ":" : "");
    setenv("PATH", full, 1);
    if (in_fd < 0)
        in_fd = open("/dev/null", O_RDONLY);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
        _exit(127);
    execvp(argv[0], (char *const *)argv);
    dprintf(2, "%s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* Reads everything from fd into out (at most outlen - 1 bytes kept, the rest read and dropped). */
static void drain(int fd, char *out, size_t outlen)
{
    char sink[512];
    size_t used = 0;
    ssize_t got;
    bool room;

    for (;;) {
        room = out && used + 1 < outlen;
        got = room ? read(fd, out + used, outlen - 1 - used) : read(fd, sink, sizeof(sink));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        if (room)
            used += (size_t)got;
    }
    if (out && outlen)
        out[used] = 0;
}

int hv_run(const char *const argv[], const char *input, char *out, size_t outlen)
{
    int o[2], in[2] = {-1, -1}, status;
    pid_t pid;

    if (out && outlen)
        out[0] = 0;
    if (pipe2(o, O_CLOEXEC))
        return -errno;
    if ((input && pipe2(in, O_CLOEXEC)) || (pid = fork()) < 0) {
        int e = errno;
        close(o[0]);
        close(o[1]);
        if (in[0] >= 0)
            close(in[0]), close(in[1]);
        return -e;
    }
    if (!pid)
        child(argv, in[0], o[1]);
    close(o[1]);
    if (input) {
        void (*old)(int) = signal(SIGPIPE, SIG_IGN);
        close(in[0]);
        if (write(in[1], input, strlen(input)) < 0) { /* it exited early: its output says why */
        }
        close(in[1]);
        signal(SIGPIPE, old);
    }
    drain(o[0], out, outlen);
    close(o[0]);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int hv_runl(char *out, size_t outlen, const char *arg0, ...)
{
    const char *argv[RUN_MAX_ARGS];
    va_list ap;
    unsigned n = 0;

    argv[n++] = arg0;
    va_start(ap, arg0);
    while (n < RUN_MAX_ARGS - 1 && (argv[n] = va_arg(ap, const char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;
    return hv_run(argv, NULL, out, outlen);
}
