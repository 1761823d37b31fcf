/*
 * bench-child.c - the measuring side: one system, one knowledge base, one
 * process.  Loads the queries first (their memory is in the baseline),
 * then builds the index, warms up, times every query on one thread, and
 * prints one JSON object on stdout.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHILD_PASSES 3          /* timed passes over the queries, at most */
#define CHILD_PASS_BUDGET 3.0   /* seconds: no further pass after this */

/* Query counts at which agreement is also reported, so that systems that
 * ran different numbers of queries compare on the same prefix. */
static const size_t child_prefixes[] = {200, 1000, 3000, 5000, 10000};
#define CHILD_NPREFIX (sizeof child_prefixes / sizeof *child_prefixes)

typedef struct pass {
    size_t n, agree, agree_common, fail, declined, passes;
    size_t agree_at[CHILD_NPREFIX];
    double qps, qps_cpu, p50_us, p99_us, p99_raw_us;
} pass;

/* FAQBOT_BENCH_SLOW=N: print the N slowest queries on stderr, for
 * whoever tunes the matcher. */
static void child_slowest(const bench_qset *qs, const double *lat)
{
    const char *env = getenv("FAQBOT_BENCH_SLOW");
    size_t n = env ? (size_t)strtoul(env, NULL, 10) : 0;
    char *done = n ? calloc(qs->n + 1, 1) : NULL;
    for (size_t k = 0; done && k < n && k < qs->n; k++) {
        size_t worst = qs->n;
        for (size_t i = 0; i < qs->n; i++) {
            if (!done[i] && (worst == qs->n || lat[i] > lat[worst]))
                worst = i;
        }
        done[worst] = 1;
        fprintf(stderr, "slow %8.1f us  %s\t%s\n", lat[worst] * 1e6,
                qs->q[worst].text, qs->q[worst].targets);
    }
    free(done);
}

/* One timed pass: latencies into lat, each query's fastest so far into
 * best; answers are counted on the first pass only.  Wall seconds. */
static double child_once(const bench_sys *sys, void *h, const bench_qset *qs,
                         size_t common, int first, double *lat, double *best,
                         pass *p)
{
    double t0 = bench_now();
    for (size_t i = 0; i < qs->n; i++) {
        const bench_query *q = &qs->q[i];
        int fail = 0, declined = 0;
        double a = bench_now();
        const char *top = sys->query(h, q->text, strlen(q->text), &fail,
                                     &declined);
        double d = bench_now() - a;
        best[i] = first || d < best[i] ? d : best[i];
        if (!first)
            continue;
        lat[i] = d;
        p->fail += (size_t)fail;
        p->declined += (size_t)declined;
        if (top && bench_target_has(q->targets, top)) {
            p->agree++;
            p->agree_common += i < common;
            for (size_t j = 0; j < CHILD_NPREFIX; j++)
                p->agree_at[j] += i < child_prefixes[j];
        }
    }
    return bench_now() - t0;
}

/* Up to CHILD_PASSES passes (fewer when slow).  q/s: median over the
 * passes.  p50/p99: of each query's fastest pass, so that a pre-emption
 * by another process does not pass for the system's cost; p99_raw: of
 * the first pass.  lat and best hold qs->n doubles each. */
static void child_pass(const bench_sys *sys, void *h, const bench_qset *qs,
                       size_t common, double *lat, double *best, pass *p)
{
    double qps[CHILD_PASSES], t0 = bench_now(), c0 = bench_cpu_now();
    memset(p, 0, sizeof *p);
    p->n = qs->n;
    while (p->passes < CHILD_PASSES &&
           (p->passes == 0 || bench_now() - t0 < CHILD_PASS_BUDGET)) {
        double wall = child_once(sys, h, qs, common, p->passes == 0, lat,
                                 best, p);
        qps[p->passes++] = wall > 0 ? (double)qs->n / wall : 0;
    }
    double cpu = bench_cpu_now() - c0;
    p->qps = bench_median(qps, p->passes);
    p->qps_cpu = cpu > 0 ? (double)(qs->n * p->passes) / cpu : 0;
    child_slowest(qs, best);
    bench_sort(lat, qs->n);
    bench_sort(best, qs->n);
    p->p99_raw_us = bench_percentile(lat, qs->n, 99) * 1e6;
    p->p50_us = bench_percentile(best, qs->n, 50) * 1e6;
    p->p99_us = bench_percentile(best, qs->n, 99) * 1e6;
}

static void child_warmup(const bench_sys *sys, void *h, const bench_qset *qs,
                         size_t n)
{
    for (size_t i = 0; i < n && i < qs->n; i++) {
        int fail = 0, declined = 0;
        sys->query(h, qs->q[i].text, strlen(qs->q[i].text), &fail, &declined);
    }
}

/* {"200": agreed, ...} for the prefixes this pass covered (new
 * reference), or NULL on OOM. */
