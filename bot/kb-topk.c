/*
 * kb-topk.c - the best `candidates` entries by BM25F for a query,
 * document at a time with MaxScore (Turtle & Flood): query terms sorted by
 * their highest impact; the terms whose summed highest impacts cannot
 * beat the current k-th best score are "non-essential" and are only
 * looked up (galloping forward) for entries the essential terms bring up.
 * Exact: the same top k as scoring every entry.  No allocation.
 */
#include "kb-impl.h"

#include <string.h>

/* First position >= from in term t's postings whose entry is >= d. */
static uint32_t gallop(const kb *k, uint32_t from, uint32_t end, uint32_t d)
{
    uint32_t step = 1, lo = from, hi = from;
    while (hi < end && k->post_doc[hi] < d) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    if (hi > end)
        hi = end;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (k->post_doc[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Cursors for the query terms, by increasing highest impact, with the
 * running sums of those highest impacts. */
static size_t topk_cursors(const kb *k, kb_scratch *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->qterms.n; i++) {
        uint32_t t = s->qterms.v[i];
        if (k->term_max[t] <= 0)
            continue;   /* contributes nothing (idf 0) */
        kb_cursor c = {k->post_off[t], k->post_off[t + 1], k->term_max[t]};
        size_t j = n++;
        while (j > 0 && s->cur[j - 1].max > c.max) {
            s->cur[j] = s->cur[j - 1];
            j--;
        }
        s->cur[j] = c;
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += s->cur[i].max;
        s->ub[i] = (float)sum;
    }
    return n;
}

/* Push (d, v) into the min-heap of size cap held in s->cand. */
static void heap_push(kb_cand *h, size_t *n, size_t cap, uint32_t d, float v)
{
    size_t j;
    if (*n < cap) {
        j = (*n)++;
        while (j > 0 && h[(j - 1) / 2].bm25 > v) {
            h[j] = h[(j - 1) / 2];
            j = (j - 1) / 2;
        }
    } else {
        j = 0;
        for (;;) {
            size_t c = 2 * j + 1;
            if (c >= *n)
                break;
            if (c + 1 < *n && h[c + 1].bm25 < h[c].bm25)
                c++;
            if (h[c].bm25 >= v)
                break;
            h[j] = h[c];
            j = c;
        }
    }
    h[j] = (kb_cand){.entry = d, .bm25 = v};
}

/* Smallest current entry among the essential cursors [ess, n). */
static uint32_t next_doc(const kb *k, const kb_cursor *c, size_t ess,
                         size_t n)
{
    uint32_t d = UINT32_MAX;
    for (size_t i = ess; i < n; i++) {
        if (c[i].p < c[i].end && k->post_doc[c[i].p] < d)
            d = k->post_doc[c[i].p];
    }
    return d;
}

/* Score entry d: essential cursors sitting on it, then the non-essential
 * ones while they can still matter. */
static float score_doc(const kb *k, kb_cursor *c, const float *ub, size_t ess,
                       size_t n, uint32_t d, float threshold)
{
    float v = 0;
    for (size_t i = ess; i < n; i++) {
        if (c[i].p < c[i].end && k->post_doc[c[i].p] == d)
            v += k->post_imp[c[i].p++];
    }
    for (size_t i = ess; i-- > 0;) {
        if (v + ub[i] <= threshold)
            break;
        c[i].p = gallop(k, c[i].p, c[i].end, d);
        if (c[i].p < c[i].end && k->post_doc[c[i].p] == d)
            v += k->post_imp[c[i].p];
    }
    return v;
}

/* The best params.candidates entries into s->cand (unordered, bm25 =
 * raw BM25F score); returns how many. */
size_t kb_topk(const kb *k, kb_scratch *s)
{
    size_t n = topk_cursors(k, s), cap = k->params.candidates, nh = 0;
    kb_cursor *c = s->cur;
    size_t ess = 0;
    float threshold = 0;
    for (;;) {
        while (nh == cap && ess < n && s->ub[ess] <= threshold)
            ess++;   /* these terms alone cannot beat the k-th best */
        if (ess == n)
            break;
        uint32_t d = next_doc(k, c, ess, n);
        if (d == UINT32_MAX)
            break;
        float v = score_doc(k, c, s->ub, ess, n, d, threshold);
        if (nh < cap || v > threshold) {
            heap_push(s->cand, &nh, cap, d, v);
            if (nh == cap)
                threshold = s->cand[0].bm25;
        }
    }
    return nh;
}
