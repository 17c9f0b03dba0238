/* The audit of guest GDT/LDT descriptors and descriptor pages (Xen's check_descriptor,
 * validate_segdesc_page and do_update_descriptor for 64-bit PV guests). In long mode segment
 * bases and limits do not matter for code, data and stack segments, so only privilege and system
 * descriptors are checked. */
#include "pv-abi/errno.h"
#include "mm_internal.h"

/* Bits of the high 32-bit word of a descriptor. */
#define DESC_TYPE (0xfU << 8)
#define DESC_S (1U << 12) /* code or data segment (else system) */
#define DESC_DPL (3U << 13)
#define DESC_P (1U << 15)
#define DESC_TYPE_CALL_GATE (0xcU << 8)
#define GATE_RESERVED 0xffU /* parameter count and reserved bits of a 64-bit gate */

/* The code selector of a call gate must not reach a hypervisor segment: a guest GDT entry, an LDT
 * entry, or the flat kernel code segment. */
static bool gate_selector_ok(uint16_t sel)
{
    return (sel >> 3) < GDT_FIRST_RESERVED || sel == SEL_RING3_CS64 || (sel & 4);
}

int mm_check_descriptor(uint64_t *desc)
{
    uint32_t a = (uint32_t)*desc, b = (uint32_t)(*desc >> 32);
    unsigned dpl = (b & DESC_DPL) >> 13;
    uint16_t cs;

    if (!(b & DESC_P))
        return 0; /* using it faults */
    if (dpl < 3)  /* the guest kernel runs in ring 3: nothing of it may be more privileged */
        dpl = 3;
    b = (b & ~DESC_DPL) | (dpl << 13);
    if (!(b & DESC_S)) {
        if (!(b & DESC_TYPE))
            return 0; /* type 0: the upper half of a 64-bit gate, harmless */
        if ((b & DESC_TYPE) != DESC_TYPE_CALL_GATE || !gate_selector_ok(a >> 16) ||
            (b & GATE_RESERVED))
            return -PV_EINVAL;
        /* A ring-3 kernel cannot be entered through a gate: with DPL 0 every use traps, and
         * the guest's DPL rides in the selector's RPL for the emulation. */
        b &= ~DESC_DPL;
        cs = (uint16_t)((a >> 16) & ~3U) | dpl;
        a = (a & 0xffffU) | ((uint32_t)cs << 16);
    }
    *desc = ((uint64_t)b << 32) | a;
    return 0;
}

int mm_validate_seg_desc(uint64_t mfn)
{
    uint64_t *descs = mm_frame_ptr(mfn);

    for (unsigned i = 0; i < 512; i++)
        if (mm_check_descriptor(&descs[i]))
            return -PV_EINVAL;
    return 0;
}

int mm_update_descriptor(struct domain *d, uint64_t maddr, uint64_t desc)
{
    uint64_t mfn = maddr >> PAGE_SHIFT;
    uint32_t type;
    int rc;

    if ((maddr & 7) || mm_check_descriptor(&desc) || mm_get_page(mfn, d))
        return -PV_EINVAL;
    /* A descriptor page stays one; any other frame must be usable as plain memory. */
    type = frame_info(mfn)->type_info & PGT_type_mask;
    rc = mm_write_as(mfn, type == PGT_seg_desc ? PGT_seg_desc : PGT_writable,
                     (maddr & (PAGE_SIZE - 1)) / 8, desc);
    mm_put_page(mfn);
    return rc;
}
