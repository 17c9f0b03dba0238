/* tests/fuzz: the seeded generator (splitmix64, reseeded per iteration) and numbers that
 * implementations get wrong. */
#include "fz.h"

static uint64_t state;

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void fz_rng_seed(uint64_t seed, uint64_t iter)
{
    state = mix(seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL) ^ mix(iter + 1);
}

uint64_t fz_rand(void)
{
    state += 0x9e3779b97f4a7c15ULL;
    return mix(state);
}

uint64_t fz_below(uint64_t n)
{
    return n ? fz_rand() % n : 0;
}

bool fz_chance(unsigned per_1024)
{
    return fz_below(1024) < per_1024;
}

uint64_t fz_range(uint64_t lo, uint64_t hi)
{
    return hi <= lo ? lo : lo + fz_below(hi - lo + 1);
}

static const uint64_t edges[] = {
    0,
    1,
    2,
    3,
    7,
    8,
    0x7f,
    0x80,
    0xff,
    0x100,
    0xfff,
    0x1000,
    0x1001,
    0x7fff,
    0x8000,
    0xffff,
    0x10000,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000ULL,
    0x7fffffffffffffffULL,
    0x8000000000000000ULL,
    0xffffffffffffffffULL,
    0xfffffffffffffffeULL,
    0xffffffff80000000ULL,
    0x00007fffffffffffULL,
    0x0000800000000000ULL,
    0xffff800000000000ULL,
    0x000fffffffffffffULL,
};

uint64_t fz_num(void)
{
    switch (fz_below(8)) {
    case 0:
    case 1:
        return edges[fz_below(sizeof(edges) / sizeof(edges[0]))];
    case 2: /* a power of two, give or take one */
        return (1ULL << fz_below(64)) + fz_below(3) - 1;
    case 3:
        return fz_below(64);
    case 4:
        return fz_below(0x10000);
    case 5:
        return (uint64_t)-(int64_t)fz_below(64);
    case 6:
        return fz_rand() & 0xffffffffULL;
    default:
        return fz_rand();
    }
}

uint32_t fz_num32(void)
{
    return (uint32_t)fz_num();
}
