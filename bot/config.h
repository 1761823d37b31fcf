/* config.h - the bot's configuration: a JSON file, or the defaults
 * compiled in from config/faqbot.json.  Every problem is reported with its
 * JSON path ("$.plugins.telegram.enabled: expected true or false"). */
#ifndef FAQBOT_CONFIG_H
#define FAQBOT_CONFIG_H

#include <stddef.h>

typedef struct config_plugin {
    char *instance;        /* key under "plugins" */
    char *plugin;          /* .so name ("plugin", default: instance) */
    int enabled;
    char *json;            /* the instance object, as JSON text */
} config_plugin;

/* A named knowledge base ("knowledge_bases": {"name": "dir"}). */
typedef struct config_kb {
    char *name;
    char *dir;
} config_kb;

/* Per-room settings ("rooms": {"<instance>/<chat id>": {...}}). */
typedef struct config_room {
    char *key;             /* "<instance>/<chat id>" */
    char *knowledge;       /* a knowledge_bases name, or NULL: default */
    char *language;        /* Snowball name, or NULL */
    int answer;            /* CONFIG_ANSWER_* */
} config_room;

enum { CONFIG_ANSWER_UNSET = 0, CONFIG_ANSWER_MENTIONS = 1, CONFIG_ANSWER_ALL = 2 };

/* "knowledge_text": entries' questions and answers kept in memory, or
 * read back from their files when needed (KB_LOAD_LAZY_TEXT). */
enum { CONFIG_TEXT_MEMORY = 0, CONFIG_TEXT_DISK = 1 };

typedef struct config {
    char *path;            /* file loaded, or NULL for the built-in one */
    char *knowledge_dir;   /* NULL: search the defaults (see paths.c) */
    int knowledge_text;    /* CONFIG_TEXT_*, for every knowledge base */
    char *plugin_dir;      /* NULL: next to the binary */
    char *state_dir;
    char *emergency_number;
    int log_level;
    int log_json;
    size_t max_message_bytes;
    int per_user_per_minute;
    int global_per_minute;
    config_plugin *plugins;
    size_t n_plugins;
    config_kb *kbs;        /* extra named knowledge bases */
    size_t n_kbs;
    config_room *rooms;
    size_t n_rooms;
    char *gaps_file;       /* knowledge-gap log (JSON lines), NULL: off */
    char *control_socket;  /* unix socket for stats/reload, NULL: none */
} config;

typedef struct config_errors {
    char **lines;          /* "$.path: problem" */
    size_t count;
} config_errors;

/* Load path (NULL: the built-in default).  Returns 0 and fills *cfg, or -1
 * with every problem in *errs (and *cfg freed).  Caller frees with
 * config_free() and config_errors_free(). */
int config_load(const char *path, config *cfg, config_errors *errs);
int config_load_text(const char *text, const char *name, config *cfg,
                     config_errors *errs);
void config_free(config *cfg);
void config_errors_free(config_errors *errs);
const config_plugin *config_find_plugin(const config *cfg, const char *instance);
/* kb_load_opts.features for every knowledge base cfg loads (cfg may be
 * NULL: the defaults): every feature, plus KB_LOAD_LAZY_TEXT for
 * "knowledge_text": "disk". */
unsigned config_kb_features(const config *cfg);
/* The settings of room "<instance>/<chat_id>", or NULL. */
const config_room *config_find_room(const config *cfg, const char *instance,
                                    const char *chat_id);

#endif
