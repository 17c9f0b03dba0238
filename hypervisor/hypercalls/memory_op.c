/* memory_op: the reservation and M2P queries of a PV guest, dom0's machine memory map, and
 * XENMEM_exchange (pv-abi/memory_op.h). */
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "pv-abi/hypercall.h"
#include "hypercall_table.h"
#include "frame.h"
#include "x86/layout.h"
#include "pv-abi/memory_op.h"
#include "lib.h"
#include "mm.h"
#include "paging.h"
#include "pv-abi/shared_info.h"

/* The domain a query names: DOMID_SELF or its own id; others need privilege. */
static struct domain *target_domain(struct vcpu *v, guest_handle arg, long *err)
{
    uint16_t domid;
    struct domain *d;

    if (guest_copy_from(&domid, arg, sizeof(domid))) {
        *err = -PV_EFAULT;
        return NULL;
    }
    if (domid == PV_DOMID_SELF || domid == v->domain->domid)
        return v->domain;
    d = domain_by_id(domid);
    *err = !d ? -PV_ESRCH : -PV_EPERM;
    return d && v->domain->privileged ? d : NULL;
}

static long machphys_mfn_list(guest_handle arg)
{
    struct pv_machphys_mfn_list l;
    uint64_t chunks = ALIGN_UP(m2p_nr_entries() * 8, 1UL << 21) >> 21;

    if (guest_copy_from(&l, arg, sizeof(l)))
        return -PV_EFAULT;
    for (l.nr_extents = 0; l.nr_extents < l.max_extents && l.nr_extents < chunks; l.nr_extents++) {
        uint64_t mfn = m2p_chunk_mfn(l.nr_extents);

        if (guest_copy_to(guest_handle_of(l.extent_start + l.nr_extents * 8), &mfn, 8))
            return -PV_EFAULT;
    }
    return guest_copy_to(arg, &l, sizeof(l)) ? -PV_EFAULT : 0;
}

static long memory_map(struct domain *d, guest_handle arg)
{
    struct pv_memory_map map;
    struct pv_e820_entry ram = {.addr = 0, .size = d->ram_bytes, .type = PV_E820_RAM};

    if (guest_copy_from(&map, arg, sizeof(map)))
        return -PV_EFAULT;
    if (!d->ram_bytes)
        return -PV_ENOSYS; /* as Xen, for a domain whose builder set no map */
    map.nr_entries = map.nr_entries ? 1 : 0;
    if (map.nr_entries && guest_copy_to(guest_handle_of(map.buffer), &ram, sizeof(ram)))
        return -PV_EFAULT;
    return guest_copy_to(arg, &map, sizeof(map)) ? -PV_EFAULT : 0;
}

/* Put a reserved entry for [first, last] machine frames into the sorted map e[0..n) unless an
 * entry already overlaps it; returns the new count. */
static unsigned add_reserved(struct pv_e820_entry *e, unsigned n, uint64_t first, uint64_t last)
{
    uint64_t a = first << PAGE_SHIFT, end = (last + 1) << PAGE_SHIFT;
    unsigned i = 0;

    for (unsigned k = 0; k < n; k++)
        if (e[k].addr < end && e[k].addr + e[k].size > a)
            return n;
    while (i < n && e[i].addr < a)
        i++;
    memmove(&e[i + 1], &e[i], (n - i) * sizeof(*e));
    e[i] = (struct pv_e820_entry){.addr = a, .size = end - a, .type = PV_E820_RESERVED};
    return n + 1;
}

/* Xen's XENMEM_machine_memory_map for the initial domain: the host's map as the loader gave it,
 * plus reserved entries for the windows in its holes that dom0 may not map (mm_io_denied). */
static long machine_memory_map(struct vcpu *v, guest_handle arg)
{
    const struct boot_info *bi = arch_boot_info();
    struct pv_e820_entry e[BOOT_MAX_E820 + 2];
    struct pv_memory_map map;
    unsigned n = 0;

    if (!v->domain->privileged)
        return -PV_EPERM;
    if (guest_copy_from(&map, arg, sizeof(map)))
        return -PV_EFAULT;
    for (unsigned i = 0; i < bi->nr_e820; i++)
        e[n++] = (struct pv_e820_entry){bi->e820[i].addr, bi->e820[i].size, bi->e820[i].type};
    n = add_reserved(e, n, MM_IOAPIC_MFN, MM_IOAPIC_MFN);
    n = add_reserved(e, n, MM_MSI_FIRST_MFN, MM_MSI_LAST_MFN);
    if (map.nr_entries < n)
        return -PV_EINVAL; /* Xen: the buffer must hold the whole map */
    map.nr_entries = n;
    if (guest_copy_to(guest_handle_of(map.buffer), e, n * sizeof(*e)))
        return -PV_EFAULT;
    return guest_copy_to(arg, &map, sizeof(map)) ? -PV_EFAULT : 0;
}

