/* Grant tables, version 1 (ABI: pv-abi/grant_table.h): each domain's table of grant entries in
 * frames shared with it, the hypervisor's record of the entries in use (pins), the mappings a
 * domain holds of other domains' grants (maptrack), and the operations on them. The
 * GNTTABOP_* decoding lives in hypercalls/grant_table.c; table lifetime and the small sub-ops in
 * common/grant_table.c, pins in grant_pin.c, map/unmap in grant_map.c, copy in grant_copy.c.
 *
 * Results are PV_GNTST_* (0 or negative), or -PV_E* where Xen returns an errno. Locking: a
 * domain's table, pins and maptrack change under its mm_lock, with the frame references and L1
 * entries they account for; an operation between two domains holds both locks, taken in
 * ascending domid order. Frames another domain maps stay allocated after their owner is reaped,
 * and so does the owner's table while any entry is pinned: the last unmap frees them. */
#ifndef HV_GNTTAB_H
#define HV_GNTTAB_H
#include "domain.h"
#include "pv-abi/grant_table.h"

#define GNTTAB_DEFAULT_MAX_FRAMES 32 /* xl's default max_grant_frames */
#define GNTTAB_MAX_FRAMES 64         /* Xen's gnttab_max_frames: the most a domain may be given */
#define GNTTAB_ENTRIES_PER_FRAME 512 /* 8-byte v1 entries */
#define GNTTAB_MAPTRACK_FRAMES 1024  /* Xen's max_maptrack_frames: the most a domain may be given,
                                      * and its default (262144 mapping handles) */
#define GNTTAB_MAPTRACK_PER_DIR (PAGE_SIZE / sizeof(uint64_t)) /* maptrack mfns in a dir page */

/* Domain lifetime. gnttab_init at creation: a table of one frame (Xen's initial size), no
 * entry valid (refs 0 and 1 stay for a toolstack's console and xenstore backends; the builder
 * fills ref 1 for a domain built with "xenstore", granting its store page to dom0). When the domain is reaped: gnttab_release_mappings first
 * (no lock held) undoes every mapping it holds; gnttab_destroy, under d->mm_lock after
 * frame_release_all, frees the table, or leaves that to the last unmap of its entries. */
int gnttab_init(struct domain *d); /* 0 or -PV_ENOMEM */
void gnttab_release_mappings(struct domain *d);
void gnttab_destroy(struct domain *d);

/* The sub-ops, for a vCPU of domain `caller`. `dom` may be PV_DOMID_SELF; another domain needs
 * privilege (PV_GNTST_permission_denied; get_version: -PV_EPERM). */
int16_t gnttab_setup_table(struct domain *caller, unsigned dom, unsigned nr_frames,
                           uint64_t mfns[GNTTAB_MAX_FRAMES]);
int16_t gnttab_query_size(struct domain *caller, unsigned dom, uint32_t *nr, uint32_t *max);
int16_t gnttab_dump_table(struct domain *caller, unsigned dom);
/* set_version: *version in, the table's version (1) out; 0, -PV_ENOSYS for 2, -PV_EINVAL. */
int gnttab_set_version(uint32_t *version);
int gnttab_get_version(struct domain *caller, unsigned dom, uint32_t *version);
int16_t gnttab_get_status_frames(struct domain *caller, unsigned dom, unsigned nr_frames);
int16_t gnttab_swap_grant_ref(struct domain *caller, uint32_t ref_a, uint32_t ref_b);
/* map_grant_ref: fills op->status, and on success op->handle and op->dev_bus_addr. */
void gnttab_map(struct vcpu *v, struct pv_gnttab_map_grant_ref *op);
/* unmap_grant_ref (new_addr 0) and unmap_and_replace (dev_bus_addr 0). */
int16_t gnttab_unmap(struct vcpu *v, uint32_t handle, uint64_t host_addr, uint64_t dev_bus_addr,
                     uint64_t new_addr);
int16_t gnttab_copy(struct domain *caller, const struct pv_gnttab_copy *op);

/* ---- inside common/grant_*.c ---- */

