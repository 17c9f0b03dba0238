/* tests/fuzz: grant_table_op. The watchdog grants its canary page read-only to every fuzz
 * domain (refs from WD_FIRST_REF); the fuzzer maps it (learning its frame from dev_bus_addr),
 * tries writable maps and copies into it, and also grants its own toy frames in its own table
 * (mapped at FZ_OWN_GNT) to itself and others, so that both sides of every op are exercised. */
#include "fz.h"

#define WD_FIRST_REF 8 /* the watchdog's grants (tests/fuzz/guests/watchdog.c) */
#define MAX_OPS 8
#define HANDLES 16

/* The batch fz_gen_grant_table_op built last, for fz_grant_after. */
static void *last_ops;
static unsigned last_count, last_cmd;
static uint64_t own_table_mfn;

/* Mappings made, for unmaps that name real handles. */
static struct {
    uint32_t handle;
    uint64_t host_addr, dev_bus_addr;
} handles[HANDLES];
static unsigned nr_handles;

void fz_grant_init(void)
{
    uint64_t frame = 0;
    struct pv_gnttab_setup_table st = {.dom = PV_DOMID_SELF, .nr_frames = 1,
                                       .frame_list = (uint64_t)(uintptr_t)&frame};

    if (gk_hypercall(PV_HYPERCALL_grant_table_op, PV_GNTTABOP_setup_table, &st, 1, 0, 0) ||
        st.status || !frame)
        return;
    if (gk_map(gk_kernel_space(), FZ_SLOT(FZ_OWN_GNT), frame, GK_PAGE_KERNEL | gk_pte_nx()) == 0)
        own_table_mfn = frame;
}

/* Write a random entry into the fuzzer's own table (as a granter does: frame and domid first). */
static void own_grant(void)
{
    volatile struct pv_grant_entry_v1 *e = (void *)FZ_SLOT(FZ_OWN_GNT);
    unsigned ref = (unsigned)fz_range(WD_FIRST_REF, 31);
    uint16_t flags = fz_chance(768) ? (uint16_t)(PV_GTF_permit_access | (fz_below(2) << 2))
                                    : (uint16_t)fz_rand();

    if (!own_table_mfn)
        return;
    /* Never a frame the fuzzer lives in: a copy or a writable map through its own grant would
     * rewrite it (seed 107: its stack). */
    e[ref].frame = (uint32_t)(fz_chance(768) ? fz.toy_mfn[fz_below(FZ_NR_TOYS)] : fz_mfn_dest());
    e[ref].domid = fz_chance(512) ? (uint16_t)fz.self : fz_domid();
    __atomic_store_n(&e[ref].flags, flags, __ATOMIC_RELEASE);
}

static uint32_t ref(void);
static uint16_t granter(void);

/* The same in version 2's layout (set_version may have made the table one): a full page, a
 * sub-page of random bounds, or a transitive grant naming another grant (the watchdog's canary
 * among them: copies through it must stay read-only). */
static void own_grant_v2(void)
{
    volatile union pv_grant_entry_v2 *e = (void *)FZ_SLOT(FZ_OWN_GNT);
    unsigned r = (unsigned)fz_range(WD_FIRST_REF, 31);
    uint16_t flags = (uint16_t[]){PV_GTF_permit_access, PV_GTF_permit_access | PV_GTF_sub_page,
                                  PV_GTF_transitive, (uint16_t)fz_rand()}[fz_below(4)];

    if (!own_table_mfn)
        return;
    if ((flags & PV_GTF_type_mask) == PV_GTF_transitive) {
        e[r].transitive.trans_domid = granter();
        e[r].transitive.gref = ref();
    } else {
        e[r].sub_page.frame = fz_chance(768) ? fz.toy_mfn[fz_below(FZ_NR_TOYS)] : fz_mfn_dest();
        e[r].sub_page.page_off = (uint16_t)(fz_chance(900) ? fz_below(4096) : fz_rand());
        e[r].sub_page.length = (uint16_t)(fz_chance(900) ? fz_below(4097) : fz_rand());
    }
    e[r].hdr.domid = fz_chance(512) ? (uint16_t)fz.self : fz_domid();
    __atomic_store_n(&e[r].hdr.flags, (uint16_t)(flags | (fz_below(2) << 2)), __ATOMIC_RELEASE);
}

