/* The PV domain builder for boot-time domains (Xen's start-of-day contract, docs/porting.md §2). */
#ifndef HV_BUILDER_H
#define HV_BUILDER_H
#include "arch.h"

/* Build and start domain `domid` from a multiboot module, with the ramdisk module `initrd` (or
 * NULL); on refusal prints the reason and returns a negative errno, leaving no trace of the
 * domain. dom0 is NULL for an unprivileged domain; for the initial domain it is the hypervisor
 * command line (dom0_mem=, dom0_max_vcpus=; docs/boot.md): the domain is then privileged, gets
 * SIF_INITDOMAIN, no console or xenstore ring, and its kernel must support XENFEAT_dom0. */
int builder_boot_module(unsigned domid, const struct boot_module *m,
                        const struct boot_module *initrd, const char *dom0);

#endif
