/*
 * Boot test "badptr": negative hypercalls. Unknown hypercall numbers (through the hypercall
 * page and with a raw SYSCALL, whose rax is compared as a whole) give -ENOSYS; every guest
 * pointer the calls of this tier take gives -EFAULT when it is NULL, unmapped, non-canonical,
 * in the hypervisor's range (including the read-only M2P, which Xen's access_ok refuses in
 * both directions), read-only where the call writes, or a buffer running from mapped into
 * unmapped memory. The guest keeps running after each one (and is not shut down by a
 * shutdown request it could not read).
 */
#include "bt.h"

#define XEN_VERSION_417 0x40011

/* One pointer-taking call: how many bytes it reads or writes at p, and whether it writes. */
struct ptr_call {
    const char *name;
    uint64_t size;
    bool writes;
    long (*call)(uint64_t p);
};

static long c_trap_table(uint64_t p)
{
    return gk_hypercall(PV_HYPERCALL_set_trap_table, p, 0, 0, 0, 0);
}

static long c_console_write(uint64_t p)
{
    return gk_hypercall(PV_HYPERCALL_console_io, PV_CONSOLEIO_write, 16, p, 0, 0);
}

#define XENVER_CALL(fn, cmd)                                                                       \
    static long fn(uint64_t p)                                                                     \
    {                                                                                              \
        return gk_hypercall(PV_HYPERCALL_xen_version, cmd, p, 0, 0, 0);                            \
    }
XENVER_CALL(c_extraversion, PV_XENVER_extraversion)
XENVER_CALL(c_compile_info, PV_XENVER_compile_info)
XENVER_CALL(c_capabilities, PV_XENVER_capabilities)
XENVER_CALL(c_changeset, PV_XENVER_changeset)
XENVER_CALL(c_platform_parameters, PV_XENVER_platform_parameters)
XENVER_CALL(c_get_features, PV_XENVER_get_features)
XENVER_CALL(c_guest_handle, PV_XENVER_guest_handle)

#define SUBOP_CALL(fn, nr, cmd)                                                                    \
    static long fn(uint64_t p)                                                                     \
    {                                                                                              \
        return gk_hypercall(nr, cmd, p, 0, 0, 0);                                                  \
    }
SUBOP_CALL(c_shutdown, PV_HYPERCALL_sched_op, PV_SCHEDOP_shutdown)
SUBOP_CALL(c_shutdown_code, PV_HYPERCALL_sched_op, PV_SCHEDOP_shutdown_code)
SUBOP_CALL(c_remote_shutdown, PV_HYPERCALL_sched_op, PV_SCHEDOP_remote_shutdown)
SUBOP_CALL(c_cb_register, PV_HYPERCALL_callback_op, PV_CALLBACKOP_register)
SUBOP_CALL(c_cb_unregister, PV_HYPERCALL_callback_op, PV_CALLBACKOP_unregister)
SUBOP_CALL(c_current_reservation, PV_HYPERCALL_memory_op, PV_XENMEM_current_reservation)
SUBOP_CALL(c_maximum_reservation, PV_HYPERCALL_memory_op, PV_XENMEM_maximum_reservation)
SUBOP_CALL(c_maximum_gpfn, PV_HYPERCALL_memory_op, PV_XENMEM_maximum_gpfn)
SUBOP_CALL(c_machphys_mfn_list, PV_HYPERCALL_memory_op, PV_XENMEM_machphys_mfn_list)
SUBOP_CALL(c_machphys_mapping, PV_HYPERCALL_memory_op, PV_XENMEM_machphys_mapping)
SUBOP_CALL(c_memory_map, PV_HYPERCALL_memory_op, PV_XENMEM_memory_map)
SUBOP_CALL(c_set_iopl, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_set_iopl)
SUBOP_CALL(c_irq_status, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_irq_status_query)
SUBOP_CALL(c_eoi, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_eoi)
SUBOP_CALL(c_apic_read, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_apic_read)
SUBOP_CALL(c_apic_write, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_apic_write)
SUBOP_CALL(c_alloc_vector, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_alloc_irq_vector)
SUBOP_CALL(c_map_pirq, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_map_pirq)
SUBOP_CALL(c_unmap_pirq, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_unmap_pirq)
SUBOP_CALL(c_setup_gsi, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_setup_gsi)
SUBOP_CALL(c_eoi_gmfn, PV_HYPERCALL_physdev_op, PV_PHYSDEVOP_pirq_eoi_gmfn_v2)
SUBOP_CALL(c_bind_pirq, PV_HYPERCALL_event_channel_op, PV_EVTCHNOP_bind_pirq)

