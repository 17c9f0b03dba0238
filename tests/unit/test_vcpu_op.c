/* Unit tests of vcpu_op and set_timer_op (hypervisor/hypercalls/vcpu_op.c and the vCPU core it
 * acts through, common/vcpu.c): Xen's checks and their order for every command, VCPUOP_initialise's all-or-nothing frames and the state it
 * loads, timers (periodic rule, single-shot flags, set_timer_op's wrapped-time answer), run-state
 * accounting, register_vcpu_info's rules and move, teardown. Everything vcpu_op.c calls (memory,
 * descriptor tables, scheduler, event channels, timers, guest memory) is faked here and logged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pv-abi/arch_x86.h"
#include "x86/ctrlreg.h"
#include "x86/debugreg.h"
#include "x86/desc_tables.h"
#include "domain.h"
#include "pv-abi/errno.h"
#include "evtchn.h"
#include "x86/fpu.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "mm.h"
#include "mm_baseptr.h"
#include "sched.h"
#include "pv-abi/sched_op.h"
#include "pv-abi/shared_info.h"
#include "time.h"
#include "vcpu.h"
#include "hypervisor/hypercalls/vcpu_context.h"
#include "pv-abi/vm_assist.h"

#define GVA 0x100000ULL /* guest memory: 64 KiB readable and writable from here */
#define NR_VCPUS 3
#define MS 1000000ULL

/* ---- The world: one domain of three vCPUs, guest memory, frames ---- */

static struct domain dom;
static struct pv_shared_info shinfo;
static struct vcpu vcpus[NR_VCPUS];
static struct vtrap traps[NR_VCPUS][NR_TRAPS];
static uint8_t guest_mem[65536];
static uint8_t frames[4][4096]; /* mfn 100..103 */

/* What the fakes saw and what they answer. */
static struct {
    uint64_t now;
    int mm_rc, gdt_rc, base_rc, user_rc, ldt_rc, dr7_rc;
    unsigned mm_gets, mm_puts, gdt_calls, ldt_calls, desc_releases, base_calls, user_calls;
    uint64_t mm_put_mfn, gdt_ents, user_mfn;
    unsigned cr_writes, dr_writes, fpu_inits, ups, downs, kicks, shutdowns, virqs, expiries;
    unsigned publishes, timer_sets, timer_stops, timer_kills, wakes;
    uint64_t cr4, dr[8], last_deadline;
    const struct timer *last_timer;
    struct vcpu *up_v, *down_v, *wake_v;
    unsigned shutdown_reason;
} f;

static void world_reset(void)
{
    memset(&f, 0, sizeof(f));
    memset(&dom, 0, sizeof(dom));
    memset(&shinfo, 0, sizeof(shinfo));
    memset(guest_mem, 0, sizeof(guest_mem));
    memset(frames, 0, sizeof(frames));
    f.now = 1000 * MS;
    dom.shared_info = &shinfo;
    dom.nr_vcpus = NR_VCPUS;
    for (unsigned i = 0; i < NR_VCPUS; i++) {
        struct vcpu *v = &vcpus[i];

        memset(v, 0, sizeof(*v));
        v->domain = &dom;
        v->id = i;
        v->trap = traps[i];
        v->vcpu_info = &shinfo.vcpu_info[i];
        v->vcpu_info->evtchn_upcall_mask = 1;
        v->run_state = VCPU_OFFLINE;
        vcpu_init(v, 0);
        dom.vcpu[i] = v;
    }
    vcpus[0].initialised = true;
    vcpus[0].run_state = VCPU_RUNNABLE;
}

static long op(struct vcpu *cur, uint64_t cmd, uint64_t vcpu, uint64_t arg)
{
    return hc_vcpu_op(cur, (int)cmd, (unsigned)vcpu, guest_handle_of(arg));
}

static void *gmem(uint64_t gva)
{
    return guest_mem + (gva - GVA);
}

/* ---- Fakes ---- */

int guest_copy_from(void *dst, guest_handle src, size_t len)
{
    uint64_t gva = src.gva;

    if (gva < GVA || gva + len > GVA + sizeof(guest_mem) || gva + len < gva)
        return -PV_EFAULT;
    memcpy(dst, gmem(gva), len);
    return 0;
}

int guest_copy_to(guest_handle dst, const void *src, size_t len)
{
    uint64_t gva = dst.gva;

    if (gva < GVA || gva + len > GVA + sizeof(guest_mem) || gva + len < gva)
        return -PV_EFAULT;
    memcpy(gmem(gva), src, len);
    return 0;
}

int mm_get_page_and_type(uint64_t mfn, const struct domain *d, uint32_t type)
{
    (void)d;
    (void)type;
    f.mm_gets++;
    if (f.mm_rc)
        return f.mm_rc;
    return mfn >= 100 && mfn < 104 ? 0 : -PV_EINVAL;
}

