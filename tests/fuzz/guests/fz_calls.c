/* tests/fuzz: choosing a family, issuing a call, multicall batches, and the families whose
 * arguments are small: memory_op, xen_version, console_io, the trap table, callbacks, the
 * per-vCPU architectural state, vm_assist, physdev_op, platform_op, domctl and sysctl, and
 * numbers nothing implements. */
#include "fz.h"

typedef void gen_fn(struct fz_call *c);

struct family {
    uint64_t nr;     /* the hypercall it generates (the first, for families of several) */
    unsigned weight; /* relative frequency */
    gen_fn *gen;
    bool batchable; /* may run inside a multicall */
};

static const struct family families[] = {
    {PV_HYPERCALL_mmu_update, 12, fz_gen_mmu_update, true},
    {PV_HYPERCALL_mmuext_op, 10, fz_gen_mmuext_op, true},
    {PV_HYPERCALL_update_va_mapping, 8, fz_gen_update_va_mapping, true},
    {PV_HYPERCALL_set_gdt, 2, fz_gen_set_gdt, true},
    {PV_HYPERCALL_update_descriptor, 3, fz_gen_update_descriptor, true},
    {PV_HYPERCALL_grant_table_op, 10, fz_gen_grant_table_op, true},
    {PV_HYPERCALL_event_channel_op, 10, fz_gen_event_channel_op, true},
    {PV_HYPERCALL_sched_op, 4, fz_gen_sched_op, true},
    {PV_HYPERCALL_vcpu_op, 5, fz_gen_vcpu_op, true},
    {PV_HYPERCALL_set_timer_op, 2, fz_gen_set_timer_op, true},
    {PV_HYPERCALL_memory_op, 4, fz_gen_memory_op, true},
    {PV_HYPERCALL_xen_version, 3, fz_gen_xen_version, true},
    {PV_HYPERCALL_console_io, 1, fz_gen_console_io, true},
    {PV_HYPERCALL_set_trap_table, 2, fz_gen_set_trap_table, false},
    {PV_HYPERCALL_callback_op, 2, fz_gen_callbacks, false},
    {PV_HYPERCALL_set_debugreg, 4, fz_gen_arch_misc, false},
    {PV_HYPERCALL_vm_assist, 2, fz_gen_vm_assist, true},
    {PV_HYPERCALL_physdev_op, 2, fz_gen_physdev_op, true},
    {PV_HYPERCALL_domctl, 2, fz_gen_control, true},
    {PV_HYPERCALL_platform_op, 2, fz_gen_platform_op, true},
    {64, 3, fz_gen_unknown, true},
};
#define NR_FAMILIES (sizeof(families) / sizeof(families[0]))

unsigned fz_sub(uint64_t cmd)
{
    return cmd < 62 ? (unsigned)cmd : 62;
}

uint64_t fz_struct(const void *tmpl, size_t len)
{
    uint8_t *p;

    if (fz_chance(64) || !(p = fz_alloc(len)))
        return fz_ptr(len);
    memcpy(p, tmpl, len);
    if (fz_chance(64))
        for (unsigned n = (unsigned)fz_range(1, 4); n; n--)
            p[fz_below(len)] = (uint8_t)fz_rand();
    return (uint64_t)(uintptr_t)p;
}

static const struct family *pick_family(bool in_batch)
{
    unsigned total = 0, r;

    for (unsigned i = 0; i < NR_FAMILIES; i++)
        if (!in_batch || families[i].batchable)
            total += families[i].weight;
    r = (unsigned)fz_below(total);
    for (unsigned i = 0; i < NR_FAMILIES; i++) {
        if (in_batch && !families[i].batchable)
            continue;
        if (r < families[i].weight)
            return &families[i];
        r -= families[i].weight;
    }
    return &families[0];
}

