/*
 * Boot test "softint": software interrupts from the guest kernel against the trap table's DPLs
 * (pv-abi/arch_x86.h, trap_info.flags bits 0-1: 0 nobody, 1-2 kernel, 3 anyone). Allowed:
 * delivered to the vector's handler with rip after the instruction and no error code. Refused
 * or no handler: #GP with error code (N << 3) | 2 at the INT instruction (also under QEMU < 8,
 * whose TCG reports N * 16 + 2: the hypervisor must decode the instruction). INT3 and INT $3/$4
 * go through Xen's DPL-3 gates as #BP/#OF whatever the table's DPL; INTO is #UD in 64-bit mode.
 * User-mode callers are covered by the usermode test.
 */
#include "bt.h"

#define INT_TRIGGER(n) BT_TRIGGER(trig_int_##n, "", "int $" #n, "")
/* clang-format off */
INT_TRIGGER(0x02);
INT_TRIGGER(0x20);
INT_TRIGGER(0x80);
INT_TRIGGER(0x81);
INT_TRIGGER(0x9c);
INT_TRIGGER(0xff);
BT_TRIGGER(trig_int3, "", "int3", "");
BT_TRIGGER(trig_int_3, "", "int $3", "");
BT_TRIGGER(trig_int_4, "", "int $4", "");
BT_TRIGGER(trig_into, "", ".byte 0xce", "");
/* clang-format on */

struct soft_int {
    unsigned vector;
    void (*fn)(void);
    const char *insn, *end;
};

static const struct soft_int ints[] = {
    {0x02, trig_int_0x02, trig_int_0x02_insn, trig_int_0x02_end},
    {0x20, trig_int_0x20, trig_int_0x20_insn, trig_int_0x20_end},
    {0x80, trig_int_0x80, trig_int_0x80_insn, trig_int_0x80_end},
    {0x81, trig_int_0x81, trig_int_0x81_insn, trig_int_0x81_end},
    {0x9c, trig_int_0x9c, trig_int_0x9c_insn, trig_int_0x9c_end},
    {0xff, trig_int_0xff, trig_int_0xff_insn, trig_int_0xff_end},
};

static void expect_gp(const struct soft_int *s, const char *why)
{
    char what[64];
    struct bt_expect e = {
        .what = what, .vector = GK_VEC_GP, .error_code = (s->vector << 3) | 2, .rip = s->insn};
    struct gk_regs f;

    lib_snprintf(what, sizeof(what), "int $%#x %s", s->vector, why);
    bt_expect_trap(&e, s->fn, &f);
}

static void expect_delivered(const struct soft_int *s, unsigned dpl)
{
    char what[64];
    struct bt_expect e = {.what = what, .vector = s->vector, .rip = s->end};
    struct gk_regs f;

    lib_snprintf(what, sizeof(what), "int $%#x with DPL %u", s->vector, dpl);
    bt_expect_trap(&e, s->fn, &f);
}

/* Vector v's entry as the kit installs it by default (0-31 and 0x80), for restoring. */
static void restore_default(unsigned v)
{
    if (v < 32 || v == 0x80)
        GK_EXPECT_EQ(gk_trap_install(v, (v == 3 || v == 4 || v == 0x80) ? 3 : 0, false), 0);
    else
        GK_EXPECT_EQ(gk_trap_remove(v), 0);
}

static void check_dpls(const struct soft_int *s)
{
    GK_EXPECT_EQ(gk_trap_remove(s->vector), 0);
    expect_gp(s, "without a handler");
    GK_EXPECT_EQ(gk_trap_install(s->vector, 0, false), 0);
    expect_gp(s, "with DPL 0");
    for (unsigned dpl = 1; dpl <= 3; dpl++) {
        GK_EXPECT_EQ(gk_trap_install(s->vector, dpl, dpl == 2), 0);
        expect_delivered(s, dpl);
    }
    GK_EXPECT_EQ(gk_trap_install(s->vector, 0, true), 0);
    expect_gp(s, "back at DPL 0");
    restore_default(s->vector);
}

/* INT3, INT $3 and INT $4 reach Xen through gates of DPL 3 and are delivered as the
 * exceptions #BP and #OF: the trap table's DPL does not apply to them. */
static void check_exception_gates(void)
{
    struct bt_expect e = {.what = "int3 with DPL 0", .vector = GK_VEC_BP, .rip = trig_int3_end};
    struct gk_regs f;

    GK_EXPECT_EQ(gk_trap_install(GK_VEC_BP, 0, false), 0);
    GK_EXPECT_EQ(gk_trap_install(GK_VEC_OF, 0, false), 0);
    bt_expect_trap(&e, trig_int3, &f);
    e = (struct bt_expect){.what = "int $3 with DPL 0", .vector = GK_VEC_BP, .rip = trig_int_3_end};
    bt_expect_trap(&e, trig_int_3, &f);
    e = (struct bt_expect){.what = "int $4 with DPL 0", .vector = GK_VEC_OF, .rip = trig_int_4_end};
    bt_expect_trap(&e, trig_int_4, &f);
    e = (struct bt_expect){.what = "into", .vector = GK_VEC_UD, .rip = trig_into_insn};
    bt_expect_trap(&e, trig_into, &f);
    restore_default(GK_VEC_BP);
    restore_default(GK_VEC_OF);
    e = (struct bt_expect){.what = "int3 with DPL 3", .vector = GK_VEC_BP, .rip = trig_int3_end};
    bt_expect_trap(&e, trig_int3, &f);
}

GK_TEST(softint)
{
    for (unsigned i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
        check_dpls(&ints[i]);
    check_exception_gates();
}
