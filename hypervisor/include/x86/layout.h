/* The hypervisor's virtual address layout: everything lives in L4 slots 256-271, the range Xen
 * reserves in every 64-bit PV guest address space (0xffff800000000000-0xffff880000000000). */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

#define HV_VIRT_START 0xffff800000000000UL /* L4 slot 256 */
#define HV_VIRT_END 0xffff880000000000UL   /* end of L4 slot 271 */
#define HV_L4_FIRST 256
#define HV_L4_LAST 271

/* Read-only machine-to-phys table, guest visible (MACH2PHYS_VIRT_START), slot 256. */
#define M2P_VIRT_START 0xffff800000000000UL
#define M2P_VIRT_END 0xffff804000000000UL

/* Per-CPU descriptor-table windows, slot 257: pages 0-13 show the running vCPU's GDT frames,
 * page 14 is the reserved page (the hypervisor's and Xen's flat selectors), pages 16-31 show
 * its LDT frames. */
#define GDT_VIRT_START 0xffff808000000000UL
#define GDT_WINDOW_SIZE (32 * 4096UL)
#define LDT_WINDOW_OFFSET (16 * 4096UL)

/* Scratch window for the domain builder (its temporary p2m), slot 258. */
#define BUILD_SCRATCH_VA 0xffff810000000000UL

/* Device MMIO (local APIC), uncached, slot 259. */
#define MMIO_VIRT_START 0xffff818000000000UL

/* The hypervisor image: VA = physical address + HV_IMAGE_BASE for the first GiB, slot 261. */
#define HV_IMAGE_BASE 0xffff82d040000000UL
#define HV_LOAD_PHYS 0x100000UL

/* Direct map of all machine memory, slots 262-271. */
#define DIRECTMAP_START 0xffff830000000000UL

#define HV_STACK_SIZE (16 * 4096UL)

#endif
