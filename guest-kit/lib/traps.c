/* guest-kit: the virtual IDT, callback registration, and the C side of every entry. */
#include "internal.h"

volatile uint64_t gk_nr_events, gk_nr_failsafe, gk_nr_traps;
struct gk_context gk_catch_context;

/* Installed entries: flags (DPL | mask bit) per vector, valid if installed[v]. */
static bool installed[256];
static uint8_t entry_flags[256];
static struct pv_trap_info table[257]; /* compact copy handed to set_trap_table, 0-terminated */
static struct gk_trap_record *catch_record;

static const char *const names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static const char *vector_name(uint64_t vector)
{
    if (vector < 32 && names[vector])
        return names[vector];
    if (vector == GK_VEC_EVENT)
        return "event";
    if (vector == GK_VEC_FAILSAFE)
        return "failsafe";
    return vector == GK_VEC_SYSCALL ? "syscall" : "int";
}

/* Hand the whole table to the hypervisor again. */
static long load_table(void)
{
    unsigned int n = 0;

    for (unsigned int v = 0; v < 256; v++) {
        if (!installed[v])
            continue;
        table[n++] = (struct pv_trap_info){
            .vector = (uint8_t)v,
            .flags = entry_flags[v],
            .cs = PV_FLAT_KERNEL_CS,
            .address = gk_trap_stubs[v],
        };
    }
    table[n] = (struct pv_trap_info){0};
    return gk_hypercall_set_trap_table(table);
}

long gk_trap_install(unsigned int vector, unsigned int dpl, bool mask_events)
{
    if (vector > 255 || dpl > 3)
        return -PV_EINVAL;
    installed[vector] = true;
    entry_flags[vector] = (uint8_t)(dpl | (mask_events ? PV_TI_IF_BIT : 0));
    return load_table();
}

long gk_trap_remove(unsigned int vector)
{
    long rc;

    if (vector > 255)
        return -PV_EINVAL;
    installed[vector] = false;
    rc = gk_hypercall_set_trap_table(NULL); /* a NULL table clears every entry */
    return rc ? rc : load_table();
}

void gk_traps_init(void)
{
    long rc;

    for (unsigned int v = 0; v < 32; v++) {
        installed[v] = true;
        entry_flags[v] = (v == GK_VEC_BP || v == GK_VEC_OF) ? 3 : 0;
    }
    installed[GK_VEC_SYSCALL_INT] = true;
    entry_flags[GK_VEC_SYSCALL_INT] = 3;
    rc = load_table();
    if (rc)
        gk_printf("guest-kit: set_trap_table failed: %ld\n", rc);
}

/* Event and failsafe callbacks through callback_op, or the legacy set_callbacks. */
void gk_callbacks_init(void)
{
    static const struct {
        uint16_t type, flags;
        void (*entry)(void);
    } cbs[] = {
        {PV_CALLBACKTYPE_event, 0, gk_event_entry},
        {PV_CALLBACKTYPE_failsafe, PV_CALLBACKF_mask_events, gk_failsafe_entry},
        {PV_CALLBACKTYPE_syscall, PV_CALLBACKF_mask_events, gk_syscall_entry},
    };
    long rc = 0;

    for (unsigned int i = 0; i < sizeof(cbs) / sizeof(cbs[0]) && rc == 0; i++) {
        struct pv_callback_register reg = {
            .type = cbs[i].type,
            .flags = cbs[i].flags,
            .address = (uint64_t)(uintptr_t)cbs[i].entry,
        };
        rc = gk_hypercall_callback_op(PV_CALLBACKOP_register, &reg);
    }
    if (rc == -PV_ENOSYS)
        rc = gk_hypercall_set_callbacks((uint64_t)(uintptr_t)gk_event_entry,
                                        (uint64_t)(uintptr_t)gk_failsafe_entry,
                                        (uint64_t)(uintptr_t)gk_syscall_entry);
    if (rc)
        gk_printf("guest-kit: registering callbacks failed: %ld\n", rc);
}

