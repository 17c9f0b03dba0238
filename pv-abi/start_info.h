/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/start_info.h - the start_info page handed to a PV guest at boot (rsi = its address).
 *
 * Start-of-day memory layout: the guest starts inside one contiguous virtual region beginning
 * at the VIRT_BASE of its image, which maps pseudo-physical frames 0.. 1:1
 * (va = virt_base + pfn * 4096). In order, each element page-aligned:
 *   1. the kernel image (its PT_LOAD segments, BSS zeroed)
 *   2. the initial ramdisk [mod_start, mod_start + mod_len) (optional)
 *   3. the p2m list [mfn_list, nr_pages entries of 8 bytes]: pfn -> machine frame
 *   4. this start_info page
 *   5. (not dom0) the xenstore ring page
 *   6. (not dom0) the console ring page (struct pv_xencons_interface)
 *   7. the bootstrap page tables [pt_base, nr_pt_frames pages], mapped read-only
 *   8. the boot stack page (initial rsp = its end)
 *   9. at least 512 KiB of mapped, free padding; the region ends on a 4 MiB boundary.
 * Not mapped: the shared_info page (machine address in .shared_info below).
 */
#ifndef PV_ABI_START_INFO_H
#define PV_ABI_START_INFO_H

#include <stdint.h>

/* Prefix of .magic for a 64-bit PV guest: "xen-3.0-x86_64". */
#define PV_START_INFO_MAGIC "xen-3.0-x86_64"

/* Size of .cmd_line including the terminating NUL. */
#define PV_MAX_GUEST_CMDLINE 1024

/* Bits of .flags. */
#define PV_SIF_PRIVILEGED (1U << 0)      /* the domain is privileged (may use domctl etc.) */
#define PV_SIF_INITDOMAIN (1U << 1)      /* the domain is the initial control domain (dom0) */
#define PV_SIF_MULTIBOOT_MOD (1U << 2)   /* the module is a multiboot-style module list */
#define PV_SIF_MOD_START_PFN (1U << 3)   /* .mod_start is a pfn, not a virtual address */
#define PV_SIF_VIRT_P2M_4TOOLS (1U << 4) /* tools understand a virtually mapped p2m */
#define PV_SIF_PM_MASK (0xFFU << 8)      /* reserved for power-management options */

/*
 * The start_info page (1168 bytes used). Fields marked "boot and resume" are rewritten when
 * the domain is restored after suspend; the others only at first boot. All OUT (written by the
 * domain builder, read by the guest).
 */
struct pv_start_info {
    /* boot and resume */
    char magic[32];        /* "xen-<version>-<platform>", NUL-terminated */
    uint64_t nr_pages;     /* total pages allocated to the domain */
    uint64_t shared_info;  /* MACHINE address of the shared_info page (not mapped) */
    uint32_t flags;        /* PV_SIF_* */
    uint32_t pad0;         /* padding */
    uint64_t store_mfn;    /* machine frame of the xenstore ring page */
    uint32_t store_evtchn; /* event channel of the xenstore ring */
    uint32_t pad1;         /* padding */
    union {
        struct {
            uint64_t mfn;    /* machine frame of the console ring page */
            uint32_t evtchn; /* event channel of the console ring */
            uint32_t pad;    /* padding */
        } domU;              /* every domain except dom0 */
        struct {
            uint32_t info_off;  /* offset of the dom0 console info in this page */
            uint32_t info_size; /* its size */
        } dom0;                 /* dom0 (PV_SIF_INITDOMAIN) */
    } console;
    /* boot only */
    uint64_t pt_base;      /* VIRTUAL address of the bootstrap L4 page table */
    uint64_t nr_pt_frames; /* number of bootstrap page-table frames */
    uint64_t mfn_list;     /* VIRTUAL address of the p2m list (uint64_t per pfn) */
    uint64_t mod_start;    /* VIRTUAL address of the module, or its pfn if MOD_START_PFN */
    uint64_t mod_len;      /* size of the module in bytes (0: none) */
    char cmd_line[PV_MAX_GUEST_CMDLINE]; /* domain command line, NUL-terminated */
    uint64_t first_p2m_pfn; /* first pfn of a relocated p2m (PV_ELFNOTE_INIT_P2M only) */
    uint64_t nr_p2m_frames; /* number of frames of the relocated p2m (INIT_P2M only) */
};

#endif /* PV_ABI_START_INFO_H */