static uint32_t ref(void)
{
    switch (fz_below(4)) {
    case 0:
    case 1:
        return (uint32_t)fz_range(WD_FIRST_REF, WD_FIRST_REF + 8);
    case 2:
        return (uint32_t)fz_below(40);
    default:
        return fz_num32();
    }
}

static uint16_t granter(void)
{
    switch (fz_below(4)) {
    case 0:
    case 1:
        return (uint16_t)fz.watchdog;
    case 2:
        return (uint16_t)fz.self;
    default:
        return fz_domid();
    }
}

/* Where a host mapping goes: the grant slots, the playground, or addresses that must be
 * refused (non-canonical, the hypervisor's, nothing mapped). Never another page of the
 * fuzzer's: the grant entry would replace it, and only an unmap with its handle undoes that. */
static uint64_t host_addr(uint32_t flags)
{
    uint64_t va = FZ_SLOT(FZ_GNT_FIRST + fz_below(FZ_NR_GNT));

    if (fz_chance(64))
        va = FZ_SLOT(FZ_PLAY_FIRST + fz_below(FZ_NR_PLAY));
    if (fz_chance(128))
        return (uint64_t[]){0x0000800000000000ULL + fz_below(1ULL << 40),
                            PV_HYPERVISOR_VIRT_START + (fz_below(1ULL << 32) << 12),
                            FZ_SCRATCH + (1ULL << 30) + (fz_below(512) << 12),
                            fz_below(1ULL << 32) << 12}[fz_below(4)];
    if (flags & PV_GNTMAP_contains_pte)
        return (fz.scratch_l1 << 12) + gk_pt_index(va, 1) * 8;
    return va;
}

static void gen_map(struct pv_gnttab_map_grant_ref *m)
{
    uint32_t flags = fz_chance(900) ? (uint32_t)fz_below(32) : fz_num32();

    if (fz_chance(768))
        flags = (flags & ~3U) | PV_GNTMAP_host_map | (fz_chance(512) ? PV_GNTMAP_device_map : 0);
    m->flags = flags;
    m->host_addr = host_addr(flags);
    m->ref = ref();
    m->dom = granter();
}

static void gen_unmap(uint64_t *host, uint64_t *dev, uint32_t *handle)
{
    unsigned h = nr_handles ? (unsigned)fz_below(nr_handles) : 0;

    if (nr_handles && fz_chance(768)) {
        *handle = handles[h].handle;
        *host = fz_chance(900) ? handles[h].host_addr : fz_va();
        *dev = fz_chance(512) ? handles[h].dev_bus_addr : 0;
        return;
    }
    *handle = fz_chance(512) ? (uint32_t)fz_below(16) : fz_num32();
    *host = fz_chance(512) ? FZ_SLOT(FZ_GNT_FIRST + fz_below(FZ_NR_GNT)) : fz_va();
    *dev = fz_chance(512) ? 0 : fz_mfn() << 12;
}

/* unmap_and_replace's new_addr: a playground page, or a grant mapping (Xen moves its entry
 * too): one the fuzzer made, or any grant slot. */
static uint64_t new_addr(void)
{
    if (nr_handles && fz_chance(384))
        return handles[fz_below(nr_handles)].host_addr;
    if (fz_chance(384))
        return FZ_SLOT(FZ_GNT_FIRST + fz_below(FZ_NR_GNT));
    return FZ_SLOT(FZ_PLAY_FIRST + fz_below(FZ_NR_PLAY));
}

static void gen_copy_ptr(struct pv_gnttab_copy_ptr *p, bool is_grant, bool dest)
{
    if (is_grant) {
        p->u.ref = ref();
        p->domid = granter();
    } else {
        p->u.gmfn = dest ? fz_mfn_dest() : fz_mfn();
        p->domid = fz_chance(900) ? PV_DOMID_SELF : fz_domid();
    }
    p->offset = (uint16_t)(fz_chance(900) ? fz_below(4096) : fz_rand());
}

static void gen_copy(struct pv_gnttab_copy *c)
{
    c->flags = (uint16_t)(fz_chance(960) ? fz_below(4) : fz_rand());
    gen_copy_ptr(&c->source, c->flags & PV_GNTCOPY_source_gref, false);
    gen_copy_ptr(&c->dest, c->flags & PV_GNTCOPY_dest_gref, true);
    c->len = (uint16_t)(fz_chance(900) ? fz_below(4097) : fz_rand());
}

/* The ops that take one element: setup_table, query_size, dump_table, versions, status frames
 * (and the unknown ones, which get setup_table's shape). */
