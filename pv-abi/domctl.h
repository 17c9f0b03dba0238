/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/domctl.h - domain control for the toolstack: domctl(u_domctl).
 *
 * Privileged: under the default policy (Xen's XSM dummy module) any other caller gets -EPERM
 * for every command, known or not, once the interface version and the target domain have been
 * checked. Only the header is fixed here; each command's argument in `u` is defined as the
 * toolstack implements it.
 */
#ifndef PV_ABI_DOMCTL_H
#define PV_ABI_DOMCTL_H

#include <stdint.h>

#include "hypercall.h"

/* The version the caller must put in interface_version (Xen 4.17's); else -EACCES. */
#define PV_DOMCTL_INTERFACE_VERSION 0x00000015

/* Commands (cmd) whose checks before the policy differ, or whose policy differs. */
#define PV_DOMCTL_createdomain 1        /* no target domain: `domain` is not looked up */
#define PV_DOMCTL_getdomaininfo 5       /* policy: the xenstore domain too */
#define PV_DOMCTL_assign_device 37      /* PV_DOMID_IO allowed as the target */
#define PV_DOMCTL_bind_pt_irq 38        /* policy: the target's device model too */
#define PV_DOMCTL_memory_mapping 39     /* policy: the target's device model too */
#define PV_DOMCTL_ioport_mapping 40     /* policy: the target's device model too */
#define PV_DOMCTL_test_assign_device 45 /* PV_DOMID_INVALID: no target domain */
#define PV_DOMCTL_deassign_device 47    /* PV_DOMID_IO allowed as the target */
#define PV_DOMCTL_unbind_pt_irq 48      /* policy: the target's device model too */
#define PV_DOMCTL_vm_event_op 56        /* PV_DOMID_INVALID: no target domain */

/* The whole argument is read (144 bytes): -EFAULT if any of it is unreadable. */
struct pv_domctl {
    uint32_t cmd;
    uint32_t interface_version; /* PV_DOMCTL_INTERFACE_VERSION */
    pv_domid_t domain;          /* the target domain (not PV_DOMID_SELF) */
    uint16_t _pad[3];
    union {
        uint64_t align;   /* the union is 8-byte aligned, as Xen's */
        uint8_t pad[128]; /* the command's argument */
    } u;
};

#endif /* PV_ABI_DOMCTL_H */
