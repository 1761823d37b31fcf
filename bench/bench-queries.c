/* bench-queries.c - query sets: "question<TAB>id|id" lines, as in
 * the eval sets in tests/eval/. */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bench_qset_add(bench_qset *s, const char *text, const char *targets)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        bench_query *v = realloc(s->q, cap * sizeof *v);
        if (!v)
            return -1;
        s->q = v;
        s->cap = cap;
    }
    char *t = strdup(text), *g = strdup(targets);
    if (!t || !g) {
        free(t);
        free(g);
        return -1;
    }
    s->q[s->n++] = (bench_query){t, g};
    return 0;
}

void bench_qset_free(bench_qset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->q[i].text);
        free(s->q[i].targets);
    }
    free(s->q);
    memset(s, 0, sizeof *s);
}

/* One line (newline already stripped): 1 added, 0 skipped, -1 OOM. */
static int qset_line(bench_qset *s, char *line, int skip_none)
{
    if (line[0] == '#' || line[0] == '\0')
        return 0;
    char *tab = strchr(line, '\t');
    if (!tab)
        return 0;
    *tab = '\0';
    const char *targets = tab + 1;
    if (skip_none && strcmp(targets, "-") == 0)
        return 0;
    return bench_qset_add(s, line, targets) < 0 ? -1 : 1;
}

int bench_qset_read(bench_qset *s, const char *path, size_t max,
                    int skip_none)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "faqbot_bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((max == 0 || s->n < max) && (n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (qset_line(s, line, skip_none) < 0) {
            fprintf(stderr, "faqbot_bench: %s: out of memory\n", path);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "faqbot_bench: %s: read error\n", path);
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

int bench_qset_write(const bench_qset *s, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "faqbot_bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < s->n && !bad; i++)
        bad = fprintf(f, "%s\t%s\n", s->q[i].text, s->q[i].targets) < 0;
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "faqbot_bench: %s: write error\n", path);
        return -1;
    }
    return 0;
}

int bench_target_has(const char *targets, const char *id)
{
    size_t n = strlen(id);
    const char *p = targets;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, id, n) == 0)
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}
