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

/* --- the host: CPUs, scheduler, the hypervisor's log (hypercalls/sysctl_host.c) --- */

#define PV_SYSCTL_physinfo 3
#define PV_SYSCTL_sched_id 4
#define PV_SYSCTL_getcpuinfo 8
#define PV_SYSCTL_cputopoinfo 16

/* readconsole: the hypervisor's log ring (what `xl dmesg` prints). */
struct pv_sysctl_readconsole {
    uint8_t clear;       /* IN: empty the ring up to what was read */
    uint8_t incremental; /* IN: start at `index` (if still in the ring), not the oldest byte */
    uint8_t pad0, pad1;
    uint32_t index;        /* IN: the start (incremental); OUT: where the next read starts */
    pv_guest_ptr_t buffer; /* IN: where the bytes go */
    uint32_t count;        /* IN: room in buffer; OUT: bytes written */
    uint32_t pad2;
};

/* physinfo: the machine. */
#define PV_SYSCTL_PHYSCAP_hvm (1U << 0)
#define PV_SYSCTL_PHYSCAP_pv (1U << 1)
#define PV_SYSCTL_PHYSCAP_directio (1U << 2)
#define PV_SYSCTL_PHYSCAP_hap (1U << 3)
#define PV_SYSCTL_PHYSCAP_shadow (1U << 4)
#define PV_SYSCTL_PHYSCAP_iommu_hap_pt_share (1U << 5)
#define PV_SYSCTL_PHYSCAP_vmtrace (1U << 6)
#define PV_SYSCTL_PHYSCAP_vpmu (1U << 7)
#define PV_SYSCTL_PHYSCAP_gnttab_v1 (1U << 8)
#define PV_SYSCTL_PHYSCAP_gnttab_v2 (1U << 9)
struct pv_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;     /* CPUs online */
    uint32_t max_cpu_id;  /* the highest CPU number there can be */
    uint32_t nr_nodes;    /* NUMA nodes online */
    uint32_t max_node_id; /* the highest node number there can be */
    uint32_t cpu_khz;
    uint32_t capabilities;      /* PV_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities; /* none on x86 */
    uint32_t pad;
    uint64_t total_pages; /* frames the hypervisor manages */
    uint64_t free_pages;
    uint64_t scrub_pages;
    uint64_t outstanding_pages;
    uint64_t max_mfn;
    uint32_t hw_cap[8]; /* CPUID words in Xen's featureset order (1d, 1c, e1d, e1c, ...) */
};

/* sched_id: the scheduler (PV_SCHEDULER_*, domctl.h). */
struct pv_sysctl_sched_id {
    uint32_t sched_id;
};

/* getcpuinfo: each CPU's idle time (ns). */
struct pv_sysctl_cpuinfo {
    uint64_t idletime;
};
struct pv_sysctl_getcpuinfo {
    uint32_t max_cpus;   /* IN: entries in info */
    uint32_t pad0;
    pv_guest_ptr_t info; /* IN: struct pv_sysctl_cpuinfo[max_cpus] */
    uint32_t nr_cpus;    /* OUT: entries written */
    uint32_t pad1;
};

/* cputopoinfo: core, socket and node of each CPU. */
#define PV_INVALID_CORE_ID (~0U)
#define PV_INVALID_SOCKET_ID (~0U)
#define PV_INVALID_NODE_ID (~0U)
struct pv_sysctl_cputopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
struct pv_sysctl_cputopoinfo {
    uint32_t num_cpus;      /* IN: entries in cputopo; OUT: entries there are (or written) */
    uint32_t pad;
    pv_guest_ptr_t cputopo; /* IN: struct pv_sysctl_cputopo[num_cpus]; 0: only count them */
};

/* The whole argument is read (136 bytes): -EFAULT if any of it is unreadable. */
struct pv_sysctl {
    uint32_t cmd;
    uint32_t interface_version; /* PV_SYSCTL_INTERFACE_VERSION */
    union {
        struct pv_sysctl_getdomaininfolist getdomaininfolist;
        struct pv_sysctl_readconsole readconsole;
        struct pv_sysctl_physinfo physinfo;
        struct pv_sysctl_sched_id sched_id;
        struct pv_sysctl_getcpuinfo getcpuinfo;
        struct pv_sysctl_cputopoinfo cputopoinfo;
        uint64_t align;   /* the union is 8-byte aligned, as Xen's */
        uint8_t pad[128]; /* the command's argument */
    } u;
};

#endif /* PV_ABI_SYSCTL_H */
