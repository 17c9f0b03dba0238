/* Per-CPU bring-up: GDT window, TSS, IDT, SYSCALL MSRs, control registers, per-CPU data. */
#include "console.h"
#include "frame.h"
#include "lib.h"
#include "paging.h"
#include "percpu.h"
#include "smp.h"
#include "x86/cpu.h"
#include "x86/desc.h"
#include "x86/desc_tables.h"
#include "domain.h"


struct tss {
    uint32_t rsvd0;
    uint64_t rsp[3];
    uint64_t rsvd1;
    uint64_t ist[7];
    uint64_t rsvd2;
    uint16_t rsvd3, iomap_base;
} PACKED;

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, rsvd;
} PACKED;

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} PACKED;

extern const uint64_t entry_vector_table[256];
extern char entry_syscall[], entry_syscall32[];

static struct idt_gate idt[256] ALIGNED(16);
static struct percpu percpus[MAX_CPUS];
static struct tss tsses[MAX_CPUS] ALIGNED(64);

static uint64_t gdt_base(unsigned cpu)
{
    return GDT_VIRT_START + cpu * GDT_WINDOW_SIZE;
}

static void set_gate(unsigned vec, uint64_t handler, unsigned dpl)
{
    idt[vec] = (struct idt_gate){
        .off_lo = (uint16_t)handler, .sel = SEL_HV_CS, .ist = 0,
        .type = (uint8_t)(0x8e | (dpl << 5)), /* present 64-bit interrupt gate */
        .off_mid = (uint16_t)(handler >> 16), .off_hi = (uint32_t)(handler >> 32)};
}

static void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, entry_vector_table[v], 0);
    /* As in Xen: int3, into and int $0x80 may be raised directly by a guest. */
    set_gate(3, entry_vector_table[3], 3);
    set_gate(4, entry_vector_table[4], 3);
    set_gate(0x80, entry_vector_table[0x80], 3);
}

/* The reserved page: hypervisor ring-0 selectors, Xen's flat ring-3 selectors, the TSS. */
static void fill_reserved_page(uint64_t *d, struct tss *tss)
{
    uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

    d[1] = 0x00af9b000000ffffUL; /* 0xe008 ring-0 64-bit code */
    d[2] = 0x00cf93000000ffffUL; /* 0xe010 ring-0 data */
    d[4] = 0x00cffb000000ffffUL; /* 0xe023 ring-3 32-bit code */
    d[5] = 0x00cff3000000ffffUL; /* 0xe02b ring-3 data/stack */
    d[6] = 0x00affb000000ffffUL; /* 0xe033 ring-3 64-bit code */
    d[8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
           (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    d[9] = base >> 32;
}

/* Pages 0-13 of the window show the guest GDT (a zero page until a guest installs one). */
static void gdt_init(unsigned cpu)
{
    uint64_t rsv = frame_alloc();
    uint64_t base = gdt_base(cpu);

    if (rsv == FRAME_NONE)
        panic("no memory for the GDT");
    memset(mfn_to_virt(rsv), 0, PAGE_SIZE);
    for (unsigned p = 0; p < 14; p++)
        paging_map_hv(base + p * PAGE_SIZE, paging_zero_page(), PTE_P | PTE_G | PTE_NX);
    paging_map_hv(base + 14 * PAGE_SIZE, rsv, PTE_P | PTE_RW | PTE_G | PTE_NX);
    fill_reserved_page(mfn_to_virt(rsv), &tsses[cpu]);
}

struct percpu *arch_percpu_of(unsigned cpu)
{
    return &percpus[cpu];
}

uint64_t cpu_set_rsp0(uint64_t top)
{
    struct tss *t = &tsses[percpu()->cpu_id];
    uint64_t old = t->rsp[0];

    t->rsp[0] = top;
    return old;
}

uint64_t gdt_read(uint16_t sel)
{
    unsigned idx = sel >> 3;
    struct vcpu *v = percpu()->current;
    uint64_t base = gdt_base(percpu()->cpu_id);

    if (sel & 4) /* the running vCPU's LDT, shown in the window's LDT pages (taken lazily) */
        return v ? desc_ldt_read(v, idx) : 0;
    return idx >= GDT_FIRST_RESERVED + GDT_RESERVED_ENTS ? 0 : ((const uint64_t *)base)[idx];
}

static void load_tables(unsigned cpu)
{
    struct desc_ptr gdtr = {(GDT_FIRST_RESERVED + GDT_RESERVED_ENTS) * 8 - 1, gdt_base(cpu)};
    struct desc_ptr idtr = {sizeof(idt) - 1, (uint64_t)idt};

    __asm__ volatile("lgdt %0; lidt %1" ::"m"(gdtr), "m"(idtr));
    __asm__ volatile("pushq %0; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:" ::"i"(SEL_HV_CS)
                     : "rax", "memory");
    __asm__ volatile("mov %0, %%ss; mov %1, %%ds; mov %1, %%es" ::"r"(SEL_HV_DS), "r"(0));
    __asm__ volatile("ltr %w0" ::"r"(SEL_TSS));
    __asm__ volatile("lldt %w0" ::"r"(0)); /* no LDT until a guest sets one */
}

/* The PAT layout Xen gives PV guests (they build PTE cache attributes against it). */
#define XEN_PV_PAT 0x0000050100070406UL
#define MSR_PAT 0x277

static void syscall_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
    wrmsr(MSR_STAR, ((uint64_t)(SEL_RING3_CS32 & ~3) << 48) | ((uint64_t)SEL_HV_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)entry_syscall);
    wrmsr(MSR_CSTAR, (uint64_t)entry_syscall32);
    wrmsr(MSR_PAT, XEN_PV_PAT);
    wrmsr(MSR_SFMASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_NT |
                          X86_EFLAGS_AC | X86_EFLAGS_IOPL);
}

static void percpu_init(unsigned cpu, uint64_t stack_top)
{
    struct percpu *p = &percpus[cpu];

    p->self = p;
    p->cpu_id = cpu;
    p->stack_top = stack_top;
    tsses[cpu].rsp[0] = stack_top;
    tsses[cpu].iomap_base = sizeof(struct tss); /* no I/O bitmap: ring 3 port access faults */
    wrmsr(MSR_GS_BASE, (uint64_t)p);
    wrmsr(MSR_SHADOW_GS_BASE, 0);
}

void cpu_init(unsigned cpu, uint64_t stack_top)
{
    if (cpu >= MAX_CPUS)
        panic("CPU %u beyond the supported %d", cpu, MAX_CPUS);
    if (cpu == 0)
        idt_init();
    percpu_init(cpu, stack_top); /* first: the allocator may flush this CPU's TLB (percpu) */
    gdt_init(cpu);
    load_tables(cpu);
    syscall_init();
    write_cr0(read_cr0() | X86_CR0_WP | X86_CR0_NE | X86_CR0_MP);
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | X86_CR4_PGE);
}
