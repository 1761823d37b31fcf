/*
 * kb-match.c - one question against the index:
 *   1. text -> query terms (typo repair, synonyms); words the vocabulary
 *      does not know still count in the query's weight, so a question
 *      mostly about something else scores low;
 *   2. BM25F over the entry postings (term at a time, touched-list
 *      accumulator), keeping the best `candidates` entries;
 *   3. each candidate rescored: best single alternate question (coverage
 *      of the query and of the alternate), BM25F share, adjacent pairs;
 *   4. a calibrated confidence and the decision.
 */
#include "kb-impl.h"

#include <math.h>
#include <string.h>

typedef struct query {
    double weight;         /* idf mass of the query, unknown words included */
    double unknown;        /* the unknown words' part of it */
    size_t n_bi;
    double bi_weight;      /* sum of the pairs' weights */
} query;

/* Query terms: unique, known to some entry, marked in s->qmark. */
static void query_terms(const kb *k, kb_scratch *s, query *q)
{
    const kb_lexout *lx = &s->lex;
    size_t unknown = lx->n_unknown;
    s->qterms.n = 0;
    q->weight = 0;
    for (size_t i = 0; i < lx->terms.n; i++) {
        uint32_t t = lx->terms.v[i];
        if (t == KB_TERM_NONE)
            continue;
        if (k->df[t] == 0) {
            unknown++;     /* a word known only from synonyms/stopwords */
            continue;
        }
        if (s->qmark[t])
            continue;
        s->qterms.v[s->qterms.n++] = t;
        s->qmark[t] = (uint32_t)s->qterms.n;
        q->weight += k->idf[t];
    }
    q->unknown = (double)unknown * k->params.unknown_weight * k->idf_max;
    q->weight += q->unknown;
    q->n_bi = 0;
    q->bi_weight = 0;
    if (!(k->features & KB_FEAT_BIGRAMS))
        return;
    for (size_t i = 0; i + 1 < lx->terms.n; i++) {
        uint32_t a = lx->terms.v[i], b = lx->terms.v[i + 1];
        if (a == KB_TERM_NONE || b == KB_TERM_NONE || !k->df[a] || !k->df[b])
            continue;
        /* a pair is as telling as its weaker word */
        float w = k->idf[a] < k->idf[b] ? k->idf[a] : k->idf[b];
        s->qbi[q->n_bi] = (uint64_t)a << 32 | b;
        s->qbi_w[q->n_bi++] = w;
        q->bi_weight += w;
    }
}

/* BM25F, term at a time. */
static void query_accumulate(const kb *k, kb_scratch *s)
{
    float *acc = s->acc;
    s->touched.n = 0;
    for (size_t i = 0; i < s->qterms.n; i++) {
        uint32_t t = s->qterms.v[i];
        for (uint32_t p = k->post_off[t]; p < k->post_off[t + 1]; p++) {
            uint32_t d = k->post_doc[p];
            if (acc[d] == 0.0f)
                s->touched.v[s->touched.n++] = d;
            acc[d] += k->post_imp[p];
        }
    }
}

/* Keep the best n touched entries by BM25F in s->cand (a min-heap while
 * filling); returns how many. */
static size_t query_candidates(const kb *k, kb_scratch *s)
{
    size_t cap = k->params.candidates, n = 0;
    kb_cand *h = s->cand;
    for (size_t i = 0; i < s->touched.n; i++) {
        uint32_t d = s->touched.v[i];
        float v = s->acc[d];
        if (n == cap && v <= h[0].bm25)
            continue;
        size_t j;
        if (n < cap) {
            j = n++;
            while (j > 0 && h[(j - 1) / 2].bm25 > v) {
                h[j] = h[(j - 1) / 2];
                j = (j - 1) / 2;
            }
        } else {   /* replace the root, sift down */
            j = 0;
            for (;;) {
                size_t c = 2 * j + 1;
                if (c >= n)
                    break;
                if (c + 1 < n && h[c + 1].bm25 < h[c].bm25)
                    c++;
                if (h[c].bm25 >= v)
                    break;
                h[j] = h[c];
                j = c;
            }
        }
        h[j] = (kb_cand){d, v, 0, 0, 0, 0, 0};
    }
    return n;
}

