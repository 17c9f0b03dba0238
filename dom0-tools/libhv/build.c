/* dom0-tools/libhv/build.c - the domain builder in dom0: checks the request and the images, lays
 * out the start of day with libpvbuild (the hypervisor's own builder code) and fills the domain. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "build_internal.h"
#include "libpvbuild/pv_start.h"
#include "pv-abi/start_info.h"

#define PG 4096UL
#define MAX_RAMDISK (4UL << 30)
#define MAX_MEMORY_MIB (1UL << 20) /* 1 TiB: far beyond what a PV guest is given here */

static int check_req(struct build_state *s)
{
    const struct hv_build_req *r = s->req;

    if (!r->kernel || !*r->kernel)
        return hv_err_set(s->err, -EINVAL, "building domain %u: no kernel given", s->domid);
    if (r->memory_mib == 0 || r->memory_mib > MAX_MEMORY_MIB)
        return hv_err_set(s->err, -EINVAL, "building domain %u: memory %lu MiB is out of range "
                          "(1 .. %lu)", s->domid, (unsigned long)r->memory_mib, MAX_MEMORY_MIB);
    if (r->maxmem_mib && r->maxmem_mib < r->memory_mib)
        return hv_err_set(s->err, -EINVAL, "building domain %u: maxmem %lu MiB is below memory "
                          "%lu MiB", s->domid, (unsigned long)r->maxmem_mib,
                          (unsigned long)r->memory_mib);
    if (r->vcpus == 0)
        return hv_err_set(s->err, -EINVAL, "building domain %u: vcpus must be at least 1",
                          s->domid);
    if (r->cmdline && strlen(r->cmdline) >= PV_MAX_GUEST_CMDLINE)
        return hv_err_set(s->err, -E2BIG, "building domain %u: the command line is longer than "
                          "%d bytes", s->domid, PV_MAX_GUEST_CMDLINE - 1);
    s->nr_pages = r->memory_mib << 8;
    return 0;
}

static int read_images(struct build_state *s)
{
    const char *why;
    int rc = build_read_kernel(s->req->kernel, &s->kernel, s->err);

    if (rc)
        return rc;
    rc = elf_xen_parse(s->kernel.data, s->kernel.size, PV_START_FEATURES_SUPPORTED, &s->elf, &why);
    if (rc)
        return hv_err_set(s->err, rc, "kernel %s: not a usable Xen PV kernel: %s%s",
                          s->req->kernel, why, s->kernel.from_bzimage ? " (in its bzImage)" : "");
    if (s->req->ramdisk && *s->req->ramdisk)
        rc = build_read_file("ramdisk", s->req->ramdisk, MAX_RAMDISK, &s->ramdisk, s->err);
    return rc;
}

/* The domain must exist, be new (no memory yet) and have room for the vCPUs asked. */
static int check_domain(struct build_state *s)
{
    struct hv_dominfo di;
    int rc = hv_domain_getinfo(s->priv, s->domid, &di);

    if (rc)
        return hv_err_set(s->err, rc, "building domain %u: %s", s->domid,
                          hv_priv_error(s->priv));
    if (di.dying || di.shutdown)
        return hv_err_set(s->err, -EINVAL, "building domain %u: it is %s", s->domid,
                          di.dying ? "being destroyed" : "shut down");
    if (di.tot_pages)
        return hv_err_set(s->err, -EEXIST, "building domain %u: it already has memory (%lu "
                          "pages): build only a new domain", s->domid,
                          (unsigned long)di.tot_pages);
    if (di.max_vcpu_id == UINT32_MAX || s->req->vcpus > di.max_vcpu_id + 1)
        return hv_err_set(s->err, -EINVAL, "building domain %u: %u vCPUs asked, the domain has "
                          "%u", s->domid, s->req->vcpus,
                          di.max_vcpu_id == UINT32_MAX ? 0 : di.max_vcpu_id + 1);
    s->shared_info_mfn = di.shared_info_frame;
    return 0;
}

static int compute_layout(struct build_state *s)
{
    struct pv_layout_in in = {
        .virt_base = s->elf.virt_base, .virt_kstart = s->elf.virt_kstart,
        .virt_kend = s->elf.virt_kend, .nr_pages = s->nr_pages, .initrd_len = s->ramdisk.size,
        .mod_start_pfn = s->elf.mod_start_pfn, .has_init_p2m = s->elf.has_init_p2m,
        .init_p2m_va = s->elf.init_p2m};
    const char *why;
    int rc = pv_layout_compute(&in, &s->lay, &why);

    if (rc)
        return hv_err_set(s->err, rc, "building domain %u: %s (memory %lu MiB, kernel %s)",
                          s->domid, why, (unsigned long)s->req->memory_mib, s->req->kernel);
    return 0;
}

