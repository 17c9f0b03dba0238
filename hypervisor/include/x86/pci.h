/* PCI functions, their MSI/MSI-X vectors and dom0's mediated ports (arch/x86/pci.c). */
#ifndef HV_X86_PCI_H
#define HV_X86_PCI_H
#include "../domain.h"

#define MSI_VECTOR_BASE 0x90 /* MSI slot s arrives on vector 0x90 + s (ARCH_MSI_SLOTS of them) */

/* d's IN (*val set) or OUT of *val at [port, port + size) if that is never passed through
 * (dword 0xcf8, 0xcfc-0xcff, 0x70-0x71): done here, true; an ordinary port: false. */
bool pci_port_io(struct domain *d, unsigned port, unsigned size, bool write, uint32_t *val);
/* The privileged domain's store of size bytes (naturally aligned) at register reg of ECAM frame
 * mfn (ptwr.c decoded it): filtered as through 0xcfc, then done; false if mfn is no ECAM frame. */
bool pci_mmcfg_write(uint64_t mfn, unsigned reg, unsigned size, uint32_t val);
/* Boot: the HPET's register frame and the MMCONFIG windows from ACPI (read-only to domains). */
void pci_init(void);

#endif
