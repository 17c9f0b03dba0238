/* Grant mappings (grant_table.h): the maptrack of handles, map_grant_ref, unmap_grant_ref and
 * unmap_and_replace, and the undoing of every mapping a reaped domain held (Xen's
 * map_grant_ref, unmap_common, unmap_common_complete and gnttab_release_mappings, with
 * xen/arch/x86/pv/grant_table.c for the L1 entries). */
#include "console.h"
#include "frame.h"
#include "grant_table.h"
#include "logdirty.h"
#include "mm.h"
#include "paging.h"
#include "smp.h"

#define MAP_PARTS (PV_GNTMAP_host_map | PV_GNTMAP_device_map)
#define MAP_KEPT 0x1f /* the PV_GNTMAP_* bits a handle records (Xen: bits 0-4) */
#define MAP_OWED 0x8000u /* host part gone, its references owed to the batch (flags: 16 bits) */
#define OWED_MAX 64

/* The unmaps of the grant_table_op batch running on a CPU whose references wait for the one TLB
 * flush at its end (Xen's unmap_common, then gnttab_flush_tlb, then unmap_common_complete). */
struct owed {
    bool batching;
    unsigned n;
    struct { uint16_t rd; uint32_t handle; } e[OWED_MAX];
};
static struct owed owed[MAX_CPUS];

/* ---- the maptrack ---- */

/* Where the mfn of the page holding handles [page * GNTTAB_MAPS_PER_PAGE, ...) is kept. */
static uint64_t *maptrack_slot(const struct gnttab *gt, unsigned page)
{
    uint64_t *dir = mm_frame_ptr(gt->maptrack_dir[page / GNTTAB_MAPTRACK_PER_DIR]);

    return &dir[page % GNTTAB_MAPTRACK_PER_DIR];
}

struct gnttab_map *gnttab_map_entry(const struct gnttab *gt, uint32_t handle)
{
    return (struct gnttab_map *)mm_frame_ptr(*maptrack_slot(gt, handle / GNTTAB_MAPS_PER_PAGE)) +
           handle % GNTTAB_MAPS_PER_PAGE;
}

/* A new page of free handles, up to the domain's maptrack_max pages (and a directory page
 * first when the page starts one). */
static bool maptrack_grow(struct gnttab *gt)
{
    unsigned page = gt->maptrack_limit / GNTTAB_MAPS_PER_PAGE;
    uint64_t *dir = &gt->maptrack_dir[page / GNTTAB_MAPTRACK_PER_DIR];
    struct gnttab_map *m;
    uint64_t mfn;

    if (page >= gt->maptrack_max || (mfn = gnttab_page_alloc()) == FRAME_NONE)
        return false;
    if (page % GNTTAB_MAPTRACK_PER_DIR == 0 && (*dir = gnttab_page_alloc()) == FRAME_NONE) {
        frame_free(mfn);
        return false;
    }
    *maptrack_slot(gt, page) = mfn;
    m = mm_frame_ptr(mfn);
    for (unsigned i = 0; i < GNTTAB_MAPS_PER_PAGE; i++)
        m[i].ref = i + 1 < GNTTAB_MAPS_PER_PAGE ? gt->maptrack_limit + i + 1 : gt->maptrack_free;
    gt->maptrack_free = gt->maptrack_limit;
    gt->maptrack_limit += GNTTAB_MAPS_PER_PAGE;
    return true;
}

static uint32_t handle_get(struct gnttab *gt)
{
    uint32_t h;

    if (gt->maptrack_free == GNTTAB_NO_HANDLE && !maptrack_grow(gt))
        return GNTTAB_NO_HANDLE;
    h = gt->maptrack_free;
    gt->maptrack_free = gnttab_map_entry(gt, h)->ref;
    return h;
}

static void handle_put(struct gnttab *gt, uint32_t h)
{
    struct gnttab_map *m = gnttab_map_entry(gt, h);

    m->flags = 0;
    m->ref = gt->maptrack_free;
    gt->maptrack_free = h;
}

/* ---- references and entries of one mapping ---- */

/* The pins of the parts of a mapping (flags: PV_GNTMAP_*). */
static uint32_t pin_use(uint32_t parts, uint32_t flags)
{
    bool ro = flags & PV_GNTMAP_readonly;
    uint32_t use = 0;

    if (parts & PV_GNTMAP_host_map)
        use += ro ? GNTPIN_HOST_R : GNTPIN_HOST_W;
    if (parts & PV_GNTMAP_device_map)
        use += ro ? GNTPIN_DEV_R : GNTPIN_DEV_W;
    return use;
}

