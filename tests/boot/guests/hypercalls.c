/*
 * Boot test "hypercalls": the results of every hypercall a PV domU of this tier uses, as Xen
 * gives them (the Xen sources named in the comments; errors from pv-abi/errno.h). Runs as
 * domain "self=N" next to a peer domain "peer=M" (an isolation_peer waiting for it), so that
 * calls naming another domain meet a real one. console_io output is checked by the runner.
 */
#include "bt.h"

#define XEN_VERSION_417 0x40011
#define UNKNOWN_DOMID 42
#define NONCANON 0x8000000000000000ULL
#define GUARD 0xa5
#define MEMOP_EXTENT_SHIFT 6 /* memory_op: cmd bits above the sub-op are a continuation */

static uint64_t self_id, peer_id;
static uint8_t buf[2048] __attribute__((aligned(16)));

/* ---- console_io (xen/drivers/char/console.c do_console_io) ---- */

static void check_console_io(void)
{
    static const char line[] = "console_io: direct write 7f3a\n";

    GK_EXPECT_EQ(gk_hypercall_console_io(PV_CONSOLEIO_write, sizeof(line) - 1, line), 0);
    GK_EXPECT_EQ(gk_hypercall_console_io(PV_CONSOLEIO_write, 0, NULL), 0);
    GK_EXPECT_EQ(gk_hypercall_console_io(PV_CONSOLEIO_read, sizeof(buf), (char *)buf), -PV_EPERM);
    GK_EXPECT_EQ(gk_hypercall_console_io(2, 1, line), -PV_ENOSYS);
    GK_EXPECT_EQ(gk_hypercall_console_io(0x100, 1, line), -PV_ENOSYS);
}

/* ---- xen_version (xen/common/kernel.c do_xen_version) ---- */

/* Call cmd on a buffer of size bytes filled with GUARD; the result must be a NUL-terminated
 * string zero-padded to size, with the bytes after size untouched. */
static void expect_padded_string(const char *what, unsigned cmd, size_t size)
{
    size_t len;

    memset(buf, GUARD, sizeof(buf));
    if (!BT_EQ(what, gk_hypercall_xen_version(cmd, buf), 0))
        return;
    len = lib_strnlen((const char *)buf, size);
    if (len == size) {
        GK_FAIL("%s: no NUL within %zu bytes", what, size);
        return;
    }
    for (size_t i = len; i < size; i++)
        if (!BT_EQ(what, buf[i], 0))
            return;
    BT_EQ(what, buf[size], GUARD);
    gk_test_log("%s: \"%s\"", what, (const char *)buf);
}

static void check_compile_info(void)
{
    static const size_t fields[] = {64, 16, 32, 32}; /* compiler, by, domain, date */
    size_t off = 0;

    memset(buf, GUARD, sizeof(buf));
    GK_ASSERT_EQ(gk_hypercall_xen_version(PV_XENVER_compile_info, buf), 0);
    for (unsigned f = 0; f < 4; off += fields[f], f++) {
        size_t len = lib_strnlen((const char *)buf + off, fields[f]);

        if (len == fields[f])
            GK_FAIL("compile_info field %u: no NUL", f);
        for (size_t i = off + len; i < off + fields[f] && len < fields[f]; i++)
            if (!BT_EQ("compile_info padding", buf[i], 0))
                break;
    }
    BT_EQ("compile_info end", buf[sizeof(struct pv_compile_info)], GUARD);
}

