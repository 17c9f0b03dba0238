/* guest-kit: more vCPUs (VCPUOP_initialise + VCPUOP_up) and IPIs between them. */
#ifndef GK_SMP_H
#define GK_SMP_H

#include <stdint.h>

#include "gk/events.h"

/* vCPUs the domain has (the hypervisor answers VCPUOP_is_up for ids below it). */
unsigned int gk_smp_nr_cpus(void);

/* Bring vCPU cpu (1 .. GK_MAX_CPUS-1) up running fn(arg) on a stack of its own, with the
 * kit's trap table, event/failsafe/syscall callbacks, the kernel page tables and events
 * masked (its vcpu_info is shared_info.vcpu_info[cpu]). When fn returns, the vCPU takes
 * itself down (VCPUOP_down). Returns 0 or the hypercall's error. */
long gk_smp_up(unsigned int cpu, void (*fn)(void *arg), void *arg);

/* True while vCPU cpu is up (VCPUOP_is_up). */
bool gk_smp_is_up(unsigned int cpu);

/* An IPI port notifying vCPU cpu, with handler (may be NULL: then only counted and seen
 * pending); send on it from any vCPU with gk_event_send(). */
long gk_ipi_bind(unsigned int cpu, gk_event_handler_t handler, void *arg, uint32_t *port);

#endif /* GK_SMP_H */
