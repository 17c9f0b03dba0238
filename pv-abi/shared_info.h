/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/shared_info.h - the shared_info page and per-vCPU vcpu_info.
 *
 * One page per domain, shared between the hypervisor and the guest. The guest finds its
 * machine address in pv_start_info.shared_info and maps it itself (update_va_mapping).
 * vcpu_info[n] belongs to vCPU n (unless that vCPU registered its own vcpu_info elsewhere).
 *
 * Event delivery (2-level event channels), hypervisor side: set evtchn_pending[port]; if the
 * port is not masked, set bit port/64 of the target vCPU's evtchn_pending_sel and its
 * evtchn_upcall_pending, then deliver the event callback unless evtchn_upcall_mask is set.
 * Guest side: clear evtchn_upcall_pending, xchg evtchn_pending_sel with 0, scan
 * pending & ~mask for each selected word, clear the pending bits it handles.
 */
#ifndef PV_ABI_SHARED_INFO_H
#define PV_ABI_SHARED_INFO_H

#include <stdint.h>

/* Number of vcpu_info slots in shared_info (legacy name MAX_VIRT_CPUS). */
#define PV_LEGACY_MAX_VCPUS 32
#define PV_MAX_VIRT_CPUS PV_LEGACY_MAX_VCPUS

/* Bits of pv_vcpu_time_info.flags. */
#define PV_PVCLOCK_TSC_STABLE_BIT (1 << 0) /* TSC is synchronised across vCPUs */
#define PV_PVCLOCK_GUEST_STOPPED (1 << 1)  /* the guest was paused (time jumped) */
/* Spellings with the XEN_ kept, for porters grepping for Xen's names. */
#define PV_XEN_PVCLOCK_TSC_STABLE_BIT PV_PVCLOCK_TSC_STABLE_BIT
#define PV_XEN_PVCLOCK_GUEST_STOPPED PV_PVCLOCK_GUEST_STOPPED

/*
 * System time of one vCPU (32 bytes). OUT: written by the hypervisor under a seqlock.
 * Read: v = version (retry while odd); copy the fields; retry if version != v.
 * now_ns = system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32
 * (a negative tsc_shift means a right shift).
 */
struct pv_vcpu_time_info {
    uint32_t version;           /* odd while an update is in progress */
    uint32_t pad0;              /* padding */
    uint64_t tsc_timestamp;     /* TSC at the last update */
    uint64_t system_time;       /* ns since the hypervisor booted, at tsc_timestamp */
    uint32_t tsc_to_system_mul; /* TSC->ns multiplier, 32.32 fixed point */
    int8_t tsc_shift;           /* shift applied to the TSC delta before multiplying */
    uint8_t flags;              /* PV_PVCLOCK_* */
    uint8_t pad1[2];            /* padding */
};

/* x86 part of vcpu_info (16 bytes). */
struct pv_arch_vcpu_info {
    uint64_t cr2; /* OUT: faulting address of the last page fault bounced to the guest */
    uint64_t pad; /* padding */
};

/* Per-vCPU event and time state (64 bytes). */
struct pv_vcpu_info {
    uint8_t evtchn_upcall_pending; /* set by the hypervisor; cleared by the guest before scanning */
    uint8_t evtchn_upcall_mask;    /* guest: nonzero masks event upcalls (virtual "cli") */
    uint8_t pad0[6];               /* padding */
    uint64_t evtchn_pending_sel;   /* bit i: evtchn_pending[i] may have work; guest xchgs to 0 */
    struct pv_arch_vcpu_info arch; /* x86 state (cr2) */
    struct pv_vcpu_time_info time; /* system time for this vCPU */
};

/* x86 part of shared_info (48 bytes); written by the guest for save/restore tools. */
struct pv_arch_shared_info {
    uint64_t max_pfn;                    /* number of valid entries in the p2m */
    uint64_t pfn_to_mfn_frame_list_list; /* mfn of the 3-level p2m tree root; 0 none, ~0 invalid */
    uint64_t nmi_reason;                 /* OUT: reason bits of a pending NMI (dom0) */
    uint64_t p2m_cr3;                    /* cr3 (mfn << 12) of the space where p2m_vaddr is valid */
    uint64_t p2m_vaddr;                  /* virtual address of the linear p2m list */
    uint64_t p2m_generation;             /* incremented around p2m mapping changes (odd: busy) */
};

/* The shared_info page (3136 bytes used). */
struct pv_shared_info {
    struct pv_vcpu_info vcpu_info[PV_LEGACY_MAX_VCPUS]; /* per-vCPU state */
    uint64_t evtchn_pending[64];     /* bit per port: set by hypervisor, cleared by the guest */
    uint64_t evtchn_mask[64];        /* bit per port: set/cleared by the guest only; all clear
                                      * at domain creation, never set by the hypervisor */
    uint32_t wc_version;             /* wallclock seqlock version, as pv_vcpu_time_info.version */
    uint32_t wc_sec;                 /* wallclock at system time 0: seconds since the epoch (low) */
    uint32_t wc_nsec;                /* ... nanoseconds */
    uint32_t wc_sec_hi;              /* ... seconds, high 32 bits */
    struct pv_arch_shared_info arch; /* x86 part */
};

#endif /* PV_ABI_SHARED_INFO_H */
