/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/multicall.h - batches of hypercalls: multicall(entries[], count).
 *
 * The hypervisor runs each entry in order as if issued separately and writes its return value
 * into .result. The multicall itself returns 0, or a negative error if the batch could not be
 * read. An iret inside a batch ends it.
 */
#ifndef PV_ABI_MULTICALL_H
#define PV_ABI_MULTICALL_H

#include <stdint.h>

/* One batched hypercall (64 bytes). */
struct pv_multicall_entry {
    uint64_t op;      /* IN: PV_HYPERCALL_* */
    uint64_t result;  /* OUT: return value of that hypercall */
    uint64_t args[6]; /* IN: its arguments (at most 5 are used) */
};

#endif /* PV_ABI_MULTICALL_H */