void fz_gen_call(struct fz_call *c, bool in_batch)
{
    const struct family *f = NULL;

    for (unsigned i = 0; i < NR_FAMILIES && c->nr != FZ_ANY; i++)
        if (families[i].nr == c->nr)
            f = &families[i];
    if (c->nr == PV_HYPERCALL_multicall) {
        fz_gen_multicall(c);
        return;
    }
    if (!f)
        f = pick_family(in_batch);
    *c = (struct fz_call){.nr = f->nr, .sub = FZ_SUB_NONE};
    f->gen(c);
}

/* ---- multicall ---- */

#define MC_MAX 24
bool fz_in_batch;
static struct pv_multicall_entry *mc_list;
static unsigned mc_count, mc_sub[MC_MAX];

/* Move the n generated entries to the end of the page before the hole, `torn` bytes of the last
 * one past it (an entry is read whole: a torn one faults and never runs). */
static void to_edge(struct fz_call *c, unsigned n, uint64_t torn)
{
    uint64_t size = n * sizeof(*mc_list), at = FZ_SLOT(FZ_EDGE + 1) - size + torn;

    memmove((void *)at, mc_list, size - torn);
    mc_list = (struct pv_multicall_entry *)at;
    c->arg[0] = at;
    if (torn)
        mc_count = n - 1;
}

/* A list the hypervisor cannot read to the end: the generated entries moved to the end of the
 * page before a hole, or an address that cannot be read at all. (Never memory the fuzzer does
 * not control: entries read from it would run whatever hypercalls it happens to hold.) */
static void bad_list(struct fz_call *c, unsigned n)
{
    if (fz_chance(512) && n) {
        to_edge(c, n, fz_range(1, sizeof(*mc_list) - 1));
        return;
    }
    switch (fz_below(3)) {
    case 0:
        c->arg[0] = FZ_SLOT(FZ_HOLE_FIRST) + fz_below(4096);
        break;
    case 1:
        c->arg[0] = 0x0000800000000000ULL + fz_below(1ULL << 40);
        break;
    default:
        c->arg[0] = PV_HYPERVISOR_VIRT_START + fz_below(1ULL << 40);
    }
    mc_count = 0;
}

void fz_gen_multicall(struct fz_call *c)
{
    unsigned n = (unsigned)(fz_chance(900) ? fz_range(0, 8) : fz_range(9, MC_MAX));

    *c = (struct fz_call){.nr = PV_HYPERCALL_multicall, .sub = FZ_SUB_NONE};
    /* An entry's output may land on a later entry (its buffer pointer is random), which then
     * runs as whatever it became: the trap table and callbacks are put back after any batch. */
    fz_dirty |= FZ_DIRTY_TRAPS | FZ_DIRTY_CALLBACKS;
    mc_list = fz_alloc(MC_MAX * sizeof(*mc_list));
    mc_count = 0;
    if (!mc_list)
        return;
    for (unsigned i = 0; i < n; i++) {
        struct fz_call e = {.nr = FZ_ANY};

        if (fz_chance(16))
            e = (struct fz_call){.nr = PV_HYPERCALL_multicall, .sub = FZ_SUB_NONE,
                                 .arg = {fz_ptr(64), fz_below(4)}};
        else {
            fz_in_batch = true;
            fz_gen_call(&e, true);
            fz_in_batch = false;
        }
        mc_list[i].op = e.nr;
        mc_list[i].result = fz_chance(8) ? fz_rand() : 0;
        for (unsigned a = 0; a < 5; a++)
            mc_list[i].args[a] = e.arg[a];
        mc_sub[i] = e.sub;
    }
    mc_count = n;
    c->arg[0] = (uint64_t)(uintptr_t)mc_list;
    c->arg[1] = n;
    if (fz_chance(32)) {
        bad_list(c, n);
    } else if (fz_chance(16)) { /* more entries than there are: they end at the hole */
        c->arg[1] = fz_chance(512) ? n + fz_range(1, 8) : fz_num32();
        to_edge(c, n, 0);
    }
}

