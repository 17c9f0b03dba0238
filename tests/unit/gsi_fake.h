/* Host stand-in for the machine's GSIs (the arch_gsi_* hooks of arch/x86/ioapic.c): 24 GSIs,
 * ISA ones (0-15) programmed edge at boot, GSI 9 level, GSIs 0 and 2 the hypervisor's; and for
 * the arch_msi_*, arch_pci_device_op and arch_pci_mmcfg_reserved hooks (gsi_fake.c says what
 * they accept). */
#ifndef TEST_GSI_FAKE_H
#define TEST_GSI_FAKE_H
#include <stdbool.h>

#define GSIF_NR 24
#define GSIF_IOAPIC 0xfec00000UL

struct gsif_state {
    bool masked[GSIF_NR], level[GSIF_NR], programmed[GSIF_NR];
    unsigned unmasks[GSIF_NR]; /* arch_gsi_mask(gsi, false) calls */
    bool ready;                /* gsif_reset() ran */
    bool msi_used[32], msi_masked[32]; /* arch_msi_* slots (ARCH_MSI_SLOTS) */
    unsigned msi_cpu[32];              /* arch_msi_set_cpu's last CPU for each */
    unsigned pci_ops; /* arch_pci_device_op and arch_pci_mmcfg_reserved calls */
};
extern struct gsif_state gsif;

/* Boot state: every GSI masked, 0-15 programmed (9 level), the rest not. */
void gsif_reset(void);

#endif
