/* Turning the machine off at the end, with an exit status QEMU passes to its caller. */
#ifndef HV_POWER_H
#define HV_POWER_H
#include "types.h"

/* Exit status the launcher sees (QEMU isa-debug-exit maps code c to status 2c+1). */
enum power_exit {
    POWER_EXIT_OK = 0,      /* every domain shut down with poweroff */
    POWER_EXIT_DOMAIN = 1,  /* some domain crashed or shut down otherwise */
    POWER_EXIT_PANIC = 2,   /* the hypervisor itself failed */
};

NORETURN void power_off(enum power_exit code);

#endif
