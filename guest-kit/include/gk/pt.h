/* guest-kit: page tables of a PV guest (docs/porting.md, "PV memory management").
 *
 * The guest builds its page tables itself, but a frame in use as a page table must be mapped
 * read-only everywhere, and every change goes through the hypervisor, which validates it:
 * mmu_update (batched entry writes), update_va_mapping (one entry of the current tables plus a
 * flush), mmuext_op (pin, switch, flush), or direct writes to L1 tables that the hypervisor
 * traps and emulates (VMASST_TYPE_writable_pagetables). The kit reads its tables through the
 * read-only 1:1 mapping of their frames.
 *
 * Results are 0 or a negative errno from pv-abi/errno.h: the hypercall's own error, or
 * -PV_ENOMEM (no page for a table), -PV_ENOENT (nothing mapped there), -PV_EINVAL (an address
 * the kit refuses: non-canonical, in the hypervisor's range, or not page aligned), -PV_EBUSY
 * (a space still in use). */
#ifndef GK_PT_H
#define GK_PT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pv-abi/pv.h"

/* Page-table entry bits. */
#define GK_PTE_P (1ULL << 0)   /* present */
#define GK_PTE_RW (1ULL << 1)  /* writable */
#define GK_PTE_US (1ULL << 2)  /* user (forced by the hypervisor on 64-bit PV) */
#define GK_PTE_PWT (1ULL << 3) /* write-through (refused) */
#define GK_PTE_PCD (1ULL << 4) /* cache disable (refused) */
#define GK_PTE_A (1ULL << 5)   /* accessed, set by the CPU */
#define GK_PTE_D (1ULL << 6)   /* dirty, set by the CPU */
#define GK_PTE_PSE (1ULL << 7) /* superpage in L2/L3: refused; PAT in an L1: refused */
#define GK_PTE_G (1ULL << 8)   /* global */
#define GK_PTE_NX (1ULL << 63) /* no execute */
#define GK_PTE_ADDR 0x000ffffffffff000ULL

/* Flags for the mappings the kit makes. NX is added where the CPU has it (gk_pte_nx()). */
#define GK_PAGE_KERNEL (GK_PTE_P | GK_PTE_RW | GK_PTE_A | GK_PTE_D)
#define GK_PAGE_KERNEL_RO (GK_PTE_P | GK_PTE_A)
#define GK_PAGE_USER_RW (GK_PTE_P | GK_PTE_RW | GK_PTE_US | GK_PTE_A | GK_PTE_D)
#define GK_PAGE_USER_RX (GK_PTE_P | GK_PTE_US | GK_PTE_A)
#define GK_PAGE_TABLE (GK_PTE_P | GK_PTE_RW | GK_PTE_US | GK_PTE_A) /* an upper-level entry */

static inline uint64_t gk_pte(uint64_t mfn, uint64_t flags)
{
    return (mfn << 12) | flags;
}

static inline uint64_t gk_pte_mfn(uint64_t pte)
{
    return (pte & GK_PTE_ADDR) >> 12;
}

/* Slot of va in its level-`level` table (1 = L1 ... 4 = L4). */
static inline unsigned int gk_pt_index(uint64_t va, unsigned int level)
{
    return (unsigned int)(va >> (12 + 9 * (level - 1))) & 511;
}

/* GK_PTE_NX if the CPU supports no-execute mappings, else 0. */
uint64_t gk_pte_nx(void);

/* An address space: one page-table tree under an L4. The hypervisor fills L4 slots 256-271
 * (its own range, the M2P among it) in every L4 it validates; the guest may not touch them. */
struct gk_space {
    uint64_t l4_mfn;
    uint64_t borrowed[8]; /* bit per L4 slot linked to another space's L3 (gk_space_borrow) */
};

/* The space the vCPU runs the kernel on: the builder's tree, until gk_space_activate. */
struct gk_space *gk_kernel_space(void);

/* A new space: an L4 frame (read-only in the 1:1 mapping, cleared with MMUEXT_CLEAR_PAGE),
 * pinned with MMUEXT_PIN_L4_TABLE. It maps nothing but the hypervisor's slots. */
long gk_space_create(struct gk_space *s);
/* Link into s the L3 tables that `from` has in L4 slots [first, last] (one mmu_update batch):
 * the spaces then share everything below those slots. */
long gk_space_borrow(struct gk_space *s, const struct gk_space *from, unsigned int first,
                     unsigned int last);
/* Run the kernel on s (MMUEXT_NEW_BASEPTR); s must be pinned, as the kit's spaces are. */
long gk_space_activate(struct gk_space *s);
/* Tear s down: unpin the L4 (the hypervisor then drops the whole tree), make every table frame
 * the kit gave it writable again and free it; borrowed subtrees stay with their owner.
 * -PV_EBUSY if s is the kernel space or the installed user space. The frames s mapped are the
 * caller's. */
long gk_space_destroy(struct gk_space *s);