static void check_features(void)
{
    struct pv_feature_info fi = {.submap_idx = 0, .submap = 0xdeadbeef};

    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_get_features, &fi), 0);
    GK_EXPECT_EQ(fi.submap_idx, 0);
    GK_EXPECT_EQ(fi.submap & (1u << PV_XENFEAT_dom0), 0);                    /* a domU */
    GK_EXPECT_EQ(fi.submap & (1u << PV_XENFEAT_auto_translated_physmap), 0); /* PV */
    /* What Xen promises every PV domain (Linux refuses to boot without 5 and 7). */
    GK_EXPECT_NE(fi.submap & (1u << PV_XENFEAT_mmu_pt_update_preserve_ad), 0);
    GK_EXPECT_NE(fi.submap & (1u << PV_XENFEAT_highmem_assist), 0);
    GK_EXPECT_NE(fi.submap & (1u << PV_XENFEAT_gnttab_map_avail_bits), 0);
    gk_test_log("features word 0: %#x", fi.submap);
    fi.submap_idx = 1;
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_get_features, &fi), -PV_EINVAL);
    fi.submap_idx = 0xffffffff;
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_get_features, &fi), -PV_EINVAL);
}

static void check_xen_version(void)
{
    struct pv_platform_parameters pp[2];

    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_version, NULL), XEN_VERSION_417);
    expect_padded_string("extraversion", PV_XENVER_extraversion, PV_EXTRAVERSION_LEN);
    expect_padded_string("capabilities", PV_XENVER_capabilities, PV_CAPABILITIES_INFO_LEN);
    GK_EXPECT(lib_strncmp((const char *)buf, "xen-3.0-x86_64", 14) == 0);
    GK_EXPECT(buf[14] == ' ' || buf[14] == 0);
    expect_padded_string("changeset", PV_XENVER_changeset, PV_CHANGESET_INFO_LEN);
    check_compile_info();
    memset(pp, GUARD, sizeof(pp));
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_platform_parameters, pp), 0);
    GK_EXPECT_EQ(pp[0].virt_start, PV_HYPERVISOR_VIRT_START);
    GK_EXPECT_EQ(pp[1].virt_start, 0xa5a5a5a5a5a5a5a5ULL);
    check_features();
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_pagesize, NULL), 4096);
    memset(buf, GUARD, sizeof(buf));
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_guest_handle, buf), 0);
    for (unsigned i = 0; i < 16; i++)
        BT_EQ("guest_handle", buf[i], 0); /* boot-time domains have a null handle */
    BT_EQ("guest_handle end", buf[16], GUARD);
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_commandline, buf), -PV_EPERM);
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_build_id, buf), -PV_EPERM);
    GK_EXPECT_EQ(gk_hypercall_xen_version(15, buf), -PV_ENOSYS);
    GK_EXPECT_EQ(gk_hypercall_xen_version(0x7fffffff, buf), -PV_ENOSYS);
}

/* ---- sched_op (xen/common/sched/core.c do_sched_op) ---- */

static long remote_shutdown(uint64_t domid)
{
    struct pv_sched_remote_shutdown rs = {.domain_id = (pv_domid_t)domid,
                                          .reason = PV_SHUTDOWN_poweroff};

    return gk_hypercall_sched_op(PV_SCHEDOP_remote_shutdown, &rs);
}

static void check_sched_op(void)
{
    GK_EXPECT_EQ(gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL), 0);
    /* Only a privileged domain may shut others (or itself) down this way; a domain id that
     * names nothing is -ESRCH first (DOMID_SELF is not resolved here). */
    GK_EXPECT_EQ(remote_shutdown(peer_id), -PV_EPERM);
    GK_EXPECT_EQ(remote_shutdown(self_id), -PV_EPERM);
    GK_EXPECT_EQ(remote_shutdown(UNKNOWN_DOMID), -PV_ESRCH);
    GK_EXPECT_EQ(remote_shutdown(PV_DOMID_SELF), -PV_ESRCH);
    GK_EXPECT_EQ(gk_hypercall_sched_op(100, NULL), -PV_ENOSYS);
    GK_EXPECT_EQ(gk_hypercall_sched_op(PV_SCHEDOP_yield, NULL), 0);
}

/* ---- set_trap_table (xen/arch/x86/pv/callback.c do_set_trap_table) ---- */

extern const uint64_t gk_trap_stubs[256]; /* the kit's per-vector entry stubs (entry.asm) */

