/* What of the machine's I/O a domain may reach: ports, I/O memory frames and GSIs, each a
 * rangeset of struct domain (Xen's I/O capabilities). */
#ifndef HV_IOPORT_H
#define HV_IOPORT_H
#include "domain.h"

/* May d access ports [port, port + size) on the real hardware? Where not, its emulated IN
 * reads all ones and its OUT is dropped (once its virtual IOPL allows the instruction). Never
 * the hypervisor's own ports, whatever d's ranges say. */
bool domain_ioport_allowed(struct domain *d, unsigned port, unsigned size);
/* The initial domain's capabilities (Xen's dom0_setup_permissions): every port but the
 * hypervisor's, every frame below max_mfn but the interrupt controllers' windows (RAM is told
 * apart by its owner, mm/page_table.c), every GSI the hypervisor does not keep. */
int iocaps_init_dom0(struct domain *d, uint64_t max_mfn);
/* Reap: d holds nothing any more. */
void iocaps_destroy(struct domain *d);

#endif
