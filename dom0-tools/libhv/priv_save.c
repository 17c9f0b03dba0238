/* dom0-tools/libhv/priv_save.c - the domctls save and restore need: page types
 * (getpageframeinfo3) and the TSC's state (gettscinfo, settscinfo). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "priv_internal.h"

int hv_pageframe_types(struct hv_priv *p, uint32_t domid, uint64_t *frames, unsigned n)
{
    uint64_t *b;
    struct pv_domctl d = {.cmd = PV_DOMCTL_getpageframeinfo3, .domain = (pv_domid_t)domid};
    char what[64];
    int rc;

    if (n > 1024)
        return priv_fail(p, -E2BIG, "getpageframeinfo3 of %u frames (1024 at most)", n);
    if (!(b = hv_buf_alloc(p, 8 * (size_t)n)))
        return -ENOMEM;
    memcpy(b, frames, 8 * (size_t)n);
    d.u.getpageframeinfo3.num = n;
    d.u.getpageframeinfo3.array = (uint64_t)(uintptr_t)b;
    snprintf(what, sizeof(what), "domctl getpageframeinfo3 of domain %u", domid);
    rc = priv_domctl(p, &d, what);
    if (!rc)
        memcpy(frames, b, 8 * (size_t)n);
    hv_buf_free(p, b, 8 * (size_t)n);
    return rc;
}

int hv_tsc_info_get(struct hv_priv *p, uint32_t domid, struct pv_domctl_tsc_info *t)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_gettscinfo, .domain = (pv_domid_t)domid};
    char what[64];
    int rc;

    snprintf(what, sizeof(what), "domctl gettscinfo of domain %u", domid);
    if (!(rc = priv_domctl(p, &d, what)))
        *t = d.u.tsc_info;
    return rc;
}

int hv_tsc_info_set(struct hv_priv *p, uint32_t domid, const struct pv_domctl_tsc_info *t)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_settscinfo, .domain = (pv_domid_t)domid};
    char what[64];

    d.u.tsc_info = *t;
    snprintf(what, sizeof(what), "domctl settscinfo of domain %u", domid);
    return priv_domctl(p, &d, what);
}

int hv_domain_resume(struct hv_priv *p, uint32_t domid)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_resumedomain, .domain = (pv_domid_t)domid};
    char what[64];

    snprintf(what, sizeof(what), "domctl resumedomain of domain %u", domid);
    return priv_domctl(p, &d, what);
}
