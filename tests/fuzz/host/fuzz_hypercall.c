/* tests/fuzz/host: the whole hypercall layer (every file of hypervisor/hypercalls, through
 * hypercall_dispatch, multicall included) on the real page-table, grant-table, event-channel,
 * descriptor-table and vCPU code, with the rest of the core faked (core_fake.c, mm_fake.c).
 * Three domains (dom_a with two vCPUs, dom_b, privileged dom_p) each have page tables mapping
 * 32 pages at GVA; a program of operations issues hypercalls with arguments drawn from guest
 * buffers (filled from the input), guest addresses, frames, domain ids and numbers, lets granters
 * write their grant entries, advances time (expired vCPU timers run), switches vCPUs and toggles
 * preemption. After every hypercall no lock may still be held; at the end the domains are reaped
 * in domain_reap's order and every frame and event-channel page must be back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pv-abi/arch_x86.h"
#include "core_fake.h"
#include "x86/desc_tables.h"
#include "pv-abi/errno.h"
#include "evtchn.h"
#include "frame.h"
#include "fuzz_input.h"
#include "grant_table.h"
#include "gsi_fake.h"
#include "hypercall_table.h"
#include "pirq.h"
#include "mm.h"
#include "mm_baseptr.h"
#include "mm_fake.h"
#include "paging.h"
#include "percpu.h"
#include "pv-abi/shared_info.h"
#include "pv-abi/vcpu_op.h"
#include "vcpu.h"
#include "x86/cpu.h"

#define GVA 0x400000ULL /* 32 pages: 28 writable, 2 read-only, 2 not present */
#define PAGES 32
#define MAX_OPS 64

static struct domain dom_p;
static struct vcpu vcpu_a1, vcpu_p;
static struct pv_shared_info shared[3];
static struct vtrap traps[3][2][NR_TRAPS]; /* each vCPU's virtual IDT (a page in the hypervisor) */
static struct domain *const doms[] = {&dom_a, &dom_b, &dom_p};
static uint64_t data[3][PAGES], l1[3], l2[3], l3[3];
static bool reaped[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("CMOCKA_TEST_ABORT", "1", 1);
    return 0;
}

/* Single-threaded: a lock that is already held is never released. */
void spin_wait_hook(void)
{
    fail_msg("spinning on a held lock: a deadlock");
}

static uint64_t current_cr3(void)
{
    struct vcpu *v = current_vcpu();

    return v ? (v->kernel_mode ? v->kernel_l4_mfn : v->user_l4_mfn) << PAGE_SHIFT : 0;
}

/* L4 -> L3 -> L2 -> L1 mapping the domain's data pages at GVA; the L4 is pinned and loaded. */
static void tables(unsigned i)
{
    struct domain *d = doms[i];
    uint64_t l4 = mmf_frame(d), up = PTE_P | PTE_RW | PTE_US;

    l3[i] = mmf_frame(d);
    l2[i] = mmf_frame(d);
    l1[i] = mmf_frame(d);
    for (unsigned p = 0; p < PAGES; p++) {
        data[i][p] = mmf_frame(d);
        if (p < PAGES - 2)
            mmf_mem(l1[i])[p] = mmf_pte(data[i][p], p < PAGES - 4 ? up : PTE_P | PTE_US);
    }
    mmf_mem(l4)[0] = mmf_pte(l3[i], up);
    mmf_mem(l3[i])[0] = mmf_pte(l2[i], up);
    mmf_mem(l2[i])[2] = mmf_pte(l1[i], up);
    if (mm_pin(d, l4, 4) || mm_new_baseptr(d->vcpu[0], l4))
        fail_msg("the initial tables of d%u are refused", d->domid);
}

