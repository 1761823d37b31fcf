/*
 * bench-report.c - medians over the runs, the faqbot/peer ratios, the
 * goals of issue 6, as a table on stdout and as JSON (results.json).
 */
#include "bench-run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct fig {
    int have;
    size_t entries, queries, common, dev_n, runs;
    double load_s, parse_s, build_s, rss_peak, bpe, qps, p50, p99;
    double load_cpu_s, qps_cpu, p99_raw;
    double agree, agree_common, dev;       /* fractions; dev < 0: none */
    double declined;                       /* share of queries declined */
} fig;

/* Set once building the JSON ran out of memory; the report then fails. */
static int report_oom;

/* Both steal v, as jansson's *_new calls do, also on failure. */
static void put(json_t *o, const char *k, json_t *v)
{
    if (!o || !v) {
        json_decref(v);
        report_oom = 1;
    } else if (json_object_set_new(o, k, v) < 0) {
        report_oom = 1;
    }
}

static void append(json_t *a, json_t *v)
{
    if (!a || !v) {
        json_decref(v);
        report_oom = 1;
    } else if (json_array_append_new(a, v) < 0) {
        report_oom = 1;
    }
}

static double num(json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

/* Median over the runs of field k (or of bytes per entry when k is
 * "bpe"). */
static double med(json_t *runs, const char *k)
{
    size_t n = json_array_size(runs), i;
    double v[128];
    json_t *r;
    if (n > 128)
        n = 128;
    json_array_foreach(runs, i, r) {
        if (i >= n)
            break;
        double e = num(r, "entries");
        v[i] = strcmp(k, "bpe") == 0
                   ? (e > 0 ? (num(r, "rss_peak") - num(r, "rss_base")) / e : 0)
                   : num(r, k);
    }
    return bench_median(v, n);
}

static fig fig_of(json_t *runs)
{
    fig f = {0};
    json_t *r0 = json_array_get(runs, 0);
    if (!r0)
        return f;
    f.have = 1;
    f.runs = json_array_size(runs);
    f.entries = (size_t)num(r0, "entries");
    f.queries = (size_t)num(r0, "queries");
    f.common = (size_t)num(r0, "common");
    f.dev_n = (size_t)num(r0, "dev_queries");
    f.load_s = med(runs, "load_s");
    f.parse_s = med(runs, "parse_s");
    f.build_s = med(runs, "build_s");
    f.rss_peak = med(runs, "rss_peak");
    f.bpe = med(runs, "bpe");
    f.qps = med(runs, "qps");
    f.p50 = med(runs, "p50_us");
    f.p99 = med(runs, "p99_us");
    f.load_cpu_s = med(runs, "load_cpu_s");
    f.qps_cpu = med(runs, "qps_cpu");
    f.p99_raw = med(runs, "p99_raw_us");
    /* answers are deterministic: the first run's counts */
    f.agree = f.queries ? num(r0, "agree") / (double)f.queries : 0;
    f.declined = f.queries ? num(r0, "declined") / (double)f.queries : 0;
    f.agree_common = f.common ? num(r0, "agree_common") / (double)f.common : 0;
    f.dev = f.dev_n ? num(r0, "dev_agree") / (double)f.dev_n : -1;
    return f;
}

/* New reference: caller decrefs. */
static json_t *fig_json(const fig *f)
{
    json_t *o = json_pack(
        "{s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, "
        "s:f}",
        "runs", (json_int_t)f->runs, "entries", (json_int_t)f->entries,
        "queries", (json_int_t)f->queries, "common", (json_int_t)f->common,
        "load_s", f->load_s, "parse_s", f->parse_s, "build_s", f->build_s,
        "rss_peak", f->rss_peak, "bytes_per_entry", f->bpe, "qps", f->qps,
        "p50_us", f->p50, "p99_us", f->p99, "top1", f->agree,
        "top1_common", f->agree_common);
    if (o) {
        put(o, "load_cpu_s", json_real(f->load_cpu_s));
        put(o, "qps_cpu", json_real(f->qps_cpu));
        put(o, "p99_raw_us", json_real(f->p99_raw));
        put(o, "declined", json_real(f->declined));
        if (!bench_faqbot_ranked)
            put(o, "top1_when_answering", json_real(
                    f->declined < 1 ? f->agree / (1 - f->declined) : 0));
    }
    if (o && f->dev >= 0)
        put(o, "dev_top1", json_real(f->dev));
    return o;
}

static void print_fig(const char *kb, const char *sys, const fig *f)
{
    char dev[16] = "";
    if (f->dev >= 0)
        snprintf(dev, sizeof dev, "%5.1f%%", 100 * f->dev);
    printf("%-7s %-7s %7zu %6zu %9.1f %9.1f %8.1f %8.0f %10.0f %8.1f %8.1f "
           "%6.1f%% %6.1f%% %5.1f%% %s\n", kb, sys, f->entries, f->queries,
           f->load_s * 1e3, f->build_s * 1e3, f->rss_peak / 1048576.0, f->bpe,
           f->qps, f->p50, f->p99, 100 * f->agree, 100 * f->agree_common,
           100 * f->declined, dev);
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

/* faqbot / peer, printed and returned as JSON (new reference). */
static json_t *ratio_row(const char *peer, const fig *me, const fig *p)
{
    printf("        faqbot/%-6s  q/s %.1fx (CPU time %.1fx)  p99 %.3fx  build "
           "%.2fx  load %.2fx  peak RSS %.2fx  top-1@%zu %+.1f pts\n", peer,
           ratio(me->qps, p->qps), ratio(me->qps_cpu, p->qps_cpu),
           ratio(me->p99, p->p99),
           ratio(me->build_s, p->build_s), ratio(me->load_s, p->load_s),
           ratio(me->rss_peak, p->rss_peak), me->common,
           100 * (me->agree_common - p->agree_common));
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "qps",
                     ratio(me->qps, p->qps), "qps_cpu",
                     ratio(me->qps_cpu, p->qps_cpu), "p99", ratio(me->p99, p->p99),
                     "build", ratio(me->build_s, p->build_s), "load",
                     ratio(me->load_s, p->load_s), "rss_peak",
                     ratio(me->rss_peak, p->rss_peak), "bytes_per_entry",
                     ratio(me->bpe, p->bpe), "top1_common_diff",
                     me->agree_common - p->agree_common);
}

/* ---- goals ------------------------------------------------------------ */

typedef struct goals {
    json_t *list;
    int missed;
} goals;

static void goal(goals *g, const char *what, double value, double target,
                 int higher_is_better, const char *unit)
{
    int ok = higher_is_better ? value >= target : value <= target;
    g->missed += !ok;
    printf("  %-4s %-52s %12.2f %s (goal %s %.2f)\n", ok ? "PASS" : "MISS",
           what, value, unit, higher_is_better ? ">=" : "<=", target);
    append(g->list, json_pack("{s:s, s:f, s:f, s:s, s:b}",
                                             "goal", what, "value", value,
                                             "target", target, "unit", unit,
                                             "pass", ok));
}

/* Agreement of both systems on the largest query prefix both ran (from
 * the first run's "agree_at"; answers are deterministic).  Returns that
 * prefix length, 0 if none. */
static size_t same_prefix(json_t *mine, json_t *theirs, double *a, double *b)
{
    json_t *x = json_object_get(json_array_get(mine, 0), "agree_at");
    json_t *y = json_object_get(json_array_get(theirs, 0), "agree_at");
    const char *key;
    json_t *v;
    size_t best = 0;
    json_object_foreach(x, key, v) {
        size_t n = (size_t)strtoul(key, NULL, 10);
        json_t *w = json_object_get(y, key);
        if (w && n > best) {
            best = n;
            *a = json_number_value(v) / (double)n;
            *b = json_number_value(w) / (double)n;
        }
    }
    return best;
}

static void case_goals(goals *g, const bench_case *k, const fig *me,
                       const fig *xap)
{
    char what[128];
    if (xap->have) {
        snprintf(what, sizeof what, "%s: q/s vs Xapian", k->name);
        goal(g, what, ratio(me->qps, xap->qps), 10, 1, "x");
        double a = me->agree, b = xap->agree;
        size_t n = me->queries;
        if (me->queries != xap->queries) {
            n = same_prefix(json_object_get(k->runs, "faqbot"),
                            json_object_get(k->runs, "xapian"), &a, &b);
            if (n == 0) {
                n = me->common;
                a = me->agree_common;
                b = xap->agree_common;
            }
        }
        snprintf(what, sizeof what, "%s: top-1 minus Xapian's (same %zu q)",
                 k->name, n);
        goal(g, what, 100 * (a - b), 0, 1, "pts");
    }
    if (k->size >= 100000) {
        snprintf(what, sizeof what, "%s: index build (load minus JSON parse)",
                 k->name);
        goal(g, what, me->build_s * 1e3, 1000, 0, "ms");
        snprintf(what, sizeof what, "%s: p99 latency", k->name);
        goal(g, what, me->p99, 500, 0, "us");
        snprintf(what, sizeof what, "%s: peak RSS", k->name);
        goal(g, what, me->rss_peak / 1048576.0, 120, 0, "MB");
    }
}

/* ---- end to end ------------------------------------------------------- */

/* Prints the end-to-end figures; returns them (new reference) or JSON
 * null when there were none. */
static json_t *e2e_report(json_t *runs)
{
    size_t n = json_array_size(runs);
    if (n == 0)
        return json_null();
    double qps = med(runs, "qps"), tot = med(runs, "qps_total");
    double qps1 = med(runs, "qps_1");
    double first = med(runs, "first_answer_s"), empty = med(runs,
                                                            "startup_empty_s");
    double rss = med(runs, "rss"), run_first = med(runs, "run_first_answer_s");
    double run_rss = med(runs, "run_rss");
    printf("\nEnd to end, real knowledge base, `faqbot ask --batch` "
           "(%zu runs, %.0f questions each)\n", n,
           num(json_array_get(runs, 0), "questions"));
    printf("  questions/s %.0f with --jobs %ld, the default (steady; %.0f "
           "including start-up); %.0f with --jobs 1\n", qps,
           sysconf(_SC_NPROCESSORS_ONLN), tot, qps1);
    printf("  start-up to first answer %.2f ms; start-up and exit with no "
           "input %.2f ms; peak RSS %.2f MB\n", first * 1e3, empty * 1e3,
           rss / 1048576.0);
    printf("  the bot (`faqbot run`, console plugin): start-up to first answer "
           "%.2f ms, peak RSS %.2f MB\n", run_first * 1e3, run_rss / 1048576.0);
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:O}", "qps",
                     qps, "qps_1", qps1, "qps_total", tot, "first_answer_s", first,
                     "startup_empty_s", empty, "rss", rss,
                     "run_first_answer_s", run_first, "run_rss", run_rss,
                     "runs", runs);
}

