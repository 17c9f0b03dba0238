/* grant_table_op(cmd, args, count) (pv-abi/grant_table.h): copy each sub-op's struct in, call
 * the grant table core (common/grant_*.c), copy its results back, and continue long batches
 * later, as Xen's do_grant_table_op does. Per-op results go in the structs; the hypercall's own
 * result is 0 or an errno for the call as a whole. */
#include "pv-abi/errno.h"
#include "grant_table.h"
#include "guest_access.h"
#include "pv-abi/hypercall.h"
#include "hypercall_table.h"

#define CMD_MASK 0xfffu /* Xen's GNTTABOP_CMD_MASK: higher bits carry cache_flush progress */

/* Write an op's status field back: 0 or -PV_EFAULT. */
#define STATUS_TO(at, op)                                                                          \
    (guest_copy_to(guest_handle_add(at, offsetof(typeof(op), status)), &(op).status,              \
                   sizeof((op).status))                                                            \
         ? -PV_EFAULT                                                                              \
         : 0)

/* ---- batches: one op, copied in from guest address `at` (hypercall_batch) ---- */

static enum hc_step map_one(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_map_grant_ref *op = e;

    gnttab_map(v, op);
    return hc_step_rc(rc, guest_copy_to(at, op, sizeof(*op)) ? -PV_EFAULT : 0);
}

static enum hc_step unmap_one(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_unmap_grant_ref *op = e;

    op->status = gnttab_unmap(v, op->handle, op->host_addr, op->dev_bus_addr, 0);
    return hc_step_rc(rc, STATUS_TO(at, *op));
}

static enum hc_step replace_one(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_unmap_and_replace *op = e;

    op->status = gnttab_unmap(v, op->handle, op->host_addr, 0, op->new_addr);
    return hc_step_rc(rc, STATUS_TO(at, *op));
}

static enum hc_step copy_one(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_copy *op = e;

    op->status = gnttab_copy(v, op);
    return hc_step_rc(rc, STATUS_TO(at, *op));
}

static enum hc_step swap_one(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_swap_grant_ref *op = e;

    op->status = gnttab_swap_grant_ref(v->domain, op->ref_a, op->ref_b);
    return hc_step_rc(rc, STATUS_TO(at, *op));
}

/* Run count ops of `size` bytes from uop (whose start must be a guest address, Xen's
 * guest_handle_okay); a long batch continues with the ops not done (Xen's count/arg advance).
 * Unmaps share one TLB flush at the end of the batch (or of its part before a continuation);
 * copies keep two domains' locks from op to op, let go there too. Not inlined: inside
 * hc_grant_table_op it made the map+unmap pair 3 % slower (TCG's blocks, docs/benchmarks.md). */
static NOINLINE long batch(struct vcpu *v, uint32_t cmd, guest_handle uop, uint32_t count, size_t size,
                  hc_step_fn *one)
{
    struct hc_batch b = {.at = uop, .left = count, .size = (uint32_t)size};
    bool more;

    if (!guest_range_ok(uop.gva, 1))
        return -PV_EFAULT;
    if (cmd == PV_GNTTABOP_unmap_grant_ref || cmd == PV_GNTTABOP_copy)
        cmd == PV_GNTTABOP_copy ? gnttab_copy_batch(v, true) : gnttab_unmap_batch(v, true);
    more = hypercall_batch(v, &b, one);
    if (cmd == PV_GNTTABOP_unmap_grant_ref || cmd == PV_GNTTABOP_copy)
        cmd == PV_GNTTABOP_copy ? gnttab_copy_batch(v, false) : gnttab_unmap_batch(v, false);
    if (more)
        return hypercall_continue(PV_HYPERCALL_grant_table_op, 4,
                                  (const uint64_t[]){cmd, b.at.gva, b.left, 0});
    return b.rc;
}

/* ---- single ops: a batch of one struct ---- */

/* Write n frame numbers to frame_list: PV_GNTST_bad_virt_addr if one does not go. */
static int16_t frames_to(uint64_t frame_list, const uint64_t *mfns, uint32_t n)
{
    int16_t status = PV_GNTST_okay;

    for (uint32_t i = 0; i < n; i++)
        if (guest_copy_to(guest_handle_of(frame_list + i * sizeof(mfns[0])), &mfns[i], 8))
            status = PV_GNTST_bad_virt_addr;
    return status;
}

