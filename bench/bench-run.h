/* bench-run.h - the parent's plan: options, the knowledge bases ("cases")
 * and their results; bench-run.c runs them, bench-report.c prints and
 * saves them. */
#ifndef FAQBOT_BENCH_RUN_H
#define FAQBOT_BENCH_RUN_H

#include "bench.h"

#define BENCH_MAX_LIST 8

typedef struct bench_cfg {
    int runs;
    size_t queries;
    uint64_t seed;
    const char *out, *work, *faqbot, *kdir, *dev, *src;
    size_t sizes[BENCH_MAX_LIST];        /* 0 = the real knowledge base */
    size_t n_sizes;
    const char *systems[BENCH_MAX_LIST];
    size_t n_systems;
    int e2e;
    size_t e2e_lines;
} bench_cfg;

typedef struct bench_case {
    char name[32];
    size_t size;                         /* 0 = real */
    char kb_dir[4096], queries[4096];
    const char *dev;                     /* eval set (real only) or NULL */
    size_t cap[BENCH_MAX_LIST];          /* queries per system */
    size_t common;                       /* smallest cap */
    json_t *runs;                        /* {"system": [run, ...]} */
} bench_case;

/* Everything: generate, measure, report.  Exit code. */
int bench_run(const bench_cfg *c);

/* Table on stdout and JSON at c->out.  e2e: array of bench_e2e runs as
 * JSON objects (may be empty).  0, -1 when the file cannot be written. */
int bench_report(const bench_cfg *c, bench_case *cases, size_t n,
                 json_t *e2e);

#endif
