/*
 * kb-rescore.c - the candidates of one query rescored (kb-match.c, step
 * 3): each candidate's best alternate question (the query's idf share it
 * contains, and its own share the query contains), the query's adjacent
 * pairs found adjacent in an alternate, and the BM25F share.  Only the
 * best three scores are used, so a candidate whose bound cannot reach
 * the third best so far is not rescored (test-kb-rescore.c: the same
 * result as rescoring every candidate).  A small kb's alternates are
 * read through the alternates' index (kb-rescore-ix.c).  No allocation.
 */
#include "kb-rescore.h"

#include <string.h>

/* r's query terms: weights, `always`, `beyond`; with ix (a constant:
 * each case its own loop) also the first 64 weights' least and greatest
 * magnitude above 0 and whether all are above 0 (kb_rs_init_ix). */
static inline __attribute__((always_inline))
void rs_terms(const kb *k, const kb_scratch *s, rs_query *r, int ix)
{
    float wlo = 0, whi = 0;
    int pos = 1;
    r->always = 0;
    r->beyond = 0;
    for (size_t i = 0; i < s->qterms.n; i++) {
        uint32_t t = s->qterms.v[i];
        if (i >= 64) {
            r->beyond += k->qw[t];
            continue;
        }
        float w = k->qw[t], a = w < 0 ? -w : w;
        r->qw[i] = w;
        if (i >= 32 || !(k->term_max[t] > 0))
            r->always |= (uint64_t)1 << i;
        if (!ix)
            continue;
        pos &= w > 0;
        if (a > 0 && (wlo == 0 || a < wlo))
            wlo = a;
        if (a > whi)
            whi = a;
    }
    r->qw_lo = wlo;
    r->qw_hi = whi;
    r->qw_pos = pos;
}

static void rs_init(const kb *k, const kb_scratch *s, const kb_query *q,
                    rs_query *r)
{
    r->q = q;
    memset(r->memo_ok, 0, sizeof r->memo_ok);
    if (k->altix_off)
        rs_terms(k, s, r, 1);
    else
        rs_terms(k, s, r, 0);
    /* floats (24 bits) within 2^20 of each other, fewer than 2^8 of
     * them: every partial sum fits the 53 bits of a double */
    float lo = 0, hi = 0;
    r->n_pairs = q->n_bi < 64 ? q->n_bi : 64;
    r->pairs_beyond = 0;
    for (size_t i = 0; i < q->n_bi; i++) {
        float w = s->qbi_w[i];
        if (w > 0 && (lo == 0 || w < lo))
            lo = w;
        if (w > hi)
            hi = w;
        if (i >= 64) {
            r->pairs_beyond += w;
            continue;
        }
        uint32_t a = s->qmark[(uint32_t)(s->qbi[i] >> 32)] - 1;
        uint32_t b = s->qmark[(uint32_t)s->qbi[i]] - 1;
        r->pbits[i] = (a < 64 ? (uint64_t)1 << a : 0) |
                      (b < 64 ? (uint64_t)1 << b : 0);
        r->pa[i] = (uint8_t)a;
        r->pb[i] = (uint8_t)b;
        r->pw[i] = w;
    }
    r->pairs_exact = q->n_bi < 256 && hi <= lo * 1048576.0f;
    r->ix = k->altix_off && !s->no_altix && !s->rescore_all &&
            s->qterms.n <= 64 && q->n_bi <= 64;
    if (r->ix)
        kb_rs_init_ix(k, s, r);
}

/* What c's entry holds at most: the weight of the query words it holds
 * (*got) and of the query pairs whose two words it holds (*pairs); any
 * alternate of it holds no more.  A word after the 64th counts as held. */
static inline __attribute__((always_inline))
void cand_held(rs_query *r, const kb_cand *c, double *got, double *pairs)
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
        x->stamp = kb_rs_stamp(x->s);
    if (x->s->qseen[slot - 1] == x->stamp)
        return 0;
    x->s->qseen[slot - 1] = x->stamp;
    return w;
}

