/* app.c - common subcommand set-up, see app.h. */
#include "app.h"

#include "log.h"
#include "paths.h"

#include <limits.h>
#include <string.h>

int app_config(const char *path, config *cfg)
{
    config_errors errs;
    if (config_load(path, cfg, &errs) < 0) {
        for (size_t i = 0; i < errs.count; i++)
            fprintf(stderr, "faqbot: config: %s\n", errs.lines[i]);
        config_errors_free(&errs);
        return -1;
    }
    log_setup(cfg->log_level, cfg->log_json);
    return 0;
}

void app_print_diag(FILE *f, const kb_diag *d)
{
    char line[2048];
    for (size_t i = 0; i < d->count; i++) {
        kb_diag_format(&d->items[i], line, sizeof line);
        fprintf(f, "%s\n", line);
    }
}

kb *app_knowledge(const config *cfg, const char *dir, char *used, size_t len)
{
    char buf[PATH_MAX];
    if (!dir)
        dir = paths_knowledge_dir(cfg ? cfg->knowledge_dir : NULL, buf, sizeof buf);
    if (used)
        snprintf(used, len, "%s", dir);
    kb_diag d;
    kb_diag_init(&d);
    kb_load_opts opts = {config_kb_features(cfg)};
    kb *k = kb_load_ex(dir, &opts, &d);
    app_print_diag(stderr, &d);
    if (!k)
        fprintf(stderr, "faqbot: knowledge in %s refused (%zu error%s)\n", dir,
                d.errors, d.errors == 1 ? "" : "s");
    kb_diag_free(&d);
    return k;
}

int app_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] == '\0' && *i + 1 < argc) {
        *val = argv[++*i];
        return 1;
    }
    return 0;
}
