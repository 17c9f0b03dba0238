/* tests/fuzz: the PV MMU families: mmu_update, mmuext_op, update_va_mapping (and the
 * otherdomain form), set_gdt and update_descriptor. Entries go mostly into the scratch
 * region's playground and into toy frames, which become tables, descriptor pages and plain
 * memory by turns; the kernel's own tables only at the fuzzer's risk rate. */
#include "fz.h"

static uint64_t count_for(unsigned max)
{
    switch (fz_below(16)) {
    case 0:
        return 0;
    case 1:
        return fz_num32();
    case 2:
        return (1U << 31) | fz_below(4); /* the preempted-continuation bit */
    default:
        return fz_range(1, max);
    }
}

static uint64_t done_ptr(void)
{
    return fz_chance(512) ? 0 : fz_ptr(4);
}

static uint16_t foreigndom(void)
{
    return fz_chance(960) ? PV_DOMID_SELF : fz_domid();
}

/* A machine-to-physical update: a toy frame to its own pfn (the M2P must stay right for the
 * kit's lookups), or a frame that is not the fuzzer's, to anything. */
static void machphys(struct pv_mmu_update *u)
{
    uint64_t mfn = fz_chance(512) ? fz.toy_mfn[fz_below(FZ_NR_TOYS)] : fz_mfn();

    if (gk_mfn_to_pfn(mfn) != GK_INVALID_FRAME) {
        mfn = fz.toy_mfn[fz_below(FZ_NR_TOYS)];
        u->val = gk_mfn_to_pfn(mfn);
    } else {
        u->val = fz_num();
    }
    u->ptr = (mfn << 12) | PV_MMU_MACHPHYS_UPDATE;
}

void fz_gen_mmu_update(struct fz_call *c)
{
    uint64_t n = count_for(16);
    unsigned alloc = n <= 16 ? (unsigned)n : 16;
    struct pv_mmu_update *u = fz_alloc((alloc ? alloc : 1) * sizeof(*u));

    for (unsigned i = 0; u && i < alloc; i++) {
        uint64_t cmd = fz_chance(960) ? (uint64_t[]){0, 0, 2, 3, 1}[fz_below(5)] : fz_below(8);

        if (cmd == PV_MMU_MACHPHYS_UPDATE) {
            machphys(&u[i]);
            continue;
        }
        u[i].ptr = (fz_pte_maddr() & ~7ULL) | cmd | (fz_chance(32) ? fz_below(8) & ~cmd : 0);
        u[i].val = fz_pte();
        if (fz_take_risk()) /* an entry of the kernel's own mapping of its image */
            u[i].ptr = gk_pte_maddr(gk_kernel_space(), fz_va() & ~0xfffULL) | cmd;
    }
    c->sub = u && alloc ? (unsigned)(u[0].ptr & 7) : FZ_SUB_NONE;
    c->arg[0] = u && !fz_chance(32) ? (uint64_t)(uintptr_t)u : fz_ptr(16);
    c->arg[1] = n;
    c->arg[2] = done_ptr();
    c->arg[3] = foreigndom();
}

/* A frame for pin, unpin and the base pointers. */
static uint64_t table_mfn(void)
{
    return fz_chance(768) ? fz.toy_mfn[fz_below(FZ_NR_TOYS)] : fz_mfn();
}

/* NEW_BASEPTR: the current root (a switch to the same tables), or frames that cannot be an L4
 * of ours; anything at the risk rate. */
static uint64_t baseptr_mfn(void)
{
    if (fz_take_risk())
        return table_mfn();
    switch (fz_below(4)) {
    case 0:
        return fz.l4_mfn;
    case 1:
        return fz.rw_mfn[fz_below(FZ_NR_RW)];
    case 2:
        return fz.nr_foreign ? fz.foreign_mfn[0] : fz.max_mfn + 1;
    default:
        return fz_below(256);
    }
}

