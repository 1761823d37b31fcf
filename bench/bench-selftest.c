/*
 * bench-selftest.c - `faqbot_bench --self-test`: checks the benchmark's own
 * parts before their figures are trusted (`make bench` runs it first):
 * statistics, the seeded generator (same seed, same bytes; accepted by the
 * real loader), the queries (their target exists and they were sampled
 * from it), and every system finding an entry from one of its own
 * questions.  Prints one line per failed check; exit code 1 if any.
 */
#define _XOPEN_SOURCE 700
#include "bench.h"
#include "kb.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ST_ENTRIES 60
#define ST_QUERIES 200

static int st_failed, st_checks;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        st_checks++;                                                        \
        if (!(cond)) {                                                      \
            st_failed++;                                                    \
            fprintf(stderr, "self-test: FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
        }                                                                   \
    } while (0)

static void st_stats(void)
{
    double a[3] = {3, 1, 2}, b[4] = {4, 1, 3, 2}, c[100];
    CHECK(bench_median(a, 3) == 2, "median of 3,1,2");
    CHECK(bench_median(b, 4) == 2.5, "median of 4,1,3,2");
    for (int i = 0; i < 100; i++)
        c[i] = i + 1;
    CHECK(bench_percentile(c, 100, 50) == 50, "p50 of 1..100");
    CHECK(bench_percentile(c, 100, 99) == 99, "p99 of 1..100");
    CHECK(bench_percentile(c, 1, 99) == 1, "p99 of one value");
    CHECK(bench_target_has("a|bc", "bc") && !bench_target_has("abc", "a") &&
          !bench_target_has("a|bc", "b"), "target lists");
}

static void st_rng(void)
{
    bench_rng r1, r2;
    bench_zipf z;
    bench_rng_seed(&r1, 7);
    bench_rng_seed(&r2, 7);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= bench_rng_next(&r1) == bench_rng_next(&r2);
    CHECK(same, "same seed, same sequence");
    if (bench_zipf_init(&z, 1000, 1.0, 0) < 0)
        return;
    size_t count[10] = {0};
    for (int i = 0; i < 100000; i++) {
        size_t k = bench_zipf_draw(&z, &r1);
        if (k < 10)
            count[k]++;
    }
    /* P(0) / P(9) = 10 for s = 1: allow sampling noise */
    CHECK(count[0] > 8 * count[9] && count[0] < 12 * count[9],
          "zipf rank 0 vs 9: %zu vs %zu", count[0], count[9]);
    bench_zipf_free(&z);
}

/* 1 if both files have the same bytes. */
static int st_same_file(const char *a, const char *b)
{
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    int same = f && g;
    while (same) {
        int x = fgetc(f), y = fgetc(g);
        same = x == y;
        if (x == EOF)
            break;
    }
    if (f)
        fclose(f);
    if (g)
        fclose(g);
    return same;
}

static int st_rm(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb;
    (void)flag;
    (void)f;
    return remove(p);
}

/* Every query's target exists and shares >= 3 words with its questions. */
static void st_queries(const kb *k, const char *qpath)
{
    bench_qset qs = {0};
    CHECK(bench_qset_read(&qs, qpath, 0, 1) == 0 && qs.n == ST_QUERIES,
          "queries file has %d queries", ST_QUERIES);
    for (size_t i = 0; i < qs.n; i++) {
        const kb_entry *e = kb_find(k, qs.q[i].targets);
        CHECK(e != NULL, "query %zu: target %s exists", i, qs.q[i].targets);
        if (!e)
            break;
        size_t hits = 0;
        char *save = NULL, *text = strdup(qs.q[i].text);
        for (char *w = strtok_r(text, " ", &save); w;
             w = strtok_r(NULL, " ", &save)) {
            for (size_t j = 0; j < e->n_questions; j++) {
                if (strstr(e->questions[j], w)) {
                    hits++;
                    break;
                }
            }
        }
        free(text);
        CHECK(hits >= 3, "query %zu: %zu words from its entry", i, hits);
    }
    bench_qset_free(&qs);
}

