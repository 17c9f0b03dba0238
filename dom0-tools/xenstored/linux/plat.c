/*
 * dom0-tools/xenstored/linux/plat.c - the core's platform calls for the Linux program: the C
 * library's allocator, and log lines to stderr (--foreground) or syslog.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "../xsd_plat.h"
#include "linux.h"

static bool to_syslog;

void linux_log_to_syslog(void)
{
    openlog("xenstored", LOG_PID, LOG_DAEMON);
    to_syslog = true;
}

void *xsd_plat_alloc(size_t size)
{
    return malloc(size ? size : 1);
}

void xsd_plat_free(void *p)
{
    free(p);
}

void xsd_plat_log(const char *line)
{
    if (to_syslog)
        syslog(LOG_INFO, "%s", line);
    else
        fprintf(stderr, "xenstored: %s\n", line);
}
