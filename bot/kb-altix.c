/*
 * kb-altix.c - the alternates' index of a small kb: per entry, its
 * alternates' distinct terms in increasing order, each with the bitmask
 * of the entry's alternates holding it.  Rescoring (kb-rescore.c) then
 * finds which alternates hold which query words from the entry's few
 * distinct terms instead of reading every alternate's words, and reads
 * an alternate's words only when two words of a query pair are in it.
 * Its adjacent pairs likewise (a pair of places among the entry's
 * distinct terms), so that pairs are found without reading either.
 * Built at load when the kb's alternate words are few (its memory, 12
 * bytes a distinct term or pair of an entry, stays small); entries of
 * more than 64 alternates (KB_ALTIX_MAX_ALTS) or 65,535 words get none:
 * they are read whole.  And each entry's alternate weights sorted, for
 * rescoring's bound (kb-rescore.c alts_bound).  A query word is found
 * among an entry's terms through the entry's own small hash table
 * (2-byte slots, at most half full: about 140 KB at 1,000 entries), not
 * a binary search of them; a table is a few cache lines, which a
 * candidate's words then find in cache.
 */
#include "kb-impl.h"

#include <stdlib.h>
#include <string.h>

/* Sorted keys (key << 6 | alternate) merged into distinct keys and the
 * masks of the alternates holding each, appended at *at. */
static void keys_merge(const uint64_t *keys, size_t n, uint32_t *key,
                       uint64_t *mask, size_t *at)
{
    size_t j = *at;
    for (size_t i = 0; i < n; i++) {
        uint32_t t = (uint32_t)(keys[i] >> 6);
        uint64_t bit = (uint64_t)1 << (keys[i] & 63);
        if (j == *at || key[j - 1] != t) {
            key[j] = t;
            mask[j++] = bit;
        } else {
            mask[j - 1] |= bit;
        }
    }
    *at = j;
}

/* The build's scratch: keys (room for an entry's words) and, per term,
 * the last entry it was seen in (1 + e) and its place among that
 * entry's distinct terms. */
typedef struct ax_build {
    uint64_t *keys;
    uint32_t *seen, *loc;
} ax_build;

/* Entry e's distinct terms, increasing, with the masks of the
 * alternates holding each, appended at *at; b->loc gets their places. */
static void entry_terms(kb *k, uint32_t e, ax_build *b, size_t *at)
{
    uint32_t a0 = k->entry_alt_off[e], a1 = k->entry_alt_off[e + 1];
    size_t nd = 0, j0 = *at;
    for (uint32_t a = a0; a < a1; a++) {
        const uint32_t *t = k->alt_terms + k->alts[a].off;
        for (uint32_t i = 0; i < k->alts[a].n; i++) {
            if (b->seen[t[i]] != e + 1) {
                b->seen[t[i]] = e + 1;
                b->keys[nd++] = t[i];
            }
        }
    }
    kb_sort_u64(b->keys, nd);
    for (size_t j = 0; j < nd; j++) {
        k->altix_term[j0 + j] = (uint32_t)b->keys[j];
        k->altix_mask[j0 + j] = 0;
        b->loc[b->keys[j]] = (uint32_t)j;
    }
    for (uint32_t a = a0; a < a1; a++) {
        const uint32_t *t = k->alt_terms + k->alts[a].off;
        for (uint32_t i = 0; i < k->alts[a].n; i++)
            k->altix_mask[j0 + b->loc[t[i]]] |= (uint64_t)1 << (a - a0);
    }
    *at = j0 + nd;
}

/* Entry e's adjacent pairs (first term's place << 16 | second's, places
 * b->loc), with their masks, appended at *pat. */
static void entry_pairs(kb *k, uint32_t e, ax_build *b, size_t *pat)
{
    uint32_t a0 = k->entry_alt_off[e], a1 = k->entry_alt_off[e + 1];
    size_t n = 0;
    for (uint32_t a = a0; a < a1; a++) {
        const uint32_t *t = k->alt_terms + k->alts[a].off;
        for (uint32_t i = 0; i + 1 < k->alts[a].n; i++) {
            uint64_t x = b->loc[t[i]], y = b->loc[t[i + 1]];
            b->keys[n++] = (x << 16 | y) << 6 | (a - a0);
        }
    }
    kb_sort_u64(b->keys, n);
    keys_merge(b->keys, n, k->altix_pair, k->altix_pmask, pat);
}

/* Largest alternate word count of an entry that may be indexed, and its
 * total: the words of its alternates, or 0 when it has too many. */
static size_t entry_words(const kb *k, uint32_t e, size_t *most)
{
    uint32_t a0 = k->entry_alt_off[e], a1 = k->entry_alt_off[e + 1];
    size_t n = 0;
    if (a1 - a0 > KB_ALTIX_MAX_ALTS)
        return 0;
    for (uint32_t a = a0; a < a1; a++)
        n += k->alts[a].n;
    if (n > UINT16_MAX)
        return 0;   /* a pair's places must fit 16 bits each */
    if (n > *most)
        *most = n;
    return n;
}

