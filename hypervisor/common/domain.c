/* Domain lifecycle: creation of the structures, shutdown and crash, reaping, and the end of
 * the machine once every boot-time domain has ended. */
#include "domain.h"
#include "conring.h"
#include "console.h"
#include "arch.h"
#include "evtchn.h"
#include "ioport.h"
#include "pirq.h"
#include "frame.h"
#include "grant_table.h"
#include "lib.h"
#include "logdirty.h"
#include "mm.h"
#include "paging.h"
#include "percpu.h"
#include "pv-abi/errno.h"
#include "pv-abi/event_channel.h"
#include "pv-abi/sched_op.h"
#include "sched.h"
#include "testhook.h"
#include "time.h"
#include "pv-abi/shared_info.h"
#include "vcpu.h"

static struct domain *domains[MAX_DOMAINS];
static uint64_t free_before, tables_before; /* frame accounting from domains_mark_start() */

void domains_mark_start(void)
{
    free_before = frame_free_count();
    tables_before = paging_tables_allocated();
}

/* Every frame a domain had must be back in the pool once all have ended: the only frames not
 * free since the mark are hypervisor page tables and the small records of ended domains. */
static void report_frames(unsigned nr_domains)
{
    uint64_t tables = paging_tables_allocated() - tables_before, now = frame_free_count();
    int64_t lost = (int64_t)free_before - (int64_t)now - (int64_t)tables - nr_domains;

    if (lost)
        printk("(hv) frames: LEAK of %ld frames (%lu free before the domains, %lu now)\n", lost,
               free_before, now);
    else
        printk("(hv) frames: all returned (%lu free before the domains, %lu now, %lu in new "
               "hypervisor page tables, %u domain records)\n", free_before, now, tables, nr_domains);
}

static const char *const reason_names[] = {"poweroff", "reboot", "suspend", "crash", "watchdog",
                                           "soft_reset"};

struct vcpu *current_vcpu(void)
{
    return percpu()->current;
}

struct domain *domain_by_id(unsigned domid)
{
    return domid < MAX_DOMAINS ? domains[domid] : NULL;
}

static void *alloc_zeroed_page(void)
{
    uint64_t mfn = frame_alloc();

    if (mfn == FRAME_NONE)
        return NULL;
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    return mfn_to_virt(mfn);
}

static void free_page_of(void *p)
{
    if (p)
        frame_free(virt_to_mfn(p));
}

/* An offline vCPU without context: timers ready, FPU at its reset state. */
static struct vcpu *vcpu_create(struct domain *d, unsigned id)
{
    struct vcpu *v = alloc_zeroed_page();

    _Static_assert(sizeof(struct vcpu) <= PAGE_SIZE, "struct vcpu must fit a page");
    _Static_assert(sizeof(struct domain) <= PAGE_SIZE, "struct domain must fit a page");
    _Static_assert(sizeof(struct vtrap) * NR_TRAPS <= PAGE_SIZE, "trap table must fit a page");
    if (!v)
        return NULL;
    if (!(v->trap = alloc_zeroed_page())) {
        free_page_of(v);
        return NULL;
    }
    v->domain = d;
    v->id = id;
    v->run_state = VCPU_OFFLINE;
    v->vcpu_info = &d->shared_info->vcpu_info[id];
    v->vcpu_info->evtchn_upcall_mask = 1; /* events masked until the guest enables them */
    arch_fpu_init_vcpu(v);
    vcpu_init(v, time_now_ns());
    return v;
}

/* Undo a domain_create that failed halfway: nothing of it ran or was shared yet. */
static void domain_free_new(struct domain *d)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpu[i]) {
            free_page_of(d->vcpu[i]->trap);
            free_page_of(d->vcpu[i]);
        }
    if (d->shared_info && mm_unshare_frame(d, d->shared_info_mfn)) /* nobody mapped it yet */
        free_page_of(d->shared_info);
    if (d->gnttab)
        gnttab_destroy(d);
    evtchn_destroy(d);
    free_page_of(d);
}

