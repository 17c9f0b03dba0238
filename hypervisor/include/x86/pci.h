/* PCI configuration space, dom0's mediated ports (arch/x86/pci.c) and MSI/MSI-X (msi.c). */
#ifndef HV_X86_PCI_H
#define HV_X86_PCI_H
#include "../domain.h"
#include "../spinlock.h"
#include "pv-abi/errno.h"

#define MSI_VECTOR_BASE 0x90 /* MSI slot s arrives on vector 0x90 + s (ARCH_MSI_SLOTS of them) */

/* Guards CF8/CFC, the CMOS index/data pair, dom0's reported devices and the MSI slots. */
extern spinlock_t pci_lock;

/* Configuration space of segment 0 below 256 through CF8/CFC (pci_lock held): bdf is
 * bus << 8 | devfn; an access stays within its dword. pci_find_cap: a capability's offset, 0. */
uint32_t pci_read(unsigned bdf, unsigned reg, unsigned size);
void pci_write(unsigned bdf, unsigned reg, unsigned size, uint32_t val);
unsigned pci_find_cap(unsigned bdf, unsigned id);
/* Did dom0 report bdf with pci_device_add (or manage_pci_add)? (pci_lock held) */
bool pci_added(unsigned bdf);

/* Is [port, port + size) emulated, never passed through: dword 0xcf8, 0xcfc-0xcff, 0x70-0x71?
 * Then d's IN reads pci_port_read (all ones where refused) and its OUT goes to pci_port_write. */
bool pci_port_mediated(unsigned port, unsigned size);
uint32_t pci_port_read(struct domain *d, unsigned port, unsigned size);
void pci_port_write(struct domain *d, unsigned port, unsigned size, uint32_t val);
/* Boot: the HPET's register frame from ACPI (read-only to domains). */
void pci_init(void);

/* msi.c, pci_lock held: does bdf have MSI-X (msix) or MSI vectors mapped? The remove, prepare
 * and release device ops once the device is known to be reported. Is mfn in an MSI-X table or
 * PBA of a function with vectors or prepared (read without the lock: a stale answer only
 * concerns a mapping made while dom0 changes that function's vectors)? */
bool msi_in_use(unsigned bdf, bool msix);
int msi_device_op(unsigned op, unsigned bdf);
bool msi_table_frame(uint64_t mfn);

#endif
