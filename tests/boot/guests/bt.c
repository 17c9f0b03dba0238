/* tests/boot: the helpers of bt.h: trap catching with the full frame, frame checks, wrappers. */
#include "bt.h"
#include "pv-abi/domctl.h"

volatile uint64_t bt_pre_rsp, bt_pre_rflags, bt_pre_rcx, bt_pre_r11;
volatile uint64_t bt_arg;
uint64_t bt_frame_iopl;

static struct gk_context catch_ctx;
static struct gk_regs *volatile catch_frame;
static volatile uint64_t catch_frame_addr;
static volatile bool catch_armed;

/* The kit calls this for every trap no kit catch claimed: take it if a bt_trap is armed. */
bool gk_trap_hook(struct gk_regs *regs)
{
    if (!catch_armed)
        return false;
    catch_armed = false;
    *catch_frame = *regs;
    catch_frame_addr = (uint64_t)(uintptr_t)&regs->rip;
    gk_context_resume(regs, &catch_ctx, 1);
    return true;
}

bool bt_trap(void (*fn)(void), struct gk_regs *frame, uint64_t *frame_addr)
{
    catch_frame = frame;
    catch_frame_addr = 0;
    catch_ctx.rflags = bt_kernel_rflags();
    catch_armed = true;
    if (gk_context_save(&catch_ctx) == 0) {
        fn();
        catch_armed = false;
        return false;
    }
    if (frame_addr)
        *frame_addr = catch_frame_addr;
    return true;
}

bool bt_eq_at(const char *file, int line, const char *what, const char *field, uint64_t got,
              uint64_t want)
{
    if (got == want)
        return true;
    gk_test_fail_at(file, line, "%s: %s = %#lx, expected %#lx", what, field, got, want);
    return false;
}

unsigned bt_upcall_mask(void)
{
    struct pv_vcpu_info *v = gk_vcpu_info();

    return v ? v->evtchn_upcall_mask : 1;
}

uint64_t bt_kernel_rflags(void)
{
    return 0x2 | (bt_upcall_mask() ? 0 : BT_RFLAGS_IF);
}

bool bt_expect_trap(const struct bt_expect *e, void (*fn)(void), struct gk_regs *f)
{
    uint64_t mask = bt_upcall_mask(), addr = 0, want_rflags;
    bool ok = true;

    if (!bt_trap(fn, f, &addr)) {
        GK_FAIL("%s: expected vector %u, no trap came", e->what, e->vector);
        return false;
    }
    if (!BT_EQ(e->what, f->vector, e->vector))
        return false;
    /* Real IF and IOPL are hidden: IF shows the virtual event mask, IOPL the virtual IOPL
     * only with architectural IOPL. RF is the CPU's business on fault delivery. */
    want_rflags = ((bt_pre_rflags | e->rflags_set) & ~(BT_RFLAGS_IF | BT_RFLAGS_IOPL)) |
                  (mask ? 0 : BT_RFLAGS_IF) | bt_frame_iopl;
    ok &= BT_EQ(e->what, f->error_code, e->error_code);
    ok &= BT_EQ(e->what, f->rip, (uint64_t)(uintptr_t)e->rip);
    ok &= BT_EQ(e->what, f->cs, BT_FRAME_KERNEL_CS | (mask << 32));
    ok &= BT_EQ(e->what, f->rflags & ~BT_RFLAGS_RF, want_rflags);
    ok &= BT_EQ(e->what, f->rsp, bt_pre_rsp);
    ok &= BT_EQ(e->what, f->ss, BT_FRAME_SS);
    ok &= BT_EQ(e->what, f->rcx, bt_pre_rcx);
    ok &= BT_EQ(e->what, f->r11, bt_pre_r11);
    /* The frame goes on the interrupted kernel stack, aligned down to 16 bytes: SS sits in
     * the quadword right below the aligned rsp. */
    ok &= BT_EQ(e->what, addr + 4 * 8, (bt_pre_rsp & ~15ULL) - 8);
    return ok;
}

