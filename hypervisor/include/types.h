/* Basic types and helpers shared by every hypervisor source. */
#ifndef HV_TYPES_H
#define HV_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096UL
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define NORETURN __attribute__((noreturn))
/* On the hypercall, bounce and exit paths: linked together into .text.hot (a page or two that
 * stay in the TLB; under TCG every page touched after a %cr3 write costs a walk). */
#define HOT __attribute__((hot))
/* The validated update of one page-table entry (mmu_update's loop): a page of its own, where
 * calls chain and only returns pay QEMU's block lookup. */
#define HOT_MM __attribute__((section(".text.hot_mm")))
#define NOINLINE __attribute__((noinline)) /* e.g. a rare path kept out of a hot page */
#define PACKED __attribute__((packed))
#define ALIGNED(n) __attribute__((aligned(n)))

/* A canonical x86-64 virtual address has bits 63..47 all equal. */
static inline bool is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

#endif
