/* cmd-kb-gaps.c - `faqbot kb gaps [FILE]`: the questions the bot could not
 * answer, grouped by stemmed similarity, most frequent first, each with
 * the closest existing entry: the list a maintainer works through next. */
#include "app.h"
#include "cmd-kb.h"
#include "commands.h"
#include "gaps.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int gaps_usage(void)
{
    printf("usage: faqbot kb gaps [FILE] [--config FILE] [--knowledge DIR]\n"
           "                      [--threshold 0.5] [--top N] [--json]\n\n"
           "Reads the knowledge-gap log (FILE, default: the config's gaps.file;\n"
           "enable it with \"gaps\": {\"file\": \"...\"}), groups questions whose\n"
           "stemmed words overlap (Jaccard >= threshold), and prints the groups,\n"
           "most frequent first, with an example wording and the closest entry.\n");
    return 0;
}

static void print_text(const gap_report *r, size_t top)
{
    printf("%zu questions in %zu groups", r->n_questions, r->n_groups);
    if (r->n_skipped)
        printf(" (%zu lines skipped)", r->n_skipped);
    printf("\n%6s  %-8s  %-24s  %s\n", "count", "variants", "closest (overlap)", "example");
    for (size_t i = 0; i < r->n_groups && i < top; i++) {
        const gap_group *g = &r->groups[i];
        char closest[96];
        snprintf(closest, sizeof closest, "%s (%.2f)",
                 g->closest ? g->closest->id : "-", g->score);
        printf("%6zu  %-8zu  %-24s  %s\n", g->count, g->n_variants, closest,
               g->example);
    }
}

static int print_json(const gap_report *r, size_t top)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < r->n_groups && i < top; i++) {
        const gap_group *g = &r->groups[i];
        json_t *o = json_pack("{sIsIsssosf}", "count", (json_int_t)g->count,
                              "variants", (json_int_t)g->n_variants,
                              "example", g->example, "closest",
                              g->closest ? json_string(g->closest->id) : json_null(),
                              "score", g->score);
        if (!o || json_array_append_new(arr, o) < 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    char *s = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!s)
        return -1;
    printf("%s\n", s);
    free(s);
    return 0;
}

int cmd_kb_gaps(int argc, char **argv)
{
    const char *file = NULL, *cfg_path = NULL, *kdir = NULL, *v;
    double threshold = 0.5;
    long top = 50;
    int json = 0, rc = 1;
    if (cmd_wants_help(argc, argv))
        return gaps_usage();
    for (int i = 0; i < argc; i++) {
        if (app_opt(argc, argv, &i, "--config", &v))
            cfg_path = v;
        else if (app_opt(argc, argv, &i, "--knowledge", &v))
            kdir = v;
        else if (app_opt(argc, argv, &i, "--threshold", &v))
            threshold = atof(v);
        else if (app_opt(argc, argv, &i, "--top", &v))
            top = atol(v);
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (argv[i][0] == '-' || file) {
            fprintf(stderr, "faqbot kb gaps: unexpected '%s'\n", argv[i]);
            return 2;
        } else
            file = argv[i];
    }
    if (threshold <= 0 || threshold > 1 || top <= 0) {
        fprintf(stderr, "faqbot kb gaps: --threshold is in (0, 1], --top > 0\n");
        return 2;
    }
    config cfg;
    if (app_config(cfg_path, &cfg) < 0)
        return 1;
    if (!file)
        file = cfg.gaps_file;
    kb *k = file ? app_knowledge(&cfg, kdir, NULL, 0) : NULL;
    gap_report r;
    char err[512];
    if (!file)
        fprintf(stderr, "faqbot kb gaps: give FILE, or set gaps.file in the config\n");
    else if (k && gap_report_build(file, k, threshold, &r, err, sizeof err) < 0)
        fprintf(stderr, "faqbot kb gaps: %s\n", err);
    else if (k) {
        if (json)
            rc = print_json(&r, (size_t)top) < 0;
        else {
            print_text(&r, (size_t)top);
            rc = 0;
        }
        gap_report_free(&r);
    }
    kb_free(k);
    config_free(&cfg);
    return rc;
}
