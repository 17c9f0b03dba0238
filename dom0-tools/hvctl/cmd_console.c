/* hvctl console: the operator's terminal on a domain's console, through hvconsoled. */
#include <stdio.h>
#include <unistd.h>

#include "dom0-tools/libhv/console_client.h"
#include "hvctl.h"

static int attach(uint32_t domid)
{
    char msg[256] = "";
    int rc = hv_console_attach(NULL, domid, HV_CONSOLE_REPLAY, STDIN_FILENO, STDOUT_FILENO, msg,
                               sizeof(msg));

    if (rc < 0)
        return hvctl_fail("console of domain %u: %s", domid, msg);
    if (rc == 1 && msg[0])
        fprintf(stderr, "\nhvctl: %s\n", msg);
    return HVCTL_OK;
}

int cmd_console(int argc, char **argv)
{
    struct hv_ops o;
    uint32_t domid;
    int c, rc;

    while ((c = hvctl_getopt(argc, argv, "t:n:", "console")) != -1)
        if (c == '?')
            return HVCTL_USAGE; /* xl's -t pv and -n 0 are the only console there is */
    if (argc - optind != 1)
        return hvctl_usage("console");
    if ((rc = hvctl_open(&o)))
        return rc;
    rc = hvctl_domain(&o, argv[optind], &domid);
    hv_ops_close(&o);
    return rc ? rc : attach(domid);
}

/* create -c */
int hvctl_console_after_create(uint32_t domid)
{
    return attach(domid);
}
