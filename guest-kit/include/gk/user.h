/* guest-kit: running code in guest user mode (ring 3 with the user page table).
 *
 * The kit uses one address space for kernel and user: it installs the boot page table as the
 * user page table too (MMUEXT_NEW_USER_BASEPTR). That needs the hypervisor's mmuext_op; where
 * it is missing, gk_user_init() fails and user mode is unavailable. */
#ifndef GK_USER_H
#define GK_USER_H

#include <stdint.h>

/* User code calls the kernel with SYSCALL: rax = number, rdi/rsi/rdx = arguments; the result
 * comes back in rax. Numbers below GK_SYSCALL_HOOK_BASE are the kit's own. */
#define GK_SYSCALL_EXIT 0       /* leave user mode: gk_user_run returns rdi */
#define GK_SYSCALL_WRITE 1      /* rdi = buffer, rsi = length: console output; returns length */
#define GK_SYSCALL_HOOK_BASE 16 /* from here: passed to gk_syscall_hook() */

/* Set the kernel stack for user->kernel entries (stack_switch) and the user page table.
 * Returns 0 or the failing hypercall's error. */
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

#endif /* GK_USER_H */
