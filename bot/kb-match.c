/*
 * kb-match.c - one question against the index:
 *   1. text -> query terms (typo repair, synonyms); words the vocabulary
 *      does not know still count in the query's weight, so a question
 *      mostly about something else scores low;
 *   2. the best `candidates` entries by BM25F over the entry postings
 *      (kb-topk.c: term at a time, with MaxScore cuts);
 *   3. each candidate rescored (kb-rescore.c): its best alternate
 *      question (coverage of the query and of the alternate, adjacent
 *      pairs in that alternate) mixed with its BM25F share;
 *   4. a calibrated confidence (kb-params.c) and the decision.
 * No allocation: everything lives in the kb_scratch.
 */
#include "kb-query.h"

#include <math.h>
#include <string.h>

typedef kb_query query;

/* Adjacent pairs of known query terms, weighted by their weaker word. */
static void query_pairs(const kb *k, kb_scratch *s, query *q)
{
    const kb_lexout *lx = &s->lex;
    q->n_bi = 0;
    q->bi_weight = 0;
    q->pair_filter = 0;
    if (!(k->features & KB_FEAT_BIGRAMS))
        return;
    const uint32_t *v = lx->terms.v, *mark = s->qmark;
    uint64_t *qbi = s->qbi, filter = 0;
    float *qbi_w = s->qbi_w;
    size_t n = 0;
    double bw = 0;
    /* a term is marked (query_terms) exactly when it is known and some
     * entry holds it (df above 0): the marks are read, not df */
    for (size_t i = 0; i + 1 < lx->terms.n; i++) {
        uint32_t a = v[i], b = v[i + 1];
        if (a == KB_TERM_NONE || b == KB_TERM_NONE || !mark[a] || !mark[b])
            continue;
        float w = k->qw[a] < k->qw[b] ? k->qw[a] : k->qw[b];
        qbi[n] = (uint64_t)a << 32 | b;
        qbi_w[n++] = w;
        bw += w;
        filter |= (uint64_t)1 << kb_pair_bit(mark[a], mark[b]);
    }
    q->n_bi = n;
    q->bi_weight = bw;
    q->pair_filter = filter;
}

/* Query terms: unique, known to some entry, marked in s->qmark. */
static void query_terms(const kb *k, kb_scratch *s, query *q)
{
    const kb_lexout *lx = &s->lex;
    size_t unknown = lx->n_unknown, n = 0, anchors = 0;
    uint32_t *qt = s->qterms.v, *mark = s->qmark;
    double weight = 0, adf = k->params.anchor_df * (double)k->n_entries;
    for (size_t i = 0; i < lx->terms.n; i++) {
        uint32_t t = lx->terms.v[i];
        if (t == KB_TERM_NONE)
            continue;
        if (k->df[t] == 0) {
            /* a word known only from synonyms/stopwords; a synonym's own
             * word kept beside its group word is no evidence either way */
            if (!(k->params.syn_keep != 0 &&
                  kb_syn_is_source(&k->syn[0], t)))
                unknown++;
            continue;
        }
        if (mark[t])
            continue;
        qt[n++] = t;
        mark[t] = (uint32_t)n;
        weight += k->qw[t];
        anchors += k->df[t] >= adf;
    }
    s->qterms.n = n;
    q->weight = weight;
    q->anchors = anchors;
    q->n_unknown = unknown;
    q->unknown = (double)unknown * k->params.unknown_weight * k->idf_max;
    q->weight += q->unknown;
    query_pairs(k, s, q);
}

/* Impact of term t in entry e, or -1 when e does not contain t. */
static inline __attribute__((always_inline))
float entry_impact(const kb *k, uint32_t t, uint32_t e)
{
    uint32_t h = e >> k->post_shift, lo = kb_post_seg(k, t, h);
    uint32_t end = kb_post_seg(k, t, h + 1);
    uint16_t low = (uint16_t)(e & ((1u << k->post_shift) - 1));
    lo += (uint32_t)kb_lower_u16(k->post_lo + lo, end - lo, low);
    if (lo < end && k->post_lo[lo] == low)
        return k->post_imp[lo];
    return -1.0f;
}

/* ---- confidence and decision ----------------------------------------- */

int kb_cover_lookup;

