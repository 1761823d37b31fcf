/* cmd-kb-new.c - `faqbot kb new ID`: an entry file with every field, for
 * a maintainer to fill in.  It fails `kb lint` (empty answer, no
 * questions) until it is complete, so a half-written entry never loads. */
#include "app.h"
#include "cmd-kb.h"
#include "commands.h"
#include "paths.h"
#include "scaffold.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static int new_usage(void)
{
    printf("usage: faqbot kb new ID [--dir DIR] [--title TITLE] [--source SOURCE]\n"
           "                        [--section HEADING] [--force]\n\n"
           "Writes DIR/entries/ID.json (DIR: the knowledge directory) with every\n"
           "field: id, title, questions, keywords, answer, citations, related.\n"
           "Fill in at least 8 questions, the answer and the citation, then run\n"
           "`faqbot kb lint`: until then the entry is refused, so the bot (and a\n"
           "reload) keeps the knowledge it has.\n");
    return 0;
}

static int id_ok(const char *id)
{
    if (!*id || strlen(id) > 64)
        return 0;
    for (; *id; id++)
        if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9') || *id == '-'))
            return 0;
    return 1;
}

int cmd_kb_new(int argc, char **argv)
{
    const char *id = NULL, *dir = NULL, *title = NULL, *source = "",
               *section = "", *v;
    int force = 0;
    char buf[PATH_MAX], path[PATH_MAX], err[PATH_MAX + 64];
    if (cmd_wants_help(argc, argv))
        return new_usage();
    for (int i = 0; i < argc; i++) {
        if (app_opt(argc, argv, &i, "--dir", &v))
            dir = v;
        else if (app_opt(argc, argv, &i, "--title", &v))
            title = v;
        else if (app_opt(argc, argv, &i, "--source", &v))
            source = v;
        else if (app_opt(argc, argv, &i, "--section", &v))
            section = v;
        else if (strcmp(argv[i], "--force") == 0)
            force = 1;
        else if (argv[i][0] == '-' || id) {
            fprintf(stderr, "faqbot kb new: unexpected '%s'\n", argv[i]);
            return 2;
        } else
            id = argv[i];
    }
    if (!id || !id_ok(id)) {
        fprintf(stderr, "faqbot kb new: give an ID of a-z, 0-9 and '-'\n");
        return 2;
    }
    if (!dir)
        dir = paths_knowledge_dir(NULL, buf, sizeof buf);
    if (snprintf(path, sizeof path, "%s/entries", dir) >= (int)sizeof path ||
        paths_mkdirs(path, 0755) < 0 ||
        snprintf(path, sizeof path, "%s/entries/%s.json", dir, id) >= (int)sizeof path) {
        fprintf(stderr, "faqbot kb new: cannot use %s/entries\n", dir);
        return 1;
    }
    json_t *e = scaffold_entry(id, title ? title : "", source, section, NULL);
    int rc = e ? scaffold_write(path, e, force, err, sizeof err) : -1;
    json_decref(e);
    if (rc < 0) {
        fprintf(stderr, "faqbot kb new: %s\n", e ? err : "out of memory");
        return 1;
    }
    printf("%s\nnext: fill in title, questions (8 or more), keywords, answer, "
           "citations and related, then run: faqbot kb lint %s\n", path, dir);
    return 0;
}
