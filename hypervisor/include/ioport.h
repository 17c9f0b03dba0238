/* Which machine I/O ports a domain may reach directly. */
#ifndef HV_IOPORT_H
#define HV_IOPORT_H
#include "domain.h"

/* May d access ports [port, port + size) on the real hardware? Where not, its emulated IN
 * reads all ones and its OUT is dropped (once its virtual IOPL allows the instruction). */
bool domain_ioport_allowed(struct domain *d, unsigned port, unsigned size);

#endif