static void multicall_after(long rc)
{
    fz_record(PV_HYPERCALL_multicall, FZ_SUB_NONE, rc);
    for (unsigned i = 0; i < mc_count; i++) {
        fz_trace("FZM i=%lu entry %u op %lu args %#lx %#lx %#lx %#lx %#lx result %ld\n", fz_iter,
                 i, mc_list[i].op, mc_list[i].args[0], mc_list[i].args[1], mc_list[i].args[2],
                 mc_list[i].args[3], mc_list[i].args[4], (long)mc_list[i].result);
        fz_stats.batched++;
        fz_record((unsigned)mc_list[i].op, mc_sub[i], (long)mc_list[i].result);
    }
    mc_count = 0;
}

/* ---- issuing ---- */

/* When tracing: the first bytes of every argument that points into the arena (the structures
 * the families built), so that a trace line says all the call was given. */
static void trace_structs(const struct fz_call *c)
{
    uint64_t lo = FZ_SLOT(FZ_ARENA_FIRST), hi = FZ_SLOT(FZ_ARENA_FIRST + FZ_NR_ARENA);

    for (unsigned i = 0; c->nr == PV_HYPERCALL_multicall && i < mc_count && fz_tracing; i++)
        fz_trace("FZM i=%lu entry %u op %lu args %#lx %#lx %#lx %#lx %#lx (to run)\n", fz_iter, i,
                 mc_list[i].op, mc_list[i].args[0], mc_list[i].args[1], mc_list[i].args[2],
                 mc_list[i].args[3], mc_list[i].args[4]);
    for (unsigned a = 0; a < 5 && fz_tracing; a++) {
        const uint64_t *q = (const uint64_t *)c->arg[a];

        if (c->arg[a] < lo || c->arg[a] + 32 > hi || (c->arg[a] & 7))
            continue;
        fz_trace("FZA i=%lu arg%u %016lx %016lx %016lx %016lx\n", fz_iter, a, q[0], q[1], q[2],
                 q[3]);
    }
}

long fz_issue(const struct fz_call *c)
{
    long rc;

    fz_trace("FZC i=%lu nr=%lu sub=%u args=%#lx %#lx %#lx %#lx %#lx\n", fz_iter, c->nr, c->sub,
             c->arg[0], c->arg[1], c->arg[2], c->arg[3], c->arg[4]);
    trace_structs(c);
    fz_stats.hypercalls++;
    if (fz_chance(64))
        rc = gk_hypercall_direct(c->nr, c->arg[0], c->arg[1], c->arg[2], c->arg[3], c->arg[4]);
    else
        rc = gk_hypercall_nr(c->nr, c->arg[0], c->arg[1], c->arg[2], c->arg[3], c->arg[4]);
    fz_trace("FZR i=%lu rc=%ld\n", fz_iter, rc);
    if (c->nr == PV_HYPERCALL_multicall)
        multicall_after(rc);
    else
        fz_record((unsigned)c->nr, c->sub, rc);
    if (c->nr == PV_HYPERCALL_grant_table_op)
        fz_grant_after(c, rc);
    return rc;
}

/* ---- the small families ---- */