static void domain(unsigned i)
{
    struct domain *d = doms[i];

    if (d == &dom_p) {
        memset(d, 0, sizeof(*d));
        memset(&vcpu_p, 0, sizeof(vcpu_p));
        d->domid = 3;
        d->privileged = true;
        d->first_page = FRAME_NONE;
        d->nr_vcpus = 1;
        d->vcpu[0] = &vcpu_p;
        vcpu_p.domain = d;
    }
    if (d == &dom_a) {
        memset(&vcpu_a1, 0, sizeof(vcpu_a1));
        vcpu_a1.domain = d;
        vcpu_a1.id = 1;
        d->vcpu[1] = &vcpu_a1;
        d->nr_vcpus = 2;
    }
    memset(&shared[i], 0, sizeof(shared[i]));
    d->shared_info = &shared[i];
    d->max_pages = 64;
    d->max_grant_frames = 4;
    d->ram_bytes = PAGES * PAGE_SIZE;
    evtchn_init(d);
    if (gnttab_init(d))
        fail_msg("gnttab_init");
    for (unsigned v = 0; v < d->nr_vcpus; v++) {
        d->vcpu[v]->trap = traps[i][v];
        memset(traps[i][v], 0, sizeof(traps[i][v]));
        d->vcpu[v]->vcpu_info = &shared[i].vcpu_info[v];
        d->vcpu[v]->vcpu_info->evtchn_upcall_mask = 1;
        d->vcpu[v]->kernel_mode = true;
        vcpu_init(d->vcpu[v], cf.now);
    }
    d->vcpu[0]->initialised = true;
    d->vcpu[0]->run_state = VCPU_RUNNABLE;
    cf.domains[d->domid] = d;
    mmf.current = d->vcpu[0];
    tables(i);
    reaped[i] = false;
}

/* ---- operands ---- */

/* May the harness write this frame behind the hypervisor's back? Only if the guest could:
 * not while it is a page table or descriptor page. */
static bool plain(uint64_t mfn)
{
    uint32_t t = frame_info(mfn)->type_info;

    return !(t & PGT_count_mask) || (t & PGT_type_mask) == PGT_writable ||
           (t & PGT_type_mask) == PGT_none;
}

/* A guest address: in the mapped pages (often with input bytes placed there first), the
 * read-only ones, the unmapped ones, or anything. */
static uint64_t gva(struct fzin *in, unsigned i)
{
    uint8_t k = fzin_u8(in);
    uint64_t page = k % PAGES, off = fzin_u16(in) % PAGE_SIZE;

    if (k >= 0xf0)
        return fzin_num(in);
    if (k & 0x80 && page < PAGES - 4 && plain(data[i][page])) { /* the buffer from the input */
        uint8_t bytes[192];
        size_t n = fzin_take(in, bytes, fzin_u8(in) % sizeof(bytes));

        off &= ~(uint64_t)7;
        n = MIN(n, PAGE_SIZE - off);
        memcpy((uint8_t *)mmf_mem(data[i][page]) + off, bytes, n);
    }
    return GVA + page * PAGE_SIZE + off;
}

static uint64_t mfn(struct fzin *in, unsigned i)
{
    uint8_t k = fzin_u8(in);

    switch (k % 8) {
    case 0 ... 3:
        return data[i][k % PAGES];
    case 4:
        return l1[k % 3];
    case 5:
        return data[(i + 1) % 3][k % PAGES];
    case 6:
        return doms[i]->vcpu[0]->kernel_l4_mfn;
    default:
        return fzin_num(in);
    }
}

static uint64_t operand(struct fzin *in, unsigned i)
{
    static const uint64_t domids[] = {PV_DOMID_SELF, 1, 2, 3, 0x7ff2, 9};
    uint8_t k = fzin_u8(in);

    switch (k % 6) {
    case 0 ... 1:
        return gva(in, i);
    case 2:
        return mfn(in, i) << (k & 0x80 ? PAGE_SHIFT : 0);
    case 3:
        return domids[k % (sizeof(domids) / sizeof(domids[0]))];
    default:
        return fzin_num(in);
    }
}

/* ---- operations ---- */

