/*
 * kb-rescore.c - the candidates of one query rescored (kb-match.c, step
 * 3): each candidate's best alternate question (the query's idf share it
 * contains, and its own share the query contains), the query's adjacent
 * pairs found adjacent in an alternate, and the BM25F share.  Only the
 * best three scores are used, so a candidate whose bound cannot reach
 * the third best so far is not rescored (test-kb-rescore.c: the same
 * result as rescoring every candidate).  No allocation.
 */
#include "kb-query.h"

#include <string.h>

/* A fresh stamp for s->qseen / s->qbi_seen (cleared when the counter
 * would wrap). */
static uint32_t next_stamp(kb_scratch *s)
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
static double pair_hits(kb_scratch *s, const kb_query *q, uint32_t a,
                        uint32_t b, uint32_t stamp)
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

#define RS_MEMO_BITS 4
#define RS_MEMO (1 << RS_MEMO_BITS)   /* cand_held's answers kept */

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
    /* cand_held's last answer: candidates often hold the same words */
    uint64_t memo_h[RS_MEMO];
    int memo_ok[RS_MEMO];
    double memo_got[RS_MEMO], memo_pairs[RS_MEMO];
} rs_query;

/* Whether any sum of w[0 .. n) (n < 256) is exact in double, whatever
 * the order: nonzero magnitudes (24-bit floats) within 2^20 of each
 * other, so every partial sum fits 53 bits (as pairs_exact); *pos:
 * whether every one is above 0. */
static int words_exact(const float *w, size_t n, int *pos)
{
    float lo = 0, hi = 0;
    *pos = 1;
    for (size_t i = 0; i < n; i++) {
        float a = w[i] < 0 ? -w[i] : w[i];
        *pos &= w[i] > 0;
        if (a > 0 && (lo == 0 || a < lo))
            lo = a;
        if (a > hi)
            hi = a;
    }
    return hi <= lo * 1048576.0f;
}

/* What reading through the alternates' index needs (rs_init, r->ix: at
 * most 64 query terms and pairs); r->ix is cleared when a sum of word
 * weights may depend on its order (then alternates are read). */
static void rs_init_ix(const kb_scratch *s, rs_query *r)
{
    r->ix = words_exact(r->qw, s->qterms.n, &r->qw_pos);
    r->pair_words = r->self_pairs = 0;
    r->pairs_ix = r->pairs_exact;
    for (size_t i = 0; i < r->n_pairs; i++) {
        r->pair_words |= r->pbits[i];
        if (!(r->pbits[i] & (r->pbits[i] - 1)))
            r->self_pairs |= r->pbits[i];
        for (size_t j = 0; j < i; j++)
            r->pairs_ix &= s->qbi[j] != s->qbi[i];
    }
}

static void rs_init(const kb *k, const kb_scratch *s, const kb_query *q,
                    rs_query *r)
{
    r->q = q;
    memset(r->memo_ok, 0, sizeof r->memo_ok);
    r->always = 0;
    r->beyond = 0;
    for (size_t i = 0; i < s->qterms.n; i++) {
        uint32_t t = s->qterms.v[i];
        if (i >= 64) {
            r->beyond += k->qw[t];
            continue;
        }
        r->qw[i] = k->qw[t];
        if (i >= 32 || !(k->term_max[t] > 0))
            r->always |= (uint64_t)1 << i;
    }
    /* floats (24 bits) within 2^20 of each other, fewer than 2^8 of
     * them: every partial sum fits the 53 bits of a double */
    float lo = 0, hi = 0;
    for (size_t i = 0; i < q->n_bi; i++) {
        float w = s->qbi_w[i];
        if (w > 0 && (lo == 0 || w < lo))
            lo = w;
        if (w > hi)
            hi = w;
    }
    r->pairs_exact = q->n_bi < 256 && hi <= lo * 1048576.0f;
    r->n_pairs = q->n_bi < 64 ? q->n_bi : 64;
    r->pairs_beyond = 0;
    for (size_t i = 0; i < q->n_bi; i++) {
        if (i >= 64) {
            r->pairs_beyond += s->qbi_w[i];
            continue;
        }
        uint32_t a = s->qmark[(uint32_t)(s->qbi[i] >> 32)] - 1;
        uint32_t b = s->qmark[(uint32_t)s->qbi[i]] - 1;
        r->pbits[i] = (a < 64 ? (uint64_t)1 << a : 0) |
                      (b < 64 ? (uint64_t)1 << b : 0);
        r->pa[i] = (uint8_t)a;
        r->pb[i] = (uint8_t)b;
        r->pw[i] = s->qbi_w[i];
    }
    r->ix = k->altix_off && !s->no_altix && !s->rescore_all &&
            s->qterms.n <= 64 && q->n_bi <= 64;
    if (r->ix)
        rs_init_ix(s, r);
}