static int domain_alloc_parts(struct domain *d, unsigned nr_vcpus)
{
    evtchn_init(d);
    d->max_grant_frames = GNTTAB_DEFAULT_MAX_FRAMES;
    if (gnttab_init(d) || !(d->shared_info = alloc_zeroed_page()))
        return -PV_ENOMEM;
    d->shared_info_mfn = virt_to_mfn(d->shared_info);
    mm_share_frame(d, d->shared_info_mfn);
    d->nr_vcpus = nr_vcpus;
    for (unsigned i = 0; i < nr_vcpus; i++)
        if (!(d->vcpu[i] = vcpu_create(d, i)))
            return -PV_ENOMEM;
    return 0;
}

struct domain *domain_create(unsigned domid, const char *name, unsigned nr_vcpus)
{
    struct domain *d;

    if (domid >= MAX_DOMAINS || domains[domid] || !nr_vcpus || nr_vcpus > PV_MAX_VIRT_CPUS)
        return NULL;
    if (!(d = alloc_zeroed_page()))
        return NULL;
    d->domid = (uint16_t)domid;
    lib_strlcpy(d->name, name, sizeof(d->name));
    d->first_page = FRAME_NONE;
    d->weight = SCHED_DEFAULT_WEIGHT;
    if (domain_alloc_parts(d, nr_vcpus)) {
        domain_free_new(d);
        return NULL;
    }
    time_publish_wallclock(d); /* shared_info's wall clock, as for every domain */
    for (unsigned i = 0; i < nr_vcpus; i++)
        sched_add_vcpu(d->vcpu[i]);
    domains[domid] = d;
    return d;
}

/* Domain 0 when the hypervisor built it as the initial domain (docs/boot.md), else NULL. */
static struct domain *domain_initial(void)
{
    return domains[0] && domains[0]->privileged ? domains[0] : NULL;
}

static const char *reason_name(unsigned reason)
{
    if (reason == DOMAIN_DESTROYED)
        return "destroyed by the hypervisor";
    return reason < ARRAY_SIZE(reason_names) ? reason_names[reason] : "unknown";
}

void domain_pause(struct domain *d)
{
    BUG_ON(current_vcpu() && current_vcpu()->domain == d);
    spin_lock(&d->lock);
    d->paused++;
    spin_unlock(&d->lock);
    /* Each kick after a look under its run queue's lock: a CPU that found the vCPU eligible
     * before the pause has marked it running by then, so its kick interrupts that CPU. */
    sched_pause_changed(d);
    while (sched_domain_running(d)) { /* synchronous, as Xen's domain_pause */
        arch_ipi_serve();
        cpu_relax();
    }
}