void fz_gen_memory_op(struct fz_call *c)
{
    static const unsigned cmds[] = {2, 3, 4, 5, 9, 12, 14, 0, 1, 6, 7, 10, 11, 13, 15, 28};
    uint64_t cmd = fz_chance(900) ? cmds[fz_below(sizeof(cmds) / sizeof(cmds[0]))] : fz_below(64);
    uint16_t domid = fz_domid();

    c->sub = fz_sub(cmd);
    if (fz_chance(32))
        cmd |= fz_rand() & ~63ULL; /* bits above the sub-op: Xen's continuation and flags */
    c->arg[0] = cmd;
    switch (cmd & 63) {
    case 3:
    case 4:
    case 14:
        c->arg[1] = fz_struct(&domid, sizeof(domid));
        break;
    case 5: {
        struct pv_machphys_mfn_list l = {.max_extents = (uint32_t)fz_below(8),
                                         .extent_start = fz_ptr(64)};

        if (fz_chance(64))
            l.max_extents = fz_num32();
        c->arg[1] = fz_struct(&l, sizeof(l));
        break;
    }
    case 9:
    case 10: {
        struct pv_memory_map m = {.nr_entries = (uint32_t)fz_below(4), .buffer = fz_ptr(40)};

        c->arg[1] = fz_struct(&m, sizeof(m));
        break;
    }
    case 0:
    case 1:
    case 6: { /* reservation changes: only toy frames (nothing the fuzzer lives in) */
        uint64_t *pfns = fz_alloc(8 * 8);
        struct pv_memory_reservation r = {.nr_extents = fz_below(8),
                                          .extent_order = (uint32_t)fz_below(3),
                                          .domid = domid};

        for (unsigned i = 0; pfns && i < 8; i++)
            pfns[i] = gk_mfn_to_pfn(fz.toy_mfn[fz_below(FZ_NR_TOYS)]);
        r.extent_start = pfns ? (uint64_t)(uintptr_t)pfns : 0;
        c->arg[1] = fz_struct(&r, sizeof(r));
        break;
    }
    default:
        c->arg[1] = fz_ptr(64);
    }
}

void fz_gen_xen_version(struct fz_call *c)
{
    uint64_t cmd = fz_chance(960) ? fz_below(12) : fz_num();

    c->sub = fz_sub(cmd);
    c->arg[0] = cmd;
    c->arg[1] = cmd == PV_XENVER_get_features && fz_chance(768)
                    ? fz_struct(&(struct pv_feature_info){.submap_idx = fz_num32()},
                                sizeof(struct pv_feature_info))
                    : fz_ptr(cmd == PV_XENVER_capabilities ? 1024 : 144);
}

void fz_gen_console_io(struct fz_call *c)
{
    uint64_t cmd = fz_chance(900) ? fz_below(3) : fz_num();

    c->sub = fz_sub(cmd);
    c->arg[0] = cmd;
    c->arg[1] = fz_below(9);
    c->arg[2] = fz_ptr(8);
    if (fz_chance(32)) { /* a huge count: over a few bytes before a hole, or nothing readable */
        c->arg[1] = fz_num32() | 0x100;
        c->arg[2] = fz_chance(512) ? FZ_SLOT(FZ_EDGE + 1) - fz_range(1, 8)
                                   : FZ_SLOT(FZ_HOLE_FIRST) + fz_below(4096);
    }
}

void fz_gen_set_trap_table(struct fz_call *c)
{
    unsigned n = (unsigned)fz_range(0, 6);
    struct pv_trap_info *t = fz_alloc((n + 1) * sizeof(*t));

    fz_dirty |= FZ_DIRTY_TRAPS;
    if (!t || fz_chance(64)) {
        c->arg[0] = fz_chance(512) ? 0 : fz_ptr(32);
        return;
    }
    for (unsigned i = 0; i < n; i++)
        t[i] = (struct pv_trap_info){.vector = (uint8_t)fz_rand(),
                                     .flags = (uint8_t)fz_rand(),
                                     .cs = fz_selector(),
                                     .address = fz_code_va()};
    if (fz_chance(64))
        t[n].address = fz_num(); /* unterminated: runs on into the arena's zeros */
    c->arg[0] = (uint64_t)(uintptr_t)t;
}

void fz_gen_callbacks(struct fz_call *c)
{
    uint64_t cmd = fz_chance(960) ? fz_below(3) : fz_num();
    struct pv_callback_register r = {.type = (uint16_t)(fz_chance(900) ? fz_below(9) : fz_rand()),
                                     .flags = (uint16_t)fz_below(4),
                                     .address = fz_code_va()};

    fz_dirty |= FZ_DIRTY_CALLBACKS | FZ_DIRTY_TRAPS; /* the NMI callback is trap entry 2 */
    if (fz_chance(256)) {
        c->nr = PV_HYPERCALL_set_callbacks;
        c->arg[0] = fz_code_va();
        c->arg[1] = fz_code_va();
        c->arg[2] = fz_code_va();
        return;
    }
    c->nr = PV_HYPERCALL_callback_op;
    c->sub = fz_sub(cmd);
    c->arg[0] = cmd;
    c->arg[1] = fz_struct(&r, sizeof(r));
}

