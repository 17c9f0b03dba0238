/* Bounded sets of integer ranges (rangeset.h), after Xen's common/rangeset.c: the set is a
 * sorted array, every change replaces a run of it with at most two ranges. */
#include "rangeset.h"
#include "lib.h"
#include "pv-abi/errno.h"

/* Replace ranges [i, j) with the n ranges of with[] (s->lock held). */
static int replace(struct rangeset *s, unsigned i, unsigned j, const struct range *with,
                   unsigned n)
{
    unsigned nr = s->nr - (j - i) + n;

    if (nr > RANGESET_MAX)
        return -PV_ENOMEM;
    memmove(&s->r[i + n], &s->r[j], (s->nr - j) * sizeof(s->r[0]));
    memcpy(&s->r[i], with, n * sizeof(with[0]));
    s->nr = nr;
    return 0;
}

int rangeset_add(struct rangeset *s, uint64_t first, uint64_t last)
{
    struct range merged = {first, last};
    unsigned i = 0, j;
    int rc;

    if (first > last)
        return -PV_EINVAL;
    spin_lock(&s->lock);
    while (i < s->nr && first && s->r[i].last < first - 1) /* ends before, not touching */
        i++;
    for (j = i; j < s->nr && (last == UINT64_MAX || s->r[j].first <= last + 1); j++)
        ; /* ranges [i, j) overlap or touch the new one */
    if (i < j) {
        merged.first = MIN(first, s->r[i].first);
        merged.last = MAX(last, s->r[j - 1].last);
    }
    rc = replace(s, i, j, &merged, 1);
    spin_unlock(&s->lock);
    return rc;
}

int rangeset_remove(struct rangeset *s, uint64_t first, uint64_t last)
{
    struct range left[2];
    unsigned i = 0, j, n = 0;
    int rc;

    if (first > last)
        return -PV_EINVAL;
    spin_lock(&s->lock);
    while (i < s->nr && s->r[i].last < first)
        i++;
    for (j = i; j < s->nr && s->r[j].first <= last; j++)
        ; /* ranges [i, j) overlap the one removed */
    if (i < j && s->r[i].first < first)
        left[n++] = (struct range){s->r[i].first, first - 1};
    if (i < j && s->r[j - 1].last > last)
        left[n++] = (struct range){last + 1, s->r[j - 1].last};
    rc = replace(s, i, j, left, n);
    spin_unlock(&s->lock);
    return rc;
}

bool rangeset_contains(struct rangeset *s, uint64_t first, uint64_t last)
{
    bool found = false;

    spin_lock(&s->lock);
    for (unsigned i = 0; i < s->nr && !found; i++)
        found = s->r[i].first <= first && last <= s->r[i].last;
    spin_unlock(&s->lock);
    return found;
}

bool rangeset_is_empty(struct rangeset *s)
{
    return __atomic_load_n(&s->nr, __ATOMIC_RELAXED) == 0;
}

void rangeset_clear(struct rangeset *s)
{
    spin_lock(&s->lock);
    s->nr = 0;
    spin_unlock(&s->lock);
}
