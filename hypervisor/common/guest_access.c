/* The checked guest-memory accessor: walks the current guest page tables in software and copies
 * through the direct map, so a bad guest pointer yields -EFAULT and never a hypervisor fault. */
#include "guest_access.h"
#include "errno.h"
#include "layout.h"
#include "lib.h"
#include "paging.h"
#include "x86/cpu.h"

/* Translate one guest virtual address; returns the hypervisor address or NULL. */
static uint8_t *guest_translate(uint64_t gva, bool write)
{
    uint64_t e = read_cr3() & PTE_ADDR;

    if (!is_canonical(gva) || (gva >= HV_VIRT_START && gva < HV_VIRT_END))
        return NULL;
    for (unsigned level = 4; level >= 1; level--) {
        e = ((const uint64_t *)mfn_to_virt(e >> PAGE_SHIFT))[pt_index(gva, level)];
        if (!(e & PTE_P) || !(e & PTE_US) || (write && !(e & PTE_RW)))
            return NULL;
        if (level > 1 && (e & PTE_PSE))
            return NULL; /* PV guests have no superpages */
        e &= PTE_ADDR;
    }
    return (uint8_t *)mfn_to_virt(e >> PAGE_SHIFT) + (gva & (PAGE_SIZE - 1));
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

int guest_copy_from(void *dst, uint64_t gva, size_t len)
{
    return guest_copy(gva, dst, len, false);
}

int guest_copy_to(uint64_t gva, const void *src, size_t len)
{
    return guest_copy(gva, (void *)src, len, true);
}
