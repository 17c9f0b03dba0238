/*
 * dom0-tools/libxenstore/lib.c - helpers that need no connection: the daemon's paths,
 * permission strings, path relations.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xs_internal.h"

const char *xs_daemon_rundir(void)
{
    const char *env = getenv("XENSTORED_RUNDIR");

    return env ? env : "/var/run/xenstored";
}

const char *xs_daemon_socket(void)
{
    static char path[PATH_MAX];
    const char *env = getenv("XENSTORED_PATH");

    if (env)
        return env;
    if (snprintf(path, sizeof(path), "%s/socket", xs_daemon_rundir()) >= (int)sizeof(path))
        return NULL;
    return path;
}

const char *xs_daemon_socket_ro(void)
{
    return xs_daemon_socket();
}

bool xs_write_all(int fd, const void *data, unsigned int len)
{
    const char *p = data;
    ssize_t n;

    while (len) {
        n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (unsigned int)n;
    }
    return true;
}

bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num, const char *strings)
{
    const char *p = strings;
    unsigned int i;

    for (i = 0; i < num; i++, p += strlen(p) + 1) {
        switch (*p) {
        case 'r':
            perms[i].perms = XS_PERM_READ;
            break;
        case 'w':
            perms[i].perms = XS_PERM_WRITE;
            break;
        case 'b':
            perms[i].perms = XS_PERM_READ | XS_PERM_WRITE;
            break;
        case 'n':
            perms[i].perms = XS_PERM_NONE;
            break;
        default:
            errno = EINVAL;
            return false;
        }
        perms[i].id = (unsigned int)strtol(p + 1, NULL, 0);
    }
    return true;
}

bool xs_path_is_subpath(const char *parent, const char *child)
{
    size_t plen = strlen(parent), clen = strlen(child);

    if (clen < plen || memcmp(child, parent, plen))
        return false;
    return clen == plen || child[plen] == '/';
}

unsigned int xs_count_strings(const char *buf, unsigned int len)
{
    unsigned int n = 0, i;

    for (i = 0; i < len; i++)
        if (!buf[i])
            n++;
    return n;
}