/* Best alternate question of entry e for this query. */
static float score_alts(const kb *k, const kb_scratch *s, uint32_t e,
                        double qweight)
{
    double best = 0;
    for (uint32_t a = k->entry_alt_off[e]; a < k->entry_alt_off[e + 1]; a++) {
        const kb_alt *al = &k->alts[a];
        if ((long)a == s->skip_alt || al->weight <= 0)
            continue;
        double ov = 0;
        for (uint32_t i = 0; i < al->n; i++) {
            uint32_t t = k->alt_terms[al->off + i];
            if (s->qmark[t])
                ov += k->idf[t];
        }
        double qc = ov / qweight, ac = ov / al->weight;
        double v = qc * (0.6 + 0.4 * ac);
        if (v > best)
            best = v;
    }
    return (float)best;
}

/* Weighted share of the query's adjacent pairs found in e's questions. */
static float score_bigrams(const kb *k, const kb_scratch *s, uint32_t e,
                           const query *q)
{
    const uint64_t *lo0 = k->bigrams + k->entry_bi_off[e];
    size_t n = k->entry_bi_off[e + 1] - k->entry_bi_off[e];
    double found = 0;
    for (size_t i = 0; i < q->n_bi; i++) {
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (lo0[mid] < s->qbi[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n && lo0[lo] == s->qbi[i])
            found += s->qbi_w[i];
    }
    return q->bi_weight > 0 ? (float)(found / q->bi_weight) : 0.0f;
}

/* Impact of term t in entry e, or -1 when e does not contain t. */
static float entry_impact(const kb *k, uint32_t t, uint32_t e)
{
    uint32_t lo = k->post_off[t], hi = k->post_off[t + 1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (k->post_doc[mid] < e)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < k->post_off[t + 1] && k->post_doc[lo] == e)
        return k->post_imp[lo];
    return -1.0f;
}

/* How much of the query the entry contains at all, and its best word
 * (by impact: a rare word that is what the entry is about). */
static void score_cover(const kb *k, const kb_scratch *s, kb_cand *c,
                        const query *q)
{
    double got = 0, strong = 0;
    for (size_t i = 0; i < s->qterms.n; i++) {
        uint32_t t = s->qterms.v[i];
        float imp = entry_impact(k, t, c->entry);
        if (imp < 0)
            continue;
        got += k->idf[t];
        if (imp > strong)
            strong = imp;
    }
    c->cover = (float)(got / q->weight);
    c->strong = (float)(k->idf_max > 0 ? strong / k->idf_max : 0);
}

static void score_candidate(const kb *k, const kb_scratch *s, kb_cand *c,
                            const query *q)
{
    const kb_params *p = &k->params;
    c->bm25 = (float)(c->bm25 / q->weight);
    c->alt = (k->features & KB_FEAT_ALTS) ? score_alts(k, s, c->entry,
                                                       q->weight)
                                          : c->bm25;
    double mix = p->mix_alt + p->mix_bm25;
    double v = p->mix_alt * c->alt + p->mix_bm25 * c->bm25;
    if (q->bi_weight > 0) {
        c->bigram = score_bigrams(k, s, c->entry, q);
        v += p->mix_bigram * c->bigram;
        mix += p->mix_bigram;
    }
    c->score = (float)(v / mix);
    score_cover(k, s, c, q);
}

static int cand_cmp(const kb_cand *a, const kb_cand *b)
{
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->entry < b->entry ? -1 : a->entry > b->entry;
}

/* Insertion sort: n is small (params.candidates). */
static void cand_sort(kb_cand *c, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        kb_cand x = c[i];
        size_t j = i;
        while (j > 0 && cand_cmp(&x, &c[j - 1]) < 0) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = x;
    }
}

/* The calibrated confidence: a logistic model over a few features of
 * the best candidate, fitted on score distributions (see kb-params.c). */
static double confidence(const kb_params *p, const kb_features *f)
{
    double z = p->c_bias + p->c_score * f->score + p->c_margin * f->margin +
               p->c_cover * f->cover + p->c_strong * f->strong +
               p->c_unknown * f->unknown;
    return 1.0 / (1.0 + exp(-z));
}

/* Share of the query weight that entries a and b together contain. */
static double pair_cover(const kb *k, const kb_scratch *s, uint32_t a,
                         uint32_t b, double qweight)
{
    double got = 0;
    for (size_t i = 0; i < s->qterms.n; i++) {
        uint32_t t = s->qterms.v[i];
        if (entry_impact(k, t, a) >= 0 || entry_impact(k, t, b) >= 0)
            got += k->idf[t];
    }
    return qweight > 0 ? got / qweight : 0;
}