/* clang-format off */
BT_TRIGGER(trig_int_0x86, "", "int $0x86", "");
BT_TRIGGER(trig_int_0x87, "", "int $0x87", "");
/* clang-format on */

static unsigned soft_int_vector(void (*fn)(void))
{
    struct gk_regs f;

    return bt_trap(fn, &f, NULL) ? (unsigned)f.vector : 0;
}

static struct pv_trap_info entry(unsigned vector, uint64_t address)
{
    return (struct pv_trap_info){
        .vector = (uint8_t)vector, .flags = 3, .cs = PV_FLAT_KERNEL_CS, .address = address};
}

static void check_trap_table(void)
{
    struct pv_trap_info t[3];

    /* Entries are added one by one; a table without 0x86 leaves 0x86 alone. */
    t[0] = entry(0x86, gk_trap_stubs[0x86]);
    t[1] = entry(0, 0);
    GK_EXPECT_EQ(gk_hypercall_set_trap_table(t), 0);
    t[0] = entry(0x87, gk_trap_stubs[0x87]);
    GK_EXPECT_EQ(gk_hypercall_set_trap_table(t), 0);
    GK_EXPECT_EQ(soft_int_vector(trig_int_0x86), 0x86);
    GK_EXPECT_EQ(soft_int_vector(trig_int_0x87), 0x87);
    /* NULL clears the whole table (the kit then reloads its own, without 0x86/0x87). */
    GK_EXPECT_EQ(gk_trap_remove(0x86), 0);
    GK_EXPECT_EQ(soft_int_vector(trig_int_0x86), GK_VEC_GP);
    GK_EXPECT_EQ(soft_int_vector(trig_int_0x87), GK_VEC_GP);
    /* A non-canonical handler: -EINVAL, entries before it are kept, it is not. */
    t[0] = entry(0x86, gk_trap_stubs[0x86]);
    t[1] = entry(0x87, NONCANON);
    t[2] = entry(0, 0);
    GK_EXPECT_EQ(gk_hypercall_set_trap_table(t), -PV_EINVAL);
    GK_EXPECT_EQ(soft_int_vector(trig_int_0x86), 0x86);
    GK_EXPECT_EQ(soft_int_vector(trig_int_0x87), GK_VEC_GP);
    GK_EXPECT_EQ(gk_trap_remove(0x86), 0);
}

/* ---- callback_op / set_callbacks (xen/arch/x86/pv/callback.c) ---- */

void gk_event_entry(void), gk_failsafe_entry(void), gk_syscall_entry(void); /* the kit's */

static long cb_register(unsigned type, uint64_t address)
{
    struct pv_callback_register r = {
        .type = (uint16_t)type,
        .address = address,
        .flags = type == PV_CALLBACKTYPE_event ? 0 : PV_CALLBACKF_mask_events};

    return gk_hypercall_callback_op(PV_CALLBACKOP_register, &r);
}

static long cb_unregister(unsigned type)
{
    struct pv_callback_unregister u = {.type = (uint16_t)type};

    return gk_hypercall_callback_op(PV_CALLBACKOP_unregister, &u);
}

static void unused_callback(void)
{
    gk_panic("a callback that is never entered was entered");
}

