/*
 * kb-fwords.c - function words as a tie-break.  Matching drops the kb's
 * stopwords: a parent's "how do I" says nothing about the topic.  Yet
 * "when can I start" and "why would I" differ by their function words
 * alone, so they are kept as weak evidence: at index time, the set of
 * function words each entry's questions and title hold (a bitmask); at
 * query time, the query's (the lexer notes the stopwords it drops,
 * kb_lexout.fw).  The best three rescored candidates are then ordered
 * by their scores raised by
 *     fw_bonus x best score x (idf share of the query's function words
 *                              that the entry holds),
 * idf over the entries' function-word sets.  Only the order changes:
 * each place keeps its score, and the decision reads the entry that was
 * first before (s->fw_top; tests/kb/README.md, "Function-word
 * tie-break").  No allocation at query time.
 */
#include "kb-query.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Room for one more mask word per entry: the masks laid out again. */
static int fw_widen(kb_fwords *f, size_t n_entries)
{
    size_t w = f->words, nw = w + 1;
    uint64_t *m = calloc(n_entries * nw + 1, sizeof *m);
    if (!m)
        return -1;
    for (size_t e = 0; e < n_entries; e++)
        memcpy(m + e * nw, f->mask + e * w, w * sizeof *m);
    free(f->mask);
    f->mask = m;
    f->words = nw;
    return 0;
}

/* The id of stopword term t, given one if it has none yet and ids are
 * left (0: none).  -1 on OOM. */
static int fw_id(kb *k, uint32_t t)
{
    kb_fwords *f = &k->fw;
    if (t >= f->n_of_term) {
        size_t cap = f->n_of_term;
        if (kb_grow((void **)&f->of_term, &cap, (size_t)t + 1, 1) < 0)
            return -1;
        memset(f->of_term + f->n_of_term, 0, cap - f->n_of_term);
        f->n_of_term = cap;
    }
    if (!f->of_term[t] && f->n < KB_FW_MAX) {
        if (f->n == 64 * f->words && fw_widen(f, k->n_entries) < 0)
            return -1;
        f->of_term[t] = (uint8_t)++f->n;
    }
    return f->of_term[t];
}

int kb_fw_sink(kb *k, uint32_t term)
{
    kb_fwords *f = &k->fw;
    int id = fw_id(k, term);
    if (id <= 0)
        return id;
    unsigned b = (unsigned)id - 1;
    f->mask[f->cur * f->words + b / 64] |= (uint64_t)1 << (b % 64);
    return 0;
}

int kb_fw_take(kb *k, const kb_lexout *lx)
{
    for (uint32_t i = 0; i < lx->fw.n; i++) {
        if (kb_fw_sink(k, lx->fw.v[i]) < 0)
            return -1;
    }
    return 0;
}

int kb_fw_entry(kb *k, uint32_t e)
{
    kb_fwords *f = &k->fw;
    if (!f->mask) {
        f->mask = calloc(k->n_entries + 1, sizeof *f->mask);
        if (!f->mask)
            return -1;
        f->words = 1;
    }
    f->cur = e;
    return 0;
}

int kb_fw_finish(kb *k)
{
    kb_fwords *f = &k->fw;
    uint32_t df[KB_FW_MAX] = {0};
    double n = (double)k->n_entries;
    for (size_t i = 0; f->mask && i < k->n_entries * f->words; i++) {
        for (uint64_t m = f->mask[i]; m; m &= m - 1)
            df[(i % f->words) * 64 + (size_t)__builtin_ctzll(m)]++;
    }
    for (size_t b = 0; b < f->n; b++)
        f->idf[b] = (float)log(1.0 + (n - df[b] + 0.5) / (df[b] + 0.5));
    return 0;
}

void kb_fw_free(kb *k)
{
    kb_fwords *f = &k->fw;
    free(f->of_term);
    free(f->mask);
    memset(f, 0, sizeof *f);
}

/* The query's function words (s->lex.fw) as a mask; returns their idf
 * mass. */
static double fw_query(const kb_fwords *f, const kb_fwnote *q, uint64_t *m)
{
    double tot = 0;
    for (uint32_t i = 0; i < q->n; i++) {
        uint32_t t = q->v[i];
        unsigned id = t < f->n_of_term ? f->of_term[t] : 0;
        unsigned b = id - 1;
        uint64_t bit = (uint64_t)1 << (b % 64);
        if (id == 0 || (m[b / 64] & bit))
            continue;
        m[b / 64] |= bit;
        tot += f->idf[b];
    }
    return tot;
}

/* The idf mass of the query's function words (mask q) entry e holds. */
static double fw_held(const kb_fwords *f, uint32_t e, const uint64_t *q)
{
    const uint64_t *em = f->mask + (size_t)e * f->words;
    double held = 0;
    for (size_t w = 0; w < f->words; w++) {
        for (uint64_t m = em[w] & q[w]; m; m &= m - 1)
            held += f->idf[w * 64 + (size_t)__builtin_ctzll(m)];
    }
    return held;
}

/* 1 if candidate j goes before candidate i by the raised scores v
 * (then by entry, as kb_cand_sort). */
static int fw_before(const kb_cand *c, const double *v, size_t j, size_t i)
{
    return v[j] > v[i] || (v[j] == v[i] && c[j].entry < c[i].entry);
}

/* Candidates i and j change places; each place keeps its score. */
static void fw_swap(kb_cand *c, double *v, size_t i, size_t j)
{
    kb_cand t = c[i];
    float si = c[i].score, sj = c[j].score;
    double x = v[i];
    c[i] = c[j];
    c[j] = t;
    c[i].score = si;
    c[j].score = sj;
    v[i] = v[j];
    v[j] = x;
}

void kb_fw_reorder(const kb *k, kb_scratch *s, size_t n, double reach)
{
    const kb_fwords *f = &k->fw;
    kb_cand *c = s->cand;
    uint64_t m[4] = {0};
    double tot = fw_query(f, &s->lex.fw, m), v[3] = {0, 0, 0};
    if (tot <= 0)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = c[i].score + reach * fw_held(f, c[i].entry, m) / tot;
    if (fw_before(c, v, 1, 0))
        fw_swap(c, v, 0, 1);
    if (n > 2 && fw_before(c, v, 2, 1)) {
        fw_swap(c, v, 1, 2);
        if (fw_before(c, v, 1, 0))
            fw_swap(c, v, 0, 1);
    }
}

size_t kb_fw_of_entry(const kb *k, uint32_t e, const char **words,
                      size_t max)
{
    const kb_fwords *f = &k->fw;
    size_t n = 0;
    if (!f->mask || e >= k->n_entries)
        return 0;
    for (size_t b = 0; b < f->n; b++) {
        if (!(f->mask[(size_t)e * f->words + b / 64] >> (b % 64) & 1))
            continue;
        for (uint32_t t = 0; t < f->n_of_term; t++) {
            if (f->of_term[t] == b + 1) {
                if (n < max)
                    words[n] = k->term_text[t];
                n++;
                break;
            }
        }
    }
    return n;
}
