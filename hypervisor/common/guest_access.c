/* The checked guest-memory accessor: walks the current guest page tables in software and copies
 * through the direct map, so a bad guest pointer yields -EFAULT and never a hypervisor fault. */
#include "guest_access.h"
#include "pv-abi/errno.h"
#include "lib.h"
#include "logdirty.h"
#include "mm.h"
#include "paging.h"

/* Translate one guest virtual address through the loaded page tables with the guest's own
 * permissions (user-accessible at every level, writable for a write); NULL if it may not. */
static uint8_t *guest_translate(uint64_t gva, bool write)
{
    uint64_t upper, e, *l1e = mm_walk_l1e(read_cr3() >> PAGE_SHIFT, gva, NULL, &upper);
    uint64_t need = PTE_P | PTE_US | (write ? PTE_RW : 0);

    if (!l1e)
        return NULL;
    e = *l1e;
    if ((e & need) != need || (upper & need) != need || !frame_info((e & PTE_ADDR) >> PAGE_SHIFT))
        return NULL;
    if (write)
        logdirty_mark((e & PTE_ADDR) >> PAGE_SHIFT);
    return (uint8_t *)mm_frame_ptr((e & PTE_ADDR) >> PAGE_SHIFT) + (gva & (PAGE_SIZE - 1));
}

static int guest_copy(uint64_t gva, void *buf, size_t len, bool write)
{
    uint8_t *b = buf;

    if (gva + len < gva)
        return -PV_EFAULT;
    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
        uint8_t *p = guest_translate(gva, write);

        if (!p)
            return -PV_EFAULT;
        if (write)
            memcpy(p, b, chunk);
        else
            memcpy(b, p, chunk);
        gva += chunk;
        b += chunk;
        len -= chunk;
    }
    return 0;
}

int guest_copy_from(void *dst, guest_handle src, size_t len)
{
    return guest_copy(src.gva, dst, len, false);
}

int guest_copy_to(guest_handle dst, const void *src, size_t len)
{
    return guest_copy(dst.gva, (void *)src, len, true);
}
