/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/callback_op.h - registering guest entry points: callback_op(cmd, arg).
 *
 * The legacy form set_callbacks(event, failsafe, syscall) registers the first three types
 * in one call (events masked on failsafe and syscall entry are not selectable there).
 * Bounce frames for every callback are described in arch_x86.h.
 */
#ifndef PV_ABI_CALLBACK_OP_H
#define PV_ABI_CALLBACK_OP_H

#include <stdint.h>

/* Callback types (pv_callback_register.type). */
#define PV_CALLBACKTYPE_event 0               /* event channel upcall (events masked on entry) */
#define PV_CALLBACKTYPE_failsafe 1            /* segment reload on return to guest failed */
#define PV_CALLBACKTYPE_syscall 2             /* SYSCALL from 64-bit guest user mode */
#define PV_CALLBACKTYPE_sysenter_deprecated 3 /* old SYSENTER number */
#define PV_CALLBACKTYPE_nmi 4                 /* NMI delivery */
#define PV_CALLBACKTYPE_sysenter 5            /* SYSENTER from 32-bit user mode */
#define PV_CALLBACKTYPE_syscall32 7           /* SYSCALL from 32-bit user mode */

/* Bits of pv_callback_register.flags. */
#define PV_CALLBACKF_mask_events_BIT 0
#define PV_CALLBACKF_mask_events (1U << PV_CALLBACKF_mask_events_BIT) /* enter with events masked  \
                                                                       */

/* Sub-operations (cmd). */
#define PV_CALLBACKOP_register 0   /* arg: struct pv_callback_register */
#define PV_CALLBACKOP_unregister 1 /* arg: struct pv_callback_unregister (nmi only) */

/* PV_CALLBACKOP_register (16 bytes). All IN. */
struct pv_callback_register {
    uint16_t type;    /* PV_CALLBACKTYPE_* */
    uint16_t flags;   /* PV_CALLBACKF_* */
    uint32_t pad;     /* padding */
    uint64_t address; /* entry point (canonical guest virtual address) */
};

/* PV_CALLBACKOP_unregister (4 bytes). All IN. */
struct pv_callback_unregister {
    uint16_t type;    /* PV_CALLBACKTYPE_* */
    uint16_t _unused; /* must be zero */
};

#endif /* PV_ABI_CALLBACK_OP_H */