static void check_callbacks(void)
{
    const uint64_t ev = (uint64_t)(uintptr_t)gk_event_entry;
    const uint64_t fs = (uint64_t)(uintptr_t)gk_failsafe_entry;
    const uint64_t sc = (uint64_t)(uintptr_t)gk_syscall_entry;
    const uint64_t unused = (uint64_t)(uintptr_t)unused_callback;

    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_event, ev), 0);
    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_failsafe, fs), 0);
    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_syscall, sc), 0);
    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_syscall32, unused), 0);
    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_sysenter, unused), 0);
    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_nmi, unused), 0);
    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_event, NONCANON), -PV_EINVAL);
    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_syscall, 0x0000800000000000ULL), -PV_EINVAL);
    /* Unknown types: -ENOSYS (register_guest_callback's default). */
    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_sysenter_deprecated, unused), -PV_ENOSYS);
    GK_EXPECT_EQ(cb_register(6, unused), -PV_ENOSYS);
    GK_EXPECT_EQ(cb_register(0xffff, unused), -PV_ENOSYS);
    /* Only the NMI callback can be withdrawn; other known types -EINVAL, unknown -ENOSYS. */
    GK_EXPECT_EQ(cb_unregister(PV_CALLBACKTYPE_event), -PV_EINVAL);
    GK_EXPECT_EQ(cb_unregister(PV_CALLBACKTYPE_failsafe), -PV_EINVAL);
    GK_EXPECT_EQ(cb_unregister(PV_CALLBACKTYPE_syscall), -PV_EINVAL);
    GK_EXPECT_EQ(cb_unregister(PV_CALLBACKTYPE_syscall32), -PV_EINVAL);
    GK_EXPECT_EQ(cb_unregister(PV_CALLBACKTYPE_sysenter), -PV_EINVAL);
    GK_EXPECT_EQ(cb_unregister(PV_CALLBACKTYPE_nmi), 0);
    GK_EXPECT_EQ(cb_unregister(6), -PV_ENOSYS);
    GK_EXPECT_EQ(gk_hypercall_callback_op(2, NULL), -PV_ENOSYS);
    GK_EXPECT_EQ(gk_hypercall_callback_op(0x7fffffff, NULL), -PV_ENOSYS);
    /* The legacy form registers all three and returns 0; like Xen's do_set_callbacks it
     * ignores an address it cannot use (the others are still registered). */
    GK_EXPECT_EQ(gk_hypercall_set_callbacks(ev, fs, sc), 0);
    GK_EXPECT_EQ(gk_hypercall_set_callbacks(NONCANON, fs, sc), 0);
    GK_EXPECT_EQ(gk_hypercall_set_callbacks(ev, fs, sc), 0);
    /* Put the kit's flags back (set_callbacks registers the syscall entry without masking). */
    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_failsafe, fs), 0);
    GK_EXPECT_EQ(cb_register(PV_CALLBACKTYPE_syscall, sc), 0);
}

/* ---- stack_switch, fpu_taskswitch (xen/arch/x86/pv/misc-hypercalls.c) ---- */

static void check_stack_fpu(void)
{
    static uint8_t stack[4096] __attribute__((aligned(16)));

    GK_EXPECT_EQ(
        gk_hypercall_stack_switch(PV_FLAT_KERNEL_SS, (uint64_t)(uintptr_t)(stack + sizeof(stack))),
        0);
    GK_EXPECT_EQ(bt_fpu_taskswitch(1), 0);
    GK_EXPECT_EQ(bt_read_cr0() & BT_CR0_TS, BT_CR0_TS);
    GK_EXPECT_EQ(bt_fpu_taskswitch(0), 0);
    GK_EXPECT_EQ(bt_read_cr0() & BT_CR0_TS, 0);
    GK_EXPECT_EQ(bt_fpu_taskswitch(2), 0); /* any non-zero sets TS */
    GK_EXPECT_EQ(bt_read_cr0() & BT_CR0_TS, BT_CR0_TS);
    GK_EXPECT_EQ(bt_fpu_taskswitch(0), 0);
}

/* ---- set_segment_base (xen/arch/x86/pv/misc-hypercalls.c), read back through RDMSR ---- */

#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_SHADOW_GS_BASE 0xc0000102

static uint64_t fs_word = 0xf5f5, gs_word = 0x6565;

static uint64_t read_fs0(void)
{
    uint64_t v;

    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    return v;
}

static uint64_t read_gs0(void)
{
    uint64_t v;

    __asm__ volatile("movq %%gs:0, %0" : "=r"(v));
    return v;
}

/* clang-format off */
BT_TRIGGER(trig_wrmsr_fs_noncanon,
           "movl $" BT_STR(MSR_FS_BASE) ", %ecx; xorl %eax, %eax; movl $0x80000000, %edx",
           "wrmsr", "");
/* clang-format on */

