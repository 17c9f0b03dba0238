/* grant_table_op(cmd, args, count) (pv-abi/grant_table.h): copy each sub-op's struct in, call
 * the grant table core (common/grant_*.c), copy its results back, and continue long batches
 * later, as Xen's do_grant_table_op does. Per-op results go in the structs; the hypercall's own
 * result is 0 or an errno for the call as a whole. */
#include "pv-abi/errno.h"
#include "grant_table.h"
#include "guest_access.h"
#include "pv-abi/hypercall.h"
#include "hypercall_table.h"
#include "x86/layout.h"

#define CMD_MASK 0xfffu /* Xen's GNTTABOP_CMD_MASK: higher bits carry cache_flush progress */

/* Xen's guest_handle_okay for a 64-bit PV guest: the array starts below the non-canonical hole
 * or above the hypervisor's range; whether it is mapped shows when it is copied. */
static bool array_ok(uint64_t p)
{
    return p < (1UL << 47) || p >= HV_VIRT_END;
}

#define STATUS_TO(at, type, op)                                                                    \
    (guest_copy_to((at) + offsetof(type, status), &(op).status, sizeof((op).status)) ? -PV_EFAULT  \
                                                                                     : 0)

/* ---- batches: one op at guest address `at`; 0 or -PV_EFAULT ---- */

typedef long one_op_fn(struct vcpu *v, uint64_t at);

static long map_one(struct vcpu *v, uint64_t at)
{
    struct pv_gnttab_map_grant_ref op;

    if (guest_copy_from(&op, at, sizeof(op)))
        return -PV_EFAULT;
    gnttab_map(v, &op);
    return guest_copy_to(at, &op, sizeof(op)) ? -PV_EFAULT : 0;
}

static long unmap_one(struct vcpu *v, uint64_t at)
{
    struct pv_gnttab_unmap_grant_ref op;

    if (guest_copy_from(&op, at, sizeof(op)))
        return -PV_EFAULT;
    op.status = gnttab_unmap(v, op.handle, op.host_addr, op.dev_bus_addr, 0);
    return STATUS_TO(at, struct pv_gnttab_unmap_grant_ref, op);
}

static long replace_one(struct vcpu *v, uint64_t at)
{
    struct pv_gnttab_unmap_and_replace op;

    if (guest_copy_from(&op, at, sizeof(op)))
        return -PV_EFAULT;
    op.status = gnttab_unmap(v, op.handle, op.host_addr, 0, op.new_addr);
    return STATUS_TO(at, struct pv_gnttab_unmap_and_replace, op);
}

static long copy_one(struct vcpu *v, uint64_t at)
{
    struct pv_gnttab_copy op;

    if (guest_copy_from(&op, at, sizeof(op)))
        return -PV_EFAULT;
    op.status = gnttab_copy(v->domain, &op);
    return STATUS_TO(at, struct pv_gnttab_copy, op);
}

static long swap_one(struct vcpu *v, uint64_t at)
{
    struct pv_gnttab_swap_grant_ref op;

    if (guest_copy_from(&op, at, sizeof(op)))
        return -PV_EFAULT;
    op.status = gnttab_swap_grant_ref(v->domain, op.ref_a, op.ref_b);
    return STATUS_TO(at, struct pv_gnttab_swap_grant_ref, op);
}

/* Run count ops of `size` bytes from uop; after each one, if the hypercall has run long, the
 * rest is left for a continuation (the guest re-issues the call for the ops not done). */
static long batch(struct vcpu *v, uint32_t cmd, uint64_t uop, uint32_t count, size_t size,
                  one_op_fn *one)
{
    if (!array_ok(uop))
        return -PV_EFAULT;
    for (uint32_t i = 0; i < count; i++) {
        long rc;

        if (i && hypercall_preempt_check())
            return hypercall_continue(PV_HYPERCALL_grant_table_op, cmd, uop + i * size, count - i,
                                      0);
        if ((rc = one(v, uop + i * size)))
            return rc;
    }
    return 0;
}

/* ---- single ops ---- */

