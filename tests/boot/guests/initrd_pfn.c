/*
 * Boot test guest "initrd_pfn": initrd.c's checks in an image whose MOD_START_PFN note asks for
 * the ramdisk by pfn (as Linux's does): SIF_MOD_START_PFN set, the ramdisk unmapped after the
 * initial mapping.
 */
#define INITRD_PFN 1
#include "initrd.c"

/* XEN_ELFNOTE_MOD_START_PFN (16) = 1, a "Xen" note beside the kit's own (guest.lds). */
__asm__(".pushsection .note.Xen, \"a\", @note\n"
        ".balign 4\n"
        ".long 4, 4, 16\n"
        ".asciz \"Xen\"\n"
        ".long 1\n"
        ".popsection\n");
