/* Builds a PV domain from a Xen-ELF module: memory, start-of-day layout, bootstrap page
 * tables, start_info, p2m, console/xenstore pages, hypercall page and the first vCPU. */
#include "builder.h"
#include "ioport.h"
#include "cmdline.h"
#include "conring.h"
#include "pv-abi/console_io.h"
#include "console.h"
#include "domain.h"
#include "libpvbuild/elf_xen.h"
#include "libpvbuild/pv_layout.h"
#include "libpvbuild/pv_start.h"
#include "pv-abi/errno.h"
#include "evtchn.h"
#include "arch.h"
#include "frame.h"
#include "grant_table.h"
#include "lib.h"
#include "mm.h"
#include "mm_baseptr.h"
#include "paging.h"
#include "pv-abi/xen_version.h"
#include "time.h"
#include "vcpu.h"

struct build {
    struct domain *d;
    uint64_t *p2m; /* pfn -> mfn, in the guest's own p2m pages once they exist */
    uint64_t nr_pages;
    struct elf_xen_info elf;
    struct pv_layout lay;
    struct dom_opts opts;
    const struct boot_module *initrd; /* or NULL */
    const char *dom0;                 /* the hypervisor command line when building dom0 */
    uint64_t dom0_console_mfn;        /* "dom0console": the ring dom0 serves (d->console_mfn 0) */
};

static void *pfn_ptr(const struct build *b, uint64_t pfn)
{
    return mfn_to_virt(b->p2m[pfn]);
}

static const uint8_t *module_bytes(const struct boot_module *m)
{
    return (const uint8_t *)mfn_to_virt(m->start >> PAGE_SHIFT) + (m->start & (PAGE_SIZE - 1));
}

/* ELF sink: guest VA in the initial mapping -> pfn -> frame. */
static void *va_ptr(const struct build *b, uint64_t va)
{
    uint64_t pfn = pv_layout_va_to_pfn(&b->lay, va);

    return pfn == PV_LAYOUT_NO_PFN ? NULL : (uint8_t *)pfn_ptr(b, pfn) + (va & (PAGE_SIZE - 1));
}

/* Copy src (or zeros if src is NULL) to [va, va + len), a page at a time. */
static void sink_copy(void *ctx, uint64_t va, const void *src, uint64_t len)
{
    for (uint64_t off = 0; off < len;) {
        uint64_t n = MIN(len - off, PAGE_SIZE - ((va + off) & (PAGE_SIZE - 1)));
        void *dst = va_ptr(ctx, va + off);

        if (dst && src)
            memcpy(dst, (const uint8_t *)src + off, n);
        else if (dst)
            memset(dst, 0, n);
        off += n;
    }
}

static void sink_zero(void *ctx, uint64_t va, uint64_t len)
{
    sink_copy(ctx, va, NULL, len);
}

/* Give the domain its memory: nr_pages zeroed frames, recorded in p2m and M2P. */
static int populate(struct build *b, uint64_t *scratch_p2m)
{
    b->p2m = scratch_p2m;
    if (!scratch_p2m)
        return -PV_ENOMEM;
    for (uint64_t pfn = 0; pfn < b->nr_pages; pfn++) {
        uint64_t mfn = frame_alloc();

        if (mfn == FRAME_NONE)
            return -PV_ENOMEM;
        memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
        frame_assign(b->d, mfn);
        b->p2m[pfn] = mfn;
        m2p_set(mfn, pfn);
    }
    return 0;
}

/* The guest's frames for libpvbuild: pfn -> its frame in the direct map. */
static void *frame_page(void *ctx, uint64_t pfn)
{
    return pfn_ptr(ctx, pfn);
}

static struct pv_start_frames guest_frames(struct build *b)
{
    return (struct pv_start_frames){b, frame_page, b->p2m, b->nr_pages};
}

/* The bootstrap tables go through the same validation as any guest's: pinning the L4 types the
 * whole tree, and it becomes vCPU 0's kernel root. */
static int build_page_tables(struct build *b)
{
    uint64_t l4 = b->p2m[b->lay.pt_pfn];
    struct pv_start_frames f = guest_frames(b);
    int rc;

    pv_start_write_tables(&b->lay, &f);
    rc = mm_pin(b->d, l4, 4);
    return rc ? rc : mm_new_baseptr(b->d->vcpu[0], l4);
}

