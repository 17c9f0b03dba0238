/* Domains and virtual CPUs: the objects every hypercall acts on.
 * Locking: there is one CPU running guests in this version; fields marked [boot] are set by the
 * builder before the domain first runs and read-only after, [self] fields change only on the
 * vCPU's own hypercalls/traps while it runs, [sched] fields belong to the scheduler. */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H
#include "arch.h"
#include "rangeset.h"
#include "spinlock.h"
#include "timer.h"
#include "types.h"
#include "pv-abi/vcpu_op.h"

/* The Xen interface domains see, XENVER_version's answer (also given by entry.asm): 4.17. */
#define HV_XEN_VERSION ((4 << 16) | 17)
#define DOMID_FIRST_BOOT 1
#define MAX_DOMAINS 64
#define MAX_VCPUS 32
#define NR_TRAPS 256
#define EVTCHN_NR_VIRQS 24   /* PV_NR_VIRQS */
#define EVTCHN_NR_BUCKETS 512 /* pages of 256 ports: the 131,072 ports of the FIFO ABI */

struct evtchn;
struct evtchn_fifo;
struct gnttab;

struct pv_shared_info;
struct pv_vcpu_info;

/* One entry of the virtual IDT (from set_trap_table). */
struct vtrap {
    uint64_t address; /* 0 = no handler */
    uint16_t cs;
    uint8_t flags; /* bits 0-1 DPL, bit 2 mask events on entry (Xen trap_info flags) */
};

enum vcpu_run_state { VCPU_OFFLINE, VCPU_RUNNABLE, VCPU_BLOCKED, VCPU_DOWN };

struct vcpu {
    struct domain *domain; /* [boot] */
    unsigned id;           /* [boot] */
    enum vcpu_run_state run_state; /* [sched] under the run-queue lock of `processor` */
    unsigned processor;            /* [sched] CPU whose run queue holds the vCPU */
    bool running;                  /* [sched] its frame is loaded on `processor` right now */
    bool queued;                   /* [sched] in a run queue */
    unsigned tables_cpu;           /* [sched] CPU that last loaded its page tables (context.c) */
    uint64_t vruntime;             /* [sched] weighted CPU time received (ns scaled by weight) */
    uint64_t run_start;            /* [sched] time it was last switched in */
    uint64_t runtime;              /* [sched] ns it has run in total */
    uint64_t hard_affinity;        /* [sched] CPUs it may run on (bit n: CPU n), all at first */
    uint64_t soft_affinity;        /* [sched] CPUs it prefers (kept for the toolstack only) */
    struct cpu_regs regs;  /* [sched] guest registers while descheduled */

    bool kernel_mode;             /* [self] guest kernel (true) or guest user mode */
    uint64_t kernel_ss, kernel_sp; /* [self] stack_switch */
    struct vtrap *trap;           /* [boot] NR_TRAPS entries (one page), set by set_trap_table */
    uint64_t event_callback, failsafe_callback, syscall_callback; /* [self] */
    uint64_t syscall32_callback, sysenter_callback; /* [self] 32-bit user processes */
    bool failsafe_disables_events, syscall_disables_events; /* [self] CALLBACKF_mask_events */
    bool syscall32_disables_events, sysenter_disables_events; /* [self] kept for migration */
    bool nmi_pending; /* [any] VCPUOP_send_nmi (atomic); taken on the way out to the guest */
    bool nmi_masked;  /* [self] in its NMI handler: no other NMI until its next iret */

    /* Segment state of the guest, switched with the vCPU. */
    uint64_t fs_base, gs_base_kernel, gs_base_user; /* [self] */
    uint16_t ds, es, fs, gs;                        /* [sched] selectors */

    uint64_t guest_cr2;   /* [self] virtual %cr2 (also written to vcpu_info.arch.cr2) */
    bool guest_ts;        /* [self] virtual CR0.TS (fpu_taskswitch / CLTS / mov cr0) */
    bool guest_tsd;       /* [self] virtual CR4.TSD */
    bool cpuid_faulting;  /* [self] guest enabled CPUID faulting for its user mode */
    unsigned iopl;        /* [self] virtual IOPL 0-3 (physdev set_iopl) */
    uint64_t debugreg[8]; /* [self] DR0-DR7 as the guest set them (DR4/5 unused) */
    uint64_t tsc_aux;     /* [self] value returned by RDTSCP in ecx */

    uint64_t kernel_l4_mfn; /* [self] guest_table: kernel page table root */
    uint64_t user_l4_mfn;   /* [self] guest_table_user: 0 if none */

    /* Descriptor tables (arch/x86/desc_tables.c): frames held as PGT_seg_desc. [self] */
    uint64_t gdt_frames[14];
    unsigned gdt_ents, nr_gdt_frames;
    uint64_t ldt_base, ldt_frames[16];
    unsigned ldt_ents, nr_ldt_frames;

    struct pv_vcpu_info *vcpu_info; /* [boot] hypervisor pointer into shared_info */
    uint8_t fpu_state[512] ALIGNED(16); /* [sched] FXSAVE image */

