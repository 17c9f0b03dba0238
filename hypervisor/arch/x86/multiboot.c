/* Multiboot v1: copy the command line, module list and memory map out of the loader's tables. */
#include "x86/bootinfo.h"
#include "arch.h"
#include "console.h"
#include "lib.h"

#define MB_BOOTLOADER_MAGIC 0x2badb002
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} PACKED;

struct mb_module {
    uint32_t start, end, string, reserved;
} PACKED;

struct mb_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} PACKED;

static const void *phys(uint64_t pa)
{
    return (const void *)pa; /* the boot page tables identity-map the first GiB */
}

static void parse_mmap(const struct mb_info *mi, struct boot_info *bi)
{
    uint64_t p = mi->mmap_addr, end = p + mi->mmap_length;

    while (p < end && bi->nr_ram < BOOT_MAX_RAM) {
        const struct mb_mmap *e = phys(p);

        if (e->len && bi->nr_e820 < BOOT_MAX_E820)
            bi->e820[bi->nr_e820++] = (struct boot_e820){e->addr, e->len, e->type};
        if (e->type == 1 && e->len) {
            bi->ram[bi->nr_ram].start = ALIGN_UP(e->addr, PAGE_SIZE);
            bi->ram[bi->nr_ram].end = ALIGN_DOWN(e->addr + e->len, PAGE_SIZE);
            bi->max_phys = MAX(bi->max_phys, bi->ram[bi->nr_ram].end);
            bi->nr_ram++;
        }
        p += e->size + 4;
    }
}

static void parse_modules(const struct mb_info *mi, struct boot_info *bi)
{
    const struct mb_module *m = phys(mi->mods_addr);

    if (mi->mods_count > BOOT_MAX_MODULES)
        printk("(hv) only the first %d of %u modules are used\n", BOOT_MAX_MODULES, mi->mods_count);
    for (unsigned i = 0; i < mi->mods_count && i < BOOT_MAX_MODULES; i++) {
        bi->mods[i].start = m[i].start;
        bi->mods[i].end = m[i].end;
        if (m[i].string)
            lib_strlcpy(bi->mods[i].cmdline, phys(m[i].string), sizeof(bi->mods[i].cmdline));
        bi->nr_mods++;
    }
}

static const struct boot_info *parsed;

const struct boot_info *arch_boot_info(void)
{
    return parsed;
}

void bootinfo_parse(uint32_t magic, uint32_t mbi, struct boot_info *bi)
{
    const struct mb_info *mi = phys(mbi);

    if (magic != MB_BOOTLOADER_MAGIC)
        panic("not started by a multiboot loader (magic 0x%x)", magic);
    if (!(mi->flags & MBI_MMAP))
        panic("the boot loader gave no memory map");
    if (mi->flags & MBI_CMDLINE)
        lib_strlcpy(bi->cmdline, phys(mi->cmdline), sizeof(bi->cmdline));
    parse_mmap(mi, bi);
    if (mi->flags & MBI_MODS)
        parse_modules(mi, bi);
    parsed = bi;
}
