/*
 * dom0-tools/xenstored/xsd_plat.h - what the xenstored core needs from the platform it runs on.
 *
 * The core (every .c file here outside linux/) uses nothing from a C library but memcpy,
 * memmove, memset and memcmp, and <stdint.h>/<stddef.h>/<stdbool.h>/<stdarg.h>. Everything
 * else comes through these three calls, which the Linux program (linux/plat.c), the unit tests
 * and, later, the dom0 build (on guest-kit) each define.
 */
#ifndef XSD_PLAT_H
#define XSD_PLAT_H

#include <stddef.h>

/* Memory for nodes, messages, watches and transactions; NULL when there is none. */
void *xsd_plat_alloc(size_t size);
void xsd_plat_free(void *p);

/* One log line (no newline at the end). */
void xsd_plat_log(const char *line);

#endif /* XSD_PLAT_H */