/* Each system finds every entry from its first question. */
static void st_system(const bench_sys *sys, const kb *k, const char *dir)
{
    char err[512] = "";
    bench_build b = {0};
    void *h = sys->open(dir, &b, err, sizeof err);
    CHECK(h != NULL, "%s opens the generated kb: %s", sys->name, err);
    if (!h)
        return;
    CHECK(b.entries == ST_ENTRIES, "%s indexed %zu entries", sys->name,
          b.entries);
    size_t found = 0;
    for (size_t i = 0; i < kb_entry_count(k); i++) {
        const kb_entry *e = kb_entry_at(k, i);
        int fail = 0, declined = 0;
        const char *top = sys->query(h, e->questions[0],
                                     strlen(e->questions[0]), &fail, &declined);
        found += top && strcmp(top, e->id) == 0 && !fail;
    }
    CHECK(found == ST_ENTRIES, "%s: %zu of %d entries found from their first "
          "question", sys->name, found, ST_ENTRIES);
    sys->close(h);
}

static void st_generated(const char *root)
{
    char d1[4200], d2[4200], d3[4200], q1[4200], q2[4200], q3[4200];
    char f1[4300], f2[4300], f3[4300];
    bench_gen_opts o = {ST_ENTRIES, ST_QUERIES, 11, NULL}, o3 = o;
    o3.seed = 12;
    if (bench_path(d1, sizeof d1, "%s/a", root) < 0 ||
        bench_path(d2, sizeof d2, "%s/b", root) < 0 ||
        bench_path(d3, sizeof d3, "%s/c", root) < 0 ||
        bench_path(q1, sizeof q1, "%s/qa.tsv", root) < 0 ||
        bench_path(q2, sizeof q2, "%s/qb.tsv", root) < 0 ||
        bench_path(q3, sizeof q3, "%s/qc.tsv", root) < 0)
        return;
    CHECK(bench_gen_synthetic(d1, q1, &o) == 0 &&
          bench_gen_synthetic(d2, q2, &o) == 0 &&
          bench_gen_synthetic(d3, q3, &o3) == 0, "generation");
    snprintf(f1, sizeof f1, "%s/entries/part-0000.json", d1);
    snprintf(f2, sizeof f2, "%s/entries/part-0000.json", d2);
    snprintf(f3, sizeof f3, "%s/entries/part-0000.json", d3);
    CHECK(st_same_file(f1, f2) && st_same_file(q1, q2), "same seed, same bytes");
    CHECK(!st_same_file(f1, f3), "another seed, another knowledge base");
    kb_diag d;
    kb_diag_init(&d);
    kb *k = kb_load(d1, &d);
    CHECK(k && kb_entry_count(k) == ST_ENTRIES && d.errors == 0,
          "kb_load accepts the generated kb (%zu errors)", d.errors);
    kb_diag_free(&d);
    if (!k)
        return;
    const kb_entry *e = kb_entry_at(k, 7);
    CHECK(strcmp(e->id, "s-0000007") == 0 && e->n_questions == 6 &&
          strcmp(e->citations[0].section, "Part 7") == 0,
          "entry 7: id, 6 questions, cites Part 7");
    st_queries(k, q1);
    st_system(&bench_sys_faqbot, k, d1);
    st_system(&bench_sys_xapian, k, d1);
    st_system(&bench_sys_fts5, k, d1);
    kb_free(k);
}

int bench_selftest(void)
{
    char root[] = "/tmp/faqbot-bench-selftest-XXXXXX";
    st_stats();
    st_rng();
    if (!mkdtemp(root)) {
        fprintf(stderr, "self-test: cannot make a temporary directory\n");
        return 1;
    }
    st_generated(root);
    nftw(root, st_rm, 16, FTW_DEPTH | FTW_PHYS);
    fprintf(stderr, "self-test: %d of %d checks failed\n", st_failed,
            st_checks);
    return st_failed ? 1 : 0;
}
