/* kb-match.c rescoring: a query pair counts once per alternate, and the
 * bound that skips candidates changes nothing (checked against rescoring
 * every candidate on the bundled knowledge and a generated kb). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kb-impl.h"
#include "kbdir.h"
#include "result-same.h"

#define PAIRS "tests/kb/fixtures/pairs"

/* The candidate for entry id after the last query, or NULL. */
static const kb_cand *cand_of(const kb *k, const kb_scratch *s,
                              const char *id)
{
    for (size_t i = 0; i < s->n_cand; i++) {
        if (strcmp(k->entries[s->cand[i].entry].id, id) == 0)
            return &s->cand[i];
    }
    return NULL;
}

/* "swaddle wrap swaddle wrap tight" holds the query's one pair twice: it
 * gets the pair's whole weight once (bigram share 1), like an alternate
 * holding it once, not twice. */
Test(kb_rescore, a_repeated_pair_counts_once)
{
    kb *k = kb_load(PAIRS, NULL);
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(k);
    cr_assert_not_null(s);
    s->rescore_all = 1;
    kb_result r;
    const char *q = "swaddle wrap";
    cr_assert_eq(kb_match(k, s, q, strlen(q), &r), 0);
    const kb_cand *rep = cand_of(k, s, "repeat"), *once = cand_of(k, s,
                                                                  "once");
    cr_assert_not_null(rep);
    cr_assert_not_null(once);
    cr_assert_eq(rep->bigram, 1.0f, "repeat: %g", rep->bigram);
    cr_assert_eq(once->bigram, 1.0f, "once: %g", once->bigram);
    cr_assert_null(cand_of(k, s, "bath"));
    kb_scratch_free(s);
    kb_free(k);
}

/* The next question of f into line (its first column when tsv), past
 * comments and blank lines; 0 at the end of the file. */
static int next_question(FILE *f, char *line, int len, int tsv)
{
    while (fgets(line, len, f)) {
        line[strcspn(line, tsv ? "\t\r\n" : "\r\n")] = '\0';
        if (line[0] != '#' && line[0])
            return 1;
    }
    return 0;
}

typedef int (*ask_fn)(const kb *, kb_scratch *, const char *, size_t,
                      kb_result *);

/* Every question of the file: `ask` (kb_match, or kb_answer: triage,
 * and the triage reply kept out of the best three) with the bound and
 * rescoring every candidate give the same result, bit for bit.  Returns
 * how many queries skipped a candidate (the bound must prune, or this
 * proves nothing). */
static size_t check_file_with(const char *dir, const char *questions,
                              int tsv, ask_fn ask)
{
    kb *k = kb_load(dir, NULL);
    kb_scratch *pruned = kb_scratch_new(), *all = kb_scratch_new();
    FILE *f = fopen(questions, "r");
    cr_assert_not_null(k);
    cr_assert(pruned && all && f);
    all->rescore_all = 1;
    char line[2048];
    size_t n = 0, bad = 0, skipped = 0;
    while (next_question(f, line, sizeof line, tsv)) {
        kb_result a, b;
        cr_assert_eq(ask(k, pruned, line, strlen(line), &a), 0);
        cr_assert_eq(ask(k, all, line, strlen(line), &b), 0);
        /* (kb_answer may drop the triage reply after rescoring it) */
        cr_assert_geq(all->n_rescored, all->n_cand);
        skipped += pruned->n_rescored < pruned->n_cand;
        n++;
        if (!result_same(&a, &b)) {
            bad++;
            cr_log_error("differs: \"%s\"", line);
        }
    }
    fclose(f);
    cr_assert_gt(n, 0);
    cr_assert_eq(bad, 0, "%zu of %zu queries", bad, n);
    kb_scratch_free(pruned);
    kb_scratch_free(all);
    kb_free(k);
    return skipped;
}

static size_t check_file(const char *dir, const char *questions, int tsv)
{
    return check_file_with(dir, questions, tsv, kb_match);
}

Test(kb_rescore, bound_changes_nothing_on_the_bundled_knowledge)
{
    cr_assert_gt(check_file("knowledge", "tests/eval/dev.tsv", 1), 0);
}