static void assert_unlocked(void)
{
    for (unsigned i = 0; i < 3; i++)
        if (doms[i]->mm_lock.locked || doms[i]->evtchn_lock.locked || doms[i]->lock.locked)
            fail_msg("d%u left a lock held", doms[i]->domid);
}

static void hypercall(struct fzin *in)
{
    uint8_t who = fzin_u8(in), nr = fzin_u8(in);
    unsigned i = who % 3;
    struct vcpu *v = doms[i]->vcpu[(who >> 2) % doms[i]->nr_vcpus];
    struct cpu_regs *r = percpu_guest_regs();
    uint64_t arg[5];

    if (reaped[i])
        return;
    for (unsigned a = 0; a < 5; a++)
        arg[a] = operand(in, i);
    if (nr < 0xc0)
        nr %= 37; /* 0-34 and sysctl, domctl */
    mmf.current = v;
    percpu()->hypercall_tsc = rdtsc();
    r->rsp = gva(in, i); /* where the iret hypercall finds its frame */
    hypercall_dispatch(v, nr, arg);
    assert_unlocked();
}

/* A frame that is (or may become) a page table of domain i, or any frame. */
static uint64_t table(struct fzin *in, unsigned i)
{
    uint8_t k = fzin_u8(in);
    uint64_t t[] = {l1[i], l2[i], l3[i], doms[i]->vcpu[0]->kernel_l4_mfn};

    return k < 0xc0 ? t[k % 4] : mfn(in, i);
}

/* A vCPU context that passes check_context unless the input says otherwise: kernel mode, this
 * domain's tables, a few trap entries, GDT/LDT sizes and bases, FPU image, debug registers. */
static void context(struct fzin *in, unsigned i, struct pv_vcpu_guest_context *c)
{
    uint8_t k = fzin_u8(in);

    memset(c, 0, sizeof(*c));
    c->flags = PV_VGCF_in_kernel | (k & 1 ? PV_VGCF_online : 0) |
               (k & 2 ? PV_VGCF_i387_valid : 0) | (k & 4 ? fzin_num(in) : 0);
    c->user_regs.rip = GVA + fzin_u16(in);
    c->user_regs.rsp = GVA + fzin_u16(in);
    c->user_regs.cs = PV_FLAT_KERNEL_CS;
    c->user_regs.ss = PV_FLAT_KERNEL_SS;
    c->user_regs.rflags = fzin_u32(in);
    c->ctrlreg[3] = table(in, i) << PAGE_SHIFT;
    if (k & 8)
        c->ctrlreg[1] = table(in, i) << PAGE_SHIFT;
    c->ctrlreg[4] = k & 16 ? fzin_num(in) : 0;
    c->kernel_ss = PV_FLAT_KERNEL_SS;
    c->kernel_sp = GVA + PAGE_SIZE;
    for (unsigned n = fzin_u8(in) % 4; n; n--)
        c->trap_ctxt[fzin_u8(in)] = (struct pv_trap_info){.vector = 0, .flags = fzin_u8(in),
                                                           .cs = PV_FLAT_KERNEL_CS,
                                                           .address = GVA + fzin_u16(in)};
    if (k & 32) {
        c->gdt_ents = fzin_u16(in) % 1024;
        c->gdt_frames[0] = mfn(in, i);
    }
    if (k & 64) {
        c->ldt_base = GVA + (fzin_u8(in) % PAGES) * PAGE_SIZE;
        c->ldt_ents = fzin_u16(in) % 8200;
    }
    if (k & 128) {
        for (unsigned r = 0; r < 8; r++)
            c->debugreg[r] = fzin_u8(in) & 1 ? GVA + fzin_u16(in) : fzin_num(in);
        c->fs_base = fzin_num(in);
        c->event_callback_eip = GVA + fzin_u16(in);
        c->syscall_callback_eip = fzin_num(in);
    }
    fzin_take(in, c->fpu_ctxt.x, fzin_u8(in) % 64);
}