static void fill_start_info(struct build *b)
{
    struct domain *d = b->d;
    struct pv_start_params sp = {
        .nr_pages = b->nr_pages, .shared_info_mfn = d->shared_info_mfn,
        .initdomain = d->privileged, .store_mfn = d->store_mfn, .store_evtchn = d->store_evtchn,
        .console_mfn = d->console_mfn ? d->console_mfn : b->dom0_console_mfn,
        .console_evtchn = d->console_evtchn,
        .cmdline = b->opts.guest_cmdline};

    pv_start_fill_info(pfn_ptr(b, b->lay.start_info_pfn), &b->lay, &sp);
}

static void setup_vcpu0(struct build *b)
{
    struct vcpu *v = b->d->vcpu[0];

    v->regs = (struct cpu_regs){
        .rip = b->elf.virt_entry, .rsp = b->lay.rsp, .rsi = b->lay.start_info_va,
        .cs = SEL_RING3_CS64, .ss = SEL_RING3_DS, .rflags = X86_EFLAGS_IF | 2};
    v->kernel_mode = true;
    v->kernel_ss = SEL_RING3_DS;
    v->kernel_sp = b->lay.rsp;
    v->debugreg[6] = 0xffff0ff0;
    v->debugreg[7] = 0x400;
    v->initialised = true; /* the others wait for VCPUOP_initialise and VCPUOP_up */
    v->run_state = VCPU_RUNNABLE;
    vcpu_runstate_change(v, PV_RUNSTATE_runnable, time_now_ns());
    time_publish_wallclock(b->d); /* domain_create gave the scheduler every vCPU, offline */
}

/* "xenstore": the store page is granted to dom0 at GNTTAB_RESERVED_XENSTORE (ref 1), as Xen's
 * toolstack seeds it (dom0's xenstored maps that grant); start_info names the page. */
static void grant_store_page(struct build *b)
{
    struct pv_grant_entry_v1 *e = gnttab_entry(b->d->gnttab, PV_GNTTAB_RESERVED_XENSTORE);

    b->d->store_mfn = b->p2m[b->lay.xenstore_pfn];
    e->domid = 0;
    e->frame = (uint32_t)b->d->store_mfn;
    __atomic_store_n(&e->flags, (uint16_t)PV_GTF_permit_access, __ATOMIC_RELEASE);
}

/* "dom0console": the console page is granted to dom0 at GNTTAB_RESERVED_CONSOLE (ref 0) for its
 * console daemon, as Xen's toolstack seeds it; the hypervisor neither drains nor feeds the ring
 * (d->console_mfn stays 0), and the ring says nobody serves it until the daemon connects. */
static void grant_console_page(struct build *b, struct pv_xencons_interface *con)
{
    struct pv_grant_entry_v1 *e = gnttab_entry(b->d->gnttab, PV_GNTTAB_RESERVED_CONSOLE);

    b->dom0_console_mfn = b->p2m[b->lay.console_pfn];
    con->connection = PV_XENCONS_DISCONNECTED;
    e->domid = 0;
    e->frame = (uint32_t)b->dom0_console_mfn;
    __atomic_store_n(&e->flags, (uint16_t)PV_GTF_permit_access, __ATOMIC_RELEASE);
}

static void init_special_pages(struct build *b)
{
    struct pv_start_frames f = guest_frames(b);
    struct domain *d = b->d;
    struct pv_xencons_interface *con = pfn_ptr(b, b->lay.console_pfn);

    d->start_info_mfn = b->p2m[b->lay.start_info_pfn];
    d->store_mfn = 0; /* without "xenstore" the layout's page stays, zeroed, unused */
    if (d->store_evtchn)
        grant_store_page(b);
    if (!d->privileged && b->opts.dom0_console) {
        grant_console_page(b, con);
    } else if (!d->privileged) { /* dom0's console is console_io: its layout page stays unused */
        d->console_mfn = b->p2m[b->lay.console_pfn];
        con->connection = PV_XENCONS_CONNECTED;
    }
    /* The guest's p2m list: the builder's scratch copy moves into the guest's own pages. */
    pv_start_write_p2m(&b->lay, &f);
}

/* A guest send on the console port: drain its ring. (A local function: the -fpie image cannot
 * take the address of another file's function in code, only through data relocations.) */
static void console_notify(struct domain *d, unsigned port)
{
    conring_notify(d, port);
}

/* The console ring's port; its other end is the hypervisor, or with "dom0console" an unbound
 * port towards dom0 (its console daemon binds it, as xenconsoled). A boot-time domain has no xenstore
 * (store_mfn and store_evtchn 0 tell Xen guests so, as for Xen's initial domain before its
 * xenstored starts) unless it asked for "xenstore": then its store port is unbound with dom0 as
 * the remote end, for dom0's xenstored to bind when it is introduced. */
