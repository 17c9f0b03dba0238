/* The arch interface: the only door from generic code (common/, mm/) to the x86 code in arch/x86/
 * (hypervisor/README.md, "Layers"). Every hook is the x86 function itself, under this name. The
 * x86 definitions generic structures embed (register frame, address-space layout, boot
 * information) and the inline CPU helpers (cpu.h, desc.h) come in through here too. */
#ifndef HV_ARCH_H
#define HV_ARCH_H
#include "types.h"
#include "x86/bootinfo.h"
#include "x86/cpu.h"
#include "x86/desc.h"
#include "x86/layout.h"
#include "x86/regs.h"

struct vcpu;
struct percpu;

/* Exit status the launcher sees (QEMU isa-debug-exit maps code c to status 2c+1). */
enum power_exit {
    POWER_EXIT_OK = 0,     /* every domain shut down with poweroff */
    POWER_EXIT_DOMAIN = 1, /* some domain crashed or shut down otherwise */
    POWER_EXIT_PANIC = 2,  /* the hypervisor itself failed */
};

/* Machine interrupts (ioapic.c): GSIs are IO-APIC pins, numbered from 0 below arch_gsi_count. */

unsigned arch_gsi_count(void);
/* A GSI no domain may have: the hypervisor's (the PIT's, GSI 0) or on no IO-APIC. */
bool arch_gsi_reserved(unsigned gsi);
/* Program a GSI's trigger and polarity once; false if it already was (ISA IRQs at boot). */
bool arch_gsi_setup(unsigned gsi, bool level, bool active_low);
bool arch_gsi_is_level(unsigned gsi);
void arch_gsi_mask(unsigned gsi, bool masked);
/* Read a register of the IO-APIC at that physical address; false if there is none. */
bool arch_ioapic_read(uint64_t physbase, unsigned reg, uint32_t *val);

/* PCI functions and their MSI/MSI-X vectors (pci.c); bdf is bus << 8 | devfn, segment 0.
 * Each returns 0 or -PV_E*, with Xen's error for each case. */

#define ARCH_MSI_SLOTS 32 /* MSI vectors the hypervisor hands out */
enum { PCI_OP_ADD, PCI_OP_REMOVE, PCI_OP_PREPARE_MSIX, PCI_OP_RELEASE_MSIX, PCI_OP_RESTORE_MSI };
/* dom0 reports a function (ADD: -ENODEV if absent), its removal (-ENODEV unreported, -EBUSY
 * with vectors), MSI-X tables about to be handed to a guest (PREPARE: read-only from then on,
 * -EBUSY if vectors or prepared) or no longer (RELEASE: -EBUSY unless prepared), or asks for its
 * vectors programmed again (RESTORE_MSI: -ENXIO for MSI-X with memory decoding off). */
int arch_pci_device_op(unsigned op, unsigned seg, unsigned bus, unsigned devfn);
/* dom0 reports an MMCONFIG window (reserved: flags PV_XEN_PCI_MMCFG_RESERVED) or not: -EINVAL
 * (other flags), -ENODEV (no ACPI window with that segment and buses), -EIO (another address). */
struct pv_physdev_pci_mmcfg_reserved;
int arch_pci_mmcfg_reserved(const struct pv_physdev_pci_mmcfg_reserved *r);
/* A vector for bdf's MSI (msix false) or MSI-X table entry `entry` (table_base: the table's BAR,
 * as dom0 sees it): programmed (an MSI-X entry masked) and its slot returned, or -ENODEV (not
 * reported, no such capability), -EINVAL (entry or table_base wrong), -EEXIST (mapped),
 * -EBUSY (the other kind is in use), -ENOSPC (no slot). */
int arch_msi_setup(unsigned bdf, bool msix, unsigned entry, uint64_t table_base);
/* Mask or unmask a slot's MSI-X entry (MSI: nothing); free the slot, its vector disabled. */
void arch_msi_mask(unsigned slot, bool masked);
/* Send a slot's messages to CPU cpu from now on (the boot CPU's at first). */
void arch_msi_set_cpu(unsigned slot, unsigned cpu);
void arch_msi_teardown(unsigned slot);
/* May a domain's new mapping of this I/O frame only be read-only (the HPET, MSI-X tables, the
 * MMCONFIG windows)? */
bool arch_mmio_ro(uint64_t mfn);

/* Machine (power.c, hw_access.c, smpboot.c, cpu_init.c, apic.c). */

