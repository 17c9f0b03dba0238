/* Spinlocks and atomic bit operations for the hypervisor's shared state.
 * Interrupts are off whenever the hypervisor runs (except the idle loop), so a lock is never
 * taken by an interrupt handler on the CPU that holds it. Lock order: domain locks by ascending
 * domid, then the scheduler's per-CPU locks, then the frame allocator's lock. */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H
#include "types.h"

typedef struct {
    volatile uint32_t locked;
} spinlock_t;

#define SPINLOCK_INIT {0}

/* Called while spinning, if linked in: the hypervisor serves other CPUs' requests there. */
void spin_wait_hook(void) __attribute__((weak));

static inline void spin_lock(spinlock_t *l)
{
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
            __asm__ volatile("pause");
            if (spin_wait_hook)
                spin_wait_hook();
        }
}

static inline bool spin_trylock(spinlock_t *l)
{
    return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* Atomic bit operations on 64-bit words (guest-shared memory included). */
static inline bool test_and_set_bit64(uint64_t *w, unsigned bit)
{
    return __atomic_fetch_or(w, 1UL << bit, __ATOMIC_SEQ_CST) & (1UL << bit);
}

static inline bool test_and_clear_bit64(uint64_t *w, unsigned bit)
{
    return __atomic_fetch_and(w, ~(1UL << bit), __ATOMIC_SEQ_CST) & (1UL << bit);
}

static inline bool test_bit64(const uint64_t *w, unsigned bit)
{
    return __atomic_load_n(w, __ATOMIC_ACQUIRE) & (1UL << bit);
}

static inline void clear_bit64(uint64_t *w, unsigned bit)
{
    __atomic_fetch_and(w, ~(1UL << bit), __ATOMIC_SEQ_CST);
}

static inline void set_bit64(uint64_t *w, unsigned bit)
{
    __atomic_fetch_or(w, 1UL << bit, __ATOMIC_SEQ_CST);
}

#endif