static void e2e_goals(goals *g, json_t *runs)
{
    if (json_array_size(runs) == 0)
        return;
    goal(g, "end to end: questions/s (ask --batch, threads = CPUs)",
         med(runs, "qps"), 300000, 1, "q/s");
    goal(g, "end to end: questions/s (ask --batch --jobs 1)",
         med(runs, "qps_1"), 300000, 1, "q/s");
    goal(g, "end to end: peak RSS (ask --batch)", med(runs, "rss") / 1048576.0,
         10, 0, "MB");
    goal(g, "the bot (faqbot run): peak RSS", med(runs, "run_rss") / 1048576.0,
         10, 0, "MB");
    goal(g, "end to end: start-up to first answer (ask --batch)",
         med(runs, "first_answer_s") * 1e3, 20, 0, "ms");
    goal(g, "the bot (faqbot run): start-up to first answer",
         med(runs, "run_first_answer_s") * 1e3, 20, 0, "ms");
}

/* ---- the whole report ------------------------------------------------- */

static void print_head(const bench_cfg *c)
{
    printf("\nfaqbot benchmark: medians of %d run%s, seed %llu, %ld CPUs; one "
           "query thread per system\n", c->runs, c->runs == 1 ? "" : "s",
           (unsigned long long)c->seed, sysconf(_SC_NPROCESSORS_ONLN));
    printf("load = knowledge dir -> ready (JSON parse + index); build = load "
           "minus reading/parsing the JSON (faqbot: minus kb_load_times' "
           "read+validate);\npeak = VmHWM of the system's own process; "
           "B/entry = (peak - RSS before loading) / entries;\nq/s: median of up "
           "to 3 passes; p50/p99: of each query's fastest pass; "
           "top-1@N = agreement on the first N queries, which every system "
           "ran; decl. = share declined (no answer);\n"
           "faqbot's top-1 is %s.\n\n", bench_faqbot_top1);
    printf("%-7s %-7s %7s %6s %9s %9s %8s %8s %10s %8s %8s %7s %7s %6s %s\n",
           "kb", "system", "entries", "quer.", "load ms", "build ms", "peak MB",
           "B/entry", "q/s", "p50 us", "p99 us", "top-1", "top-1@N", "decl.",
           "dev");
}