static void mmuext_one(struct pv_mmuext_op *op)
{
    static const uint8_t cmds[] = {0, 1, 2, 3, 4, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15,
                                   16, 17, 18, 19, 20, 14, 21};
    uint32_t cmd = fz_chance(990) ? cmds[fz_below(sizeof(cmds))] : fz_num32();

    op->cmd = cmd;
    switch (cmd) {
    case PV_MMUEXT_PIN_L1_TABLE ... PV_MMUEXT_UNPIN_TABLE:
    case PV_MMUEXT_MARK_SUPER:
    case PV_MMUEXT_UNMARK_SUPER:
        op->arg1.mfn = table_mfn();
        break;
    case PV_MMUEXT_NEW_BASEPTR:
        op->arg1.mfn = baseptr_mfn();
        break;
    case PV_MMUEXT_NEW_USER_BASEPTR:
        op->arg1.mfn = fz_chance(256) ? 0 : table_mfn();
        fz_dirty |= FZ_DIRTY_STACK; /* gk_user_init puts the kit's user root back */
        break;
    case PV_MMUEXT_INVLPG_LOCAL:
    case PV_MMUEXT_INVLPG_ALL:
        op->arg1.linear_addr = fz_va();
        break;
    case PV_MMUEXT_TLB_FLUSH_MULTI:
    case PV_MMUEXT_INVLPG_MULTI:
        op->arg1.linear_addr = fz_va();
        op->arg2.vcpumask = fz_vcpumask();
        break;
    case PV_MMUEXT_SET_LDT:
        op->arg1.linear_addr = fz_chance(512) ? FZ_SLOT(FZ_PLAY_FIRST + fz_below(FZ_NR_PLAY))
                                              : fz_va();
        op->arg2.nr_ents = fz_chance(900) ? (uint32_t)fz_below(8193) : fz_num32();
        fz_dirty |= FZ_DIRTY_LDT;
        break;
    case PV_MMUEXT_CLEAR_PAGE:
        op->arg1.mfn = fz_mfn_dest();
        break;
    case PV_MMUEXT_COPY_PAGE:
        op->arg1.mfn = fz_mfn_dest();
        op->arg2.src_mfn = fz_mfn();
        break;
    default:
        op->arg1.mfn = fz_num();
        op->arg2.src_mfn = fz_num();
    }
}

void fz_gen_mmuext_op(struct fz_call *c)
{
    uint64_t n = count_for(8);
    unsigned alloc = n <= 8 ? (unsigned)n : 8;
    struct pv_mmuext_op *ops = fz_alloc((alloc ? alloc : 1) * sizeof(*ops));

    for (unsigned i = 0; ops && i < alloc; i++)
        mmuext_one(&ops[i]);
    c->sub = ops && alloc ? fz_sub(ops[0].cmd) : FZ_SUB_NONE;
    c->arg[0] = ops && !fz_chance(32) ? (uint64_t)(uintptr_t)ops : fz_ptr(16);
    c->arg[1] = n;
    c->arg[2] = done_ptr();
    c->arg[3] = foreigndom();
}

/* Addresses update_va_mapping may rewrite: the scratch region, mostly its playground. */
static uint64_t uvm_va(void)
{
    if (fz_take_risk())
        return fz_va() & ~0xfffULL;
    switch (fz_below(8)) {
    case 0:
        fz_dirty |= FZ_DIRTY_LAYOUT;
        return FZ_SLOT(fz_below(512)) | (fz_chance(64) ? fz_below(4096) : 0);
    case 1:
        return FZ_SLOT(FZ_GNT_FIRST + fz_below(FZ_NR_GNT));
    case 2: { /* unmapped at some level, non-canonical, the hypervisor's */
        uint64_t v = fz_va();

        return (v >= FZ_SCRATCH && v < FZ_SCRATCH + (1ULL << 39)) || v >= GK_VIRT_BASE
                   ? FZ_SCRATCH + (1ULL << 30)
                   : v;
    }
    default:
        return FZ_SLOT(FZ_PLAY_FIRST + fz_below(FZ_NR_PLAY));
    }
}

static uint64_t uvm_flags(void)
{
    uint64_t f = fz_below(3) | (fz_chance(256) ? PV_UVMF_ALL : 0);

    if (fz_chance(256))
        f |= fz_vcpumask() & ~7ULL;
    return fz_chance(32) ? fz_num() : f;
}

void fz_gen_update_va_mapping(struct fz_call *c)
{
    c->arg[0] = uvm_va();
    c->arg[1] = fz_pte();
    c->arg[2] = uvm_flags();
    if (fz_chance(64)) {
        c->nr = PV_HYPERCALL_update_va_mapping_otherdomain;
        c->arg[3] = fz_domid();
    }
}

void fz_gen_set_gdt(struct fz_call *c)
{
    unsigned n = (unsigned)fz_range(0, 15);
    uint64_t *frames = fz_alloc(16 * sizeof(uint64_t));

    for (unsigned i = 0; frames && i < n; i++)
        frames[i] = table_mfn();
    c->arg[0] = frames && !fz_chance(64) ? (uint64_t)(uintptr_t)frames : fz_ptr(8);
    switch (fz_below(4)) {
    case 0:
        c->arg[1] = fz_num32();
        break;
    case 1:
        c->arg[1] = 7168 + fz_below(3) - 1;
        break;
    default:
        c->arg[1] = fz_below(n * 512 + 1);
    }
}

void fz_gen_update_descriptor(struct fz_call *c)
{
    uint64_t mfn = fz_chance(768) ? fz.toy_mfn[fz_below(FZ_NR_TOYS)] : fz_mfn_dest();

    c->arg[0] = (mfn << 12) + fz_below(512) * 8 + (fz_chance(32) ? fz_range(1, 7) : 0);
    c->arg[1] = fz_desc();
}
