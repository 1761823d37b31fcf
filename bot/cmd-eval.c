/* cmd-eval.c - `faqbot eval FILE.tsv`: answer quality on a labelled set.
 * Lines: question<TAB>expected, expected = id, id|id..., or "-" (should
 * not answer); '#' starts a comment. */
#include "app.h"
#include "commands.h"
#include "router.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct eval_counts {
    size_t in_total, in_ok, out_total, out_ok, urg_total, urg_ok;
} eval_counts;

static int eval_usage(void)
{
    printf("usage: faqbot eval [--knowledge DIR] [--config FILE] [--quiet]\n"
           "                   [--min-in-scope R] [--min-out-of-scope R] [--min-urgent R]\n"
           "                   FILE.tsv\n\n"
           "Routes every question of FILE.tsv (question<TAB>expected; expected is\n"
           "an entry id, several ids joined by '|', or '-' for \"should not\n"
           "answer\"; '#' comments) and prints each miss, then the answered-\n"
           "correct rate on in-scope questions, the correct-abstain rate on\n"
           "out-of-scope ones, the urgent recall, and 'N passed, M failed'.\n"
           "Exits 1 when a rate is below its --min-* threshold (0..1).\n");
    return 0;
}

/* 1 when id is one of the '|'-separated ids in list. */
static int id_in(const char *id, const char *list)
{
    size_t n = strlen(id);
    for (const char *p = list; *p;) {
        size_t m = strcspn(p, "|");
        if (m == n && strncmp(p, id, n) == 0)
            return 1;
        p += m + (p[m] == '|');
    }
    return 0;
}

/* Every id of list exists?  Reports the first unknown one. */
static int ids_known(const kb *k, const char *list, size_t lineno)
{
    char id[128];
    for (const char *p = list; *p;) {
        size_t m = strcspn(p, "|");
        snprintf(id, sizeof id, "%.*s", (int)m, p);
        if (!kb_find(k, id)) {
            fprintf(stderr, "eval: line %zu: unknown entry id '%s'\n", lineno, id);
            return 0;
        }
        p += m + (p[m] == '|');
    }
    return 1;
}

static void print_miss(size_t lineno, const char *q, const char *expected,
                       const route_out *o)
{
    printf("miss: line %zu: \"%s\" expected %s, got %s", lineno, q, expected,
           router_status_name(o));
    if (o->kind == FAQBOT_REPLY_ANSWER || o->kind == FAQBOT_REPLY_URGENT)
        printf(" %s", o->res.entry->id);
    for (size_t i = 0; i < o->n_sugg; i++)
        printf("%s%s", i ? ", " : " (", o->sugg[i].entry_id);
    printf("%s (score %.3f, confidence %.3f)\n", o->n_sugg ? ")" : "",
           o->res.score, o->res.confidence);
}

/* Judge one routed line; returns 1 when it passed. */
static int eval_judge(const kb *k, const char *expected, const route_out *o,
                      eval_counts *c)
{
    const char *urgent = kb_urgent_entry_id(k);
    if (strcmp(expected, "-") == 0) {
        c->out_total++;
        return o->kind == FAQBOT_REPLY_NO_ANSWER ? (c->out_ok++, 1) : 0;
    }
    if (urgent && id_in(urgent, expected)) {
        c->urg_total++;
        return o->kind == FAQBOT_REPLY_URGENT ? (c->urg_ok++, 1) : 0;
    }
    c->in_total++;
    int ok = o->kind == FAQBOT_REPLY_ANSWER && id_in(o->res.entry->id, expected);
    c->in_ok += ok;
    return ok;
}

static double rate(size_t ok, size_t total) { return total ? (double)ok / total : 1.0; }

static int eval_file(const kb *k, FILE *f, int quiet, eval_counts *c, size_t *bad)
{
    router_env env = {"your local emergency number", NULL};
    kb_scratch *s = kb_scratch_new();
    route_out o;
    sbuf clean;
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    route_out_init(&o);
    sbuf_init(&clean);
    while (s && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (!tab || !tab[1]) {
            fprintf(stderr, "eval: line %zu: expected question<TAB>expected\n", lineno);
            (*bad)++;
            continue;
        }
        *tab = '\0';
        const char *expected = tab + 1;
        if (strcmp(expected, "-") != 0 && !ids_known(k, expected, lineno)) {
            (*bad)++;
            continue;
        }
        sbuf_reset(&clean);
        utf8_sanitize(line, strlen(line), &clean);
        if (router_route(&env, k, s, sbuf_str(&clean), NULL, &o) < 0)
            break;
        if (!eval_judge(k, expected, &o, c) && !quiet)
            print_miss(lineno, line, expected, &o);
    }
    free(line);
    sbuf_free(&clean);
    route_out_free(&o);
    kb_scratch_free(s);
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    const char *cfg_path = NULL, *kdir = NULL, *file = NULL, *v;
    double min_in = 0, min_out = 0, min_urg = 0;
    int quiet = 0;
    if (cmd_wants_help(argc, argv))
        return eval_usage();
    for (int i = 0; i < argc; i++) {
        if (app_opt(argc, argv, &i, "--config", &v)) cfg_path = v;
        else if (app_opt(argc, argv, &i, "--knowledge", &v)) kdir = v;
        else if (app_opt(argc, argv, &i, "--min-in-scope", &v)) min_in = atof(v);
        else if (app_opt(argc, argv, &i, "--min-out-of-scope", &v)) min_out = atof(v);
        else if (app_opt(argc, argv, &i, "--min-urgent", &v)) min_urg = atof(v);
        else if (strcmp(argv[i], "--quiet") == 0) quiet = 1;
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "faqbot eval: unknown option '%s'\n", argv[i]);
            return 2;
        } else file = argv[i];
    }
    if (!file) {
        fprintf(stderr, "faqbot eval: give a FILE.tsv\n");
        return 2;
    }
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (!f) {
        perror(file);
        return 2;
    }
    config cfg;
    kb *k = NULL;
    if (app_config(cfg_path, &cfg) == 0) {
        k = app_knowledge(&cfg, kdir, NULL, 0);
        config_free(&cfg);
    }
    if (!k) {
        if (f != stdin)
            fclose(f);
        return 2;
    }
    eval_counts c = {0};
    size_t bad = 0;
    eval_file(k, f, quiet, &c, &bad);
    if (f != stdin)
        fclose(f);
    kb_free(k);
    size_t passed = c.in_ok + c.out_ok + c.urg_ok;
    size_t total = c.in_total + c.out_total + c.urg_total;
    double ri = rate(c.in_ok, c.in_total), ro = rate(c.out_ok, c.out_total),
           ru = rate(c.urg_ok, c.urg_total);
    printf("in-scope answered correctly: %zu/%zu = %.1f%%\n", c.in_ok, c.in_total, 100 * ri);
    printf("out-of-scope abstained:      %zu/%zu = %.1f%%\n", c.out_ok, c.out_total, 100 * ro);
    printf("urgent recall:               %zu/%zu = %.1f%%\n", c.urg_ok, c.urg_total, 100 * ru);
    printf("%zu passed, %zu failed\n", passed, total - passed + bad);
    if (bad)
        return 2;
    return (ri < min_in || ro < min_out || ru < min_urg) ? 1 : 0;
}
