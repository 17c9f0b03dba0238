/* Inter-processor requests: rescheduling kicks and TLB shootdowns. */
#ifndef HV_IPI_H
#define HV_IPI_H
#include "types.h"

/* Make CPU cpu pass through its scheduler soon. */
void ipi_resched(unsigned cpu);
/* Flush the TLB of every CPU that may hold translations of domain domid (this one included),
 * and wait until they have. */
void ipi_flush_domain(uint16_t domid);
/* Serve the requests other CPUs left for this one (called from the IPI handler, and from every
 * wait loop so that two CPUs waiting on each other cannot deadlock). */
void ipi_serve(void);

#endif