Test(kb_rescore, bound_changes_nothing_after_triage)
{
    cr_assert_gt(check_file_with("knowledge", "tests/eval/dev.tsv", 1,
                                 kb_answer), 0);
    cr_assert_gt(check_file_with("knowledge", "tests/eval/chat.tsv", 1,
                                 kb_answer), 0);
}

typedef size_t (*check_fn)(const char *dir, const char *questions, int tsv);

/* check over a kb of 2,000 entries and its queries made by
 * gen-synthetic.py from seed, in a temporary directory removed after. */
static void check_generated(unsigned seed, check_fn check)
{
    char dir[] = "/tmp/faqbot-rescore-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256], cmd[512];
    snprintf(cmd, sizeof cmd, "python3 tests/kb/bench/gen-synthetic.py %s "
             "2000 %u >/dev/null", dir, seed);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/queries.txt", dir);
    cr_assert_gt(check(dir, path, 0), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(kb_rescore, bound_changes_nothing_on_a_generated_kb)
{
    check_generated(11, check_file);
}

/* ---- a question of more than 64 distinct words ------------------------ */

/* Pseudo-word i: two syllables, unchanged by the English stemmer. */
static void word(char *out, size_t cap, int i)
{
    static const char *const syl[] = {"ba", "ko", "di", "mu", "te", "lo",
                                      "ra", "su", "pi", "no"};
    snprintf(out, cap, "%s%s%s", syl[i % 10], syl[i / 10 % 10],
             i >= 100 ? "va" : "");
}

#define ENTRY(id, questions)                                               \
    "{\"id\": \"" id "\", \"title\": \"" id "\", \"questions\": ["         \
    questions "], \"keywords\": [], \"answer\": \"Some answer text.\", "   \
    "\"citations\": [{\"source\": \"src\", \"section\": \"S\"}], "        \
    "\"related\": []}\n"

/* A kb (in a fresh dir, dcap bytes) whose "fill" entry knows words
 * 0..79 and whose "key" entry asks "sato luvo mira deno"; *fill gets the
 * 80 words joined by spaces. */
static void many_words_kb(char *dir, size_t dcap, char *fill, size_t cap)
{
    kbdir_make(dir, dcap, "rescore64");
    kbdir_write(dir, "sources/src.json",
        "{\"id\": \"src\", \"title\": \"T\", \"url\": null, "
        "\"language\": \"english\", \"sections\": [\"S\"]}\n");
    kbdir_write(dir, "entries/key.json",
        ENTRY("key", "\"sato luvo mira deno\", \"mira deno sato\""));
    kbdir_write(dir, "entries/other.json",
        ENTRY("other", "\"sato kavu\", \"deno pela\""));
    size_t n = 0;
    fill[0] = '\0';
    for (int i = 0; i < 80; i++) {
        char w[16];
        word(w, sizeof w, i);
        n += (size_t)snprintf(fill + n, cap - n, "%s%s", i ? " " : "", w);
        cr_assert_lt(n, cap);
    }
    char *json = malloc(cap + 256);
    cr_assert_not_null(json);
    snprintf(json, cap + 256,
             "{\"id\": \"fill\", \"title\": \"fill\", \"questions\": "
             "[\"%s\"], \"keywords\": [], \"answer\": \"Other text.\", "
             "\"citations\": [{\"source\": \"src\", \"section\": \"S\"}], "
             "\"related\": []}\n", fill);
    kbdir_write(dir, "entries/fill.json", json);
    free(json);
}

/* The key words after 80 others (query terms 81..84: past the 64 kept in
 * a register while an alternate is read) score as they do first, every
 * candidate rescored or not. */
Test(kb_rescore, words_after_the_64th_count_as_the_first_do)
{
    char dir[64], fill[1024], q[4096];
    many_words_kb(dir, sizeof dir, fill, sizeof fill);
    kb *k = kb_load(dir, NULL);
    kb_scratch *s = kb_scratch_new(), *all = kb_scratch_new();
    cr_assert_not_null(k);
    cr_assert(s && all);
    all->rescore_all = 1;
    const char *key = "sato luvo mira deno";
    float alt[2], bigram[2];
    for (int late = 0; late < 2; late++) {
        /* an unknown word between the parts: no pair across them */
        snprintf(q, sizeof q, "%s zzqx %s", late ? fill : key,
                 late ? key : fill);
        kb_result a, b;
        cr_assert_eq(kb_match(k, s, q, strlen(q), &a), 0);
        cr_assert_eq(kb_match(k, all, q, strlen(q), &b), 0);
        cr_assert(result_same(&a, &b), "late %d", late);
        const kb_cand *c = cand_of(k, all, "key");
        cr_assert_not_null(c);
        alt[late] = c->alt;
        bigram[late] = c->bigram;
    }
    cr_assert_gt(alt[0], 0.0f);
    cr_assert_gt(bigram[0], 0.0f);
    cr_assert_float_eq(alt[1], alt[0], 1e-6f * alt[0]);
    cr_assert_float_eq(bigram[1], bigram[0], 1e-6f * bigram[0]);
    kb_scratch_free(s);
    kb_scratch_free(all);
    kb_free(k);
    kbdir_drop(dir);
}

/* ---- the alternates' index (kb-altix.c) ------------------------------- */

/* Candidates check_index saw scored through the index by their heaviest
 * query term first (kb-rescore-ix.c ix_best_ord: entries of many
 * alternates). */
static size_t used_ord;

/* Every question of the file: rescoring through the alternates' index
 * and by reading every alternate (no_altix), the same pruning, give the
 * same candidates bit for bit (entry, BM25F share, alternate and pair
 * shares, score).  Returns the candidates scored through the index (it
 * must be used, or this proves nothing). */
static size_t check_index(const char *dir, const char *questions, int tsv)
{
    kb *k = kb_load(dir, NULL);
    kb_scratch *ix = kb_scratch_new(), *rd = kb_scratch_new();
    FILE *f = fopen(questions, "r");
    cr_assert_not_null(k);
    cr_assert(ix && rd && f);
    cr_assert_not_null(k->altix_off, "%s: no index built", dir);
    rd->no_altix = 1;
    char line[2048];
    size_t n = 0, bad = 0, used = 0;
    while (next_question(f, line, sizeof line, tsv)) {
        kb_result a, b;
        cr_assert_eq(kb_match(k, ix, line, strlen(line), &a), 0);
        cr_assert_eq(kb_match(k, rd, line, strlen(line), &b), 0);
        cr_assert_eq(rd->n_altix, 0);
        used += ix->n_altix;
        used_ord += ix->n_altix_ord;
        n++;
        int same = result_same(&a, &b) && ix->n_cand == rd->n_cand &&
                   ix->n_rescored == rd->n_rescored;
        for (size_t i = 0; same && i < ix->n_cand; i++) {
            const kb_cand *x = &ix->cand[i], *y = &rd->cand[i];
            same = x->entry == y->entry && x->bm25 == y->bm25 &&
                   x->alt == y->alt && x->bigram == y->bigram &&
                   x->score == y->score;
        }
        if (!same) {
            bad++;
            cr_log_error("differs: \"%s\"", line);
        }
    }
    fclose(f);
    cr_assert_gt(n, 0);
    cr_assert_eq(bad, 0, "%zu of %zu queries", bad, n);
    kb_scratch_free(ix);
    kb_scratch_free(rd);
    kb_free(k);
    return used;
}

/* kb_altix_find gives the place a binary search of each entry's
 * distinct terms gives, for every term of the kb and every entry (most
 * of them absent: UINT32_MAX); returns the lookups made. */
static size_t check_find(const char *dir, size_t max_entries)
{
    kb *k = kb_load(dir, NULL);
    cr_assert_not_null(k);
    cr_assert_not_null(k->altix_htab, "%s: no index built", dir);
    size_t n = 0, found = 0;
    for (uint32_t e = 0; e < k->n_entries && e < max_entries; e++) {
        uint32_t j0 = k->altix_off[e], j1 = k->altix_off[e + 1];
        for (uint32_t t = 0; t <= k->n_terms; t++) {
            uint32_t want = UINT32_MAX;
            for (uint32_t lo = j0, hi = j1; lo < hi;) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (k->altix_term[mid] < t)
                    lo = mid + 1;
                else if (k->altix_term[mid] > t)
                    hi = mid;
                else
                    lo = hi = want = mid;
            }
            uint32_t got = kb_altix_find(k, e, t);
            cr_assert_eq(got, want, "entry %u term %u: %u, not %u", e, t,
                         got, want);
            found += want != UINT32_MAX;
            n++;
        }
        cr_assert_eq(found, k->altix_off[e + 1], "entry %u", e);
    }
    cr_assert_gt(found, 0);
    kb_free(k);
    return n;
}

Test(kb_rescore, the_term_hash_finds_what_a_search_finds)
{
    cr_assert_gt(check_find("knowledge", SIZE_MAX), 0);
}

static size_t check_find_generated(const char *dir, const char *questions,
                                   int tsv)
{
    (void)questions;
    (void)tsv;
    return check_find(dir, 100);
}

Test(kb_rescore, the_term_hash_finds_what_a_search_finds_on_a_generated_kb)
{
    check_generated(17, check_find_generated);
}

Test(kb_rescore, the_index_gives_what_reading_gives_on_the_bundled_kb)
{
    used_ord = 0;
    cr_assert_gt(check_index("knowledge", "tests/eval/dev.tsv", 1), 0);
    cr_assert_gt(check_index("knowledge", "tests/eval/chat.tsv", 1), 0);
    cr_assert_gt(used_ord, 1000);   /* ~25 alternates an entry */
}

/* Pairs: once, repeated in an alternate, twice in the query (each
 * alternate then read), a word paired with itself. */
Test(kb_rescore, the_index_finds_the_pairs_reading_finds)
{
    char path[] = "/tmp/faqbot-altix-pairs-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    cr_assert_geq(fputs("swaddle wrap\nwrap swaddle\nswaddle wrap tight\n"
                        "wrap swaddle wrap swaddle\nswaddle swaddle wrap\n"
                        "loose blanket swaddle\nbath water bath water\n"
                        "fold a loose blanket over the shoulder\n", f), 0);
    cr_assert_eq(fclose(f), 0);
    cr_assert_gt(check_index(PAIRS, path, 0), 0);
    cr_assert_eq(unlink(path), 0);
}

