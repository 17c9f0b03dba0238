/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/vm_assist.h - optional hypervisor assists: vm_assist(cmd, type).
 */
#ifndef PV_ABI_VM_ASSIST_H
#define PV_ABI_VM_ASSIST_H

/* Commands. */
#define PV_VMASST_CMD_enable 0  /* turn the assist on */
#define PV_VMASST_CMD_disable 1 /* turn the assist off */

/* Assist types. */
#define PV_VMASST_TYPE_4gb_segments 0         /* 32-bit guests only */
#define PV_VMASST_TYPE_4gb_segments_notify 1  /* 32-bit guests only */
#define PV_VMASST_TYPE_writable_pagetables 2  /* emulate direct guest writes to L1 page tables */
#define PV_VMASST_TYPE_pae_extended_cr3 3     /* 32-bit PAE guests only */
#define PV_VMASST_TYPE_architectural_iopl 4   /* virtual IOPL follows rflags on iret */
#define PV_VMASST_TYPE_runstate_update_flag 5 /* mark runstate updates in state_entry_time */
#define PV_VMASST_TYPE_m2p_strict 32          /* hide the M2P from user page tables */

#endif /* PV_ABI_VM_ASSIST_H */
