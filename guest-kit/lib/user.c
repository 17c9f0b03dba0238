/* guest-kit: entering guest user mode and serving its system calls. */
#include "internal.h"

static bool user_ready;
static struct gk_context user_return; /* kernel context gk_user_run resumes on exit */
static long (*user_fn)(void);
static long user_exit_value;

long gk_user_init(void)
{
    struct pv_mmuext_op op = {
        .cmd = PV_MMUEXT_NEW_USER_BASEPTR,
        .arg1.mfn = gk_virt_to_mfn((const void *)(uintptr_t)gk_start_info->pt_base),
    };
    long rc;

    /* User->kernel entries need a kernel stack of their own. */
    rc = gk_hypercall_stack_switch(PV_FLAT_KERNEL_SS, (uint64_t)(uintptr_t)gk_entry_stack_top);
    if (rc)
        return rc;
    /* Same page table for user mode: the hypervisor makes every guest mapping user-visible. */
    rc = gk_hypercall_mmuext_op(&op, 1, NULL, PV_DOMID_SELF);
    if (rc)
        return rc;
    user_ready = true;
    return 0;
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
    user_return.rflags = gk_events_rflags();
    if (gk_context_save(&user_return) == 0)
        gk_user_enter((uint64_t)(uintptr_t)user_start, (uint64_t)(uintptr_t)gk_user_stack_top,
                      gk_events_rflags());
    return user_exit_value;
}

__attribute__((weak)) bool gk_syscall_hook(struct gk_regs *regs)
{
    (void)regs;
    return false;
}

void gk_user_syscall_dispatch(struct gk_regs *regs)
{
    switch (regs->rax) {
    case GK_SYSCALL_EXIT:
        user_exit_value = (long)regs->rdi;
        gk_context_resume(regs, &user_return, 1);
        return;
    case GK_SYSCALL_WRITE:
        gk_console_write((const char *)(uintptr_t)regs->rdi, regs->rsi);
        regs->rax = regs->rsi;
        return;
    default:
        if (regs->rax < GK_SYSCALL_HOOK_BASE || !gk_syscall_hook(regs))
            regs->rax = (uint64_t)-PV_ENOSYS;
    }
}