    /* Event channels (common/event_channel.c); [evtchn] fields change under domain->evtchn_lock. */
    uint16_t virq_to_evtchn[EVTCHN_NR_VIRQS]; /* [evtchn] port bound to each VIRQ here, 0 none */
    bool polling;           /* [evtchn] in SCHEDOP_poll */
    int poll_evtchn;        /* [evtchn] the port it polls (0 too), -1 any port (several polled) */
    uint64_t poll_deadline; /* [evtchn] system time (ns) the poll ends at; 0 never */

    /* vcpu_op, time and timers (hypercalls/vcpu_op.c, common/time.c, common/timer.c). */
    bool initialised;              /* [mm_lock] VCPUOP_initialise done (vCPU 0: the builder) */
    uint64_t vcpu_info_mfn;        /* [evtchn] frame of a registered vcpu_info, 0 none */
    struct timer singleshot_timer; /* set_timer_op, VCPUOP_set_singleshot_timer */
    struct timer periodic_timer;   /* queued only while the vCPU runs, on its CPU */
    struct timer poll_timer;       /* SCHEDOP_poll timeout */
    uint64_t periodic_period;      /* [self] ns between periodic ticks, 0 stopped */
    uint64_t periodic_last;        /* [self] system time of the last periodic tick */
    struct pv_vcpu_runstate_info runstate; /* [sched] written under the run-queue lock */
    uint32_t runstate_seq;  /* [sched] odd while runstate changes (lock-free readers) */
    uint64_t runstate_area; /* [self] guest address registered for runstate, 0 none */
    struct domain *mmu_pg_owner; /* [self] during mmu_update/mmuext_op: the foreign domain whose
                                    frames the batch uses (hypercalls/mmu.c), NULL: its own */
};

/* RUNNING -> SHUTDOWN|CRASHED (ended, resources held) -> DEAD|DEAD_CRASHED (resources freed) */
enum domain_state { DOM_RUNNING, DOM_SHUTDOWN, DOM_CRASHED, DOM_DEAD, DOM_DEAD_CRASHED };

struct domain {
    uint16_t domid; /* [boot] */
    char name[32];  /* [boot] */
    enum domain_state state;
    unsigned shutdown_reason; /* valid once state is DOM_SHUTDOWN (SHUTDOWN_* codes) */
    bool shutdown_code_set;   /* SCHEDOP_shutdown_code recorded a reason ahead of time */
    unsigned shutdown_code;
    bool privileged; /* [boot] dom0 / SIF_PRIVILEGED */
    unsigned weight;       /* [sched] proportional share (Xen credit default 256) */
    unsigned cap;          /* [sched] at most cap% of one CPU per period, 0 = no cap */
    uint64_t cap_used;     /* [sched] ns consumed in the current cap period */
    uint64_t cap_period;   /* [sched] start of the current cap period (ns) */
    int64_t time_offset;   /* [lock] seconds its wallclock is ahead of the host's (domctl) */
    uint32_t tsc_mode;     /* [lock] PV_TSC_MODE_* of the toolstack (settscinfo) */
    uint32_t tsc_incarnation; /* [lock] the one settscinfo was given (the domain's is one more) */
    spinlock_t mm_lock;    /* serialises page-table changes of this domain, the reference
                              counts of its frames and its grant table (gnttab.h) */
    spinlock_t lock;       /* state transitions and the console line buffer */
    unsigned paused;       /* [lock] pause count: not scheduled while nonzero (domain_pause) */
    unsigned ctl_pauses;   /* [domctl] the toolstack's pauses (Xen's controller_pause_count) */
    bool dying;            /* [domctl] destroydomain ran: released, a zombie until collected */
    bool xs_domain;        /* [boot] created with CDF_xs_domain */
    uint32_t arch_misc_flags; /* [boot] createdomain's arch.misc_flags */
    uint8_t handle[16];    /* [domctl] the toolstack's UUID (createdomain, setdomainhandle) */

    unsigned nr_vcpus; /* [boot] */
    struct vcpu *vcpu[MAX_VCPUS];

    uint64_t tot_pages;      /* frames the domain owns */
    uint64_t max_pages;      /* [boot] reservation limit */
    uint64_t first_page;     /* list head of owned frames (mfn, or ~0) */
    bool mm_dying;           /* [mm_lock] mm_domain_teardown ran: its memory is going back to the
                                pool, no frame is added and no new reference taken */
    uint64_t shared_info_mfn; /* [boot] */
    struct pv_shared_info *shared_info; /* [boot] hypervisor mapping */
    uint64_t start_info_mfn, console_mfn, store_mfn; /* [boot] */
    uint64_t vm_assist; /* [self] VMASST_TYPE_* bits */
    uint64_t ram_bytes; /* [boot] size of the single RAM entry of the domain's memory map */

    /* Boot-time console: the ring the hypervisor drains, and a line buffer for output. */
    char con_line[160];
    unsigned con_len;

