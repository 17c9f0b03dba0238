/* guest-kit: declarations shared between the kit's own files (not for guests). */
#ifndef GK_INTERNAL_H
#define GK_INTERNAL_H

#include "gk/kit.h"

/* Boot steps, called once each by gk_start() in this order. */
void gk_console_init(void);
void gk_callbacks_init(void);
void gk_mm_init(uint64_t boot_rsp);
void gk_pt_init(void);

/* The page allocator (mm.c): a page without zeroing it, the 1:1 mapping grown to
 * new_direct_pages (its new pages join the allocator), and whether pfn came from it. */
void *gk_page_take(void);
void gk_mm_grow(uint64_t new_direct_pages);
bool gk_page_in_pool(uint64_t pfn);

/* Page-table frames (pt.c): a page of the allocator, read-only in the 1:1 mapping and cleared
 * with MMUEXT_CLEAR_PAGE; and back (writable again, freed). */
long gk_table_alloc(uint64_t *mfn);
long gk_table_free(uint64_t mfn);
/* An L4 slot the guest may use (not 256-271, the hypervisor's). */
bool gk_pt_guest_slot(unsigned int slot);
/* One mmuext_op. */
long gk_mmuext1(unsigned int cmd, uint64_t arg1, uint64_t arg2);
/* The kernel space from now on (space.c, after MMUEXT_NEW_BASEPTR). */
void gk_set_kernel_space(struct gk_space *s);

/* User mode (user.c): the installed user page table (0: none) and installing another; entering
 * user mode until an exit or a fault ends it; the task in user mode (task.c). */
uint64_t gk_user_root(void);
long gk_user_set_root(uint64_t l4_mfn);
long gk_user_enter_wait(uint64_t rip, uint64_t rsp);
void gk_user_exit(struct gk_regs *regs, long value);
extern struct gk_task *gk_running_task;
long gk_task_write(struct gk_task *t, uint64_t buf, uint64_t len);
bool gk_task_fault(struct gk_regs *regs);

/* The installed trap entries, indexed by vector, for a vcpu_guest_context (traps.c). */
void gk_trap_fill_context(struct pv_trap_info trap_ctxt[256]);

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
