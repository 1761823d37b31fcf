/*
 * kb-topk.c - the best `candidates` entries by BM25F for a query, term at
 * a time with MaxScore-style pruning:
 *   1. query terms by decreasing highest impact (rare words first: short
 *      lists, big impacts);
 *   2. each term's impacts are added into a per-entry accumulator (only
 *      touched entries are listed, so nothing is proportional to the kb);
 *   3. as soon as the k-th best partial score reaches what the remaining
 *      terms could add at most, no new entry can get in: the entries that
 *      can still reach it are kept, and the remaining (frequent, low
 *      impact) terms are only looked up for them, galloping through
 *      their postings, with a new cut after each term.
 * Exact: the same top k as scoring every entry (up to float rounding of
 * the sums).  No allocation: the accumulators live in the scratch.
 */
#include "kb-impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Segment h of cursor c's postings (kb_post_seg), within c->p .. c->end:
 * *a .. *z, entries h << post_shift | post_lo. */
static inline __attribute__((always_inline))
void seg_range(const kb *k, const kb_cursor *c, uint32_t h, uint32_t *a,
               uint32_t *z)
{
    *a = kb_post_seg(k, c->t, h);
    *z = kb_post_seg(k, c->t, h + 1);
    if (*a < c->p)
        *a = c->p;
    if (*z > c->end)
        *z = c->end;
}