static void gen_single(unsigned cmd, void *p)
{
    uint16_t dom = fz_chance(768) ? PV_DOMID_SELF : fz_domid();

    switch (cmd) {
    case PV_GNTTABOP_set_version:
        ((struct pv_gnttab_set_version *)p)->version = (uint32_t)fz_below(4);
        break;
    case PV_GNTTABOP_get_status_frames: {
        struct pv_gnttab_get_status_frames *g = p;

        g->nr_frames = (uint32_t)fz_below(3);
        g->dom = dom;
        g->frame_list = fz_ptr(8 * 8);
        break;
    }
    case PV_GNTTABOP_query_size:
    case PV_GNTTABOP_dump_table:
    case PV_GNTTABOP_get_version:
        *(uint16_t *)p = dom;
        break;
    default: {
        struct pv_gnttab_setup_table *st = p;

        st->dom = dom;
        st->nr_frames = fz_chance(900) ? (uint32_t)fz_below(34) : fz_num32();
        st->frame_list = fz_ptr(8 * 8);
    }
    }
}

/* One element of a batch of cmd, written at p (the batch's element size is `size`). */
static void gen_op(unsigned cmd, void *p)
{
    switch (cmd) {
    case PV_GNTTABOP_map_grant_ref:
        gen_map(p);
        break;
    case PV_GNTTABOP_unmap_grant_ref: {
        struct pv_gnttab_unmap_grant_ref *u = p;

        gen_unmap(&u->host_addr, &u->dev_bus_addr, &u->handle);
        break;
    }
    case PV_GNTTABOP_unmap_and_replace: {
        struct pv_gnttab_unmap_and_replace *u = p;
        uint64_t dev;

        gen_unmap(&u->host_addr, &dev, &u->handle);
        u->new_addr = fz_chance(256) ? 0 : new_addr();
        break;
    }
    case PV_GNTTABOP_copy:
        gen_copy(p);
        break;
    case PV_GNTTABOP_swap_grant_ref: {
        struct pv_gnttab_swap_grant_ref *s = p;

        s->ref_a = ref();
        s->ref_b = ref();
        break;
    }
    default:
        gen_single(cmd, p);
    }
}

static size_t op_size(unsigned cmd)
{
    switch (cmd) {
    case PV_GNTTABOP_map_grant_ref:
        return sizeof(struct pv_gnttab_map_grant_ref);
    case PV_GNTTABOP_unmap_grant_ref:
        return sizeof(struct pv_gnttab_unmap_grant_ref);
    case PV_GNTTABOP_unmap_and_replace:
        return sizeof(struct pv_gnttab_unmap_and_replace);
    case PV_GNTTABOP_copy:
        return sizeof(struct pv_gnttab_copy);
    case PV_GNTTABOP_swap_grant_ref:
        return sizeof(struct pv_gnttab_swap_grant_ref);
    default:
        return 24; /* setup_table, the largest single-element op */
    }
}

void fz_gen_grant_table_op(struct fz_call *c)
{
    static const uint8_t cmds[] = {0, 0, 0, 1, 1, 7, 5, 5, 2, 6, 8, 9, 10, 11, 3, 4, 12, 13};
    uint64_t cmd = fz_chance(1000) ? cmds[fz_below(sizeof(cmds))] : fz_num32();
    uint64_t count = fz_chance(900) ? fz_range(1, 3) : fz_chance(512) ? fz_below(MAX_OPS + 1)
                                                                       : fz_num32();
    unsigned n = count < MAX_OPS ? (unsigned)count : MAX_OPS;
    size_t size = op_size((unsigned)cmd);
    uint8_t *ops = fz_alloc(size * (n ? n : 1));

    if (cmd == PV_GNTTABOP_dump_table && !fz_chance(64))
        cmd = PV_GNTTABOP_query_size; /* dump prints the table: seldom */
    if (fz_chance(256))
        fz_below(2) ? own_grant() : own_grant_v2();
    for (unsigned i = 0; ops && i < n; i++)
        gen_op((unsigned)cmd, ops + i * size);
    c->sub = fz_sub(cmd & 63);
    c->arg[0] = cmd | (fz_chance(16) ? fz_rand() << 12 : 0);
    c->arg[1] = ops && !fz_chance(32) ? (uint64_t)(uintptr_t)ops : fz_ptr(32);
    /* Ops in the fuzzer's own image (its victim page) get their statuses written back: a few
     * only, or the writes run on past the page into the fuzzer (seed 101). */
    if (c->arg[1] >= GK_VIRT_BASE && count > 3)
        count = fz_range(1, 3);
    /* A failed op does not end a grant batch: a count beyond the ops built runs on through
     * whatever the scratch region maps next (a gigabyte, once its tables point at each other;
     * seed 14). Such counts get the ops at the end of the page before a hole instead. */
    if (count > MAX_OPS && ops && c->arg[1] == (uint64_t)(uintptr_t)ops) {
        c->arg[1] = FZ_SLOT(FZ_EDGE + 1) - size * n; /* at most 8 ops: they fit the page */
        memmove((void *)c->arg[1], ops, size * n);
    }
    c->arg[2] = count;
    last_ops = (uint64_t)(uintptr_t)ops == c->arg[1] ? ops : NULL;
    last_count = n;
    last_cmd = (unsigned)cmd;
}

