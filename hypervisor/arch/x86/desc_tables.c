/* Guest descriptor tables. Frames a guest installs as GDT or LDT are held with a PGT_seg_desc
 * type reference (audited, never writable-mapped) and shown through this CPU's window, where the
 * hardware GDTR/LDTR point; the hypervisor's own selectors sit in the reserved page 14. The LDT's
 * frames are taken lazily, as Xen's shadow LDT: a page is looked up in the guest's kernel tables
 * when a selector first needs it (a fault on the window, or the hypervisor reading it). */
#include "x86/desc_tables.h"
#include "pv-abi/errno.h"
#include "frame.h"
#include "guest_access.h"
#include "x86/layout.h"
#include "mm.h"
#include "paging.h"
#include "percpu.h"
#include "x86/bounce.h"
#include "x86/cpu.h"
#include "x86/desc.h"

#define LDT_SLOT 10 /* LDT descriptor at reserved entry 7178 (selector 0xe050) */
#define SEL_LDT ((GDT_FIRST_RESERVED + LDT_SLOT) << 3)
#define MAX_LDT_ENTS 8192

static uint64_t window(void)
{
    return GDT_VIRT_START + percpu()->cpu_id * GDT_WINDOW_SIZE;
}

/* Take seg_desc references on n frames; on failure drop the ones taken. */
static long take_frames(struct domain *d, const uint64_t *mfns, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (mm_get_page_and_type(mfns[i], d, PGT_seg_desc)) {
            while (i--)
                mm_put_page_and_type(mfns[i]);
            return -PV_EINVAL;
        }
    }
    return 0;
}

/* Drop the frames held (an LDT page not taken yet is 0: frame 0 is never a domain's). */
static void drop_frames(const uint64_t *mfns, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (mfns[i])
            mm_put_page_and_type(mfns[i]);
}

long desc_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned entries)
{
    unsigned n = (entries + 511) / 512;
    long rc;

    if (entries > GDT_FIRST_RESERVED)
        return -PV_EINVAL;
    if ((rc = take_frames(v->domain, frames, n)))
        return rc;
    drop_frames(v->gdt_frames, v->nr_gdt_frames);
    for (unsigned i = 0; i < 14; i++)
        v->gdt_frames[i] = i < n ? frames[i] : 0;
    v->nr_gdt_frames = n;
    v->gdt_ents = entries;
    if (v == percpu()->current)
        desc_load(v);
    return 0;
}

/* MMUEXT_SET_LDT as Xen has it: only the arguments are checked; a new base or size drops the
 * pages taken for the old one, and no frame is looked up until a selector needs it. */
