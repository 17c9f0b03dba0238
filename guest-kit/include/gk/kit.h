/* guest-kit: the minimal 64-bit PV guest kit. Include this one header. */
#ifndef GK_KIT_H
#define GK_KIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/format.h"
#include "lib/string.h"
#include "pv-abi/pv.h"

#include "gk/console.h"
#include "gk/desc.h"
#include "gk/events.h"
#include "gk/hypercall.h"
#include "gk/mm.h"
#include "gk/pt.h"
#include "gk/smp.h"
#include "gk/thread.h"
#include "gk/time.h"
#include "gk/traps.h"
#include "gk/user.h"

/* Where the image is linked: pfn 0 is mapped here (the VIRT_BASE note). */
#define GK_VIRT_BASE 0xffffffff80000000ULL
#define GK_PAGE_SIZE 4096ULL

/* The guest's entry point, called once the kit has booted (see README.md). Returning powers
 * the domain off. Test guests get it from GK_TEST() (gk/test.h). */
void gk_main(void);

/* The start_info page the domain builder handed over (mapped in the initial region). */
extern const struct pv_start_info *gk_start_info;

/* True if the domain is dom0 (PV_SIF_INITDOMAIN). */
bool gk_is_initdomain(void);

/* Find "key=value" in the domain command line: copy value (NUL-terminated) into buf and return
 * true, or return false. A bare "key" yields "". */
bool gk_cmdline_get(const char *key, char *buf, size_t size);

/* Stop the domain with a PV_SHUTDOWN_* reason. Returns only if the hypercall fails. */
long gk_shutdown(unsigned int reason);

/* Power off; if the hypervisor refuses, spin (yielding) forever. */
__attribute__((noreturn)) void gk_poweroff(void);

/* Print "guest-kit: panic: <message>" and crash the domain (a running test reports FAIL and
 * powers off instead). */
__attribute__((noreturn, format(printf, 1, 2))) void gk_panic(const char *fmt, ...);

#endif /* GK_KIT_H */
