/* guest-kit: grant tables, version 1 (docs/porting/grants.md; pv-abi/grant_table.h).
 *
 * Granting side: the domain's own table lives in frames the hypervisor allocates;
 * gk_gnttab_init() asks for them (GNTTABOP_query_size, GNTTABOP_setup_table) and maps them
 * read-write at GK_GNTTAB_VA. Entries are written directly: domid and frame first, a write
 * barrier, then the flags that make the grant live. Ending a grant is a compare-and-exchange of
 * (flags, domid) to 0 that refuses while the hypervisor shows the frame in use
 * (PV_GTF_reading / PV_GTF_writing).
 *
 * Using side: gk_gnttab_map() installs another domain's granted frame at a virtual address of
 * the kernel tables (or, with GK_GNTMAP_PTE, through the machine address of that address's L1
 * entry: PV_GNTMAP_contains_pte); gk_gnttab_unmap() undoes it; gk_gnttab_copy() copies
 * between grants and the domain's own frames, and struct gk_gnttab_copy_batch collects copies
 * into few hypercalls.
 *
 * Results: functions returning long give 0 or a negative PV_E* errno (the hypercall's, or
 * -PV_EINVAL / -PV_EBUSY / -PV_ENOSPC from the kit). The per-operation outcome of map, unmap and
 * copy is a PV_GNTST_* status, stored in the operation (m->status, op->status): the hypercall
 * returns 0 even when an operation is refused.
 */
#ifndef GK_GNTTAB_H
#define GK_GNTTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gk/hypercall.h"
#include "pv-abi/pv.h"

static inline long gk_hypercall_grant_table_op(unsigned int cmd, void *args, unsigned int count)
{
    return gk_hypercall(PV_HYPERCALL_grant_table_op, cmd, args, count, 0, 0);
}

/* Where the table frames are mapped (L4 slot 48 of the kernel tables). */
#define GK_GNTTAB_VA 0x0000180000000000ULL
/* Entries per table frame. */
#define GK_GNTTAB_PER_FRAME (4096 / sizeof(struct pv_grant_entry_v1))
/* The most frames the kit maps (the ABI's largest max_grant_frames). */
#define GK_GNTTAB_MAX_FRAMES 64

/* Ask for (at least) nr_frames table frames, capped at the domain's maximum, and map them.
 * Calling it again grows the table (it never shrinks). Returns 0 or an error: the hypercall's,
 * -PV_EIO if setup_table's status is not okay (logged), or a mapping error. */
long gk_gnttab_init(unsigned int nr_frames);
/* Frames and entries mapped now, and the domain's maximum (query_size), 0 before init. */
unsigned int gk_gnttab_nr_frames(void);
unsigned int gk_gnttab_max_frames(void);
unsigned int gk_gnttab_nr_entries(void);
/* The machine frame of table frame i (for tests), or GK_INVALID_FRAME. */
uint64_t gk_gnttab_frame_mfn(unsigned int i);
/* The entry of ref in the mapped table, or NULL if ref is beyond it. */
volatile struct pv_grant_entry_v1 *gk_gnttab_entry(pv_grant_ref_t ref);
/* The entry's flags right now (0xffff if ref is beyond the table). */
uint16_t gk_gnttab_flags(pv_grant_ref_t ref);

/* Let domid use machine frame mfn through entry ref (readonly: no writable use). The entry must
 * be PV_GTF_invalid: -PV_EBUSY otherwise; -PV_EINVAL if ref is beyond the table or one of the
 * toolstack's (below PV_GNTTAB_NR_RESERVED_ENTRIES). The kit does not check the frame: the
 * hypervisor refuses uses of a frame that is not the domain's (PV_GNTST_bad_page). */
long gk_gnttab_grant_ref(pv_grant_ref_t ref, pv_domid_t domid, uint64_t mfn, bool readonly);
/* The same with the lowest free reference the kit hands out (refs it gave and that were not
 * ended, or set with gk_gnttab_grant_ref, are not free). Returns the ref, or -PV_ENOSPC. */
long gk_gnttab_grant(pv_domid_t domid, uint64_t mfn, bool readonly);
/* End the grant: compare-and-exchange (flags, domid) to 0 unless the hypervisor shows the frame
 * in use. 0 (the grantee can no longer start a use), -PV_EBUSY (PV_GTF_reading or
 * PV_GTF_writing set: nothing changed, try again after the grantee unmapped), -PV_EINVAL
 * (ref beyond the table, or the entry was not a grant). */
