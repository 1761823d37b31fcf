/*
 * kb-typo-del.c - the typo words one edit away from a word, found by
 * their deletions (as in SymSpell): a word w is one byte dropped, added,
 * substituted or two swapped away from tok only when w is tok, w with a
 * byte deleted is tok, tok with a byte deleted is w, or both with a byte
 * deleted are the same.  t->del lists, sorted, each word's 32-bit hash
 * and that of every deletion of it, with the word's number; kb-typo.c
 * looks up tok's and reads the words found (a hash shared by chance
 * only adds a word it then measures); t->del_at finds a hash's keys by
 * its top bits, a bucket of two to four keys.  Built for at most
 * KB_TYPO_DEL_MAX words of up to KB_TYPO_DEL_LEN bytes.
 */
#include "kb-impl.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a of s[0 .. len) without byte skip (skip >= len: all of it). */
uint32_t kb_typo_del_hash(const char *s, size_t len, size_t skip)
{
    uint32_t h = KB_MAP_HASH0;
    for (size_t i = 0; i < len; i++) {
        if (i != skip)
            h = KB_MAP_HASH_STEP(h, s[i]);
    }
    return h;
}

/* v[0 .. n) sorted by their high 32 bits (the hash), equal hashes in
 * the order given: three passes of 11 bits (radix, LSD).  0, -1 out of
 * memory (v unchanged). */
static int del_sort(uint64_t *v, size_t n)
{
    uint64_t *tmp = malloc((n + 1) * sizeof *tmp), *a = v, *b = tmp;
    if (!tmp)
        return -1;
    for (unsigned shift = 32; shift < 64; shift += 11) {
        size_t count[2048] = {0};
        for (size_t i = 0; i < n; i++)
            count[(a[i] >> shift) & 2047]++;
        for (size_t d = 0, sum = 0; d < 2048; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            b[count[(a[i] >> shift) & 2047]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    if (a != v)                         /* three passes: the result is in tmp */
        memcpy(v, a, n * sizeof *v);
    free(tmp);
    return 0;
}

/* t->del_at for the sorted t->del: two to four keys a bucket (at least
 * two buckets).  0, -1 out of memory.  Caller frees with kb_typo_free. */
static int del_buckets(kb_typo *t)
{
    unsigned bits = 1;
    while (bits < 24 && ((size_t)4 << bits) <= t->n_del)
        bits++;
    size_t nb = (size_t)1 << bits;
    t->del_shift = 32 - bits;
    t->del_at = malloc((nb + 1) * sizeof *t->del_at);
    if (!t->del_at)
        return -1;
    size_t i = 0;
    for (size_t b = 0; b <= nb; b++) {
        while (i < t->n_del && (t->del[i] >> 32 >> t->del_shift) < b)
            i++;
        t->del_at[b] = (uint32_t)i;
    }
    return 0;
}

/* t->del for t->words; none (0 keys) past the limits.  0, -1 out of
 * memory.  Caller frees with kb_typo_free. */
int kb_typo_del_build(kb_typo *t)
{
    size_t n = 0;
    t->n_del = 0;
    if (t->n == 0 || t->n > KB_TYPO_DEL_MAX)
        return 0;
    for (size_t i = 0; i < t->n; i++)
        n += t->words[i].len <= KB_TYPO_DEL_LEN ? t->words[i].len + 1u : 0;
    t->del = malloc((n + 1) * sizeof *t->del);
    if (!t->del)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        const kb_typo_word *w = &t->words[i];
        if (w->len > KB_TYPO_DEL_LEN)
            continue;
        for (size_t j = 0; j <= w->len; j++) {   /* j == len: w itself */
            if (j > 0 && j < w->len && w->s[j] == w->s[j - 1])
                continue;                        /* the same deletion */
            uint64_t h = kb_typo_del_hash(w->s, w->len, j);
            t->del[t->n_del++] = h << 32 | (uint32_t)i;
        }
    }
    if (del_sort(t->del, t->n_del) < 0)
        return -1;
    return del_buckets(t);
}

size_t kb_typo_del_find(const kb_typo *t, uint32_t h, size_t *end)
{
    uint32_t b = h >> t->del_shift;
    size_t lo = t->del_at[b], e = t->del_at[b + 1];
    while (lo < e && (uint32_t)(t->del[lo] >> 32) < h)
        lo++;
    size_t hi = lo;
    while (hi < e && (uint32_t)(t->del[hi] >> 32) == h)
        hi++;
    *end = hi;
    return lo;
}
