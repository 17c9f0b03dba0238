/* Consoles of boot-time domains: console_io output, the console rings the hypervisor drains,
 * and serial input routed to one chosen domain (Ctrl-A three times switches it). */
#ifndef HV_CONRING_H
#define HV_CONRING_H
#include "domain.h"

/* Emit guest console bytes, prefixed per line with the domain id. */
void conring_guest_write(struct domain *d, const char *buf, size_t len);
/* Copy pending output from every running domain's console ring to serial. */
void conring_drain_all(void);
/* Poll the serial port and feed input to the domain that has the focus. */
void conring_poll_input(void);
/* The guest sent on its console port (the hypervisor end of it): copy its output now. */
void conring_notify(struct domain *d, unsigned port);
/* CONSOLEIO_read of the initial domain: up to len bytes of serial input it has the focus for
 * (it has no ring; each byte raised its VIRQ_CONSOLE). Returns the count copied. */
size_t conring_read(char *buf, size_t len);
/* A boot-time domain registers its ring (mapped by the hypervisor); focus if asked. */
void conring_attach(struct domain *d, bool focus);

#endif
