/* Benchmark guest: the cost of a validated page-table update by each path a PV kernel has
 * (mmu_update in batches of 1, 16 and 512, update_va_mapping with UVMF_INVLPG, a direct write
 * trapped by writable page tables) and of pinning and unpinning a 4-level tree that maps
 * 2 MiB. Every update changes the frame an L1 entry maps (A <-> B), so each one takes and drops
 * real references. Timed with the TSC, best of RUNS runs; one line per figure for bench/run. */
#include "tests/boot/guests/bt_mmu.h"

#define RUNS 40
#define PASSES 1       /* passes over the 512 entries of the L1 per run */
#define TREE_ROUNDS 8  /* pin+unpin pairs per run */
#define NR_UPDATES (PASSES * 512)

static struct bt_region reg;
static uint64_t frame[2]; /* the two data frames the entries alternate between */
static struct pv_mmu_update reqs[512];
static unsigned pass_no;

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* The value every entry gets in the next pass. */
static uint64_t next_pte(void)
{
    return (frame[pass_no++ % 2] << 12) | BT_PTE_RWD;
}

static void pass_mmu_update(unsigned batch)
{
    uint64_t pte = next_pte();

    for (unsigned i = 0; i < 512; i++)
        reqs[i] = (struct pv_mmu_update){bt_region_pte(&reg, i), pte};
    for (unsigned i = 0; i < 512; i += batch)
        if (gk_hypercall_mmu_update(&reqs[i], batch, NULL, PV_DOMID_SELF))
            gk_panic("bench: mmu_update failed");
}

static void pass_uvm(void)
{
    uint64_t pte = next_pte();

    for (unsigned i = 0; i < 512; i++)
        if (bt_uvm(reg.va + i * 4096ULL, pte, PV_UVMF_INVLPG))
            gk_panic("bench: update_va_mapping failed");
}

static void pass_ptwr(void)
{
    volatile uint64_t *l1 = reg.l1.va;
    uint64_t pte = next_pte();

    for (unsigned i = 0; i < 512; i++)
        l1[i] = pte;
}

/* Cycles per update of the best run of `pass` (PASSES passes over the L1). */
static uint64_t measure(void (*pass)(unsigned), unsigned arg)
{
    uint64_t best = ~0ULL;

    pass(arg); /* warm up: every entry present */
    for (int run = 0; run < RUNS; run++) {
        uint64_t t0 = tsc(), c;

        for (unsigned p = 0; p < PASSES; p++)
            pass(arg);
        c = (tsc() - t0) / NR_UPDATES;
        best = c < best ? c : best;
    }
    return best;
}

static void uvm_pass(unsigned arg)
{
    (void)arg;
    pass_uvm();
}

static void ptwr_pass(unsigned arg)
{
    (void)arg;
    pass_ptwr();
}

/* An L4 -> L3 -> L2 -> L1 tree whose L1 maps 512 data pages: pin+unpin validates and releases
 * 515 entries and takes and drops 512 writable references. */
static uint64_t measure_tree(void)
{
    struct bt_table t[4];
    uint64_t e[512], best = ~0ULL;

    for (unsigned i = 0; i < 512; i++) {
        void *p = gk_page_alloc();

        if (!p)
            gk_panic("bench: out of pages for the tree");
        e[i] = (gk_virt_to_mfn(p) << 12) | BT_PTE_RWD;
    }
    for (unsigned level = 1; level <= 4; level++) {
        if (level > 1) {
            for (unsigned i = 0; i < 512; i++)
                e[i] = 0;
            e[0] = (t[level - 2].mfn << 12) | BT_PTE_TABLE;
        }
        if (!bt_table_new(&t[level - 1], e))
            gk_panic("bench: cannot make the tree");
    }
    for (int run = 0; run < RUNS; run++) {
        uint64_t t0 = tsc(), c;

        for (unsigned i = 0; i < TREE_ROUNDS; i++)
            if (bt_pin(4, t[3].mfn) || bt_unpin(t[3].mfn))
                gk_panic("bench: pin/unpin failed");
        c = (tsc() - t0) / TREE_ROUNDS;
        best = c < best ? c : best;
    }
    return best;
}

void gk_main(void)
{
    static const unsigned batches[] = {1, 16, 512};
    void *a = gk_page_alloc(), *b = gk_page_alloc();

    if (!a || !b || !bt_region_init(&reg))
        gk_panic("bench: setup failed");
    frame[0] = gk_virt_to_mfn(a);
    frame[1] = gk_virt_to_mfn(b);
    for (unsigned i = 0; i < 3; i++)
        gk_printf("bench: mmu_update batch %u: %lu cycles per update\n", batches[i],
                  measure(pass_mmu_update, batches[i]));
    gk_printf("bench: update_va_mapping invlpg: %lu cycles per update\n", measure(uvm_pass, 0));
    if (gk_hypercall_vm_assist(PV_VMASST_CMD_enable, PV_VMASST_TYPE_writable_pagetables))
        gk_panic("bench: no writable page tables");
    gk_printf("bench: writable pagetables trap: %lu cycles per update\n", measure(ptwr_pass, 0));
    gk_hypercall_vm_assist(PV_VMASST_CMD_disable, PV_VMASST_TYPE_writable_pagetables);
    gk_printf("bench: pin+unpin of a 4-level tree mapping 2 MiB: %lu cycles\n", measure_tree());
}
