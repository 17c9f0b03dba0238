/* mm_frame_ptr (mm.h) in the hypervisor: inline, through the direct map. Only the hypervisor's
 * build finds this header (hypervisor.mk: -Ihypervisor/mm/inline); the host tests find their
 * own, which declares the function each of them defines over its fake memory. Inline because
 * every page-table and grant operation calls it several times, and under TCG a call and its
 * return cost about 100 cycles (docs/benchmarks.md, grant tables). */
#ifndef HV_MM_FRAME_PTR_H
#define HV_MM_FRAME_PTR_H
#include "paging.h"

static inline void *mm_frame_ptr(uint64_t mfn)
{
    return mfn_to_virt(mfn);
}
#endif /* HV_MM_FRAME_PTR_H */