/* XENMEM_exchange: the largest extent order (Xen: 9 for a domU, 12 for the hardware domain;
 * here 9 for every domain, which bounds one chunk to 512 frames). */
#define EXCHANGE_MAX_ORDER 9

struct exchange_chunk {
    uint64_t in[1u << EXCHANGE_MAX_ORDER]; /* the frames given up */
    uint64_t out_pfn[1u << EXCHANGE_MAX_ORDER], out_mfn[1u << EXCHANGE_MAX_ORDER];
    unsigned nr_in, nr_out;
};

static void drop_refs(const struct exchange_chunk *c, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        mm_put_page(c->in[i]);
}

/* Each input frame must be one of d's memory that nothing maps, pins or grants: one general
 * reference of ours on each (a frame named twice then fails), as Xen's steal_page. */
static long hold_inputs(struct domain *d, struct exchange_chunk *c)
{
    for (unsigned i = 0; i < c->nr_in; i++) {
        struct page_info *pg = frame_info(c->in[i]);

        if (!frame_in_memory_of(d, c->in[i]) || mm_get_page(c->in[i], d)) {
            drop_refs(c, i);
            return -PV_EINVAL;
        }
        if (pg->count != 1 || (pg->type_info & PGT_count_mask)) {
            drop_refs(c, i + 1);
            return -PV_EINVAL;
        }
    }
    return 0;
}

/* All or nothing: the new extents are allocated before any input frame is given back. */
static long swap_frames(struct domain *d, struct exchange_chunk *c, unsigned order, uint64_t limit)
{
    unsigned per = 1u << order, k;

    for (k = 0; k < c->nr_out; k++)
        if ((c->out_mfn[k] = frame_alloc_run(order, limit)) == FRAME_NONE)
            break;
    if (k < c->nr_out) {
        while (k--)
            for (unsigned p = 0; p < per; p++)
                frame_free(c->out_mfn[k] + p);
        return -PV_ENOMEM;
    }
    for (unsigned i = 0; i < c->nr_in; i++) {
        mm_put_page(c->in[i]);
        m2p_set(c->in[i], M2P_INVALID);
        frame_release_one(d, c->in[i]);
    }
    for (k = 0; k < c->nr_out; k++)
        for (unsigned p = 0; p < per; p++) {
            memset(mfn_to_virt(c->out_mfn[k] + p), 0, PAGE_SIZE);
            frame_assign(d, c->out_mfn[k] + p);
            m2p_set(c->out_mfn[k] + p, c->out_pfn[k] + p);
        }
    return 0;
}

/* Read chunk `i`'s input extents (expanded to frames) and output pfns. */
static long read_chunk(const struct pv_memory_exchange *x, uint64_t i, struct exchange_chunk *c)
{
    unsigned in_per = c->nr_in >> x->in.extent_order;

    for (unsigned j = 0; j < in_per; j++) {
        uint64_t mfn;

        if (guest_copy_from(&mfn, guest_handle_of(x->in.extent_start + (i * in_per + j) * 8), 8))
            return -PV_EFAULT;
        for (unsigned p = 0; p < 1u << x->in.extent_order; p++)
            c->in[(j << x->in.extent_order) + p] = mfn + p;
    }
    for (unsigned k = 0; k < c->nr_out; k++)
        if (guest_copy_from(&c->out_pfn[k],
                            guest_handle_of(x->out.extent_start + (i * c->nr_out + k) * 8), 8))
            return -PV_EFAULT;
    return 0;
}

static long exchange_chunk(struct domain *d, const struct pv_memory_exchange *x, uint64_t i,
                           struct exchange_chunk *c)
{
    unsigned bits = x->out.mem_flags & 0xff;
    uint64_t limit = bits > PAGE_SHIFT && bits < 64 ? 1ULL << (bits - PAGE_SHIFT) : ~0ULL;
    long rc = read_chunk(x, i, c);

    if (rc)
        return rc;
    spin_lock(&d->mm_lock);
    if (!(rc = hold_inputs(d, c)) && (rc = swap_frames(d, c, x->out.extent_order, limit)))
        drop_refs(c, c->nr_in);
    spin_unlock(&d->mm_lock);
    for (unsigned k = 0; !rc && k < c->nr_out; k++)
        if (guest_copy_to(guest_handle_of(x->out.extent_start + (i * c->nr_out + k) * 8),
                          &c->out_mfn[k], 8))
            rc = -PV_EFAULT;
    return rc;
}

static bool own_domid(const struct vcpu *v, pv_domid_t domid)
{
    return domid == PV_DOMID_SELF || domid == v->domain->domid;
}

/* Trade frames for machine-contiguous extents below 2^address_bits (Linux's swiotlb-xen and
 * DMA-coherent buffers). Chunks of max(2^in_order, 2^out_order) pages are exchanged whole or
 * not at all; nr_exchanged counts the input extents done and is the continuation point. */