/* Map the machine frame mfn at va in s with flags (GK_PAGE_* and friends), creating the missing
 * levels: each new table frame is mapped read-only in the 1:1 mapping, cleared, then linked
 * into its parent with mmu_update (validated there). In the kernel space the entry is written
 * with update_va_mapping (UVMF_INVLPG if it replaced a present entry); elsewhere with mmu_update
 * and MMUEXT_INVLPG_LOCAL if needed. */
long gk_map(struct gk_space *s, uint64_t va, uint64_t mfn, uint64_t flags);
/* Clear the entry of va, flush it, and free the tables that became empty (unlink each from its
 * parent, flush, make the frame writable, free it). -PV_ENOENT if va had no L1 table. */
long gk_unmap(struct gk_space *s, uint64_t va);
/* Change the flags of va's present mapping, keeping its frame and the accessed and dirty bits
 * the CPU set meanwhile (MMU_PT_UPDATE_PRESERVE_AD, Linux's ptep_modify_prot_commit). */
long gk_protect(struct gk_space *s, uint64_t va, uint64_t flags);
/* Create the tables down to the L1 that maps va (gk_map does it too). gk_pt_prepare_pte also
 * gives that L1 entry's machine address and what it holds now, from the same walk. */
long gk_pt_prepare(struct gk_space *s, uint64_t va);
long gk_pt_prepare_pte(struct gk_space *s, uint64_t va, uint64_t *maddr, uint64_t *entry);
/* Free the tables above va that hold no entry any more (gk_unmap does it too). */
long gk_pt_trim(struct gk_space *s, uint64_t va);

/* The L1 entry of va (0 if there is no L1), its machine address (0 if none), and a pointer to
 * it through the read-only 1:1 mapping of the L1 (NULL if none): reading is always allowed,
 * writing needs gk_writable_pagetables(true). */
uint64_t gk_pt_lookup(const struct gk_space *s, uint64_t va);
uint64_t gk_pte_maddr(const struct gk_space *s, uint64_t va);
volatile uint64_t *gk_pte_ptr(const struct gk_space *s, uint64_t va);
/* Copy len bytes at va in space s into buf by walking its tables, as a kernel reads a user
 * space it does not map. -PV_EFAULT if a page is not mapped or is a kernel-only mapping (one
 * made without GK_PTE_US, which the hypervisor tags with bit 52). */
long gk_space_read(const struct gk_space *s, uint64_t va, void *buf, size_t len);

/* Make one page of the 1:1 mapping read-only or writable again (update_va_mapping with
 * UVMF_INVLPG), keeping its other flags. A frame in use as a page table or descriptor table
 * cannot be mapped writable: -PV_EBUSY. */
long gk_page_set_writable(void *page, bool writable);

/* mmuext_op one-liners. */
long gk_pin(uint64_t mfn, unsigned int level); /* MMUEXT_PIN_L<level>_TABLE */
long gk_unpin(uint64_t mfn);                   /* MMUEXT_UNPIN_TABLE */
long gk_tlb_flush(void);                       /* MMUEXT_TLB_FLUSH_LOCAL */
long gk_invlpg(uint64_t va);                   /* MMUEXT_INVLPG_LOCAL */

/* VMASST_TYPE_writable_pagetables on or off: with it, plain stores to a (read-only mapped) L1
 * table of the current kernel tables are trapped and emulated as checked updates. */
long gk_writable_pagetables(bool enable);

/* Batched mmu_update: requests queue up and go in one hypercall when the batch is full or
 * flushed. The first error stops the batch (the requests after it are dropped) and is kept. */
#define GK_MMU_BATCH 64
struct gk_mmu_batch {
    struct pv_mmu_update req[GK_MMU_BATCH];
    unsigned int n;      /* queued */
    unsigned long total; /* requests the hypervisor completed since init */
    long rc;             /* first error, 0 if none */
};
void gk_mmu_batch_init(struct gk_mmu_batch *b);
/* ptr: machine address of an entry ORed with PV_MMU_NORMAL_PT_UPDATE / PV_MMU_PT_UPDATE_
 * PRESERVE_AD, or (mfn << 12) | PV_MMU_MACHPHYS_UPDATE with val = pfn. Returns b->rc. */
long gk_mmu_batch_add(struct gk_mmu_batch *b, uint64_t ptr, uint64_t val);
long gk_mmu_batch_flush(struct gk_mmu_batch *b);

/* Lazy MMU (Linux's arch_enter/leave_lazy_mmu_mode): update_va_mapping calls on the current
 * kernel tables queue up without flushes and go as one multicall; the last one carries a
 * local TLB flush. The L1 tables must exist (gk_pt_prepare). */
#define GK_LAZY_MMU_MAX 32
struct gk_lazy_mmu {
    struct pv_multicall_entry call[GK_LAZY_MMU_MAX];
    unsigned int n;
    unsigned long calls; /* multicall hypercalls issued */
    long rc;             /* first error of a batched call, 0 if none */
};
void gk_lazy_mmu_begin(struct gk_lazy_mmu *l);
long gk_lazy_mmu_set(struct gk_lazy_mmu *l, uint64_t va, uint64_t pte);
long gk_lazy_mmu_end(struct gk_lazy_mmu *l);

#endif /* GK_PT_H */