/* A hypercall whose argument structures are well formed often enough to get past the
 * decoders into the operations: 1-4 mmu_update requests on entries of this domain's tables,
 * 1-4 mmuext_op operations (pins, base pointers, flushes, LDT, page copies) on its frames, or
 * a vcpu_op on one of its vCPUs with its argument taken from the input. */
static void structured(struct fzin *in)
{
    uint8_t who = fzin_u8(in), kind = fzin_u8(in);
    unsigned i = who % 3, n = 1 + (kind >> 6), page = 8 + (kind >> 2) % 8;
    struct vcpu *v = doms[i]->vcpu[(who >> 2) % doms[i]->nr_vcpus];
    uint64_t *p = mmf_mem(data[i][page]), arg[5] = {GVA + page * PAGE_SIZE, n, 0,
                                                     PV_DOMID_SELF, 0};
    unsigned nr;

    if (reaped[i] || !plain(data[i][page]))
        return;
    if (who & 0x80)
        arg[2] = GVA + 7 * PAGE_SIZE; /* where the count of done requests goes */
    switch (kind % 4) {
    case 0: /* mmu_update: ptr = entry's machine address | command, val */
        nr = PV_HYPERCALL_mmu_update;
        for (unsigned k = 0; k < n; k++) {
            p[2 * k] = (table(in, i) << PAGE_SHIFT) + (fzin_u16(in) % 512) * 8 + fzin_u8(in) % 4;
            p[2 * k + 1] = mmf_pte(fzin_u8(in) & 1 ? table(in, i) : mfn(in, i),
                                   fzin_u16(in) & 0xfff);
        }
        break;
    case 1: /* mmuext_op: cmd, arg1, arg2 */
    case 2:
        nr = PV_HYPERCALL_mmuext_op;
        for (unsigned k = 0; k < n; k++) {
            uint8_t c = fzin_u8(in);

            p[3 * k] = c % 24;
            p[3 * k + 1] = c & 0x80 ? gva(in, i) : c & 0x40 ? table(in, i) : mfn(in, i);
            p[3 * k + 2] = c & 0x20 ? mfn(in, i) : c & 0x10 ? gva(in, i) : fzin_u16(in) % 8200;
        }
        break;
    default: /* vcpu_op(cmd, vcpu, arg) */
        nr = PV_HYPERCALL_vcpu_op;
        arg[0] = fzin_u8(in) % 16;
        arg[1] = (kind >> 4) % 3;
        arg[2] = GVA + page * PAGE_SIZE;
        if (arg[0] == PV_VCPUOP_initialise && plain(data[i][page + 1])) {
            /* the context spans this page and the next (their GVAs follow each other) */
            static struct pv_vcpu_guest_context c;

            _Static_assert(sizeof(c) <= 2 * PAGE_SIZE, "a context fits two pages");
            context(in, i, &c);
            memcpy(p, &c, PAGE_SIZE);
            memcpy(mmf_mem(data[i][page + 1]), (uint8_t *)&c + PAGE_SIZE, sizeof(c) - PAGE_SIZE);
        } else if (arg[0] == PV_VCPUOP_register_vcpu_info) {
            p[0] = fzin_u8(in) & 1 ? mfn(in, i) : data[i][fzin_u8(in) % PAGES];
            p[1] = fzin_u8(in) & 1 ? fzin_u16(in) % PAGE_SIZE : fzin_u8(in) * 64U;
        } else {
            for (unsigned k = 0; k < 8; k++)
                p[k] = fzin_u8(in) & 1 ? gva(in, i) : fzin_num(in);
        }
        break;
    }
    mmf.current = v;
    percpu()->hypercall_tsc = rdtsc();
    hypercall_dispatch(v, nr, arg);
    assert_unlocked();
}