long gk_gnttab_end(pv_grant_ref_t ref);
/* gk_gnttab_end, tried every millisecond for up to ms milliseconds while the grantee still uses
 * the frame (-PV_EBUSY): what a frontend does when its backend should have let go. */
long gk_gnttab_end_wait(pv_grant_ref_t ref, unsigned int ms);

/* Mapping flags for gk_gnttab_map. */
#define GK_GNTMAP_READONLY (1U << 0) /* PV_GNTMAP_readonly */
#define GK_GNTMAP_PTE (1U << 1)      /* name the L1 entry by machine address (contains_pte) */

struct gk_gnttab_map {
    uint64_t va;              /* where it is mapped */
    uint64_t host_addr;       /* what the hypervisor was given: va, or the L1 entry's address */
    uint64_t dev_bus_addr;    /* the frame's machine address */
    pv_grant_handle_t handle; /* for unmap */
    int16_t status;           /* PV_GNTST_* of the last map or unmap */
};

/* Map entry ref of domain dom at page-aligned va of the kernel tables (the L1 table is made if
 * missing; the entry there is replaced, and flushed from this CPU if it was present). Returns the hypercall's result or -PV_EINVAL /
 * -PV_ENOMEM from the kit; the grant outcome is m->status (PV_GNTST_okay when mapped). */
long gk_gnttab_map(pv_domid_t dom, pv_grant_ref_t ref, uint64_t va, unsigned int flags,
                   struct gk_gnttab_map *m);
/* Undo a mapping made by gk_gnttab_map (its host part). m->status as above. */
long gk_gnttab_unmap(struct gk_gnttab_map *m);

/* Run count copy operations (PV_GNTTABOP_copy); each op's status is its outcome. */
long gk_gnttab_copy(struct pv_gnttab_copy *ops, unsigned int count);

/* Fill a copy side: a grant (dom, ref) or the caller's own memory at a kernel virtual address
 * of the 1:1 mapping (its frame and offset). */
struct pv_gnttab_copy_ptr gk_gnttab_copy_gref(pv_domid_t dom, pv_grant_ref_t ref, uint16_t offset);
struct pv_gnttab_copy_ptr gk_gnttab_copy_local(const void *va);

/* Batched copies: operations queue up and go in one hypercall when the batch is full or
 * flushed. A flush keeps the statuses of its operations in op[] until the next add. */
#define GK_GNTTAB_COPY_BATCH 32
struct gk_gnttab_copy_batch {
    struct pv_gnttab_copy op[GK_GNTTAB_COPY_BATCH];
    unsigned int n;       /* queued */
    unsigned int flushed; /* operations of the last flush, statuses in op[0..flushed) */
    unsigned long done;   /* operations that ended PV_GNTST_okay since init */
    unsigned long failed; /* operations that ended otherwise since init */
    int16_t first_status; /* the first status other than okay since init, else okay */
    long rc;              /* first hypercall error, 0 if none */
};
void gk_gnttab_copy_batch_init(struct gk_gnttab_copy_batch *b);
/* Queue copies of len bytes from src to dst. A local side (not PV_GNTCOPY_*_gref) given by
 * gk_gnttab_copy_local is split where the buffer crosses a page of the 1:1 mapping, so that
 * no operation crosses a page of a local buffer; grant sides are not split (an offset + len
 * beyond 4096 on a grant is the hypervisor's PV_GNTST_bad_copy_arg). Returns b->rc. */
long gk_gnttab_copy_batch_add(struct gk_gnttab_copy_batch *b, struct pv_gnttab_copy_ptr src,
                              bool src_gref, struct pv_gnttab_copy_ptr dst, bool dst_gref,
                              uint16_t len);
long gk_gnttab_copy_batch_flush(struct gk_gnttab_copy_batch *b);

/* Copy len bytes between a local buffer (any alignment, may cross pages) and grant (dom, ref)
 * at offset: one batch. Returns the first status that was not PV_GNTST_okay, else okay (0). A
 * failed hypercall (only possible with a corrupt kit) is logged and given as
 * PV_GNTST_general_error. */
int gk_gnttab_copy_to(pv_domid_t dom, pv_grant_ref_t ref, uint16_t offset, const void *src,
                      uint16_t len);
int gk_gnttab_copy_from(pv_domid_t dom, pv_grant_ref_t ref, uint16_t offset, void *dst,
                        uint16_t len);

/* "okay", "general_error", ... for a PV_GNTST_* value. */
const char *gk_gntst_name(int status);

#endif /* GK_GNTTAB_H */
