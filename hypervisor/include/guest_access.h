/* The one checked accessor for guest memory: every read or write of a guest virtual address in
 * the hypervisor goes through these. They never fault the hypervisor: a bad address returns
 * -PV_EFAULT. Addresses are checked for canonical form and for the guest half (never the
 * hypervisor's L4 slots 256-271), and the access goes through the current guest page tables with
 * the guest's own permissions (a read-only guest mapping cannot be written). */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H
#include "types.h"
#include "arch.h"

/* A guest virtual address (Xen's XEN_GUEST_HANDLE, Solo5's checked guest pointer): a struct, so
 * the hypervisor cannot dereference it or mix it up with a number; only the helpers below reach
 * the memory it names. ABI structures keep pv_guest_ptr_t; decoders wrap it with guest_handle_of(). */
typedef struct {
    uint64_t gva;
} guest_handle;

static inline guest_handle guest_handle_of(uint64_t gva)
{
    return (guest_handle){gva};
}

/* The handle `bytes` further on (element i of an array: guest_handle_add(h, i * size)). */
static inline guest_handle guest_handle_add(guest_handle h, uint64_t bytes)
{
    return (guest_handle){h.gva + bytes};
}

/* The one rule for guest virtual ranges: the len >= 1 bytes from va, without wrapping, lie in the
 * lower canonical half or wholly above the hypervisor's slots (Xen's __addr_ok for each byte).
 * len 1 asks about one address (a code address, a breakpoint, the start of an array whose end
 * the copy checks). Alignment is the caller's business. */
static inline bool guest_range_ok(uint64_t va, uint64_t len)
{
    uint64_t last = va + len - 1;

    return len && last >= va && (last < (1UL << 47) || va >= HV_VIRT_END);
}

int guest_copy_from(void *dst, guest_handle src, size_t len);
int guest_copy_to(guest_handle dst, const void *src, size_t len);

#endif