/* What c's entry holds at most: the weight of the query words it holds
 * (*got) and of the query pairs whose two words it holds (*pairs); any
 * alternate of it holds no more.  A word after the 64th counts as held. */
static void cand_held(rs_query *r, const kb_cand *c, double *got,
                      double *pairs)
{
    uint64_t h = r->always | c->hold, m = h;
    double g = 0, pw = 0;
    unsigned slot = (unsigned)((h * 0x9E3779B97F4A7C15ull) >>
                               (64 - RS_MEMO_BITS));
    if (r->memo_ok[slot] && h == r->memo_h[slot]) {
        *got = r->memo_got[slot];
        *pairs = r->memo_pairs[slot];
        return;
    }
    while (m) {
        g += r->qw[__builtin_ctzll(m)];
        m &= m - 1;
    }
    *got = g + r->beyond;
    for (size_t i = 0; i < r->n_pairs; i++) {
        if ((h & r->pbits[i]) == r->pbits[i])
            pw += r->pw[i];
    }
    *pairs = pw + r->pairs_beyond;
    r->memo_ok[slot] = 1;
    r->memo_h[slot] = h;
    r->memo_got[slot] = *got;
    r->memo_pairs[slot] = *pairs;
}

/* The rare steps of alt_scan, out of its loop: a query word after the
 * 64th (seen by stamp, not in the register) and an adjacent pair that
 * passes the filter.  The stamp is taken on first need. */
typedef struct alt_rare {
    kb_scratch *s;
    const kb_query *q;
    uint32_t stamp;        /* 0: none taken yet for this alternate */
} alt_rare;

static double rare_word(alt_rare *x, uint32_t slot, float w)
{
    if (!x->stamp)
        x->stamp = next_stamp(x->s);
    if (x->s->qseen[slot - 1] == x->stamp)
        return 0;
    x->s->qseen[slot - 1] = x->stamp;
    return w;
}

static double rare_pair(alt_rare *x, uint32_t prev, uint32_t term)
{
    if (!x->stamp)
        x->stamp = next_stamp(x->s);
    return pair_hits(x->s, x->q, x->s->qterms.v[prev - 1], term, x->stamp);
}

/* One alternate, terms t .. end: idf mass of the query terms it has
 * (each once, in the order they first occur), and the weight of the
 * query's adjacent pairs it has (*pairs). */
static double alt_scan(const uint32_t *t, const uint32_t *end,
                       const uint32_t *qmark, const float *qw,
                       uint64_t filter, alt_rare *x, double *pairs)
{
    uint64_t seen = 0;
    uint32_t prev = 0;             /* slot of the term before, 0: none */
    double ov = 0, pw = 0;
    x->stamp = 0;
    for (; t < end; t++) {
        uint32_t slot = qmark[*t];
        if (!slot) {
            prev = 0;
            continue;
        }
        if (slot > 64) {
            ov += rare_word(x, slot, qw[*t]);
        } else if (!(seen >> (slot - 1) & 1)) {
            seen |= (uint64_t)1 << (slot - 1);
            ov += qw[*t];
        }
        if (prev && (filter >> kb_pair_bit(prev, slot) & 1))
            pw += rare_pair(x, prev, *t);
        prev = slot;
    }
    *pairs = pw;
    return ov;
}