/* Share of the query weight that entry a (or b, unless b is a) contains,
 * and the best impact among the words a contains.  hold: the holds of a
 * and b (kb_cand.hold), or NULL.  With every impact above 0
 * (k->imp_pos), bit i of a candidate's hold is set exactly when its
 * entry contains query word i, for i < 32 (a cursor of kb_topk: every
 * posting of it was added to each entry still listed).  Those words'
 * share comes from the bits; their best impact
 * from the held cursors (s->cur, highest term_max first, then one of
 * max 0), looked up until a term_max is at or below the best so far
 * (no later one can raise it).  The same sum, in the same order, and
 * the same maximum. */
static double cover(const kb *k, const kb_scratch *s, uint32_t a, uint32_t b,
                    const uint32_t *hold, double qweight, double *strong)
{
    double got = 0;
    *strong = 0;
    if (!k->imp_pos || kb_cover_lookup)
        hold = NULL;
    uint32_t hab = hold ? hold[0] | hold[1] : 0;
    for (const kb_cursor *c = s->cur; hold && c->max > *strong; c++) {
        if (hold[0] & c->bit) {
            float imp = entry_impact(k, c->t, a);
            if (imp > *strong)
                *strong = imp;
        }
    }
    /* the first 32 words held, in their order (each has a posting, of
     * impact above 0, so a cursor: df[t] > 0 is its postings' count) */
    for (uint32_t m = hab; m; m &= m - 1)
        got += k->qw[s->qterms.v[__builtin_ctz(m)]];
    for (size_t i = hold ? 32 : 0; i < s->qterms.n; i++) {
        uint32_t t = s->qterms.v[i];
        float imp = entry_impact(k, t, a);
        if (imp > *strong)
            *strong = imp;
        if (imp >= 0 || (b != a && entry_impact(k, t, b) >= 0))
            got += k->qw[t];
    }
    if (k->idf_max > 0)
        *strong /= k->idf_max;
    return qweight > 0 ? got / qweight : 0;
}

/* The hold of candidate entry e among the first n of s (kb_cand.hold),
 * into *h; 0 when e is not there. */
static int hold_of(const kb_scratch *s, size_t n, uint32_t e, uint32_t *h)
{
    for (size_t i = 0; i < n && i < s->n_cand; i++) {
        if (s->cand[i].entry == e) {
            *h = s->cand[i].hold;
            return 1;
        }
    }
    return 0;
}

/* The calibrated confidence: a logistic model over a few features of
 * the best candidate, fitted on score distributions (see kb-params.c). */
static double confidence(const kb_params *p, const kb_features *f)
{
    double z = p->c_bias + p->c_score * f->score + p->c_margin * f->margin +
               p->c_cover * f->cover + p->c_strong * f->strong +
               p->c_unknown * f->unknown + p->c_anchor * f->anchor;
    return 1.0 / (1.0 + exp(-z));
}

/* A close call: is the pair a good answer together?  It is judged like a
 * single entry, with the pair's joint cover and its lead over the third. */
