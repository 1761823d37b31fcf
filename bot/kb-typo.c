/*
 * kb-typo.c - repair of words the vocabulary does not know: "massge" ->
 * "massage".  Candidates are vocabulary words of about the same length
 * whose letter-set differs little (a 32-bit mask, bits counted), then a
 * bounded edit distance (with adjacent transpositions) decides.  The
 * first letter must match (people rarely mistype it, and real words one
 * letter apart, "train" and "brain", are common), which also lets the
 * search look only at words of that first letter and a close length.
 * Edits are weighed as typing slips: a dropped, doubled or extra letter,
 * two letters swapped, a neighbouring key (QWERTY), one vowel for
 * another or a letter of the same sound (c/s/k, g/j) cost 1; any other
 * substitution costs 2, so a real word one unlikely slip from a
 * vocabulary word ("sitting" / "fitting") is not "repaired" into it.
 * The budget is 1, and 2 from 9 characters ("overkill" is not
 * "overall").  A 4-letter word is repaired only for a dropped, added or
 * swapped letter ("tuch" -> "touch", "lnog" -> "long"), never a
 * substituted one: too many real short words are one key apart.
 */
#include "kb-impl.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The letters a word holds, coarsely: a-z one bit each, digits and other
 * bytes folded onto three bits each.  One edit changes at most two bits
 * of any such mask (folding bits together only merges changes), so a
 * word within cost max differs in at most 2 max bits: a safe filter. */
static uint32_t typo_mask(const char *s, size_t len)
{
    uint32_t m = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned bit;
        if (c >= 'a' && c <= 'z')
            bit = c - 'a';
        else if (c >= '0' && c <= '9')
            bit = 26 + (c - '0') % 3;
        else
            bit = 29 + c % 3;
        m |= (uint32_t)1 << bit;
    }
    return m;
}

_Static_assert(sizeof(kb_typo_word) <= 16, "a typo word fits 16 bytes");
_Static_assert(KB_TOKEN_MAX < 128, "a typo word's len fits 7 bits");

#define ROW (KB_TOKEN_MAX + 2)

static int word_cmp(const void *a, const void *b)
{
    const kb_typo_word *x = a, *y = b;
    unsigned char fx = (unsigned char)x->s[0], fy = (unsigned char)y->s[0];
    if (fx != fy)
        return fx < fy ? -1 : 1;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return strcmp(x->s, y->s);
}

/* The first i in [i, end) whose mask differs from m in at most 2 bits
 * (wide: 4), else end.  x &= x - 1 clears the lowest set bit, so n such
 * steps leave 0 exactly when at most n bits were set: cheaper than a
 * portable popcount (no popcnt instruction assumed), one tight loop. */
static size_t near_next(const uint32_t *mask, size_t i, size_t end,
                        uint32_t m, int wide)
{
    if (!wide) {
        for (; i < end; i++) {
            uint32_t x = m ^ mask[i];
            x &= x - 1;
            if (!(x & (x - 1)))
                break;
        }
        return i;
    }
    for (; i < end; i++) {
        uint32_t x = m ^ mask[i];
        x &= x - 1;
        x &= x - 1;
        x &= x - 1;
        if (!(x & (x - 1)))
            break;
    }
    return i;
}

static pthread_once_t typo_near_once = PTHREAD_ONCE_INIT;
static void typo_near_init(void);

/* Vocabulary for repair: every non-stopword token of tokens, each
 * word's freq 0 (kb_typo_freq sets them: nothing here reads them).
 * Reads tokens and writes t only, so kb-index.c may run it beside the
 * postings.  0, -1 on OOM; caller frees with kb_typo_free. */
int kb_typo_words(kb_typo *t, const kb_map *tokens)
{
    if (pthread_once(&typo_near_once, typo_near_init) != 0)
        return -1;
    t->words = malloc((tokens->count + 1) * sizeof *t->words);
    if (!t->words)
        return -1;
    t->n = 0;
    for (size_t i = 0; i < tokens->cap; i++) {
        const kb_map_slot *sl = &tokens->slots[i];
        if (!sl->key || (sl->val & KB_TOK_STOP) || sl->len < 3 ||
            sl->len > KB_TOKEN_MAX)
            continue;
        t->words[t->n++] = (kb_typo_word){sl->key, sl->val, sl->len, 0};
    }
    if (t->n)
        qsort(t->words, t->n, sizeof *t->words, word_cmp);
    t->mask = malloc((t->n + 1) * sizeof *t->mask);
    if (!t->mask)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        t->mask[i] = typo_mask(t->words[i].s, t->words[i].len);
    t->start = malloc(256 * ROW * sizeof *t->start);
    if (!t->start)
        return -1;
    size_t j = 0;
    for (size_t c = 0; c < 256; c++) {
        for (size_t len = 0; len < ROW; len++) {
            while (j < t->n && ((unsigned char)t->words[j].s[0] < c ||
                                ((unsigned char)t->words[j].s[0] == c &&
                                 t->words[j].len < len)))
                j++;
            t->start[c * ROW + len] = (uint32_t)j;
        }
    }
    return kb_typo_del_build(t);
}

