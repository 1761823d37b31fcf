/*
 * kb-bench - speed and memory of the knowledge engine on a knowledge
 * directory (e.g. one made by gen-synthetic.py):
 *   kb-bench DIR QUERIES.txt [ROUNDS] [lazy]
 * prints load+index time, index-only time, RSS, queries per second on
 * one thread and per-query latency percentiles.  "lazy": loaded with
 * KB_LOAD_LAZY_TEXT (questions and answers read back from the files).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kb.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of this thread: steadier than wall time on a busy machine. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, field, n) == 0)
            v = strtol(line + n, NULL, 10);
    }
    if (f)
        fclose(f);
    return v;
}

/* FNV-1a over the bytes of x, continuing from h. */
static uint64_t fnv(uint64_t h, const void *x, size_t n)
{
    const unsigned char *p = x;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

/* A query's result folded into h: equal sums, equal results. */
static uint64_t result_sum(uint64_t h, const kb *k, const kb_result *r)
{
    long best = r->best ? (long)(r->best - kb_entry_at(k, 0)) : -1;
    h = fnv(h, &r->status, sizeof r->status);
    h = fnv(h, &best, sizeof best);
    h = fnv(h, &r->score, sizeof r->score);
    return fnv(h, &r->confidence, sizeof r->confidence);
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: kb-bench DIR QUERIES.txt [ROUNDS] [lazy]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    kb_load_opts o = {KB_FEAT_ALL};
    if (argc > 4 && strcmp(argv[4], "lazy") == 0)
        o.features |= KB_LOAD_LAZY_TEXT;
    kb_diag d;
    kb_diag_init(&d);
    double t0 = now();
    kb *k = kb_load_ex(argv[1], &o, &d);
    double t1 = now();
    if (!k) {
        fprintf(stderr, "load failed (%zu errors)\n", d.errors);
        return 1;
    }
    double tr, ti;
    kb_load_times(k, &tr, &ti);
    printf("entries %zu, load+validate+index %.3f s (read+validate %.3f s, "
           "index %.3f s)\n", kb_entry_count(k), t1 - t0, tr, ti);
    printf("RSS after load %ld kB (peak %ld kB)\n", rss_kb("VmRSS:"),
           rss_kb("VmHWM:"));
    FILE *f = fopen(argv[2], "r");
    if (!f)
        return 1;
    char **qs = NULL, line[2048];
    size_t nq = 0, cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (nq == cap) {
            cap = cap ? cap * 2 : 256;
            qs = realloc(qs, cap * sizeof *qs);
        }
        qs[nq++] = strdup(line);
    }
    fclose(f);
    kb_scratch *s = kb_scratch_new();
    double *lat = malloc((nq * rounds + 1) * sizeof *lat);
    size_t answered = 0, nl = 0;
    uint64_t sum = 1469598103934665603ull;
    double tq0 = now(), cq0 = cpu();
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < nq; i++) {
            kb_result res;
            double a = cpu();
            kb_match(k, s, qs[i], strlen(qs[i]), &res);
            lat[nl++] = cpu() - a;
            answered += res.status == KB_ANSWERED;
            if (r == 0)
                sum = result_sum(sum, k, &res);
        }
    }
    double tq = now() - tq0, cq = cpu() - cq0;
    if (nl == 0)
        nl = 1, lat[0] = 0;
    qsort(lat, nl, sizeof *lat, dcmp);
    printf("queries %zu x %d: %.0f q/s wall, %.0f q/s cpu; cpu time per query"
           " p50 %.1f us, p99 %.1f us, max %.1f us; answered %.1f%%\n", nq,
           rounds, nl / tq, nl / cq, lat[nl / 2] * 1e6,
           lat[nl * 99 / 100] * 1e6, lat[nl - 1] * 1e6,
           100.0 * answered / nl);
    printf("results checksum %016llx (status, best entry, score, "
           "confidence of each query)\n", (unsigned long long)sum);
    printf("RSS at end %ld kB (peak %ld kB)\n", rss_kb("VmRSS:"),
           rss_kb("VmHWM:"));
    kb_scratch_free(s);
    kb_free(k);
    kb_diag_free(&d);
    for (size_t i = 0; i < nq; i++)
        free(qs[i]);
    free(qs);
    free(lat);
    return 0;
}