/* Figures of one knowledge base: rows and ratios; its JSON (new
 * reference: caller decrefs). */
static json_t *case_report(const bench_cfg *c, const bench_case *k, fig *me,
                           fig *xap)
{
    json_t *sys = json_object(), *rat = json_object();
    fig f[BENCH_MAX_LIST];
    for (size_t s = 0; s < c->n_systems; s++) {
        json_t *runs = json_object_get(k->runs, c->systems[s]);
        f[s] = fig_of(runs);
        print_fig(k->name, c->systems[s], &f[s]);
        json_t *o = fig_json(&f[s]);
        put(o, "runs", runs ? json_incref(runs) : json_null());
        put(sys, c->systems[s], o);
        if (strcmp(c->systems[s], "faqbot") == 0)
            *me = f[s];
        if (strcmp(c->systems[s], "xapian") == 0)
            *xap = f[s];
    }
    if (me->have && me->declined > 0 && !bench_faqbot_ranked)
        printf("        faqbot declines %.1f%% of these queries; top-1 of the "
               "rest: %.1f%%\n", 100 * me->declined,
               me->declined < 1 ? 100 * me->agree / (1 - me->declined) : 0);
    for (size_t s = 0; me->have && s < c->n_systems; s++) {
        if (strcmp(c->systems[s], "faqbot") != 0)
            put(rat, c->systems[s],
                                ratio_row(c->systems[s], me, &f[s]));
    }
    return json_pack("{s:s, s:I, s:I, s:o, s:o}", "name", k->name, "size",
                     (json_int_t)k->size, "common", (json_int_t)k->common,
                     "systems", sys, "ratios", rat);
}