/* First position in from .. end (one segment) whose post_lo is >= low. */
static uint32_t gallop(const kb *k, uint32_t from, uint32_t end, uint16_t low)
{
    uint32_t step = 1, lo = from, hi = from;
    while (hi < end && k->post_lo[hi] < low) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    if (hi > end)
        hi = end;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (k->post_lo[mid] < low)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Cursors for the query terms by decreasing highest impact, then one of
 * max 0 (kb-match.c's cover reads them up to it); ub[i] = the highest
 * impacts of cursors i..n-1 summed (ub[n] = 0). */
static size_t topk_cursors(const kb *k, kb_scratch *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->qterms.n; i++) {
        uint32_t t = s->qterms.v[i];
        if (k->term_max[t] <= 0)
            continue;   /* contributes nothing (idf 0) */
        kb_cursor c = {t, k->post_off[t], k->post_off[t + 1],
                       k->term_max[t], i < 32 ? 1u << i : 0};
        size_t j = n++;
        while (j > 0 && s->cur[j - 1].max < c.max) {
            s->cur[j] = s->cur[j - 1];
            j--;
        }
        s->cur[j] = c;
    }
    s->cur[n] = (kb_cursor){0, 0, 0, 0, 0};
    double sum = 0;
    s->ub[n] = 0;
    for (size_t i = n; i-- > 0;) {
        sum += s->cur[i].max;
        s->ub[i] = (float)sum;
    }
    return n;
}

/* 1 if accumulator a is empty (v is +0 or a sum of positive impacts:
 * its bits are zero exactly when it is; cheaper than a float compare). */
static inline int acc_empty(const kb_acc *a)
{
    uint32_t b;
    memcpy(&b, &a->v, sizeof b);
    return b == 0;
}

/* One segment of add_all for the query's first cursor: every
 * accumulator is still empty, so its impact is stored, not added (0 +
 * imp is imp).  check: an impact may be <= 0 (then it is passed over,
 * which keeps acc > 0 <=> listed); a constant, so each loop is made for
 * it. */
static inline size_t seg_first(kb_acc *acc, uint32_t *tl, size_t n,
                               const uint16_t *lo, const float *im, size_t m,
                               uint32_t base, uint32_t bit, int check)
{
    for (size_t i = 0; i < m; i++) {
        float imp = im[i];
        if (check && !(imp > 0))
            continue;
        uint32_t d = base | lo[i];
        acc[d] = (kb_acc){imp, bit};
        tl[n++] = d;
    }
    return n;
}

/* One segment of add_all for a later cursor (check: seg_first's).
 * Without the check, two postings a step: they are two entries (a term
 * lists an entry once), each still added to once, in the same order. */
static inline size_t seg_more(kb_acc *acc, uint32_t *tl, size_t n,
                              const uint16_t *lo, const float *im, size_t m,
                              uint32_t base, uint32_t bit, int check)
{
    size_t i = 0;
    for (; !check && i + 2 <= m; i += 2) {
        uint32_t d0 = base | lo[i], d1 = base | lo[i + 1];
        kb_acc *e0 = &acc[d0], *e1 = &acc[d1];
        tl[n] = d0;
        n += acc_empty(e0);
        tl[n] = d1;
        n += acc_empty(e1);
        e0->v += im[i];
        e0->hold |= bit;
        e1->v += im[i + 1];
        e1->hold |= bit;
    }
    for (; i < m; i++) {
        float imp = im[i];
        if (check && !(imp > 0))
            continue;
        uint32_t d = base | lo[i];
        kb_acc *e = &acc[d];
        tl[n] = d;
        n += acc_empty(e);
        float v = e->v + imp;
        e->v = v;
        e->hold |= bit;
    }
    return n;
}

/* Add cursor c's impacts to every entry it lists; new entries go to
 * s->touched[*nt...]; first: the query's first cursor.  Impacts are
 * checked for > 0 only when some may not be (k->imp_pos).  No best
 * score is kept: kth_best's floor makes a cut that cannot happen about
 * as cheap to find out as the max per posting. */
static void add_all(const kb *k, kb_scratch *s, const kb_cursor *c,
                    size_t *nt, int first)
{
    kb_acc *acc = s->acc;
    uint32_t *tl = s->touched, bit = c->bit;
    size_t n = *nt;
    int check = !k->imp_pos;
    for (uint32_t h = 0; h < k->n_seg; h++) {
        uint32_t a, z, base = h << k->post_shift;
        seg_range(k, c, h, &a, &z);
        const uint16_t *lo = k->post_lo + a;
        const float *im = k->post_imp + a;
        size_t m = z > a ? z - a : 0;
        if (first)
            n = check ? seg_first(acc, tl, n, lo, im, m, base, bit, 1)
                      : seg_first(acc, tl, n, lo, im, m, base, bit, 0);
        else if (check)
            n = seg_more(acc, tl, n, lo, im, m, base, bit, 1);
        else if (base == 0)   /* the first segment: no high bits to add */
            n = seg_more(acc, tl, n, lo, im, m, 0, bit, 0);
        else
            n = seg_more(acc, tl, n, lo, im, m, base, bit, 0);
    }
    *nt = n;
}

/* Add cursor c's impacts to the listed entries only (acc > 0): a scan of
 * the postings when the list is long, else a gallop per entry (the list
 * is then sorted by entry first). */
static void add_listed(const kb *k, kb_scratch *s, const kb_cursor *c,
                       size_t nt, int *sorted)
{
    kb_acc *acc = s->acc;
    if ((uint64_t)nt * 16 >= c->end - c->p) {
        for (uint32_t h = 0; h < k->n_seg; h++) {
            uint32_t a, z, base = h << k->post_shift;
            seg_range(k, c, h, &a, &z);
            const uint16_t *lo = k->post_lo + a;
            const float *im = k->post_imp + a;
            for (size_t i = 0, m = z > a ? z - a : 0; i < m; i++) {
                uint32_t d = base | lo[i];
                if (acc[d].v > 0) {
                    acc[d].v += im[i];
                    acc[d].hold |= c->bit;
                }
            }
        }
        return;
    }
    if (!*sorted) {
        kb_sort_u32(s->touched, nt);
        *sorted = 1;
    }
    unsigned sh = k->post_shift;
    uint32_t p = c->p, h = UINT32_MAX, a, end = 0, mask = (1u << sh) - 1;
    for (size_t i = 0; i < nt && p < c->end; i++) {
        uint32_t d = s->touched[i];
        if (d >> sh != h) {            /* the next segment: its range */
            h = d >> sh;
            seg_range(k, c, h, &a, &end);
            if (p < a)
                p = a;
        }
        if (p >= end)
            continue;                  /* none left in this segment */
        uint16_t low = (uint16_t)(d & mask);
        p = gallop(k, p, end, low);
        if (p < end && k->post_lo[p] == low && k->post_imp[p] > 0) {
            acc[d].v += k->post_imp[p];
            acc[d].hold |= c->bit;
        }
    }
}

/* The k-th best accumulated score of the listed entries when at least k
 * of them reach floor, else -1 (also when k is 0); s->kth is the
 * min-heap.  Scores below floor cannot be among the k best then, so
 * they are passed over at one compare each: with floor the cut's
 * threshold, most entries are (the cut mostly fails).  floor -1: all. */
static float kth_best(const kb_scratch *s, size_t nt, size_t k, float floor)
{
    float *h = s->kth;
    size_t nh = 0;
    if (k > 0)
        h[k] = INFINITY;   /* s->kth has k + 1: see collect */
    for (size_t i = 0; i < nt && k > 0; i++) {
        float v = s->acc[s->touched[i]].v;
        size_t j;
        if (v < floor)
            continue;
        if (nh < k) {
            for (j = nh++; j > 0 && h[(j - 1) / 2] > v; j = (j - 1) / 2)
                h[j] = h[(j - 1) / 2];
        } else if (v > h[0]) {
            for (j = 0;;) {
                size_t c = 2 * j + 1;
                if (c >= nh)
                    break;
                c += h[c + 1] < h[c];
                if (h[c] >= v)
                    break;
                h[j] = h[c];
                j = c;
            }
        } else {
            continue;
        }
        h[j] = v;
    }
    return nh == k && k > 0 ? h[0] : -1;
}

/* Keep the listed entries that can still reach theta with rest more;
 * the others leave the list with acc back to zero.  Order is kept. */
static size_t prune(kb_scratch *s, size_t nt, float theta, float rest)
{
    size_t m = 0;
    for (size_t i = 0; i < nt; i++) {
        uint32_t d = s->touched[i];
        if (s->acc[d].v + rest >= theta)
            s->touched[m++] = d;
        else
            s->acc[d] = (kb_acc){0, 0};
    }
    return m;
}

/* a after b in kb_cand_sort's order (score, highest first, then entry). */
static inline int top_after(kb_top a, kb_top b)
{
    return a.v < b.v || (a.v == b.v && a.entry > b.entry);
}

/* h[0 .. n) from last to first in kb_cand_sort's order: insertion, as a
 * min-heap is about in that order already (8-byte moves). */
static void top_sort(kb_top *h, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        kb_top x = h[i];
        size_t j = i;
        for (; j > 0 && top_after(x, h[j - 1]); j--)
            h[j] = h[j - 1];
        h[j] = x;
    }
}