Test(kb_rescore, the_index_gives_what_reading_gives_on_a_generated_kb)
{
    check_generated(13, check_index);
}

/* ---- kb-topk.c: impacts not checked when all are above 0 -------------- */

/* Every impact of the bundled kb is above 0 (BM25F: idf > 0, tf > 0), so
 * kb_topk skips the per-posting check (k->imp_pos); with the check made
 * (imp_pos cleared) every dev question gets the same candidates. */
Test(kb_rescore, topk_without_the_impact_check_gives_the_same)
{
    kb *k = kb_load("knowledge", NULL);
    kb_scratch *s = kb_scratch_new(), *t = kb_scratch_new();
    FILE *f = fopen("tests/eval/dev.tsv", "r");
    cr_assert(k && s && t && f);
    cr_assert_eq(k->imp_pos, 1);
    for (size_t p = 0; p < k->post_off[k->n_terms]; p++)
        cr_assert_gt(k->post_imp[p], 0.0f);
    char line[2048];
    size_t n = 0;
    while (next_question(f, line, sizeof line, 1)) {
        kb_result a, b;
        k->imp_pos = 1;
        cr_assert_eq(kb_match(k, s, line, strlen(line), &a), 0);
        k->imp_pos = 0;
        cr_assert_eq(kb_match(k, t, line, strlen(line), &b), 0);
        cr_assert(result_same(&a, &b), "\"%s\"", line);
        cr_assert_eq(s->n_cand, t->n_cand);
        for (size_t i = 0; i < s->n_cand; i++)
            cr_assert(s->cand[i].entry == t->cand[i].entry &&
                      s->cand[i].score == t->cand[i].score &&
                      s->cand[i].hold == t->cand[i].hold, "\"%s\"", line);
        n++;
    }
    cr_assert_gt(n, 0);
    fclose(f);
    kb_scratch_free(s);
    kb_scratch_free(t);
    kb_free(k);
}
