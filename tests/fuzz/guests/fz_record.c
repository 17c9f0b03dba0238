/* tests/fuzz: what the fuzzing guest reached: a bitmap of (hypercall, sub-op, result class)
 * and of (instruction template, vector). Each checkpoint prints what is new since the last one,
 * so that a domain the hypervisor crashes later has reported what it reached; the campaign
 * runner merges them. */
#include "fz.h"

#define NR_BITS 7   /* hypercall numbers 0-126; 127 stands for every larger one */
#define SUB_BITS 6  /* sub-ops 0-62, FZ_SUB_NONE */
#define RC_BITS 8   /* result classes, see rc_class */
#define KEYS (1U << (NR_BITS + SUB_BITS + RC_BITS))
#define INSN_KEYS (256U * 256U)

struct fz_stats fz_stats;
static uint64_t seen[KEYS / 64], reported[KEYS / 64];
static uint64_t seen_insn[INSN_KEYS / 64], reported_insn[INSN_KEYS / 64];

/* 0 success, 1-127 -errno, 128 positive, 129 other negative; 200-213 grant statuses (set by
 * fz_record_status). */
static unsigned rc_class(long rc)
{
    if (rc == 0)
        return 0;
    if (rc < 0 && rc > -128)
        return (unsigned)-rc;
    return rc > 0 ? 128 : 129;
}

static void mark(unsigned nr, unsigned sub, unsigned cls)
{
    unsigned key = ((nr > 127 ? 127 : nr) << (SUB_BITS + RC_BITS)) | ((sub & 63) << RC_BITS) |
                   (cls & 255);

    seen[key / 64] |= 1ULL << (key % 64);
}

void fz_record(unsigned nr, unsigned sub, long rc)
{
    mark(nr, sub, rc_class(rc));
}

void fz_record_status(unsigned nr, unsigned sub, int status)
{
    mark(nr, sub, 200 + (unsigned)(status < 0 ? -status : 64) % 56);
}

void fz_record_insn(unsigned template_id, unsigned vector)
{
    unsigned key = ((template_id & 255) << 8) | (vector & 255);

    seen_insn[key / 64] |= 1ULL << (key % 64);
}

/* Print the bits set since the last call as hex keys, 16 to a line; returns how many are set
 * in all. */
static unsigned dump(const char *tag, const uint64_t *bits, uint64_t *done, unsigned nkeys)
{
    unsigned n = 0, col = 0;

    for (unsigned k = 0; k < nkeys; k++) {
        if (!(bits[k / 64] & (1ULL << (k % 64))))
            continue;
        n++;
        if (done[k / 64] & (1ULL << (k % 64)))
            continue;
        done[k / 64] |= 1ULL << (k % 64);
        if (col == 0)
            gk_printf("%s", tag);
        gk_printf(" %x", k);
        if (++col == 16) {
            gk_printf("\n");
            col = 0;
        }
    }
    if (col)
        gk_printf("\n");
    return n;
}

void fz_record_new(void)
{
    dump("FZCOV", seen, reported, KEYS);
    dump("FZI", seen_insn, reported_insn, INSN_KEYS);
}

void fz_record_report(void)
{
    unsigned calls = dump("FZCOV", seen, reported, KEYS);
    unsigned insns = dump("FZI", seen_insn, reported_insn, INSN_KEYS);

    gk_printf("FZN seed=%lu combos=%u insn_combos=%u\n", fz_seed, calls, insns);
}