/* Each word's freq: its term's frequency cf[term], capped. */
void kb_typo_freq(kb_typo *t, const uint32_t *cf)
{
    for (size_t i = 0; i < t->n; i++) {
        uint32_t f = cf[t->words[i].term];
        t->words[i].freq = f < KB_TYPO_FREQ_MAX ? f : KB_TYPO_FREQ_MAX;
    }
}

void kb_typo_free(kb_typo *t)
{
    free(t->words);
    free(t->mask);
    free(t->start);
    free(t->del);
    free(t->del_at);
    memset(t, 0, sizeof *t);
}

/* Keys next to each letter on a QWERTY keyboard. */
static const char *const typo_keys[26] = {
    "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb",
    "ujko", "huikmn", "jiolm", "kop", "njk", "bhjm", "iklp", "ol",
    "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb", "qase", "zsdc",
    "tghu", "asx"
};

static int typo_vowel(unsigned char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' ||
           c == 'y';
}

/* Letters that spell the same sound ("jaundise", "colik"). */
static int typo_sound(unsigned char x, unsigned char y)
{
    static const char pairs[][3] = {"cs", "ck", "sz", "gj", "kq"};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if ((x == pairs[i][0] && y == pairs[i][1]) ||
            (x == pairs[i][1] && y == pairs[i][0]))
            return 1;
    }
    return 0;
}

/* Cost of typing x where y was meant: 0 same, 1 a neighbouring key, a
 * vowel for a vowel or a letter of the same sound (spelling slips), 2
 * otherwise. */
static unsigned typo_sub(unsigned char x, unsigned char y)
{
    if (x == y)
        return 0;
    if ((typo_vowel(x) && typo_vowel(y)) || typo_sound(x, y))
        return 1;
    if (x >= 'a' && x <= 'z' && y >= 'a' && y <= 'z' &&
        strchr(typo_keys[x - 'a'], y))
        return 1;
    return 2;
}

/* typo_near1[x - 'a'] bit y - 'a': typing letter y for letter x costs 1
 * (typo_sub), filled once by kb_typo_words before any repair reads it. */
static uint32_t typo_near1[26];

static void typo_near_init(void)
{
    for (unsigned x = 0; x < 26; x++) {
        for (unsigned y = 0; y < 26; y++) {
            unsigned char a = (unsigned char)('a' + x);
            if (typo_sub(a, (unsigned char)('a' + y)) == 1)
                typo_near1[x] |= (uint32_t)1 << y;
        }
    }
}

/* typo_sub read off typo_near1: only two letters can cost 1. */
static inline unsigned typo_sub_fast(unsigned char x, unsigned char y)
{
    unsigned a = (unsigned)x - 'a', b = (unsigned)y - 'a';
    if (x == y)
        return 0;
    if (a < 26 && b < 26 && ((typo_near1[a] >> b) & 1))
        return 1;
    return 2;
}

/* No substitution (short words): any other letter costs 2. */
static unsigned typo_sub_none(unsigned char x, unsigned char y)
{
    return x == y ? 0 : 2;
}

/* Optimal-string-alignment distance with substitution costs from sub
 * (NULL: every substitution costs 1); max + 1 once it exceeds max. */
