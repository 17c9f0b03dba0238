/*
 * tests/fuzz: the hypercall fuzzing guest (fuzz.elf), shared declarations.
 *
 * The guest is a loop of seeded iterations. Iteration i of seed S draws everything from a
 * generator seeded with (S, i) alone, so `seed=S start=i iters=1` replays the same call (the
 * domain's state may differ), and `seed=S iters=N trace_from=i` replays the whole run printing
 * every call from iteration i on. Each iteration picks one action: a hypercall of one family
 * with structured-random arguments (fz_calls*.c), a multicall batch of them, an iret hypercall
 * with a random frame, a privileged or exception-raising instruction in guest kernel mode, or
 * random bytes run in guest user mode (fz_insn.c). The arguments come from pools of values
 * that matter to the hypervisor (fz_world.c): its own scratch memory with read-only pages,
 * holes and page boundaries, page tables, the M2P and the hypervisor's range, non-canonical
 * addresses, frames of every owner, another domain's granted page, ports, domain ids, vCPUs.
 */
#ifndef FZ_H
#define FZ_H

#include "gk/kit.h"
#include "pv-abi/pv.h"

/* ---- the seeded generator (fz_rand.c) ---- */

void fz_rng_seed(uint64_t seed, uint64_t iter);
uint64_t fz_rand(void);
uint64_t fz_below(uint64_t n);        /* uniform in [0, n), 0 if n is 0 */
bool fz_chance(unsigned per_1024);    /* true with probability per_1024 / 1024 */
uint64_t fz_num(void);                /* a number an implementation gets wrong: edges, bits */
uint32_t fz_num32(void);              /* the same, 32 bits wide */
uint64_t fz_range(uint64_t lo, uint64_t hi); /* uniform in [lo, hi] */

/* ---- the domain's world: scratch memory and the value pools (fz_world.c) ---- */

/* The scratch region: one L1 of the fuzzer's own mapping 2 MiB at FZ_SCRATCH, laid out as:
 * RW pages, read-only pages, holes, a RW page followed by a hole, a playground of L1 slots
 * that the MMU families rewrite, a code page and a stack page for kernel-mode instructions,
 * the slots grant maps go to, and a 64 KiB arena the argument structures are built in. */
#define FZ_SCRATCH 0x0000200000000000ULL
#define FZ_SLOT(n) (FZ_SCRATCH + (uint64_t)(n)*4096)
#define FZ_RW_FIRST 0 /* 16 RW pages */
#define FZ_NR_RW 16
#define FZ_RO_FIRST 16 /* 4 read-only pages */
#define FZ_NR_RO 4
#define FZ_HOLE_FIRST 20 /* 4 never-mapped pages */
#define FZ_EDGE 24       /* RW, and 25 is a hole: buffers straddling the boundary */
#define FZ_PLAY_FIRST 32 /* 32 playground slots */
#define FZ_NR_PLAY 32
#define FZ_CODE 64  /* executable page for kernel-mode instructions */
#define FZ_STACK 65 /* their stack */
#define FZ_OWN_GNT 90    /* the fuzzer's own grant table frame */
#define FZ_GNT_FIRST 96 /* 32 slots for grant host maps */
#define FZ_NR_GNT 32
#define FZ_ARENA_FIRST 128 /* 16 RW pages: argument structures */
#define FZ_NR_ARENA 16
#define FZ_NR_TOYS 16 /* frames the MMU families turn into tables and back */

/* The frames and addresses fuzzed operations can refer to. */
struct fz_world {
    uint64_t self;                  /* own domain id */
    uint64_t watchdog;              /* the watchdog's domain id (0 if none) */
    uint64_t nr_domains;            /* domain ids below this may exist */
    uint64_t max_mfn;               /* XENMEM_maximum_ram_page */
    uint64_t l4_mfn;                /* the kernel root */
    uint64_t scratch_l1, scratch_l2, scratch_l3; /* the scratch region's tables */
    uint64_t rw_mfn[FZ_NR_RW], ro_mfn[FZ_NR_RO], edge_mfn, code_mfn, stack_mfn;
    uint64_t arena_mfn[FZ_NR_ARENA];
    uint64_t toy_mfn[FZ_NR_TOYS];   /* even: read-only in the 1:1 map (may become tables) */
    uint64_t image_mfn_first, image_mfn_last; /* the fuzzer's own image and data */
    uint64_t shared_info_mfn;
    uint64_t status_mfn; /* the first status frame once the table is version 2, else 0 */
    uint64_t foreign_mfn[4];        /* learned from the watchdog's grants (0 if not yet) */
    unsigned nr_foreign;
    uint64_t victim_va;             /* a page of the image the hypervisor may scribble on */
    unsigned timer_port, ping_port; /* VIRQ_TIMER, and the channel to the watchdog */
};
extern struct fz_world fz;

