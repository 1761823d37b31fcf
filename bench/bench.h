/*
 * bench.h - faqbot's benchmark: the matcher against SQLite FTS5 and Xapian
 * on the same knowledge bases and the same queries, plus the end-to-end
 * pipeline (`faqbot ask --batch`).  Shared declarations of the bench/ files.
 *
 * Shape of a run: the parent generates the synthetic knowledge bases and
 * query files (deterministic from a seed), then for every size and every
 * repetition starts one child process per system (this same program with
 * --child), in a rotating order, and collects one JSON line from each.
 * A child loads one knowledge base into one system, runs the queries and
 * measures; its own process keeps the systems' memory figures apart.
 */
#ifndef FAQBOT_BENCH_H
#define FAQBOT_BENCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- clock, statistics, process memory (bench-stats.c) ---------------- */

double bench_now(void);                    /* monotonic seconds */
double bench_cpu_now(void);                /* this process's CPU seconds */
/* Median of v[0..n) (sorts v); 0 when n == 0. */
double bench_median(double *v, size_t n);
/* p-th percentile (0..100) of v[0..n), which must be sorted ascending. */
double bench_percentile(const double *v, size_t n, double p);
void bench_sort(double *v, size_t n);
/* A "VmRSS"/"VmHWM" line of /proc/self/status, in bytes; -1 if unknown. */
long long bench_proc_bytes(const char *field);

/* ---- files (bench-fs.c): 0, or -1 (errno set) ------------------------ */

