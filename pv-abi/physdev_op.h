/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/physdev_op.h - physical device access: physdev_op(cmd, arg).
 *
 * A PV domU typically only uses PV_PHYSDEVOP_set_iopl; the interrupt and PCI operations are
 * for dom0 and device pass-through.
 */
#ifndef PV_ABI_PHYSDEV_OP_H
#define PV_ABI_PHYSDEV_OP_H

#include <stdint.h>

#include "hypercall.h"

/* Sub-operations (cmd). */
#define PV_PHYSDEVOP_irq_status_query 5    /* struct pv_physdev_irq_status_query */
#define PV_PHYSDEVOP_set_iopl 6            /* struct pv_physdev_set_iopl */
#define PV_PHYSDEVOP_set_iobitmap 7        /* struct pv_physdev_set_iobitmap */
#define PV_PHYSDEVOP_apic_read 8           /* dom0: read an IO-APIC register */
#define PV_PHYSDEVOP_apic_write 9          /* dom0: write an IO-APIC register */
#define PV_PHYSDEVOP_alloc_irq_vector 10   /* dom0: allocate a vector for an IRQ */
#define PV_PHYSDEVOP_free_irq_vector 11    /* dom0: free it */
#define PV_PHYSDEVOP_eoi 12                /* struct pv_physdev_eoi */
#define PV_PHYSDEVOP_map_pirq 13           /* dom0: map a GSI/MSI to a pirq */
#define PV_PHYSDEVOP_unmap_pirq 14         /* dom0: unmap a pirq */
#define PV_PHYSDEVOP_manage_pci_add 15     /* dom0: report a PCI device */
#define PV_PHYSDEVOP_manage_pci_remove 16  /* dom0: report a PCI device gone */
#define PV_PHYSDEVOP_pirq_eoi_gmfn_v1 17   /* register the pirq EOI bitmap page (v1) */
#define PV_PHYSDEVOP_restore_msi 19        /* dom0: restore MSI state after resume */
#define PV_PHYSDEVOP_manage_pci_add_ext 20 /* dom0: report a PCI device (extended) */
#define PV_PHYSDEVOP_setup_gsi 21          /* dom0: configure a GSI */
#define PV_PHYSDEVOP_get_free_pirq 23      /* dom0: allocate a free pirq */
#define PV_PHYSDEVOP_pci_mmcfg_reserved 24 /* dom0: report an MMCFG region */
#define PV_PHYSDEVOP_pci_device_add 25     /* dom0: report a PCI device (segment-aware) */
#define PV_PHYSDEVOP_pci_device_remove 26  /* dom0: report a PCI device gone */
#define PV_PHYSDEVOP_restore_msi_ext 27    /* dom0: restore MSI state (segment-aware) */
#define PV_PHYSDEVOP_pirq_eoi_gmfn_v2 28   /* register the pirq EOI bitmap page (v2) */
#define PV_PHYSDEVOP_dbgp_op 29            /* dom0: USB debug port operations */
#define PV_PHYSDEVOP_prepare_msix 30       /* dom0: prepare a device for MSI-X */
#define PV_PHYSDEVOP_release_msix 31       /* dom0: release MSI-X preparation */

/* PV_PHYSDEVOP_set_iopl (4 bytes). IN. */
struct pv_physdev_set_iopl {
    uint32_t iopl; /* virtual I/O privilege level, 0-3; 1 lets the guest kernel use ports */
};

/* PV_PHYSDEVOP_set_iobitmap (16 bytes). All IN. */
struct pv_physdev_set_iobitmap {
    pv_guest_ptr_t bitmap; /* I/O permission bitmap (bit set = port denied), TSS format */
    uint32_t nr_ports;     /* number of ports the bitmap covers */
    uint32_t pad;          /* padding */
};

/* PV_PHYSDEVOP_eoi (4 bytes). IN. */
struct pv_physdev_eoi {
    uint32_t irq; /* pirq to acknowledge */
};

/* PV_PHYSDEVOP_irq_status_query (8 bytes). */
struct pv_physdev_irq_status_query {
    uint32_t irq;   /* IN: pirq */
    uint32_t flags; /* OUT: PV_XENIRQSTAT_* */
};

#define PV_XENIRQSTAT_needs_eoi (1U << 0) /* PV_PHYSDEVOP_eoi required after servicing */
#define PV_XENIRQSTAT_shared (1U << 1)    /* the IRQ is shared with other domains */

/* PV_PHYSDEVOP_apic_read / _apic_write (16 bytes). */
struct pv_physdev_apic {
    uint64_t apic_physbase; /* IN: the IO-APIC's physical address (as in the MADT) */
    uint32_t reg;           /* IN: register index */
    uint32_t value;         /* OUT (read) or IN (write) */
};

/* PV_PHYSDEVOP_alloc_irq_vector / _free_irq_vector (8 bytes). */
struct pv_physdev_irq {
    uint32_t irq;    /* IN */
    uint32_t vector; /* OUT (alloc): the vector; IN (free) */
};