void fz_world_init(void);
/* The fuzzer's timer port bound to VIRQ_TIMER again if a call took it away, unmasked, and the
 * periodic timer running: the one wake-up every sleep of the fuzzer counts on. */
void fz_restore_timer(void);
/* Put back what the families may legitimately have broken in the scratch region's layout. */
void fz_world_heal(void);
/* Reset the argument arena (once per iteration) and take len bytes of it (zeroed, 16-byte
 * aligned; NULL once the arena is full). */
void fz_arena_reset(void);
void *fz_alloc(size_t len);

uint64_t fz_ptr(size_t len); /* a guest pointer for a len-byte buffer, of any class */
uint64_t fz_va(void);        /* a virtual address of any class (no buffer behind it needed) */
uint64_t fz_code_va(void);   /* an address given as code: callbacks, trap handlers, breakpoints */
uint64_t fz_mfn(void);       /* a machine frame of any owner */
uint64_t fz_mfn_dest(void);  /* a frame that may be written: never the fuzzer's own live ones */
uint64_t fz_pte(void);       /* a page-table entry value */
uint64_t fz_pte_maddr(void); /* the machine address of an entry (mostly of the scratch tables) */
uint16_t fz_domid(void);
uint32_t fz_port(void);
uint32_t fz_vcpu(void);
uint16_t fz_selector(void);
uint64_t fz_desc(void);      /* a segment or gate descriptor */
uint64_t fz_vcpumask(void);  /* a vcpumask pointer (or 0) */
/* Copy len bytes of tmpl into the arena, now and then with a few bytes changed, and return the
 * copy's address; or, now and then, a pointer of any class instead. */
uint64_t fz_struct(const void *tmpl, size_t len);
/* Sub-op number for the record: cmd itself below 62, 62 for anything larger. */
unsigned fz_sub(uint64_t cmd);

/* ---- what the fuzzer reached (fz_record.c) ---- */

/* One hypercall, its sub-op (FZ_SUB_NONE for calls without one) and its result. */
#define FZ_SUB_NONE 63
void fz_record(unsigned nr, unsigned sub, long rc);
/* One operation of a batch that reports a per-operation status (grant_table_op). */
void fz_record_status(unsigned nr, unsigned sub, int status);
/* An instruction template and the vector it raised (FZ_VEC_NONE: none). */
#define FZ_VEC_NONE 255
#define FZ_VEC_SYSCALL 254 /* not a vector: a system call from user mode ended the iteration */
void fz_record_insn(unsigned template_id, unsigned vector);
/* Print what was reached since the last call (each checkpoint), and that plus the totals (the
 * end): the lines the campaign runner parses. */
void fz_record_new(void);
void fz_record_report(void);

struct fz_stats {
    uint64_t hypercalls, batched, traps, insns, user_runs, irets, failsafes, heals;
};
extern struct fz_stats fz_stats;

/* ---- calls ---- */

/* A generated hypercall: number, sub-op for the record, arguments. */
struct fz_call {
    uint64_t nr;
    unsigned sub;
    uint64_t arg[5];
};

/* Fill c with a random call of the family that owns hypercall c->nr, or of a random family if
 * c->nr is FZ_ANY; the families mark what they may break in fz_dirty. in_batch: the call will
 * run inside a multicall (no calls that must be followed at once by a repair). */
#define FZ_ANY (~0ULL)
void fz_gen_call(struct fz_call *c, bool in_batch);
extern bool fz_in_batch; /* the multicall generator is filling its entries */

/* State a call may have changed that the fuzzer needs back (restored after each iteration). */
enum {
    FZ_DIRTY_TRAPS = 1 << 0,     /* trap table */
    FZ_DIRTY_CALLBACKS = 1 << 1, /* event, failsafe and syscall callbacks */
    FZ_DIRTY_DEBUG = 1 << 2,     /* debug registers */
    FZ_DIRTY_FPU = 1 << 3,       /* CR0.TS */
    FZ_DIRTY_IOPL = 1 << 4,
    FZ_DIRTY_SEGBASE = 1 << 5, /* FS, GS bases, the user GS selector */
    FZ_DIRTY_STACK = 1 << 6,   /* stack_switch */
    FZ_DIRTY_TIMER = 1 << 7,   /* the timer port, periodic timer */
    FZ_DIRTY_LAYOUT = 1 << 8,  /* the scratch region's tables */
    FZ_DIRTY_RUNSTATE = 1 << 9,
    FZ_DIRTY_LDT = 1 << 10,
    FZ_DIRTY_CR4 = 1 << 11, /* the guest's CR4 bits (TSD, DE, ...) */
    FZ_DIRTY_VMASST = 1 << 12, /* m2p_strict, and the M2P slot it takes from a user root */
};
extern unsigned fz_dirty;