/* Best alternate question of c's entry, and the best phrase evidence.
 * An alternate is not read when it cannot change either: its own weight
 * (or what the entry holds) bounds its score, and the pairs already
 * reach what the entry holds. */
static void score_alts(const kb *k, kb_scratch *s, kb_cand *c,
                       const rs_query *r, double got, double held_pairs)
{
    const kb_query *q = r->q;
    const uint32_t *terms = k->alt_terms, *qmark = s->qmark;
    const float *qw = k->qw;
    uint64_t filter = q->pair_filter;
    double best = 0, best_pairs = 0, W = q->weight;
    int may_skip = !s->rescore_all;     /* tests: read every alternate */
    int pairs_full = may_skip && held_pairs <= 0;
    alt_rare x = {s, q, 0};
    const kb_alt *alts = k->alts;
    long skip = s->skip_alt;
    uint32_t a = k->entry_alt_off[c->entry];
    uint32_t end = k->entry_alt_off[c->entry + 1];
    for (; a < end; a++) {
        const kb_alt *al = &alts[a];
        double aw = al->weight;
        if (aw <= 0 || (long)a == skip)
            continue;
        if (pairs_full) {
            double m = got < aw ? got : aw;
            if (m / W * (0.6 + 0.4 * (m / aw)) * (1 + 1e-6) <= best)
                continue;   /* can raise neither */
        }
        double pairs;
        double ov = alt_scan(terms + al->off, terms + al->off + al->n,
                             qmark, qw, filter, &x, &pairs);
        if (ov == 0)
            continue;   /* no query word: nothing (and no pair) */
        double v = ov / W * (0.6 + 0.4 * (ov / aw));
        if (v > best)
            best = v;
        if (pairs > best_pairs) {
            best_pairs = pairs;
            pairs_full = may_skip && r->pairs_exact &&
                         best_pairs >= held_pairs;
        }
    }
    c->alt = (float)best;
    c->bigram = q->bi_weight > 0 ? (float)(best_pairs / q->bi_weight) : 0;
}

/* Whether an alternate holding the query terms of bits m must be read
 * for its pairs: two words of a query pair are in it, or a word paired
 * with itself. */
static int alt_must_read(const rs_query *r, uint64_t m)
{
    if (!(m & (m - 1)))
        return (m & r->self_pairs) != 0;
    uint64_t p = m & r->pair_words;
    if (!(p & (p - 1)) && !(m & r->self_pairs))
        return 0;
    for (size_t i = 0; i < r->n_pairs; i++) {
        if ((m & r->pbits[i]) == r->pbits[i])
            return 1;
    }
    return 0;
}

/* The weight of the query's adjacent pairs in one alternate, terms t ..
 * end, each pair once (alt_scan's *pairs; every query term is among the
 * first 64). */
static double alt_pairs(kb_scratch *s, const kb_query *q,
                        const uint32_t *t, const uint32_t *end)
{
    uint32_t prev = 0, stamp = 0;
    double pw = 0;
    for (; t < end; t++) {
        uint32_t slot = s->qmark[*t];
        if (prev && slot && (q->pair_filter >> kb_pair_bit(prev, slot) & 1)) {
            if (!stamp)
                stamp = next_stamp(s);
            pw += pair_hits(s, q, s->qterms.v[prev - 1], *t, stamp);
        }
        prev = slot;
    }
    return pw;
}

/* Entry e's query terms (bits h of the first 64) and the bitmask of its
 * alternates holding each, from its distinct terms (binary search):
 * held[i] (held not NULL: inlined for a constant, so each case has its
 * own loops) gets bit b of each term alternate i holds, ov[i] their
 * weight (summed in the terms' order: exact, r->ix); each term found
 * gets its bit in *found, its place among e's terms in loc[b] and its
 * alternates in tmask[b].
 * Returns the alternates holding any (held[], ov[] are set for those
 * only). */
