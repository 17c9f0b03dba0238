/* guest-kit: hypercall wrappers. Every call goes through the hypercall page the domain builder
 * filled (stub N at hypercall_page + N * 32); see pv-abi/hypercall.h for the convention. */
#ifndef GK_HYPERCALL_H
#define GK_HYPERCALL_H

#include <stdint.h>

#include "pv-abi/pv.h"

/* The page named by the HYPERCALL_PAGE note (guest-kit/arch/head.asm). */
extern uint8_t hypercall_page[4096];

/*
 * Issue hypercall nr (a compile-time constant) with up to five arguments: a direct
 * `call hypercall_page + nr * 32`. rdi, rsi, rdx, r10, r8 carry the arguments and may come
 * back clobbered; the stub saves rcx and r11 around its SYSCALL.
 */
#define gk_hypercall(nr, a1, a2, a3, a4, a5)                                                       \
    ({                                                                                             \
        register uint64_t gk_rdi_ __asm__("rdi") = (uint64_t)(a1);                                 \
        register uint64_t gk_rsi_ __asm__("rsi") = (uint64_t)(a2);                                 \
        register uint64_t gk_rdx_ __asm__("rdx") = (uint64_t)(a3);                                 \
        register uint64_t gk_r10_ __asm__("r10") = (uint64_t)(a4);                                 \
        register uint64_t gk_r8_ __asm__("r8") = (uint64_t)(a5);                                   \
        long gk_ret_;                                                                              \
        __asm__ volatile("call hypercall_page + %c[off]"                                           \
                         : "=a"(gk_ret_), "+r"(gk_rdi_), "+r"(gk_rsi_), "+r"(gk_rdx_),             \
                           "+r"(gk_r10_), "+r"(gk_r8_)                                             \
                         : [off] "i"((nr)*PV_HYPERCALL_PAGE_STUB_SIZE)                             \
                         : "rcx", "r11", "r9", "memory");                                          \
        gk_ret_;                                                                                   \
    })

static inline long gk_hypercall_stub(uint64_t stub, uint64_t a1, uint64_t a2, uint64_t a3,
                                     uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret;

    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [stub] "r"(stub)
                     : "rcx", "r11", "r9", "memory");
    return ret;
}

/* Issue hypercall nr with a raw SYSCALL, bypassing the hypercall page (as Linux >= 6.12 does). */
static inline long gk_hypercall_direct(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
                                       uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : "a"(nr)
                     : "rcx", "r11", "r9", "memory");
    return ret;
}

/* Issue hypercall nr chosen at run time (e.g. probing unknown numbers in a test). Numbers
 * beyond the page's 128 stubs are issued with a raw SYSCALL. */
static inline long gk_hypercall_nr(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                   uint64_t a5)
{
    if (nr >= PV_HYPERCALL_PAGE_NR_STUBS)
        return gk_hypercall_direct(nr, a1, a2, a3, a4, a5);
    return gk_hypercall_stub((uint64_t)(uintptr_t)hypercall_page + nr * PV_HYPERCALL_PAGE_STUB_SIZE,
                             a1, a2, a3, a4, a5);
}

/* Typed wrappers, one per hypercall the kit uses. Arguments as in pv-abi. */
static inline long gk_hypercall_set_trap_table(const struct pv_trap_info *table)
{
    return gk_hypercall(PV_HYPERCALL_set_trap_table, table, 0, 0, 0, 0);
}

static inline long gk_hypercall_mmu_update(const struct pv_mmu_update *reqs, unsigned int count,
                                           unsigned int *done, unsigned int foreigndom)
{
    return gk_hypercall(PV_HYPERCALL_mmu_update, reqs, count, done, foreigndom, 0);
}

static inline long gk_hypercall_set_gdt(const uint64_t *frames, unsigned int entries)
{
    return gk_hypercall(PV_HYPERCALL_set_gdt, frames, entries, 0, 0, 0);
}

static inline long gk_hypercall_stack_switch(uint64_t ss, uint64_t rsp)
{
    return gk_hypercall(PV_HYPERCALL_stack_switch, ss, rsp, 0, 0, 0);
}

static inline long gk_hypercall_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall)
{
    return gk_hypercall(PV_HYPERCALL_set_callbacks, event, failsafe, syscall, 0, 0);
}

static inline long gk_hypercall_update_descriptor(uint64_t maddr, uint64_t desc)
{
    return gk_hypercall(PV_HYPERCALL_update_descriptor, maddr, desc, 0, 0, 0);
}

static inline long gk_hypercall_memory_op(unsigned int cmd, void *arg)
{
    return gk_hypercall(PV_HYPERCALL_memory_op, cmd, arg, 0, 0, 0);
}

static inline long gk_hypercall_multicall(struct pv_multicall_entry *calls, unsigned int count)
{
    return gk_hypercall(PV_HYPERCALL_multicall, calls, count, 0, 0, 0);
}

static inline long gk_hypercall_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags)
{
    return gk_hypercall(PV_HYPERCALL_update_va_mapping, va, pte, flags, 0, 0);
}

static inline long gk_hypercall_set_timer_op(uint64_t deadline_ns)
{
    return gk_hypercall(PV_HYPERCALL_set_timer_op, deadline_ns, 0, 0, 0, 0);
}

static inline long gk_hypercall_xen_version(unsigned int cmd, void *arg)
{
    return gk_hypercall(PV_HYPERCALL_xen_version, cmd, arg, 0, 0, 0);
}

static inline long gk_hypercall_console_io(unsigned int cmd, unsigned int count, const char *buf)
{
    return gk_hypercall(PV_HYPERCALL_console_io, cmd, count, buf, 0, 0);
}

static inline long gk_hypercall_vm_assist(unsigned int cmd, unsigned int type)
{
    return gk_hypercall(PV_HYPERCALL_vm_assist, cmd, type, 0, 0, 0);
}

static inline long gk_hypercall_set_segment_base(unsigned int which, uint64_t base)
{
    return gk_hypercall(PV_HYPERCALL_set_segment_base, which, base, 0, 0, 0);
}

static inline long gk_hypercall_mmuext_op(const struct pv_mmuext_op *ops, unsigned int count,
                                          unsigned int *done, unsigned int foreigndom)
{
    return gk_hypercall(PV_HYPERCALL_mmuext_op, ops, count, done, foreigndom, 0);
}

static inline long gk_hypercall_sched_op(unsigned int cmd, void *arg)
{
    return gk_hypercall(PV_HYPERCALL_sched_op, cmd, arg, 0, 0, 0);
}

static inline long gk_hypercall_callback_op(unsigned int cmd, const void *arg)
{
    return gk_hypercall(PV_HYPERCALL_callback_op, cmd, arg, 0, 0, 0);
}

static inline long gk_hypercall_event_channel_op(unsigned int cmd, void *arg)
{
    return gk_hypercall(PV_HYPERCALL_event_channel_op, cmd, arg, 0, 0, 0);
}

static inline long gk_hypercall_physdev_op(unsigned int cmd, void *arg)
{
    return gk_hypercall(PV_HYPERCALL_physdev_op, cmd, arg, 0, 0, 0);
}

/* The iret hypercall is not a function: see gk_trap_common in guest-kit/arch/entry.asm. */

#endif /* GK_HYPERCALL_H */
