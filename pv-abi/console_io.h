/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/console_io.h - the hypervisor console (console_io) and the PV console ring page.
 *
 * console_io(cmd, count, buf): PV_CONSOLEIO_write prints count bytes of buf on the
 * hypervisor console; PV_CONSOLEIO_read reads up to count bytes of console input.
 *
 * The console ring (one page, the console.domU.mfn of start_info): the guest produces output
 * into out[] (advancing out_prod) and consumes input from in[] (advancing in_cons); the
 * backend does the reverse. Indices are free-running uint32_t, masked with the ring size - 1.
 * After producing, write barrier, then notify the console event channel.
 */
#ifndef PV_ABI_CONSOLE_IO_H
#define PV_ABI_CONSOLE_IO_H

#include <stdint.h>

/* console_io sub-operations. */
#define PV_CONSOLEIO_write 0 /* (count, buf): write count bytes */
#define PV_CONSOLEIO_read 1  /* (count, buf): read up to count bytes; returns bytes read */

/* Ring index type and masking helper: PV_MASK_XENCONS_IDX(idx, ring->out). */
typedef uint32_t pv_xencons_ring_idx_t;
#define PV_MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

/* Values of pv_xencons_interface.connection, written by the backend. */
#define PV_XENCONSOLE_CONNECTED 0    /* the backend services the ring */
#define PV_XENCONSOLE_DISCONNECTED 1 /* nobody empties the ring (yet) */
/* Shorter spellings. */
#define PV_XENCONS_CONNECTED PV_XENCONSOLE_CONNECTED
#define PV_XENCONS_DISCONNECTED PV_XENCONSOLE_DISCONNECTED

/* The console ring page (3092 bytes used). */
struct pv_xencons_interface {
    char in[1024];                  /* input: backend produces, guest consumes */
    char out[2048];                 /* output: guest produces, backend consumes */
    pv_xencons_ring_idx_t in_cons;  /* guest: input consumed up to here */
    pv_xencons_ring_idx_t in_prod;  /* backend: input produced up to here */
    pv_xencons_ring_idx_t out_cons; /* backend: output consumed up to here */
    pv_xencons_ring_idx_t out_prod; /* guest: output produced up to here */
    uint8_t connection;             /* backend: PV_XENCONSOLE_* (newer Xen; 0 before) */
};

#endif /* PV_ABI_CONSOLE_IO_H */
