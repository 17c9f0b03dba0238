/* The CPUs and IO-APICs the firmware lists in the ACPI MADT. */
#ifndef HV_X86_ACPI_H
#define HV_X86_ACPI_H
#include "../types.h"

#define ACPI_MAX_CPUS 8

/* Fill apic_ids[] with the enabled processors' local APIC ids; returns how many (0: no MADT). */
unsigned acpi_cpus(uint32_t *apic_ids, unsigned max);

/* The checked ACPI table with that 4-character signature (from its header on), or NULL. */
const void *acpi_table(const char *sig);
/* The ACPI PM timer's I/O port (the FADT's PM_TMR_BLK, 32-bit access), 0 if none. */
uint16_t acpi_pm_timer_port(void);
/* The MADT's entries (type, length, ...) up to *end; NULL if there is no MADT. */
const uint8_t *acpi_madt_entries(const uint8_t **end);

#endif
