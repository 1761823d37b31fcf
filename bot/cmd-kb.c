/* cmd-kb.c - `faqbot kb lint [DIR]`: knowledge base tools. */
#include "app.h"
#include "commands.h"
#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static int kb_usage(void)
{
    printf("usage: faqbot kb lint [DIR]\n\n"
           "lint   validates every file of the knowledge directory (default:\n"
           "       the bundled knowledge/): JSON syntax (file:line), schema,\n"
           "       duplicate ids, dangling related ids, citations of unknown\n"
           "       sources or sections, empty or over-long answers; warns on\n"
           "       thin or confusable entries.  Exits 1 on any error.\n");
    return 0;
}

static int kb_lint_cmd(const char *dir)
{
    char buf[PATH_MAX];
    if (!dir)
        dir = paths_knowledge_dir(NULL, buf, sizeof buf);
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
    if (argc < 1 || cmd_wants_help(argc, argv))
        return argc < 1 ? (kb_usage(), 2) : kb_usage();
    if (strcmp(argv[0], "lint") == 0)
        return kb_lint_cmd(argc > 1 ? argv[1] : NULL);
    fprintf(stderr, "faqbot kb: unknown subcommand '%s'\n", argv[0]);
    return 2;
}