/* First line of a shell command's output into buf ("" if none). */
static void meta_cmd(const char *cmd, char *buf, size_t len)
{
    FILE *p = popen(cmd, "r");
    buf[0] = '\0';
    if (!p)
        return;
    if (fgets(buf, (int)len, p))
        buf[strcspn(buf, "\n")] = '\0';
    pclose(p);
}

/* Commit, date, machine, options (new reference). */
static json_t *meta_json(const bench_cfg *c)
{
    char commit[64] = "unknown", dirty[256] = "", date[32], cmd[4200];
    /* the engine measured may carry uncommitted changes: say so */
    if (!strchr(c->src, '\'') &&
        bench_path(cmd, sizeof cmd, "git -C '%s' rev-parse --short HEAD "
                   "2>/dev/null", c->src) == 0)
        meta_cmd(cmd, commit, sizeof commit);
    if (!strchr(c->src, '\'') &&
        bench_path(cmd, sizeof cmd, "git -C '%s' status --porcelain -- bot "
                   "2>/dev/null | wc -l", c->src) == 0)
        meta_cmd(cmd, dirty, sizeof dirty);
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    printf("commit %s%s\n", commit, atoi(dirty) > 0
                                       ? " (bot/ has uncommitted changes)" : "");
    return json_pack("{s:s, s:s, s:i, s:s, s:I, s:I, s:I, s:I}", "faqbot_top1",
                     bench_faqbot_top1, "commit", commit, "bot_dirty_files",
                     atoi(dirty),
                     "date", date, "cpus",
                     (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "seed",
                     (json_int_t)c->seed, "runs", (json_int_t)c->runs,
                     "queries", (json_int_t)c->queries);
}

int bench_report(const bench_cfg *c, bench_case *cases, size_t n, json_t *e2e)
{
    goals g = {json_array(), 0};
    json_t *jc = json_array();
    fig me[BENCH_MAX_LIST], xap[BENCH_MAX_LIST];
    print_head(c);
    for (size_t i = 0; i < n; i++) {
        memset(&me[i], 0, sizeof me[i]);
        memset(&xap[i], 0, sizeof xap[i]);
        append(jc, case_report(c, &cases[i], &me[i], &xap[i]));
    }
    json_t *je = e2e_report(e2e);
    printf("\nGoals\n");
    for (size_t i = 0; i < n; i++) {
        if (me[i].have)
            case_goals(&g, &cases[i], &me[i], &xap[i]);
    }
    e2e_goals(&g, e2e);
    printf("%d goal%s missed\n", g.missed, g.missed == 1 ? "" : "s");
    json_t *root = json_pack("{s:o, s:o, s:o, s:o}", "meta", meta_json(c),
                             "cases", jc, "e2e", je, "goals", g.list);
    int rc = root && !report_oom &&
             json_dump_file(root, c->out, JSON_INDENT(1)) == 0 ? 0 : -1;
    if (rc < 0)
        fprintf(stderr, "faqbot_bench: cannot write %s\n", c->out);
    else
        printf("results: %s\n", c->out);
    json_decref(root);
    return rc;
}