/* The best cap listed entries into s->cand, highest BM25F first (then
 * entry: kb_cand_sort's order, which kb_rescore reads them in), acc back to
 * all zero: a min-heap of (score, entry) in s->top, filled first (each
 * entry sifted up), then an entry above the least replaces it (sifted
 * down); an entry equal to the least is not taken, so which of equal
 * scores stay depends on the order.  An entry in the heap keeps its acc
 * (its hold is read at the end); the others' are cleared as they are
 * passed over or pushed out. */
static size_t collect(kb_scratch *s, size_t nt, size_t cap)
{
    kb_acc *acc = s->acc;
    kb_top *h = s->top;
    const uint32_t *tl = s->touched, *end = tl + nt;
    size_t nh = 0;
    if (cap == 0) {
        for (; tl < end; tl++)
            acc[*tl] = (kb_acc){0, 0};
        return 0;
    }
    for (; tl < end && nh < cap; tl++) {
        uint32_t e = *tl;
        float v = acc[e].v;
        if (!(v > -1)) {
            acc[e] = (kb_acc){0, 0};
            continue;      /* below every listed score (> 0) */
        }
        size_t j = nh++;
        while (j > 0 && h[(j - 1) / 2].v > v) {
            h[j] = h[(j - 1) / 2];
            j = (j - 1) / 2;
        }
        h[j] = (kb_top){v, e};
    }
    float floor = nh == cap ? h[0].v : -1;
    /* h[cap] (s->top has cap + 1) above any score: a last child c
     * (c + 1 == cap) is never passed over for it */
    h[cap].v = INFINITY;
    for (; tl < end; tl++) {
        uint32_t e = *tl;
        float v = acc[e].v;
        if (!(v > floor)) {
            acc[e] = (kb_acc){0, 0};
            continue;
        }
        acc[h[0].entry] = (kb_acc){0, 0};
        size_t j = 0;
        for (;;) {
            size_t c = 2 * j + 1;
            if (c >= cap)
                break;
            c += h[c + 1].v < h[c].v;   /* the lesser child, no branch */
            if (h[c].v >= v)
                break;
            h[j] = h[c];
            j = c;
        }
        h[j] = (kb_top){v, e};
        floor = h[0].v;
    }
    top_sort(h, nh);
    for (size_t i = 0; i < nh; i++) {
        uint32_t e = h[i].entry;
        s->cand[nh - 1 - i] = (kb_cand){.entry = e, .bm25 = h[i].v,
                                        .hold = acc[e].hold};
        acc[e] = (kb_acc){0, 0};
    }
    return nh;
}

