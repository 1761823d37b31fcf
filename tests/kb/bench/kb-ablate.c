/*
 * kb-ablate - the gain of each matching feature on an eval set:
 *   kb-ablate KNOWLEDGE_DIR FILE.tsv
 * loads the knowledge once per feature mask (all on; each one off; all
 * off) and prints the in-scope answered-correct rate, the out-of-scope
 * abstain rate and the urgent recall, judged as `faqbot eval` judges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"

typedef struct rates {
    size_t in_ok, in_n, out_ok, out_n, urg_ok, urg_n;
} rates;

static int id_in(const char *id, const char *list)
{
    size_t n = strlen(id);
    for (const char *p = list; *p;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == n && strncmp(p, id, n) == 0)
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}

static void judge(const kb *k, const char *exp, const kb_result *r, rates *c)
{
    const char *urgent = kb_urgent_entry_id(k);
    if (strcmp(exp, "-") == 0) {
        c->out_n++;
        c->out_ok += r->status == KB_NO_ANSWER;
    } else if (urgent && id_in(urgent, exp)) {
        c->urg_n++;
        c->urg_ok += r->status == KB_URGENT;
    } else {
        c->in_n++;
        c->in_ok += r->status == KB_ANSWERED && id_in(r->entry->id, exp);
    }
}

static int run(const char *dir, const char *tsv, unsigned features,
               rates *c)
{
    kb_load_opts o = {features};
    kb *k = kb_load_ex(dir, &o, NULL);
    kb_scratch *s = kb_scratch_new();
    FILE *f = fopen(tsv, "r");
    char line[4096];
    if (!k || !s || !f)
        return -1;
    memset(c, 0, sizeof *c);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = '\0';
        kb_result r;
        if (kb_answer(k, s, line, strlen(line), &r) == 0)
            judge(k, tab + 1, &r, c);
    }
    fclose(f);
    kb_scratch_free(s);
    kb_free(k);
    return 0;
}

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 100.0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: kb-ablate KNOWLEDGE_DIR FILE.tsv\n");
        return 2;
    }
    static const struct { const char *name; unsigned mask; } runs[] = {
        {"all features", KB_FEAT_ALL},
        {"- synonyms", KB_FEAT_ALL & ~KB_FEAT_SYNONYMS},
        {"- typo repair", KB_FEAT_ALL & ~KB_FEAT_TYPO},
        {"- phrase pairs", KB_FEAT_ALL & ~KB_FEAT_BIGRAMS},
        {"- per-alternate", KB_FEAT_ALL & ~KB_FEAT_ALTS},
        {"plain BM25F", 0},
    };
    printf("%-16s %9s %9s %9s\n", "", "in-scope", "abstain", "urgent");
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        rates c;
        if (run(argv[1], argv[2], runs[i].mask, &c) < 0) {
            fprintf(stderr, "kb-ablate: cannot load %s or read %s\n",
                    argv[1], argv[2]);
            return 1;
        }
        printf("%-16s %8.1f%% %8.1f%% %8.1f%%\n", runs[i].name,
               pct(c.in_ok, c.in_n), pct(c.out_ok, c.out_n),
               pct(c.urg_ok, c.urg_n));
    }
    return 0;
}
