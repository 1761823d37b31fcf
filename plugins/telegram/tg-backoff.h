/*
 * tg-backoff.h - exponential backoff with jitter for retries.
 */
#ifndef TG_BACKOFF_H
#define TG_BACKOFF_H

typedef struct tg_backoff {
    unsigned base_ms;   /* first nominal delay */
    unsigned cap_ms;    /* no delay is longer */
    unsigned attempt;   /* failures since the last reset */
    unsigned seed;      /* PRNG state for the jitter */
} tg_backoff;

void tg_backoff_init(tg_backoff *b, unsigned base_ms, unsigned cap_ms,
                     unsigned seed);

/* The delay before the next retry: nominal = min(cap, base * 2^attempt),
 * result uniformly in [nominal/2, nominal] ("equal jitter").  Advances
 * the attempt count. */
unsigned tg_backoff_next(tg_backoff *b);

/* Call after a success: the next failure waits base again. */
void tg_backoff_reset(tg_backoff *b);

#endif
