/* dom0-tools/consoled/pty.c - a pseudo-terminal for each served console, as xenconsoled gives
 * one: its slave's path goes to /local/domain/ID/console/tty, where libxl waits for it before it
 * lets a new domain run and where Xen's console client (`xl console`) finds it. The daemon keeps
 * the slave open, so output waits in the terminal until someone reads it; what the terminal
 * cannot take is dropped there (the log and the attach history keep everything), so a console
 * nobody reads never holds the guest up. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "dom0-tools/libhv/xsl.h"
#include "hvconsoled.h"
#include "xenstore.h"

int cpty_open(struct hvc *h, struct cdom *d)
{
    struct hv_err err;
    const char *slave;
    struct termios t;

    d->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (d->pty_master < 0 || grantpt(d->pty_master) || unlockpt(d->pty_master) ||
        !(slave = ptsname(d->pty_master)))
        goto fail;
    d->pty_slave = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (d->pty_slave < 0 || tcgetattr(d->pty_slave, &t))
        goto fail;
    cfmakeraw(&t); /* the guest's bytes as they are, both ways */
    if (tcsetattr(d->pty_slave, TCSANOW, &t))
        goto fail;
    /* only while its console/ is there: a toolstack that removed the domain's home (a destroy
     * crossing this connection) must not find console/tty made again */
    if ((errno = -hv_xsl_write_beside(h->xs, d->domid, "console/port", "console/tty", slave,
                                      &err)))
        goto fail;
    return 0;
fail:
    hvc_log("domain %u (%s): no terminal for its console: %s", d->domid, d->name,
            strerror(errno));
    cpty_close(d);
    return -1;
}

void cpty_close(struct cdom *d)
{
    if (d->pty_slave >= 0)
        close(d->pty_slave);
    if (d->pty_master >= 0)
        close(d->pty_master);
    d->pty_slave = d->pty_master = -1;
}

void cpty_write(struct cdom *d, const char *p, size_t n)
{
    ssize_t put;

    while (d->pty_master >= 0 && n > 0 && (put = write(d->pty_master, p, n)) > 0)
        p += put, n -= (size_t)put;
}

/* What was typed on the terminal, into the console's input queue (as much as it takes). */
void cpty_input(struct hvc *h, struct cdom *d)
{
    char buf[512];
    size_t room = d->input.cap - d->input.len;
    ssize_t n;

    if (room == 0)
        return;
    n = read(d->pty_master, buf, room < sizeof(buf) ? room : sizeof(buf));
    if (n > 0) {
        cbuf_push(&d->input, buf, (size_t)n);
        cdom_service(h, d);
    }
}
