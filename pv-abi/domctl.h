/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/domctl.h - domain control for the toolstack: domctl(u_domctl).
 *
 * Privileged: under the default policy (Xen's XSM dummy module) any other caller gets -EPERM
 * for every command, known or not, once the interface version and the target domain have been
 * checked. Every command number of Xen 4.17 is listed (so that none is reused); the argument
 * structures are those of the commands the hypervisor implements. A command that returns data
 * has the whole struct pv_domctl copied back to the caller (-EFAULT if that fails).
 */
#ifndef PV_ABI_DOMCTL_H
#define PV_ABI_DOMCTL_H

#include <stdint.h>

#include "hypercall.h"
#include "xen_version.h" /* pv_domain_handle_t: the toolstack's UUID for a domain */

/* The version the caller must put in interface_version (Xen 4.17's); else -EACCES. */
#define PV_DOMCTL_INTERFACE_VERSION 0x00000015

/* Command numbers (cmd), Xen 4.17's. Gaps are numbers Xen removed; they stay unused. */
#define PV_DOMCTL_createdomain 1 /* struct pv_domctl_createdomain; `domain` IN/OUT, no lookup */
#define PV_DOMCTL_destroydomain 2   /* no argument */
#define PV_DOMCTL_pausedomain 3     /* no argument */
#define PV_DOMCTL_unpausedomain 4   /* no argument */
#define PV_DOMCTL_getdomaininfo 5   /* struct pv_domctl_getdomaininfo (OUT); policy: xenstore too */
#define PV_DOMCTL_setvcpuaffinity 9
#define PV_DOMCTL_shadow_op 10
#define PV_DOMCTL_max_mem 11        /* struct pv_domctl_max_mem */
#define PV_DOMCTL_setvcpucontext 12 /* struct pv_domctl_vcpucontext */
#define PV_DOMCTL_getvcpucontext 13 /* struct pv_domctl_vcpucontext */
#define PV_DOMCTL_getvcpuinfo 14
#define PV_DOMCTL_max_vcpus 15       /* struct pv_domctl_max_vcpus */
#define PV_DOMCTL_scheduler_op 16
#define PV_DOMCTL_setdomainhandle 17 /* struct pv_domctl_setdomainhandle */
#define PV_DOMCTL_setdebugging 18
#define PV_DOMCTL_irq_permission 19    /* struct pv_domctl_irq_permission */
#define PV_DOMCTL_iomem_permission 20  /* struct pv_domctl_iomem_permission */
#define PV_DOMCTL_ioport_permission 21 /* struct pv_domctl_ioport_permission */
#define PV_DOMCTL_hypercall_init 22 /* struct pv_domctl_hypercall_init */
#define PV_DOMCTL_soft_reset_cont 23 /* Xen-internal (soft_reset continuation) */
#define PV_DOMCTL_settimeoffset 24
#define PV_DOMCTL_getvcpuaffinity 25
#define PV_DOMCTL_real_mode_area 26 /* obsolete in Xen (PPC only) */
#define PV_DOMCTL_resumedomain 27
#define PV_DOMCTL_sendtrigger 28
#define PV_DOMCTL_subscribe 29
#define PV_DOMCTL_gethvmcontext 33
#define PV_DOMCTL_sethvmcontext 34
#define PV_DOMCTL_set_address_size 35
#define PV_DOMCTL_get_address_size 36
#define PV_DOMCTL_assign_device 37      /* PV_DOMID_IO allowed as the target */
#define PV_DOMCTL_bind_pt_irq 38        /* policy: the target's device model too */
#define PV_DOMCTL_memory_mapping 39     /* policy: the target's device model too */
#define PV_DOMCTL_ioport_mapping 40     /* policy: the target's device model too */
#define PV_DOMCTL_set_ext_vcpucontext 42
#define PV_DOMCTL_get_ext_vcpucontext 43
#define PV_DOMCTL_set_opt_feature 44    /* obsolete in Xen (IA64 only) */
#define PV_DOMCTL_test_assign_device 45 /* PV_DOMID_INVALID: no target domain */
#define PV_DOMCTL_set_target 46
#define PV_DOMCTL_deassign_device 47    /* PV_DOMID_IO allowed as the target */
#define PV_DOMCTL_unbind_pt_irq 48      /* policy: the target's device model too */
#define PV_DOMCTL_get_device_group 50
#define PV_DOMCTL_debug_op 54
#define PV_DOMCTL_gethvmcontext_partial 55
#define PV_DOMCTL_vm_event_op 56        /* PV_DOMID_INVALID: no target domain */
#define PV_DOMCTL_mem_sharing_op 57
#define PV_DOMCTL_gettscinfo 59
#define PV_DOMCTL_settscinfo 60
#define PV_DOMCTL_getpageframeinfo3 61 /* struct pv_domctl_getpageframeinfo3 */
#define PV_DOMCTL_setvcpuextstate 62
#define PV_DOMCTL_getvcpuextstate 63
#define PV_DOMCTL_set_access_required 64
#define PV_DOMCTL_audit_p2m 65
#define PV_DOMCTL_set_virq_handler 66
#define PV_DOMCTL_set_broken_page_p2m 67
#define PV_DOMCTL_setnodeaffinity 68
#define PV_DOMCTL_getnodeaffinity 69
#define PV_DOMCTL_cacheflush 71
#define PV_DOMCTL_get_vcpu_msrs 72
#define PV_DOMCTL_set_vcpu_msrs 73
#define PV_DOMCTL_setvnumainfo 74
#define PV_DOMCTL_psr_cmt_op 75
#define PV_DOMCTL_monitor_op 77
#define PV_DOMCTL_psr_alloc 78
#define PV_DOMCTL_soft_reset 79
#define PV_DOMCTL_vuart_op 81
#define PV_DOMCTL_get_cpu_policy 82
#define PV_DOMCTL_set_cpu_policy 83
#define PV_DOMCTL_vmtrace_op 84
#define PV_DOMCTL_get_paging_mempool_size 85
#define PV_DOMCTL_set_paging_mempool_size 86
#define PV_DOMCTL_gdbsx_guestmemio 1000
#define PV_DOMCTL_gdbsx_pausevcpu 1001
#define PV_DOMCTL_gdbsx_unpausevcpu 1002
#define PV_DOMCTL_gdbsx_domstatus 1003

/* x86 part of a domain's configuration (createdomain IN, getdomaininfo OUT). */
struct pv_arch_domainconfig {
    uint32_t emulation_flags; /* PV_X86_EMU_*: must be 0 for a PV domain */
    uint32_t misc_flags;      /* PV_X86_MSR_RELAXED */
};

/* Emulated devices an HVM domain may have (emulation_flags); none for a PV domain. */
#define PV_X86_EMU_LAPIC (1U << 0)
#define PV_X86_EMU_HPET (1U << 1)
#define PV_X86_EMU_PM (1U << 2)
#define PV_X86_EMU_RTC (1U << 3)
#define PV_X86_EMU_IOAPIC (1U << 4)
#define PV_X86_EMU_PIC (1U << 5)
#define PV_X86_EMU_VGA (1U << 6)
#define PV_X86_EMU_IOMMU (1U << 7)
#define PV_X86_EMU_PIT (1U << 8)
#define PV_X86_EMU_USE_PIRQ (1U << 9)
#define PV_X86_EMU_VPCI (1U << 10)
#define PV_X86_EMU_ALL 0x7FFU
/* misc_flags: accesses to MSRs the hypervisor does not handle read 0 / are dropped, no #GP. */
#define PV_X86_MSR_RELAXED (1U << 0)

/* createdomain: a new domain, paused, with no memory and no vCPU context. */
struct pv_domctl_createdomain {
    uint32_t ssidref;           /* IN: XSM label (ignored by the dummy policy) */
    pv_domain_handle_t handle;  /* IN */
    uint32_t flags;             /* IN: PV_DOMCTL_CDF_* */
    uint32_t iommu_opts;        /* IN: PV_DOMCTL_IOMMU_* */
    uint32_t max_vcpus;         /* IN: 1..the limit */
    uint32_t max_evtchn_port;   /* IN: highest event channel port */
    int32_t max_grant_frames;   /* IN: < 0: the default */
    int32_t max_maptrack_frames; /* IN: < 0: the default */
    uint32_t grant_opts;        /* IN: PV_DOMCTL_GRANT_version_mask bits: highest grant version */
    uint32_t vmtrace_size;      /* IN: per-vCPU trace buffer bytes, 0 none */
    uint32_t cpupool_id;        /* IN: 0 or an existing pool */
    struct pv_arch_domainconfig arch; /* IN */
};

#define PV_DOMCTL_CDF_hvm (1U << 0)          /* HVM (hardware-virtualised) domain */
#define PV_DOMCTL_CDF_hap (1U << 1)          /* hardware-assisted paging */
#define PV_DOMCTL_CDF_s3_integrity (1U << 2) /* tboot memory integrity over S3 */
#define PV_DOMCTL_CDF_oos_off (1U << 3)      /* no out-of-sync shadow tables */
#define PV_DOMCTL_CDF_xs_domain (1U << 4)    /* the xenstore domain */
#define PV_DOMCTL_CDF_iommu (1U << 5)        /* may use the IOMMU */
#define PV_DOMCTL_CDF_nested_virt (1U << 6)  /* nested virtualisation */
#define PV_DOMCTL_CDF_vpmu (1U << 7)         /* virtual PMU */
#define PV_DOMCTL_CDF_MAX PV_DOMCTL_CDF_vpmu /* highest flag */
#define PV_DOMCTL_IOMMU_no_sharept (1U << 0) /* iommu_opts: no page-table sharing */
#define PV_DOMCTL_IOMMU_MAX PV_DOMCTL_IOMMU_no_sharept
#define PV_DOMCTL_GRANT_version_mask 0xFU    /* grant_opts: the highest grant table version */

/* getdomaininfo: the domain `domain`, or if none has that id the next one above it. */
struct pv_domctl_getdomaininfo {
    pv_domid_t domain;           /* OUT: the domain described (also in pv_domctl.domain) */
    uint16_t pad1;
    uint32_t flags;              /* OUT: PV_DOMINF_*, shutdown reason << PV_DOMINF_shutdownshift */
    uint64_t tot_pages;          /* OUT: frames it owns */
    uint64_t max_pages;          /* OUT: its memory limit (max_mem) */
    uint64_t outstanding_pages;  /* OUT: 0 (no claims) */
    uint64_t shr_pages;          /* OUT: 0 (no sharing) */
    uint64_t paged_pages;        /* OUT: 0 (no paging) */
    uint64_t shared_info_frame;  /* OUT: machine frame of its shared_info */
    uint64_t cpu_time;           /* OUT: ns its vCPUs have run */
    uint32_t nr_online_vcpus;    /* OUT: vCPUs up */
    uint32_t max_vcpu_id;        /* OUT: highest vCPU id, PV_INVALID_MAX_VCPU_ID if none */
    uint32_t ssidref;            /* OUT */
    pv_domain_handle_t handle;   /* OUT: from createdomain / setdomainhandle */
    uint32_t cpupool;            /* OUT */
    uint8_t gpaddr_bits;         /* OUT: guest physical address bits */
    uint8_t pad2[7];
    struct pv_arch_domainconfig arch_config; /* OUT */
};

#define PV_DOMINF_dying (1U << 0)     /* being destroyed */
#define PV_DOMINF_hvm_guest (1U << 1) /* HVM (never here) */
#define PV_DOMINF_shutdown (1U << 2)  /* it shut down (reason in the shutdown bits) */
#define PV_DOMINF_paused (1U << 3)    /* paused by the toolstack */
#define PV_DOMINF_blocked (1U << 4)   /* every vCPU blocked */
#define PV_DOMINF_running (1U << 5)   /* a vCPU is running */
#define PV_DOMINF_debugged (1U << 6)  /* being debugged */
#define PV_DOMINF_xs_domain (1U << 7) /* the xenstore domain */
#define PV_DOMINF_hap (1U << 8)       /* hardware-assisted paging */
#define PV_DOMINF_shutdownmask 255U   /* the shutdown reason (PV_SHUTDOWN_*)... */
#define PV_DOMINF_shutdownshift 16    /* ...at this bit */
#define PV_INVALID_MAX_VCPU_ID 0xFFFFFFFFU /* max_vcpu_id of a domain without vCPUs */

/* getpageframeinfo3: the page type of each of num (at most 1024) frames of the domain; each
 * array entry (IN an mfn for a PV domain) is replaced by one of these (OUT). */
#define PV_DOMCTL_PFINFO_LTAB_SHIFT 28
#define PV_DOMCTL_PFINFO_NOTAB (0x0U << 28)          /* not a page table */
#define PV_DOMCTL_PFINFO_L1TAB (0x1U << 28)          /* an L1 table */
#define PV_DOMCTL_PFINFO_L2TAB (0x2U << 28)          /* an L2 table */
#define PV_DOMCTL_PFINFO_L3TAB (0x3U << 28)          /* an L3 table */
#define PV_DOMCTL_PFINFO_L4TAB (0x4U << 28)          /* an L4 table */
#define PV_DOMCTL_PFINFO_LTABTYPE_MASK (0x7U << 28)  /* the table level */
#define PV_DOMCTL_PFINFO_LPINTAB (0x1U << 31)        /* with a table level: pinned */
#define PV_DOMCTL_PFINFO_XTAB (0xfU << 28)           /* not a frame of the domain's memory */
#define PV_DOMCTL_PFINFO_XALLOC (0xeU << 28)         /* allocate-only (not used here) */
#define PV_DOMCTL_PFINFO_BROKEN (0xdU << 28)         /* broken memory (not used here) */
#define PV_DOMCTL_PFINFO_LTAB_MASK (0xfU << 28)      /* the whole type field */
struct pv_domctl_getpageframeinfo3 {
    uint64_t num;         /* IN: entries in array */
    pv_guest_ptr_t array; /* IN/OUT: uint64_t[num] */
};

/* max_mem: the most memory the domain may own, in KiB (max_pages = max_memkb / 4). */
struct pv_domctl_max_mem {
    uint64_t max_memkb; /* IN */
};

/* setvcpucontext / getvcpucontext: a vCPU's full context (struct pv_vcpu_guest_context in
 * arch_x86.h). set: validated as VCPUOP_initialise; a null ctxt resets the vCPU. get: the
 * registers of a paused vCPU. */
struct pv_domctl_vcpucontext {
    uint32_t vcpu;       /* IN */
    uint32_t _pad;
    pv_guest_ptr_t ctxt; /* IN/OUT: struct pv_vcpu_guest_context * */
};

/* max_vcpus: must repeat createdomain's max_vcpus (Xen 4.17 creates the vCPUs here). */
struct pv_domctl_max_vcpus {
    uint32_t max; /* IN */
};

/* setdomainhandle: the domain's handle (shown by getdomaininfo). */
struct pv_domctl_setdomainhandle {
    pv_domain_handle_t handle; /* IN */
};

/* hypercall_init: write the hypercall page into one of the domain's frames. */
struct pv_domctl_hypercall_init {
    uint64_t gmfn; /* IN: a frame the domain owns (machine frame number for a PV domain) */
};

/* --- vCPUs, scheduling and time of a domain (hypercalls/domctl_vcpu.c) --- */

/* A bitmap in the caller's memory (Xen's xenctl_bitmap): bit n is bit n % 8 of byte n / 8. */
struct pv_ctl_bitmap {
    pv_guest_ptr_t bitmap; /* the bytes */
    uint32_t nr_bits;      /* how many bits the caller's bytes hold */
    uint32_t pad;
};

/* getvcpuinfo: the state of vCPU `vcpu` of the target. */
struct pv_domctl_getvcpuinfo {
    uint32_t vcpu;    /* IN */
    uint8_t online;   /* OUT: up (brought up and not taken down since) */
    uint8_t blocked;  /* OUT: waiting for an event */
    uint8_t running;  /* OUT: on a CPU right now */
    uint8_t pad0;
    uint64_t cpu_time; /* OUT: ns it has run */
    uint32_t cpu;      /* OUT: the CPU whose run queue holds it */
    uint32_t pad1;
};

/* setvcpuaffinity / getvcpuaffinity: the CPUs vCPU `vcpu` may run on (hard) and prefers (soft). */
#define PV_VCPUAFFINITY_HARD_BIT 0
#define PV_VCPUAFFINITY_HARD (1U << PV_VCPUAFFINITY_HARD_BIT)
#define PV_VCPUAFFINITY_SOFT_BIT 1
#define PV_VCPUAFFINITY_SOFT (1U << PV_VCPUAFFINITY_SOFT_BIT)
#define PV_VCPUAFFINITY_FORCE_BIT 2
#define PV_VCPUAFFINITY_FORCE (1U << PV_VCPUAFFINITY_FORCE_BIT) /* undo a pin override */
struct pv_domctl_vcpuaffinity {
    uint32_t vcpu;  /* IN */
    uint32_t flags; /* IN: PV_VCPUAFFINITY_* (HARD and/or SOFT) */
    struct pv_ctl_bitmap cpumap_hard; /* set: IN, OUT the effective map; get: OUT */
    struct pv_ctl_bitmap cpumap_soft;
};

/* scheduler_op: the scheduler's parameters of the target. */
#define PV_SCHEDULER_CREDIT 5
#define PV_SCHEDULER_CREDIT2 6
#define PV_SCHEDULER_ARINC653 7
#define PV_SCHEDULER_RTDS 8
#define PV_SCHEDULER_NULL 9
#define PV_DOMCTL_SCHEDOP_putinfo 0
#define PV_DOMCTL_SCHEDOP_getinfo 1
#define PV_DOMCTL_SCHEDOP_putvcpuinfo 2
#define PV_DOMCTL_SCHEDOP_getvcpuinfo 3
struct pv_domctl_sched_credit {
    uint16_t weight; /* putinfo: 0 leaves it */
    uint16_t cap;    /* percent of one CPU, 0 none; putinfo: 0xffff leaves it */
};
struct pv_domctl_scheduler_op {
    uint32_t sched_id; /* IN: PV_SCHEDULER_* (the running scheduler's, else -EINVAL) */
    uint32_t cmd;      /* IN: PV_DOMCTL_SCHEDOP_* */
    union {
        struct pv_domctl_sched_credit credit; /* IN/OUT */
        struct {
            pv_guest_ptr_t vcpus; /* per-vCPU parameters (not for the credit scheduler) */
            uint32_t nr_vcpus;
            uint32_t padding;
        } v;
    } u;
};

/* settimeoffset: the domain's wallclock is the host's plus this many seconds. */
struct pv_domctl_settimeoffset {
    int64_t time_offset_seconds;
};

/* gettscinfo / settscinfo: the domain's TSC mode, what save/restore carries. */
#define PV_TSC_MODE_DEFAULT 0         /* native TSC when the host's is safe and the rate matches */
#define PV_TSC_MODE_ALWAYS_EMULATE 1  /* every RDTSC emulated (not supported here) */
#define PV_TSC_MODE_NEVER_EMULATE 2   /* always native */
struct pv_domctl_tsc_info {
    uint32_t tsc_mode;     /* PV_TSC_MODE_* */
    uint32_t gtsc_khz;     /* the guest's TSC rate (0 on set: the host's) */
    uint32_t incarnation;  /* set: the saved one (the domain gets it + 1) */
    uint32_t pad;
    uint64_t elapsed_nsec; /* the guest's TSC in ns */
};

/* irq_permission, iomem_permission, ioport_permission: give the target (allow_access != 0)
 * or take away (0) the right to use a pirq, a range of machine frames (I/O memory) or a range
 * of I/O ports. The caller must hold what it gives or takes. */
struct pv_domctl_irq_permission {
    uint32_t pirq;        /* IN: the pirq (= its GSI here) */
    uint8_t allow_access; /* IN */
    uint8_t pad[3];
};
struct pv_domctl_iomem_permission {
    uint64_t first_mfn;   /* IN: first machine frame */
    uint64_t nr_mfns;     /* IN: frames in the range */
    uint8_t allow_access; /* IN */
};
struct pv_domctl_ioport_permission {
    uint32_t first_port;  /* IN */
    uint32_t nr_ports;    /* IN: ports in the range (first_port + nr_ports <= 0x10000) */
    uint8_t allow_access; /* IN */
};

/* --- save, restore and migration (hypercalls/domctl_save.c, mm/logdirty.c) --- */

/* shadow_op: log-dirty mode of a PV domain (no shadow paging here: the other modes -EOPNOTSUPP).
 * CLEAN and PEEK copy the dirty bitmap (bit n: pseudo-physical frame n, as the M2P names it)
 * for `pages` frames; CLEAN then clears it and the counts. */
#define PV_DOMCTL_SHADOW_OP_OFF 0              /* log-dirty off (nothing to do if it is) */
#define PV_DOMCTL_SHADOW_OP_ENABLE_TEST 1      /* ENABLE with no mode bits */
#define PV_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY 2  /* ENABLE with ENABLE_LOG_DIRTY */
#define PV_DOMCTL_SHADOW_OP_ENABLE_TRANSLATE 3 /* obsolete in Xen */
#define PV_DOMCTL_SHADOW_OP_CLEAN 11
#define PV_DOMCTL_SHADOW_OP_PEEK 12
#define PV_DOMCTL_SHADOW_OP_GET_ALLOCATION 30
#define PV_DOMCTL_SHADOW_OP_SET_ALLOCATION 31
#define PV_DOMCTL_SHADOW_OP_ENABLE 32
#define PV_DOMCTL_SHADOW_ENABLE_REFCOUNT (1U << 1)
#define PV_DOMCTL_SHADOW_ENABLE_LOG_DIRTY (1U << 2)
#define PV_DOMCTL_SHADOW_ENABLE_TRANSLATE (1U << 3)
#define PV_DOMCTL_SHADOW_ENABLE_EXTERNAL (1U << 4)
#define PV_DOMCTL_SHADOW_LOGDIRTY_FINAL (1U << 0) /* CLEAN/PEEK mode: the last round */
struct pv_domctl_shadow_op_stats {
    uint32_t fault_count; /* OUT: write faults taken for log-dirty (0 here: none are taken) */
    uint32_t dirty_count; /* OUT: frames newly marked since the last CLEAN */
};
struct pv_domctl_shadow_op {
    uint32_t op;                  /* IN: PV_DOMCTL_SHADOW_OP_* */
    uint32_t mode;                /* IN: ENABLE: PV_DOMCTL_SHADOW_ENABLE_*; CLEAN/PEEK: _LOGDIRTY_* */
    uint32_t mb;                  /* GET/SET_ALLOCATION: shadow memory in MiB */
    uint32_t _pad;
    pv_guest_ptr_t dirty_bitmap;  /* IN: CLEAN/PEEK: uint8_t[(pages + 7) / 8], 0: counts only */
    uint64_t pages;               /* IN/OUT: frames the bitmap holds */
    struct pv_domctl_shadow_op_stats stats; /* OUT */
};

/* set_address_size / get_address_size: the guest's width in bits (64 only here). */
struct pv_domctl_address_size {
    uint32_t size;
};

/* set_ext_vcpucontext / get_ext_vcpucontext: the 32-bit SYSCALL and SYSENTER callbacks of a
 * 64-bit PV vCPU (the 64-bit SYSCALL one is in the vCPU context), and the virtual MCE state
 * (none here: all zero). */
struct pv_domctl_vmce {
    uint64_t caps;
    uint64_t mci_ctl2_bank0;
    uint64_t mci_ctl2_bank1;
    uint64_t mcg_ext_ctl;
};
struct pv_domctl_ext_vcpucontext {
    uint32_t vcpu;                     /* IN */
    uint32_t size;                     /* set: IN, at least up to vmce; get: OUT sizeof */
    uint64_t syscall32_callback_eip;
    uint64_t sysenter_callback_eip;
    uint16_t syscall32_callback_cs;
    uint16_t sysenter_callback_cs;
    uint8_t syscall32_disables_events;
    uint8_t sysenter_disables_events;
    uint8_t _pad[2];
    struct pv_domctl_vmce vmce;
};

/* setvcpuextstate / getvcpuextstate: a vCPU's XSAVE state: xcr0, xcr0_accum, then the XSAVE
 * area. Guests here have no XSAVE: the feature mask is 0 and the state is the 16-byte header of
 * zeros (the FPU travels in the vCPU context's FXSAVE image). get with size 0 and mask 0, or no
 * buffer: the size to use. */
struct pv_domctl_vcpuextstate {
    uint32_t vcpu;          /* IN */
    uint32_t _pad;
    uint64_t xfeature_mask; /* get: IN/OUT */
    uint64_t size;          /* IN/OUT: bytes in buffer */
    pv_guest_ptr_t buffer;  /* uint64_t[] */
};

/* set_vcpu_msrs / get_vcpu_msrs: the vCPU's MSRs that migrate (TSC_AUX here), as index/value
 * pairs; get skips those that are 0. A null msrs asks for the most get may return. */
struct pv_domctl_vcpu_msr {
    uint32_t index;
    uint32_t reserved; /* must be 0 */
    uint64_t value;
};
struct pv_domctl_vcpu_msrs {
    uint32_t vcpu;       /* IN */
    uint32_t msr_count;  /* IN: entries in msrs; OUT: used (get), done (a failed set) */
    pv_guest_ptr_t msrs; /* struct pv_domctl_vcpu_msr[] */
};

/* The whole argument is read (144 bytes): -EFAULT if any of it is unreadable. */
struct pv_domctl {
    uint32_t cmd;
    uint32_t interface_version; /* PV_DOMCTL_INTERFACE_VERSION */
    pv_domid_t domain;          /* the target domain (not PV_DOMID_SELF) */
    uint16_t _pad[3];
    union {
        struct pv_domctl_createdomain createdomain;
        struct pv_domctl_getdomaininfo getdomaininfo;
        struct pv_domctl_max_mem max_mem;
        struct pv_domctl_getpageframeinfo3 getpageframeinfo3;
        struct pv_domctl_vcpucontext vcpucontext;
        struct pv_domctl_max_vcpus max_vcpus;
        struct pv_domctl_setdomainhandle setdomainhandle;
        struct pv_domctl_hypercall_init hypercall_init;
        struct pv_domctl_getvcpuinfo getvcpuinfo;
        struct pv_domctl_vcpuaffinity vcpuaffinity;
        struct pv_domctl_scheduler_op scheduler_op;
        struct pv_domctl_settimeoffset settimeoffset;
        struct pv_domctl_tsc_info tsc_info;
        struct pv_domctl_irq_permission irq_permission;
        struct pv_domctl_iomem_permission iomem_permission;
        struct pv_domctl_ioport_permission ioport_permission;
        struct pv_domctl_shadow_op shadow_op;
        struct pv_domctl_address_size address_size;
        struct pv_domctl_ext_vcpucontext ext_vcpucontext;
        struct pv_domctl_vcpuextstate vcpuextstate;
        struct pv_domctl_vcpu_msrs vcpu_msrs;
        uint64_t align;   /* the union is 8-byte aligned, as Xen's */
        uint8_t pad[128]; /* the command's argument */
    } u;
};

#endif /* PV_ABI_DOMCTL_H */
