/* tests/fuzz/host: host stand-ins for the hypervisor core that the hypercall layer calls into
 * (scheduler, timers, time, console, the hypervisor's own mappings, the M2P, the hardware) for
 * fuzz_hypercall, next to tests/unit/mm_fake.c for the page-table hooks. Guest memory is reached
 * through the hypervisor's own accessor (common/guest_access.c), whose copy through the loaded
 * page tables (entry.asm) is a software walk here: of the calling vCPU's root (cf.cr3_of) in
 * mm_fake's memory. The per-CPU area is a real one, reached through %gs as in the
 * hypervisor (arch_prctl sets the host thread's GS base). The few privileged instructions the
 * hypercall code executes itself (cr3 reads and reloads, invlpg, MSR accesses, lldt, %gs loads)
 * trap to a SIGSEGV handler that performs them on the fake machine and steps over them. */
#define _GNU_SOURCE /* the register names of ucontext_t */
#include <asm/prctl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>

#include <cmocka.h>

#include "x86/bounce.h"
#include "conring.h"
#include "console.h"
#include "core_fake.h"
#include "x86/cpuid.h"
#include "domain.h"
#include "pv-abi/errno.h"
#include "evtchn.h"
#include "logdirty.h"
#include "x86/fpu.h"
#include "guest_access.h"
#include "x86/hw_access.h"
#include "arch.h"
#include "lib.h"
#include "mm.h"
#include "mm_fake.h"
#include "paging.h"
#include "percpu.h"
#include "sched.h"
#include "pv-abi/sched_op.h"
#include "time.h"
#include "timer.h"
#include "x86/desc.h"

struct core_fake cf;
static struct percpu pc;
static uint8_t stack[16384] __attribute__((aligned(16)));

/* ---- the per-CPU area and the privileged-instruction trap ---- */

/* glibc's gregs index of x86 register n (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8-r15). */
static const int gregs_of[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                 REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                 REG_R12, REG_R13, REG_R14, REG_R15};
static struct sigaction previous;

static void set_gs_base(uint64_t base)
{
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)base))
        abort();
}

/* Length of a ModRM memory operand's bytes after the ModRM byte. */
static unsigned modrm_tail(const uint8_t *m)
{
    unsigned mod = m[0] >> 6, rm = m[0] & 7, n = 0;

    if (mod == 3)
        return 0;
    if (rm == 4)
        n += 1 + (mod == 0 && (m[1] & 7) == 5 ? 4 : 0);
    else if (mod == 0 && rm == 5)
        n += 4;
    return n + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/* Perform the privileged instruction at p on the fake machine: its length, or 0 if it is not
 * one the hypercall code uses. */
static unsigned emulate(const uint8_t *p, greg_t *g)
{
    unsigned rex = (p[0] & 0xf0) == 0x40 ? p[0] : 0, at = rex ? 1 : 0;
    const uint8_t *o = p + at;
    unsigned rm = (o[2] & 7) | (rex & 1 ? 8 : 0);

    if (o[0] == 0x0f && o[1] == 0x20 && ((o[2] >> 3) & 7) == 3) { /* mov %cr3, %reg */
        g[gregs_of[rm]] = (greg_t)(cf.cr3_of ? cf.cr3_of() : 0);
        return at + 3;
    }
    if (o[0] == 0x0f && (o[1] == 0x22 || o[1] == 0x20)) { /* other control registers */
        cf.counters.cr_writes++;
        return at + 3;
    }
    if (o[0] == 0x0f && o[1] == 0x01 && ((o[2] >> 3) & 7) == 7) { /* invlpg */
        cf.counters.invlpgs++;
        return at + 3 + modrm_tail(o + 2);
    }
    if (o[0] == 0x0f && (o[1] == 0x30 || o[1] == 0x32)) { /* wrmsr, rdmsr (reads as 0) */
        if (o[1] == 0x32)
            g[REG_RAX] = g[REG_RDX] = 0;
        else if ((uint32_t)g[REG_RCX] == 0xc0000101) /* MSR_GS_BASE: after a %gs load */
            set_gs_base((uint64_t)(uint32_t)g[REG_RAX] | (uint64_t)g[REG_RDX] << 32);
        cf.counters.msr_accesses++;
        return at + 2;
    }
    if (o[0] == 0x0f && o[1] == 0x00 && ((o[2] >> 3) & 7) == 2) /* lldt */
        return at + 3 + modrm_tail(o + 2);
    if (o[0] == 0x8e) /* mov to a segment register */
        return at + 2 + modrm_tail(o + 1);
    return 0;
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    unsigned len = si->si_code == SI_KERNEL ? emulate((const uint8_t *)g[REG_RIP], g) : 0;

    if (len) {
        g[REG_RIP] += len;
        return;
    }
    /* A real fault: whoever handled it before us reports it. */
    if (previous.sa_flags & SA_SIGINFO)
        previous.sa_sigaction(sig, si, ctx);
    else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN)
        previous.sa_handler(sig);
    signal(sig, SIG_DFL);
}

