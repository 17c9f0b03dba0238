/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/sysctl.h - host control for the toolstack: sysctl(u_sysctl).
 *
 * Privileged: under the default policy (Xen's XSM dummy module) any other caller gets -EPERM
 * for every command, known or not, once the interface version has been checked. Only the
 * header is fixed here; each command's argument in `u` is defined as the toolstack implements
 * it.
 */
#ifndef PV_ABI_SYSCTL_H
#define PV_ABI_SYSCTL_H

#include <stdint.h>

#include "hypercall.h"

/* The version the caller must put in interface_version (Xen 4.17's); else -EACCES. */
#define PV_SYSCTL_INTERFACE_VERSION 0x00000015

/* Commands (cmd) whose policy differs: the xenstore domain may use them too. */
#define PV_SYSCTL_readconsole 1
#define PV_SYSCTL_getdomaininfolist 6

/* getdomaininfolist: up to max_domains struct pv_domctl_getdomaininfo (domctl.h), for the
 * domains from first_domain up, in domain id order. */
struct pv_sysctl_getdomaininfolist {
    pv_domid_t first_domain; /* IN */
    uint16_t _pad;
    uint32_t max_domains;  /* IN: room in buffer */
    pv_guest_ptr_t buffer; /* IN: struct pv_domctl_getdomaininfo[max_domains] */
    uint32_t num_domains;  /* OUT: entries written */
    uint32_t _pad2;
};

/* The whole argument is read (136 bytes): -EFAULT if any of it is unreadable. */
struct pv_sysctl {
    uint32_t cmd;
    uint32_t interface_version; /* PV_SYSCTL_INTERFACE_VERSION */
    union {
        struct pv_sysctl_getdomaininfolist getdomaininfolist;
        uint64_t align;   /* the union is 8-byte aligned, as Xen's */
        uint8_t pad[128]; /* the command's argument */
    } u;
};

#endif /* PV_ABI_SYSCTL_H */
