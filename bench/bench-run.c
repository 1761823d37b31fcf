/*
 * bench-run.c - the parent: workloads first (generated once, cached by
 * seed), then `runs` rounds; in each round the end-to-end run, then every
 * knowledge base with every system, the systems' order rotating from
 * round to round so that machine noise hits all alike.
 */
#include "bench-run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Queries a system runs on a knowledge base of `size` entries: FTS5 and
 * Xapian slow down with size, so they run a prefix of the same query
 * list there (the output says how many). */
static size_t run_cap(const char *sys, size_t size, size_t queries)
{
    size_t cap = queries;
    if (strcmp(sys, "fts5") == 0)
        cap = size <= 100 ? queries : size <= 1000 ? 3000
              : size <= 10000 ? 1000 : 200;
    else if (strcmp(sys, "xapian") == 0 && size > 50000)
        cap = 5000;
    return cap < queries ? cap : queries;
}

static int run_prepare(const bench_cfg *c, bench_case *k, size_t size)
{
    double t0 = bench_now();
    int rc;
    k->size = size;
    if (size == 0) {
        snprintf(k->name, sizeof k->name, "real");
        if (bench_path(k->kb_dir, sizeof k->kb_dir, "%s", c->kdir) < 0 ||
            bench_path(k->queries, sizeof k->queries, "%s/queries-real.tsv",
                       c->work) < 0)
            return -1;
        k->dev = c->dev;
        rc = bench_gen_real(c->kdir, k->queries, c->queries, c->seed);
    } else {
        char stop[4096];
        snprintf(k->name, sizeof k->name, "%zu", size);
        if (bench_path(k->kb_dir, sizeof k->kb_dir, "%s/kb-%zu", c->work,
                       size) < 0 ||
            bench_path(k->queries, sizeof k->queries, "%s/queries-%zu.tsv",
                       c->work, size) < 0 ||
            bench_path(stop, sizeof stop, "%s/stopwords.txt", c->kdir) < 0)
            return -1;
        bench_gen_opts o = {size, c->queries, c->seed,
                            access(stop, R_OK) == 0 ? stop : NULL};
        rc = bench_gen_synthetic(k->kb_dir, k->queries, &o);
    }
    k->common = c->queries;
    for (size_t s = 0; s < c->n_systems; s++) {
        k->cap[s] = run_cap(c->systems[s], size, c->queries);
        if (k->cap[s] < k->common)
            k->common = k->cap[s];
    }
    k->runs = json_object();
    fprintf(stderr, "workload %-6s ready (%.1f s)\n", k->name,
            bench_now() - t0);
    return rc < 0 || !k->runs ? -1 : 0;
}

static int run_one(const bench_cfg *c, bench_case *k, size_t s,
                   const char *self)
{
    const char *sys = c->systems[s];
    bench_child_args a = {sys, k->kb_dir, k->queries, k->dev, k->cap[s],
                          k->common, k->cap[s] < 500 ? k->cap[s] / 5 : 500};
    long long maxrss = 0;
    double t0 = bench_now();
    json_t *o = bench_spawn_child(self, &a, &maxrss);
    if (!o)
        return -1;
    json_t *arr = json_object_get(k->runs, sys);
    if (!arr && json_object_set_new(k->runs, sys, arr = json_array()) < 0) {
        json_decref(o);
        return -1;
    }
    if (json_object_set_new(o, "maxrss", json_integer(maxrss)) < 0 ||
        json_array_append_new(arr, o) < 0)
        return -1;
    fprintf(stderr, "  %-6s %-7s %8.0f q/s  (%.1f s)\n", k->name, sys,
            json_real_value(json_object_get(o, "qps")), bench_now() - t0);
    return 0;
}

/* One end-to-end measurement as JSON (new reference), or NULL. */
static json_t *run_e2e(const bench_cfg *c, const bench_case *real)
{
    bench_e2e e;
    if (bench_e2e_run(c->faqbot, c->kdir, real->queries, real->dev,
                      c->e2e_lines, c->work, &e) < 0)
        return NULL;
    fprintf(stderr, "  e2e    faqbot  %8.0f q/s (%.0f on one thread), first "
            "answer %.1f ms\n", e.qps, e.qps_1, e.first_answer_s * 1e3);
    return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:I, s:f, s:I}",
                     "questions", (json_int_t)e.questions, "qps", e.qps,
                     "qps_1", e.qps_1, "qps_total",
                     e.qps_total, "first_answer_s", e.first_answer_s,
                     "startup_empty_s", e.startup_empty_s, "rss",
                     (json_int_t)e.rss_bytes, "run_first_answer_s",
                     e.run_first_s, "run_rss", (json_int_t)e.run_rss);
}

static int run_round(const bench_cfg *c, bench_case *cases, int round,
                     const char *self, json_t *e2e)
{
    fprintf(stderr, "round %d of %d\n", round + 1, c->runs);
    for (size_t i = 0; c->e2e && i < c->n_sizes; i++) {
        if (cases[i].size != 0)
            continue;
        json_t *o = run_e2e(c, &cases[i]);
        if (!o || json_array_append_new(e2e, o) < 0)
            return -1;
        break;
    }
    for (size_t i = 0; i < c->n_sizes; i++) {
        for (size_t j = 0; j < c->n_systems; j++) {
            size_t s = (j + (size_t)round) % c->n_systems;
            if (run_one(c, &cases[i], s, self) < 0)
                return -1;
        }
    }
    return 0;
}

int bench_run(const bench_cfg *c)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    bench_case *cases = calloc(c->n_sizes, sizeof *cases);
    json_t *e2e = json_array();
    int rc = 1;
    if (n <= 0 || !cases || !e2e || bench_fs_mkdir_p(c->work) < 0) {
        fprintf(stderr, "faqbot_bench: cannot set up %s\n", c->work);
        goto done;
    }
    self[n] = '\0';
    for (size_t i = 0; i < c->n_sizes; i++) {
        if (run_prepare(c, &cases[i], c->sizes[i]) < 0)
            goto done;
    }
    for (int r = 0; r < c->runs; r++) {
        if (run_round(c, cases, r, self, e2e) < 0)
            goto done;
    }
    rc = bench_report(c, cases, c->n_sizes, e2e) < 0 ? 1 : 0;
done:
    for (size_t i = 0; cases && i < c->n_sizes; i++)
        json_decref(cases[i].runs);
    free(cases);
    json_decref(e2e);
    return rc;
}
