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

/* Tests: set, kb-match.c's cover() looks every query word up rather
 * than reading the candidates' holds (kb_cand.hold); 0 by default. */
extern int kb_cover_lookup;

static inline unsigned kb_pair_bit(uint32_t slot_a, uint32_t slot_b)
{
    return (slot_a * 11u + slot_b) & 63u;
}

/* Rescore s->cand[0 .. s->n_cand) for q in kb_topk's order (highest
 * BM25F first, then entry); only the best three scores (entry `except`
 * not counted among them) are exact, the others are below them.  Leaves
 * the candidates unsorted. */
void kb_rescore(const kb *k, kb_scratch *s, const kb_query *q,
                uint32_t except);

/* Sort candidates by score (highest first), then entry. */
void kb_cand_sort(kb_cand *c, size_t n);

/* kb-fwords.c: the tie-break among s->cand[0 .. n) (2 <= n <= 3, sorted,
 * exact scores) by the query's function words, each raised by up to
 * reach; they change places, each place keeps its score. */
void kb_fw_reorder(const kb *k, kb_scratch *s, size_t n, double reach);

/* The function-word tie-break (kb-fwords.c) after rank's sort; notes
 * the first entry before it in s->fw_top (the decision reads its
 * features).  Not with an alternate left out (lint's kb_match_skip): an
 * entry's function words include that alternate's, which would vouch
 * for the question held out.  Inline: most queries' candidates are too
 * far apart for a bonus of at most fw_bonus x the best score to reorder
 * them. */
static inline void kb_fw_tiebreak(const kb *k, kb_scratch *s)
{
    const kb_cand *c = s->cand;
    size_t n = s->n_cand < 3 ? s->n_cand : 3;
    s->fw_top = n ? c[0].entry : 0;
    if (n < 2 || s->lex.fw.n == 0 || !(k->params.fw_bonus > 0) ||
        !k->fw.mask || s->skip_alt >= 0)
        return;
    double reach = k->params.fw_bonus * c[0].score;
    if (c[1].score + reach < c[0].score &&
        (n < 3 || c[2].score + reach < c[1].score))
        return;
    kb_fw_reorder(k, s, n, reach);
}

#endif /* FAQBOT_KB_QUERY_H */
