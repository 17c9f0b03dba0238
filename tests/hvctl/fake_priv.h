/* A stand-in for the hypervisor behind libhv's priv.h and build.h, for testing the operations
 * (ops.c, monitor.c) on the build host: domains in a table, and any call made to fail. */
#ifndef FAKE_PRIV_H
#define FAKE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#define FAKE_MAX 16

struct fake_dom {
    bool exists, shutdown, built;
    unsigned reason, pauses, max_vcpus;
    uint64_t max_kib, pages;
    uint8_t handle[16];
    uint32_t weight, cap;
    unsigned ioports, iomem, pirqs, irqs; /* grants (and GSIs mapped) it received */
    uint32_t suspend_port;  /* a port unbound for dom0 (0: none): the one a notify may bind */
    bool suspend_on_notify; /* the notify on it suspends the domain */
    unsigned notifies;
};

extern struct fake_dom fake_doms[FAKE_MAX];
extern const char *fake_fail;      /* the name of the call that fails (e.g. "max_mem"), or NULL */
extern int fake_fail_rc;
extern int fake_new_shutdown;      /* >= 0: domains created from now on are shut down so */
extern unsigned fake_creates, fake_destroys;

void fake_reset(void);
unsigned fake_count(void);

#endif