static long exchange(struct vcpu *v, guest_handle arg)
{
    struct exchange_chunk chunk, *c = &chunk; /* 12 KiB of the 64 KiB stack */
    struct pv_memory_exchange x;
    unsigned big;
    long rc = 0;

    if (guest_copy_from(&x, arg, sizeof(x)))
        return -PV_EFAULT;
    if (x.in.extent_order > EXCHANGE_MAX_ORDER || x.out.extent_order > EXCHANGE_MAX_ORDER)
        return -PV_EPERM;
    big = MAX(x.in.extent_order, x.out.extent_order);
    if (x.in.nr_extents >> 32 || x.out.nr_extents >> 32 || x.nr_exchanged > x.in.nr_extents ||
        (x.in.nr_extents << x.in.extent_order) != (x.out.nr_extents << x.out.extent_order) ||
        (x.nr_exchanged << x.in.extent_order) & ((1ULL << big) - 1))
        return -PV_EINVAL;
    if (!own_domid(v, x.in.domid) || !own_domid(v, x.out.domid))
        return -PV_EPERM; /* another domain's memory: not here (Xen: privileged only) */
    c->nr_in = 1u << big;
    c->nr_out = 1u << (big - x.out.extent_order);
    while (!rc && x.nr_exchanged < x.in.nr_extents) {
        rc = exchange_chunk(v->domain, &x, (x.nr_exchanged << x.in.extent_order) >> big, c);
        if (!rc)
            x.nr_exchanged += 1u << (big - x.in.extent_order);
        if (!rc && hypercall_preempt_check())
            break;
    }
    if (guest_copy_to(guest_handle_add(arg, offsetof(struct pv_memory_exchange, nr_exchanged)),
                      &x.nr_exchanged, 8))
        return -PV_EFAULT;
    if (!rc && x.nr_exchanged < x.in.nr_extents)
        return hypercall_continue(PV_HYPERCALL_memory_op, 2,
                                  (const uint64_t[]){PV_XENMEM_exchange, arg.gva});
    return rc;
}

static long machphys_mapping(guest_handle arg)
{
    struct pv_machphys_mapping m = {.v_start = M2P_VIRT_START, .v_end = M2P_VIRT_END,
                                    .max_mfn = (M2P_VIRT_END - M2P_VIRT_START) / 8 - 1};

    return guest_copy_to(arg, &m, sizeof(m)) ? -PV_EFAULT : 0;
}

static bool implemented(uint64_t op)
{
    return op == PV_XENMEM_maximum_ram_page || op == PV_XENMEM_current_reservation ||
           op == PV_XENMEM_maximum_reservation || op == PV_XENMEM_maximum_gpfn ||
           op == PV_XENMEM_machphys_mfn_list || op == PV_XENMEM_machphys_mapping ||
           op == PV_XENMEM_memory_map || op == PV_XENMEM_machine_memory_map ||
           op == PV_XENMEM_exchange || op == PV_XENMEM_acquire_resource;
}

long hc_memory_op(struct vcpu *v, unsigned long cmd, guest_handle arg)
{
    struct domain *d;
    long err = 0;

    /* The low 6 bits are the sub-op, the rest a continuation's start extent, which none of the
     * queries takes (Xen: -EINVAL). */
    if ((cmd >> 6) && implemented(cmd & 0x3f))
        return -PV_EINVAL;
    switch (cmd & 0x3f) {
    case PV_XENMEM_increase_reservation:
    case PV_XENMEM_decrease_reservation:
    case PV_XENMEM_populate_physmap:
        return memory_reservation_op(v, cmd, arg);
    case PV_XENMEM_maximum_ram_page:
        return (long)frame_nr;
    case PV_XENMEM_current_reservation:
    case PV_XENMEM_maximum_reservation:
    case PV_XENMEM_maximum_gpfn:
        if (!(d = target_domain(v, arg, &err)))
            return err;
        if ((cmd & 0x3f) == PV_XENMEM_current_reservation)
            return (long)d->tot_pages;
        if ((cmd & 0x3f) == PV_XENMEM_maximum_reservation)
            return (long)d->max_pages;
        return (long)(d->shared_info->arch.max_pfn ? d->shared_info->arch.max_pfn : 1) - 1;
    case PV_XENMEM_machphys_mfn_list:
        return machphys_mfn_list(arg);
    case PV_XENMEM_machphys_mapping:
        return machphys_mapping(arg);
    case PV_XENMEM_memory_map:
        return memory_map(v->domain, arg);
    case PV_XENMEM_machine_memory_map:
        return machine_memory_map(v, arg);
    case PV_XENMEM_exchange:
        return exchange(v, arg);
    case PV_XENMEM_acquire_resource:
        return memory_acquire_resource(v, arg);
    }
    return -PV_ENOSYS;
}
