/*
 * kb-rescore.h - what the two halves of rescoring share (private to
 * kb-rescore.c, the candidates' scores and bounds, and kb-rescore-ix.c,
 * an alternate's words found through the alternates' index).
 */
#ifndef FAQBOT_KB_RESCORE_H
#define FAQBOT_KB_RESCORE_H

#include "kb-query.h"

#include <string.h>

#define RS_MEMO_BITS 4
#define RS_MEMO (1 << RS_MEMO_BITS)   /* cand_held's answers kept */
/* An entry of this many alternates or more is read by its heaviest query
 * terms first (kb-rescore-ix.c ix_best_ord) */
#define RS_ORD_ALTS 16

/* What a query's rescoring reads again and again, worked out once. */
typedef struct rs_query {
    const kb_query *q;
    uint64_t always;       /* first 64 query terms counted as held by any
                              entry: from the 33rd on (kb_topk marks 32)
                              and those with no impact */
    double beyond;         /* weight of the query terms after the 64th */
    int pairs_exact;       /* any sum of the pair weights is exact (in
                              double), so "as much as the entry holds" is
                              an exact comparison */
    float qw[64];          /* weight of the first 64 query terms */
    /* the first 64 pairs: their words' bits among the first 64 terms (a
     * later word is held), and weights; the later pairs count as held */
    uint64_t pbits[64];
    float pw[64];
    size_t n_pairs;
    double pairs_beyond;
    /* the alternates' index may be read (kb-altix.c): built, at most 64
     * query terms and pairs, any sum of their weights exact (in double:
     * their order is free), not a test reading every alternate */
    int ix;
    int qw_pos;            /* every query term's weight is above 0 */
    uint64_t pair_words;   /* terms in a pair (pbits ORed) */
    uint8_t pa[64], pb[64];    /* a pair's first and second term */
    int pairs_ix;          /* pairs found through the index: exact sums,
                              no pair twice in the query */
    uint64_t self_pairs;   /* terms paired with themselves ("wrap wrap") */
    /* ord_ok (every weight above 0, a kb of RS_ORD_ALTS alternates an
     * entry or more on average): ord holds the first 64 query terms,
     * heaviest first, for kb-rescore-ix.c's ix_best_ord */
    int ord_ok;
    uint8_t ord[64];
    /* cand_held's last answer: candidates often hold the same words */
    uint64_t memo_h[RS_MEMO];
    int memo_ok[RS_MEMO];
    double memo_got[RS_MEMO], memo_pairs[RS_MEMO];
} rs_query;

/* A fresh stamp for s->qseen / s->qbi_seen (cleared when the counter
 * would wrap). */
static inline uint32_t kb_rs_stamp(kb_scratch *s)
{
    if (s->stamp == UINT32_MAX) {
        memset(s->qseen, 0, s->cap_qseen * sizeof *s->qseen);
        memset(s->qbi_seen, 0, s->cap_qbi_seen * sizeof *s->qbi_seen);
        s->stamp = 0;
    }
    return ++s->stamp;
}

/* Weight of a query pair (a, b) found at adjacent positions, each of
 * the query's pairs counted once per alternate (stamp): an alternate
 * repeating a pair gets no more than the query gives, so the pairs'
 * share stays <= 1. */
static inline double kb_rs_pair_hits(kb_scratch *s, const kb_query *q,
                                      uint32_t a, uint32_t b, uint32_t stamp)
{
    uint64_t key = (uint64_t)a << 32 | b;
    for (size_t i = 0; i < q->n_bi; i++) {
        if (s->qbi[i] == key && s->qbi_seen[i] != stamp) {
            s->qbi_seen[i] = stamp;
            return s->qbi_w[i];
        }
    }
    return 0;
}

/* r->ix and what reading through the alternates' index needs. */
void kb_rs_init_ix(const kb *k, const kb_scratch *s, rs_query *r);
/* c's best alternate and pairs through the alternates' index (r->ix, an
 * entry of at most KB_ALTIX_MAX_ALTS alternates). */
void kb_rs_score_alts_ix(const kb *k, kb_scratch *s, kb_cand *c,
                         const rs_query *r, double got, double held_pairs);

#endif
