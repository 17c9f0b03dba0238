/* guest-kit: cooperative threads on vCPU 0 that sleep and wait for events. */
#ifndef GK_THREAD_H
#define GK_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#define GK_MAX_THREADS 16       /* including gk_main's thread */
#define GK_THREAD_STACK 16384   /* bytes of stack per created thread */

struct gk_thread;

/* Create a thread running fn(arg), ready to run at the next switch. NULL if all slots are
 * taken. Threads run only on vCPU 0, one at a time; they switch only in the calls below. */
struct gk_thread *gk_thread_create(void (*fn)(void *arg), void *arg);
/* The running thread (gk_main's before any other was created). */
struct gk_thread *gk_thread_self(void);
/* Let the other ready threads run. */
void gk_thread_yield(void);
/* Sleep ns; other threads run meanwhile, the vCPU blocks when none can. */
void gk_thread_sleep_ns(uint64_t ns);
/* Wait until an event arrives on port after this call (the dispatcher counts it, the port's
 * handler runs as usual) or timeout_ns passes (0: no timeout); true if the event came. */
bool gk_thread_wait_event(uint32_t port, uint64_t timeout_ns);
/* Wait for t to return; its slot is free again afterwards. */
void gk_thread_join(struct gk_thread *t);
/* Switches made so far (a thread switch counts once). */
uint64_t gk_thread_switches(void);

#endif /* GK_THREAD_H */
