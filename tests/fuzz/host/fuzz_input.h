/* tests/fuzz/host: reading a fuzzer's input as a stream of operations and their operands.
 * Reads past the end give zeros, so every input is a complete program. */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H
#include <stddef.h>
#include <stdint.h>

struct fzin {
    const uint8_t *p;
    size_t n;
};

static inline uint64_t fzin_bytes(struct fzin *in, unsigned width)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < width && in->n; i++, in->p++, in->n--)
        v |= (uint64_t)*in->p << (8 * i);
    return v;
}

static inline uint8_t fzin_u8(struct fzin *in)
{
    return (uint8_t)fzin_bytes(in, 1);
}

static inline uint16_t fzin_u16(struct fzin *in)
{
    return (uint16_t)fzin_bytes(in, 2);
}

static inline uint32_t fzin_u32(struct fzin *in)
{
    return (uint32_t)fzin_bytes(in, 4);
}

static inline uint64_t fzin_u64(struct fzin *in)
{
    return fzin_bytes(in, 8);
}

/* Copy up to len bytes into buf (the rest zeroed); returns how many came from the input. */
static inline size_t fzin_take(struct fzin *in, void *buf, size_t len)
{
    uint8_t *b = buf;
    size_t got = len < in->n ? len : in->n;

    for (size_t i = 0; i < len; i++)
        b[i] = i < got ? in->p[i] : 0;
    in->p += got;
    in->n -= got;
    return got;
}

/* A number worth trying: a small one, an edge, or the raw 64 bits (chosen by one byte). */
static inline uint64_t fzin_num(struct fzin *in)
{
    static const uint64_t edges[] = {0,          1,          0x7f,       0x80,
                                     0xff,       0xfff,      0x1000,     0x7fffffff,
                                     0x80000000, 0xffffffff, ~0ULL,      0x8000000000000000ULL,
                                     0xffff800000000000ULL, 0x00007fffffffffffULL};
    uint8_t k = fzin_u8(in);

    if (k < 0x40)
        return k;
    if (k < 0x80)
        return edges[k % (sizeof(edges) / sizeof(edges[0]))];
    return fzin_u64(in);
}

/* Fuzz targets' entry point (libFuzzer). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
