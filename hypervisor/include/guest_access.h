/* The one checked accessor for guest memory: every read or write of a guest virtual address in
 * the hypervisor goes through these. They never fault the hypervisor: a bad address returns
 * -PV_EFAULT. Addresses are checked for canonical form and for the guest half (never the
 * hypervisor's L4 slots 256-271), and the access goes through the current guest page tables with
 * the guest's own permissions (a read-only guest mapping cannot be written). */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H
#include "types.h"

int guest_copy_from(void *dst, uint64_t gva, size_t len);
int guest_copy_to(uint64_t gva, const void *src, size_t len);

#endif
