/*
 * kb-rescore-ix.c - rescoring through the alternates' index (kb-altix.c):
 * a candidate's query words found among its entry's distinct alternate
 * terms by the (entry, term) hash, its pairs among the entry's pairs by
 * binary search, only the alternates holding a query word visited,
 * their word weights summed by bits (exact in any order,
 * checked per query: kb_rs_init_ix).  The same scores as reading every
 * alternate (kb-rescore.c score_alts; test-kb-rescore.c).  No allocation.
 */
#include "kb-rescore.h"


/* What reading through the alternates' index needs (rs_init, r->ix: at
 * most 64 query terms and pairs); r->ix is cleared when a sum of word
 * weights may depend on its order (then alternates are read). */
void kb_rs_init_ix(const kb *k, const kb_scratch *s, rs_query *r)
{
    /* any sum of the weights is exact in double, whatever the order:
     * nonzero magnitudes (24-bit floats) within 2^20 of each other, so
     * every partial sum fits 53 bits (as pairs_exact; qw_lo, qw_hi and
     * qw_pos from rs_init) */
    r->ix = r->qw_hi <= r->qw_lo * 1048576.0f;
    r->pair_words = r->self_pairs = 0;
    /* ix_best_ord: every weight above 0, entries of many alternates */
    r->ord_ok = r->qw_pos &&
                k->entry_alt_off[k->n_entries] >= RS_ORD_ALTS * k->n_entries;
    size_t n = r->ord_ok ? (s->qterms.n < 64 ? s->qterms.n : 64) : 0;
    for (size_t i = 0; i < n; i++) {   /* heaviest first */
        size_t j = i;
        for (; j > 0 && r->qw[r->ord[j - 1]] < r->qw[i]; j--)
            r->ord[j] = r->ord[j - 1];
        r->ord[j] = (uint8_t)i;
    }
    r->pairs_ix = r->pairs_exact;
    uint64_t seen = 0;   /* a bit per pair: only a pair whose bit is
                            already set may be there twice */
    for (size_t i = 0; i < r->n_pairs; i++) {
        r->pair_words |= r->pbits[i];
        if (!(r->pbits[i] & (r->pbits[i] - 1)))
            r->self_pairs |= r->pbits[i];
        uint64_t bit = (uint64_t)1 << ((s->qbi[i] * 0x9E3779B97F4A7C15ull) >> 58);
        for (size_t j = 0; (seen & bit) && j < i; j++)
            r->pairs_ix &= s->qbi[j] != s->qbi[i];
        seen |= bit;
    }
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
                stamp = kb_rs_stamp(s);
            pw += kb_rs_pair_hits(s, q, s->qterms.v[prev - 1], *t, stamp);
        }
        prev = slot;
    }
    return pw;
}

/* Entry e's query terms (bits h of the first 64) and the bitmask of its
 * alternates holding each, from its distinct terms (kb_altix_find):
 * held[i] gets bit b of each term alternate i holds, ov[i] their weight
 * (summed in the terms' order: exact, r->ix); held or ov NULL: not
 * wanted (inlined for a constant, so each case has its own loops); each
 * term found gets its bit in *found, its place among e's terms in loc[b]
 * and its alternates in tmask[b].
 * Returns the alternates holding any (held[], ov[] are set for those
 * only). */
