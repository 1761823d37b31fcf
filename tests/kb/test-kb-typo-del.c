/* Typo repair's shortcuts (bot/kb-typo-del.c: the deletions' buckets;
 * kb-typo.c: the first byte's deletion looked up only when doubled, a
 * same-length word read off its byte j, the substitution cost off a
 * table) pick what a plain search picks: every vocabulary word of the
 * same first letter scored by a full optimal-string-alignment table
 * (typo-ref.h), most frequent first on a tie, then vocabulary order.
 * On the bundled kb and on a generated one of made-up words that lie
 * one letter apart from each other (doubled letters, a doubled first
 * letter among them), each slip kind at each place. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kb-impl.h"
#include "kbdir.h"
#include "typo-ref.h"

static char dir[64];

/* A made-up word from seed: 2-4 syllables of the letters below, so that
 * many words lie one letter apart; every 7th has a doubled first letter,
 * every 5th a doubled inner one. */
static size_t made_word(unsigned seed, char *buf)
{
    static const char *const syl[] = {"ba", "be", "bo", "ka", "ke", "ki",
                                      "ma", "mo", "mu", "sa", "se", "ta",
                                      "ti", "na", "ne", "ro", "ri", "la"};
    size_t n = 0, nsyl = sizeof syl / sizeof syl[0];
    unsigned x = seed * 2654435761u + 12345u;
    unsigned parts = 2 + (x >> 7) % 3;
    if (seed % 7 == 0)
        buf[n++] = syl[(x >> 11) % nsyl][0];
    for (unsigned i = 0; i < parts; i++) {
        x = x * 1103515245u + 12345u;
        const char *s = syl[(x >> 16) % nsyl];
        buf[n++] = s[0];
        if (seed % 5 == 0 && i == 1)
            buf[n++] = s[0];
        buf[n++] = s[1];
    }
    buf[n] = '\0';
    return n;
}

/* A kb in a fresh dir: 150 entries of made-up words. */
static void make_kb(void)
{
    kbdir_make(dir, sizeof dir, "typodel");
    size_t cap = 1 << 20, n = 0;
    char *json = malloc(cap), w[4][32];
    cr_assert_not_null(json);
    n += (size_t)snprintf(json + n, cap - n, "{\"entries\": [\n");
    for (unsigned e = 0; e < 150; e++) {
        for (unsigned i = 0; i < 4; i++)
            made_word(e * 4 + i, w[i]);
        n += (size_t)snprintf(json + n, cap - n,
            "%s {\"id\": \"e%u\", \"title\": \"%s %s\",\n"
            "  \"questions\": [\"what is %s %s\", \"%s with %s\"],\n"
            "  \"answer\": \"The %s goes with %s.\",\n"
            "  \"citations\": [{\"source\": \"src\", \"section\": \"S\"}]}\n",
            e ? "," : "", e, w[0], w[1], w[0], w[2], w[1], w[3], w[2], w[3]);
        cr_assert_lt(n, cap);
    }
    n += (size_t)snprintf(json + n, cap - n, "]}\n");
    kbdir_write(dir, "entries/all.json", json);
    free(json);
}

/* Every slip of every step-th word of k (j from 0: the first letter doubled,
 * dropped, swapped), repaired with the deletions' index, without it
 * and by ref_best: all three the same word.  The counts seen. */
static void check_all(const kb *k, size_t step, size_t *checked,
                      size_t *repaired, size_t *first_doubled)
{
    const kb_typo *t = &k->typo;
    kb_typo walk = *t;
    walk.n_del = 0;                     /* kb_typo_best without the index */
    cr_assert_gt(t->n_del, t->n, "the deletions' index is built");
    char buf[KB_TOKEN_MAX + 2];
    for (size_t i = 0; i < t->n; i += step) {
        const kb_typo_word *w = &t->words[i];
        if (w->len < 4 || w->len + 1 > KB_TOKEN_MAX)
            continue;
        for (size_t j = 0; j < w->len; j++) {
            for (int kind = 0; kind < 9; kind++) {
                size_t n = slip(w, j, kind, "aeiouycskgjqzxwtnmbr",
                                buf);
                if (n == 0)
                    continue;
                const kb_typo_word *a = ref_agree(t, &walk, buf, n);
                (*checked)++;
                *repaired += a != NULL;
                *first_doubled += a && n > 1 && buf[0] == buf[1];
            }
        }
    }
}

/* kb_typo_del_find's bucket gives, for every hash held, the range a
 * scan of the sorted keys gives, and an empty one for hashes not held. */
static void check_buckets(const kb_typo *t)
{
    for (size_t x = 0; x < t->n_del;) {
        uint32_t h = (uint32_t)(t->del[x] >> 32);
        size_t e = x;
        while (e < t->n_del && (uint32_t)(t->del[e] >> 32) == h)
            e++;
        size_t end, lo = kb_typo_del_find(t, h, &end);
        cr_assert_eq(lo, x);
        cr_assert_eq(end, e);
        if (h > 0 && (x == 0 || (uint32_t)(t->del[x - 1] >> 32) != h - 1)) {
            lo = kb_typo_del_find(t, h - 1, &end);
            cr_assert_eq(lo, end, "hash %u is not held", h - 1);
        }
        x = e;
    }
}

/* check_all (every step-th word) and check_buckets on k, then frees it:
 * more than min_checked slips checked, over a quarter of them repaired
 * (not all), over 100 repaired from a doubled first letter (the checks
 * are live). */
static void check_kb(kb *k, size_t step, size_t min_checked)
{
    size_t checked = 0, repaired = 0, doubled = 0;
    check_all(k, step, &checked, &repaired, &doubled);
    check_buckets(&k->typo);
    cr_assert_gt(checked, min_checked);
    cr_assert_gt(repaired, checked / 4);
    cr_assert_lt(repaired, checked);
    cr_assert_gt(doubled, 100);
    kb_free(k);
}

Test(kb_typo_del, bundled_kb_shortcuts_equal_the_full_table)
{
    check_kb(kbdir_load("knowledge"), 3, 20000);
}

Test(kb_typo_del, generated_kb_shortcuts_equal_the_full_table)
{
    make_kb();
    kb *k = kbdir_load(dir);
    cr_assert_gt(k->typo.n, 200, "made-up words: %zu", k->typo.n);
    check_kb(k, 1, 10000);
    kbdir_drop(dir);
}