void gk_trap_arm(struct gk_trap_record *rec)
{
    catch_record = rec;
    gk_catch_context.rflags = gk_events_rflags();
}

void gk_trap_uncatch(void)
{
    catch_record = NULL;
}

void gk_context_resume(struct gk_regs *regs, const struct gk_context *ctx, long value)
{
    regs->rbx = ctx->rbx;
    regs->rbp = ctx->rbp;
    regs->r12 = ctx->r12;
    regs->r13 = ctx->r13;
    regs->r14 = ctx->r14;
    regs->r15 = ctx->r15;
    regs->rsp = ctx->rsp;
    regs->rip = ctx->rip;
    regs->rax = (uint64_t)value;
    regs->rflags = ctx->rflags;
    regs->cs = PV_FLAT_KERNEL_CS & ~3U; /* RPL 0: the iret stays in kernel mode */
    regs->ss = PV_FLAT_KERNEL_SS & ~3U;
}

/* A catch is armed: record the trap and resume at gk_trap_catch(). */
static void deliver_to_catch(struct gk_regs *regs)
{
    struct gk_trap_record *rec = catch_record;
    struct pv_vcpu_info *vcpu = gk_vcpu_info();

    *rec = (struct gk_trap_record){
        .vector = regs->vector,
        .error_code = regs->error_code,
        .cr2 = ~0ULL,
        .rip = regs->rip,
        .cs = regs->cs & 0xffff,
        .rflags = regs->rflags,
        .rsp = regs->rsp,
    };
    if (vcpu && regs->vector == GK_VEC_PF)
        rec->cr2 = vcpu->arch.cr2;
    catch_record = NULL;
    gk_context_resume(regs, &gk_catch_context, 1);
}

static void unexpected(const struct gk_regs *r)
{
    struct pv_vcpu_info *vcpu = gk_vcpu_info();

    gk_printf("guest-kit: unexpected %s (vector %lu) error %#lx at %016lx cs %04lx rflags %lx "
              "rsp %016lx\n",
              vector_name(r->vector), r->vector, r->error_code, r->rip, r->cs & 0xffff, r->rflags,
              r->rsp);
    gk_printf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
    gk_printf("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
    if (vcpu && r->vector == GK_VEC_PF)
        gk_printf("  cr2 %016lx\n", vcpu->arch.cr2);
    gk_panic("unexpected %s (vector %lu) error %#lx at %#lx", vector_name(r->vector), r->vector,
             r->error_code, r->rip);
}

__attribute__((weak)) bool gk_trap_hook(struct gk_regs *regs)
{
    (void)regs;
    return false;
}

void gk_trap_dispatch(struct gk_regs *regs)
{
    if (regs->vector == GK_VEC_EVENT) {
        gk_nr_events++;
        gk_events_dispatch();
        return;
    }
    if (regs->vector == GK_VEC_FAILSAFE) {
        gk_nr_failsafe++;
        return;
    }
    if (regs->vector == GK_VEC_SYSCALL ||
        (regs->vector == GK_VEC_SYSCALL_INT && gk_regs_from_user(regs))) {
        gk_user_syscall_dispatch(regs);
        return;
    }
    gk_nr_traps++;
    if (catch_record)
        deliver_to_catch(regs);
    else if (!gk_trap_hook(regs) && !gk_task_fault(regs))
        unexpected(regs);
}

void gk_trap_fill_context(struct pv_trap_info trap_ctxt[256])
{
    for (unsigned int v = 0; v < 256; v++)
        trap_ctxt[v] = installed[v] ? (struct pv_trap_info){
                                          .vector = (uint8_t)v,
                                          .flags = entry_flags[v],
                                          .cs = PV_FLAT_KERNEL_CS,
                                          .address = gk_trap_stubs[v],
                                      }
                                    : (struct pv_trap_info){0};
}