/* Issue c (through the hypercall page or a raw SYSCALL), print it first when tracing, record
 * its result. */
long fz_issue(const struct fz_call *c);

/* Family generators (fz_calls_*.c). Each fills args (building structures with fz_alloc) and
 * the sub-op. */
void fz_gen_mmu_update(struct fz_call *c);
void fz_gen_mmuext_op(struct fz_call *c);
void fz_gen_update_va_mapping(struct fz_call *c);
void fz_gen_set_gdt(struct fz_call *c);
void fz_gen_update_descriptor(struct fz_call *c);
void fz_gen_grant_table_op(struct fz_call *c);
void fz_gen_event_channel_op(struct fz_call *c);
void fz_gen_sched_op(struct fz_call *c);
void fz_gen_vcpu_op(struct fz_call *c);
void fz_gen_set_timer_op(struct fz_call *c);
void fz_gen_memory_op(struct fz_call *c);
void fz_gen_xen_version(struct fz_call *c);
void fz_gen_console_io(struct fz_call *c);
void fz_gen_set_trap_table(struct fz_call *c);
void fz_gen_callbacks(struct fz_call *c); /* set_callbacks and callback_op */
void fz_gen_arch_misc(struct fz_call *c); /* stack_switch, fpu_taskswitch, debugregs, segbase */
void fz_gen_vm_assist(struct fz_call *c);
void fz_gen_physdev_op(struct fz_call *c);
void fz_gen_control(struct fz_call *c);   /* domctl and sysctl */
void fz_gen_platform_op(struct fz_call *c);
void fz_gen_unknown(struct fz_call *c);   /* numbers nothing implements */
void fz_gen_multicall(struct fz_call *c); /* a batch of calls from the families above */
/* After the call: record per-operation outcomes, learn frames (grant_table_op). */
void fz_grant_after(const struct fz_call *c, long rc);
void fz_grant_init(void); /* set up and map the fuzzer's own grant table */

/* ---- actions that are not one hypercall (fz_insn.c, fz_iret.c) ---- */

void fz_insn_init(void);
void fz_do_kernel_insn(void); /* a privileged or faulting instruction in guest kernel mode */
void fz_do_user_code(void);   /* random bytes in guest user mode, in an address space of its own */
void fz_do_iret(void);        /* the iret hypercall with a random frame */
/* The instruction template the current iteration runs (FZ_TEMPLATE_NONE: a hypercall), and
 * the vector of the trap that ended it (FZ_VEC_NONE: none); recorded by the main loop. */
#define FZ_TEMPLATE_NONE 0xffff
#define FZ_TEMPLATE_IRET 200
extern unsigned fz_template, fz_last_vector;
unsigned fz_iret_result(unsigned trap_vector);
/* Called by the timer handler: a user run that has gone on too long is stopped. */
void fz_user_watchdog(void);

/* The context each iteration resumes at after a trap (fz_main.c), and the failsafe entry that
 * resumes it (fz_iret.c). */
extern struct gk_context fz_ctx;
extern volatile bool fz_armed;
extern bool fz_in_task; /* a user run is on: its traps are the kit's (they end the run) */
/* Forms that may legitimately get the domain crashed (a stack that cannot take a frame, its own
 * mappings rewritten, a base pointer to a table that maps nothing) are taken only in "risky"
 * iterations: fz_risk in 65536 of them (risk=, default 2), and there at half the points. */
extern unsigned fz_risk;
extern bool fz_risky;
static inline bool fz_take_risk(void)
{
    return fz_risky && fz_chance(512);
}
void fz_failsafe_entry(void);
/* The kit's entry points (guest-kit/arch/entry.asm), registered again after callback fuzzing. */
void gk_event_entry(void);
void gk_syscall_entry(void);

/* System time in ns (vcpu_time_info); 0 before shared_info is mapped. */
uint64_t fz_now(void);

/* Trace: print each call of iterations from fz_trace_from on (console_io, synchronous). */
extern uint64_t fz_iter, fz_seed;
extern bool fz_tracing;
void fz_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* FZ_H */