static void check_segment_base(void)
{
    const uint64_t fsb = (uint64_t)(uintptr_t)&fs_word, gsb = (uint64_t)(uintptr_t)&gs_word;
    struct bt_expect e = {.what = "wrmsr FS_BASE non-canonical",
                          .vector = GK_VEC_GP,
                          .rip = trig_wrmsr_fs_noncanon_insn};
    struct gk_regs f;

    GK_EXPECT_EQ(gk_hypercall_set_segment_base(PV_SEGBASE_FS, fsb), 0);
    GK_EXPECT_EQ(bt_rdmsr(MSR_FS_BASE), fsb);
    GK_EXPECT_EQ(read_fs0(), fs_word);
    GK_EXPECT_EQ(gk_hypercall_set_segment_base(PV_SEGBASE_GS_KERNEL, gsb), 0);
    GK_EXPECT_EQ(bt_rdmsr(MSR_GS_BASE), gsb);
    GK_EXPECT_EQ(read_gs0(), gs_word);
    GK_EXPECT_EQ(gk_hypercall_set_segment_base(PV_SEGBASE_GS_USER, 0x7000), 0);
    GK_EXPECT_EQ(bt_rdmsr(MSR_SHADOW_GS_BASE), 0x7000);
    GK_EXPECT_EQ(bt_rdmsr(MSR_GS_BASE), gsb); /* the kernel's stays active */
    for (unsigned which = PV_SEGBASE_FS; which <= PV_SEGBASE_GS_KERNEL; which++)
        GK_EXPECT_EQ(gk_hypercall_set_segment_base(which, NONCANON), -PV_EINVAL);
    GK_EXPECT_EQ(bt_rdmsr(MSR_FS_BASE), fsb);
    GK_EXPECT_EQ(bt_rdmsr(MSR_GS_BASE), gsb);
    GK_EXPECT_EQ(bt_rdmsr(MSR_SHADOW_GS_BASE), 0x7000);
    GK_EXPECT_EQ(gk_hypercall_set_segment_base(4, 0), -PV_EINVAL);
    /* SEGBASE_GS_USER_SEL has a test guest of its own (gs_user_sel.c). */
    /* The emulated WRMSR path writes the same state. */
    bt_wrmsr(MSR_FS_BASE, gsb);
    GK_EXPECT_EQ(read_fs0(), gs_word);
    bt_wrmsr(MSR_SHADOW_GS_BASE, 0x8000);
    GK_EXPECT_EQ(bt_rdmsr(MSR_SHADOW_GS_BASE), 0x8000);
    bt_expect_trap(&e, trig_wrmsr_fs_noncanon, &f);
    GK_EXPECT_EQ(bt_rdmsr(MSR_FS_BASE), gsb);
    GK_EXPECT_EQ(gk_hypercall_set_segment_base(PV_SEGBASE_FS, 0), 0);
    GK_EXPECT_EQ(gk_hypercall_set_segment_base(PV_SEGBASE_GS_KERNEL, 0), 0);
    GK_EXPECT_EQ(gk_hypercall_set_segment_base(PV_SEGBASE_GS_USER, 0), 0);
}

/* ---- vm_assist (xen/common/kernel.c do_vm_assist, 64-bit PV valid mask) ---- */

static void check_vm_assist(void)
{
    static const unsigned valid[] = {
        PV_VMASST_TYPE_writable_pagetables, PV_VMASST_TYPE_pae_extended_cr3,
        PV_VMASST_TYPE_architectural_iopl, PV_VMASST_TYPE_runstate_update_flag,
        PV_VMASST_TYPE_m2p_strict};
    static const unsigned invalid[] = {
        PV_VMASST_TYPE_4gb_segments, PV_VMASST_TYPE_4gb_segments_notify, 6, 31, 33, 63, 64, 1000};

    for (unsigned i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        GK_EXPECT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_enable, valid[i]), 0);
        GK_EXPECT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_disable, valid[i]), 0);
        GK_EXPECT_EQ(gk_hypercall_vm_assist(2, valid[i]), -PV_ENOSYS);
    }
    for (unsigned i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        GK_EXPECT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_enable, invalid[i]), -PV_EINVAL);
        GK_EXPECT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_disable, invalid[i]), -PV_EINVAL);
    }
}

