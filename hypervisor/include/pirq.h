/* PIRQs: machine interrupts (GSIs, MSI vectors) given to domains as event channels
 * (common/pirq.c). pirq = GSI, as Xen gives the hardware domain; MSI pirqs above. Every function returns 0 or -PV_E*, with Xen's
 * error for each case. Locking: pirq_lock, then a domain's evtchn_lock. */
#ifndef HV_PIRQ_H
#define HV_PIRQ_H
#include "domain.h"
#include "pv-abi/physdev_op.h"

#define PIRQ_NR 256     /* pirqs 0..255 exist for every domain (Xen's nr_pirqs) */
#define PIRQ_MAX_GSI 64 /* GSIs beyond this are not given out */

/* PHYSDEVOP_map_pirq for domain domid (DOMID_SELF too): type GSI only, *pirq -1 or gsi on
 * entry, gsi on return. Only a privileged caller; one owning domain per GSI. */
int pirq_map(struct domain *caller, unsigned domid, int type, int gsi, int *pirq);
/* map_pirq's types MSI and MSI_SEG (segment 0): a vector of function bus:devfn's MSI, or of its
 * MSI-X table entry entry_nr when table_base (the table's BAR) is not 0, as a pirq of domid
 * (-1: the highest free one; m->pirq is set), which it may then bind. -EINVAL: another type
 * (MULTI_MSI too), index not -1, bus/devfn/entry_nr out of range or a pirq not above the GSIs;
 * -ENODEV: another segment; -EEXIST: that pirq is taken; then arch_msi_setup's refusals. */
int pirq_map_msi(struct domain *caller, struct pv_physdev_map_pirq *m);
/* unmap_pirq: a GSI masked and free again, an MSI vector disabled and freed. */
int pirq_unmap(struct domain *caller, unsigned domid, int pirq);
/* PHYSDEVOP_setup_gsi (privileged): trigger and polarity of a GSI not yet programmed. */
int pirq_setup_gsi(struct domain *caller, int gsi, unsigned level, unsigned active_low);
/* EVTCHNOP_bind_pirq: a port of d for a pirq mapped to d and in its irq_caps (for a domU:
 * dom0's map_pirq and irq_permission domctl); unmasks its GSI. */
int pirq_bind(struct domain *d, unsigned pirq, unsigned flags, unsigned *port);
/* EVTCHNOP_bind_vcpu moved d's port of pirq to a vCPU on that CPU: an MSI follows it (Xen's
 * pirq_set_affinity; a GSI stays with the boot CPU). */
void pirq_set_cpu(struct domain *d, unsigned pirq, unsigned cpu);
/* PHYSDEVOP_eoi: end a level pirq's service (its GSI unmasked); irq_status_query's flags. */
int pirq_eoi(struct domain *d, unsigned pirq);
int pirq_status(struct domain *d, unsigned pirq, uint32_t *flags);
/* PHYSDEVOP_pirq_eoi_gmfn_v2: d's frame gmfn becomes its EOI bitmap (-EBUSY the second time). */
int pirq_eoi_page(struct domain *d, uint64_t gmfn);
/* A GSI's interrupt (interrupt context, arch/x86/irq.c, before the local APIC's EOI). */
void pirq_raise(unsigned gsi);
/* An MSI slot's vector (interrupt context): an event for its pirq's port, if bound. */
void pirq_raise_msi(unsigned slot);
/* Domain teardown: its GSIs masked and freed, its MSI vectors disabled, its EOI page released. */
void pirq_domain_destroy(struct domain *d);

#endif
