/* What the bootloader handed over, copied out of the multiboot structures at entry. */
#ifndef HV_BOOTINFO_H
#define HV_BOOTINFO_H
#include "types.h"

#define BOOT_MAX_MODULES 16
#define BOOT_MAX_RAM 32
#define BOOT_MAX_E820 64

struct boot_module {
    uint64_t start, end; /* physical */
    char cmdline[1200];
};

struct boot_info {
    char cmdline[512];
    unsigned nr_mods;
    struct boot_module mods[BOOT_MAX_MODULES];
    unsigned nr_ram;
    struct {
        uint64_t start, end;
    } ram[BOOT_MAX_RAM];
    uint64_t max_phys; /* end of the highest RAM region */
    unsigned nr_e820;  /* the loader's whole map, in its order: XENMEM_machine_memory_map */
    struct boot_e820 {
        uint64_t addr, size;
        uint32_t type; /* 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable */
    } e820[BOOT_MAX_E820];
};


/* Parse the multiboot (v1) information at physical mbi (identity-mapped at this point). */
void bootinfo_parse(uint32_t magic, uint32_t mbi, struct boot_info *bi);

#endif
