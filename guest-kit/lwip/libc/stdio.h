/* guest-kit/lwip: <stdio.h> for lwIP: its diagnostics go through LWIP_PLATFORM_DIAG (arch/cc.h);
 * snprintf is the freestanding library's. */
#ifndef GK_LWIP_STDIO_H
#define GK_LWIP_STDIO_H

#include <stddef.h>

int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* GK_LWIP_STDIO_H */
