/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/platform_op.h - platform operations of the initial domain: platform_op(op).
 *
 * Every sub-operation is for the privileged domain only (others: -EPERM). op points at one
 * struct pv_platform_op whose interface_version must be PV_XENPF_INTERFACE_VERSION.
 */
#ifndef PV_ABI_PLATFORM_OP_H
#define PV_ABI_PLATFORM_OP_H

#include <stdint.h>

#include "hypercall.h"

#define PV_XENPF_INTERFACE_VERSION 0x03000001

/* Sub-operations (cmd) a Linux dom0 issues at boot. */
#define PV_XENPF_settime32 17             /* struct pv_xenpf_settime32: set the wall clock */
#define PV_XENPF_firmware_info 50         /* struct pv_xenpf_firmware_info: boot firmware data */
#define PV_XENPF_enter_acpi_sleep 51      /* struct pv_xenpf_enter_acpi_sleep: S-state entry */
#define PV_XENPF_set_processor_pminfo 54  /* processor power-management data (PDC, Px, Cx) */
#define PV_XENPF_get_cpuinfo 55           /* struct pv_xenpf_pcpuinfo: one physical CPU */
#define PV_XENPF_settime64 62             /* struct pv_xenpf_settime64: set the wall clock */

/* firmware_info types. */
#define PV_XEN_FW_DISK_INFO 1          /* BIOS EDD disk data, by index */
#define PV_XEN_FW_DISK_MBR_SIGNATURE 2 /* MBR signature of BIOS disk `index` */
#define PV_XEN_FW_VBEDDC_INFO 3        /* VESA DDC data */
#define PV_XEN_FW_EFI_INFO 4           /* EFI data (index selects which) */
#define PV_XEN_FW_KBD_SHIFT_FLAGS 5    /* BIOS keyboard shift flags (BDA 0x417) */

/* get_cpuinfo flags. */
#define PV_XEN_PCPU_FLAGS_ONLINE 1  /* the CPU is online */
#define PV_XEN_PCPU_FLAGS_INVALID 2 /* no such CPU */

/* PV_XENPF_settime32 (16 bytes). All IN: the time of day is secs.nsecs when system time is
 * system_time. */
struct pv_xenpf_settime32 {
    uint32_t secs;
    uint32_t nsecs;
    uint64_t system_time;
};

/* PV_XENPF_settime64 (24 bytes). All IN; mbz must be 0. */
struct pv_xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;
    uint64_t system_time;
};

/* PV_XENPF_firmware_info: the IN part (the OUT union follows, up to the op's 128 bytes). */
struct pv_xenpf_firmware_info {
    uint32_t type;  /* IN: PV_XEN_FW_* */
    uint32_t index; /* IN: which item */
    uint8_t kbd_shift_flags; /* OUT for PV_XEN_FW_KBD_SHIFT_FLAGS (first byte of the union) */
};

/* PV_XENPF_enter_acpi_sleep (12 bytes). All IN. */
struct pv_xenpf_enter_acpi_sleep {
    uint16_t val_a;       /* PM1a control value / sleep type A */
    uint16_t val_b;       /* PM1b control value / sleep type B */
    uint32_t sleep_state; /* ACPI S-state: 5 = soft off */
    uint32_t flags;       /* XENPF_ACPI_SLEEP_EXTENDED: val_a/b are sleep types */
};

/* PV_XENPF_get_cpuinfo (20 bytes). */
struct pv_xenpf_pcpuinfo {
    uint32_t xen_cpuid;   /* IN: the hypervisor's CPU number */
    uint32_t max_present; /* OUT: highest CPU number present */
    uint32_t flags;       /* OUT: PV_XEN_PCPU_FLAGS_* */
    uint32_t apic_id;     /* OUT */
    uint32_t acpi_id;     /* OUT */
};

/* The argument of platform_op (136 bytes). */
struct pv_platform_op {
    uint32_t cmd;               /* PV_XENPF_* */
    uint32_t interface_version; /* PV_XENPF_INTERFACE_VERSION */
    union {
        struct pv_xenpf_settime32 settime32;
        struct pv_xenpf_settime64 settime64;
        struct pv_xenpf_firmware_info firmware_info;
        struct pv_xenpf_enter_acpi_sleep enter_acpi_sleep;
        struct pv_xenpf_pcpuinfo pcpu_info;
        uint8_t pad[128];
    } u;
};

#endif /* PV_ABI_PLATFORM_OP_H */