/* Each part holds a general reference, and the writable type if it is writable. */
static int16_t get_refs(struct domain *rd, uint64_t mfn, uint32_t flags)
{
    bool rw = !(flags & PV_GNTMAP_readonly);

    if (mm_get_grant_ref(mfn, rd, rw))
        return PV_GNTST_general_error;
    if ((flags & MAP_PARTS) == MAP_PARTS && mm_get_grant_ref(mfn, rd, rw)) {
        gnttab_put_frame(rd, mfn, rw);
        return PV_GNTST_general_error;
    }
    return PV_GNTST_okay;
}

static void put_refs(struct domain *rd, uint64_t mfn, uint32_t parts, uint32_t flags)
{
    bool rw = !(flags & PV_GNTMAP_readonly);

    if (rw)
        logdirty_mark(mfn); /* the mapper may have written it (Xen: at unmap) */
    if (parts & PV_GNTMAP_host_map)
        gnttab_put_frame(rd, mfn, rw);
    if (parts & PV_GNTMAP_device_map)
        gnttab_put_frame(rd, mfn, rw);
}

/* The L1 entry of a host mapping (Xen's grant_to_pte_flags for memory): present, accessed,
 * dirty, not executable, writable unless read-only, user-accessible with application_map, and
 * the guest's available bits from flags bits 16-18. */
static uint64_t grant_pte(uint64_t mfn, uint32_t flags)
{
    uint64_t e = (mfn << PAGE_SHIFT) | PTE_P | PTE_NX | PTE_GNTTAB; /* accessed: see undo() */

    if (!(flags & PV_GNTMAP_readonly))
        e |= PTE_RW;
    if (flags & PV_GNTMAP_application_map)
        e |= PTE_US;
    return e | (((uint64_t)flags >> PV_GNTMAP_guest_avail0_BIT << 9) & PTE_AVAIL);
}

/* Where host_addr puts the mapping's L1 entry (a virtual address in v's page tables, or the
 * entry's machine address with contains_pte), or 0 if not in one of v's validated L1 tables. */
static uint64_t pte_location(const struct vcpu *v, uint64_t host_addr, uint32_t flags)
{
    if (flags & PV_GNTMAP_contains_pte)
        return mm_grant_pte_ok(v->domain, host_addr) ? host_addr : 0;
    return mm_grant_pte_of_va(v, host_addr);
}

/* The same for an unmap: an entry's address is taken as it is, even if its table is no longer
 * in use (the entry is cleared only if it is still there: mm_grant_pte_holds). */
static uint64_t unmap_location(const struct vcpu *v, uint64_t host_addr, uint32_t flags)
{
    if (flags & PV_GNTMAP_contains_pte)
        return host_addr;
    return mm_grant_pte_of_va(v, host_addr);
}

/* ---- map ---- */

/* After the handle and the pin: the references, then the L1 entry. */
static int16_t map_frame(struct vcpu *v, struct domain *rd,
                         const struct pv_gnttab_map_grant_ref *op, uint64_t mfn, uint64_t *pte)
{
    int16_t rc = get_refs(rd, mfn, op->flags);

    *pte = 0;
    if (rc || !(op->flags & PV_GNTMAP_host_map))
        return rc;
    *pte = pte_location(v, op->host_addr, op->flags);
    if (*pte && !mm_grant_pte_set(v->domain, *pte, grant_pte(mfn, op->flags)))
        return PV_GNTST_okay;
    put_refs(rd, mfn, op->flags, op->flags);
    return PV_GNTST_general_error;
}

/* Xen's order of checks: handle, reference, entry, frame, references, address. */
static int16_t map_locked(struct vcpu *v, struct domain *rd, struct pv_gnttab_map_grant_ref *op)
{
    struct gnttab *lgt = v->domain->gnttab;
    uint32_t use = pin_use(op->flags, op->flags), handle = handle_get(lgt);
    const struct gnttab_active *act;
    struct gnttab_map *m;
    uint64_t mfn = 0, pte;
    int16_t rc;

    if (handle == GNTTAB_NO_HANDLE)
        return PV_GNTST_no_space;
    rc = gnttab_pin(rd, op->ref, v->domain->domid, use, true, NULL, &act);
    if (!rc && (rc = map_frame(v, rd, op, mfn = act->mfn, &pte)))
        gnttab_unpin(rd, op->ref, use);
    if (rc) {
        handle_put(lgt, handle);
        return rc;
    }
    m = gnttab_map_entry(lgt, handle);
    m->ref = op->ref;
    m->domid = rd->domid;
    m->pte = pte;
    m->flags = op->flags & MAP_KEPT;
    op->handle = handle;
    op->dev_bus_addr = mfn << PAGE_SHIFT;
    return PV_GNTST_okay;
}

