/* dom0-tools/libhv/console_client.c - the client side of hvconsoled's socket (console_client.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "console_client.h"

static int connect_daemon(const char *path, char *msg, size_t msglen)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int fd, err;

    path = path ? path : HV_CONSOLE_SOCKET;
    if (strlen(path) >= sizeof(a.sun_path)) {
        snprintf(msg, msglen, "socket path too long: %s", path);
        return -ENAMETOOLONG;
    }
    strcpy(a.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        err = errno;
        if (fd >= 0)
            close(fd);
        snprintf(msg, msglen, "cannot reach the console daemon hvconsoled at %s: %s%s", path,
                 strerror(err), err == ENOENT || err == ECONNREFUSED ? " (is it running?)" : "");
        return -err;
    }
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -(errno ? errno : EIO);
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The daemon's answer line, without its newline; 0 or -errno. */
static int read_line(int fd, char *line, size_t len)
{
    size_t n = 0;

    while (n + 1 < len) {
        ssize_t r = read(fd, line + n, 1);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -errno : -ECONNRESET;
        if (line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    return 0;
}

static int send_request(int fd, const char *req, char *msg, size_t msglen)
{
    char line[HV_CONSOLE_LINE_MAX];
    int rc;

    if (strlen(req) + 2 > sizeof(line) || strchr(req, '\n')) {
        snprintf(msg, msglen, "bad request to the console daemon");
        return -EINVAL;
    }
    snprintf(line, sizeof(line), "%s\n", req);
    if ((rc = write_all(fd, line, strlen(line))))
        snprintf(msg, msglen, "console daemon: %s", strerror(-rc));
    return rc;
}

int hv_console_request(const char *sock_path, const char *request, char *out, size_t outlen,
                       char *msg, size_t msglen)
{
    int fd = connect_daemon(sock_path, msg, msglen), rc;
    size_t n = 0;

    if (fd < 0)
        return fd;
    if ((rc = send_request(fd, request, msg, msglen)) == 0) {
        for (;;) {
            ssize_t r = read(fd, out + n, outlen - 1 - n);

            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0 || (n += (size_t)r) + 1 >= outlen)
                break;
        }
        out[n] = '\0';
    }
    close(fd);
    return rc;
}

/* Relays until Ctrl-] (0), the daemon closing (1) or an error (-errno). */
static int relay(int sock, int in_fd, int out_fd)
{
    struct pollfd p[2] = {{.fd = sock, .events = POLLIN}, {.fd = in_fd, .events = POLLIN}};
    char buf[4096];

    for (;;) {
        ssize_t n;

        if (poll(p, p[1].fd >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (p[0].revents) {
            n = read(sock, buf, sizeof(buf));
            if (n <= 0)
                return 1;
            if (write_all(out_fd, buf, (size_t)n))
                return -EIO;
        }
        if (p[1].fd >= 0 && p[1].revents) {
            char *esc;

            n = read(in_fd, buf, sizeof(buf));
            if (n <= 0) { /* no more input: keep showing output */
                p[1].fd = -1;
                continue;
            }
            esc = memchr(buf, HV_CONSOLE_ESCAPE, (size_t)n);
            if (write_all(sock, buf, esc ? (size_t)(esc - buf) : (size_t)n))
                return 1;
            if (esc)
                return 0;
        }
    }
}

int hv_console_attach(const char *sock_path, unsigned domid, unsigned flags, int in_fd, int out_fd,
                      char *msg, size_t msglen)
{
    char req[64], line[HV_CONSOLE_LINE_MAX];
    struct termios saved, raw;
    int fd = connect_daemon(sock_path, msg, msglen), rc, tty;

    if (fd < 0)
        return fd;
    snprintf(req, sizeof(req), "attach %u%s", domid, flags & HV_CONSOLE_REPLAY ? " replay" : "");
    if ((rc = send_request(fd, req, msg, msglen)) || (rc = read_line(fd, line, sizeof(line)))) {
        if (rc != -EINVAL)
            snprintf(msg, msglen, "console daemon: no answer (%s)", strerror(-rc));
        close(fd);
        return rc;
    }
    if (strncmp(line, "ok ", 3) != 0) {
        snprintf(msg, msglen, "%s", strncmp(line, "error ", 6) ? line : line + 6);
        close(fd);
        return -ENOENT;
    }
    tty = isatty(in_fd) && tcgetattr(in_fd, &saved) == 0;
    if (tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(in_fd, TCSANOW, &raw);
    }
    rc = relay(fd, in_fd, out_fd);
    if (tty)
        tcsetattr(in_fd, TCSANOW, &saved);
    close(fd);
    if (rc == 0)
        snprintf(msg, msglen, "detached from domain %u (%s)", domid, line + 3);
    else if (rc == 1)
        snprintf(msg, msglen, "the console of domain %u (%s) closed", domid, line + 3);
    else
        snprintf(msg, msglen, "console of domain %u: %s", domid, strerror(-rc));
    return rc;
}