static int alloc_ports(struct build_state *s)
{
    int rc = hv_evtchn_alloc_unbound(s->priv, s->domid, s->req->console_domid,
                                     &s->res->console_port);

    if (!rc)
        rc = hv_evtchn_alloc_unbound(s->priv, s->domid, s->req->store_domid,
                                     &s->res->store_port);
    if (rc)
        return hv_err_set(s->err, rc, "building domain %u: %s", s->domid,
                          hv_priv_error(s->priv));
    return 0;
}

/* ---- writing through the foreign mapping ---- */

static void *page_of(void *ctx, uint64_t pfn)
{
    struct build_state *s = ctx;

    return pfn < s->nr_mapped ? s->map + pfn * PG : NULL;
}

/* The ELF sink: guest VA -> pfn in the initial mapping -> our mapping of it. */
static void sink_range(struct build_state *s, uint64_t va, const uint8_t *src, uint64_t len)
{
    for (uint64_t off = 0; off < len;) {
        uint64_t n = PG - ((va + off) % PG);
        uint8_t *page = page_of(s, pv_layout_va_to_pfn(&s->lay, va + off));

        n = n < len - off ? n : len - off;
        if (page && src)
            memcpy(page + (va + off) % PG, src + off, n);
        else if (page)
            memset(page + (va + off) % PG, 0, n);
        off += n;
    }
}

static void sink_copy(void *ctx, uint64_t va, const void *src, uint64_t len)
{
    sink_range(ctx, va, src, len);
}

static void sink_zero(void *ctx, uint64_t va, uint64_t len)
{
    sink_range(ctx, va, NULL, len);
}

static void write_contents(struct build_state *s)
{
    struct elf_xen_sink sink = {s, sink_copy, sink_zero};
    struct pv_start_frames f = {s, page_of, s->p2m, s->nr_pages};
    struct pv_start_params sp = {
        .nr_pages = s->nr_pages, .shared_info_mfn = s->shared_info_mfn,
        .store_mfn = s->res->store_mfn, .console_mfn = s->res->console_mfn,
        .store_evtchn = s->res->store_port, .console_evtchn = s->res->console_port,
        .cmdline = s->req->cmdline};

    elf_xen_load(s->kernel.data, &s->elf, &sink);
    if (s->ramdisk.size)
        memcpy(s->map + s->lay.initrd_pfn * PG, s->ramdisk.data, s->ramdisk.size);
    pv_start_write_tables(&s->lay, &f);
    pv_start_write_p2m(&s->lay, &f);
    pv_start_fill_info(page_of(s, s->lay.start_info_pfn), &s->lay, &sp);
}

static int hypercall_page(struct build_state *s)
{
    uint64_t pfn;
    int rc;

    if (!s->elf.has_hypercall_page)
        return 0;
    pfn = pv_layout_va_to_pfn(&s->lay, s->elf.hypercall_page);
    rc = hv_domain_hypercall_init(s->priv, s->domid, s->p2m[pfn]);
    return rc ? hv_err_set(s->err, rc, "building domain %u: %s", s->domid,
                           hv_priv_error(s->priv)) : 0;
}

static int build_steps(struct build_state *s)
{
    int rc = check_req(s);

    if (!rc)
        rc = read_images(s);
    if (!rc)
        rc = check_domain(s);
    if (!rc)
        rc = compute_layout(s);
    if (!rc)
        rc = build_populate(s);
    if (!rc)
        rc = build_map(s);
    if (!rc)
        rc = alloc_ports(s);
    if (rc)
        return rc;
    s->res->store_mfn = s->p2m[s->lay.xenstore_pfn];
    s->res->console_mfn = s->p2m[s->lay.console_pfn];
    write_contents(s);
    build_unmap(s);
    rc = hypercall_page(s);
    if (!rc)
        rc = build_seed_grants(s);
    if (!rc)
        rc = build_init_shared_info(s);
    if (!rc)
        rc = build_start_vcpu(s);
    return rc;
}

int hv_build(struct hv_priv *p, uint32_t domid, const struct hv_build_req *req,
             struct hv_build_result *res, struct hv_err *err)
{
    struct hv_err local;
    struct build_state s = {.priv = p, .domid = domid, .req = req, .res = res,
                            .err = err ? err : &local};
    int rc;

    memset(res, 0, sizeof(*res));
    rc = build_steps(&s);
    if (!rc) {
        res->nr_pages = s.nr_pages;
        res->entry = s.elf.virt_entry;
        res->start_info_va = s.lay.start_info_va;
        memcpy(res->guest_os, s.elf.guest_os, sizeof(res->guest_os));
        res->bzimage = s.kernel.from_bzimage;
    }
    build_unmap(&s);
    build_blob_free(&s.kernel);
    build_blob_free(&s.ramdisk);
    free(s.p2m);
    return rc;
}
