/* cmd-plugins.c - `faqbot plugins`: what is in the plugin directory. */
#include "app.h"
#include "commands.h"
#include "paths.h"
#include "plugin-load.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int plugins_usage(void)
{
    printf("usage: faqbot plugins [--config FILE]\n\n"
           "Lists every plugin (*.so) in the plugin directory with its ABI,\n"
           "version and description, or the reason it would be refused.\n");
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show_plugin(const char *dir, const char *file)
{
    char path[PATH_MAX * 2], err[600];
    plugin_so so;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (plugin_so_open_path(path, &so, err, sizeof err) < 0) {
        printf("%-12s refused: %s\n", file, err);
        return;
    }
    printf("%-12s ABI %u  %-8s %s\n", so.desc->name, (unsigned)so.desc->abi_version,
           so.desc->version ? so.desc->version : "?",
           so.desc->description ? so.desc->description : "");
    plugin_so_close(&so);
}

int cmd_plugins(int argc, char **argv)
{
    const char *cfg_path = NULL;
    if (cmd_wants_help(argc, argv))
        return plugins_usage();
    for (int i = 0; i < argc; i++)
        if (!app_opt(argc, argv, &i, "--config", &cfg_path)) {
            fprintf(stderr, "faqbot plugins: unknown option '%s'\n", argv[i]);
            return 2;
        }
    config cfg;
    if (app_config(cfg_path, &cfg) < 0)
        return 1;
    char dir[PATH_MAX];
    paths_plugin_dir(cfg.plugin_dir, dir, sizeof dir);
    config_free(&cfg);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "faqbot plugins: cannot open %s\n", dir);
        return 1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char **grown;
        if (!ends_with(de->d_name, ".so") ||
            !(grown = realloc(names, (n + 1) * sizeof *names)))
            continue;
        names = grown;
        if ((names[n] = strdup(de->d_name)) != NULL)
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    printf("plugins in %s:\n", dir);
    for (size_t i = 0; i < n; i++) {
        show_plugin(dir, names[i]);
        free(names[i]);
    }
    free(names);
    return 0;
}
