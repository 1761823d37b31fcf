/* cmd-kb.c - `faqbot kb lint|new|import|gaps|terms`: knowledge base tools
 * (lint here, the others in cmd-kb-<name>.c). */
#include "app.h"
#include "cmd-kb.h"
#include "commands.h"
#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static int kb_usage(void)
{
    printf("usage: faqbot kb lint [DIR]\n"
           "       faqbot kb new ID [--dir DIR] [--title T] [--force]\n"
           "       faqbot kb import FILE [--id ID] [--out DIR] [--force]\n"
           "       faqbot kb gaps [FILE] [--threshold 0.5] [--json]\n"
           "       faqbot kb terms [--knowledge DIR] < questions\n\n"
           "lint   validates every file of the knowledge directory (default:\n"
           "       the bundled knowledge/): JSON syntax (file:line), schema,\n"
           "       duplicate ids, dangling related ids, citations of unknown\n"
           "       sources or sections, empty or over-long answers; warns on\n"
           "       thin entries, near-duplicate alternates, and alternates\n"
           "       that match another entry better (confusion).  Exits 1 on\n"
           "       any error.\n"
           "new    writes entries/ID.json with every field to fill in.\n"
           "import drafts a source description and skeleton entries from an\n"
           "       article (plain text or Markdown).\n"
           "gaps   groups the logged unanswered questions, most frequent\n"
           "       first, with the closest entry.\n"
           "terms  prints the triage reading of each line (for training\n"
           "       triage-model.tsv).\n"
           "Each takes --help.\n");
    return 0;
}

/* faqbot kb lint [DIR]: argv holds what follows "lint". */
static int kb_lint_cmd(int argc, char **argv)
{
    char buf[PATH_MAX];
    if (cmd_wants_help(argc, argv))
        return kb_usage();
    if (argc > 1 || (argc == 1 && argv[0][0] == '-')) {
        fprintf(stderr, "faqbot kb lint: expected at most one knowledge directory, "
                        "got '%s'\nusage: faqbot kb lint [DIR]\n", argv[argc - 1]);
        return 2;
    }
    const char *dir = argc ? argv[0] : paths_knowledge_dir(NULL, buf, sizeof buf);
    kb_diag d;
    kb_diag_init(&d);
    size_t errors = kb_lint(dir, &d);
    app_print_diag(stdout, &d);
    printf("%s: %zu error%s, %zu warning%s\n", dir, errors, errors == 1 ? "" : "s",
           d.warnings, d.warnings == 1 ? "" : "s");
    kb_diag_free(&d);
    return errors ? 1 : 0;
}

int cmd_kb(int argc, char **argv)
{
    if (argc < 1 || cmd_wants_help(1, argv))
        return argc < 1 ? (kb_usage(), 2) : kb_usage();
    if (strcmp(argv[0], "lint") == 0)
        return kb_lint_cmd(argc - 1, argv + 1);
    if (strcmp(argv[0], "new") == 0)
        return cmd_kb_new(argc - 1, argv + 1);
    if (strcmp(argv[0], "import") == 0)
        return cmd_kb_import(argc - 1, argv + 1);
    if (strcmp(argv[0], "gaps") == 0)
        return cmd_kb_gaps(argc - 1, argv + 1);
    if (strcmp(argv[0], "terms") == 0)
        return cmd_kb_terms(argc - 1, argv + 1);
    fprintf(stderr, "faqbot kb: unknown subcommand '%s'\n", argv[0]);
    return 2;
}