static enum hc_step setup_table(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_setup_table *op = e;
    uint64_t mfns[GNTTAB_MAX_FRAMES];

    if (!guest_range_ok(op->frame_list, 1))
        return hc_step_rc(rc, -PV_EFAULT);
    op->status = gnttab_setup_table(v->domain, op->dom, op->nr_frames, mfns);
    if (op->status == PV_GNTST_okay)
        op->status = frames_to(op->frame_list, mfns, op->nr_frames);
    return hc_step_rc(rc, STATUS_TO(at, *op));
}

static enum hc_step query_size(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_query_size *op = e;

    op->status = gnttab_query_size(v->domain, op->dom, &op->nr_frames, &op->max_nr_frames);
    return hc_step_rc(rc, guest_copy_to(at, op, sizeof(*op)) ? -PV_EFAULT : 0);
}

static enum hc_step dump_table(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_dump_table *op = e;

    op->status = gnttab_dump_table(v->domain, op->dom);
    return hc_step_rc(rc, STATUS_TO(at, *op));
}

static enum hc_step get_status_frames(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_get_status_frames *op = e;
    uint64_t mfns[GNTTAB_STATUS_FRAMES(GNTTAB_MAX_FRAMES)];

    op->status = gnttab_get_status_frames(v->domain, op->dom, op->nr_frames, mfns);
    if (op->status == PV_GNTST_okay)
        op->status = frames_to(op->frame_list, mfns, op->nr_frames);
    return hc_step_rc(rc, STATUS_TO(at, *op));
}

/* set_version writes the version back whatever the outcome; get_version only on success. */
static enum hc_step set_version(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_set_version *op = e;
    long r = gnttab_set_version(v->domain, &op->version);

    return hc_step_rc(rc, guest_copy_to(at, op, sizeof(*op)) ? -PV_EFAULT : r);
}

static enum hc_step get_version(struct vcpu *v, void *e, guest_handle at, long *rc)
{
    struct pv_gnttab_get_version *op = e;
    long r = gnttab_get_version(v->domain, op->dom, &op->version);

    at = guest_handle_add(at, offsetof(struct pv_gnttab_get_version, version));
    if (r || guest_copy_to(at, &op->version, sizeof(op->version)))
        return hc_step_rc(rc, r ? r : -PV_EFAULT);
    return HC_NEXT;
}

#define OP(type, single, step) {sizeof(struct pv_gnttab_##type), single, step}
static const struct {
    uint8_t size;
    bool single; /* one struct whatever count says (which must be 1 for the first four) */
    hc_step_fn *step;
} ops[] = {
    [PV_GNTTABOP_setup_table] = OP(setup_table, true, setup_table),
    [PV_GNTTABOP_query_size] = OP(query_size, true, query_size),
    [PV_GNTTABOP_dump_table] = OP(dump_table, true, dump_table),
    [PV_GNTTABOP_get_status_frames] = OP(get_status_frames, true, get_status_frames),
    [PV_GNTTABOP_set_version] = OP(set_version, true, set_version),
    [PV_GNTTABOP_get_version] = OP(get_version, true, get_version),
    [PV_GNTTABOP_map_grant_ref] = OP(map_grant_ref, false, map_one),
    [PV_GNTTABOP_unmap_grant_ref] = OP(unmap_grant_ref, false, unmap_one),
    [PV_GNTTABOP_unmap_and_replace] = OP(unmap_and_replace, false, replace_one),
    [PV_GNTTABOP_copy] = OP(copy, false, copy_one),
    [PV_GNTTABOP_swap_grant_ref] = OP(swap_grant_ref, false, swap_one),
};

long hc_grant_table_op(struct vcpu *v, unsigned int cmd, guest_handle uop, unsigned int count)
{
    if ((int32_t)count < 0 || ((cmd & ~CMD_MASK) && (cmd & CMD_MASK) != PV_GNTTABOP_cache_flush))
        return -PV_EINVAL;
    if (count != 1 && (cmd == PV_GNTTABOP_setup_table || cmd == PV_GNTTABOP_query_size ||
                       cmd == PV_GNTTABOP_dump_table || cmd == PV_GNTTABOP_get_status_frames))
        return -PV_EINVAL;
    cmd &= CMD_MASK;
    if (cmd >= ARRAY_SIZE(ops) || !ops[cmd].step)
        return -PV_ENOSYS; /* transfer, cache_flush, and unknown sub-ops */
    return batch(v, cmd, uop, ops[cmd].single ? 1 : count, ops[cmd].size, ops[cmd].step);
}
