/*
 * kb-index-recs.c - the index build's records, packed: a term id and 4
 * bits of frequency per field (6 bytes); the rare record with a field
 * seen 15 times or more keeps its exact frequencies in a side list, read
 * in record order like the records themselves.
 */
#include "kb-index.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(KB_NFIELDS == 4, "4 bits a field in a uint16_t");

#define IX_NIB_BIG 15u

int ix_recs_reserve(ix_recs *r, size_t n)
{
    if (n <= r->cap)
        return 0;
    size_t cap = r->cap ? r->cap : 64;
    while (cap < n)
        cap *= 2;
    uint32_t *t = realloc(r->term, cap * sizeof *t);
    if (!t)
        return -1;
    r->term = t;
    uint16_t *f = realloc(r->tf, cap * sizeof *f);
    if (!f)
        return -1;
    r->tf = f;
    r->cap = cap;
    return 0;
}

/* Record i's frequencies kept whole.  0, -1 on OOM. */
static int recs_big(ix_recs *r, size_t i, const uint8_t *tf)
{
    if (r->n_big == r->cap_big) {
        size_t cap = r->cap_big ? r->cap_big * 2 : 64;
        ix_big *v = realloc(r->big, cap * sizeof *v);
        if (!v)
            return -1;
        r->big = v;
        r->cap_big = cap;
    }
    ix_big *b = &r->big[r->n_big++];
    b->rec = (uint32_t)i;
    memcpy(b->tf, tf, sizeof b->tf);
    return 0;
}

int ix_recs_push(ix_recs *r, const ix_rec *v, size_t n)
{
    if (ix_recs_reserve(r, r->n + n) < 0)
        return -1;
    for (size_t j = 0; j < n; j++) {
        unsigned packed = 0, big = 0;
        for (int f = 0; f < KB_NFIELDS; f++) {
            unsigned x = v[j].tf[f];
            big |= x >= IX_NIB_BIG;
            packed |= (x < IX_NIB_BIG ? x : IX_NIB_BIG) << (4 * f);
        }
        if (big && recs_big(r, r->n, v[j].tf) < 0)
            return -1;
        r->term[r->n] = v[j].term;
        r->tf[r->n++] = (uint16_t)packed;
    }
    return 0;
}

void ix_recs_big(const ix_recs *r, size_t i, size_t *at,
                 uint8_t tf[KB_NFIELDS])
{
    while (*at < r->n_big && r->big[*at].rec < i)
        (*at)++;
    if (*at < r->n_big && r->big[*at].rec == i)
        memcpy(tf, r->big[*at].tf, KB_NFIELDS);
}

void ix_recs_free(ix_recs *r)
{
    free(r->term);
    free(r->tf);
    free(r->big);
    memset(r, 0, sizeof *r);
}
