/* Storage for the event channel port table: one zeroed hypervisor frame per bucket. Kept apart
 * from the core (common/event_channel.c) so that its unit tests can supply their own. */
#include "evtchn.h"
#include "frame.h"
#include "lib.h"
#include "paging.h"

void *evtchn_page_alloc(void)
{
    uint64_t mfn = frame_alloc();

    if (mfn == FRAME_NONE)
        return NULL;
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    return mfn_to_virt(mfn);
}

void evtchn_page_free(void *page)
{
    frame_free(virt_to_mfn(page));
}