long desc_set_ldt(struct vcpu *v, uint64_t base, unsigned ents)
{
    if (!ents)
        base = 0;
    /* The base is a guest address (Xen's __addr_ok). */
    if ((base & (PAGE_SIZE - 1)) || ents > MAX_LDT_ENTS || !guest_range_ok(base, 1))
        return -PV_EINVAL;
    if (base == v->ldt_base && ents == v->ldt_ents)
        return 0;
    drop_frames(v->ldt_frames, v->nr_ldt_frames);
    for (unsigned i = 0; i < 16; i++)
        v->ldt_frames[i] = 0;
    v->nr_ldt_frames = (ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    v->ldt_base = base;
    v->ldt_ents = ents;
    if (v == percpu()->current)
        desc_load(v);
    return 0;
}

void desc_ldt_flush(struct vcpu *v)
{
    drop_frames(v->ldt_frames, v->nr_ldt_frames);
    for (unsigned i = 0; i < 16; i++)
        v->ldt_frames[i] = 0;
    if (v == percpu()->current)
        desc_load(v);
}

/* The window's LDT page `page` of the running vCPU v (Xen's pv_map_ldt_shadow_page): the frame
 * its kernel tables map at ldt_base + page, taken as a descriptor page. True if it is mapped. */
static bool ldt_map(struct vcpu *v, unsigned page)
{
    uint64_t *l1e, mfn = 0;
    bool ok = false;

    if (page >= v->nr_ldt_frames)
        return false;
    if (v->ldt_frames[page])
        return true;
    spin_lock(&v->domain->mm_lock);
    l1e = mm_walk_l1e(v->kernel_l4_mfn, v->ldt_base + page * PAGE_SIZE, NULL, NULL);
    if (l1e && (*l1e & PTE_P)) {
        mfn = (*l1e & PTE_ADDR) >> PAGE_SHIFT;
        ok = !mm_get_page_and_type(mfn, v->domain, PGT_seg_desc);
    }
    spin_unlock(&v->domain->mm_lock);
    if (!ok)
        return false;
    v->ldt_frames[page] = mfn;
    paging_map_hv(window() + LDT_WINDOW_OFFSET + page * PAGE_SIZE, mfn, PTE_P | PTE_G | PTE_NX | PTE_RW);
    return true;
}

uint64_t desc_ldt_read(struct vcpu *v, unsigned idx)
{
    if (idx >= v->ldt_ents || !ldt_map(v, idx / 512))
        return 0; /* beyond the limit, or a page that cannot be an LDT page: not present */
    return ((const uint64_t *)(window() + LDT_WINDOW_OFFSET))[idx];
}

bool desc_ldt_fault(struct vcpu *v, struct cpu_regs *r, uint64_t cr2)
{
    uint64_t ldt = window() + LDT_WINDOW_OFFSET, off = cr2 - ldt;

    /* The CPU's own (supervisor, implicit) reads of the LDT; other faults are the guest's. */
    if (cr2 < ldt || off >= 16 * PAGE_SIZE || (r->error_code & (4 | 8)) /* user, reserved bit */)
        return false;
    if (ldt_map(v, (unsigned)(off >> PAGE_SHIFT)))
        return true; /* the instruction runs again */
    if (!is_canonical(v->ldt_base + off)) {
        bounce_trap(v, r, X86_EXC_GP, true, ((uint32_t)off & ~3u) | 4);
    } else {
        v->guest_cr2 = v->ldt_base + off;
        bounce_trap(v, r, X86_EXC_PF, true, r->error_code);
    }
    return true;
}

/* At every switch: a CPU's window (32 pages, aligned to its size) has its entries in one L1 table. */
static void map_window(uint64_t va, const uint64_t *mfns, unsigned n, unsigned pages)
{
    uint64_t *e = paging_hv_pte(va), zero = paging_zero_page();

    for (unsigned i = 0; i < pages; i++, va += PAGE_SIZE) {
        uint64_t want = i < n ? mfns[i] : zero;

        if (!want) { /* an LDT page not taken yet: not present, the first use faults */
            if (e[i] & PTE_P)
                paging_map_hv(va, 0, 0);
            continue;
        }
        if ((e[i] & PTE_ADDR) >> PAGE_SHIFT != want || !(e[i] & PTE_P) || !(e[i] & PTE_RW) != !(i < n))
            /* Writable for the CPU, which sets descriptors' accessed bits; guests never see
             * this supervisor mapping. The zero page stays read-only. */
            paging_map_hv(va, want, PTE_P | PTE_G | PTE_NX | (i < n ? PTE_RW : 0));
    }
}

/* A 16-byte LDT system descriptor for the window, or a null one. */
static void set_ldt_descriptor(uint64_t base, unsigned ents)
{
    uint64_t *d = (uint64_t *)(window() + 14 * PAGE_SIZE) + LDT_SLOT;
    uint64_t limit = (uint64_t)ents * 8 - 1;

    if (!ents) {
        d[0] = d[1] = 0;
        __asm__ volatile("lldt %w0" ::"r"(0));
        return;
    }
    d[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x82UL << 40) | (((limit >> 16) & 0xf) << 48) |
           (((base >> 24) & 0xff) << 56);
    d[1] = base >> 32;
    __asm__ volatile("lldt %w0" ::"r"(SEL_LDT));
}

void desc_load(struct vcpu *v)
{
    map_window(window(), v->gdt_frames, v->nr_gdt_frames, 14);
    map_window(window() + LDT_WINDOW_OFFSET, v->ldt_frames, v->nr_ldt_frames, 16);
    set_ldt_descriptor(window() + LDT_WINDOW_OFFSET, v->ldt_ents);
}

void arch_desc_release(struct vcpu *v)
{
    drop_frames(v->gdt_frames, v->nr_gdt_frames);
    drop_frames(v->ldt_frames, v->nr_ldt_frames);
    v->nr_gdt_frames = v->nr_ldt_frames = 0;
    v->gdt_ents = v->ldt_ents = 0;
}