/* The hypervisor's record of an entry in use (Xen's active entry), 16 bytes. */
struct gnttab_active {
    uint32_t pin;   /* uses under way, by kind: GNTPIN_* counters of 8 bits */
    uint16_t domid; /* the grantee, fixed while pinned */
    uint16_t pad;
    uint64_t mfn; /* the frame, fixed while pinned */
};
#define GNTPIN_HOST_W 0x00000001u /* writable host mappings and copies into the frame */
#define GNTPIN_HOST_R 0x00000100u /* read-only host mappings and copies from it */
#define GNTPIN_DEV_W 0x00010000u  /* writable device mappings */
#define GNTPIN_DEV_R 0x01000000u  /* read-only device mappings */
#define GNTPIN_W_MASK 0x00ff00ffu
#define GNTPIN_FULL 0x80808080u /* a counter at half its range: no more uses */
#define GNTTAB_ACTIVE_PER_PAGE (PAGE_SIZE / sizeof(struct gnttab_active))

/* One mapping handle (Xen's grant_mapping), 16 bytes. */
struct gnttab_map {
    uint32_t ref;   /* grant reference; while free, the next free handle */
    uint16_t flags; /* PV_GNTMAP_* bits 0-4 of the parts still mapped; 0: free */
    uint16_t domid; /* the granting domain */
    uint64_t pte;   /* host mapping: machine address of its L1 entry */
};
#define GNTTAB_MAPS_PER_PAGE (PAGE_SIZE / sizeof(struct gnttab_map))
#define GNTTAB_NO_HANDLE 0xffffffffu

/* A domain's grant state: one hypervisor page, referring to others by mfn. */
struct gnttab {
    uint64_t self_mfn;                         /* this page */
    bool dead;                                 /* owner reaped: freed when nr_pinned drops to 0 */
    unsigned nr_frames;                        /* shared table frames (entries: nr_frames * 512) */
    unsigned nr_pinned;                        /* active entries with a non-zero pin */
    unsigned maptrack_limit;                   /* handles with storage */
    unsigned maptrack_free;                    /* first free handle, or GNTTAB_NO_HANDLE */
    unsigned maptrack_max;                     /* pages of handles it may have (max_maptrack_frames) */
    uint64_t shared[GNTTAB_MAX_FRAMES];        /* the table, shared with the owner */
    uint64_t active[GNTTAB_MAX_FRAMES * 2];    /* pages of struct gnttab_active */
    /* pages listing the mfns of the pages of struct gnttab_map */
    uint64_t maptrack_dir[GNTTAB_MAPTRACK_FRAMES / GNTTAB_MAPTRACK_PER_DIR];
};

/* grant_table.c: entries, and the domain an operation names. */
struct pv_grant_entry_v1 *gnttab_entry(const struct gnttab *gt, uint32_t ref);
struct gnttab_active *gnttab_act(const struct gnttab *gt, uint32_t ref);
/* The record of mapping handle `handle` (below gt->maptrack_limit; grant_map.c). */
struct gnttab_map *gnttab_map_entry(const struct gnttab *gt, uint32_t handle);
uint64_t gnttab_page_alloc(void); /* a zeroed hypervisor frame, or FRAME_NONE */
/* Lock a's and b's mm_lock (one lock if a == b) in ascending domid order, and unlock. */
void gnttab_lock_pair(struct domain *a, struct domain *b);
void gnttab_unlock_pair(struct domain *a, struct domain *b);
/* The live table of d (locked), or NULL once it is dead. */
struct gnttab *gnttab_live(const struct domain *d);

/* grant_pin.c: pin entry ref of rd's table for domain ldom (Xen's checks: PV_GNTST_bad_gntref,
 * PV_GNTST_general_error, PV_GNTST_bad_page), adding `use` (one GNTPIN_* counter) and setting
 * GTF_reading/GTF_writing; *mfn is the frame. Unpinning clears the flags when the last use of
 * a kind ends, and frees a dead domain's table when its last pin goes. */
int16_t gnttab_pin(struct domain *rd, uint32_t ref, uint16_t ldom, uint32_t use, bool map,
                   uint64_t *mfn);
void gnttab_unpin(struct domain *rd, uint32_t ref, uint32_t use);
/* Drop a grant reference on rd's frame (mm_put_grant_ref); the last one of a reaped domain's
 * frame frees it. */
void gnttab_put_frame(struct domain *rd, uint64_t mfn, bool writable);
/* Free the storage of a dead table with no pins left (grant_table.c). */
void gnttab_free(struct domain *d);

#endif