void mm_put_page_and_type(uint64_t mfn)
{
    f.mm_puts++;
    f.mm_put_mfn = mfn;
}

void *mm_frame_ptr(uint64_t mfn)
{
    return frames[mfn - 100];
}

int mm_new_baseptr(struct vcpu *v, uint64_t mfn)
{
    f.base_calls++;
    if (f.base_rc || !mfn)
        return f.base_rc ? f.base_rc : -PV_EINVAL;
    v->kernel_l4_mfn = mfn;
    return 0;
}

/* The toolstack's vCPU reset (vcpu_context.c); VCPUOP_* never resets. */
void mm_release_roots(struct vcpu *v)
{
    v->kernel_l4_mfn = v->user_l4_mfn = 0;
}

int mm_new_user_baseptr(struct vcpu *v, uint64_t mfn)
{
    f.user_calls++;
    f.user_mfn = mfn;
    if (f.user_rc && mfn)
        return f.user_rc;
    v->user_l4_mfn = mfn;
    return 0;
}

/* No page tables here: the runstate area is written through guest_mem whatever the mode. */
uint64_t mm_kernel_root_enter(const struct vcpu *v)
{
    (void)v;
    return 0;
}

void mm_root_restore(uint64_t cr3)
{
    (void)cr3;
}

long desc_set_gdt(struct vcpu *v, const uint64_t *fr, unsigned entries)
{
    (void)v;
    (void)fr;
    f.gdt_calls++;
    f.gdt_ents = entries;
    return f.gdt_rc;
}

long desc_set_ldt(struct vcpu *v, uint64_t base, unsigned ents)
{
    (void)base;
    f.ldt_calls++;
    assert_int_not_equal(v->kernel_l4_mfn, 0); /* walked through the new kernel root */
    if (!f.ldt_rc)
        v->ldt_ents = ents;
    return f.ldt_rc;
}

void arch_desc_release(struct vcpu *v)
{
    (void)v;
    f.desc_releases++;
}

/* getvcpucontext's reads (vcpu_context.c); VCPUOP_initialise never reads. */
int ctrlreg_read(struct vcpu *v, unsigned cr, uint64_t *val)
{
    (void)v, (void)cr;
    *val = 0;
    return 0;
}

int ctrlreg_write(struct vcpu *v, unsigned cr, uint64_t val)
{
    (void)v;
    f.cr_writes++;
    if (cr == 4)
        f.cr4 = val;
    return 0;
}

long debugreg_set(struct vcpu *v, unsigned reg, uint64_t value)
{
    f.dr_writes++;
    if (reg == 7 && f.dr7_rc)
        return f.dr7_rc;
    f.dr[reg] = value;
    v->debugreg[reg] = value;
    return 0;
}

void arch_fpu_init_vcpu(struct vcpu *v)
{
    memset(v->fpu_state, 0, sizeof(v->fpu_state));
    f.fpu_inits++;
}

void sched_vcpu_up(struct vcpu *v)
{
    f.ups++;
    f.up_v = v;
    v->run_state = VCPU_RUNNABLE;
}

void sched_vcpu_down(struct vcpu *v)
{
    f.downs++;
    f.down_v = v;
    v->run_state = VCPU_OFFLINE;
}

void sched_kick(struct vcpu *v)
{
    (void)v;
    f.kicks++;
}

void sched_wake(struct vcpu *v)
{
    f.wakes++;
    f.wake_v = v;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
    (void)d;
    f.shutdowns++;
    f.shutdown_reason = reason;
}

int evtchn_send_virq(struct vcpu *v, unsigned virq)
{
    (void)v;
    assert_int_equal(virq, PV_VIRQ_TIMER);
    f.virqs++;
    return 0;
}

void evtchn_poll_expire(uint64_t now)
{
    (void)now;
    f.expiries++;
}

void timer_init(struct timer *t, timer_fn *fn, void *data)
{
    *t = (struct timer){.fn = fn, .data = data};
}

void timer_set(struct timer *t, uint64_t deadline)
{
    f.timer_sets++;
    f.last_timer = t;
    f.last_deadline = deadline;
    t->deadline = deadline;
    t->queued = true;
}

void timer_stop(struct timer *t)
{
    f.timer_stops++;
    t->queued = false;
}

void timer_kill(struct timer *t)
{
    f.timer_kills++;
    t->queued = false;
    t->killed = true;
}

uint64_t time_now_ns(void)
{
    return f.now;
}

void time_publish(struct vcpu *v)
{
    v->vcpu_info->time.version += 2;
    f.publishes++;
}

/* ---- A good VCPUOP_initialise context ---- */

