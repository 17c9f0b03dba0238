/* guest-kit: running code in guest user mode (ring 3 with the user page table).
 *
 * The hypervisor keeps two page tables per vCPU: the kernel's (MMUEXT_NEW_BASEPTR) and the
 * user one (MMUEXT_NEW_USER_BASEPTR). It switches to the kernel table on every user->kernel
 * entry (trap, event, SYSCALL) and to the user table when the iret hypercall returns to a CS
 * with RPL 3, so a user table needs only the user's own mappings.
 *
 * Two ways to run user code:
 *  - gk_user_run(fn): fn, part of the kernel image, runs in user mode on the kernel's own page
 *    table installed as the user table too (every 64-bit PV mapping is user-accessible): no
 *    isolation, handy for tests.
 *  - a task (struct gk_task): a separate user L4 that maps only the task's pages, built and
 *    pinned by the kit; the program is position-independent code copied into the task's pages.
 * Either way user code calls the kernel with SYSCALL (returned from with the iret hypercall and
 * VGCF_in_syscall) or int $0x80 (a DPL-3 trap entry, returned from with a plain iret). */
#ifndef GK_USER_H
#define GK_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "gk/pt.h"
#include "gk/traps.h"

/* User code calls the kernel with SYSCALL or int $0x80: rax = number, rdi/rsi/rdx =
 * arguments; the result comes back in rax. Numbers below GK_SYSCALL_HOOK_BASE are the kit's. */
#define GK_SYSCALL_EXIT 0       /* leave user mode: gk_user_run / gk_task_run return rdi */
#define GK_SYSCALL_WRITE 1      /* rdi = buffer, rsi = length: console output; returns length */
#define GK_SYSCALL_HOOK_BASE 16 /* from here: passed to gk_syscall_hook() */

/* Set the kernel stack for user->kernel entries (stack_switch) and install the boot page
 * table as the user page table. Returns 0 or the failing hypercall's error. */
long gk_user_init(void);

/* Run fn in user mode on a fresh user stack until it issues GK_SYSCALL_EXIT (or returns,
 * which exits with its return value). Returns the exit value, or -PV_EOPNOTSUPP if
 * gk_user_init() has not succeeded. */
long gk_user_run(long (*fn)(void));

/* Low level (entry.asm): iret to user mode at rip with stack rsp and rflags. Never returns;
 * control comes back through a trap or SYSCALL entry. */
__attribute__((noreturn)) void gk_user_enter(uint64_t rip, uint64_t rsp, uint64_t rflags);

/* User-mode side: issue a kit system call (usable from code running in user mode). */
static inline long gk_user_syscall(long nr, long a1, long a2)
{
    long ret;

    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2) : "rcx", "r11", "memory");
    return ret;
}

/* A user task: its own address space and the pages it maps. */
#define GK_TASK_MAX_PAGES 16
struct gk_task {
    struct gk_space space;          /* the user L4: user mappings only */
    void *pages[GK_TASK_MAX_PAGES]; /* the frames mapped for it (1:1 addresses) */
    unsigned int nr_pages;
    unsigned long nr_syscalls;   /* system calls it made (SYSCALL and int $0x80) */
    bool faulted;                /* a trap ended its last run */
    struct gk_trap_record fault; /* that trap (cr2 for #PF, with shared_info) */
};

/* An empty task: a new pinned L4 (gk_space_create). */
long gk_task_create(struct gk_task *t);
/* Map one user page at va (page aligned, in the lower half) with flags (GK_PAGE_USER_*): a new
 * frame, a copy of the page at src (a page-aligned kernel address) made with MMUEXT_COPY_PAGE,
 * or zeros (src NULL) with MMUEXT_CLEAR_PAGE. -PV_ENOSPC when the task has
 * GK_TASK_MAX_PAGES pages. */
long gk_task_map(struct gk_task *t, uint64_t va, const void *src, uint64_t flags);
/* Run the task from rip with stack rsp: its L4 becomes the user page table
 * (MMUEXT_NEW_USER_BASEPTR), the iret hypercall enters it, and the previous user page table is
 * put back when it ends. Returns its GK_SYSCALL_EXIT value, or -PV_EFAULT if a trap from user
 * mode ended it (t->fault says which), or the error of a hypercall that failed on the way. */
long gk_task_run(struct gk_task *t, uint64_t rip, uint64_t rsp);
/* Tear the task down: its space (gk_space_destroy) and its pages. */
long gk_task_destroy(struct gk_task *t);

#endif /* GK_USER_H */