void fz_gen_arch_misc(struct fz_call *c)
{
    switch (fz_below(6)) {
    case 0:
        c->nr = PV_HYPERCALL_stack_switch;
        c->arg[0] = fz_selector();
        c->arg[1] = fz_ptr(64);
        fz_dirty |= FZ_DIRTY_STACK;
        return;
    case 1:
        c->nr = PV_HYPERCALL_fpu_taskswitch;
        c->arg[0] = fz_chance(768) ? fz_below(2) : fz_num();
        fz_dirty |= FZ_DIRTY_FPU;
        return;
    case 2:
    case 3:
        c->nr = PV_HYPERCALL_set_debugreg;
        c->arg[0] = fz_chance(960) ? fz_below(10) : fz_num();
        c->arg[1] = fz_chance(512) ? fz_code_va() : fz_num();
        c->sub = fz_sub(c->arg[0]);
        fz_dirty |= FZ_DIRTY_DEBUG;
        return;
    case 4:
        c->nr = PV_HYPERCALL_get_debugreg;
        c->arg[0] = fz_chance(960) ? fz_below(10) : fz_num();
        c->sub = fz_sub(c->arg[0]);
        return;
    default:
        c->nr = PV_HYPERCALL_set_segment_base;
        c->arg[0] = fz_chance(960) ? fz_below(5) : fz_num();
        c->arg[1] = fz_chance(512) ? fz_ptr(8) : fz_num();
        c->sub = fz_sub(c->arg[0]);
        fz_dirty |= FZ_DIRTY_SEGBASE;
    }
}

void fz_gen_vm_assist(struct fz_call *c)
{
    c->arg[0] = fz_chance(960) ? fz_below(3) : fz_num();
    c->arg[1] = fz_chance(960) ? fz_below(34) : fz_num();
    c->sub = fz_sub(c->arg[0]);
    fz_dirty |= FZ_DIRTY_VMASST;
}

/* A GSI or pirq: mostly the machine's (QEMU has 24 GSIs), sometimes anything. */
static int32_t fz_gsi(void)
{
    return fz_chance(900) ? (int32_t)fz_below(26) - 1 : (int32_t)fz_num32();
}

