/* Typo repair's shortcuts (bot/kb-typo-del.c: the deletions' buckets;
 * kb-typo.c: the first byte's deletion looked up only when doubled, a
 * same-length word read off its byte j, the substitution cost off a
 * table) pick what a plain search picks: every vocabulary word of the
 * same first letter scored by a full optimal-string-alignment table
 * written here, most frequent first on a tie, then vocabulary order.
 * On the bundled kb and on a generated one of made-up words that lie
 * one letter apart from each other (doubled letters, a doubled first
 * letter among them), each slip kind at each place. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kb-impl.h"

static char dir[64];

static void write_file(const char *sub, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_geq(fputs(text, f), 0);
    cr_assert_eq(fclose(f), 0);
}

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
    char path[256];
    snprintf(dir, sizeof dir, "/tmp/faqbot-typodel-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    const char *sub[] = {"sources", "entries"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, sub[i]);
        cr_assert_eq(mkdir(path, 0700), 0);
    }
    write_file("sources/src.json",
               "{\"id\": \"src\", \"title\": \"T\", \"sections\": [\"S\"]}");
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
    write_file("entries/all.json", json);
    free(json);
}

static void drop_kb(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static kb *load(const char *d)
{
    kb_diag diag;
    kb_diag_init(&diag);
    kb *k = kb_load(d, &diag);
    cr_assert_not_null(k, "%s: %zu errors", d, diag.errors);
    kb_diag_free(&diag);
    return k;
}

/* Typing x for y: kb_typo_cost of the two one-byte strings (the full
 * table's substitution), 2 with no substitution. */
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
    static const char other[] = "aeiouycskgjqzxwtnmbr";
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

Test(kb_typo_del, bundled_kb_shortcuts_equal_the_full_table)
{
    kb *k = load("knowledge");
    size_t checked = 0, repaired = 0, doubled = 0;
    check_all(k, 3, &checked, &repaired, &doubled);
    check_buckets(&k->typo);
    cr_assert_gt(checked, 20000);
    cr_assert_gt(repaired, checked / 4);
    cr_assert_lt(repaired, checked);
    cr_assert_gt(doubled, 100);
    kb_free(k);
}

Test(kb_typo_del, generated_kb_shortcuts_equal_the_full_table)
{
    make_kb();
    kb *k = load(dir);
    cr_assert_gt(k->typo.n, 200, "made-up words: %zu", k->typo.n);
    size_t checked = 0, repaired = 0, doubled = 0;
    check_all(k, 1, &checked, &repaired, &doubled);
    check_buckets(&k->typo);
    cr_assert_gt(checked, 10000);
    cr_assert_gt(repaired, checked / 4);
    cr_assert_lt(repaired, checked);
    cr_assert_gt(doubled, 100);
    kb_free(k);
    drop_kb();
}
