/* Grant tables, versions 1 and 2 (ABI: pv-abi/grant_table.h): each domain's table of grant
 * entries in frames shared with it (and with version 2 the status frames holding the entries'
 * in-use flags), the hypervisor's record of the entries in use (pins), the mappings a domain
 * holds of other domains' grants (maptrack), and the operations on them. The GNTTABOP_*
 * decoding lives in hypercalls/grant_table.c; table lifetime and the small sub-ops in
 * common/grant_table.c, the version and status frames in grant_version.c, pins in grant_pin.c,
 * map/unmap in grant_map.c, copy in grant_copy.c.
 *
 * Results are PV_GNTST_* (0 or negative), or -PV_E* where Xen returns an errno. Locking: a
 * domain's table, pins and maptrack change under its mm_lock, with the frame references and L1
 * entries they account for; an operation between two domains holds both locks, taken in
 * ascending domid order. Frames another domain maps stay allocated after their owner is reaped,
 * and so does the owner's table while any entry is pinned: the last unmap frees them. */
#ifndef HV_GNTTAB_H
#define HV_GNTTAB_H
#include "domain.h"
#include "mm.h"
#include "pv-abi/grant_table.h"

#define GNTTAB_DEFAULT_MAX_FRAMES 32 /* xl's default max_grant_frames */
#define GNTTAB_MAX_FRAMES 64         /* Xen's gnttab_max_frames: the most a domain may be given */
#define GNTTAB_ENTRIES_PER_FRAME 512 /* 8-byte v1 entries */
#define GNTTAB_V2_PER_FRAME 256      /* 16-byte v2 entries */
#define GNTTAB_STATUS_PER_FRAME 2048 /* 2-byte v2 status words */
/* The status frames of a version 2 table of nr frames (Xen's grant_to_status_frames). */
#define GNTTAB_STATUS_FRAMES(nr) (((nr) * GNTTAB_V2_PER_FRAME + GNTTAB_STATUS_PER_FRAME - 1) / \
                                  GNTTAB_STATUS_PER_FRAME)
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
/* set_version of the caller's own table (grant_version.c): *version in, the table's version out
 * whatever the outcome; 0, -PV_EINVAL, -PV_ENOSYS (beyond the domain's max_version), -PV_EBUSY
 * (entries from 8 up in use, or status frames mapped), -PV_ERANGE (a reserved entry version 1
 * cannot hold), -PV_ENOMEM. */
int gnttab_set_version(struct domain *caller, uint32_t *version);
int gnttab_get_version(struct domain *caller, unsigned dom, uint32_t *version);
/* The first nr_frames status frames of dom's table (a version 1 table has none). */
int16_t gnttab_get_status_frames(struct domain *caller, unsigned dom, unsigned nr_frames,
                                 uint64_t mfns[GNTTAB_STATUS_FRAMES(GNTTAB_MAX_FRAMES)]);
int16_t gnttab_swap_grant_ref(struct domain *caller, uint32_t ref_a, uint32_t ref_b);
/* map_grant_ref: fills op->status, and on success op->handle and op->dev_bus_addr. */
void gnttab_map(struct vcpu *v, struct pv_gnttab_map_grant_ref *op);
/* unmap_grant_ref (new_addr 0) and unmap_and_replace (dev_bus_addr 0). */
int16_t gnttab_unmap(struct vcpu *v, uint32_t handle, uint64_t host_addr, uint64_t dev_bus_addr,
                     uint64_t new_addr);
/* Around a batch of unmap_grant_ref: the unmaps between start and the end (start false) that
 * need a TLB flush share one, at the end, before their references go. */
void gnttab_unmap_batch(struct vcpu *v, bool start);
/* copy: one op of v's domain. Between gnttab_copy_batch(v, true) and (v, false), around the ops
 * of one call, an op may leave two domains locked for the next (grant_copy.c). */
void gnttab_copy_batch(struct vcpu *v, bool start);
int16_t gnttab_copy(struct vcpu *v, const struct pv_gnttab_copy *op);

/* ---- inside common/grant_*.c ---- */

