/* Guest GDT and LDT (set_gdt, update_descriptor, MMUEXT_SET_LDT) and their per-CPU windows. */
#ifndef HV_DESC_TABLES_H
#define HV_DESC_TABLES_H
#include "domain.h"
#include "arch.h"

/* Install the vCPU's GDT from a list of frames (entries <= 7168). 0 or -PV_EINVAL/-EFAULT. */
long desc_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned entries);
/* MMUEXT_SET_LDT: the LDT at guest virtual address base with ents entries (0 removes it). */
long desc_set_ldt(struct vcpu *v, uint64_t base, unsigned ents);
/* Map the vCPU's GDT/LDT frames into this CPU's window and load LDTR (on every switch-in). */
void desc_load(struct vcpu *v);

#endif