static struct pv_vcpu_guest_context *good_context(void)
{
    struct pv_vcpu_guest_context *c = gmem(GVA);

    memset(c, 0, sizeof(*c));
    c->flags = PV_VGCF_in_kernel;
    c->user_regs.rip = 0xffffffff80001000ULL;
    c->user_regs.rsp = 0xffffffff80200000ULL;
    c->user_regs.rdi = 0x1234;
    c->user_regs.r15 = 0x15;
    c->user_regs.cs = 0xe030; /* RPL 0: fixed up to 3 */
    c->user_regs.ss = 0xe02b;
    c->user_regs.rflags = 0x3002; /* IOPL 3, IF clear */
    c->kernel_ss = 0xe028;
    c->kernel_sp = 0xffffffff80300000ULL;
    c->ctrlreg[3] = 101ULL << 12;
    c->gdt_ents = 16;
    c->gdt_frames[0] = 102;
    c->trap_ctxt[14] = (struct pv_trap_info){
        .vector = 14, .flags = 4, .cs = 0xe030, .address = 0xffffffff80002000ULL};
    c->event_callback_eip = 0xffffffff80003000ULL;
    c->failsafe_callback_eip = 0xffffffff80004000ULL;
    return c;
}

/* ---- Decoding ---- */

static void test_vcpu_ids_and_unknown_commands(void **state)
{
    (void)state;
    world_reset();
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_is_up, 3, 0), -PV_ENOENT);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_is_up, 0xffffffffULL, 0), -PV_ENOENT);
    assert_int_equal(op(&vcpus[0], 99, 7, 0), -PV_ENOENT); /* the id before the command */
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_is_up, 1ULL << 32, 0), 1); /* unsigned int vcpuid */
    assert_int_equal(op(&vcpus[0], 99, 0, 0), -PV_ENOSYS);
    assert_int_equal(op(&vcpus[0], -1ULL, 0, 0), -PV_ENOSYS);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_register_vcpu_time_memory_area, 0, GVA), -PV_ENOSYS);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_register_runstate_phys_area, 0, GVA), -PV_ENOSYS);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_register_vcpu_time_phys_area, 0, GVA), -PV_ENOSYS);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_get_physid, 0, GVA), -PV_EINVAL);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_is_up, 1, 0), 0);
}

/* ---- VCPUOP_initialise ---- */

static void test_initialise_refusals_touch_nothing(void **state)
{
    struct pv_vcpu_guest_context *c;
    struct vcpu before;

    (void)state;
    world_reset();
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, 0), -PV_EFAULT);
    good_context();
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 0, GVA), -PV_EEXIST);
    before = vcpus[1];
    for (unsigned i = 0; i < 15; i++) {
        c = good_context();
        switch (i) {
        case 0:
            c->user_regs.rip = 0x0000800000000000ULL;
            break;
        case 1:
            c->user_regs.rsp = 0x8000000000000000ULL;
            break;
        case 2:
            c->kernel_sp = 1ULL << 50;
            break;
        case 3:
            c->fs_base = 1ULL << 48;
            break;
        case 4:
            c->gs_base_kernel = 1ULL << 47;
            break;
        case 5:
            c->gs_base_user = 0x00ff000000000000ULL;
            break;
        case 6:
            c->event_callback_eip = 0xffff800000001000ULL;
            break; /* hypervisor range */
        case 7:
            c->syscall_callback_eip = 1ULL << 47;
            break;
        case 8:
            c->failsafe_callback_eip = 0xffff87ffffffffffULL;
            break;
        case 9:
            c->trap_ctxt[200].address = 0x0001000000000000ULL;
            break;
        case 10:
            c->ldt_base = 0x1001;
            break;
        case 11:
            c->ldt_ents = 8193;
            break;
        case 12:
            c->ldt_base = 0xffff800000000000ULL;
            break;
        case 13:
            c->gdt_ents = 7169;
            break;
        case 14:
            c->flags = 0;
            break; /* user mode without ctrlreg[1] */
        }
        assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), -PV_EINVAL);
    }
    assert_memory_equal(&before, &vcpus[1], sizeof(before));
    assert_int_equal(f.gdt_calls + f.base_calls + f.user_calls + f.ldt_calls, 0);
    c = good_context();
    c->flags = 0;
    c->ctrlreg[1] = 103ULL << 12; /* user mode with a user table is fine */
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), 0);
    assert_false(vcpus[1].kernel_mode);
    assert_int_equal(vcpus[1].user_l4_mfn, 103);
}

/* vCPU 0's first context sets the domain's vm_assist (Xen's: a restored guest's assists, e.g.
 * writable page tables); another vCPU's, or a context again, leaves it; an assist Xen does not
 * offer a 64-bit guest is refused. */