static inline uint64_t ix_held(const kb *k, const kb_scratch *s,
                               const rs_query *r, uint32_t e, uint64_t h,
                               uint64_t *held, double *ov, uint32_t *loc,
                               uint64_t *tmask, uint64_t *found)
{
    const uint32_t *term = k->altix_term;
    uint32_t j0 = k->altix_off[e], n0 = k->altix_off[e + 1] - j0;
    uint64_t any = 0;
    for (; h; h &= h - 1) {
        unsigned b = (unsigned)__builtin_ctzll(h);
        uint32_t t = s->qterms.v[b], lo = j0, n = n0;
        while (n > 1) {            /* the last term <= t */
            uint32_t half = n / 2;
            lo = term[lo + half] <= t ? lo + half : lo;
            n -= half;
        }
        if (!n || term[lo] != t)
            continue;
        uint64_t m = k->altix_mask[lo], bit = (uint64_t)1 << b;
        double w = r->qw[b];
        loc[b] = lo - j0;
        tmask[b] = m;
        *found |= bit;
        for (uint64_t f = m & ~any; f; f &= f - 1) {   /* first term */
            unsigned a = (unsigned)__builtin_ctzll(f);
            if (held)
                held[a] = bit;
            ov[a] = w;
        }
        for (uint64_t o = m & any; o; o &= o - 1) {
            unsigned a = (unsigned)__builtin_ctzll(o);
            if (held)
                held[a] |= bit;
            ov[a] += w;
        }
        any |= m;
    }
    return any;
}

/* The query pairs in e's alternates (r->pairs_ix), from its pairs'
 * index: pheld[i] gets bit p of each query pair alternate i holds
 * (adjacent); returns the alternates holding any (pheld[] is set for
 * those only).  found, loc, tmask: ix_held's. */
static uint64_t ix_pairs(const kb *k, const rs_query *r, uint32_t e,
                         uint64_t found, const uint32_t *loc,
                         const uint64_t *tmask, uint64_t *pheld)
{
    const uint32_t *pair = k->altix_pair;
    uint64_t pany = 0;
    uint32_t p0 = k->altix_poff[e], n0 = k->altix_poff[e + 1] - p0;
    for (size_t i = 0; i < r->n_pairs; i++) {
        /* looked up only when an alternate holds both words */
        if ((found & r->pbits[i]) != r->pbits[i] || !n0 ||
            !(tmask[r->pa[i]] & tmask[r->pb[i]]))
            continue;
        uint32_t key = loc[r->pa[i]] << 16 | loc[r->pb[i]], lo = p0,
                 n = n0;
        while (n > 1) {
            uint32_t half = n / 2;
            lo = pair[lo + half] <= key ? lo + half : lo;
            n -= half;
        }
        if (pair[lo] != key)
            continue;
        uint64_t m = k->altix_pmask[lo], bit = (uint64_t)1 << i;
        for (uint64_t f = m & ~pany; f; f &= f - 1)
            pheld[__builtin_ctzll(f)] = bit;
        for (uint64_t o = m & pany; o; o &= o - 1)
            pheld[__builtin_ctzll(o)] |= bit;
        pany |= m;
    }
    return pany;
}

/* The weight of the query pairs of bits m (exact: r->pairs_ix). */
static double pairs_sum(const rs_query *r, uint64_t m)
{
    double g = 0;
    for (; m; m &= m - 1)
        g += r->pw[__builtin_ctzll(m)];
    return g;
}

/* Best alternate score and pairs of an entry, from the query terms and
 * pairs each of its alternates holds (weights ovs, pairs pheld; pany:
 * those with a pair), alternates `any` from a0: r->ix and r->pairs_ix, so
 * every sum is what reading the alternate gives.  Each alternate is
 * scored (score_alts' skip passes over only those that cannot raise
 * either best: the same maxima). */
