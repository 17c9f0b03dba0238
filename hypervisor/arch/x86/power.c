/* Power-off: QEMU's isa-debug-exit port carries the status, then ACPI-less fallbacks, then halt;
 * and the idle halt. */
#include "arch.h"
#include "x86/cpu.h"

#define DEBUG_EXIT_PORT 0xf4

void arch_power_off(enum power_exit code)
{
    __asm__ volatile("cli");
    outl(DEBUG_EXIT_PORT, (uint32_t)code); /* QEMU -device isa-debug-exit: exits with 2*code+1 */
    outw(0x604, 0x2000);                   /* QEMU q35/piix ACPI PM1a poweroff */
    outw(0xb004, 0x2000);                  /* older QEMU / Bochs */
    for (;;)
        __asm__ volatile("hlt");
}

void arch_idle_halt(bool poll)
{
    if (poll)
        __asm__ volatile("sti; nop; cli" ::: "memory"); /* taken after the nop (no pause) */
    else
        __asm__ volatile("sti; hlt; cli" ::: "memory"); /* sti's shadow: none before hlt */
}