static void test_context_vm_assist(void **state)
{
    const uint64_t wpt = 1UL << PV_VMASST_TYPE_writable_pagetables;
    struct pv_vcpu_guest_context *c;

    (void)state;
    world_reset();
    dom.vm_assist = 0;
    c = good_context();
    c->vm_assist = wpt;
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), 0);
    assert_int_equal(dom.vm_assist, 0);
    vcpus[0].initialised = false; /* vCPU 0 of a domain being restored */
    c = good_context();
    c->vm_assist = 1UL << PV_VMASST_TYPE_4gb_segments;
    assert_int_equal(vcpu_context_set(&vcpus[0], c, true), -PV_EINVAL);
    assert_int_equal(dom.vm_assist, 0);
    c->vm_assist = wpt | (1UL << PV_VMASST_TYPE_m2p_strict);
    assert_int_equal(vcpu_context_set(&vcpus[0], c, true), 0);
    assert_int_equal(dom.vm_assist, c->vm_assist);
    vcpu_context_get(&vcpus[0], c); /* its own tables: registers only */
    assert_int_equal(c->vm_assist, wpt | (1UL << PV_VMASST_TYPE_m2p_strict));
    c->vm_assist = 0;
    assert_int_equal(vcpu_context_set(&vcpus[0], c, true), 0);
    assert_int_equal(dom.vm_assist, wpt | (1UL << PV_VMASST_TYPE_m2p_strict));
}

/* Each frame step failing undoes the steps before it, and the vCPU stays uninitialised. */
static void test_initialise_frames_all_or_none(void **state)
{
    struct pv_vcpu_guest_context *c;

    (void)state;
    world_reset();
    good_context();
    f.gdt_rc = -PV_EINVAL;
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), -PV_EINVAL);
    assert_int_equal(f.base_calls + f.desc_releases, 0);
    f.gdt_rc = 0;
    f.base_rc = -PV_EBUSY;
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), -PV_EBUSY);
    assert_int_equal(f.desc_releases, 1);
    f.base_rc = 0;
    c = good_context();
    c->ctrlreg[1] = 103ULL << 12;
    f.user_rc = -PV_EINVAL;
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), -PV_EINVAL);
    assert_int_equal(f.mm_puts, 1); /* the kernel root taken just before */
    assert_int_equal(f.mm_put_mfn, 101);
    assert_int_equal(vcpus[1].kernel_l4_mfn, 0);
    assert_int_equal(f.desc_releases, 2);
    f.user_rc = 0;
    c->ldt_base = 0x10000;
    c->ldt_ents = 32;
    f.ldt_rc = -PV_EINVAL;
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), -PV_EINVAL);
    assert_int_equal(vcpus[1].user_l4_mfn, 0);
    assert_int_equal(f.user_mfn, 0);
    assert_int_equal(f.mm_puts, 2);
    assert_int_equal(f.desc_releases, 3);
    assert_false(vcpus[1].initialised);
    f.ldt_rc = 0;
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), 0);
    assert_int_equal(vcpus[1].ldt_ents, 32);
    assert_true(vcpus[1].initialised);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), -PV_EEXIST);
}