static unsigned osa(const char *a, size_t la, const char *b, size_t lb,
                    unsigned max, unsigned (*sub)(unsigned char, unsigned char))
{
    if (la > KB_TOKEN_MAX || lb > KB_TOKEN_MAX)
        return max + 1;
    unsigned rows[3][KB_TOKEN_MAX + 1];
    unsigned *pp = rows[0], *p = rows[1], *c = rows[2];
    for (size_t j = 0; j <= lb; j++)
        p[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        c[0] = (unsigned)i;
        unsigned best = c[0];
        for (size_t j = 1; j <= lb; j++) {
            unsigned char x = (unsigned char)a[i - 1], y = (unsigned char)b[j - 1];
            unsigned v = p[j - 1] + (sub ? sub(x, y) : x != y);
            if (p[j] + 1 < v)
                v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
        unsigned *tmp = pp;
        pp = p;
        p = c;
        c = tmp;
    }
    return p[lb] <= max ? p[lb] : max + 1;
}

unsigned kb_typo_distance(const char *a, size_t la, const char *b,
                          size_t lb, unsigned max)
{
    return osa(a, la, b, lb, max, NULL);
}

unsigned kb_typo_cost(const char *a, size_t la, const char *b, size_t lb,
                      unsigned max)
{
    return osa(a, la, b, lb, max, typo_sub);
}

/* What osa gives with max 1 for a and b that differ in their first and
 * their last byte (a common prefix and suffix dropped), without its
 * table: one byte dropped or added costs 1; one for one costs the
 * substitution (2 with sub_none); two for two costs 1 when swapped;
 * anything else (3+ bytes left, one for two) is at least 2. */
static unsigned one_edit(const char *a, size_t la, const char *b, size_t lb,
                         int sub_none)
{
    if (la + lb <= 1)
        return (unsigned)(la + lb);
    if (la == 1 && lb == 1) {
        unsigned char x = (unsigned char)a[0], y = (unsigned char)b[0];
        unsigned d = sub_none ? typo_sub_none(x, y) : typo_sub_fast(x, y);
        return d < 2 ? d : 2;
    }
    if (la == 2 && lb == 2 && a[0] == b[1] && a[1] == b[0])
        return 1;
    return 2;
}

/* kb_typo_cost (with sub_none: no substitutions) after dropping the
 * common prefix and suffix (which does not change it), so a typical pair
 * compares a few characters instead of two whole words, and a pair more
 * than one edit apart is often refused without computing it. */
static unsigned trimmed_cost(const char *a, size_t la, const char *b,
                             size_t lb, unsigned max, int sub_none)
{
    while (la && lb && *a == *b) {
        a++, b++;
        la--, lb--;
    }
    while (la && lb && a[la - 1] == b[lb - 1])
        la--, lb--;
    if ((la > lb ? la - lb : lb - la) > max)
        return max + 1;
    /* one edit (any kind) changes at most two adjacent letters: what is
     * left between the common prefix and suffix is longer otherwise */
    if (max == 1)
        return one_edit(a, la, b, lb, sub_none);
    return osa(a, la, b, lb, max, sub_none ? typo_sub_none : typo_sub);
}

/* The better of word i and *best (NULL: none) for a cost of d, the
 * best's cost *bd: lower cost, then the more frequent, then the first
 * (the walk in vocabulary order keeps the first of equals). */
static void pick(const kb_typo *t, size_t i, unsigned d,
                 const kb_typo_word **best, unsigned *bd)
{
    const kb_typo_word *w = &t->words[i], *b = *best;
    if (d < *bd || (d == *bd && b && (w->freq > b->freq ||
                                      (w->freq == b->freq && w < b)))) {
        *best = w;
        *bd = d;
    }
}

/* 0 when a and b (len bytes each, a[j] != b[j]) are surely more than
 * one slip apart: a word of the same length one slip away is one
 * substitution or two adjacent letters swapped, so at any j where they
 * differ its letter is a cost-1 substitution (none with sub_none) or
 * half of a swap, whichever deletion found the word. */
static inline int slip_at(const char *a, const char *b, size_t len,
                          size_t j, int sub_none)
{
    if (!sub_none && typo_sub_fast((unsigned char)a[j],
                                   (unsigned char)b[j]) == 1)
        return 1;
    if (j + 1 < len && a[j] == b[j + 1] && a[j + 1] == b[j])
        return 1;
    return j > 0 && a[j] == b[j - 1] && a[j - 1] == b[j];
}

/* trimmed_cost's answer (budget 1) for a and b of len bytes each that
 * differ at most at byte j: that byte's substitution; 3 when they
 * differ elsewhere too (trimmed_cost must decide). */
static inline unsigned cost_at(const char *a, const char *b, size_t len,
                               size_t j, int sub_none)
{
    for (size_t q = 0; q < len; q++) {
        if (a[q] != b[q] && q != j)
            return 3;
    }
    unsigned char x = (unsigned char)a[j], y = (unsigned char)b[j];
    return sub_none ? typo_sub_none(x, y) : typo_sub_fast(x, y);
}

/* A budget of 1: the words whose hash or a deletion's is tok's or one of
 * its deletions' (kb-typo-del.c), same first byte, length within 1. */
static const kb_typo_word *best_del(const kb_typo *t, const char *tok,
                                    size_t len, uint32_t m, int sub_none)
{
    const kb_typo_word *best = NULL;
    unsigned bd = 2;
    uint32_t pre[KB_TYPO_DEL_LEN + 1];    /* pre[j]: hash of tok[0 .. j) */
    pre[0] = KB_MAP_HASH0;
    for (size_t j = 0; j < len; j++)
        pre[j + 1] = KB_MAP_HASH_STEP(pre[j], tok[j]);
    for (size_t j = 0; j <= len; j++) {          /* j == len: tok itself */
        /* tok without its first byte shares a word's (deletion's) bytes
         * only with words of another first byte, unless that byte is
         * doubled (tok's deletions 0 and 1 are then the same) */
        if (j == 0 ? tok[0] != tok[1] : j < len && tok[j] == tok[j - 1])
            continue;
        uint32_t h = pre[j];                     /* kb_typo_del_hash's */
        for (size_t q = j + 1; q < len; q++)
            h = KB_MAP_HASH_STEP(h, tok[q]);
        size_t end, i = kb_typo_del_find(t, h, &end);
        for (; i < end; i++) {
            size_t x = (uint32_t)t->del[i];
            const kb_typo_word *w = &t->words[x];
            if (w->s[0] != tok[0] || (size_t)w->len + 1 < len || w->len > len + 1 ||
                near_next(t->mask, x, x + 1, m, 0) != x ||
                (w->len == len && j < len && w->s[j] != tok[j] &&
                 !slip_at(tok, w->s, len, j, sub_none)))
                continue;
            unsigned d = w->len == len && j < len ?
                         cost_at(tok, w->s, len, j, sub_none) : 3;
            if (d > 2)
                d = trimmed_cost(tok, len, w->s, w->len, 1, sub_none);
            pick(t, x, d, &best, &bd);
        }
    }
    return best;
}

const kb_typo_word *kb_typo_best(const kb_typo *t, const char *tok,
                                 size_t len)
{
    if (len == 0 || len > KB_TOKEN_MAX || t->n == 0 || !t->start)
        return NULL;
    size_t chars = kb_text_chars(tok, len);
    if (chars < KB_TYPO_MIN_CHARS)
        return NULL;
    unsigned max = chars >= 9 ? 2 : 1;
    int sub_none = chars < 5;
    uint32_t m = typo_mask(tok, len);
    if (max == 1 && t->n_del && len < KB_TYPO_DEL_LEN)
        return best_del(t, tok, len, m, sub_none);
    size_t lo = len > max ? len - max : 0;
    size_t hi = len + max + 1 > ROW - 1 ? ROW - 1 : len + max + 1;
    const uint32_t *row = t->start + (unsigned char)tok[0] * ROW;
    const kb_typo_word *best = NULL;
    unsigned best_d = max + 1;
    size_t end = row[hi];
    for (size_t i = row[lo]; i < end; i++) {
        i = near_next(t->mask, i, end, m, max > 1);
        if (i == end)
            break;
        const kb_typo_word *w = &t->words[i];
        unsigned dd = trimmed_cost(tok, len, w->s, w->len, max, sub_none);
        if (dd < best_d || (dd == best_d && best && w->freq > best->freq)) {
            best = w;
            best_d = dd;
        }
    }
    return best;
}

uint32_t kb_typo_repair(const kb_typo *t, const char *tok, size_t len)
{
    const kb_typo_word *w = kb_typo_best(t, tok, len);
    return w ? w->term : KB_TERM_NONE;
}

int kb_typo_gentle(const char *tok, size_t lt, const char *w, size_t lw)
{
    size_t i = 0;
    while (i < lt && i < lw && tok[i] == w[i])
        i++;
    if (lt + 1 == lw)                           /* a letter dropped */
        return memcmp(tok + i, w + i + 1, lt - i) == 0;
    if (lt == lw + 1)                           /* a letter doubled */
        return i > 0 && tok[i] == tok[i - 1] &&
               memcmp(tok + i + 1, w + i, lw - i) == 0;
    return lt == lw && i + 1 < lt && tok[i] == w[i + 1] &&
           tok[i + 1] == w[i] &&                /* two letters swapped */
           memcmp(tok + i + 2, w + i + 2, lt - i - 2) == 0;
}
