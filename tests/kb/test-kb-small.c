/* kb-small-topk.c (a kb of at most KB_SMALL_ENTRIES entries: dense
 * impacts, no cut) must give exactly what kb_topk's general path gives:
 * the same candidates (entry, BM25F bits, hold) in the same order, and
 * kb_match the same results.  Checked on the bundled knowledge with
 * every eval question, on generated kbs of 20, 64 (the bound) and 65
 * entries (just over: no dense impacts), with questions of more than 32
 * and 64 words, on entries tied at the 8th place (the small path must
 * give up there), and on a kb with impacts of 0 (no dense impacts). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbdir.h"
#include "query-mark.h"
#include "result-same.h"

typedef struct tally {
    size_t queries, small, gave_up;
} tally;

/* kb_topk with and without the small path: the same candidates, bit for
 * bit; then kb_match alike.  Counts in *t whether the small path served
 * (kb_topk_small itself, on the cursors kb_topk left). */
static void same(const kb *k, kb_scratch *s, const char *q, tally *t)
{
    kb_cand a[32], b[32];
    query_mark(k, s, q);
    s->no_small_topk = 1;
    size_t nb = kb_topk(k, s);
    cr_assert_leq(nb, 32);
    memcpy(b, s->cand, nb * sizeof *b);
    s->no_small_topk = 0;
    size_t na = kb_topk(k, s);
    cr_assert_leq(na, 32);
    memcpy(a, s->cand, na * sizeof *a);
    cr_assert_eq(na, nb, "\"%s\": %zu candidates, general %zu", q, na, nb);
    for (size_t i = 0; i < na; i++) {
        cr_assert(a[i].entry == b[i].entry && a[i].hold == b[i].hold &&
                  memcmp(&a[i].bm25, &b[i].bm25, sizeof a[i].bm25) == 0,
                  "\"%s\": candidate %zu: %u %a %#x, general %u %a %#x", q,
                  i, a[i].entry, a[i].bm25, a[i].hold, b[i].entry, b[i].bm25,
                  b[i].hold);
    }
    size_t n = 0;
    while (s->qterms.n && s->cur[n].max > 0)
        n++;
    if (s->qterms.n && k->small_row) {
        if (kb_topk_small(k, s, n) == SIZE_MAX)
            t->gave_up++;
        else
            t->small++;
    }
    query_unmark(s);
    kb_result ra, rb;
    cr_assert_eq(kb_match(k, s, q, strlen(q), &ra), 0);
    s->no_small_topk = 1;
    cr_assert_eq(kb_match(k, s, q, strlen(q), &rb), 0);
    s->no_small_topk = 0;
    cr_assert(result_same(&ra, &rb), "\"%s\"", q);
    t->queries++;
}

Test(kb_small, bundled_knowledge_every_eval_question)
{
    kb *k = kbdir_load("knowledge");
    cr_assert_leq(k->n_entries, KB_SMALL_ENTRIES,
                  "the bundled kb has grown to %zu entries, past the small "
                  "path's %d: check the small path on a copy of its first "
                  "%d entries here instead", k->n_entries, KB_SMALL_ENTRIES,
                  KB_SMALL_ENTRIES);
    cr_assert_not_null(k->small_row);
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(s);
    cr_assert_eq(kb_scratch_ready(s, k), 0);
    DIR *d = opendir("tests/eval");
    cr_assert_not_null(d);
    struct dirent *de;
    tally t = {0};
    char path[512], line[4096];
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".tsv") != 0)
            continue;
        snprintf(path, sizeof path, "tests/eval/%s", de->d_name);
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f, "%s", path);
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\t\r\n")] = '\0';
            if (line[0] != '#' && line[0])
                same(k, s, line, &t);
        }
        fclose(f);
    }
    closedir(d);
    cr_assert_gt(t.queries, 5000);
    /* the small path serves nearly every question (a near-tie at the
     * 8th place sends one to the general path) */
    cr_assert_gt(t.small, 50 * t.gave_up, "small %zu, gave up %zu", t.small,
                 t.gave_up);
    kb_scratch_free(s);
    kb_free(k);
}

/* A made-up word for number i (kept apart by the stemmer). */
static void word(char *out, size_t cap, unsigned i)
{
    static const char *const syl[] = {"ba", "ko", "di", "mu", "te", "lo",
                                      "ra", "su", "pi", "no"};
    snprintf(out, cap, "%s%s%s%sx", syl[i % 10], syl[i / 10 % 10],
             syl[i / 100 % 10], i >= 1000 ? "va" : "");
}

