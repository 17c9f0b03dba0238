/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/grant_table.h - grant tables: grant_table_op(cmd, args, count), version 1 and 2 entries.
 *
 * A domain lets another domain use one of its frames by filling an entry of its grant table.
 * The table lives in frames the hypervisor allocates and shares with the domain:
 * PV_GNTTABOP_setup_table returns their machine frame numbers and the guest maps them itself
 * (read-write) with its ordinary page-table hypercalls. The index of an entry is its grant
 * reference. The grantee names (granting domain, reference) to map the frame into its own page
 * tables (PV_GNTTABOP_map_grant_ref) or to copy to or from it (PV_GNTTABOP_copy).
 *
 * Granting, in the granter's table (the entry must be PV_GTF_invalid before):
 *   entry.domid = grantee; entry.frame = mfn of the frame;
 *   write barrier;
 *   entry.flags = PV_GTF_permit_access [| PV_GTF_readonly];
 * Ending a grant: compare-and-exchange the 32-bit pair (flags, domid) from its value to 0, which
 * must fail (and be retried later) while PV_GTF_reading or PV_GTF_writing is set: the hypervisor
 * sets PV_GTF_reading while the grantee maps the frame or copies from it, and PV_GTF_writing
 * while it maps it writable or copies into it, and clears them when the last such use ends.
 * The hypervisor checks the entry when a use starts (type PV_GTF_permit_access, domid, and
 * PV_GTF_readonly for a writable use); uses already under way keep the frame they started with.
 *
 * Entries 0..PV_GNTTAB_NR_RESERVED_ENTRIES-1 are reserved for the toolstack (0: console ring,
 * 1: xenstore ring, granted to the backend domain by the domain builder when there is one).
 *
 * Calling convention: args points to an array of `count` sub-op structures (setup_table,
 * query_size, dump_table and get_status_frames take exactly 1; set_version and get_version
 * ignore count). Each operation's result is its `status` field (PV_GNTST_*); the hypercall
 * itself returns 0, or a negative PV_E* when the call as a whole cannot be carried out (an
 * unreadable array: -PV_EFAULT; unknown cmd: -PV_ENOSYS; bad count: -PV_EINVAL). Long batches
 * may be continued transparently by the hypervisor.
 */
#ifndef PV_ABI_GRANT_TABLE_H
#define PV_ABI_GRANT_TABLE_H

#include <stdint.h>

#include "hypercall.h"

/* An index into a domain's grant table. */
typedef uint32_t pv_grant_ref_t;
/* A mapping handle returned by PV_GNTTABOP_map_grant_ref. */
typedef uint32_t pv_grant_handle_t;

/* Sub-operations (cmd) and their argument. */
#define PV_GNTTABOP_map_grant_ref 0     /* struct pv_gnttab_map_grant_ref[count] */
#define PV_GNTTABOP_unmap_grant_ref 1   /* struct pv_gnttab_unmap_grant_ref[count] */
#define PV_GNTTABOP_setup_table 2       /* struct pv_gnttab_setup_table, count 1 */
#define PV_GNTTABOP_dump_table 3        /* struct pv_gnttab_dump_table, count 1 */
#define PV_GNTTABOP_transfer 4          /* give a frame to another domain (not supported) */
#define PV_GNTTABOP_copy 5              /* struct pv_gnttab_copy[count] */
#define PV_GNTTABOP_query_size 6        /* struct pv_gnttab_query_size, count 1 */
#define PV_GNTTABOP_unmap_and_replace 7 /* struct pv_gnttab_unmap_and_replace[count] */
#define PV_GNTTABOP_set_version 8       /* struct pv_gnttab_set_version */
#define PV_GNTTABOP_get_status_frames 9 /* struct pv_gnttab_get_status_frames, count 1 */
#define PV_GNTTABOP_get_version 10      /* struct pv_gnttab_get_version */
#define PV_GNTTABOP_swap_grant_ref 11   /* struct pv_gnttab_swap_grant_ref[count] */
#define PV_GNTTABOP_cache_flush 12      /* cache maintenance on granted frames (not supported) */

/* Version 1 grant entry (8 bytes; 512 per 4 KiB table frame). */
struct pv_grant_entry_v1 {
    uint16_t flags;   /* PV_GTF_*: written by the granter, reading/writing by the hypervisor */
    pv_domid_t domid; /* the domain allowed to use the frame */
    uint32_t frame;   /* the frame granted (a machine frame number for PV guests) */
};