static void test_initialise_loads_xens_state(void **state)
{
    struct pv_vcpu_guest_context *c;
    struct vcpu *v = &vcpus[2];

    (void)state;
    world_reset();
    c = good_context();
    c->flags |= PV_VGCF_syscall_disables_events | PV_VGCF_i387_valid;
    c->user_regs.fs = 0x63; /* a selector: fs_base from its descriptor, so 0 here */
    c->fs_base = 0x5000;
    c->gs_base_kernel = 0x6000;
    c->gs_base_user = 0x7000;
    c->fpu_ctxt.x[0] = 0x7f;
    *(uint32_t *)&c->fpu_ctxt.x[24] = 0xffff1f80; /* reserved MXCSR bits */
    c->ctrlreg[0] = 8 | 1;                        /* TS, and PE which is not the guest's */
    c->ctrlreg[2] = 0xdead000;
    c->ctrlreg[4] = 4;
    c->debugreg[0] = 0x1000;
    c->debugreg[6] = 0xffff0ff1;
    c->debugreg[7] = 0x1;
    f.dr7_rc = -PV_EPERM; /* refused values are ignored */
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 2, GVA), 0);
    assert_int_equal(v->regs.rip, 0xffffffff80001000ULL);
    assert_int_equal(v->regs.rdi, 0x1234);
    assert_int_equal(v->regs.r15, 0x15);
    assert_int_equal(v->regs.cs, 0xe033);
    assert_int_equal(v->regs.ss, 0xe02b);
    assert_int_equal(v->regs.rflags, 0x202); /* IF on, IOPL out */
    assert_int_equal(v->iopl, 3);
    assert_true(v->kernel_mode);
    assert_int_equal(v->kernel_ss, 0xe02b);
    assert_int_equal(v->kernel_sp, 0xffffffff80300000ULL);
    assert_int_equal(v->trap[14].address, 0xffffffff80002000ULL);
    assert_int_equal(v->trap[14].cs, 0xe033);
    assert_int_equal(v->trap[14].flags, 4);
    assert_int_equal(v->trap[3].address, 0);
    assert_int_equal(v->event_callback, 0xffffffff80003000ULL);
    assert_int_equal(v->failsafe_callback, 0xffffffff80004000ULL);
    assert_true(v->syscall_disables_events);
    assert_false(v->failsafe_disables_events);
    assert_int_equal(v->fs, 0x63);
    assert_int_equal(v->fs_base, 0);
    assert_int_equal(v->gs_base_kernel, 0x6000);
    assert_int_equal(v->gs_base_user, 0x7000);
    assert_int_equal(v->fpu_state[0], 0x7f);
    assert_int_equal(*(uint32_t *)&v->fpu_state[24], 0x1f80);
    assert_true(v->guest_ts);
    assert_int_equal(v->guest_cr2, 0xdead000);
    assert_int_equal(f.cr4, 4);
    assert_int_equal(v->debugreg[0], 0x1000);
    assert_int_equal(v->debugreg[7], 0x400); /* the default: DR7 refused */
    assert_int_equal(v->debugreg[6], 0xffff0ff1);
    assert_int_equal(f.dr_writes, 6);
    assert_int_equal(f.gdt_ents, 16);
    assert_int_equal(v->kernel_l4_mfn, 101);
    assert_int_equal(v->regs.entry_vector, 0x101);
    assert_int_equal(f.ups, 0); /* not VGCF_online: still down */
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_is_up, 2, 0), 0);
}

static void test_initialise_online_brings_it_up(void **state)
{
    struct pv_vcpu_guest_context *c;

    (void)state;
    world_reset();
    c = good_context();
    c->flags |= PV_VGCF_online;
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), 0);
    assert_int_equal(f.ups, 1);
    assert_ptr_equal(f.up_v, &vcpus[1]);
    assert_int_equal(f.fpu_inits, 1); /* no FPU image: the default one */
}

/* ---- up, down, is_up ---- */

static void test_up_down(void **state)
{
    (void)state;
    world_reset();
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_up, 1, 0), -PV_EINVAL); /* not initialised */
    good_context();
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_initialise, 1, GVA), 0);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_up, 1, 0), 0);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_is_up, 1, 0), 1);
    vcpus[1].run_state = VCPU_BLOCKED; /* blocked is up too */
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_is_up, 1, 0), 1);
    assert_int_equal(op(&vcpus[1], PV_VCPUOP_down, 1, 0), 0); /* itself, another is up */
    assert_int_equal(f.downs, 1);
    assert_ptr_equal(f.down_v, &vcpus[1]);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_down, 2, 0), 0); /* one that is down already */
    assert_int_equal(f.downs, 2);
    assert_int_equal(f.shutdowns, 0);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_down, 0, 0), 0); /* the last one up */
    assert_int_equal(f.shutdowns, 1);
    assert_int_equal(f.shutdown_reason, PV_SHUTDOWN_poweroff);
    assert_int_equal(f.downs, 2);
}

/* ---- Run states ---- */

static void test_runstate_accounting(void **state)
{
    struct pv_vcpu_runstate_info *rs = gmem(GVA);
    struct vcpu *v = &vcpus[1];

    (void)state;
    world_reset();
    assert_int_equal(v->runstate.state, PV_RUNSTATE_offline);
    vcpu_runstate_change(v, PV_RUNSTATE_runnable, 100);
    vcpu_runstate_change(v, PV_RUNSTATE_running, 130);
    vcpu_runstate_change(v, PV_RUNSTATE_blocked, 200);
    vcpu_runstate_change(v, PV_RUNSTATE_runnable, 190); /* earlier: no time moves */
    assert_int_equal(v->runstate.time[PV_RUNSTATE_offline], 100);
    assert_int_equal(v->runstate.time[PV_RUNSTATE_runnable], 30);
    assert_int_equal(v->runstate.time[PV_RUNSTATE_running], 70);
    assert_int_equal(v->runstate.time[PV_RUNSTATE_blocked], 0);
    assert_int_equal(v->runstate.state_entry_time, 200);
    assert_int_equal(v->runstate_seq % 2, 0);
    f.now = 260;
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_get_runstate_info, 1, GVA), 0);
    assert_int_equal(rs->state, PV_RUNSTATE_runnable);
    assert_int_equal(rs->time[PV_RUNSTATE_runnable], 90); /* counted up to now */
    assert_int_equal(rs->time[0] + rs->time[1] + rs->time[2] + rs->time[3], 260);
    assert_int_equal(v->runstate.time[PV_RUNSTATE_runnable], 30); /* the record is unchanged */
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_get_runstate_info, 1, 8), -PV_EFAULT);
}

