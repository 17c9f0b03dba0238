/* Guest debug registers with Xen's rules: the set_debugreg/get_debugreg hypercalls and the
 * emulated MOV to/from %drN use the same functions. I/O breakpoints (DR7 type 10b, allowed with
 * the guest's CR4.DE) are kept out of the hardware DR7 and matched by the I/O emulation. */
#ifndef HV_DEBUGREG_H
#define HV_DEBUGREG_H
#include "domain.h"

/* struct vcpu.debugreg[]: DR0-DR3, DR6 and DR7 (as loaded into hardware, I/O breakpoints
 * removed) in their own slots. DR4 and DR5 are only aliases, so their slots hold: */
#define DEBUGREG_SLOT_CR4_DE 4 /* nonzero: the guest's virtual CR4.DE is set */
#define DEBUGREG_SLOT_DR7_IO 5 /* DR7 enable bits of the emulated I/O breakpoints */

#define DR6_BS (1u << 14) /* single step */

/* Set register `reg` (0-7) of v; v need not be running. Returns 0, -PV_EPERM (address in the
 * hypervisor range or not canonical, DR7.GD, I/O breakpoint without CR4.DE), -PV_EINVAL (bits
 * 32-63 of DR6/DR7) or -PV_ENODEV (reg > 7, or DR4/DR5 while CR4.DE is set): the emulator turns
 * -PV_ENODEV into #UD and the others into #GP(0). */
long debugreg_set(struct vcpu *v, unsigned reg, uint64_t value);
/* Read register `reg` (DR4/DR5 alias DR6/DR7 unless CR4.DE). 0 or -PV_ENODEV. */
long debugreg_get(struct vcpu *v, unsigned reg, uint64_t *value);
/* Load the hardware debug registers for v, the vCPU being switched in (the core calls it):
 * everything when its DR7 enables a breakpoint, otherwise just DR7 = 0. */
void debugreg_load(struct vcpu *v);
/* Record debug-exception status bits in the guest's DR6 (positive polarity: B0-B3 replace the
 * old ones, the others accumulate), as hardware would on a #DB. */
void debugreg_merge_dr6(struct vcpu *v, uint32_t hits);
/* Which enabled I/O breakpoints (bits 0-3) cover any of ports [port, port + len). */
unsigned debugreg_io_match(const struct vcpu *v, unsigned port, unsigned len);
/* The guest's virtual CR4.DE. */
bool debugreg_cr4_de(const struct vcpu *v);
void debugreg_set_cr4_de(struct vcpu *v, bool on);

#endif