static long setup_table(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct pv_gnttab_setup_table op;
    uint64_t mfns[GNTTAB_MAX_FRAMES];

    if (count != 1)
        return -PV_EINVAL;
    if (guest_copy_from(&op, uop, sizeof(op)) || !array_ok(op.frame_list))
        return -PV_EFAULT;
    op.status = gnttab_setup_table(v->domain, op.dom, op.nr_frames, mfns);
    for (uint32_t i = 0; op.status == PV_GNTST_okay && i < op.nr_frames; i++)
        if (guest_copy_to(op.frame_list + i * sizeof(mfns[0]), &mfns[i], sizeof(mfns[0])))
            op.status = PV_GNTST_bad_virt_addr;
    return STATUS_TO(uop, struct pv_gnttab_setup_table, op);
}

static long query_size(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct pv_gnttab_query_size op;

    if (count != 1)
        return -PV_EINVAL;
    if (guest_copy_from(&op, uop, sizeof(op)))
        return -PV_EFAULT;
    op.status = gnttab_query_size(v->domain, op.dom, &op.nr_frames, &op.max_nr_frames);
    return guest_copy_to(uop, &op, sizeof(op)) ? -PV_EFAULT : 0;
}

static long dump_table(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct pv_gnttab_dump_table op;

    if (count != 1)
        return -PV_EINVAL;
    if (guest_copy_from(&op, uop, sizeof(op)))
        return -PV_EFAULT;
    op.status = gnttab_dump_table(v->domain, op.dom);
    return STATUS_TO(uop, struct pv_gnttab_dump_table, op);
}

static long get_status_frames(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct pv_gnttab_get_status_frames op;

    if (count != 1)
        return -PV_EINVAL;
    if (guest_copy_from(&op, uop, sizeof(op)))
        return -PV_EFAULT;
    op.status = gnttab_get_status_frames(v->domain, op.dom, op.nr_frames);
    return STATUS_TO(uop, struct pv_gnttab_get_status_frames, op);
}

static long set_version(uint64_t uop)
{
    struct pv_gnttab_set_version op;
    long rc;

    if (guest_copy_from(&op, uop, sizeof(op)))
        return -PV_EFAULT;
    rc = gnttab_set_version(&op.version);
    return guest_copy_to(uop, &op, sizeof(op)) ? -PV_EFAULT : rc;
}

static long get_version(struct vcpu *v, uint64_t uop)
{
    struct pv_gnttab_get_version op;
    long rc;

    if (guest_copy_from(&op, uop, sizeof(op)))
        return -PV_EFAULT;
    if ((rc = gnttab_get_version(v->domain, op.dom, &op.version)))
        return rc;
    return guest_copy_to(uop + offsetof(struct pv_gnttab_get_version, version), &op.version,
                         sizeof(op.version))
               ? -PV_EFAULT
               : 0;
}

long hc_grant_table_op(struct vcpu *v, const uint64_t arg[5])
{
    uint32_t cmd = (uint32_t)arg[0], count = (uint32_t)arg[2];
    uint64_t uop = arg[1];

    if ((int32_t)count < 0 || ((cmd & ~CMD_MASK) && (cmd & CMD_MASK) != PV_GNTTABOP_cache_flush))
        return -PV_EINVAL;
    switch (cmd &= CMD_MASK) {
    case PV_GNTTABOP_map_grant_ref:
        return batch(v, cmd, uop, count, sizeof(struct pv_gnttab_map_grant_ref), map_one);
    case PV_GNTTABOP_unmap_grant_ref:
        return batch(v, cmd, uop, count, sizeof(struct pv_gnttab_unmap_grant_ref), unmap_one);
    case PV_GNTTABOP_unmap_and_replace:
        return batch(v, cmd, uop, count, sizeof(struct pv_gnttab_unmap_and_replace), replace_one);
    case PV_GNTTABOP_copy:
        return batch(v, cmd, uop, count, sizeof(struct pv_gnttab_copy), copy_one);
    case PV_GNTTABOP_swap_grant_ref:
        return batch(v, cmd, uop, count, sizeof(struct pv_gnttab_swap_grant_ref), swap_one);
    case PV_GNTTABOP_setup_table:
        return setup_table(v, uop, count);
    case PV_GNTTABOP_query_size:
        return query_size(v, uop, count);
    case PV_GNTTABOP_dump_table:
        return dump_table(v, uop, count);
    case PV_GNTTABOP_get_status_frames:
        return get_status_frames(v, uop, count);
    case PV_GNTTABOP_set_version:
        return set_version(uop);
    case PV_GNTTABOP_get_version:
        return get_version(v, uop);
    }
    return -PV_ENOSYS; /* transfer, cache_flush, and unknown sub-ops */
}
