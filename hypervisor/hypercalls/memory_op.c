/* memory_op: the reservation and M2P queries of a PV guest (pv-abi/memory_op.h). */
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
           op == PV_XENMEM_memory_map || op == PV_XENMEM_machine_memory_map;
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
    case PV_XENMEM_maximum_ram_page:
        return (long)frame_total();
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
    }
    return -PV_ENOSYS;
}