static unsigned rnd(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

/* A word of a Zipf-like vocabulary of 400 (small numbers are common). */
static unsigned zipf(unsigned *seed)
{
    unsigned r = rnd(seed) % 400 + 1;
    return (unsigned)(400.0 / r) - 1;
}

/* ne entries of 4-8 questions of 6-14 Zipf words each (seeded), and
 * optionally a matching.json (NULL: none). */
static void gen_kb(char *dir, size_t cap, size_t ne, unsigned seed,
                   const char *matching)
{
    kbdir_make(dir, cap, "small");
    if (matching)
        kbdir_write(dir, "matching.json", matching);
    char *json = malloc(16384), w[32];
    cr_assert_not_null(json);
    for (size_t e = 0; e < ne; e++) {
        size_t n = (size_t)snprintf(json, 16384, "{\"id\": \"e%zu\", "
                                    "\"title\": \"entry %zu\", "
                                    "\"questions\": [", e, e);
        unsigned nq = 4 + rnd(&seed) % 5;
        for (unsigned q = 0; q < nq; q++) {
            n += (size_t)snprintf(json + n, 16384 - n, "%s\"", q ? ", " : "");
            unsigned nw = 6 + rnd(&seed) % 9;
            for (unsigned i = 0; i < nw; i++) {
                word(w, sizeof w, zipf(&seed));
                n += (size_t)snprintf(json + n, 16384 - n, "%s%s",
                                      i ? " " : "", w);
            }
            n += (size_t)snprintf(json + n, 16384 - n, "\"");
        }
        word(w, sizeof w, zipf(&seed));
        n += (size_t)snprintf(json + n, 16384 - n, "], \"keywords\": [], "
                              "\"answer\": \"Answer about %s and more.\", "
                              "\"citations\": [{\"source\": \"src\", "
                              "\"section\": \"S\"}], \"related\": []}\n", w);
        cr_assert_lt(n, 16384);
        char name[64];
        snprintf(name, sizeof name, "entries/e%zu.json", e);
        kbdir_write(dir, name, json);
    }
    free(json);
}

/* Questions of 1-12 words, then of 40 and 90 (past 32 and 64 query
 * terms), each checked by same(). */
static void gen_queries(const kb *k, kb_scratch *s, unsigned seed,
                        tally *t)
{
    char q[4096], w[32];
    for (int i = 0; i < 600; i++) {
        size_t n = 0;
        unsigned nw = i < 560 ? 1 + rnd(&seed) % 12 : i < 580 ? 40 : 90;
        for (unsigned j = 0; j < nw; j++) {
            /* mostly Zipf words, some rare ones, some unknown */
            unsigned r = rnd(&seed) % 10;
            unsigned x = r < 7 ? zipf(&seed) : r < 9 ? rnd(&seed) % 400
                                                     : 5000 + j;
            word(w, sizeof w, x);
            n += (size_t)snprintf(q + n, sizeof q - n, "%s%s", j ? " " : "",
                                  w);
        }
        cr_assert_lt(n, sizeof q);
        same(k, s, q, t);
    }
}

static void check_generated(size_t ne, int small)
{
    char dir[64];
    gen_kb(dir, sizeof dir, ne, 7u + (unsigned)ne, NULL);
    kb *k = kbdir_load(dir);
    cr_assert_eq(k->n_entries, ne);
    cr_assert_eq(k->small_row != NULL, small);
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(s);
    cr_assert_eq(kb_scratch_ready(s, k), 0);
    tally t = {0};
    gen_queries(k, s, 99u + (unsigned)ne, &t);
    cr_assert_eq(t.queries, 600);
    if (small)
        cr_assert_gt(t.small, 300, "small %zu, gave up %zu", t.small,
                     t.gave_up);
    else
        cr_assert_eq(t.small + t.gave_up, 0);
    kb_scratch_free(s);
    kb_free(k);
    kbdir_drop(dir);
}

Test(kb_small, generated_kb_under_the_bound) { check_generated(20, 1); }
Test(kb_small, generated_kb_at_the_bound) { check_generated(64, 1); }
Test(kb_small, generated_kb_over_the_bound) { check_generated(65, 0); }

/* Twelve entries alike (the same questions): every score ties, so the
 * 8th and 9th best are equal; the small path gives up and the general
 * path's own tie-break stands. */
Test(kb_small, ties_at_the_eighth_place)
{
    char dir[64];
    kbdir_make(dir, sizeof dir, "smalltie");
    for (int e = 0; e < 12; e++) {
        char name[64], json[512];
        snprintf(json, sizeof json,
                 "{\"id\": \"t%d\", \"title\": \"same\", \"questions\": "
                 "[\"how warm should the oil be\"], \"keywords\": [], "
                 "\"answer\": \"Warm.\", \"citations\": [{\"source\": "
                 "\"src\", \"section\": \"S\"}], \"related\": []}\n", e);
        snprintf(name, sizeof name, "entries/t%d.json", e);
        kbdir_write(dir, name, json);
    }
    kbdir_write(dir, "entries/other.json",
                "{\"id\": \"other\", \"title\": \"other\", \"questions\": "
                "[\"when to stop oil\"], \"keywords\": [], \"answer\": "
                "\"Stop.\", \"citations\": [{\"source\": \"src\", "
                "\"section\": \"S\"}], \"related\": []}\n");
    kb *k = kbdir_load(dir);
    cr_assert_not_null(k->small_row);
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(s);
    cr_assert_eq(kb_scratch_ready(s, k), 0);
    tally t = {0};
    same(k, s, "warm oil", &t);
    same(k, s, "oil", &t);
    cr_assert_eq(t.gave_up, 2);
    same(k, s, "stop", &t);   /* one entry: no tie */
    cr_assert_eq(t.small, 1);
    kb_scratch_free(s);
    kb_free(k);
    kbdir_drop(dir);
}

/* An answer weighing nothing: a word in one entry's question and only in
 * another's answer has an impact of 0 there (k->imp_pos is 0), so no
 * dense impacts are built and the general path answers. */
Test(kb_small, impacts_of_zero_keep_the_general_path)
{
    char dir[64];
    gen_kb(dir, sizeof dir, 20, 11u, "{\"w_answer\": 0}\n");
    kb *k = kbdir_load(dir);
    cr_assert_eq(k->imp_pos, 0);
    cr_assert_null(k->small_row);
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(s);
    cr_assert_eq(kb_scratch_ready(s, k), 0);
    tally t = {0};
    gen_queries(k, s, 5u, &t);
    cr_assert_eq(t.small + t.gave_up, 0);
    kb_scratch_free(s);
    kb_free(k);
    kbdir_drop(dir);
}
