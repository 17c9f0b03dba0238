/* Bounded sets of integer ranges (Xen's rangesets): a domain's I/O ports, I/O memory frames and
 * GSIs (common/ioport.c). Ranges are inclusive, kept sorted and merged; each set holds at most
 * RANGESET_MAX of them and is protected by its own lock (the functions take it). A zeroed set
 * is empty and ready. */
#ifndef HV_RANGESET_H
#define HV_RANGESET_H
#include "spinlock.h"
#include "types.h"

#define RANGESET_MAX 32

struct rangeset {
    spinlock_t lock;
    unsigned nr; /* [lock] ranges in use */
    struct range {
        uint64_t first, last;
    } r[RANGESET_MAX]; /* [lock] ascending, neither overlapping nor adjacent */
};

/* Add or remove [first, last]: 0, -PV_EINVAL if first > last, or -PV_ENOMEM if the result would
 * need more than RANGESET_MAX ranges (the set is then unchanged), as Xen's when it cannot
 * allocate a range. */
int rangeset_add(struct rangeset *s, uint64_t first, uint64_t last);
int rangeset_remove(struct rangeset *s, uint64_t first, uint64_t last);
/* Is all of [first, last] in the set? */
bool rangeset_contains(struct rangeset *s, uint64_t first, uint64_t last);
bool rangeset_is_empty(struct rangeset *s);
void rangeset_clear(struct rangeset *s);

#endif