void domain_unpause(struct domain *d)
{
    spin_lock(&d->lock);
    BUG_ON(!d->paused);
    d->paused--;
    spin_unlock(&d->lock);
    /* The kicks read idle flags after the drop is visible (as make_runnable): a CPU that went
     * idle and still saw the domain paused is seen idle and kicked, not left halted to a tick. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    sched_pause_changed(d);
}

void domain_destroy(struct domain *d)
{
    domain_shutdown(d, DOMAIN_DESTROYED);
}

/* Xen's send_global_virq(VIRQ_DOM_EXC): dom0's toolstack looks at what changed. */
static void domain_exc_notify(const struct domain *d)
{
    struct domain *dom0 = domain_initial();

    if (dom0 && d != dom0 && dom0->state == DOM_RUNNING)
        evtchn_send_virq(dom0->vcpu[0], PV_VIRQ_DOM_EXC);
}

/* A domain ended (domain_shutdown) since the last look, or that look left one to reap: the
 * scheduler looks at every switch, and most find nothing to do. */
static bool reap_due;

void domain_shutdown(struct domain *d, unsigned reason)
{
    spin_lock(&d->lock);
    if (d->state != DOM_RUNNING) {
        spin_unlock(&d->lock);
        return;
    }
    d->shutdown_reason = d->shutdown_code_set ? d->shutdown_code : reason;
    d->state = d->shutdown_reason == PV_SHUTDOWN_crash ? DOM_CRASHED : DOM_SHUTDOWN;
    spin_unlock(&d->lock);
    __atomic_store_n(&reap_due, true, __ATOMIC_SEQ_CST); /* after the state (domains_reap_ended) */
    conring_drain_all(); /* the domain's last console output comes before its end */
    printk("(hv) domain %u (%s) shut down: %s\n", d->domid, d->name, reason_name(d->shutdown_reason));
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        sched_kick(d->vcpu[i]); /* vCPUs running elsewhere leave the CPU */
    domain_exc_notify(d);
    if (d == domain_initial()) /* as Xen's hardware domain: its end is the machine's */
        for (unsigned i = 1; i < MAX_DOMAINS; i++)
            if (domains[i])
                domain_destroy(domains[i]);
}

void domain_resume(struct domain *d)
{
    domain_pause(d); /* the vCPU that asked to shut down has left its CPU */
    spin_lock(&d->lock);
    if (d->state == DOM_SHUTDOWN && !d->dying && d->shutdown_reason != DOMAIN_DESTROYED &&
        d != domain_initial()) {
        d->state = DOM_RUNNING;
        d->shutdown_reason = 0;
    }
    d->shutdown_code_set = false;
    spin_unlock(&d->lock);
    domain_unpause(d);
}

void domain_crash(struct domain *d, const char *why)
{
    if (d->state != DOM_RUNNING)
        return;
    conring_drain_all(); /* its last console output first */
    printk("(hv) domain %u (%s) crashed: %s\n", d->domid, d->name, why);
    domain_shutdown(d, PV_SHUTDOWN_crash);
}

/* The memory of a reaped domain, under its mm_lock: other domains may still drop grant
 * references on its frames. Frames they map stay allocated until their last unmap. */
static void release_memory(struct domain *d)
{
    spin_lock(&d->mm_lock);
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        arch_desc_release(d->vcpu[i]);
    mm_domain_teardown(d);
    frame_release_all(d);
    gnttab_destroy(d); /* with frame_release_all under one lock: see gnttab_put_frame */
    if (mm_unshare_frame(d, d->shared_info_mfn)) /* else freed by dom0's last foreign unmap */
        frame_free(d->shared_info_mfn);
    d->shared_info = NULL;
    spin_unlock(&d->mm_lock);
}

/* Free everything a domain that has ended still holds (never the running address space). */
static void domain_reap(struct domain *d)
{
    uint64_t before = frame_free_count();

    vcpu_domain_teardown(d); /* vCPU timers stop before what they touch goes away */
    evtchn_destroy(d); /* first: peers see their ends unbound, nothing targets d any more */
    pirq_domain_destroy(d); /* its GSIs masked and free, its EOI page let go */
    iocaps_destroy(d);      /* no I/O left to it */
    gnttab_release_mappings(d); /* the grants d mapped: their frames and granters' flags */
    logdirty_disable(d);
    release_memory(d);
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        frame_free(virt_to_mfn(d->vcpu[i]->trap));
        frame_free(virt_to_mfn(d->vcpu[i]));
        d->vcpu[i] = NULL;
    }
    d->nr_vcpus = 0;
    printk("(hv) domain %u (%s) destroyed: %lu frames returned, %lu free\n", d->domid, d->name,
           frame_free_count() - before, frame_free_count());
    d->state = d->state == DOM_CRASHED ? DOM_DEAD_CRASHED : DOM_DEAD;
}

/* With dom0 running, an ended domain waits for the toolstack (destroydomain); without one, or
 * once dom0 has ended, the hypervisor reaps it. */
static bool reaped_by_hypervisor(const struct domain *d)
{
    const struct domain *dom0 = domain_initial();

    return !dom0 || d == dom0 || dom0->state != DOM_RUNNING;
}

static spinlock_t reap_lock = SPINLOCK_INIT;