/* PV_PHYSDEVOP_map_pirq (40 bytes). */
struct pv_physdev_map_pirq {
    uint16_t domid;      /* IN: the domain that gets the pirq (PV_DOMID_SELF) */
    uint16_t pad;        /* padding */
    int32_t type;        /* IN: PV_MAP_PIRQ_TYPE_* */
    int32_t index;       /* IN: the GSI for type GSI */
    int32_t pirq;        /* IN: the pirq wanted, or -1 for any; OUT: the pirq */
    int32_t bus;         /* IN (MSI): bus, segment in bits 31:16 for MSI_SEG/MULTI_MSI */
    int32_t devfn;       /* IN (MSI) */
    int32_t entry_nr;    /* IN (MSI-X: table entry; MULTI_MSI: vectors, also OUT) */
    uint32_t pad2;       /* padding */
    uint64_t table_base; /* IN (MSI-X): the table's BAR address */
};

#define PV_MAP_PIRQ_TYPE_MSI 0       /* a PCI function's MSI or MSI-X vector */
#define PV_MAP_PIRQ_TYPE_GSI 1       /* an IO-APIC input */
#define PV_MAP_PIRQ_TYPE_UNKNOWN 2   /* not a valid type */
#define PV_MAP_PIRQ_TYPE_MSI_SEG 3   /* MSI with the PCI segment in bus bits 31:16 */
#define PV_MAP_PIRQ_TYPE_MULTI_MSI 4 /* multi-vector MSI */

/* PV_PHYSDEVOP_unmap_pirq (8 bytes). IN. */
struct pv_physdev_unmap_pirq {
    uint16_t domid; /* the domain whose pirq it is (PV_DOMID_SELF) */
    uint16_t pad;   /* padding */
    int32_t pirq;   /* the pirq */
};

/* PV_PHYSDEVOP_setup_gsi (8 bytes). IN. */
struct pv_physdev_setup_gsi {
    int32_t gsi;        /* the GSI */
    uint8_t triggering; /* 0 edge, 1 level */
    uint8_t polarity;   /* 0 active high, 1 active low */
    uint16_t pad;       /* padding */
};

/* PV_PHYSDEVOP_pirq_eoi_gmfn_v1 / _v2 (8 bytes). IN. */
struct pv_physdev_pirq_eoi_gmfn {
    uint64_t gmfn; /* a page of the caller's: bit n set = pirq n needs PV_PHYSDEVOP_eoi */
};

/* PV_PHYSDEVOP_manage_pci_add, PV_PHYSDEVOP_manage_pci_remove: a function of segment 0. */
struct pv_physdev_manage_pci {
    uint8_t bus;   /* IN */
    uint8_t devfn; /* IN: device << 3 | function */
};

struct pv_physdev_manage_pci_ext {
    uint8_t bus;        /* IN */
    uint8_t devfn;      /* IN */
    uint32_t is_extfn;  /* IN: 0 or 1, an ARI extended function */
    uint32_t is_virtfn; /* IN: 0 or 1, an SR-IOV virtual function of physfn */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn; /* IN */
};

/* PV_PHYSDEVOP_restore_msi: a function of segment 0. All IN. */
struct pv_physdev_restore_msi {
    uint8_t bus;
    uint8_t devfn;
};

/* PV_PHYSDEVOP_pci_mmcfg_reserved (16 bytes): an ACPI MCFG window, reserved or not. All IN. */
#define PV_XEN_PCI_MMCFG_RESERVED 0x1 /* the firmware reserves it: the hypervisor may use it */
struct pv_physdev_pci_mmcfg_reserved {
    uint64_t address; /* the window's base (bus 0) */
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags; /* PV_XEN_PCI_MMCFG_RESERVED or 0 */
};

#define PV_XEN_PCI_DEV_EXTFN 0x1  /* pci_device_add flags: an extended function */
#define PV_XEN_PCI_DEV_VIRTFN 0x2 /* a virtual function of physfn */
#define PV_XEN_PCI_DEV_PXM 0x4    /* a proximity domain follows the struct (optarr[0]) */

struct pv_physdev_pci_device_add {
    uint16_t seg;   /* IN: PCI segment */
    uint8_t bus;    /* IN */
    uint8_t devfn;  /* IN */
    uint32_t flags; /* IN: PV_XEN_PCI_DEV_* */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn; /* IN (VIRTFN) */
};

/* PV_PHYSDEVOP_pci_device_remove, _prepare_msix, _release_msix, _restore_msi_ext. */
struct pv_physdev_pci_device {
    uint16_t seg;  /* IN */
    uint8_t bus;   /* IN */
    uint8_t devfn; /* IN */
};

/* PV_PHYSDEVOP_dbgp_op (6 bytes): an EHCI debug port's controller is about to be reset, or was.
 * All IN. */
#define PV_PHYSDEVOP_DBGP_RESET_PREPARE 1
#define PV_PHYSDEVOP_DBGP_RESET_DONE 2
#define PV_PHYSDEVOP_DBGP_BUS_UNKNOWN 0
#define PV_PHYSDEVOP_DBGP_BUS_PCI 1
struct pv_physdev_dbgp_op {
    uint8_t op;  /* PV_PHYSDEVOP_DBGP_RESET_* */
    uint8_t bus; /* PV_PHYSDEVOP_DBGP_BUS_* */
    union {
        struct pv_physdev_pci_device pci; /* BUS_PCI: the controller */
    } u;
};

#endif /* PV_ABI_PHYSDEV_OP_H */