/* ---- set_debugreg / get_debugreg (xen/arch/x86/pv/misc-hypercalls.c) ---- */

#define DR6_INIT 0xffff0ff0ULL
#define DR7_INIT 0x400ULL
#define DR7_L0 0x1ULL
#define DR7_GD 0x2000ULL
#define DR7_W0_LEN8 0x90000ULL /* breakpoint 0 on writes of any of 8 bytes */

static char bp_out[sizeof(pv_extraversion_t)] __attribute__((aligned(8)));

/* clang-format off */
BT_TRIGGER(trig_breakpoint, "", "nop", "");
/* clang-format on */

static void check_debugreg(void)
{
    struct bt_expect e = {
        .what = "DR0 instruction breakpoint", .vector = GK_VEC_DB, .rip = trig_breakpoint_insn};
    struct gk_regs f;

    for (int r = 0; r < 4; r++) {
        uint64_t va = (uint64_t)(uintptr_t)(buf + 8 * r);

        GK_EXPECT_EQ(bt_set_debugreg(r, va), 0);
        GK_EXPECT_EQ((uint64_t)bt_get_debugreg(r), va);
    }
    GK_EXPECT_EQ(bt_set_debugreg(1, 0x7ffffffff000ULL), 0);
    GK_EXPECT_EQ(bt_set_debugreg(0, PV_HYPERVISOR_VIRT_START), -PV_EPERM);
    GK_EXPECT_EQ(bt_set_debugreg(0, 0xffff830000000000ULL), -PV_EPERM);
    GK_EXPECT_EQ(bt_set_debugreg(0, NONCANON), -PV_EPERM);
    GK_EXPECT_EQ((uint64_t)bt_get_debugreg(0), (uint64_t)(uintptr_t)buf); /* unchanged */
    GK_EXPECT_EQ(bt_set_debugreg(6, 0), 0);
    GK_EXPECT_EQ((uint64_t)bt_get_debugreg(6), DR6_INIT);
    GK_EXPECT_EQ(bt_set_debugreg(6, 1ULL << 32), -PV_EINVAL);
    GK_EXPECT_EQ(bt_set_debugreg(7, 1ULL << 32), -PV_EINVAL);
    GK_EXPECT_EQ(bt_set_debugreg(7, DR7_GD), -PV_EPERM);
    /* Reserved registers: Xen's set_debugreg and x86emul_read_dr answer -ENODEV. */
    GK_EXPECT_EQ(bt_set_debugreg(8, 0), -PV_ENODEV);
    GK_EXPECT_EQ(bt_get_debugreg(8), -PV_ENODEV);
    GK_EXPECT_EQ(bt_get_debugreg(-1), -PV_ENODEV);
    /* A live instruction breakpoint: #DB at the instruction, B0 in DR6. */
    GK_EXPECT_EQ(bt_set_debugreg(0, (uint64_t)(uintptr_t)trig_breakpoint_insn), 0);
    GK_EXPECT_EQ(bt_set_debugreg(7, DR7_L0), 0);
    GK_EXPECT_EQ((uint64_t)bt_get_debugreg(7), DR7_INIT | DR7_L0);
    if (bt_expect_trap(&e, trig_breakpoint, &f))
        GK_EXPECT_EQ(bt_get_debugreg(6) & 1, 1);
    GK_EXPECT_EQ(bt_set_debugreg(7, 0), 0);
    GK_EXPECT_EQ((uint64_t)bt_get_debugreg(7), DR7_INIT);
    GK_EXPECT_EQ(bt_trap(trig_breakpoint, &f, NULL), false); /* disarmed */
    GK_EXPECT_EQ(bt_set_debugreg(6, 0), 0);
    /* A write breakpoint on a hypercall's output: the hypervisor's copy through the guest's
     * mappings hits it, records B0 in DR6 and goes on (Xen's do_debug), the call succeeding and
     * no #DB delivered (bt's handler would fail the test). */
    GK_EXPECT_EQ(bt_set_debugreg(0, (uint64_t)(uintptr_t)bp_out), 0);
    GK_EXPECT_EQ(bt_set_debugreg(7, DR7_L0 | DR7_W0_LEN8), 0);
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_extraversion, bp_out), 0);
    GK_EXPECT_EQ(bt_set_debugreg(7, 0), 0);
    GK_EXPECT_EQ(bt_get_debugreg(6) & 1, 1);
    GK_EXPECT_EQ(bp_out[0], '.');
    GK_EXPECT_EQ(bt_set_debugreg(6, 0), 0);
}

