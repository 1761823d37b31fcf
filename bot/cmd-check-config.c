/* cmd-check-config.c - `faqbot check-config [FILE]`: validate the whole
 * config - keys and types, every knowledge base, directories and files it
 * names, secret files' modes, rooms, and every enabled plugin (loaded and
 * created, never run) - and print every problem with its JSON path. */
#include "app.h"
#include "commands.h"
#include "host-priv.h"
#include "host.h"
#include "log.h"
#include "paths.h"

#include <jansson.h>
#include <libstemmer.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cc_usage(void)
{
    printf("usage: faqbot check-config [FILE]\n\n"
           "Validates a config (default: the built-in one): unknown keys and\n"
           "wrong types, every knowledge base (knowledge_dir and\n"
           "knowledge_bases), state_dir, gaps.file and control_socket,\n"
           "secrets in the file or in files not of mode 0600, rooms naming\n"
           "unknown instances, and every enabled plugin: it is loaded and\n"
           "its create() run (so missing tokens show), but never started.\n"
           "Prints each problem with its JSON path; exits 1 on any.\n");
    return 0;
}

typedef struct cc {
    size_t problems, warnings;
} cc;

static void problem(cc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(cc *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    c->problems++;
}

static void check_kb(cc *c, const config *cfg, const char *path,
                     const char *dir)
{
    kb_diag d;
    char line[2048];
    kb_load_opts opts = {config_kb_features(cfg)};
    kb_diag_init(&d);
    kb *k = kb_load_ex(dir, &opts, &d);
    for (size_t i = 0; i < d.count; i++) {
        kb_diag_format(&d.items[i], line, sizeof line);
        if (d.items[i].severity == KB_ERROR)
            problem(c, "%s: %s", path, line);
        else {
            printf("warning: %s: %s\n", path, line);
            c->warnings++;
        }
    }
    if (!k && d.errors == 0)
        problem(c, "%s: %s: cannot load", path, dir);
    kb_free(k);
    kb_diag_free(&d);
}

/* A directory the bot writes into: writable, or creatable. */
static void check_writable_dir(cc *c, const char *path, const char *dir)
{
    if (!paths_creatable_dir(dir))
        problem(c, "%s: %s is not a writable directory and cannot be created",
                path, dir);
}

/* A file the bot creates: writable if it exists, else its directory
 * writable or creatable. */
static void check_file_dir(cc *c, const char *path, const char *file)
{
    char copy[PATH_MAX];
    if (access(file, F_OK) == 0) {
        if (access(file, W_OK) < 0)
            problem(c, "%s: %s is not writable", path, file);
        return;
    }
    snprintf(copy, sizeof copy, "%s", file);
    const char *parent = dirname(copy);
    if (!paths_creatable_dir(parent))
        problem(c, "%s: directory %s is missing or not writable", path, parent);
}

static int is_secret_key(const char *key)
{
    return strstr(key, "token") || strstr(key, "password") || strstr(key, "secret");
}

/* Secrets: never inline; *_file ones readable and mode 0600 (or 0400). */
static void check_secrets(cc *c, const config_plugin *p)
{
    json_t *o = json_loads(p->json, 0, NULL), *v;
    const char *key;
    char path[256];
    json_object_foreach(o, key, v) {
        size_t n = strlen(key);
        snprintf(path, sizeof path, "$.plugins.%s.%s", p->instance, key);
        if (!is_secret_key(key) || !json_is_string(v))
            continue;
        if (n > 5 && strcmp(key + n - 5, "_file") == 0) {
            struct stat st;
            const char *f = json_string_value(v);
            if (stat(f, &st) < 0 || access(f, R_OK) < 0)
                problem(c, "%s: cannot read %s", path, f);
            else if (st.st_mode & 077)
                problem(c, "%s: %s has mode %04o; a secret file must be 0600",
                        path, f, (unsigned)(st.st_mode & 07777));
        } else if (!(n > 4 && strcmp(key + n - 4, "_env") == 0)) {
            problem(c, "%s: secrets may not sit in the config file; use an "
                    "environment variable (*_env) or a 0600 file (*_file)", path);
        }
    }
    json_decref(o);
}

static void check_rooms(cc *c, const config *cfg)
{
    for (size_t i = 0; i < cfg->n_rooms; i++) {
        const char *key = cfg->rooms[i].key, *lang = cfg->rooms[i].language;
        struct sb_stemmer *st = lang ? sb_stemmer_new(lang, NULL) : NULL;
        if (lang && !st)
            problem(c, "$.rooms[\"%s\"].language: \"%s\" is not a Snowball "
                    "language (english, french, german, ...)", key, lang);
        if (st)
            sb_stemmer_delete(st);
        size_t n = strcspn(key, "/");
        int found = 0;
        for (size_t j = 0; j < cfg->n_plugins && !found; j++)
            found = strlen(cfg->plugins[j].instance) == n &&
                    strncmp(cfg->plugins[j].instance, key, n) == 0;
        if (!found)
            problem(c, "$.rooms[\"%s\"]: no plugin instance \"%.*s\"", key,
                    (int)n, key);
    }
}

static void check_plugins(cc *c, const config *cfg)
{
    char err[1024];
    for (size_t i = 0; i < cfg->n_plugins; i++) {
        const config_plugin *p = &cfg->plugins[i];
        check_secrets(c, p);
        /* a create() that crashes is caught in a child process first */
        if (p->enabled && (host_isolate_probe(cfg, p, err, sizeof err) < 0 ||
                           host_probe(cfg, p, err, sizeof err) < 0))
            problem(c, "$.plugins.%s: %s", p->instance, err);
    }
}

static void check_all(cc *c, const config *cfg)
{
    char dir[PATH_MAX];
    check_kb(c, cfg, "$.knowledge_dir", paths_knowledge_dir(cfg->knowledge_dir, dir, sizeof dir));
    for (size_t i = 0; i < cfg->n_kbs; i++) {
        char path[128];
        snprintf(path, sizeof path, "$.knowledge_bases.%s", cfg->kbs[i].name);
        check_kb(c, cfg, path, cfg->kbs[i].dir);
    }
    check_writable_dir(c, "$.state_dir", cfg->state_dir);
    if (cfg->gaps_file)
        check_file_dir(c, "$.gaps.file", cfg->gaps_file);
    if (cfg->control_socket) {
        if (strlen(cfg->control_socket) >= 108)
            problem(c, "$.control_socket: path longer than 107 bytes");
        else
            check_file_dir(c, "$.control_socket", cfg->control_socket);
    }
    check_rooms(c, cfg);
    check_plugins(c, cfg);
}

int cmd_check_config(int argc, char **argv)
{
    const char *path = NULL;
    config cfg;
    config_errors errs;
    cc c = {0, 0};
    if (cmd_wants_help(argc, argv))
        return cc_usage();
    if (argc > 1) {
        fprintf(stderr, "faqbot check-config: give at most one FILE\n");
        return 2;
    }
    path = argc ? argv[0] : NULL;
    const char *name = path ? path : "(built-in config)";
    log_setup(LOG_WARN, 0);   /* plugins' create() may log; keep it short */
    if (config_load(path, &cfg, &errs) < 0) {
        for (size_t i = 0; i < errs.count; i++)
            problem(&c, "%s", errs.lines[i]);
        config_errors_free(&errs);
    } else {
        check_all(&c, &cfg);
        config_free(&cfg);
    }
    if (c.problems)
        printf("%s: %zu problem%s\n", name, c.problems, c.problems == 1 ? "" : "s");
    else
        printf("%s: OK (%zu warning%s)\n", name, c.warnings, c.warnings == 1 ? "" : "s");
    log_shutdown();
    return c.problems ? 1 : 0;
}
