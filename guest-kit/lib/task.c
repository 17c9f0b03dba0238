/* guest-kit: user tasks in address spaces of their own (gk/user.h). */
#include "internal.h"

#define WRITE_MAX 4096 /* longest GK_SYSCALL_WRITE of a task */
#define CHUNK 128      /* bytes copied from the task per step */

struct gk_task *gk_running_task;

long gk_task_create(struct gk_task *t)
{
    *t = (struct gk_task){0};
    return gk_space_create(&t->space);
}

long gk_task_map(struct gk_task *t, uint64_t va, const void *src, uint64_t flags)
{
    void *page;
    uint64_t mfn;
    long rc;

    if (va >= (1ULL << 47) || ((uintptr_t)src & (GK_PAGE_SIZE - 1)))
        return -PV_EINVAL;
    if (t->nr_pages == GK_TASK_MAX_PAGES)
        return -PV_ENOSPC;
    page = gk_page_take();
    if (!page)
        return -PV_ENOMEM;
    mfn = gk_virt_to_mfn(page);
    /* Frame to frame in the hypervisor: neither page needs to be mapped anywhere. */
    rc = src ? gk_mmuext1(PV_MMUEXT_COPY_PAGE, mfn, gk_virt_to_mfn(src))
             : gk_mmuext1(PV_MMUEXT_CLEAR_PAGE, mfn, 0);
    if (!rc)
        rc = gk_map(&t->space, va, mfn, flags);
    if (rc) {
        gk_page_free(page);
        return rc;
    }
    t->pages[t->nr_pages++] = page;
    return 0;
}

long gk_task_run(struct gk_task *t, uint64_t rip, uint64_t rsp)
{
    uint64_t prev = gk_user_root();
    long rc, value;

    rc = gk_hypercall_stack_switch(PV_FLAT_KERNEL_SS, (uint64_t)(uintptr_t)gk_entry_stack_top);
    if (rc || (rc = gk_user_set_root(t->space.l4_mfn)))
        return rc;
    t->faulted = false;
    gk_running_task = t;
    value = gk_user_enter_wait(rip, rsp);
    gk_running_task = NULL;
    rc = gk_user_set_root(prev);
    return rc ? rc : value;
}

long gk_task_destroy(struct gk_task *t)
{
    long rc = gk_space_destroy(&t->space);

    if (rc)
        return rc;
    while (t->nr_pages)
        gk_page_free(t->pages[--t->nr_pages]);
    return 0;
}

/* GK_SYSCALL_WRITE from a task: the kernel tables do not map the task's memory, so the buffer
 * is read through the task's own tables. Returns the length or -PV_EFAULT. */
long gk_task_write(struct gk_task *t, uint64_t buf, uint64_t len)
{
    char chunk[CHUNK];

    if (len > WRITE_MAX)
        return -PV_EINVAL;
    for (uint64_t done = 0; done < len; done += CHUNK) {
        uint64_t n = len - done < CHUNK ? len - done : CHUNK;

        if (gk_space_read(&t->space, buf + done, chunk, n))
            return -PV_EFAULT;
        gk_console_write(chunk, n);
    }
    return (long)len;
}

/* A trap from the running task's user mode ends the task. */
bool gk_task_fault(struct gk_regs *regs)
{
    struct gk_task *t = gk_running_task;
    struct pv_vcpu_info *vcpu = gk_vcpu_info();

    if (!t || !gk_regs_from_user(regs))
        return false;
    t->faulted = true;
    t->fault = (struct gk_trap_record){
        .vector = regs->vector,
        .error_code = regs->error_code,
        .cr2 = vcpu && regs->vector == GK_VEC_PF ? vcpu->arch.cr2 : ~0ULL,
        .rip = regs->rip,
        .cs = regs->cs & 0xffff,
        .rflags = regs->rflags,
        .rsp = regs->rsp,
    };
    gk_user_exit(regs, -PV_EFAULT);
    return true;
}