static long c_mmuext(uint64_t p)
{
    return gk_hypercall(PV_HYPERCALL_mmuext_op, p, 1, 0, PV_DOMID_SELF, 0);
}

static const struct ptr_call calls[] = {
    {"set_trap_table", 16, false, c_trap_table},
    {"console_io write", 16, false, c_console_write},
    {"xen_version extraversion", 16, true, c_extraversion},
    {"xen_version compile_info", 144, true, c_compile_info},
    {"xen_version capabilities", 1024, true, c_capabilities},
    {"xen_version changeset", 64, true, c_changeset},
    {"xen_version platform_parameters", 8, true, c_platform_parameters},
    {"xen_version get_features", 8, false, c_get_features},
    {"xen_version guest_handle", 16, true, c_guest_handle},
    {"sched_op shutdown", 4, false, c_shutdown},
    {"sched_op shutdown_code", 4, false, c_shutdown_code},
    {"sched_op remote_shutdown", 8, false, c_remote_shutdown},
    {"callback_op register", 16, false, c_cb_register},
    {"callback_op unregister", 4, false, c_cb_unregister},
    {"memory_op current_reservation", 2, false, c_current_reservation},
    {"memory_op maximum_reservation", 2, false, c_maximum_reservation},
    {"memory_op maximum_gpfn", 2, false, c_maximum_gpfn},
    {"memory_op machphys_mfn_list", 24, false, c_machphys_mfn_list},
    {"memory_op machphys_mapping", 24, true, c_machphys_mapping},
    {"memory_op memory_map", 16, false, c_memory_map},
    {"physdev_op set_iopl", 4, false, c_set_iopl},
    {"physdev_op irq_status_query", 8, true, c_irq_status},
    {"physdev_op eoi", 4, false, c_eoi},
    {"physdev_op apic_read", 16, false, c_apic_read},
    {"physdev_op apic_write", 16, false, c_apic_write},
    {"physdev_op alloc_irq_vector", 8, false, c_alloc_vector},
    {"physdev_op map_pirq", 40, false, c_map_pirq},
    {"physdev_op unmap_pirq", 8, false, c_unmap_pirq},
    {"physdev_op setup_gsi", 8, false, c_setup_gsi},
    {"physdev_op pirq_eoi_gmfn_v2", 8, false, c_eoi_gmfn},
    {"event_channel_op bind_pirq", 12, false, c_bind_pirq},
    {"mmuext_op ops", 24, false, c_mmuext},
};

struct bad_ptr {
    const char *name;
    uint64_t va;
};

static const struct bad_ptr bad[] = {
    {"NULL", 0},
    {"unmapped low", 0x1000},
    {"unmapped user top", 0x00007ffffffff000ULL},
    {"non-canonical 8000000000000000", 0x8000000000000000ULL},
    {"non-canonical 0000800000000000", 0x0000800000000000ULL},
    {"hypervisor ffff830000000000", 0xffff830000000000ULL},
    {"read-only M2P ffff800000000000", PV_MACH2PHYS_VIRT_START},
    {"hypervisor range end ffff87fffffffff0", 0xffff87fffffffff0ULL},
};

static uint64_t map_end;

static void expect_efault(const struct ptr_call *c, const char *ptr_name, uint64_t va)
{
    long rc = c->call(va);

    if (rc != -PV_EFAULT)
        GK_FAIL("%s with %s pointer %#lx: %ld, expected -EFAULT", c->name, ptr_name, va, rc);
}

