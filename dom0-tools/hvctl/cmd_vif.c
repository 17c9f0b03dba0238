/* hvctl network-attach, network-detach, network-list DOMAIN: a domain's vifs (xl's verbs). */
#include <stdio.h>
#include <string.h>

#include "dom0-tools/libhv/vif.h"
#include "hvctl.h"

int cmd_network_attach(int argc, char **argv)
{
    struct hv_ops o;
    uint32_t domid;
    int rc;

    if (argc != 3)
        return hvctl_usage("network-attach");
    if ((rc = hvctl_open(&o)))
        return rc;
    if (!(rc = hvctl_domain(&o, argv[1], &domid)) && hv_vif_attach(o.xs, domid, argv[2], &o.err))
        rc = hvctl_fail("%s", o.err.msg);
    hv_ops_close(&o);
    return rc;
}

int cmd_network_detach(int argc, char **argv)
{
    struct hv_ops o;
    uint32_t domid;
    int rc;

    if (argc != 3)
        return hvctl_usage("network-detach");
    if ((rc = hvctl_open(&o)))
        return rc;
    if (!(rc = hvctl_domain(&o, argv[1], &domid)) &&
        hv_vif_remove(o.xs, domid, argv[2], false, &o.err))
        rc = hvctl_fail("%s", o.err.msg);
    hv_ops_close(&o);
    return rc;
}

int hvctl_vif_list(int argc, char **argv)
{
    struct hv_ops o;
    uint32_t domid;
    int i, rc;

    if ((rc = hvctl_open(&o)))
        return rc;
    hv_vif_list_header(stdout);
    for (i = 0; i < argc; i++) {
        if (hvctl_domain(&o, argv[i], &domid))
            rc = HVCTL_FAIL; /* named; the others are still listed, as xl */
        else if (hv_vif_list(o.xs, domid, stdout))
            rc = hvctl_fail("domain %s: cannot read its vifs", argv[i]);
    }
    hv_ops_close(&o);
    return rc;
}