    /* Event channels (common/event_channel.c); [evtchn] fields change under evtchn_lock. */
    spinlock_t evtchn_lock;
    unsigned max_evtchns;  /* [boot] highest port the domain may use (xl max_event_channels) */
    unsigned evtchn_valid; /* [evtchn] ports below this have storage; grows until destroyed */
    bool evtchn_dying;     /* [evtchn] evtchn_destroy ran: no port is allocated again */
    struct evtchn **evtchn_bucket; /* [evtchn] a page of EVTCHN_NR_BUCKETS, once a port is used */
    struct evtchn_fifo *evtchn_fifo; /* [evtchn] FIFO ABI state (event_fifo.c); NULL: 2-level */
    unsigned console_evtchn, store_evtchn; /* [boot] hypervisor-served ports in start_info */
    uint64_t pirq_eoi_mfn;  /* [pirq_lock] PHYSDEVOP_pirq_eoi_gmfn_v2's page, 0 none */
    uint64_t *pirq_eoi_map; /* [pirq_lock] its bits: pirq n needs PHYSDEVOP_eoi (common/pirq.c) */

    /* The machine's I/O it may reach (common/ioport.c; Xen's ioport_caps, iomem_caps, irq_caps):
     * port numbers, machine frames outside RAM, GSIs. dom0's are set by the builder, a domU's
     * by dom0's domctls; emptied when the domain is reaped. */
    struct rangeset ioport_caps, iomem_caps, irq_caps;
    uint32_t pci_cf8;  /* [pci_lock] its last dword write to port 0xcf8 (arch/x86/pci.c) */
    uint32_t cmos_idx; /* [pci_lock] its last write to port 0x70 (a byte) */

    /* Log-dirty mode (mm/logdirty.c); [ld] under logdirty_lock, taken after mm_lock. */
    spinlock_t logdirty_lock;
    uint64_t **logdirty_leaf; /* [ld] the bitmap's pages (a page of pointers), NULL: mode off */
    uint64_t logdirty_pfns;   /* [ld] pfns the bitmap covers */
    uint32_t logdirty_count;  /* [ld] bits newly set since the last CLEAN */
    bool logdirty_missed;     /* [ld] a frame past the bitmap was written */

    /* Grant table (common/grant_table.c). */
    unsigned max_grant_frames; /* [boot] frames the table may grow to (xl max_grant_frames) */
    struct gnttab *gnttab;     /* [mm_lock] NULL once freed, after the domain is reaped */
};

/* The vCPU running on this CPU. */
struct vcpu *current_vcpu(void);

/* Power the machine off once every domain has ended (prints each domain's end). */
void domains_check_all_ended(void);
/* Note the free frames before boot-time domains are built (checked when all have ended). */
void domains_mark_start(void);
struct domain *domain_by_id(unsigned domid);
/* d's vCPU `id`, or NULL past its vCPUs. */
static inline struct vcpu *domain_vcpu(const struct domain *d, uint32_t id)
{
    return id < d->nr_vcpus ? d->vcpu[id] : NULL;
}
/* Allocate a domain with nr_vcpus offline vCPUs (known to the scheduler) and its shared_info
 * page; NULL, with nothing left allocated, if domid is taken or out of range or memory short.
 * The boot-time builder and the toolstack's createdomain both create domains through it. */
struct domain *domain_create(unsigned domid, const char *name, unsigned nr_vcpus);
/* Free the resources of ended domains other than the one whose frame is loaded. */
void domains_reap_ended(void);

/* Run-time control (the toolstack's domctl will call these). Pause returns once no CPU runs any
 * of d's vCPUs; destroy ends d at once (reason DOMAIN_DESTROYED) and the scheduler reaps it:
 * its event channels are closed, its page tables torn down and every frame freed. */
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
void domain_destroy(struct domain *d);
/* The toolstack's destroydomain (caller: another domain, under the domctl lock): d never runs
 * again, its event channels, interrupts, grants, page tables and every frame nothing else
 * references are freed now, dom0 gets VIRQ_DOM_EXC; its record stays, dying, until
 * domains_collect() finds its last frame free. */
void domain_kill(struct domain *d);
/* Free the records of killed domains whose last frame is free (their ids become free). */
void domains_collect(void);
#define DOMAIN_DESTROYED 0x100 /* shutdown reason of a domain the hypervisor ended */

/* Xen's domain_resume (caller: another domain): a domain that shut down (not crashed, not
 * destroyed) runs again from where it stopped, its shutdown reason and code forgotten; the
 * toolstack's resume after a suspend. Nothing changes for a running domain. */
void domain_resume(struct domain *d);

/* End the domain: SCHEDOP_shutdown reasons (PV SHUTDOWN_* codes). With a dom0 running, a
 * domain that ends keeps its resources until the toolstack destroys it, and dom0 gets
 * VIRQ_DOM_EXC; without one (or once dom0 ended) the hypervisor reaps it. */
void domain_shutdown(struct domain *d, unsigned reason);

/* Stop the domain because of a fault it caused; prints why. Never returns to the guest. */
void domain_crash(struct domain *d, const char *why);

#endif