/* The interrupt sub-ops' structures, with fields near the values that matter. */
static uint64_t physdev_arg(uint64_t cmd)
{
    uint32_t words[4] = {fz_chance(768) ? (uint32_t)fz_below(5) : fz_num32(), fz_num32(),
                         fz_num32(), fz_num32()};
    struct pv_physdev_map_pirq m = {.domid = fz_domid(), .type = (int32_t)fz_below(6) - 1,
                                    .index = fz_chance(512) ? -1 : fz_gsi(),
                                    .pirq = fz_chance(512) ? -1 : fz_gsi(),
                                    .bus = fz_chance(768) ? 0 : (int32_t)fz_num32(),
                                    .devfn = (int32_t)fz_below(256),
                                    .entry_nr = (int32_t)fz_below(8),
                                    .table_base = fz_chance(512) ? 0 : fz_num()};
    struct pv_physdev_apic a = {.apic_physbase = fz_chance(768) ? 0xfec00000 : fz_num(),
                                .reg = fz_chance(768) ? (uint32_t)fz_below(0x40) : fz_num32(),
                                .value = fz_num32()};

    switch (cmd) {
    case PV_PHYSDEVOP_map_pirq:
        return fz_struct(&m, sizeof(m));
    case PV_PHYSDEVOP_apic_read:
    case PV_PHYSDEVOP_apic_write:
        return fz_struct(&a, sizeof(a));
    case PV_PHYSDEVOP_unmap_pirq:
        words[0] = fz_domid();
        /* fall through */
    case PV_PHYSDEVOP_setup_gsi:
    case PV_PHYSDEVOP_eoi:
    case PV_PHYSDEVOP_irq_status_query:
    case PV_PHYSDEVOP_alloc_irq_vector:
        words[cmd == PV_PHYSDEVOP_unmap_pirq] = (uint32_t)fz_gsi();
        if (cmd == PV_PHYSDEVOP_setup_gsi)
            words[1] = (uint32_t)fz_below(0x10000);
        break;
    case PV_PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PV_PHYSDEVOP_pirq_eoi_gmfn_v2:
        return fz_struct(&(uint64_t){fz_mfn()}, 8);
    case PV_PHYSDEVOP_manage_pci_add: /* {bus, devfn}: QEMU's functions sit on bus 0 */
    case PV_PHYSDEVOP_manage_pci_remove:
    case PV_PHYSDEVOP_manage_pci_add_ext:
        words[0] = fz_chance(768) ? (uint32_t)fz_below(256) << 8 : fz_num32();
        words[1] = fz_chance(768) ? (uint32_t)fz_below(3) : fz_num32(); /* is_extfn */
        break;
    case PV_PHYSDEVOP_pci_mmcfg_reserved: /* q35's window, or near it */
        return fz_struct(
            &(struct pv_physdev_pci_mmcfg_reserved){
                .address = fz_chance(768) ? 0xb0000000 : fz_num(),
                .segment = fz_chance(768) ? 0 : (uint16_t)fz_num32(),
                .end_bus = fz_chance(768) ? 255 : (uint8_t)fz_num32(),
                .flags = fz_chance(768) ? (uint32_t)fz_below(3) : fz_num32()},
            sizeof(struct pv_physdev_pci_mmcfg_reserved));
    case PV_PHYSDEVOP_restore_msi: /* {bus, devfn} */
        words[0] = fz_chance(768) ? (uint32_t)fz_below(256) << 8 : fz_num32();
        break;
    case PV_PHYSDEVOP_dbgp_op: /* {op, bus, {seg, bus, devfn}} */
        words[0] = fz_chance(768) ? (uint32_t)(fz_below(4) | fz_below(3) << 8) : fz_num32();
        break;
    case PV_PHYSDEVOP_pci_device_add: /* {seg, bus, devfn, flags, ...} */
    case PV_PHYSDEVOP_pci_device_remove:
    case PV_PHYSDEVOP_prepare_msix:
    case PV_PHYSDEVOP_release_msix:
    case PV_PHYSDEVOP_restore_msi_ext:
        words[0] = fz_chance(768) ? (uint32_t)fz_below(256) << 24 : fz_num32();
        words[1] = fz_chance(768) ? (uint32_t)fz_below(8) : fz_num32();
        break;
    }
    return fz_struct(words, sizeof(words));
}

void fz_gen_physdev_op(struct fz_call *c)
{
    static const uint8_t irq_ops[] = {
        PV_PHYSDEVOP_irq_status_query, PV_PHYSDEVOP_apic_read,    PV_PHYSDEVOP_apic_write,
        PV_PHYSDEVOP_alloc_irq_vector, PV_PHYSDEVOP_eoi,          PV_PHYSDEVOP_map_pirq,
        PV_PHYSDEVOP_unmap_pirq,       PV_PHYSDEVOP_setup_gsi,    PV_PHYSDEVOP_pirq_eoi_gmfn_v2,
        PV_PHYSDEVOP_pirq_eoi_gmfn_v1, PV_PHYSDEVOP_free_irq_vector, PV_PHYSDEVOP_manage_pci_add,
        PV_PHYSDEVOP_manage_pci_remove, PV_PHYSDEVOP_manage_pci_add_ext,
        PV_PHYSDEVOP_pci_device_add,   PV_PHYSDEVOP_pci_device_remove, PV_PHYSDEVOP_prepare_msix,
        PV_PHYSDEVOP_release_msix,     PV_PHYSDEVOP_pci_mmcfg_reserved, PV_PHYSDEVOP_restore_msi,
        PV_PHYSDEVOP_restore_msi_ext,  PV_PHYSDEVOP_dbgp_op};
    uint64_t cmd = fz_chance(512)   ? PV_PHYSDEVOP_set_iopl
                   : fz_chance(768) ? irq_ops[fz_below(sizeof(irq_ops))]
                   : fz_chance(960) ? fz_below(32)
                                    : fz_num();

    c->sub = fz_sub(cmd);
    c->arg[0] = cmd;
    c->arg[1] = physdev_arg(cmd);
    fz_dirty |= FZ_DIRTY_IOPL;
}

