/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/memory_op.h - memory reservation and layout queries: memory_op(cmd, arg).
 *
 * PV guests see machine frame numbers (mfn) and maintain their own pfn -> mfn map (the p2m,
 * start_info.mfn_list). The machine -> pfn direction is the read-only M2P (arch_x86.h).
 */
#ifndef PV_ABI_MEMORY_OP_H
#define PV_ABI_MEMORY_OP_H

#include <stdint.h>

#include "hypercall.h"

/* Sub-operations (cmd) and their argument. */
#define PV_XENMEM_increase_reservation 0     /* struct pv_memory_reservation; rc = extents done */
#define PV_XENMEM_decrease_reservation 1     /* struct pv_memory_reservation; rc = extents done */
#define PV_XENMEM_maximum_ram_page 2         /* NULL; rc = highest machine frame */
#define PV_XENMEM_current_reservation 3      /* pv_domid_t *; rc = pages allocated */
#define PV_XENMEM_maximum_reservation 4      /* pv_domid_t *; rc = page limit */
#define PV_XENMEM_machphys_mfn_list 5        /* struct pv_machphys_mfn_list */
#define PV_XENMEM_populate_physmap 6         /* struct pv_memory_reservation; rc = extents done */
#define PV_XENMEM_add_to_physmap 7           /* struct pv_add_to_physmap (translated guests) */
#define PV_XENMEM_memory_map 9               /* struct pv_memory_map: the domain's e820 */
#define PV_XENMEM_machine_memory_map 10      /* struct pv_memory_map: the host e820 (privileged) */
#define PV_XENMEM_exchange 11                /* struct pv_memory_exchange */
#define PV_XENMEM_machphys_mapping 12        /* struct pv_machphys_mapping */
#define PV_XENMEM_set_memory_map 13          /* struct pv_foreign_memory_map (toolstack) */
#define PV_XENMEM_maximum_gpfn 14            /* pv_domid_t *; rc = highest pfn */
#define PV_XENMEM_remove_from_physmap 15     /* struct pv_remove_from_physmap (translated guests) */
#define PV_XENMEM_set_pod_target 16          /* populate-on-demand (HVM) */
#define PV_XENMEM_get_pod_target 17          /* populate-on-demand (HVM) */
#define PV_XENMEM_get_sharing_freed_pages 18 /* memory sharing statistics */
#define PV_XENMEM_get_sharing_shared_pages 19   /* memory sharing statistics */
#define PV_XENMEM_paging_op 20                  /* memory paging (toolstack) */
#define PV_XENMEM_access_op 21                  /* memory access control (toolstack) */
#define PV_XENMEM_sharing_op 22                 /* memory sharing (toolstack) */
#define PV_XENMEM_add_to_physmap_batch 23       /* batched add_to_physmap */
#define PV_XENMEM_claim_pages 24                /* struct pv_memory_reservation (toolstack) */
#define PV_XENMEM_machphys_compat_mfn_list 25   /* M2P frames of the 32-bit compat table */
#define PV_XENMEM_get_vnumainfo 26              /* virtual NUMA topology */
#define PV_XENMEM_reserved_device_memory_map 27 /* reserved device regions */
#define PV_XENMEM_acquire_resource 28           /* map a resource's frames (toolstack) */

/* pv_memory_reservation.mem_flags: bits 0-7 address bits, bits 8-15 node + 1, flags above. */
#define PV_XENMEMF_address_bits(x) (x) /* restrict to addresses < 2^x (0: none) */
#define PV_XENMEMF_get_address_bits(x) ((x)&0xffu)
#define PV_XENMEMF_node(x) (((x) + 1) << 8) /* preferred NUMA node */
#define PV_XENMEMF_get_node(x) ((((x) >> 8) - 1) & 0xffu)
#define PV_XENMEMF_populate_on_demand (1 << 16) /* populate with PoD entries (HVM) */
#define PV_XENMEMF_exact_node_request (1 << 17) /* only from the given node */
#define PV_XENMEMF_exact_node(n) (PV_XENMEMF_node(n) | PV_XENMEMF_exact_node_request)
#define PV_XENMEMF_vnode (1 << 18) /* node number is a virtual node */

/* PV_XENMEM_{increase,decrease}_reservation, populate_physmap, claim_pages (32 bytes). */
struct pv_memory_reservation {
    pv_guest_ptr_t extent_start; /* uint64_t array: increase OUT mfns; decrease IN frames to
                                    free; populate IN pfns to fill; claim: must be 0 */
    uint64_t nr_extents;         /* IN: number of extents */
    uint32_t extent_order;       /* IN: each extent is 2^extent_order pages */
    uint32_t mem_flags;          /* IN: PV_XENMEMF_* */
    pv_domid_t domid;            /* IN: PV_DOMID_SELF unless privileged */
    uint16_t pad[3];             /* padding */
};

/* PV_XENMEM_exchange (72 bytes). */
struct pv_memory_exchange {
    struct pv_memory_reservation in;  /* IN: frames to give up */
    struct pv_memory_reservation out; /* IN pfns to fill, OUT the new frames */
    uint64_t nr_exchanged;            /* OUT: input extents exchanged; caller must set 0 */
};