uint64_t bt_read_cr0(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

uint64_t bt_read_cr2(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

uint64_t bt_read_cr3(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

uint64_t bt_read_cr4(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

uint64_t bt_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

void bt_wrmsr(uint32_t msr, uint64_t val)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "memory");
}

long bt_fpu_taskswitch(int set)
{
    return gk_hypercall(PV_HYPERCALL_fpu_taskswitch, set, 0, 0, 0, 0);
}

long bt_set_debugreg(int reg, uint64_t value)
{
    return gk_hypercall(PV_HYPERCALL_set_debugreg, reg, value, 0, 0, 0);
}

long bt_get_debugreg(int reg)
{
    return gk_hypercall(PV_HYPERCALL_get_debugreg, reg, 0, 0, 0, 0);
}

long bt_set_iopl(unsigned int iopl)
{
    struct pv_physdev_set_iopl arg = {.iopl = iopl};

    return gk_hypercall_physdev_op(PV_PHYSDEVOP_set_iopl, &arg);
}

void bt_cpuid_forced(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    __asm__ volatile(PV_CPUID
                     : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
                     : "a"(leaf), "c"(subleaf));
}

void bt_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
                     : "a"(leaf), "c"(subleaf));
}

uint64_t bt_l4_mfn(void)
{
    return gk_virt_to_mfn((const void *)(uintptr_t)gk_start_info->pt_base);
}

/* clang-format off */
BT_TRIGGER(bt_probe_read, "movq bt_arg(%rip), %rax", "movb (%rax), %dl", "");
/* clang-format on */

bool bt_is_unmapped(uint64_t va)
{
    struct gk_regs f;

    bt_arg = va;
    return bt_trap(bt_probe_read, &f, NULL) && f.vector == GK_VEC_PF;
}

bool bt_access_faults(volatile uint64_t *p, volatile uint64_t *val, bool write)
{
    struct gk_trap_record rec;

    if (gk_trap_catch(&rec) != 0)
        return rec.vector == GK_VEC_PF;
    if (write)
        *p = *val;
    else
        *val = *p;
    gk_trap_uncatch();
    return false;
}

uint64_t bt_mapping_end(void)
{
    uint64_t first, end;

    gk_mm_range(&first, &end);
    return GK_VIRT_BASE + end * GK_PAGE_SIZE;
}

bool bt_map_shared_info(void)
{
    long rc = gk_shared_info_map();

    if (rc)
        gk_test_log("shared_info cannot be mapped (update_va_mapping: %ld): checks that read "
                    "vcpu_info are skipped",
                    rc);
    return rc == 0;
}

bool bt_cmdline_uint(const char *key, uint64_t *out)
{
    char buf[24];
    const char *p = buf;
    unsigned base = 10;
    uint64_t v = 0;

    if (!gk_cmdline_get(key, buf, sizeof(buf)) || !*buf)
        return false;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    for (; *p; p++) {
        unsigned d = (*p >= '0' && *p <= '9')   ? (unsigned)(*p - '0')
                     : (*p >= 'a' && *p <= 'f') ? (unsigned)(*p - 'a' + 10)
                     : (*p >= 'A' && *p <= 'F') ? (unsigned)(*p - 'A' + 10)
                                                : 99;
        if (d >= base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

volatile uint32_t bt_helper_cmd;
static volatile uint32_t helper_done;

void bt_helper_answer(void)
{
    bt_helper_cmd = 0;
    helper_done = helper_done + 1;
}

void bt_helper_ask(uint32_t cmd)
{
    uint32_t done = helper_done;

    bt_helper_cmd = cmd;
    while (helper_done == done)
        __asm__ volatile("pause");
}

long bt_domctl(struct pv_domctl *op, uint32_t cmd, unsigned domain)
{
    op->cmd = cmd;
    op->interface_version = PV_DOMCTL_INTERFACE_VERSION;
    op->domain = (pv_domid_t)domain;
    return gk_hypercall_nr(PV_HYPERCALL_domctl, (uint64_t)(uintptr_t)op, 0, 0, 0, 0);
}

unsigned bt_domain_create(struct pv_domctl *op)
{
    memset(op, 0, sizeof(*op));
    op->u.createdomain.max_vcpus = 1;
    op->u.createdomain.max_evtchn_port = 1023;
    op->u.createdomain.max_grant_frames = -1;
    op->u.createdomain.max_maptrack_frames = -1;
    op->u.createdomain.grant_opts = 1;
    GK_ASSERT_EQ(bt_domctl(op, PV_DOMCTL_createdomain, 0), 0);
    return op->domain;
}
