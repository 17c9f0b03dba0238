/* guest-kit: declarations shared between the kit's own files (not for guests). */
#ifndef GK_INTERNAL_H
#define GK_INTERNAL_H

#include "gk/kit.h"

/* Boot steps, called once each by gk_start() in this order. */
void gk_console_init(void);
void gk_callbacks_init(void);
void gk_mm_init(uint64_t boot_rsp);

/* Entry points in arch/entry.asm. */
extern const uint64_t gk_trap_stubs[256];
void gk_event_entry(void);
void gk_failsafe_entry(void);
void gk_syscall_entry(void);

/* Stacks in arch/head.asm (their top addresses). */
extern uint8_t gk_entry_stack_top[];
extern uint8_t gk_user_stack_top[];

/* Handle a SYSCALL or int $0x80 from user mode (user.c). */
void gk_user_syscall_dispatch(struct gk_regs *regs);

/* Virtual rflags for a kernel context: IF set if events are unmasked (events.c). */
uint64_t gk_events_rflags(void);

/* Set by the test library while a test runs: report a fatal error as the test's result. */
extern void (*gk_fatal_hook)(const char *msg);

/* Wait (bounded) until the console ring has been drained. */
void gk_console_flush(void);

#endif /* GK_INTERNAL_H */
