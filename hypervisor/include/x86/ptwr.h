/* Writable page tables (VMASST_TYPE_writable_pagetables): a guest kernel's direct write to one of
 * its own L1 tables, which it can only map read-only, is decoded, validated and applied, as Xen's
 * ptwr_do_page_fault does (xen/arch/x86/pv/ro-page-fault.c). */
#ifndef HV_PTWR_H
#define HV_PTWR_H
#include "domain.h"

/* Called on a #PF taken in guest context (cr2 and the hardware error code) before it is bounced.
 * If the domain enabled writable page tables and the fault is the guest kernel's write to a
 * present page that the loaded page tables map read-only, that page is an L1 table of the domain
 * in use, and the instruction is one this emulation accepts, writing one naturally aligned part
 * of one entry: the new entry goes through mm_mod_entry, registers and flags are updated as the
 * instruction would, rip moves past it, and the result is true (a single-stepping guest also
 * gets its #DB, bounced here). False leaves everything unchanged and the caller delivers the
 * original #PF: not such a fault, an instruction or access not accepted, or a new entry the PV
 * MMU refuses (Xen's emulation fails the same way and the guest sees its #PF).
 * The privileged domain's kernel-mode MOV of 1, 2 or 4 bytes to an MMCONFIG frame it maps
 * read-only goes to pci_mmcfg_write (filtered, then done or dropped) and is retired the same way,
 * with or without the assist (Xen's mmio_ro_do_page_fault with mmcfg_intercept_write). */
bool ptwr_emulate(struct vcpu *v, struct cpu_regs *r, uint64_t cr2, uint32_t error_code);

#endif
