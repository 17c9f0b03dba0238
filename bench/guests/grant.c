/* Benchmark guest: grant tables between two domains. The granter (role=granter, domain 1)
 * grants NR_PAGES pages to the mapper and waits; the mapper (role=mapper, domain 2) measures
 * map+unmap pairs of one grant (by virtual address and by PTE address), and grant copies of
 * 4 KiB (one operation) and 64 KiB (16 operations of 4 KiB in one hypercall) from the granter's
 * pages into its own, next to a plain memcpy of the same sizes between its own pages (the
 * reference, in the same boot). Timed with the TSC, best of RUNS short runs (a short run is
 * rarely interrupted by the host or the other domain); one line per figure for
 * bench/run. The two meet over a control page granted at ref 8 + mapper's id, as in the boot
 * test tests/boot/guests/grant.c. */
#include "gk/gnttab.h"
#include "gk/kit.h"

#define RUNS 50
#define MAP_ROUNDS 200 /* map+unmap pairs per run */
#define COPY_ROUNDS 40 /* copy batches per run */
#define NR_PAGES 16     /* 64 KiB */
#define FIRST_REF 16
#define CTRL_REF(d) (8 + (d))
#define MAP_VA 0x0000100000000000ULL
#define CTRL_VA (MAP_VA + (2ULL << 20))
#define MAX_WAIT 1000000

struct mbox {
    volatile uint32_t a_step, d_step;
};

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void yield(void)
{
    gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL);
}

static void wait_step(volatile uint32_t *step, uint32_t want)
{
    for (unsigned long i = 0; *step < want; i++) {
        if (i == MAX_WAIT)
            gk_panic("bench-grant: step %u never came", want);
        yield();
    }
}

static bool cmdline_uint(const char *key, uint64_t *v)
{
    char buf[24];

    *v = 0;
    if (!gk_cmdline_get(key, buf, sizeof(buf)))
        return false;
    for (char *p = buf; *p >= '0' && *p <= '9'; p++)
        *v = *v * 10 + (uint64_t)(*p - '0');
    return true;
}

static void granter(uint64_t mapper)
{
    uint8_t *page[NR_PAGES];
    struct mbox *mb = gk_page_alloc();
    long rc;

    if (!mb || gk_gnttab_init(1))
        gk_panic("bench-grant: no grant table");
    for (unsigned i = 0; i < NR_PAGES; i++) {
        page[i] = gk_page_alloc();
        if (!page[i])
            gk_panic("bench-grant: out of pages");
        memset(page[i], 0x11 * (i + 1), 4096);
        rc = gk_gnttab_grant_ref(FIRST_REF + i, (pv_domid_t)mapper, gk_virt_to_mfn(page[i]), false);
        if (rc)
            gk_panic("bench-grant: grant: %ld", rc);
    }
    if (gk_gnttab_grant_ref(CTRL_REF(mapper), (pv_domid_t)mapper, gk_virt_to_mfn(mb), false))
        gk_panic("bench-grant: grant of the control page");
    mb->a_step = 1;
    wait_step(&mb->d_step, 1);
    /* The mapper has unmapped everything: end the grants (they must not be in use). */
    for (unsigned long i = 0; gk_gnttab_end(CTRL_REF(mapper)); i++) {
        if (i == MAX_WAIT)
            gk_panic("bench-grant: the control page stays mapped");
        yield();
    }
    for (unsigned i = 0; i < NR_PAGES; i++) {
        if (gk_gnttab_end(FIRST_REF + i))
            gk_panic("bench-grant: ref %u still in use", FIRST_REF + i);
        gk_page_free(page[i]);
    }
    gk_page_free(mb);
    gk_printf("bench: grant granter done\n");
}

/* Cycles per map+unmap pair of the best run, and of that run the cycles in map alone. */
static uint64_t measure_map(pv_domid_t a, unsigned flags, uint64_t *map_part)
{
    struct gk_gnttab_map m;
    uint64_t best = ~0ULL;

    for (unsigned r = 0; r < RUNS; r++) {
        uint64_t t0 = tsc(), in_map = 0, c;

        for (unsigned i = 0; i < MAP_ROUNDS; i++) {
            uint64_t t1 = tsc();

            if (gk_gnttab_map(a, FIRST_REF, MAP_VA, flags, &m) || m.status != PV_GNTST_okay)
                gk_panic("bench-grant: map: %s", gk_gntst_name(m.status));
            in_map += tsc() - t1;
            if (gk_gnttab_unmap(&m) || m.status != PV_GNTST_okay)
                gk_panic("bench-grant: unmap: %s", gk_gntst_name(m.status));
        }
        c = (tsc() - t0) / MAP_ROUNDS;
        if (c < best) {
            best = c;
            *map_part = in_map / MAP_ROUNDS;
        }
    }
    return best;
}