static void test_runstate_area_registration(void **state)
{
    struct pv_vcpu_register_runstate_memory_area *reg = gmem(GVA);
    struct pv_vcpu_runstate_info *area = gmem(GVA + 0x100);
    static const uint64_t bad[] = {0x0000800000000000ULL, 0xffff800000001000ULL,
                                   0x00007fffffffffe0ULL, 0xffff87ffffffffe0ULL};

    (void)state;
    world_reset();
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_register_runstate_memory_area, 0, 0), -PV_EFAULT);
    for (unsigned i = 0; i < 4; i++) {
        reg->addr = bad[i];
        assert_int_equal(op(&vcpus[0], PV_VCPUOP_register_runstate_memory_area, 0, GVA),
                         -PV_EFAULT);
    }
    vcpu_runstate_change(&vcpus[0], PV_RUNSTATE_running, 400);
    f.now = 1000;
    reg->addr = GVA + 0x100;
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_register_runstate_memory_area, 0, GVA), 0);
    assert_int_equal(vcpus[0].runstate_area, GVA + 0x100);
    assert_int_equal(area->state, PV_RUNSTATE_running);
    assert_int_equal(area->time[PV_RUNSTATE_running], 0); /* its own: the record as it stands */
    assert_int_equal(area->time[PV_RUNSTATE_offline], 400);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_register_runstate_memory_area, 1, GVA), 0);
    assert_int_equal(area->time[PV_RUNSTATE_offline], 1000); /* another's: up to now */
    reg->addr = 0x7000; /* an address the copy cannot reach: registered, the write skipped */
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_register_runstate_memory_area, 1, GVA), 0);
    reg->addr = 0;
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_register_runstate_memory_area, 1, GVA), 0);
    assert_int_equal(vcpus[1].runstate_area, 0);
}

/* ---- Timers ---- */

static void test_periodic_timer(void **state)
{
    struct pv_vcpu_set_periodic_timer *p = gmem(GVA);
    struct vcpu *v = &vcpus[0];

    (void)state;
    world_reset();
    assert_int_equal(v->periodic_period, 10 * MS); /* Xen's default 100 Hz */
    p->period_ns = MS - 1;
    assert_int_equal(op(v, PV_VCPUOP_set_periodic_timer, 0, GVA), -PV_EINVAL);
    p->period_ns = (1ULL << 62);
    assert_int_equal(op(v, PV_VCPUOP_set_periodic_timer, 0, GVA), -PV_EINVAL);
    assert_int_equal(op(v, PV_VCPUOP_set_periodic_timer, 0, 0), -PV_EFAULT);
    v->periodic_last = f.now - 2 * MS;
    p->period_ns = 5 * MS;
    assert_int_equal(op(v, PV_VCPUOP_set_periodic_timer, 0, GVA), 0);
    assert_int_equal(f.virqs, 0);
    assert_ptr_equal(f.last_timer, &v->periodic_timer);
    assert_int_equal(f.last_deadline, f.now + 3 * MS); /* one period after the last tick */
    p->period_ns = MS; /* a period that has passed already: a tick at once */
    assert_int_equal(op(v, PV_VCPUOP_set_periodic_timer, 0, GVA), 0);
    assert_int_equal(f.virqs, 1);
    assert_int_equal(v->periodic_last, f.now);
    assert_int_equal(f.last_deadline, f.now + MS);
    f.timer_sets = 0;
    assert_int_equal(op(v, PV_VCPUOP_set_periodic_timer, 1, GVA), 0); /* another vCPU */
    assert_int_equal(vcpus[1].periodic_period, MS);
    assert_int_equal(f.timer_sets, 0); /* armed when it is next switched in */
    assert_int_equal(op(v, PV_VCPUOP_stop_periodic_timer, 0, 0), 0);
    assert_int_equal(v->periodic_period, 0);
    assert_false(v->periodic_timer.queued);
    assert_int_equal(op(v, PV_VCPUOP_stop_periodic_timer, 1, 0), 0);
    assert_int_equal(vcpus[1].periodic_period, 0);
}

