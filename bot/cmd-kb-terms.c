/* cmd-kb-terms.c - `faqbot kb terms`: the triage reading of each line of
 * stdin (stems, "?" for words the knowledge never uses), one line out per
 * line in; what tests/eval/train-triage-model.py trains the model on. */
#include "app.h"
#include "cmd-kb.h"
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int terms_usage(void)
{
    printf("usage: faqbot kb terms [--knowledge DIR] < questions\n\n"
           "Prints the triage reading of each line of stdin: the stems\n"
           "triage and triage-model.tsv see (stopwords kept, typos\n"
           "repaired, synonyms applied), \"?\" for a word the knowledge\n"
           "never uses.  For training the model.\n");
    return 0;
}

/* Read stdin line by line into terms.  0, or -1 on OOM. */
static int terms_run(const kb *k, kb_scratch *s)
{
    char *line = NULL;
    size_t cap = 0, n_names;
    ssize_t n;
    const char **names = kb_term_names(k, &n_names);
    int rc = names ? 0 : -1;
    while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *t = kb_triage_terms(k, s, names, n_names, line, (size_t)n);
        if (!t)
            rc = -1;
        else
            printf("%s\n", t);
        free(t);
    }
    free(line);
    free(names);
    return rc;
}

int cmd_kb_terms(int argc, char **argv)
{
    const char *kdir = NULL, *v;
    if (cmd_wants_help(argc, argv))
        return terms_usage();
    for (int i = 0; i < argc; i++) {
        if (app_opt(argc, argv, &i, "--knowledge", &v))
            kdir = v;
        else {
            fprintf(stderr, "faqbot kb terms: unexpected '%s'\n", argv[i]);
            return 2;
        }
    }
    config cfg;
    if (app_config(NULL, &cfg) < 0)
        return 1;
    kb *k = app_knowledge(&cfg, kdir, NULL, 0);
    kb_scratch *s = k ? kb_scratch_new() : NULL;
    int rc = s && terms_run(k, s) == 0 ? 0 : 1;
    if (k && !s)
        fprintf(stderr, "faqbot kb terms: out of memory\n");
    kb_scratch_free(s);
    kb_free(k);
    config_free(&cfg);
    return rc;
}