static int pair_confident(const kb *k, const kb_scratch *s, const query *q)
{
    const kb_cand *c = s->cand;
    kb_features f = s->feat;
    double strong;
    uint32_t hold[2] = {c[0].hold, c[1].hold};
    f.cover = cover(k, s, c[0].entry, c[1].entry, hold, q->weight,
                    &strong);
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

/* How much the question names the kb's core words (0..1).  A kb with no
 * core words (every word in few entries) has nothing to name: 1. */
static double anchor_share(const kb *k, const query *q)
{
    if (k->n_anchors == 0 || q->anchors >= 2)
        return 1.0;
    return (double)q->anchors / 2.0;
}

/* Does some keyword of entry e read (KB_LEX_SYN) as just term t?  1
 * yes, 0 no, -1 when a keyword could not be read.  Uses s->lex, which
 * the query no longer needs once its terms are marked. */
static int keyword_is(const kb *k, kb_scratch *s, uint32_t e, uint32_t t)
{
    const kb_entry *en = &k->entries[e];
    for (size_t i = 0; i < en->n_keywords; i++) {
        const char *kw = en->keywords[i];
        s->n_vague_lex++;
        if (kb_lex_run((kb *)k, s->stem, kw, strlen(kw), KB_LEX_SYN,
                       KB_QUERY_MAX_TOKENS, &s->lex) < 0)
            return -1;
        if (s->lex.terms.n == 1 && s->lex.terms.v[0] == t)
            return 1;
    }
    return 0;
}

/* A question whose only known word is not, by itself, a keyword of the
 * best entry ("what time is it": session-length has "time of day";
 * "baby", "help") names no topic and is not answered outright.  The
 * answer for (entry, word) is kept in s->vague for this kb (a keyword
 * that could not be read: not vague, and nothing kept). */
static int vague(const kb *k, kb_scratch *s)
{
    if (s->qterms.n != 1 || s->n_cand == 0)
        return 0;
    uint32_t t = s->qterms.v[0], e = s->fw_top;   /* as decide's cover */
    if (s->no_vague_cache)
        return keyword_is(k, s, e, t) == 0;
    if (s->vague_kb != k->serial) {
        memset(s->vague, 0, sizeof s->vague);
        s->vague_kb = k->serial;
    }
    uint32_t h = (e * 0x9e3779b1u ^ t * 0x85ebca6bu) >> 22;
    kb_vslot *v = &s->vague[h % KB_VAGUE_SLOTS];
    if (v->entry1 == e + 1 && v->term == t)
        return (int)v->vague;
    int is = keyword_is(k, s, e, t);
    if (is < 0)
        return 0;
    *v = (kb_vslot){e + 1, t, (uint32_t)!is};
    return !is;
}

/* Confidence and decision from the sorted candidates. */
static void decide(const kb *k, kb_scratch *s, const query *q,
                   kb_result *out)
{
    const kb_params *p = &k->params;
    kb_cand *c = s->cand;
    size_t n = s->n_cand;
    if (n == 0)
        return;
    double s1 = c[0].score, s2 = n > 1 ? c[1].score : 0, strong;
    uint32_t hold[2] = {0, 0};
    int held = hold_of(s, 3, s->fw_top, &hold[0]);   /* kb_fw_tiebreak */
    hold[1] = hold[0];
    c[0].cover = (float)cover(k, s, s->fw_top, s->fw_top,
                              held ? hold : NULL, q->weight,
                              &strong);   /* before the tie-break */
    c[0].strong = (float)strong;
    s->feat = (kb_features){s1, s1 - s2, c[0].cover, c[0].strong,
                            q->weight > 0 ? q->unknown / q->weight : 0,
                            anchor_share(k, q)};
    out->score = s1;
    out->confidence = confidence(p, &s->feat);
    if (vague(k, s)) {
        /* one word says too little to answer: a core word of the kb
         * ("baby") alone gets suggestions; any other ("time"), or a core
         * word beside words the kb does not know ("can my baby have
         * honey"), no answer */
        if (q->anchors && q->n_unknown == 0)
            suggest(k, s, out);
        return;
    }
    /* a best entry put first by function words (kb_fw_tiebreak) is a
     * close call too: the confidence was read from the one before it,
     * so it is offered ("did you mean"), never answered outright */
    int close = n > 1 && (s2 >= p->close_ratio * s1 ||
                          s->fw_top != c[0].entry);
    if (!close && out->confidence >= p->conf_answer) {
        out->status = KB_ANSWERED;
        out->entry = &k->entries[c[0].entry];
    } else if (out->confidence >= p->conf_ambiguous ||
               (close && pair_confident(k, s, q))) {
        suggest(k, s, out);
        if (out->n_suggestions == 1 && !close) {
            /* "did you mean" needs two entries to choose from: with no
             * rival, a near-confident best entry is the answer */
            out->status = KB_ANSWERED;
            out->entry = out->suggestions[0];
            out->n_suggestions = 0;
            out->suggestions[0] = NULL;
        }
    }
}

/* The candidates, rescored and sorted.  After triage (kb_answer) the
 * triage reply is reached through triage only: as an ordinary match it
 * would answer "how many wet nappies should a newborn have" with the
 * emergency text.  It is rescored like any entry but not counted among
 * the best three (so the others' scores that matter stay exact); when it
 * is first, the question is about an emergency triage did not recognise,
 * which the knowledge base does not cover: 0, no answer.  Otherwise it
 * is dropped (never answered or suggested).  kb_match, which runs no
 * triage, keeps it as any entry. */
static int rank(const kb *k, kb_scratch *s, const query *q, int triaged)
{
    uint32_t tr = triaged && k->triage_reply
                      ? (uint32_t)(k->triage_reply - k->entries)
                      : UINT32_MAX;
    kb_rescore(k, s, q, tr);
    kb_cand_sort(s->cand, s->n_cand);
    if (tr == UINT32_MAX) {
        kb_fw_tiebreak(k, s);
        return 1;
    }
    if (s->n_cand && s->cand[0].entry == tr)
        return 0;
    size_t n = 0;
    while (n < s->n_cand && s->cand[n].entry != tr)
        n++;   /* those before tr stay where they are */
    for (size_t i = n; i < s->n_cand; i++) {
        if (s->cand[i].entry != tr)
            s->cand[n++] = s->cand[i];
    }
    s->n_cand = n;
    kb_fw_tiebreak(k, s);
    return 1;
}

static void query_reset(kb_scratch *s)
{
    for (size_t i = 0; i < s->qterms.n; i++)
        s->qmark[s->qterms.v[i]] = 0;
    s->qterms.n = 0;
}

/* An off-topic question that was matched anyway gets only a confident
 * outright answer: no "did you mean" */
static void not_an_answer(kb_result *out)
{
    out->status = KB_NO_ANSWER;
    out->entry = NULL;
    out->n_suggestions = 0;
}

/* kb_match_skip; offtopic is 0, 1 or 2 (kb_offtopic_hit) when the caller
 * already knows (kb_answer's triage scan found the phrases, and s->lex
 * holds its
 * KB_LEX_DUAL reading of text), -1 to look (one scan, whose reading
 * serves matching too) and read text here; triaged: kb_answer's triage
 * ran and did not fire. */
static int match_run(const kb *k, kb_scratch *s, const char *text,
                     size_t len, long skip_alt, int offtopic, int triaged,
                     kb_result *out)
{
    memset(out, 0, sizeof *out);
    out->status = KB_NO_ANSWER;
    if (!k || !s || (!text && len))
        return -1;
    s->n_cand = s->n_rescored = 0;
    memset(&s->feat, 0, sizeof s->feat);
    if (offtopic < 0 && kb_offtopic_any(k)) {
        /* the scan's reading (KB_LEX_DUAL) also gives the matching one;
         * no rule is checked, so no stated age is read (the scan makes s
         * ready for k) */
        if (kb_triage_scan_ex(k, s, text, len, 0) < 0)
            return -1;
        offtopic = kb_offtopic_hit(k, s);
    } else if (offtopic < 0 && kb_scratch_ready(s, k) < 0) {
        return -1;   /* offtopic >= 0: kb_answer's scan made s ready */
    }
    /* outside the knowledge base: no answer, unless a long message
     * only names the off-topic subject in passing (s->lex holds the scan's
     * reading, stopwords kept: its length is the question's) */
    int passing = offtopic == 1 && k->params.offtopic_words > 0 &&
                  (double)s->lex.terms.n >= k->params.offtopic_words;
    if (offtopic > 0 && !passing)
        return 0;
    /* the kb is only read: without KB_LEX_INTERN nothing is modified */
    if (offtopic >= 0 ? kb_lex_second(k, &s->lex) < 0
                      : kb_lex_run((kb *)k, s->stem, text ? text : "", len,
                                   KB_LEX_REPAIR | KB_LEX_SYN,
                                   KB_QUERY_MAX_TOKENS, &s->lex) < 0)
        return -1;
    query q;
    s->skip_alt = skip_alt;
    query_terms(k, s, &q);
    /* markup needs a '<': most questions are passed by memchr alone */
    if (s->qterms.n > 0 &&
        !(memchr(text, '<', len) && kb_text_has_markup(text, len))) {
        s->n_cand = kb_topk(k, s);
        if (!rank(k, s, &q, triaged))
            s->n_cand = 0;   /* no answer, no best entry */
        if (s->n_cand)
            out->best = &k->entries[s->cand[0].entry];
        decide(k, s, &q, out);
        if (passing && (out->status != KB_ANSWERED ||
                        out->confidence < k->params.offtopic_conf))
            not_an_answer(out);
    }
    query_reset(s);
    s->skip_alt = -1;
    return 0;
}

int kb_match_skip(const kb *k, kb_scratch *s, const char *text, size_t len,
                  long skip_alt, kb_result *out)
{
    return match_run(k, s, text, len, skip_alt, -1, 0, out);
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
    /* one lexing and one scan serve triage and the offtopic phrases
     * (both read the question the same way) */
    const char *rule = NULL;
    int offtopic = -1;
    if ((k->n_rules || kb_offtopic_any(k)) &&
        kb_triage_scan(k, s, text, len) == 0) {
        int err = 0;
        rule = kb_triage_rule(k, s, text, len, &err);
        if (err < 0)
            return -1;
        offtopic = kb_offtopic_hit(k, s);
    }
    if (rule && k->triage_reply) {
        memset(out, 0, sizeof *out);
        out->status = KB_URGENT;
        out->entry = k->triage_reply;
        out->confidence = 1.0;
        out->triage_rule = rule;
        return 0;
    }
    return match_run(k, s, text, len, -1, offtopic,
                     k->n_rules > 0 && offtopic >= 0, out);
}