/* Argument of maximum_ram_page-style queries that name a domain (2 bytes). IN. */
struct pv_memory_domain {
    pv_domid_t domid; /* domain to query */
};

/* PV_XENMEM_machphys_mfn_list (24 bytes). */
struct pv_machphys_mfn_list {
    uint32_t max_extents;        /* IN: size of extent_start[] */
    uint32_t pad0;               /* padding */
    pv_guest_ptr_t extent_start; /* OUT: uint64_t mfns, one per 2 MiB of the M2P */
    uint32_t nr_extents;         /* OUT: entries written */
    uint32_t pad1;               /* padding */
};

/* PV_XENMEM_machphys_mapping (24 bytes). All OUT. */
struct pv_machphys_mapping {
    uint64_t v_start; /* start of the M2P virtual range */
    uint64_t v_end;   /* end of the M2P virtual range */
    uint64_t max_mfn; /* highest machine frame the M2P can translate */
};

/* PV_XENMEM_memory_map, machine_memory_map (16 bytes). */
struct pv_memory_map {
    uint32_t nr_entries;   /* IN: capacity of buffer (entries); OUT: entries written */
    uint32_t pad;          /* padding */
    pv_guest_ptr_t buffer; /* OUT: array of struct pv_e820_entry */
};

/* PV_XENMEM_set_memory_map (24 bytes). All IN. */
struct pv_foreign_memory_map {
    pv_domid_t domid;         /* domain whose map is set */
    uint16_t pad[3];          /* padding */
    struct pv_memory_map map; /* the map */
};

/* One entry of a memory map, in BIOS INT 15h E820 format (20 bytes, packed). */
struct pv_e820_entry {
    uint64_t addr; /* start address */
    uint64_t size; /* length in bytes */
    uint32_t type; /* PV_E820_* */
} __attribute__((packed));

#define PV_E820_RAM 1      /* usable RAM */
#define PV_E820_RESERVED 2 /* reserved */
#define PV_E820_ACPI 3     /* ACPI tables, reclaimable */
#define PV_E820_NVS 4      /* ACPI non-volatile storage */
#define PV_E820_UNUSABLE 5 /* bad memory */
#define PV_E820_DISABLED 6 /* disabled */
#define PV_E820_PMEM 7     /* persistent memory */

/* Spaces of PV_XENMEM_add_to_physmap. */
#define PV_XENMAPSPACE_shared_info 0                /* the shared_info page */
#define PV_XENMAPSPACE_grant_table 1                /* a grant table frame */
#define PV_XENMAPSPACE_gmfn 2                       /* a guest frame */
#define PV_XENMAPSPACE_gmfn_range 3                 /* a range of guest frames */
#define PV_XENMAPSPACE_gmfn_foreign 4               /* a frame of another domain (batch only) */
#define PV_XENMAPSPACE_dev_mmio 5                   /* device MMIO (ARM only) */
#define PV_XENMAPIDX_grant_table_status 0x80000000U /* idx flag: grant status frame */

/* PV_XENMEM_add_to_physmap (24 bytes). All IN. */
struct pv_add_to_physmap {
    pv_domid_t domid; /* domain whose physmap changes */
    uint16_t size;    /* number of pages for PV_XENMAPSPACE_gmfn_range */
    uint32_t space;   /* PV_XENMAPSPACE_* */
    uint64_t idx;     /* index into the space */
    uint64_t gpfn;    /* pfn where the page should appear */
};

/* PV_XENMEM_remove_from_physmap (16 bytes). All IN. */
struct pv_remove_from_physmap {
    pv_domid_t domid; /* domain whose physmap changes */
    uint16_t pad[3];  /* padding */
    uint64_t gpfn;    /* pfn to remove */
};

/* PV_XENMEM_acquire_resource: the frames of a resource of another domain (the toolstack; Linux's
 * IOCTL_PRIVCMD_MMAP_RESOURCE). */
#define PV_XENMEM_resource_ioreq_server 0 /* type: an ioreq server's pages (HVM) */
#define PV_XENMEM_resource_grant_table 1  /* type: grant table frames, id below */
#define PV_XENMEM_resource_vmtrace_buf 2  /* type: a vCPU's trace buffer */
#define PV_XENMEM_resource_grant_table_id_shared 0 /* id: the shared (entry) frames */
#define PV_XENMEM_resource_grant_table_id_status 1 /* id: the status frames (version 2) */

/* PV_XENMEM_acquire_resource (32 bytes). */
struct pv_mem_acquire_resource {
    pv_domid_t domid;   /* IN: the domain whose resource is wanted (not the caller) */
    uint16_t type;      /* IN: PV_XENMEM_resource_* */
    uint32_t id;        /* IN: type-specific (grant table: id_shared or id_status) */
    uint32_t nr_frames; /* IN: frames wanted; with a NULL frame_list and 0, OUT the size */
    uint32_t pad;       /* IN: must be 0 */
    uint64_t frame;     /* IN: the first frame's index in the resource */
    pv_guest_ptr_t frame_list; /* OUT: uint64_t[nr_frames], the frames (mfns for PV) */
};

#endif /* PV_ABI_MEMORY_OP_H */