void cf_init(void)
{
    static bool done;
    struct sigaction sa;

    if (done)
        return;
    done = true;
    pc.self = &pc;
    pc.stack_top = (uint64_t)(uintptr_t)(stack + sizeof(stack));
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, &previous);
}

void cf_reset(void)
{
    set_gs_base((uint64_t)(uintptr_t)&pc);
    memset(&cf.counters, 0, sizeof(cf.counters));
    cf.now = 1000000000;
    cf.console_len = 0;
    memset(&pc.current, 0, sizeof(pc) - offsetof(struct percpu, current));
    memset(percpu_guest_regs(), 0, sizeof(struct cpu_regs));
}

/* ---- guest memory: what entry.asm's copy does through the loaded page tables ---- */

/* The byte at gva as the CPU would reach it through the calling vCPU's tables (cf.cr3_of) in
 * mm_fake's memory: present, user and (for a write) writable at every level, the accessed and
 * dirty bits set as the CPU sets them; NULL where the copy would fault. */
static uint8_t *cf_translate(uint64_t gva, bool write)
{
    uint64_t root = cf.cr3_of ? cf.cr3_of() >> PAGE_SHIFT : 0, upper, mfn;
    uint64_t need = PTE_P | PTE_US | (write ? PTE_RW : 0);
    uint64_t *l1e = mm_walk_l1e(root, gva, NULL, &upper);

    if (!l1e || (*l1e & need) != need || (upper & need) != need)
        return NULL;
    mfn = (*l1e & PTE_ADDR) >> PAGE_SHIFT;
    if (!frame_info(mfn))
        return NULL; /* an I/O frame: mm_fake has no memory behind it */
    *l1e |= PTE_A | (write ? PTE_D : 0);
    return (uint8_t *)mm_frame_ptr(mfn) + (gva & (PAGE_SIZE - 1));
}

static int cf_guest_copy(uint64_t gva, uint8_t *buf, size_t len, bool write)
{
    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
        uint8_t *p = cf_translate(gva, write);

        if (!p)
            return -1;
        memcpy(write ? p : buf, write ? buf : p, chunk);
        gva += chunk;
        buf += chunk;
        len -= chunk;
    }
    return 0;
}

int arch_copy_from_guest(void *dst, const void *src, size_t len)
{
    return cf_guest_copy((uint64_t)src, dst, len, false);
}

int arch_copy_to_guest(void *dst, const void *src, size_t len)
{
    return cf_guest_copy((uint64_t)dst, (uint8_t *)src, len, true);
}

/* ---- domains ---- */

struct domain *domain_by_id(unsigned domid)
{
    return domid < CF_MAX_DOMAINS ? cf.domains[domid] : NULL;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
    if (d->state != DOM_RUNNING)
        return;
    d->shutdown_reason = d->shutdown_code_set ? d->shutdown_code : reason;
    d->state = d->shutdown_reason == PV_SHUTDOWN_crash ? DOM_CRASHED : DOM_SHUTDOWN;
    cf.counters.shutdowns++;
}

void domain_crash(struct domain *d, const char *why)
{
    (void)why;
    domain_shutdown(d, PV_SHUTDOWN_crash);
}

/* The toolstack's lifecycle: no domain is created here (-ENOMEM); a destroyed one only ends,
 * its memory stays for the other fuzzed calls; pauses are counted. */
struct domain *domain_create(unsigned domid, const char *name, unsigned nr_vcpus)
{
    (void)domid, (void)name, (void)nr_vcpus;
    return NULL;
}

void domain_kill(struct domain *d)
{
    d->dying = true;
    domain_shutdown(d, DOMAIN_DESTROYED);
}

void domains_collect(void) {}

/* As the real one: a domain that shut down (not crashed or destroyed) runs again. */
void domain_resume(struct domain *d)
{
    if (d->state == DOM_SHUTDOWN && !d->dying && d->shutdown_reason != DOMAIN_DESTROYED)
        d->state = DOM_RUNNING;
    d->shutdown_code_set = false;
}

void domain_pause(struct domain *d)
{
    d->paused++;
}

void domain_unpause(struct domain *d)
{
    if (d->paused)
        d->paused--;
}

