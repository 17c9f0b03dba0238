/*
 * guest-kit: blkfront's checks of the ring and of the backend's keys (gk/blkfront.h). Pure
 * functions, also compiled on the build machine by tests/unit/test_gk_front.c.
 */
#include "gk/blkfront.h"
#include "pv-abi/errno.h"

unsigned int gk_blkfront_segments(uint64_t va, uint64_t len, struct gk_blkfront_seg *segs,
                                  unsigned int max, uint64_t *taken)
{
    unsigned int n = 0;

    *taken = 0;
    while (len && n < max) {
        uint64_t off = va & 4095, chunk = 4096 - off;

        if (chunk > len)
            chunk = len;
        segs[n].page = va - off;
        segs[n].first_sect = (uint8_t)(off >> 9);
        segs[n].last_sect = (uint8_t)(((off + chunk) >> 9) - 1);
        n++;
        va += chunk;
        len -= chunk;
        *taken += chunk;
    }
    return n;
}

long gk_blkfront_check_geometry(uint64_t sectors, uint64_t sector_size)
{
    if (sector_size < 512 || sector_size > 4096 || (sector_size & (sector_size - 1)))
        return -PV_EINVAL;
    /* The size in bytes, and in the ring's 512-byte sectors, must fit 64 bits. */
    if (sectors > ~0ULL / sector_size)
        return -PV_EINVAL;
    return 0;
}

long gk_blkfront_ring_pending(uint32_t prod, uint32_t cons, uint32_t slots)
{
    uint32_t n = prod - cons;

    return n > slots ? -1 : (long)n;
}

bool gk_blkfront_need_notify(uint32_t old, uint32_t new_prod, uint32_t event)
{
    return (uint32_t)(new_prod - event) < (uint32_t)(new_prod - old);
}

int gk_blkfront_id_slot(uint64_t id, const uint64_t *ids, unsigned int nr)
{
    uint64_t slot = id & 0xff;

    if (id == 0 || slot >= nr || ids[slot] != id)
        return -1;
    return (int)slot;
}

unsigned int gk_blkfront_ring_order(long offered, unsigned int want)
{
    unsigned int order = offered < 0 ? 0 : offered > GK_BLKFRONT_MAX_RING_ORDER
                                               ? GK_BLKFRONT_MAX_RING_ORDER
                                               : (unsigned int)offered;

    return want < order ? want : order;
}
