/* Guest GDT and LDT (set_gdt, update_descriptor, MMUEXT_SET_LDT) and their per-CPU windows. */
#ifndef HV_DESC_TABLES_H
#define HV_DESC_TABLES_H
#include "domain.h"
#include "arch.h"

/* Install the vCPU's GDT from a list of frames (entries <= 7168). 0 or -PV_EINVAL/-EFAULT. */
long desc_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned entries);
/* MMUEXT_SET_LDT: the LDT at guest virtual address base with ents entries (0 removes it); its
 * frames are taken lazily (desc_ldt_read, desc_ldt_fault). 0 or -PV_EINVAL. */
long desc_set_ldt(struct vcpu *v, uint64_t base, unsigned ents);
/* A new kernel root (Xen's invalidate_shadow_ldt in new_guest_cr3): drop the LDT pages taken,
 * to be looked up again through the new tables. */
void desc_ldt_flush(struct vcpu *v);
/* LDT entry idx of the running vCPU v, taking its page if needed; 0 if it cannot be. */
uint64_t desc_ldt_read(struct vcpu *v, unsigned idx);
/* A #PF from guest mode at cr2: if it is the CPU reading v's LDT in this CPU's window, take the
 * page and return true (the instruction runs again), or deliver the guest's fault (#PF at
 * ldt_base + offset, #GP(selector) if that is not canonical) and return true; false if the
 * fault is not an LDT one. */
bool desc_ldt_fault(struct vcpu *v, struct cpu_regs *r, uint64_t cr2);
/* Map the vCPU's GDT/LDT frames into this CPU's window and load LDTR (on every switch-in). */
void desc_load(struct vcpu *v);

#endif
