/* config.c - parse and validate the bot configuration, see config.h. */
#include "config.h"

#include "config-priv.h"

#include "build-info.h"
#include "kb.h"
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define err_add config_err_add
#define get_str config_get_str
#define check_keys config_check_keys
#define valid_name config_valid_name

void config_err_add(config_errors *e, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char **lines = realloc(e->lines, (e->count + 1) * sizeof *lines);
    if (!lines)
        return;
    e->lines = lines;
    if ((e->lines[e->count] = strdup(line)) != NULL)
        e->count++;
}

void config_errors_free(config_errors *e)
{
    for (size_t i = 0; i < e->count; i++)
        free(e->lines[i]);
    free(e->lines);
    e->lines = NULL;
    e->count = 0;
}

void config_free(config *c)
{
    free(c->path);
    free(c->knowledge_dir);
    free(c->plugin_dir);
    free(c->state_dir);
    free(c->emergency_number);
    for (size_t i = 0; i < c->n_plugins; i++) {
        free(c->plugins[i].instance);
        free(c->plugins[i].plugin);
        free(c->plugins[i].json);
    }
    free(c->plugins);
    config_rooms_free(c);
    memset(c, 0, sizeof *c);
}

/* Optional string (or null) at obj.key; copies into *out. */
void config_get_str(json_t *obj, const char *key, const char *path,
                    char **out, config_errors *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return;
    if (!json_is_string(v) || json_string_length(v) == 0) {
        err_add(e, "%s.%s: expected a non-empty string", path, key);
        return;
    }
    free(*out);
    if (!(*out = strdup(json_string_value(v))))
        err_add(e, "%s.%s: out of memory", path, key);
}

static void get_int(json_t *obj, const char *key, const char *path,
                    long long min, long long max, long long *out,
                    config_errors *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return;
    if (!json_is_integer(v) || json_integer_value(v) < min ||
        json_integer_value(v) > max) {
        err_add(e, "%s.%s: expected an integer from %lld to %lld", path, key,
                min, max);
        return;
    }
    *out = json_integer_value(v);
}

static void get_bool(json_t *obj, const char *key, const char *path,
                     int *out, config_errors *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return;
    if (!json_is_boolean(v)) {
        err_add(e, "%s.%s: expected true or false", path, key);
        return;
    }
    *out = json_is_true(v);
}

/* Report keys of obj not in allowed (NULL-terminated). */
void config_check_keys(json_t *obj, const char *path,
                       const char *const *allowed, config_errors *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int ok = strcmp(key, "comment") == 0;   /* notes, anywhere */
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok)
            err_add(e, "%s.%s: unknown key", path, key);
    }
}

static void parse_log(json_t *root, config *c, config_errors *e)
{
    static const char *const keys[] = {"level", "json", NULL};
    json_t *lg = json_object_get(root, "log");
    if (!lg)
        return;
    if (!json_is_object(lg)) {
        err_add(e, "$.log: expected an object");
        return;
    }
    check_keys(lg, "$.log", keys, e);
    json_t *lv = json_object_get(lg, "level");
    if (lv) {
        int level = json_is_string(lv) ? log_level_parse(json_string_value(lv)) : -1;
        if (level < 0)
            err_add(e, "$.log.level: expected \"debug\", \"info\", \"warn\" or \"error\"");
        else
            c->log_level = level;
    }
    get_bool(lg, "json", "$.log", &c->log_json, e);
}

static void parse_limits(json_t *root, config *c, config_errors *e)
{
    static const char *const keys[] = {"max_message_bytes", "per_user_per_minute",
                                       "global_per_minute", NULL};
    json_t *lim = json_object_get(root, "limits");
    if (!lim)
        return;
    if (!json_is_object(lim)) {
        err_add(e, "$.limits: expected an object");
        return;
    }
    check_keys(lim, "$.limits", keys, e);
    long long v = (long long)c->max_message_bytes;
    get_int(lim, "max_message_bytes", "$.limits", 16, 1 << 20, &v, e);
    c->max_message_bytes = (size_t)v;
    v = c->per_user_per_minute;
    get_int(lim, "per_user_per_minute", "$.limits", 0, 100000, &v, e);
    c->per_user_per_minute = (int)v;
    v = c->global_per_minute;
    get_int(lim, "global_per_minute", "$.limits", 0, 10000000, &v, e);
    c->global_per_minute = (int)v;
}

