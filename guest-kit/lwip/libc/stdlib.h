/* guest-kit/lwip: <stdlib.h> for lwIP: only what its core and httpd call. */
#ifndef GK_LWIP_STDLIB_H
#define GK_LWIP_STDLIB_H

#include <stddef.h>

int atoi(const char *s);

#endif /* GK_LWIP_STDLIB_H */