/* snprintf into buf; -1 (with a message) when it does not fit. */
int bench_path(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int bench_fs_mkdir_p(const char *path);
int bench_fs_copy(const char *from, const char *to);
int bench_fs_same(const char *path, const char *text);   /* 1 if equal */
int bench_fs_write(const char *path, const char *text);

/* ---- random numbers and a Zipf sampler (bench-rng.c) ------------------ */

typedef struct bench_rng {
    uint64_t s[4];
} bench_rng;

void bench_rng_seed(bench_rng *r, uint64_t seed);
uint64_t bench_rng_next(bench_rng *r);
uint32_t bench_rng_below(bench_rng *r, uint32_t n);     /* 0..n-1 */
double bench_rng_unit(bench_rng *r);                    /* [0, 1) */
uint64_t bench_mix64(uint64_t x);                       /* splitmix64 */

typedef struct bench_zipf {
    double *cdf;
    size_t n;
} bench_zipf;

/* P(rank r) proportional to 1 / (r + 1 + q)^s, r in 0..n-1 (q = 0:
 * plain Zipf).  0, -1 on OOM.  Free with bench_zipf_free(). */
int bench_zipf_init(bench_zipf *z, size_t n, double s, double q);
void bench_zipf_free(bench_zipf *z);
size_t bench_zipf_draw(const bench_zipf *z, bench_rng *r);

/* ---- query sets (bench-queries.c) ------------------------------------- */

typedef struct bench_query {
    char *text;
    char *targets;         /* accepted entry ids joined by '|' */
} bench_query;

typedef struct bench_qset {
    bench_query *q;
    size_t n, cap;
} bench_qset;

/* Read "question<TAB>id|id" lines ('#' comments and blank lines skipped;
 * lines whose target is "-" are skipped when skip_none).  At most max
 * queries (0 = all).  0, -1 with a message on stderr.  Free with
 * bench_qset_free(). */
int bench_qset_read(bench_qset *s, const char *path, size_t max,
                    int skip_none);
/* Append one query (copies both strings).  0, -1 on OOM. */
int bench_qset_add(bench_qset *s, const char *text, const char *targets);
void bench_qset_free(bench_qset *s);
/* Write s as TSV.  0, -1 with a message on stderr. */
int bench_qset_write(const bench_qset *s, const char *path);
/* 1 if id is one of the '|'-separated targets. */
int bench_target_has(const char *targets, const char *id);

/* ---- workload generation (bench-gen.c, bench-gen-real.c) -------------- */

typedef struct bench_gen_opts {
    size_t entries;        /* synthetic entries */
    size_t queries;        /* paraphrase queries to write */
    uint64_t seed;
    const char *stopwords; /* file copied into the kb, or NULL */
} bench_gen_opts;

/* Write a synthetic knowledge base under dir (sources/, entries/,
 * stopwords.txt) and its queries to queries_path, unless dir/STAMP says
 * they were already made with the same options.  0, -1 with a message. */
int bench_gen_synthetic(const char *dir, const char *queries_path,
                        const bench_gen_opts *o);
/* Paraphrase-like queries for the real knowledge base in kdir, written to
 * queries_path.  0, -1 with a message. */
int bench_gen_real(const char *kdir, const char *queries_path,
                   size_t n, uint64_t seed);

/* ---- the systems (bench-sys-*.c) --------------------------------------- */

typedef struct bench_build {
    double load_s;         /* knowledge directory -> ready to query */
    double parse_s;        /* of which reading and parsing the JSON */
    size_t entries;
} bench_build;

typedef struct bench_sys {
    const char *name;
    /* Load dir and build the index.  Returns a handle or NULL (message in
     * err).  Caller frees with close(). */
    void *(*open)(const char *dir, bench_build *b, char *err, size_t len);
    /* The top-ranked entry id for text (top 5 are retrieved), or NULL when
     * nothing matches.  *fail set on error; *declined set when the system
     * chose not to answer (faqbot's no_answer). */
    const char *(*query)(void *h, const char *text, size_t len, int *fail,
                         int *declined);
    void (*close)(void *h);
} bench_sys;

extern const bench_sys bench_sys_faqbot, bench_sys_fts5, bench_sys_xapian;
/* What faqbot's top-1 is, for the report. */
extern const char *const bench_faqbot_top1;
extern const int bench_faqbot_ranked;    /* 1: top-1 is the ranking's */
const bench_sys *bench_sys_find(const char *name);

/* Streaming reader of a knowledge directory for the peers: calls fn once
 * per entry, in the order kb_load() sees them (sorted files, array
 * order), with the questions and keywords joined by newlines.  Time spent
 * reading and parsing JSON is added to *parse_s.  0, -1 with err set. */
typedef struct bench_doc {
    size_t ord;
    const char *id, *title, *questions, *keywords, *answer;
} bench_doc;
typedef int (*bench_doc_fn)(const bench_doc *d, void *ctx);
int bench_corpus_each(const char *dir, bench_doc_fn fn, void *ctx,
                      double *parse_s, char *err, size_t len);

/* Entry ids by ordinal (the peers' document ids are ordinals). */
typedef struct bench_ids {
    char **v;
    size_t n, cap;
} bench_ids;
int bench_ids_add(bench_ids *ids, const char *id);   /* copies; -1 OOM */
void bench_ids_free(bench_ids *ids);

/* Xapian in C++ (bench-xapian.cc) behind a C interface. */
typedef struct bench_xap bench_xap;
bench_xap *bench_xap_new(char *err, size_t len);
int bench_xap_add(bench_xap *x, const bench_doc *d, char *err, size_t len);
/* Top-5 search; writes the 0-based ordinal of the best document to *ord.
 * 1 found, 0 none, -1 error. */
int bench_xap_search(bench_xap *x, const char *text, size_t *ord);
void bench_xap_free(bench_xap *x);

/* ---- child side (bench-child.c) and parent side (bench-spawn.c) ------- */

typedef struct bench_child_args {
    const char *system, *kb_dir, *queries, *dev;
    size_t max_queries, common, warmup;
} bench_child_args;

/* Runs inside the child: prints one JSON object on stdout.  Exit code. */
int bench_child_main(const bench_child_args *a);

/* Run `self --child ...` and parse its JSON line; *maxrss_bytes from
 * wait4().  Returns a new reference (caller decrefs) or NULL. */
json_t *bench_spawn_child(const char *self, const bench_child_args *a,
                          long long *maxrss_bytes);

/* `faqbot_bench --self-test` (bench-selftest.c).  Exit code. */
int bench_selftest(void);

/* ---- end to end through the faqbot binary (bench-e2e.c) --------------- */

typedef struct bench_e2e {
    double qps, qps_total;     /* steady (minus start-up) and raw, with
                                  the default --jobs (the online CPUs) */
    double qps_1;              /* steady, `--jobs 1`: one thread */
    double first_answer_s;     /* spawn -> first reply line */
    double startup_empty_s;    /* spawn -> exit with no input */
    long long rss_bytes;       /* peak RSS of the batch run */
    double run_first_s;        /* `faqbot run` (console): spawn -> answer */
    long long run_rss;         /* peak RSS of that bot */
    size_t questions;
} bench_e2e;

/* Measure `faqbot ask --batch --knowledge kdir` (and with --jobs 1) on
 * the questions of
 * qfile and of the eval set dev (text column; dev may be NULL), repeated
 * until about `lines` questions.  0, -1 with a message. */
int bench_e2e_run(const char *faqbot, const char *kdir, const char *qfile,
                  const char *dev, size_t lines, const char *workdir,
                  bench_e2e *out);

#ifdef __cplusplus
}
#endif

#endif /* FAQBOT_BENCH_H */
