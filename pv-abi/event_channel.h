/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/event_channel.h - event channels: event_channel_op(cmd, arg), virtual IRQs.
 *
 * An event channel is a port number in the calling domain. Notifications set the port's bit in
 * shared_info.evtchn_pending and raise an upcall (see shared_info.h for the 2-level delivery
 * protocol). Port 0 is never a valid channel.
 */
#ifndef PV_ABI_EVENT_CHANNEL_H
#define PV_ABI_EVENT_CHANNEL_H

#include <stdint.h>

#include "hypercall.h"

/* An event channel port. */
typedef uint32_t pv_evtchn_port_t;

/* Sub-operations (cmd) and their argument. */
#define PV_EVTCHNOP_bind_interdomain 0 /* struct pv_evtchn_bind_interdomain */
#define PV_EVTCHNOP_bind_virq 1        /* struct pv_evtchn_bind_virq */
#define PV_EVTCHNOP_bind_pirq 2        /* struct pv_evtchn_bind_pirq */
#define PV_EVTCHNOP_close 3            /* struct pv_evtchn_close */
#define PV_EVTCHNOP_send 4             /* struct pv_evtchn_send */
#define PV_EVTCHNOP_status 5           /* struct pv_evtchn_status */
#define PV_EVTCHNOP_alloc_unbound 6    /* struct pv_evtchn_alloc_unbound */
#define PV_EVTCHNOP_bind_ipi 7         /* struct pv_evtchn_bind_ipi */
#define PV_EVTCHNOP_bind_vcpu 8        /* struct pv_evtchn_bind_vcpu */
#define PV_EVTCHNOP_unmask 9           /* struct pv_evtchn_unmask */
#define PV_EVTCHNOP_reset 10           /* struct pv_evtchn_reset */
#define PV_EVTCHNOP_init_control 11    /* struct pv_evtchn_init_control (FIFO ABI) */
#define PV_EVTCHNOP_expand_array 12    /* struct pv_evtchn_expand_array (FIFO ABI) */
#define PV_EVTCHNOP_set_priority 13    /* struct pv_evtchn_set_priority (FIFO ABI) */
#define PV_EVTCHNOP_reset_cont 14      /* continuation of reset; hypervisor-internal */

/* Virtual IRQs (bind with PV_EVTCHNOP_bind_virq). V: per vCPU; G: global, dom0 only. */
#define PV_VIRQ_TIMER 0      /* V: the vCPU's timer fired */
#define PV_VIRQ_DEBUG 1      /* V: dump debug state */
#define PV_VIRQ_CONSOLE 2    /* G: input on the hypervisor console */
#define PV_VIRQ_DOM_EXC 3    /* G: a domain changed state (shutdown, crash) */
#define PV_VIRQ_TBUF 4       /* G: trace buffer records available */
#define PV_VIRQ_DEBUGGER 6   /* G: a domain paused for debugging */
#define PV_VIRQ_XENOPROF 7   /* V: profiling sample available */
#define PV_VIRQ_CON_RING 8   /* G: hypervisor console ring has data */
#define PV_VIRQ_PCPU_STATE 9 /* G: physical CPU state changed */
#define PV_VIRQ_MEM_EVENT 10 /* G: memory event */
#define PV_VIRQ_ARGO 11      /* G: argo message */
#define PV_VIRQ_ENOMEM 12    /* G: hypervisor low on memory */
#define PV_VIRQ_XENPMU 13    /* V: PMU interrupt */
#define PV_VIRQ_ARCH_0 16    /* architecture-specific (x86: machine check) */
#define PV_VIRQ_ARCH_1 17
#define PV_VIRQ_ARCH_2 18
#define PV_VIRQ_ARCH_3 19
#define PV_VIRQ_ARCH_4 20
#define PV_VIRQ_ARCH_5 21
#define PV_VIRQ_ARCH_6 22
#define PV_VIRQ_ARCH_7 23
#define PV_NR_VIRQS 24

/* Number of ports of the 2-level ABI on x86-64 (64 words of 64 bits). */
#define PV_EVTCHN_2L_NR_CHANNELS 4096

/* PV_EVTCHNOP_alloc_unbound (12 bytes): a port that remote_dom may bind to. */
struct pv_evtchn_alloc_unbound {
    pv_domid_t dom;        /* IN: PV_DOMID_SELF (or a domain, if privileged) */
    pv_domid_t remote_dom; /* IN: domain allowed to connect */
    pv_evtchn_port_t port; /* OUT: the new port */
};

/* PV_EVTCHNOP_bind_interdomain (12 bytes): connect to remote_dom's unbound port. */
struct pv_evtchn_bind_interdomain {
    pv_domid_t remote_dom;        /* IN: peer domain */
    uint16_t pad;                 /* padding */
    pv_evtchn_port_t remote_port; /* IN: the peer's unbound port */
    pv_evtchn_port_t local_port;  /* OUT: our new port */
};

/* PV_EVTCHNOP_bind_virq (12 bytes). */
struct pv_evtchn_bind_virq {
    uint32_t virq;         /* IN: PV_VIRQ_* */
    uint32_t vcpu;         /* IN: vCPU to notify */
    pv_evtchn_port_t port; /* OUT: the new port */
};

/* PV_EVTCHNOP_bind_pirq (12 bytes). */
struct pv_evtchn_bind_pirq {
    uint32_t pirq;         /* IN: physical IRQ */
    uint32_t flags;        /* IN: PV_BIND_PIRQ__* */
    pv_evtchn_port_t port; /* OUT: the new port */
};
#define PV_BIND_PIRQ__WILL_SHARE 1 /* the IRQ may be shared with other domains */

