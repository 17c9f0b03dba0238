/* How the page-table core reaches the machine: frame contents through the direct map, and TLB
 * flushes. Host unit tests link their own versions of these two functions instead. */
#include "x86/ipi.h"
#include "mm.h"
#include "paging.h"
#include "x86/cpu.h"

void *mm_frame_ptr(uint64_t mfn)
{
    return mfn_to_virt(mfn);
}

/* Reloading %cr3 drops every translation that is not global, and no guest translation is
 * (mm_adjust_entry): every CPU running a vCPU of the owner does that before we go on. */
void mm_flush_tlb(uint16_t owner)
{
    ipi_flush_domain(owner);
}