static void ix_best(const kb *k, const rs_query *r, uint32_t a0,
                    uint64_t any, const double *ovs,
                    const uint64_t *pheld, uint64_t pany, double *best,
                    double *best_pairs)
{
    double W = r->q->weight, bv = 0, bp = 0, low = 0;
    for (uint64_t m = any; m; m &= m - 1) {
        unsigned b = (unsigned)__builtin_ctzll(m);
        double aw = k->alts[a0 + b].weight, ov = ovs[b];
        /* r->qw_pos: ov > 0, and aw > 0 (it holds a word of weight > 0) */
        if (!r->qw_pos && (aw <= 0 || ov == 0))
            continue;
        /* v <= ov / W x (1 + 1e-7) (ov / aw exceeds 1 by a rounding of
         * aw at most): at or below low = bv / (1 + 1e-6) it cannot
         * beat bv */
        double share = ov / W;
        if (share <= low)
            continue;
        double v = share * (0.6 + 0.4 * (ov / aw));
        if (v > bv) {
            bv = v;
            low = bv / (1 + 1e-6);
        }
    }
    for (pany &= any; pany; pany &= pany - 1) {
        unsigned b = (unsigned)__builtin_ctzll(pany);
        double pairs = pairs_sum(r, pheld[b]);
        if (pairs > bp && (r->qw_pos || (k->alts[a0 + b].weight > 0 &&
                                         ovs[b] != 0)))
            bp = pairs;
    }
    *best = bv;
    *best_pairs = bp;
}

/* ix_best when a pair sum may depend on its order or a pair is twice in
 * the query: an alternate holding two words of a pair is read for its
 * pairs (alt_pairs) as score_alts reads it, with score_alts' skip. */
static void ix_best_read(const kb *k, kb_scratch *s, const rs_query *r,
                         uint32_t a0, uint64_t any, const uint64_t *held,
                         const double *ovs, double got, double held_pairs,
                         double *best, double *best_pairs)
{
    const kb_query *q = r->q;
    double bv = 0, bp = 0, W = q->weight;
    int pairs_full = held_pairs <= 0;
    for (; any; any &= any - 1) {
        unsigned b = (unsigned)__builtin_ctzll(any);
        const kb_alt *al = &k->alts[a0 + b];
        const uint32_t *t = k->alt_terms + al->off;
        double aw = al->weight, pairs = 0, ov;
        if (aw <= 0)
            continue;
        if (pairs_full) {
            double m = got < aw ? got : aw;
            if (m / W * (0.6 + 0.4 * (m / aw)) * (1 + 1e-6) <= bv)
                continue;   /* can raise neither */
        }
        ov = ovs[b];
        if (alt_must_read(r, held[b]))
            pairs = alt_pairs(s, q, t, t + al->n);
        if (ov == 0)
            continue;
        double v = ov / W * (0.6 + 0.4 * (ov / aw));
        if (v > bv)
            bv = v;
        if (pairs > bp) {
            bp = pairs;
            pairs_full = r->pairs_exact && bp >= held_pairs;
        }
    }
    *best = bv;
    *best_pairs = bp;
}

/* score_alts through the alternates' index (r->ix, entry of at most
 * KB_ALTIX_MAX_ALTS alternates): the query terms each alternate holds
 * come from the entry's distinct terms, its query pairs from the
 * entry's pairs; an alternate holding no query term is not visited
 * (score_alts reads it and passes on). */