/* The shared header of domctl and sysctl: a command known to Xen or not, the interface version
 * mostly right, sometimes random argument bytes. */
static void control_header(uint32_t *cmd, uint32_t *version, uint8_t *pad, unsigned known)
{
    *cmd = fz_chance(900) ? (uint32_t)fz_below(known) : fz_num32();
    *version = fz_chance(900) ? PV_DOMCTL_INTERFACE_VERSION : fz_num32();
    for (unsigned i = 0; i < 128 && fz_chance(512); i++)
        pad[i] = (uint8_t)fz_rand();
}

/* domctl (with a target domain of every kind) or sysctl. The fuzzer is never privileged: once
 * the version and the target pass, every command is -EPERM. */
void fz_gen_control(struct fz_call *c)
{
    static const uint16_t targets[] = {PV_DOMID_SELF, PV_DOMID_IO, PV_DOMID_INVALID, 0, 1};
    struct pv_domctl d = {0};
    struct pv_sysctl s = {0};

    if (fz_chance(640)) {
        control_header(&d.cmd, &d.interface_version, d.u.pad, 90);
        d.domain = fz_chance(512) ? fz_domid() : targets[fz_below(sizeof(targets) / 2)];
        c->nr = PV_HYPERCALL_domctl;
        c->sub = fz_sub(d.cmd);
        c->arg[0] = fz_struct(&d, sizeof(d));
        return;
    }
    control_header(&s.cmd, &s.interface_version, s.u.pad, 32);
    c->nr = PV_HYPERCALL_sysctl;
    c->sub = fz_sub(s.cmd);
    c->arg[0] = fz_struct(&s, sizeof(s));
}

/* dom0's platform operations (an unprivileged fuzzer must get -EPERM for each): the boot
 * sub-ops with their structures, unknown commands, wrong interface versions. */
void fz_gen_platform_op(struct fz_call *c)
{
    static const uint32_t cmds[] = {17, 50, 51, 54, 55, 62};
    struct pv_platform_op op = {.interface_version = PV_XENPF_INTERFACE_VERSION};

    op.cmd = fz_chance(900) ? cmds[fz_below(sizeof(cmds) / sizeof(cmds[0]))] : fz_num32();
    if (fz_chance(64))
        op.interface_version = fz_num32();
    for (unsigned i = 0; i < 6; i++)
        ((uint32_t *)&op.u)[i] = fz_chance(512) ? (uint32_t)fz_below(8) : fz_num32();
    c->sub = fz_sub(op.cmd);
    c->arg[0] = fz_struct(&op, sizeof(op));
}

void fz_gen_unknown(struct fz_call *c)
{
    static const unsigned unused[] = {6, 11, 16, 19, 27, 28, 31, 34, 37, 38, 39,
                                      40, 41, 42, 48, 55, 56, 63, 64, 100, 127};

    switch (fz_below(4)) {
    case 0:
    case 1:
        c->nr = unused[fz_below(sizeof(unused) / sizeof(unused[0]))];
        break;
    case 2:
        c->nr = fz_range(128, 1024);
        break;
    default:
        c->nr = fz_num();
        if (c->nr < 64) /* only numbers nothing implements here: the families do the rest */
            c->nr = unused[c->nr % (sizeof(unused) / sizeof(unused[0]))];
    }
    for (unsigned a = 0; a < 5; a++)
        c->arg[a] = fz_chance(512) ? fz_ptr(64) : fz_num();
}
