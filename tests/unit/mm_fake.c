/* Host stand-ins for the page-table core's hooks and helpers for the mm tests (mm_fake.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "x86/bounce.h"
#include "console.h"
#include "logdirty.h"
#include "mm_fake.h"
#include "paging.h"

struct mmf_state mmf;
struct domain dom_a, dom_b;
static struct vcpu vcpu_a, vcpu_b;
static struct page_info table[MMF_FRAMES];
static uint8_t *memory;

void *mm_frame_ptr(uint64_t mfn)
{
    if (mfn >= MMF_FRAMES)
        fail_msg("mm_frame_ptr(%#llx): beyond the machine", (unsigned long long)mfn);
    mmf.ptr_calls[mfn]++;
    return memory + mfn * PAGE_SIZE;
}

void mm_flush_tlb(uint16_t owner)
{
    (void)owner;
    mmf.flushes++;
    if (mmf.on_flush)
        mmf.on_flush();
}

/* No CPU flushes by itself here: a type change always flushes. */
void mm_flush_tlb_since(uint16_t owner, uint64_t stamp)
{
    (void)stamp;
    mm_flush_tlb(owner);
}

uint64_t mm_tlb_stamp(void)
{
    return ++mmf.tlb_clock;
}

void paging_fill_hv_slots(uint64_t *l4)
{
    for (unsigned s = HV_L4_FIRST; s <= HV_L4_LAST; s++)
        l4[s] = MMF_HV_SLOT_MARK(s);
}

void paging_m2p_slot(uint64_t *l4, bool present)
{
    l4[HV_L4_FIRST] = present ? MMF_HV_SLOT_MARK(HV_L4_FIRST) : 0;
}

struct vcpu *current_vcpu(void)
{
    return mmf.current;
}

void vcpu_load_cr3(struct vcpu *v)
{
    mmf.cr3_loads++;
    mmf.cr3 = v->kernel_mode ? v->kernel_l4_mfn : v->user_l4_mfn;
}

void arch_vcpu_root_changed(struct vcpu *v)
{
    if (v == current_vcpu())
        vcpu_load_cr3(v);
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fail_msg("panic: %s", buf);
    abort();
}

static void domain_init(struct domain *d, struct vcpu *v, uint16_t domid)
{
    memset(d, 0, sizeof(*d));
    memset(v, 0, sizeof(*v));
    d->domid = domid;
    d->first_page = FRAME_NONE;
    d->nr_vcpus = 1;
    d->vcpu[0] = v;
    v->domain = d;
    v->kernel_mode = true;
}

void mmf_reset(void)
{
    if (!memory && !(memory = aligned_alloc(PAGE_SIZE, MMF_FRAMES * PAGE_SIZE)))
        abort();
    memset(&mmf, 0, sizeof(mmf));
    frame_init(table, MMF_FRAMES);
    frame_add_free(MMF_FIRST_RAM, MMF_FRAMES - MMF_FIRST_RAM);
    domain_init(&dom_a, &vcpu_a, 1);
    domain_init(&dom_b, &vcpu_b, 2);
}

uint64_t mmf_frame(struct domain *d)
{
    uint64_t mfn = frame_alloc();

    assert_int_not_equal(mfn, FRAME_NONE);
    frame_assign(d, mfn);
    memset(mmf_mem(mfn), 0, PAGE_SIZE);
    return mfn;
}

uint64_t mmf_free_frame(void)
{
    uint64_t mfn = frame_alloc();

    assert_int_not_equal(mfn, FRAME_NONE);
    frame_free(mfn);
    assert_int_equal(frame_info(mfn)->owner, DOMID_FREE);
    return mfn;
}

uint64_t *mmf_mem(uint64_t mfn)
{
    assert_true(mfn < MMF_FRAMES);
    return (uint64_t *)(memory + mfn * PAGE_SIZE);
}

uint64_t mmf_pte(uint64_t mfn, uint64_t flags)
{
    return ((mfn << PAGE_SHIFT) & PTE_ADDR) | flags;
}

uint64_t mmf_maddr(uint64_t mfn, unsigned slot)
{
    return (mfn << PAGE_SHIFT) + slot * 8;
}

void mmf_snapshot(struct mmf_counts *c)
{
    for (unsigned i = 0; i < MMF_FRAMES; i++) {
        c->count[i] = table[i].count;
        c->type_info[i] = table[i].type_info;
        c->linear[i] = table[i].linear;
    }
}

/* Type counts and general counts must match; a type whose count is 0 may differ. */
void mmf_assert_counts(const struct mmf_counts *c)
{
    for (unsigned i = 0; i < MMF_FRAMES; i++) {
        if (table[i].count != c->count[i] ||
            (table[i].type_info & PGT_count_mask) != (c->type_info[i] & PGT_count_mask) ||
            table[i].linear != c->linear[i])
            fail_msg("frame %u: count %u type_info %#x linear %d, expected %u %#x %d", i,
                     table[i].count, table[i].type_info, table[i].linear, c->count[i],
                     c->type_info[i], c->linear[i]);
        if ((c->type_info[i] & PGT_count_mask) &&
            (table[i].type_info & ~PGT_count_mask) != (c->type_info[i] & ~PGT_count_mask))
            fail_msg("frame %u: type_info %#x, expected %#x", i, table[i].type_info,
                     c->type_info[i]);
    }
}

void mmf_assert_all_zero(const struct domain *d)
{
    for (uint64_t m = d->first_page; m != FRAME_NONE; m = table[m].next)
        if (table[m].count || (table[m].type_info & (PGT_count_mask | PGT_pinned)) ||
            table[m].linear)
            fail_msg("frame %llu of d%u still held: count %u type_info %#x linear %d",
                     (unsigned long long)m, d->domid, table[m].count, table[m].type_info,
                     table[m].linear);
}

uint32_t mmf_type_count(uint64_t mfn)
{
    return table[mfn].type_info & PGT_count_mask;
}

uint32_t mmf_type(uint64_t mfn)
{
    return table[mfn].type_info & PGT_type_mask;
}

/* Log-dirty mode (mm/logdirty.c) is not under test here: never on. */
unsigned logdirty_domains;
void logdirty_mark_slow(uint64_t mfn)
{
    (void)mfn;
}

/* The frame arch_mmio_ro names (an HPET or MSI-X table page): MMF_BEYOND + 2. */
bool arch_mmio_ro(uint64_t mfn)
{
    return mfn == MMF_BEYOND + 2;
}