/* ---- the scheduler and timers ---- */

void sched_block(struct vcpu *v, bool unmask)
{
    v->run_state = VCPU_BLOCKED;
    cf.counters.sleeps++;
}

void sched_wake(struct vcpu *v)
{
    if (v->run_state == VCPU_BLOCKED)
        v->run_state = VCPU_RUNNABLE;
    cf.counters.wakes++;
}

void sched_kick(struct vcpu *v)
{
    (void)v;
}

/* The credit and affinity settings domctl_vcpu.c hands the scheduler, kept as the real one keeps
 * them; no CPU is ever idle here. */
void sched_set_hard_affinity(struct vcpu *v, uint64_t cpus)
{
    v->hard_affinity = cpus;
}

void sched_set_credit(struct domain *d, unsigned weight, unsigned cap)
{
    d->weight = weight;
    d->cap = cap;
}

uint64_t sched_idle_ns(unsigned cpu)
{
    (void)cpu;
    return 0;
}

void sched_vcpu_up(struct vcpu *v)
{
    v->run_state = VCPU_RUNNABLE;
}

void sched_vcpu_down(struct vcpu *v)
{
    v->run_state = VCPU_DOWN;
}

void timer_init(struct timer *t, timer_fn *fn, void *data)
{
    memset(t, 0, sizeof(*t));
    t->fn = fn;
    t->data = data;
}

void timer_set(struct timer *t, uint64_t deadline)
{
    if (t->killed)
        fail_msg("timer armed after timer_kill");
    t->deadline = deadline;
    t->queued = true;
}

void timer_stop(struct timer *t)
{
    t->queued = false;
}

void timer_kill(struct timer *t)
{
    t->queued = false;
    t->killed = true;
}

/* ---- time ---- */

uint64_t time_now_ns(void)
{
    return cf.now;
}

void time_publish(struct vcpu *v)
{
    (void)v;
}

uint64_t time_tsc_khz(void)
{
    return cf.preempt ? 0 : 1ULL << 40; /* 0: every preemption check asks to yield */
}

/* Xen's scale in its simplest exact form: mul_frac = 2^32 * 1e9 / tps with shift 0 needs
 * tps > 1e9, as the fake TSC (2.5 GHz) is; slower rates are doubled into range (shift > 0). */
void time_scale_for(uint64_t tps, struct time_scale *s)
{
    int8_t shift = 0;

    if (!tps)
        tps = 1;
    while (tps <= 1000000000ULL && shift > -32) {
        tps <<= 1;
        shift--;
    }
    s->mul_frac = (uint32_t)(((unsigned __int128)1000000000ULL << 32) / tps);
    s->shift = (int8_t)-shift;
}

uint64_t time_scale_delta(uint64_t delta, const struct time_scale *s)
{
    if (s->shift >= 0)
        delta <<= s->shift;
    else
        delta >>= -s->shift;
    return (uint64_t)(((unsigned __int128)delta * s->mul_frac) >> 32);
}

void time_tsc_params(uint32_t *tsc_khz, uint32_t *mul_frac, int8_t *shift)
{
    *tsc_khz = 2500000;
    *mul_frac = 0xcccccccc;
    *shift = -1;
}

/* ---- console ---- */

void printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(cf.console + cf.console_len, sizeof(cf.console) - cf.console_len, fmt, ap);
    va_end(ap);
    if (n > 0)
        cf.console_len = MIN(cf.console_len + (size_t)n, sizeof(cf.console) - 1);
}

void conring_guest_write(struct domain *d, const char *buf, size_t len)
{
    char sink = 0;

    (void)d;
    for (size_t i = 0; i < len; i++) /* every byte it was given must be readable (ASan) */
        sink ^= buf[i];
    cf.counters.console_bytes += len + (sink & 0);
}

/* dom0's serial input (CONSOLEIO_read): a few bytes each time, so copies out are exercised. */
size_t conring_read(char *buf, size_t len)
{
    static const char input[] = "ls\n";
    size_t n = MIN(len, sizeof(input) - 1);

    memcpy(buf, input, n);
    return n;
}

/* platform_op's wall clock and CPUs, machine_memory_map's host map (q35 with 512 MiB). */
void time_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t system_time)
{
    (void)secs, (void)nsecs, (void)system_time;
}

void time_publish_wallclock(struct domain *d)
{
    (void)d;
}

unsigned arch_nr_cpus(void)
{
    return 2;
}

const struct boot_info *arch_boot_info(void)
{
    static struct boot_info bi = {
        .nr_e820 = 4,
        .e820 = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0x100000, 0x1ff00000, 1},
                 {0xfffc0000, 0x40000, 2}},
    };

    return &bi;
}

