/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/mmu.h - page-table updates: mmu_update, mmuext_op, update_va_mapping.
 *
 * A PV guest's page tables hold MACHINE frame numbers and are read-only to the guest once in
 * use; every change goes through the hypervisor, which validates it:
 *   mmu_update(reqs[], count, *done, foreigndom)   batched checked PTE writes / M2P updates
 *   mmuext_op(ops[], count, *done, foreigndom)      pin/unpin tables, switch cr3, flush TLBs
 *   update_va_mapping(va, pte, flags)               set the PTE mapping va in the current
 *                                                   address space, then flush per flags
 * foreigndom: bits 0-15 the domain owning the data frames (PV_DOMID_SELF normally); for
 * privileged callers bits 16-31 may name the page-table owner plus 1.
 */
#ifndef PV_ABI_MMU_H
#define PV_ABI_MMU_H

#include <stdint.h>

#include "hypercall.h"

/* mmu_update: the request kind is the low 3 bits of pv_mmu_update.ptr (ptr & 7); the entry's
 * machine address is ptr & ~7, so it must be 8-byte aligned. Kinds 4-7 are -PV_ENOSYS. */
#define PV_MMU_NORMAL_PT_UPDATE 0       /* checked *ptr = val; ptr is the PTE's machine address */
#define PV_MMU_MACHPHYS_UPDATE 1        /* M2P[ptr >> 12] = val (a pfn) */
#define PV_MMU_PT_UPDATE_PRESERVE_AD 2  /* as NORMAL, keeping the old Accessed/Dirty bits */
#define PV_MMU_PT_UPDATE_NO_TRANSLATE 3 /* as NORMAL, no gfn translation (same as NORMAL for PV) */

/* One mmu_update request (16 bytes). IN. */
struct pv_mmu_update {
    uint64_t ptr; /* machine address of the PTE (or frame) | PV_MMU_* */
    uint64_t val; /* new PTE value (machine frame | flags), or pfn for MACHPHYS_UPDATE */
};

/* mmuext_op commands (pv_mmuext_op.cmd) and the argument they use. */
#define PV_MMUEXT_PIN_L1_TABLE 0        /* arg1.mfn: validate and pin as L1 table */
#define PV_MMUEXT_PIN_L2_TABLE 1        /* arg1.mfn: ... as L2 */
#define PV_MMUEXT_PIN_L3_TABLE 2        /* arg1.mfn: ... as L3 */
#define PV_MMUEXT_PIN_L4_TABLE 3        /* arg1.mfn: ... as L4 */
#define PV_MMUEXT_UNPIN_TABLE 4         /* arg1.mfn: drop the pin */
#define PV_MMUEXT_NEW_BASEPTR 5         /* arg1.mfn: load as kernel page table (cr3) */
#define PV_MMUEXT_TLB_FLUSH_LOCAL 6     /* flush this vCPU's TLB */
#define PV_MMUEXT_INVLPG_LOCAL 7        /* arg1.linear_addr: flush one address locally */
#define PV_MMUEXT_TLB_FLUSH_MULTI 8     /* arg2.vcpumask: flush those vCPUs' TLBs */
#define PV_MMUEXT_INVLPG_MULTI 9        /* arg1.linear_addr, arg2.vcpumask */
#define PV_MMUEXT_TLB_FLUSH_ALL 10      /* flush every vCPU's TLB */
#define PV_MMUEXT_INVLPG_ALL 11         /* arg1.linear_addr: flush on every vCPU */
#define PV_MMUEXT_FLUSH_CACHE 12        /* write back and invalidate caches (privileged) */
#define PV_MMUEXT_SET_LDT 13            /* arg1.linear_addr, arg2.nr_ents */
#define PV_MMUEXT_NEW_USER_BASEPTR 15   /* arg1.mfn: load as user page table (0: none) */
#define PV_MMUEXT_CLEAR_PAGE 16         /* arg1.mfn: zero the frame */
#define PV_MMUEXT_COPY_PAGE 17          /* arg1.mfn destination, arg2.src_mfn source */
#define PV_MMUEXT_FLUSH_CACHE_GLOBAL 18 /* write back caches on every CPU (privileged) */
#define PV_MMUEXT_MARK_SUPER 19         /* arg1.mfn: mark a 2 MiB superpage (if enabled) */
#define PV_MMUEXT_UNMARK_SUPER 20       /* arg1.mfn: unmark it */

/* One mmuext_op (24 bytes). IN. */
struct pv_mmuext_op {
    uint32_t cmd; /* PV_MMUEXT_* */
    uint32_t pad; /* padding */
    union {
        uint64_t mfn;         /* [UN]PIN_*, NEW_BASEPTR, NEW_USER_BASEPTR, CLEAR/COPY_PAGE */
        uint64_t linear_addr; /* INVLPG_*, SET_LDT */
    } arg1;
    union {
        uint32_t nr_ents;        /* SET_LDT */
        pv_guest_ptr_t vcpumask; /* TLB_FLUSH_MULTI, INVLPG_MULTI: bitmap of vCPUs */
        uint64_t src_mfn;        /* COPY_PAGE */
    } arg2;
};

/* update_va_mapping flags: a flush type, ORed with a scope. For PV_UVMF_MULTI, also OR in
 * the address of a vCPU bitmap. */
#define PV_UVMF_NONE 0ULL           /* no flush */
#define PV_UVMF_TLB_FLUSH 1ULL      /* flush whole TLBs */
#define PV_UVMF_INVLPG 2ULL         /* flush the one address */
#define PV_UVMF_FLUSHTYPE_MASK 3ULL /* the flush-type field */
#define PV_UVMF_MULTI 0ULL          /* on the vCPUs in the ORed-in bitmap */
#define PV_UVMF_LOCAL 0ULL          /* on this vCPU only (MULTI with no bitmap) */
#define PV_UVMF_ALL 4ULL            /* on every vCPU of the domain */

#endif /* PV_ABI_MMU_H */
