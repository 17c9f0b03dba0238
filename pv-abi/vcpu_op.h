/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/vcpu_op.h - virtual CPU operations: vcpu_op(cmd, vcpuid, arg).
 *
 * vcpuid names a vCPU of the calling domain (an id the domain does not have: -PV_ENOENT, checked
 * before the command). A domain starts with vCPU 0 running and the others down; a secondary
 * vCPU is started with PV_VCPUOP_initialise (its first register state) and PV_VCPUOP_up.
 *
 * Timers deliver PV_VIRQ_TIMER to the vCPU (bind it with EVTCHNOP_bind_virq). Times are
 * absolute system time in nanoseconds (the clock of pv_vcpu_time_info, shared_info.h).
 * Every vCPU starts with a 10 ms periodic timer, which ticks only while the vCPU runs; guests
 * that use the single-shot timer usually stop it.
 */
#ifndef PV_ABI_VCPU_OP_H
#define PV_ABI_VCPU_OP_H

#include <stdint.h>

#include "hypercall.h"

/* Sub-operations (cmd) and their argument. */
#define PV_VCPUOP_initialise 0                    /* struct pv_vcpu_guest_context (arch_x86.h) */
#define PV_VCPUOP_up 1                            /* NULL: make an initialised vCPU runnable */
#define PV_VCPUOP_down 2                          /* NULL: stop the vCPU (the last one: poweroff) */
#define PV_VCPUOP_is_up 3                         /* NULL: returns 1 if up, 0 if down */
#define PV_VCPUOP_get_runstate_info 4             /* struct pv_vcpu_runstate_info (OUT) */
#define PV_VCPUOP_register_runstate_memory_area 5 /* struct pv_vcpu_register_runstate_memory_area  \
                                                   */
#define PV_VCPUOP_set_periodic_timer 6            /* struct pv_vcpu_set_periodic_timer */
#define PV_VCPUOP_stop_periodic_timer 7           /* NULL */
#define PV_VCPUOP_set_singleshot_timer 8  /* struct pv_vcpu_set_singleshot_timer (own vCPU) */
#define PV_VCPUOP_stop_singleshot_timer 9 /* NULL (own vCPU) */
#define PV_VCPUOP_register_vcpu_info 10   /* struct pv_vcpu_register_vcpu_info */
#define PV_VCPUOP_send_nmi 11             /* NULL */
#define PV_VCPUOP_get_physid 12           /* struct pv_vcpu_get_physid (OUT) */
#define PV_VCPUOP_register_vcpu_time_memory_area 13 /* struct pv_vcpu_register_time_memory_area */
#define PV_VCPUOP_register_runstate_phys_area 14    /* newer than Xen 4.17 */
#define PV_VCPUOP_register_vcpu_time_phys_area 15   /* newer than Xen 4.17 */

/* Run states (pv_vcpu_runstate_info.state and the index of its time[]). */
#define PV_RUNSTATE_running 0  /* running on a physical CPU */
#define PV_RUNSTATE_runnable 1 /* runnable, waiting for a physical CPU */
#define PV_RUNSTATE_blocked 2  /* blocked (SCHEDOP_block / poll): waits for an event */
#define PV_RUNSTATE_offline 3  /* neither runnable nor blocked: down, or not yet up */

/* Set in pv_vcpu_runstate_info.state_entry_time of a registered area while the hypervisor
 * rewrites it, if the domain enabled PV_VMASST_TYPE_runstate_update_flag (vm_assist.h). */
#define PV_RUNSTATE_UPDATE (1ULL << 63)

/*
 * PV_VCPUOP_get_runstate_info (48 bytes). OUT. time[] sums to the system time elapsed since the
 * vCPU was created; the current state's share is counted up to the moment of the call.
 */
struct pv_vcpu_runstate_info {
    int32_t state;             /* PV_RUNSTATE_* */
    uint32_t pad;              /* padding */
    uint64_t state_entry_time; /* system time (ns) the state was entered (| PV_RUNSTATE_UPDATE) */
    uint64_t time[4];          /* ns spent in each PV_RUNSTATE_* */
};

/*
 * PV_VCPUOP_register_runstate_memory_area (8 bytes). IN. A guest virtual address (0 stops the
 * updates) the hypervisor keeps a pv_vcpu_runstate_info at: written at once, then each time the
 * vCPU is switched in or out (through the vCPU's own page tables; a write that fails is
 * skipped).
 */
struct pv_vcpu_register_runstate_memory_area {
    pv_guest_ptr_t addr; /* struct pv_vcpu_runstate_info * */
};

/* PV_VCPUOP_set_periodic_timer (8 bytes). IN. */
struct pv_vcpu_set_periodic_timer {
    uint64_t period_ns; /* at least 1 ms */
};

/* PV_VCPUOP_set_singleshot_timer (16 bytes). IN. */
struct pv_vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns; /* absolute system time; a past time fires at once */
    uint32_t flags;          /* PV_VCPU_SSHOTTMR_* */
    uint32_t pad;            /* padding */
};

/* Flags of pv_vcpu_set_singleshot_timer: refuse (-PV_ETIME) a timeout already past. */
#define PV_VCPU_SSHOTTMR_future_BIT 0
#define PV_VCPU_SSHOTTMR_future (1U << PV_VCPU_SSHOTTMR_future_BIT)

/*
 * PV_VCPUOP_register_vcpu_info (16 bytes). IN. Moves the vCPU's pv_vcpu_info (shared_info.h)
 * from shared_info.vcpu_info[vcpuid] to machine frame mfn (the domain's own, not a page table
 * or descriptor page) at offset (the 64 bytes may not cross the page). Once per vCPU, by the
 * vCPU itself or for a vCPU that is down. The contents move along; the new copy then has every
 * evtchn_pending_sel bit and evtchn_upcall_pending set (a spurious upcall, never a lost one).
 */
struct pv_vcpu_register_vcpu_info {
    uint64_t mfn;    /* machine frame */
    uint32_t offset; /* byte offset within it */
    uint32_t rsvd;   /* unused */
};

/* PV_VCPUOP_get_physid (8 bytes). OUT. Only for the hardware domain's pinned vCPUs. */
struct pv_vcpu_get_physid {
    uint64_t phys_id; /* bits 31:0 APIC id, 63:32 ACPI id */
};

/* PV_VCPUOP_register_vcpu_time_memory_area (8 bytes). IN. */
struct pv_vcpu_register_time_memory_area {
    pv_guest_ptr_t addr; /* struct pv_vcpu_time_info * */
};

#endif /* PV_ABI_VCPU_OP_H */
