/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/pv.h - the whole x86-64 PV ABI in one include.
 */
#ifndef PV_ABI_PV_H
#define PV_ABI_PV_H

#include "arch_x86.h"
#include "callback_op.h"
#include "console_io.h"
#include "domctl.h"
#include "elfnote.h"
#include "errno.h"
#include "event_channel.h"
#include "grant_table.h"
#include "hypercall.h"
#include "io_blkif.h"
#include "io_netif.h"
#include "io_xenstore.h"
#include "memory_op.h"
#include "mmu.h"
#include "multicall.h"
#include "physdev_op.h"
#include "platform_op.h"
#include "sched_op.h"
#include "shared_info.h"
#include "start_info.h"
#include "sysctl.h"
#include "vcpu_op.h"
#include "vm_assist.h"
#include "xen_version.h"
#include "xs_wire.h"

#endif /* PV_ABI_PV_H */