void gnttab_map(struct vcpu *v, struct pv_gnttab_map_grant_ref *op)
{
    struct domain *ld = v->domain, *rd;

    if (!(op->flags & MAP_PARTS)) {
        op->status = PV_GNTST_bad_gntref;
        return;
    }
    if (!(rd = domain_by_id(op->dom))) { /* a real domain id: DOMID_SELF is not one */
        op->status = PV_GNTST_bad_domain;
        return;
    }
    gnttab_lock_pair(ld, rd);
    op->status = gnttab_live(rd) ? map_locked(v, rd, op) : PV_GNTST_bad_domain;
    gnttab_unlock_pair(ld, rd);
}

/* ---- unmap ---- */

/* The references of parts of mapping `handle` of ld go, once no CPU can use them; the handle is
 * freed with its last part. The unpin comes last: it may free a reaped granter's table. */
static void release(struct domain *ld, struct domain *rd, uint32_t handle, uint32_t parts)
{
    struct gnttab_map *m = gnttab_map_entry(ld->gnttab, handle);
    uint32_t ref = m->ref, flags = m->flags;

    put_refs(rd, gnttab_act(rd->gnttab, ref)->mfn, parts, flags);
    m->flags &= ~(parts | (parts & PV_GNTMAP_host_map ? MAP_OWED : 0));
    if (!(m->flags & (MAP_PARTS | MAP_OWED)))
        handle_put(ld->gnttab, handle);
    gnttab_unpin(rd, ref, pin_use(parts, flags));
}

/* A host mapping's release left to the end of the batch (false: not batching, or no room). */
static bool owe(struct owed *o, struct domain *rd, struct gnttab_map *m, uint32_t handle)
{
    if (!o || !o->batching || o->n == OWED_MAX)
        return false;
    o->e[o->n].rd = rd->domid;
    o->e[o->n++].handle = handle;
    m->flags = (m->flags & ~PV_GNTMAP_host_map) | MAP_OWED; /* no other unmap takes it */
    return true;
}

void gnttab_unmap_batch(struct vcpu *v, bool start)
{
    struct owed *o = &owed[v->processor];
    struct domain *ld = v->domain;

    o->batching = start;
    if (start || !o->n)
        return;
    mm_flush_tlb(ld->domid);
    for (unsigned i = 0; i < o->n; i++) {
        struct domain *rd = domain_by_id(o->e[i].rd);

        BUG_ON(!rd); /* the pin keeps the granter */
        gnttab_lock_pair(ld, rd);
        release(ld, rd, o->e[i].handle, PV_GNTMAP_host_map);
        gnttab_unlock_pair(ld, rd);
    }
    o->n = 0;
}

/* Undo parts of mapping `handle` of ld: the L1 entry, if still there, gets repl; every CPU
 * running ld forgets the mapping before its references go (in a batch of unmaps, all of them
 * at its end). */
static void undo(struct domain *ld, struct domain *rd, uint32_t handle, uint32_t parts,
                 uint64_t repl, struct owed *o)
{
    struct gnttab_map *m = gnttab_map_entry(ld->gnttab, handle);
    uint64_t mfn = gnttab_act(rd->gnttab, m->ref)->mfn;

    if (parts & PV_GNTMAP_host_map) {
        uint64_t old = PTE_A;

        if (mm_grant_pte_holds(ld, m->pte, grant_pte(mfn, m->flags)))
            old = mm_grant_pte_clear(m->pte, repl);
        /* A CPU caches a translation only once it has set the entry's accessed bit, atomically
         * against the exchange above. A grant entry starts without it and nothing but this
         * changes it (not the guest: mm_mod_entry; not log-dirty), so an entry never used is
         * in no TLB. A replacement's old place may be: flush. Device mappings leave nothing. */
        if (!repl && (old & PTE_A) && parts == PV_GNTMAP_host_map && owe(o, rd, m, handle))
            return;
        if ((old & PTE_A) || repl)
            mm_flush_tlb(ld->domid);
    }
    release(ld, rd, handle, parts);
}

/* The handle of ld whose host mapping is grant entry e at pte_maddr: one with that address,
 * frame and access (several may name an address whose entry was overwritten meanwhile). A live
 * handle's frame is fixed while it pins the granter's entry. */
static uint32_t handle_at(const struct gnttab *gt, uint64_t pte_maddr, uint64_t e)
{
    for (uint32_t h = 0; h < gt->maptrack_limit; h++) {
        const struct gnttab_map *m = gnttab_map_entry(gt, h);

        if ((m->flags & PV_GNTMAP_host_map) && m->pte == pte_maddr &&
            !((grant_pte(gnttab_act(domain_by_id(m->domid)->gnttab, m->ref)->mfn, m->flags) ^ e) &
              (PTE_ADDR | PTE_RW)))
            return h;
    }
    return GNTTAB_NO_HANDLE;
}

