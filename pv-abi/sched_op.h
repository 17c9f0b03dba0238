/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/sched_op.h - scheduler operations: sched_op(cmd, arg).
 */
#ifndef PV_ABI_SCHED_OP_H
#define PV_ABI_SCHED_OP_H

#include <stdint.h>

#include "hypercall.h"

/* Sub-operations (cmd) and their argument. */
#define PV_SCHEDOP_yield 0           /* arg NULL: give up the CPU, stay runnable */
#define PV_SCHEDOP_block 1           /* arg NULL: unmask events and sleep until one is pending */
#define PV_SCHEDOP_shutdown 2        /* arg struct pv_sched_shutdown: stop the calling domain */
#define PV_SCHEDOP_poll 3            /* arg struct pv_sched_poll: sleep until a port is pending */
#define PV_SCHEDOP_remote_shutdown 4 /* arg struct pv_sched_remote_shutdown (privileged) */
#define PV_SCHEDOP_shutdown_code 5   /* arg struct pv_sched_shutdown: record a reason only */
#define PV_SCHEDOP_watchdog 6        /* arg struct pv_sched_watchdog */
#define PV_SCHEDOP_pin_override 7    /* arg struct pv_sched_pin_override (dom0) */

/* Shutdown reasons. PV_SHUTDOWN_suspend takes the start_info mfn as a third argument (rdx)
 * and returns 0 in the restored domain, or 1 if the suspend was cancelled. */
#define PV_SHUTDOWN_poweroff 0   /* exited normally: clean up and destroy */
#define PV_SHUTDOWN_reboot 1     /* clean up, destroy and restart */
#define PV_SHUTDOWN_suspend 2    /* clean up and keep the state for save/migration */
#define PV_SHUTDOWN_crash 3      /* the guest crashed */
#define PV_SHUTDOWN_watchdog 4   /* the watchdog expired */
#define PV_SHUTDOWN_soft_reset 5 /* reset the domain keeping its memory */
#define PV_SHUTDOWN_MAX 5        /* largest valid reason */

/* PV_SCHEDOP_shutdown, PV_SCHEDOP_shutdown_code (4 bytes). IN. */
struct pv_sched_shutdown {
    uint32_t reason; /* PV_SHUTDOWN_* */
};

/* PV_SCHEDOP_poll (24 bytes). All IN. */
struct pv_sched_poll {
    pv_guest_ptr_t ports; /* array of uint32_t event channel ports */
    uint32_t nr_ports;    /* number of ports */
    uint32_t pad;         /* padding */
    uint64_t timeout;     /* absolute system time (ns) to give up at; 0 = never */
};

/* PV_SCHEDOP_remote_shutdown (8 bytes). All IN. */
struct pv_sched_remote_shutdown {
    pv_domid_t domain_id; /* domain to shut down */
    uint16_t pad;         /* padding */
    uint32_t reason;      /* PV_SHUTDOWN_* */
};

/* PV_SCHEDOP_watchdog (8 bytes). */
struct pv_sched_watchdog {
    uint32_t id;      /* IN: 0 creates a watchdog (rc = its id); else the watchdog to poke */
    uint32_t timeout; /* IN: seconds until shutdown; 0 with a nonzero id destroys it */
};

/* PV_SCHEDOP_pin_override (4 bytes). IN. */
struct pv_sched_pin_override {
    int32_t pcpu; /* physical CPU to pin the calling vCPU to; -1 undoes the override */
};

#endif /* PV_ABI_SCHED_OP_H */
