/*
 * kb-index-recs.c - the index build's records, packed: a term id and a
 * one-byte code for the record's frequencies (5 bytes; 4 once all are in
 * and the term ids are narrowed to 3 bytes).  A code stands
 * for one of the first 255 distinct frequency sets met (4 bits a field);
 * the rare record with a field seen 15 times or more, or met once every
 * code is taken, keeps its exact frequencies in a side list, read in
 * record order like the records themselves.  The two arrays are mapped
 * pages: they grow without a copy (mremap) and the postings pass gives
 * back the pages it has read (ix_recs_release), so records and postings
 * are not both whole at the build's peak.
 */
#define _GNU_SOURCE        /* mremap (Linux): growing without a copy */
#include "kb-index.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

_Static_assert(KB_NFIELDS == 4, "4 bits a field in a uint16_t");

#define IX_RELEASE_STEP (1u << 20)   /* bytes given back at a time */

void *ix_pages_new(size_t n)
{
    void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void ix_pages_free(void *base, size_t gone, size_t len)
{
    if (base && len > gone)
        munmap((char *)base + gone, len - gone);
}

void ix_pages_give(void *base, size_t *gone, size_t end)
{
    if (!base || end < *gone + IX_RELEASE_STEP)
        return;            /* most calls: not a step yet, no sysconf */
    long ps = sysconf(_SC_PAGESIZE);
    if (ps <= 0)
        return;
    end -= end % (size_t)ps;
    if (end < *gone + IX_RELEASE_STEP)
        return;
    if (munmap((char *)base + *gone, end - *gone) == 0)
        *gone = end;
}

int ix_pages_grow(void **base, size_t *len, size_t len2)
{
    void *p;
#ifdef MREMAP_MAYMOVE
    if (*base) {
        p = mremap(*base, *len, len2, MREMAP_MAYMOVE);
        if (p == MAP_FAILED)
            return -1;
        *base = p;
        *len = len2;
        return 0;
    }
#endif
    p = ix_pages_new(len2);
    if (!p)
        return -1;
    if (*base) {
        memcpy(p, *base, *len);
        munmap(*base, *len);
    }
    *base = p;
    *len = len2;
    return 0;
}

int ix_recs_reserve(ix_recs *r, size_t n)
{
    if (n <= r->cap)
        return 0;
    if (r->gone_term || r->gone_tf || r->narrow)
        return -1;         /* released or narrowed: no growing any more */
    if (!r->code_of && !(r->code_of = calloc(1u << 16, 1)))
        return -1;
    size_t cap = r->cap ? r->cap : 64;
    while (cap < n)
        cap *= 2;
    void *t = r->term, *f = r->tf;
    int rc = ix_pages_grow(&t, &r->len_term, cap * sizeof *r->term);
    r->term = t;
    if (rc < 0 || ix_pages_grow(&f, &r->len_tf, cap * sizeof *r->tf) < 0)
        return -1;
    r->tf = f;
    r->cap = cap;
    return 0;
}

void ix_recs_narrow(ix_recs *r, size_t n_terms)
{
    long ps = sysconf(_SC_PAGESIZE);
    if (r->narrow || !r->term || n_terms > (1u << 24) || ps <= 0 ||
        r->gone_term)
        return;
    uint8_t *out = (uint8_t *)r->term;
    for (size_t i = 0; i < r->n; i++) {
        uint32_t t = r->term[i];       /* read before the bytes at 3 i on
                                          are written: 3 i + 3 <= 4 i + 4 */
        out[3 * i] = (uint8_t)t;
        out[3 * i + 1] = (uint8_t)(t >> 8);
        out[3 * i + 2] = (uint8_t)(t >> 16);
    }
    r->narrow = 1;
    size_t keep = (3 * r->n + (size_t)ps - 1) / (size_t)ps * (size_t)ps;
    if (keep < r->len_term && munmap(out + keep, r->len_term - keep) == 0)
        r->len_term = keep;
}

void ix_recs_release(ix_recs *r, size_t upto)
{
    if (!r->term || upto > r->n)
        return;
    ix_pages_give(r->term, &r->gone_term, upto * (r->narrow ? 3 : 4));
    ix_pages_give(r->tf, &r->gone_tf, upto * sizeof *r->tf);
}

/* Record i's frequencies kept whole.  0, -1 on OOM. */
static int recs_big(ix_recs *r, size_t i, const uint8_t *tf)
{
    if (kb_grow((void **)&r->big, &r->cap_big, r->n_big + 1, sizeof *r->big) < 0)
        return -1;
    ix_big *b = &r->big[r->n_big++];
    b->rec = (uint32_t)i;
    memcpy(b->tf, tf, sizeof b->tf);
    return 0;
}

/* The code of frequencies packed 4 bits a field (each under 15): the one
 * they got when first met, a new one, or IX_CODE_BIG once all are
 * taken. */
static unsigned recs_code(ix_recs *r, unsigned packed)
{
    unsigned c = r->code_of[packed];
    if (c)
        return c - 1;
    if (r->n_dict == IX_CODES)
        return IX_CODE_BIG;
    r->dict[r->n_dict] = (uint16_t)packed;
    r->code_of[packed] = (uint8_t)++r->n_dict;
    return r->n_dict - 1;
}

int ix_recs_push(ix_recs *r, const ix_rec *v, size_t n)
{
    if (ix_recs_reserve(r, r->n + n) < 0)
        return -1;
    for (size_t j = 0; j < n; j++) {
        const uint8_t *tf = v[j].tf;
        uint32_t x = (uint32_t)tf[0] | (uint32_t)tf[1] << 8 |
                     (uint32_t)tf[2] << 16 | (uint32_t)tf[3] << 24;
        /* a byte of 15 or more has bit 7 set in x or in x + 0x71 (a
         * carry out of a byte only comes from one of 0x8f or more) */
        int big = (((x + 0x71717171u) | x) & 0x80808080u) != 0;
        unsigned packed = (x & 0xfu) | (x >> 4 & 0xf0u) |
                          (x >> 8 & 0xf00u) | (x >> 12 & 0xf000u);
        unsigned code = big ? IX_CODE_BIG : recs_code(r, packed);
        if (code == IX_CODE_BIG && recs_big(r, r->n, v[j].tf) < 0)
            return -1;
        r->term[r->n] = v[j].term;
        r->tf[r->n++] = (uint8_t)code;
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
    else
        memset(tf, 0, KB_NFIELDS);     /* not kept: cannot happen */
}

void ix_recs_free(ix_recs *r)
{
    ix_pages_free(r->term, r->gone_term, r->len_term);
    ix_pages_free(r->tf, r->gone_tf, r->len_tf);
    free(r->big);
    free(r->code_of);
    memset(r, 0, sizeof *r);
}