/* A close call: is the pair a good answer together?  It is judged like a
 * single entry, with the pair's joint cover and its lead over the third. */
static int pair_confident(const kb *k, const kb_scratch *s, const query *q)
{
    const kb_cand *c = s->cand;
    kb_features f = s->feat;
    f.cover = pair_cover(k, s, c[0].entry, c[1].entry, q->weight);
    f.margin = c[1].score - (s->n_cand > 2 ? c[2].score : 0);
    return confidence(&k->params, &f) >= k->params.conf_answer;
}

static void suggest(const kb *k, const kb_scratch *s, kb_result *out)
{
    const kb_cand *c = s->cand;
    out->status = KB_AMBIGUOUS;
    for (size_t i = 0; i < s->n_cand && out->n_suggestions <
                                            KB_MAX_SUGGESTIONS; i++) {
        if (c[i].score < k->params.suggest_ratio * c[0].score)
            break;
        out->suggestions[out->n_suggestions++] = &k->entries[c[i].entry];
    }
}

/* Confidence and decision from the sorted candidates. */
static void decide(const kb *k, kb_scratch *s, const query *q,
                   kb_result *out)
{
    const kb_params *p = &k->params;
    const kb_cand *c = s->cand;
    size_t n = s->n_cand;
    if (n == 0)
        return;
    double s1 = c[0].score, s2 = n > 1 ? c[1].score : 0;
    s->feat = (kb_features){s1, s1 - s2, c[0].cover, c[0].strong,
                            q->weight > 0 ? q->unknown / q->weight : 0};
    out->score = s1;
    out->confidence = confidence(p, &s->feat);
    int close = n > 1 && s2 >= p->close_ratio * s1;
    if (!close && out->confidence >= p->conf_answer) {
        out->status = KB_ANSWERED;
        out->entry = &k->entries[c[0].entry];
    } else if (out->confidence >= p->conf_ambiguous ||
               (close && pair_confident(k, s, q))) {
        suggest(k, s, out);
    }
}

static void query_reset(kb_scratch *s)
{
    for (size_t i = 0; i < s->touched.n; i++)
        s->acc[s->touched.v[i]] = 0.0f;
    for (size_t i = 0; i < s->qterms.n; i++)
        s->qmark[s->qterms.v[i]] = 0;
    s->touched.n = s->qterms.n = 0;
}

int kb_match_skip(const kb *k, kb_scratch *s, const char *text, size_t len,
                  long skip_alt, kb_result *out)
{
    memset(out, 0, sizeof *out);
    out->status = KB_NO_ANSWER;
    if (!k || !s || (!text && len) || kb_scratch_ready(s, k) < 0)
        return -1;
    /* the kb is only read: without KB_LEX_INTERN nothing is modified */
    if (kb_lex_run((kb *)k, s->stem, text ? text : "", len,
                   KB_LEX_REPAIR | KB_LEX_SYN, KB_QUERY_MAX_TOKENS,
                   &s->lex) < 0)
        return -1;
    query q;
    s->skip_alt = skip_alt;
    s->n_cand = 0;
    memset(&s->feat, 0, sizeof s->feat);
    query_terms(k, s, &q);
    if (s->qterms.n > 0) {
        query_accumulate(k, s);
        s->n_cand = query_candidates(k, s);
        for (size_t i = 0; i < s->n_cand; i++)
            score_candidate(k, s, &s->cand[i], &q);
        cand_sort(s->cand, s->n_cand);
        decide(k, s, &q, out);
    }
    query_reset(s);
    s->skip_alt = -1;
    return 0;
}

int kb_match(const kb *k, kb_scratch *s, const char *text, size_t len,
             kb_result *out)
{
    return kb_match_skip(k, s, text, len, -1, out);
}

int kb_answer(const kb *k, kb_scratch *s, const char *text, size_t len,
              kb_result *out)
{
    if (!k || !s)
        return -1;
    const char *rule = kb_triage(k, s, text, len);
    if (rule && k->triage_reply) {
        memset(out, 0, sizeof *out);
        out->status = KB_URGENT;
        out->entry = k->triage_reply;
        out->confidence = 1.0;
        out->triage_rule = rule;
        return 0;
    }
    return kb_match(k, s, text, len, out);
}
