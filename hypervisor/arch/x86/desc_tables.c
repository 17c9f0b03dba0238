/* Guest descriptor tables. Frames a guest installs as GDT or LDT are held with a PGT_seg_desc
 * type reference (audited, never writable-mapped) and shown through this CPU's window, where the
 * hardware GDTR/LDTR point; the hypervisor's own selectors sit in the reserved page 14. */
#include "x86/desc_tables.h"
#include "pv-abi/errno.h"
#include "frame.h"
#include "guest_access.h"
#include "x86/layout.h"
#include "mm.h"
#include "paging.h"
#include "percpu.h"
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

static void drop_frames(const uint64_t *mfns, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
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

/* The LDT's frames are the ones the guest's kernel page tables map at base. */
static long ldt_frames(struct vcpu *v, uint64_t base, unsigned n, uint64_t *mfns)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t *l1e = mm_walk_l1e(v->kernel_l4_mfn, base + i * PAGE_SIZE, NULL, NULL);

        if (!l1e || !(*l1e & PTE_P))
            return -PV_EINVAL;
        mfns[i] = (*l1e & PTE_ADDR) >> PAGE_SHIFT;
    }
    return 0;
}

long desc_set_ldt(struct vcpu *v, uint64_t base, unsigned ents)
{
    unsigned n = (ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t mfns[16];
    long rc;

    /* The base is a guest address (Xen's __addr_ok); each frame is looked up below. */
    if ((base & (PAGE_SIZE - 1)) || ents > MAX_LDT_ENTS || !guest_range_ok(base, 1))
        return -PV_EINVAL;
    if ((rc = ldt_frames(v, base, n, mfns)) || (rc = take_frames(v->domain, mfns, n)))
        return rc;
    drop_frames(v->ldt_frames, v->nr_ldt_frames);
    for (unsigned i = 0; i < 16; i++)
        v->ldt_frames[i] = i < n ? mfns[i] : 0;
    v->nr_ldt_frames = n;
    v->ldt_base = base;
    v->ldt_ents = ents;
    if (v == percpu()->current)
        desc_load(v);
    return 0;
}

static void map_window(uint64_t va, const uint64_t *mfns, unsigned n, unsigned pages)
{
    for (unsigned i = 0; i < pages; i++) {
        uint64_t want = i < n ? mfns[i] : paging_zero_page();
        uint64_t *e = paging_hv_pte(va + i * PAGE_SIZE);

        if ((*e & PTE_ADDR) >> PAGE_SHIFT != want || !(*e & PTE_P) || !(*e & PTE_RW) != !(i < n))
            /* Writable for the CPU, which sets descriptors' accessed bits; guests never see
             * this supervisor mapping. The zero page stays read-only. */
            paging_map_hv(va + i * PAGE_SIZE, want,
                          PTE_P | PTE_G | PTE_NX | (i < n ? PTE_RW : 0));
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