void domains_reap_ended(void)
{
    if (!__atomic_load_n(&reap_due, __ATOMIC_SEQ_CST) || !spin_trylock(&reap_lock))
        return; /* nothing ended, or another CPU is at it */
    __atomic_store_n(&reap_due, false, __ATOMIC_SEQ_CST); /* before the states are read */
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domains[i];

        if (!d || (d->state != DOM_SHUTDOWN && d->state != DOM_CRASHED) || !reaped_by_hypervisor(d))
            continue;
        /* Only once no CPU runs any of its vCPUs. A CPU idling with its page tables still loaded
         * (sched.c put_prev) is flushed off them before any of their frames goes out again. */
        if (sched_domain_running(d)) {
            __atomic_store_n(&reap_due, true, __ATOMIC_SEQ_CST); /* at a later look */
            continue;
        }
        sched_remove_domain(d);
        domain_reap(d);
    }
    spin_unlock(&reap_lock);
}

void domain_kill(struct domain *d)
{
    if (d->dying)
        return; /* Xen: a second destroydomain finds it dead and succeeds */
    d->dying = true;
    domain_pause(d); /* none of its vCPUs runs anywhere from here on */
    spin_lock(&d->lock);
    if (d->state == DOM_RUNNING) {
        d->shutdown_reason = DOMAIN_DESTROYED;
        d->state = DOM_SHUTDOWN;
    }
    spin_unlock(&d->lock);
    spin_lock(&reap_lock);
    if (d->state == DOM_SHUTDOWN || d->state == DOM_CRASHED) {
        sched_remove_domain(d);
        domain_reap(d);
    }
    spin_unlock(&reap_lock);
    domain_exc_notify(d);
    domains_collect(); /* d itself, if nothing holds any of its frames */
}

/* Does a frame still name d as its owner (a frame of its memory, or one the hypervisor shared
 * with it, such as shared_info, that another domain still maps)? */
static bool frames_left(const struct domain *d)
{
    for (uint64_t mfn = 0; mfn < frame_nr; mfn++)
        if (frame_owned_by(d, mfn))
            return true;
    return false;
}

/* A killed domain's record goes once nothing holds any of its frames or grants: under its
 * mm_lock, so no unmap of one of its frames (which finds it by its id) is still under way. */
static bool domain_collectable(struct domain *d)
{
    bool idle;

    if (!d->dying || (d->state != DOM_DEAD && d->state != DOM_DEAD_CRASHED))
        return false;
    spin_lock(&d->mm_lock);
    idle = d->tot_pages == 0 && !d->gnttab && !frames_left(d);
    spin_unlock(&d->mm_lock);
    return idle;
}

void domains_collect(void)
{
    for (unsigned i = 1; i < MAX_DOMAINS; i++)
        if (domains[i] && domains[i] != domain_initial() && domain_collectable(domains[i])) {
            struct domain *d = domains[i];

            domains[i] = NULL;
            printk("(hv) domain %u (%s) is gone\n", d->domid, d->name);
            free_page_of(d);
        }
}

static const char *end_message(unsigned any, bool all_poweroff)
{
    if (!any)
        return "no domains to run";
    if (domain_initial())
        return all_poweroff ? "dom0 powered off" : "dom0 ended, not with poweroff";
    return all_poweroff ? "all domains powered off" : "all domains ended, not all with poweroff";
}

void domains_check_all_ended(void)
{
    bool all_poweroff = true;
    unsigned any = 0;

    if (testhook_pending())
        return;
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domains[i];

        if (!d)
            continue;
        any++;
        if (d->state != DOM_DEAD && d->state != DOM_DEAD_CRASHED)
            return;
        all_poweroff &= d->shutdown_reason == PV_SHUTDOWN_poweroff;
    }
    if (domain_initial()) /* the others were destroyed because it ended */
        all_poweroff = domain_initial()->shutdown_reason == PV_SHUTDOWN_poweroff;
    report_frames(any);
    printk("(hv) %s; %u frames free of %lu; powering off\n", end_message(any, all_poweroff),
           (unsigned)frame_free_count(), frame_nr);
    arch_power_off(any && all_poweroff ? POWER_EXIT_OK : POWER_EXIT_DOMAIN);
}
