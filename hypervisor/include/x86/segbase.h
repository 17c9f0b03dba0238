/* Guest segment bases (arch/x86/segbase.c), for set_segment_base and the FS/GS base MSRs. */
#ifndef HV_SEGBASE_H
#define HV_SEGBASE_H
#include "domain.h"

/* which: PV_SEGBASE_FS, GS_USER, GS_KERNEL, GS_USER_SEL. Returns 0 or -PV_EINVAL. */
int segbase_set(struct vcpu *v, unsigned which, uint64_t base);

#endif
