/* guest-kit: entering guest user mode and serving its system calls. */
#include "internal.h"

static bool user_ready;
static bool user_waiting; /* gk_user_enter_wait has entered user mode and waits for its exit */
static struct gk_context user_return; /* kernel context the entry to user mode resumes */
static long (*user_fn)(void);
static long user_exit_value;
static uint64_t user_root; /* the installed user page table (MMUEXT_NEW_USER_BASEPTR) */

uint64_t gk_user_root(void)
{
    return user_root;
}

long gk_user_set_root(uint64_t l4_mfn)
{
    long rc = gk_mmuext1(PV_MMUEXT_NEW_USER_BASEPTR, l4_mfn, 0);

    if (!rc)
        user_root = l4_mfn;
    return rc;
}

long gk_user_init(void)
{
    long rc;

    /* User->kernel entries need a kernel stack of their own. */
    rc = gk_hypercall_stack_switch(PV_FLAT_KERNEL_SS, (uint64_t)(uintptr_t)gk_entry_stack_top);
    if (rc)
        return rc;
    /* The kernel's table for user mode too: the hypervisor makes every mapping user-visible. */
    rc = gk_user_set_root(gk_virt_to_mfn((const void *)(uintptr_t)gk_start_info->pt_base));
    if (rc)
        return rc;
    user_ready = true;
    return 0;
}

/* Enter user mode at rip with stack rsp; returns when an exit or a fault ends it. */
long gk_user_enter_wait(uint64_t rip, uint64_t rsp)
{
    user_return.rflags = gk_events_rflags();
    if (gk_context_save(&user_return) == 0) {
        user_waiting = true;
        gk_user_enter(rip, rsp, gk_events_rflags());
    }
    user_waiting = false;
    return user_exit_value;
}

/* Leave user mode for good: the entry's iret resumes gk_user_enter_wait instead. */
void gk_user_exit(struct gk_regs *regs, long value)
{
    if (!user_waiting) /* user_return is stale: resuming it would return from a dead frame */
        gk_panic("guest-kit: user mode ended, but the kit never entered it");
    user_exit_value = value;
    gk_context_resume(regs, &user_return, 1);
}

/* First code run in user mode. */
static void user_start(void)
{
    gk_user_syscall(GK_SYSCALL_EXIT, user_fn(), 0);
    for (;;)
        ; /* the exit never returns */
}

long gk_user_run(long (*fn)(void))
{
    if (!user_ready)
        return -PV_EOPNOTSUPP;
    user_fn = fn;
    return gk_user_enter_wait((uint64_t)(uintptr_t)user_start,
                              (uint64_t)(uintptr_t)gk_user_stack_top);
}

__attribute__((weak)) bool gk_syscall_hook(struct gk_regs *regs)
{
    (void)regs;
    return false;
}

void gk_user_syscall_dispatch(struct gk_regs *regs)
{
    /* User mode the kit did not enter (an iret to it from the kernel's own code, say): only
     * the hook may know what it is. */
    if (!user_waiting) {
        if (!gk_syscall_hook(regs))
            gk_panic("guest-kit: system call %lu from user mode the kit never entered",
                     regs->rax);
        return;
    }
    if (gk_running_task)
        gk_running_task->nr_syscalls++;
    switch (regs->rax) {
    case GK_SYSCALL_EXIT:
        gk_user_exit(regs, (long)regs->rdi);
        return;
    case GK_SYSCALL_WRITE:
        if (gk_running_task) {
            regs->rax = (uint64_t)gk_task_write(gk_running_task, regs->rdi, regs->rsi);
            return;
        }
        gk_console_write((const char *)(uintptr_t)regs->rdi, regs->rsi);
        regs->rax = regs->rsi;
        return;
    default:
        if (regs->rax < GK_SYSCALL_HOOK_BASE || !gk_syscall_hook(regs))
            regs->rax = (uint64_t)-PV_ENOSYS;
    }
}