static void check_pointer_calls(void)
{
    for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        const struct ptr_call *c = &calls[i];

        for (unsigned j = 0; j < sizeof(bad) / sizeof(bad[0]); j++)
            if (bad[j].va || c->call != c_trap_table) /* NULL clears the trap table */
                expect_efault(c, bad[j].name, bad[j].va);
        /* Half the buffer in the last mapped page, half past the end of the mapping. */
        expect_efault(c, "mapped-to-unmapped", map_end - (c->size + 1) / 2);
        if (c->writes)
            expect_efault(c, "read-only page-table", gk_start_info->pt_base);
    }
}

/* Pointers inside structures: the extent array of machphys_mfn_list, the buffer of
 * memory_map. */
static void check_nested_pointers(void)
{
    for (unsigned j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
        struct pv_machphys_mfn_list l = {.max_extents = 4, .extent_start = bad[j].va};
        struct pv_memory_map m = {.nr_entries = 1, .buffer = bad[j].va};

        if (gk_hypercall_memory_op(PV_XENMEM_machphys_mfn_list, &l) != -PV_EFAULT)
            GK_FAIL("machphys_mfn_list extent_start %s: not -EFAULT", bad[j].name);
        if (gk_hypercall_memory_op(PV_XENMEM_memory_map, &m) != -PV_EFAULT)
            GK_FAIL("memory_map buffer %s: not -EFAULT", bad[j].name);
    }
    {
        struct pv_memory_map m = {.nr_entries = 1, .buffer = map_end - 10};
        struct pv_memory_map ro = {.nr_entries = 1, .buffer = gk_start_info->pt_base};

        GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_memory_map, &m), -PV_EFAULT);
        GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_memory_map, &ro), -PV_EFAULT);
    }
}

extern const uint64_t gk_trap_stubs[256]; /* the kit's per-vector entry stubs (entry.asm) */
/* clang-format off */
BT_TRIGGER(trig_int_0x88, "", "int $0x88", "");
/* clang-format on */

/* A trap table whose first entry is mapped and whose second runs off the mapping: Xen takes
 * entries one at a time, so the first is installed before -EFAULT. */
static void check_trap_table_crossing(void)
{
    struct pv_trap_info *t = (struct pv_trap_info *)(uintptr_t)(map_end - 24);
    struct gk_regs f;

    *t = (struct pv_trap_info){
        .vector = 0x88, .flags = 3, .cs = PV_FLAT_KERNEL_CS, .address = gk_trap_stubs[0x88]};
    *(volatile uint64_t *)(uintptr_t)(map_end - 8) = 0x89; /* vector 0x89, flags, cs */
    GK_EXPECT_EQ(gk_hypercall_set_trap_table(t), -PV_EFAULT);
    GK_EXPECT(bt_trap(trig_int_0x88, &f, NULL) && f.vector == 0x88);
    GK_EXPECT_EQ(gk_trap_remove(0x88), 0);
    memset(t, 0, 24);
}

static void check_unknown_numbers(void)
{
    static const uint64_t via_page[] = {11, 31, 38, 40, 43, 47, 56, 127};
    static const uint64_t raw[] = {
        128, 129, 1000, 0xffffffff, (1ULL << 32) | 17, (1ULL << 63) | 17, ~0ULL};

    for (unsigned i = 0; i < sizeof(via_page) / sizeof(via_page[0]); i++)
        if (gk_hypercall_nr(via_page[i], 0, 0, 0, 0, 0) != -PV_ENOSYS)
            GK_FAIL("hypercall %lu through the page: not -ENOSYS", via_page[i]);
    for (unsigned i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
        if (gk_hypercall_direct(raw[i], 0, 0, 0, 0, 0) != -PV_ENOSYS)
            GK_FAIL("raw hypercall rax=%#lx: not -ENOSYS", raw[i]);
}

GK_TEST(badptr)
{
    map_end = bt_mapping_end();
    GK_ASSERT(!bt_is_unmapped(map_end - 8));
    GK_ASSERT(bt_is_unmapped(map_end));
    check_unknown_numbers();
    check_pointer_calls();
    check_nested_pointers();
    check_trap_table_crossing();
    /* Still alive and well. */
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_version, NULL), XEN_VERSION_417);
    GK_EXPECT_EQ(gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL), 0);
}
