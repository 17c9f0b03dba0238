/* Machine I/O port permissions of domains: dom0 reaches every port but the hypervisor's own. */
#include "ioport.h"

/* Ports the hypervisor drives itself (Xen's dom0_setup_permissions deny list, adapted): the
 * PICs, the PIT and the speaker gate (time calibration), its serial console COM1 and QEMU's
 * debug-exit device. PCI configuration (0xcf8-0xcff) and the CMOS RTC (0x70-0x71) pass through:
 * the hypervisor reads the RTC once at boot, before dom0 runs, and never touches PCI. */
static const struct {
    uint16_t first, last;
} hv_ports[] = {
    {0x20, 0x21}, {0xa0, 0xa1}, {0x40, 0x43}, {0x61, 0x61}, {0x3f8, 0x3ff}, {0xf4, 0xf7},
};

bool domain_ioport_allowed(struct domain *d, unsigned port, unsigned size)
{
    if (!d->privileged || port + size > 0x10000)
        return false;
    for (unsigned i = 0; i < sizeof(hv_ports) / sizeof(hv_ports[0]); i++)
        if (port <= hv_ports[i].last && port + size > hv_ports[i].first)
            return false;
    return true;
}
