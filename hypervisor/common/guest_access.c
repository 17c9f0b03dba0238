/* The checked guest-memory accessor: copies through the current guest page tables, so a bad
 * guest pointer yields -EFAULT (the fault is resumed, entry.asm) and never a hypervisor fault. */
#include "guest_access.h"
#include "pv-abi/errno.h"
#include "arch.h"

/* The guest's range is checked here, its pages by the CPU: the copy goes through the guest's own
 * mappings (every guest entry is a user one, mm_adjust_entry; CR0.WP makes read-only ones
 * fault), and the dirty bit a write sets is what log-dirty harvests. */
HOT int guest_copy_from(void *dst, guest_handle src, size_t len)
{
    if (len && !guest_range_ok(src.gva, len))
        return -PV_EFAULT;
    return arch_copy_from_guest(dst, (const void *)src.gva, len) ? -PV_EFAULT : 0;
}

HOT int guest_copy_to(guest_handle dst, const void *src, size_t len)
{
    if (len && !guest_range_ok(dst.gva, len))
        return -PV_EFAULT;
    return arch_copy_to_guest((void *)dst.gva, src, len) ? -PV_EFAULT : 0;
}