/* Version 2 layouts (PV_GNTTABOP_set_version 2). Entries are 16 bytes, 256 per table frame,
 * with the v1 entry's first two fields as a common header; their in-use flags live apart, in
 * status frames of pv_grant_status_t (2048 per frame), which get_status_frames names and the
 * domain maps like its table frames. Sub-page and transitive grants serve copies only. */
struct pv_grant_entry_header {
    uint16_t flags;   /* PV_GTF_* as in v1, but reading/writing live in the status entry */
    pv_domid_t domid; /* the domain allowed to use the grant */
};

union pv_grant_entry_v2 {
    struct pv_grant_entry_header hdr;
    struct { /* permit_access without sub_page, or accept_transfer: the whole frame */
        struct pv_grant_entry_header hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct { /* permit_access | sub_page: bytes [page_off, page_off + length) of frame */
        struct pv_grant_entry_header hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct { /* transitive: grant gref of trans_domid, used as if it were ours (copy only) */
        struct pv_grant_entry_header hdr;
        pv_domid_t trans_domid;
        uint16_t pad0;
        pv_grant_ref_t gref;
    } transitive;
    uint32_t spacer[4]; /* 16 bytes */
};

typedef uint16_t pv_grant_status_t; /* PV_GTF_reading | PV_GTF_writing of one v2 entry */

/* Entries the toolstack uses. */
#define PV_GNTTAB_NR_RESERVED_ENTRIES 8
#define PV_GNTTAB_RESERVED_CONSOLE 0
#define PV_GNTTAB_RESERVED_XENSTORE 1

/* pv_grant_entry_v1.flags: the type (bits 0-1) and flags. */
#define PV_GTF_invalid (0U << 0)         /* no grant */
#define PV_GTF_permit_access (1U << 0)   /* domid may map or copy frame */
#define PV_GTF_accept_transfer (2U << 0) /* domid may transfer a frame into this entry */
#define PV_GTF_transitive (3U << 0)      /* version 2 only */
#define PV_GTF_type_mask (3U << 0)
#define PV_GTF_readonly_BIT 2
#define PV_GTF_readonly (1U << PV_GTF_readonly_BIT) /* granter: no writable use */
#define PV_GTF_reading_BIT 3
#define PV_GTF_reading (1U << PV_GTF_reading_BIT) /* hypervisor: in use by the grantee */
#define PV_GTF_writing_BIT 4
#define PV_GTF_writing (1U << PV_GTF_writing_BIT) /* hypervisor: in writable use */
#define PV_GTF_PWT_BIT 5
#define PV_GTF_PWT (1U << PV_GTF_PWT_BIT) /* cache attribute of I/O memory grants */
#define PV_GTF_PCD_BIT 6
#define PV_GTF_PCD (1U << PV_GTF_PCD_BIT)
#define PV_GTF_PAT_BIT 7
#define PV_GTF_PAT (1U << PV_GTF_PAT_BIT)
#define PV_GTF_sub_page_BIT 8
#define PV_GTF_sub_page (1U << PV_GTF_sub_page_BIT) /* version 2 only; refused for maps */
/* Flags of PV_GTF_accept_transfer entries. */
#define PV_GTF_transfer_committed_BIT 2
#define PV_GTF_transfer_committed (1U << PV_GTF_transfer_committed_BIT)
#define PV_GTF_transfer_completed_BIT 3
#define PV_GTF_transfer_completed (1U << PV_GTF_transfer_completed_BIT)

/* pv_gnttab_map_grant_ref.flags. */
#define PV_GNTMAP_device_map_BIT 0
#define PV_GNTMAP_device_map (1 << PV_GNTMAP_device_map_BIT) /* for I/O: dev_bus_addr */
#define PV_GNTMAP_host_map_BIT 1
#define PV_GNTMAP_host_map (1 << PV_GNTMAP_host_map_BIT) /* a page-table entry, see host_addr */
#define PV_GNTMAP_readonly_BIT 2
#define PV_GNTMAP_readonly (1 << PV_GNTMAP_readonly_BIT) /* read-only mapping */
#define PV_GNTMAP_application_map_BIT 3
#define PV_GNTMAP_application_map (1 << PV_GNTMAP_application_map_BIT) /* user mode may use it */
#define PV_GNTMAP_contains_pte_BIT 4
#define PV_GNTMAP_contains_pte (1 << PV_GNTMAP_contains_pte_BIT) /* host_addr: PTE address */
/* Bits 16-18 of flags become the available bits 9-11 of the mapping's page-table entry. */
#define PV_GNTMAP_guest_avail0_BIT 16
#define PV_GNTMAP_guest_avail_mask ((uint32_t)~0 << PV_GNTMAP_guest_avail0_BIT)

/* status values (int16_t). */
#define PV_GNTST_okay 0                 /* done */
#define PV_GNTST_general_error (-1)     /* refused (the entry, the frame or the address) */
#define PV_GNTST_bad_domain (-2)        /* no such domain */
#define PV_GNTST_bad_gntref (-3)        /* reference beyond the table, or no map flags */
#define PV_GNTST_bad_handle (-4)        /* no such mapping handle */
#define PV_GNTST_bad_virt_addr (-5)     /* setup_table: frame_list not writable */
#define PV_GNTST_bad_dev_addr (-6)      /* device address not valid for unmap */
#define PV_GNTST_no_device_space (-7)   /* I/O MMU full */
#define PV_GNTST_permission_denied (-8) /* not the caller's to use */
#define PV_GNTST_bad_page (-9)          /* the frame named is not the domain's memory */
#define PV_GNTST_bad_copy_arg (-10)     /* copy crosses the end of a page */
#define PV_GNTST_address_too_big (-11)  /* transfer: frame above the grantee's limit */
#define PV_GNTST_eagain (-12)           /* try again */
#define PV_GNTST_no_space (-13)         /* out of mapping handles */

/*
 * PV_GNTTABOP_map_grant_ref (32 bytes): map (dom, ref) into the caller. With
 * PV_GNTMAP_host_map, host_addr is a virtual address in the caller's current page tables, or
 * with PV_GNTMAP_contains_pte the machine address of an L1 page-table entry of the caller; the
 * entry there (which must be in one of the caller's page tables) is replaced by the mapping
 * (writable unless PV_GNTMAP_readonly). Such an entry can only be changed by unmapping it.
 * With PV_GNTMAP_device_map, dev_bus_addr is the frame's address for I/O.
 */
struct pv_gnttab_map_grant_ref {
    uint64_t host_addr;       /* IN: see above */
    uint32_t flags;           /* IN: PV_GNTMAP_* */
    pv_grant_ref_t ref;       /* IN: entry of dom's table */
    pv_domid_t dom;           /* IN: granting domain (its id; PV_DOMID_SELF is not accepted) */
    int16_t status;           /* OUT: PV_GNTST_* */
    pv_grant_handle_t handle; /* OUT: for unmap */
    uint64_t dev_bus_addr;    /* OUT: machine address of the frame */
};

/* PV_GNTTABOP_unmap_grant_ref (24 bytes): undo the parts of mapping `handle` named by a
 * non-zero host_addr (as given to map) and a non-zero dev_bus_addr. */
struct pv_gnttab_unmap_grant_ref {
    uint64_t host_addr;       /* IN: 0, or the host_addr the mapping was made with */
    uint64_t dev_bus_addr;    /* IN: 0, or the dev_bus_addr map returned */
    pv_grant_handle_t handle; /* IN */
    int16_t status;           /* OUT: PV_GNTST_* */
    uint16_t pad;             /* padding */
};

/* PV_GNTTABOP_unmap_and_replace (24 bytes): unmap the host mapping at host_addr (a virtual
 * address mapping) and put there the entry that mapped new_addr, which becomes unmapped (a
 * grant mapping's entry moves with its handle); with new_addr 0, a plain unmap of the host part. */
struct pv_gnttab_unmap_and_replace {
    uint64_t host_addr;       /* IN */
    uint64_t new_addr;        /* IN */
    pv_grant_handle_t handle; /* IN */
    int16_t status;           /* OUT: PV_GNTST_* */
    uint16_t pad;             /* padding */
};

/* PV_GNTTABOP_setup_table (24 bytes): make dom's table at least nr_frames frames and return
 * the machine frame numbers of its first nr_frames frames. */
struct pv_gnttab_setup_table {
    pv_domid_t dom;            /* IN: PV_DOMID_SELF (another domain: privileged) */
    uint16_t pad0;             /* padding */
    uint32_t nr_frames;        /* IN: at most query_size's max_nr_frames */
    int16_t status;            /* OUT: PV_GNTST_* */
    uint16_t pad1[3];          /* padding */
    pv_guest_ptr_t frame_list; /* IN: uint64_t[nr_frames], OUT the frames */
};

/* PV_GNTTABOP_dump_table (4 bytes): print dom's table on the hypervisor console. */
struct pv_gnttab_dump_table {
    pv_domid_t dom; /* IN: PV_DOMID_SELF (another domain: privileged) */
    int16_t status; /* OUT: PV_GNTST_* */
};

/* One side of a copy (16 bytes): a grant reference of domid (PV_GNTCOPY_*_gref set), or a
 * frame of the caller's own (domid PV_DOMID_SELF). */
struct pv_gnttab_copy_ptr {
    union {
        pv_grant_ref_t ref; /* a grant of domid to the caller */
        uint64_t gmfn;      /* a frame of the caller (its mfn, for PV) */
    } u;
    pv_domid_t domid; /* the domain the grant or frame belongs to */
    uint16_t offset;  /* byte offset in the frame */
    uint32_t pad;     /* padding */
};

/* pv_gnttab_copy.flags. */
#define PV_GNTCOPY_source_gref_BIT 0
#define PV_GNTCOPY_source_gref (1 << PV_GNTCOPY_source_gref_BIT) /* source.u.ref is a grant */
#define PV_GNTCOPY_dest_gref_BIT 1
#define PV_GNTCOPY_dest_gref (1 << PV_GNTCOPY_dest_gref_BIT) /* dest.u.ref is a grant */

/* PV_GNTTABOP_copy (40 bytes): copy len bytes; neither side may cross the end of its page. */
struct pv_gnttab_copy {
    struct pv_gnttab_copy_ptr source; /* IN */
    struct pv_gnttab_copy_ptr dest;   /* IN: a grant must be writable */
    uint16_t len;                     /* IN: bytes */
    uint16_t flags;                   /* IN: PV_GNTCOPY_* */
    int16_t status;                   /* OUT: PV_GNTST_* */
    uint16_t pad;                     /* padding */
};

/* PV_GNTTABOP_query_size (16 bytes). */
struct pv_gnttab_query_size {
    pv_domid_t dom;         /* IN: PV_DOMID_SELF (another domain: privileged) */
    uint16_t pad0;          /* padding */
    uint32_t nr_frames;     /* OUT: frames the table has */
    uint32_t max_nr_frames; /* OUT: frames it may grow to */
    int16_t status;         /* OUT: PV_GNTST_* */
    uint16_t pad1;          /* padding */
};

/* PV_GNTTABOP_set_version (4 bytes): switch the caller's table between versions 1 and 2
 * (entries 8 and up cleared, none of them may be in use). */
struct pv_gnttab_set_version {
    uint32_t version; /* IN: wanted; OUT: the table's version */
};

/* PV_GNTTABOP_get_status_frames (16 bytes): the machine frames of the first nr_frames status
 * frames of a version 2 table; a version 1 table has none. */
struct pv_gnttab_get_status_frames {
    uint32_t nr_frames;        /* IN */
    pv_domid_t dom;            /* IN: PV_DOMID_SELF (another domain: privileged) */
    int16_t status;            /* OUT: PV_GNTST_* */
    pv_guest_ptr_t frame_list; /* IN: uint64_t[nr_frames], OUT the frames */
};

/* PV_GNTTABOP_get_version (8 bytes). */
struct pv_gnttab_get_version {
    pv_domid_t dom;   /* IN: PV_DOMID_SELF (another domain: privileged) */
    uint16_t pad;     /* padding */
    uint32_t version; /* OUT */
};

/* PV_GNTTABOP_swap_grant_ref (12 bytes): exchange two entries of the caller's table (neither
 * may be in use). */
struct pv_gnttab_swap_grant_ref {
    pv_grant_ref_t ref_a; /* IN */
    pv_grant_ref_t ref_b; /* IN */
    int16_t status;       /* OUT: PV_GNTST_* */
    uint16_t pad;         /* padding */
};

#endif /* PV_ABI_GRANT_TABLE_H */