static void test_singleshot_timer(void **state)
{
    struct pv_vcpu_set_singleshot_timer *s = gmem(GVA);
    struct vcpu *v = &vcpus[0];

    (void)state;
    world_reset();
    assert_int_equal(op(v, PV_VCPUOP_set_singleshot_timer, 1, 0), -PV_EINVAL); /* before copy */
    assert_int_equal(op(v, PV_VCPUOP_stop_singleshot_timer, 1, 0), -PV_EINVAL);
    assert_int_equal(op(v, PV_VCPUOP_set_singleshot_timer, 0, 0), -PV_EFAULT);
    *s = (struct pv_vcpu_set_singleshot_timer){f.now - 1, PV_VCPU_SSHOTTMR_future, 0};
    assert_int_equal(op(v, PV_VCPUOP_set_singleshot_timer, 0, GVA), -PV_ETIME);
    assert_int_equal(f.timer_sets, 0);
    s->timeout_abs_ns = f.now; /* not before now: allowed */
    assert_int_equal(op(v, PV_VCPUOP_set_singleshot_timer, 0, GVA), 0);
    assert_ptr_equal(f.last_timer, &v->singleshot_timer);
    assert_int_equal(f.last_deadline, f.now);
    *s = (struct pv_vcpu_set_singleshot_timer){f.now - 5, 0, 0}; /* past, no flag: at once */
    assert_int_equal(op(v, PV_VCPUOP_set_singleshot_timer, 0, GVA), 0);
    assert_int_equal(f.last_deadline, f.now - 5);
    s->timeout_abs_ns = 1ULL << 63; /* negative as Xen's s_time_t */
    assert_int_equal(op(v, PV_VCPUOP_set_singleshot_timer, 0, GVA), 0);
    assert_int_equal(f.last_deadline, 0);
    s->flags = PV_VCPU_SSHOTTMR_future;
    assert_int_equal(op(v, PV_VCPUOP_set_singleshot_timer, 0, GVA), -PV_ETIME);
    assert_int_equal(op(v, PV_VCPUOP_stop_singleshot_timer, 0, 0), 0);
    assert_false(v->singleshot_timer.queued);
}

static long set_timer_op(uint64_t t)
{
    return hc_set_timer_op(&vcpus[0], t);
}

static void test_set_timer_op(void **state)
{
    (void)state;
    world_reset();
    assert_int_equal(set_timer_op(f.now + 5 * MS), 0);
    assert_ptr_equal(f.last_timer, &vcpus[0].singleshot_timer);
    assert_int_equal(f.last_deadline, f.now + 5 * MS);
    assert_int_equal(set_timer_op(0), 0);
    assert_false(vcpus[0].singleshot_timer.queued);
    assert_int_equal(set_timer_op(3), 0); /* past: fires at once */
    assert_int_equal(f.last_deadline, 3);
    assert_int_equal(set_timer_op(f.now + (1ULL << 50) - 1), 0);
    assert_int_equal(f.last_deadline, f.now + (1ULL << 50) - 1);
    assert_int_equal(set_timer_op(f.now + (1ULL << 50)), 0); /* "wrapped": in 100 ms */
    assert_int_equal(f.last_deadline, f.now + 100 * MS);
    f.last_deadline = 0;
    assert_int_equal(set_timer_op(-5ULL), 0); /* negative */
    assert_int_equal(f.last_deadline, f.now + 100 * MS);
}

static void test_timer_functions(void **state)
{
    struct vcpu *v = &vcpus[0];

    (void)state;
    world_reset();
    v->singleshot_timer.fn(&v->singleshot_timer);
    assert_int_equal(f.virqs, 1);
    v->poll_timer.fn(&v->poll_timer);
    assert_int_equal(f.expiries, 1);
    v->periodic_last = f.now - 10 * MS;
    v->periodic_timer.fn(&v->periodic_timer); /* a tick, the next one armed */
    assert_int_equal(f.virqs, 2);
    assert_int_equal(f.last_deadline, f.now + 10 * MS);
    v->periodic_period = 0;
    f.timer_sets = 0;
    v->periodic_timer.fn(&v->periodic_timer); /* stopped meanwhile: nothing */
    assert_int_equal(f.virqs, 2);
    assert_int_equal(f.timer_sets, 0);
}

/* ---- register_vcpu_info and teardown ---- */