__attribute__((noinline))   /* kept out of score_alts' registers */
static void score_alts_ix(const kb *k, kb_scratch *s, kb_cand *c,
                          const rs_query *r, double got, double held_pairs)
{
    const kb_query *q = r->q;
    uint32_t e = c->entry, a0 = k->entry_alt_off[e], loc[64];
    uint64_t held[KB_ALTIX_MAX_ALTS], pheld[KB_ALTIX_MAX_ALTS], tmask[64];
    uint64_t n = s->qterms.n, found = 0, pany = 0;
    size_t na = k->entry_alt_off[e + 1] - a0;
    uint64_t h = (r->always | c->hold) &
                 (n < 64 ? ((uint64_t)1 << n) - 1 : ~(uint64_t)0);
    double ovs[KB_ALTIX_MAX_ALTS];
    uint64_t any = r->pairs_ix
        ? ix_held(k, s, r, e, h, NULL, ovs, loc, tmask, &found)
        : ix_held(k, s, r, e, h, held, ovs, loc, tmask, &found);
    if (s->skip_alt >= a0 && s->skip_alt < (long)(a0 + na))
        any &= ~((uint64_t)1 << (s->skip_alt - a0));
    double best, best_pairs;
    if (r->pairs_ix) {
        pany = ix_pairs(k, r, e, found, loc, tmask, pheld);
        ix_best(k, r, a0, any, ovs, pheld, pany, &best, &best_pairs);
    } else {
        ix_best_read(k, s, r, a0, any, held, ovs, got, held_pairs, &best,
                     &best_pairs);
    }
    s->n_altix++;
    c->alt = (float)best;
    c->bigram = q->bi_weight > 0 ? (float)(best_pairs / q->bi_weight) : 0;
}

/* c's score; got and held_pairs: cand_held's. */
static void score_candidate(const kb *k, kb_scratch *s, kb_cand *c,
                            const rs_query *r, double got, double held_pairs)
{
    const kb_query *q = r->q;
    const kb_params *p = &k->params;
    c->bm25 = (float)(c->bm25 / q->weight);
    if ((k->features & KB_FEAT_ALTS) && r->ix &&
        k->entry_alt_off[c->entry + 1] - k->entry_alt_off[c->entry] <=
            KB_ALTIX_MAX_ALTS) {
        score_alts_ix(k, s, c, r, got, held_pairs);
    } else if (k->features & KB_FEAT_ALTS) {
        score_alts(k, s, c, r, got, held_pairs);
    } else {
        c->alt = c->bm25;
        c->bigram = 0;
    }
    double mix = p->mix_alt + p->mix_bm25;
    double v = p->mix_alt * c->alt + p->mix_bm25 * c->bm25;
    if (q->bi_weight > 0 && (k->features & KB_FEAT_ALTS)) {
        v += p->mix_bigram * c->bigram;
        mix += p->mix_bigram;
    }
    c->score = (float)(v / mix);
}

static int cand_before(const kb_cand *a, const kb_cand *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    return a->entry < b->entry;
}

/* Insertion sort: n is small (params.candidates). */
void kb_cand_sort(kb_cand *c, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        kb_cand x = c[i];
        size_t j = i;
        while (j > 0 && cand_before(&x, &c[j - 1])) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = x;
    }
}

/* Among n increasing weights w: the highest <= got if above 0 (*below)
 * and the lowest above got (*above), each left as it is when none (the
 * loop of alts_bound gives the same). */
static void sorted_around(const float *w, uint32_t n, double got,
                          double *below, double *above)
{
    uint32_t lo = 0, m = n;        /* lo: the first weight above got */
    while (m > 0) {
        uint32_t half = m / 2;
        if (w[lo + half] <= got) {
            lo += half + 1;
            m -= half + 1;
        } else {
            m = half;
        }
    }
    if (lo > 0 && w[lo - 1] > 0)
        *below = w[lo - 1];
    if (lo < n)
        *above = w[lo];
}

/* The highest alternate score entry e can get when its alternates hold
 * at most got of the query: an alternate of weight w <= got scores at
 * most w / W, a heavier one at most got / W x (0.6 + 0.4 got / w). */
