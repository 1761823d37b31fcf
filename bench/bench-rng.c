/* bench-rng.c - xoshiro256** seeded by splitmix64, and a Zipf sampler
 * (Zipf-Mandelbrot: P(r) ~ 1 / (r + 1 + q)^s; inverse CDF, binary
 * search).  Everything generated from a seed is
 * reproducible across machines: only integer arithmetic decides, except
 * the Zipf CDF, which is computed the same way everywhere. */
#include "bench.h"

#include <math.h>
#include <stdlib.h>

uint64_t bench_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void bench_rng_seed(bench_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        seed = bench_mix64(seed);
        r->s[i] = seed;
    }
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t bench_rng_next(bench_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

uint32_t bench_rng_below(bench_rng *r, uint32_t n)
{
    return n ? (uint32_t)((bench_rng_next(r) >> 32) * n >> 32) : 0;
}

double bench_rng_unit(bench_rng *r)
{
    return (double)(bench_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Owned by z: bench_zipf_free(). */
int bench_zipf_init(bench_zipf *z, size_t n, double s, double q)
{
    z->n = n;
    z->cdf = malloc((n ? n : 1) * sizeof *z->cdf);
    if (!z->cdf)
        return -1;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += 1.0 / pow((double)(i + 1) + q, s);
        z->cdf[i] = sum;
    }
    for (size_t i = 0; i < n; i++)
        z->cdf[i] /= sum;
    return 0;
}

void bench_zipf_free(bench_zipf *z)
{
    free(z->cdf);
    z->cdf = NULL;
    z->n = 0;
}

size_t bench_zipf_draw(const bench_zipf *z, bench_rng *r)
{
    double u = bench_rng_unit(r);
    size_t lo = 0, hi = z->n ? z->n - 1 : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (z->cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
