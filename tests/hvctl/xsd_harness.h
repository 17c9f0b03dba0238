/* tests/hvctl's xenstored: build/bin/xenstored on a private socket for one test program, and a
 * snapshot of its whole tree (every node, value and permission). */
#ifndef XSD_HARNESS_H
#define XSD_HARNESS_H

#include "dom0-tools/libxenstore/include/xenstore.h"

extern struct xs_handle *xs;

/* cmocka group setup and teardown: start the daemon (XENSTORED_PATH set), open xs; stop it. */
int xsd_start(void **state);
int xsd_stop(void **state);

/* Every node as "path=value perms\n", depth first (malloc()ed). */
char *xsd_snapshot(void);

#endif
