/* Typo repair's shortcuts (bot/kb-typo.c: the letter-mask walk, the
 * one-edit cost without a table; kb-typo-del.c: the words found by their
 * deletions) pick what a plain search picks: every vocabulary word of
 * the same first letter, scored by a full optimal-string-alignment table
 * (tests/kb/typo-ref.h), most frequent first on a tie, then the vocabulary's
 * order.  Words of 4 letters (no substitution), 5-8 (budget 1) and 9+
 * (budget 2), each slip kind; with the deletions' index and without it
 * (the walk every word of that first letter). */
#include <criterion/criterion.h>
#include <string.h>

#include "kb-impl.h"
#include "../kb/typo-ref.h"

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
                size_t n = slip(w, j, kind, "aeiouycskgjqzxwtnm", buf);
                if (n == 0)
                    continue;
                const kb_typo_word *a = ref_agree(t, &walk, buf, n);
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