static inline __attribute__((always_inline))
uint64_t ix_held(const kb *k, const kb_scratch *s, const rs_query *r,
                 uint32_t e, uint64_t h, uint64_t *held, double *ov,
                 uint32_t *loc, uint64_t *tmask, uint64_t *found)
{
    uint32_t j0 = k->altix_off[e];
    uint64_t any = 0;
    for (; h; h &= h - 1) {
        unsigned b = (unsigned)__builtin_ctzll(h);
        uint32_t lo = kb_altix_find(k, e, s->qterms.v[b]);
        if (lo == UINT32_MAX)
            continue;
        uint64_t m = k->altix_mask[lo], bit = (uint64_t)1 << b;
        loc[b] = lo - j0;
        tmask[b] = m;
        *found |= bit;
        if (!ov) {
            any |= m;
            continue;
        }
        double w = r->qw[b];
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

/* ix_best's alternate scores when every query weight is above 0
 * (r->qw_pos), alternates `any` from a0 holding the found terms
 * (tmask): the alternates are visited by their heaviest query term,
 * heaviest first (r->ord); one whose heaviest is the j-th holds at most
 * suf, the weight of the found terms from the j-th on, so once suf / W
 * is at or below low (ix_best's bound) none left can raise the best.
 * Each weight is summed from its terms (exact in any order: r->ix), so
 * each score visited is ix_best's, and the best is the same. */
static double ix_best_ord(const kb *k, const rs_query *r, uint32_t a0,
                          uint64_t any, const uint64_t *tmask, uint64_t found)
{
    uint8_t ord[64];
    double w[64], suf = 0, W = r->q->weight, bv = 0, low = 0;
    size_t n = 0;
    for (size_t i = 0; found; i++) {
        unsigned b = r->ord[i];
        if (!(found >> b & 1))
            continue;
        found &= ~((uint64_t)1 << b);
        ord[n] = (uint8_t)b;
        w[n++] = r->qw[b];
        suf += r->qw[b];
    }
    for (size_t j = 0; j < n && any; suf -= w[j], j++) {
        if (suf / W <= low)
            break;
        uint64_t g = tmask[ord[j]] & any;
        any &= ~g;
        for (; g; g &= g - 1) {
            unsigned b = (unsigned)__builtin_ctzll(g);
            double ov = w[j];
            for (size_t i = j + 1; i < n; i++) {
                if (tmask[ord[i]] >> b & 1)
                    ov += w[i];
            }
            double share = ov / W;
            if (share <= low)
                continue;
            double v = share * (0.6 + 0.4 * (ov / k->alts[a0 + b].weight));
            if (v > bv) {
                bv = v;
                low = bv / (1 + 1e-6);
            }
        }
    }
    return bv;
}

/* The query pairs in e's alternates (r->pairs_ix), from its pairs'
 * index: pheld[i] gets bit p of each query pair alternate i holds
 * (adjacent); returns the alternates holding any (pheld[] is set for
 * those only).  found, loc, tmask: ix_held's. */
static inline __attribute__((always_inline))
uint64_t ix_pairs(const kb *k, const rs_query *r, uint32_t e,
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

/* The best pairs' weight among alternates m (pheld: ix_pairs'), every
 * query weight above 0 (r->qw_pos: each of them holds a query word and
 * weighs above 0, as ix_best asks). */
static double ix_pairs_best(const rs_query *r, uint64_t m,
                            const uint64_t *pheld)
{
    double bp = 0;
    for (; m; m &= m - 1) {
        double pairs = pairs_sum(r, pheld[__builtin_ctzll(m)]);
        if (pairs > bp)
            bp = pairs;
    }
    return bp;
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

/* kb_rs_score_alts_ix for an entry of many alternates (r->ord_ok,
 * r->pairs_ix): its alternates visited by their heaviest query term
 * (ix_best_ord), not each given its weight from the terms' masks.  Out
 * of line: the other path keeps its registers. */
static __attribute__((noinline))
void ix_score_ord(const kb *k, kb_scratch *s, kb_cand *c, const rs_query *r,
                  uint64_t h)
{
    const kb_query *q = r->q;
    uint32_t e = c->entry, a0 = k->entry_alt_off[e], loc[64];
    uint64_t pheld[KB_ALTIX_MAX_ALTS], tmask[64], found = 0;
    size_t na = k->entry_alt_off[e + 1] - a0;
    uint64_t any = ix_held(k, s, r, e, h, NULL, NULL, loc, tmask,
                           &found);
    if (s->skip_alt >= a0 && s->skip_alt < (long)(a0 + na))
        any &= ~((uint64_t)1 << (s->skip_alt - a0));
    uint64_t pany = ix_pairs(k, r, e, found, loc, tmask, pheld);
    double best = ix_best_ord(k, r, a0, any, tmask, found);
    double best_pairs = ix_pairs_best(r, any & pany, pheld);
    s->n_altix++;
    s->n_altix_ord++;
    c->alt = (float)best;
    c->bigram = q->bi_weight > 0 ? (float)(best_pairs / q->bi_weight) : 0;
}

/* score_alts through the alternates' index (r->ix, entry of at most
 * KB_ALTIX_MAX_ALTS alternates): the query terms each alternate holds
 * come from the entry's distinct terms, its query pairs from the
 * entry's pairs; an alternate holding no query term is not visited
 * (score_alts reads it and passes on). */
void kb_rs_score_alts_ix(const kb *k, kb_scratch *s, kb_cand *c,
                         const rs_query *r, double got, double held_pairs)
{
    const kb_query *q = r->q;
    uint32_t e = c->entry, a0 = k->entry_alt_off[e], loc[64];
    uint64_t held[KB_ALTIX_MAX_ALTS], pheld[KB_ALTIX_MAX_ALTS], tmask[64];
    uint64_t n = s->qterms.n, found = 0, pany = 0;
    size_t na = k->entry_alt_off[e + 1] - a0;
    uint64_t h = (r->always | c->hold) &
                 (n < 64 ? ((uint64_t)1 << n) - 1 : ~(uint64_t)0);
    if (r->ord_ok && r->pairs_ix && na >= RS_ORD_ALTS) {
        ix_score_ord(k, s, c, r, h);
        return;
    }
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
