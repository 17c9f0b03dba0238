/* The hypervisor's boot sequence, in order. */
#include "x86/bootinfo.h"
#include "cmdline.h"
#include "builder.h"
#include "console.h"
#include "x86/acpi.h"
#include "x86/cpuid.h"
#include "domain.h"
#include "frame.h"
#include "x86/irq.h"
#include "x86/layout.h"
#include "paging.h"
#include "sched.h"
#include "smp.h"
#include "testhook.h"
#include "time.h"
#include "x86/cpu.h"
#include "x86/desc.h"

void hv_main(uint32_t magic, uint32_t mbi);

static struct boot_info boot_info;
uint8_t boot_stack[HV_STACK_SIZE] ALIGNED(4096);
uint8_t *const boot_stack_top = boot_stack + HV_STACK_SIZE;

/* As in Xen, the first MiB and every frame outside the RAM map belong to DOMID_IO. */
static void mark_io_frames(void)
{
    uint64_t prev_end = 0;

    for (unsigned i = 0; i <= boot_info.nr_ram; i++) {
        uint64_t start = i < boot_info.nr_ram ? boot_info.ram[i].start : boot_info.max_phys;

        for (uint64_t pa = prev_end; pa < start; pa += PAGE_SIZE)
            frame_info(pa >> PAGE_SHIFT)->owner = DOMID_IO;
        if (i < boot_info.nr_ram)
            prev_end = MAX(prev_end, boot_info.ram[i].end);
    }
    for (uint64_t pfn = 0; pfn < 256 && pfn < frame_nr; pfn++)
        frame_info(pfn)->owner = DOMID_IO;
}

/* RAM not used by the hypervisor image, its boot allocations or the modules becomes free. */
static void free_boot_memory(uint64_t reserved_end)
{
    for (unsigned i = 0; i < boot_info.nr_ram; i++) {
        uint64_t s = MAX(boot_info.ram[i].start, reserved_end), e = boot_info.ram[i].end;

        for (unsigned m = 0; m < boot_info.nr_mods; m++)
            if (boot_info.mods[m].end > s && boot_info.mods[m].start < e && boot_info.mods[m].start >= s)
                e = MIN(e, boot_info.mods[m].start & PAGE_MASK);
        if (e > s)
            frame_add_free(s >> PAGE_SHIFT, (e - s) >> PAGE_SHIFT);
    }
}

/* One domain per kernel module, domids from 1 in their order; a module "<path> initrd" is the
 * ramdisk of the kernel module right before it. With "dom0" on the hypervisor command line the
 * first kernel module becomes the initial domain, domid 0 (docs/boot.md). */
static void boot_domains(void)
{
    const struct boot_module *mods = boot_info.mods;
    const char *dom0 = cmdline_get(boot_info.cmdline, "dom0", NULL, 0) ? boot_info.cmdline : NULL;
    unsigned started = 0, tried = 0, domid = dom0 ? 0 : DOMID_FIRST_BOOT;

    for (unsigned i = 0; i < boot_info.nr_mods; i++) {
        const struct boot_module *initrd = NULL;

        if (cmdline_module_is_initrd(mods[i].cmdline)) {
            printk("(hv) module %u (%s) refused: an initrd with no kernel module before it\n",
                   i + 1, mods[i].cmdline);
            continue;
        }
        if (i + 1 < boot_info.nr_mods && cmdline_module_is_initrd(mods[i + 1].cmdline))
            initrd = &mods[i + 1];
        started += builder_boot_module(domid, &mods[i], initrd, domid ? NULL : dom0) == 0;
        domid++, tried++;
        i += initrd != NULL;
    }
    printk("(hv) %u of %u boot-time domains started\n", started, tried);
}

void hv_main(uint32_t magic, uint32_t mbi)
{
    uint64_t reserved_end;

    testhook_boot(TESTHOOK_ENTRY, &boot_info); /* test image: the entry TSC */
    console_init();                          /* serial first: everything after can report */
    printk("(hv) hypervisor starting\n");
    bootinfo_parse(magic, mbi, &boot_info);  /* memory map, modules, command line */
    paging_init(&boot_info, &reserved_end);  /* own page tables, direct map, M2P */
    frame_init(paging_frame_table(), boot_info.max_phys >> PAGE_SHIFT);
    free_boot_memory(reserved_end);          /* the free pool */
    mark_io_frames();                        /* firmware and holes: DOMID_IO */
    cpu_init(0, (uint64_t)boot_stack_top);   /* GDT, IDT, TSS, SYSCALL, per-CPU data */
    cpuid_faulting_enable();                 /* guest CPUID traps into the policy */
    time_init(acpi_pm_timer_port());         /* TSC calibrated: ACPI PM timer, else PIT */
    irq_init();                              /* PIC masked, local APIC and its timer */
    printk("(hv) %lu MiB RAM, %lu frames free, %u modules\n", boot_info.max_phys >> 20,
           frame_free_count(), boot_info.nr_mods);
    testhook_boot(TESTHOOK_CPU0_READY, &boot_info); /* test image: one-CPU references */
    smp_boot_aps();                          /* the other CPUs wait in the scheduler */
    testhook_boot(TESTHOOK_SMP_READY, &boot_info); /* test image: IPI reference */
    domains_mark_start();                    /* frame accounting for the end */
    boot_domains();                          /* one domain per module: dom0, then 1, 2... */
    testhook_boot(TESTHOOK_DOMAINS_BUILT, &boot_info); /* test image: lifecycle test */
    irq_start_tick();                        /* this CPU's timer */
    sched_start();                           /* run guests; never returns */
}
