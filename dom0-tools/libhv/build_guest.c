/* dom0-tools/libhv/build_guest.c - the builder's steps on the new domain: memory, the foreign
 * mapping of what it writes, grant entries for the backends, pinning and vCPU 0's context. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "build_internal.h"
#include "pv-abi/grant_table.h"
#include "pv-abi/shared_info.h"

#define PG 4096UL

static int fail(struct build_state *s, int rc, const char *step)
{
    return hv_err_set(s->err, rc, "building domain %u: %s: %s", s->domid, step,
                      hv_priv_error(s->priv));
}

/* All nr_pages pfns, one frame each; for a PV domain the hypervisor returns the mfns. */
int build_populate(struct build_state *s)
{
    long done;

    s->p2m = malloc(s->nr_pages * sizeof(*s->p2m));
    if (!s->p2m)
        return hv_err_set(s->err, -ENOMEM, "building domain %u: no memory for its p2m", s->domid);
    for (uint64_t pfn = 0; pfn < s->nr_pages; pfn++)
        s->p2m[pfn] = pfn;
    done = hv_populate_physmap(s->priv, s->domid, s->nr_pages, 0, s->p2m);
    if (done < 0)
        return fail(s, (int)done, "allocating its memory");
    if ((uint64_t)done != s->nr_pages)
        return hv_err_set(s->err, -ENOMEM, "building domain %u: only %ld of %lu pages of memory "
                          "could be allocated (max_mem too small, or the host is out of memory)",
                          s->domid, done, (unsigned long)s->nr_pages);
    return 0;
}

/* Map every pfn the builder writes: the layout's [0, pages_used) and an unmapped initrd after
 * it. They are written through this mapping only, then unmapped before the L4 is pinned (a
 * page-table frame may not stay writable in dom0). */
int build_map(struct build_state *s)
{
    uint64_t end = s->lay.pages_used;
    int *errs;

    if (s->lay.initrd_pages && s->lay.initrd_pfn + s->lay.initrd_pages > end)
        end = s->lay.initrd_pfn + s->lay.initrd_pages;
    errs = calloc(end, sizeof(*errs));
    if (!errs)
        return hv_err_set(s->err, -ENOMEM, "building domain %u: out of memory", s->domid);
    s->map = hv_map_foreign(s->priv, s->domid, PROT_READ | PROT_WRITE, s->p2m, (unsigned)end, errs);
    free(errs);
    if (!s->map)
        return fail(s, -EFAULT, "mapping its memory");
    s->nr_mapped = end;
    memset(s->map, 0, end * PG);
    return 0;
}

void build_unmap(struct build_state *s)
{
    hv_unmap(s->map, (unsigned)s->nr_mapped);
    s->map = NULL;
    s->nr_mapped = 0;
}

/* The domain's first grant frame: as a resource (Xen 4.13+, privcmd mmap_resource), else by
 * GNTTABOP_setup_table for the domain and a foreign map of the frame it names. */
struct pv_grant_entry_v1 *hv_build_grant_map(struct hv_priv *p, uint32_t domid)
{
    void *g = hv_map_resource(p, domid, HV_RESOURCE_GRANT_TABLE, 0, 0, 1, PROT_READ | PROT_WRITE);
    uint64_t mfn;

    if (g)
        return g;
    if (hv_gnttab_setup_table(p, domid, 1, &mfn))
        return NULL;
    return hv_map_foreign(p, domid, PROT_READ | PROT_WRITE, &mfn, 1, NULL);
}

static void grant(struct pv_grant_entry_v1 *e, uint32_t domid, uint64_t mfn)
{
    e->domid = (pv_domid_t)domid;
    e->frame = (uint32_t)mfn;
    __atomic_store_n(&e->flags, (uint16_t)PV_GTF_permit_access, __ATOMIC_RELEASE);
}

void hv_build_grant_seed(struct pv_grant_entry_v1 *g, uint32_t console_domid,
                         uint64_t console_mfn, uint32_t store_domid, uint64_t store_mfn)
{
    grant(&g[PV_GNTTAB_RESERVED_CONSOLE], console_domid, console_mfn);
    grant(&g[PV_GNTTAB_RESERVED_XENSTORE], store_domid, store_mfn);
}

int hv_build_seed_grants(struct hv_priv *p, uint32_t domid, uint32_t console_domid,
                         uint64_t console_mfn, uint32_t store_domid, uint64_t store_mfn)
{
    struct pv_grant_entry_v1 *g = hv_build_grant_map(p, domid);

    if (!g)
        return -EFAULT;
    hv_build_grant_seed(g, console_domid, console_mfn, store_domid, store_mfn);
    hv_unmap(g, 1);
    return 0;
}

/* Grant refs 0 (console) and 1 (xenstore) to the backends, as Xen's toolstack seeds them. */
int build_seed_grants(struct build_state *s)
{
    if (hv_build_seed_grants(s->priv, s->domid, s->req->console_domid, s->res->console_mfn,
                             s->req->store_domid, s->res->store_mfn))
        return fail(s, -EFAULT, "mapping its grant table");
    return 0;
}

/* Event upcalls masked on every vCPU until the guest has its callbacks (as Xen's builder sets
 * the new domain's shared_info): an event pending at entry would else be delivered to callback
 * address 0 and crash the domain. */
int build_init_shared_info(struct build_state *s)
{
    struct pv_shared_info *si = hv_map_foreign(s->priv, s->domid, PROT_READ | PROT_WRITE,
                                               &s->shared_info_mfn, 1, NULL);

    if (!si)
        return fail(s, -EFAULT, "mapping its shared_info");
    for (unsigned i = 0; i < PV_LEGACY_MAX_VCPUS; i++)
        si->vcpu_info[i].evtchn_upcall_mask = 1;
    hv_unmap(si, 1);
    return 0;
}

/* Pin the bootstrap L4 (the hypervisor validates the whole tree as the domain's) and give
 * vCPU 0 the start-of-day registers: entry, boot stack, start_info in rsi, the L4 as cr3. */
int build_start_vcpu(struct build_state *s)
{
    uint64_t l4 = s->p2m[s->lay.pt_pfn];
    struct pv_vcpu_guest_context *c = calloc(1, sizeof(*c));
    int rc;

    if (!c)
        return hv_err_set(s->err, -ENOMEM, "building domain %u: out of memory", s->domid);
    rc = hv_pin_table(s->priv, s->domid, 4, l4);
    if (rc) {
        free(c);
        return fail(s, rc, "pinning its bootstrap page tables");
    }
    c->flags = PV_VGCF_in_kernel | PV_VGCF_online;
    c->user_regs.rip = s->elf.virt_entry;
    c->user_regs.rsp = s->lay.rsp;
    c->user_regs.rsi = s->lay.start_info_va;
    c->user_regs.cs = PV_FLAT_KERNEL_CS64;
    c->user_regs.ss = PV_FLAT_RING3_SS64;
    c->user_regs.rflags = 0x202; /* IF, and the always-one bit */
    c->kernel_ss = PV_FLAT_RING3_SS64;
    c->kernel_sp = s->lay.rsp;
    c->ctrlreg[3] = l4 << 12;
    rc = hv_vcpu_setcontext(s->priv, s->domid, 0, c);
    free(c);
    return rc ? fail(s, rc, "setting vCPU 0's context") : 0;
}