/* The granter writing an entry of its own table. */
static void grant(struct fzin *in)
{
    unsigned i = fzin_u8(in) % 3;
    struct gnttab *gt = doms[i]->gnttab;
    uint32_t ref = fzin_u16(in);
    struct pv_grant_entry_v1 *e;

    if (!gt || gt->dead || ref >= gt->nr_frames * 512)
        return;
    e = gnttab_entry(gt, ref);
    e->domid = (uint16_t)(1 + fzin_u8(in) % 3);
    e->frame = (uint32_t)mfn(in, i);
    __atomic_store_n(&e->flags, fzin_u16(in) & 0x1f, __ATOMIC_RELEASE);
}

/* Time passes: every queued vCPU timer whose deadline is past runs, as the timer interrupt
 * would run it. */
static void advance(struct fzin *in)
{
    cf.now += fzin_u32(in);
    for (unsigned i = 0; i < 3; i++) {
        for (unsigned n = 0; n < doms[i]->nr_vcpus && !reaped[i]; n++) {
            struct vcpu *v = doms[i]->vcpu[n];
            struct timer *t[] = {&v->singleshot_timer, &v->periodic_timer, &v->poll_timer};

            for (unsigned k = 0; k < 3; k++)
                if (t[k]->queued && t[k]->deadline <= cf.now) {
                    t[k]->queued = false;
                    t[k]->fn(t[k]);
                }
        }
    }
    assert_unlocked();
}

/* A vCPU switched out and another in, as the scheduler does (run states, runstate areas). */
static void switch_vcpus(struct fzin *in)
{
    unsigned i = fzin_u8(in) % 3, j = fzin_u8(in) % 3;
    struct vcpu *prev = doms[i]->vcpu[0], *next = doms[j]->vcpu[doms[j]->nr_vcpus - 1];

    mmf.current = prev;
    vcpu_switch_out(prev);
    mmf.current = next;
    vcpu_switch_in(next, cf.now);
    assert_unlocked();
}

static void one_op(struct fzin *in)
{
    uint8_t op = fzin_u8(in);

    if (reaped[0] && reaped[1] && reaped[2])
        return;
    switch (op % 8) {
    case 0 ... 1:
        hypercall(in);
        break;
    case 2 ... 3:
        structured(in);
        break;
    case 4:
        grant(in);
        break;
    case 5:
        advance(in);
        break;
    case 6:
        switch_vcpus(in);
        break;
    default:
        cf.preempt = op & 0x80;
    }
}

/* domain_reap's order (common/domain.c): timers, event channels, PIRQs, grant mappings,
 * descriptor tables, page tables, frames, the grant table. */
static void reap(unsigned i)
{
    struct domain *d = doms[i];

    vcpu_domain_teardown(d);
    evtchn_destroy(d);
    pirq_domain_destroy(d);
    gnttab_release_mappings(d);
    for (unsigned v = 0; v < d->nr_vcpus; v++)
        arch_desc_release(d->vcpu[v]);
    mm_domain_teardown(d);
    frame_release_all(d);
    gnttab_destroy(d);
    reaped[i] = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
    struct fzin in = {input, size};

    cf_init();
    cf_reset();
    cf.cr3_of = current_cr3;
    mmf_reset();
    memset(cf.domains, 0, sizeof(cf.domains));
    for (unsigned i = 0; i < 3; i++)
        domain(i);
    gsif_reset(); /* the machine's GSIs at boot (the PIRQ table is empty after the last reap) */
    for (unsigned n = 0; n < MAX_OPS && in.n; n++)
        one_op(&in);
    for (unsigned i = 0; i < 3; i++)
        reap(i);
    for (uint64_t m = MMF_FIRST_RAM; m < MMF_FRAMES; m++)
        if (frame_info(m)->owner != DOMID_FREE || frame_info(m)->count)
            fail_msg("frame %#lx not back after every domain was reaped: owner %#x count %u "
                     "type_info %#x", m, frame_info(m)->owner, frame_info(m)->count,
                     frame_info(m)->type_info);
    if (cf.evtchn_pages)
        fail_msg("%u event channel pages not freed", cf.evtchn_pages);
    return 0;
}
