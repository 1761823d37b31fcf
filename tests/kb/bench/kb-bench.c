/*
 * kb-bench - speed and memory of the knowledge engine on a knowledge
 * directory (e.g. one made by gen-synthetic.py):
 *   kb-bench DIR QUERIES.txt [ROUNDS]
 * prints load+index time, index-only time, RSS, queries per second on
 * one thread and per-query latency percentiles.
 */
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

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: kb-bench DIR QUERIES.txt [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    kb_diag d;
    kb_diag_init(&d);
    double t0 = now();
    kb *k = kb_load(argv[1], &d);
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
    double tq0 = now(), cq0 = cpu();
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < nq; i++) {
            kb_result res;
            double a = cpu();
            kb_match(k, s, qs[i], strlen(qs[i]), &res);
            lat[nl++] = cpu() - a;
            answered += res.status == KB_ANSWERED;
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
