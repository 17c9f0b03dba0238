/* The arch interface: the only way generic code (common/, mm/) reaches the x86 code in arch/x86/.
 * Each hook is implemented there, under this name (see hypervisor/README.md, "Layers"). */
#ifndef HV_ARCH_H
#define HV_ARCH_H
#include "types.h"

/* Write the hypercall page's stubs (Xen's layout: one 32-byte stub per hypercall number, int3
 * padding) into the 4 KiB at page. Builder, for a kernel that names a hypercall page. */
void arch_hypercall_page_fill(void *page);

#endif