/* ---- memory_op (xen/common/memory.c, xen/arch/x86/x86_64/mm.c, xen/arch/x86/mm.c) ---- */

static long memop_domid(unsigned cmd, uint64_t domid)
{
    pv_domid_t d = (pv_domid_t)domid;

    return gk_hypercall_memory_op(cmd, &d);
}

static long max_gpfn(void)
{
    const struct pv_shared_info *sh = gk_shared_info();
    uint64_t max_pfn = sh ? sh->arch.max_pfn : 0;

    return (long)(max_pfn ? max_pfn : 1) - 1;
}

static void check_reservations(void)
{
    const long nr = (long)gk_start_info->nr_pages;
    static const unsigned cmds[] = {PV_XENMEM_current_reservation, PV_XENMEM_maximum_reservation,
                                    PV_XENMEM_maximum_gpfn};

    GK_EXPECT_EQ(memop_domid(PV_XENMEM_current_reservation, PV_DOMID_SELF), nr);
    GK_EXPECT_EQ(memop_domid(PV_XENMEM_maximum_reservation, PV_DOMID_SELF), nr);
    /* PV guests publish their p2m size in shared_info.arch.max_pfn themselves (Linux,
     * Mini-OS); until then it is 0 and Xen answers (max_pfn ?: 1) - 1. */
    GK_EXPECT_EQ(memop_domid(PV_XENMEM_maximum_gpfn, PV_DOMID_SELF), max_gpfn());
    GK_EXPECT_EQ(memop_domid(PV_XENMEM_current_reservation, self_id), nr);
    for (unsigned i = 0; i < 3; i++) {
        GK_EXPECT_EQ(memop_domid(cmds[i], peer_id), -PV_EPERM);
        GK_EXPECT_EQ(memop_domid(cmds[i], UNKNOWN_DOMID), -PV_ESRCH);
        /* These sub-ops take no continuation: extra command bits are -EINVAL. */
        GK_EXPECT_EQ(memop_domid(cmds[i] | (1u << MEMOP_EXTENT_SHIFT), PV_DOMID_SELF), -PV_EINVAL);
    }
}

