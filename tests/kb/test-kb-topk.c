/* kb-topk.c (MaxScore + block maxima) must return the same best entries
 * as scoring every entry, each with the query terms its entry holds
 * (kb_cand.hold): checked against brute force on the bundled
 * knowledge with every dev question, and on a generated kb big enough
 * for blocks and pruning to matter.  Entry ids are stored in segments
 * of 65,536 entries (kb-impl.h): kb_index_reshift stores them in
 * smaller ones, so a small kb has many segments, and kb_match must then
 * give the very same results. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb-impl.h"
#include "query-mark.h"

/* Brute force BM25F of every entry for the query terms marked in s. */
static void brute(const kb *k, const kb_scratch *s, float *acc)
{
    memset(acc, 0, k->n_entries * sizeof *acc);
    for (size_t i = 0; i < s->qterms.n; i++) {
        uint32_t t = s->qterms.v[i];
        for (uint32_t p = k->post_off[t]; p < k->post_off[t + 1]; p++)
            acc[kb_post_doc(k, t, p)] += k->post_imp[p];
    }
}

/* Bit i for each of the first 32 query terms whose postings list e (the
 * terms with an impact: kb_topk reads no others). */
static uint32_t held(const kb *k, const kb_scratch *s, uint32_t e)
{
    uint32_t bits = 0;
    for (size_t i = 0; i < s->qterms.n && i < 32; i++) {
        uint32_t t = s->qterms.v[i];
        for (uint32_t p = k->post_off[t]; p < k->post_off[t + 1]; p++) {
            if (kb_post_doc(k, t, p) == e && k->term_max[t] > 0)
                bits |= 1u << i;
        }
    }
    return bits;
}

static int desc(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* 1 if kb_topk's entries are the best ones (up to float rounding), in
 * order. */
static int topk_exact(const kb *k, kb_scratch *s, const char *q, float *acc,
                      float *sorted)
{
    query_mark(k, s, q);
    brute(k, s, acc);
    size_t n = kb_topk(k, s);
    int ok = 1;
    memcpy(sorted, acc, k->n_entries * sizeof *sorted);
    qsort(sorted, k->n_entries, sizeof *sorted, desc);
    size_t want = 0;
    while (want < k->n_entries && want < k->params.candidates &&
           sorted[want] > 0)
        want++;
    if (n != want) {
        cr_log_error("%zu entries, want %zu", n, want);
        ok = 0;
    }
    for (size_t i = 0; ok && i < n; i++) {
        float v = acc[s->cand[i].entry];
        if (v < sorted[n - 1] - 1e-4f || v - s->cand[i].bm25 > 1e-4f ||
            s->cand[i].bm25 - v > 1e-4f)
            ok = 0;
        /* highest BM25F first, then entry (kb_rescore's order) */
        if (i > 0 && !(s->cand[i - 1].bm25 > s->cand[i].bm25 ||
                       (s->cand[i - 1].bm25 == s->cand[i].bm25 &&
                        s->cand[i - 1].entry < s->cand[i].entry))) {
            cr_log_error("candidate %zu out of order", i);
            ok = 0;
        }
        if (s->cand[i].hold != held(k, s, s->cand[i].entry)) {
            cr_log_error("entry %u holds %#x, marked %#x", s->cand[i].entry,
                         held(k, s, s->cand[i].entry), s->cand[i].hold);
            ok = 0;
        }
    }
    query_unmark(s);
    return ok;
}

static void check_file(const char *dir, const char *questions, int tsv,
                       unsigned shift)
{
    kb *k = kb_load(dir, NULL);
    cr_assert_not_null(k);
    cr_assert_eq(k->post_shift, 16);
    cr_assert_eq(kb_index_reshift(k, shift), 0);
    cr_assert_eq(k->n_seg, ((k->n_entries - 1) >> shift) + 1);
    kb_scratch *s = kb_scratch_new();
    cr_assert_eq(kb_scratch_ready(s, k), 0);
    float *acc = malloc(k->n_entries * sizeof *acc);
    float *sorted = malloc(k->n_entries * sizeof *sorted);
    FILE *f = fopen(questions, "r");
    cr_assert_not_null(f);
    char line[2048];
    size_t n = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, tsv ? "\t\r\n" : "\r\n")] = '\0';
        if (line[0] == '#' || !line[0])
            continue;
        n++;
        if (!topk_exact(k, s, line, acc, sorted)) {
            bad++;
            cr_log_error("not exact: \"%s\"", line);
        }
    }
    fclose(f);
    cr_assert_gt(n, 0);
    cr_assert_eq(bad, 0, "%zu of %zu queries", bad, n);
    free(acc);
    free(sorted);
    kb_scratch_free(s);
    kb_free(k);
}

Test(kb_topk, bundled_knowledge_dev_questions)
{
    check_file("knowledge", "tests/eval/dev.tsv", 1, 16);
}

/* 29 entries, 2 a segment: 15 segments. */
Test(kb_topk, bundled_knowledge_small_segments)
{
    check_file("knowledge", "tests/eval/dev.tsv", 1, 1);
}

/* A generated kb: 3000 entries over a small skewed vocabulary, so terms
 * have long postings (many blocks) and pruning kicks in. */
Test(kb_topk, generated_kb_with_long_postings)
{
    char dir[] = "/tmp/faqbot-topk-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256], cmd[512];
    snprintf(cmd, sizeof cmd, "python3 tests/kb/bench/gen-synthetic.py %s "
             "3000 7 >/dev/null", dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/queries.txt", dir);
    check_file(dir, path, 0, 16);
    check_file(dir, path, 0, 8);       /* 12 segments */
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* kb_match (kb-match.c reads impacts by entry too) on every query of a
 * generated kb: the same results, bit for bit, with 256-entry segments. */
Test(kb_topk, match_same_with_small_segments)
{
    char dir[] = "/tmp/faqbot-topk-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256], cmd[512], line[2048];
    snprintf(cmd, sizeof cmd, "python3 tests/kb/bench/gen-synthetic.py %s "
             "1500 7 >/dev/null", dir);
    cr_assert_eq(system(cmd), 0);
    kb *a = kb_load(dir, NULL), *b = kb_load(dir, NULL);
    cr_assert(a && b);
    cr_assert_eq(kb_index_reshift(b, 8), 0);
    cr_assert_eq(b->n_seg, 6);
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(s);
    snprintf(path, sizeof path, "%s/queries.txt", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    size_t n = 0, answered = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        kb_result ra, rb;
        cr_assert_eq(kb_match(a, s, line, strlen(line), &ra), 0);
        cr_assert_eq(kb_match(b, s, line, strlen(line), &rb), 0);
        cr_assert_eq(ra.status, rb.status, "\"%s\"", line);
        cr_assert_eq(ra.score, rb.score, "\"%s\"", line);
        cr_assert_eq(ra.confidence, rb.confidence, "\"%s\"", line);
        cr_assert_eq(ra.entry ? ra.entry - a->entries : -1,
                     rb.entry ? rb.entry - b->entries : -1, "\"%s\"", line);
        n++;
        answered += ra.entry != NULL;
    }
    fclose(f);
    cr_assert_gt(n, 100);
    cr_assert_gt(answered, n / 2);
    kb_scratch_free(s);
    kb_free(a);
    kb_free(b);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