/* The hypervisor's record of an entry in use (Xen's active entry), 32 bytes; all but pin fixed
 * while pinned. */
struct gnttab_active {
    uint32_t pin;         /* uses under way, by kind: GNTPIN_* counters of 8 bits */
    uint16_t domid;       /* the grantee */
    uint16_t trans_domid; /* trans: the domain whose grant trans_gref this one passes on */
    uint64_t mfn;         /* the frame */
    uint32_t trans_gref;
    uint16_t start, length; /* the bytes a copy may reach: sub-page grants, else 0, 4096 */
    bool sub_page;          /* sub-page or transitive (v2): copies only, never maps */
    bool trans;             /* transitive: pins trans_domid's entry trans_gref too */
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

#define GNTTAB_ACTIVE_PAGES (GNTTAB_ENTRIES_PER_FRAME / GNTTAB_ACTIVE_PER_PAGE) /* per frame */

/* A domain's grant state: one hypervisor page, referring to others by mfn. */
struct gnttab {
    uint64_t self_mfn;                         /* this page */
    bool dead;                                 /* owner reaped: freed when nr_pinned drops to 0 */
    uint8_t version;                           /* 1 or 2 (set_version) */
    uint8_t max_version;                       /* [create] the highest set_version may choose */
    unsigned nr_frames;                        /* shared table frames */
    unsigned nr_status;                        /* version 2: GNTTAB_STATUS_FRAMES(nr_frames) */
    unsigned nr_pinned;                        /* active entries with a non-zero pin */
    unsigned maptrack_limit;                   /* handles with storage */
    unsigned maptrack_free;                    /* first free handle, or GNTTAB_NO_HANDLE */
    unsigned maptrack_max;                     /* pages of handles it may have (max_maptrack_frames) */
    uint64_t shared[GNTTAB_MAX_FRAMES];        /* the table, shared with the owner */
    uint64_t status[GNTTAB_STATUS_FRAMES(GNTTAB_MAX_FRAMES)]; /* shared with the owner too */
    uint64_t active[GNTTAB_MAX_FRAMES * GNTTAB_ACTIVE_PAGES]; /* pages of struct gnttab_active */
    /* pages listing the mfns of the pages of struct gnttab_map */
    uint64_t maptrack_dir[GNTTAB_MAPTRACK_FRAMES / GNTTAB_MAPTRACK_PER_DIR];
};

/* An entry's parts, inline: every grant operation looks them up several times, and under TCG a
 * call and its return cost about 100 cycles (docs/benchmarks.md, grant copy). gnttab_entry: a
 * version 1 table's entry; gnttab_hdr: either version's (flags, domid), gnttab_status: where
 * its GTF_reading and GTF_writing live (v1: its flags; v2: its status word), gnttab_frame: the
 * frame it names. The rest of grant_table.c below: the domains an operation names. */
static inline unsigned gnttab_nr_entries(const struct gnttab *gt)
{
    return gt->nr_frames * (gt->version == 1 ? GNTTAB_ENTRIES_PER_FRAME : GNTTAB_V2_PER_FRAME);
}

static inline struct pv_grant_entry_v1 *gnttab_entry(const struct gnttab *gt, uint32_t ref)
{
    return (struct pv_grant_entry_v1 *)mm_frame_ptr(gt->shared[ref / GNTTAB_ENTRIES_PER_FRAME]) +
           ref % GNTTAB_ENTRIES_PER_FRAME;
}

static inline struct pv_grant_entry_header *gnttab_hdr(const struct gnttab *gt, uint32_t ref)
{
    if (gt->version == 1)
        return (struct pv_grant_entry_header *)gnttab_entry(gt, ref);
    return &((union pv_grant_entry_v2 *)mm_frame_ptr(gt->shared[ref / GNTTAB_V2_PER_FRAME]) +
             ref % GNTTAB_V2_PER_FRAME)
                ->hdr;
}

static inline uint16_t *gnttab_status(const struct gnttab *gt, uint32_t ref)
{
    if (gt->version == 1)
        return &gnttab_entry(gt, ref)->flags;
    return (uint16_t *)mm_frame_ptr(gt->status[ref / GNTTAB_STATUS_PER_FRAME]) +
           ref % GNTTAB_STATUS_PER_FRAME;
}

static inline uint64_t gnttab_frame(const struct gnttab *gt, uint32_t ref)
{
    const struct pv_grant_entry_header *h = gnttab_hdr(gt, ref);

    if (gt->version == 1)
        return __atomic_load_n(&((const struct pv_grant_entry_v1 *)h)->frame, __ATOMIC_ACQUIRE);
    /* full_page.frame and sub_page.frame are the same 8 bytes */
    return __atomic_load_n(&((const union pv_grant_entry_v2 *)h)->full_page.frame, __ATOMIC_ACQUIRE);
}

static inline struct gnttab_active *gnttab_act(const struct gnttab *gt, uint32_t ref)
{
    return (struct gnttab_active *)mm_frame_ptr(gt->active[ref / GNTTAB_ACTIVE_PER_PAGE]) +
           ref % GNTTAB_ACTIVE_PER_PAGE;
}

/* The record of mapping handle `handle` (below gt->maptrack_limit; grant_map.c). */
struct gnttab_map *gnttab_map_entry(const struct gnttab *gt, uint32_t handle);
uint64_t gnttab_page_alloc(void); /* a zeroed hypervisor frame, or FRAME_NONE */
/* Lock the mm_lock of a and b (the same domain given twice: once) in ascending domid order, and
 * unlock, inline (each map and unmap takes them). */
static inline void gnttab_lock_pair(struct domain *a, struct domain *b)
{
    spin_lock(&(a->domid < b->domid ? a : b)->mm_lock);
    if (a != b)
        spin_lock(&(a->domid < b->domid ? b : a)->mm_lock);
}

static inline void gnttab_unlock_pair(struct domain *a, struct domain *b)
{
    spin_unlock(&a->mm_lock);
    if (a != b)
        spin_unlock(&b->mm_lock);
}

/* The live table of d (locked), or NULL once it is dead. */
static inline struct gnttab *gnttab_live(const struct domain *d)
{
    return d->gnttab && !d->gnttab->dead ? d->gnttab : NULL;
}

/* grant_pin.c: pin entry ref of rd's table for domain ldom (Xen's checks: PV_GNTST_bad_gntref,
 * PV_GNTST_general_error, PV_GNTST_bad_page), adding `use` (one GNTPIN_* counter) and setting
 * GTF_reading/GTF_writing; *act is its record (frame, bytes). A map takes full-page grants
 * only. A copy (map false) may take a transitive grant of a version 2 table, which pins the
 * grant it names too, of td (locked by the caller; NULL: no transitive grant, Xen's depth of
 * one). Unpinning clears the flags when the last use of a kind ends (and unpins the grant a
 * transitive one names), and frees a dead domain's table when its last pin goes. */
int16_t gnttab_pin(struct domain *rd, uint32_t ref, uint16_t ldom, uint32_t use, bool map,
                   struct domain *td, const struct gnttab_active **act);
void gnttab_unpin(struct domain *rd, uint32_t ref, uint32_t use);
/* The domain a copy of rd's entry ref would reach through a transitive grant, or NULL; read
 * under rd's lock (the caller's), for the caller to lock too (the pin checks it again). */
struct domain *gnttab_trans_domain(struct domain *rd, uint32_t ref);
/* Drop a grant reference on rd's frame (mm_put_grant_ref); the last one of a reaped domain's
 * frame frees it. */
void gnttab_put_frame(struct domain *rd, uint64_t mfn, bool writable);
/* Free the storage of a dead table with no pins left (grant_table.c). */
void gnttab_free(struct domain *d);
/* grant_version.c: give a version 2 table the status frames it needs (false: out of memory), or
 * free them (a dead table's, or on a switch to version 1 when nothing maps them). */
bool gnttab_status_grow(struct domain *d, struct gnttab *gt);
void gnttab_status_free(struct domain *d, struct gnttab *gt);

#endif
