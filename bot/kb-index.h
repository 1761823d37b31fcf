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

/* A stored record whose frequencies have no code (ix_recs). */
typedef struct ix_big {
    uint32_t rec;
    uint8_t tf[KB_NFIELDS];
} ix_big;

/* A record's frequencies are stored as a one-byte code: one of the first
 * IX_CODES distinct frequency sets seen (4 bits a field, each under 15),
 * or IX_CODE_BIG: kept whole aside (a field seen 15 times or more, or
 * every code taken). */
#define IX_CODES 255u
#define IX_CODE_BIG 255u

/* Every entry's records, 5 bytes each (not 8), 4 once their term ids
 * are narrowed to 3 bytes: the build's peak holds them beside the
 * postings. */
typedef struct ix_recs {
    uint32_t *term;        /* mapped pages (kb-index-recs.c), not malloc;
                              3 bytes each once narrow (ix_recs_term) */
    int narrow;
    uint8_t *tf;           /* codes */
    size_t n, cap;
    size_t len_term, len_tf;   /* bytes mapped */
    size_t gone_term, gone_tf; /* bytes at the start given back */
    ix_big *big;           /* in record order */
    size_t n_big, cap_big;
    uint16_t dict[IX_CODES];   /* code -> frequencies, 4 bits a field */
    unsigned n_dict;
    uint8_t *code_of;      /* 4-bit packed frequencies -> 1 + code, 0: no
                              code yet (65,536 bytes, malloc) */
} ix_recs;

/* Fresh zeroed pages for n bytes (mapped, so that ix_pages_give can hand
 * the ones read back while other arrays grow); NULL on failure.  Caller
 * unmaps with ix_pages_free. */
void *ix_pages_new(size_t n);
/* The whole pages of base below byte end, past *gone, back to the system
 * once they make a step (1 MB); *gone is moved past them. */
void ix_pages_give(void *base, size_t *gone, size_t end);
/* Mapped array *base of *len bytes (0: none yet) grown to len2 bytes,
 * contents kept, the rest zero: moved by the kernel where it can (no
 * copy, no second array at once), else mapped anew and copied.  Pages
 * never written take no memory.  0, -1 on failure (unchanged). */
int ix_pages_grow(void **base, size_t *len, size_t len2);
/* Unmap what is left of base (len bytes mapped, the first gone given
 * back). */
void ix_pages_free(void *base, size_t gone, size_t len);

/* Room for n records in all.  0, -1 on OOM. */
int ix_recs_reserve(ix_recs *r, size_t n);
/* Records before upto will not be read again: their whole pages go back
 * to the system (a step at a time), so the postings can grow where they
 * were.  No ix_recs_reserve after it. */
void ix_recs_release(ix_recs *r, size_t upto);
/* Once every record is in: the term ids stored in 3 bytes (low byte
 * first) instead of 4, in place, and the pages freed by it given back;
 * kept in 4 when a term id needs more (n_terms over 2^24).  No
 * ix_recs_push after it; read the terms with ix_recs_term. */
void ix_recs_narrow(ix_recs *r, size_t n_terms);
/* Append one entry's records.  0, -1 on OOM. */
int ix_recs_push(ix_recs *r, const ix_rec *v, size_t n);
/* Record i's frequencies from r->big (*at: the reader's place there). */
void ix_recs_big(const ix_recs *r, size_t i, size_t *at,
                 uint8_t tf[KB_NFIELDS]);

/* Frequencies packed 4 bits a field into tf. */
static inline void ix_unpack(unsigned p, uint8_t tf[KB_NFIELDS])
{
    tf[0] = (uint8_t)(p & 15u);
    tf[1] = (uint8_t)((p >> 4) & 15u);
    tf[2] = (uint8_t)((p >> 8) & 15u);
    tf[3] = (uint8_t)(p >> 12);
}

/* The term of record i. */
static inline uint32_t ix_recs_term(const ix_recs *r, size_t i)
{
    if (!r->narrow)
        return r->term[i];
    const uint8_t *p = (const uint8_t *)r->term + 3 * i;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

/* The frequencies of record i, for a reader going through the records
 * in order: *at is its place in r->big (0 to start with). */
static inline void ix_recs_tf(const ix_recs *r, size_t i, size_t *at,
                              uint8_t tf[KB_NFIELDS])
{
    unsigned c = r->tf[i];
    if (c == IX_CODE_BIG)
        ix_recs_big(r, i, at, tf);
    else
        ix_unpack(r->dict[c], tf);
}
void ix_recs_free(ix_recs *r);
/* Impacts of entries whose field lengths are all below this (4096) are
 * summed from per-length tables (kb-index-post.c), the others the long
 * way: the same floats either way (tests set 0 to compare). */
extern size_t kb_ix_tab_len;
/* kb-index.c: fn(arg, c) for every chunk c in [0, n), shared by this
 * thread and a second one: each takes the next chunk not yet taken (a
 * second thread that gets no core leaves them all to this one), so
 * which thread does which chunk varies, and no chunk may write what
 * another reads or writes; all done on return (the join is the
 * barrier).  All here when kb_index_inline is set or no thread can be
 * had. */
void ix_share(void (*fn)(void *, size_t), void *arg, size_t n);
#define IX_CHUNKS 16       /* chunks a job is cut into for ix_share */
/* Postings (alternates' words) below which ix_share is not worth a
 * thread (tests set 0). */
extern size_t kb_index_par_min;

/* The postings (kb-index-post.c) from every entry's records (rec_off:
 * n_entries + 1) and field lengths (flen: KB_NFIELDS an entry), once
 * df and idf are known, and each term's question weight (k->qw); the
 * records are given back as they are read (freed).  0, -1 on OOM. */
int ix_postings(kb *k, ix_recs *recs, const uint32_t *rec_off,
                const float *flen);

#endif /* FAQBOT_KB_INDEX_H */
