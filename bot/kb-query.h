/*
 * kb-query.h - one query between kb-match.c (terms, confidence,
 * decision) and kb-rescore.c (the candidates rescored).  Private to
 * those files.
 */
#ifndef FAQBOT_KB_QUERY_H
#define FAQBOT_KB_QUERY_H

#include "kb-impl.h"

typedef struct kb_query {
    double weight;         /* idf mass of the query, unknown words included */
    double unknown;        /* the unknown words' part of it */
    size_t n_unknown;      /* words the vocabulary does not know */
    size_t anchors;        /* distinct core words (in most entries) */
    size_t n_bi;
    double bi_weight;      /* sum of the pairs' weights */
    /* bit kb_pair_bit(slot a, slot b) set for each query pair (a, b),
     * slots as in s->qmark: a pair of adjacent query words whose bit is
     * clear is not a query pair (a filter; a set bit is checked) */
    uint64_t pair_filter;
} kb_query;

static inline unsigned kb_pair_bit(uint32_t slot_a, uint32_t slot_b)
{
    return (slot_a * 11u + slot_b) & 63u;
}

/* Rescore s->cand[0 .. s->n_cand) for q, highest bound first; only the
 * best three scores (entry `except` not counted among them) are exact,
 * the others are below them.  Leaves the candidates unsorted. */
void kb_rescore(const kb *k, kb_scratch *s, const kb_query *q,
                uint32_t except);

/* Sort candidates by score (highest first), then entry. */
void kb_cand_sort(kb_cand *c, size_t n);

#endif /* FAQBOT_KB_QUERY_H */