int config_valid_name(const char *s)
{
    if (!*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return 0;
    return 1;
}

static void parse_plugin(const char *name, json_t *obj, config *c,
                         config_errors *e)
{
    char path[160];
    snprintf(path, sizeof path, "$.plugins.%s", name);
    if (!json_is_object(obj)) {
        err_add(e, "%s: expected an object", path);
        return;
    }
    if (!valid_name(name))
        err_add(e, "%s: instance names use a-z, 0-9, '-' and '_'", path);
    config_plugin *p = &c->plugins[c->n_plugins];
    memset(p, 0, sizeof *p);
    p->enabled = 1;
    get_bool(obj, "enabled", path, &p->enabled, e);
    get_str(obj, "plugin", path, &p->plugin, e);
    if (p->plugin && (strchr(p->plugin, '/') || strstr(p->plugin, "..")))
        err_add(e, "%s.plugin: a plugin name may not contain '/' or '..'", path);
    p->instance = strdup(name);
    if (!p->plugin)
        p->plugin = strdup(name);
    p->json = json_dumps(obj, JSON_COMPACT);
    c->n_plugins++;
}

static void parse_plugins(json_t *root, config *c, config_errors *e)
{
    json_t *pl = json_object_get(root, "plugins");
    if (!pl)
        return;
    if (!json_is_object(pl)) {
        err_add(e, "$.plugins: expected an object of plugin instances");
        return;
    }
    c->plugins = calloc(json_object_size(pl) + 1, sizeof *c->plugins);
    if (!c->plugins) {
        err_add(e, "$.plugins: out of memory");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(pl, key, v)
        parse_plugin(key, v, c, e);
}

static void parse_knowledge_text(json_t *root, config *c, config_errors *e)
{
    json_t *v = json_object_get(root, "knowledge_text");
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    if (!v)
        return;
    if (strcmp(s, "memory") == 0)
        c->knowledge_text = CONFIG_TEXT_MEMORY;
    else if (strcmp(s, "disk") == 0)
        c->knowledge_text = CONFIG_TEXT_DISK;
    else
        err_add(e, "$.knowledge_text: expected \"memory\" or \"disk\"");
}

unsigned config_kb_features(const config *c)
{
    unsigned f = KB_FEAT_ALL;
    if (c && c->knowledge_text == CONFIG_TEXT_DISK)
        f |= KB_LOAD_LAZY_TEXT;
    return f;
}

static void set_defaults(config *c)
{
    memset(c, 0, sizeof *c);
    c->state_dir = strdup("state");
    c->log_level = LOG_INFO;
    c->max_message_bytes = 4096;
    c->per_user_per_minute = 20;
    c->global_per_minute = 6000;
}

static void parse_root(json_t *root, config *c, config_errors *e)
{
    static const char *const keys[] = {"knowledge_dir", "plugin_dir",
        "state_dir", "emergency_number", "log", "limits", "plugins",
        "knowledge_bases", "knowledge_text", "rooms", "gaps", "control_socket",
        "comment", NULL};
    if (!json_is_object(root)) {
        err_add(e, "$: expected an object");
        return;
    }
    check_keys(root, "$", keys, e);
    get_str(root, "knowledge_dir", "$", &c->knowledge_dir, e);
    parse_knowledge_text(root, c, e);
    get_str(root, "plugin_dir", "$", &c->plugin_dir, e);
    get_str(root, "state_dir", "$", &c->state_dir, e);
    get_str(root, "emergency_number", "$", &c->emergency_number, e);
    parse_log(root, c, e);
    parse_limits(root, c, e);
    parse_plugins(root, c, e);
    config_parse_kbs(root, c, e);
    config_parse_rooms(root, c, e);
    config_parse_gaps(root, c, e);
}

static int finish(json_t *root, config *c, config_errors *e)
{
    parse_root(root, c, e);
    json_decref(root);
    if (!c->emergency_number)
        c->emergency_number = strdup("your local emergency number");
    if (e->count) {
        config_free(c);
        return -1;
    }
    return 0;
}

int config_load_text(const char *text, const char *name, config *c,
                     config_errors *e)
{
    json_error_t jerr;
    memset(e, 0, sizeof *e);
    set_defaults(c);
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        err_add(e, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
        config_free(c);
        return -1;
    }
    return finish(root, c, e);
}

int config_load(const char *path, config *c, config_errors *e)
{
    if (!path)
        return config_load_text(FAQBOT_DEFAULT_CONFIG_JSON, "(built-in config)", c, e);
    json_error_t jerr;
    memset(e, 0, sizeof *e);
    set_defaults(c);
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        err_add(e, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
        config_free(c);
        return -1;
    }
    c->path = strdup(path);
    return finish(root, c, e);
}

const config_plugin *config_find_plugin(const config *c, const char *instance)
{
    for (size_t i = 0; i < c->n_plugins; i++)
        if (strcmp(c->plugins[i].instance, instance) == 0)
            return &c->plugins[i];
    return NULL;
}