/* Turn the machine off with that exit status (console panic, the last domain's end). */
NORETURN void arch_power_off(enum power_exit code);
/* What the boot loader handed over (multiboot.c): the host memory map for dom0, read-only. */
const struct boot_info *arch_boot_info(void);
/* CPUID leaf/sub-leaf into out[] = {eax, ebx, ecx, edx}. */
void arch_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4]);
/* The time-stamp counter (time.c's clock source). */
uint64_t arch_rdtsc(void);
/* Port I/O of size 1, 2 or 4 bytes (the PIT and CMOS RTC read by time.c). */
uint32_t arch_port_in(uint16_t port, unsigned size);
void arch_port_out(uint16_t port, unsigned size, uint32_t val);
/* Processors brought up at boot, and the per-CPU area of CPU cpu. */
unsigned arch_nr_cpus(void);
struct percpu *arch_percpu_of(unsigned cpu);
/* This CPU's one-shot timer interrupt after ns nanoseconds (clamped to the timer's range). */
void arch_timer_oneshot(uint64_t ns);
/* Halt with interrupts on until one arrives (taken before this returns, interrupts off again);
 * with poll, an instruction with interrupts on instead (a step of an idle CPU's polling). */
void arch_idle_halt(bool poll);

/* Cross-CPU requests (ipi.c). */

/* Make CPU cpu pass through its scheduler soon. */
void arch_ipi_resched(unsigned cpu);
/* Flush the TLB of every CPU that may hold translations of domain domid (this one included;
 * DOMID_FREE: of any domain, for frames that were free) and has not flushed since stamp (a tick
 * of arch_tlb_clock_tick; ~0: every such CPU), and wait until they have. */
void arch_ipi_flush_domain_since(uint16_t domid, uint64_t stamp);
/* Advance the TLB flush clock: the stamp of an event that leaves translations behind. */
uint64_t arch_tlb_clock_tick(void);
/* Serve the requests other CPUs left for this one (called from the IPI handler, and from every
 * wait loop so that two CPUs waiting on each other cannot deadlock). */
void arch_ipi_serve(void);

/* vCPU state (context.c, fpu.c, desc_tables.c, bounce.c, hypercall_page.c). */

/* Save the state of the vCPU whose frame is r (it stops running on this CPU). */
void arch_context_save(struct vcpu *prev, struct cpu_regs *r);
/* Load next's state onto this CPU with its frame into r. */
void arch_context_load(struct vcpu *next, struct cpu_regs *r);
/* A new vCPU's FPU state: the power-on default image. */
void arch_fpu_init_vcpu(struct vcpu *v);
/* Drop the descriptor frames a vCPU holds (domain teardown). */
void arch_desc_release(struct vcpu *v);
/* The root of v's current mode was set again: if v runs on this CPU, load it into cr3. */
void arch_vcpu_root_changed(struct vcpu *v);
/* Write the hypercall page's stubs (Xen's layout: one 32-byte stub per hypercall number, int3
 * padding) into the 4 KiB at page. Builder, for a kernel that names a hypercall page. */
void arch_hypercall_page_fill(void *page);

/* The way back to the guest (bounce.c, entry.asm), for the scheduler. */

/* An NMI pending (VCPUOP_send_nmi) and none being handled: enter the trap table's NMI entry
 * (events masked if it says so) and hold further NMIs until the guest's next iret; with no
 * entry the NMI is dropped, as in Xen. */
void arch_bounce_nmi_if_pending(struct vcpu *v, struct cpu_regs *r);
/* Pending events and not masked: enter the event callback. */
void arch_bounce_events_if_pending(struct vcpu *v, struct cpu_regs *r);
/* The guest cannot be resumed as it is (return frame or data selectors unusable): enter its
 * failsafe callback with the selectors sel[] = {DS, ES, FS, GS} in the frame (NULL: the live
 * ones), or crash the domain if it has none. */
void arch_bounce_failsafe(struct vcpu *v, struct cpu_regs *r, const char *why, const uint16_t *sel);
/* Can the exit path resume this frame as it is? True if so. If not, redirect it and return
 * false (check again): unusable CS/SS or a rip in the hypervisor area enter the failsafe
 * callback; a non-canonical rip is the guest's #GP(0) at that rip, as Xen's faulting IRETQ
 * makes it. A non-canonical rsp is resumed as it is (the guest faults when it uses it). */
bool arch_bounce_fix_frame(struct vcpu *v, struct cpu_regs *r);
/* Resume the frame at percpu()->stack_top - sizeof(struct cpu_regs); never returns. */
NORETURN void arch_exit_to_guest(void);
/* The IRETQ of the exit path: a fault there is the guest's frame failing. */
extern char arch_exit_iret_insn[];
/* Copy len bytes from or to a guest address through the page tables loaded now (guest_access.c
 * checks the guest range first): 0, or -1 if a page was missing or read-only (entry.asm; the
 * fault is resumed). */
int arch_copy_from_guest(void *dst, const void *src, size_t len);
int arch_copy_to_guest(void *dst, const void *src, size_t len);

#endif
