/*
 * kb-small-topk.c - kb_topk for a small kb (at most KB_SMALL_ENTRIES
 * entries, every impact above 0: kb-small-index.c's dense impacts):
 * each query term's row of impacts added whole to a dense array of sums
 * (four at a time; a term of few entries by its postings), then the
 * best `candidates` picked by insertion; no touched list, no heap, no
 * MaxScore cut (nothing to gain from it over a few dozen entries).  No
 * allocation.
 *
 * The same candidates as kb-topk.c's general path, bit for bit:
 *   - each entry's sum takes the same float additions in the same order
 *     (the cursors' order from topk_cursors; + 0 where a term is not in
 *     the entry leaves a sum, +0 or above, as it is), and the same hold
 *     bits;
 *   - the general path may leave out (prune) an entry x at a cut only
 *     when its partial sum plus the rest's highest impacts, as floats,
 *     is below the k-th best partial sum theta; its full sum is then at
 *     most that bound times 1 + (n + 2) 2^-24 (n cursors: sums of
 *     positive floats), and k other entries reach theta, so x could be
 *     among the best k here only when the k-th and (k + 1)-th best sums
 *     here are within that factor;
 *   - collect()'s heap keeps one of equal scores by its own order, which
 *     can differ from this one only on a tie at the cut.
 * So when the k-th best is more than 1 + (n + 8) 2^-22 times the (k +
 * 1)-th, the best k are the general path's, in its order (score, then
 * entry); otherwise kb_topk_small gives up and the general path runs.
 */
#include "kb-impl.h"

#include <string.h>

/* Four sums or impacts at a time (one SSE add: the same rounding as
 * four float adds). */
typedef float v4f __attribute__((vector_size(16)));

/* Room for params.candidates + 1 in the pick below. */
#define SMALL_TOP_MAX 16

/* The score of a pick's key. */
static inline float top_v(uint64_t key)
{
    uint32_t b = (uint32_t)(key >> 32);
    float v;
    memcpy(&v, &b, sizeof v);
    return v;
}

/* The best params.candidates entries into s->cand as kb_topk gives them,
 * for the n cursors in s->cur (topk_cursors' order); SIZE_MAX when the
 * kb is not small or the pick may differ from kb_topk's general path
 * (then s is as it was: s->acc is untouched). */
size_t kb_topk_small(const kb *k, kb_scratch *s, size_t n)
{
    size_t cap = k->params.candidates, pad = k->small_pad;
    if (!k->small_row || k->n_seg != 1 || cap + 1 > SMALL_TOP_MAX ||
        n > KB_SMALL_ENTRIES || s->no_small_topk)
        return SIZE_MAX;
    v4f acc[KB_SMALL_ENTRIES / 4];
    uint64_t mask[KB_SMALL_ENTRIES], fresh[KB_SMALL_ENTRIES], seen = 0;
    for (size_t j = 0; j < pad / 4; j++)
        acc[j] = (v4f){0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        uint32_t t = s->cur[i].t, r = k->small_row[t];
        if (r) {
            /* the row added whole: + 0 leaves a sum (+0 or above) as
             * it is */
            const v4f *row =
                (const v4f *)(k->small_imp + (size_t)(r - 1) * pad);
            for (size_t j = 0; j < pad / 4; j++)
                acc[j] += row[j];
            mask[i] = k->small_mask[r - 1];
        } else {
            /* a few postings (one segment: post_lo is the entry) */
            uint64_t m = 0;
            for (uint32_t p = k->post_off[t]; p < k->post_off[t + 1]; p++) {
                uint32_t d = k->post_lo[p];
                acc[d / 4][d % 4] += k->post_imp[p];
                m |= (uint64_t)1 << d;
            }
            mask[i] = m;
        }
        fresh[i] = mask[i] & ~seen;
        seen |= mask[i];
    }
    /* the best cap + 1 by key (score bits, then entry reversed: a
     * positive float's bits order as it does), highest first; entries
     * by the cursor that reached them first (the rarest words' entries
     * score highest, so most later ones fail the first compare) */
    uint64_t top[SMALL_TOP_MAX];
    size_t nh = 0, want = cap + 1;
    double margin = 1 + (double)(n + 8) / (1 << 22);
    for (size_t i = 0; i < n; i++) {
        /* an entry first reached by cursor i sums at most the highest
         * impacts from i on (ub[i], up to the rounding margin): below
         * the (cap + 1)-th best, it and all later ones change nothing */
        if (nh == want && (double)s->ub[i] * margin < top_v(top[nh - 1]))
            break;
        for (uint64_t m = fresh[i]; m; m &= m - 1) {
            uint32_t d = (uint32_t)__builtin_ctzll(m), b;
            float v = acc[d / 4][d % 4];
            memcpy(&b, &v, sizeof b);
            uint64_t key = (uint64_t)b << 32 | (UINT32_MAX - d);
            if (nh == want && key <= top[nh - 1])
                continue;
            size_t j = nh < want ? nh++ : nh - 1;
            for (; j > 0 && top[j - 1] < key; j--)
                top[j] = top[j - 1];
            top[j] = key;
        }
    }
    if (nh == want) {
        if (cap == 0)
            return 0;
        if (!((double)top_v(top[cap]) * margin < (double)top_v(top[cap - 1])))
            return SIZE_MAX;   /* a near-tie at the cut */
        nh = cap;
    }
    /* the picked entries' hold bits: the cursors' entry masks */
    uint32_t hold[KB_SMALL_ENTRIES];
    uint64_t picked = 0;
    for (size_t i = 0; i < nh; i++) {
        uint32_t e = UINT32_MAX - (uint32_t)top[i];
        picked |= (uint64_t)1 << e;
        hold[e] = 0;
    }
    for (size_t j = 0; j < n; j++) {
        uint32_t bit = s->cur[j].bit;   /* 0 from the 33rd query term */
        for (uint64_t m = bit ? mask[j] & picked : 0; m; m &= m - 1)
            hold[__builtin_ctzll(m)] |= bit;
    }
    for (size_t i = 0; i < nh; i++) {
        uint32_t e = UINT32_MAX - (uint32_t)top[i];
        s->cand[i] = (kb_cand){.entry = e, .bm25 = top_v(top[i]),
                               .hold = hold[e]};
    }
    return nh;
}
