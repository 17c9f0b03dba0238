/*
 * dom0-tools/xenstored/linux/domexc.c - domains that end, as Xen's xenstored follows them:
 * VIRQ_DOM_EXC (a domain shut down, crashed or was destroyed) bound through /dev/xen/evtchn, and
 * the hypervisor asked about each introduced domain (domctl getdomaininfo through libhv's privcmd
 * layer) for the core's xsd_check_domains (docs/xenstore.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "dom0-tools/libhv/priv.h"
#include "pv-abi/errno.h"
#include "pv-abi/event_channel.h"
#include "../xsd_plat.h"
#include "linux.h"
#include "xendev_ioctl.h"

static struct hv_priv *priv;
static int virq_lport = -1;

static void say(const char *what, const char *why)
{
    char line[HV_ERR_LEN + 64];

    snprintf(line, sizeof(line), "%s: %s", what, why);
    xsd_plat_log(line);
}

int linux_domexc_init(int evfd)
{
    struct xd_evtchn_bind_virq b = {.virq = PV_VIRQ_DOM_EXC};
    struct hv_err err = {{0}};

    if (hv_priv_open(&priv, &err) < 0) {
        say("no privcmd: domains that end are not noticed", err.msg);
        priv = NULL;
        return -1;
    }
    virq_lport = ioctl(evfd, XD_EVTCHN_BIND_VIRQ, &b);
    if (virq_lport < 0) {
        say("cannot bind VIRQ_DOM_EXC: domains that end are not noticed", strerror(errno));
        return -1;
    }
    snprintf(err.msg, sizeof(err.msg), "our port %d", virq_lport);
    say("VIRQ_DOM_EXC bound", err.msg);
    return virq_lport;
}

bool linux_domexc_port(uint32_t lport)
{
    return virq_lport >= 0 && lport == (uint32_t)virq_lport;
}

/* Xen's get_domain_info: getdomaininfo answers with the next domain up when domid is gone, so
 * only an answer about domid itself counts; other errors leave the domain alone. */
int linux_domexc_dominfo(struct xsd_daemon *d, uint32_t domid)
{
    struct pv_domctl op = {.cmd = PV_DOMCTL_getdomaininfo,
                           .interface_version = PV_DOMCTL_INTERFACE_VERSION,
                           .domain = (pv_domid_t)domid};
    const struct pv_domctl_getdomaininfo *info = &op.u.getdomaininfo;
    int rc;

    (void)d;
    if (!priv)
        return -PV_ENOSYS;
    rc = hv_domctl(priv, &op);
    if (rc == -ESRCH || (rc == 0 && info->domain != domid))
        return (int)XSD_DOMINFO_GONE;
    if (rc < 0)
        return rc;
    return (int)(((info->flags & PV_DOMINF_shutdown) ? XSD_DOMINFO_SHUTDOWN : 0) |
                 ((info->flags & PV_DOMINF_dying) ? XSD_DOMINFO_DYING : 0));
}

void linux_domexc_close(void)
{
    hv_priv_close(priv);
    priv = NULL;
    virq_lport = -1;
}
