/*
 * Boot test "nmi": VCPUOP_send_nmi and NMI delivery (Xen's vcpu_op, process_nmi in entry.S,
 * pv/callback.c). The NMI handler is the trap table's vector 2 entry, which
 * CALLBACKOP_register(nmi) fills (events masked on entry) and CALLBACKOP_unregister(nmi)
 * clears. Checked:
 *   - an NMI sent to itself arrives on the way out of send_nmi, at the instruction after the
 *     hypercall, in kernel mode, through the trap table entry (the kit's stub, caught with
 *     bt_trap);
 *   - NMIs do not nest: one sent from inside the handler waits for the handler's iret, then
 *     arrives; two sent before the vCPU leaves the hypervisor (one multicall) are one NMI;
 *   - CALLBACKOP_register(nmi) replaces the entry, and its handler runs with events masked and
 *     the interrupted context's mask saved in the frame; unregistering it drops NMIs (no
 *     handler: the NMI is lost, the domain lives on, and a later handler does not see it);
 *   - send_nmi with an argument is -EINVAL (nothing pends), a vCPU that does not exist -ENOENT.
 */
#include "bt.h"

#define NMI_VEC 2

static long send_nmi(unsigned vcpu, void *arg)
{
    return gk_hypercall_nr(PV_HYPERCALL_vcpu_op, PV_VCPUOP_send_nmi, vcpu, (uint64_t)(uintptr_t)arg,
                           0, 0);
}

/* A handler registered with callback_op: counts, records the event mask it runs with and the
 * frame's saved CS (bits 32-39: the interrupted context's mask); when cb_nested is 1 it sends
 * itself another NMI and records how many NMIs had arrived when that hypercall returned. It
 * returns with the iret hypercall. */
BT_ASM_USED volatile uint64_t cb_nmis, cb_mask, cb_cs, cb_nested, cb_nested_rc, cb_inside;
BT_ASM_USED volatile uint8_t *mask_ptr;
void cb_nmi_entry(void);
/* clang-format off */
__asm__(".pushsection .text.cb_nmi,\"ax\",@progbits\n"
        ".globl cb_nmi_entry\ncb_nmi_entry:\n\t"
        "pushq %rax\n\tpushq %rdi\n\tpushq %rsi\n\tpushq %rdx\n\tpushq %rcx\n\tpushq %r11\n\t"
        "incq cb_nmis(%rip)\n\t"
        "movq mask_ptr(%rip), %rax\n\t"
        "movzbq (%rax), %rax\n\t"
        "movq %rax, cb_mask(%rip)\n\t"
        "movq 72(%rsp), %rax\n\t" /* the frame's CS: rcx r11 rip cs above the six pushes */
        "movq %rax, cb_cs(%rip)\n\t"
        "cmpq $1, cb_nested(%rip)\n\t"
        "jne 1f\n\t"
        "movq $2, cb_nested(%rip)\n\t"
        "movl $" BT_STR(PV_VCPUOP_send_nmi) ", %edi\n\txorl %esi, %esi\n\txorl %edx, %edx\n\t"
        "call hypercall_page + " BT_STR(PV_HYPERCALL_vcpu_op) " * 32\n\t"
        "movq %rax, cb_nested_rc(%rip)\n\t"
        "movq cb_nmis(%rip), %rax\n\t"
        "movq %rax, cb_inside(%rip)\n"
        "1:\tpopq %r11\n\tpopq %rcx\n\tpopq %rdx\n\tpopq %rsi\n\tpopq %rdi\n\tpopq %rax\n\t"
        "popq %rcx\n\tpopq %r11\n\t"
        "pushq $0\n\t"
        "jmp hypercall_page + " BT_STR(PV_HYPERCALL_iret) " * 32\n"
        ".popsection");
/* clang-format on */

static long cb_nmi(unsigned op)
{
    struct pv_callback_register reg = {.type = PV_CALLBACKTYPE_nmi,
                                       .address = (uint64_t)(uintptr_t)cb_nmi_entry};
    struct pv_callback_unregister unreg = {.type = PV_CALLBACKTYPE_nmi};

    return gk_hypercall_callback_op(op, op == PV_CALLBACKOP_register ? (void *)&reg : &unreg);
}

static void send_self(void)
{
    GK_EXPECT_EQ(send_nmi(0, NULL), 0);
}