static double alts_bound(const kb *k, uint32_t e, double got, double W)
{
    double below = 0, above = 0;   /* 0: none */
    if (k->altix_w) {
        sorted_around(k->altix_w + k->entry_alt_off[e],
                      k->entry_alt_off[e + 1] - k->entry_alt_off[e], got,
                      &below, &above);
    } else {
        const kb_alt *al = k->alts + k->entry_alt_off[e];
        const kb_alt *end = k->alts + k->entry_alt_off[e + 1];
        for (; al < end; al++) {
            double w = al->weight;
            if (w <= got) {
                if (w > below)
                    below = w;
            } else if (above == 0 || w < above) {
                above = w;
            }
        }
    }
    double v = below / W;
    if (above > 0) {
        double u = got / W * (0.6 + 0.4 * (got / above));
        if (u > v)
            v = u;
    }
    return v;
}

/* Highest score c can get: its alternates hold at most the query words
 * its entry holds (got; tight: each alternate at most its own weight
 * too, alts_bound), and only the query pairs whose two words it holds
 * (held_pairs).  A hair above, for rounding. */
static double cand_bound(const kb *k, const kb_cand *c, const rs_query *r,
                         double got, double held_pairs, int tight,
                         double mix)
{
    const kb_params *p = &k->params;
    const kb_query *q = r->q;
    int pairs = q->bi_weight > 0;
    double alt = tight ? alts_bound(k, c->entry, got, q->weight)
                       : got / q->weight;
    double bi = pairs ? held_pairs / q->bi_weight : 0;
    double v = p->mix_alt * (alt < 1 ? alt : 1) +
               p->mix_bm25 * c->bm25 / q->weight +
               p->mix_bigram * (bi < 1 ? bi : 1);
    return v / mix * (1 + 1e-6) + 1e-9;
}

/* Highest bound first.  Once a candidate's bound is below the third best
 * score so far, it is not rescored (its score stays under that bound,
 * below every rescored one that matters); the loose bound orders them,
 * the tight one is worked out for those the loose one lets through
 * once three are scored.
 * Entry `except` is rescored but not counted among the three. */
void kb_rescore(const kb *k, kb_scratch *s, const kb_query *q,
                uint32_t except)
{
    const kb_params *p = &k->params;
    kb_cand *c = s->cand;
    size_t n = s->n_cand;
    int alts = (k->features & KB_FEAT_ALTS) != 0;
    int pairs = q->bi_weight > 0 && alts;
    double mix = p->mix_alt + p->mix_bm25 + (pairs ? p->mix_bigram : 0);
    rs_query r;
    rs_init(k, s, q, &r);
    for (size_t i = 0; i < n; i++) {  /* the bound, in score for the sort */
        double got, held;
        cand_held(&r, &c[i], &got, &held);
        c[i].score = alts ? (float)cand_bound(k, &c[i], &r, got, held, 0, mix)
                          : (float)(c[i].bm25 / q->weight) * 2;
    }
    /* kb_topk leaves a min-heap, about lowest first: reversed, the sort
     * below has far less to move */
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        kb_cand t = c[i];
        c[i] = c[j - 1];
        c[j - 1] = t;
    }
    kb_cand_sort(c, n);
    double top[3] = {-1, -1, -1};
    int all = s->rescore_all;
    s->n_rescored = s->n_altix = 0;
    for (size_t i = 0; i < n; i++) {
        double bound = c[i].score, got = 0, held = 0;
        if (alts && (all || bound >= top[2])) {
            cand_held(&r, &c[i], &got, &held);
            /* the tight bound, once it may prune (three are scored) */
            if (!all && top[2] >= 0)
                bound = cand_bound(k, &c[i], &r, got, held, 1, mix);
        }
        if (bound < top[2] && !all) {
            c[i].bm25 = (float)(c[i].bm25 / q->weight);
            c[i].score = (float)(bound * 0.5);   /* not a contender */
            continue;
        }
        score_candidate(k, s, &c[i], &r, got, held);
        s->n_rescored++;
        if (c[i].entry == except)
            continue;   /* not among the three that matter (rank) */
        double v = c[i].score;
        for (int j = 0; j < 3; j++) {
            if (v > top[j]) {
                double t = top[j];
                top[j] = v;
                v = t;
            }
        }
    }
}