/* PV_EVTCHNOP_bind_ipi (8 bytes). */
struct pv_evtchn_bind_ipi {
    uint32_t vcpu;         /* IN: vCPU to notify */
    pv_evtchn_port_t port; /* OUT: the new port */
};

/* PV_EVTCHNOP_close (4 bytes). IN. */
struct pv_evtchn_close {
    pv_evtchn_port_t port; /* port to close */
};

/* PV_EVTCHNOP_send (4 bytes). IN. */
struct pv_evtchn_send {
    pv_evtchn_port_t port; /* port whose other end to notify */
};

/* Values of pv_evtchn_status.status. */
#define PV_EVTCHNSTAT_closed 0      /* not in use */
#define PV_EVTCHNSTAT_unbound 1     /* waiting for a remote domain to bind */
#define PV_EVTCHNSTAT_interdomain 2 /* connected to a remote domain */
#define PV_EVTCHNSTAT_pirq 3        /* bound to a physical IRQ */
#define PV_EVTCHNSTAT_virq 4        /* bound to a virtual IRQ */
#define PV_EVTCHNSTAT_ipi 5         /* bound to an IPI */

/* PV_EVTCHNOP_status (24 bytes). */
struct pv_evtchn_status {
    pv_domid_t dom;        /* IN: PV_DOMID_SELF (or a domain, if privileged) */
    uint16_t pad;          /* padding */
    pv_evtchn_port_t port; /* IN: port to query */
    uint32_t status;       /* OUT: PV_EVTCHNSTAT_* */
    uint32_t vcpu;         /* OUT: vCPU notified */
    union {
        struct {
            pv_domid_t dom; /* domain allowed to bind */
        } unbound;          /* PV_EVTCHNSTAT_unbound */
        struct {
            pv_domid_t dom;        /* peer domain */
            uint16_t pad;          /* padding */
            pv_evtchn_port_t port; /* peer port */
        } interdomain;             /* PV_EVTCHNSTAT_interdomain */
        uint32_t pirq;             /* PV_EVTCHNSTAT_pirq */
        uint32_t virq;             /* PV_EVTCHNSTAT_virq */
    } u;                           /* OUT */
};

/* PV_EVTCHNOP_bind_vcpu (8 bytes). All IN. */
struct pv_evtchn_bind_vcpu {
    pv_evtchn_port_t port; /* port to retarget */
    uint32_t vcpu;         /* vCPU to notify from now on */
};

/* PV_EVTCHNOP_unmask (4 bytes). IN. Clears the mask bit and re-raises a pending event. */
struct pv_evtchn_unmask {
    pv_evtchn_port_t port; /* port to unmask */
};

/* PV_EVTCHNOP_reset (2 bytes). IN. Closes every port of the domain. */
struct pv_evtchn_reset {
    pv_domid_t dom; /* PV_DOMID_SELF (or a domain, if privileged) */
};

/* PV_EVTCHNOP_init_control (24 bytes): switch to the FIFO ABI. */
struct pv_evtchn_init_control {
    uint64_t control_gfn; /* IN: frame holding the control block */
    uint32_t offset;      /* IN: offset of the control block in that frame */
    uint32_t vcpu;        /* IN: vCPU the control block is for */
    uint8_t link_bits;    /* OUT: bits in a link field */
    uint8_t _pad[7];      /* padding */
};

/* PV_EVTCHNOP_expand_array (8 bytes). IN. */
struct pv_evtchn_expand_array {
    uint64_t array_gfn; /* frame to add to the FIFO event array */
};

/* PV_EVTCHNOP_set_priority (8 bytes). All IN. */
struct pv_evtchn_set_priority {
    pv_evtchn_port_t port; /* port */
    uint32_t priority;     /* PV_EVTCHN_FIFO_PRIORITY_MAX (0) .. _MIN (15) */
};

/* FIFO ABI constants. */
#define PV_EVTCHN_FIFO_PRIORITY_MAX 0
#define PV_EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define PV_EVTCHN_FIFO_PRIORITY_MIN 15
#define PV_EVTCHN_FIFO_MAX_QUEUES (PV_EVTCHN_FIFO_PRIORITY_MIN + 1)
#define PV_EVTCHN_FIFO_PENDING 31 /* bit numbers in an event word */
#define PV_EVTCHN_FIFO_MASKED 30
#define PV_EVTCHN_FIFO_LINKED 29
#define PV_EVTCHN_FIFO_BUSY 28
#define PV_EVTCHN_FIFO_LINK_BITS 17
#define PV_EVTCHN_FIFO_LINK_MASK ((1 << PV_EVTCHN_FIFO_LINK_BITS) - 1)
#define PV_EVTCHN_FIFO_NR_CHANNELS (1 << PV_EVTCHN_FIFO_LINK_BITS)

/* A FIFO event word (one per port, 1024 to a page of the event array): the bits above and, in
 * the low PV_EVTCHN_FIFO_LINK_BITS, the next port of the queue the event is linked on. */
typedef uint32_t pv_event_word_t;

/* The per-vCPU FIFO control block (72 bytes, 8-byte aligned inside one page; init_control). */
struct pv_evtchn_fifo_control_block {
    uint32_t ready;                                 /* bit q: queue q may be non-empty */
    uint32_t _rsvd;                                 /* reserved */
    pv_evtchn_port_t head[PV_EVTCHN_FIFO_MAX_QUEUES]; /* first port of each queue, 0 empty */
};

#endif /* PV_ABI_EVENT_CHANNEL_H */