/* A cut (k-th best, then prune) costs about one pass over the nt listed
 * entries; it only pays when cursors from..n-1 have more postings than
 * that left to read. */
static int worth_a_cut(const kb_scratch *s, size_t from, size_t n, size_t nt)
{
    uint64_t left = 0;
    for (size_t j = from; j < n; j++)
        left += s->cur[j].end - s->cur[j].p;
    return left >= 2 * (uint64_t)nt;
}

/* The best params.candidates entries into s->cand, highest BM25F first
 * (then entry), bm25 = raw BM25F score; returns how many.  A kb of at
 * most KB_SMALL_ENTRIES entries is read by kb-small-topk.c (the same
 * candidates), unless a near-tie at the cut sends it here. */
size_t kb_topk(const kb *k, kb_scratch *s)
{
    size_t n = topk_cursors(k, s), cap = k->params.candidates, nt = 0, i = 0;
    if (k->n_entries <= KB_SMALL_ENTRIES) {
        size_t got = kb_topk_small(k, s, n);
        if (got != SIZE_MAX)
            return got;
    }
    /* done: the highest impacts of cursors 0..i summed in their order,
     * as a float like each acc: no acc is above it (each adds at most
     * those, in that order, and a rounded sum does not fall when a term
     * grows), so while done < rest no k-th best reaches rest */
    float done = 0;
    /* every entry of a term gets in while new entries can still win */
    for (; i < n; i++) {
        add_all(k, s, &s->cur[i], &nt, i == 0);
        float rest = s->ub[i + 1];
        done += s->cur[i].max;
        if (nt >= cap && !(done < rest) && worth_a_cut(s, i + 1, n, nt)) {
            float theta = kth_best(s, nt, cap, rest);
            if (theta >= rest) {
                nt = prune(s, nt, theta, rest);
                i++;
                break;
            }
        }
    }
    /* the rest only for the entries that can still make the top k */
    int sorted = 0;
    for (; i < n; i++) {
        add_listed(k, s, &s->cur[i], nt, &sorted);
        if (worth_a_cut(s, i + 1, n, nt)) {
            float theta = kth_best(s, nt, cap, -1);
            nt = prune(s, nt, theta, s->ub[i + 1]);
        }
    }
    return collect(s, nt, cap);
}
