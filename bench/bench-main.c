/*
 * bench-main.c - `faqbot_bench [options]`: generate the workloads, run
 * every system on every knowledge base in rotating order, repeat, then
 * print the table and write the JSON file (bench-report.c).
 * `faqbot_bench --child SYSTEM ...` is the measuring side (bench-child.c).
 */
#include "bench.h"
#include "bench-run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FAQBOT_BENCH_SRC
#define FAQBOT_BENCH_SRC "."
#endif
#ifndef FAQBOT_BENCH_FAQBOT
#define FAQBOT_BENCH_FAQBOT "build/faqbot"
#endif
#ifndef FAQBOT_BENCH_OUT
#define FAQBOT_BENCH_OUT "build/bench"
#endif

static int usage(int rc)
{
    printf("usage: faqbot_bench [--runs N] [--sizes real,1000,10000,100000]\n"
           "                    [--systems faqbot,xapian,fts5] [--queries N]\n"
           "                    [--seed N] [--out FILE] [--work DIR] [--quick]\n"
           "                    [--faqbot PATH] [--knowledge DIR] [--dev FILE]\n"
           "                    [--no-e2e] [--e2e-lines N]\n\n"
           "Runs faqbot's matcher, SQLite FTS5 and Xapian on the real knowledge\n"
           "base and on synthetic ones, and faqbot end to end (ask --batch).\n"
           "Prints a table; writes JSON to --out (default %s/results.json).\n"
           "--quick: one run, sizes real,1000,10000, 2000 queries.\n"
           "--self-test: check the benchmark itself (alone).\n",
           FAQBOT_BENCH_OUT);
    return rc;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    if (strcmp(s, "real") == 0) {
        *out = 0;
        return 0;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || v == 0 || v > 10000000)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* "a,b,c" -> sizes or system names.  0, -1 on a bad item. */
static int parse_list(const char *arg, bench_cfg *c, int sizes)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", arg);
    size_t *n = sizes ? &c->n_sizes : &c->n_systems;
    *n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        if (*n == BENCH_MAX_LIST)
            return -1;
        if (sizes && parse_size(t, &c->sizes[*n]) < 0)
            return -1;
        if (!sizes) {
            const bench_sys *s = bench_sys_find(t);
            if (!s)
                return -1;
            c->systems[*n] = s->name;
        }
        (*n)++;
    }
    return *n ? 0 : -1;
}

static int num_opt(const char *v, size_t *out)
{
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    if (!*v || *end)
        return -1;
    *out = (size_t)x;
    return 0;
}

static int child_args(int argc, char **argv, bench_child_args *a)
{
    memset(a, 0, sizeof *a);
    a->system = argv[2];
    for (int i = 3; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        int bad = 0;
        if (strcmp(k, "--kb") == 0)
            a->kb_dir = v;
        else if (strcmp(k, "--queries") == 0)
            a->queries = v;
        else if (strcmp(k, "--dev") == 0)
            a->dev = v;
        else if (strcmp(k, "--max") == 0)
            bad = num_opt(v, &a->max_queries);
        else if (strcmp(k, "--common") == 0)
            bad = num_opt(v, &a->common);
        else if (strcmp(k, "--warmup") == 0)
            bad = num_opt(v, &a->warmup);
        else
            bad = 1;
        if (bad)
            return -1;
    }
    return a->kb_dir && a->queries ? 0 : -1;
}

static void cfg_defaults(bench_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->runs = 3;
    c->queries = 10000;
    c->seed = 42;
    c->out = FAQBOT_BENCH_OUT "/results.json";
    c->work = FAQBOT_BENCH_OUT "/data";
    c->faqbot = FAQBOT_BENCH_FAQBOT;
    c->src = FAQBOT_BENCH_SRC;
    c->kdir = FAQBOT_BENCH_SRC "/knowledge";
    c->dev = FAQBOT_BENCH_SRC "/tests/eval/dev.tsv";
    c->e2e = 1;
    c->e2e_lines = 100000;
    parse_list("real,1000,10000,100000", c, 1);
    parse_list("faqbot,xapian,fts5", c, 0);
}

/* One option at argv[*i]; 0, -1 bad. */
static int cfg_opt(bench_cfg *c, int argc, char **argv, int *i)
{
    const char *k = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    size_t n;
    if (strcmp(k, "--quick") == 0) {
        c->runs = 1;
        c->queries = 2000;
        c->e2e_lines = 20000;
        return parse_list("real,1000,10000", c, 1);
    }
    if (strcmp(k, "--no-e2e") == 0) {
        c->e2e = 0;
        return 0;
    }
    if (!v)
        return -1;
    (*i)++;
    if (strcmp(k, "--runs") == 0)
        return num_opt(v, &n) < 0 || n < 1 || n > 99 ? -1 : (c->runs = (int)n, 0);
    if (strcmp(k, "--queries") == 0)
        return num_opt(v, &c->queries) < 0 || c->queries == 0 ? -1 : 0;
    if (strcmp(k, "--seed") == 0)
        return num_opt(v, &n) < 0 ? -1 : (c->seed = n, 0);
    if (strcmp(k, "--e2e-lines") == 0)
        return num_opt(v, &c->e2e_lines);
    if (strcmp(k, "--sizes") == 0)
        return parse_list(v, c, 1);
    if (strcmp(k, "--systems") == 0)
        return parse_list(v, c, 0);
    const char **dst = strcmp(k, "--out") == 0 ? &c->out
                       : strcmp(k, "--work") == 0 ? &c->work
                       : strcmp(k, "--faqbot") == 0 ? &c->faqbot
                       : strcmp(k, "--knowledge") == 0 ? &c->kdir
                       : strcmp(k, "--dev") == 0 ? &c->dev : NULL;
    if (!dst)
        return -1;
    *dst = v;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--child") == 0) {
        bench_child_args a;
        if (child_args(argc, argv, &a) < 0) {
            fprintf(stderr, "faqbot_bench: bad --child arguments\n");
            return 2;
        }
        return bench_child_main(&a);
    }
    if (argc == 2 && strcmp(argv[1], "--self-test") == 0)
        return bench_selftest();
    bench_cfg c;
    cfg_defaults(&c);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return usage(0);
        if (cfg_opt(&c, argc, argv, &i) < 0) {
            fprintf(stderr, "faqbot_bench: bad option '%s'\n", argv[i]);
            return usage(2);
        }
    }
    return bench_run(&c);
}
