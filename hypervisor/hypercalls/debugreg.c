/* set_debugreg (8) and get_debugreg (9): the calling vCPU's debug registers (debugreg.h). */
#include "x86/debugreg.h"
#include "hypercall_table.h"

/* set_debugreg(reg, value): 0, -PV_EPERM, -PV_EINVAL or -PV_ENODEV (see debugreg_set). */
long hc_set_debugreg(struct vcpu *v, int reg, unsigned long value)
{
    return debugreg_set(v, (uint32_t)reg, value);
}

/* get_debugreg(reg): the register's value itself, or -PV_ENODEV. */
long hc_get_debugreg(struct vcpu *v, int reg)
{
    uint64_t value;
    long rc = debugreg_get(v, (uint32_t)reg, &value);

    return rc ? rc : (long)value;
}
