/*
 * tg-backoff.c - exponential backoff with equal jitter.
 */
#include "tg-backoff.h"

void tg_backoff_init(tg_backoff *b, unsigned base_ms, unsigned cap_ms,
                     unsigned seed)
{
    b->base_ms = base_ms ? base_ms : 1;
    b->cap_ms = cap_ms < b->base_ms ? b->base_ms : cap_ms;
    b->attempt = 0;
    b->seed = seed ? seed : 0x9E3779B9u;
}

/* xorshift32: small, deterministic for a given seed. */
static unsigned next_rand(tg_backoff *b)
{
    unsigned x = b->seed;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b->seed = x;
    return x;
}

unsigned tg_backoff_next(tg_backoff *b)
{
    unsigned long long nominal = b->base_ms;
    unsigned i, half;
    for (i = 0; i < b->attempt && nominal < b->cap_ms; i++)
        nominal *= 2;
    if (nominal > b->cap_ms)
        nominal = b->cap_ms;
    if (b->attempt < 64)
        b->attempt++;
    half = (unsigned)(nominal / 2);
    return (unsigned)nominal - half + next_rand(b) % (half + 1);
}

void tg_backoff_reset(tg_backoff *b)
{
    b->attempt = 0;
}
