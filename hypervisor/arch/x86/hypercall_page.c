/* The hypercall page: Xen's 32-byte SYSCALL stubs, written by the builder and the hypercall-page
 * MSR. */
#include "arch.h"
#include "pv-abi/errno.h"
#include "pv-abi/hypercall.h"
#include "lib.h"
#include "mm.h"
#include "x86/msr.h"

/* Stub i: push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret.
 * Stub 23 (iret): push %rcx; push %r11; push %rax; mov $23,%eax; syscall. */
void arch_hypercall_page_fill(void *page)
{
    uint8_t *p = page;

    memset(page, 0xcc, PAGE_SIZE); /* int3 padding */
    for (unsigned i = 0; i < PV_HYPERCALL_PAGE_NR_STUBS; i++) {
        uint8_t *s = p + i * PV_HYPERCALL_PAGE_STUB_SIZE;
        static const uint8_t normal[] = {0x51, 0x41, 0x53, 0xb8, 0, 0, 0, 0,
                                         0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3};
        static const uint8_t iret[] = {0x51, 0x41, 0x53, 0x50, 0xb8, 0, 0, 0, 0, 0x0f, 0x05};

        if (i == PV_HYPERCALL_iret) {
            memcpy(s, iret, sizeof(iret));
            s[5] = (uint8_t)i;
        } else {
            memcpy(s, normal, sizeof(normal));
            s[4] = (uint8_t)i;
        }
    }
}

int hypercall_page_write(struct domain *d, uint64_t mfn)
{
    /* A writable type reference for the duration: never stubs into a page table. */
    int rc = mm_get_page_and_type(mfn, d, PGT_writable);

    if (rc)
        return rc == -PV_EPERM ? -PV_EINVAL : rc;
    arch_hypercall_page_fill(mm_frame_ptr(mfn));
    mm_put_page_and_type(mfn);
    return 0;
}