static int float_cmp(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Each entry's alternate weights, sorted. */
static void sorted_weights(kb *k)
{
    for (size_t a = 0; a < k->n_alts; a++)
        k->altix_w[a] = k->alts[a].weight;
    for (size_t e = 0; e < k->n_entries; e++) {
        uint32_t a0 = k->entry_alt_off[e], a1 = k->entry_alt_off[e + 1];
        qsort(k->altix_w + a0, a1 - a0, sizeof *k->altix_w, float_cmp);
    }
}

static void shrink(void **p, size_t n, size_t size)
{
    void *q = realloc(*p, (n ? n : 1) * size);
    if (q)
        *p = q;
}

/* Slots of an entry's table for n distinct terms: a power of two, at
 * least 2n (and 1). */
static uint32_t table_slots(uint32_t n)
{
    uint32_t m = 1;
    while (m < 2 * n)
        m *= 2;
    return m;
}

/* k->altix_hoff and altix_htab for the distinct terms of every entry.
 * 0, -1 on OOM. */
static int terms_hash(kb *k)
{
    size_t ne = k->n_entries, total = 0;
    for (size_t e = 0; e < ne; e++)
        total += table_slots(k->altix_off[e + 1] - k->altix_off[e]);
    k->altix_hoff = malloc((ne + 1) * sizeof *k->altix_hoff);
    k->altix_htab = calloc(total, sizeof *k->altix_htab);
    if (!k->altix_hoff || !k->altix_htab)
        return -1;
    uint32_t at = 0;
    for (uint32_t e = 0; e < ne; e++) {
        uint32_t j0 = k->altix_off[e], n = k->altix_off[e + 1] - j0;
        uint32_t m = table_slots(n);
        uint16_t *tab = k->altix_htab + at;
        k->altix_hoff[e] = at;
        for (uint32_t j = 0; j < n; j++) {
            uint32_t i = kb_altix_slot(k->altix_term[j0 + j], m);
            while (tab[i])
                i = (i + 1) & (m - 1);
            tab[i] = (uint16_t)(j + 1);   /* n < 2^16 (entry_words) */
        }
        at += m;
    }
    k->altix_hoff[ne] = at;
    return 0;
}

/* Caller frees with kb_altix_free (kb_index_free). */
int kb_altix_build(kb *k)
{
    size_t ne = k->n_entries, total = 0, most = 0, at = 0, pat = 0;
    ax_build b = {0};
    int rc = -1;
    for (uint32_t e = 0; e < ne; e++)
        total += entry_words(k, e, &most);
    if (total == 0 || total > KB_ALTIX_MAX_WORDS)
        return 0;   /* nothing to index, or too big to be worth it */
    k->altix_off = calloc(ne + 1, sizeof *k->altix_off);
    k->altix_term = malloc(total * sizeof *k->altix_term);
    k->altix_mask = malloc(total * sizeof *k->altix_mask);
    k->altix_poff = calloc(ne + 1, sizeof *k->altix_poff);
    k->altix_pair = malloc(total * sizeof *k->altix_pair);
    k->altix_pmask = malloc(total * sizeof *k->altix_pmask);
    k->altix_w = malloc(k->n_alts * sizeof *k->altix_w);
    b.keys = malloc(most * sizeof *b.keys);
    b.seen = calloc(k->n_terms + 1, sizeof *b.seen);
    b.loc = malloc((k->n_terms + 1) * sizeof *b.loc);
    if (!k->altix_off || !k->altix_term || !k->altix_mask ||
        !k->altix_poff || !k->altix_pair || !k->altix_pmask ||
        !k->altix_w || !b.keys || !b.seen || !b.loc)
        goto done;
    sorted_weights(k);
    for (uint32_t e = 0; e < ne; e++) {
        size_t unused = 0;
        if (entry_words(k, e, &unused)) {
            entry_terms(k, e, &b, &at);
            entry_pairs(k, e, &b, &pat);
        }
        k->altix_off[e + 1] = (uint32_t)at;
        k->altix_poff[e + 1] = (uint32_t)pat;
    }
    /* shrink to the distinct terms and pairs (keeping the larger block
     * should a smaller realloc fail) */
    shrink((void **)&k->altix_term, at, sizeof *k->altix_term);
    shrink((void **)&k->altix_mask, at, sizeof *k->altix_mask);
    shrink((void **)&k->altix_pair, pat, sizeof *k->altix_pair);
    shrink((void **)&k->altix_pmask, pat, sizeof *k->altix_pmask);
    rc = terms_hash(k);
done:
    free(b.keys);
    free(b.seen);
    free(b.loc);
    if (rc < 0)
        kb_altix_free(k);
    return rc;
}

void kb_altix_free(kb *k)
{
    free(k->altix_off);
    free(k->altix_term);
    free(k->altix_mask);
    free(k->altix_poff);
    free(k->altix_pair);
    free(k->altix_pmask);
    free(k->altix_w);
    free(k->altix_hoff);
    free(k->altix_htab);
    k->altix_w = NULL;
    k->altix_hoff = NULL;
    k->altix_htab = NULL;
    k->altix_off = k->altix_poff = NULL;
    k->altix_term = k->altix_pair = NULL;
    k->altix_mask = k->altix_pmask = NULL;
}