static int bind_special_ports(struct domain *d, const struct dom_opts *o)
{
    bool xenstore = o->xenstore;
    unsigned store = 0;
    int console;

    if (!d->privileged && o->dom0_console) { /* its other end is dom0's console daemon */
        unsigned port;
        int rc = evtchn_alloc_unbound(d, PV_DOMID_SELF, 0, &port);

        console = rc ? rc : (int)port;
    } else {
        console = d->privileged ? 0 : evtchn_alloc_hv_port(d, console_notify);
    }
    if (console < 0)
        return console;
    if (xenstore && !d->privileged) {
        int rc = evtchn_alloc_unbound(d, PV_DOMID_SELF, 0, &store);

        if (rc)
            return rc;
    }
    d->store_evtchn = store;
    d->console_evtchn = (unsigned)console;
    return 0;
}

/* dom0_mem= and dom0_max_vcpus= of the hypervisor line replace dom0's mem= and vcpus=, checked
 * as those are. */
static int dom0_options(struct build *b, const char **why)
{
    static struct dom_opts o;
    char mem[24] = "", vcpus[12] = "", line[64];
    int rc;

    cmdline_get(b->dom0, "dom0_mem", mem, sizeof(mem));
    cmdline_get(b->dom0, "dom0_max_vcpus", vcpus, sizeof(vcpus));
    lib_snprintf(line, sizeof(line), "dom0 %s%s %s%s --", *mem ? "mem=" : "", mem,
                 *vcpus ? "vcpus=" : "", vcpus);
    if ((rc = cmdline_parse_module(line, &o, why))) {
        static char msg[96];

        lib_snprintf(msg, sizeof(msg), "dom0_mem= or dom0_max_vcpus=: %s", *why);
        *why = msg;
        return rc;
    }
    if (*mem)
        b->opts.mem_bytes = o.mem_bytes;
    if (*vcpus)
        b->opts.vcpus = o.vcpus;
    return 0;
}

/* dom0's pfns are compared with the host memory map by Linux: the kernel, the boot tables and
 * the ramdisk must lie in one RAM entry (pfn = machine address there). */
static bool dom0_layout_in_ram(const struct build *b)
{
    const struct boot_info *bi = arch_boot_info();
    uint64_t first = b->lay.kernel_pfn << PAGE_SHIFT;
    uint64_t end = MAX(b->lay.pages_used, b->lay.initrd_pfn + b->lay.initrd_pages) << PAGE_SHIFT;

    for (unsigned i = 0; i < bi->nr_e820; i++)
        if (bi->e820[i].type == 1 && bi->e820[i].addr <= first &&
            bi->e820[i].addr + bi->e820[i].size >= end)
            return true;
    return false;
}

static int check_image(struct build *b, const struct boot_module *m, const char **why)
{
    int rc = cmdline_parse_module(m->cmdline, &b->opts, why);

    if (rc || (b->dom0 && (rc = dom0_options(b, why))))
        return rc;
    rc = elf_xen_parse(module_bytes(m), m->end - m->start, PV_START_FEATURES_SUPPORTED, &b->elf, why);
    if (rc)
        return rc;
    if (b->dom0 && !(b->elf.feat_supported[0] & (1u << PV_XENFEAT_dom0))) {
        *why = "kernel does not support dom0 operation (no XENFEAT_dom0 in its features)";
        return -PV_EINVAL;
    }
    b->nr_pages = b->opts.mem_bytes >> PAGE_SHIFT;
    if (b->nr_pages + 16 > frame_free_count()) {
        *why = "not enough free memory for the domain";
        return -PV_ENOMEM;
    }
    return 0;
}

static int compute_layout(struct build *b, const char **why)
{
    struct pv_layout_in in = {
        .virt_base = b->elf.virt_base, .virt_kstart = b->elf.virt_kstart,
        .virt_kend = b->elf.virt_kend, .nr_pages = b->nr_pages,
        .initrd_len = b->initrd ? b->initrd->end - b->initrd->start : 0,
        .mod_start_pfn = b->elf.mod_start_pfn, .has_init_p2m = b->elf.has_init_p2m,
        .init_p2m_va = b->elf.init_p2m};

    int rc = pv_layout_compute(&in, &b->lay, why);

    if (!rc && b->dom0 && !dom0_layout_in_ram(b)) {
        *why = "dom0's kernel, boot tables or ramdisk would lie outside the host's RAM";
        rc = -PV_EINVAL;
    }
    return rc;
}

