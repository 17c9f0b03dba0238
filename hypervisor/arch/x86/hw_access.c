/* The real hardware behind hw_access.h: one instruction per function. */
#include "x86/hw_access.h"
#include "x86/cpu.h"

uint64_t hw_rdmsr(uint32_t msr)
{
    return rdmsr(msr);
}

void hw_wrmsr(uint32_t msr, uint64_t val)
{
    wrmsr(msr, val);
}

void arch_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    cpuid_count(leaf, sub, out);
}

uint64_t hw_read_cr0(void)
{
    return read_cr0();
}

uint64_t hw_read_cr4(void)
{
    return read_cr4();
}

void hw_write_cr4(uint64_t val)
{
    write_cr4(val);
}

uint64_t arch_rdtsc(void)
{
    return rdtsc();
}

uint32_t arch_port_in(uint16_t port, unsigned size)
{
    if (size == 1)
        return inb(port);
    return size == 2 ? inw(port) : inl(port);
}

void arch_port_out(uint16_t port, unsigned size, uint32_t val)
{
    if (size == 1)
        outb(port, (uint8_t)val);
    else if (size == 2)
        outw(port, (uint16_t)val);
    else
        outl(port, val);
}

#define WRITE_DR(n)                                                                                \
    case n:                                                                                        \
        __asm__ volatile("mov %0, %%db" #n ::"r"(val));                                            \
        break

void hw_write_dr(unsigned reg, uint64_t val)
{
    switch (reg) {
        WRITE_DR(0);
        WRITE_DR(1);
        WRITE_DR(2);
        WRITE_DR(3);
        WRITE_DR(6);
        WRITE_DR(7);
    }
}
