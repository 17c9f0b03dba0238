/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/xen_version.h - version and feature queries: xen_version(cmd, arg).
 *
 * Every sub-op returns 0 on success except PV_XENVER_version and PV_XENVER_pagesize, which
 * return their answer directly. String buffers are filled NUL-terminated and zero-padded.
 */
#ifndef PV_ABI_XEN_VERSION_H
#define PV_ABI_XEN_VERSION_H

#include <stdint.h>

/* Sub-operations (cmd) and their argument. */
#define PV_XENVER_version 0             /* arg NULL; returns major << 16 | minor */
#define PV_XENVER_extraversion 1        /* arg pv_extraversion_t: e.g. ".7" */
#define PV_XENVER_compile_info 2        /* arg struct pv_compile_info */
#define PV_XENVER_capabilities 3        /* arg pv_capabilities_info_t: "xen-3.0-x86_64 ..." */
#define PV_XENVER_changeset 4           /* arg pv_changeset_info_t: source revision */
#define PV_XENVER_platform_parameters 5 /* arg struct pv_platform_parameters */
#define PV_XENVER_get_features 6        /* arg struct pv_feature_info */
#define PV_XENVER_pagesize 7            /* arg NULL; returns the page size (4096) */
#define PV_XENVER_guest_handle 8        /* arg pv_domain_handle_t: the domain's UUID */
#define PV_XENVER_commandline 9         /* arg pv_commandline_t: hypervisor command line */
#define PV_XENVER_build_id 10           /* arg struct pv_build_id */

/* Fixed-size string buffers (OUT). */
typedef char pv_extraversion_t[16];
#define PV_EXTRAVERSION_LEN (sizeof(pv_extraversion_t))
typedef char pv_capabilities_info_t[1024];
#define PV_CAPABILITIES_INFO_LEN (sizeof(pv_capabilities_info_t))
typedef char pv_changeset_info_t[64];
#define PV_CHANGESET_INFO_LEN (sizeof(pv_changeset_info_t))
typedef char pv_commandline_t[1024];
#define PV_COMMANDLINE_LEN (sizeof(pv_commandline_t))
typedef uint8_t pv_domain_handle_t[16];

/* PV_XENVER_compile_info (144 bytes). All OUT. */
struct pv_compile_info {
    char compiler[64];       /* compiler used to build the hypervisor */
    char compile_by[16];     /* user who built it */
    char compile_domain[32]; /* host domain it was built on */
    char compile_date[32];   /* build date */
};

/* PV_XENVER_platform_parameters (8 bytes). OUT. */
struct pv_platform_parameters {
    uint64_t virt_start; /* start of the hypervisor-reserved virtual range */
};

/* PV_XENVER_get_features (8 bytes). */
struct pv_feature_info {
    uint32_t submap_idx; /* IN: which 32-bit word of the feature bitmap */
    uint32_t submap;     /* OUT: that word; bit n of word i is feature i * 32 + n */
};

/* PV_XENVER_build_id (4 bytes + buffer). */
struct pv_build_id {
    uint32_t len;  /* IN: size of buf[]; OUT: length of the build id */
    uint8_t buf[]; /* OUT: the build id bytes */
};

/* Feature bits reported by PV_XENVER_get_features (word 0). */
#define PV_XENFEAT_writable_page_tables 0       /* L1 page tables may be written directly */
#define PV_XENFEAT_writable_descriptor_tables 1 /* GDT/LDT may be written directly */
#define PV_XENFEAT_auto_translated_physmap 2    /* guest sees pfns, not mfns (HVM/PVH) */
#define PV_XENFEAT_supervisor_mode_kernel 3     /* kernel runs in ring 0 */
#define PV_XENFEAT_pae_pgdir_above_4gb 4        /* PAE page directories may lie above 4 GiB */
#define PV_XENFEAT_mmu_pt_update_preserve_ad 5  /* MMU_PT_UPDATE_PRESERVE_AD is available */
#define PV_XENFEAT_highmem_assist 6             /* MMUEXT_CLEAR_PAGE/COPY_PAGE are available */
#define PV_XENFEAT_gnttab_map_avail_bits 7      /* grant maps preserve PTE available bits */
#define PV_XENFEAT_hvm_callback_vector 8        /* HVM only */
#define PV_XENFEAT_hvm_safe_pvclock 9           /* HVM only */
#define PV_XENFEAT_hvm_pirqs 10                 /* HVM only */
#define PV_XENFEAT_dom0 11                      /* domain may run as dom0 */
/* 12: reserved (a deprecated ARM grant-mapping flag) */
#define PV_XENFEAT_memory_op_vnode_supported 13 /* XENMEMF_vnode is understood */
#define PV_XENFEAT_ARM_SMCCC_supported 14       /* ARM only */
#define PV_XENFEAT_linux_rsdp_unrestricted 15   /* PVH dom0 only */
#define PV_XENFEAT_not_direct_mapped 16         /* ARM only */
#define PV_XENFEAT_direct_mapped 17             /* ARM only */
#define PV_XENFEAT_NR_SUBMAPS 1                 /* number of 32-bit feature words */

#endif /* PV_ABI_XEN_VERSION_H */
