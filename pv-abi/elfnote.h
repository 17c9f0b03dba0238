/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/elfnote.h - ELF notes a PV guest image carries for the domain builder.
 *
 * Notes live in a PT_NOTE segment, with owner name "Xen" and these numbers as note type.
 * Numeric notes hold a 4- or 8-byte little-endian value; string notes a NUL-terminated string.
 * Required for a PV x86-64 guest: XEN_VERSION starting with "xen-3.0", and LOADER "generic"
 * (or GUEST_OS "linux").
 *
 * Load addresses: with virt_offset = VIRT_BASE - PADDR_OFFSET, each PT_LOAD segment is placed
 * at virtual address p_paddr + virt_offset. Link with p_paddr = p_vaddr - VIRT_BASE and
 * PADDR_OFFSET = 0, or with p_paddr = p_vaddr and PADDR_OFFSET = VIRT_BASE.
 */
#ifndef PV_ABI_ELFNOTE_H
#define PV_ABI_ELFNOTE_H

#define PV_ELFNOTE_NAME "Xen" /* owner name of every note */

#define PV_ELFNOTE_INFO 0            /* string: informational name=value */
#define PV_ELFNOTE_ENTRY 1           /* numeric: virtual entry point (default: e_entry) */
#define PV_ELFNOTE_HYPERCALL_PAGE 2  /* numeric: virtual address of the page to fill with stubs */
#define PV_ELFNOTE_VIRT_BASE 3       /* numeric: virtual address where pfn 0 is mapped */
#define PV_ELFNOTE_PADDR_OFFSET 4    /* numeric: see above (default 0) */
#define PV_ELFNOTE_XEN_VERSION 5     /* string: must start with "xen-3.0" */
#define PV_ELFNOTE_GUEST_OS 6        /* string: guest OS name */
#define PV_ELFNOTE_GUEST_VERSION 7   /* string: guest OS version (informational) */
#define PV_ELFNOTE_LOADER 8          /* string: "generic" */
#define PV_ELFNOTE_PAE_MODE 9        /* string: "yes", "no", "bimodal" (32-bit guests) */
#define PV_ELFNOTE_FEATURES 10       /* string: "feat|!required_feat|..." of XENFEAT names */
#define PV_ELFNOTE_BSD_SYMTAB 11     /* string "yes": load the symbol table after the image */
#define PV_ELFNOTE_HV_START_LOW 12   /* numeric: hypervisor hole start (32-bit guests only) */
#define PV_ELFNOTE_L1_MFN_VALID 13   /* numeric pairs (mask, value): non-present L1es with mfns */
#define PV_ELFNOTE_SUSPEND_CANCEL 14 /* numeric: guest handles a cancelled suspend (rc 1) */
#define PV_ELFNOTE_INIT_P2M 15       /* numeric: virtual address for the p2m list */
#define PV_ELFNOTE_MOD_START_PFN 16  /* numeric: module may be passed by pfn, unmapped */
#define PV_ELFNOTE_SUPPORTED_FEATURES 17 /* numeric: bitmap of supported XENFEAT bits */
#define PV_ELFNOTE_PHYS32_ENTRY 18       /* numeric: 32-bit physical entry (PVH, ignored for PV) */
#define PV_ELFNOTE_PHYS32_RELOC 19       /* numeric: PVH relocation range (ignored for PV) */

#endif /* PV_ABI_ELFNOTE_H */