static void test_register_vcpu_info(void **state)
{
    struct pv_vcpu_register_vcpu_info *r = gmem(GVA);
    struct pv_vcpu_info *moved = (struct pv_vcpu_info *)(frames[0] + 4032);
    struct vcpu *v = &vcpus[0];

    (void)state;
    world_reset();
    v->vcpu_info->evtchn_upcall_mask = 0x5a;
    v->vcpu_info->arch.cr2 = 0xc2;
    *r = (struct pv_vcpu_register_vcpu_info){.mfn = 100, .offset = 4033};
    assert_int_equal(op(v, PV_VCPUOP_register_vcpu_info, 0, GVA), -PV_EINVAL);
    assert_int_equal(f.mm_gets, 0);
    /* Inside the page but misaligned: its atomics would be split locks (XSA-327; found by
     * fuzz_hypercall). */
    for (uint32_t off = 1; off < 8; off++) {
        r->offset = 8 + off;
        assert_int_equal(op(v, PV_VCPUOP_register_vcpu_info, 0, GVA), -PV_EINVAL);
    }
    assert_int_equal(f.mm_gets, 0);
    r->mfn = 7; /* not the domain's */
    r->offset = 4032;
    assert_int_equal(op(v, PV_VCPUOP_register_vcpu_info, 0, GVA), -PV_EINVAL);
    r->mfn = 100;
    f.mm_rc = -PV_EBUSY; /* a page table: no writable type */
    assert_int_equal(op(v, PV_VCPUOP_register_vcpu_info, 0, GVA), -PV_EINVAL);
    f.mm_rc = 0;
    vcpus[1].run_state = VCPU_RUNNABLE; /* another vCPU that is up */
    assert_int_equal(op(v, PV_VCPUOP_register_vcpu_info, 1, GVA), -PV_EINVAL);
    assert_int_equal(op(v, PV_VCPUOP_register_vcpu_info, 0, 0), -PV_EFAULT);
    assert_int_equal(op(v, PV_VCPUOP_register_vcpu_info, 0, GVA), 0);
    assert_ptr_equal(v->vcpu_info, moved);
    assert_int_equal(v->vcpu_info_mfn, 100);
    assert_int_equal(moved->evtchn_upcall_mask, 0x5a);
    assert_int_equal(moved->arch.cr2, 0xc2);
    assert_int_equal(moved->evtchn_pending_sel, ~0ULL);
    assert_int_equal(moved->evtchn_upcall_pending, 1);
    assert_int_equal(f.kicks, 1);
    assert_int_equal(f.publishes, 1);
    assert_int_equal(op(v, PV_VCPUOP_register_vcpu_info, 0, GVA), -PV_EINVAL); /* once */
    vcpus[2].run_state = VCPU_OFFLINE; /* a vCPU that is down may be given one */
    r->mfn = 101;
    r->offset = 0;
    assert_int_equal(op(v, PV_VCPUOP_register_vcpu_info, 2, GVA), 0);
    vcpu_domain_teardown(&dom);
    assert_int_equal(f.mm_puts, 2);
    assert_ptr_equal(vcpus[0].vcpu_info, &shinfo.vcpu_info[0]);
    assert_ptr_equal(vcpus[2].vcpu_info, &shinfo.vcpu_info[2]);
    assert_int_equal(vcpus[0].vcpu_info_mfn, 0);
    assert_int_equal(f.timer_kills, 3 * NR_VCPUS);
    assert_true(vcpus[1].periodic_timer.killed);
}

/* send_nmi (Xen's): no argument (-EINVAL otherwise, nothing pending); the first NMI pends and
 * wakes the target, a second one while it pends is the same NMI (no second wake-up). */
static void test_send_nmi(void **state)
{
    (void)state;
    world_reset();
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_send_nmi, 1, GVA), -PV_EINVAL);
    assert_false(vcpus[1].nmi_pending);
    assert_int_equal(f.wakes, 0);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_send_nmi, 3, 0), -PV_ENOENT);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_send_nmi, 1, 0), 0);
    assert_true(vcpus[1].nmi_pending);
    assert_int_equal(f.wakes, 1);
    assert_ptr_equal(f.wake_v, &vcpus[1]);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_send_nmi, 1, 0), 0);
    assert_int_equal(f.wakes, 1);
    assert_int_equal(op(&vcpus[0], PV_VCPUOP_send_nmi, 0, 0), 0); /* to itself */
    assert_true(vcpus[0].nmi_pending);
    assert_false(vcpus[2].nmi_pending);
    assert_int_equal(f.wakes, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vcpu_ids_and_unknown_commands),
        cmocka_unit_test(test_initialise_refusals_touch_nothing),
        cmocka_unit_test(test_context_vm_assist),
        cmocka_unit_test(test_initialise_frames_all_or_none),
        cmocka_unit_test(test_initialise_loads_xens_state),
        cmocka_unit_test(test_initialise_online_brings_it_up),
        cmocka_unit_test(test_up_down),
        cmocka_unit_test(test_runstate_accounting),
        cmocka_unit_test(test_runstate_area_registration),
        cmocka_unit_test(test_periodic_timer),
        cmocka_unit_test(test_singleshot_timer),
        cmocka_unit_test(test_set_timer_op),
        cmocka_unit_test(test_timer_functions),
        cmocka_unit_test(test_register_vcpu_info),
        cmocka_unit_test(test_send_nmi),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