static json_t *child_agree_at(const pass *p)
{
    json_t *at = json_object();
    for (size_t j = 0; at && j < CHILD_NPREFIX && child_prefixes[j] <= p->n;
         j++) {
        char key[24];
        snprintf(key, sizeof key, "%zu", child_prefixes[j]);
        if (json_object_set_new(at, key, json_integer(
                                    (json_int_t)p->agree_at[j])) < 0) {
            json_decref(at);
            at = NULL;
        }
    }
    return at;
}

/* The figures beyond the basic ones.  0, or -1 on OOM. */
static int child_extras(json_t *o, const pass *p, const pass *dev,
                        double load_cpu)
{
    /* CPU-time figures: less sensitive to other work on the machine */
    if (json_object_set_new(o, "load_cpu_s", json_real(load_cpu)) < 0 ||
        json_object_set_new(o, "qps_cpu", json_real(p->qps_cpu)) < 0 ||
        json_object_set_new(o, "p99_raw_us", json_real(p->p99_raw_us)) < 0 ||
        json_object_set_new(o, "declined",
                            json_integer((json_int_t)p->declined)) < 0 ||
        json_object_set_new(o, "passes",
                            json_integer((json_int_t)p->passes)) < 0 ||
        json_object_set_new(o, "agree_at", child_agree_at(p)) < 0)
        return -1;
    if (dev->n &&
        (json_object_set_new(o, "dev_queries",
                             json_integer((json_int_t)dev->n)) < 0 ||
         json_object_set_new(o, "dev_agree",
                             json_integer((json_int_t)dev->agree)) < 0))
        return -1;
    return 0;
}

/* The child's figures as one object (new reference: caller decrefs), or
 * NULL on OOM. */
static json_t *child_json(const bench_child_args *a, const bench_build *b,
                          const pass *p, const pass *dev, long long base,
                          long long built, double load_cpu)
{
    json_t *o = json_pack(
        "{s:s, s:I, s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, "
        "s:I, s:I, s:I, s:I}",
        "system", a->system, "entries", (json_int_t)b->entries,
        "load_s", b->load_s, "parse_s", b->parse_s,
        "build_s", b->load_s > b->parse_s ? b->load_s - b->parse_s : 0.0,
        "rss_base", (json_int_t)base, "rss_built", (json_int_t)built,
        "rss_peak", (json_int_t)bench_proc_bytes("VmHWM"),
        "rss_end", (json_int_t)bench_proc_bytes("VmRSS"),
        "queries", (json_int_t)p->n, "qps", p->qps,
        "p50_us", p->p50_us, "p99_us", p->p99_us,
        "agree", (json_int_t)p->agree, "common", (json_int_t)a->common,
        "agree_common", (json_int_t)p->agree_common,
        "errors", (json_int_t)(p->fail + dev->fail));
    if (o && child_extras(o, p, dev, load_cpu) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int child_measure(const bench_child_args *a, const bench_sys *sys,
                         const bench_qset *qs, const bench_qset *dev,
                         double *lat)
{
    char err[512] = "";
    bench_build b = {0};
    long long base = bench_proc_bytes("VmRSS");
    double c0 = bench_cpu_now();
    void *h = sys->open(a->kb_dir, &b, err, sizeof err);
    double load_cpu = bench_cpu_now() - c0;
    if (!h) {
        fprintf(stderr, "faqbot_bench: %s: %s\n", sys->name, err);
        return 1;
    }
    long long built = bench_proc_bytes("VmRSS");
    child_warmup(sys, h, qs, a->warmup);
    pass p, pd = {0};
    child_pass(sys, h, qs, a->common, lat, lat + qs->n, &p);
    if (dev->n)
        child_pass(sys, h, dev, 0, lat, lat + dev->n, &pd);
    json_t *o = child_json(a, &b, &p, &pd, base, built, load_cpu);
    int rc = o && json_dumpf(o, stdout, JSON_COMPACT) == 0 &&
             fputc('\n', stdout) != EOF && fflush(stdout) == 0 ? 0 : 1;
    json_decref(o);
    sys->close(h);
    return rc;
}

int bench_child_main(const bench_child_args *a)
{
    const bench_sys *sys = bench_sys_find(a->system);
    bench_qset qs = {0}, dev = {0};
    double *lat = NULL;
    int rc = 1;
    if (!sys) {
        fprintf(stderr, "faqbot_bench: unknown system '%s'\n", a->system);
        return 2;
    }
    if (bench_qset_read(&qs, a->queries, a->max_queries, 1) < 0 ||
        (a->dev && bench_qset_read(&dev, a->dev, 0, 1) < 0))
        goto done;
    /* latencies, then each query's fastest */
    lat = malloc(2 * (qs.n > dev.n ? qs.n : dev.n) * sizeof *lat + 1);
    if (!lat) {
        fprintf(stderr, "faqbot_bench: out of memory\n");
        goto done;
    }
    rc = child_measure(a, sys, &qs, &dev, lat);
done:
    free(lat);
    bench_qset_free(&qs);
    bench_qset_free(&dev);
    return rc;
}