static void load_image(struct build *b, const struct boot_module *m)
{
    struct elf_xen_sink sink = {b, sink_copy, sink_zero};

    elf_xen_load(module_bytes(m), &b->elf, &sink);
    if (b->elf.has_hypercall_page)
        arch_hypercall_page_fill(va_ptr(b, b->elf.hypercall_page));
}

/* The ramdisk into its pfns (mapped or not, they are consecutive); the rest of its last page
 * stays zero. */
static void load_initrd(struct build *b)
{
    uint64_t len = b->initrd ? b->initrd->end - b->initrd->start : 0;
    const uint8_t *src = len ? module_bytes(b->initrd) : NULL;

    for (uint64_t off = 0; off < len; off += PAGE_SIZE)
        memcpy(pfn_ptr(b, b->lay.initrd_pfn + off / PAGE_SIZE), src + off, MIN(len - off, PAGE_SIZE));
}

/* Scratch p2m while building: hypervisor frames mapped contiguously at BUILD_SCRATCH_VA. */
static uint64_t scratch_frames;

static uint64_t *scratch_map(uint64_t nr_pages)
{
    uint64_t n = ALIGN_UP(nr_pages * 8, PAGE_SIZE) >> PAGE_SHIFT;

    for (scratch_frames = 0; scratch_frames < n; scratch_frames++) {
        uint64_t mfn = frame_alloc();

        if (mfn == FRAME_NONE)
            return NULL;
        paging_map_hv(BUILD_SCRATCH_VA + scratch_frames * PAGE_SIZE, mfn, PTE_P | PTE_RW | PTE_NX);
    }
    return (uint64_t *)BUILD_SCRATCH_VA;
}

static void scratch_unmap(void)
{
    for (uint64_t i = 0; i < scratch_frames; i++)
        frame_free(paging_unmap_hv(BUILD_SCRATCH_VA + i * PAGE_SIZE));
    scratch_frames = 0;
}

/* dom0 may map I/O frames below the CPU's physical address width (CPUID 0x80000008). */
static uint64_t io_max_mfn(void)
{
    uint32_t r[4];

    arch_cpuid(0x80000008, 0, r);
    return 1ULL << ((r[0] & 0xff ? r[0] & 0xff : 36) - PAGE_SHIFT);
}

_Static_assert(CMDLINE_MAX_GRANT_FRAMES == GNTTAB_MAX_FRAMES, "grant_frames= limit");

int builder_boot_module(unsigned domid, const struct boot_module *m,
                        const struct boot_module *initrd, const char *dom0)
{
    static struct build b;
    const char *why = "";
    int rc;

    memset(&b, 0, sizeof(b));
    b.initrd = initrd;
    b.dom0 = dom0;
    if ((rc = check_image(&b, m, &why)) || (rc = compute_layout(&b, &why))) {
        printk("(hv) module %u (%s) refused: %s\n", domid, m->cmdline, why);
        return rc;
    }
    cmdline_default_name(&b.opts, domid);
    if (!(b.d = domain_create(domid, b.opts.name, b.opts.vcpus)))
        return -PV_ENOMEM;
    b.d->max_pages = MAX(b.nr_pages, b.opts.maxmem_bytes >> PAGE_SHIFT);
    b.d->privileged = dom0 != NULL;
    if (dom0) /* a few ranges each: they fit RANGESET_MAX */
        BUG_ON(iocaps_init_dom0(b.d, io_max_mfn()));
    if (b.opts.weight)
        b.d->weight = b.opts.weight;
    b.d->cap = b.opts.cap;
    if (b.opts.grant_frames)
        b.d->max_grant_frames = b.opts.grant_frames;
    b.d->ram_bytes = b.nr_pages << PAGE_SHIFT;
    if ((rc = populate(&b, scratch_map(b.nr_pages))))
        why = "out of memory while building";
    else if ((rc = build_page_tables(&b)))
        why = "bootstrap page tables refused";
    else if ((rc = bind_special_ports(b.d, &b.opts)))
        why = "no event channel for the console or xenstore";
    if (rc) {
        scratch_unmap();
        domain_crash(b.d, why);
        return rc;
    }
    load_image(&b, m);
    load_initrd(&b);
    init_special_pages(&b);
    fill_start_info(&b);
    setup_vcpu0(&b);
    scratch_unmap();
    conring_attach(b.d, b.opts.console_focus);
    printk("(hv) domain %u (%s): %lu MiB, %u vCPU(s), entry %lx, guest \"%s\"\n", domid, b.d->name,
           b.nr_pages >> 8, b.d->nr_vcpus, b.elf.virt_entry, b.elf.guest_os);
    return 0;
}