/* ---- memory the hypervisor maps for itself ---- */

static uint64_t hv_ptes[1 << 12];
static uint64_t m2p[MMF_FRAMES];

uint64_t *paging_hv_pte(uint64_t va)
{
    return &hv_ptes[(va >> PAGE_SHIFT) % (sizeof(hv_ptes) / sizeof(hv_ptes[0]))];
}

void paging_map_hv(uint64_t va, uint64_t mfn, uint64_t flags)
{
    *paging_hv_pte(va) = (mfn << PAGE_SHIFT) | flags;
}

uint64_t paging_zero_page(void)
{
    return MMF_HV_FRAME;
}

void m2p_set(uint64_t mfn, uint64_t pfn)
{
    if (mfn >= MMF_FRAMES)
        fail_msg("m2p_set(%#lx): beyond the machine", mfn);
    m2p[mfn] = pfn;
}

uint64_t m2p_chunk_mfn(uint64_t i)
{
    return 0x100000 + i;
}

uint64_t m2p_nr_entries(void)
{
    return MMF_FRAMES;
}

void arch_ipi_flush_domain_since(uint16_t domid, uint64_t stamp)
{
    (void)domid, (void)stamp;
    cf.counters.flushes++;
}

uint64_t arch_tlb_clock_tick(void)
{
    static uint64_t clock;

    return ++clock;
}

void *evtchn_page_alloc(void)
{
    void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

    if (p) {
        memset(p, 0, PAGE_SIZE);
        cf.evtchn_pages++;
    }
    return p;
}

void evtchn_page_free(void *page)
{
    if (!cf.evtchn_pages--)
        fail_msg("evtchn_page_free of a page never allocated");
    free(page);
}

/* ---- the vCPU's hardware state ---- */

void arch_fpu_init_vcpu(struct vcpu *v)
{
    memset(v->fpu_state, 0, sizeof(v->fpu_state));
}

void vcpu_fpu_taskswitch(struct vcpu *v, bool set)
{
    v->guest_ts = set;
}

void vcpu_toggle_mode(struct vcpu *v)
{
    v->kernel_mode = !v->kernel_mode;
}

void bounce_syscall(struct vcpu *v, struct cpu_regs *r)
{
    (void)v;
    (void)r;
}

/* Faults reach the LDT's lazy mapping (desc_ldt_fault) only from the trap path, never from a
 * hypercall. */
void bounce_trap(struct vcpu *v, struct cpu_regs *r, unsigned vector, bool has_ec, uint32_t ec)
{
    (void)v, (void)r, (void)has_ec;
    fail_msg("bounce_trap(%u, %#x) from a hypercall", vector, ec);
}

uint64_t gdt_read(uint16_t sel)
{
    return sel == 0xe02b ? 0x00cff3000000ffffULL : 0;
}

void arch_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    (void)sub;
    memset(out, 0, 4 * sizeof(uint32_t));
    if (leaf == 0) {
        out[0] = 0xd;
        out[1] = 0x756e6547, out[2] = 0x6c65746e, out[3] = 0x49656e69;
    } else if (leaf == 1) {
        out[0] = 0x00050657, out[2] = 0x7ffefbff, out[3] = 0xbfebfbff;
    }
}

uint64_t hw_rdmsr(uint32_t msr)
{
    return msr == 0xc0000080 ? 0xd01 : 0;
}

void hw_wrmsr(uint32_t msr, uint64_t val)
{
    (void)msr;
    (void)val;
    cf.counters.msr_accesses++;
}

uint64_t arch_rdtsc(void)
{
    return cf.now * 5 / 2;
}

uint64_t hw_read_cr0(void)
{
    return 0x80050033;
}

static uint64_t cr4 = 0x6f0;

uint64_t hw_read_cr4(void)
{
    return cr4;
}

void hw_write_cr4(uint64_t val)
{
    cr4 = val;
}

void hw_write_dr(unsigned reg, uint64_t val)
{
    (void)reg;
    (void)val;
}

/* Log-dirty mode (mm/logdirty.c, boot case logdirty): the domctl reaches these; off always. */
long logdirty_enable(struct domain *d)
{
    (void)d;
    return 0;
}

void logdirty_disable(struct domain *d)
{
    (void)d;
}

long logdirty_read(struct domain *d, bool clean, struct pv_domctl_shadow_op *sc,
                   logdirty_sink sink, void *arg)
{
    (void)d, (void)clean, (void)sink, (void)arg;
    sc->pages = 0;
    return 0;
}