static void check_m2p(long max_page)
{
    struct pv_machphys_mapping map;
    struct pv_machphys_mfn_list l = {.max_extents = 4, .extent_start = PV_GUEST_PTR(buf)};
    const uint64_t *m2p = (const uint64_t *)(uintptr_t)PV_MACH2PHYS_VIRT_START;
    uint64_t pfn = gk_virt_to_pfn(gk_start_info), mfn = gk_pfn_to_mfn(pfn);
    uint64_t chunks = ((uint64_t)max_page * 8 + (2ULL << 20) - 1) >> 21;

    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_machphys_mapping, &map), 0);
    GK_EXPECT_EQ(map.v_start, PV_MACH2PHYS_VIRT_START);
    GK_EXPECT_EQ(map.v_end, PV_MACH2PHYS_VIRT_END);
    GK_EXPECT_EQ(map.max_mfn, (map.v_end - map.v_start) / 8 - 1);
    memset(buf, GUARD, sizeof(buf));
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_machphys_mfn_list, &l), 0);
    GK_EXPECT_EQ(l.nr_extents, chunks < 4 ? chunks : 4);
    for (unsigned i = 0; i < l.nr_extents && i < 4; i++)
        GK_EXPECT(((uint64_t *)(void *)buf)[i] != 0 &&
                  ((uint64_t *)(void *)buf)[i] != 0xa5a5a5a5a5a5a5a5ULL);
    BT_EQ("machphys_mfn_list guard", buf[8 * l.nr_extents], GUARD);
    l.max_extents = 0;
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_machphys_mfn_list, &l), 0);
    GK_EXPECT_EQ(l.nr_extents, 0);
    /* The read-only M2P is mapped in the guest: M2P[mfn] is the pfn (Mini-OS relies on it). */
    bt_arg = (uint64_t)(uintptr_t)&m2p[mfn];
    if (bt_is_unmapped(bt_arg))
        GK_FAIL("the M2P entry of mfn %#lx at %#lx is not mapped", mfn, bt_arg);
    else
        GK_EXPECT_EQ(m2p[mfn], pfn);
}

static void check_memory_map(void)
{
    struct pv_memory_map m = {.nr_entries = 4, .buffer = PV_GUEST_PTR(buf)};
    struct pv_e820_entry e;

    memset(buf, GUARD, sizeof(buf));
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_memory_map, &m), 0);
    GK_EXPECT_EQ(m.nr_entries, 1);
    memcpy(&e, buf, sizeof(e));
    GK_EXPECT_EQ(e.addr, 0);
    GK_EXPECT_EQ(e.size, gk_start_info->nr_pages * GK_PAGE_SIZE);
    GK_EXPECT_EQ(e.type, 1); /* E820 RAM */
    BT_EQ("memory_map guard", buf[sizeof(e)], GUARD);
    m.nr_entries = 0;
    memset(buf, GUARD, sizeof(buf));
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_memory_map, &m), 0);
    GK_EXPECT_EQ(m.nr_entries, 0);
    BT_EQ("memory_map with no room", buf[0], GUARD);
}

static void check_memory_op(void)
{
    long max_page = gk_hypercall_memory_op(PV_XENMEM_maximum_ram_page, NULL);
    uint64_t top = 0;

    for (uint64_t pfn = 0; pfn < gk_start_info->nr_pages; pfn++)
        top = gk_pfn_to_mfn(pfn) > top ? gk_pfn_to_mfn(pfn) : top;
    GK_EXPECT_GT(max_page, (long)top); /* every frame we own is below it */
    GK_EXPECT_EQ(
        gk_hypercall_memory_op(PV_XENMEM_maximum_ram_page | (1u << MEMOP_EXTENT_SHIFT), NULL),
        -PV_EINVAL);
    check_reservations();
    check_m2p(max_page);
    check_memory_map();
    GK_EXPECT_EQ(gk_hypercall_memory_op(63, buf), -PV_ENOSYS);
}

/* ---- physdev_op set_iopl (xen/arch/x86/physdev.c) ---- */

static void check_physdev(void)
{
    for (unsigned iopl = 0; iopl <= 3; iopl++)
        GK_EXPECT_EQ(bt_set_iopl(iopl), 0);
    GK_EXPECT_EQ(bt_set_iopl(4), -PV_EINVAL);
    GK_EXPECT_EQ(bt_set_iopl(0xffffffff), -PV_EINVAL);
    GK_EXPECT_EQ(bt_set_iopl(0), 0);
    GK_EXPECT_EQ(gk_hypercall_physdev_op(99, buf), -PV_ENOSYS);
}

GK_TEST(hypercalls)
{
    GK_ASSERT(bt_cmdline_uint("self", &self_id) && bt_cmdline_uint("peer", &peer_id));
    check_console_io();
    check_xen_version();
    check_sched_op();
    check_trap_table();
    check_callbacks();
    check_stack_fpu();
    check_segment_base();
    check_vm_assist();
    check_debugreg();
    check_memory_op();
    check_physdev();
}