/* unmap_and_replace's new_addr: its entry (any present one, another grant mapping's included)
 * will take the grant's place, which must still hold the grant entry. Nothing changes unless
 * both are valid (Xen takes new_addr's entry first). A grant entry moved stays its handle's,
 * which now names its new place (*moved: the handle, or GNTTAB_NO_HANDLE). */
static int16_t take_replacement(struct vcpu *v, const struct gnttab_map *m, uint64_t mfn,
                                uint64_t new_addr, uint64_t *repl, uint32_t *moved)
{
    uint64_t from;

    *moved = GNTTAB_NO_HANDLE;
    if (m->flags & PV_GNTMAP_contains_pte)
        return PV_GNTST_general_error; /* replacing is for virtual-address mappings only */
    if (!mm_grant_pte_holds(v->domain, m->pte, grant_pte(mfn, m->flags)))
        return PV_GNTST_general_error;
    from = mm_grant_pte_of_va(v, new_addr);
    if (!from || from == m->pte)
        return PV_GNTST_general_error; /* Xen would zap the grant entry, then crash the guest */
    *repl = mm_grant_pte_take(from);
    if (mm_grant_pte_is_grant(*repl))
        *moved = handle_at(v->domain->gnttab, from, *repl);
    return PV_GNTST_okay;
}

struct unmap_req {
    uint64_t host_addr, dev_bus_addr, new_addr;
};

static int16_t unmap_locked(struct vcpu *v, struct domain *rd, uint32_t handle,
                            const struct unmap_req *rq)
{
    struct gnttab *lgt = v->domain->gnttab;
    struct gnttab_map *m = gnttab_map_entry(lgt, handle); /* granter_of checked its range */
    uint64_t mfn, repl = 0;
    uint32_t parts = 0, moved = GNTTAB_NO_HANDLE;
    int16_t rc;

    if (!(m->flags & MAP_PARTS) || m->domid != rd->domid)
        return PV_GNTST_bad_handle; /* unmapped meanwhile by another vCPU */
    mfn = gnttab_act(rd->gnttab, m->ref)->mfn;
    if (rq->dev_bus_addr && rq->dev_bus_addr != mfn << PAGE_SHIFT)
        return PV_GNTST_general_error;
    if (rq->host_addr && (m->flags & PV_GNTMAP_host_map)) {
        if (unmap_location(v, rq->host_addr, m->flags) != m->pte)
            return PV_GNTST_general_error; /* not where this handle mapped the frame */
        if (rq->new_addr && (rc = take_replacement(v, m, mfn, rq->new_addr, &repl, &moved)))
            return rc;
        parts |= PV_GNTMAP_host_map;
    }
    if (rq->dev_bus_addr && (m->flags & PV_GNTMAP_device_map))
        parts |= PV_GNTMAP_device_map;
    if (moved != GNTTAB_NO_HANDLE)
        gnttab_map_entry(lgt, moved)->pte = m->pte;
    if (parts)
        undo(v->domain, rd, handle, parts, repl, &owed[v->processor]);
    return PV_GNTST_okay;
}

/* The granter of a live handle (read under ld's lock), or NULL. */
static struct domain *granter_of(struct domain *ld, uint32_t handle)
{
    struct gnttab *gt = ld->gnttab;
    struct domain *rd = NULL;

    spin_lock(&ld->mm_lock);
    if (handle < gt->maptrack_limit && gnttab_map_entry(gt, handle)->flags)
        rd = domain_by_id(gnttab_map_entry(gt, handle)->domid);
    spin_unlock(&ld->mm_lock);
    return rd;
}

int16_t gnttab_unmap(struct vcpu *v, uint32_t handle, uint64_t host_addr, uint64_t dev_bus_addr,
                     uint64_t new_addr)
{
    struct unmap_req rq = {host_addr, dev_bus_addr, new_addr};
    struct domain *ld = v->domain, *rd = granter_of(ld, handle);
    int16_t rc;

    if (!rd)
        return PV_GNTST_bad_handle;
    gnttab_lock_pair(ld, rd); /* the handle is checked again under both locks */
    rc = unmap_locked(v, rd, handle, &rq);
    gnttab_unlock_pair(ld, rd);
    return rc;
}

void gnttab_release_mappings(struct domain *d)
{
    struct gnttab *gt = d->gnttab;

    /* d runs no more: nothing but this changes its maptrack. */
    for (uint32_t h = 0; h < gt->maptrack_limit; h++) {
        struct gnttab_map *m = gnttab_map_entry(gt, h);
        struct domain *rd;

        if (!m->flags)
            continue;
        rd = domain_by_id(m->domid);
        BUG_ON(!rd);
        gnttab_lock_pair(d, rd);
        undo(d, rd, h, m->flags & MAP_PARTS, 0, NULL);
        gnttab_unlock_pair(d, rd);
    }
}
