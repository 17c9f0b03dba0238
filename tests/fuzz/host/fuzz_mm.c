/* tests/fuzz/host: the page-table core (hypervisor/mm: the entry checks of every level,
 * validation, pinning, type and general references, descriptor pages, base pointers, grant
 * references) driven by a program of operations on two domains' frames (tests/unit/mm_fake.c
 * provides the machine). Whatever the sequence, the core must never take a reference it does
 * not drop: once every reference the program holds is released and the domains are torn down,
 * no frame may still be counted (mmf_assert_all_zero), and no BUG_ON may fire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pv-abi/errno.h"
#include "fuzz_input.h"
#include "mm.h"
#include "mm_baseptr.h"
#include "mm_fake.h"
#include "paging.h"

#define OWN 24    /* frames of dom_a the program plays with */
#define THEIRS 4  /* frames of dom_b */
#define MAX_HELD 64
#define MAX_OPS 256

static uint64_t own[OWN], theirs[THEIRS], free_frame;

/* References the program took and must give back before teardown. */
static struct held {
    uint64_t mfn;
    enum { HELD_TYPE, HELD_GRANT_RO, HELD_GRANT_RW } kind;
} held[MAX_HELD];
static unsigned nr_held;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("CMOCKA_TEST_ABORT", "1", 1); /* a failed check aborts: libFuzzer reports it */
    return 0;
}

/* A frame by selector: mostly dom_a's own, then dom_b's, free, the hypervisor's, the first
 * frames (below MMF_FIRST_RAM), beyond the machine, the all-ones frame number. */
static uint64_t frame(uint8_t sel)
{
    if (sel < 160)
        return own[sel % OWN];
    switch (sel % 8) {
    case 0:
    case 1:
        return theirs[sel % THEIRS];
    case 2:
        return free_frame;
    case 3:
        return MMF_HV_FRAME;
    case 4:
        return sel % MMF_FIRST_RAM;
    case 5:
        return MMF_BEYOND;
    case 6:
        return MMF_ALL_ONES;
    default:
        return MMF_FRAMES - 1;
    }
}

/* An entry: a frame, flag bits 0-11, and some of the high bits (NX, 52-62, reserved 51). */
static uint64_t entry(struct fzin *in)
{
    uint64_t e = mmf_pte(frame(fzin_u8(in)), fzin_u16(in) & 0xfff);
    uint8_t hi = fzin_u8(in);

    if (hi & 1)
        e |= 1ULL << 63;
    if (hi & 2)
        e |= 1ULL << (52 + (hi >> 4) % 11);
    if (hi & 4)
        e |= 1ULL << 51;
    return e;
}

static uint32_t type(uint8_t t)
{
    static const uint32_t types[] = {PGT_writable, PGT_l1, PGT_l2, PGT_l3, PGT_l4, PGT_seg_desc};

    return types[t % 6];
}

static void hold(uint64_t mfn, int kind)
{
    if (nr_held < MAX_HELD)
        held[nr_held++] = (struct held){mfn, kind};
    else if (kind == HELD_TYPE)
        mm_put_page_and_type(mfn);
    else
        mm_put_grant_ref(mfn, kind == HELD_GRANT_RW);
}

static void release(unsigned i)
{
    struct held h = held[i];

    held[i] = held[--nr_held];
    if (h.kind == HELD_TYPE)
        mm_put_page_and_type(h.mfn);
    else
        mm_put_grant_ref(h.mfn, h.kind == HELD_GRANT_RW);
}

/* The guest writing a frame it may write (no page-table or descriptor use): plain memory. */
static void guest_store(uint64_t mfn, unsigned slot, uint64_t val)
{
    if (mfn < MMF_FRAMES && frame_owned_by(&dom_a, mfn) &&
        (mmf_type(mfn) == PGT_none || mmf_type(mfn) == PGT_writable || !mmf_type_count(mfn)))
        mmf_mem(mfn)[slot % 512] = val;
}

static void one_op(struct fzin *in)
{
    uint8_t op = fzin_u8(in), a = fzin_u8(in), b = fzin_u8(in);
    struct vcpu *v = dom_a.vcpu[0];
    uint64_t mfn = frame(a);

    switch (op % 12) {
    case 0:
    case 1:
        mm_mod_entry(&dom_a, mmf_maddr(mfn, b) | (op & 0x10 ? (op >> 5) : 0), entry(in),
                     op & 0x80);
        break;
    case 2:
        mm_pin(&dom_a, mfn, b % 6);
        break;
    case 3:
        mm_unpin(&dom_a, mfn);
        break;
    case 4:
        if (!mm_get_page_and_type(mfn, &dom_a, type(b)))
            hold(mfn, HELD_TYPE);
        break;
    case 5:
        if (nr_held)
            release(b % nr_held);
        break;
    case 6:
        guest_store(mfn, b, entry(in));
        break;
    case 7:
        mm_update_descriptor(&dom_a, mmf_maddr(mfn, b) | (op >> 5), fzin_u64(in));
        break;
    case 8:
        mm_new_baseptr(v, op & 0x80 ? 0 : mfn);
        break;
    case 9:
        v->kernel_mode = op & 0x40;
        mm_new_user_baseptr(v, op & 0x80 ? 0 : mfn);
        break;
    case 10:
        if (!mm_get_grant_ref(mfn, &dom_a, b & 1))
            hold(mfn, b & 1 ? HELD_GRANT_RW : HELD_GRANT_RO);
        break;
    default: {
        uint64_t desc = fzin_u64(in), orig = desc;

        if (mm_check_descriptor(&desc) == 0 && (orig & (1ULL << 47)))
            assert_true(((desc >> 45) & 3) == 3 || !((desc >> 44) & 1)); /* DPL 3 or a gate */
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fzin in = {data, size};

    mmf_reset();
    mmf.current = dom_a.vcpu[0];
    for (unsigned i = 0; i < OWN; i++)
        own[i] = mmf_frame(&dom_a);
    for (unsigned i = 0; i < THEIRS; i++)
        theirs[i] = mmf_frame(&dom_b);
    free_frame = mmf_free_frame();
    nr_held = 0;
    for (unsigned n = 0; n < MAX_OPS && in.n; n++)
        one_op(&in);
    while (nr_held)
        release(nr_held - 1);
    mm_domain_teardown(&dom_a);
    mm_domain_teardown(&dom_b);
    mmf_assert_all_zero(&dom_a);
    mmf_assert_all_zero(&dom_b);
    return 0;
}