/* The kit's trap table entry for vector 2 (its default table): caught by bt_trap. */
static void check_trap_table_entry(void)
{
    struct gk_regs f;

    if (!bt_trap(send_self, &f, NULL)) {
        GK_FAIL("send_nmi to itself: no NMI came");
        return;
    }
    BT_EQ("NMI vector", f.vector, NMI_VEC);
    BT_EQ("NMI error code", f.error_code, 0);
    BT_EQ("NMI frame cs (kernel mode)", f.cs & 3, 0);
    /* at the instruction after the SYSCALL of the hypercall page's stub */
    if (f.rip < (uint64_t)(uintptr_t)hypercall_page ||
        f.rip >= (uint64_t)(uintptr_t)hypercall_page + 4096)
        GK_FAIL("NMI at %#lx, not in the hypercall page", f.rip);
}

static void check_callback(void)
{
    struct pv_vcpu_info *vi = gk_vcpu_info();

    mask_ptr = &vi->evtchn_upcall_mask;
    GK_ASSERT_EQ(cb_nmi(PV_CALLBACKOP_register), 0);
    vi->evtchn_upcall_mask = 0;
    GK_EXPECT_EQ(send_nmi(0, NULL), 0);
    GK_EXPECT_EQ(cb_nmis, 1);
    GK_EXPECT_EQ(cb_mask, 1);                /* events masked in the handler */
    GK_EXPECT_EQ((cb_cs >> 32) & 0xff, 0);   /* the interrupted context had them unmasked */
    GK_EXPECT_EQ(cb_cs & 3, 0);              /* kernel mode */
    GK_EXPECT_EQ(vi->evtchn_upcall_mask, 0); /* and has them again after the iret */
    vi->evtchn_upcall_mask = 1;
}

/* One from inside the handler waits for its iret; two sent before the vCPU leaves the
 * hypervisor (one multicall) are one NMI. */
static void check_no_nesting(void)
{
    struct pv_multicall_entry mc[2] = {
        {.op = PV_HYPERCALL_vcpu_op, .args = {PV_VCPUOP_send_nmi, 0, 0}},
        {.op = PV_HYPERCALL_vcpu_op, .args = {PV_VCPUOP_send_nmi, 0, 0}},
    };

    cb_nmis = 0;
    cb_nested = 1;
    GK_EXPECT_EQ(send_nmi(0, NULL), 0);
    GK_EXPECT_EQ(cb_nested, 2);
    GK_EXPECT_EQ(cb_nested_rc, 0);
    GK_EXPECT_EQ(cb_inside, 1); /* not delivered inside the handler */
    GK_EXPECT_EQ(cb_nmis, 2);   /* but after its iret */
    cb_nmis = 0;
    GK_EXPECT_EQ(gk_hypercall_multicall(mc, 2), 0);
    GK_EXPECT_EQ(mc[0].result, 0);
    GK_EXPECT_EQ(mc[1].result, 0);
    GK_EXPECT_EQ(cb_nmis, 1);
}

/* Unregistered: no handler, the NMI is lost (not kept for a later handler), the domain lives. */
static void check_dropped(void)
{
    cb_nmis = 0;
    GK_ASSERT_EQ(cb_nmi(PV_CALLBACKOP_unregister), 0);
    GK_EXPECT_EQ(send_nmi(0, NULL), 0);
    GK_ASSERT_EQ(cb_nmi(PV_CALLBACKOP_register), 0);
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_version, NULL), 0x40011);
    GK_EXPECT_EQ(cb_nmis, 0);
    GK_ASSERT_EQ(cb_nmi(PV_CALLBACKOP_unregister), 0);
    GK_EXPECT_EQ(gk_trap_remove(NMI_VEC), 0);
    GK_EXPECT_EQ(send_nmi(0, NULL), 0);
    GK_EXPECT_EQ(gk_trap_install(NMI_VEC, 0, false), 0);
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_version, NULL), 0x40011);
}

static void check_refused(void)
{
    static uint64_t arg;

    GK_EXPECT_EQ(send_nmi(0, &arg), -PV_EINVAL);
    GK_EXPECT_EQ(send_nmi(1, NULL), -PV_ENOENT);
    GK_EXPECT_EQ(send_nmi(0xffffffff, NULL), -PV_ENOENT);
    GK_ASSERT_EQ(cb_nmi(PV_CALLBACKOP_register), 0);
    GK_EXPECT_EQ(gk_hypercall_xen_version(PV_XENVER_version, NULL), 0x40011);
    GK_EXPECT_EQ(cb_nmis, 0); /* nothing was left pending */
    GK_ASSERT_EQ(cb_nmi(PV_CALLBACKOP_unregister), 0);
    GK_EXPECT_EQ(gk_trap_install(NMI_VEC, 0, false), 0);
}

GK_TEST(nmi)
{
    GK_ASSERT(bt_map_shared_info());
    check_refused();
    check_trap_table_entry();
    check_callback();
    check_no_nesting();
    check_dropped();
}