static double rare_pair(alt_rare *x, uint32_t prev, uint32_t term)
{
    if (!x->stamp)
        x->stamp = kb_rs_stamp(x->s);
    return kb_rs_pair_hits(x->s, x->q, x->s->qterms.v[prev - 1], term, x->stamp);
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

/* Whether scoring c (score_candidate, KB_FEAT_ALTS) reads cand_held's
 * answer: the alternates' index with its pairs (r->pairs_ix) does not. */
static inline int held_read(const kb *k, const rs_query *r, const kb_cand *c)
{
    return !r->ix || !r->pairs_ix ||
           k->entry_alt_off[c->entry + 1] - k->entry_alt_off[c->entry] >
               KB_ALTIX_MAX_ALTS;
}

/* c's score; got and held_pairs: cand_held's (any, when !held_read);
 * mix: the weights' sum (kb_rescore's), pairs: the pairs' share mixed
 * in (the query has pairs, the kb alternates). */
static void score_candidate(const kb *k, kb_scratch *s, kb_cand *c,
                            const rs_query *r, double got, double held_pairs,
                            double mix, int pairs)
{
    const kb_query *q = r->q;
    const kb_params *p = &k->params;
    c->bm25 = (float)(c->bm25 / q->weight);
    if ((k->features & KB_FEAT_ALTS) && r->ix &&
        k->entry_alt_off[c->entry + 1] - k->entry_alt_off[c->entry] <=
            KB_ALTIX_MAX_ALTS) {
        kb_rs_score_alts_ix(k, s, c, r, got, held_pairs);
    } else if (k->features & KB_FEAT_ALTS) {
        score_alts(k, s, c, r, got, held_pairs);
    } else {
        c->alt = c->bm25;
        c->bigram = 0;
    }
    double v = p->mix_alt * c->alt + p->mix_bm25 * c->bm25;
    if (pairs)
        v += p->mix_bigram * c->bigram;
    c->score = (float)(v / mix);
}

static int cand_before(const kb_cand *a, const kb_cand *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    return a->entry < b->entry;
}

/* Insertion sort: n is small (params.candidates).  The candidates come
 * about in order (by bound, then by score), so one already in place is
 * only compared, not copied out and back. */
void kb_cand_sort(kb_cand *c, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (!cand_before(&c[i], &c[i - 1]))
            continue;
        kb_cand x = c[i];
        size_t j = i;
        do {
            c[j] = c[j - 1];
            j--;
        } while (j > 0 && cand_before(&x, &c[j - 1]));
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
 * its entry holds (got), each at most its own weight too (alts_bound),
 * and only the query pairs whose two words it holds (held_pairs).  A
 * hair above, for rounding. */
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

/* Highest BM25F first (its share of the score is the largest, so the
 * best three come about first).  Once three are scored, a candidate
 * whose bound (cand_bound) is below the third best score so far is
 * not rescored: its score stays under that bound, below every rescored
 * one that matters.  The order only decides how many are rescored; the
 * best three are exact in any order (a pruned one's score, half its
 * bound, only orders it among those after them).
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
    /* kb_topk leaves them by BM25F, highest first (then entry) */
    double top[3] = {-1, -1, -1};
    int all = s->rescore_all;
    s->n_rescored = s->n_altix = s->n_altix_ord = 0;
    for (size_t i = 0; i < n; i++) {
        double got = 0, held = 0;
        int bound = !all && top[2] >= 0;
        if (alts && (bound || held_read(k, &r, &c[i])))
            cand_held(&r, &c[i], &got, &held);
        if (bound) {
            double b = alts ? cand_bound(k, &c[i], &r, got, held, 0, mix)
                            : (float)(c[i].bm25 / q->weight) * 2;
            if (alts && b >= top[2])
                b = cand_bound(k, &c[i], &r, got, held, 1, mix);
            if (b < top[2]) {
                c[i].bm25 = (float)(c[i].bm25 / q->weight);
                c[i].score = (float)(b * 0.5);   /* not a contender */
                continue;
            }
        }
        score_candidate(k, s, &c[i], &r, got, held, mix, pairs);
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
