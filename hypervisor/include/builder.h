/* The PV domain builder for boot-time domains (Xen's start-of-day contract, ABI reference §3). */
#ifndef HV_BUILDER_H
#define HV_BUILDER_H
#include "bootinfo.h"

/* XENFEAT bits this hypervisor can give a PV guest (for FEATURES "!required" checks). */
#define BUILDER_FEATURES_SUPPORTED 0x000000e0u

/* Build and start domain `domid` from a multiboot module; on refusal prints the reason and
 * returns a negative errno, leaving no trace of the domain. */
int builder_boot_module(unsigned domid, const struct boot_module *m);

#endif
