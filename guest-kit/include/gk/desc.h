/* guest-kit: descriptor tables of a PV guest: a GDT of its own (set_gdt), changing one of its
 * entries (update_descriptor), and an LDT (MMUEXT_SET_LDT).
 *
 * The hypervisor takes a descriptor frame only when nothing maps it writable (the kit maps it
 * read-only in the 1:1 mapping first), audits every descriptor (the DPL of code and data
 * segments is raised to 3, since the kernel runs in ring 3; system descriptors other than call
 * gates are refused), and from then on changes go through update_descriptor. The guest's GDT
 * covers selectors below 0xe000 (entry 7168): the flat selectors PV_FLAT_KERNEL_CS/SS and
 * their user twins live in the hypervisor's reserved page and stay usable. */
#ifndef GK_DESC_H
#define GK_DESC_H

#include <stdint.h>

/* Flat descriptors (base 0, limit 4 GiB, present, DPL 3), with the accessed bit already set
 * as Linux sets it: loading a selector whose descriptor is not marked accessed makes the CPU
 * write the descriptor, and the guest may not write its descriptor tables. */
#define GK_DESC_CODE64 0x00affb000000ffffULL /* 64-bit code, execute/read, accessed */
#define GK_DESC_DATA 0x00cff3000000ffffULL   /* data, read/write, accessed */
#define GK_DESC_PRESENT (1ULL << 47)

/* A selector with RPL 3 for entry `index` of the GDT, or of the LDT. */
#define GK_SEL_GDT(index) ((uint16_t)(((index) << 3) | 3))
#define GK_SEL_LDT(index) ((uint16_t)(((index) << 3) | 4 | 3))

/* One page of descriptors handed to the hypervisor. */
struct gk_desc_table {
    uint64_t *page;       /* its 1:1 address (read-only while installed) */
    uint64_t mfn;         /* its frame */
    unsigned int entries; /* descriptors in use */
};

/* Install a GDT of n descriptors (1..512; entry 0 is the null descriptor whatever descs[0]
 * says): a page is filled, made read-only, and given to set_gdt. Returns 0, -PV_EINVAL,
 * -PV_ENOMEM, or set_gdt's error (then nothing is installed). */
long gk_gdt_load(struct gk_desc_table *t, const uint64_t *descs, unsigned int n);
/* Change descriptor `index` with update_descriptor (audited like set_gdt's). */
long gk_gdt_update(struct gk_desc_table *t, unsigned int index, uint64_t desc);
/* Go back to an empty guest GDT (set_gdt with no frames), then make the page writable and
 * free it. No segment register may still hold one of its selectors. */
long gk_gdt_unload(struct gk_desc_table *t);

/* Install an LDT of n descriptors (1..512) with MMUEXT_SET_LDT at the page's address. */
long gk_ldt_load(struct gk_desc_table *t, const uint64_t *descs, unsigned int n);
/* SET_LDT with no entries, then make the page writable and free it. */
long gk_ldt_unload(struct gk_desc_table *t);

/* Load and read %es (a data selector; 0 is the null selector). */
static inline void gk_load_es(uint16_t sel)
{
    __asm__ volatile("mov %0, %%es" ::"r"((uint32_t)sel) : "memory");
}

static inline uint16_t gk_read_es(void)
{
    uint16_t sel;

    __asm__ volatile("mov %%es, %0" : "=r"(sel));
    return sel;
}

#endif /* GK_DESC_H */