/* Cycles per copy batch of nr pages (grant -> own pages), best run; the data is checked. */
static uint64_t measure_copy(pv_domid_t a, uint8_t **dst, unsigned nr)
{
    struct pv_gnttab_copy ops[NR_PAGES];
    uint64_t best = ~0ULL;

    for (unsigned i = 0; i < nr; i++) {
        ops[i] = (struct pv_gnttab_copy){.source = gk_gnttab_copy_gref(a, FIRST_REF + i, 0),
                                         .dest = gk_gnttab_copy_local(dst[i]),
                                         .len = 4096,
                                         .flags = PV_GNTCOPY_source_gref};
        memset(dst[i], 0, 4096);
    }
    for (unsigned r = 0; r < RUNS; r++) {
        uint64_t t0 = tsc(), c;

        for (unsigned k = 0; k < COPY_ROUNDS; k++)
            if (gk_gnttab_copy(ops, nr) || ops[nr - 1].status != PV_GNTST_okay)
                gk_panic("bench-grant: copy: %s", gk_gntst_name(ops[nr - 1].status));
        c = (tsc() - t0) / COPY_ROUNDS;
        best = c < best ? c : best;
    }
    for (unsigned i = 0; i < nr; i++)
        if (ops[i].status != PV_GNTST_okay || dst[i][0] != (uint8_t)(0x11 * (i + 1)) ||
            dst[i][4095] != (uint8_t)(0x11 * (i + 1)))
            gk_panic("bench-grant: copy %u did not arrive", i);
    return best;
}

/* Cycles per memcpy of nr pages (page by page, own memory), best run. */
static uint64_t measure_memcpy(uint8_t **src, uint8_t **dst, unsigned nr)
{
    uint64_t best = ~0ULL;

    for (unsigned r = 0; r < RUNS; r++) {
        uint64_t t0 = tsc(), c;

        for (unsigned k = 0; k < COPY_ROUNDS; k++)
            for (unsigned i = 0; i < nr; i++)
                memcpy(dst[i], src[i], 4096);
        __asm__ volatile("" ::: "memory");
        c = (tsc() - t0) / COPY_ROUNDS;
        best = c < best ? c : best;
    }
    return best;
}

static void mapper(uint64_t self, uint64_t a)
{
    struct gk_gnttab_map mctrl;
    struct mbox *mb = (struct mbox *)CTRL_VA;
    uint8_t *src[NR_PAGES], *dst[NR_PAGES];
    uint64_t pair, in_map = 0;

    for (unsigned long i = 0;; i++) {
        if (gk_gnttab_map((pv_domid_t)a, CTRL_REF(self), CTRL_VA, 0, &mctrl))
            gk_panic("bench-grant: map of the control page failed");
        if (mctrl.status == PV_GNTST_okay)
            break;
        if (i == MAX_WAIT)
            gk_panic("bench-grant: the control page was never granted");
        yield();
    }
    wait_step(&mb->a_step, 1);
    for (unsigned i = 0; i < NR_PAGES; i++) {
        src[i] = gk_page_alloc();
        dst[i] = gk_page_alloc();
        if (!src[i] || !dst[i])
            gk_panic("bench-grant: out of pages");
        memset(src[i], 0x5a, 4096);
    }
    pair = measure_map((pv_domid_t)a, 0, &in_map);
    gk_printf("bench: grant map+unmap pair, by address: %lu cycles (map %lu, unmap %lu)\n", pair,
              in_map, pair - in_map);
    pair = measure_map((pv_domid_t)a, GK_GNTMAP_PTE, &in_map);
    gk_printf("bench: grant map+unmap pair, by PTE address: %lu cycles (map %lu, unmap %lu)\n",
              pair, in_map, pair - in_map);
    gk_printf("bench: grant copy 4 KiB (1 op): %lu cycles\n", measure_copy((pv_domid_t)a, dst, 1));
    gk_printf("bench: memcpy 4 KiB: %lu cycles\n", measure_memcpy(src, dst, 1));
    gk_printf("bench: grant copy 64 KiB (16 ops): %lu cycles\n",
              measure_copy((pv_domid_t)a, dst, NR_PAGES));
    gk_printf("bench: memcpy 64 KiB: %lu cycles\n", measure_memcpy(src, dst, NR_PAGES));
    for (unsigned i = 0; i < NR_PAGES; i++) {
        gk_page_free(src[i]);
        gk_page_free(dst[i]);
    }
    mb->d_step = 1;
    if (gk_gnttab_unmap(&mctrl) || mctrl.status != PV_GNTST_okay)
        gk_panic("bench-grant: unmap of the control page: %s", gk_gntst_name(mctrl.status));
}

void gk_main(void)
{
    char role[16] = "";
    uint64_t self = 0, a = 0, b = 0;

    gk_cmdline_get("role", role, sizeof(role));
    cmdline_uint("self", &self);
    cmdline_uint("granter", &a);
    cmdline_uint("mapper", &b);
    if (lib_strcmp(role, "granter") == 0 && b)
        granter(b);
    else if (lib_strcmp(role, "mapper") == 0 && a && self)
        mapper(self, a);
    else
        gk_panic("bench-grant: role=granter mapper=ID or role=mapper self=ID granter=ID");
}
