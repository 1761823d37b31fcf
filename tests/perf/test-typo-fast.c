/* Typo repair's shortcuts (bot/kb-typo.c: the letter-mask walk, the
 * one-edit cost without a table; kb-typo-del.c: the words found by their
 * deletions) pick what a plain search picks: every vocabulary word of
 * the same first letter, scored by a full optimal-string-alignment table
 * written here, most frequent first on a tie, then the vocabulary's
 * order.  Words of 4 letters (no substitution), 5-8 (budget 1) and 9+
 * (budget 2), each slip kind; with the deletions' index and without it
 * (the walk every word of that first letter). */
#include <criterion/criterion.h>
#include <string.h>

#include "kb-impl.h"

static kb *K;

static void setup(void)
{
    kb_diag d;
    kb_diag_init(&d);
    K = kb_load("knowledge", &d);
    kb_diag_free(&d);
    cr_assert_not_null(K, "bundled knowledge loads");
}

static void teardown(void)
{
    kb_free(K);
}

/* Typing x for y: kb_typo_cost of the two one-byte strings (its table
 * with one cell is the substitution cost), 2 with no substitution. */
static unsigned sub_cost(unsigned char x, unsigned char y, int none)
{
    if (x == y)
        return 0;
    if (none)
        return 2;
    char a = (char)x, b = (char)y;
    return kb_typo_cost(&a, 1, &b, 1, 2);
}

/* The whole table, no trimming, no early exit. */
static unsigned ref_cost(const char *a, size_t la, const char *b, size_t lb,
                         int none)
{
    unsigned d[KB_TOKEN_MAX + 2][KB_TOKEN_MAX + 2];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            unsigned v = d[i - 1][j - 1] +
                         sub_cost((unsigned char)a[i - 1],
                                  (unsigned char)b[j - 1], none);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

static const kb_typo_word *ref_best(const kb_typo *t, const char *tok,
                                    size_t len)
{
    size_t chars = kb_text_chars(tok, len);
    if (chars < KB_TYPO_MIN_CHARS)
        return NULL;
    unsigned max = chars >= 9 ? 2 : 1;
    const kb_typo_word *best = NULL;
    unsigned bd = max + 1;
    for (size_t i = 0; i < t->n; i++) {
        const kb_typo_word *w = &t->words[i];
        if (w->s[0] != tok[0])
            continue;
        unsigned d = ref_cost(tok, len, w->s, w->len, chars < 5);
        if (d < bd || (d == bd && best && w->freq > best->freq)) {
            best = w;
            bd = d;
        }
    }
    return best;
}

/* Slip `kind` at position j of w into buf; its length, 0 if none. */
static size_t slip(const kb_typo_word *w, size_t j, int kind, char *buf)
{
    size_t n = w->len;
    memcpy(buf, w->s, n);
    static const char other[] = "aeiouycskgjqzxwtnm";
    switch (kind) {
    case 0:                                             /* dropped */
        memmove(buf + j, buf + j + 1, n - j - 1);
        return n - 1;
    case 1:                                             /* doubled */
        memmove(buf + j + 1, buf + j, n - j);
        return n + 1;
    case 2:                                             /* swapped */
        if (j + 1 >= n)
            return 0;
        buf[j] = w->s[j + 1];
        buf[j + 1] = w->s[j];
        return n;
    case 3:                                             /* inserted */
        memmove(buf + j + 1, buf + j, n - j);
        buf[j] = other[(j * 5 + n) % (sizeof other - 1)];
        return n + 1;
    default:                                            /* another letter */
        buf[j] = other[(j + (size_t)kind * 3) % (sizeof other - 1)];
        return n;
    }
}

Test(perf_typo, fast_repair_equals_the_full_table, .init = setup,
     .fini = teardown)
{
    const kb_typo *t = &K->typo;
    kb_typo walk = *t;
    walk.n_del = 0;                     /* kb_typo_best without the index */
    cr_assert_gt(t->n_del, t->n, "the deletions' index is built");
    size_t checked = 0, repaired = 0, short_checked = 0, long_repaired = 0;
    char buf[KB_TOKEN_MAX + 2];
    for (size_t i = 0; i < t->n; i += 4) {
        const kb_typo_word *w = &t->words[i];
        if (w->len < 4 || w->len + 1 > KB_TOKEN_MAX)
            continue;
        for (size_t j = 1; j < w->len; j++) {
            for (int kind = 0; kind < 8; kind++) {
                size_t n = slip(w, j, kind, buf);
                if (n == 0)
                    continue;
                const kb_typo_word *a = kb_typo_best(t, buf, n);
                const kb_typo_word *b = ref_best(t, buf, n);
                const kb_typo_word *c = kb_typo_best(&walk, buf, n);
                cr_assert_eq(a, b, "\"%.*s\": %s vs %s", (int)n, buf,
                             a ? a->s : "-", b ? b->s : "-");
                cr_assert_eq(c, b, "walk \"%.*s\": %s vs %s", (int)n, buf,
                             c ? c->s : "-", b ? b->s : "-");
                checked++;
                repaired += a != NULL;
                short_checked += n == 4;
                long_repaired += a && n >= 9;
            }
        }
    }
    cr_assert_gt(checked, 5000);
    cr_assert_gt(short_checked, 100);
    cr_assert_gt(long_repaired, 100);
    cr_assert_gt(repaired, checked / 4);
    cr_assert_lt(repaired, checked);
}

/* Every word is listed under its own hash and each of its deletions'. */
Test(perf_typo, deletions_index_lists_every_word, .init = setup,
     .fini = teardown)
{
    const kb_typo *t = &K->typo;
    size_t listed = 0;
    for (size_t i = 0; i < t->n; i++) {
        const kb_typo_word *w = &t->words[i];
        if (w->len > KB_TYPO_DEL_LEN)
            continue;                   /* never a candidate there */
        for (size_t j = 0; j <= w->len; j++) {
            size_t end, x = kb_typo_del_find(
                t, kb_typo_del_hash(w->s, w->len, j), &end);
            while (x < end && (uint32_t)t->del[x] != i)
                x++;
            cr_assert_lt(x, end, "%s without byte %zu", w->s, j);
            listed++;
        }
    }
    for (size_t x = 1; x < t->n_del; x++)
        cr_assert_leq(t->del[x - 1] >> 32, t->del[x] >> 32, "sorted");
    cr_assert_gt(listed, t->n * 4);
}