static void learn_frame(uint64_t maddr)
{
    uint64_t mfn = maddr >> 12;

    for (unsigned i = 0; i < fz.nr_foreign; i++)
        if (fz.foreign_mfn[i] == mfn)
            return;
    if (gk_mfn_to_pfn(mfn) != GK_INVALID_FRAME || !mfn)
        return; /* our own frame, granted by ourselves */
    if (fz.nr_foreign < sizeof(fz.foreign_mfn) / sizeof(fz.foreign_mfn[0]))
        fz.foreign_mfn[fz.nr_foreign++] = mfn;
}

/* Where an op's status is, or -1 for ops without one. */
static int status_offset(unsigned cmd)
{
    switch (cmd) {
    case PV_GNTTABOP_map_grant_ref:
        return offsetof(struct pv_gnttab_map_grant_ref, status);
    case PV_GNTTABOP_unmap_grant_ref:
        return offsetof(struct pv_gnttab_unmap_grant_ref, status);
    case PV_GNTTABOP_unmap_and_replace:
        return offsetof(struct pv_gnttab_unmap_and_replace, status);
    case PV_GNTTABOP_copy:
        return offsetof(struct pv_gnttab_copy, status);
    case PV_GNTTABOP_swap_grant_ref:
        return offsetof(struct pv_gnttab_swap_grant_ref, status);
    case PV_GNTTABOP_setup_table:
        return offsetof(struct pv_gnttab_setup_table, status);
    case PV_GNTTABOP_query_size:
        return offsetof(struct pv_gnttab_query_size, status);
    case PV_GNTTABOP_dump_table:
        return offsetof(struct pv_gnttab_dump_table, status);
    case PV_GNTTABOP_get_status_frames:
        return offsetof(struct pv_gnttab_get_status_frames, status);
    default:
        return -1;
    }
}

static void remember(const struct pv_gnttab_map_grant_ref *m)
{
    unsigned slot;

    if (m->dev_bus_addr)
        learn_frame(m->dev_bus_addr);
    if (nr_handles < HANDLES)
        nr_handles++;
    slot = (unsigned)fz_below(nr_handles);
    handles[slot].handle = m->handle;
    handles[slot].host_addr = m->host_addr;
    handles[slot].dev_bus_addr = m->dev_bus_addr;
}

void fz_grant_after(const struct fz_call *c, long rc)
{
    struct pv_gnttab_map_grant_ref *m = last_ops;

    if (rc || !last_ops || c->arg[1] != (uint64_t)(uintptr_t)last_ops)
        return;
    if (last_cmd == PV_GNTTABOP_set_version) { /* learn a status frame, for the MMU ops */
        struct pv_gnttab_get_status_frames g = {.nr_frames = 1, .dom = PV_DOMID_SELF,
                                                .frame_list = (uint64_t)(uintptr_t)&fz.status_mfn};

        fz.status_mfn = 0;
        gk_hypercall(PV_HYPERCALL_grant_table_op, PV_GNTTABOP_get_status_frames, &g, 1, 0, 0);
    }
    for (unsigned i = 0; i < last_count && status_offset(last_cmd) >= 0; i++) {
        int16_t status = *(int16_t *)((uint8_t *)last_ops + i * op_size(last_cmd) +
                                      status_offset(last_cmd));

        fz_record_status(PV_HYPERCALL_grant_table_op, fz_sub(last_cmd), status);
        if (last_cmd == PV_GNTTABOP_map_grant_ref && status == PV_GNTST_okay)
            remember(&m[i]);
    }
    last_ops = NULL;
}
