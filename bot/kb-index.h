/*
 * kb-index.h - the index build's records (kb-index-recs.c): one record
 * per (entry, term) with the term's frequency in each field, entry after
 * entry; and the postings written from them (kb-index-post.c).  For the
 * kb-index*.c files only.
 */
#ifndef FAQBOT_KB_INDEX_H
#define FAQBOT_KB_INDEX_H

#include "kb-impl.h"

/* A record while its entry is read (full frequencies). */
typedef struct ix_rec {
    uint32_t term;
    uint8_t tf[KB_NFIELDS];
} ix_rec;

/* A stored record whose frequencies do not fit 4 bits each. */
typedef struct ix_big {
    uint32_t rec;
    uint8_t tf[KB_NFIELDS];
} ix_big;

/* Every entry's records, 6 bytes each (not 8): the build's peak holds
 * them beside the postings. */
typedef struct ix_recs {
    uint32_t *term;        /* mapped pages (kb-index-recs.c), not malloc */
    uint16_t *tf;          /* 4 bits a field; 15: in big */
    size_t n, cap;
    size_t len_term, len_tf;   /* bytes mapped */
    size_t gone_term, gone_tf; /* bytes at the start given back */
    ix_big *big;           /* in record order */
    size_t n_big, cap_big;
} ix_recs;

/* Room for n records in all.  0, -1 on OOM. */
int ix_recs_reserve(ix_recs *r, size_t n);
/* Records before upto will not be read again: their whole pages go back
 * to the system (a step at a time), so the postings can grow where they
 * were.  No ix_recs_reserve after it. */
void ix_recs_release(ix_recs *r, size_t upto);
/* Append one entry's records.  0, -1 on OOM. */
int ix_recs_push(ix_recs *r, const ix_rec *v, size_t n);
/* Record i's frequencies from r->big (*at: the reader's place there). */
void ix_recs_big(const ix_recs *r, size_t i, size_t *at,
                 uint8_t tf[KB_NFIELDS]);

/* The frequencies of record i, for a reader going through the records
 * in order: *at is its place in r->big (0 to start with). */
static inline void ix_recs_tf(const ix_recs *r, size_t i, size_t *at,
                              uint8_t tf[KB_NFIELDS])
{
    unsigned p = r->tf[i];
    tf[0] = (uint8_t)(p & 15u);
    tf[1] = (uint8_t)((p >> 4) & 15u);
    tf[2] = (uint8_t)((p >> 8) & 15u);
    tf[3] = (uint8_t)(p >> 12);
    if (p & (p >> 1) & (p >> 2) & (p >> 3) & 0x1111u)   /* a nibble 15 */
        ix_recs_big(r, i, at, tf);
}
void ix_recs_free(ix_recs *r);
/* The postings (kb-index-post.c) from every entry's records (rec_off:
 * n_entries + 1) and field lengths (flen: KB_NFIELDS an entry), once
 * df and idf are known; the records are given back as they are read
 * (freed).  0, -1 on OOM. */
int ix_postings(kb *k, ix_recs *recs, const uint32_t *rec_off,
                const float *flen);

#endif /* FAQBOT_KB_INDEX_H */
