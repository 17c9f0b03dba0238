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

/* The three vCPU domctls whose argument starts with the vCPU and points at a buffer. */
static int vcpu_domctl(struct hv_priv *p, struct pv_domctl *d, const char *name, unsigned vcpu)
{
    char what[80];

    snprintf(what, sizeof(what), "domctl %s of domain %u vCPU %u", name, d->domain, vcpu);
    return priv_domctl(p, d, what);
}

int hv_vcpu_ext_get(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                    struct pv_domctl_ext_vcpucontext *e)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_get_ext_vcpucontext, .domain = (pv_domid_t)domid};
    int rc;

    d.u.ext_vcpucontext.vcpu = vcpu;
    if (!(rc = vcpu_domctl(p, &d, "get_ext_vcpucontext", vcpu)))
        *e = d.u.ext_vcpucontext;
    return rc;
}

int hv_vcpu_ext_set(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                    const struct pv_domctl_ext_vcpucontext *e)
{
    struct pv_domctl d = {.cmd = PV_DOMCTL_set_ext_vcpucontext, .domain = (pv_domid_t)domid};

    d.u.ext_vcpucontext = *e;
    d.u.ext_vcpucontext.vcpu = vcpu;
    return vcpu_domctl(p, &d, "set_ext_vcpucontext", vcpu);
}

int hv_vcpu_xsave(struct hv_priv *p, uint32_t domid, unsigned vcpu, uint8_t *buf, size_t *len,
                  bool set)
{
    struct pv_domctl d = {.cmd = set ? PV_DOMCTL_setvcpuextstate : PV_DOMCTL_getvcpuextstate,
                          .domain = (pv_domid_t)domid};
    const char *name = set ? "setvcpuextstate" : "getvcpuextstate";
    size_t size = *len;
    uint8_t *b;
    int rc;

    d.u.vcpuextstate.vcpu = vcpu;
    if (!set) { /* the size first */
        if ((rc = vcpu_domctl(p, &d, name, vcpu)))
            return rc;
        if (d.u.vcpuextstate.size > *len)
            return priv_fail(p, -ENOBUFS, "getvcpuextstate of domain %u vCPU %u: %llu bytes",
                             domid, vcpu, (unsigned long long)d.u.vcpuextstate.size);
        size = d.u.vcpuextstate.size;
    }
    if (!size)
        return *len = 0, 0;
    if (!(b = hv_buf_alloc(p, size)))
        return -ENOMEM;
    if (set)
        memcpy(b, buf, size);
    d.u.vcpuextstate.size = size;
    d.u.vcpuextstate.buffer = (uint64_t)(uintptr_t)b;
    if (!(rc = vcpu_domctl(p, &d, name, vcpu)) && !set) {
        *len = d.u.vcpuextstate.size <= size ? d.u.vcpuextstate.size : size;
        memcpy(buf, b, *len);
    }
    hv_buf_free(p, b, size);
    return rc;
}

int hv_vcpu_msrs(struct hv_priv *p, uint32_t domid, unsigned vcpu,
                 struct pv_domctl_vcpu_msr *msrs, unsigned *n, bool set)
{
    struct pv_domctl d = {.cmd = set ? PV_DOMCTL_set_vcpu_msrs : PV_DOMCTL_get_vcpu_msrs,
                          .domain = (pv_domid_t)domid};
    size_t bytes = (*n ? *n : 1) * sizeof(*msrs);
    struct pv_domctl_vcpu_msr *b = hv_buf_alloc(p, bytes);
    int rc;

    if (!b)
        return -ENOMEM;
    if (set)
        memcpy(b, msrs, *n * sizeof(*msrs));
    d.u.vcpu_msrs.vcpu = vcpu;
    d.u.vcpu_msrs.msr_count = *n;
    d.u.vcpu_msrs.msrs = (uint64_t)(uintptr_t)b;
    rc = vcpu_domctl(p, &d, set ? "set_vcpu_msrs" : "get_vcpu_msrs", vcpu);
    if (!rc && !set) {
        *n = d.u.vcpu_msrs.msr_count <= *n ? d.u.vcpu_msrs.msr_count : *n;
        memcpy(msrs, b, *n * sizeof(*msrs));
    }
    hv_buf_free(p, b, bytes);
    return rc;
}

int hv_logdirty_op(struct hv_priv *p, uint32_t domid, unsigned op, uint8_t *bitmap,
                   uint64_t *pages, uint32_t *dirty)
{
    static const char *const names[] = {"OFF", "ENABLE_TEST", "ENABLE_LOGDIRTY"};
    struct pv_domctl d = {.cmd = PV_DOMCTL_shadow_op, .domain = (pv_domid_t)domid};
    size_t bytes = bitmap && pages ? (size_t)((*pages + 7) / 8) : 0;
    uint8_t *b = NULL;
    char what[80];
    int rc;

    if (bytes && !(b = hv_buf_alloc(p, bytes)))
        return -ENOMEM;
    d.u.shadow_op.op = op;
    d.u.shadow_op.dirty_bitmap = (uint64_t)(uintptr_t)b;
    d.u.shadow_op.pages = pages ? *pages : 0;
    snprintf(what, sizeof(what), "domctl shadow_op %s of domain %u",
             op < 3 ? names[op] : op == PV_DOMCTL_SHADOW_OP_CLEAN ? "CLEAN" : "PEEK", domid);
    rc = priv_domctl(p, &d, what);
    if (!rc) {
        if (pages)
            *pages = d.u.shadow_op.pages;
        if (dirty)
            *dirty = d.u.shadow_op.stats.dirty_count;
        if (b)
            memcpy(bitmap, b, bytes);
    }
    if (b)
        hv_buf_free(p, b, bytes);
    return rc;
}
