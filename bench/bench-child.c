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

typedef struct pass {
    size_t n, agree, agree_common, fail;
    double wall_s, cpu_s, p50_us, p99_us;
} pass;

/* Time every query of qs; latencies in lat (qs->n doubles). */
static void child_pass(const bench_sys *sys, void *h, const bench_qset *qs,
                       size_t common, double *lat, pass *p)
{
    memset(p, 0, sizeof *p);
    p->n = qs->n;
    double t0 = bench_now(), c0 = bench_cpu_now();
    for (size_t i = 0; i < qs->n; i++) {
        const bench_query *q = &qs->q[i];
        int fail = 0;
        double a = bench_now();
        const char *top = sys->query(h, q->text, strlen(q->text), &fail);
        lat[i] = bench_now() - a;
        p->fail += (size_t)fail;
        if (top && bench_target_has(q->targets, top)) {
            p->agree++;
            p->agree_common += i < common;
        }
    }
    p->wall_s = bench_now() - t0;
    p->cpu_s = bench_cpu_now() - c0;
    bench_sort(lat, qs->n);
    p->p50_us = bench_percentile(lat, qs->n, 50) * 1e6;
    p->p99_us = bench_percentile(lat, qs->n, 99) * 1e6;
}

static void child_warmup(const bench_sys *sys, void *h, const bench_qset *qs,
                         size_t n)
{
    for (size_t i = 0; i < n && i < qs->n; i++) {
        int fail = 0;
        sys->query(h, qs->q[i].text, strlen(qs->q[i].text), &fail);
    }
}

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
        "queries", (json_int_t)p->n,
        "qps", p->wall_s > 0 ? (double)p->n / p->wall_s : 0.0,
        "p50_us", p->p50_us, "p99_us", p->p99_us,
        "agree", (json_int_t)p->agree, "common", (json_int_t)a->common,
        "agree_common", (json_int_t)p->agree_common,
        "errors", (json_int_t)(p->fail + dev->fail));
    /* CPU-time figures: less sensitive to other work on the machine */
    if (o && (json_object_set_new(o, "load_cpu_s", json_real(load_cpu)) < 0 ||
              json_object_set_new(o, "qps_cpu", json_real(
                  p->cpu_s > 0 ? (double)p->n / p->cpu_s : 0.0)) < 0)) {
        json_decref(o);
        return NULL;
    }
    if (o && dev->n &&
        (json_object_set_new(o, "dev_queries", json_integer((json_int_t)dev->n)) < 0 ||
         json_object_set_new(o, "dev_agree", json_integer((json_int_t)dev->agree)) < 0)) {
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
    child_pass(sys, h, qs, a->common, lat, &p);
    if (dev->n)
        child_pass(sys, h, dev, 0, lat, &pd);
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
    lat = malloc((qs.n > dev.n ? qs.n : dev.n) * sizeof *lat + 1);
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
